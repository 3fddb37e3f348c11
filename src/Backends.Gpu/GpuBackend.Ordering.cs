namespace Hybrid.Gpu;

/// <summary>Orders and running sums along a dim: argsort (SortKernels) and cumsum (ScanKernels).</summary>
public sealed partial class GpuBackend
{
    /// <inheritdoc />
    public Storage ArgSort(Strided x, int dim, bool descending)
    {
        var o = Allocate(DType.Int64, x.Count);
        if (x.Count > 0) DTypeDispatch.On<ArgSortRun, bool>(x.DType, new(this, x, dim, descending, o));
        return o;
    }

    readonly struct ArgSortRun(GpuBackend g, Strided x, int dim, bool descending, GpuStorage o) : IDTypeFunc<bool>
    {
        public bool Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var l = Lanes.Of(x, dim, "sort");
            if (descending)
                g.Kernels.Launch(SortKernels.ArgSortByRank<T, N, PickMax>, x.Count, View<T>(x), l.Input, x.Strides[dim], l.Size, l.Output, l.OutStep, o.View<long>());
            else
                g.Kernels.Launch(SortKernels.ArgSortByRank<T, N, PickMin>, x.Count, View<T>(x), l.Input, x.Strides[dim], l.Size, l.Output, l.OutStep, o.View<long>());
            return true;
        }
    }

    /// <inheritdoc />
    public Storage CumSum(Strided x, int dim)
    {
        if (x.DType is not (DType.Float32 or DType.Float64 or DType.Int64))
            throw new NotSupportedException($"cumsum is not supported for {x.DType.TorchName()} tensors on the GPU backend");
        var o = Allocate(x.DType, x.Count);
        if (x.Count > 0) DTypeDispatch.On<CumSumRun, bool>(x.DType, new(this, x, dim, o));
        return o;
    }

    readonly struct CumSumRun(GpuBackend g, Strided x, int dim, GpuStorage o) : IDTypeFunc<bool>
    {
        public bool Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var l = Lanes.Of(x, dim, "cumsum");
            g.Kernels.Launch(ScanKernels.CumSum<T, N>, l.Count, View<T>(x), l.Input, x.Strides[dim], l.Size, l.Output, l.OutStep, o.View<T>());
            return true;
        }
    }

    /// <summary>
    /// The lanes of x along dim, each with the same lane of a contiguous result of x's shape:
    /// Count lanes of Size elements, found through Input (x's offset included) and Output,
    /// OutStep apart in the result.
    /// </summary>
    readonly record struct Lanes(int Count, int Size, ViewLayout Input, ViewLayout Output, int OutStep)
    {
        public static Lanes Of(Strided x, int dim, string op)
        {
            var s = RowSplit.Of(x, [dim]);
            var outStrides = Layout.ContiguousStrides(x.Shape);
            return new(s.Rows, s.Cols, ViewLayout.Of(s.KeptShape, s.KeptStrides, x.Offset, op),
                ViewLayout.Of(s.KeptShape, Cpu.Storages.Without(outStrides, dim), 0, op), outStrides[dim]);
        }
    }
}
