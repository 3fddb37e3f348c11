using Hybrid.NN;
using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>What every optimizer shares: parameter groups, ZeroGrad, skipped parameters, closures, in-place updates.</summary>
public class OptimizerBehaviourTests
{
    static Parameter P(params double[] v) => new(Torch.Tensor(v));

    [Fact]
    public void Each_parameter_group_uses_its_own_options_and_the_defaults_fill_the_rest()
    {
        var a = P(1.0, 2.0);
        var b = P(3.0);
        var opt = new SGD(new[]
        {
            new ParamGroup(new[] { a }) { Lr = 0.5 },
            new ParamGroup(new[] { b }) { ["momentum"] = 0.9 },
        }, lr: 0.1);
        Assert.Equal(0.5, opt.ParamGroups[0].Lr);
        Assert.Equal(0.0, opt.ParamGroups[0].Momentum);
        Assert.Equal(0.1, opt.ParamGroups[1].Lr);
        Assert.Equal(0.9, opt.ParamGroups[1].Momentum);

        a.Grad = Torch.Tensor(new[] { 1.0, -1.0 });
        b.Grad = Torch.Tensor(new[] { 2.0 });
        opt.Step();
        Expect.Close(a, new[] { 1 - 0.5, 2 + 0.5 }, 1e-15);
        Expect.Close(b, new[] { 3 - 0.1 * 2 }, 1e-15);
        Assert.False(opt.State.ContainsKey(a));          // no momentum, no state
        Assert.True(opt.State[b].ContainsKey("momentum_buffer"));
    }

    [Fact]
    public void Changing_a_groups_lr_changes_the_next_step()
    {
        var a = P(1.0);
        var opt = new SGD(new[] { a }, lr: 0.1);
        a.Grad = Torch.Tensor(new[] { 1.0 });
        opt.ParamGroups[0].Lr = 0.25;
        opt.Step();
        Expect.Close(a, new[] { 0.75 }, 1e-15);
    }

    [Fact]
    public void Groups_of_a_model_by_layer_as_PyTorch_users_write_them()
    {
        var fc1 = new Linear(2, 3, dtype: DType.Float64);
        var fc2 = new Linear(3, 1, dtype: DType.Float64);
        var opt = new Adam(new[] { new ParamGroup(fc1.Parameters()) { Lr = 1e-2 }, new ParamGroup(fc2.Parameters()) }, lr: 1e-3);
        Assert.Equal(2, opt.ParamGroups[0].Params.Count);
        Assert.Equal(1e-3, opt.ParamGroups[1].Lr);
        Assert.Equal((0.9, 0.999), opt.ParamGroups[1].Betas);
    }

    [Fact]
    public void ZeroGrad_sets_gradients_to_null_by_default_and_to_zeros_on_request()
    {
        var a = P(1.0, 2.0);
        var opt = new SGD(new[] { a });
        (a * a).Sum().Backward();
        Assert.NotNull(a.Grad);
        opt.ZeroGrad(setToNone: false);
        Expect.Close(a.Grad, new[] { 0.0, 0.0 });
        opt.ZeroGrad();
        Assert.Null(a.Grad);
    }

    [Fact]
    public void Parameters_without_a_gradient_are_skipped()
    {
        var a = P(1.0);
        var b = P(2.0);
        var opt = new Adam(new[] { a, b }, lr: 0.1);
        a.Grad = Torch.Tensor(new[] { 1.0 });
        opt.Step();
        Expect.Close(b, new[] { 2.0 }, 0);
        Assert.False(opt.State.ContainsKey(b));
        Assert.NotEqual(1.0, Expect.Values(a)[0]);
    }

    [Fact]
    public void Step_with_a_closure_returns_its_loss_and_uses_the_gradients_it_computes()
    {
        var w = Quadratic.Param();
        var opt = new SGD(new[] { w }, lr: 0.1);
        var loss = opt.Step(() =>
        {
            opt.ZeroGrad();
            var l = Quadratic.Loss(w);
            l.Backward();
            return l;
        });
        var g = Quadratic.Grad(Quadratic.W0);
        Expect.Scalar(loss, Quadratic.W0.Select((x, i) => x * x * Quadratic.C[i] * Quadratic.C[i]).Sum(), 1e-14);
        Expect.Close(w, Quadratic.Map(3, i => Quadratic.W0[i] - 0.1 * g[i]), 1e-14);
    }

    [Fact]
    public void Steps_update_the_modules_own_parameters_in_place_and_record_no_graph()
    {
        var layer = new Linear(2, 1, dtype: DType.Float64);
        var weight = layer.weight;
        var before = Expect.Values(weight);
        var opt = new SGD(layer.Parameters(), lr: 0.1, momentum: 0.5);
        for (var k = 0; k < 2; k++)
        {
            opt.ZeroGrad();
            layer.Forward(Torch.Tensor(new[,] { { 1.0, 2.0 } })).Sum().Backward();
            opt.Step();
        }
        Assert.Same(weight, layer.weight);
        Assert.NotEqual(before, Expect.Values(layer.weight));
        Assert.True(weight.IsLeaf && weight.RequiresGrad && weight.GradFn is null);
        Assert.True(Torch.IsGradEnabled);
    }

    [Fact]
    public void AddParamGroup_adds_a_group_with_the_defaults()
    {
        var opt = new SGD(new[] { P(1.0) }, lr: 0.1, momentum: 0.9);
        var extra = P(2.0);
        opt.AddParamGroup(new ParamGroup(new[] { extra }) { Lr = 0.01 });
        Assert.Equal(2, opt.ParamGroups.Count);
        Assert.Equal(0.01, opt.ParamGroups[1].Lr);
        Assert.Equal(0.9, opt.ParamGroups[1].Momentum);
    }

    [Fact]
    public void A_parameter_in_two_groups_is_rejected()
    {
        var a = P(1.0);
        var e = Assert.Throws<ArgumentException>(() => new SGD(new[] { new ParamGroup(new[] { a }), new ParamGroup(new[] { a }) }));
        Assert.Contains("more than one parameter group", e.Message);
    }

    [Fact]
    public void Float32_parameters_are_updated_in_float32()
    {
        var w = new Parameter(Torch.Tensor(new[] { 1f, -2f }));
        var opt = new Adam(new[] { w }, lr: 0.1);
        w.Grad = Torch.Tensor(new[] { 0.5f, 0.5f });
        opt.Step();
        Assert.Equal(DType.Float32, w.DType);
        Expect.Close(w, new[] { 0.9, -2.1 }, 1e-6);
    }
}
