using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hybrid.Cpu;

/// <summary>A comparison of vectors: all-ones lanes where it holds (ordered: false against NaN, but for ≠).</summary>
internal interface IVectorCompare
{
    Vector512<T> Mask<T>(Vector512<T> a, Vector512<T> b);
}

/// <summary>
/// Rows of comparisons (float → bool) and of selections (bool ? a : b) with AVX-512: a mask
/// of 16 floats or 8 doubles is narrowed to bytes (vpmovdb/vpmovqb), and bytes are widened to
/// a mask (vpmovzxbd/vpmovzxbq). Bool is one byte holding 0 or 1. Rows of other element types,
/// and machines without AVX-512, report false and take the scalar loops.
/// </summary>
internal static class MaskRows
{
    static bool Supported<T>() => Avx512F.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    /// <summary>o[j] = a[j] ⋈ b[j]; a or b may have length 1 (one value along the row).</summary>
    public static bool TryCompare<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<bool> o, TOp op)
        where T : unmanaged where TOp : IVectorCompare
    {
        if (!Supported<T>()) return false;
        int n = o.Length, i = 0;
        Operand<T> x = new(a, n), y = new(b, n);
        ref var or = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(o));
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count) StoreBytes(op.Mask(x.Vector(i), y.Vector(i)), ref Unsafe.Add(ref or, i));
        for (; i < n; i++) o[i] = op.Mask(Vector512.CreateScalar(x.Scalar(i)), Vector512.CreateScalar(y.Scalar(i))).AsByte().ToScalar() != 0;
        return true;
    }

    /// <summary>o[j] = c[j] ? a[j] : b[j]; a or b may have length 1.</summary>
    public static bool TrySelect<T>(ReadOnlySpan<bool> c, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) where T : unmanaged
    {
        if (!Supported<T>()) return false;
        int n = o.Length, i = 0;
        Operand<T> x = new(a, n), y = new(b, n);
        ref var cr = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(c));
        ref var or = ref MemoryMarshal.GetReference(o);
        for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
            Vector512.ConditionalSelect(LoadMask<T>(ref Unsafe.Add(ref cr, i)), x.Vector(i), y.Vector(i)).StoreUnsafe(ref or, (nuint)i);
        for (; i < n; i++) o[i] = c[i] ? x.Scalar(i) : y.Scalar(i);
        return true;
    }

    /// <summary>One operand of a row of n: its n elements, or one value along the whole row.</summary>
    readonly ref struct Operand<T> where T : unmanaged
    {
        readonly ref T first;
        readonly bool single;
        readonly Vector512<T> broadcast;

        public Operand(ReadOnlySpan<T> x, int n)
        {
            first = ref MemoryMarshal.GetReference(x);
            single = x.Length != n;
            broadcast = single ? Vector512.Create(x[0]) : default;
        }

        public Vector512<T> Vector(int i) => single ? broadcast : Vector512.LoadUnsafe(ref first, (nuint)i);

        public T Scalar(int i) => single ? first : Unsafe.Add(ref first, i);
    }

    /// <summary>Writes one byte, 0 or 1, per lane of a mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreBytes<T>(Vector512<T> mask, ref byte destination)
    {
        if (typeof(T) == typeof(float))
            Avx512F.ConvertToVector128Byte(mask.AsUInt32() & Vector512<uint>.One).StoreUnsafe(ref destination);
        else
            Unsafe.WriteUnaligned(ref destination, Avx512F.ConvertToVector128Byte(mask.AsUInt64() & Vector512<ulong>.One).AsUInt64().ToScalar());
    }

    /// <summary>All-ones lanes where the bytes (one per lane) are not zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<T> LoadMask<T>(ref byte source)
    {
        if (typeof(T) == typeof(float))
            return ~Vector512.Equals(Avx512F.ConvertToVector512UInt32(Vector128.LoadUnsafe(ref source)), Vector512<uint>.Zero).As<uint, T>();
        var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref source)).AsByte();
        return ~Vector512.Equals(Avx512F.ConvertToVector512UInt64(bytes), Vector512<ulong>.Zero).As<ulong, T>();
    }
}
