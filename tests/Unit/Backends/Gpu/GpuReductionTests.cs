using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.Gpu.GpuAgreement;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>The GPU backend's reductions, argmax/argmin, softmax and nonzero against the CPU backend.</summary>
[Collection(GpuCollection.Name)]
public class GpuReductionTests
{
    static readonly ReduceOp[] Ops = Enum.GetValues<ReduceOp>();

    /// <summary>A random sorted subset of the dims of a rank.</summary>
    static int[] RandomDims(System.Random rng, int rank) => Enumerable.Range(0, rank).Where(_ => rng.Next(2) == 1).ToArray();

    static double Tolerance(ReduceOp op, DType dtype, int count) => (op, dtype) switch
    {
        (ReduceOp.Max or ReduceOp.Min, _) => 0,
        // float32: the CPU backend accumulates in float32, the GPU sums in double.
        (_, DType.Float32) => 2e-6 * Math.Max(8, count),
        _ => 1e-15 * Math.Max(8, count),
    };

    static void AgreeOnReduce(ReduceOp op, Strided x, int[] dims, string what) =>
        AssertAgree(CpuKernels.Reduce(op, x, dims), GpuKernels.Reduce(op, ToGpu(x), dims),
            Tolerance(op, x.DType, x.Count), $"{op} over ({string.Join(",", dims)}) of ({string.Join(",", x.Shape)}) strides ({string.Join(",", x.Strides)}) {x.DType} {what}");

    [Fact]
    public void Reduce_agrees_on_random_views_dims_and_dtypes()
    {
        var rng = new System.Random(11);
        foreach (var op in Ops)
        foreach (var dtype in AllDTypes)
        {
            if (dtype == DType.Bool && op is ReduceOp.Sum or ReduceOp.Prod) continue;
            for (var c = 0; c < 12; c++)
            {
                var x = RandomView(rng, dtype, RandomShape(rng, 4, op == ReduceOp.Prod ? 4 : 6));
                AgreeOnReduce(op, x, RandomDims(rng, x.Shape.Length), $"case {c}");
            }
        }
    }

    [Fact]
    public void Reduce_agrees_on_long_rows_and_columns_of_both_layouts()
    {
        // Long rows are cut into parts, columns read with lanes inner; a transposed view swaps the two.
        var rng = new System.Random(12);
        int[][] shapes = [[3, 300], [300, 3], [37, 41], [1, 1500], [5, 9, 60]];
        foreach (var shape in shapes)
        foreach (var (dtype, op) in new[] { (DType.Float32, ReduceOp.Sum), (DType.Float64, ReduceOp.Sum), (DType.Int32, ReduceOp.Max), (DType.Float32, ReduceOp.Min) })
        {
            var x = RandomView(rng, dtype, shape);
            for (var mask = 1; mask < 1 << shape.Length; mask++)
                AgreeOnReduce(op, x, Enumerable.Range(0, shape.Length).Where(d => (mask >> d & 1) != 0).ToArray(), "long");
            var t = new Strided(x.Storage, [.. x.Shape.Reverse()], [.. x.Strides.Reverse()], x.Offset);
            AgreeOnReduce(op, t, [0], "transposed");
        }
    }

    [Fact]
    public void Products_of_long_rows_and_integer_sums_that_wrap_agree()
    {
        var rng = new System.Random(13);
        // Factors near 1 keep long float products finite.
        var factors = Enumerable.Range(0, 1200).Select(_ => 1 + (rng.NextDouble() - 0.5) / 50).ToArray();
        var x = Strided.Contiguous(CpuKernels.FromArray(factors), [1200]);
        AgreeOnReduce(ReduceOp.Prod, x, [0], "near 1");
        AgreeOnReduce(ReduceOp.Prod, new Strided(x.Storage, [40, 30], [1, 40], 0), [0], "columns near 1");
        AgreeOnReduce(ReduceOp.Prod, Strided.Contiguous(CpuKernels.Copy(x, DType.Float32), [30, 40]), [0, 1], "float32 near 1");
        // Integer sums and products wrap identically in any order.
        foreach (var dtype in new[] { DType.UInt8, DType.Int32, DType.Int64 })
        {
            var big = RandomView(rng, dtype, [50, 60]);
            AgreeOnReduce(ReduceOp.Sum, big, [0, 1], "wrapping sum");
            AgreeOnReduce(ReduceOp.Prod, big, [1], "wrapping product");
        }
    }

