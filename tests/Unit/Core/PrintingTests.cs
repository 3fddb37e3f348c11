using Xunit;

namespace Hybrid.Unit;

/// <summary>ToString is PyTorch's repr, character for character (expected strings are PyTorch 2.x output).</summary>
public class PrintingTests
{
    [Fact]
    public void Whole_floats_print_with_a_trailing_dot()
    {
        Assert.Equal("tensor([1., 2.])", Torch.Tensor(new[] { 1f, 2f }).ToString());
    }

    [Fact]
    public void Fractional_matrix_prints_four_decimals_with_rows_aligned()
    {
        var x = Torch.Tensor(new[,] { { 1.5f, 2f }, { 3f, 4f } });
        Assert.Equal("tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])", x.ToString());
    }

    [Fact]
    public void Leaf_requiring_grad_prints_requires_grad_True()
    {
        Assert.Equal("tensor([1., 2.], requires_grad=True)", Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true).ToString());
    }

    [Fact]
    public void Result_of_an_op_prints_its_grad_fn()
    {
        var a = Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true);
        var b = Torch.Tensor(new[] { 3f, 4f });
        Assert.Equal("tensor([3., 8.], grad_fn=<MulBackward0>)", (a * b).ToString());
    }

    [Fact]
    public void Mean_prints_grad_fn_MeanBackward0()
    {
        var x = Torch.Ones(new[] { 2, 2 }, DType.Float32, requiresGrad: true);
        var outv = ((x + 1) * (x + 1) * 2).Mean();
        Assert.Equal("tensor(8., grad_fn=<MeanBackward0>)", outv.ToString());
    }

    [Fact]
    public void Float64_prints_its_dtype_before_requires_grad()
    {
        Assert.Equal("tensor([1., 2.], dtype=torch.float64)", Torch.Tensor(new[] { 1.0, 2.0 }).ToString());
        Assert.Equal("tensor([1.5000, 2.0000], dtype=torch.float64, requires_grad=True)",
            Torch.Tensor(new[] { 1.5, 2.0 }, requiresGrad: true).ToString());
    }

    [Fact]
    public void Int64_prints_plain_integers_without_dtype()
    {
        Assert.Equal("tensor([1, 2, 3])", Torch.Tensor(new[] { 1L, 2L, 3L }).ToString());
    }

    [Fact]
    public void Int32_prints_its_dtype()
    {
        Assert.Equal("tensor([1, 2, 3], dtype=torch.int32)", Torch.Tensor(new[] { 1, 2, 3 }).ToString());
    }

    [Fact]
    public void Bool_pads_True_to_the_width_of_False()
    {
        Assert.Equal("tensor([ True, False])", Torch.Tensor(new[] { true, false }).ToString());
    }

    [Fact]
    public void Zero_dim_tensors_print_without_brackets()
    {
        Assert.Equal("tensor(3.)", Torch.Tensor(3f).ToString());
        Assert.Equal("tensor(5)", Torch.Tensor(5L).ToString());
        Assert.Equal("tensor(2.5000, requires_grad=True)", Torch.Tensor(2.5f, requiresGrad: true).ToString());
    }

    [Fact]
    public void Negative_values_pad_positive_ones_to_a_common_width()
    {
        Assert.Equal("tensor([-1.0000,  2.5000])", Torch.Tensor(new[] { -1f, 2.5f }).ToString());
        Assert.Equal("tensor([-1, 10])", Torch.Tensor(new[] { -1L, 10L }).ToString());
    }

    [Fact]
    public void Widely_ranging_values_print_in_scientific_notation()
    {
        Assert.Equal("tensor([1.0000e-05, 1.0000e+00])", Torch.Tensor(new[] { 1e-5f, 1f }).ToString());
    }

    [Fact]
    public void Nan_and_inf_do_not_widen_whole_floats()
    {
        // PyTorch sizes the columns from the finite non-zero values only.
        Assert.Equal("tensor([1., nan, inf])", Torch.Tensor(new[] { 1f, float.NaN, float.PositiveInfinity }).ToString());
    }

    [Fact]
    public void Three_dim_tensor_separates_matrices_by_a_blank_line()
    {
        var x = Torch.Arange(8).Reshape(2, 2, 2);
        Assert.Equal("tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])", x.ToString());
    }

    [Fact]
    public void Empty_tensors_print_empty_brackets_and_size_when_not_1d()
    {
        Assert.Equal("tensor([])", Torch.Zeros(0).ToString());
        Assert.Equal("tensor([], size=(0, 3))", Torch.Zeros(0, 3).ToString());
    }

    [Fact]
    public void Long_vectors_wrap_at_80_columns()
    {
        var x = Torch.Arange(20).To(DType.Float32);
        Assert.Equal(
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n" +
            "        14., 15., 16., 17., 18., 19.])",
            x.ToString());
    }

    [Fact]
    public void More_than_1000_elements_are_summarised_with_an_ellipsis()
    {
        Assert.Equal("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])", Torch.Arange(2000).ToString());
    }

    [Fact]
    public void Non_contiguous_views_print_in_logical_order()
    {
        var x = Torch.Tensor(new[,] { { 1L, 2L }, { 3L, 4L } }).T;
        Assert.Equal("tensor([[1, 3],\n        [2, 4]])", x.ToString());
    }
}
