namespace Hybrid.Optim;

/// <summary>
/// Cosine annealing with warm restarts (SGDR; torch.optim.lr_scheduler.CosineAnnealingWarmRestarts):
/// lr = etaMin + (initial_lr − etaMin)·(1 + cos(π·Tcur/Ti))/2, where Tcur counts the epochs since
/// the last restart and the i-th cycle lasts Ti = t0·tMult^i epochs.
/// </summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    readonly int _t0, _tMult;
    readonly double _etaMin;
    int _tCur, _tI;

    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="t0">Epochs of the first cycle (positive).</param>
    /// <param name="tMult">Factor by which each cycle is longer than the last (default 1, at least 1).</param>
    /// <param name="etaMin">Minimum learning rate (default 0).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (t0 <= 0) throw new ArgumentException($"CosineAnnealingWarmRestarts: Expected positive integer T_0, but got {t0}", nameof(t0));
        if (tMult < 1) throw new ArgumentException($"CosineAnnealingWarmRestarts: Expected integer T_mult >= 1, but got {tMult}", nameof(tMult));
        (_t0, _tMult, _etaMin) = (t0, tMult, etaMin);
        (_tI, _tCur) = (t0, lastEpoch);
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        if (LastEpoch == 0) (_tCur, _tI) = (0, _t0);
        else if (++_tCur >= _tI) (_tCur, _tI) = (_tCur - _tI, _tI * _tMult);
        return Cosine();
    }

    /// <inheritdoc/>
    protected override double[] ClosedFormLr()
    {
        // The cycle that epoch LastEpoch falls in: cycles of t0, t0·m, t0·m², … epochs.
        (_tCur, _tI) = (LastEpoch, _t0);
        while (_tCur >= _tI) (_tCur, _tI) = (_tCur - _tI, _tI * _tMult);
        return Cosine();
    }

    double[] Cosine() => BaseLrs.Select(lr => _etaMin + (lr - _etaMin) * (1 + Math.Cos(Math.PI * _tCur / _tI)) / 2).ToArray();
}
