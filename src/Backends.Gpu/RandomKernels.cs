using Hybrid.Cpu;
using ILGPU;

namespace Hybrid.Gpu;

/// <summary>
/// Counter-based random numbers, one thread per element: element i is the CPU backend's
/// function of (seed, offset + i) (<see cref="CounterRandom"/>'s SplitMix64, called as is), so
/// both devices draw the same values. Uniform and randint repeat the CPU's arithmetic exactly
/// (bit-identical); normal's logarithm and cosine come from the device's math library and may
/// differ from .NET's in the last bit.
/// </summary>
internal static class RandomKernels
{
    public static void UniformF64(Index1D thread, Elements elements, ArrayView<double> o, ulong seed, ulong offset, double low, double width, double top)
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
            o[i] = Min(low + Unfused.Mul(width, CounterRandom.Unit(seed, unchecked(offset + (ulong)i))), top);
    }

    public static void UniformF32(Index1D thread, Elements elements, ArrayView<float> o, ulong seed, ulong offset, double low, double width, float top)
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
            o[i] = Min((float)(low + Unfused.Mul(width, CounterRandom.Unit(seed, unchecked(offset + (ulong)i)))), top);
    }

    /// <summary>Box–Muller on counters 2(offset + i) and 2(offset + i) + 1, in double, rounded once to T.</summary>
    public static void Normal<T, N>(Index1D thread, Elements elements, ArrayView<T> o, ulong seed, ulong offset, double mean, double std)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var c = unchecked(2 * (offset + (ulong)i));
            var radius = Math.Sqrt(-2 * Math.Log(1 - CounterRandom.Unit(seed, c)));
            o[i] = default(N).FromDouble(mean + Unfused.Mul(std * radius, Math.Cos(2 * Math.PI * CounterRandom.Unit(seed, unchecked(c + 1)))));
        }
    }

    /// <summary>low + ⌊bits·range / 2⁶⁴⌋, the CPU backend's Lemire draw without rejection, in T.</summary>
    public static void RandInt<T, N>(Index1D thread, Elements elements, ArrayView<T> o, ulong seed, ulong offset, long low, ulong range)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var pick = MultiplyHigh(CounterRandom.Bits(seed, unchecked(offset + (ulong)i)), range);
            o[i] = default(N).FromLong(unchecked(low + (long)pick));
        }
    }

    /// <summary>
    /// The high 64 bits of the 128-bit product a·b (Math.BigMul's), from 32-bit halves: each
    /// partial product fits 64 bits, and the middle column's carry is added once.
    /// </summary>
    public static ulong MultiplyHigh(ulong a, ulong b)
    {
        unchecked
        {
            ulong aLow = (uint)a, aHigh = a >> 32, bLow = (uint)b, bHigh = b >> 32;
            ulong low = aLow * bLow, cross1 = aLow * bHigh, cross2 = aHigh * bLow, high = aHigh * bHigh;
            var middle = (low >> 32) + (uint)cross1 + (uint)cross2;
            return high + (cross1 >> 32) + (cross2 >> 32) + (middle >> 32);
        }
    }

    /// <summary>Math.Min(double, double) exactly: NaN propagates, and −0 is below +0.</summary>
    static double Min(double a, double b) =>
        a != b ? (double.IsNaN(a) ? a : a < b ? a : b) : (Interop.FloatAsInt(a) >> 63) != 0 ? a : b;

    /// <summary>Math.Min(float, float) exactly.</summary>
    static float Min(float a, float b) =>
        a != b ? (float.IsNaN(a) ? a : a < b ? a : b) : (Interop.FloatAsInt(a) >> 31) != 0 ? a : b;
}
