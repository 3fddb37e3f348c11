namespace Hybrid.Gpu;

/// <summary>
/// uniform_, normal_, random_ (<see cref="RandomKernels"/>). Bounds and caps are computed here
/// exactly as the CPU backend computes them, so the kernels only repeat its per-element
/// arithmetic, and argument errors read the same.
/// </summary>
public sealed partial class GpuBackend
{
    /// <inheritdoc />
    public Storage Uniform(DType dtype, int length, ulong seed, ulong offset, double low, double high)
    {
        if (dtype is not (DType.Float32 or DType.Float64)) throw RandomUnsupported("uniform_", dtype);
        var width = high - low;
        var o = Allocate(dtype, length);
        if (dtype == DType.Float64)
        {
            // low + width·u can round up to high when u is within an ulp of 1.
            var top = high > low ? Math.BitDecrement(high) : low;
            Kernels.Launch(RandomKernels.UniformF64, length, o.View<double>(), seed, offset, low, width, top);
        }
        else
        {
            // Rounding to float can reach high too (or a float above it): cap below high.
            var top = (float)high;
            if (high > low && top >= high) top = MathF.BitDecrement(top);
            if (!(high > low)) top = (float)low;
            Kernels.Launch(RandomKernels.UniformF32, length, o.View<float>(), seed, offset, low, width, top);
        }
        return o;
    }

    /// <inheritdoc />
    public Storage Normal(DType dtype, int length, ulong seed, ulong offset, double mean, double std)
    {
        if (!dtype.IsFloating()) throw RandomUnsupported("normal_", dtype);
        return DTypeDispatch.On<NormalRun, Storage>(dtype, new(this, dtype, length, seed, offset, mean, std));
    }

    readonly struct NormalRun(GpuBackend g, DType dtype, int length, ulong seed, ulong offset, double mean, double std) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(dtype, length);
            g.Kernels.Launch(RandomKernels.Normal<T, N>, length, o.View<T>(), seed, offset, mean, std);
            return o;
        }
    }

    /// <inheritdoc />
    public Storage RandInt(DType dtype, int length, ulong seed, ulong offset, long low, long high)
    {
        Cpu.CounterRandom.CheckRandIntRange(dtype, low, high);
        return DTypeDispatch.On<RandIntRun, Storage>(dtype, new(this, dtype, length, seed, offset, low, unchecked((ulong)(high - low))));
    }

    readonly struct RandIntRun(GpuBackend g, DType dtype, int length, ulong seed, ulong offset, long low, ulong range) : IDTypeFunc<Storage>
    {
        public Storage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(dtype, length);
            g.Kernels.Launch(RandomKernels.RandInt<T, N>, length, o.View<T>(), seed, offset, low, range);
            return o;
        }
    }

    static NotSupportedException RandomUnsupported(string op, DType dtype) =>
        new($"{op} is not supported for {dtype.TorchName()} tensors on the GPU backend");
}
