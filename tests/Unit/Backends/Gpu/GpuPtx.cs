using System.Reflection;
using Hybrid.Gpu;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>
/// Compiles kernels to PTX without a GPU (ILGPU's PTX backend needs no driver), so tests can
/// check that a kernel is legal device code for CUDA, which ILGPU's CPU accelerator never
/// checks, and inspect the instructions it becomes.
/// </summary>
internal static class GpuPtx
{
    static readonly object Gate = new();

    static readonly Lazy<PTXBackend> Backend = new(() =>
    {
        // The context's settings as GpuDevices makes them; it lives as long as the test process.
        var context = Context.Create(b => b.Cuda().EnableAlgorithms().Math(MathMode.Default));
        return new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null);
    });

    /// <summary>The PTX of a one-dimensional (auto-grouped) kernel; throws if ILGPU cannot compile it for CUDA.</summary>
    public static string Compile(MethodInfo kernel)
    {
        lock (Gate)
            return ((PTXCompiledKernel)Backend.Value.Compile(EntryPointDescription.FromImplicitlyGroupedKernel(kernel), new KernelSpecialization())).PTXAssembly;
    }

    /// <summary>A kernel method of <paramref name="type"/>, instantiated with <paramref name="typeArguments"/> when generic.</summary>
    public static MethodInfo Kernel(Type type, string name, params Type[] typeArguments)
    {
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Static) ?? throw new MissingMethodException(type.Name, name);
        return typeArguments.Length == 0 ? method : method.MakeGenericMethod(typeArguments);
    }

    /// <summary>Each dtype's element type and arithmetic, as DTypeDispatch pairs them.</summary>
    public static readonly (Type Element, Type Numeric)[] Numerics =
    [
        (typeof(float), typeof(F32)), (typeof(double), typeof(F64)), (typeof(long), typeof(I64)),
        (typeof(int), typeof(I32)), (typeof(byte), typeof(U8)), (typeof(byte), typeof(B8)),
    ];
}
