using System.Numerics;

namespace Hybrid.Cpu;

/// <summary>
/// Scalar functions that .NET lacks or computes inaccurately, in double precision. Float32
/// kernels call these on the widened value and round once, which keeps them within an ulp.
/// </summary>
internal static class SpecialFunctions
{
    const double TwoOverSqrtPi = 1.1283791670955126; // 2/√π

    /// <summary>
    /// The error function, accurate to about 1e-15 absolute. For |x| &lt; 6 it sums the series
    /// erf(x) = (2/√π)·e^(−x²)·Σₙ 2ⁿx^(2n+1)/(1·3·5···(2n+1)), whose terms all have the sign of
    /// x, so there is no cancellation; beyond that erf(x) equals ±1 to double precision
    /// (1 − erf(6) ≈ 2e-17).
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x) || x == 0) return x;
        if (x >= 6) return 1;
        if (x <= -6) return -1;
        var x2 = x * x;
        double term = x, sum = x;
        // term(n) = term(n−1)·2x²/(2n+1); the terms grow while 2x² > 2n+1, then shrink fast.
        // At |x| < 6 fewer than 200 terms are needed; the bound only guards the loop.
        for (var n = 1; n < 500; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (Math.Abs(term) < 1e-17 * Math.Abs(sum)) break;
        }
        // The rounded x2 is used both here and in the series: with x2 = x'² the result is
        // (x/x')·erf(x'), off by a relative ~1e-16, whereas correcting only one of the two
        // factors for the rounding of x·x would cost up to 36 ulp near |x| = 6.
        return TwoOverSqrtPi * Math.Exp(-x2) * sum;
    }

    /// <summary>log(1 + x), accurate for small |x| (.NET's LogP1 is Log(1 + x), which is not).</summary>
    public static double Log1p(double x)
    {
        // Kahan's trick: u = 1 + x is rounded, but log(u)·x/(u − 1) cancels that rounding.
        var u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsPositiveInfinity(u)) return u;
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>eˣ − 1, accurate for small |x|.</summary>
    public static double Expm1(double x)
    {
        // Kahan's trick, the counterpart of Log1p: (u − 1)·x/log(u) with u = eˣ rounded.
        var u = Math.Exp(x);
        if (u == 1.0) return x;
        var um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        if (double.IsPositiveInfinity(u)) return u;
        return um1 * x / Math.Log(u);
    }

    /// <summary>1/(1 + e^(−x)) without overflow: e^(−|x|) ≤ 1 is the only exponential taken.</summary>
    public static T Sigmoid<T>(T x) where T : IFloatingPointIeee754<T>
    {
        if (x >= T.Zero) return T.One / (T.One + T.Exp(-x));
        var e = T.Exp(x);
        return e / (T.One + e);
    }

    /// <summary>log(1 + e^(βx))/β, or x where βx exceeds <paramref name="threshold"/> (PyTorch's softplus).</summary>
    public static double Softplus(double x, double beta, double threshold)
    {
        var bx = beta * x;
        if (bx > threshold) return x;
        // log(1 + e^t) = max(t, 0) + log1p(e^(−|t|)): the exponential never overflows.
        return (Math.Max(bx, 0) + Log1p(Math.Exp(-Math.Abs(bx)))) / beta;
    }

    /// <summary>The exact GELU, x·Φ(x) = x·(1 + erf(x/√2))/2.</summary>
    public static double Gelu(double x) => x * 0.5 * (1 + Erf(x * 0.7071067811865476));

    /// <summary>ELU: x for x &gt; 0, else α·(eˣ − 1) (NaN passes through).</summary>
    public static double Elu(double x, double alpha) => x > 0 ? x : double.IsNaN(x) ? x : alpha * Expm1(x);
}
