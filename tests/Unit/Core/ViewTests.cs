using Xunit;

namespace Hybrid.Unit;

/// <summary>Views share storage (a write through one shows in the other) and reorder by strides, not copies.</summary>
public class ViewTests
{
    /// <summary>0, 1, ..., n−1 as float32 in the given shape.</summary>
    static Tensor Range(params int[] shape) =>
        Torch.Arange(shape.Aggregate(1, (a, b) => a * b)).To(DType.Float32).Reshape(shape);

    [Fact]
    public void Reshape_and_View_of_contiguous_tensor_share_storage()
    {
        var x = Torch.Zeros(2, 3);
        var r = x.Reshape(3, 2);
        var v = x.View(6);
        Expect.Close(r, new[] { 3, 2 }, new double[6]);
        using (Torch.NoGrad()) r[1].Copy_(Torch.Tensor(new[] { 7f, 8f }));
        Expect.Close(x, new[] { 2, 3 }, new double[] { 0, 0, 7, 8, 0, 0 });
        Expect.Close(v, new double[] { 0, 0, 7, 8, 0, 0 });
    }

    [Fact]
    public void View_infers_one_minus_one_dim()
    {
        Assert.Equal(new[] { 2, 6 }, Range(3, 4).View(2, -1).Shape);
        Assert.Equal(new[] { 4, 3 }, Range(3, 4).Reshape(-1, 3).Shape);
    }

    [Fact]
    public void Transpose_swaps_strides_without_copying()
    {
        var x = Range(2, 3);
        var t = x.Transpose(0, 1);
        Assert.Equal(new[] { 3, 2 }, t.Shape);
        Assert.Equal(new[] { 1, 3 }, t.Stride());
        Assert.False(t.IsContiguous);
        Expect.Close(t, new double[] { 0, 3, 1, 4, 2, 5 });
        using (Torch.NoGrad()) t[0].Copy_(Torch.Tensor(new[] { 10f, 20f }));  // column 0 of x
        Expect.Close(x, new double[] { 10, 1, 2, 20, 4, 5 });
    }

    [Fact]
    public void T_transposes_a_matrix()
    {
        Expect.Close(Range(2, 3).T, new[] { 3, 2 }, new double[] { 0, 3, 1, 4, 2, 5 });
    }

    [Fact]
    public void Permute_matches_a_naive_reindexing()
    {
        var x = Range(2, 3, 4);
        var p = x.Permute(2, 0, 1);               // p[i, j, k] = x[j, k, i]
        Assert.Equal(new[] { 4, 2, 3 }, p.Shape);
        var expected = new List<double>();
        for (var i = 0; i < 4; i++)
            for (var j = 0; j < 2; j++)
                for (var k = 0; k < 3; k++)
                    expected.Add(j * 12 + k * 4 + i);
        Expect.Close(p, expected.ToArray());
        Assert.Equal(new[] { 1, 12, 4 }, p.Stride());
    }

    [Fact]
    public void Squeeze_and_Unsqueeze_remove_and_insert_size_one_dims()
    {
        var x = Range(1, 3, 1);
        Assert.Equal(new[] { 3 }, x.Squeeze().Shape);
        Assert.Equal(new[] { 3, 1 }, x.Squeeze(0).Shape);
        Assert.Equal(new[] { 1, 3, 1 }, x.Squeeze(1).Shape);    // size 3: no-op as in PyTorch
        var y = Range(3);
        Assert.Equal(new[] { 1, 3 }, y.Unsqueeze(0).Shape);
        Assert.Equal(new[] { 3, 1 }, y.Unsqueeze(-1).Shape);
        Expect.Close(y.Unsqueeze(1), new double[] { 0, 1, 2 });
    }

    [Fact]
    public void Expand_repeats_size_one_dims_with_zero_stride()
    {
        var x = Torch.Tensor(new[] { 1f, 2f, 3f }).Reshape(3, 1);
        var e = x.Expand(3, 2);
        Expect.Close(e, new[] { 3, 2 }, new double[] { 1, 1, 2, 2, 3, 3 });
        Assert.Equal(0, e.Stride()[1]);
        var lead = Torch.Tensor(new[] { 1f, 2f }).Expand(2, -1);
        Expect.Close(lead, new[] { 2, 2 }, new double[] { 1, 2, 1, 2 });
    }

    [Fact]
    public void Expand_of_a_non_singleton_dim_fails()
    {
        var e = Assert.Throws<ArgumentException>(() => Range(2, 3).Expand(4, 3));
        Assert.Contains("expand", e.Message);
    }

    [Fact]
    public void Flatten_merges_the_given_dims()
    {
        var x = Range(2, 3, 4);
        Assert.Equal(new[] { 24 }, x.Flatten().Shape);
        Assert.Equal(new[] { 2, 12 }, x.Flatten(1).Shape);
        Assert.Equal(new[] { 6, 4 }, x.Flatten(0, 1).Shape);
        Expect.Close(x.Flatten(), Expect.Seq(24, i => i));
    }

    [Fact]
    public void Narrow_selects_a_slice_sharing_storage()
    {
        var x = Range(10);
        var n = x.Narrow(0, 2, 3);
        Expect.Close(n, new[] { 3 }, new double[] { 2, 3, 4 });
        n.Fill_(-1);
        Expect.Close(x, new double[] { 0, 1, -1, -1, -1, 5, 6, 7, 8, 9 });
        var m = Range(3, 4).Narrow(1, 1, 2);
        Expect.Close(m, new[] { 3, 2 }, new double[] { 1, 2, 5, 6, 9, 10 });
    }

    [Fact]
    public void Reshape_of_a_non_contiguous_tensor_copies()
    {
        var x = Range(2, 3);
        var r = x.T.Reshape(6);
        Expect.Close(r, new double[] { 0, 3, 1, 4, 2, 5 });
        r.Fill_(9);
        Expect.Close(x, new double[] { 0, 1, 2, 3, 4, 5 });     // the base is untouched
    }

    [Fact]
    public void Contiguous_of_a_transpose_copies_into_row_major_order()
    {
        var c = Range(2, 3).T.Contiguous();
        Assert.True(c.IsContiguous);
        Assert.Equal(new[] { 2, 1 }, c.Stride());
        Expect.Close(c, new double[] { 0, 3, 1, 4, 2, 5 });
    }

    [Fact]
    public void Copy_broadcasts_a_scalar_into_a_column_view()
    {
        var x = Torch.Zeros(3, 2);
        using (Torch.NoGrad()) x[.., 1].Copy_(Torch.Tensor(5f));
        Expect.Close(x, new double[] { 0, 5, 0, 5, 0, 5 });
    }

    [Fact]
    public void Gradient_flows_back_through_views()
    {
        var x = Torch.Tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, requiresGrad: true);
        var y = x.View(2, 3).T.Narrow(0, 1, 2);     // elements x[1], x[4], x[2], x[5]
        (y * Torch.Tensor(new[,] { { 1f, 2f }, { 3f, 4f } })).Sum().Backward();
        Expect.Close(x.Grad, new double[] { 0, 1, 3, 0, 2, 4 });
    }
}
