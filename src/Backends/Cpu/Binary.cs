using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Hybrid.Cpu;

/// <summary>Elementwise functions of two operands, computed in the result dtype.</summary>
internal static class BinaryKernels
{
    /// <summary>op(a, b) with both operands converted to <paramref name="dtype"/> first.</summary>
    public static Storage Compute(BinaryOp op, Strided a, Strided b, DType dtype)
    {
        if (op is BinaryOp.And or BinaryOp.Or && dtype != DType.Bool)
            throw Storages.Unsupported(Name(op), dtype);
        a = Cast.As(a, dtype);
        b = Cast.As(b, dtype);
        var o = Storages.Allocate(dtype, a.Count);
        switch (dtype)
        {
            case DType.Float32: Floating(op, a, b, Storages.Span<float>(o)); break;
            case DType.Float64: Floating(op, a, b, Storages.Span<double>(o)); break;
            case DType.Int64: Integer(op, a, b, Storages.Span<long>(o)); break;
            case DType.Int32: Integer(op, a, b, Storages.Span<int>(o)); break;
            case DType.UInt8: Integer(op, a, b, Storages.Span<byte>(o)); break;
            case DType.Bool: Logical(op, a, b, Storages.Span<bool>(o)); break;
            default: throw Storages.Unsupported(Name(op), dtype);
        }
        return o;
    }

    static string Name(BinaryOp op) => op switch
    {
        BinaryOp.And => "logical_and",
        BinaryOp.Or => "logical_or",
        BinaryOp.ReluGrad => "threshold_backward",
        _ => op.ToString().ToLowerInvariant(),
    };

