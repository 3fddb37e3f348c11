using System.Reflection;
using Hybrid.Gpu;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>
/// The PTX of kernels (<see cref="PtxCheck"/>, which needs no GPU), for tests that inspect the
/// instructions a kernel becomes.
/// </summary>
internal static class GpuPtx
{
    /// <summary>The PTX of a one-dimensional (auto-grouped) kernel; throws if ILGPU cannot compile it for CUDA.</summary>
    public static string Compile(MethodInfo kernel) => PtxCheck.Compile(kernel, explicitlyGrouped: false);

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
