using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.Gpu.GpuAgreement;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>
/// The fused SGD step against the CPU backend's kernel: every combination of momentum,
/// dampening, Nesterov, weight decay and maximize, with and without a momentum buffer, over
/// several chained steps, gives the same float32 bits for the parameter and the new buffer; and
/// the GPU declines exactly the operands the CPU declines.
/// </summary>
[Collection(GpuCollection.Name)]
public class GpuSgdTests
{
    /// <summary>Full-precision random floats (not rounded), so every product and sum rounds.</summary>
    static float[] Floats(System.Random rng, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();

    /// <summary>A contiguous float32 view of <paramref name="shape"/>, at a random offset into a larger storage.</summary>
    static Strided Operand(System.Random rng, int[] shape)
    {
        var offset = rng.Next(3);
        var data = Floats(rng, offset + Layout.Count(shape) + rng.Next(3));
        return new Strided(CpuKernels.FromArray(data), shape, Layout.ContiguousStrides(shape), offset);
    }

    [Fact]
    public void Every_option_combination_is_bit_identical_over_chained_steps()
    {
        var rng = new System.Random(31);
        var cases = 0;
        foreach (var momentum in new[] { 0.0, 0.9 })
        foreach (var dampening in new[] { 0.0, 0.25 })
        foreach (var nesterov in new[] { false, true })
        foreach (var weightDecay in new[] { 0.0, 1e-2 })
        foreach (var maximize in new[] { false, true })
        {
            var options = new SgdOptions(0.037, momentum, dampening, nesterov, weightDecay, maximize);
            int[] shape = rng.Next(2) == 0 ? [rng.Next(1, 41)] : [rng.Next(1, 7), rng.Next(1, 7)];
            var cpuParam = Operand(rng, shape);
            var gpuParam = ToGpu(cpuParam);
            Strided? cpuBuffer = null, gpuBuffer = null;
            for (var step = 0; step < 3; step++, cases++)
            {
                var grad = Operand(rng, shape);
                var what = $"{options} step {step}";
                Assert.True(CpuKernels.TrySgdStep(cpuParam, grad, cpuBuffer, options, out var cpuNew), what);
                Assert.True(GpuKernels.TrySgdStep(gpuParam, ToGpu(grad), gpuBuffer, options, out var gpuNew), what);
                AssertAgree(cpuParam.Storage, gpuParam.Storage, 0, $"param after {what}");
                Assert.Equal(cpuNew is null, gpuNew is null);
                if (cpuNew is null) continue;
                AssertAgree(cpuNew, gpuNew!, 0, $"momentum buffer after {what}");
                cpuBuffer = Strided.Contiguous(cpuNew, shape);
                gpuBuffer = Strided.Contiguous(gpuNew!, shape);
            }
        }
        Assert.Equal(96, cases);
    }

    [Fact]
    public void A_buffer_at_an_offset_is_updated_in_place()
    {
        var rng = new System.Random(32);
        var options = new SgdOptions(0.1, 0.8, 0.1, false, 0, false);
        var param = Operand(rng, [5, 3]);
        var grad = Operand(rng, [5, 3]);
        var buffer = Operand(rng, [5, 3]);
        var (gpuParam, gpuBuffer) = (ToGpu(param), ToGpu(buffer));
        Assert.True(CpuKernels.TrySgdStep(param, grad, buffer, options, out var cpuNew));
        Assert.True(GpuKernels.TrySgdStep(gpuParam, ToGpu(grad), gpuBuffer, options, out var gpuNew));
        Assert.Same(buffer.Storage, cpuNew);
        Assert.Same(gpuBuffer.Storage, gpuNew);
        AssertAgree(param.Storage, gpuParam.Storage, 0, "param");
        AssertAgree(buffer.Storage, gpuBuffer.Storage, 0, "buffer (the elements around the view untouched on both)");
    }

    [Fact]
    public void Operands_the_CPU_kernel_declines_are_declined_and_left_untouched()
    {
        var rng = new System.Random(33);
        var options = new SgdOptions(0.1, 0.9, 0, false, 0, false);
        var param = Operand(rng, [4, 3]);
        var grad = Operand(rng, [4, 3]);
        var doubles = Strided.Contiguous(CpuKernels.FromArray(RandomDoubles(rng, 12)), [4, 3]);
        var transposed = new Strided(Operand(rng, [3, 4]).Storage, [4, 3], [1, 4], 0);
        var otherShape = Operand(rng, [12]);
        (string What, Strided Param, Strided Grad, Strided? Buffer)[] declined =
        [
            ("float64 param", doubles, grad, null),
            ("float64 grad", param, doubles, null),
            ("transposed param", transposed, grad, null),
            ("transposed grad", param, transposed, null),
            ("grad shape", param, otherShape, null),
            ("buffer shape", param, grad, otherShape),
            ("transposed buffer", param, grad, transposed),
            ("float64 buffer", param, grad, doubles),
        ];
        foreach (var (what, p, g, b) in declined)
        {
            Assert.False(CpuKernels.TrySgdStep(p, g, b, options, out _), what);
            var gpuParam = ToGpu(p);
            Assert.False(GpuKernels.TrySgdStep(gpuParam, ToGpu(g), b is { } buffer ? ToGpu(buffer) : null, options, out var none), what);
            Assert.Null(none);
            AssertAgree(p.Storage, gpuParam.Storage, 0, $"{what}: param untouched");
        }
        // The param's own storage as grad or buffer: the in-place update would read what it writes.
        var shared = ToGpu(param);
        Assert.False(GpuKernels.TrySgdStep(shared, shared, null, options, out _));
        Assert.False(GpuKernels.TrySgdStep(shared, ToGpu(grad), shared, options, out _));
        Assert.False(CpuKernels.TrySgdStep(param, param, null, options, out _));
        Assert.False(CpuKernels.TrySgdStep(param, grad, param, options, out _));
    }

    [Fact]
    public void The_kernels_compile_for_CUDA_with_products_that_are_never_fused()
    {
        // mul.rn is exempt from the JIT's multiply-add contraction, which would change the bits.
        foreach (var name in new[] { "Plain", "First", "Momentum" })
            Assert.Contains("mul.rn.f32", GpuPtx.Compile(GpuPtx.Kernel(typeof(global::Hybrid.Gpu.SgdKernels), name)));
    }
}
