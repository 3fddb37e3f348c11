using Hybrid.NN;
using Xunit;
using static Hybrid.Unit.NN.NNTest;

namespace Hybrid.Unit.NN;

/// <summary>
/// AdaptiveAvgPool2d and AdaptiveMaxPool2d against the means and maxima of their regions, computed here: region i spans rows
/// [⌊i·H/outH⌋, ⌈(i+1)·H/outH⌉), as PyTorch. Evenly tiled inputs take one average pool; the
/// others two matrix products with averaging matrices.
/// </summary>
public class AdaptivePoolTests
{
    static double[] RegionMeans(double[] x, int planes, int h, int w, int outH, int outW)
    {
        var o = new double[planes * outH * outW];
        for (var p = 0; p < planes; p++)
        for (var i = 0; i < outH; i++)
        for (var j = 0; j < outW; j++)
        {
            int h0 = i * h / outH, h1 = ((i + 1) * h + outH - 1) / outH, w0 = j * w / outW, w1 = ((j + 1) * w + outW - 1) / outW;
            var sum = 0.0;
            for (var r = h0; r < h1; r++)
            for (var c = w0; c < w1; c++) sum += x[(p * h + r) * w + c];
            o[(p * outH + i) * outW + j] = sum / ((h1 - h0) * (w1 - w0));
        }
        return o;
    }

    [Theory]
    [InlineData(6, 6, 3, 3)]    // 2×2 blocks: one average pool
    [InlineData(6, 6, 1, 1)]    // the global mean
    [InlineData(8, 4, 2, 1)]    // 4×4 blocks
    [InlineData(6, 6, 4, 4)]    // overlapping regions
    [InlineData(7, 5, 3, 2)]    // uneven regions
    [InlineData(6, 4, 3, 1)]    // even tiling, but 2×4 blocks: not square
    public void Each_output_is_the_mean_of_its_region(int h, int w, int outH, int outW)
    {
        var x = Randn64(h * 10 + w, 2, 3, h, w);
        var y = new AdaptiveAvgPool2d(outH, outW).Forward(x);
        Assert.Equal(new long[] { 2, 3, outH, outW }, y.Shape.Select(d => (long)d));
        var expected = RegionMeans(D(x), 6, h, w, outH, outW);
        var actual = D(y);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }

    [Theory]
    [InlineData(6, 6, 4, 4)]    // overlapping regions
    [InlineData(7, 5, 3, 2)]    // uneven regions
    public void The_gradient_shares_each_region_out_equally(int h, int w, int outH, int outW)
    {
        var x = Randn64(h + w, 1, 1, h, w).RequiresGrad_();
        Functional.AdaptiveAvgPool2d(x, outH, outW).Sum().Backward();
        // Each element receives 1/size from every region that contains it.
        var expected = new double[h * w];
        for (var i = 0; i < outH; i++)
        for (var j = 0; j < outW; j++)
        {
            int h0 = i * h / outH, h1 = ((i + 1) * h + outH - 1) / outH, w0 = j * w / outW, w1 = ((j + 1) * w + outW - 1) / outW;
            for (var r = h0; r < h1; r++)
            for (var c = w0; c < w1; c++) expected[r * w + c] += 1.0 / ((h1 - h0) * (w1 - w0));
        }
        var actual = D(x.Grad!);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }

    [Theory]
    [InlineData(6, 6, 3, 3)]    // 2×2 blocks: one max pool
    [InlineData(6, 6, 4, 4)]    // overlapping regions
    [InlineData(7, 5, 3, 2)]    // uneven regions
    public void AdaptiveMaxPool2d_takes_the_max_of_each_region_and_sends_the_gradient_to_it(int h, int w, int outH, int outW)
    {
        var x = Randn64(h * 3 + w, 2, 1, h, w).RequiresGrad_();
        var y = new AdaptiveMaxPool2d(outH, outW).Forward(x);
        Assert.Equal(new[] { 2, 1, outH, outW }, y.Shape);
        var xs = D(x);
        var expected = new double[2 * outH * outW];
        var grad = new double[xs.Length];
        for (var p = 0; p < 2; p++)
        for (var i = 0; i < outH; i++)
        for (var j = 0; j < outW; j++)
        {
            int h0 = i * h / outH, h1 = ((i + 1) * h + outH - 1) / outH, w0 = j * w / outW, w1 = ((j + 1) * w + outW - 1) / outW;
            var best = (p * h + h0) * w + w0;
            for (var r = h0; r < h1; r++)
            for (var c = w0; c < w1; c++)
                if (xs[(p * h + r) * w + c] > xs[best]) best = (p * h + r) * w + c;
            expected[(p * outH + i) * outW + j] = xs[best];
            grad[best] += 1;
        }
        Assert.Equal(expected, D(y));
        y.Sum().Backward();
        Assert.Equal(grad, D(x.Grad!));
    }
}
