using Hybrid.NN;
using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>ReduceLROnPlateau: patience, threshold modes, cooldown, minimum rate.</summary>
public class ReduceLROnPlateauTests
{
    static SGD Opt(double lr = 1.0) => new(new[] { new Parameter(Torch.Tensor(new[] { 1.0 })) }, lr: lr);

    static double[] Run(ReduceLROnPlateau s, Optimizer opt, params double[] metrics) =>
        metrics.Select(m => { s.Step(m); return opt.ParamGroups[0].Lr; }).ToArray();

    [Fact]
    public void Reduces_after_more_than_patience_epochs_without_improvement()
    {
        var opt = Opt();
        var s = new ReduceLROnPlateau(opt, factor: 0.5, patience: 2);
        //                          best  better  bad1  bad2  bad3→reduce  bad1  bad2  bad3→reduce
        var lrs = Run(s, opt, 1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95);
        Assert.Equal(new[] { 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25 }, lrs);
        Assert.Equal(8, s.LastEpoch);
        Assert.Equal(0.9, s.Best);
        Assert.Equal(new[] { 0.25 }, s.GetLastLr());
    }

    [Fact]
    public void Default_patience_is_10_and_factor_0_1()
    {
        var opt = Opt();
        var s = new ReduceLROnPlateau(opt);
        var lrs = Run(s, opt, Enumerable.Repeat(1.0, 12).ToArray());
        Assert.Equal(1.0, lrs[10]);     // epoch 11: 10 bad epochs, not more than patience
        Assert.Equal(0.1, lrs[11], 15);  // epoch 12: the 11th bad epoch
    }

    [Fact]
    public void Relative_threshold_ignores_tiny_improvements()
    {
        var opt = Opt();
        var s = new ReduceLROnPlateau(opt, patience: 0, threshold: 0.1);
        s.Step(1.0);
        s.Step(0.95);   // not below 1.0·(1 − 0.1)
        Assert.Equal(0.1, opt.ParamGroups[0].Lr, 15);
    }

    [Fact]
    public void Max_mode_with_absolute_threshold()
    {
        var opt = Opt();
        var s = new ReduceLROnPlateau(opt, mode: "max", patience: 1, threshold: 0.5, thresholdMode: "abs", factor: 0.5);
        var lrs = Run(s, opt, 1.0, 2.0, 2.4, 2.6, 2.7);
        // 1 best, 2 better (> 1.5), 2.4 bad1, 2.6 better (> 2.5), 2.7 bad1
        Assert.Equal(new[] { 1.0, 1.0, 1.0, 1.0, 1.0 }, lrs);
        Assert.Equal(0.5, Run(s, opt, 2.7)[0]);
    }

    [Fact]
    public void Cooldown_ignores_bad_epochs_after_a_reduction()
    {
        var opt = Opt();
        var s = new ReduceLROnPlateau(opt, factor: 0.5, patience: 0, cooldown: 2);
        var lrs = Run(s, opt, 1.0, 1.0, 1.0, 1.0, 1.0);
        // epoch 2 reduces; epochs 3 and 4 are cooldown; epoch 5 reduces again
        Assert.Equal(new[] { 1.0, 0.5, 0.5, 0.5, 0.25 }, lrs);
    }

    [Fact]
    public void The_rate_never_goes_below_min_lr()
    {
        var opt = Opt();
        var s = new ReduceLROnPlateau(opt, factor: 0.1, patience: 0, minLr: 0.05);
        var lrs = Run(s, opt, 1, 1, 1, 1);
        Assert.Equal(new[] { 1.0, 0.1, 0.05, 0.05 }, lrs.Select(x => Math.Round(x, 12)));
    }

    [Fact]
    public void Takes_a_metric_tensor()
    {
        var opt = Opt();
        var s = new ReduceLROnPlateau(opt, patience: 0);
        s.Step(Torch.Tensor(2.0));
        s.Step(Torch.Tensor(3f));
        Assert.Equal(0.1, opt.ParamGroups[0].Lr, 15);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Contains("Factor should be < 1.0", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(Opt(), factor: 1)).Message);
        Assert.Contains("mode avg is unknown", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(Opt(), mode: "avg")).Message);
        Assert.Contains("threshold mode x is unknown", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(Opt(), thresholdMode: "x")).Message);
    }
}
