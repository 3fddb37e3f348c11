using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

/// <summary>
/// argmax/argmin over a dim that is not innermost (pooling windows), where neighbouring outputs
/// are compared a vector at a time: against a scalar definition, with ties and NaNs.
/// </summary>
public class CpuArgReduceColumnsTests
{
    /// <summary>The first index of the extreme along dim 1 of an (a, r, c) array; the first NaN wins.</summary>
    static long[] Naive(float[] x, int a, int r, int c, bool max)
    {
        var o = new long[a * c];
        for (var i = 0; i < a; i++)
        for (var k = 0; k < c; k++)
        {
            long best = 0;
            var value = x[i * r * c + k];
            for (var j = 1; j < r && !float.IsNaN(value); j++)
            {
                var v = x[(i * r + j) * c + k];
                if (float.IsNaN(v) || (max ? v > value : v < value)) (best, value) = (j, v);
            }
            o[i * c + k] = best;
        }
        return o;
    }

    [Theory]
    [InlineData(3, 5, 21)]
    [InlineData(2, 4, 196)]
    [InlineData(1, 1, 17)]
    [InlineData(4, 7, 8)]
    public void Vectorized_columns_agree_with_the_definition_with_ties_and_NaNs(int a, int r, int c)
    {
        var rng = new System.Random(a * 100 + r * 10 + c);
        var x = Enumerable.Range(0, a * r * c).Select(_ => rng.Next(20) == 0 ? float.NaN : (float)rng.Next(-3, 4)).ToArray();
        foreach (var max in new[] { true, false })
        {
            var got = Data<long>(CpuKernels.ArgReduce(max, View(x, a, r, c), 1));
            Assert.Equal(Naive(x, a, r, c, max), got);
        }
    }
}
