using Hybrid.NN;
using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>Learning-rate sequences over 20 epochs against PyTorch's closed forms, for two groups.</summary>
public class LRSchedulerTests
{
    static readonly double[] Base = { 0.1, 0.02 };

    static SGD TwoGroups() => new(new[]
    {
        new ParamGroup(new[] { new Parameter(Torch.Tensor(new[] { 1.0 })) }) { Lr = Base[0] },
        new ParamGroup(new[] { new Parameter(Torch.Tensor(new[] { 2.0 })) }) { Lr = Base[1] },
    }, momentum: 0.9);

    /// <summary>The rates after construction (epoch 0) and after each of <paramref name="epochs"/> steps.</summary>
    static List<IReadOnlyList<double>> Sequence(Optimizer opt, LRScheduler scheduler, int epochs = 20)
    {
        var lrs = new List<IReadOnlyList<double>> { scheduler.GetLastLr() };
        for (var e = 1; e <= epochs; e++)
        {
            opt.Step();
            scheduler.Step();
            Assert.Equal(e, scheduler.LastEpoch);
            Assert.Equal(opt.ParamGroups.Select(g => g.Lr), scheduler.GetLastLr());
            lrs.Add(scheduler.GetLastLr());
        }
        return lrs;
    }

    static void Matches(List<IReadOnlyList<double>> actual, Func<double, int, double> closedForm, double tol = 1e-12)
    {
        for (var e = 0; e < actual.Count; e++)
            for (var g = 0; g < Base.Length; g++)
            {
                var expected = closedForm(Base[g], e);
                Assert.True(Math.Abs(actual[e][g] - expected) <= tol * Math.Max(1e-3, Math.Abs(expected)),
                    $"epoch {e}, group {g}: expected {expected:R}, got {actual[e][g]:R}");
            }
    }

    [Fact]
    public void Construction_records_initial_lr_and_sets_epoch_0()
    {
        var opt = TwoGroups();
        var s = new ExponentialLR(opt, gamma: 0.5);
        Assert.Equal(0, s.LastEpoch);
        Assert.Equal(Base, s.BaseLrs);
        Assert.Equal(Base[1], opt.ParamGroups[1].GetDouble("initial_lr"));
        Assert.Equal(Base, s.GetLastLr());
    }

    [Fact]
    public void StepLR_decays_by_gamma_every_step_size_epochs()
    {
        var opt = TwoGroups();
        Matches(Sequence(opt, new StepLR(opt, stepSize: 3, gamma: 0.5)), (b, e) => b * Math.Pow(0.5, e / 3));
    }

    [Fact]
    public void StepLR_default_gamma_is_0_1()
    {
        var opt = TwoGroups();
        Matches(Sequence(opt, new StepLR(opt, stepSize: 7)), (b, e) => b * Math.Pow(0.1, e / 7));
    }

    [Fact]
    public void MultiStepLR_decays_at_each_milestone_and_twice_at_a_repeated_one()
    {
        var milestones = new[] { 2, 5, 5, 9, 15 };
        var opt = TwoGroups();
        Matches(Sequence(opt, new MultiStepLR(opt, milestones, gamma: 0.5)), (b, e) => b * Math.Pow(0.5, milestones.Count(m => m <= e)));
    }

    [Fact]
    public void ExponentialLR_decays_every_epoch()
    {
        var opt = TwoGroups();
        Matches(Sequence(opt, new ExponentialLR(opt, gamma: 0.9)), (b, e) => b * Math.Pow(0.9, e));
    }

    [Fact]
    public void CosineAnnealingLR_follows_the_closed_form_through_and_past_T_max()
    {
        const int tMax = 7;
        const double etaMin = 0.001;
        var opt = TwoGroups();
        Matches(Sequence(opt, new CosineAnnealingLR(opt, tMax, etaMin)),
            (b, e) => etaMin + (b - etaMin) * (1 + Math.Cos(Math.PI * e / tMax)) / 2, 1e-10);
    }

    [Fact]
    public void CosineAnnealingLR_reaches_eta_min_at_T_max()
    {
        var opt = TwoGroups();
        var lrs = Sequence(opt, new CosineAnnealingLR(opt, tMax: 10), 10);
        Assert.True(Math.Abs(lrs[10][0]) < 1e-15);
    }

    [Fact]
    public void LambdaLR_multiplies_the_initial_lr_by_the_function_of_the_epoch()
    {
        var opt = TwoGroups();
        Matches(Sequence(opt, new LambdaLR(opt, e => Math.Pow(0.95, e))), (b, e) => b * Math.Pow(0.95, e));
    }

    [Fact]
    public void LambdaLR_takes_one_function_per_group()
    {
        var opt = TwoGroups();
        var lrs = Sequence(opt, new LambdaLR(opt, new Func<int, double>[] { e => 1.0 / (e + 1), e => e % 2 == 0 ? 1 : 0.5 }));
        for (var e = 0; e <= 20; e++)
        {
            Assert.Equal(Base[0] / (e + 1), lrs[e][0], 15);
            Assert.Equal(Base[1] * (e % 2 == 0 ? 1 : 0.5), lrs[e][1], 15);
        }
    }

    [Fact]
    public void LinearLR_ramps_from_start_factor_to_end_factor_then_stays()
    {
        var opt = TwoGroups();
        Matches(Sequence(opt, new LinearLR(opt, startFactor: 0.25, endFactor: 0.75, totalIters: 8)),
            (b, e) => b * (0.25 + (0.75 - 0.25) * Math.Min(8, e) / 8.0));
    }

    [Fact]
    public void LinearLR_defaults_are_one_third_to_one_over_five_epochs()
    {
        var opt = TwoGroups();
        Matches(Sequence(opt, new LinearLR(opt)), (b, e) => b * (1.0 / 3 + (1 - 1.0 / 3) * Math.Min(5, e) / 5.0));
    }