    [Fact]
    public void Empty_size_one_and_full_reductions_follow_the_CPU_backend()
    {
        var rng = new System.Random(14);
        foreach (var dtype in new[] { DType.Float32, DType.Int64 })
        {
            var empty = RandomView(rng, dtype, [3, 0, 2]);
            foreach (var op in new[] { ReduceOp.Sum, ReduceOp.Prod })
            {
                AgreeOnReduce(op, empty, [1], "empty reduced dim");
                AgreeOnReduce(op, empty, [0, 1, 2], "empty everything");
                AgreeOnReduce(op, empty, [0], "empty result");
            }
            Assert.Equal(new double[] { 0, 0, 0, 0, 0, 0 }, Doubles(ToCpu(GpuKernels.Reduce(ReduceOp.Sum, ToGpu(empty), [1]))));
            Assert.Equal(new double[] { 1, 1, 1, 1, 1, 1 }, Doubles(ToCpu(GpuKernels.Reduce(ReduceOp.Prod, ToGpu(empty), [1]))));
            Assert.Throws<ArgumentException>(() => GpuKernels.Reduce(ReduceOp.Max, ToGpu(empty), [1]));
            Assert.Throws<ArgumentException>(() => GpuKernels.ArgReduce(false, ToGpu(empty), 1));
            AgreeOnReduce(ReduceOp.Max, empty, [0], "no outputs");
            Assert.Equal(0, GpuKernels.ArgReduce(true, ToGpu(empty), 0).Length);

            var x = RandomView(rng, dtype, [1, 5, 1]);
            foreach (var op in Ops)
            {
                AgreeOnReduce(op, x, [0], "size-1 dim");
                AgreeOnReduce(op, x, [0, 2], "size-1 dims");
                AgreeOnReduce(op, x, [], "no dims");
                var all = GpuKernels.Reduce(op, ToGpu(x), [0, 1, 2]);
                Assert.Equal(1, all.Length);
                AgreeOnReduce(op, x, [0, 1, 2], "all dims");
                var scalar = RandomView(rng, dtype, []);
                AgreeOnReduce(op, scalar, [], "scalar");
            }
        }
        Assert.Throws<NotSupportedException>(() => GpuKernels.Reduce(ReduceOp.Sum, ToGpu(RandomView(rng, DType.Bool, [4])), [0]));
    }

