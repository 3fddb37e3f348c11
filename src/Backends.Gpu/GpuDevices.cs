using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Hybrid.Gpu;

/// <summary>
/// The ILGPU context of the process and its accelerators. Device type "cuda" is an NVIDIA GPU
/// (found through the driver; no CUDA toolkit is needed), and "ilgpu" is ILGPU's CPU
/// accelerator, which runs the very same kernels on simulated warps so that the GPU backend
/// is tested on machines without a GPU.
/// </summary>
public static class GpuDevices
{
    /// <summary>The device type of ILGPU's CPU accelerator.</summary>
    public const string Simulator = "ilgpu";

    internal static Context Context => SharedContext.Value;

    static readonly Lazy<Context> SharedContext = new(CreateContext);

    /// <summary>
    /// The context, with NVIDIA's libdevice math library where a CUDA toolkit is installed
    /// (CUDA_HOME): without it ILGPU computes double-precision functions such as log in software,
    /// good to about 1e-11 relative instead of libdevice's ulp or two.
    /// </summary>
    static Context CreateContext()
    {
        try
        {
            return Context.Create(b => b.Cuda().CPU(SimulatedDevice).EnableAlgorithms().Math(MathMode.Default).LibDevice());
        }
        catch (NotSupportedException)
        {
            return Context.Create(b => b.Cuda().CPU(SimulatedDevice).EnableAlgorithms().Math(MathMode.Default));
        }
    }

    /// <summary>
    /// The simulated device: groups of 16 threads (4 warps of 4), one multiprocessor per core.
    /// Small groups keep simulation fast; kernels read their tile sizes from the accelerator.
    /// </summary>
    static CPUDevice SimulatedDevice => new(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 4, numMultiprocessors: Math.Max(1, Environment.ProcessorCount));

    /// <summary>How many CUDA GPUs the driver reports (0 without a driver).</summary>
    public static int CudaDeviceCount
    {
        get
        {
            try { return SharedContext.Value.GetCudaDevices().Count; }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CudaException) { return 0; }
        }
    }

    /// <summary>A new accelerator for <paramref name="device"/> ("cuda:N" or "ilgpu:0").</summary>
    internal static Accelerator CreateAccelerator(Device device)
    {
        var context = SharedContext.Value;
        if (device.Type == Simulator)
        {
            if (device.Index > 0) throw new ArgumentException($"There is one ILGPU CPU accelerator, {Simulator}:0; got {device}");
            return context.CreateCPUAccelerator(0);
        }
        var count = CudaDeviceCount;
        var index = Math.Max(device.Index, 0);
        if (index >= count)
            throw new InvalidOperationException(count == 0
                ? $"{device}: no CUDA GPU was found (Torch.Cuda.IsAvailable() is false). Use \"{Simulator}\" to run the GPU kernels on ILGPU's CPU accelerator."
                : $"{device}: invalid device ordinal; {count} CUDA device(s) are available");
        return context.GetCudaDevice(index).CreateCudaAccelerator(context);
    }
}
