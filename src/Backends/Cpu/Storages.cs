using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hybrid.Cpu;

/// <summary>Access to the arrays behind CPU storages, and allocation of results.</summary>
internal static class Storages
{
    /// <summary>
    /// The elements of a CPU storage as <typeparamref name="T"/>. A Bool storage may also be
    /// viewed as bytes (a .NET bool is one byte holding 0 or 1), which lets numeric kernels
    /// (max, compare, cast) treat masks as 0/1 without a conversion pass. Kernels only ever
    /// write 0 or 1 through such a view.
    /// </summary>
    public static Span<T> Span<T>(Storage storage) where T : unmanaged
    {
        if (storage is CpuStorage<T> typed) return typed.Data;
        if (typeof(T) == typeof(byte) && storage is CpuStorage<bool> mask)
            return MemoryMarshal.Cast<bool, T>(mask.Data.AsSpan());
        throw new ArgumentException(
            $"the CPU backend expected a CPU storage of {typeof(T).Name} but got a {storage.DType.TorchName()} storage on {storage.Device}");
    }

    /// <summary>
    /// A new array for a result that the caller overwrites completely; a large one may be an
    /// unreachable result's array, recycled (<see cref="LargeArrays"/>).
    /// </summary>
    public static T[] Uninitialized<T>(int length) where T : unmanaged
    {
        if (length == 0) return [];
        return IsLarge<T>(length) ? LargeArrays.Rent<T>(length) : GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>A new zero-filled array (a large one recycled and cleared).</summary>
    public static T[] Zeroed<T>(int length) where T : unmanaged
    {
        if (!IsLarge<T>(length)) return new T[length];
        var array = LargeArrays.Rent<T>(length);
        array.AsSpan().Clear();
        return array;
    }

    static bool IsLarge<T>(int length) where T : unmanaged => (long)length * Unsafe.SizeOf<T>() >= LargeArrays.MinBytes;

    /// <summary>
    /// A new storage of <paramref name="dtype"/>; zero-filled when <paramref name="zeroed"/>,
    /// otherwise uninitialized (the caller must write every element).
    /// </summary>
    public static Storage Allocate(DType dtype, int length, bool zeroed = false) => dtype switch
    {
        DType.Float32 => new CpuStorage<float>(zeroed ? Zeroed<float>(length) : Uninitialized<float>(length)),
        DType.Float64 => new CpuStorage<double>(zeroed ? Zeroed<double>(length) : Uninitialized<double>(length)),
        DType.Int64 => new CpuStorage<long>(zeroed ? Zeroed<long>(length) : Uninitialized<long>(length)),
        DType.Int32 => new CpuStorage<int>(zeroed ? Zeroed<int>(length) : Uninitialized<int>(length)),
        DType.UInt8 => new CpuStorage<byte>(zeroed ? Zeroed<byte>(length) : Uninitialized<byte>(length)),
        DType.Bool => new CpuStorage<bool>(zeroed ? Zeroed<bool>(length) : Uninitialized<bool>(length)),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>
    /// A new storage of <paramref name="length"/> copies of <paramref name="value"/>. A value whose
    /// bits are all zero (not −0.0) is a fresh zeroed array, with no fill pass.
    /// </summary>
    public static Storage Filled<T>(DType dtype, int length, T value) where T : unmanaged
    {
        var zero = MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref value, 1)).IndexOfAnyExcept((byte)0) < 0;
        var o = Allocate(dtype, length, zeroed: zero);
        if (!zero) Span<T>(o).Fill(value);
        return o;
    }

    /// <summary>A scratch array of at least <paramref name="length"/> elements: <paramref name="buffer"/>, grown (by half again at least) when short, and kept for the next call.</summary>
    public static T[] Grown<T>(ref T[]? buffer, int length) where T : unmanaged
    {
        if (buffer == null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<T>(Math.Max(length, (buffer?.Length ?? 0) * 3 / 2));
        return buffer;
    }

    /// <summary>The error for an op that has no meaning (or no kernel) for a dtype.</summary>
    public static NotSupportedException Unsupported(string op, DType dtype) =>
        new($"{op} is not supported for {dtype.TorchName()} tensors on the CPU backend");

    /// <summary>Row-major strides of <paramref name="shape"/>.</summary>
    public static int[] Contiguous(int[] shape) => Layout.ContiguousStrides(shape);

    /// <summary><paramref name="array"/> without element <paramref name="index"/>.</summary>
    public static int[] Without(int[] array, int index)
    {
        var result = new int[array.Length - 1];
        for (int i = 0, j = 0; i < array.Length; i++)
            if (i != index) result[j++] = array[i];
        return result;
    }

    /// <summary>A copy of <paramref name="array"/> with element <paramref name="index"/> set to <paramref name="value"/>.</summary>
    public static int[] With(int[] array, int index, int value)
    {
        var result = (int[])array.Clone();
        result[index] = value;
        return result;
    }
}
