using Hybrid.Gpu;

namespace Hybrid;

public static partial class Torch
{
    /// <summary>
    /// torch.cuda: whether a GPU is there, and the caching allocator of each GPU device. The same
    /// calls accept the simulated device "ilgpu:0" (ILGPU's CPU accelerator running the GPU kernels).
    /// </summary>
    public static class Cuda
    {
        /// <summary>True when the NVIDIA driver reports at least one GPU.</summary>
        public static bool IsAvailable() => GpuDevices.CudaDeviceCount > 0;

        /// <summary>How many CUDA GPUs there are.</summary>
        public static int DeviceCount() => GpuDevices.CudaDeviceCount;

        /// <summary>Bytes held by live tensors on the device (PyTorch's memory_allocated).</summary>
        public static long MemoryAllocated(Device? device = null) => BackendOf(device).MemoryStatistics.AllocatedBytes;

        /// <summary>Bytes the caching allocator holds on the device, live or cached (memory_reserved).</summary>
        public static long MemoryReserved(Device? device = null) => BackendOf(device).MemoryStatistics.ReservedBytes;

        /// <summary>The allocator's counters, including how often it had to ask the device for memory.</summary>
        public static MemoryStatistics MemoryStats(Device? device = null) => BackendOf(device).MemoryStatistics;

        /// <summary>Frees the cached blocks that no tensor uses (empty_cache).</summary>
        public static void EmptyCache(Device? device = null) => BackendOf(device).EmptyCache();

        /// <summary>Waits for every kernel queued on the device.</summary>
        public static void Synchronize(Device? device = null) => BackendOf(device).Synchronize();

        static GpuBackend BackendOf(Device? device) =>
            global::Hybrid.Backends.For(device ?? Device.Cuda) as GpuBackend
            ?? throw new ArgumentException($"{device} is not a GPU device; expected \"cuda:N\" or \"{GpuDevices.Simulator}:0\"");
    }
}
