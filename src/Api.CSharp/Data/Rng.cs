namespace Hybrid.Data;

/// <summary>
/// Scalar draws from a <see cref="Generator"/> with the counter-based scheme of the CPU
/// backend (SplitMix64 of seed and counter): each draw reserves counters, so a stream is
/// reproducible from (Seed, Offset) and never depends on threads.
/// </summary>
internal static class Rng
{
    /// <summary>SplitMix64 at a counter: the very function the CPU kernels draw with.</summary>
    public static ulong Bits(ulong seed, ulong counter) => Hybrid.Cpu.CounterRandom.Bits(seed, counter);

    /// <summary>64 random bits; advances the generator by one counter.</summary>
    public static ulong NextUInt64(Generator generator)
    {
        var (seed, offset) = generator.Take(1);
        return Bits(seed, offset);
    }

    /// <summary>A double uniform in [0, 1).</summary>
    public static double NextDouble(Generator generator) => ToUnit(NextUInt64(generator));

    /// <summary>An integer uniform in [0, n) (n ≥ 1).</summary>
    public static long NextBelow(Generator generator, long n) => Below(NextUInt64(generator), n);

    /// <summary>count doubles uniform in [0, 1), reserving count counters at once.</summary>
    public static double[] Doubles(Generator generator, int count)
    {
        var (seed, offset) = generator.Take(count);
        var values = new double[count];
        for (var i = 0; i < count; i++) values[i] = ToUnit(Bits(seed, offset + (ulong)i));
        return values;
    }

    /// <summary>A random permutation of 0..n−1 (Fisher–Yates), reserving n counters.</summary>
    public static int[] Permutation(Generator generator, int n)
    {
        var (seed, offset) = generator.Take(n);
        var p = new int[n];
        for (var i = 0; i < n; i++) p[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = (int)Below(Bits(seed, offset + (ulong)i), i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary>A fresh generator seeded from <paramref name="parent"/> (one counter of it).</summary>
    public static Generator Derive(Generator parent) => new(NextUInt64(parent));

    static double ToUnit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    static long Below(ulong bits, long n) => (long)Math.BigMul(bits, (ulong)n, out _);
}
