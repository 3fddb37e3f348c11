namespace Hybrid.Optim;

/// <summary>
/// Multiplies each group's learning rate by <c>gamma</c> every <c>stepSize</c> epochs
/// (torch.optim.lr_scheduler.StepLR): lr = initial_lr · gamma^⌊epoch / stepSize⌋.
/// </summary>
public sealed class StepLR : LRScheduler
{
    readonly int _stepSize;
    readonly double _gamma;

    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="stepSize">Period of the decay, in epochs (positive).</param>
    /// <param name="gamma">Multiplicative factor of the decay (default 0.1).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (stepSize <= 0) throw new ArgumentException($"StepLR: step_size must be positive, got {stepSize}", nameof(stepSize));
        _stepSize = stepSize;
        _gamma = gamma;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr() =>
        LastEpoch == 0 || LastEpoch % _stepSize != 0 ? CurrentLrs() : CurrentLrs().Select(lr => lr * _gamma).ToArray();

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() => BaseLrs.Select(lr => lr * Math.Pow(_gamma, LastEpoch / _stepSize)).ToArray();
}
