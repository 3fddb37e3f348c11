namespace Hybrid.Optim;

/// <summary>
/// Cosine annealing (torch.optim.lr_scheduler.CosineAnnealingLR):
/// lr = etaMin + (initial_lr − etaMin)·(1 + cos(π·epoch / tMax))/2, computed recursively as
/// PyTorch does; past tMax the rate rises again (period 2·tMax), without restarts.
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    readonly int _tMax;
    readonly double _etaMin;

    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="tMax">Number of epochs from the initial rate down to etaMin (positive).</param>
    /// <param name="etaMin">Minimum learning rate (default 0).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (tMax <= 0) throw new ArgumentException($"CosineAnnealingLR: T_max must be positive, got {tMax}", nameof(tMax));
        _tMax = tMax;
        _etaMin = etaMin;
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var e = LastEpoch;
        var lrs = CurrentLrs();
        if (e == 0) return lrs;
        var result = new double[lrs.Length];
        for (var i = 0; i < lrs.Length; i++)
        {
            var baseLr = BaseLrs[i];
            if (StepCount == 1 && e > 0)
                result[i] = _etaMin + (baseLr - _etaMin) * (1 + Math.Cos(e * Math.PI / _tMax)) / 2;
            else if (FloorMod(e - 1 - _tMax, 2 * _tMax) == 0)
                result[i] = lrs[i] + (baseLr - _etaMin) * (1 - Math.Cos(Math.PI / _tMax)) / 2;
            else
                result[i] = (1 + Math.Cos(Math.PI * e / _tMax)) / (1 + Math.Cos(Math.PI * (e - 1) / _tMax)) * (lrs[i] - _etaMin) + _etaMin;
        }
        return result;
    }

    /// <inheritdoc/>
    protected override double[] ClosedFormLr() =>
        BaseLrs.Select(lr => _etaMin + (lr - _etaMin) * (1 + Math.Cos(Math.PI * LastEpoch / _tMax)) / 2).ToArray();

    static int FloorMod(int a, int n) => ((a % n) + n) % n;
}
