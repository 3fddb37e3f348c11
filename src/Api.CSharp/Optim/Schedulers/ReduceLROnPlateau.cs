namespace Hybrid.Optim;

/// <summary>
/// Reduces the learning rate when a metric has stopped improving
/// (torch.optim.lr_scheduler.ReduceLROnPlateau): after more than <c>patience</c> epochs without
/// improvement each group's rate becomes max(lr·factor, minLr) (skipped when the change is at
/// most eps), followed by <c>cooldown</c> epochs in which bad epochs are not counted.
/// "Improvement" in mode "min" with thresholdMode "rel" means metric &lt; best·(1 − threshold);
/// "abs": metric &lt; best − threshold; mode "max" mirrors these.
/// </summary>
public sealed class ReduceLROnPlateau
{
    readonly double _factor, _threshold, _eps;
    readonly int _patience, _cooldown;
    readonly bool _min, _rel;
    readonly double[] _minLrs;
    double[] _lastLr;

    /// <param name="optimizer">The optimizer whose rates to reduce.</param>
    /// <param name="mode">"min" (default): reduce when the metric stops decreasing; "max": when it stops increasing.</param>
    /// <param name="factor">Multiplier of the rate on reduction, below 1 (default 0.1).</param>
    /// <param name="patience">Epochs without improvement tolerated before reducing (default 10).</param>
    /// <param name="threshold">Minimum change that counts as improvement (default 1e-4).</param>
    /// <param name="thresholdMode">"rel" (default) or "abs".</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting bad epochs again (default 0).</param>
    /// <param name="minLr">Lower bound of every group's rate (default 0).</param>
    /// <param name="eps">Reductions smaller than this are skipped (default 1e-8).</param>
    public ReduceLROnPlateau(Optimizer optimizer, string mode = "min", double factor = 0.1, int patience = 10, double threshold = 1e-4,
                             string thresholdMode = "rel", int cooldown = 0, double minLr = 0, double eps = 1e-8)
        : this(optimizer, new[] { minLr }, mode, factor, patience, threshold, thresholdMode, cooldown, eps)
    {
    }

    /// <summary>ReduceLROnPlateau with one minimum learning rate per group (see the other constructor for the options).</summary>
    public ReduceLROnPlateau(Optimizer optimizer, IReadOnlyList<double> minLr, string mode = "min", double factor = 0.1, int patience = 10,
                             double threshold = 1e-4, string thresholdMode = "rel", int cooldown = 0, double eps = 1e-8)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        ArgumentNullException.ThrowIfNull(minLr);
        if (!(factor < 1.0)) throw new ArgumentException($"ReduceLROnPlateau: Factor should be < 1.0, got {OptimChecks.Fmt(factor)}", nameof(factor));
        var n = optimizer.ParamGroups.Count;
        if (minLr.Count != 1 && minLr.Count != n)
            throw new ArgumentException($"ReduceLROnPlateau: expected {n} min_lrs, got {minLr.Count}", nameof(minLr));
        _min = mode switch
        {
            "min" => true,
            "max" => false,
            _ => throw new ArgumentException($"ReduceLROnPlateau: mode {mode} is unknown! (expected 'min' or 'max')", nameof(mode)),
        };
        _rel = thresholdMode switch
        {
            "rel" => true,
            "abs" => false,
            _ => throw new ArgumentException($"ReduceLROnPlateau: threshold mode {thresholdMode} is unknown! (expected 'rel' or 'abs')", nameof(thresholdMode)),
        };
        _minLrs = minLr.Count == 1 ? Enumerable.Repeat(minLr[0], n).ToArray() : minLr.ToArray();
        _factor = factor;
        _patience = patience;
        _threshold = threshold;
        _cooldown = cooldown;
        _eps = eps;
        _lastLr = optimizer.ParamGroups.Select(g => g.Lr).ToArray();
        Best = _min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>The optimizer whose rates this scheduler reduces.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Number of <see cref="Step(double)"/> calls so far.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The best metric seen so far.</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement.</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>True while in cooldown after a reduction.</summary>
    public bool InCooldown => CooldownCounter > 0;

    /// <summary>The groups' learning rates after the last step.</summary>
    public IReadOnlyList<double> GetLastLr() => _lastLr;

    /// <summary>Records one epoch's metric (e.g. validation loss) and reduces the rates if it has plateaued.</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;

        if (InCooldown)
        {
            CooldownCounter--;
            NumBadEpochs = 0;   // ignore any bad epochs in cooldown
        }
        if (NumBadEpochs > _patience)
        {
            ReduceLr();
            CooldownCounter = _cooldown;
            NumBadEpochs = 0;
        }
        _lastLr = Optimizer.ParamGroups.Select(g => g.Lr).ToArray();
    }

    /// <summary>Records a one-element metric tensor (e.g. the validation loss).</summary>
    public void Step(Tensor metric) => Step((metric ?? throw new ArgumentNullException(nameof(metric))).ToDouble());

    bool IsBetter(double a, double best) => (_min, _rel) switch
    {
        (true, true) => a < best * (1 - _threshold),
        (true, false) => a < best - _threshold,
        (false, true) => a > best * (_threshold + 1),
        (false, false) => a > best + _threshold,
    };

    void ReduceLr()
    {
        var groups = Optimizer.ParamGroups;
        for (var i = 0; i < groups.Count; i++)
        {
            var oldLr = groups[i].Lr;
            var newLr = Math.Max(oldLr * _factor, _minLrs[i]);
            if (oldLr - newLr > _eps) groups[i].Lr = newLr;
        }
    }
}
