using Xunit;

namespace Hybrid.Unit;

/// <summary>Autograd misuse fails with PyTorch's messages instead of giving a wrong answer.</summary>
public class AutogradErrorTests
{
    [Fact]
    public void Backward_twice_without_retainGraph_fails_with_PyTorch_message()
    {
        var x = Torch.Tensor(3f, requiresGrad: true);
        var y = x * x;
        y.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("Trying to backward through the graph a second time", e.Message);
    }

    [Fact]
    public void Backward_twice_with_retainGraph_accumulates_the_gradient()
    {
        var x = Torch.Tensor(3f, requiresGrad: true);
        var y = x * x;                          // dy/dx = 2x = 6
        y.Backward(retainGraph: true);
        Expect.Scalar(x.Grad, 6);
        y.Backward();
        Expect.Scalar(x.Grad, 12);
    }

    [Fact]
    public void Grad_twice_without_retainGraph_fails()
    {
        var x = Torch.Tensor(2f, requiresGrad: true);
        var y = x.Sin() * x;
        Autograd.Grad(y, x);
        var e = Assert.Throws<InvalidOperationException>(() => Autograd.Grad(y, x));
        Assert.Contains("Trying to backward through the graph a second time", e.Message);
    }

    [Fact]
    public void In_place_write_to_a_saved_operand_makes_backward_fail_naming_node_and_op()
    {
        var a = Torch.Tensor(new[] { 1f, 2f, 3f }, requiresGrad: true);
        var b = Torch.Ones(3);
        var y = (a * b).Sum();                 // MulBackward0 reads b for a's gradient
        using (Torch.NoGrad()) b.Add_(1);
        var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("modified by an inplace operation", e.Message);
        Assert.Contains("MulBackward0", e.Message);
        Assert.Contains("Add_", e.Message);
        Assert.Null(a.Grad);
    }

    [Fact]
    public void In_place_write_to_an_operand_whose_value_backward_ignores_is_allowed()
    {
        var a = Torch.Tensor(new[] { 1f, 2f, 3f }, requiresGrad: true);
        var b = Torch.Ones(3);
        var y = (a + b).Sum();                 // AddBackward0 needs no values
        b.Add_(1);
        y.Backward();
        Expect.Close(a.Grad, new double[] { 1, 1, 1 });
    }

    [Fact]
    public void In_place_Add_on_a_leaf_requiring_grad_outside_NoGrad_fails()
    {
        var a = Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => a.Add_(1));
        Assert.Contains("leaf", e.Message);
        Assert.Contains("Add_", e.Message);
        Expect.Close(a, new double[] { 1, 2 });
    }

    [Fact]
    public void In_place_Add_on_a_leaf_requiring_grad_inside_NoGrad_updates_it()
    {
        var a = Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true);
        using (Torch.NoGrad()) a.Add_(Torch.Tensor(new[] { 10f, 20f }), alpha: 0.5);
        Expect.Close(a, new double[] { 6, 12 });
        Assert.True(a.RequiresGrad);
    }

    [Fact]
    public void Backward_of_a_non_scalar_without_gradient_fails()
    {
        var a = Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true);
        var e = Assert.Throws<InvalidOperationException>(() => (a * 2).Backward());
        Assert.Contains("grad can be implicitly created only for scalar outputs", e.Message);
    }

    [Fact]
    public void Backward_of_a_non_scalar_with_gradient_weights_the_vjp()
    {
        var a = Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true);
        (a * a).Backward(Torch.Tensor(new[] { 1f, 10f }));
        Expect.Close(a.Grad, new double[] { 2, 40 });
    }

    [Fact]
    public void Backward_of_a_tensor_that_does_not_require_grad_fails()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Torch.Ones(2).Sum().Backward());
        Assert.Contains("does not require grad", e.Message);
    }

    [Fact]
    public void Integer_tensors_cannot_require_grad()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Torch.Arange(3).RequiresGrad = true);
        Assert.Contains("floating point", e.Message);
    }

    [Fact]
    public void RequiresGrad_of_a_non_leaf_cannot_be_changed()
    {
        var y = Torch.Ones(new[] { 2 }, DType.Float32, requiresGrad: true) * 2;
        var e = Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.Contains("leaf", e.Message);
    }

    [Fact]
    public void Grad_of_an_unused_input_fails_unless_allowUnused()
    {
        var x = Torch.Tensor(1f, requiresGrad: true);
        var z = Torch.Tensor(1f, requiresGrad: true);
        var y = x * 3;
        var e = Assert.Throws<InvalidOperationException>(() => Autograd.Grad(new[] { y }, new[] { x, z }, retainGraph: true));
        Assert.Contains("not have been used in the graph", e.Message);
        var grads = Autograd.Grad(new[] { y }, new[] { x, z }, allowUnused: true);
        Expect.Scalar(grads[0], 3);
        Assert.Null(grads[1]);
    }

    [Fact]
    public void Chain_of_100000_multiplications_backpropagates_without_stack_overflow()
    {
        const int n = 100_000;
        const double k = 1.0000001;
        var x = Torch.Tensor(1.0, requiresGrad: true);
        var y = x;
        for (var i = 0; i < n; i++) y = y * k;
        y.Backward();
        var expected = Math.Pow(k, n);         // d(x·kⁿ)/dx
        Assert.Equal(expected, x.Grad.Item<double>(), 1e-9);
        Assert.Equal(expected, y.Item<double>(), 1e-9);
    }

    [Fact]
    public void Chain_of_100000_additions_of_zero_gives_gradient_one()
    {
        var x = Torch.Tensor(2f, requiresGrad: true);
        var y = x;
        for (var i = 0; i < 100_000; i++) y = y + 0;
        y.Backward();
        Expect.Scalar(x.Grad, 1);
        Expect.Scalar(y, 2);
    }
}
