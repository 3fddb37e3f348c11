using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

/// <summary>
/// Max pooling with indices against its definition: the first largest pixel of each window in
/// (ki, kj) order, padding excluded, a NaN once found kept. Values are drawn from a small pool
/// so that ties are common. Float32 takes the vector kernels (16 outputs at a time across rows,
/// or, for 2×2 windows of stride 2 over contiguous rows, along each row), the other dtypes the
/// scalar one.
/// </summary>
public class CpuPoolingTests
{
    public static TheoryData<Window2d, int, int> Windows => new()
    {
        { new Window2d(2, 2, 2, 2, 0, 0, 1, 1), 28, 28 },
        // 2×2 of stride 2 over contiguous rows takes its own kernel: a whole vector and a tail, an odd width, rows of 8 and of 5.
        { new Window2d(2, 2, 2, 2, 0, 0, 1, 1), 5, 37 },
        { new Window2d(2, 2, 2, 2, 0, 0, 1, 1), 4, 16 },
        { new Window2d(2, 2, 2, 2, 0, 0, 1, 1), 10, 10 },
        { new Window2d(3, 3, 1, 1, 1, 1, 1, 1), 7, 37 },
        { new Window2d(3, 2, 2, 3, 1, 1, 2, 1), 9, 40 },
        { new Window2d(1, 1, 1, 1, 0, 0, 1, 1), 3, 17 },
        { new Window2d(4, 4, 3, 3, 2, 2, 1, 1), 10, 11 },
    };

