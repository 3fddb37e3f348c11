using Hybrid.NN;
using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>Optimizer StateDict/LoadStateDict: PyTorch's layout, and a loaded optimizer continues identically.</summary>
public class OptimizerStateDictTests
{
    static readonly Tensor Input = Torch.Tensor(new[,] { { 1.0, -2.0, 0.5 }, { 0.3, 0.8, -1.2 } });

    static void TrainStep(Linear model, Optimizer opt)
    {
        opt.ZeroGrad();
        model.Forward(Input).Pow(2).Mean().Backward();
        opt.Step();
    }

    public static IEnumerable<object[]> Optimizers()
    {
        yield return new object[] { "SGD nesterov", (Func<IEnumerable<Parameter>, Optimizer>)(ps => new SGD(ps, lr: 0.1, momentum: 0.9, nesterov: true)) };
        yield return new object[] { "Adam amsgrad", (Func<IEnumerable<Parameter>, Optimizer>)(ps => new Adam(ps, lr: 0.05, amsgrad: true, weightDecay: 0.01)) };
        yield return new object[] { "AdamW", (Func<IEnumerable<Parameter>, Optimizer>)(ps => new AdamW(ps, lr: 0.05)) };
        yield return new object[] { "RMSprop", (Func<IEnumerable<Parameter>, Optimizer>)(ps => new RMSprop(ps, momentum: 0.5, centered: true)) };
        yield return new object[] { "Adagrad", (Func<IEnumerable<Parameter>, Optimizer>)(ps => new Adagrad(ps, lr: 0.1, lrDecay: 0.01)) };
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_fresh_optimizer_loaded_from_the_state_continues_exactly_like_the_original(string name, Func<IEnumerable<Parameter>, Optimizer> make)
    {
        var model = new Linear(3, 2, dtype: DType.Float64);
        var opt = make(model.Parameters());
        for (var k = 0; k < 3; k++) TrainStep(model, opt);
        opt.ParamGroups[0].Lr *= 0.5;   // a scheduler's change travels with the state

        var copy = new Linear(3, 2, dtype: DType.Float64);
        copy.LoadStateDict(model.StateDict());
        var copyOpt = make(copy.Parameters());
        copyOpt.LoadStateDict(opt.StateDict());
        Assert.Equal(opt.ParamGroups[0].Lr, copyOpt.ParamGroups[0].Lr);

        for (var k = 0; k < 3; k++)
        {
            TrainStep(model, opt);
            TrainStep(copy, copyOpt);
        }
        Assert.True(Expect.Values(model.weight).SequenceEqual(Expect.Values(copy.weight)), name);
        Assert.True(Expect.Values(model.bias!).SequenceEqual(Expect.Values(copy.bias!)), name);
    }

    [Fact]
    public void Without_the_state_a_fresh_optimizer_diverges_from_the_original()
    {
        var model = new Linear(3, 2, dtype: DType.Float64);
        var opt = new Adam(model.Parameters(), lr: 0.05);
        for (var k = 0; k < 3; k++) TrainStep(model, opt);
        var copy = new Linear(3, 2, dtype: DType.Float64);
        copy.LoadStateDict(model.StateDict());
        var copyOpt = new Adam(copy.Parameters(), lr: 0.05);
        TrainStep(model, opt);
        TrainStep(copy, copyOpt);
        Assert.False(Expect.Values(model.weight).SequenceEqual(Expect.Values(copy.weight)));
    }

    [Fact]
    public void State_is_keyed_by_parameter_index_and_groups_list_their_indices()
    {
        var a = new Parameter(Torch.Tensor(new[] { 1.0 }));
        var b = new Parameter(Torch.Tensor(new[] { 2.0 }));
        var c = new Parameter(Torch.Tensor(new[] { 3.0 }));
        var opt = new SGD(new[] { new ParamGroup(new[] { a, b }), new ParamGroup(new[] { c }) { Lr = 0.5 } }, lr: 0.1, momentum: 0.9);
        b.Grad = Torch.Tensor(new[] { 1.0 });
        c.Grad = Torch.Tensor(new[] { 1.0 });
        opt.Step();
        var sd = opt.StateDict();
        Assert.Equal(new[] { 1, 2 }, sd.State.Keys.OrderBy(k => k));
        Assert.True(sd.State[2].ContainsKey("momentum_buffer"));
        Assert.Equal(new[] { 0, 1 }, (int[])sd.ParamGroups[0]["params"]!);
        Assert.Equal(new[] { 2 }, (int[])sd.ParamGroups[1]["params"]!);
        Assert.Equal(0.5, sd.ParamGroups[1]["lr"]);
        Assert.Equal(0.9, sd.ParamGroups[0]["momentum"]);
    }

    [Fact]
    public void Loaded_buffers_are_copies()
    {
        var w = Quadratic.Param();
        var opt = new SGD(new[] { w }, lr: 0.1, momentum: 0.9);
        Quadratic.Run(opt, w, 1);
        var w2 = Quadratic.Param();
        var opt2 = new SGD(new[] { w2 }, lr: 0.1, momentum: 0.9);
        opt2.LoadStateDict(opt.StateDict());
        Assert.NotSame(opt.State[w]["momentum_buffer"], opt2.State[w2]["momentum_buffer"]);
        Assert.Equal(Expect.Values((Tensor)opt.State[w]["momentum_buffer"]), Expect.Values((Tensor)opt2.State[w2]["momentum_buffer"]));
    }

    [Fact]
    public void LBFGS_state_round_trips()
    {
        var w = Quadratic.Param();
        var opt = new LBFGS(new[] { w }, lr: 0.5, maxIter: 2);
        Tensor Closure(Parameter p, Optimizer o) { o.ZeroGrad(); var l = Quadratic.Loss(p); l.Backward(); return l; }
        opt.Step(() => Closure(w, opt));
        var w2 = new Parameter(w.Detach().Clone());
        var opt2 = new LBFGS(new[] { w2 }, lr: 0.5, maxIter: 2);
        opt2.LoadStateDict(opt.StateDict());
        opt.Step(() => Closure(w, opt));
        opt2.Step(() => Closure(w2, opt2));
        Assert.Equal(Expect.Values(w), Expect.Values(w2));
    }

    [Fact]
    public void Loading_a_state_of_another_shape_says_what_differs()
    {
        var opt = new SGD(new[] { Quadratic.Param(), Quadratic.Param() });
        var other = new SGD(new[] { Quadratic.Param() });
        var e = Assert.Throws<ArgumentException>(() => opt.LoadStateDict(other.StateDict()));
        Assert.Contains("doesn't match the size of optimizer's group", e.Message);
    }
}
