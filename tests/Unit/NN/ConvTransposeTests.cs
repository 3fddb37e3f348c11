using Hybrid.NN;
using Xunit;
using static Hybrid.Unit.NN.NNTest;

namespace Hybrid.Unit.NN;

public class ConvTransposeTests
{
    [Theory]
    [InlineData(3, 1, 0, 0, 1, 5, 7)]
    [InlineData(3, 2, 1, 1, 1, 5, 10)]
    [InlineData(4, 2, 1, 0, 1, 4, 8)]
    [InlineData(3, 1, 1, 1, 2, 4, 7)]
    [InlineData(2, 3, 0, 2, 1, 3, 10)]
    public void Output_size_is_the_transposed_convolution_formula(int k, int s, int p, int op, int d, int h, int expected)
    {
        var layer = new ConvTranspose2d(2, 3, k, stride: s, padding: p, outputPadding: op, dilation: d);
        Assert.Equal(new[] { 2, 3, expected, expected }, layer.Forward(Randn(1, 2, 2, h, h)).Shape);
        Assert.Equal(new[] { 3, expected, expected }, layer.Forward(Randn(1, 2, h, h)).Shape);
    }

    [Fact]
    public void A_single_unit_pixel_stamps_the_kernel()
    {
        var layer = new ConvTranspose2d(1, 2, 3, bias: false);
        var x = Torch.Ones(1, 1, 1, 1);
        Expect.Close(layer.Forward(x), new[] { 1, 2, 3, 3 }, D(layer.weight));
    }

    /// <summary>ConvTranspose2d(y) is the gradient of ⟨conv2d(x, W), y⟩ with respect to x.</summary>
    [Theory]
    [InlineData(4, 6, 3, 1, 0, 0, 1, 1)]
    [InlineData(4, 6, 3, 2, 1, 1, 1, 1)]
    [InlineData(4, 6, 2, 2, 0, 1, 1, 2)]
    [InlineData(2, 3, 3, 1, 1, 1, 2, 1)]
    [InlineData(6, 4, 3, 3, 2, 2, 2, 2)]
    public void Equals_the_gradient_of_conv2d_with_respect_to_its_input(int cin, int cout, int k, int s, int p, int op, int d, int g)
    {
        var layer = new ConvTranspose2d(cin, cout, k, stride: s, padding: p, outputPadding: op, groups: g, bias: false, dilation: d);
        layer.To(DType.Float64);
        var y = Randn64(3, 2, cin, 4, 5);
        var expected = layer.Forward(y);
        var x = Torch.Zeros(expected.Shape, DType.Float64, requiresGrad: true);
        var conv = Functional.Conv2d(x, layer.weight, null!, (s, s), (p, p), (d, d), g);
        // With outputPadding ≥ stride (allowed when < dilation) conv2d gives extra rows that y does not reach.
        Assert.True(conv.Shape[2] >= 4 && conv.Shape[3] >= 5 && conv.Shape[2] - 4 == (op >= s ? op / s : 0));
        (conv.Narrow(2, 0, 4).Narrow(3, 0, 5) * y).Sum().Backward();
        Expect.Close(x.Grad!, expected.Shape, D(expected), 1e-10);
    }

    [Fact]
    public void Bias_is_added_per_output_channel()
    {
        var layer = new ConvTranspose2d(2, 3, 2, stride: 2);
        var x = Randn(4, 1, 2, 3, 3);
        var withBias = D(layer.Forward(x));
        var b = D(layer.bias!);
        var plain = new ConvTranspose2d(2, 3, 2, stride: 2, bias: false);
        using (Torch.NoGrad()) plain.weight.Copy_(layer.weight);
        var expected = D(plain.Forward(x)).Select((v, i) => v + b[i / 36]).ToArray();
        Expect.Close(Torch.FromArray(withBias), expected);
    }

    [Fact]
    public void Default_init_is_kaiming_uniform_with_fan_in_from_weight_dim_1()
    {
        var layer = new ConvTranspose2d(16, 8, 3);
        Assert.Equal(new[] { 16, 8, 3, 3 }, layer.weight.Shape);
        var bound = 1 / Math.Sqrt(8 * 9);
        var w = D(layer.weight);
        Assert.All(w, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.True(w.Max(Math.Abs) > 0.95 * bound, $"max |w| {w.Max(Math.Abs)} should approach {bound} (fan_in 72, not 144)");
        Assert.InRange(w.Average(), -0.01, 0.01);
        Assert.InRange(w.Select(v => v * v).Average(), bound * bound / 3 * 0.85, bound * bound / 3 * 1.15);
        Assert.All(D(layer.bias!), v => Assert.InRange(Math.Abs(v), 0, bound));
    }

    [Fact]
    public void Gradients_pass_gradcheck()
    {
        var layer = new ConvTranspose2d(2, 2, 2, stride: 2, padding: 1, outputPadding: 1);
        layer.To(DType.Float64);
        var x = Randn64(5, 1, 2, 2, 2);
        Assert.True(GradCheck.Check(xs => layer.Forward(xs[0]), new[] { x }));
        CheckParameterGradients(layer, () => (layer.Forward(x) * Randn64(6, 1, 2, 3, 3)).Sum());
    }

    [Fact]
    public void Prints_as_pytorch()
    {
        Assert.Equal("ConvTranspose2d(16, 33, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))",
            new ConvTranspose2d(16, 33, 3, stride: 2, padding: 1, outputPadding: 1).ToString());
        Assert.Equal("ConvTranspose2d(4, 6, kernel_size=(2, 2), stride=(1, 1), dilation=(2, 2), groups=2, bias=False)",
            new ConvTranspose2d(4, 6, 2, groups: 2, bias: false, dilation: 2).ToString());
    }

    [Fact]
    public void Bad_arguments_and_inputs_are_reported()
    {
        ThrowsWith(() => new ConvTranspose2d(16, 33, 3).Forward(Randn(1, 2, 8, 5, 5)), "ConvTranspose2d(16, 33)", "(N, 16, H, W)", "(2, 8, 5, 5)");
        ThrowsWith(() => new ConvTranspose2d(16, 33, 3).Forward(Randn(1, 16, 5)), "ConvTranspose2d(16, 33)", "(16, 5)");
        ThrowsWith(() => new ConvTranspose2d(2, 2, 3, stride: 2, outputPadding: 2), "output padding must be smaller than either stride or dilation");
        ThrowsWith(() => new ConvTranspose2d(3, 4, 3, groups: 2), "divisible by groups (2)");
    }
}
