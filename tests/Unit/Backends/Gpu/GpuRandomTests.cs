using Hybrid;
using Hybrid.Gpu;
using Xunit;
using static Hybrid.Unit.Backends.Gpu.GpuAgreement;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>
/// The counter-based generators against the CPU backend: the same (seed, offset) gives the same
/// numbers on both devices, bit for bit for uniform and randint, and to the last bits of the
/// math library for normal; argument errors read the same.
/// </summary>
[Collection(GpuCollection.Name)]
public class GpuRandomTests
{
    static readonly ulong[] Seeds = [0, 1, 42, 0xDEADBEEFCAFEBABE, ulong.MaxValue];
    static readonly ulong[] Offsets = [0, 7, 1UL << 40, ulong.MaxValue - 5]; // the last wraps around
    static readonly int[] Lengths = [0, 1, 33];

    [Fact]
    public void Uniform_is_bit_identical_for_seeds_offsets_and_ranges()
    {
        (double Low, double High)[] ranges = [(0, 1), (-3, 2.5), (0.1, 0.3), (5, 5), (1e-300, 1e300)];
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        foreach (var seed in Seeds)
        foreach (var offset in Offsets)
        foreach (var length in Lengths)
        foreach (var (low, high) in ranges)
            AssertAgree(CpuKernels.Uniform(dtype, length, seed, offset, low, high), GpuKernels.Uniform(dtype, length, seed, offset, low, high),
                0, $"uniform {dtype} seed {seed} offset {offset} length {length} [{low}, {high})");
    }

    [Fact]
    public void Uniform_caps_values_that_round_up_to_high_as_the_CPU_backend_does()
    {
        // Ranges narrower than the spacing of the type near them: many draws round to high
        // and must be capped at the largest value below it.
        foreach (var seed in Seeds)
        {
            AssertAgree(CpuKernels.Uniform(DType.Float32, 200, seed, 3, 1, 1 + 1e-7), GpuKernels.Uniform(DType.Float32, 200, seed, 3, 1, 1 + 1e-7), 0, $"float32 cap, seed {seed}");
            var next = Math.BitIncrement(1.0);
            AssertAgree(CpuKernels.Uniform(DType.Float64, 200, seed, 3, 1, next), GpuKernels.Uniform(DType.Float64, 200, seed, 3, 1, next), 0, $"float64 cap, seed {seed}");
        }
        var capped = (float[])GpuKernels.ToArray(Strided.Contiguous(GpuKernels.Uniform(DType.Float32, 200, 9, 0, 1, 1 + 1e-7), [200]));
        Assert.All(capped, v => Assert.True(v < 1 + 1e-7));
    }

    [Fact]
    public void Normal_agrees_to_the_last_bits_of_the_math_library()
    {
        (double Mean, double Std)[] parameters = [(0, 1), (3, 0.5), (-2, 10)];
        foreach (var seed in Seeds)
        foreach (var offset in Offsets)
        foreach (var length in Lengths)
        foreach (var (mean, std) in parameters)
        {
            AssertAgree(CpuKernels.Normal(DType.Float64, length, seed, offset, mean, std), GpuKernels.Normal(DType.Float64, length, seed, offset, mean, std),
                1e-12, $"normal float64 seed {seed} offset {offset} length {length} N({mean}, {std})");
            // A last-bit difference in double can move the rounding to float32 by one ulp.
            AssertAgree(CpuKernels.Normal(DType.Float32, length, seed, offset, mean, std), GpuKernels.Normal(DType.Float32, length, seed, offset, mean, std),
                2.4e-7, $"normal float32 seed {seed} offset {offset} length {length} N({mean}, {std})");
        }
    }

