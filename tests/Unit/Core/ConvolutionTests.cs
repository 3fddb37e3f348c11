using Xunit;

namespace Hybrid.Unit;

/// <summary>Conv2d/Conv1d against hand-worked values and a naive loop; max and average pooling.</summary>
public class ConvolutionTests
{
    /// <summary>Direct cross-correlation, PyTorch semantics, on row-major NCHW arrays.</summary>
    static double[] NaiveConv2d(double[] x, int n, int c, int h, int w, double[] k, int o, int kh, int kw,
                                double[]? bias, int stride, int pad, int dil, int groups, out int oh, out int ow)
    {
        oh = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1;
        ow = (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
        var cg = c / groups;
        var og = o / groups;
        var y = new double[n * o * oh * ow];
        for (var b = 0; b < n; b++)
            for (var oc = 0; oc < o; oc++)
            {
                var g = oc / og;
                for (var i = 0; i < oh; i++)
                    for (var j = 0; j < ow; j++)
                    {
                        var s = bias?[oc] ?? 0.0;
                        for (var ci = 0; ci < cg; ci++)
                            for (var p = 0; p < kh; p++)
                                for (var q = 0; q < kw; q++)
                                {
                                    var yy = i * stride - pad + p * dil;
                                    var xx = j * stride - pad + q * dil;
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                                    var xv = x[((b * c + g * cg + ci) * h + yy) * w + xx];
                                    var kv = k[((oc * cg + ci) * kh + p) * kw + q];
                                    s += xv * kv;
                                }
                        y[((b * o + oc) * oh + i) * ow + j] = s;
                    }
            }
        return y;
    }

    [Fact]
    public void Conv2d_of_a_small_image_matches_the_hand_computation()
    {
        // x = [[1,2,3],[4,5,6],[7,8,9]], k = [[1,0],[0,-1]]: y[i,j] = x[i,j] − x[i+1,j+1] = −4, plus bias 1.
        var x = Torch.Tensor(new[] { 1f, 2, 3, 4, 5, 6, 7, 8, 9 }).Reshape(1, 1, 3, 3);
        var k = Torch.Tensor(new[] { 1f, 0, 0, -1 }).Reshape(1, 1, 2, 2);
        var y = Functional.Conv2d(x, k, Torch.Tensor(new[] { 1f }));
        Expect.Close(y, new[] { 1, 1, 2, 2 }, new double[] { -3, -3, -3, -3 });
    }

    [Fact]
    public void Conv2d_with_padding_one_sees_zeros_outside()
    {
        var x = Torch.Ones(1, 1, 2, 2);
        var k = Torch.Ones(1, 1, 3, 3);
        var y = Functional.Conv2d(x, k, padding: 1);       // every 3×3 window covers all four ones
        Expect.Close(y, new[] { 1, 1, 2, 2 }, new double[] { 4, 4, 4, 4 });
    }

    [Theory]
    [InlineData(1, 0, 1, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(1, 2, 2, 1)]
    [InlineData(2, 1, 2, 2)]
    [InlineData(1, 1, 1, 4)]
    public void Conv2d_matches_a_naive_loop(int stride, int pad, int dil, int groups)
    {
        int n = 2, c = 4, h = 7, w = 6, o = 4, kh = 3, kw = 2;
        var g = new Generator(17);
        var x = Torch.Randn(new[] { n, c, h, w }, DType.Float64, g);
        var k = Torch.Randn(new[] { o, c / groups, kh, kw }, DType.Float64, g);
        var b = Torch.Randn(new[] { o }, DType.Float64, g);
        var y = Functional.Conv2d(x, k, b, stride, pad, dil, groups);
        var expected = NaiveConv2d(x.ToArray<double>(), n, c, h, w, k.ToArray<double>(), o, kh, kw,
                                   b.ToArray<double>(), stride, pad, dil, groups, out var oh, out var ow);
        Expect.Close(y, new[] { n, o, oh, ow }, expected, 1e-10);
    }

    [Fact]
    public void Conv2d_of_an_unbatched_input_drops_the_batch_dim()
    {
        var y = Functional.Conv2d(Torch.Ones(2, 4, 4), Torch.Ones(3, 2, 2, 2));
        Expect.Close(y, new[] { 3, 3, 3 }, Enumerable.Repeat(8.0, 27).ToArray());
    }

    [Fact]
    public void Conv2d_weight_gradient_is_the_correlation_of_input_and_output_gradient()
    {
        // With all-ones output gradient, dL/dk[p,q] = Σ over windows of x[i+p, j+q].
        var x = Torch.Tensor(new[] { 1.0, 2, 3, 4, 5, 6, 7, 8, 9 }).Reshape(1, 1, 3, 3);
        var k = Torch.Zeros(new[] { 1, 1, 2, 2 }, DType.Float64, requiresGrad: true);
        Functional.Conv2d(x, k).Sum().Backward();
        Expect.Close(k.Grad, new[] { 1, 1, 2, 2 }, new double[] { 12, 16, 24, 28 });
    }

    [Fact]
    public void Conv2d_with_mismatched_channels_fails_naming_groups_and_channels()
    {
        var e = Assert.Throws<ArgumentException>(() => Functional.Conv2d(Torch.Ones(1, 3, 4, 4), Torch.Ones(2, 2, 2, 2)));
        Assert.Contains("conv2d", e.Message);
        Assert.Contains("3 channels", e.Message);
    }

    [Fact]
    public void Conv1d_matches_a_naive_loop()
    {
        var g = new Generator(21);
        var x = Torch.Randn(new[] { 2, 2, 9 }, DType.Float64, g);
        var k = Torch.Randn(new[] { 3, 2, 3 }, DType.Float64, g);
        var y = Functional.Conv1d(x, k, stride: 2, padding: 1, dilation: 2);
        // Direct 1-D loop: stride 2, padding 1, dilation 2.
        var xs = x.ToArray<double>();
        var ks = k.ToArray<double>();
        var ol = (9 + 2 - 2 * 2 - 1) / 2 + 1;
        var exp = new double[2 * 3 * ol];
        for (var b = 0; b < 2; b++)
            for (var oc = 0; oc < 3; oc++)
                for (var j = 0; j < ol; j++)
                {
                    var s = 0.0;
                    for (var ci = 0; ci < 2; ci++)
                        for (var q = 0; q < 3; q++)
                        {
                            var xx = j * 2 - 1 + q * 2;
                            if (xx >= 0 && xx < 9) s += xs[(b * 2 + ci) * 9 + xx] * ks[(oc * 2 + ci) * 3 + q];
                        }
                    exp[(b * 3 + oc) * ol + j] = s;
                }
        Expect.Close(y, new[] { 2, 3, ol }, exp, 1e-10);
    }

    /// <summary>[[0..3],[4..7],[8..11],[12..15]] as a (1, 1, 4, 4) float32 image.</summary>
    static Tensor Image() => Torch.Arange(16).To(DType.Float32).Reshape(1, 1, 4, 4);

    [Fact]
    public void MaxPool2d_takes_the_max_of_each_window()
    {
        Expect.Close(Functional.MaxPool2d(Image(), 2), new[] { 1, 1, 2, 2 }, new double[] { 5, 7, 13, 15 });
        Expect.Close(Functional.MaxPool2d(Image(), 3, stride: 1), new[] { 1, 1, 2, 2 }, new double[] { 10, 11, 14, 15 });
    }

    [Fact]
    public void MaxPool2d_padding_never_wins_over_negative_values()
    {
        var x = Torch.Full(new[] { 1, 1, 2, 2 }, -5);
        Expect.Close(Functional.MaxPool2d(x, 2, stride: 1, padding: 1), new[] { 1, 1, 3, 3 }, Enumerable.Repeat(-5.0, 9).ToArray());
    }

    [Fact]
    public void MaxPool2d_gradient_goes_to_the_window_max()
    {
        var x = Torch.Tensor(new[] { 1f, 9, 3, 4 }, requiresGrad: true);
        Functional.MaxPool2d(x.Reshape(1, 1, 2, 2), 2).Sum().Backward();
        Expect.Close(x.Grad, new double[] { 0, 1, 0, 0 });
    }

    [Fact]
    public void AvgPool2d_takes_the_mean_of_each_window_counting_padding()
    {
        Expect.Close(Functional.AvgPool2d(Image(), 2), new[] { 1, 1, 2, 2 }, new double[] { 2.5, 4.5, 10.5, 12.5 });
        // padding 1, kernel 2, stride 2 on a 2×2 of ones: each window holds one real 1 and three padded 0s.
        Expect.Close(Functional.AvgPool2d(Torch.Ones(1, 1, 2, 2), 2, stride: 2, padding: 1), new[] { 1, 1, 2, 2 },
                     new double[] { 0.25, 0.25, 0.25, 0.25 });
    }

    [Fact]
    public void AvgPool2d_gradient_spreads_each_window_gradient_evenly_over_its_pixels()
    {
        // 3×3 of ones, kernel 2, stride 1: the centre is in all four windows, edges in two, corners in one.
        var x = Torch.Ones(new[] { 1, 1, 3, 3 }, DType.Float32, requiresGrad: true);
        Functional.AvgPool2d(x, 2, stride: 1).Sum().Backward();
        Expect.Close(x.Grad, new[] { 1, 1, 3, 3 }, new double[] { 0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25 });
    }

    [Fact]
    public void AvgPool2d_refuses_integers_and_windows_larger_than_the_padded_input()
    {
        var ints = Assert.Throws<ArgumentException>(() => Functional.AvgPool2d(Torch.Zeros(new[] { 1, 1, 4, 4 }, DType.Int64), 2));
        Assert.Contains("avg_pool2d: not implemented for 'int64'", ints.Message);
        var large = Assert.Throws<ArgumentException>(() => Functional.AvgPool2d(Torch.Ones(1, 1, 2, 2), 3));
        Assert.Contains("avg_pool2d: the kernel (3x3) is larger than the padded input (2x2)", large.Message);
    }
}
