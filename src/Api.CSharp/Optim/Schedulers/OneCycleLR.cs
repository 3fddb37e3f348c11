namespace Hybrid.Optim;

/// <summary>
/// The 1cycle policy (torch.optim.lr_scheduler.OneCycleLR), stepped once per batch: the rate
/// rises from maxLr/divFactor to maxLr over the first pctStart of totalSteps, then anneals to
/// maxLr/(divFactor·finalDivFactor) ("cos" or "linear"); with threePhase it first goes back
/// symmetrically to the initial rate and anneals to the minimum in a third phase. With
/// cycleMomentum (the default) the momentum, or β1 for optimizers with "betas" (Adam, AdamW),
/// moves inversely between maxMomentum and baseMomentum. The groups get PyTorch's extra keys
/// "initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum".
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    readonly record struct Phase(double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum);

    readonly Phase[] _phases;
    readonly bool _cos, _cycleMomentum, _useBeta1;

    /// <summary>The total number of steps of the cycle.</summary>
    public int TotalSteps { get; }

    /// <summary>OneCycleLR with one maximum learning rate for every group.</summary>
    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="maxLr">Upper learning-rate boundary of the cycle.</param>
    /// <param name="totalSteps">Number of steps in the cycle; or give <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>.</param>
    /// <param name="epochs">Number of epochs (with stepsPerEpoch, when totalSteps is not given).</param>
    /// <param name="stepsPerEpoch">Steps per epoch (with epochs).</param>
    /// <param name="pctStart">Fraction of the cycle spent increasing the rate (default 0.3).</param>
    /// <param name="annealStrategy">"cos" (default) or "linear".</param>
    /// <param name="cycleMomentum">Cycle momentum (or β1) inversely to the rate (default true).</param>
    /// <param name="baseMomentum">Lower momentum boundary (default 0.85).</param>
    /// <param name="maxMomentum">Upper momentum boundary (default 0.95).</param>
    /// <param name="divFactor">initial_lr = maxLr / divFactor (default 25).</param>
    /// <param name="finalDivFactor">min_lr = initial_lr / finalDivFactor (default 1e4).</param>
    /// <param name="threePhase">Use the three-phase schedule (default false).</param>
    /// <param name="lastEpoch">The index of the last batch when resuming (default −1: start).</param>
    public OneCycleLR(Optimizer optimizer, double maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
                      double pctStart = 0.3, string annealStrategy = "cos", bool cycleMomentum = true, double baseMomentum = 0.85,
                      double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1)
        : this(optimizer, new[] { maxLr }, totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum,
               baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, lastEpoch)
    {
    }

    /// <summary>OneCycleLR with one maximum learning rate per group (see the other constructor for the options).</summary>
    public OneCycleLR(Optimizer optimizer, IReadOnlyList<double> maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
                      double pctStart = 0.3, string annealStrategy = "cos", bool cycleMomentum = true, double baseMomentum = 0.85,
                      double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1)
        : base(Prepare(optimizer, maxLr, totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy,
                       divFactor, finalDivFactor, cycleMomentum, baseMomentum, maxMomentum, lastEpoch), lastEpoch)
    {
        TotalSteps = ResolveTotalSteps(totalSteps, epochs, stepsPerEpoch);
        _cos = annealStrategy == "cos";
        _phases = threePhase
            ? new[]
            {
                new Phase(pctStart * TotalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new Phase(2 * pctStart * TotalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                new Phase(TotalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            }
            : new[]
            {
                new Phase(pctStart * TotalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new Phase(TotalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            };
        _cycleMomentum = cycleMomentum;
        _useBeta1 = optimizer.Defaults.ContainsKey("betas");
        InitialStep();
    }

    static int ResolveTotalSteps(int? totalSteps, int? epochs, int? stepsPerEpoch) => (totalSteps, epochs, stepsPerEpoch) switch
    {
        ({ } n, _, _) when n > 0 => n,
        ({ } n, _, _) => throw new ArgumentException($"OneCycleLR: Expected positive integer total_steps, but got {n}", nameof(totalSteps)),
        (null, { } e, { } s) when e > 0 && s > 0 => e * s,
        (null, { } e, { } s) => throw new ArgumentException($"OneCycleLR: Expected positive integer epochs and steps_per_epoch, but got epochs={e}, steps_per_epoch={s}", e > 0 ? nameof(stepsPerEpoch) : nameof(epochs)),
        _ => throw new ArgumentException("OneCycleLR: You must define either total_steps OR (epochs AND steps_per_epoch)", nameof(totalSteps)),
    };

    /// <summary>Checks the arguments, then writes the per-group keys before the base constructor reads "initial_lr".</summary>
    static Optimizer Prepare(Optimizer optimizer, IReadOnlyList<double> maxLr, int? totalSteps, int? epochs, int? stepsPerEpoch,
                             double pctStart, string annealStrategy, double divFactor, double finalDivFactor,
                             bool cycleMomentum, double baseMomentum, double maxMomentum, int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(maxLr);
        ResolveTotalSteps(totalSteps, epochs, stepsPerEpoch);
        if (!(pctStart >= 0 && pctStart <= 1))
            throw new ArgumentException($"OneCycleLR: Expected float between 0 and 1 pct_start, but got {OptimChecks.Fmt(pctStart)}", nameof(pctStart));
        if (annealStrategy is not ("cos" or "linear"))
            throw new ArgumentException($"OneCycleLR: anneal_strategy must be one of 'cos' or 'linear', instead got {annealStrategy}", nameof(annealStrategy));
        var groups = optimizer.ParamGroups;
        if (maxLr.Count != 1 && maxLr.Count != groups.Count)
            throw new ArgumentException($"OneCycleLR: expected {groups.Count} values for max_lr, got {maxLr.Count}", nameof(maxLr));
        var useBeta1 = optimizer.Defaults.ContainsKey("betas");
        if (cycleMomentum && !optimizer.Defaults.ContainsKey("momentum") && !useBeta1)
            throw new ArgumentException($"OneCycleLR: optimizer must support momentum or beta1 with `cycle_momentum` option enabled ({optimizer.Name} has neither)", nameof(cycleMomentum));
        if (lastEpoch != -1) return optimizer;
        for (var i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            var max = maxLr.Count == 1 ? maxLr[0] : maxLr[i];
            g["initial_lr"] = max / divFactor;
            g["max_lr"] = max;
            g["min_lr"] = max / divFactor / finalDivFactor;
            if (cycleMomentum)
            {
                if (useBeta1) g.Betas = (maxMomentum, g.Betas.Beta2);
                else g.Momentum = maxMomentum;
                g["max_momentum"] = maxMomentum;
                g["base_momentum"] = baseMomentum;
            }
        }
        return optimizer;
    }

    double Anneal(double start, double end, double pct) =>
        _cos ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1) : (end - start) * pct + start;

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var stepNum = LastEpoch;
        if (stepNum > TotalSteps)
            throw new InvalidOperationException($"OneCycleLR: Tried to step {stepNum} times. The specified number of total steps is {TotalSteps}");
        var groups = Optimizer.ParamGroups;
        var lrs = new double[groups.Count];
        for (var gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            var startStep = 0.0;
            for (var i = 0; i < _phases.Length; i++)
            {
                var phase = _phases[i];
                if (stepNum <= phase.EndStep || i == _phases.Length - 1)
                {
                    var pct = (stepNum - startStep) / (phase.EndStep - startStep);
                    lrs[gi] = Anneal(g.GetDouble(phase.StartLr), g.GetDouble(phase.EndLr), pct);
                    if (_cycleMomentum)
                    {
                        var m = Anneal(g.GetDouble(phase.StartMomentum), g.GetDouble(phase.EndMomentum), pct);
                        if (_useBeta1) g.Betas = (m, g.Betas.Beta2);
                        else g.Momentum = m;
                    }
                    break;
                }
                startStep = phase.EndStep;
            }
        }
        return lrs;
    }
}
