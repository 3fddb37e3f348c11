using Hybrid.NN;
using Xunit;
using static Hybrid.Unit.NN.NNTest;

namespace Hybrid.Unit.NN;

public class NormalizationTests
{
    /// <summary>Normalises consecutive blocks of <paramref name="block"/> values with the biased variance.</summary>
    static double[] NormaliseBlocks(double[] v, int block, double eps)
    {
        var y = new double[v.Length];
        for (var start = 0; start < v.Length; start += block)
        {
            var seg = v.Skip(start).Take(block).ToArray();
            var mean = seg.Average();
            var variance = seg.Sum(a => (a - mean) * (a - mean)) / block;
            for (var i = 0; i < block; i++) y[start + i] = (seg[i] - mean) / Math.Sqrt(variance + eps);
        }
        return y;
    }

    [Fact]
    public void LayerNorm_normalises_the_last_dims_and_applies_elementwise_affine()
    {
        var ln = new LayerNorm(new[] { 2, 3 });
        Randomize(ln, 1);
        var x = Randn(2, 4, 2, 3);
        var y = ln.Forward(x);
        Assert.Equal(new[] { 4, 2, 3 }, y.Shape);
        var w = D(ln.weight!);
        var b = D(ln.bias!);
        var expected = NormaliseBlocks(D(x), 6, 1e-5).Select((v, i) => v * w[i % 6] + b[i % 6]).ToArray();
        Expect.Close(y, expected, 1e-5);
    }

    [Fact]
    public void LayerNorm_default_init_and_options()
    {
        var ln = new LayerNorm(10);
        Assert.Equal(new[] { 10 }, ln.weight!.Shape);
        Expect.Close(ln.weight, Enumerable.Repeat(1.0, 10).ToArray());
        Expect.Close(ln.bias!, new double[10]);
        Assert.Empty(new LayerNorm(10, elementwiseAffine: false).Parameters());
        Assert.Equal(new[] { "weight" }, Names(new LayerNorm(10, bias: false)));
    }

    [Fact]
    public void LayerNorm_gradients_pass_gradcheck()
    {
        var ln = new LayerNorm(3);
        ln.To(DType.Float64);
        Randomize(ln, 2);
        var x = Randn64(3, 2, 2, 3);
        Assert.True(GradCheck.Check(xs => ln.Forward(xs[0]), new[] { x }));
        CheckParameterGradients(ln, () => (ln.Forward(x) * Randn64(4, 2, 2, 3)).Sum());
    }

    [Fact]
    public void GroupNorm_normalises_each_group_of_each_sample()
    {
        var gn = new GroupNorm(2, 4);
        Randomize(gn, 5);
        var x = Randn(6, 3, 4, 2, 3) * 2 + 1;
        var y = gn.Forward(x);
        Assert.Equal(x.Shape, y.Shape);
        var w = D(gn.weight!);
        var b = D(gn.bias!);
        var expected = NormaliseBlocks(D(x), 2 * 6, 1e-5).Select((v, i) => v * w[i / 6 % 4] + b[i / 6 % 4]).ToArray();
        Expect.Close(y, expected, 1e-5);
    }

    [Fact]
    public void GroupNorm_with_one_group_is_layer_norm_over_channels_and_space()
    {
        var x = Randn(7, 2, 4, 3, 3);
        var gn = new GroupNorm(1, 4, affine: false);
        var ln = new LayerNorm(new[] { 4, 3, 3 }, elementwiseAffine: false);
        Expect.Close(gn.Forward(x), D(ln.Forward(x)), 1e-5);
        Assert.Empty(gn.Parameters());
    }

    [Fact]
    public void GroupNorm_gradients_pass_gradcheck()
    {
        var gn = new GroupNorm(2, 4);
        gn.To(DType.Float64);
        Randomize(gn, 8);
        var x = Randn64(9, 2, 4, 3);
        Assert.True(GradCheck.Check(xs => gn.Forward(xs[0]), new[] { x }));
        CheckParameterGradients(gn, () => (gn.Forward(x) * Randn64(10, 2, 4, 3)).Sum());
    }

    [Fact]
    public void Print_as_pytorch()
    {
        Assert.Equal("LayerNorm((10,), eps=1e-05, elementwise_affine=True)", new LayerNorm(10).ToString());
        Assert.Equal("LayerNorm((2, 3), eps=1e-06, elementwise_affine=False)", new LayerNorm(new[] { 2, 3 }, 1e-6, elementwiseAffine: false).ToString());
        Assert.Equal("GroupNorm(2, 4, eps=1e-05, affine=True)", new GroupNorm(2, 4).ToString());
    }

    [Fact]
    public void Bad_inputs_name_the_layer_what_it_expected_and_what_it_got()
    {
        ThrowsWith(() => new LayerNorm(10).Forward(Randn(1, 2, 5)), "LayerNorm((10,))", "(*, 10)", "(2, 5)");
        ThrowsWith(() => new GroupNorm(2, 4).Forward(Randn(1, 2, 3, 5)), "GroupNorm(2, 4)", "(N, 4, *)", "(2, 3, 5)");
        ThrowsWith(() => new GroupNorm(2, 3), "num_channels (3)", "num_groups (2)");
    }
}
