namespace Hybrid.Optim;

/// <summary>
/// Scales each group's learning rate by a constant factor until epoch <c>totalIters</c>, then
/// restores it (torch.optim.lr_scheduler.ConstantLR): lr = initial_lr · (factor while epoch &lt; totalIters, else 1).
/// </summary>
public sealed class ConstantLR : LRScheduler
{
    readonly double _factor;
    readonly int _totalIters;

    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="factor">The factor before totalIters, in (0, 1] (default 1/3).</param>
    /// <param name="totalIters">Number of epochs scaled (default 5).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, int totalIters = 5, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        // PyTorch allows 0 here and then divides by it at totalIters.
        if (!(factor > 0 && factor <= 1))
            throw new ArgumentException($"ConstantLR: Constant multiplicative factor expected to be greater than 0 and at most 1, got {OptimChecks.Fmt(factor)}", nameof(factor));
        if (totalIters < 0) throw new ArgumentException($"ConstantLR: total_iters must be non-negative, got {totalIters}", nameof(totalIters));
        _factor = factor;
        _totalIters = totalIters;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0) return lrs.Select(lr => lr * _factor).ToArray();
        if (LastEpoch != _totalIters) return lrs;
        return lrs.Select(lr => lr / _factor).ToArray();
    }

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() =>
        BaseLrs.Select(lr => lr * (_factor + (LastEpoch >= _totalIters ? 1 - _factor : 0))).ToArray();
}
