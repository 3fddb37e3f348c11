using Xunit;

namespace Hybrid.Unit;

/// <summary>Dropout, Embedding and OneHot.</summary>
public class FunctionalTests
{
    [Fact]
    public void Dropout_with_one_seeded_generator_gives_one_mask()
    {
        var x = Torch.Ones(1000);
        var a = Functional.Dropout(x, 0.3, true, new Generator(5)).ToArray<float>();
        var b = Functional.Dropout(x, 0.3, true, new Generator(5)).ToArray<float>();
        Assert.Equal(a, b);
        Assert.NotEqual(a, Functional.Dropout(x, 0.3, true, new Generator(6)).ToArray<float>());
    }

    [Fact]
    public void Dropout_zeroes_about_p_and_scales_the_rest_by_one_over_one_minus_p()
    {
        var x = Torch.Full(new[] { 4000 }, 2.0);
        var y = Functional.Dropout(x, 0.25, true, new Generator(9)).ToArray<float>();
        Assert.All(y, v => Assert.True(v == 0f || Math.Abs(v - 2 / 0.75) < 1e-5, $"unexpected value {v}"));
        Assert.InRange(y.Count(v => v == 0f) / 4000.0, 0.22, 0.28);
    }

    [Fact]
    public void Dropout_in_eval_mode_or_with_p_zero_is_the_identity()
    {
        var x = Torch.Tensor(new[] { 1f, 2f, 3f });
        Expect.Close(Functional.Dropout(x, 0.5, training: false), new double[] { 1, 2, 3 });
        Expect.Close(Functional.Dropout(x, 0.0, true, new Generator(1)), new double[] { 1, 2, 3 });
        Expect.Close(Functional.Dropout(x, 1.0, true, new Generator(1)), new double[] { 0, 0, 0 });
    }

    [Fact]
    public void Dropout_gradient_is_the_scaled_mask()
    {
        var x = Torch.Ones(new[] { 50 }, DType.Float32, requiresGrad: true);
        var y = Functional.Dropout(x, 0.5, true, new Generator(2));
        y.Sum().Backward();
        Assert.Equal(y.ToArray<float>(), x.Grad.ToArray<float>());   // x = 1, so y is the mask times 2
    }

    [Fact]
    public void Dropout_probability_outside_zero_one_fails()
    {
        Assert.Throws<ArgumentException>(() => Functional.Dropout(Torch.Ones(2), 1.5));
    }

    [Fact]
    public void Embedding_looks_up_rows_and_accumulates_gradient_per_row()
    {
        var weight = Torch.Tensor(new[,] { { 0f, 1f }, { 10f, 11f }, { 20f, 21f }, { 30f, 31f } }, requiresGrad: true);
        var e = Functional.Embedding(Torch.Tensor(new[,] { { 0L, 3L }, { 1L, 1L } }), weight);
        Expect.Close(e, new[] { 2, 2, 2 }, new double[] { 0, 1, 30, 31, 10, 11, 10, 11 });
        e.Sum().Backward();
        Expect.Close(weight.Grad, new double[] { 1, 1, 2, 2, 0, 0, 1, 1 });
    }

    [Fact]
    public void OneHot_encodes_class_indices_as_int64()
    {
        var r = Torch.Tensor(new[] { 0L, 2L, 1L }).OneHot(3);
        Assert.Equal(DType.Int64, r.DType);
        Assert.Equal(new[] { 3, 3 }, r.Shape);
        Assert.Equal(new long[] { 1, 0, 0, 0, 0, 1, 0, 1, 0 }, r.ToArray<long>());
        Assert.Equal(new[] { 3, 4 }, Torch.Tensor(new[] { 0L, 3L, 1L }).OneHot(-1).Shape);   // inferred: max + 1
    }

    [Fact]
    public void OneHot_of_a_class_out_of_range_fails()
    {
        Assert.Throws<ArgumentException>(() => Torch.Tensor(new[] { 0L, 3L }).OneHot(3));
    }

    [Fact]
    public void LayerNorm_normalises_the_trailing_dims_then_scales_and_shifts()
    {
        var x = Torch.Tensor(new[,] { { 1.0, 2.0, 3.0 }, { 2.0, 2.0, 5.0 } });
        var s0 = Math.Sqrt(2.0 / 3 + 1e-5);   // row 0: mean 2, biased variance 2/3
        var s1 = Math.Sqrt(2.0 + 1e-5);       // row 1: mean 3, biased variance 2
        var y = Functional.LayerNorm(x, new[] { 3 }, Torch.Tensor(new[] { 1.0, 2.0, 3.0 }), Torch.Tensor(new[] { 0.5, 0.0, 0.0 }));
        Expect.Close(y, new[] { 2, 3 }, new[] { -1 / s0 + 0.5, 0, 3 / s0, -1 / s1 + 0.5, -2 / s1, 6 / s1 }, 1e-12);
        var e = Assert.Throws<ArgumentException>(() => Functional.LayerNorm(x, new[] { 2 }));
        Assert.Contains("layer_norm: expected input of shape (*, 2), got input of shape (2, 3)", e.Message);
    }

    [Fact]
    public void Nonzero_lists_the_coordinates_of_nonzero_elements_in_row_major_order()
    {
        var x = Torch.Tensor(new[,] { { 0f, 3f, 0f }, { -1f, 0f, float.NaN } });
        var positions = x.Nonzero();
        Assert.Equal(new[] { 3, 2 }, positions.Shape);
        Assert.Equal(new long[] { 0, 1, 1, 0, 1, 2 }, positions.ToArray<long>());
        Assert.Equal(new long[] { 1, 2 }, Torch.Nonzero(Torch.Tensor(new[] { false, true, true })).ToArray<long>());
        Assert.Equal(new[] { 0, 2 }, Torch.Zeros(2, 2).Nonzero().Shape);
        Assert.Equal(new long[] { 1, 0 }, x.To(new Device("ilgpu", 0)).Nonzero().To(Device.Cpu).ToArray<long>()[2..4]);
    }
}
