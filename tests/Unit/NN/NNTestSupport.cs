using Hybrid.NN;
using Xunit;

namespace Hybrid.Unit.NN;

/// <summary>Inputs from private generators and finite-difference checks of parameter gradients.</summary>
internal static class NNTest
{
    /// <summary>Standard normal values of a shape from a generator seeded by <paramref name="seed"/>.</summary>
    public static Tensor Randn(int seed, DType dtype, params int[] shape) =>
        Torch.Randn(shape, dtype, new Generator((ulong)seed));

    /// <summary>Float32 standard normal values.</summary>
    public static Tensor Randn(int seed, params int[] shape) => Randn(seed, DType.Float32, shape);

    /// <summary>Float64 standard normal values.</summary>
    public static Tensor Randn64(int seed, params int[] shape) => Randn(seed, DType.Float64, shape);

    /// <summary>The elements as doubles.</summary>
    public static double[] D(Tensor t) => Expect.Values(t);

    /// <summary>Overwrites every parameter of a module with values from a seeded generator (no graph).</summary>
    public static void Randomize(Module module, int seed, double scale = 0.5)
    {
        var gen = new Generator((ulong)seed);
        foreach (var p in module.Parameters())
            using (Torch.NoGrad()) p.Copy_(Torch.Randn(p.Shape, p.DType, gen) * scale);
    }

    /// <summary>
    /// Backpropagates <paramref name="loss"/> once, then compares a few entries of every
    /// parameter's gradient with central differences of the loss (float64 modules).
    /// </summary>
    public static void CheckParameterGradients(Module module, Func<Tensor> loss, int entries = 4, double eps = 1e-6, double tol = 1e-5)
    {
        module.ZeroGrad();
        loss().Backward();
        var rng = new Random(1);
        foreach (var (name, p) in module.NamedParameters())
        {
            Assert.True(p.DType == DType.Float64, $"{name}: convert the module to Float64 first");
            var grad = p.Grad is null ? new double[p.NumEl] : D(p.Grad);
            for (var e = 0; e < Math.Min(entries, p.NumEl); e++)
            {
                var k = e == 0 ? 0 : rng.Next(p.NumEl);
                var delta = new double[p.NumEl];
                delta[k] = eps;
                var step = Torch.FromArray(delta, p.Shape);
                double Shifted(double sign)
                {
                    using (Torch.NoGrad()) p.Add_(step, sign);
                    var value = loss().ToDouble();
                    using (Torch.NoGrad()) p.Sub_(step * sign);
                    return value;
                }
                var numeric = (Shifted(1) - Shifted(-1)) / (2 * eps);
                Assert.True(Math.Abs(numeric - grad[k]) <= tol * Math.Max(1, Math.Abs(numeric)),
                    $"{name}[{k}]: backward gives {grad[k]}, central differences {numeric}");
            }
        }
    }

    /// <summary>The names of a module's parameters, in order.</summary>
    public static string[] Names(Module module) => module.NamedParameters().Select(p => p.Name).ToArray();

    /// <summary>Asserts that an ArgumentException is thrown and its message contains every fragment.</summary>
    public static void ThrowsWith(Action action, params string[] fragments)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }
}
