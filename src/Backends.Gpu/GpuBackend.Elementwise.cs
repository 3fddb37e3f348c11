namespace Hybrid.Gpu;

public sealed partial class GpuBackend
{
    /// <inheritdoc />
    public Storage Copy(Strided x, DType dtype)
    {
        var o = Allocate(dtype, x.Count);
        Convert(x, Strided.Contiguous(o, x.Shape));
        return o;
    }

    /// <inheritdoc />
    public void CopyInto(Strided dst, Strided src)
    {
        // A source that shares the destination's storage is copied out first, so that no
        // element is overwritten before it is read.
        if (!ReferenceEquals(src.Storage, dst.Storage))
        {
            Convert(src, dst);
            return;
        }
        using var copy = (GpuStorage)Copy(src, src.DType);
        Convert(Strided.Contiguous(copy, src.Shape), dst);
    }

    void Convert(Strided x, Strided o) => DTypeDispatch.On<ConvertFrom, bool>(x.DType, new(this, x, o));

    readonly struct ConvertFrom(GpuBackend g, Strided x, Strided o) : IDTypeFunc<bool>
    {
        public bool Run<TIn, NIn>() where TIn : unmanaged where NIn : struct, INumeric<TIn> =>
            DTypeDispatch.On<ConvertTo<TIn, NIn>, bool>(o.DType, new(g, x, o));
    }

    readonly struct ConvertTo<TIn, NIn>(GpuBackend g, Strided x, Strided o) : IDTypeFunc<bool>
        where TIn : unmanaged where NIn : struct, INumeric<TIn>
    {
        public bool Run<TOut, NOut>() where TOut : unmanaged where NOut : struct, INumeric<TOut>
        {
            g.Kernels.Launch(ElementwiseKernels.Convert<TIn, NIn, TOut, NOut>, x.Count,
                View<TIn>(x), ViewLayout.Of(x, "copy_"), View<TOut>(o), ViewLayout.Of(o, "copy_"));
            return true;
        }
    }

    /// <summary>x in <paramref name="dtype"/>: x itself, or a converted contiguous copy (see <see cref="Operand"/>).</summary>
    Operand In(Strided x, DType dtype) => x.DType == dtype ? new(x, false) : new(Strided.Contiguous(Copy(x, dtype), x.Shape), true);

    /// <summary>
    /// An operand in the dtype a kernel needs. A converted copy goes back to the cache on
    /// Dispose, which is safe as soon as the kernels reading it are enqueued: the next kernel to
    /// write the block runs after them on the stream.
    /// </summary>
    readonly struct Operand(Strided view, bool copy) : IDisposable
    {
        public Strided View => view;

        public void Dispose()
        {
            if (copy) ((GpuStorage)view.Storage).Dispose();
        }
    }

    /// <inheritdoc />
    public Storage Unary(UnaryOp op, Strided x, double alpha, double beta)
    {
        if (!x.DType.IsFloating() && op is not (UnaryOp.Neg or UnaryOp.Abs or UnaryOp.Sign or UnaryOp.Clamp or UnaryOp.Relu)
            || x.DType == DType.Bool)
            throw new NotSupportedException($"{op.ToString().ToLowerInvariant()}: not implemented for '{x.DType.TorchName()}'");
        return DTypeDispatch.On<UnaryRun, Storage>(x.DType, new(this, op, x, alpha, beta));
    }

    readonly struct UnaryRun(GpuBackend g, UnaryOp op, Strided x, double alpha, double beta) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var n = default(N);
            // Clamp's bounds in the element type: integers round them inward and saturate.
            var (lo, hi) = op == UnaryOp.Relu ? (0.0, double.PositiveInfinity) : (alpha, beta);
            if (!n.IsFloating) (lo, hi) = (Math.Ceiling(lo), Math.Floor(hi));
            double lowest = n.ToDouble(n.Lowest), highest = n.ToDouble(n.Highest);
            T loT = n.IsFloating ? n.FromDouble(lo) : n.FromDouble(Math.Clamp(lo, lowest, highest));
            T hiT = n.IsFloating ? n.FromDouble(hi) : n.FromDouble(Math.Clamp(hi, lowest, highest));
            var o = g.Allocate(x.DType, x.Count);
            g.Kernels.Launch(ElementwiseKernels.Unary<T, N>, x.Count,
                View<T>(x), ViewLayout.Of(x, "unary"), o.View<T>(), (int)op, alpha, beta, loT, hiT);
            return o;
        }
    }

    /// <inheritdoc />
    public Storage Binary(BinaryOp op, Strided a, Strided b, DType dtype)
    {
        if (op is BinaryOp.And or BinaryOp.Or && dtype != DType.Bool)
            throw new NotSupportedException($"logical_{op.ToString().ToLowerInvariant()}: not implemented for '{dtype.TorchName()}'");
        using Operand ac = In(a, dtype), bc = In(b, dtype);
        return DTypeDispatch.On<BinaryRun, Storage>(dtype, new(this, op, ac.View, bc.View));
    }

    readonly struct BinaryRun(GpuBackend g, BinaryOp op, Strided a, Strided b) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(a.DType, a.Count);
            g.Kernels.Launch(ElementwiseKernels.Binary<T, N>, a.Count,
                View<T>(a), ViewLayout.Of(a, "binary"), View<T>(b), ViewLayout.Of(b, "binary"), o.View<T>(), (int)op);
            return o;
        }
    }

    /// <inheritdoc />
    public Storage Compare(CompareOp op, Strided a, Strided b)
    {
        var dtype = DTypes.Promote(a.DType, b.DType);
        using Operand ac = In(a, dtype), bc = In(b, dtype);
        return DTypeDispatch.On<CompareRun, Storage>(dtype, new(this, op, ac.View, bc.View));
    }

    readonly struct CompareRun(GpuBackend g, CompareOp op, Strided a, Strided b) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(DType.Bool, a.Count);
            g.Kernels.Launch(ElementwiseKernels.Compare<T, N>, a.Count,
                View<T>(a), ViewLayout.Of(a, "compare"), View<T>(b), ViewLayout.Of(b, "compare"), o.View<byte>(), (int)op);
            return o;
        }
    }

    /// <inheritdoc />
    public Storage Where(Strided cond, Strided a, Strided b, DType dtype)
    {
        using Operand cc = In(cond, DType.Bool), ac = In(a, dtype), bc = In(b, dtype);
        return DTypeDispatch.On<WhereRun, Storage>(dtype, new(this, cc.View, ac.View, bc.View));
    }

    readonly struct WhereRun(GpuBackend g, Strided cond, Strided a, Strided b) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(a.DType, a.Count);
            g.Kernels.Launch(ElementwiseKernels.Where<T>, a.Count,
                View<byte>(cond), ViewLayout.Of(cond, "where"), View<T>(a), ViewLayout.Of(a, "where"), View<T>(b), ViewLayout.Of(b, "where"), o.View<T>());
            return o;
        }
    }
}
