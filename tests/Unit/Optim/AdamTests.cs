using Hybrid.NN;
using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>Adam and AdamW's first three steps against the update written out with doubles.</summary>
public class AdamTests
{
    /// <summary>Adam with doubles: weight decay in the gradient (L2) or on the parameter (decoupled).</summary>
    static Func<double[], double[], int, double[]> AdamReference(double lr, double b1, double b2, double eps, double wd, bool decoupled, bool amsgrad)
    {
        var m = new double[3];
        var v = new double[3];
        var vmax = new double[3];
        return (x, grad, t) =>
        {
            var p = decoupled ? Quadratic.Map(3, i => x[i] * (1 - lr * wd)) : x;
            var g = decoupled ? grad : Quadratic.Map(3, i => grad[i] + wd * x[i]);
            var next = new double[3];
            for (var i = 0; i < 3; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                vmax[i] = Math.Max(vmax[i], v[i]);
                var mHat = m[i] / (1 - Math.Pow(b1, t));
                var vHat = (amsgrad ? vmax[i] : v[i]) / (1 - Math.Pow(b2, t));
                next[i] = p[i] - lr * mHat / (Math.Sqrt(vHat) + eps);
            }
            return next;
        };
    }

    [Fact]
    public void Adam_with_defaults_matches_the_bias_corrected_update()
    {
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new Adam(new[] { w }, lr: 0.1), w);
        Quadratic.Same(Quadratic.Reference(AdamReference(0.1, 0.9, 0.999, 1e-8, 0, false, false)), actual);
    }

    [Fact]
    public void Adam_weight_decay_is_an_L2_term_in_the_gradient()
    {
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new Adam(new[] { w }, lr: 0.05, betas: (0.8, 0.9), eps: 1e-6, weightDecay: 0.1), w);
        Quadratic.Same(Quadratic.Reference(AdamReference(0.05, 0.8, 0.9, 1e-6, 0.1, false, false)), actual);
    }

    [Fact]
    public void AdamW_decays_the_parameter_by_one_minus_lr_times_weight_decay()
    {
        var w = Quadratic.Param();
        var opt = new AdamW(new[] { w }, lr: 0.1, weightDecay: 0.2);
        var actual = Quadratic.Run(opt, w);
        Quadratic.Same(Quadratic.Reference(AdamReference(0.1, 0.9, 0.999, 1e-8, 0.2, true, false)), actual);
    }

    [Fact]
    public void AdamW_default_weight_decay_is_1e_minus_2()
    {
        var opt = new AdamW(new[] { Quadratic.Param() });
        Assert.Equal(1e-2, opt.ParamGroups[0].WeightDecay);
        Assert.Equal((0.9, 0.999), opt.ParamGroups[0].Betas);
        Assert.Equal(1e-3, opt.ParamGroups[0].Lr);
    }

    [Fact]
    public void Amsgrad_divides_by_the_running_maximum_of_the_second_moment()
    {
        // A shrinking gradient makes v fall below its earlier maximum, so the variants differ.
        var grads = new[] { new[] { 2.0, -1.0, 0.5 }, new[] { 0.1, 0.2, -0.05 }, new[] { 0.05, -0.1, 0.02 } };
        double lr = 0.1, b1 = 0.9, b2 = 0.5, eps = 1e-8;
        foreach (var amsgrad in new[] { true, false })
        {
            var w = new Parameter(Torch.Tensor(new[] { 1.0, 1.0, 1.0 }));
            var opt = new Adam(new[] { w }, lr: lr, betas: (b1, b2), eps: eps, amsgrad: amsgrad);
            var reference = AdamReference(lr, b1, b2, eps, 0, false, amsgrad);
            var x = new[] { 1.0, 1.0, 1.0 };
            var expected = new List<double[]>();
            var actual = new List<double[]>();
            for (var t = 1; t <= 3; t++)
            {
                w.Grad = Torch.Tensor(grads[t - 1]);
                opt.Step();
                actual.Add(Expect.Values(w));
                expected.Add(x = reference(x, grads[t - 1], t));
            }
            Quadratic.Same(expected, actual);
            Assert.Equal(amsgrad, opt.State[w].ContainsKey("max_exp_avg_sq"));
        }
    }

    [Fact]
    public void Adam_state_has_PyTorchs_keys_and_step_count()
    {
        var w = Quadratic.Param();
        var opt = new Adam(new[] { w });
        Quadratic.Run(opt, w, 2);
        Assert.Equal(2.0, opt.State[w]["step"]);
        Assert.IsAssignableFrom<Tensor>(opt.State[w]["exp_avg"]);
        Assert.IsAssignableFrom<Tensor>(opt.State[w]["exp_avg_sq"]);
    }
}
