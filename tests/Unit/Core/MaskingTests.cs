using Xunit;

namespace Hybrid.Unit;

/// <summary>MaskedFill, Tril and Triu: values and gradients worked out by hand, and refusals.</summary>
public class MaskingTests
{
    static Tensor Matrix() => Torch.Tensor(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } });
    static Tensor Mask(params bool[] values) => Torch.Tensor(values);

    [Fact]
    public void MaskedFill_replaces_where_a_broadcast_mask_is_true_and_the_gradient_reaches_the_rest()
    {
        var x = Matrix().RequiresGrad_();
        var filled = x.MaskedFill(Mask(true, false, true), -1);
        Expect.Close(filled, new[] { 2, 3 }, new double[] { -1, 2, -1, -1, 5, -1 });
        (filled * Torch.Tensor(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } })).Sum().Backward();
        Expect.Close(x.Grad, new[] { 2, 3 }, new double[] { 0, 2, 0, 0, 5, 0 });
    }

    [Fact]
    public void MaskedFill_takes_the_input_dtype_and_a_zero_dim_tensor_value_gets_a_gradient()
    {
        var ints = Torch.Tensor(new long[] { 1, 2, 3 }).MaskedFill(Mask(false, true, false), 7.9);
        Assert.Equal(DType.Int64, ints.DType);
        Assert.Equal(new long[] { 1, 7, 3 }, ints.ToArray<long>());

        var value = Torch.Tensor(0.5f, requiresGrad: true);
        var x = Torch.Tensor(new[] { 1f, 2f, 3f, 4f });
        var y = x.MaskedFill(Mask(true, true, false, true), value);
        Expect.Close(y, new double[] { 0.5, 0.5, 3, 0.5 });
        y.Sum().Backward();
        Expect.Scalar(value.Grad, 3);
    }

    [Fact]
    public void MaskedFill_refuses_a_non_bool_mask_one_that_would_grow_the_input_and_a_value_with_dims()
    {
        var x = Torch.Tensor(new[] { 1f, 2f });
        var notBool = Assert.Throws<ArgumentException>(() => x.MaskedFill(Torch.Tensor(new[] { 1f, 0f }), 0));
        Assert.Contains("masked_fill: expected mask to be a bool tensor, but got a tensor with dtype float32", notBool.Message);
        var grows = Assert.Throws<ArgumentException>(() => x.MaskedFill(Torch.Tensor(new[,] { { true, false }, { false, true } }), 0));
        Assert.Contains("the mask of shape (2, 2) cannot be broadcast to the input's shape (2)", grows.Message);
        var vector = Assert.Throws<ArgumentException>(() => x.MaskedFill(Mask(true, false), Torch.Tensor(new[] { 1f })));
        Assert.Contains("0-dimensional value tensor, but got tensor with 1 dimension(s)", vector.Message);
    }

    [Fact]
    public void Tril_and_Triu_keep_the_triangles_of_a_wide_matrix_at_any_diagonal()
    {
        Expect.Close(Matrix().Tril(), new[] { 2, 3 }, new double[] { 1, 0, 0, 4, 5, 0 });
        Expect.Close(Matrix().Tril(1), new[] { 2, 3 }, new double[] { 1, 2, 0, 4, 5, 6 });
        Expect.Close(Matrix().Tril(-1), new[] { 2, 3 }, new double[] { 0, 0, 0, 4, 0, 0 });
        Expect.Close(Matrix().Triu(), new[] { 2, 3 }, new double[] { 1, 2, 3, 0, 5, 6 });
        Expect.Close(Torch.Triu(Matrix(), 1), new[] { 2, 3 }, new double[] { 0, 2, 3, 0, 0, 6 });
        Expect.Close(Matrix().Triu(-1), new[] { 2, 3 }, new double[] { 1, 2, 3, 4, 5, 6 });
    }

    [Fact]
    public void Tril_works_on_batches_zeroes_a_NaN_outside_and_masks_the_gradient()
    {
        var x = Torch.Tensor(new[] { 1f, float.NaN, 3f, 4f, 5f, 6f, 7f, 8f }).Reshape(2, 2, 2).RequiresGrad_();
        var lower = x.Tril();
        Expect.Close(lower, new[] { 2, 2, 2 }, new double[] { 1, 0, 3, 4, 5, 0, 7, 8 });
        lower.Sum().Backward();
        Expect.Close(x.Grad, new[] { 2, 2, 2 }, new double[] { 1, 0, 1, 1, 1, 0, 1, 1 });
        var e = Assert.Throws<ArgumentException>(() => Torch.Tensor(new[] { 1f, 2f }).Triu());
        Assert.Contains("triu: input tensor must have at least 2 dimensions", e.Message);
    }

    [Fact]
    public void IsNan_IsInf_and_IsFinite_classify_each_element()
    {
        var x = Torch.Tensor(new[] { 1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f });
        Assert.Equal(new[] { false, true, false, false, false }, x.IsNan().ToArray<bool>());
        Assert.Equal(new[] { false, false, true, true, false }, Torch.IsInf(x).ToArray<bool>());
        Assert.Equal(new[] { true, false, false, false, true }, x.IsFinite().ToArray<bool>());
        var ints = Torch.Tensor(new long[] { 3, -1 });
        Assert.Equal(new[] { false, false }, ints.IsNan().ToArray<bool>());
        Assert.Equal(new[] { false, false }, ints.IsInf().ToArray<bool>());
        Assert.Equal(new[] { true, true }, ints.IsFinite().ToArray<bool>());
    }

    [Fact]
    public void Any_and_All_over_everything_and_along_a_dim()
    {
        var x = Torch.Tensor(new[,] { { 0f, 2f }, { 0f, 0f }, { float.NaN, 1f } });
        Assert.True(x.Any().Item<bool>());
        Assert.False(x.All().Item<bool>());
        Assert.Equal(new[] { true, false, true }, x.Any(1).ToArray<bool>());
        Assert.Equal(new[] { false, false, true }, x.All(1).ToArray<bool>());
        var kept = x.All(0, keepdim: true);
        Assert.Equal(new[] { 1, 2 }, kept.Shape);
        Assert.Equal(new[] { false, false }, kept.ToArray<bool>());
        Assert.True(Torch.Tensor(new[] { true, true }).All().Item<bool>());
        var empty = Torch.Zeros(0);
        Assert.False(empty.Any().Item<bool>());
        Assert.True(Torch.All(empty).Item<bool>());
    }

    [Fact]
    public void On_the_GPU_backend_the_mask_is_made_on_the_input_device_and_a_mask_elsewhere_is_refused()
    {
        var gpu = new Device("ilgpu", 0);
        var x = Matrix().To(gpu);
        Assert.Equal(gpu, x.Tril().Device);
        Expect.Close(x.Tril().To(Device.Cpu), new[] { 2, 3 }, new double[] { 1, 0, 0, 4, 5, 0 });
        Expect.Close(x.MaskedFill(Mask(true, false, false).To(gpu), 9).To(Device.Cpu), new[] { 2, 3 }, new double[] { 9, 2, 3, 9, 5, 6 });
        var e = Assert.Throws<InvalidOperationException>(() => x.MaskedFill(Mask(true, false, false), 9));
        Assert.Contains("ilgpu:0 and cpu! (when checking arguments for masked_fill)", e.Message);
    }
}
