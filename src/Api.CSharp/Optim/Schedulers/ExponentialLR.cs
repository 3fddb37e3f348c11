namespace Hybrid.Optim;

/// <summary>
/// Multiplies each group's learning rate by <c>gamma</c> every epoch
/// (torch.optim.lr_scheduler.ExponentialLR): lr = initial_lr · gamma^epoch.
/// </summary>
public sealed class ExponentialLR : LRScheduler
{
    readonly double _gamma;

    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="gamma">Multiplicative factor per epoch.</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr() =>
        LastEpoch == 0 ? CurrentLrs() : CurrentLrs().Select(lr => lr * _gamma).ToArray();

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() => BaseLrs.Select(lr => lr * Math.Pow(_gamma, LastEpoch)).ToArray();
}
