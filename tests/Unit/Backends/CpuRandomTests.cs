using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

public class CpuRandomTests
{
    const ulong Seed = 0x1234_5678_9ABC_DEF0;

    /// <summary>SplitMix64 as published (Steele, Lea, Flood 2014), written out independently.</summary>
    static ulong SplitMix(ulong seed, ulong counter)
    {
        unchecked
        {
            var z = seed + (counter + 1) * 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    [Fact]
    public void Uniform_element_i_is_splitmix64_of_offset_plus_i()
    {
        var u = Data<double>(CpuKernels.Uniform(DType.Float64, 5, Seed, 10, 0, 1));
        for (var i = 0; i < 5; i++)
            Assert.Equal((SplitMix(Seed, 10 + (ulong)i) >> 11) * Math.Pow(2, -53), u[i]);
    }

    [Fact]
    public void Same_seed_and_offset_reproduce_and_offset_shifts_the_stream()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var a = (Array)CpuKernels.ToArray(Strided.Contiguous(CpuKernels.Uniform(dtype, 100, Seed, 0, -2, 3), [100]));
            var b = (Array)CpuKernels.ToArray(Strided.Contiguous(CpuKernels.Uniform(dtype, 100, Seed, 0, -2, 3), [100]));
            var shifted = (Array)CpuKernels.ToArray(Strided.Contiguous(CpuKernels.Uniform(dtype, 97, Seed, 3, -2, 3), [97]));
            Assert.Equal(a.Cast<object>(), b.Cast<object>());
            Assert.Equal(a.Cast<object>().Skip(3), shifted.Cast<object>());
        }
        var n0 = Data<double>(CpuKernels.Normal(DType.Float64, 50, Seed, 0, 0, 1));
        var n3 = Data<double>(CpuKernels.Normal(DType.Float64, 47, Seed, 3, 0, 1));
        Assert.Equal(n0[3..], n3);
        var r0 = Data<long>(CpuKernels.RandInt(DType.Int64, 50, Seed, 0, -5, 5));
        var r3 = Data<long>(CpuKernels.RandInt(DType.Int64, 47, Seed, 3, -5, 5));
        Assert.Equal(r0[3..], r3);
        Assert.NotEqual(Data<double>(CpuKernels.Uniform(DType.Float64, 10, Seed + 1, 0, 0, 1)), Data<double>(CpuKernels.Uniform(DType.Float64, 10, Seed, 0, 0, 1)));
    }

    [Fact]
    public void Uniform_values_lie_in_the_half_open_range_with_the_right_moments()
    {
        const int n = 200_000;
        var u = Data<float>(CpuKernels.Uniform(DType.Float32, n, Seed, 0, -1, 3));
        Assert.All(u, v => Assert.InRange(v, -1f, MathF.BitDecrement(3f)));
        // Mean 1 and variance 16/12; standard errors are ~0.0026 and ~0.0027.
        var mean = u.Average(v => (double)v);
        var variance = u.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, 1 - 0.015, 1 + 0.015);
        Assert.InRange(variance, 16.0 / 12 - 0.015, 16.0 / 12 + 0.015);
    }

    [Fact]
    public void Float32_uniform_never_rounds_up_to_high()
    {
        // With a range this narrow most doubles in [low, high) round to high in float.
        const double low = 1.0, high = 1.0 + 1e-7;
        var u = Data<float>(CpuKernels.Uniform(DType.Float32, 10_000, Seed, 0, low, high));
        Assert.All(u, v => Assert.True(v < high, $"{v:R} is not below {high:R}"));
        // A high that float cannot represent: 0.1f > 0.1, so 0.1f itself is excluded too.
        var tenth = Data<float>(CpuKernels.Uniform(DType.Float32, 10_000, Seed, 0, 0.1 - 1e-9, 0.1));
        Assert.All(tenth, v => Assert.True(v < 0.1, $"{v:R} is not below 0.1"));
    }

    [Fact]
    public void Normal_samples_have_the_requested_mean_and_std()
    {
        const int n = 200_000;
        var z = Data<double>(CpuKernels.Normal(DType.Float64, n, Seed, 7, 2, 3));
        Assert.All(z, v => Assert.True(double.IsFinite(v)));
        var mean = z.Average();
        var std = Math.Sqrt(z.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, 2 - 0.04, 2 + 0.04);   // standard error 0.0067
        Assert.InRange(std, 3 - 0.04, 3 + 0.04);    // standard error 0.0047
        // About 68.3% within one std (standard error 0.1%).
        Assert.InRange(z.Count(v => Math.Abs(v - 2) < 3) / (double)n, 0.677, 0.689);
        var f = Data<float>(CpuKernels.Normal(DType.Float32, 1000, Seed, 7, 2, 3));
        Assert.Equal(z[..1000].Select(v => (float)v), f);
    }

    [Fact]
    public void RandInt_covers_exactly_the_half_open_range_in_each_dtype()
    {
        var longs = Data<long>(CpuKernels.RandInt(DType.Int64, 10_000, Seed, 0, -3, 4));
        Assert.Equal(Enumerable.Range(-3, 7).Select(v => (long)v), longs.Distinct().Order());
        // Each of 7 values has probability 1/7: counts ~1429 ± 35.
        Assert.All(longs.GroupBy(v => v), g => Assert.InRange(g.Count(), 1250, 1610));
        Assert.Equal(Enumerable.Range(250, 6).Select(v => (byte)v), Data<byte>(CpuKernels.RandInt(DType.UInt8, 2000, Seed, 0, 250, 256)).Distinct().Order());
        Assert.All(Data<int>(CpuKernels.RandInt(DType.Int32, 1000, Seed, 0, int.MinValue, int.MaxValue)), v => Assert.True(v < int.MaxValue));
        Assert.All(Data<float>(CpuKernels.RandInt(DType.Float32, 1000, Seed, 0, 0, 10)), v => Assert.True(v == MathF.Floor(v) && v is >= 0 and < 10));
        var full = Data<long>(CpuKernels.RandInt(DType.Int64, 1000, Seed, 0, long.MinValue, long.MaxValue));
        Assert.Contains(full, v => v < 0);
        Assert.Contains(full, v => v > 0);
    }

    [Fact]
    public void RandInt_rejects_empty_and_unrepresentable_ranges()
    {
        var e = Assert.Throws<ArgumentException>(() => CpuKernels.RandInt(DType.Int64, 3, Seed, 0, 5, 5));
        Assert.Contains("from=5 >= to=5", e.Message);
        Assert.Throws<ArgumentException>(() => CpuKernels.RandInt(DType.UInt8, 3, Seed, 0, 0, 257));
        Assert.Throws<ArgumentException>(() => CpuKernels.RandInt(DType.Int32, 3, Seed, 0, -1L << 40, 0));
    }
}
