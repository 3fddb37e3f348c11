using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

public class CpuSoftmaxTests
{
    /// <summary>softmax along dim by the definition e^x/Σe^x, in double, lane by lane.</summary>
    static double[] Naive(double[] logical, int[] shape, int dim, bool log)
    {
        var result = new double[logical.Length];
        foreach (var index in Indices(shape.Select((s, d) => d == dim ? 1 : s).ToArray()))
        {
            var lane = Enumerable.Range(0, shape[dim]).Select(i =>
            {
                var at = (int[])index.Clone();
                at[dim] = i;
                return Flat(shape, at);
            }).ToArray();
            var max = lane.Max(p => logical[p]);
            var sum = lane.Sum(p => Math.Exp(logical[p] - max));
            foreach (var p in lane)
                result[p] = log ? logical[p] - max - Math.Log(sum) : Math.Exp(logical[p] - max) / sum;
        }
        return result;
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(0, true)]
    [InlineData(2, true)]
    public void Softmax_of_a_permuted_view_matches_the_definition(int dim, bool log)
    {
        int[] shape = [3, 4, 5];
        var x = Permuted(new System.Random(dim), shape, [1, 2, 0], 2, out var logical);
        AllClose(Naive(logical, shape, dim, log), Data<double>(CpuKernels.Softmax(x, dim, log)), 1e-14);
        // The contiguous fast path agrees.
        AllClose(Naive(logical, shape, dim, log), Data<double>(CpuKernels.Softmax(View(logical, shape), dim, log)), 1e-14);
    }

    [Fact]
    public void Large_logits_do_not_overflow()
    {
        var x = View(new float[] { 1000, 1001, 1002, -1000, 0, 1000 }, 2, 3);
        var p = Data<float>(CpuKernels.Softmax(x, 1, false));
        var e = new[] { Math.Exp(-2), Math.Exp(-1), 1 };
        for (var i = 0; i < 3; i++) Close(e[i] / e.Sum(), p[i], 1e-6);
        Assert.Equal([0f, 0f, 1f], p[3..]);
        var logp = Data<float>(CpuKernels.Softmax(x, 1, true));
        Close(-2 - Math.Log(e.Sum()), logp[0], 1e-6);
        Close(-2000, logp[3], 1e-6);
        Assert.All(p.Concat(logp), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Softmax_rows_sum_to_one_and_nan_spreads_through_its_lane()
    {
        var rng = new System.Random(6);
        var data = RandomFloats(rng, 4 * 300, 20);
        data[5] = float.NaN;
        var p = Data<float>(CpuKernels.Softmax(View(data, 4, 300), 1, false));
        Assert.All(p[..300], v => Assert.True(float.IsNaN(v)));
        for (var r = 1; r < 4; r++) Close(1, p[(r * 300)..((r + 1) * 300)].Sum(v => (double)v), 1e-5);
    }
}
