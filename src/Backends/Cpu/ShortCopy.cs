using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hybrid.Cpu;

/// <summary>
/// Copies of short runs (a tile's row, an image row, a chunk's tail) with vector moves inline:
/// kernels copy many such runs, and a call to memmove for each costs more than the copy.
/// </summary>
internal static class ShortCopy
{
    /// <summary>
    /// count elements from source to destination (not overlapping): the widest vectors that fit,
    /// the last one overlapping the previous; element by element for types vectors don't hold (bool).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<T>(ref T source, ref T destination, int count) where T : unmanaged
    {
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && count >= Vector512<T>.Count)
        {
            var last = (nuint)(count - Vector512<T>.Count);
            for (nuint i = 0; i < last; i += (nuint)Vector512<T>.Count)
                Vector512.LoadUnsafe(ref source, i).StoreUnsafe(ref destination, i);
            Vector512.LoadUnsafe(ref source, last).StoreUnsafe(ref destination, last);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && count >= Vector256<T>.Count)
        {
            var last = (nuint)(count - Vector256<T>.Count);
            for (nuint i = 0; i < last; i += (nuint)Vector256<T>.Count)
                Vector256.LoadUnsafe(ref source, i).StoreUnsafe(ref destination, i);
            Vector256.LoadUnsafe(ref source, last).StoreUnsafe(ref destination, last);
        }
        else
            for (var i = 0; i < count; i++) Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i);
    }
}