    static void Floating<T>(BinaryOp op, Strided av, Strided bv, Span<T> o) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> a = Storages.Span<T>(av.Storage), b = Storages.Span<T>(bv.Storage);
        switch (op)
        {
            case BinaryOp.Add: Map.Binary(a, av, b, bv, o, new Add<T>()); break;
            case BinaryOp.Sub: Map.Binary(a, av, b, bv, o, new Sub<T>()); break;
            case BinaryOp.Mul: Map.Binary(a, av, b, bv, o, new Mul<T>()); break;
            case BinaryOp.Div: Map.Binary(a, av, b, bv, o, new Div<T>()); break;
            case BinaryOp.Pow: Map.Binary(a, av, b, bv, o, new Pow<T>()); break;
            case BinaryOp.Maximum: Map.Binary(a, av, b, bv, o, new Max<T>()); break;
            case BinaryOp.Minimum: Map.Binary(a, av, b, bv, o, new Min<T>()); break;
            case BinaryOp.ReluGrad: Map.Binary(a, av, b, bv, o, new ReluGrad<T>()); break;
            default: throw Storages.Unsupported(Name(op), av.Storage.DType);
        }
    }

    static void Integer<T>(BinaryOp op, Strided av, Strided bv, Span<T> o) where T : unmanaged, IBinaryInteger<T>
    {
        ReadOnlySpan<T> a = Storages.Span<T>(av.Storage), b = Storages.Span<T>(bv.Storage);
        switch (op)
        {
            case BinaryOp.Add: Map.Binary(a, av, b, bv, o, new Add<T>()); break;
            case BinaryOp.Sub: Map.Binary(a, av, b, bv, o, new Sub<T>()); break;
            case BinaryOp.Mul: Map.Binary(a, av, b, bv, o, new Mul<T>()); break;
            case BinaryOp.Div: Map.Binary(a, av, b, bv, o, new IntDiv<T>()); break;
            case BinaryOp.Pow: Map.Binary(a, av, b, bv, o, new IntPow<T>()); break;
            case BinaryOp.Maximum: Map.Binary(a, av, b, bv, o, new Max<T>()); break;
            case BinaryOp.Minimum: Map.Binary(a, av, b, bv, o, new Min<T>()); break;
            case BinaryOp.ReluGrad: Map.Binary(a, av, b, bv, o, new ReluGrad<T>()); break;
            default: throw Storages.Unsupported(Name(op), av.Storage.DType);
        }
    }

    /// <summary>Bool arithmetic as PyTorch: and = mul = minimum, or = add = maximum.</summary>
    static void Logical(BinaryOp op, Strided av, Strided bv, Span<bool> o)
    {
        ReadOnlySpan<bool> a = Storages.Span<bool>(av.Storage), b = Storages.Span<bool>(bv.Storage);
        switch (op)
        {
            case BinaryOp.And or BinaryOp.Mul or BinaryOp.Minimum: Map.Binary(a, av, b, bv, o, new And()); break;
            case BinaryOp.Or or BinaryOp.Add or BinaryOp.Maximum: Map.Binary(a, av, b, bv, o, new Or()); break;
            default: throw Storages.Unsupported(Name(op), DType.Bool);
        }
    }

    /// <summary>Elementwise comparison in the dtype promoted from both operands; Bool result.</summary>
    public static Storage Compare(CompareOp op, Strided a, Strided b)
    {
        var dtype = DTypes.Promote(a.DType, b.DType);
        a = Cast.As(a, dtype);
        b = Cast.As(b, dtype);
        var o = Storages.Allocate(DType.Bool, a.Count);
        var os = Storages.Span<bool>(o);
        switch (dtype)
        {
            case DType.Float32: Compare<float>(op, a, b, os); break;
            case DType.Float64: Compare<double>(op, a, b, os); break;
            case DType.Int64: Compare<long>(op, a, b, os); break;
            case DType.Int32: Compare<int>(op, a, b, os); break;
            // Bool compares as its 0/1 bytes: false < true, as in PyTorch.
            case DType.UInt8 or DType.Bool: Compare<byte>(op, a, b, os); break;
            default: throw Storages.Unsupported(op.ToString().ToLowerInvariant(), dtype);
        }
        return o;
    }

    static void Compare<T>(CompareOp op, Strided av, Strided bv, Span<bool> o) where T : unmanaged, INumber<T>
    {
        ReadOnlySpan<T> a = Storages.Span<T>(av.Storage), b = Storages.Span<T>(bv.Storage);
        switch (op)
        {
            case CompareOp.Eq: Map.Binary(a, av, b, bv, o, new Eq<T>()); break;
            case CompareOp.Ne: Map.Binary(a, av, b, bv, o, new Ne<T>()); break;
            case CompareOp.Lt: Map.Binary(a, av, b, bv, o, new Lt<T>()); break;
            case CompareOp.Le: Map.Binary(a, av, b, bv, o, new Le<T>()); break;
            case CompareOp.Gt: Map.Binary(a, av, b, bv, o, new Gt<T>()); break;
            case CompareOp.Ge: Map.Binary(a, av, b, bv, o, new Ge<T>()); break;
        }
    }

    /// <summary>cond ? a : b elementwise, with a and b converted to <paramref name="dtype"/>.</summary>
    public static Storage Where(Strided cond, Strided a, Strided b, DType dtype)
    {
        cond = Cast.As(cond, DType.Bool);
        a = Cast.As(a, dtype);
        b = Cast.As(b, dtype);
        var o = Storages.Allocate(dtype, a.Count);
        switch (dtype)
        {
            case DType.Float32: Where<float>(cond, a, b, o); break;
            case DType.Float64: Where<double>(cond, a, b, o); break;
            case DType.Int64: Where<long>(cond, a, b, o); break;
            case DType.Int32: Where<int>(cond, a, b, o); break;
            case DType.UInt8: Where<byte>(cond, a, b, o); break;
            case DType.Bool: Where<bool>(cond, a, b, o); break;
            default: throw Storages.Unsupported("where", dtype);
        }
        return o;
    }

    static void Where<T>(Strided cv, Strided av, Strided bv, Storage os) where T : unmanaged
    {
        ReadOnlySpan<bool> c = Storages.Span<bool>(cv.Storage);
        ReadOnlySpan<T> a = Storages.Span<T>(av.Storage), b = Storages.Span<T>(bv.Storage);
        var o = Storages.Span<T>(os);
        if (o.Length == 0) return;
        var loop = new StridedLoop(cv.Shape, (cv.Strides, cv.Offset), (av.Strides, av.Offset), (bv.Strides, bv.Offset), (Storages.Contiguous(cv.Shape), 0));
        int n = loop.Inner, sc = loop.InnerStrides[0], sa = loop.InnerStrides[1], sb = loop.InnerStrides[2];
        for (var r = 0; r < loop.Rows; r++, loop.Advance())
        {
            int ci = loop.Offsets[0], ai = loop.Offsets[1], bi = loop.Offsets[2], oo = loop.Offsets[3];
            // Rows with a contiguous condition and contiguous or constant values are selected by vectors.
            if (sc == 1 && sa is 0 or 1 && sb is 0 or 1 && MaskRows.TrySelect(c.Slice(ci, n), a.Slice(ai, sa == 1 ? n : 1), b.Slice(bi, sb == 1 ? n : 1), o.Slice(oo, n)))
                continue;
            for (var j = 0; j < n; j++, ci += sc, ai += sa, bi += sb) o[oo + j] = c[ci] ? a[ai] : b[bi];
        }
    }

    readonly struct Add<T> : IBinaryFunc<T, T> where T : unmanaged, INumber<T>
    {
        public T Apply(T a, T b) => a + b;

        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
        {
            if (a.Length == b.Length) TensorPrimitives.Add(a, b, o);
            else if (b.Length == 1) TensorPrimitives.Add(a, b[0], o);
            else TensorPrimitives.Add(b, a[0], o);
            return true;
        }
    }

    /// <summary>a where b &gt; 0, else 0 (a NaN b gives 0), one mask and select per vector.</summary>
    readonly struct ReluGrad<T> : IBinaryFunc<T, T> where T : unmanaged, INumber<T>
    {
        public T Apply(T a, T b) => b > T.Zero ? a : T.Zero;

        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
        {
            var n = o.Length;
            if (!Vector512.IsHardwareAccelerated || !Vector512<T>.IsSupported || a.Length != n || b.Length != n) return false;
            var i = 0;
            for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.Create(b.Slice(i)), Vector512<T>.Zero), Vector512.Create(a.Slice(i)), Vector512<T>.Zero).CopyTo(o.Slice(i));
            for (; i < n; i++) o[i] = Apply(a[i], b[i]);
            return true;
        }
    }

    readonly struct Sub<T> : IBinaryFunc<T, T> where T : unmanaged, INumber<T>
    {
        public T Apply(T a, T b) => a - b;

        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
        {
            if (a.Length == b.Length) TensorPrimitives.Subtract(a, b, o);
            else if (b.Length == 1) TensorPrimitives.Subtract(a, b[0], o);
            else TensorPrimitives.Subtract(a[0], b, o);
            return true;
        }
    }

    readonly struct Mul<T> : IBinaryFunc<T, T> where T : unmanaged, INumber<T>
    {
        public T Apply(T a, T b) => a * b;

        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
        {
            if (a.Length == b.Length) TensorPrimitives.Multiply(a, b, o);
            else if (b.Length == 1) TensorPrimitives.Multiply(a, b[0], o);
            else TensorPrimitives.Multiply(b, a[0], o);
            return true;
        }
    }

    readonly struct Div<T> : IBinaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T a, T b) => a / b;

        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
        {
            if (a.Length == b.Length) TensorPrimitives.Divide(a, b, o);
            else if (b.Length == 1) TensorPrimitives.Divide(a, b[0], o);
            else TensorPrimitives.Divide(a[0], b, o);
            return true;
        }
    }

    /// <summary>Integer division truncating toward zero; MinValue / −1 wraps instead of throwing.</summary>
    readonly struct IntDiv<T> : IBinaryFunc<T, T> where T : unmanaged, IBinaryInteger<T>
    {
        public T Apply(T a, T b)
        {
            if (b == T.Zero) throw new DivideByZeroException("integer division by zero");
            return T.IsNegative(b) && b == T.Zero - T.One ? T.Zero - a : a / b;
        }

        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => false;
    }

    /// <summary>Math.Pow semantics, evaluated per element (the vectorized pow differs on special cases).</summary>
    readonly struct Pow<T> : IBinaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T a, T b) => T.Pow(a, b);

        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
        {
            // x² is common (squared errors, norms) and exactly a product.
            if (b.Length != 1 || a.Length != o.Length || b[0] != T.CreateTruncating(2)) return false;
            TensorPrimitives.Multiply(a, a, o);
            return true;
        }
    }

    /// <summary>Integer power by repeated squaring, wrapping on overflow.</summary>
    readonly struct IntPow<T> : IBinaryFunc<T, T> where T : unmanaged, IBinaryInteger<T>
    {
        public T Apply(T a, T b)
        {
            if (T.IsNegative(b)) throw new ArgumentException("pow(): Integers to negative integer powers are not allowed.");
            T result = T.One, power = a;
            for (var e = b; e != T.Zero; e >>= 1)
            {
                if (T.IsOddInteger(e)) result *= power;
                power *= power;
            }
            return result;
        }

        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) => false;
    }

    /// <summary>Elementwise maximum; NaN propagates (IEEE 754:2019 maximum, as torch.maximum).</summary>
    readonly struct Max<T> : IBinaryFunc<T, T> where T : unmanaged, INumber<T>
    {
        public T Apply(T a, T b) => T.Max(a, b);

        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
        {
            if (a.Length == b.Length) TensorPrimitives.Max(a, b, o);
            else if (b.Length == 1) TensorPrimitives.Max(a, b[0], o);
            else TensorPrimitives.Max(b, a[0], o);
            return true;
        }
    }

    /// <summary>Elementwise minimum; NaN propagates.</summary>
    readonly struct Min<T> : IBinaryFunc<T, T> where T : unmanaged, INumber<T>
    {
        public T Apply(T a, T b) => T.Min(a, b);

        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o)
        {
            if (a.Length == b.Length) TensorPrimitives.Min(a, b, o);
            else if (b.Length == 1) TensorPrimitives.Min(a, b[0], o);
            else TensorPrimitives.Min(b, a[0], o);
            return true;
        }
    }

    readonly struct And : IBinaryFunc<bool, bool>
    {
        public bool Apply(bool a, bool b) => a & b;
        public bool TryRow(ReadOnlySpan<bool> a, ReadOnlySpan<bool> b, Span<bool> o) => false;
    }

    readonly struct Or : IBinaryFunc<bool, bool>
    {
        public bool Apply(bool a, bool b) => a | b;
        public bool TryRow(ReadOnlySpan<bool> a, ReadOnlySpan<bool> b, Span<bool> o) => false;
    }

    readonly struct Eq<T> : IBinaryFunc<T, bool>, IVectorCompare where T : unmanaged, INumber<T>
    {
        public bool Apply(T a, T b) => a == b;
        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> o) => MaskRows.TryCompare(a, b, o, this);
        public Vector512<TV> Mask<TV>(Vector512<TV> a, Vector512<TV> b) => Vector512.Equals(a, b);
    }

    readonly struct Ne<T> : IBinaryFunc<T, bool>, IVectorCompare where T : unmanaged, INumber<T>
    {
        public bool Apply(T a, T b) => a != b;
        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> o) => MaskRows.TryCompare(a, b, o, this);
        public Vector512<TV> Mask<TV>(Vector512<TV> a, Vector512<TV> b) => ~Vector512.Equals(a, b);
    }

    readonly struct Lt<T> : IBinaryFunc<T, bool>, IVectorCompare where T : unmanaged, INumber<T>
    {
        public bool Apply(T a, T b) => a < b;
        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> o) => MaskRows.TryCompare(a, b, o, this);
        public Vector512<TV> Mask<TV>(Vector512<TV> a, Vector512<TV> b) => Vector512.LessThan(a, b);
    }

    readonly struct Le<T> : IBinaryFunc<T, bool>, IVectorCompare where T : unmanaged, INumber<T>
    {
        public bool Apply(T a, T b) => a <= b;
        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> o) => MaskRows.TryCompare(a, b, o, this);
        public Vector512<TV> Mask<TV>(Vector512<TV> a, Vector512<TV> b) => Vector512.LessThanOrEqual(a, b);
    }

    readonly struct Gt<T> : IBinaryFunc<T, bool>, IVectorCompare where T : unmanaged, INumber<T>
    {
        public bool Apply(T a, T b) => a > b;
        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> o) => MaskRows.TryCompare(a, b, o, this);
        public Vector512<TV> Mask<TV>(Vector512<TV> a, Vector512<TV> b) => Vector512.GreaterThan(a, b);
    }

    readonly struct Ge<T> : IBinaryFunc<T, bool>, IVectorCompare where T : unmanaged, INumber<T>
    {
        public bool Apply(T a, T b) => a >= b;
        public bool TryRow(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> o) => MaskRows.TryCompare(a, b, o, this);
        public Vector512<TV> Mask<TV>(Vector512<TV> a, Vector512<TV> b) => Vector512.GreaterThanOrEqual(a, b);
    }
}
