using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// Base class of the optimizers (torch.optim.Optimizer). An optimizer holds parameter groups,
/// each with its own options (<see cref="ParamGroup"/>), and per-parameter state (momentum
/// buffers, running averages, step counts). <see cref="Step()"/> updates, in place and without
/// recording a graph, every parameter whose <c>Grad</c> is set; parameters without a gradient
/// are skipped. Construct from <c>model.Parameters()</c> (one group) or from several
/// <see cref="ParamGroup"/>s; options a group leaves unset take the constructor's values.
/// </summary>
public abstract partial class Optimizer
{
    readonly List<ParamGroup> _groups = new();
    readonly Dictionary<string, object?> _defaults;
    readonly Action<ParamGroup> _validate;
    readonly Dictionary<Parameter, Dictionary<string, object>> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Sets up the groups: each group's unset options are filled from <paramref name="defaults"/>,
    /// then <paramref name="validate"/> checks them (it is run on the defaults first).
    /// </summary>
    protected Optimizer(IEnumerable<ParamGroup> paramGroups, IReadOnlyDictionary<string, object?> defaults, Action<ParamGroup> validate)
    {
        ArgumentNullException.ThrowIfNull(paramGroups);
        ArgumentNullException.ThrowIfNull(defaults);
        _validate = validate ?? throw new ArgumentNullException(nameof(validate));
        _defaults = new Dictionary<string, object?>(defaults);
        var probe = new ParamGroup(Array.Empty<Parameter>());
        foreach (var (key, value) in _defaults) probe.Options[key] = value;
        _validate(probe);
        var groups = paramGroups.ToList();
        if (groups.Count == 0 || groups.All(g => g is not null && g.Params.Count == 0))
            throw new ArgumentException($"{Name}: optimizer got an empty parameter list", nameof(paramGroups));
        foreach (var group in groups) AddParamGroup(group);
    }

    /// <summary>The optimizer's name in messages ("SGD", "Adam", ...).</summary>
    public string Name => GetType().Name;

    /// <summary>The parameter groups (PyTorch's <c>param_groups</c>); change <c>group.Lr</c> to change the learning rate.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>The constructor's options, which fill what a group leaves unset (PyTorch's <c>defaults</c>).</summary>
    public IReadOnlyDictionary<string, object?> Defaults => _defaults;

    /// <summary>Per-parameter state (PyTorch's <c>optimizer.state</c>): e.g. "momentum_buffer", "exp_avg", "step".</summary>
    public IReadOnlyDictionary<Parameter, Dictionary<string, object>> State => _state;

    /// <summary>
    /// Adds a group (PyTorch's <c>add_param_group</c>), e.g. to train layers unfrozen later.
    /// Its unset options take the defaults; a parameter may belong to one group only.
    /// </summary>
    public void AddParamGroup(ParamGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (_groups.Contains(group)) throw new ArgumentException($"{Name}: this parameter group was already added", nameof(group));
        var mine = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var p in group.Params)
            if (!mine.Add(p)) throw new ArgumentException($"{Name}: a parameter group contains the same parameter twice", nameof(group));
        if (_groups.SelectMany(g => g.Params).Any(mine.Contains))
            throw new ArgumentException($"{Name}: some parameters appear in more than one parameter group", nameof(group));
        foreach (var (key, value) in _defaults)
            if (!group.Options.ContainsKey(key)) group.Options[key] = value;
        _validate(group);
        _groups.Add(group);
        OnGroupAdded(group);
    }

    /// <summary>Called after a group is added (Adagrad initialises its accumulators here, as PyTorch does in __init__).</summary>
    protected virtual void OnGroupAdded(ParamGroup group) { }

    /// <summary>
    /// Clears the gradients of every parameter: to null by default (PyTorch 2's set_to_none=True),
    /// or to zeros in place.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in _groups.SelectMany(g => g.Params))
        {
            if (p.Grad is null) continue;
            if (setToNone) p.Grad = null!;
            else using (Torch.NoGrad()) p.Grad.Zero_();
        }
    }

    /// <summary>One optimization step over every parameter that has a gradient.</summary>
    public void Step() => StepCore(null);

    /// <summary>
    /// Calls <paramref name="closure"/> with grad enabled (it should zero the gradients, compute
    /// the loss, call Backward and return the loss), then steps. Returns the closure's loss.
    /// </summary>
    public Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        return StepCore(closure)!;
    }

    /// <summary>Evaluates the closure (if any) under grad mode, then runs <see cref="Update"/> per group without recording.</summary>
    protected virtual Tensor? StepCore(Func<Tensor>? closure)
    {
        Tensor? loss = null;
        if (closure is not null)
            using (Torch.EnableGrad()) loss = closure();
        using (Torch.NoGrad())
            foreach (var group in _groups) Update(group);
        return loss;
    }

    /// <summary>Updates the parameters of one group that have a gradient (runs under no-grad).</summary>
    protected virtual void Update(ParamGroup group) =>
        throw new NotSupportedException($"{Name} overrides StepCore instead of Update");

    /// <summary>The state of <paramref name="p"/>, created empty on first use.</summary>
    protected Dictionary<string, object> StateOf(Parameter p)
    {
        if (!_state.TryGetValue(p, out var s)) _state[p] = s = new Dictionary<string, object>();
        return s;
    }

    /// <summary>The parameters of <paramref name="group"/> that have a gradient, with it (detached).</summary>
    protected static IEnumerable<(Parameter Param, Tensor Grad)> WithGrad(ParamGroup group)
    {
        foreach (var p in group.Params)
            if (p.Grad is { } g) yield return (p, g.Detach());
    }
}
