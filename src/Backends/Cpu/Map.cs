namespace Hybrid.Cpu;

/// <summary>
/// A function of one element. Implemented by structs so that the JIT specializes and inlines
/// <see cref="Apply"/> into the loops of <see cref="Map"/>.
/// </summary>
internal interface IUnaryFunc<TIn, TOut>
    where TIn : unmanaged
    where TOut : unmanaged
{
    /// <summary>The function of one element.</summary>
    TOut Apply(TIn x);

    /// <summary>
    /// Computes a whole contiguous row at once (typically with TensorPrimitives); returns false
    /// when the op has no vectorized form, and the caller falls back to <see cref="Apply"/>.
    /// </summary>
    bool TryRow(ReadOnlySpan<TIn> x, Span<TOut> o);
}

/// <summary>A function of two elements of one type; see <see cref="IUnaryFunc{TIn,TOut}"/>.</summary>
internal interface IBinaryFunc<T, TOut>
    where T : unmanaged
    where TOut : unmanaged
{
    /// <summary>The function of one pair of elements.</summary>
    TOut Apply(T a, T b);

    /// <summary>
    /// Computes a contiguous row at once. Each of <paramref name="a"/>, <paramref name="b"/> has
    /// the length of <paramref name="o"/> or length 1, meaning that one value broadcast along the
    /// row. Returns false when the op has no vectorized form.
    /// </summary>
    bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<TOut> o);
}

/// <summary>Elementwise loops over strided operands into a new contiguous result.</summary>
internal static class Map
{
    /// <summary>o[i] = op(x[i]) for every element i (row-major) of the view <paramref name="xv"/>.</summary>
    public static void Unary<TIn, TOut, TOp>(ReadOnlySpan<TIn> x, Strided xv, Span<TOut> o, TOp op)
        where TIn : unmanaged
        where TOut : unmanaged
        where TOp : IUnaryFunc<TIn, TOut>
    {
        if (o.Length == 0) return;
        if (xv.IsContiguous)
        {
            Row(x.Slice(xv.Offset, o.Length), o, op);
            return;
        }
        var loop = new StridedLoop(xv.Shape, (xv.Strides, xv.Offset), (Storages.Contiguous(xv.Shape), 0));
        int n = loop.Inner, sx = loop.InnerStrides[0];
        for (var r = 0; r < loop.Rows; r++, loop.Advance())
        {
            int xo = loop.Offsets[0], oo = loop.Offsets[1];
            if (sx == 1) Row(x.Slice(xo, n), o.Slice(oo, n), op);
            else if (sx == 0) o.Slice(oo, n).Fill(op.Apply(x[xo]));
            else for (var j = 0; j < n; j++, xo += sx) o[oo + j] = op.Apply(x[xo]);
        }
    }

    static void Row<TIn, TOut, TOp>(ReadOnlySpan<TIn> x, Span<TOut> o, TOp op)
        where TIn : unmanaged
        where TOut : unmanaged
        where TOp : IUnaryFunc<TIn, TOut>
    {
        if (op.TryRow(x, o)) return;
        for (var j = 0; j < o.Length; j++) o[j] = op.Apply(x[j]);
    }

    /// <summary>o[i] = op(a[i], b[i]) for views of one shape (either may be broadcast).</summary>
    public static void Binary<T, TOut, TOp>(ReadOnlySpan<T> a, Strided av, ReadOnlySpan<T> b, Strided bv, Span<TOut> o, TOp op)
        where T : unmanaged
        where TOut : unmanaged
        where TOp : IBinaryFunc<T, TOut>
    {
        if (o.Length == 0) return;
        if (av.IsContiguous && bv.IsContiguous)
        {
            Row(a.Slice(av.Offset, o.Length), b.Slice(bv.Offset, o.Length), o, op);
            return;
        }
        var loop = new StridedLoop(av.Shape, (av.Strides, av.Offset), (bv.Strides, bv.Offset), (Storages.Contiguous(av.Shape), 0));
        int n = loop.Inner, sa = loop.InnerStrides[0], sb = loop.InnerStrides[1];
        for (var r = 0; r < loop.Rows; r++, loop.Advance())
        {
            int ao = loop.Offsets[0], bo = loop.Offsets[1], oo = loop.Offsets[2];
            var orow = o.Slice(oo, n);
            // Rows whose operands are contiguous or constant go through the vectorized form.
            if (sa is 0 or 1 && sb is 0 or 1)
            {
                if (sa == 0 && sb == 0) orow.Fill(op.Apply(a[ao], b[bo]));
                else Row(a.Slice(ao, sa == 1 ? n : 1), b.Slice(bo, sb == 1 ? n : 1), orow, op);
            }
            else
            {
                for (var j = 0; j < n; j++, ao += sa, bo += sb) orow[j] = op.Apply(a[ao], b[bo]);
            }
        }
    }

    static void Row<T, TOut, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<TOut> o, TOp op)
        where T : unmanaged
        where TOut : unmanaged
        where TOp : IBinaryFunc<T, TOut>
    {
        if (op.TryRow(a, b, o)) return;
        int sa = a.Length == o.Length ? 1 : 0, sb = b.Length == o.Length ? 1 : 0;
        for (int j = 0, ai = 0, bi = 0; j < o.Length; j++, ai += sa, bi += sb) o[j] = op.Apply(a[ai], b[bi]);
    }

    /// <summary>Writes the view <paramref name="sv"/> of <paramref name="src"/> into the view <paramref name="dv"/> of <paramref name="dst"/> (one shape, one type).</summary>
    public static void Copy<T>(ReadOnlySpan<T> src, Strided sv, Span<T> dst, Strided dv) where T : unmanaged
    {
        if (sv.Count == 0) return;
        if (sv.IsContiguous && dv.IsContiguous)
        {
            src.Slice(sv.Offset, sv.Count).CopyTo(dst.Slice(dv.Offset, sv.Count));
            return;
        }
        var loop = new StridedLoop(dv.Shape, (dv.Strides, dv.Offset), (sv.Strides, sv.Offset));
        int n = loop.Inner, sd = loop.InnerStrides[0], ss = loop.InnerStrides[1];
        for (var r = 0; r < loop.Rows; r++, loop.Advance())
        {
            int d = loop.Offsets[0], s = loop.Offsets[1];
            if (sd == 1 && ss == 1) src.Slice(s, n).CopyTo(dst.Slice(d, n));
            else if (sd == 1 && ss == 0) dst.Slice(d, n).Fill(src[s]);
            else for (var j = 0; j < n; j++, d += sd, s += ss) dst[d] = src[s];
        }
    }
}
