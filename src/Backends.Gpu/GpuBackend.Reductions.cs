using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace Hybrid.Gpu;

/// <summary>
/// Reductions, argmax/argmin, softmax and nonzero. A reduction is seen as rows × reduced
/// positions: the kept dims of x number the rows (one output each) and the reduced dims the
/// positions, each through its own <see cref="ViewLayout"/> (the kept one carries x's offset),
/// so any set of dims of any strided view reduces without a copy. Groups of explicitly grouped
/// kernels reduce whole rows (<see cref="ReduceGrid"/>); the grid depends only on the shape and
/// the accelerator, so results are deterministic.
/// </summary>
public sealed partial class GpuBackend
{
    /// <summary>Rows this long or shorter are reduced by one thread each (a group per row would idle).</summary>
    internal const int ShortRow = 32;

    /// <summary>Elements each thread of <see cref="NonZero"/> visits per chunk (a chunk is one group's share).</summary>
    const int NonZeroElementsPerThread = 8;

    /// <inheritdoc />
    public Storage Reduce(ReduceOp op, Strided x, int[] dims)
    {
        var s = RowSplit.Of(x, dims);
        // As on the CPU backend: the empty case first (sum 0, prod 1, max/min an error), then the dtype.
        if (s.Cols == 0)
        {
            if (op is ReduceOp.Max or ReduceOp.Min && s.Rows > 0)
                throw new ArgumentException($"{ReduceName(op)}(): Expected reduction dim to have non-zero size");
            return Full(x.DType, s.Rows, op == ReduceOp.Prod ? 1 : 0);
        }
        // A mask reduces by max (any) and min (all) only.
        if (x.DType == DType.Bool && op is ReduceOp.Sum or ReduceOp.Prod)
            throw new NotSupportedException($"{ReduceName(op)} is not supported for {x.DType.TorchName()} tensors on the GPU backend");
        if (s.Rows == 0) return Allocate(x.DType, 0);
        return DTypeDispatch.On<ReduceRun, Storage>(x.DType, new(this, op, x, s));
    }

    static string ReduceName(ReduceOp op) => op.ToString().ToLowerInvariant();

    readonly struct ReduceRun(GpuBackend g, ReduceOp op, Strided x, RowSplit s) : IDTypeFunc<Storage>
    {
        // float32 sums accumulate in double; everything else in its own type (integers wrap,
        // as on the CPU backend, whatever the order).
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T> => op switch
        {
            ReduceOp.Sum when typeof(T) == typeof(float) => g.ReduceWith<T, N, double, F64, SumOf<double, F64>>(x, s),
            ReduceOp.Sum => g.ReduceWith<T, N, T, N, SumOf<T, N>>(x, s),
            ReduceOp.Prod => g.ReduceWith<T, N, T, N, ProdOf<T, N>>(x, s),
            ReduceOp.Max => g.ReduceWith<T, N, T, N, MaxOf<T, N>>(x, s),
            _ => g.ReduceWith<T, N, T, N, MinOf<T, N>>(x, s),
        };
    }

