using Hybrid.NN;
using Xunit;

namespace Hybrid.Unit;

/// <summary>Dropout2d zeroes whole planes, scales the kept ones, and is the identity in eval mode.</summary>
public class Dropout2dTests
{
    [Fact]
    public void Whole_channels_are_zeroed_or_scaled_together()
    {
        var x = Torch.Ones(4, 8, 3, 3);
        var y = Functional.Dropout2d(x, 0.5, true, new Generator(7));
        var values = y.ToArray<float>();
        var kept = 0;
        for (var plane = 0; plane < 32; plane++)
        {
            var first = values[plane * 9];
            Assert.True(first == 0f || first == 2f, $"plane {plane}: {first}");
            for (var k = 1; k < 9; k++) Assert.Equal(first, values[plane * 9 + k]);
            if (first != 0) kept++;
        }
        Assert.InRange(kept, 6, 26);   // 32 fair coin flips
        Assert.Equal(values, Functional.Dropout2d(x, 0.5, true, new Generator(7)).ToArray<float>());
    }

    [Fact]
    public void The_module_passes_input_through_in_eval_mode_and_refuses_other_ranks()
    {
        var module = new Dropout2d(0.3);
        module.Eval();
        var x = Torch.Randn(2, 3, 4, 4);
        Assert.Same(x, module.Forward(x));
        var e = Assert.Throws<ArgumentException>(() => Functional.Dropout2d(Torch.Ones(5, 5), 0.5));
        Assert.Contains("dropout2d: expected a 3-D or 4-D input, got (5, 5)", e.Message);
    }
}
