using ILGPU;
using ILGPU.Runtime;

namespace Hybrid.Gpu;

/// <summary>
/// The kernel contract on one ILGPU accelerator: a CUDA GPU, or ILGPU's CPU accelerator,
/// which runs the same kernels so that every GPU kernel is tested without a GPU. Kernels are
/// enqueued on the accelerator's stream and run asynchronously; reading values back
/// (<see cref="ToArray"/>) waits for them, and so do the ops whose work depends on values: the
/// index checks of gather, index_select, scatter and index_add, and nonzero's count. Operands are strided views (<see cref="ViewLayout"/>),
/// results contiguous storages from the device's caching allocator.
/// </summary>
public sealed partial class GpuBackend : IBackend
{
    internal GpuBackend(Device device) : this(device, GpuDevices.CreateAccelerator(device)) { }

    /// <summary>A backend on a given accelerator (tests use simulated devices of other shapes).</summary>
    internal GpuBackend(Device device, Accelerator accelerator)
    {
        Device = device;
        Accelerator = accelerator;
        Allocator = new CachingAllocator(Accelerator);
        Kernels = new KernelCache(Accelerator, checkPtx: device.Type == GpuDevices.Simulator && PtxCheck.Enabled);
    }

    /// <inheritdoc />
    public Device Device { get; }

    /// <summary>The ILGPU accelerator that runs the kernels.</summary>
    public Accelerator Accelerator { get; }

    internal CachingAllocator Allocator { get; }

    internal KernelCache Kernels { get; }

    /// <summary>The caching allocator's counters.</summary>
    public MemoryStatistics MemoryStatistics => Allocator.Statistics;

    /// <summary>Frees the device memory the allocator holds for reuse.</summary>
    public void EmptyCache() => Allocator.EmptyCache();

    /// <summary>Waits until every enqueued kernel has finished.</summary>
    public void Synchronize() => Accelerator.Synchronize();

    /// <summary>A new, uninitialized storage of this device.</summary>
    internal GpuStorage Allocate(DType dtype, int length) => new(this, dtype, length);

    /// <summary>The device view of an operand's storage (which the core has checked lives here).</summary>
    internal static ArrayView<T> View<T>(Strided x) where T : unmanaged => ((GpuStorage)x.Storage).View<T>();

    /// <inheritdoc />
    public Storage Full(DType dtype, int length, double value) =>
        DTypeDispatch.On<FullRun, Storage>(dtype, new(this, dtype, length, value));

    readonly struct FullRun(GpuBackend g, DType dtype, int length, double value) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(dtype, length);
            g.Kernels.Launch(ElementwiseKernels.Fill<T>, length, o.View<T>(), default(N).FromDouble(value));
            return o;
        }
    }

    /// <inheritdoc />
    public Storage FromArray(Array data)
    {
        var (dtype, bytes) = data switch
        {
            float[] a => (DType.Float32, a.Length),
            double[] a => (DType.Float64, a.Length),
            long[] a => (DType.Int64, a.Length),
            int[] a => (DType.Int32, a.Length),
            byte[] a => (DType.UInt8, a.Length),
            bool[] a => (DType.Bool, a.Length),
            null => throw new ArgumentNullException(nameof(data)),
            _ => throw new ArgumentException(
                $"a tensor cannot hold a {data.GetType().Name}; expected a one-dimensional array of float, double, long, int, byte or bool"),
        };
        var o = Allocate(dtype, bytes);
        var stream = Accelerator.DefaultStream;
        switch (data)
        {
            case float[] a: o.View<float>().CopyFromCPU(stream, a); break;
            case double[] a: o.View<double>().CopyFromCPU(stream, a); break;
            case long[] a: o.View<long>().CopyFromCPU(stream, a); break;
            case int[] a: o.View<int>().CopyFromCPU(stream, a); break;
            case byte[] a: o.View<byte>().CopyFromCPU(stream, a); break;
            case bool[] a: o.View<byte>().CopyFromCPU(stream, Array.ConvertAll(a, v => v ? (byte)1 : (byte)0)); break;
        }
        return o;
    }

    /// <inheritdoc />
    public Array ToArray(Strided x)
    {
        var whole = x.IsContiguous && x.Offset == 0 && x.Count == x.Storage.Length;
        var contiguous = whole ? (GpuStorage)x.Storage : (GpuStorage)Copy(x, x.DType);
        var stream = Accelerator.DefaultStream;
        Array result;
        switch (x.DType)
        {
            case DType.Float32: result = Read<float>(contiguous, stream); break;
            case DType.Float64: result = Read<double>(contiguous, stream); break;
            case DType.Int64: result = Read<long>(contiguous, stream); break;
            case DType.Int32: result = Read<int>(contiguous, stream); break;
            case DType.UInt8: result = Read<byte>(contiguous, stream); break;
            default: result = Array.ConvertAll(Read<byte>(contiguous, stream), v => v != 0); break;
        }
        if (whole) GC.KeepAlive(contiguous);
        else contiguous.Dispose();
        return result;
    }

    static T[] Read<T>(GpuStorage s, AcceleratorStream stream) where T : unmanaged
    {
        var values = new T[s.Length];
        if (values.Length > 0) s.View<T>().CopyToCPU(stream, values);
        stream.Synchronize();
        return values;
    }

    /// <inheritdoc />
    public Storage Arange(DType dtype, int length, double start, double step)
    {
        // Ranges are made once (positions, embeddings' indices), so the host computes them
        // exactly as the CPU backend does and one copy moves them here.
        var cpu = Cpu.CpuBackend.Instance;
        return FromArray(cpu.ToArray(Strided.Contiguous(cpu.Arange(dtype, length, start, step), [length])));
    }
}
