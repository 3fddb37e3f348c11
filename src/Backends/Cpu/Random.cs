namespace Hybrid.Cpu;

/// <summary>
/// Counter-based random numbers: the value at counter c is SplitMix64's output for
/// (seed, c), a pure function, so element i of a draw with offset o depends only on
/// (seed, o + i) — never on threads, chunking or device — and a stream can be resumed
/// or split by offset.
/// </summary>
internal static class CounterRandom
{
    /// <summary>SplitMix64 at counter <paramref name="counter"/>: the Weyl step, then the finalizer.</summary>
    public static ulong Bits(ulong seed, ulong counter)
    {
        unchecked
        {
            var z = seed + (counter + 1) * 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A double uniform in [0, 1) with 53 random bits.</summary>
    public static double Unit(ulong seed, ulong counter) => (Bits(seed, counter) >> 11) * (1.0 / (1UL << 53));

    public static Storage Uniform(DType dtype, int length, ulong seed, ulong offset, double low, double high)
    {
        var width = high - low;
        switch (dtype)
        {
            case DType.Float64:
            {
                var o = Storages.Uninitialized<double>(length);
                // low + width·u can round up to high when u is within an ulp of 1.
                var top = high > low ? Math.BitDecrement(high) : low;
                for (var i = 0; i < o.Length; i++)
                    o[i] = Math.Min(low + width * Unit(seed, offset + (ulong)i), top);
                return new CpuStorage<double>(o);
            }
            case DType.Float32:
            {
                var o = Storages.Uninitialized<float>(length);
                // Rounding to float can also reach high (or a float above it when high is not
                // representable), so values are capped at the largest float below high.
                var top = (float)high;
                if (high > low && top >= high) top = MathF.BitDecrement(top);
                if (!(high > low)) top = (float)low;
                for (var i = 0; i < o.Length; i++)
                    o[i] = Math.Min((float)(low + width * Unit(seed, offset + (ulong)i)), top);
                return new CpuStorage<float>(o);
            }
            default: throw Storages.Unsupported("uniform_", dtype);
        }
    }

    /// <summary>Box–Muller: element i uses counters 2(offset + i) and 2(offset + i) + 1.</summary>
    public static Storage Normal(DType dtype, int length, ulong seed, ulong offset, double mean, double std)
    {
        if (!dtype.IsFloating()) throw Storages.Unsupported("normal_", dtype);
        var values = Storages.Uninitialized<double>(length);
        for (var i = 0; i < values.Length; i++)
        {
            var c = unchecked(2 * (offset + (ulong)i));
            // 1 − u lies in (0, 1], so the logarithm is finite.
            var radius = Math.Sqrt(-2 * Math.Log(1 - Unit(seed, c)));
            values[i] = mean + std * radius * Math.Cos(2 * Math.PI * Unit(seed, c + 1));
        }
        return dtype == DType.Float64
            ? new CpuStorage<double>(values)
            : new CpuStorage<float>(Array.ConvertAll(values, v => (float)v));
    }

    /// <summary>Throws PyTorch's error unless low &lt; high and both lie within the range of <paramref name="dtype"/>.</summary>
    public static void CheckRandIntRange(DType dtype, long low, long high)
    {
        if (low >= high)
            throw new ArgumentException($"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}");
        (long Min, long Max) bounds = dtype switch
        {
            DType.Int32 => (int.MinValue, (long)int.MaxValue + 1),
            DType.UInt8 => (0L, 256L),
            DType.Bool => (0L, 2L),
            _ => (long.MinValue, long.MaxValue),
        };
        if (low < bounds.Min || high > bounds.Max)
            throw new ArgumentException($"random_ expects 'from' and 'to' within the range of {dtype.TorchName()}, but got from={low}, to={high}");
    }

    /// <summary>Integers uniform in [low, high).</summary>
    public static Storage RandInt(DType dtype, int length, ulong seed, ulong offset, long low, long high)
    {
        CheckRandIntRange(dtype, low, high);
        var range = unchecked((ulong)(high - low));
        var values = Storages.Uninitialized<long>(length);
        for (var i = 0; i < values.Length; i++)
        {
            // The high half of bits·range is uniform on [0, range) up to a bias of range/2⁶⁴
            // (Lemire's method without the rejection step, which would break the one-counter-
            // per-element rule).
            var pick = Math.BigMul(Bits(seed, offset + (ulong)i), range, out _);
            values[i] = unchecked(low + (long)pick);
        }
        var storage = new CpuStorage<long>(values);
        return dtype == DType.Int64 ? storage : Cast.Copy(Strided.Contiguous(storage, [length]), dtype);
    }
}
