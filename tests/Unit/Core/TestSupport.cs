using Xunit;

namespace Hybrid.Unit;

/// <summary>Assertions on tensor values, with messages that show every element on failure.</summary>
internal static class Expect
{
    /// <summary>The elements as doubles (any dtype), row-major.</summary>
    public static double[] Values(Tensor t) => t.Detach().To(DType.Float64).ToArray<double>();

    /// <summary>Same shape and elements within tol (relative for large values, absolute near 0).</summary>
    public static void Close(Tensor actual, int[] shape, double[] expected, double tol = 1e-5)
    {
        Assert.Equal(shape, actual.Shape);
        Close(actual, expected, tol);
    }

    /// <summary>Same elements within tol, whatever the shape.</summary>
    public static void Close(Tensor actual, double[] expected, double tol = 1e-5)
    {
        var a = Values(actual);
        Assert.True(a.Length == expected.Length,
            $"expected {expected.Length} elements [{string.Join(", ", expected)}], got {a.Length} [{string.Join(", ", a)}]");
        for (var i = 0; i < a.Length; i++)
        {
            var ok = (double.IsNaN(a[i]) && double.IsNaN(expected[i])) || a[i] == expected[i]
                     || Math.Abs(a[i] - expected[i]) <= tol * Math.Max(1.0, Math.Abs(expected[i]));
            Assert.True(ok, $"element {i}: expected {expected[i]}, got {a[i]}\nexpected [{string.Join(", ", expected)}]\nactual   [{string.Join(", ", a)}]");
        }
    }

    /// <summary>A one-element tensor holding expected within tol.</summary>
    public static void Scalar(Tensor actual, double expected, double tol = 1e-5)
    {
        Assert.Equal(1, actual.NumEl);
        Close(actual, new[] { expected }, tol);
    }

    /// <summary>Float64 values from a generator formula, for naive reference computations.</summary>
    public static double[] Seq(int n, Func<int, double> f) => Enumerable.Range(0, n).Select(f).ToArray();
}

/// <summary>Tests that reseed or draw from the process-wide default generator run alone, so no
/// parallel test draws between a ManualSeed and the draw it is meant to fix.</summary>
[CollectionDefinition("DefaultGenerator", DisableParallelization = true)]
public sealed class DefaultGeneratorCollection { }