    [Fact]
    public void RandInt_is_bit_identical_in_every_dtype_and_range()
    {
        (DType DType, long Low, long High)[] cases =
        [
            (DType.Int64, 0, 10), (DType.Int64, -5, 5), (DType.Int64, long.MinValue, long.MaxValue),
            (DType.Int64, -(1L << 62), (1L << 62) + 12345), (DType.Int64, 7, 8),
            (DType.Int32, int.MinValue, (long)int.MaxValue + 1), (DType.Int32, 0, 7),
            (DType.UInt8, 0, 256), (DType.UInt8, 3, 9), (DType.Bool, 0, 2),
            (DType.Float32, -100, 100), (DType.Float64, 0, 1L << 60),
        ];
        foreach (var (dtype, low, high) in cases)
        foreach (var seed in Seeds)
        foreach (var offset in Offsets)
        foreach (var length in Lengths)
            AssertAgree(CpuKernels.RandInt(dtype, length, seed, offset, low, high), GpuKernels.RandInt(dtype, length, seed, offset, low, high),
                0, $"randint {dtype} [{low}, {high}) seed {seed} offset {offset} length {length}");
    }

    [Fact]
    public void The_kernels_high_product_is_Math_BigMul()
    {
        var rng = new System.Random(21);
        ulong[] edges = [0, 1, 2, uint.MaxValue, (ulong)uint.MaxValue + 1, ulong.MaxValue - 1, ulong.MaxValue, 0x8000000000000000];
        var values = edges.Concat(Enumerable.Range(0, 200).Select(_ => (ulong)rng.NextInt64() << 1 ^ (ulong)rng.Next(2))).ToArray();
        foreach (var a in values)
        foreach (var b in edges.Concat(values.Take(40)))
            Assert.Equal(Math.BigMul(a, b, out _), RandomKernels.MultiplyHigh(a, b));
    }

    [Fact]
    public void Argument_errors_match_the_CPU_backend()
    {
        foreach (var (dtype, low, high) in new (DType, long, long)[] { (DType.Int64, 5, 5), (DType.Int64, 6, 2), (DType.Int32, 0, (long)int.MaxValue + 2), (DType.UInt8, -1, 3), (DType.Bool, 0, 3) })
        {
            var expected = Assert.Throws<ArgumentException>(() => CpuKernels.RandInt(dtype, 4, 1, 0, low, high));
            var actual = Assert.Throws<ArgumentException>(() => GpuKernels.RandInt(dtype, 4, 1, 0, low, high));
            Assert.Equal(expected.Message, actual.Message);
        }
        foreach (var dtype in new[] { DType.Int64, DType.Int32, DType.UInt8, DType.Bool })
        {
            Assert.Throws<NotSupportedException>(() => CpuKernels.Uniform(dtype, 4, 1, 0, 0, 1));
            Assert.Throws<NotSupportedException>(() => GpuKernels.Uniform(dtype, 4, 1, 0, 0, 1));
            Assert.Throws<NotSupportedException>(() => CpuKernels.Normal(dtype, 4, 1, 0, 0, 1));
            Assert.Throws<NotSupportedException>(() => GpuKernels.Normal(dtype, 4, 1, 0, 0, 1));
        }
    }

    [Fact]
    public void The_kernels_compile_for_CUDA()
    {
        var kernels = typeof(RandomKernels);
        // The uniform draw's scaling product must stay unfused for bit-identical values.
        Assert.Contains("mul.rn.f64", GpuPtx.Compile(GpuPtx.Kernel(kernels, nameof(RandomKernels.UniformF32))));
        Assert.Contains("mul.rn.f64", GpuPtx.Compile(GpuPtx.Kernel(kernels, nameof(RandomKernels.UniformF64))));
        GpuPtx.Compile(GpuPtx.Kernel(kernels, nameof(RandomKernels.Normal), typeof(float), typeof(F32)));
        GpuPtx.Compile(GpuPtx.Kernel(kernels, nameof(RandomKernels.Normal), typeof(double), typeof(F64)));
        foreach (var (element, numeric) in GpuPtx.Numerics)
            GpuPtx.Compile(GpuPtx.Kernel(kernels, nameof(RandomKernels.RandInt), element, numeric));
    }
}
