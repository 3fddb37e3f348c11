using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

/// <summary>ReLU's gradient kernel (threshold_backward at 0): g where x &gt; 0, else 0, on vectors and a tail.</summary>
public class CpuReluGradTests
{
    [Fact]
    public void Passes_the_gradient_where_the_input_is_positive_in_float_and_double()
    {
        const int n = 37;
        double[] pool = [-2, -0.0, 0.0, 1e-30, 3, double.NaN, double.PositiveInfinity, double.NegativeInfinity];
        var rng = new System.Random(4);
        var x = Enumerable.Range(0, n).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
        var g = Enumerable.Range(0, n).Select(i => i - 18.5).ToArray();
        var expected = x.Select((v, i) => v > 0 ? g[i] : 0.0).ToArray();
        Assert.Equal(expected, Data<double>(CpuKernels.Binary(BinaryOp.ReluGrad, View(g, n), View(x, n), DType.Float64)));
        var floats = Data<float>(CpuKernels.Binary(BinaryOp.ReluGrad, View(g.Select(v => (float)v).ToArray(), n), View(x.Select(v => (float)v).ToArray(), n), DType.Float32));
        Assert.Equal(expected.Select(v => (float)v), floats);
    }
}
