using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

/// <summary>
/// The fused float32 Adam step against the same update written with float32 tensor ops (the
/// optimizer's general path): equal to the last bit, on 37 elements (two vectors and a tail).
/// </summary>
public class CpuAdamKernelTests
{
    public static TheoryData<AdamOptions> Options => new()
    {
        new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0, false, false, 1),
        new AdamOptions(0.05, 0.9, 0.99, 1e-6, 0.1, false, false, 5),
        new AdamOptions(0.1, 0.3, 0.9, 1e-8, 0.2, true, false, 3),
        new AdamOptions(0.01, 0.6, 0.999, 1e-4, 0, false, true, 2),
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void Fused_step_equals_the_tensor_formula_bit_for_bit(AdamOptions o)
    {
        const int n = 37;
        var rng = new System.Random(9);
        float[] p = RandomFloats(rng, n, 2), g = RandomFloats(rng, n, 2), m = RandomFloats(rng, n, 0.5);
        var v = RandomFloats(rng, n, 0.5).Select(Math.Abs).ToArray();

        // The general path, op by op in float32.
        var tp = Torch.Tensor((float[])p.Clone());
        var grad = o.Maximize ? -Torch.Tensor(g) : Torch.Tensor(g);
        if (!o.Decoupled && o.WeightDecay != 0) grad = grad + tp * o.WeightDecay;
        var param = o.Decoupled && o.WeightDecay != 0 ? tp * (1 - o.Lr * o.WeightDecay) : tp;
        var (tm, tv) = (Torch.Tensor(m), Torch.Tensor(v));
        var w = 1 - o.Beta1;
        var m2 = w < 0.5 ? tm + (grad - tm) * w : grad - (grad - tm) * (1 - w);
        var v2 = tv * o.Beta2 + grad * grad * (1 - o.Beta2);
        var denom = v2.Sqrt() / Math.Sqrt(1 - Math.Pow(o.Beta2, o.Step)) + o.Eps;
        var expected = param - m2 / denom * (o.Lr / (1 - Math.Pow(o.Beta1, o.Step)));

        var fused = (float[])p.Clone();
        Assert.True(CpuKernels.TryAdamStep(View(fused, n), View(g, n), View(m, n), View(v, n), o, out var newM, out var newV));
        Assert.Equal(expected.ToArray<float>(), fused);
        Assert.Equal(m2.ToArray<float>(), Data<float>(newM!));
        Assert.Equal(v2.ToArray<float>(), Data<float>(newV!));
    }

    [Fact]
    public void Float64_and_non_contiguous_operands_take_the_general_path()
    {
        var o = new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0, false, false, 1);
        double[] d = [1, 2, 3, 4];
        Assert.False(CpuKernels.TryAdamStep(View(d, 4), View(d, 4), View(d, 4), View(d, 4), o, out _, out _));
        float[] f = [1, 2, 3, 4];
        var strided = View(f, [2], [2], 0);
        Assert.False(CpuKernels.TryAdamStep(strided, strided, strided, strided, o, out _, out _));
    }
}
