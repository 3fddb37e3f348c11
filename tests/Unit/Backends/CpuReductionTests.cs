using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

public class CpuReductionTests
{
    /// <summary>The reduction by definition: visit every input index, fold into its output slot.</summary>
    static double[] NaiveReduce(ReduceOp op, double[] logical, int[] shape, int[] dims)
    {
        var outShape = shape.Where((_, d) => !dims.Contains(d)).ToArray();
        var result = new double?[outShape.Aggregate(1, (a, b) => a * b)];
        foreach (var index in Indices(shape))
        {
            var o = Flat(outShape, index.Where((_, d) => !dims.Contains(d)).ToArray());
            var v = logical[Flat(shape, index)];
            result[o] = result[o] is not { } acc ? v : op switch
            {
                ReduceOp.Sum => acc + v,
                ReduceOp.Prod => acc * v,
                ReduceOp.Max => double.IsNaN(acc) || double.IsNaN(v) ? double.NaN : Math.Max(acc, v),
                _ => double.IsNaN(acc) || double.IsNaN(v) ? double.NaN : Math.Min(acc, v),
            };
        }
        return result.Select(v => v ?? (op == ReduceOp.Prod ? 1 : 0)).ToArray();
    }

    static IEnumerable<int[]> Subsets(int rank) =>
        Enumerable.Range(0, 1 << rank).Select(mask => Enumerable.Range(0, rank).Where(d => (mask >> d & 1) != 0).ToArray());

    [Theory]
    [InlineData(ReduceOp.Sum)]
    [InlineData(ReduceOp.Prod)]
    [InlineData(ReduceOp.Max)]
    [InlineData(ReduceOp.Min)]
    public void Every_dim_subset_of_a_permuted_view_matches_the_naive_reduction(ReduceOp op)
    {
        int[] shape = [2, 3, 4, 5];
        foreach (var order in new[] { new[] { 0, 1, 2, 3 }, [3, 1, 0, 2], [2, 3, 1, 0] })
        {
            var view = Permuted(new System.Random(7), shape, order, 3, out var logical);
            if (op == ReduceOp.Prod)
            {
                // Keep products of up to 120 factors finite: factors in [0.9, 1.1].
                var data = Data<double>(view.Storage);
                for (var i = 0; i < data.Length; i++) data[i] = 1 + data[i] / 100;
                logical = Naive<double>(view);
            }
            foreach (var dims in Subsets(4))
            {
                var expected = NaiveReduce(op, logical, shape, dims);
                var actual = Data<double>(CpuKernels.Reduce(op, view, dims));
                var tol = op is ReduceOp.Max or ReduceOp.Min ? 0 : 1e-13;
                AllClose(expected, actual, tol);
            }
        }
    }

    [Fact]
    public void Broadcast_dims_reduce_as_repeated_values()
    {
        // (3, 4) view of [1, 2, 3] broadcast along dim 1.
        var view = View(new double[] { 1, 2, 3 }, [3, 4], [1, 0], 0);
        Assert.Equal([4.0, 8, 12], Data<double>(CpuKernels.Reduce(ReduceOp.Sum, view, [1])));
        Assert.Equal([6.0, 6, 6, 6], Data<double>(CpuKernels.Reduce(ReduceOp.Sum, view, [0])));
        Assert.Equal([24.0], Data<double>(CpuKernels.Reduce(ReduceOp.Sum, view, [0, 1])));
        Assert.Equal([1.0, 16, 81], Data<double>(CpuKernels.Reduce(ReduceOp.Prod, view, [1])));
    }

    [Fact]
    public void Float32_sum_of_a_million_elements_is_accurate_in_both_traversals()
    {
        const int n = 1_000_000;
        var data = Enumerable.Repeat(0.1f, n).ToArray();
        var exact = n * (double)0.1f;
        // A row sum: the reduced dim is innermost.
        var row = Data<float>(CpuKernels.Reduce(ReduceOp.Sum, View(data, n), [0]))[0];
        Assert.True(Math.Abs(row - exact) / exact < 1e-6, $"row sum {row} vs {exact}");
        // Column sums: the kept dim is innermost (slices combine elementwise).
        var cols = Data<float>(CpuKernels.Reduce(ReduceOp.Sum, View(data, n / 4, 4), [0]));
        foreach (var c in cols) Assert.True(Math.Abs(c - exact / 4) / (exact / 4) < 1e-5, $"column sum {c} vs {exact / 4}");
    }

    [Fact]
    public void Float32_sums_of_random_values_match_a_double_reference()
    {
        var rng = new System.Random(11);
        var data = RandomFloats(rng, 3 * 70001, 1);
        var sums = Data<float>(CpuKernels.Reduce(ReduceOp.Sum, View(data, 3, 70001), [1]));
        var colSums = Data<float>(CpuKernels.Reduce(ReduceOp.Sum, View(data, 70001, 3), [0]));
        for (var r = 0; r < 3; r++)
        {
            var exact = 0.0;
            for (var j = 0; j < 70001; j++) exact += data[r * 70001 + j];
            Assert.True(Math.Abs(sums[r] - exact) < 1e-3, $"row {r}: {sums[r]} vs {exact}");
            var exactCol = 0.0;
            for (var i = 0; i < 70001; i++) exactCol += data[i * 3 + r];
            Assert.True(Math.Abs(colSums[r] - exactCol) < 1e-3, $"column {r}: {colSums[r]} vs {exactCol}");
        }
    }

