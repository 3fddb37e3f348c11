using ILGPU.Algorithms;

namespace Hybrid.Gpu;

/// <summary>
/// The arithmetic of one element type, as a struct that kernels take as a type parameter:
/// ILGPU specializes each kernel per struct, so <c>default(N).Add(a, b)</c> compiles to the
/// machine instruction. Integer types implement the floating functions through double; the
/// core only calls them on floating dtypes.
/// </summary>
public interface INumeric<T> where T : unmanaged
{
    /// <summary>True for float32 and float64: conversions from it go through double, else through long.</summary>
    bool IsFloating { get; }
    T FromDouble(double v);
    double ToDouble(T v);
    T FromLong(long v);
    long ToLong(T v);
    T Add(T a, T b);
    T Sub(T a, T b);
    T Mul(T a, T b);
    /// <summary>
    /// True division for floats; truncating division for integers. An integer x / 0 gives 0 here,
    /// where the CPU backend throws: a kernel cannot throw (PyTorch's CUDA kernels give garbage).
    /// </summary>
    T Div(T a, T b);
    T Pow(T a, T b);
    /// <summary>The larger of a and b; NaN propagates.</summary>
    T Max(T a, T b);
    /// <summary>The smaller of a and b; NaN propagates.</summary>
    T Min(T a, T b);
    bool Lt(T a, T b);
    bool Eq(T a, T b);
    bool IsNaN(T a);
    /// <summary>The smallest value (−∞ for floats), the identity of max.</summary>
    T Lowest { get; }
    /// <summary>The largest value (+∞ for floats), the identity of min.</summary>
    T Highest { get; }
}

