using Xunit;
using Hybrid.NN;
using Hybrid.Optim;

namespace Hybrid.Unit.Optim;

/// <summary>
/// The small problem the optimizer tests share: a float64 parameter w of three elements and the
/// loss Σ(w·c)², whose gradient is 2c²w; references recompute it with doubles.
/// </summary>
internal static class Quadratic
{
    public static readonly double[] C = { 0.5, 1.5, -1.0 };
    public static readonly double[] W0 = { 1.0, -2.0, 3.0 };

    public static Parameter Param() => new(Torch.Tensor((double[])W0.Clone()));

    public static Tensor Loss(Tensor w) => (w * Torch.Tensor(C)).Pow(2).Sum();

    /// <summary>The gradient 2c²w, computed with doubles.</summary>
    public static double[] Grad(double[] w) => w.Select((x, i) => 2 * C[i] * C[i] * x).ToArray();

    /// <summary>Runs <paramref name="steps"/> of ZeroGrad, Backward, Step; the parameter after each step.</summary>
    public static List<double[]> Run(Optimizer optimizer, Parameter w, int steps = 3)
    {
        var trace = new List<double[]>();
        for (var k = 0; k < steps; k++)
        {
            optimizer.ZeroGrad();
            Loss(w).Backward();
            optimizer.Step();
            trace.Add(Expect.Values(w));
        }
        return trace;
    }

    /// <summary>Runs a reference update <paramref name="update"/>(w, g, step) on doubles for <paramref name="steps"/> steps.</summary>
    public static List<double[]> Reference(Func<double[], double[], int, double[]> update, int steps = 3)
    {
        var trace = new List<double[]>();
        var w = (double[])W0.Clone();
        for (var t = 1; t <= steps; t++)
        {
            w = update(w, Grad(w), t);
            trace.Add(w);
        }
        return trace;
    }

    /// <summary>Each step's parameter equal to the reference within a relative 1e-12.</summary>
    public static void Same(List<double[]> expected, List<double[]> actual, double tol = 1e-12)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var k = 0; k < expected.Count; k++)
            for (var i = 0; i < expected[k].Length; i++)
                Assert.True(Math.Abs(expected[k][i] - actual[k][i]) <= tol * Math.Max(1, Math.Abs(expected[k][i])),
                    $"step {k + 1}, element {i}: expected {expected[k][i]:R}, got {actual[k][i]:R}\nexpected [{string.Join(", ", expected[k])}]\nactual   [{string.Join(", ", actual[k])}]");
    }

    /// <summary>Element-wise map over equal-length arrays.</summary>
    public static double[] Map(int n, Func<int, double> f) => Enumerable.Range(0, n).Select(f).ToArray();
}
