using System.Reflection;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Hybrid.Gpu;

/// <summary>
/// Compiles kernels to PTX (CUDA's assembly) without a GPU. The simulated device runs kernels
/// as .NET code, which accepts constructs a GPU cannot run; so on that device every kernel is
/// also compiled for CUDA the first time it is used, and one that does not compile fails
/// there and then. Every kernel that the CPU-accelerator tests run is thus known to compile for
/// a real GPU. HYBRID_PTX_CHECK=0 turns the check off.
/// </summary>
internal static class PtxCheck
{
    static readonly Lazy<PTXBackend> Backend = new(() =>
        new PTXBackend(GpuDevices.Context, new CudaCapabilityContext(CudaArchitecture.SM_80),
            CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, nvvmAPI: null));

    static readonly object Gate = new();

    public static bool Enabled => Environment.GetEnvironmentVariable("HYBRID_PTX_CHECK") != "0";

    /// <summary>The PTX of <paramref name="kernel"/> for sm_80; throws naming the kernel if it cannot be compiled.</summary>
    public static string Compile(MethodInfo kernel, bool explicitlyGrouped)
    {
        var entry = explicitlyGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
        try
        {
            lock (Gate) return ((PTXCompiledKernel)Backend.Value.Compile(entry, new KernelSpecialization())).PTXAssembly;
        }
        catch (Exception e)
        {
            throw new NotSupportedException(
                $"the GPU kernel {kernel.DeclaringType?.Name}.{kernel.Name}<{string.Join(", ", kernel.GetGenericArguments().Select(t => t.Name))}> runs on the CPU accelerator but does not compile for CUDA: {e.Message}", e);
        }
    }
}
