using Hybrid;
using Hybrid.Gpu;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using Xunit;
using static Hybrid.Unit.Backends.Gpu.GpuAgreement;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>
/// The GPU backend's tiled GEMM against the CPU backend: sizes on both sides of the tile edges
/// of the simulated accelerator, every operand layout (transposed, permuted, offset, broadcast),
/// batches, integer dtypes and promotion.
/// </summary>
[Collection(GpuCollection.Name)]
public class GpuMatMulTests
{
    /// <summary>The simulator's C tile (32 with its 16-thread groups): the sizes that matter sit around it and its half.</summary>
    static readonly int Tile = GemmTiling.For(((GpuBackend)GpuKernels).Accelerator, 4).Tile;

    static readonly int[] EdgeSizes = [1, 2, Tile / 2 - 1, Tile / 2, Tile / 2 + 1, Tile - 1, Tile, Tile + 1, 37];

    /// <summary>
    /// Asserts the product of the GPU operands agrees with the CPU's. Floats are compared with
    /// the usual bound of a sum of products: |error| ≤ tol · Σ|a||b| (at least tol), since the two
    /// backends add the k products in different orders. Integers must agree exactly.
    /// </summary>
    static void AssertProduct(Strided a, Strided b, double tol, string what)
    {
        var cpu = CpuKernels.MatMul(a, b);
        var gpu = GpuKernels.MatMul(ToGpu(a), ToGpu(b));
        if (!cpu.DType.IsFloating())
        {
            AssertAgree(cpu, gpu, 0, what);
            return;
        }
        Assert.Equal(cpu.DType, gpu.DType);
        Assert.Equal(cpu.Length, gpu.Length);
        var magnitude = Doubles(CpuKernels.MatMul(Abs(a), Abs(b)));
        double[] expected = Doubles(cpu), actual = Doubles(ToCpu(gpu));
        for (var i = 0; i < expected.Length; i++)
        {
            var bound = tol * Math.Max(1, magnitude[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= bound,
                $"{what}: element {i} is {actual[i]:R}, the CPU backend gives {expected[i]:R} (bound {bound:E2})");
        }
    }

    static Strided Abs(Strided x) => Strided.Contiguous(CpuKernels.Unary(UnaryOp.Abs, x, 0, 0), x.Shape);

    static double Tol(DType dtype) => dtype == DType.Float32 ? 1e-5 : 1e-12;

    [Fact]
    public void Sizes_around_the_tile_edges_agree_in_float32_and_float64()
    {
        var rng = new System.Random(11);
        for (var c = 0; c < 24; c++)
        {
            int m = EdgeSizes[rng.Next(EdgeSizes.Length)], k = EdgeSizes[rng.Next(EdgeSizes.Length)], n = EdgeSizes[rng.Next(EdgeSizes.Length)];
            var dtype = c % 2 == 0 ? DType.Float32 : DType.Float64;
            var a = Strided.Contiguous(CpuKernels.FromArray(RandomArray(rng, dtype, m * k)), [m, k]);
            var b = Strided.Contiguous(CpuKernels.FromArray(RandomArray(rng, dtype, k * n)), [k, n]);
            AssertProduct(a, b, Tol(dtype), $"{m}×{k}·{k}×{n} {dtype}");
        }
    }

    [Fact]
    public void Transposed_operands_take_both_load_orders()
    {
        var rng = new System.Random(12);
        foreach (var (m, k, n) in new[] { (Tile + 1, 7, Tile - 1), (5, Tile + 3, 3), (1, 9, 1), (Tile, 1, Tile) })
        foreach (var ta in new[] { false, true })
        foreach (var tb in new[] { false, true })
        {
            var a = Matrix(rng, m, k, ta);
            var b = Matrix(rng, k, n, tb);
            AssertProduct(a, b, 1e-12, $"{m}×{k}·{k}×{n} transposed a: {ta}, b: {tb}");
        }
    }

    /// <summary>A float64 m×k matrix stored row-major, or column-major (a transposed view), after an offset.</summary>
    static Strided Matrix(System.Random rng, int rows, int cols, bool transposed)
    {
        var data = RandomDoubles(rng, rows * cols + 3, 4);
        return new Strided(CpuKernels.FromArray(data), [rows, cols], transposed ? [1, rows] : [cols, 1], 3);
    }

    [Fact]
    public void Random_views_of_batched_operands_agree_in_every_dtype()
    {
        var rng = new System.Random(13);
        var dtypes = new[] { DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.UInt8 };
        for (var c = 0; c < 30; c++)
        {
            var dtype = dtypes[c % dtypes.Length];
            var batch = RandomShape(rng, 2, 3);
            int m = rng.Next(1, 20), k = rng.Next(1, 20), n = rng.Next(1, 20);
            // Permuted, offset or broadcast views, any dim (matrix dims included).
            var a = RandomView(rng, dtype, [.. batch, m, k]);
            var b = RandomView(rng, dtype, [.. batch, k, n]);
            AssertProduct(a, b, Tol(dtype), $"case {c}: ({string.Join(", ", batch)}) {m}×{k}·{k}×{n} {dtype}");
        }
    }

    [Fact]
    public void Broadcast_batches_read_one_matrix_for_all()
    {
        var rng = new System.Random(14);
        // a: (2, 3, 5, 6); b: (2, 3, 6, 4) broadcast over the first dim, then over both.
        var a = RandomView(rng, DType.Float32, [2, 3, 5, 6]);
        var data = CpuKernels.FromArray(RandomArray(rng, DType.Float32, 3 * 6 * 4));
        AssertProduct(a, new Strided(data, [2, 3, 6, 4], [0, 24, 4, 1], 0), 1e-5, "b broadcast over dim 0");
        AssertProduct(a, new Strided(data, [2, 3, 6, 4], [0, 0, 1, 6], 0), 1e-5, "one transposed b for every batch");
        AssertProduct(new Strided(data, [2, 3, 4, 6], [0, 0, 6, 1], 0), RandomView(rng, DType.Float32, [2, 3, 6, 5]), 1e-5, "a broadcast");
    }

    [Fact]
    public void Many_tile_rows_and_columns_follow_the_grouped_tile_order()
    {
        // More tile rows than one group of tile rows, and a ragged last group.
        var rng = new System.Random(15);
        foreach (var (m, n) in new[] { (10 * Tile + 3, 3), (9 * Tile, 2 * Tile + 5), (3, 9 * Tile + 1) })
        {
            var a = Strided.Contiguous(CpuKernels.FromArray(RandomArray(rng, DType.Float32, m * 5)), [m, 5]);
            var b = Strided.Contiguous(CpuKernels.FromArray(RandomArray(rng, DType.Float32, 5 * n)), [5, n]);
            AssertProduct(a, b, 1e-5, $"{m}×5·5×{n}");
        }
    }

    [Fact]
    public void Mixed_dtypes_are_promoted_as_on_the_CPU()
    {
        var rng = new System.Random(16);
        foreach (var (da, db) in new[] { (DType.Int32, DType.Float32), (DType.UInt8, DType.Int64), (DType.Float32, DType.Float64), (DType.Bool, DType.Int32) })
        {
            var a = RandomView(rng, da, [3, 4, 7]);
            var b = RandomView(rng, db, [3, 7, 2]);
            AssertProduct(a, b, 1e-5, $"{da}·{db}");
        }
    }

    [Fact]
    public void Empty_inner_dimension_gives_zeros_and_empty_outer_dimensions_give_nothing()
    {
        foreach (var (m, k, n) in new[] { (3, 0, 4), (Tile + 1, 0, 2), (0, 2, 3), (3, 2, 0) })
        {
            var a = Strided.Contiguous(CpuKernels.Full(DType.Float32, 2 * m * k, 1), [2, m, k]);
            var b = Strided.Contiguous(CpuKernels.Full(DType.Float32, 2 * k * n, 1), [2, k, n]);
            AssertProduct(a, b, 0, $"{m}×{k}·{k}×{n}");
        }
    }

    [Fact]
    public void Nan_and_infinity_propagate_and_bool_products_are_refused()
    {
        var a = Strided.Contiguous(CpuKernels.FromArray(new[] { double.PositiveInfinity, 0, 1, double.NaN }), [2, 2]);
        var b = Strided.Contiguous(CpuKernels.FromArray(new[] { 0.0, 1, 2, 3 }), [2, 2]);
        AssertAgree(CpuKernels.MatMul(a, b), GpuKernels.MatMul(ToGpu(a), ToGpu(b)), 0, "∞ and NaN");
        var p = Strided.Contiguous(GpuKernels.FromArray(new[] { true, false, true, true }), [2, 2]);
        Assert.Throws<NotSupportedException>(() => GpuKernels.MatMul(p, p));
    }

    /// <summary>
    /// The tile shapes of real GPUs (8×8 threads with 64×64 tiles, and CUDA's 16×16 threads with
    /// 128×128 tiles and slices of 8, whose k loop is unrolled) cannot run on the test device's
    /// 16-thread groups: they run here on a CPU accelerator with wider groups, through the same
    /// set-up code as the backend's.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void The_tile_shapes_of_real_GPUs_agree_on_a_wider_simulated_accelerator(int logSide)
    {
        int side = 1 << logSide, tile = 8 * side;
        using var context = Context.Create(builder => builder.CPU(new CPUDevice(numThreadsPerWarp: side, numWarpsPerMultiprocessor: side, numMultiprocessors: 1)));
        using var accelerator = context.CreateCPUAccelerator(0);
        var kernels = new KernelCache(accelerator, checkPtx: true);
        var tiling = new GemmTiling(side, logSide);
        var rng = new System.Random(17 + logSide);
        foreach (var (m, k, n, batch) in new[] { (tile + 1, 3 * side + 1, tile - 1, 1), (tile / 2 + 1, 2 * side, 5, 2), (1, 7, tile, 1) })
        foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            var a = Batched(rng, batch, m, k, ta);
            var b = Batched(rng, batch, k, n, tb);
            using var aData = accelerator.Allocate1D(Doubles(a.Storage).Select(v => (float)v).ToArray());
            using var bData = accelerator.Allocate1D(Doubles(b.Storage).Select(v => (float)v).ToArray());
            using var c = accelerator.Allocate1D<float>(batch * m * n);
            Gemm.Enqueue<float, F32>(accelerator, kernels, tiling, aData.View, a, bData.View, b, c.View);
            var actual = c.GetAsArray1D();
            var expected = Doubles(CpuKernels.MatMul(a, b));
            var magnitude = Doubles(CpuKernels.MatMul(Abs(a), Abs(b)));
            for (var i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, magnitude[i]),
                    $"{tile}-tiles {m}×{k}·{k}×{n} transposed a: {ta}, b: {tb}: element {i} is {actual[i]}, the CPU backend gives {expected[i]}");
        }
    }

    /// <summary>A float32 (batch, rows, cols) view, each matrix stored row-major or column-major, after an offset.</summary>
    static Strided Batched(System.Random rng, int batch, int rows, int cols, bool transposed)
    {
        var data = RandomFloats(rng, batch * rows * cols + 2, 4);
        return new Strided(CpuKernels.FromArray(data), [batch, rows, cols], transposed ? [rows * cols, 1, rows] : [rows * cols, cols, 1], 2);
    }
}
