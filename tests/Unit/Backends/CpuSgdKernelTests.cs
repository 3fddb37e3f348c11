using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

/// <summary>
/// The fused float32 SGD step against the same update written with float32 tensor ops, over three
/// chained steps (the first makes the momentum buffer, the later ones update it in place).
/// </summary>
public class CpuSgdKernelTests
{
    public static TheoryData<SgdOptions> Options => new()
    {
        new SgdOptions(0.1, 0.9, 0, false, 0, false),
        new SgdOptions(0.05, 0.8, 0.1, false, 0.01, false),
        new SgdOptions(0.1, 0.9, 0, true, 0.02, true),
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void Chained_fused_steps_equal_the_tensor_formula_bit_for_bit(SgdOptions o)
    {
        const int n = 37;
        var rng = new System.Random(6);
        var p = RandomFloats(rng, n, 2);
        var (tp, buffer) = (Torch.Tensor((float[])p.Clone()), (Tensor?)null);
        Strided? fusedBuffer = null;
        for (var step = 0; step < 3; step++)
        {
            var g = RandomFloats(rng, n, 2);
            var d = o.Maximize ? -Torch.Tensor(g) : Torch.Tensor(g);
            if (o.WeightDecay != 0) d = d + tp * o.WeightDecay;
            buffer = buffer is null ? d : buffer * o.Momentum + d * (1 - o.Dampening);
            tp = tp - (o.Nesterov ? d + buffer * o.Momentum : buffer) * o.Lr;

            Assert.True(CpuKernels.TrySgdStep(View(p, n), View(g, n), fusedBuffer, o, out var next));
            if (fusedBuffer is { } previous) Assert.Same(previous.Storage, next);
            fusedBuffer = View(Data<float>(next!), n);
            Assert.Equal(tp.ToArray<float>(), p);
            Assert.Equal(buffer.ToArray<float>(), Data<float>(next!));
        }
    }
}