    /// <summary>
    /// Reduces the rows of x accumulating in A. Few long rows (too few groups to fill the
    /// device) are cut into parts: a first launch writes each part's partial result (in A) and a
    /// second reduces each row's partials.
    /// </summary>
    Storage ReduceWith<T, N, A, NA, R>(Strided x, RowSplit s)
        where T : unmanaged where N : struct, INumeric<T>
        where A : unmanaged where NA : struct, INumeric<A>
        where R : struct, IReduction<A>
    {
        var rows = ViewLayout.Of(s.KeptShape, s.KeptStrides, x.Offset, "reduce");
        var cols = ViewLayout.Of(s.ReducedShape, s.ReducedStrides, 0, "reduce");
        if (s.Cols <= ShortRow)
        {
            var shortRows = Allocate(x.DType, s.Rows);
            Kernels.Launch(ReductionKernels.ReduceShortRows<T, N, A, NA, R>, s.Rows, View<T>(x), rows, cols, s.Cols, shortRows.View<T>());
            return shortRows;
        }
        var grid = ReduceGrid.Plan(Accelerator, s.Rows, s.Cols, s.KeptInnermost, Unsafe.SizeOf<A>(), split: true);
        var o = Allocate(x.DType, s.Rows);
        if (grid.Parts == 1)
        {
            Kernels.LaunchGrouped(ReductionKernels.Reduce<T, N, A, NA, T, N, R>, grid.Config<A>(), View<T>(x), rows, cols, grid, o.View<T>());
            return o;
        }
        using var partials = Allocate(typeof(A) == typeof(T) ? x.DType : DType.Float64, s.Rows * grid.Parts);
        Kernels.LaunchGrouped(ReductionKernels.Reduce<T, N, A, NA, A, NA, R>, grid.Config<A>(), View<T>(x), rows, cols, grid, partials.View<A>());
        var second = ReduceGrid.Plan(Accelerator, s.Rows, grid.Parts, keptInnermost: false, Unsafe.SizeOf<A>(), split: false);
        Kernels.LaunchGrouped(ReductionKernels.Reduce<A, NA, A, NA, T, N, R>, second.Config<A>(),
            partials.View<A>(), ViewLayout.Of([s.Rows], [grid.Parts], 0), ViewLayout.Contiguous(), second, o.View<T>());
        return o;
    }

    /// <inheritdoc />
    public Storage ArgReduce(bool max, Strided x, int dim)
    {
        var s = RowSplit.Of(x, [dim]);
        if (s.Cols == 0 && s.Rows > 0)
            throw new ArgumentException($"{(max ? "argmax" : "argmin")}(): Expected reduction dim {dim} to have non-zero size");
        if (s.Rows == 0) return Allocate(DType.Int64, 0);
        return DTypeDispatch.On<ArgReduceRun, Storage>(x.DType, new(this, max, x, dim, s));
    }

