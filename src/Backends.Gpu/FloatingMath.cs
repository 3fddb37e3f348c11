namespace Hybrid.Gpu;

/// <summary>
/// The floating unary functions in double precision, as kernels evaluate them (float32 results
/// are rounded once; the CPU backend computes exp, log, tanh and a few others in float32, so the
/// backends agree to about an ulp of float32). The special functions are the CPU backend's own
/// (<c>Cpu.SpecialFunctions</c>: plain arithmetic and loops, which ILGPU compiles).
/// </summary>
internal static class FloatingMath
{
    public static double Apply(UnaryOp op, double x, double alpha, double beta) => op switch
    {
        UnaryOp.Neg => -x,
        UnaryOp.Abs => Math.Abs(x),
        UnaryOp.Sign => x > 0 ? 1 : x < 0 ? -1 : 0, // (0 < x) − (x < 0), as PyTorch: NaN gives 0
        UnaryOp.Exp => Math.Exp(x),
        UnaryOp.Log => Math.Log(x),
        UnaryOp.Log1p => Cpu.SpecialFunctions.Log1p(x),
        UnaryOp.Sqrt => Math.Sqrt(x),
        UnaryOp.Rsqrt => 1 / Math.Sqrt(x),
        UnaryOp.Sin => Math.Sin(x),
        UnaryOp.Cos => Math.Cos(x),
        UnaryOp.Tanh => Math.Tanh(x),
        UnaryOp.Sigmoid => Sigmoid(x),
        UnaryOp.LeakyRelu => x > 0 ? x : alpha * x,
        UnaryOp.Elu => Cpu.SpecialFunctions.Elu(x, alpha),
        UnaryOp.Gelu => Cpu.SpecialFunctions.Gelu(x),
        UnaryOp.Silu => x * Sigmoid(x),
        UnaryOp.Softplus => Cpu.SpecialFunctions.Softplus(x, alpha, beta),
        UnaryOp.Floor => Math.Floor(x),
        UnaryOp.Ceil => Math.Ceiling(x),
        UnaryOp.Round => RoundHalfToEven(x),
        UnaryOp.Trunc => x < 0 ? Math.Ceiling(x) : Math.Floor(x),
        _ => Cpu.SpecialFunctions.Erf(x),
    };

    /// <summary>The nearest integer, halves to the even one, from floor alone (NaN and ±∞ pass through).</summary>
    static double RoundHalfToEven(double x)
    {
        var down = Math.Floor(x);
        var fraction = x - down;
        if (fraction > 0.5) return down + 1;
        if (fraction < 0.5) return down;
        return down - 2 * Math.Floor(down / 2) == 0 ? down : down + 1;
    }

    /// <summary>1/(1 + e^(−x)), taking only e^(−|x|) ≤ 1 so nothing overflows.</summary>
    static double Sigmoid(double x)
    {
        if (x >= 0) return 1 / (1 + Math.Exp(-x));
        var e = Math.Exp(x);
        return e / (1 + e);
    }
}
