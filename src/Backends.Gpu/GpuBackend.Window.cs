namespace Hybrid.Gpu;

public sealed partial class GpuBackend
{
    /// <inheritdoc />
    public Storage Unfold(Strided x, Window2d window) =>
        DTypeDispatch.On<UnfoldRun, Storage>(x.DType, new(this, x, WindowArgs.Of(window, x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3])));

    readonly struct UnfoldRun(GpuBackend g, Strided x, WindowArgs w) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(x.DType, w.N * w.C * w.K * w.L);
            g.Kernels.Launch(WindowKernels.Unfold<T>, o.Length, View<T>(x), Strides4.Of(x), o.View<T>(), w);
            return o;
        }
    }

    /// <inheritdoc />
    public Storage Fold(Strided cols, Window2d window, int channels, int height, int width)
    {
        if (cols.DType == DType.Bool) throw new NotSupportedException("fold: not implemented for 'bool'");
        return DTypeDispatch.On<FoldRun, Storage>(cols.DType, new(this, cols, WindowArgs.Of(window, cols.Shape[0], channels, height, width)));
    }

    readonly struct FoldRun(GpuBackend g, Strided cols, WindowArgs w) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(cols.DType, w.N * w.C * w.H * w.W);
            g.Kernels.Launch(WindowKernels.Fold<T, N>, o.Length, View<T>(cols), Strides4.Of(cols), o.View<T>(), w);
            return o;
        }
    }
}
