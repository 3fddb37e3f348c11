using Hybrid;
using Hybrid.Cpu;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

/// <summary>
/// Kernels that run on <see cref="CpuParallel"/> (reductions, softmax, unfold) give bit-identical
/// results whatever the thread count. These tests change the global thread count, so they run alone.
/// </summary>
[Collection(CpuGemmCollection.Name)]
public class CpuParallelKernelTests
{
    static T WithThreads<T>(int threads, Func<T> f)
    {
        var saved = CpuParallel.MaxThreads;
        CpuParallel.MaxThreads = threads;
        try { return f(); }
        finally { CpuParallel.MaxThreads = saved; }
    }

    static void SameBits(float[] a, float[] b, string what)
    {
        Assert.Equal(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++)
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
                Assert.Fail($"{what}: element {i}: {a[i]:R} vs {b[i]:R}");
    }

    static void SameBits(double[] a, double[] b, string what)
    {
        Assert.Equal(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++)
            if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i]))
                Assert.Fail($"{what}: element {i}: {a[i]:R} vs {b[i]:R}");
    }

    static readonly int[] ThreadCounts = [1, 2, 3, 8];

    [Theory]
    [InlineData(3_300_017)]   // full super-blocks and a ragged tail
    [InlineData(1 << 21)]     // super-blocks only
    public void Float32_sum_of_everything_is_bit_identical_for_any_thread_count(int n)
    {
        var data = RandomFloats(new System.Random(n), n + 3, 1);
        var view = View(data, [n], [1], 3); // offset view
        var results = ThreadCounts.Select(t => WithThreads(t, () => Data<float>(CpuKernels.Reduce(ReduceOp.Sum, view, [0])))).ToArray();
        foreach (var r in results.Skip(1)) SameBits(results[0], r, "sum");
        double exact = 0, scale = 0;
        for (var i = 3; i < n + 3; i++) (exact, scale) = (exact + data[i], scale + Math.Abs(data[i]));
        Assert.True(Math.Abs(results[0][0] - exact) <= 1e-5 * scale, $"{results[0][0]} vs {exact}");
        // Max and min take the same parallel path.
        var max = ThreadCounts.Select(t => WithThreads(t, () => Data<float>(CpuKernels.Reduce(ReduceOp.Max, view, [0]))[0])).ToArray();
        Assert.All(max, m => Assert.Equal(data.Skip(3).Max(), m));
    }

    [Fact]
    public void Float64_sum_of_everything_is_bit_identical_for_any_thread_count()
    {
        const int n = 2_500_001;
        var data = RandomDoubles(new System.Random(5), n, 1);
        var results = ThreadCounts.Select(t => WithThreads(t, () => Data<double>(CpuKernels.Reduce(ReduceOp.Sum, View(data, n), [0])))).ToArray();
        foreach (var r in results.Skip(1)) SameBits(results[0], r, "sum");
        double exact = 0, scale = 0;
        foreach (var v in data) (exact, scale) = (exact + v, scale + Math.Abs(v));
        Assert.True(Math.Abs(results[0][0] - exact) <= 1e-13 * scale, $"{results[0][0]} vs {exact}");
    }

    [Fact]
    public void Sums_of_all_dims_of_a_contiguous_2d_tensor_match_the_flat_sum()
    {
        var data = RandomFloats(new System.Random(9), 1500 * 1000, 1);
        var flat = WithThreads(1, () => Data<float>(CpuKernels.Reduce(ReduceOp.Sum, View(data, data.Length), [0])));
        foreach (var t in ThreadCounts)
            SameBits(flat, WithThreads(t, () => Data<float>(CpuKernels.Reduce(ReduceOp.Sum, View(data, 1500, 1000), [0, 1]))), $"{t} threads");
    }

    [Theory]
    [InlineData(4096, 1024)]
    [InlineData(100_000, 13)]
    [InlineData(3, 500_001)]
    public void Innermost_dim_reductions_are_bit_identical_for_any_thread_count(int rows, int cols)
    {
        var data = RandomFloats(new System.Random(rows), rows * cols, 1);
        foreach (var op in new[] { ReduceOp.Sum, ReduceOp.Max })
        {
            var results = ThreadCounts.Select(t => WithThreads(t, () => Data<float>(CpuKernels.Reduce(op, View(data, rows, cols), [1])))).ToArray();
            foreach (var r in results.Skip(1)) SameBits(results[0], r, $"{op}");
            for (var i = 0; i < rows; i += Math.Max(1, rows / 50))
            {
                double exact = 0, scale = 0, max = double.NegativeInfinity;
                for (var j = 0; j < cols; j++)
                {
                    var v = data[i * cols + j];
                    (exact, scale, max) = (exact + v, scale + Math.Abs(v), Math.Max(max, v));
                }
                if (op == ReduceOp.Sum) Assert.True(Math.Abs(results[0][i] - exact) <= 1e-5 * scale + 1e-30, $"row {i}: {results[0][i]} vs {exact}");
                else Assert.Equal((float)max, results[0][i]);
            }
        }
    }

    [Fact]
    public void A_reduction_over_a_permuted_3d_view_is_bit_identical_for_any_thread_count()
    {
        // Reduce dims 0 and 2 of a (8, 2000, 100) view whose dim 2 is innermost in memory.
        var data = RandomDoubles(new System.Random(3), 8 * 2000 * 100, 1);
        var view = View(data, [8, 2000, 100], [100, 800, 1], 0);
        var results = ThreadCounts.Select(t => WithThreads(t, () => Data<double>(CpuKernels.Reduce(ReduceOp.Sum, view, [0, 2])))).ToArray();
        foreach (var r in results.Skip(1)) SameBits(results[0], r, "sum");
        for (var j = 0; j < 2000; j += 97)
        {
            double exact = 0;
            for (var a = 0; a < 8; a++)
            for (var c = 0; c < 100; c++) exact += data[a * 100 + j * 800 + c];
            Assert.True(Math.Abs(results[0][j] - exact) < 1e-10, $"{j}: {results[0][j]} vs {exact}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Softmax_along_a_contiguous_last_dim_is_bit_identical_for_any_thread_count(bool log)
    {
        var rng = new System.Random(log ? 1 : 2);
        var data = RandomFloats(rng, 4096 * 1024, 8);
        var results = ThreadCounts.Select(t => WithThreads(t, () => Data<float>(CpuKernels.Softmax(View(data, 4096, 1024), 1, log)))).ToArray();
        foreach (var r in results.Skip(1)) SameBits(results[0], r, log ? "log_softmax" : "softmax");
        for (var row = 0; row < 4096; row += 409)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (var j = 0; j < 1024; j++) max = Math.Max(max, data[row * 1024 + j]);
            for (var j = 0; j < 1024; j++) sum += Math.Exp(data[row * 1024 + j] - max);
            for (var j = 0; j < 1024; j += 31)
            {
                var x = data[row * 1024 + j];
                var want = log ? x - max - Math.Log(sum) : Math.Exp(x - max) / sum;
                Assert.True(Math.Abs(results[0][row * 1024 + j] - want) <= 1e-5 * Math.Max(1, Math.Abs(want)), $"({row}, {j}): {results[0][row * 1024 + j]} vs {want}");
            }
        }
    }

    [Fact]
    public void Softmax_of_a_permuted_3d_view_with_a_contiguous_last_dim_is_bit_identical_for_any_thread_count()
    {
        // A (300, 7, 600) view of (7, 300, 600) storage with an offset: lanes contiguous, lanes not in order.
        var data = RandomDoubles(new System.Random(4), 7 * 300 * 600 + 5, 20);
        var view = View(data, [300, 7, 600], [600, 300 * 600, 1], 5);
        var results = ThreadCounts.Select(t => WithThreads(t, () => Data<double>(CpuKernels.Softmax(view, 2, false)))).ToArray();
        foreach (var r in results.Skip(1)) SameBits(results[0], r, "softmax");
        // Along another dim the serial path runs; it agrees within rounding with the contiguous copy.
        var copy = Naive<double>(view);
        var dense = WithThreads(1, () => Data<double>(CpuKernels.Softmax(View(copy, 300, 7, 600), 2, false)));
        SameBits(dense, results[0], "dense copy");
    }

    [Fact]
    public void Unfold_of_contiguous_rows_matches_the_general_path_on_random_shapes()
    {
        var rng = new System.Random(17);
        for (var trial = 0; trial < 40; trial++)
        {
            int n = rng.Next(1, 4), c = rng.Next(1, 5), h = rng.Next(1, 12), wd = rng.Next(1, 12);
            int kh = rng.Next(1, 4), kw = rng.Next(1, 5);
            var w = new Window2d(kh, kw, rng.Next(1, 3), 1, rng.Next(0, 3), rng.Next(0, 4), rng.Next(1, 3), 1);
            if (w.OutH(h) < 0 || w.OutW(wd) < 0) continue;
            CheckUnfold(rng, n, c, h, wd, w, $"trial {trial}");
        }
        // Large enough to run in parallel, and wider padding than the kernel (rows of zeros only).
        CheckUnfold(rng, 32, 16, 32, 32, new Window2d(3, 3, 1, 1, 1, 1, 1, 1), "conv-sized");
        CheckUnfold(rng, 2, 2, 3, 3, new Window2d(2, 2, 1, 1, 4, 5, 1, 1), "wide padding");
    }

    static void CheckUnfold(System.Random rng, int n, int c, int h, int wd, Window2d w, string what)
    {
        var count = n * c * h * wd;
        var logical = RandomDoubles(rng, count);
        // Dense NCHW at an offset: the fast path.
        var dense = new double[count + 2];
        Array.Copy(logical, 0, dense, 2, count);
        var fastView = View(dense, [n, c, h, wd], [c * h * wd, h * wd, wd, 1], 2);
        // The same values stored W-major (W stride ≠ 1): the general path.
        var wMajor = new double[count];
        foreach (var i in Indices([n, c, h, wd])) wMajor[((i[3] * n + i[0]) * c + i[1]) * h + i[2]] = logical[Flat([n, c, h, wd], i)];
        var slowView = View(wMajor, [n, c, h, wd], [c * h, h, 1, n * c * h], 0);
        var general = Data<double>(CpuKernels.Unfold(slowView, w));
        foreach (var t in new[] { 1, 2, 8 })
            SameBits(general, WithThreads(t, () => Data<double>(CpuKernels.Unfold(fastView, w))), $"{what} {w} ({t} threads)");
        // Float32 through the same path.
        var floats = dense.Select(v => (float)v).ToArray();
        var f32 = Data<float>(CpuKernels.Unfold(View(floats, [n, c, h, wd], [c * h * wd, h * wd, wd, 1], 2), w));
        SameBits(general.Select(v => (float)v).ToArray(), f32, $"{what} float32");
    }
}
