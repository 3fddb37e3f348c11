using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>Adagrad's first three steps against doubles.</summary>
public class AdagradTests
{
    static Func<double[], double[], int, double[]> Reference(double lr, double lrDecay, double wd, double init, double eps)
    {
        var sum = Quadratic.Map(3, _ => init);
        return (x, grad, t) =>
        {
            var clr = lr / (1 + (t - 1) * lrDecay);
            var next = new double[3];
            for (var i = 0; i < 3; i++)
            {
                var g = grad[i] + wd * x[i];
                sum[i] += g * g;
                next[i] = x[i] - clr * g / (Math.Sqrt(sum[i]) + eps);
            }
            return next;
        };
    }

    [Fact]
    public void Adagrad_with_defaults_divides_by_the_root_of_the_summed_squares()
    {
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new Adagrad(new[] { w }), w);
        Quadratic.Same(Quadratic.Reference(Reference(1e-2, 0, 0, 0, 1e-10)), actual);
    }

    [Fact]
    public void Lr_decay_initial_accumulator_and_weight_decay()
    {
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new Adagrad(new[] { w }, lr: 0.1, lrDecay: 0.5, weightDecay: 0.1, initialAccumulatorValue: 0.25, eps: 1e-6), w);
        Quadratic.Same(Quadratic.Reference(Reference(0.1, 0.5, 0.1, 0.25, 1e-6)), actual);
    }

    [Fact]
    public void Accumulators_exist_from_construction_as_in_PyTorch()
    {
        var w = Quadratic.Param();
        var opt = new Adagrad(new[] { w }, initialAccumulatorValue: 0.5);
        Assert.Equal(0.0, opt.State[w]["step"]);
        Expect.Close((Tensor)opt.State[w]["sum"], new[] { 0.5, 0.5, 0.5 });
    }
}
