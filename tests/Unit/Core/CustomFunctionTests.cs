using Xunit;

namespace Hybrid.Unit;

/// <summary>exp as a custom function: Forward saves its output, Backward returns g · output.</summary>
public sealed class MyExp : Autograd.Function
{
    protected override Tensor Forward(Autograd.FunctionContext ctx, Tensor[] inputs)
    {
        var y = inputs[0].Exp();
        ctx.SaveForBackward(y);
        return y;
    }

    protected override Tensor?[] Backward(Autograd.FunctionContext ctx, Tensor gradOutput) =>
        new[] { gradOutput * ctx.SavedTensors[0] };
}

/// <summary>a·b with a gradient for a only (null for b, as PyTorch's None).</summary>
public sealed class ScaleByConstant : Autograd.Function
{
    protected override Tensor Forward(Autograd.FunctionContext ctx, Tensor[] inputs)
    {
        ctx.SaveForBackward(inputs[1]);
        return inputs[0] * inputs[1];
    }

    protected override Tensor?[] Backward(Autograd.FunctionContext ctx, Tensor gradOutput) =>
        new[] { gradOutput * ctx.SavedTensors[0], null };
}

public class CustomFunctionTests
{
    [Fact]
    public void Custom_exp_gives_exp_as_its_gradient()
    {
        var x = Torch.Tensor(new[] { 0.0, 1, -2 }, requiresGrad: true);
        var y = new MyExp().Apply(x);
        Expect.Close(y, new[] { 1, Math.E, Math.Exp(-2) }, 1e-12);
        y.Sum().Backward();
        Expect.Close(x.Grad, new[] { 1, Math.E, Math.Exp(-2) }, 1e-12);
    }

    [Fact]
    public void Custom_function_is_recorded_under_its_class_name()
    {
        var x = Torch.Tensor(new[] { 1.0 }, requiresGrad: true);
        var y = new MyExp().Apply(x);
        Assert.Equal("MyExpBackward", y.GradFn.Name);
        Assert.False(y.IsLeaf);
    }

    [Fact]
    public void Custom_function_composes_with_library_ops_by_the_chain_rule()
    {
        var x = Torch.Tensor(2.0, requiresGrad: true);
        var y = new MyExp().Apply(x * 3).Sin();        // d/dx sin(e^{3x}) = cos(e^{3x})·e^{3x}·3
        y.Backward();
        var e = Math.Exp(6);
        Expect.Scalar(x.Grad, Math.Cos(e) * e * 3, 1e-9);
    }

    [Fact]
    public void Null_gradient_means_no_gradient_for_that_input()
    {
        var a = Torch.Tensor(new[] { 1.0, 2 }, requiresGrad: true);
        var b = Torch.Tensor(new[] { 3.0, 4 }, requiresGrad: true);
        new ScaleByConstant().Apply(a, b).Sum().Backward();
        Expect.Close(a.Grad, new double[] { 3, 4 });
        Assert.Null(b.Grad);
    }

    [Fact]
    public void Custom_function_forward_does_not_record_the_graph()
    {
        var x = Torch.Tensor(new[] { 1.0 }, requiresGrad: true);
        var y = new MyExp().Apply(x);
        Assert.Single(y.GradFn.Inputs);
        Assert.Same(x, y.GradFn.Inputs[0]);
    }

    [Fact]
    public void GradCheck_passes_on_the_custom_exp_with_float64_inputs()
    {
        var x = Torch.Tensor(new[] { -0.5, 0.25, 1.5 });
        Assert.True(GradCheck.Check(xs => new MyExp().Apply(xs[0]), new[] { x }));
    }
}