/// <summary>float32 arithmetic.</summary>
public readonly struct F32 : INumeric<float>
{
    public bool IsFloating => true;
    public float FromDouble(double v) => (float)v;
    public double ToDouble(float v) => v;
    public float FromLong(long v) => v;
    public long ToLong(float v) => (long)v;
    public float Add(float a, float b) => a + b;
    public float Sub(float a, float b) => a - b;
    public float Mul(float a, float b) => a * b;
    public float Div(float a, float b) => a / b;
    public float Pow(float a, float b) => XMath.Pow(a, b);
    public float Max(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : a > b ? a : b;
    public float Min(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : a < b ? a : b;
    public bool Lt(float a, float b) => a < b;
    public bool Eq(float a, float b) => a == b;
    public bool IsNaN(float a) => float.IsNaN(a);
    public float Lowest => float.NegativeInfinity;
    public float Highest => float.PositiveInfinity;
}

/// <summary>float64 arithmetic.</summary>
public readonly struct F64 : INumeric<double>
{
    public bool IsFloating => true;
    public double FromDouble(double v) => v;
    public double ToDouble(double v) => v;
    public double FromLong(long v) => v;
    public long ToLong(double v) => (long)v;
    public double Add(double a, double b) => a + b;
    public double Sub(double a, double b) => a - b;
    public double Mul(double a, double b) => a * b;
    public double Div(double a, double b) => a / b;
    public double Pow(double a, double b) => XMath.Pow(a, b);
    public double Max(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a > b ? a : b;
    public double Min(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : a < b ? a : b;
    public bool Lt(double a, double b) => a < b;
    public bool Eq(double a, double b) => a == b;
    public bool IsNaN(double a) => double.IsNaN(a);
    public double Lowest => double.NegativeInfinity;
    public double Highest => double.PositiveInfinity;
}

/// <summary>int64 arithmetic, wrapping on overflow.</summary>
public readonly struct I64 : INumeric<long>
{
    public bool IsFloating => false;
    public long FromDouble(double v) => (long)v;
    public double ToDouble(long v) => v;
    public long FromLong(long v) => v;
    public long ToLong(long v) => v;
    public long Add(long a, long b) => unchecked(a + b);
    public long Sub(long a, long b) => unchecked(a - b);
    public long Mul(long a, long b) => unchecked(a * b);
    public long Div(long a, long b) => b == 0 ? 0 : b == -1 ? unchecked(-a) : a / b;
    public long Pow(long a, long b) => IntegerPower.Of(a, b);
    public long Max(long a, long b) => a > b ? a : b;
    public long Min(long a, long b) => a < b ? a : b;
    public bool Lt(long a, long b) => a < b;
    public bool Eq(long a, long b) => a == b;
    public bool IsNaN(long a) => false;
    public long Lowest => long.MinValue;
    public long Highest => long.MaxValue;
}

/// <summary>int32 arithmetic, wrapping on overflow.</summary>
public readonly struct I32 : INumeric<int>
{
    public bool IsFloating => false;
    public int FromDouble(double v) => unchecked((int)(long)v);
    public double ToDouble(int v) => v;
    public int FromLong(long v) => unchecked((int)v);
    public long ToLong(int v) => v;
    public int Add(int a, int b) => unchecked(a + b);
    public int Sub(int a, int b) => unchecked(a - b);
    public int Mul(int a, int b) => unchecked(a * b);
    public int Div(int a, int b) => b == 0 ? 0 : b == -1 ? unchecked(-a) : a / b;
    public int Pow(int a, int b) => unchecked((int)IntegerPower.Of(a, b));
    public int Max(int a, int b) => a > b ? a : b;
    public int Min(int a, int b) => a < b ? a : b;
    public bool Lt(int a, int b) => a < b;
    public bool Eq(int a, int b) => a == b;
    public bool IsNaN(int a) => false;
    public int Lowest => int.MinValue;
    public int Highest => int.MaxValue;
}

/// <summary>uint8 arithmetic, wrapping on overflow.</summary>
public readonly struct U8 : INumeric<byte>
{
    public bool IsFloating => false;
    public byte FromDouble(double v) => unchecked((byte)(long)v);
    public double ToDouble(byte v) => v;
    public byte FromLong(long v) => unchecked((byte)v);
    public long ToLong(byte v) => v;
    public byte Add(byte a, byte b) => unchecked((byte)(a + b));
    public byte Sub(byte a, byte b) => unchecked((byte)(a - b));
    public byte Mul(byte a, byte b) => unchecked((byte)(a * b));
    public byte Div(byte a, byte b) => b == 0 ? (byte)0 : (byte)(a / b);
    public byte Pow(byte a, byte b) => unchecked((byte)IntegerPower.Of(a, b));
    public byte Max(byte a, byte b) => a > b ? a : b;
    public byte Min(byte a, byte b) => a < b ? a : b;
    public bool Lt(byte a, byte b) => a < b;
    public bool Eq(byte a, byte b) => a == b;
    public bool IsNaN(byte a) => false;
    public byte Lowest => 0;
    public byte Highest => 255;
}

/// <summary>
/// Bool, stored as one byte 0 or 1 (GPU memory holds no .NET bool). Arithmetic is logical as
/// in PyTorch: add = or = maximum, mul = and = minimum.
/// </summary>
public readonly struct B8 : INumeric<byte>
{
    public bool IsFloating => false;
    public byte FromDouble(double v) => v != 0 ? (byte)1 : (byte)0;
    public double ToDouble(byte v) => v;
    public byte FromLong(long v) => v != 0 ? (byte)1 : (byte)0;
    public long ToLong(byte v) => v;
    public byte Add(byte a, byte b) => (byte)(a | b);
    public byte Sub(byte a, byte b) => (byte)(a ^ b);
    public byte Mul(byte a, byte b) => (byte)(a & b);
    public byte Div(byte a, byte b) => (byte)(a & b);
    public byte Pow(byte a, byte b) => b == 0 ? (byte)1 : a;
    public byte Max(byte a, byte b) => (byte)(a | b);
    public byte Min(byte a, byte b) => (byte)(a & b);
    public bool Lt(byte a, byte b) => a < b;
    public bool Eq(byte a, byte b) => a == b;
    public bool IsNaN(byte a) => false;
    public byte Lowest => 0;
    public byte Highest => 1;
}

/// <summary>Conversions between element types, as kernels make them.</summary>
internal static class Numbers
{
    /// <summary>v in another element type: floats convert through double, integers through long (as PyTorch's to(dtype)).</summary>
    public static TOut Convert<TIn, NIn, TOut, NOut>(TIn v)
        where TIn : unmanaged where NIn : struct, INumeric<TIn>
        where TOut : unmanaged where NOut : struct, INumeric<TOut> =>
        default(NIn).IsFloating ? default(NOut).FromDouble(default(NIn).ToDouble(v)) : default(NOut).FromLong(default(NIn).ToLong(v));
}

/// <summary>Integer powers by repeated squaring, wrapping on overflow (negative exponents give 0, where the CPU backend throws).</summary>
internal static class IntegerPower
{
    public static long Of(long a, long b)
    {
        if (b < 0) return 0;
        long result = 1, power = a;
        for (var e = b; e != 0; e >>= 1)
        {
            if ((e & 1) != 0) result = unchecked(result * power);
            power = unchecked(power * power);
        }
        return result;
    }
}
