using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>
/// The GPU backend on ILGPU's CPU accelerator against the CPU backend, its oracle: random
/// views (permuted, offset, broadcast) of random storages of every dtype are uploaded as they
/// are (same storage, shape, strides, offset), both backends run the kernel, and the results
/// must agree element by element.
/// </summary>
internal static class GpuAgreement
{
    /// <summary>The simulated GPU device every GPU test runs on.</summary>
    public static readonly Device Device = new("ilgpu", 0);

    public static IBackend GpuKernels => global::Hybrid.Backends.For(Device);

    public static readonly DType[] AllDTypes = [DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.UInt8, DType.Bool];

    /// <summary>The same view over a device copy of the whole storage.</summary>
    public static Strided ToGpu(Strided cpu) =>
        new(GpuKernels.FromArray(CpuKernels.ToArray(Strided.Contiguous(cpu.Storage, [cpu.Storage.Length]))), cpu.Shape, cpu.Strides, cpu.Offset);

    /// <summary>A device storage's elements, as a CPU storage of the same dtype.</summary>
    public static Storage ToCpu(Storage gpu) => CpuKernels.FromArray(GpuKernels.ToArray(Strided.Contiguous(gpu, [gpu.Length])));

    /// <summary>Random values of a dtype: small signed numbers (non-negative for uint8, 0/1 for bool).</summary>
    public static Array RandomArray(System.Random rng, DType dtype, int count) => dtype switch
    {
        DType.Float32 => RandomFloats(rng, count, 4),
        DType.Float64 => RandomDoubles(rng, count, 4),
        DType.Int64 => Enumerable.Range(0, count).Select(_ => (long)rng.Next(-9, 10)).ToArray(),
        DType.Int32 => Enumerable.Range(0, count).Select(_ => rng.Next(-9, 10)).ToArray(),
        DType.UInt8 => Enumerable.Range(0, count).Select(_ => (byte)rng.Next(0, 20)).ToArray(),
        _ => Enumerable.Range(0, count).Select(_ => rng.Next(2) == 1).ToArray(),
    };

    /// <summary>
    /// A random CPU view of <paramref name="shape"/>: contiguous, permuted in storage, offset,
    /// or broadcast along a random dim (zero stride), chosen at random.
    /// </summary>
    public static Strided RandomView(System.Random rng, DType dtype, int[] shape)
    {
        var order = Enumerable.Range(0, shape.Length).ToArray();
        var kind = rng.Next(4);
        if (kind == 1) order = order.OrderBy(_ => rng.Next()).ToArray();
        var offset = kind == 2 ? rng.Next(1, 5) : 0;
        var broadcastDim = kind == 3 && shape.Length > 0 ? rng.Next(shape.Length) : -1;
        var strides = new int[shape.Length];
        var step = 1;
        for (var k = order.Length - 1; k >= 0; k--)
        {
            var d = order[k];
            if (d == broadcastDim) continue;
            strides[d] = step;
            step *= Math.Max(shape[d], 1);
        }
        var data = RandomArray(rng, dtype, offset + step);
        return new Strided(CpuKernels.FromArray(data), shape, strides, offset);
    }

    /// <summary>A random shape of rank 0 to <paramref name="maxRank"/> with sizes 1 to <paramref name="maxSize"/>.</summary>
    public static int[] RandomShape(System.Random rng, int maxRank = 4, int maxSize = 5) =>
        Enumerable.Range(0, rng.Next(maxRank + 1)).Select(_ => rng.Next(1, maxSize + 1)).ToArray();

    /// <summary>The elements of a contiguous storage as doubles.</summary>
    public static double[] Doubles(Storage cpu) =>
        CpuKernels.ToArray(Strided.Contiguous(cpu, [cpu.Length])) switch
        {
            bool[] b => b.Select(v => v ? 1.0 : 0.0).ToArray(),
            var a => a.Cast<object>().Select(System.Convert.ToDouble).ToArray(),
        };

    /// <summary>
    /// Asserts a GPU result equals the CPU one: same dtype and length; floats within
    /// <paramref name="relTol"/> (relative, absolute near zero), other dtypes exactly.
    /// </summary>
    public static void AssertAgree(Storage cpu, Storage gpu, double relTol, string what)
    {
        Assert.Equal(Device, gpu.Device);
        Assert.Equal(cpu.DType, gpu.DType);
        Assert.Equal(cpu.Length, gpu.Length);
        double[] expected = Doubles(cpu), actual = Doubles(ToCpu(gpu));
        for (var i = 0; i < expected.Length; i++)
        {
            if (!cpu.DType.IsFloating())
                Assert.True(expected[i] == actual[i], $"{what}: element {i} is {actual[i]}, the CPU backend gives {expected[i]}");
            else if (!expected[i].Equals(actual[i]))
                Close(expected[i], actual[i], relTol, $"{what}: element {i}");
        }
    }
}