    [Fact]
    public void Chained_schedulers_compose_as_in_PyTorch()
    {
        var opt = TwoGroups();
        var warmup = new LinearLR(opt, startFactor: 0.5, totalIters: 4);
        var decay = new ExponentialLR(opt, gamma: 0.9);
        for (var e = 1; e <= 10; e++)
        {
            warmup.Step();
            decay.Step();
            var expected = Base[0] * (0.5 + 0.5 * Math.Min(4, e) / 4.0) * Math.Pow(0.9, e);
            Assert.Equal(expected, opt.ParamGroups[0].Lr, 12);
        }
    }

    [Fact]
    public void Bad_scheduler_arguments_are_rejected()
    {
        Assert.Contains("Starting multiplicative factor", Assert.Throws<ArgumentException>(() => new LinearLR(TwoGroups(), startFactor: 0)).Message);
        Assert.Contains("Ending multiplicative factor", Assert.Throws<ArgumentException>(() => new LinearLR(TwoGroups(), endFactor: 2)).Message);
        Assert.Contains("step_size", Assert.Throws<ArgumentException>(() => new StepLR(TwoGroups(), stepSize: 0)).Message);
        Assert.Contains("Expected 2 lr_lambdas, but got 3", Assert.Throws<ArgumentException>(() =>
            new LambdaLR(TwoGroups(), new Func<int, double>[] { _ => 1, _ => 1, _ => 1 })).Message);
        Assert.Contains("initial_lr", Assert.Throws<ArgumentException>(() => new StepLR(TwoGroups(), 3, lastEpoch: 5)).Message);
    }

    [Fact]
    public void SequentialLR_warms_up_linearly_then_anneals_from_the_base_rate()
    {
        var opt = TwoGroups();
        var warmup = new LinearLR(opt, startFactor: 0.1, totalIters: 5);
        var cosine = new CosineAnnealingLR(opt, tMax: 10);
        var s = new SequentialLR(opt, new LRScheduler[] { warmup, cosine }, new[] { 5 });
        Matches(Sequence(opt, s), (b, e) => e < 5 ? b * (0.1 + 0.9 * e / 5) : b * (1 + Math.Cos(Math.PI * (e - 5) / 10)) / 2);
    }

    [Fact]
    public void SequentialLR_starts_each_later_scheduler_at_its_own_epoch_0()
    {
        var opt = TwoGroups();
        var s = new SequentialLR(opt, new LRScheduler[] { new ExponentialLR(opt, gamma: 0.9), new StepLR(opt, stepSize: 2, gamma: 0.5) }, new[] { 4 });
        Matches(Sequence(opt, s), (b, e) => e < 4 ? b * Math.Pow(0.9, e) : b * Math.Pow(0.5, (e - 4) / 2));
    }

    [Fact]
    public void SequentialLR_refuses_a_milestone_count_that_does_not_fit_and_another_optimizer()
    {
        var opt = TwoGroups();
        var other = TwoGroups();
        var count = Assert.Throws<ArgumentException>(() => new SequentialLR(opt, new LRScheduler[] { new StepLR(opt, 2), new StepLR(opt, 3) }, new[] { 1, 2 }));
        Assert.Contains("number of schedulers 2 and the number of milestones to be equal to 2", count.Message);
        var foreign = Assert.Throws<ArgumentException>(() => new SequentialLR(opt, new LRScheduler[] { new StepLR(opt, 2), new StepLR(other, 3) }, new[] { 1 }));
        Assert.Contains("scheduler StepLR at index 1 with a different optimizer", foreign.Message);
    }

    [Fact]
    public void ConstantLR_scales_until_total_iters()
    {
        var opt = TwoGroups();
        Matches(Sequence(opt, new ConstantLR(opt, factor: 0.25, totalIters: 4)), (b, e) => e < 4 ? b * 0.25 : b);
        Assert.Throws<ArgumentException>(() => new ConstantLR(TwoGroups(), factor: 0));
    }

    [Fact]
    public void PolynomialLR_decays_to_zero_along_a_polynomial()
    {
        var opt = TwoGroups();
        Matches(Sequence(opt, new PolynomialLR(opt, totalIters: 8, power: 2)), (b, e) => b * Math.Pow(1 - Math.Min(e, 8) / 8.0, 2), 1e-9);
    }

    [Fact]
    public void CosineAnnealingWarmRestarts_restarts_after_cycles_that_double()
    {
        var opt = TwoGroups();
        const double etaMin = 0.001;
        // Cycles of 3, 6 and 12 epochs start at epochs 0, 3 and 9.
        static (int Cur, int Length) Cycle(int e) => e < 3 ? (e, 3) : e < 9 ? (e - 3, 6) : (e - 9, 12);
        Matches(Sequence(opt, new CosineAnnealingWarmRestarts(opt, t0: 3, tMult: 2, etaMin: etaMin)),
            (b, e) => etaMin + (b - etaMin) * (1 + Math.Cos(Math.PI * Cycle(e).Cur / Cycle(e).Length)) / 2);
    }

    [Fact]
    public void SequentialLR_restarts_a_warm_restart_schedule_from_its_closed_form()
    {
        var opt = TwoGroups();
        var s = new SequentialLR(opt, new LRScheduler[] { new ConstantLR(opt, factor: 0.5, totalIters: 10), new CosineAnnealingWarmRestarts(opt, t0: 4) }, new[] { 2 });
        Matches(Sequence(opt, s), (b, e) => e < 2 ? b * 0.5 : b * (1 + Math.Cos(Math.PI * ((e - 2) % 4) / 4)) / 2);
    }
}
