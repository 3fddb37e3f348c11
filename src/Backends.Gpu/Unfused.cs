using ILGPU.Runtime.Cuda;

namespace Hybrid.Gpu;

/// <summary>
/// Products rounded on their own, for kernels that must give the CPU backend's bits. ILGPU
/// emits PTX <c>mul.f32</c>/<c>add.f32</c> without a rounding modifier, which the CUDA JIT may
/// contract into one fused multiply-add (rounded once instead of twice), so <c>a + b·c</c>
/// could differ from .NET in the last bit. An explicit <c>mul.rn</c> is never contracted
/// (PTX ISA, "add"/"mul": only instructions without a rounding modifier are). Elsewhere
/// (ILGPU's CPU accelerator runs kernels as .NET code, which never contracts) the plain
/// product is the same operation.
/// </summary>
internal static class Unfused
{
    public static float Mul(float a, float b)
    {
        if (CudaAsm.IsSupported)
        {
            CudaAsm.Emit("mul.rn.f32 %0, %1, %2;", out float product, a, b);
            return product;
        }
        return a * b;
    }

    public static double Mul(double a, double b)
    {
        if (CudaAsm.IsSupported)
        {
            CudaAsm.Emit("mul.rn.f64 %0, %1, %2;", out double product, a, b);
            return product;
        }
        return a * b;
    }
}
