using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>NAdam's and RAdam's steps against doubles (PyTorch's update rules written out).</summary>
public class NAdamRAdamTests
{
    static Func<double[], double[], int, double[]> NAdamReference(double lr, double b1, double b2, double eps, double wd, double psi, bool decoupled)
    {
        double[] m = new double[3], v = new double[3];
        var muProduct = 1.0;
        return (x, grad, t) =>
        {
            var mu = b1 * (1 - 0.5 * Math.Pow(0.96, t * psi));
            var muNext = b1 * (1 - 0.5 * Math.Pow(0.96, (t + 1) * psi));
            muProduct *= mu;
            var next = new double[3];
            for (var i = 0; i < 3; i++)
            {
                var p = decoupled ? x[i] * (1 - lr * wd) : x[i];
                var g = decoupled ? grad[i] : grad[i] + wd * x[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                var d = Math.Sqrt(v[i] / (1 - Math.Pow(b2, t))) + eps;
                next[i] = p - lr * (1 - mu) / (1 - muProduct) * g / d - lr * muNext / (1 - muProduct * muNext) * m[i] / d;
            }
            return next;
        };
    }

    static Func<double[], double[], int, double[]> RAdamReference(double lr, double b1, double b2, double eps, double wd, bool decoupled)
    {
        double[] m = new double[3], v = new double[3];
        var rhoInf = 2 / (1 - b2) - 1;
        return (x, grad, t) =>
        {
            var next = new double[3];
            for (var i = 0; i < 3; i++)
            {
                var p = decoupled ? x[i] * (1 - lr * wd) : x[i];
                var g = decoupled ? grad[i] : grad[i] + wd * x[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                var mHat = m[i] / (1 - Math.Pow(b1, t));
                var bc2 = 1 - Math.Pow(b2, t);
                var rho = rhoInf - 2 * t * Math.Pow(b2, t) / bc2;
                next[i] = rho > 5
                    ? p - lr * mHat * Math.Sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho)) * Math.Sqrt(bc2) / (Math.Sqrt(v[i]) + eps)
                    : p - lr * mHat;
            }
            return next;
        };
    }

    [Fact]
    public void NAdam_with_defaults_and_with_decoupled_weight_decay()
    {
        var w = Quadratic.Param();
        Quadratic.Same(Quadratic.Reference(NAdamReference(2e-3, 0.9, 0.999, 1e-8, 0, 4e-3, false), 8), Quadratic.Run(new NAdam(new[] { w }), w, 8));
        var u = Quadratic.Param();
        Quadratic.Same(Quadratic.Reference(NAdamReference(0.05, 0.8, 0.99, 1e-6, 0.1, 0.02, true), 8),
            Quadratic.Run(new NAdam(new[] { u }, lr: 0.05, betas: (0.8, 0.99), eps: 1e-6, weightDecay: 0.1, momentumDecay: 0.02, decoupledWeightDecay: true), u, 8));
    }

    [Fact]
    public void RAdam_is_momentum_sgd_until_the_variance_is_tractable_then_rectified()
    {
        // ρ_t first exceeds 5 at the sixth step (for β₂ = 0.9 and 0.999 alike): both branches run within 10.
        var w = Quadratic.Param();
        Quadratic.Same(Quadratic.Reference(RAdamReference(0.01, 0.9, 0.9, 1e-8, 0.05, false), 10),
            Quadratic.Run(new RAdam(new[] { w }, lr: 0.01, betas: (0.9, 0.9), weightDecay: 0.05), w, 10));
        var u = Quadratic.Param();
        Quadratic.Same(Quadratic.Reference(RAdamReference(1e-3, 0.9, 0.999, 1e-8, 0.1, true), 10),
            Quadratic.Run(new RAdam(new[] { u }, weightDecay: 0.1, decoupledWeightDecay: true), u, 10));
    }

    [Fact]
    public void Bad_options_are_refused_by_name()
    {
        var w = Quadratic.Param();
        Assert.Contains("NAdam", Assert.Throws<ArgumentException>(() => new NAdam(new[] { w }, betas: (1.0, 0.9))).Message);
        Assert.Contains("momentum_decay", Assert.Throws<ArgumentException>(() => new NAdam(new[] { w }, momentumDecay: -1)).Message);
        Assert.Contains("RAdam", Assert.Throws<ArgumentException>(() => new RAdam(new[] { w }, lr: -1)).Message);
    }
}
