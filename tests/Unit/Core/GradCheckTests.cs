using Xunit;

namespace Hybrid.Unit;

/// <summary>exp whose backward is deliberately wrong by a factor of two.</summary>
public sealed class WrongExp : Autograd.Function
{
    protected override Tensor Forward(Autograd.FunctionContext ctx, Tensor[] inputs)
    {
        var y = inputs[0].Exp();
        ctx.SaveForBackward(y);
        return y;
    }

    protected override Tensor?[] Backward(Autograd.FunctionContext ctx, Tensor gradOutput) =>
        new[] { 2 * gradOutput * ctx.SavedTensors[0] };
}

public class GradCheckTests
{
    static Tensor V(params double[] v) => Torch.Tensor(v);

    [Fact]
    public void GradCheck_returns_true_for_a_correct_function_of_two_inputs()
    {
        Assert.True(GradCheck.Check(xs => (xs[0] * xs[1].Sin()).Sum() + xs[0].Pow(3).Mean(),
                                    new[] { V(0.3, -1.2, 2), V(1, 0.5, -0.7) }));
    }

    [Fact]
    public void GradCheck_returns_true_for_a_non_scalar_output()
    {
        Assert.True(GradCheck.Check(xs => xs[0].Softmax(0) * xs[0], new[] { V(0.1, 0.2, -0.3, 0.4) }));
    }

    [Fact]
    public void GradCheck_throws_for_a_custom_backward_that_is_wrong()
    {
        var e = Assert.Throws<GradCheckException>(() =>
            GradCheck.Check(xs => new WrongExp().Apply(xs[0]), new[] { V(0.5, -1) }));
        Assert.Contains("mismatch", e.Message);
    }

    [Fact]
    public void GradCheck_throws_for_a_wrong_backward_on_a_large_input_checked_by_random_directions()
    {
        var x = Torch.Tensor(Expect.Seq(100, i => Math.Sin(i)));
        Assert.Throws<GradCheckException>(() => GradCheck.Check(xs => new WrongExp().Apply(xs[0]), new[] { x }));
    }

    [Fact]
    public void GradCheck_rejects_float32_inputs()
    {
        var e = Assert.Throws<ArgumentException>(() => GradCheck.Check(xs => xs[0].Exp(), new[] { Torch.Ones(2) }));
        Assert.Contains("float64", e.Message);
    }

    [Fact]
    public void GradCheck_differentiates_only_marked_inputs_when_some_are_marked()
    {
        var a = V(1, 2).RequiresGrad_();
        var b = V(3, 4);
        // b goes through the wrong backward, but b is not marked, so it is not checked.
        Assert.True(GradCheck.Check(xs => xs[0] * new WrongExp().Apply(xs[1]).Detach(), new[] { a, b }));
    }

    [Fact]
    public void GradGradCheck_passes_for_a_smooth_function()
    {
        Assert.True(GradCheck.GradGradCheck(xs => (xs[0].Sin() * xs[0]).Sum(), new[] { V(0.3, -0.8) }));
    }
}