    static (double[] Values, long[] Positions) Definition(double[] x, int n, int c, int h, int w, Window2d win)
    {
        int oh = win.OutH(h), ow = win.OutW(w);
        var values = new double[n * c * oh * ow];
        var positions = new long[values.Length];
        for (var plane = 0; plane < n * c; plane++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        {
            var best = double.NaN;
            var at = -1L;
            for (var ki = 0; ki < win.KernelH; ki++)
            for (var kj = 0; kj < win.KernelW; kj++)
            {
                int ih = i * win.StrideH - win.PadH + ki * win.DilationH, iw = j * win.StrideW - win.PadW + kj * win.DilationW;
                if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                var v = x[(plane * h + ih) * w + iw];
                if (at < 0 || !double.IsNaN(best) && (v > best || double.IsNaN(v))) (best, at) = (v, (long)ih * w + iw);
            }
            var o = (plane * oh + i) * ow + j;
            (values[o], positions[o]) = (best, at);
        }
        return (values, positions);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Max_pooling_of_a_permuted_input_finds_the_first_maximum_in_every_dtype(Window2d win, int h, int w)
    {
        const int n = 2, c = 3;
        var rng = new System.Random(h * w);
        double[] pool = [-3, -1, 0, 2, 2, 5, double.NaN, double.NegativeInfinity];
        var logical = Enumerable.Range(0, n * c * h * w).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
        // Stored as (H, N, W, C), so no stride is 1 where a contiguous layout has it.
        int[] shape = [n, c, h, w], strides = [w * c, 1, n * w * c, c];
        var stored = new double[logical.Length];
        foreach (var index in Indices(shape))
            stored[index[0] * strides[0] + index[1] * strides[1] + index[2] * strides[2] + index[3] * strides[3]] = logical[Flat(shape, index)];
        var (values, positions) = Definition(logical, n, c, h, w, win);

        var doubles = Data<double>(CpuKernels.MaxPool2d(View(stored, shape, strides, 0), win, out var indices64));
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), doubles.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(positions, Data<long>(indices64));

        var floats = Data<float>(CpuKernels.MaxPool2d(View(stored.Select(v => (float)v).ToArray(), shape, strides, 0), win, out var indices32));
        Assert.Equal(values.Select(v => BitConverter.SingleToInt32Bits((float)v)), floats.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(positions, Data<long>(indices32));
        var contiguous = Data<float>(CpuKernels.MaxPool2d(View(logical.Select(v => (float)v).ToArray(), n, c, h, w), win, out var indicesContiguous));
        Assert.Equal(values.Select(v => BitConverter.SingleToInt32Bits((float)v)), contiguous.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(positions, Data<long>(indicesContiguous));

        // Integers have no NaN: the definition over the same values with NaN read as 7.
        var ints = logical.Select(v => double.IsNaN(v) ? 7.0 : double.IsInfinity(v) ? -9 : v).ToArray();
        var (intValues, intPositions) = Definition(ints, n, c, h, w, win);
        var longs = Data<long>(CpuKernels.MaxPool2d(View(ints.Select(v => (long)v).ToArray(), n, c, h, w), win, out var indicesLong));
        Assert.Equal(intValues.Select(v => (long)v), longs);
        Assert.Equal(intPositions, Data<long>(indicesLong));
    }

    /// <summary>
    /// Average pooling against its definition (every window's sum, padding counted as zeros, over
    /// kh·kw), and its adjoint against the identity ⟨avg_pool(x), g⟩ = ⟨x, avg_pool_backward(g)⟩,
    /// both on a permuted view: two results computed independently of the kernels.
    /// </summary>
    [Theory]
    [MemberData(nameof(Windows))]
    public void Average_pooling_matches_its_definition_and_its_adjoint_the_inner_product_identity(Window2d win, int h, int w)
    {
        const int n = 2, c = 3;
        int oh = win.OutH(h), ow = win.OutW(w);
        var x = Permuted(new System.Random(h * w), [n, c, h, w], [2, 0, 3, 1], 5, out var logical);
        var expected = new double[n * c * oh * ow];
        for (var plane = 0; plane < n * c; plane++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        {
            var sum = 0.0;
            for (var ki = 0; ki < win.KernelH; ki++)
            for (var kj = 0; kj < win.KernelW; kj++)
            {
                int ih = i * win.StrideH - win.PadH + ki * win.DilationH, iw = j * win.StrideW - win.PadW + kj * win.DilationW;
                if (ih >= 0 && ih < h && iw >= 0 && iw < w) sum += logical[(plane * h + ih) * w + iw];
            }
            expected[(plane * oh + i) * ow + j] = sum / (win.KernelH * win.KernelW);
        }
        var pooled = Data<double>(CpuKernels.AvgPool2d(x, win));
        AllClose(expected, pooled, 1e-14);

        var g = Permuted(new System.Random(h + w), [n, c, oh, ow], [3, 1, 0, 2], 2, out var gLogical);
        var spread = Data<double>(CpuKernels.AvgPool2dBackward(g, win, h, w));
        Assert.Equal(n * c * h * w, spread.Length);
        var left = expected.Zip(gLogical, (a, b) => a * b).Sum();
        var right = logical.Zip(spread, (a, b) => a * b).Sum();
        Assert.True(Math.Abs(left - right) <= 1e-9 * (1 + Math.Abs(left)), $"<avg_pool(x), g> = {left:R} but <x, avg_pool_backward(g)> = {right:R}");

        // Contiguous rows take the vectorized runs (for windows of stride 1), in both directions.
        var floats = Data<float>(CpuKernels.AvgPool2d(View(logical.Select(v => (float)v).ToArray(), n, c, h, w), win));
        AllClose(expected, floats.Select(v => (double)v).ToArray(), 1e-5);
        var spreadContiguous = Data<double>(CpuKernels.AvgPool2dBackward(View(gLogical, n, c, oh, ow), win, h, w));
        AllClose(spread, spreadContiguous, 0);
    }

    /// <summary>
    /// The 2×2, stride-2 float32 kernels (16 outputs at a time, then a scalar tail) against the
    /// definition in float32 with its order of additions: ((((0 + x00) + x01) + x10) + x11) / 4
    /// forward, (0 + g) / 4 on each covered pixel backward. An odd height and width leave a last
    /// row and column that no window covers.
    /// </summary>
    [Theory]
    [InlineData(7, 37)]
    [InlineData(6, 64)]
    [InlineData(9, 70)]
    public void Two_by_two_average_pooling_of_stride_2_is_exact_in_float32(int h, int w)
    {
        const int n = 2, c = 3;
        int oh = h / 2, ow = w / 2;
        var win = new Window2d(2, 2, 2, 2, 0, 0, 1, 1);
        var rng = new System.Random(h * w);
        var x = Enumerable.Range(0, n * c * h * w).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        x[5] = -0f;
        var expected = new float[n * c * oh * ow];
        for (var plane = 0; plane < n * c; plane++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        {
            int at = (plane * h + 2 * i) * w + 2 * j;
            expected[(plane * oh + i) * ow + j] = (0f + x[at] + x[at + 1] + x[at + w] + x[at + w + 1]) / 4f;
        }
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), Data<float>(CpuKernels.AvgPool2d(View(x, n, c, h, w), win)).Select(BitConverter.SingleToInt32Bits));

        var g = Enumerable.Range(0, n * c * oh * ow).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        var spread = new float[n * c * h * w];
        for (var plane = 0; plane < n * c; plane++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        for (var ki = 0; ki < 2; ki++)
        for (var kj = 0; kj < 2; kj++)
            spread[(plane * h + 2 * i + ki) * w + 2 * j + kj] = (0f + g[(plane * oh + i) * ow + j]) / 4f;
        Assert.Equal(spread.Select(BitConverter.SingleToInt32Bits), Data<float>(CpuKernels.AvgPool2dBackward(View(g, n, c, oh, ow), win, h, w)).Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Average_pooling_of_integers_is_refused_with_the_op_name()
    {
        var x = View(new long[16], 1, 1, 4, 4);
        var e = Assert.Throws<NotSupportedException>(() => CpuKernels.AvgPool2d(x, new Window2d(2, 2, 2, 2, 0, 0, 1, 1)));
        Assert.Contains("avg_pool2d", e.Message);
    }
}
