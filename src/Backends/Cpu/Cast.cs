using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Hybrid.Cpu;

/// <summary>
/// Conversion of one element between numeric types, as PyTorch's <c>Tensor.to(dtype)</c>:
/// float → integer truncates toward zero; integer → narrower integer wraps. A float outside
/// the range of int32 or uint8 is first truncated to int64 and then wrapped, so that for
/// example −1.0 → uint8 gives 255 as on PyTorch's x86 builds (C++ leaves it undefined).
/// </summary>
internal readonly struct Convert<TIn, TOut> : IUnaryFunc<TIn, TOut>
    where TIn : unmanaged, INumberBase<TIn>
    where TOut : unmanaged, INumberBase<TOut>
{
    // typeof comparisons are JIT-time constants: each instantiation keeps one branch.
    static bool FloatToNarrowInt =>
        (typeof(TIn) == typeof(float) || typeof(TIn) == typeof(double))
        && (typeof(TOut) == typeof(int) || typeof(TOut) == typeof(byte));

    public TOut Apply(TIn x) =>
        FloatToNarrowInt ? TOut.CreateTruncating(long.CreateSaturating(x)) : TOut.CreateTruncating(x);

    public bool TryRow(ReadOnlySpan<TIn> x, Span<TOut> o)
    {
        if (typeof(TIn) == typeof(TOut))
        {
            MemoryMarshal.Cast<TIn, TOut>(x).CopyTo(o);
            return true;
        }
        if (FloatToNarrowInt) return false;
        TensorPrimitives.ConvertTruncating(x, o);
        return true;
    }
}

/// <summary>Conversion to Bool: x != 0 (NaN is true, as in PyTorch).</summary>
internal readonly struct NonZero<TIn> : IUnaryFunc<TIn, bool> where TIn : unmanaged, INumberBase<TIn>
{
    public bool Apply(TIn x) => x != TIn.Zero;
    public bool TryRow(ReadOnlySpan<TIn> x, Span<bool> o) => false;
}

/// <summary>Copies with dtype conversion.</summary>
internal static class Cast
{
    /// <summary>A copy of one element broadcast to the whole view (every stride 0, as an expanded scalar): a fill, with nothing read.</summary>
    static Storage Broadcast(Strided x) => x.DType switch
    {
        DType.Float32 => Storages.Filled(x.DType, x.Count, Storages.Span<float>(x.Storage)[x.Offset]),
        DType.Float64 => Storages.Filled(x.DType, x.Count, Storages.Span<double>(x.Storage)[x.Offset]),
        DType.Int64 => Storages.Filled(x.DType, x.Count, Storages.Span<long>(x.Storage)[x.Offset]),
        DType.Int32 => Storages.Filled(x.DType, x.Count, Storages.Span<int>(x.Storage)[x.Offset]),
        DType.UInt8 => Storages.Filled(x.DType, x.Count, Storages.Span<byte>(x.Storage)[x.Offset]),
        DType.Bool => Storages.Filled(x.DType, x.Count, Storages.Span<bool>(x.Storage)[x.Offset]),
        _ => throw Storages.Unsupported("copy", x.DType),
    };

    /// <summary>A new contiguous storage holding the view <paramref name="x"/> converted to <paramref name="dtype"/>.</summary>
    public static Storage Copy(Strided x, DType dtype)
    {
        if (dtype == x.DType && x.Count > 0 && x.Strides.AsSpan().IndexOfAnyExcept(0) < 0) return Broadcast(x);
        var o = Storages.Allocate(dtype, x.Count);
        if (dtype == DType.Float32 && x.DType == DType.Float32 && TryTransposed(Storages.Span<float>(x.Storage), x, Storages.Span<float>(o)))
            return o;
        switch (x.DType)
        {
            case DType.Float32: From(Storages.Span<float>(x.Storage), x, o); break;
            case DType.Float64: From(Storages.Span<double>(x.Storage), x, o); break;
            case DType.Int64: From(Storages.Span<long>(x.Storage), x, o); break;
            case DType.Int32: From(Storages.Span<int>(x.Storage), x, o); break;
            // Bool is read as its 0/1 bytes, which converts to 0/1 in every numeric dtype.
            case DType.UInt8 or DType.Bool: From(Storages.Span<byte>(x.Storage), x, o); break;
            default: throw Storages.Unsupported("copy", x.DType);
        }
        return o;
    }

