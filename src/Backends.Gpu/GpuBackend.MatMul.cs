using ILGPU;
using ILGPU.Runtime;

namespace Hybrid.Gpu;

/// <summary>
/// The GEMM tile geometry of an accelerator for one element size: groups of Side×Side threads,
/// Tile×Tile blocks of C (8×8 per thread), Depth-deep slices of k. Side is the largest power of
/// two whose square fits the group limit (16 on a CUDA GPU: 256 threads, 128×128 tiles, slices of
/// 8; 4 on the simulated CPU accelerator: 16 threads, 32×32 tiles, slices of 2) and whose two
/// double-buffered slices fit the group's shared memory.
/// </summary>
internal readonly record struct GemmTiling(int Side, int LogSide)
{
    /// <summary>Most threads a GEMM group uses even where more are allowed (beyond 256 the registers run short).</summary>
    const int MaxThreads = 256;

    public int Threads => Side * Side;
    public int Tile => 8 * Side;
    public int Depth => Side / 2;

    /// <summary>Elements of dynamic shared memory: two buffers, each a slice of A and of B.</summary>
    public int SharedElements => 2 * 2 * Depth * (Tile + MatMulKernels.Pad);

    public static GemmTiling For(Accelerator accelerator, int elementSize)
    {
        var threads = Math.Min(MaxThreads, accelerator.MaxNumThreadsPerGroup);
        var logSide = 1;
        while (1 << (2 * (logSide + 1)) <= threads) logSide++;
        var tiling = new GemmTiling(1 << logSide, logSide);
        while (tiling.Side > 2 && (long)tiling.SharedElements * elementSize > accelerator.MaxSharedMemoryPerGroup)
            tiling = new GemmTiling(tiling.Side / 2, tiling.LogSide - 1);
        return tiling;
    }

    /// <summary>
    /// This tiling, or a smaller one when a product has too few tiles to give every
    /// multiprocessor a group (small matrices, few batches): smaller tiles mean more groups.
    /// </summary>
    public GemmTiling Fit(int m, int n, int batch, int multiprocessors)
    {
        var tiling = this;
        while (tiling.Side > 4 && (long)((m + tiling.Tile - 1) / tiling.Tile) * ((n + tiling.Tile - 1) / tiling.Tile) * batch < multiprocessors)
            tiling = new GemmTiling(tiling.Side / 2, tiling.LogSide - 1);
        return tiling;
    }
}

public sealed partial class GpuBackend
{
    /// <inheritdoc />
    public Storage MatMul(Strided a, Strided b)
    {
        var dtype = DTypes.Promote(a.DType, b.DType);
        if (dtype == DType.Bool) throw new NotSupportedException("matmul: not implemented for 'bool'");
        using Operand ac = In(a, dtype), bc = In(b, dtype);
        return DTypeDispatch.On<MatMulRun, Storage>(dtype, new(this, ac.View, bc.View));
    }

    readonly struct MatMulRun(GpuBackend g, Strided a, Strided b) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            int rank = a.Shape.Length, m = a.Shape[rank - 2], n = b.Shape[rank - 1], batch = Layout.Count(a.Shape[..(rank - 2)]);
            var o = g.Allocate(a.DType, batch * m * n);
            var tiling = GemmTiling.For(g.Accelerator, a.DType.ElementSize()).Fit(m, n, batch, g.Accelerator.NumMultiprocessors);
            Gemm.Enqueue<T, N>(g.Accelerator, g.Kernels, tiling, View<T>(a), a, View<T>(b), b, o.View<T>());
            return o;
        }
    }
}

/// <summary>Sets up and enqueues the GEMM kernel for one batched product.</summary>
internal static class Gemm
{
    /// <summary>Products with fewer rows or columns than this take the thin kernel (<see cref="MatMulKernels.Thin{T, N}"/>).</summary>
    public const int ThinSide = 16;

    /// <summary>
    /// Enqueues c = a·b: a is (..., m, k) over <paramref name="aData"/> as the view
    /// <paramref name="a"/> describes (its shape, strides and offset; likewise b), c the
    /// contiguous (..., m, n) result, written whole (zeros when k = 0).
    /// </summary>
    public static void Enqueue<T, N>(Accelerator accelerator, KernelCache kernels, GemmTiling tiling,
        ArrayView<T> aData, Strided a, ArrayView<T> bData, Strided b, ArrayView<T> c)
        where T : unmanaged where N : struct, INumeric<T>
    {
        int rank = a.Shape.Length, m = a.Shape[rank - 2], k = a.Shape[rank - 1], n = b.Shape[rank - 1];
        var batchShape = a.Shape[..(rank - 2)];
        var batch = Layout.Count(batchShape);
        if (batch * m * n == 0) return;
        int aRow = a.Strides[rank - 2], aCol = a.Strides[rank - 1], bRow = b.Strides[rank - 2], bCol = b.Strides[rank - 1];
        var args = new GemmArgs
        {
            M = m, N = n, K = k,
            ARow = aRow, ACol = aCol, BRow = bRow, BCol = bCol,
            // Consecutive threads load along the operand's contiguous dim, so that loads coalesce.
            AKFast = m == 1 || (k != 1 && Math.Abs(aCol) <= Math.Abs(aRow)) ? 1 : 0,
            BKFast = n != 1 && (k == 1 || Math.Abs(bRow) < Math.Abs(bCol)) ? 1 : 0,
            TilesM = (m + tiling.Tile - 1) / tiling.Tile,
            TilesN = (n + tiling.Tile - 1) / tiling.Tile,
        };
        var batchA = ViewLayout.Of(batchShape, a.Strides[..(rank - 2)], a.Offset, "matmul");
        var batchB = ViewLayout.Of(batchShape, b.Strides[..(rank - 2)], b.Offset, "matmul");
        if (m < ThinSide || n < ThinSide)
        {
            kernels.Launch(MatMulKernels.Thin<T, N>, batch * m * n, aData, bData, c, args, batchA, batchB);
            return;
        }
        var shared = SharedMemoryConfig.RequestDynamic<T>(tiling.SharedElements);
        // The grid's Y (the batch) is limited (65535 on CUDA): larger batches take several launches.
        var maxBatch = Math.Max(1, accelerator.MaxGridSize.Y);
        for (var start = 0; start < batch; start += maxBatch)
        {
            args.BatchStart = start;
            var config = new KernelConfig(new Index2D(args.TilesM * args.TilesN, Math.Min(maxBatch, batch - start)), new Index2D(tiling.Threads, 1), shared);
            switch (tiling.LogSide)
            {
                case 1: kernels.LaunchGrouped(MatMulKernels.Gemm<T, N, Side2>, config, aData, bData, c, args, batchA, batchB); break;
                case 2: kernels.LaunchGrouped(MatMulKernels.Gemm<T, N, Side4>, config, aData, bData, c, args, batchA, batchB); break;
                case 3: kernels.LaunchGrouped(MatMulKernels.Gemm<T, N, Side8>, config, aData, bData, c, args, batchA, batchB); break;
                default: kernels.LaunchGrouped(MatMulKernels.Gemm<T, N, Side16>, config, aData, bData, c, args, batchA, batchB); break;
            }
        }
    }
}
