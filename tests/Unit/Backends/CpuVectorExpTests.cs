using System.Runtime.Intrinsics;
using Hybrid.Cpu;
using Xunit;

namespace Hybrid.Unit.Backends;

/// <summary>The vector eˣ behind float32 softmax against Math.Exp in double.</summary>
public class CpuVectorExpTests
{
    static float[] Exp(float[] x)
    {
        var o = new float[x.Length];
        for (var i = 0; i < x.Length; i += 16) VectorExp.Exp(Vector512.Create(x.AsSpan(i, 16))).CopyTo(o.AsSpan(i));
        return o;
    }

    [Fact]
    public void Is_within_one_ulp_of_the_exponential_over_softmaxs_range()
    {
        if (!VectorExp.IsSupported) return;
        // x − max ≤ 0, where results are normal floats; and a little above 0.
        var x = Enumerable.Range(0, 16 * 4096).Select(i => -87f + 90f * i / (16 * 4096)).ToArray();
        var e = Exp(x);
        var worst = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var exact = Math.Exp(x[i]);
            var ulp = (double)MathF.BitIncrement((float)exact) - (float)exact;
            worst = Math.Max(worst, Math.Abs(e[i] - exact) / ulp);
        }
        Assert.True(worst <= 1, $"largest error {worst:F2} ulp");
    }

    [Fact]
    public void Underflows_to_zero_and_keeps_nan()
    {
        if (!VectorExp.IsSupported) return;
        float[] x = [-103f, -150f, float.NegativeInfinity, float.NaN, 0f, -1e30f, -88f, -95f, 1f, -0f, 2f, -2f, 3f, -3f, 4f, -4f];
        var e = Exp(x);
        Assert.True(e[0] >= 0 && e[0] < 1e-44f);
        Assert.Equal(0f, e[1]);
        Assert.Equal(0f, e[2]);
        Assert.True(float.IsNaN(e[3]));
        Assert.Equal(1f, e[4]);
        Assert.Equal(0f, e[5]);
        Assert.True(Math.Abs(e[6] - Math.Exp(-88)) <= 1e-44, "a subnormal result");
        Assert.True(Math.Abs(e[7] - Math.Exp(-95)) <= 2e-45, "a subnormal result");
        Assert.Equal(1f, e[9]);
    }
}
