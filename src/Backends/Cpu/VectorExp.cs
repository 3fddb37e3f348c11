using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hybrid.Cpu;

/// <summary>
/// eˣ of 16 floats in a dozen vector instructions, for softmax: x = n·ln 2 + r with |r| ≤ ln 2 / 2
/// (ln 2 split in two parts, Cody–Waite), e^r by Cephes expf's minimax polynomial, then scaled
/// by 2ⁿ with vscalefps, which also underflows gracefully to subnormals and 0. Within 1 ulp of
/// the exact value over [−87, 3] (CpuVectorExpTests). Inputs below −104 give 0 (as does −∞);
/// NaN stays NaN; inputs are expected ≤ 88 (softmax's x − max ≤ 0).
/// </summary>
internal static class VectorExp
{
    public static bool IsSupported => Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        var clamped = Vector512.Max(x, Vector512.Create(-104f));
        var n = Avx512F.RoundScale(clamped * Vector512.Create(1.44269504f), 0); // round to nearest
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693145752f), clamped);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-1.42860677e-06f), r);
        // Cephes expf's minimax polynomial: e^r ≈ 1 + r + r²·P(r).
        var p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        var e = Avx512F.Scale(p, n);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), e, x);
    }
}
