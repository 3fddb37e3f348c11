using Xunit;

namespace Hybrid.Unit;

/// <summary>Sort, ArgSort and TopK: orders worked out by hand, ties, NaN, gradients, devices and refusals.</summary>
public class SortingTests
{
    static Tensor Rows() => Torch.Tensor(new[,] { { 3f, 1f, 2f, 1f }, { -1f, 5f, 0f, 4f } });

    [Fact]
    public void Sort_orders_each_row_and_keeps_equal_values_in_their_order()
    {
        var (values, indices) = Rows().Sort();
        Expect.Close(values, new[] { 2, 4 }, new double[] { 1, 1, 2, 3, -1, 0, 4, 5 });
        Assert.Equal(new long[] { 1, 3, 2, 0, 0, 2, 3, 1 }, indices.ToArray<long>());
        var (down, downIndices) = Torch.Sort(Rows(), descending: true);
        Expect.Close(down, new[] { 2, 4 }, new double[] { 3, 2, 1, 1, 5, 4, 0, -1 });
        Assert.Equal(new long[] { 0, 2, 1, 3, 1, 3, 2, 0 }, downIndices.ToArray<long>());
    }

    [Fact]
    public void Sort_along_the_first_dim_of_a_transposed_view()
    {
        var x = Rows().T;   // (4, 2), strides (1, 4)
        var (values, indices) = x.Sort(0);
        Expect.Close(values, new[] { 4, 2 }, new double[] { 1, -1, 1, 0, 2, 4, 3, 5 });
        Assert.Equal(new long[] { 1, 0, 3, 2, 2, 3, 0, 1 }, indices.ToArray<long>());
        Assert.Equal(new long[] { 1, 0, 3, 2, 2, 3, 0, 1 }, x.ArgSort(0).ToArray<long>());
    }

    [Fact]
    public void NaN_sorts_as_the_largest_value_and_integers_sort_too()
    {
        var x = Torch.Tensor(new[] { 2f, float.NaN, -1f, float.NegativeInfinity });
        Assert.Equal(new long[] { 3, 2, 0, 1 }, x.ArgSort().ToArray<long>());
        Assert.Equal(new long[] { 1, 0, 2, 3 }, x.ArgSort(descending: true).ToArray<long>());
        Assert.Equal(new long[] { 2, 0, 1 }, Torch.Tensor(new long[] { 7, 9, -3 }).ArgSort().ToArray<long>());
        Assert.Equal(new long[] { 1, 2, 0 }, Torch.Tensor(new[] { true, false, false }).ArgSort().ToArray<long>());
    }

    [Fact]
    public void TopK_gives_the_largest_first_and_their_indices_and_the_smallest_on_request()
    {
        var (values, indices) = Rows().TopK(2);
        Expect.Close(values, new[] { 2, 2 }, new double[] { 3, 2, 5, 4 });
        Assert.Equal(new long[] { 0, 2, 1, 3 }, indices.ToArray<long>());
        var (low, lowIndices) = Torch.TopK(Rows(), 1, dim: 1, largest: false);
        Expect.Close(low, new[] { 2, 1 }, new double[] { 1, -1 });
        Assert.Equal(new long[] { 1, 0 }, lowIndices.ToArray<long>());
        Assert.Equal(new[] { 0, 2 }, Rows().T.TopK(0, 0).Item1.Shape);
    }

    [Fact]
    public void The_gradient_of_sorted_values_returns_to_where_each_came_from()
    {
        var x = Torch.Tensor(new[] { 3f, 1f, 2f }, requiresGrad: true);
        var (top, _) = x.TopK(2);
        (top * Torch.Tensor(new[] { 10f, 100f })).Sum().Backward();
        Expect.Close(x.Grad, new double[] { 10, 0, 100 });
        Assert.True(GradCheck.Check(xs => xs[0].Sort(0).Item1 * Torch.Tensor(new[] { 1.0, 2.0, 3.0 }), new[] { Torch.Tensor(new[] { 0.3, -0.7, 0.1 }, requiresGrad: true) }));
    }

    [Fact]
    public void The_GPU_backend_gives_the_same_orders()
    {
        var gpu = new Device("ilgpu", 0);
        var x = Torch.Tensor(new[,] { { 3f, float.NaN, 1f, 3f, -2f }, { 0f, 0f, 7f, -7f, 1f } });
        foreach (var descending in new[] { false, true })
        {
            Assert.Equal(x.ArgSort(1, descending).ToArray<long>(), x.To(gpu).ArgSort(1, descending).To(Device.Cpu).ToArray<long>());
            Assert.Equal(x.ArgSort(0, descending).ToArray<long>(), x.To(gpu).ArgSort(0, descending).To(Device.Cpu).ToArray<long>());
        }
        var (values, indices) = x.To(gpu).TopK(2);
        Assert.Equal(gpu, values.Device);
        Assert.Equal(new long[] { 1, 0, 2, 4 }, indices.To(Device.Cpu).ToArray<long>());
    }

    [Fact]
    public void A_zero_dim_tensor_sorts_to_itself_and_k_out_of_range_is_refused()
    {
        var (value, index) = Torch.Tensor(4f).Sort();
        Assert.Empty(value.Shape);
        Expect.Scalar(value, 4);
        Assert.Equal(0L, index.Item<long>());
        var e = Assert.Throws<ArgumentException>(() => Rows().TopK(5));
        Assert.Contains("topk: selected index k (5) out of range for dimension 1 of size 4", e.Message);
        var dim = Assert.Throws<ArgumentException>(() => Rows().Sort(2));
        Assert.Contains("sort: Dimension out of range", dim.Message);
    }
}
