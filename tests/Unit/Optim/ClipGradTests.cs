using Hybrid.NN;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>Utils.ClipGradNorm_ and ClipGradValue_ (torch.nn.utils).</summary>
public class ClipGradTests
{
    static (Parameter A, Parameter B) WithGrads(double[] ga, double[] gb)
    {
        var a = new Parameter(Torch.Tensor(new double[ga.Length]));
        var b = new Parameter(Torch.Tensor(new double[gb.Length]));
        a.Grad = Torch.Tensor(ga);
        b.Grad = Torch.Tensor(gb);
        return (a, b);
    }

    [Fact]
    public void ClipGradNorm_scales_to_the_max_norm_and_returns_the_norm_before_clipping()
    {
        var (a, b) = WithGrads(new[] { 3.0, 4.0 }, new[] { 12.0 });   // total 2-norm 13
        var total = Utils.ClipGradNorm_(new[] { a, b }, maxNorm: 6.5);
        Expect.Scalar(total, 13, 1e-15);
        var coef = 6.5 / (13 + 1e-6);
        Expect.Close(a.Grad, new[] { 3 * coef, 4 * coef }, 1e-15);
        Expect.Close(b.Grad, new[] { 12 * coef }, 1e-15);
    }

    [Fact]
    public void Gradients_within_the_norm_are_left_unchanged()
    {
        var (a, b) = WithGrads(new[] { 3.0, 4.0 }, new[] { 12.0 });
        Expect.Scalar(Utils.ClipGradNorm_(new[] { a, b }, maxNorm: 100), 13, 1e-15);
        Expect.Close(a.Grad, new[] { 3.0, 4.0 }, 0);
        Expect.Close(b.Grad, new[] { 12.0 }, 0);
    }

    [Fact]
    public void Infinity_and_one_norms()
    {
        var (a, b) = WithGrads(new[] { 3.0, -4.0 }, new[] { -12.0 });
        Expect.Scalar(Utils.ClipGradNorm_(new[] { a, b }, 1000, normType: double.PositiveInfinity), 12, 0);
        Expect.Scalar(Utils.ClipGradNorm_(new[] { a, b }, 1.9, normType: 1), 19, 1e-15);
        var coef = 1.9 / (19 + 1e-6);
        Expect.Close(a.Grad, new[] { 3 * coef, -4 * coef }, 1e-15);
    }

    [Fact]
    public void Parameters_without_gradients_are_ignored_and_none_gives_zero()
    {
        var (a, _) = WithGrads(new[] { 3.0, 4.0 }, new[] { 1.0 });
        var none = new Parameter(Torch.Tensor(new[] { 5.0 }));
        Expect.Scalar(Utils.ClipGradNorm_(new[] { a, none }, 10), 5, 1e-15);
        Expect.Scalar(Utils.ClipGradNorm_(new[] { none }, 10), 0, 0);
    }

    [Fact]
    public void A_non_finite_norm_fails_only_when_asked()
    {
        var (a, b) = WithGrads(new[] { double.NaN, 1.0 }, new[] { 1.0 });
        var e = Assert.Throws<InvalidOperationException>(() => Utils.ClipGradNorm_(new[] { a, b }, 1, errorIfNonfinite: true));
        Assert.Contains("non-finite", e.Message);
        Assert.True(double.IsNaN(Utils.ClipGradNorm_(new[] { a, b }, 1).ToDouble()));
    }

    [Fact]
    public void ClipGradNorm_works_on_a_models_parameters()
    {
        var layer = new Linear(3, 2, dtype: DType.Float64);
        (layer.Forward(Torch.Ones(new[] { 4, 3 }, DType.Float64)) * 100).Sum().Backward();
        var before = Utils.ClipGradNorm_(layer.Parameters(), 1.0);
        Assert.True(before.ToDouble() > 1);
        var after = Math.Sqrt(layer.Parameters().Sum(p => Expect.Values(p.Grad).Sum(v => v * v)));
        Assert.Equal(1.0, after, 5);
    }

    [Fact]
    public void ClipGradValue_clamps_every_gradient_entry()
    {
        var (a, b) = WithGrads(new[] { 3.0, -0.2 }, new[] { -12.0 });
        Utils.ClipGradValue_(new[] { a, b }, 0.5);
        Expect.Close(a.Grad, new[] { 0.5, -0.2 }, 0);
        Expect.Close(b.Grad, new[] { -0.5 }, 0);
    }
}
