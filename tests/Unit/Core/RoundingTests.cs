using Xunit;

namespace Hybrid.Unit;

/// <summary>Floor, Ceil, Round and Trunc: values by hand (halves, negatives, −0, NaN, ±∞), integer inputs, the GPU backend.</summary>
public class RoundingTests
{
    static readonly float[] Values = [-2.5f, -1.5f, -0.5f, -0.2f, 0.5f, 1.5f, 2.5f, 2.7f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];

    [Fact]
    public void Each_rounding_by_hand()
    {
        var x = Torch.Tensor(Values);
        var nan = float.NaN;
        float inf = float.PositiveInfinity, ninf = float.NegativeInfinity;
        Assert.Equal([-3f, -2f, -1f, -1f, 0f, 1f, 2f, 2f, nan, inf, ninf], x.Floor().ToArray<float>());
        Assert.Equal([-2f, -1f, -0f, -0f, 1f, 2f, 3f, 3f, nan, inf, ninf], x.Ceil().ToArray<float>());
        // Halves go to the even neighbour.
        Assert.Equal([-2f, -2f, -0f, -0f, 0f, 2f, 2f, 3f, nan, inf, ninf], x.Round().ToArray<float>());
        Assert.Equal([-2f, -1f, -0f, -0f, 0f, 1f, 2f, 2f, nan, inf, ninf], x.Trunc().ToArray<float>());
    }

    [Fact]
    public void Integers_come_back_unchanged_and_the_gradient_is_zero()
    {
        var ints = Torch.Tensor(new long[] { -3, 4 });
        Assert.Equal(DType.Int64, ints.Floor().DType);
        Assert.Equal(new long[] { -3, 4 }, ints.Round().ToArray<long>());
        var x = Torch.Tensor(new[] { 1.7f, -0.3f }, requiresGrad: true);
        (x.Floor() + x.Ceil() + x.Round() + x.Trunc()).Sum().Backward();
        Expect.Close(x.Grad, new double[] { 0, 0 });
        Assert.Equal("RoundBackward0", x.Round().GradFn.Name);
    }

    [Fact]
    public void The_GPU_backend_rounds_the_same()
    {
        var gpu = new Device("ilgpu", 0);
        var x = Torch.Tensor(Values);
        foreach (var f in new Func<Tensor, Tensor>[] { t => t.Floor(), t => t.Ceil(), t => t.Round(), t => t.Trunc() })
            Assert.Equal(f(x).ToArray<float>(), f(x.To(gpu)).To(Device.Cpu).ToArray<float>());
    }
}
