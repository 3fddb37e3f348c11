using System.Numerics;

namespace Hybrid.Cpu;

/// <summary>
/// Scalar functions that .NET lacks or computes inaccurately, in double precision. Float32
/// kernels call these on the widened value and round once, which keeps them within an ulp.
/// </summary>
internal static class SpecialFunctions
{
    const double TwoOverSqrtPi = 1.1283791670955126; // 2/√π
    const double SqrtPi = 1.7724538509055159; // √π

    /// <summary>
    /// The error function, accurate to about 4e-16 absolute (checked against 40-digit values).
    /// For |x| &lt; 2 it sums the series erf(x) = (2/√π)·e^(−x²)·Σₙ 2ⁿx^(2n+1)/(1·3·5···(2n+1)),
    /// whose terms all have the sign of x (no cancellation), with compensated summation. For
    /// 2 ≤ |x| &lt; 6 it takes 1 − erfc(|x|) from erfc's continued fraction, which converges in
    /// under 60 steps there; the series alone reaches errors of 1.4e-15 near |x| = 6, because its
    /// ~150 terms each carry a recurrence rounding error. Beyond 6, erf(x) is ±1 to double
    /// precision (1 − erf(6) ≈ 2e-17).
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x) || x == 0) return x;
        var a = Math.Abs(x);
        var y = a >= 6 ? 1 : a >= 2 ? 1 - ErfcContinuedFraction(a) : ErfSeries(a);
        return x < 0 ? -y : y;
    }

    /// <summary>erf(x) for 0 &lt; x &lt; 2 by the everywhere-positive series.</summary>
    static double ErfSeries(double x)
    {
        var x2 = x * x;
        double term = x, sum = x, carry = 0;
        // term(n) = term(n−1)·2x²/(2n+1): the terms grow while 2x² > 2n+1, then shrink fast.
        for (var n = 1; n < 200; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            // Kahan summation: carry holds the low-order bits lost by the last addition.
            var y = term - carry;
            var t = sum + y;
            carry = t - sum - y;
            sum = t;
            if (term < 1e-17 * sum) break;
        }
        // The rounded x2 is used both here and in the series: with x2 = x'² the result is
        // (x/x')·erf(x'), off by a relative ~1e-16, whereas correcting only one of the two
        // factors for the rounding of x·x would cost several ulp.
        return TwoOverSqrtPi * Math.Exp(-x2) * sum;
    }

    /// <summary>
    /// erfc(x) for x ≥ 2: e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated
    /// by the modified Lentz method. erfc(x) ≤ 5e-3 here, so its relative error (a few ulp,
    /// mostly from e^(−x²)) is far below 1e-16 once subtracted from 1.
    /// </summary>
    static double ErfcContinuedFraction(double x)
    {
        double f = x, c = x, d = 0;
        for (var n = 1; n < 200; n++)
        {
            var an = 0.5 * n;
            d = 1 / (x + an * d);
            c = x + an / c;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / (SqrtPi * f);
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
