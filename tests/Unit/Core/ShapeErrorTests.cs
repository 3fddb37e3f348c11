using Xunit;

namespace Hybrid.Unit;

/// <summary>Shape, dtype and index errors: the message names the op and the operands.</summary>
public class ShapeErrorTests
{
    [Fact]
    public void Matmul_of_incompatible_matrices_names_matmul_and_both_shapes()
    {
        var a = Torch.Zeros(64, 784);
        var b = Torch.Zeros(100, 10);
        var e = Assert.Throws<ArgumentException>(() => a.MatMul(b));
        Assert.Contains("matmul", e.Message);
        Assert.Contains("(64x784) and (100x10)", e.Message);
    }

    [Fact]
    public void Broadcasting_add_of_incompatible_shapes_names_add_and_both_shapes()
    {
        var a = Torch.Zeros(2, 3);
        var b = Torch.Zeros(4);
        var e = Assert.Throws<ArgumentException>(() => a + b);
        Assert.Contains("add", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Matches(@"\(4,?\)", e.Message);
    }

    [Fact]
    public void Matmul_of_float32_and_float64_names_both_dtypes()
    {
        var a = Torch.Zeros(new[] { 2, 2 }, DType.Float32);
        var b = Torch.Zeros(new[] { 2, 2 }, DType.Float64);
        var e = Assert.Throws<ArgumentException>(() => a.MatMul(b));
        Assert.Contains("matmul", e.Message);
        Assert.Contains("float32", e.Message);
        Assert.Contains("float64", e.Message);
    }

    [Fact]
    public void View_of_a_transposed_tensor_fails_and_tells_to_use_Reshape()
    {
        var t = Torch.Arange(6).Reshape(2, 3).Transpose(0, 1);
        Assert.False(t.IsContiguous);
        var e = Assert.Throws<ArgumentException>(() => t.View(6));
        Assert.Contains("view", e.Message);
        Assert.Contains("Reshape", e.Message);
    }

    [Fact]
    public void Reshape_to_a_size_with_other_element_count_names_shape_and_size()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Zeros(2, 3).Reshape(4, 2));
        Assert.Contains("[4, 2]", e.Message);
        Assert.Contains("6", e.Message);
    }

    [Fact]
    public void Integer_index_past_the_end_fails_naming_index_dim_and_size()
    {
        var x = Torch.Zeros(3, 2);
        var e = Assert.Throws<IndexOutOfRangeException>(() => x[5]);
        Assert.Contains("index 5 is out of bounds for dimension 0 with size 3", e.Message);
        var e2 = Assert.Throws<IndexOutOfRangeException>(() => x[0, -3]);
        Assert.Contains("index -3 is out of bounds for dimension 1 with size 2", e2.Message);
    }

    [Fact]
    public void Too_many_indices_fail()
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => Torch.Zeros(3)[0, 0]);
        Assert.Contains("too many indices", e.Message);
    }

    [Fact]
    public void Cat_of_tensors_differing_outside_the_cat_dim_names_cat_and_both_shapes()
    {
        var a = Torch.Zeros(2, 3);
        var b = Torch.Zeros(2, 4);
        var e = Assert.Throws<ArgumentException>(() => Torch.Cat(new[] { a, b }, 0));
        Assert.Contains("cat", e.Message);
        Assert.Contains("(2, 3)", e.Message);
        Assert.Contains("(2, 4)", e.Message);
    }

    [Fact]
    public void Stack_of_unequal_shapes_fails_naming_both()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Stack(new[] { Torch.Zeros(2), Torch.Zeros(3) }));
        Assert.Contains("stack", e.Message);
        Assert.Contains("(2)", e.Message);
        Assert.Contains("(3)", e.Message);
    }

    [Fact]
    public void Gather_with_a_float_index_fails_asking_for_int64()
    {
        var x = Torch.Zeros(2, 3);
        var index = Torch.Zeros(2, 1);
        var e = Assert.Throws<ArgumentException>(() => x.Gather(1, index));
        Assert.Contains("gather", e.Message);
        Assert.Contains("int64", e.Message);
        Assert.Contains("float32", e.Message);
    }

    [Fact]
    public void Dim_out_of_range_names_the_op_and_the_valid_range()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Zeros(2, 3).Sum(2));
        Assert.Contains("sum", e.Message);
        Assert.Contains("[-2, 1]", e.Message);
    }

    [Fact]
    public void Where_with_a_non_bool_condition_fails()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Where(Torch.Ones(2), Torch.Ones(2), Torch.Zeros(2)));
        Assert.Contains("bool", e.Message);
    }
}
