namespace Hybrid.Optim;

/// <summary>
/// Base class of the learning-rate schedulers (torch.optim.lr_scheduler.LRScheduler). On
/// construction it records each group's "initial_lr" (unless resuming with lastEpoch ≥ 0) and
/// sets the learning rate of epoch 0; each <see cref="Step"/> advances <see cref="LastEpoch"/>
/// and writes the new rate into every group's <see cref="ParamGroup.Lr"/>. Rates follow
/// PyTorch's recursive (chainable) formulas, so schedulers applied to one optimizer compose.
/// Call <c>optimizer.Step()</c> before <c>scheduler.Step()</c>.
/// </summary>
public abstract class LRScheduler
{
    double[] _lastLr = Array.Empty<double>();

    /// <summary>
    /// Records "initial_lr" and the base rates. Subclasses set their own fields, then call
    /// <see cref="InitialStep"/> at the end of their constructor (PyTorch's base __init__ steps once).
    /// </summary>
    protected LRScheduler(Optimizer optimizer, int lastEpoch = -1)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        var groups = optimizer.ParamGroups;
        for (var i = 0; i < groups.Count; i++)
        {
            if (lastEpoch == -1) { if (!groups[i].Has("initial_lr")) groups[i]["initial_lr"] = groups[i].Lr; }
            else if (!groups[i].Has("initial_lr"))
                throw new ArgumentException($"{GetType().Name}: param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer", nameof(lastEpoch));
        }
        BaseLrs = groups.Select(g => g.GetDouble("initial_lr")).ToArray();
        LastEpoch = lastEpoch;
    }

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Each group's "initial_lr" (PyTorch's base_lrs).</summary>
    public IReadOnlyList<double> BaseLrs { get; }

    /// <summary>The index of the last epoch (or batch) stepped: 0 after construction.</summary>
    public int LastEpoch { get; private protected set; }

    /// <summary>How many times <see cref="Step"/> has run, the construction's initial step included.</summary>
    protected int StepCount { get; private protected set; }

    /// <summary>The learning rates this scheduler last set, one per group (PyTorch's get_last_lr()).</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <summary>Advances one epoch and sets every group's learning rate.</summary>
    public virtual void Step()
    {
        StepCount++;
        LastEpoch++;
        Apply(GetLr());
    }

    /// <summary>
    /// Restarts at <paramref name="epoch"/> with the closed-form rates where the scheduler has
    /// them (PyTorch's step(epoch)): how <see cref="SequentialLR"/> starts the next scheduler.
    /// </summary>
    internal void StepTo(int epoch)
    {
        StepCount++;
        LastEpoch = epoch;
        Apply(ClosedFormLr() ?? GetLr());
    }

    /// <summary>Takes back one epoch, leaving the rates (SequentialLR undoing the construction's step).</summary>
    internal void Rewind() => LastEpoch--;

    void Apply(double[] lrs)
    {
        var groups = Optimizer.ParamGroups;
        for (var i = 0; i < groups.Count; i++) groups[i].Lr = lrs[i];
        RecordLastLr(groups.Select(g => g.Lr));
    }

    /// <summary>Records the rates <see cref="GetLastLr"/> reports.</summary>
    private protected void RecordLastLr(IEnumerable<double> lrs) => _lastLr = lrs.ToArray();

    /// <summary>The first step, to epoch 0; subclasses call it last in their constructor.</summary>
    protected internal void InitialStep()
    {
        StepCount = 0;
        Step();
    }

    /// <summary>
    /// Each group's rate at <see cref="LastEpoch"/> from its base rate alone (PyTorch's
    /// _get_closed_form_lr), or null where the schedule has no closed form.
    /// </summary>
    protected virtual double[]? ClosedFormLr() => null;

    /// <summary>The learning rate of each group at <see cref="LastEpoch"/> (PyTorch's get_lr), from the groups' current rates.</summary>
    protected abstract double[] GetLr();

    /// <summary>The groups' current learning rates.</summary>
    protected double[] CurrentLrs() => Optimizer.ParamGroups.Select(g => g.Lr).ToArray();

    /// <summary>A scalar option spread over the groups, or one value per group (PyTorch's _format_param).</summary>
    protected double[] PerGroup(string name, IReadOnlyList<double> values)
    {
        var n = Optimizer.ParamGroups.Count;
        if (values.Count == 1) return Enumerable.Repeat(values[0], n).ToArray();
        if (values.Count != n) throw new ArgumentException($"{GetType().Name}: expected {n} values for {name}, got {values.Count}", name);
        return values.ToArray();
    }
}
