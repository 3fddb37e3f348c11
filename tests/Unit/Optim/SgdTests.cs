using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>SGD's first three steps against the update written out with doubles.</summary>
public class SgdTests
{
    [Fact]
    public void Plain_SGD_steps_against_the_negative_gradient()
    {
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new SGD(new[] { w }, lr: 0.1), w);
        var expected = Quadratic.Reference((x, g, _) => Quadratic.Map(3, i => x[i] - 0.1 * g[i]));
        Quadratic.Same(expected, actual);
    }

    [Fact]
    public void Momentum_with_dampening_and_weight_decay_follows_PyTorchs_buffer_update()
    {
        double lr = 0.05, mu = 0.9, damp = 0.2, wd = 0.01;
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new SGD(new[] { w }, lr: lr, momentum: mu, dampening: damp, weightDecay: wd), w);
        double[]? buf = null;
        var expected = Quadratic.Reference((x, g, _) =>
        {
            var d = Quadratic.Map(3, i => g[i] + wd * x[i]);
            buf = buf is null ? d : Quadratic.Map(3, i => mu * buf[i] + (1 - damp) * d[i]);   // first step: buf = d, undampened
            return Quadratic.Map(3, i => x[i] - lr * buf[i]);
        });
        Quadratic.Same(expected, actual);
    }

    [Fact]
    public void Nesterov_adds_momentum_times_the_buffer_to_the_gradient()
    {
        double lr = 0.05, mu = 0.8;
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new SGD(new[] { w }, lr: lr, momentum: mu, nesterov: true), w);
        double[]? buf = null;
        var expected = Quadratic.Reference((x, g, _) =>
        {
            buf = buf is null ? g : Quadratic.Map(3, i => mu * buf[i] + g[i]);
            return Quadratic.Map(3, i => x[i] - lr * (g[i] + mu * buf[i]));
        });
        Quadratic.Same(expected, actual);
    }

    [Fact]
    public void Maximize_steps_along_the_gradient()
    {
        var w = Quadratic.Param();
        var actual = Quadratic.Run(new SGD(new[] { w }, lr: 0.1, maximize: true), w);
        var expected = Quadratic.Reference((x, g, _) => Quadratic.Map(3, i => x[i] + 0.1 * g[i]));
        Quadratic.Same(expected, actual);
    }

    [Fact]
    public void Default_learning_rate_is_1e_minus_3_as_PyTorch_2()
    {
        var sgd = new SGD(new[] { Quadratic.Param() });
        Assert.Equal(1e-3, sgd.ParamGroups[0].Lr);
        Assert.Equal(0.0, sgd.ParamGroups[0].Momentum);
        Assert.False((bool)sgd.ParamGroups[0]["nesterov"]!);
    }

    [Fact]
    public void Momentum_buffer_is_not_the_gradient_tensor_so_zeroing_grads_in_place_leaves_it()
    {
        var w = Quadratic.Param();
        var sgd = new SGD(new[] { w }, lr: 0.1, momentum: 0.9);
        Quadratic.Loss(w).Backward();
        sgd.Step();
        var before = Expect.Values((Tensor)sgd.State[w]["momentum_buffer"]);
        sgd.ZeroGrad(setToNone: false);
        Assert.Equal(before, Expect.Values((Tensor)sgd.State[w]["momentum_buffer"]));
    }
}
