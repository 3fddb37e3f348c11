using System.Numerics;
using System.Numerics.Tensors;

namespace Hybrid.Cpu;

/// <summary>
/// Elementwise functions of one operand. Floating dtypes compute in their own precision, except
/// the functions without an accurate .NET counterpart (erf, GELU, ELU, softplus, log1p), which
/// compute in double and round once.
/// </summary>
internal static class UnaryKernels
{
    /// <summary>o = op(x) for Float32 (T = float) or Float64 (T = double).</summary>
    public static void Floating<T>(UnaryOp op, ReadOnlySpan<T> x, Strided xv, Span<T> o, double alpha, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (op)
        {
            case UnaryOp.Neg: Map.Unary(x, xv, o, new Neg<T>()); break;
            case UnaryOp.Abs: Map.Unary(x, xv, o, new Abs<T>()); break;
            case UnaryOp.Sign: Map.Unary(x, xv, o, new Sign<T>()); break;
            case UnaryOp.Exp: Map.Unary(x, xv, o, new Exp<T>()); break;
            case UnaryOp.Log: Map.Unary(x, xv, o, new Log<T>()); break;
            case UnaryOp.Log1p: Map.Unary(x, xv, o, new InDouble<T, Log1pF>(default)); break;
            case UnaryOp.Sqrt: Map.Unary(x, xv, o, new Sqrt<T>()); break;
            case UnaryOp.Rsqrt: Map.Unary(x, xv, o, new Rsqrt<T>()); break;
            case UnaryOp.Sin: Map.Unary(x, xv, o, new Sin<T>()); break;
            case UnaryOp.Cos: Map.Unary(x, xv, o, new Cos<T>()); break;
            case UnaryOp.Tanh: Map.Unary(x, xv, o, new Tanh<T>()); break;
            case UnaryOp.Sigmoid: Map.Unary(x, xv, o, new Sigmoid<T>()); break;
            case UnaryOp.Relu: Map.Unary(x, xv, o, new Clamp<T>(T.Zero, T.PositiveInfinity)); break;
            case UnaryOp.LeakyRelu: Map.Unary(x, xv, o, new LeakyRelu<T>(T.CreateTruncating(alpha))); break;
            case UnaryOp.Elu: Map.Unary(x, xv, o, new InDouble<T, EluF>(new EluF(alpha))); break;
            case UnaryOp.Gelu: Map.Unary(x, xv, o, new InDouble<T, GeluF>(default)); break;
            case UnaryOp.Silu: Map.Unary(x, xv, o, new Silu<T>()); break;
            case UnaryOp.Softplus: Map.Unary(x, xv, o, new InDouble<T, SoftplusF>(new SoftplusF(alpha, beta))); break;
            case UnaryOp.Clamp: Map.Unary(x, xv, o, new Clamp<T>(T.CreateTruncating(alpha), T.CreateTruncating(beta))); break;
            case UnaryOp.Erf: Map.Unary(x, xv, o, new InDouble<T, ErfF>(default)); break;
            case UnaryOp.Floor: Map.Unary(x, xv, o, new Floor<T>()); break;
            case UnaryOp.Ceil: Map.Unary(x, xv, o, new Ceil<T>()); break;
            case UnaryOp.Round: Map.Unary(x, xv, o, new Round<T>()); break;
            case UnaryOp.Trunc: Map.Unary(x, xv, o, new Trunc<T>()); break;
            default: throw Storages.Unsupported(Name(op), xv.Storage.DType);
        }
    }

