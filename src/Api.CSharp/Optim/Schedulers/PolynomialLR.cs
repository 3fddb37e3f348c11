namespace Hybrid.Optim;

/// <summary>
/// Decays each group's learning rate to 0 over <c>totalIters</c> epochs along a polynomial
/// (torch.optim.lr_scheduler.PolynomialLR): lr = initial_lr · (1 − min(epoch, totalIters)/totalIters)^power.
/// </summary>
public sealed class PolynomialLR : LRScheduler
{
    readonly int _totalIters;
    readonly double _power;

    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="totalIters">Number of epochs of the decay (default 5, positive).</param>
    /// <param name="power">The polynomial's power (default 1: linear).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public PolynomialLR(Optimizer optimizer, int totalIters = 5, double power = 1.0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (totalIters <= 0) throw new ArgumentException($"PolynomialLR: total_iters must be positive, got {totalIters}", nameof(totalIters));
        _totalIters = totalIters;
        _power = power;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0 || LastEpoch > _totalIters) return lrs;
        var factor = Math.Pow((1.0 - (double)LastEpoch / _totalIters) / (1.0 - (double)(LastEpoch - 1) / _totalIters), _power);
        return lrs.Select(lr => lr * factor).ToArray();
    }

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() =>
        BaseLrs.Select(lr => lr * Math.Pow(1.0 - (double)Math.Min(_totalIters, LastEpoch) / _totalIters, _power)).ToArray();
}
