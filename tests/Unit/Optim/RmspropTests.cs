using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>RMSprop's first three steps (plain, centered, momentum, weight decay) against doubles.</summary>
public class RmspropTests
{
    static Func<double[], double[], int, double[]> Reference(double lr, double alpha, double eps, double wd, double mu, bool centered)
    {
        var sq = new double[3];
        var ga = new double[3];
        var buf = new double[3];
        return (x, grad, _) =>
        {
            var next = new double[3];
            for (var i = 0; i < 3; i++)
            {
                var g = grad[i] + wd * x[i];
                sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
                double avg;
                if (centered)
                {
                    ga[i] = alpha * ga[i] + (1 - alpha) * g;
                    avg = Math.Sqrt(sq[i] - ga[i] * ga[i]) + eps;
                }
                else avg = Math.Sqrt(sq[i]) + eps;
                if (mu > 0)
                {
                    buf[i] = mu * buf[i] + g / avg;
                    next[i] = x[i] - lr * buf[i];
                }
                else next[i] = x[i] - lr * g / avg;
            }
            return next;
        };
    }

    [Fact]
    public void RMSprop_with_defaults_divides_by_the_root_mean_square()
    {
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new RMSprop(new[] { w }), w);
        Quadratic.Same(Quadratic.Reference(Reference(1e-2, 0.99, 1e-8, 0, 0, false)), actual);
    }

    [Fact]
    public void Centered_RMSprop_with_momentum_and_weight_decay()
    {
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new RMSprop(new[] { w }, lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay: 0.05, momentum: 0.8, centered: true), w);
        Quadratic.Same(Quadratic.Reference(Reference(0.01, 0.9, 1e-6, 0.05, 0.8, true)), actual);
    }

    [Fact]
    public void Momentum_without_centering()
    {
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new RMSprop(new[] { w }, lr: 0.02, alpha: 0.9, momentum: 0.5), w);
        Quadratic.Same(Quadratic.Reference(Reference(0.02, 0.9, 1e-8, 0, 0.5, false)), actual);
    }

    [Fact]
    public void State_holds_grad_avg_only_when_centered_and_a_buffer_only_with_momentum()
    {
        var w = Quadratic.Param();
        var opt = new RMSprop(new[] { w }, centered: true);
        Quadratic.Run(opt, w, 1);
        Assert.True(opt.State[w].ContainsKey("grad_avg"));
        Assert.False(opt.State[w].ContainsKey("momentum_buffer"));
        Assert.Equal(1.0, opt.State[w]["step"]);
    }
}
