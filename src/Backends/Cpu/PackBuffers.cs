using System.Runtime.CompilerServices;

namespace Hybrid.Cpu;

/// <summary>Pinned, 64-byte-aligned scratch for packed panels, one per thread, grown on demand and reused.</summary>
internal sealed unsafe class PackBuffers<T> where T : unmanaged
{
    [ThreadStatic] static PackBuffers<T>? current;

    /// <summary>The calling thread's buffers.</summary>
    public static PackBuffers<T> Current => current ??= new();

    T[]? aArray, bArray;
    T* a, b;
    nint aLength, bLength;

    /// <summary>Room for <paramref name="length"/> elements of packed A.</summary>
    public T* A(nint length)
    {
        if (length > aLength) a = Grow(ref aArray, ref aLength, length);
        return a;
    }

    /// <summary>Room for <paramref name="length"/> elements of packed B.</summary>
    public T* B(nint length)
    {
        if (length > bLength) b = Grow(ref bArray, ref bLength, length);
        return b;
    }

    static T* Grow(ref T[]? array, ref nint capacity, nint length)
    {
        // Grow geometrically so that a sequence of slightly larger products doesn't reallocate each time.
        var size = Math.Max(length, capacity + capacity / 2);
        // (On the pinned heap: the pointer stays valid while the array is referenced here.)
        array = GC.AllocateUninitializedArray<T>(checked((int)size) + 64 / sizeof(T), pinned: true);
        capacity = size;
        var at = (nint)Unsafe.AsPointer(ref array[0]);
        return (T*)((at + 63) & ~(nint)63);
    }
}
