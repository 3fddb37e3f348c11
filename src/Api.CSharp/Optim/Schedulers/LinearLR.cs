namespace Hybrid.Optim;

/// <summary>
/// Scales each group's learning rate by a factor that changes linearly from
/// <c>startFactor</c> to <c>endFactor</c> over <c>totalIters</c> epochs, then stays
/// (torch.optim.lr_scheduler.LinearLR, typically a warm-up):
/// lr = initial_lr · (startFactor + (endFactor − startFactor)·min(epoch, totalIters)/totalIters).
/// </summary>
public sealed class LinearLR : LRScheduler
{
    readonly double _startFactor, _endFactor;
    readonly int _totalIters;

    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="startFactor">Factor at epoch 0, in (0, 1] (default 1/3).</param>
    /// <param name="endFactor">Factor from epoch totalIters on, in [0, 1] (default 1).</param>
    /// <param name="totalIters">Number of epochs of the ramp (default 5).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        if (!(startFactor > 0 && startFactor <= 1))
            throw new ArgumentException($"LinearLR: Starting multiplicative factor expected to be greater than 0 and less or equal to 1, got {OptimChecks.Fmt(startFactor)}", nameof(startFactor));
        if (!(endFactor >= 0 && endFactor <= 1))
            throw new ArgumentException($"LinearLR: Ending multiplicative factor expected to be between 0 and 1, got {OptimChecks.Fmt(endFactor)}", nameof(endFactor));
        if (totalIters <= 0) throw new ArgumentException($"LinearLR: total_iters must be positive, got {totalIters}", nameof(totalIters));
        _startFactor = startFactor;
        _endFactor = endFactor;
        _totalIters = totalIters;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0) return lrs.Select(lr => lr * _startFactor).ToArray();
        if (LastEpoch > _totalIters) return lrs;
        var factor = 1.0 + (_endFactor - _startFactor) / (_totalIters * _startFactor + (LastEpoch - 1) * (_endFactor - _startFactor));
        return lrs.Select(lr => lr * factor).ToArray();
    }

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() =>
        BaseLrs.Select(lr => lr * (_startFactor + (_endFactor - _startFactor) * Math.Min(_totalIters, LastEpoch) / _totalIters)).ToArray();
}
