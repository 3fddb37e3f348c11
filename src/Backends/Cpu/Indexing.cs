using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Hybrid.Cpu;

/// <summary>How a scattered value lands in its slot: overwrite, or accumulate.</summary>
internal interface IWriter<T>
{
    void Write(ref T slot, T value);
}

/// <summary>
/// Data-dependent indexing: gather, scatter, index_select, index_add, nonzero. Index values
/// are only known here, so these kernels check them (against [0, size), as PyTorch's CPU
/// kernels do for gather and scatter) and fail with an ArgumentException naming the op.
/// </summary>
internal static class Indexing
{
    public static Storage Gather(Strided x, int dim, Strided index)
    {
        index = Cast.As(index, DType.Int64);
        var o = Storages.Allocate(x.DType, index.Count);
        switch (x.DType)
        {
            case DType.Float32: Gather<float>(x, dim, index, o); break;
            case DType.Float64: Gather<double>(x, dim, index, o); break;
            case DType.Int64: Gather<long>(x, dim, index, o); break;
            case DType.Int32: Gather<int>(x, dim, index, o); break;
            case DType.UInt8: Gather<byte>(x, dim, index, o); break;
            case DType.Bool: Gather<bool>(x, dim, index, o); break;
            default: throw Storages.Unsupported("gather", x.DType);
        }
        return o;
    }

    static void Gather<T>(Strided xv, int dim, Strided iv, Storage os) where T : unmanaged
    {
        ReadOnlySpan<T> x = Storages.Span<T>(xv.Storage);
        ReadOnlySpan<long> index = Storages.Span<long>(iv.Storage);
        var o = Storages.Span<T>(os);
        int size = xv.Shape[dim], along = xv.Strides[dim];
        // x is walked with the index's shape, its own strides, and no step along dim: the
        // index value supplies that coordinate.
        var loop = new StridedLoop(iv.Shape, (iv.Strides, iv.Offset), (Storages.With(xv.Strides, dim, 0), xv.Offset), (Storages.Contiguous(iv.Shape), 0));
        int n = loop.Inner, si = loop.InnerStrides[0], sx = loop.InnerStrides[1];
        for (var r = 0; r < loop.Rows; r++, loop.Advance())
        {
            int io = loop.Offsets[0], xo = loop.Offsets[1], oo = loop.Offsets[2];
            for (var j = 0; j < n; j++, io += si, xo += sx)
                o[oo + j] = x[xo + Check("gather", index[io], dim, size) * along];
        }
    }

    public static Storage Scatter(Strided x, int dim, Strided index, Strided src, bool accumulate)
    {
        index = Cast.As(index, DType.Int64);
        src = Cast.As(src, x.DType);
        var o = Cast.Copy(x, x.DType);
        var op = accumulate ? "scatter_add" : "scatter";
        switch (x.DType)
        {
            case DType.Float32: Scatter<float>(x.Shape, dim, index, src, o, accumulate, op); break;
            case DType.Float64: Scatter<double>(x.Shape, dim, index, src, o, accumulate, op); break;
            case DType.Int64: Scatter<long>(x.Shape, dim, index, src, o, accumulate, op); break;
            case DType.Int32: Scatter<int>(x.Shape, dim, index, src, o, accumulate, op); break;
            case DType.UInt8: Scatter<byte>(x.Shape, dim, index, src, o, accumulate, op); break;
            case DType.Bool when accumulate: Scatter<bool, Or>(x.Shape, dim, index, src, o, default, op); break;
            case DType.Bool: Scatter<bool, Assign<bool>>(x.Shape, dim, index, src, o, default, op); break;
            default: throw Storages.Unsupported(op, x.DType);
        }
        return o;
    }

    static void Scatter<T>(int[] shape, int dim, Strided iv, Strided sv, Storage os, bool accumulate, string op) where T : unmanaged, INumber<T>
    {
        if (accumulate) Scatter<T, Add<T>>(shape, dim, iv, sv, os, default, op);
        else Scatter<T, Assign<T>>(shape, dim, iv, sv, os, default, op);
    }

    static void Scatter<T, TW>(int[] shape, int dim, Strided iv, Strided sv, Storage os, TW writer, string op)
        where T : unmanaged
        where TW : IWriter<T>
    {
        ReadOnlySpan<long> index = Storages.Span<long>(iv.Storage);
        ReadOnlySpan<T> src = Storages.Span<T>(sv.Storage);
        var o = Storages.Span<T>(os);
        var outStrides = Storages.Contiguous(shape);
        int size = shape[dim], along = outStrides[dim];
        var loop = new StridedLoop(iv.Shape, (iv.Strides, iv.Offset), (sv.Strides, sv.Offset), (Storages.With(outStrides, dim, 0), 0));
        int n = loop.Inner, si = loop.InnerStrides[0], ss = loop.InnerStrides[1], so = loop.InnerStrides[2];
        for (var r = 0; r < loop.Rows; r++, loop.Advance())
        {
            int io = loop.Offsets[0], s = loop.Offsets[1], oo = loop.Offsets[2];
            for (var j = 0; j < n; j++, io += si, s += ss, oo += so)
                writer.Write(ref o[oo + Check(op, index[io], dim, size) * along], src[s]);
        }
    }

    public static Storage IndexSelect(Strided x, int dim, Strided index)
    {
        var positions = Positions("index_select", index, dim, x.Shape[dim]);
        var outShape = Storages.With(x.Shape, dim, positions.Length);
        var o = Storages.Allocate(x.DType, Layout.Count(outShape));
        var oView = Strided.Contiguous(o, outShape);
        switch (x.DType)
        {
            case DType.Float32: IndexSelect<float>(x, dim, positions, oView); break;
            case DType.Float64: IndexSelect<double>(x, dim, positions, oView); break;
            case DType.Int64: IndexSelect<long>(x, dim, positions, oView); break;
            case DType.Int32: IndexSelect<int>(x, dim, positions, oView); break;
            case DType.UInt8: IndexSelect<byte>(x, dim, positions, oView); break;
            case DType.Bool: IndexSelect<bool>(x, dim, positions, oView); break;
            default: throw Storages.Unsupported("index_select", x.DType);
        }
        return o;
    }

