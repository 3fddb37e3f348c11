namespace Hybrid.Optim;

/// <summary>
/// Runs schedulers one after another, switching at the milestone epochs
/// (torch.optim.lr_scheduler.SequentialLR): a warm-up, then a decay, e.g.
/// <c>new SequentialLR(opt, [new LinearLR(opt, 0.1, totalIters: 5), new CosineAnnealingLR(opt, 95)], [5])</c>.
/// Each scheduler after the first starts at its own epoch 0, from the base rates where its
/// schedule has a closed form.
/// </summary>
public sealed class SequentialLR : LRScheduler
{
    readonly LRScheduler[] _schedulers;
    readonly int[] _milestones;

    /// <param name="optimizer">The optimizer every scheduler sets.</param>
    /// <param name="schedulers">The schedulers, in order (at least one).</param>
    /// <param name="milestones">The epochs at which the next scheduler takes over (one fewer than the schedulers).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count < 1)
            throw new ArgumentException("SequentialLR: expects at least one scheduler", nameof(schedulers));
        for (var i = 0; i < schedulers.Count; i++)
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"SequentialLR: expects all schedulers to belong to the same optimizer, but got scheduler {schedulers[i].GetType().Name} at index {i} with a different optimizer", nameof(schedulers));
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException($"SequentialLR: expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}", nameof(milestones));
        _schedulers = [.. schedulers];
        _milestones = [.. milestones];
        LastEpoch = lastEpoch + 1;
        // Back to the base rates, the other schedulers' construction steps undone, and the first one started.
        foreach (var group in optimizer.ParamGroups) group.Lr = group.GetDouble("initial_lr");
        foreach (var scheduler in _schedulers) scheduler.Rewind();
        _schedulers[0].InitialStep();
        RecordLastLr(_schedulers[0].GetLastLr());
    }

    /// <summary>The schedulers, in order.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => _schedulers;

    /// <summary>Advances one epoch: the scheduler whose turn it is steps, or starts at a milestone.</summary>
    public override void Step()
    {
        StepCount++;
        LastEpoch++;
        var turn = _milestones.Count(m => m <= LastEpoch);
        var scheduler = _schedulers[turn];
        if (turn > 0 && _milestones[turn - 1] == LastEpoch) scheduler.StepTo(0);
        else scheduler.Step();
        RecordLastLr(scheduler.GetLastLr());
    }

    /// <summary>The current rates (the schedulers compute the rates; this one only delegates).</summary>
    protected override double[] GetLr() => CurrentLrs();
}