    /// <summary>Doubles with NaN, ±∞ and repeated values at random places.</summary>
    static Strided SpecialView(System.Random rng, DType dtype, int[] shape)
    {
        double[] specials = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1.0];
        var count = Layout.Count(shape);
        var data = Enumerable.Range(0, count).Select(_ => rng.Next(4) == 0 ? specials[rng.Next(specials.Length)] : rng.Next(-3, 4)).ToArray();
        var x = Strided.Contiguous(CpuKernels.FromArray(data), shape);
        return dtype == DType.Float64 ? x : Strided.Contiguous(CpuKernels.Copy(x, dtype), shape);
    }

    [Fact]
    public void Max_min_and_arg_reductions_propagate_NaN_and_take_the_first_extreme()
    {
        var rng = new System.Random(15);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
            for (var c = 0; c < 30; c++)
            {
                var shape = RandomShape(rng, 3, 8);
                if (shape.Length == 0) shape = [7];
                var x = SpecialView(rng, dtype, shape);
                AgreeOnReduce(ReduceOp.Max, x, RandomDims(rng, shape.Length), "specials");
                AgreeOnReduce(ReduceOp.Min, x, RandomDims(rng, shape.Length), "specials");
                var dim = rng.Next(shape.Length);
                AssertAgree(CpuKernels.ArgReduce(true, x, dim), GpuKernels.ArgReduce(true, ToGpu(x), dim), 0, $"argmax specials case {c}");
                AssertAgree(CpuKernels.ArgReduce(false, x, dim), GpuKernels.ArgReduce(false, ToGpu(x), dim), 0, $"argmin specials case {c}");
            }
        // Every NaN row: the first NaN; no NaN: the first of the tied extremes.
        var v = Strided.Contiguous(CpuKernels.FromArray(new[] { 1.0, double.NaN, 5, double.NaN, 5, -2, -2 }), [7]);
        Assert.Equal([1L], (long[])GpuKernels.ToArray(Strided.Contiguous(GpuKernels.ArgReduce(true, ToGpu(v), 0), [])));
        Assert.Equal([1L], (long[])GpuKernels.ToArray(Strided.Contiguous(GpuKernels.ArgReduce(false, ToGpu(v), 0), [])));
        var w = new Strided(v.Storage, [3], [2], 2);
        Assert.Equal([0L], (long[])GpuKernels.ToArray(Strided.Contiguous(GpuKernels.ArgReduce(true, ToGpu(w), 0), [])));
        Assert.Equal([2L], (long[])GpuKernels.ToArray(Strided.Contiguous(GpuKernels.ArgReduce(false, ToGpu(w), 0), [])));
    }

    [Fact]
    public void ArgReduce_agrees_on_random_views_of_every_dtype()
    {
        var rng = new System.Random(16);
        foreach (var dtype in AllDTypes)
        foreach (var max in new[] { true, false })
            for (var c = 0; c < 10; c++)
            {
                var shape = RandomShape(rng, 4, 7);
                if (shape.Length == 0) shape = [c + 1];
                var x = RandomView(rng, dtype, shape);
                var dim = rng.Next(shape.Length);
                AssertAgree(CpuKernels.ArgReduce(max, x, dim), GpuKernels.ArgReduce(max, ToGpu(x), dim), 0,
                    $"arg{(max ? "max" : "min")} dim {dim} of ({string.Join(",", shape)}) {dtype} case {c}");
            }
        // Long rows and columns (ties everywhere in small integers).
        foreach (var shape in new[] { new[] { 3, 900 }, [900, 3], [33, 47] })
        foreach (var dim in new[] { 0, 1 })
        {
            var x = RandomView(rng, DType.Int32, shape);
            AssertAgree(CpuKernels.ArgReduce(true, x, dim), GpuKernels.ArgReduce(true, ToGpu(x), dim), 0, $"argmax long {dim}");
            AssertAgree(CpuKernels.ArgReduce(false, x, dim), GpuKernels.ArgReduce(false, ToGpu(x), dim), 0, $"argmin long {dim}");
        }
    }

    [Fact]
    public void Softmax_and_log_softmax_agree_on_random_views_and_large_values()
    {
        var rng = new System.Random(17);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        foreach (var log in new[] { false, true })
        {
            var tol = dtype == DType.Float32 ? 2e-6 : 1e-13;
            for (var c = 0; c < 12; c++)
            {
                var shape = RandomShape(rng, 4, 7);
                if (shape.Length == 0) shape = [c + 1];
                var x = RandomView(rng, dtype, shape);
                var dim = rng.Next(shape.Length);
                AssertAgree(CpuKernels.Softmax(x, dim, log), GpuKernels.Softmax(ToGpu(x), dim, log), tol, $"softmax log={log} dim {dim} {dtype} case {c}");
            }
            // Values whose exponentials overflow without the max shift, long rows and columns.
            foreach (var shape in new[] { new[] { 4, 300 }, [300, 4], [6, 0, 3] })
            foreach (var dim in new[] { 0, 1 })
            {
                var scaled = CpuKernels.Binary(BinaryOp.Mul, RandomView(rng, dtype, shape),
                    Strided.Contiguous(CpuKernels.Full(dtype, Layout.Count(shape), 200), shape), dtype);
                var x = Strided.Contiguous(scaled, shape);
                AssertAgree(CpuKernels.Softmax(x, dim, log), GpuKernels.Softmax(ToGpu(x), dim, log), tol, $"softmax large log={log} dim {dim} {dtype}");
            }
            var special = SpecialView(rng, dtype, [6, 5]);
            AssertAgree(CpuKernels.Softmax(special, 1, log), GpuKernels.Softmax(ToGpu(special), 1, log), tol, $"softmax specials log={log} {dtype}");
        }
        Assert.Throws<NotSupportedException>(() => GpuKernels.Softmax(ToGpu(RandomView(rng, DType.Int64, [3])), 0, false));
    }

    [Fact]
    public void NonZero_lists_true_positions_of_random_masks_in_row_major_order()
    {
        var rng = new System.Random(18);
        for (var c = 0; c < 30; c++)
        {
            var shape = RandomShape(rng, 4, 9);
            var mask = RandomView(rng, c % 3 == 2 ? DType.Int32 : DType.Bool, shape);
            AssertAgree(CpuKernels.NonZero(mask), GpuKernels.NonZero(ToGpu(mask)), 0, $"nonzero ({string.Join(",", shape)}) case {c}");
        }
        // Many chunks (more than a group has threads), sparse and dense, and a permuted mask.
        foreach (var p in new[] { 0.0, 0.01, 0.5, 1.0 })
        {
            var bits = Enumerable.Range(0, 3000).Select(_ => rng.NextDouble() < p).ToArray();
            var mask = Strided.Contiguous(CpuKernels.FromArray(bits), [3000]);
            AssertAgree(CpuKernels.NonZero(mask), GpuKernels.NonZero(ToGpu(mask)), 0, $"nonzero p={p}");
            var t = new Strided(mask.Storage, [30, 100], [1, 30], 0);
            AssertAgree(CpuKernels.NonZero(t), GpuKernels.NonZero(ToGpu(t)), 0, $"nonzero transposed p={p}");
        }
        Assert.Equal(0, GpuKernels.NonZero(ToGpu(RandomView(rng, DType.Bool, [3, 0]))).Length);
    }

    [Fact]
    public void Float_reductions_are_bit_identical_when_repeated()
    {
        var rng = new System.Random(19);
        var x = ToGpu(RandomView(rng, DType.Float32, [7, 900]));
        foreach (var dims in new[] { new[] { 1 }, [0], [0, 1] })
        {
            var first = (float[])GpuKernels.ToArray(Strided.Contiguous(GpuKernels.Reduce(ReduceOp.Sum, x, dims), [Layout.Count(x.Shape) / Layout.Count(dims.Select(d => x.Shape[d]).ToArray())]));
            for (var k = 0; k < 3; k++)
            {
                var again = (float[])GpuKernels.ToArray(Strided.Contiguous(GpuKernels.Reduce(ReduceOp.Sum, x, dims), [first.Length]));
                Assert.Equal(first.Select(BitConverter.SingleToInt32Bits), again.Select(BitConverter.SingleToInt32Bits));
            }
        }
    }
}
