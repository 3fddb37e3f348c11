using Xunit;

namespace Hybrid.Unit;

/// <summary>The C# indexer: ints, negative ints, ^ from-end, ranges, bool masks and index tensors.</summary>
public class IndexingTests
{
    /// <summary>[[0,1,2,3],[4,5,6,7],[8,9,10,11]] as float32.</summary>
    static Tensor X() => Torch.Arange(12).To(DType.Float32).Reshape(3, 4);

    [Fact]
    public void Int_index_selects_a_row_and_two_ints_an_element()
    {
        Expect.Close(X()[1], new[] { 4 }, new double[] { 4, 5, 6, 7 });
        var e = X()[1, 2];
        Assert.Equal(0, e.Dim);
        Expect.Scalar(e, 6);
    }

    [Fact]
    public void Negative_int_and_hat_index_count_from_the_end()
    {
        Expect.Close(X()[-1], new double[] { 8, 9, 10, 11 });
        Expect.Close(X()[^1], new double[] { 8, 9, 10, 11 });
        Expect.Close(X()[.., ^1], new[] { 3 }, new double[] { 3, 7, 11 });
        Expect.Scalar(X()[^2, ^3], 5);
    }

    [Fact]
    public void Ranges_slice_like_python_including_clamping()
    {
        Expect.Close(X()[1..3], new[] { 2, 4 }, new double[] { 4, 5, 6, 7, 8, 9, 10, 11 });
        Expect.Close(X()[0, 1..3], new[] { 2 }, new double[] { 1, 2 });
        Expect.Close(X()[.., ..2], new[] { 3, 2 }, new double[] { 0, 1, 4, 5, 8, 9 });
        Expect.Close(X()[1.., ^2..], new[] { 2, 2 }, new double[] { 6, 7, 10, 11 });
        Assert.Equal(new[] { 1, 4 }, X()[2..10].Shape);     // end clamped to the size
        Assert.Equal(new[] { 0, 4 }, X()[3..].Shape);
    }

    [Fact]
    public void Slices_are_views_of_the_base()
    {
        var x = X();
        using (Torch.NoGrad()) x[1.., 2].Copy_(Torch.Tensor(new[] { -1f, -2f }));
        Expect.Close(x, new double[] { 0, 1, 2, 3, 4, 5, -1, 7, 8, 9, -2, 11 });
    }

    [Fact]
    public void Bool_mask_selects_the_true_elements_in_row_major_order()
    {
        var x = X();
        var picked = x[x.Gt(5).LogicalAnd(x.Lt(10))];
        Expect.Close(picked, new[] { 4 }, new double[] { 6, 7, 8, 9 });
        Expect.Close(x.MaskedSelect(x.Ge(10)), new double[] { 10, 11 });
    }

    [Fact]
    public void Bool_mask_over_the_leading_dim_selects_rows()
    {
        var rows = X()[Torch.Tensor(new[] { true, false, true })];
        Expect.Close(rows, new[] { 2, 4 }, new double[] { 0, 1, 2, 3, 8, 9, 10, 11 });
    }

    [Fact]
    public void Index_tensor_gathers_rows_and_columns_in_its_order()
    {
        var rows = X()[Torch.Tensor(new[] { 2L, 0L, 2L })];
        Expect.Close(rows, new[] { 3, 4 }, new double[] { 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11 });
        var cols = X()[.., Torch.Tensor(new[] { 3L, 0L })];
        Expect.Close(cols, new[] { 3, 2 }, new double[] { 3, 0, 7, 4, 11, 8 });
    }

    [Fact]
    public void Two_dim_index_tensor_adds_its_shape()
    {
        var r = X()[Torch.Tensor(new[,] { { 0L, 1L }, { 2L, 0L } })];
        Assert.Equal(new[] { 2, 2, 4 }, r.Shape);
        Expect.Close(r[1, 0], new double[] { 8, 9, 10, 11 });
    }

    [Fact]
    public void Gradient_of_indexing_scatters_back_to_the_picked_positions()
    {
        var x = Torch.Tensor(new[] { 1f, 2f, 3f, 4f }, requiresGrad: true);
        (x[Torch.Tensor(new[] { 0L, 3L, 0L })].Sum() + x[1] * 5).Backward();
        Expect.Close(x.Grad, new double[] { 2, 5, 0, 1 });
    }

    [Fact]
    public void Mask_of_the_wrong_shape_fails()
    {
        Assert.Throws<IndexOutOfRangeException>(() => X()[Torch.Tensor(new[] { true, false })]);
    }
}
