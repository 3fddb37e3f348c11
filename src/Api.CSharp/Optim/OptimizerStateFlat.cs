using System.Globalization;

namespace Hybrid.Optim;

/// <summary>
/// An <see cref="OptimizerStateDict"/> as flat tensors and strings, the shape a checkpoint file
/// (safetensors: tensors plus string metadata) can hold: tensors under "state.ID.KEY", numbers,
/// flags, pairs and index lists as tagged strings under "state.ID.KEY" and "group.G.KEY".
/// </summary>
public static class OptimizerStateFlat
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Splits a state dict into tensors and tagged scalar strings.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Scalars) Flatten(OptimizerStateDict state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var tensors = new Dictionary<string, Tensor>();
        var scalars = new Dictionary<string, string> { ["groups"] = state.ParamGroups.Count.ToString(Inv) };
        foreach (var (id, entries) in state.State)
            foreach (var (key, value) in entries)
            {
                var name = $"state.{id}.{key}";
                if (value is Tensor t) tensors[name] = t;
                else scalars[name] = Encode(value, name);
            }
        for (var g = 0; g < state.ParamGroups.Count; g++)
            foreach (var (key, value) in state.ParamGroups[g])
                scalars[$"group.{g}.{key}"] = Encode(value, key);
        return (tensors, scalars);
    }

    /// <summary>Rebuilds a state dict from <see cref="Flatten"/>'s output; malformed entries throw InvalidDataException.</summary>
    public static OptimizerStateDict Unflatten(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> scalars)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(scalars);
        var result = new OptimizerStateDict();
        if (!scalars.TryGetValue("groups", out var countText) || !int.TryParse(countText, NumberStyles.None, Inv, out var groups) || groups > 100_000)
            throw new InvalidDataException("optimizer state: missing or invalid group count");
        for (var g = 0; g < groups; g++) result.ParamGroups.Add(new Dictionary<string, object?>());
        foreach (var (name, text) in scalars)
        {
            if (name == "groups") continue;
            var parts = name.Split('.', 3);
            if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, Inv, out var index))
                throw new InvalidDataException($"optimizer state: malformed key '{name}'");
            if (parts[0] == "group" && index < groups) result.ParamGroups[index][parts[2]] = Decode(text, name);
            else if (parts[0] == "state") Entry(result, index)[parts[2]] = Decode(text, name) ?? throw new InvalidDataException($"optimizer state: null value for '{name}'");
            else throw new InvalidDataException($"optimizer state: unexpected key '{name}'");
        }
        foreach (var (name, tensor) in tensors)
        {
            var parts = name.Split('.', 3);
            if (parts.Length != 3 || parts[0] != "state" || !int.TryParse(parts[1], NumberStyles.None, Inv, out var index))
                throw new InvalidDataException($"optimizer state: malformed tensor key '{name}'");
            Entry(result, index)[parts[2]] = tensor;
        }
        return result;
    }

    static Dictionary<string, object> Entry(OptimizerStateDict state, int index) =>
        state.State.TryGetValue(index, out var e) ? e : state.State[index] = new Dictionary<string, object>();

    static string Encode(object? value, string what) => value switch
    {
        null => "n:",
        double d => "d:" + d.ToString("R", Inv),
        float f => "d:" + ((double)f).ToString("R", Inv),
        int i => "l:" + i.ToString(Inv),
        long l => "l:" + l.ToString(Inv),
        bool b => b ? "b:1" : "b:0",
        ValueTuple<double, double> p => "p:" + p.Item1.ToString("R", Inv) + "," + p.Item2.ToString("R", Inv),
        int[] ids => "i:" + string.Join(",", ids.Select(x => x.ToString(Inv))),
        string s => "s:" + s,
        _ => throw new NotSupportedException($"optimizer state: cannot store '{what}' of type {value.GetType().Name} in a checkpoint"),
    };

    /// <summary>An int when it fits (step counts and flags are ints in memory), else a long.</summary>
    static object Integer(long value) => value is >= int.MinValue and <= int.MaxValue ? (int)value : value;

    static object? Decode(string text, string name)
    {
        if (text.Length < 2 || text[1] != ':') throw new InvalidDataException($"optimizer state: malformed value for '{name}'");
        var body = text[2..];
        try
        {
            return text[0] switch
            {
                'n' => null,
                'd' => double.Parse(body, NumberStyles.Float, Inv),
                'l' => Integer(long.Parse(body, NumberStyles.Integer, Inv)),
                'b' => body == "1",
                'p' => body.Split(',') is [var a, var b] ? (double.Parse(a, NumberStyles.Float, Inv), double.Parse(b, NumberStyles.Float, Inv))
                    : throw new InvalidDataException($"optimizer state: malformed pair for '{name}'"),
                'i' => body.Length == 0 ? Array.Empty<int>() : body.Split(',').Select(x => int.Parse(x, NumberStyles.None, Inv)).ToArray(),
                's' => body,
                _ => throw new InvalidDataException($"optimizer state: unknown value tag in '{name}'"),
            };
        }
        catch (FormatException e) { throw new InvalidDataException($"optimizer state: malformed value for '{name}'", e); }
        catch (OverflowException e) { throw new InvalidDataException($"optimizer state: value out of range for '{name}'", e); }
    }
}
