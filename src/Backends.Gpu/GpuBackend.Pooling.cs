namespace Hybrid.Gpu;

public sealed partial class GpuBackend
{
    /// <inheritdoc />
    public Storage MaxPool2d(Strided x, Window2d window, out Storage indices)
    {
        if (x.DType == DType.Bool) throw new NotSupportedException("max_pool2d: not implemented for 'bool'");
        var args = WindowArgs.Of(window, x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
        var positions = Allocate(DType.Int64, args.N * args.C * args.L);
        indices = positions;
        return DTypeDispatch.On<MaxPoolRun, Storage>(x.DType, new(this, x, positions, args));
    }

    readonly struct MaxPoolRun(GpuBackend g, Strided x, GpuStorage positions, WindowArgs w) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(x.DType, w.N * w.C * w.L);
            g.Kernels.Launch(PoolingKernels.MaxPool<T, N>, o.Length, View<T>(x), Strides4.Of(x), o.View<T>(), positions.View<long>(), w);
            return o;
        }
    }

    /// <inheritdoc />
    public Storage AvgPool2d(Strided x, Window2d window)
    {
        if (!x.DType.IsFloating()) throw new NotSupportedException($"avg_pool2d: not implemented for '{x.DType.TorchName()}'");
        return DTypeDispatch.On<AvgPoolRun, Storage>(x.DType, new(this, x, WindowArgs.Of(window, x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3])));
    }

    /// <inheritdoc />
    public Storage AvgPool2dBackward(Strided g, Window2d window, int height, int width)
    {
        if (!g.DType.IsFloating()) throw new NotSupportedException($"avg_pool2d_backward: not implemented for '{g.DType.TorchName()}'");
        return DTypeDispatch.On<AvgPoolBackwardRun, Storage>(g.DType, new(this, g, WindowArgs.Of(window, g.Shape[0], g.Shape[1], height, width)));
    }

    readonly struct AvgPoolRun(GpuBackend g, Strided x, WindowArgs w) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(x.DType, w.N * w.C * w.L);
            g.Kernels.Launch(PoolingKernels.AvgPool<T, N>, o.Length, View<T>(x), Strides4.Of(x), o.View<T>(), w);
            return o;
        }
    }

    readonly struct AvgPoolBackwardRun(GpuBackend g, Strided grad, WindowArgs w) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(grad.DType, w.N * w.C * w.H * w.W);
            g.Kernels.Launch(PoolingKernels.AvgPoolBackward<T, N>, o.Length, View<T>(grad), Strides4.Of(grad), o.View<T>(), w);
            return o;
        }
    }
}
