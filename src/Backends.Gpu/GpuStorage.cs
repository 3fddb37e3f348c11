using ILGPU;
using ILGPU.Runtime;

namespace Hybrid.Gpu;

/// <summary>
/// Elements in device memory: a block of a device's caching allocator. The block goes back to
/// the cache on <see cref="Dispose"/> or, when the tensor is dropped without it, from the
/// finalizer; the block's size is reported to the GC as memory pressure, so a loop that drops
/// device tensors triggers collections before the device fills up.
/// </summary>
public sealed class GpuStorage : Storage, IDisposable
{
    readonly CachingAllocator allocator;
    readonly long pressure;
    MemoryBuffer1D<byte, Stride1D.Dense>? block;

    internal GpuStorage(GpuBackend backend, DType dtype, int length)
    {
        Backend = backend;
        allocator = backend.Allocator;
        DType = dtype;
        Length = length;
        block = allocator.Rent((long)length * dtype.ElementSize());
        pressure = block.Length;
        GC.AddMemoryPressure(pressure);
    }

    /// <summary>The backend (device) that owns the memory.</summary>
    internal GpuBackend Backend { get; }

    /// <inheritdoc />
    public override Device Device => Backend.Device;

    /// <inheritdoc />
    public override DType DType { get; }

    /// <inheritdoc />
    public override int Length { get; }

    /// <summary>The elements as a kernel argument (T is the dtype's device element type; Bool is byte).</summary>
    public ArrayView<T> View<T>() where T : unmanaged
    {
        var b = block ?? throw new ObjectDisposedException(nameof(GpuStorage), $"a {DType.TorchName()} storage on {Device} was used after Dispose");
        return b.View.SubView(0, (long)Length * DType.ElementSize()).AsContiguous().Cast<T>();
    }

    /// <summary>Returns the memory to the device's cache now; the storage must not be used afterwards.</summary>
    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    ~GpuStorage() => Release();

    void Release()
    {
        var b = Interlocked.Exchange(ref block, null);
        if (b is null) return;
        allocator.Return(b);
        GC.RemoveMemoryPressure(pressure);
    }
}
