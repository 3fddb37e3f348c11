using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

public class CpuMatMulTests
{
    /// <summary>C[b][i][j] = Σ_p A[b][i][p]·B[b][p][j] by the triple loop, reading views by multi-index.</summary>
    static double[] Naive(Strided a, Strided b)
    {
        int rank = a.Shape.Length, m = a.Shape[rank - 2], k = a.Shape[rank - 1], n = b.Shape[rank - 1];
        var batchShape = a.Shape[..(rank - 2)];
        var result = new List<double>();
        foreach (var batch in Indices(batchShape))
            for (var i = 0; i < m; i++)
                for (var j = 0; j < n; j++)
                {
                    var sum = 0.0;
                    for (var p = 0; p < k; p++)
                        sum += Value(a, [.. batch, i, p]) * Value(b, [.. batch, p, j]);
                    result.Add(sum);
                }
        return result.ToArray();
    }

    static double Value(Strided v, int[] index) =>
        v.Storage is CpuStorage<float> ? At<float>(v, index) : At<double>(v, index);

    /// <summary>A random (batch..., rows, cols) view; transposed stores the last two dims swapped.</summary>
    static Strided Matrix(System.Random rng, int[] batch, int rows, int cols, bool transposed, bool float32)
    {
        int[] shape = [.. batch, rows, cols];
        var count = shape.Aggregate(1, (x, y) => x * y);
        var strides = Layout.ContiguousStrides(shape);
        if (transposed)
        {
            var r = batch.Length;
            strides[r] = 1;
            strides[r + 1] = rows;
        }
        var values = RandomDoubles(rng, count + 2, 1);
        return float32
            ? View(values.Select(v => (float)v).ToArray(), shape, strides, 2)
            : View(values, shape, strides, 2);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 5, 7)]
    [InlineData(4, 9, 33)]
    [InlineData(2, 17, 70)]
    [InlineData(13, 6, 600)] // more columns than one column chunk
    [InlineData(5, 130, 19)]
    public void Products_of_transposed_operands_match_the_triple_loop(int m, int k, int n)
    {
        var rng = new System.Random(m * 1000 + k * 10 + n);
        foreach (var float32 in new[] { false, true })
            foreach (var ta in new[] { false, true })
                foreach (var tb in new[] { false, true })
                {
                    var a = Matrix(rng, [], m, k, ta, float32);
                    var b = Matrix(rng, [], k, n, tb, float32);
                    var c = CpuKernels.MatMul(a, b);
                    var actual = float32 ? Data<float>(c).Select(v => (double)v).ToArray() : Data<double>(c);
                    AllClose(Naive(a, b), actual, float32 ? 1e-5 * Math.Sqrt(k) : 1e-13);
                }
    }

    [Fact]
    public void Batched_products_accept_broadcast_batches()
    {
        var rng = new System.Random(9);
        // a: (2, 3, 4, 5) with batches stored transposed; b: (2, 3, 5, 6) broadcast over the first dim.
        var a = Matrix(rng, [2, 3], 4, 5, transposed: true, float32: false);
        var bData = RandomDoubles(rng, 3 * 5 * 6);
        var b = View(bData, [2, 3, 5, 6], [0, 30, 6, 1], 0);
        var c = CpuKernels.MatMul(a, b);
        AllClose(Naive(a, b), Data<double>(c), 1e-13);
        Assert.Equal(2 * 3 * 4 * 6, Data<double>(c).Length);
        // b broadcast over every batch and stored transposed (packed once).
        var shared = View(bData[..30], [2, 3, 5, 6], [0, 0, 1, 5], 0);
        AllClose(Naive(a, shared), Data<double>(CpuKernels.MatMul(a, shared)), 1e-13);
    }

    [Fact]
    public void Empty_inner_dimension_gives_zeros_and_empty_outer_dimensions_work()
    {
        var a = View(Array.Empty<float>(), 3, 0);
        var b = View(Array.Empty<float>(), 0, 4);
        Assert.Equal(new float[12], Data<float>(CpuKernels.MatMul(a, b)));
        Assert.Empty(Data<float>(CpuKernels.MatMul(View(Array.Empty<float>(), 0, 2), View(new float[6], 2, 3))));
        Assert.Empty(Data<float>(CpuKernels.MatMul(View(new float[6], 3, 2), View(Array.Empty<float>(), 2, 0))));
    }

    [Fact]
    public void Integer_products_are_exact()
    {
        var a = View(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = View(new long[] { 7, 8, 9, 10, 11, 12 }, 3, 2);
        Assert.Equal([58L, 64, 139, 154], Data<long>(CpuKernels.MatMul(a, b)));
    }

    [Fact]
    public void Nan_and_infinity_in_a_propagate_even_against_zero_entries()
    {
        var a = View(new[] { double.PositiveInfinity, 0 }, 1, 2);
        var b = View(new[] { 0.0, 1, 2, 3 }, 2, 2);
        var c = Data<double>(CpuKernels.MatMul(a, b));
        Assert.True(double.IsNaN(c[0])); // ∞·0
        Assert.Equal(double.PositiveInfinity, c[1]);
    }
}
