using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

public class CpuWindowTests
{
    public static TheoryData<Window2d> Windows => new()
    {
        new Window2d(1, 1, 1, 1, 0, 0, 1, 1),
        new Window2d(3, 3, 1, 1, 1, 1, 1, 1),
        new Window2d(2, 3, 2, 1, 0, 2, 1, 1),
        new Window2d(3, 2, 2, 3, 1, 0, 2, 1),
        new Window2d(2, 2, 1, 2, 2, 1, 2, 3),
        new Window2d(5, 5, 3, 3, 2, 2, 1, 1),
    };

    const int N = 2, C = 3, H = 7, W = 6;

    /// <summary>
    /// Window positions by counting: every start 0, s, 2s, … whose span d·(k−1) + 1 fits inside
    /// the padded size. A kernel larger than the padded input has none, whatever the stride.
    /// </summary>
    [Theory]
    [InlineData(3, 3, 0, 1)]
    [InlineData(3, 3, 0, 3)]
    [InlineData(3, 1, 0, 1)]
    [InlineData(2, 2, 1, 2)]
    [InlineData(5, 2, 1, 3)]
    [InlineData(4, 3, 0, 2)]
    public void The_output_size_counts_the_window_positions_inside_the_padded_input(int kernel, int stride, int pad, int dilation)
    {
        var w = new Window2d(kernel, kernel, stride, stride, pad, pad, dilation, dilation);
        for (var size = 0; size <= 12; size++)
        {
            var positions = 0;
            for (var start = 0; start + dilation * (kernel - 1) + 1 <= size + 2 * pad; start += stride) positions++;
            Assert.Equal(positions, w.OutH(size));
            Assert.Equal(positions, w.OutW(size));
        }
    }

    /// <summary>Unfold by its formula: column entry (n, (c·kh + ki)·kw + kj, oh·outW + ow).</summary>
    static double[] NaiveUnfold(double[] x, Window2d w)
    {
        int outH = w.OutH(H), outW = w.OutW(W), rows = C * w.KernelH * w.KernelW, l = outH * outW;
        var cols = new double[N * rows * l];
        for (var n = 0; n < N; n++)
        for (var c = 0; c < C; c++)
        for (var ki = 0; ki < w.KernelH; ki++)
        for (var kj = 0; kj < w.KernelW; kj++)
        for (var oh = 0; oh < outH; oh++)
        for (var ow = 0; ow < outW; ow++)
        {
            int ih = oh * w.StrideH - w.PadH + ki * w.DilationH, iw = ow * w.StrideW - w.PadW + kj * w.DilationW;
            var row = (c * w.KernelH + ki) * w.KernelW + kj;
            cols[(n * rows + row) * l + oh * outW + ow] =
                ih >= 0 && ih < H && iw >= 0 && iw < W ? x[((n * C + c) * H + ih) * W + iw] : 0;
        }
        return cols;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Unfold_of_a_permuted_input_matches_the_formula(Window2d w)
    {
        // (N, C, H, W) stored as (H, N, W, C): no stride is 1 where a contiguous layout has it.
        var x = Permuted(new System.Random(3), [N, C, H, W], [2, 0, 3, 1], 5, out var logical);
        var actual = Data<double>(CpuKernels.Unfold(x, w));
        Assert.Equal(NaiveUnfold(logical, w), actual);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void Fold_is_the_adjoint_of_unfold(Window2d w)
    {
        // <fold(c), x> = <c, unfold(x)> for every x and c.
        var rng = new System.Random(8);
        var xData = RandomDoubles(rng, N * C * H * W, 1);
        var cols = NaiveUnfold(xData, w);
        var rows = C * w.KernelH * w.KernelW;
        var l = w.OutH(H) * w.OutW(W);
        var cData = RandomDoubles(rng, cols.Length, 1);
        var folded = Data<double>(CpuKernels.Fold(View(cData, N, rows, l), w, C, H, W));
        Assert.Equal(N * C * H * W, folded.Length);
        var lhs = folded.Zip(xData, (a, b) => a * b).Sum();
        var rhs = cData.Zip(cols, (a, b) => a * b).Sum();
        Close(rhs, lhs, 1e-12);
    }

    [Fact]
    public void Fold_of_a_transposed_column_view_sums_overlaps()
    {
        var w = new Window2d(2, 2, 1, 1, 0, 0, 1, 1);
        // A 3×3 single-channel image: 4 windows of 2×2; fold of all-ones counts window coverage.
        var ones = View(Enumerable.Repeat(1f, 16).ToArray(), [1, 4, 4], [16, 1, 4], 0);
        Assert.Equal([1f, 2, 1, 2, 4, 2, 1, 2, 1], Data<float>(CpuKernels.Fold(ones, w, 1, 3, 3)));
    }

    [Fact]
    public void Unfold_pads_with_zeros_in_float32()
    {
        var x = View(new float[] { 1, 2, 3, 4 }, 1, 1, 2, 2);
        var w = new Window2d(3, 3, 1, 1, 1, 1, 1, 1);
        var cols = Data<float>(CpuKernels.Unfold(x, w)); // (1, 9, 4)
        // The centre tap (row 4) sees each pixel; the top-left tap (row 0) only pixel 1, at output (1, 1).
        Assert.Equal([1f, 2, 3, 4], cols[16..20]);
        Assert.Equal([0f, 0, 0, 1], cols[0..4]);
    }
}
