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
        var n = o.Length;
        var lanes = Vector512<T>.Count;
        ref var ar = ref MemoryMarshal.GetReference(a);
        ref var br = ref MemoryMarshal.GetReference(b);
        ref var or = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(o));
        bool aOne = a.Length != n, bOne = b.Length != n;
        var va = aOne ? Vector512.Create(a[0]) : default;
        var vb = bOne ? Vector512.Create(b[0]) : default;
        var i = 0;
        for (; i <= n - lanes; i += lanes)
        {
            if (!aOne) va = Vector512.LoadUnsafe(ref ar, (nuint)i);
            if (!bOne) vb = Vector512.LoadUnsafe(ref br, (nuint)i);
            StoreBytes(op.Mask(va, vb), ref Unsafe.Add(ref or, i));
        }
        for (; i < n; i++)
        {
            var x = Vector512.CreateScalar(a[aOne ? 0 : i]);
            var y = Vector512.CreateScalar(b[bOne ? 0 : i]);
            o[i] = op.Mask(x, y).AsByte().ToScalar() != 0;
        }
        return true;
    }

    /// <summary>o[j] = c[j] ? a[j] : b[j]; a or b may have length 1.</summary>
    public static bool TrySelect<T>(ReadOnlySpan<bool> c, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> o) where T : unmanaged
    {
        if (!Supported<T>()) return false;
        var n = o.Length;
        var lanes = Vector512<T>.Count;
        ref var cr = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(c));
        ref var ar = ref MemoryMarshal.GetReference(a);
        ref var br = ref MemoryMarshal.GetReference(b);
        ref var or = ref MemoryMarshal.GetReference(o);
        bool aOne = a.Length != n, bOne = b.Length != n;
        var va = aOne ? Vector512.Create(a[0]) : default;
        var vb = bOne ? Vector512.Create(b[0]) : default;
        var i = 0;
        for (; i <= n - lanes; i += lanes)
        {
            if (!aOne) va = Vector512.LoadUnsafe(ref ar, (nuint)i);
            if (!bOne) vb = Vector512.LoadUnsafe(ref br, (nuint)i);
            Vector512.ConditionalSelect(LoadMask<T>(ref Unsafe.Add(ref cr, i)), va, vb).StoreUnsafe(ref or, (nuint)i);
        }
        for (; i < n; i++) o[i] = c[i] ? a[aOne ? 0 : i] : b[bOne ? 0 : i];
        return true;
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