    [Fact]
    public void Max_and_min_propagate_nan_in_both_traversals()
    {
        var data = new float[] { 1, float.NaN, 3, 4, 5, 6 };
        var byRow = Data<float>(CpuKernels.Reduce(ReduceOp.Max, View(data, 2, 3), [1]));
        Assert.True(float.IsNaN(byRow[0]));
        Assert.Equal(6f, byRow[1]);
        var byColumn = Data<float>(CpuKernels.Reduce(ReduceOp.Min, View(data, 2, 3), [0]));
        Assert.Equal(1f, byColumn[0]);
        Assert.True(float.IsNaN(byColumn[1]));
        Assert.Equal(3f, byColumn[2]);
    }

    [Fact]
    public void Empty_reductions_give_identities_and_max_of_nothing_fails()
    {
        var empty = View(Array.Empty<double>(), 3, 0);
        Assert.Equal([0.0, 0, 0], Data<double>(CpuKernels.Reduce(ReduceOp.Sum, empty, [1])));
        Assert.Equal([1.0, 1, 1], Data<double>(CpuKernels.Reduce(ReduceOp.Prod, empty, [1])));
        Assert.Empty(Data<double>(CpuKernels.Reduce(ReduceOp.Max, empty, [0]))); // nothing to reduce into
        var e = Assert.Throws<ArgumentException>(() => CpuKernels.Reduce(ReduceOp.Max, empty, [1]));
        Assert.Contains("max(): Expected reduction dim to have non-zero size", e.Message);
    }

    [Fact]
    public void No_dims_gives_a_copy()
    {
        var view = View(new long[] { 1, 2, 3, 4 }, [2, 2], [1, 2], 0);
        Assert.Equal([1L, 3, 2, 4], Data<long>(CpuKernels.Reduce(ReduceOp.Sum, view, [])));
    }

    [Fact]
    public void Integer_and_bool_reductions_are_exact()
    {
        var longs = View(new long[] { long.MaxValue / 2, long.MaxValue / 2, 1, -5 }, 4);
        Assert.Equal([long.MaxValue - 5], Data<long>(CpuKernels.Reduce(ReduceOp.Sum, longs, [0])));
        Assert.Equal([-120], Data<int>(CpuKernels.Reduce(ReduceOp.Prod, View(new[] { 1, -2, 3, 4, 5 }, 5), [0])));
        Assert.Equal([(byte)200, 7], Data<byte>(CpuKernels.Reduce(ReduceOp.Max, View(new byte[] { 1, 7, 200, 3 }, 2, 2), [0])));
        var mask = View(new[] { true, false, true, true }, 2, 2);
        Assert.Equal([true, true], Data<bool>(CpuKernels.Reduce(ReduceOp.Max, mask, [1]))); // any
        Assert.Equal([false, true], Data<bool>(CpuKernels.Reduce(ReduceOp.Min, mask, [1]))); // all
        Assert.Throws<NotSupportedException>(() => CpuKernels.Reduce(ReduceOp.Sum, mask, [1]));
    }

    [Fact]
    public void Argmax_returns_the_first_maximum_and_nan_wins()
    {
        var x = View(new[] { 1.0, 3, 3, 2, double.NaN, 5, 5, double.NaN }, 2, 4);
        Assert.Equal([1L, 0], Data<long>(CpuKernels.ArgReduce(true, x, 1)));
        Assert.Equal([0L, 0], Data<long>(CpuKernels.ArgReduce(false, x, 1)));
        // Along dim 0 of the same data: columns (1, NaN), (3, 5), (3, 5), (2, NaN).
        Assert.Equal([1L, 1, 1, 1], Data<long>(CpuKernels.ArgReduce(true, x, 0)));
        Assert.Equal([1L, 0, 0, 1], Data<long>(CpuKernels.ArgReduce(false, x, 0)));
    }

    [Fact]
    public void Argmin_on_a_transposed_integer_view_matches_a_naive_scan()
    {
        var rng = new System.Random(5);
        var data = Enumerable.Range(0, 60).Select(_ => (long)rng.Next(0, 6)).ToArray(); // many ties
        var view = View(data, [5, 12], [1, 5], 0); // transpose of a (12, 5) array
        for (var dim = 0; dim < 2; dim++)
        {
            var expectedMax = new List<long>();
            var expectedMin = new List<long>();
            var other = 1 - dim;
            for (var o = 0; o < view.Shape[other]; o++)
            {
                var values = Enumerable.Range(0, view.Shape[dim])
                    .Select(i => At<long>(view, dim == 0 ? [i, o] : [o, i])).ToList();
                expectedMax.Add(values.IndexOf(values.Max()));
                expectedMin.Add(values.IndexOf(values.Min()));
            }
            Assert.Equal(expectedMax, Data<long>(CpuKernels.ArgReduce(true, view, dim)));
            Assert.Equal(expectedMin, Data<long>(CpuKernels.ArgReduce(false, view, dim)));
        }
    }

    [Fact]
    public void Argmax_over_an_empty_dim_fails()
    {
        var e = Assert.Throws<ArgumentException>(() => CpuKernels.ArgReduce(true, View(Array.Empty<float>(), 0, 3), 0));
        Assert.Contains("argmax()", e.Message);
    }
}
