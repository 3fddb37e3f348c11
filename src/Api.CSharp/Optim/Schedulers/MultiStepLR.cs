namespace Hybrid.Optim;

/// <summary>
/// Multiplies each group's learning rate by <c>gamma</c> at each milestone epoch
/// (torch.optim.lr_scheduler.MultiStepLR): lr = initial_lr · gamma^(number of milestones ≤ epoch).
/// A milestone listed twice decays twice.
/// </summary>
public sealed class MultiStepLR : LRScheduler
{
    readonly Dictionary<int, int> _milestones;
    readonly double _gamma;

    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="milestones">Epoch indices at which to decay.</param>
    /// <param name="gamma">Multiplicative factor of the decay (default 0.1).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = milestones.GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        _gamma = gamma;
        InitialStep();
    }

    /// <summary>The milestones in increasing order (repeats included).</summary>
    public IReadOnlyList<int> Milestones => _milestones.OrderBy(kv => kv.Key).SelectMany(kv => Enumerable.Repeat(kv.Key, kv.Value)).ToArray();

    /// <inheritdoc/>
    protected override double[] GetLr() =>
        _milestones.TryGetValue(LastEpoch, out var count)
            ? CurrentLrs().Select(lr => lr * Math.Pow(_gamma, count)).ToArray()
            : CurrentLrs();

    /// <inheritdoc/>
    protected override double[] ClosedFormLr()
    {
        var passed = _milestones.Where(kv => kv.Key <= LastEpoch).Sum(kv => kv.Value);
        return BaseLrs.Select(lr => lr * Math.Pow(_gamma, passed)).ToArray();
    }
}