    readonly struct ArgReduceRun(GpuBackend g, bool max, Strided x, int dim, RowSplit s) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var rows = ViewLayout.Of(s.KeptShape, s.KeptStrides, x.Offset, max ? "argmax" : "argmin");
            if (s.Cols <= ShortRow)
            {
                var shortRows = g.Allocate(DType.Int64, s.Rows);
                if (max) g.Kernels.Launch(ReductionKernels.ArgReduceShortRows<T, N, PickMax>, s.Rows, View<T>(x), rows, x.Strides[dim], s.Cols, shortRows.View<long>());
                else g.Kernels.Launch(ReductionKernels.ArgReduceShortRows<T, N, PickMin>, s.Rows, View<T>(x), rows, x.Strides[dim], s.Cols, shortRows.View<long>());
                return shortRows;
            }
            var grid = ReduceGrid.Plan(g.Accelerator, s.Rows, s.Cols, s.KeptInnermost, Unsafe.SizeOf<ArgCandidate<T>>(), split: false);
            var config = grid.Config<ArgCandidate<T>>();
            var o = g.Allocate(DType.Int64, s.Rows);
            if (max) g.Kernels.LaunchGrouped(ReductionKernels.ArgReduce<T, N, PickMax>, config, View<T>(x), rows, x.Strides[dim], grid, o.View<long>());
            else g.Kernels.LaunchGrouped(ReductionKernels.ArgReduce<T, N, PickMin>, config, View<T>(x), rows, x.Strides[dim], grid, o.View<long>());
            return o;
        }
    }

    /// <inheritdoc />
    public Storage Softmax(Strided x, int dim, bool log)
    {
        if (!x.DType.IsFloating())
            throw new NotSupportedException($"{(log ? "log_softmax" : "softmax")} is not supported for {x.DType.TorchName()} tensors on the GPU backend");
        var o = Allocate(x.DType, x.Count);
        if (x.Count == 0) return o;
        DTypeDispatch.On<SoftmaxRun, bool>(x.DType, new(this, x, dim, log, o));
        return o;
    }

    readonly struct SoftmaxRun(GpuBackend g, Strided x, int dim, bool log, GpuStorage o) : IDTypeFunc<bool>
    {
        public bool Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var name = log ? "log_softmax" : "softmax";
            var s = RowSplit.Of(x, [dim]);
            var outStrides = Layout.ContiguousStrides(x.Shape);
            var xRows = ViewLayout.Of(s.KeptShape, s.KeptStrides, x.Offset, name);
            var oRows = ViewLayout.Of(s.KeptShape, Cpu.Storages.Without(outStrides, dim), 0, name);
            var grid = ReduceGrid.Plan(g.Accelerator, s.Rows, s.Cols, s.KeptInnermost, sizeof(double), split: false);
            g.Kernels.LaunchGrouped(SoftmaxKernels.Softmax<T, N>, grid.Config<double>(),
                View<T>(x), xRows, x.Strides[dim], o.View<T>(), oRows, outStrides[dim], grid, log ? 1 : 0);
            return true;
        }
    }

    /// <inheritdoc />
    public Storage NonZero(Strided mask)
    {
        using var converted = In(mask, DType.Bool);
        mask = converted.View;
        var length = mask.Count;
        if (length == 0) return Allocate(DType.Int64, 0);
        var group = ReduceGrid.GroupSize(Accelerator, sizeof(int));
        var size = group * NonZeroElementsPerThread;
        var chunks = (length + size - 1) / size;
        var layout = ViewLayout.Of(mask, "nonzero");
        var shared = SharedMemoryConfig.RequestDynamic<int>(group);
        using var counts = Allocate(DType.Int32, chunks);
        using var offsets = Allocate(DType.Int32, chunks + 1);
        Kernels.LaunchGrouped(NonZeroKernels.Count, new KernelConfig(chunks, group, shared), View<byte>(mask), layout, length, size, counts.View<int>());
        Kernels.LaunchGrouped(NonZeroKernels.Offsets, new KernelConfig(1, group, shared), counts.View<int>(), chunks, offsets.View<int>());
        // The result's length is the total count, so it is read back (the one wait of this op).
        var total = new int[1];
        var stream = Accelerator.DefaultStream;
        offsets.View<int>().SubView(chunks, 1).CopyToCPU(stream, total);
        stream.Synchronize();
        var o = Allocate(DType.Int64, total[0]);
        if (total[0] > 0)
            Kernels.LaunchGrouped(NonZeroKernels.Write, new KernelConfig(chunks, group, shared),
                View<byte>(mask), layout, length, size, offsets.View<int>(), o.View<long>());
        return o;
    }

    /// <summary>The kept dims (numbering the rows) and the reduced dims of x, with their counts.</summary>
    readonly record struct RowSplit(int[] KeptShape, int[] KeptStrides, int[] ReducedShape, int[] ReducedStrides, int Rows, int Cols)
    {
        public static RowSplit Of(Strided x, int[] dims)
        {
            var isReduced = new bool[x.Shape.Length];
            foreach (var d in dims) isReduced[d] = true;
            List<int> keptShape = [], keptStrides = [], reducedShape = [], reducedStrides = [];
            for (var d = 0; d < x.Shape.Length; d++)
            {
                (isReduced[d] ? reducedShape : keptShape).Add(x.Shape[d]);
                (isReduced[d] ? reducedStrides : keptStrides).Add(x.Strides[d]);
            }
            return new([.. keptShape], [.. keptStrides], [.. reducedShape], [.. reducedStrides],
                Layout.Count([.. keptShape]), Layout.Count([.. reducedShape]));
        }

        /// <summary>Whether a kept dim steps through memory more finely than every reduced dim (as the CPU backend decides).</summary>
        public bool KeptInnermost => Innermost(ReducedShape, ReducedStrides) > Innermost(KeptShape, KeptStrides);

        /// <summary>The smallest stride of a dim that is walked (size &gt; 1), or MaxValue.</summary>
        static int Innermost(int[] shape, int[] strides)
        {
            var min = int.MaxValue;
            for (var d = 0; d < shape.Length; d++)
                if (shape[d] > 1) min = Math.Min(min, strides[d]);
            return min;
        }
    }
}