    /// <summary>o = op(x) for the integer dtypes: only neg, abs, sign, relu and clamp make sense there.</summary>
    public static void Integer<T>(UnaryOp op, ReadOnlySpan<T> x, Strided xv, Span<T> o, double alpha, double beta)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        switch (op)
        {
            case UnaryOp.Neg: Map.Unary(x, xv, o, new IntNeg<T>()); break;
            case UnaryOp.Abs: Map.Unary(x, xv, o, new IntAbs<T>()); break;
            case UnaryOp.Sign: Map.Unary(x, xv, o, new IntSign<T>()); break;
            case UnaryOp.Relu: Map.Unary(x, xv, o, new Clamp<T>(T.Zero, T.MaxValue)); break;
            case UnaryOp.Clamp:
                // x ≥ 2.5 ⇔ x ≥ 3 for integers, so bounds round inward; ±∞ saturate to the type's range.
                Map.Unary(x, xv, o, new Clamp<T>(T.CreateSaturating(Math.Ceiling(alpha)), T.CreateSaturating(Math.Floor(beta))));
                break;
            default: throw Storages.Unsupported(Name(op), xv.Storage.DType);
        }
    }

    /// <summary>PyTorch's name of an op, for error messages.</summary>
    public static string Name(UnaryOp op) => op switch
    {
        UnaryOp.LeakyRelu => "leaky_relu",
        _ => op.ToString().ToLowerInvariant(),
    };

    readonly struct Neg<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => -x;
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Negate(x, o); return true; }
    }

    readonly struct Abs<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Abs(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Abs(x, o); return true; }
    }

    /// <summary>−1, 0 or 1; NaN gives 0, as PyTorch's (0 &lt; x) − (x &lt; 0).</summary>
    readonly struct Sign<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => x > T.Zero ? T.One : x < T.Zero ? T.NegativeOne : T.Zero;
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) => false;
    }

    readonly struct Floor<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Floor(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Floor(x, o); return true; }
    }

    readonly struct Ceil<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Ceiling(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Ceiling(x, o); return true; }
    }

    /// <summary>Halves go to the even neighbour (.NET's default, and PyTorch's).</summary>
    readonly struct Round<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Round(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Round(x, o); return true; }
    }

    readonly struct Trunc<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Truncate(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Truncate(x, o); return true; }
    }

    readonly struct Exp<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Exp(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Exp(x, o); return true; }
    }

    readonly struct Log<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Log(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Log(x, o); return true; }
    }

    readonly struct Sqrt<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Sqrt(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Sqrt(x, o); return true; }
    }

    readonly struct Rsqrt<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.One / T.Sqrt(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.ReciprocalSqrt(x, o); return true; }
    }

    readonly struct Sin<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Sin(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Sin(x, o); return true; }
    }

    readonly struct Cos<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Cos(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Cos(x, o); return true; }
    }

    readonly struct Tanh<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => T.Tanh(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) { TensorPrimitives.Tanh(x, o); return true; }
    }

    // Not TensorPrimitives.Sigmoid: its 1/(1 + e^(−x)) overflows e^(−x) for very negative x.
    readonly struct Sigmoid<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => SpecialFunctions.Sigmoid(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) => false;
    }

    readonly struct Silu<T> : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => x * SpecialFunctions.Sigmoid(x);
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) => false;
    }

    readonly struct LeakyRelu<T>(T alpha) : IUnaryFunc<T, T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Apply(T x) => x > T.Zero ? x : alpha * x;
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) => false;
    }

    /// <summary>min(max(x, lo), hi); NaN passes through (IEEE maximum/minimum propagate it). Also relu.</summary>
    readonly struct Clamp<T>(T lo, T hi) : IUnaryFunc<T, T> where T : unmanaged, INumber<T>
    {
        public T Apply(T x) => T.Min(T.Max(x, lo), hi);

        public bool TryRow(ReadOnlySpan<T> x, Span<T> o)
        {
            TensorPrimitives.Max(x, lo, o);
            TensorPrimitives.Min(o, hi, o);
            return true;
        }
    }

    readonly struct IntNeg<T> : IUnaryFunc<T, T> where T : unmanaged, IBinaryInteger<T>
    {
        public T Apply(T x) => T.Zero - x; // wraps (uint8: 256 − x), as PyTorch
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) => false;
    }

    readonly struct IntAbs<T> : IUnaryFunc<T, T> where T : unmanaged, IBinaryInteger<T>
    {
        // Not T.Abs, which throws on MinValue; PyTorch wraps (abs(INT_MIN) == INT_MIN).
        public T Apply(T x) => x < T.Zero ? T.Zero - x : x;
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) => false;
    }

    readonly struct IntSign<T> : IUnaryFunc<T, T> where T : unmanaged, IBinaryInteger<T>
    {
        public T Apply(T x) => x > T.Zero ? T.One : x < T.Zero ? T.Zero - T.One : T.Zero;
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) => false;
    }

    /// <summary>A function evaluated in double precision.</summary>
    internal interface IDoubleFunc
    {
        double Apply(double x);
    }

    /// <summary>Lifts a double-precision function to T: widen, apply, round once.</summary>
    readonly struct InDouble<T, TF>(TF f) : IUnaryFunc<T, T>
        where T : unmanaged, IFloatingPointIeee754<T>
        where TF : struct, IDoubleFunc
    {
        public T Apply(T x) => T.CreateTruncating(f.Apply(double.CreateTruncating(x)));
        public bool TryRow(ReadOnlySpan<T> x, Span<T> o) => false;
    }

    readonly struct Log1pF : IDoubleFunc
    {
        public double Apply(double x) => SpecialFunctions.Log1p(x);
    }

    readonly struct ErfF : IDoubleFunc
    {
        public double Apply(double x) => SpecialFunctions.Erf(x);
    }

    readonly struct GeluF : IDoubleFunc
    {
        public double Apply(double x) => SpecialFunctions.Gelu(x);
    }

    readonly struct EluF(double alpha) : IDoubleFunc
    {
        public double Apply(double x) => SpecialFunctions.Elu(x, alpha);
    }

    readonly struct SoftplusF(double beta, double threshold) : IDoubleFunc
    {
        public double Apply(double x) => SpecialFunctions.Softplus(x, beta, threshold);
    }
}
