using Xunit;

namespace Hybrid.Unit;

/// <summary>What the graph records: grad_fn names, leaves, requires-grad propagation, detach, no-grad scopes.</summary>
public class GraphRecordingTests
{
    static Tensor Leaf(params float[] v) => Torch.Tensor(v, requiresGrad: true);

    [Fact]
    public void Product_is_recorded_as_MulBackward0_and_sum_as_AddBackward0()
    {
        var a = Leaf(1, 2);
        var b = Leaf(3, 4);
        Assert.Equal("MulBackward0", (a * b).GradFn.Name);
        Assert.Equal("AddBackward0", (a + b).GradFn.Name);
    }

    [Theory]
    [InlineData("sub", "SubBackward0")]
    [InlineData("div", "DivBackward0")]
    [InlineData("neg", "NegBackward0")]
    [InlineData("exp", "ExpBackward0")]
    [InlineData("log", "LogBackward0")]
    [InlineData("sum", "SumBackward0")]
    [InlineData("relu", "ReluBackward0")]
    [InlineData("pow", "PowBackward0")]
    [InlineData("permute", "PermuteBackward0")]
    [InlineData("mm", "MmBackward0")]
    public void Ops_are_recorded_under_PyTorch_grad_fn_names(string op, string expected)
    {
        var a = Torch.Tensor(new[,] { { 1f, 2f }, { 3f, 4f } }, requiresGrad: true);
        var b = Torch.Tensor(new[,] { { 5f, 6f }, { 7f, 8f } });
        var y = op switch
        {
            "sub" => a - b,
            "div" => a / b,
            "neg" => -a,
            "exp" => a.Exp(),
            "log" => a.Log(),
            "sum" => a.Sum(),
            "relu" => a.Relu(),
            "pow" => a.Pow(2),
            "permute" => a.Permute(1, 0),
            "mm" => a.MatMul(b),
            _ => throw new ArgumentException(op),
        };
        Assert.Equal(expected, y.GradFn.Name);
    }

    [Fact]
    public void Leaves_have_no_grad_fn_and_results_are_not_leaves()
    {
        var a = Leaf(1, 2);
        Assert.True(a.IsLeaf);
        Assert.Null(a.GradFn);
        var y = a * 2;
        Assert.False(y.IsLeaf);
        Assert.NotNull(y.GradFn);
        Assert.Same(a, y.GradFn.Inputs[0]);
    }

    [Fact]
    public void RequiresGrad_propagates_from_any_input_and_not_otherwise()
    {
        var a = Leaf(1, 2);
        var c = Torch.Tensor(new[] { 3f, 4f });
        Assert.True((a * c).RequiresGrad);
        Assert.True((c * a).RequiresGrad);
        var plain = c * c;
        Assert.False(plain.RequiresGrad);
        Assert.Null(plain.GradFn);
        Assert.True(plain.IsLeaf);
    }

    [Fact]
    public void Comparison_results_never_require_grad()
    {
        var a = Leaf(1, 2);
        var m = a.Gt(1.5);
        Assert.Equal(DType.Bool, m.DType);
        Assert.False(m.RequiresGrad);
    }

    [Fact]
    public void Detach_shares_storage_but_drops_history_and_requires_grad()
    {
        var a = Leaf(1, 2);
        var y = a * 3;
        var d = y.Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        Assert.Null(d.GradFn);
        d.Add_(1);                                 // same storage: y sees the write
        Expect.Close(y, new double[] { 4, 7 });
    }

    [Fact]
    public void Gradient_does_not_flow_through_a_detached_branch()
    {
        var x = Torch.Tensor(3f, requiresGrad: true);
        var y = x * x.Detach();                    // d/dx = x.detach() = 3, not 2x
        y.Backward();
        Expect.Scalar(x.Grad, 3);
    }

    [Fact]
    public void NoGrad_scope_disables_recording_and_dispose_restores_it()
    {
        var a = Leaf(1, 2);
        Assert.True(Torch.IsGradEnabled);
        using (Torch.NoGrad())
        {
            Assert.False(Torch.IsGradEnabled);
            var y = a * 2;
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFn);
        }
        Assert.True(Torch.IsGradEnabled);
        Assert.True((a * 2).RequiresGrad);
    }

    [Fact]
    public void EnableGrad_inside_NoGrad_records_again_until_disposed()
    {
        var a = Leaf(1, 2);
        using (Torch.NoGrad())
        {
            using (Torch.EnableGrad())
            {
                Assert.True(Torch.IsGradEnabled);
                Assert.Equal("MulBackward0", (a * 2).GradFn.Name);
            }
            Assert.False(Torch.IsGradEnabled);
        }
        Assert.True(Torch.IsGradEnabled);
    }

    [Fact]
    public async Task NoGrad_scope_flows_across_await_and_is_restored_after()
    {
        var a = Leaf(1, 2);
        using (Torch.NoGrad())
        {
            await Task.Yield();
            Assert.False(Torch.IsGradEnabled);
            await Task.Delay(1);
            Assert.False((a * 2).RequiresGrad);
        }
        Assert.True(Torch.IsGradEnabled);
        Assert.True((a * 2).RequiresGrad);
    }

    [Fact]
    public async Task NoGrad_scope_in_one_task_does_not_leak_into_another()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = Task.Run(async () =>
        {
            using (Torch.NoGrad())
            {
                entered.SetResult();
                await release.Task;
                return Torch.IsGradEnabled;
            }
        });
        await entered.Task;
        Assert.True(Torch.IsGradEnabled);       // the other task's scope is not ours
        release.SetResult();
        Assert.False(await inner);
        Assert.True(Torch.IsGradEnabled);
    }
}
