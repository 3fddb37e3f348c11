using System.Globalization;
using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// A set of parameters with its own options (one entry of PyTorch's <c>optimizer.param_groups</c>).
/// Options use PyTorch's keys ("lr", "momentum", "betas", "weight_decay", ...); the optimizer fills
/// every option the group leaves unset from its constructor's arguments. Schedulers change
/// <see cref="Lr"/> (and "momentum"/"betas") between steps.
/// <code>
/// var optimizer = new SGD(new[]
/// {
///     new ParamGroup(model.fc1.Parameters()) { Lr = 0.1 },
///     new ParamGroup(model.fc2.Parameters()) { ["momentum"] = 0.9 },
/// }, lr: 0.01);
/// </code>
/// </summary>
public sealed class ParamGroup
{
    readonly List<Parameter> _params;

    /// <summary>A group of <paramref name="parameters"/> with no options of its own yet.</summary>
    public ParamGroup(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _params = parameters.ToList();
        if (_params.Any(p => p is null)) throw new ArgumentException("ParamGroup: a parameter is null", nameof(parameters));
    }

    /// <summary>The parameters of this group, in order (PyTorch's <c>group["params"]</c>).</summary>
    public IReadOnlyList<Parameter> Params => _params;

    /// <summary>The options by PyTorch's key ("lr", "betas", "weight_decay", ...), the "params" entry aside.</summary>
    public Dictionary<string, object?> Options { get; } = new();

    /// <summary>An option by PyTorch's key; setting one in an object initializer overrides the optimizer's default.</summary>
    public object? this[string key]
    {
        get => Options.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"ParamGroup: no option '{key}' (options: {string.Join(", ", Options.Keys)})");
        set => Options[key] = value;
    }

    /// <summary>True when the group has the option.</summary>
    public bool Has(string key) => Options.ContainsKey(key);

    /// <summary>The learning rate ("lr"); LR schedulers set it before each step.</summary>
    public double Lr { get => GetDouble("lr"); set => Options["lr"] = value; }

    /// <summary>"momentum" (SGD, RMSprop); OneCycleLR cycles it.</summary>
    public double Momentum { get => GetDouble("momentum"); set => Options["momentum"] = value; }

    /// <summary>"weight_decay" (L2 penalty, or the decoupled decay of AdamW).</summary>
    public double WeightDecay { get => GetDouble("weight_decay"); set => Options["weight_decay"] = value; }

    /// <summary>"betas" of Adam and AdamW: the running-average coefficients (β1, β2); OneCycleLR cycles β1.</summary>
    public (double Beta1, double Beta2) Betas { get => GetBetas("betas"); set => Options["betas"] = value; }

    /// <summary>A numeric option as a double (ints and floats are converted).</summary>
    public double GetDouble(string key) => this[key] switch
    {
        double d => d,
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        var other => throw new InvalidCastException($"ParamGroup: option '{key}' is {other?.GetType().Name ?? "null"}, expected a number"),
    };

    /// <summary>A boolean option.</summary>
    public bool GetBool(string key) => this[key] is bool b ? b
        : throw new InvalidCastException($"ParamGroup: option '{key}' is {this[key]?.GetType().Name ?? "null"}, expected a bool");

    /// <summary>A pair option such as "betas", stored as a (double, double) tuple (a 2-element double[] is accepted).</summary>
    public (double, double) GetBetas(string key) => this[key] switch
    {
        ValueTuple<double, double> t => t,
        double[] { Length: 2 } a => (a[0], a[1]),
        var other => throw new InvalidCastException($"ParamGroup: option '{key}' is {other?.GetType().Name ?? "null"}, expected (double, double)"),
    };
}