    /// <summary>
    /// A 2-D view whose first dimension has stride 1 (a transposed matrix, such as the gradient
    /// of a Linear weight) copied tile by tile, so both sides stay in cache; false for any other view.
    /// </summary>
    static bool TryTransposed(ReadOnlySpan<float> x, Strided xv, Span<float> o)
    {
        if (xv.Shape.Length != 2 || xv.Strides[0] != 1) return false;
        int rows = xv.Shape[0], cols = xv.Shape[1], s1 = xv.Strides[1], off = xv.Offset;
        if (rows < 2 || cols < 2 || s1 < rows) return false;
        const int B = 32;
        for (int i0 = 0; i0 < rows; i0 += B)
        {
            int i1 = Math.Min(i0 + B, rows);
            for (int j0 = 0; j0 < cols; j0 += B)
            {
                int j1 = Math.Min(j0 + B, cols);
                for (int i = i0; i < i1; i++)
                {
                    var orow = o.Slice(i * cols, cols);
                    for (int j = j0, s = off + i + j0 * s1; j < j1; j++, s += s1) orow[j] = x[s];
                }
            }
        }
        return true;
    }

    static void From<TIn>(ReadOnlySpan<TIn> x, Strided xv, Storage o) where TIn : unmanaged, INumberBase<TIn>
    {
        switch (o.DType)
        {
            case DType.Float32: Map.Unary(x, xv, Storages.Span<float>(o), new Convert<TIn, float>()); break;
            case DType.Float64: Map.Unary(x, xv, Storages.Span<double>(o), new Convert<TIn, double>()); break;
            case DType.Int64: Map.Unary(x, xv, Storages.Span<long>(o), new Convert<TIn, long>()); break;
            case DType.Int32: Map.Unary(x, xv, Storages.Span<int>(o), new Convert<TIn, int>()); break;
            case DType.UInt8: Map.Unary(x, xv, Storages.Span<byte>(o), new Convert<TIn, byte>()); break;
            case DType.Bool: Map.Unary(x, xv, Storages.Span<bool>(o), new NonZero<TIn>()); break;
        }
    }

    /// <summary>
    /// The view <paramref name="x"/> with its elements converted to <paramref name="dtype"/>
    /// (<paramref name="x"/> itself when it already has that dtype). Only distinct elements are
    /// converted: a broadcast (zero-stride) dim stays of size 1 in the copy and is broadcast
    /// again in the returned view, so converting an expanded scalar costs one element.
    /// </summary>
    public static Strided As(Strided x, DType dtype)
    {
        if (x.DType == dtype) return x;
        var rank = x.Shape.Length;
        var compact = new int[rank];
        for (var d = 0; d < rank; d++) compact[d] = x.Strides[d] == 0 ? 1 : x.Shape[d];
        var storage = Copy(new Strided(x.Storage, compact, x.Strides, x.Offset), dtype);
        var strides = Storages.Contiguous(compact);
        for (var d = 0; d < rank; d++)
            if (compact[d] == 1) strides[d] = 0;
        return new Strided(storage, x.Shape, strides, 0);
    }

    /// <summary>Writes <paramref name="src"/> (converted to dst's dtype) into the view <paramref name="dst"/>.</summary>
    public static void Into(Strided dst, Strided src)
    {
        // A source that shares the destination's storage may overlap it (x[1:] = x[:-1]);
        // reading it out first makes the write order irrelevant.
        src = ReferenceEquals(src.Storage, dst.Storage)
            ? Strided.Contiguous(Copy(src, dst.DType), src.Shape)
            : As(src, dst.DType);
        switch (dst.DType)
        {
            case DType.Float32: Map.Copy<float>(Storages.Span<float>(src.Storage), src, Storages.Span<float>(dst.Storage), dst); break;
            case DType.Float64: Map.Copy<double>(Storages.Span<double>(src.Storage), src, Storages.Span<double>(dst.Storage), dst); break;
            case DType.Int64: Map.Copy<long>(Storages.Span<long>(src.Storage), src, Storages.Span<long>(dst.Storage), dst); break;
            case DType.Int32: Map.Copy<int>(Storages.Span<int>(src.Storage), src, Storages.Span<int>(dst.Storage), dst); break;
            case DType.UInt8: Map.Copy<byte>(Storages.Span<byte>(src.Storage), src, Storages.Span<byte>(dst.Storage), dst); break;
            case DType.Bool: Map.Copy<bool>(Storages.Span<bool>(src.Storage), src, Storages.Span<bool>(dst.Storage), dst); break;
            default: throw Storages.Unsupported("copy_", dst.DType);
        }
    }

    /// <summary>A double converted to a dtype's element type (Full, Arange, random numbers).</summary>
    public static T FromDouble<T>(double value) where T : unmanaged, INumberBase<T> =>
        new Convert<double, T>().Apply(value);
}
