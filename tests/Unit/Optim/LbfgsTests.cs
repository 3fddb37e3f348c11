using Hybrid.NN;
using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>L-BFGS: single iterations against the two-loop recursion in doubles, Rosenbrock with strong Wolfe.</summary>
public class LbfgsTests
{
    static Tensor Rosenbrock(Tensor w)
    {
        var x = w[0];
        var y = w[1];
        return (1 - x).Pow(2) + 100 * (y - x * x).Pow(2);
    }

    static double Dot(double[] a, double[] b) => a.Select((v, i) => v * b[i]).Sum();

    [Fact]
    public void Strong_wolfe_minimises_Rosenbrock_from_minus_1_5_2_to_within_1e_minus_6()
    {
        // PyTorch's default tolerances stop once the loss changes by less than 1e-9, which on this
        // valley is ~1e-5 from the minimum; tighter ones let the same algorithm reach 1e-6.
        var w = new Parameter(Torch.Tensor(new[] { -1.5, 2.0 }));
        var opt = new LBFGS(new[] { w }, lr: 1, maxIter: 100, lineSearchFn: "strong_wolfe", toleranceGrad: 1e-10, toleranceChange: 1e-14);
        Tensor Closure()
        {
            opt.ZeroGrad();
            var loss = Rosenbrock(w);
            loss.Backward();
            return loss;
        }
        var first = opt.Step(Closure);
        Assert.Equal(12.5, first.ToDouble(), 12);   // Step returns the loss at the starting point
        opt.Step(Closure);
        var v = Expect.Values(w);
        Assert.True(Math.Abs(v[0] - 1) < 1e-6 && Math.Abs(v[1] - 1) < 1e-6, $"ended at ({v[0]:R}, {v[1]:R})");
        Assert.True(w.IsLeaf && w.RequiresGrad);
        Assert.True((int)opt.State[w]["func_evals"] < 100, $"{opt.State[w]["func_evals"]} evaluations");
    }

    [Fact]
    public void Default_tolerances_stop_near_the_Rosenbrock_minimum()
    {
        var w = new Parameter(Torch.Tensor(new[] { -1.5, 2.0 }));
        var opt = new LBFGS(new[] { w }, maxIter: 100, lineSearchFn: "strong_wolfe");
        opt.Step(() => { opt.ZeroGrad(); var l = Rosenbrock(w); l.Backward(); return l; });
        var v = Expect.Values(w);
        Assert.True(Math.Abs(v[0] - 1) < 1e-4 && Math.Abs(v[1] - 1) < 1e-4, $"ended at ({v[0]:R}, {v[1]:R})");
    }

    [Fact]
    public void One_iteration_per_step_follows_the_two_loop_recursion()
    {
        // maxIter 1: each Step evaluates the closure once and takes one fixed step of length lr
        // (the first one scaled by min(1, 1/‖g‖₁)) along the L-BFGS direction.
        const double lr = 0.5;
        var w = Quadratic.Param();
        var opt = new LBFGS(new[] { w }, lr: lr, maxIter: 1);
        var actual = new List<double[]>();
        for (var k = 0; k < 3; k++)
        {
            var loss = opt.Step(() => { opt.ZeroGrad(); var l = Quadratic.Loss(w); l.Backward(); return l; });
            Assert.Equal(0, loss.Dim);
            actual.Add(Expect.Values(w));
        }

        var dirs = new List<double[]>();   // y
        var stps = new List<double[]>();   // s
        var ro = new List<double>();
        double[]? d = null, prevG = null;
        double t = 0, h = 1;
        var expected = Quadratic.Reference((x, g, step) =>
        {
            if (step == 1) d = g.Select(v => -v).ToArray();
            else
            {
                var y = Quadratic.Map(3, i => g[i] - prevG![i]);
                var s = Quadratic.Map(3, i => d![i] * t);
                var ys = Dot(y, s);
                dirs.Add(y); stps.Add(s); ro.Add(1 / ys);
                h = ys / Dot(y, y);
                var q = g.Select(v => -v).ToArray();
                var al = new double[dirs.Count];
                for (var i = dirs.Count - 1; i >= 0; i--)
                {
                    al[i] = Dot(stps[i], q) * ro[i];
                    q = Quadratic.Map(3, j => q[j] - al[i] * dirs[i][j]);
                }
                var r = q.Select(v => v * h).ToArray();
                for (var i = 0; i < dirs.Count; i++)
                {
                    var be = Dot(dirs[i], r) * ro[i];
                    r = Quadratic.Map(3, j => r[j] + (al[i] - be) * stps[i][j]);
                }
                d = r;
            }
            prevG = g;
            t = step == 1 ? Math.Min(1, 1 / g.Sum(Math.Abs)) * lr : lr;
            return Quadratic.Map(3, i => x[i] + t * d![i]);
        });
        Quadratic.Same(expected, actual);
    }

    [Fact]
    public void Fixed_step_LBFGS_lowers_a_quadratic()
    {
        var w = Quadratic.Param();
        var opt = new LBFGS(new[] { w }, lr: 0.2);
        var first = Quadratic.Loss(w).ToDouble();
        for (var k = 0; k < 5; k++) opt.Step(() => { opt.ZeroGrad(); var l = Quadratic.Loss(w); l.Backward(); return l; });
        Assert.True(Quadratic.Loss(w).ToDouble() < 1e-3 * first);
    }

    [Fact]
    public void Step_without_a_closure_says_LBFGS_needs_one()
    {
        var opt = new LBFGS(new[] { Quadratic.Param() });
        var e = Assert.Throws<InvalidOperationException>(() => opt.Step());
        Assert.Contains("LBFGS", e.Message);
        Assert.Contains("closure", e.Message);
    }

    [Fact]
    public void Default_max_eval_is_five_quarters_of_max_iter()
    {
        var opt = new LBFGS(new[] { Quadratic.Param() }, maxIter: 8);
        Assert.Equal(10, Convert.ToInt32(opt.ParamGroups[0]["max_eval"]));
        Assert.Equal(100, Convert.ToInt32(opt.ParamGroups[0]["history_size"]));
    }

    [Fact]
    public void Unknown_line_search_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new LBFGS(new[] { Quadratic.Param() }, lineSearchFn: "armijo"));
        Assert.Contains("strong_wolfe", e.Message);
        Assert.Contains("armijo", e.Message);
    }
}
