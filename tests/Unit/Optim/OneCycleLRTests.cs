using Hybrid.NN;
using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>OneCycleLR's phases (learning rate and momentum/β1) against PyTorch's formulas.</summary>
public class OneCycleLRTests
{
    static Parameter[] Ps() => new[] { new Parameter(Torch.Tensor(new[] { 1.0 })) };

    static double Cos(double start, double end, double pct) => end + (start - end) / 2 * (Math.Cos(Math.PI * pct) + 1);
    static double Lin(double start, double end, double pct) => (end - start) * pct + start;

    /// <summary>PyTorch's phase table, evaluated at one step: (lr, momentum).</summary>
    static (double Lr, double Momentum) Expected(int step, int total, double maxLr, double pctStart, bool cos, bool threePhase,
                                                 double div = 25, double finalDiv = 1e4, double baseM = 0.85, double maxM = 0.95)
    {
        Func<double, double, double, double> anneal = cos ? Cos : Lin;
        var initial = maxLr / div;
        var min = initial / finalDiv;
        var phases = threePhase
            ? new[] { (pctStart * total - 1, initial, maxLr, maxM, baseM), (2 * pctStart * total - 2, maxLr, initial, baseM, maxM), (total - 1.0, initial, min, maxM, maxM) }
            : new[] { (pctStart * total - 1, initial, maxLr, maxM, baseM), (total - 1.0, maxLr, min, baseM, maxM) };
        var start = 0.0;
        for (var i = 0; i < phases.Length; i++)
        {
            var (end, lr0, lr1, m0, m1) = phases[i];
            if (step <= end || i == phases.Length - 1)
            {
                var pct = (step - start) / (end - start);
                return (anneal(lr0, lr1, pct), anneal(m0, m1, pct));
            }
            start = end;
        }
        throw new InvalidOperationException();
    }

    static void Check(Optimizer opt, OneCycleLR s, int total, double maxLr, double pctStart, bool cos, bool threePhase, Func<ParamGroup, double> momentum)
    {
        for (var step = 0; step < total; step++)
        {
            if (step > 0) { opt.Step(); s.Step(); }
            var (lr, m) = Expected(step, total, maxLr, pctStart, cos, threePhase);
            Assert.True(Math.Abs(opt.ParamGroups[0].Lr - lr) <= 1e-12 * Math.Max(1, lr), $"step {step}: lr expected {lr:R}, got {opt.ParamGroups[0].Lr:R}");
            Assert.True(Math.Abs(momentum(opt.ParamGroups[0]) - m) <= 1e-12, $"step {step}: momentum expected {m:R}, got {momentum(opt.ParamGroups[0]):R}");
        }
    }

    [Fact]
    public void Cosine_two_phase_cycle_with_SGD_momentum()
    {
        var opt = new SGD(Ps(), lr: 0.5, momentum: 0.9);
        var s = new OneCycleLR(opt, maxLr: 1.0, totalSteps: 20);
        Check(opt, s, 20, 1.0, 0.3, cos: true, threePhase: false, g => g.Momentum);
        Assert.Equal(1.0 / 25, opt.ParamGroups[0].GetDouble("initial_lr"));
        Assert.Equal(1.0 / 25 / 1e4, opt.ParamGroups[0].GetDouble("min_lr"));
    }

    [Fact]
    public void Linear_cycle_from_epochs_and_steps_per_epoch_cycles_Adams_beta1()
    {
        var opt = new Adam(Ps(), betas: (0.9, 0.99));
        var s = new OneCycleLR(opt, maxLr: 0.01, epochs: 4, stepsPerEpoch: 6, pctStart: 0.25, annealStrategy: "linear");
        Assert.Equal(24, s.TotalSteps);
        Check(opt, s, 24, 0.01, 0.25, cos: false, threePhase: false, g => g.Betas.Beta1);
        Assert.Equal(0.99, opt.ParamGroups[0].Betas.Beta2);
    }

    [Fact]
    public void Three_phase_cycle()
    {
        var opt = new SGD(Ps(), momentum: 0.9);
        var s = new OneCycleLR(opt, maxLr: 0.1, totalSteps: 20, threePhase: true);
        Check(opt, s, 20, 0.1, 0.3, cos: true, threePhase: true, g => g.Momentum);
    }

    [Fact]
    public void Stepping_past_total_steps_fails()
    {
        var opt = new SGD(Ps(), momentum: 0.9);
        var s = new OneCycleLR(opt, maxLr: 0.1, totalSteps: 5);
        for (var k = 0; k < 5; k++) s.Step();   // steps 1..5: step 5 = total is still allowed, as in PyTorch
        var e = Assert.Throws<InvalidOperationException>(() => s.Step());
        Assert.Contains("Tried to step 6 times. The specified number of total steps is 5", e.Message);
    }

    [Fact]
    public void Without_momentum_or_betas_cycle_momentum_must_be_off()
    {
        var e = Assert.Throws<ArgumentException>(() => new OneCycleLR(new Adagrad(Ps()), maxLr: 0.1, totalSteps: 10));
        Assert.Contains("momentum or beta1", e.Message);
        var opt = new Adagrad(Ps());
        var s = new OneCycleLR(opt, maxLr: 0.1, totalSteps: 10, cycleMomentum: false);
        Assert.Equal(0.1 / 25, opt.ParamGroups[0].Lr, 15);
        Assert.False(opt.ParamGroups[0].Has("max_momentum"));
        s.Step();
    }

    [Fact]
    public void Bad_arguments_are_rejected_before_the_optimizer_is_touched()
    {
        var opt = new SGD(Ps(), lr: 0.3, momentum: 0.9);
        Assert.Contains("total_steps OR (epochs AND steps_per_epoch)", Assert.Throws<ArgumentException>(() => new OneCycleLR(opt, 0.1)).Message);
        Assert.Contains("pct_start", Assert.Throws<ArgumentException>(() => new OneCycleLR(opt, 0.1, totalSteps: 10, pctStart: 1.5)).Message);
        Assert.Contains("'cos' or 'linear'", Assert.Throws<ArgumentException>(() => new OneCycleLR(opt, 0.1, totalSteps: 10, annealStrategy: "exp")).Message);
        Assert.Equal(0.3, opt.ParamGroups[0].Lr);
        Assert.Equal(0.9, opt.ParamGroups[0].Momentum);
        Assert.False(opt.ParamGroups[0].Has("initial_lr"));
    }
}
