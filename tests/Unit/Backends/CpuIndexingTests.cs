using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

public class CpuIndexingTests
{
    [Fact]
    public void Gather_along_each_dim_of_a_permuted_view_matches_the_definition()
    {
        var rng = new System.Random(21);
        int[] shape = [3, 4, 5];
        var x = Permuted(rng, shape, [2, 0, 1], 4, out var logical);
        for (var dim = 0; dim < 3; dim++)
        {
            // The index may be smaller than x in every dim but dim, and longer along dim.
            int[] indexShape = [2, 3, 4];
            indexShape[dim] = 7;
            var idx = Enumerable.Range(0, indexShape.Aggregate(1, (a, b) => a * b)).Select(_ => (long)rng.Next(shape[dim])).ToArray();
            var index = View(idx, indexShape);
            var actual = Data<double>(CpuKernels.Gather(x, dim, index));
            var expected = Indices(indexShape).Select(i =>
            {
                var source = (int[])i.Clone();
                source[dim] = (int)idx[Flat(indexShape, i)];
                return logical[Flat(shape, source)];
            }).ToArray();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Gather_reads_a_broadcast_index()
    {
        var x = View(new float[] { 10, 11, 12, 20, 21, 22 }, 2, 3);
        var index = View(new long[] { 2, 0 }, [2, 2], [0, 1], 0); // each row picks columns 2, 0
        Assert.Equal([12f, 10, 22, 20], Data<float>(CpuKernels.Gather(x, 1, index)));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(-1)]
    public void Gather_rejects_indices_outside_the_dim(long bad)
    {
        var x = View(new double[10], 2, 5);
        var e = Assert.Throws<ArgumentException>(() => CpuKernels.Gather(x, 1, View(new long[] { 0, bad }, 1, 2)));
        Assert.Equal($"gather(): index {bad} is out of bounds for dimension 1 with size 5", e.Message);
    }

    [Fact]
    public void Scatter_writes_and_scatter_add_accumulates_duplicates()
    {
        var x = View(new double[] { 1, 1, 1, 1, 1, 1 }, 2, 3);
        var index = View(new long[] { 2, 2, 0, 1 }, 2, 2);
        var src = View(new double[] { 5, 6, 7, 8 }, 2, 2);
        // Row 0 writes 5 then 6 into column 2 (the last write wins); row 1 writes 7→0, 8→1.
        Assert.Equal([1.0, 1, 6, 7, 8, 1], Data<double>(CpuKernels.Scatter(x, 1, index, src, false)));
        Assert.Equal([1.0, 1, 12, 8, 9, 1], Data<double>(CpuKernels.Scatter(x, 1, index, src, true)));
        Assert.Equal([1.0, 1, 1, 1, 1, 1], Data<double>(x.Storage)); // input untouched
        // Along dim 0 with a broadcast src (one value).
        var one = View(new double[] { 10 }, [1, 3], [0, 0], 0);
        var rows = View(new long[] { 1, 0, 1 }, 1, 3);
        Assert.Equal([1.0, 11, 1, 11, 1, 11], Data<double>(CpuKernels.Scatter(x, 0, rows, one, true)));
    }

    [Fact]
    public void Scatter_into_a_permuted_view_matches_the_definition()
    {
        var rng = new System.Random(4);
        int[] shape = [4, 3];
        var x = Permuted(rng, shape, [1, 0], 1, out var logical);
        var idx = new long[] { 3, 0, 2, 1, 1, 3 }; // (2, 3): distinct per column
        var src = new double[] { 1, 2, 3, 4, 5, 6 };
        var expected = (double[])logical.Clone();
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
                expected[idx[i * 3 + j] * 3 + j] = src[i * 3 + j];
        Assert.Equal(expected, Data<double>(CpuKernels.Scatter(x, 0, View(idx, 2, 3), View(src, 2, 3), false)));
    }

    [Fact]
    public void Scatter_rejects_out_of_range_indices_with_a_clear_message()
    {
        var x = View(new float[6], 2, 3);
        var e = Assert.Throws<ArgumentException>(() =>
            CpuKernels.Scatter(x, 0, View(new long[] { 0, 2 }, 1, 2), View(new float[2], 1, 2), true));
        Assert.Equal("scatter_add(): index 2 is out of bounds for dimension 0 with size 2", e.Message);
    }

    [Fact]
    public void Index_select_copies_slices_in_index_order_with_repeats()
    {
        var x = View(new long[] { 1, 2, 3, 4, 5, 6 }, [2, 3], [1, 2], 0); // [[1,3,5],[2,4,6]]
        Assert.Equal([2L, 4, 6, 1, 3, 5, 2, 4, 6], Data<long>(CpuKernels.IndexSelect(x, 0, View(new long[] { 1, 0, 1 }, 3))));
        Assert.Equal([5L, 1, 6, 2], Data<long>(CpuKernels.IndexSelect(x, 1, View(new long[] { 2, 0 }, 2))));
        Assert.Empty(Data<long>(CpuKernels.IndexSelect(x, 1, View(Array.Empty<long>(), 0))));
        var e = Assert.Throws<ArgumentException>(() => CpuKernels.IndexSelect(x, 1, View(new long[] { 3 }, 1)));
        Assert.Equal("index_select(): index 3 is out of bounds for dimension 1 with size 3", e.Message);
    }

    [Fact]
    public void Index_add_accumulates_repeated_indices()
    {
        var x = View(new float[] { 1, 1, 1, 1, 1, 1 }, 3, 2);
        var src = View(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        var index = View(new long[] { 2, 0, 2 }, 3);
        Assert.Equal([4f, 5, 1, 1, 7, 9], Data<float>(CpuKernels.IndexAdd(x, 0, index, src)));
        // Along dim 1 with a transposed src.
        var srcT = View(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2], [1, 3], 0); // [[1,4],[2,5],[3,6]]
        Assert.Equal([6f, 1, 8, 1, 10, 1], Data<float>(CpuKernels.IndexAdd(x, 1, View(new long[] { 0, 0 }, 2), srcT)));
        Assert.Throws<ArgumentException>(() => CpuKernels.IndexAdd(x, 1, View(new long[] { -1, 0 }, 2), srcT));
    }

    [Fact]
    public void Nonzero_lists_row_major_positions_of_a_strided_mask()
    {
        // The transpose of [[T, F, T], [F, F, T]] is [[T, F], [F, F], [T, T]].
        var mask = View(new[] { true, false, true, false, false, true }, [3, 2], [1, 3], 0);
        Assert.Equal([0L, 4, 5], Data<long>(CpuKernels.NonZero(mask)));
        Assert.Empty(Data<long>(CpuKernels.NonZero(View(new bool[4], 2, 2))));
        Assert.Equal([0L], Data<long>(CpuKernels.NonZero(View(new[] { true }))));
    }
}