    static void IndexSelect<T>(Strided xv, int dim, long[] positions, Strided ov) where T : unmanaged
    {
        ReadOnlySpan<T> x = Storages.Span<T>(xv.Storage);
        var o = Storages.Span<T>(ov.Storage);
        // One slice copy per index: out[..., j, ...] = x[..., positions[j], ...].
        for (var j = 0; j < positions.Length; j++)
            Map.Copy(x, Slice(xv, dim, (int)positions[j]), o, Slice(ov, dim, j));
    }

    public static Storage IndexAdd(Strided x, int dim, Strided index, Strided src)
    {
        var positions = Positions("index_add", index, dim, x.Shape[dim]);
        src = Cast.As(src, x.DType);
        var o = Cast.Copy(x, x.DType);
        var oView = Strided.Contiguous(o, x.Shape);
        switch (x.DType)
        {
            case DType.Float32: IndexAdd<float, Add<float>>(oView, dim, positions, src, default); break;
            case DType.Float64: IndexAdd<double, Add<double>>(oView, dim, positions, src, default); break;
            case DType.Int64: IndexAdd<long, Add<long>>(oView, dim, positions, src, default); break;
            case DType.Int32: IndexAdd<int, Add<int>>(oView, dim, positions, src, default); break;
            case DType.UInt8: IndexAdd<byte, Add<byte>>(oView, dim, positions, src, default); break;
            case DType.Bool: IndexAdd<bool, Or>(oView, dim, positions, src, default); break;
            default: throw Storages.Unsupported("index_add", x.DType);
        }
        return o;
    }

    static void IndexAdd<T, TW>(Strided ov, int dim, long[] positions, Strided sv, TW writer)
        where T : unmanaged
        where TW : IWriter<T>
    {
        ReadOnlySpan<T> src = Storages.Span<T>(sv.Storage);
        var o = Storages.Span<T>(ov.Storage);
        // Sequential over j, so repeated indices accumulate in index order (deterministic).
        for (var j = 0; j < positions.Length; j++)
        {
            var dst = Slice(ov, dim, (int)positions[j]);
            var s = Slice(sv, dim, j);
            var loop = new StridedLoop(dst.Shape, (dst.Strides, dst.Offset), (s.Strides, s.Offset));
            int n = loop.Inner, sd = loop.InnerStrides[0], ss = loop.InnerStrides[1];
            for (var r = 0; r < loop.Rows; r++, loop.Advance())
            {
                int d = loop.Offsets[0], si = loop.Offsets[1];
                for (var k = 0; k < n; k++, d += sd, si += ss) writer.Write(ref o[d], src[si]);
            }
        }
    }

    /// <summary>Row-major flat positions of the true elements of a mask, as Int64.</summary>
    public static Storage NonZero(Strided mask)
    {
        mask = Cast.As(mask, DType.Bool);
        ReadOnlySpan<bool> m = Storages.Span<bool>(mask.Storage);
        // The contiguous second operand numbers the elements in row-major order.
        var loop = new StridedLoop(mask.Shape, (mask.Strides, mask.Offset), (Storages.Contiguous(mask.Shape), 0));
        int n = loop.Inner, step = loop.InnerStrides[0];
        var count = 0;
        for (var r = 0; r < loop.Rows; r++, loop.Advance())
            for (int j = 0, at = loop.Offsets[0]; j < n; j++, at += step)
                if (m[at]) count++;
        var o = Storages.Uninitialized<long>(count);
        loop.Reset(mask.Offset, 0);
        var k = 0;
        for (var r = 0; r < loop.Rows; r++, loop.Advance())
            for (int j = 0, at = loop.Offsets[0]; j < n; j++, at += step)
                if (m[at]) o[k++] = loop.Offsets[1] + j;
        return new CpuStorage<long>(o);
    }

    /// <summary>The view x[..., i, ...] (dim <paramref name="dim"/> fixed at <paramref name="i"/>, dropped).</summary>
    static Strided Slice(Strided x, int dim, int i) =>
        new(x.Storage, Storages.Without(x.Shape, dim), Storages.Without(x.Strides, dim), x.Offset + i * x.Strides[dim]);

    /// <summary>The values of a 1-D index, each checked to lie in [0, size).</summary>
    static long[] Positions(string op, Strided index, int dim, int size)
    {
        var values = (long[])CpuBackend.Instance.ToArray(Cast.As(index, DType.Int64));
        foreach (var v in values) Check(op, v, dim, size);
        return values;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int Check(string op, long index, int dim, int size)
    {
        if ((ulong)index >= (ulong)size) OutOfBounds(op, index, dim, size);
        return (int)index;
    }

    [DoesNotReturn]
    static void OutOfBounds(string op, long index, int dim, int size) =>
        throw new ArgumentException($"{op}(): index {index} is out of bounds for dimension {dim} with size {size}");

    readonly struct Assign<T> : IWriter<T>
    {
        public void Write(ref T slot, T value) => slot = value;
    }

    readonly struct Add<T> : IWriter<T> where T : INumber<T>
    {
        public void Write(ref T slot, T value) => slot += value;
    }

    /// <summary>Accumulation on masks: True + True is True in PyTorch.</summary>
    readonly struct Or : IWriter<bool>
    {
        public void Write(ref bool slot, bool value) => slot |= value;
    }
}
