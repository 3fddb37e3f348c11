using Hybrid.NN;
using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Optim;

/// <summary>Bad options fail at construction with the optimizer's name and the offending value.</summary>
public class OptimizerValidationTests
{
    static Parameter[] Ps() => new[] { Quadratic.Param() };

    static void Fails(Func<object> make, params string[] fragments)
    {
        var e = Assert.ThrowsAny<ArgumentException>(make);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }

    public static IEnumerable<object[]> NegativeLr() => new[]
    {
        new object[] { "SGD", (Func<object>)(() => new SGD(Ps(), lr: -0.1)) },
        new object[] { "Adam", (Func<object>)(() => new Adam(Ps(), lr: -0.1)) },
        new object[] { "AdamW", (Func<object>)(() => new AdamW(Ps(), lr: -0.1)) },
        new object[] { "RMSprop", (Func<object>)(() => new RMSprop(Ps(), lr: -0.1)) },
        new object[] { "Adagrad", (Func<object>)(() => new Adagrad(Ps(), lr: -0.1)) },
        new object[] { "LBFGS", (Func<object>)(() => new LBFGS(Ps(), lr: -0.1)) },
    };

    [Theory]
    [MemberData(nameof(NegativeLr))]
    public void A_negative_learning_rate_names_the_optimizer_and_the_value(string name, Func<object> make) =>
        Fails(make, name + ":", "Invalid learning rate: -0.1");

    [Fact]
    public void Betas_outside_0_1_are_rejected_with_their_index()
    {
        Fails(() => new Adam(Ps(), betas: (1.0, 0.999)), "Adam:", "beta parameter at index 0: 1");
        Fails(() => new Adam(Ps(), betas: (0.9, -0.5)), "Adam:", "beta parameter at index 1: -0.5");
        Fails(() => new AdamW(Ps(), betas: (0.9, 1.5)), "AdamW:", "index 1: 1.5");
    }

    [Fact]
    public void An_empty_parameter_list_is_rejected()
    {
        Fails(() => new SGD(Array.Empty<Parameter>()), "SGD:", "empty parameter list");
        Fails(() => new Adam(Array.Empty<Parameter>()), "Adam:", "empty parameter list");
        Fails(() => new LBFGS(Array.Empty<Parameter>()), "LBFGS:", "empty parameter list");
        Fails(() => new RMSprop(Array.Empty<ParamGroup>()), "RMSprop:", "empty parameter list");
    }

    [Fact]
    public void Other_bad_options_name_the_option_and_value()
    {
        Fails(() => new SGD(Ps(), momentum: -1), "SGD:", "momentum value: -1");
        Fails(() => new SGD(Ps(), weightDecay: -0.01), "SGD:", "weight_decay value: -0.01");
        Fails(() => new SGD(Ps(), nesterov: true), "SGD:", "Nesterov momentum requires a momentum and zero dampening");
        Fails(() => new SGD(Ps(), momentum: 0.9, dampening: 0.1, nesterov: true), "dampening=0.1");
        Fails(() => new Adam(Ps(), eps: -1e-8), "Adam:", "epsilon value: -1E-08");
        Fails(() => new RMSprop(Ps(), alpha: -0.5), "RMSprop:", "alpha value: -0.5");
        Fails(() => new Adagrad(Ps(), lrDecay: -1), "Adagrad:", "lr_decay value: -1");
        Fails(() => new Adagrad(Ps(), initialAccumulatorValue: -1), "initial_accumulator_value value: -1");
        Fails(() => new SGD(Ps(), lr: double.NaN), "Invalid learning rate: NaN");
    }

    [Fact]
    public void A_groups_own_bad_option_is_rejected_too()
    {
        Fails(() => new SGD(new[] { new ParamGroup(Ps()) { Lr = -1 } }, lr: 0.1), "SGD:", "Invalid learning rate: -1");
        Fails(() => new Adam(new[] { new ParamGroup(Ps()) { Betas = (0.9, 1.0) } }), "Adam:", "index 1: 1");
    }

    [Fact]
    public void The_parameter_name_is_reported()
    {
        var e = Assert.Throws<ArgumentException>(() => new Adam(Ps(), lr: -1));
        Assert.Equal("lr", e.ParamName);
    }
}
