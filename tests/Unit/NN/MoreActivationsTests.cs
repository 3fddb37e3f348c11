using Hybrid.NN;
using Xunit;

namespace Hybrid.Unit;

/// <summary>Hardtanh, ReLU6, Hardsigmoid, Hardswish, Mish and PReLU by hand; Unbind; TruncNormal and Orthogonal initialisation.</summary>
public class MoreActivationsTests
{
    static readonly double[] Xs = [-4, -3, -1, -0.5, 0, 0.5, 2, 7];

    [Fact]
    public void Piecewise_activations_by_hand()
    {
        var x = Torch.Tensor(Xs);
        Expect.Close(new Hardtanh().Forward(x), Xs.Select(v => Math.Clamp(v, -1, 1)).ToArray(), 1e-12);
        Expect.Close(new ReLU6().Forward(x), Xs.Select(v => Math.Clamp(v, 0, 6)).ToArray(), 1e-12);
        Expect.Close(new Hardsigmoid().Forward(x), Xs.Select(v => Math.Clamp(v + 3, 0, 6) / 6).ToArray(), 1e-12);
        Expect.Close(new Hardswish().Forward(x), Xs.Select(v => v * Math.Clamp(v + 3, 0, 6) / 6).ToArray(), 1e-12);
        Expect.Close(new Mish().Forward(x), Xs.Select(v => v * Math.Tanh(Math.Log(1 + Math.Exp(v)))).ToArray(), 1e-12);
        Assert.True(GradCheck.Check(t => Functional.Mish(t[0]) + Functional.Hardswish(t[0]), new[] { Torch.Tensor(new[] { -2.2, 0.3, 1.7 }, requiresGrad: true) }));
    }

    [Fact]
    public void PReLU_learns_one_slope_per_channel()
    {
        var prelu = new PReLU(2);
        var x = Torch.Tensor(new[] { -1f, 2f, -3f, 4f }).Reshape(1, 2, 2);
        var y = prelu.Forward(x);
        Expect.Close(y, new[] { 1, 2, 2 }, new double[] { -0.25, 2, -0.75, 4 });
        y.Sum().Backward();
        // d/da_c of Σ a_c·min(0, x) over channel c.
        Expect.Close(prelu.weight.Grad!, new double[] { -1, -3 });
        Assert.Contains("mismatch of parameter numbers", Assert.Throws<ArgumentException>(() => prelu.Forward(Torch.Zeros(1, 3, 2))).Message);
    }

    [Fact]
    public void Unbind_gives_the_slices_without_the_dim()
    {
        var x = Torch.Tensor(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } });
        var columns = x.Unbind(1);
        Assert.Equal(3, columns.Length);
        Expect.Close(columns[2], new[] { 2 }, new double[] { 3, 6 });
        Expect.Close(x.Unbind()[1], new[] { 3 }, new double[] { 4, 5, 6 });
    }

    [Fact]
    public void TruncNormal_stays_in_bounds_with_the_truncated_moments()
    {
        var w = Torch.Zeros(200, 100);
        Init.TruncNormal(w, generator: new Generator(1));
        var v = w.ToArray<float>();
        Assert.All(v, x => Assert.InRange(x, -2f, 2f));
        // N(0, 1) truncated to [−2, 2]: mean 0, variance 1 − 4φ(2)/(Φ(2) − Φ(−2)) = 0.7737.
        Assert.InRange(v.Average(), -0.02, 0.02);
        Assert.InRange(v.Select(x => (double)x * x).Average(), 0.7737 - 0.02, 0.7737 + 0.02);
    }

    [Fact]
    public void Orthogonal_gives_orthonormal_rows_or_columns_times_the_gain()
    {
        foreach (var (rows, cols) in new[] { (3, 5), (5, 3) })
        {
            var w = Torch.Zeros(rows, cols).Double();
            Init.Orthogonal(w, gain: 2, generator: new Generator(4));
            var gram = rows < cols ? w.MatMul(w.T) : w.T.MatMul(w);
            var n = Math.Min(rows, cols);
            Expect.Close(gram, new[] { n, n }, Enumerable.Range(0, n * n).Select(k => k / n == k % n ? 4.0 : 0.0).ToArray(), 1e-12);
        }
        Assert.Contains("2 or more dimensions", Assert.Throws<ArgumentException>(() => Init.Orthogonal(Torch.Zeros(3))).Message);
    }
}
