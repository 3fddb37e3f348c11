using Xunit;

namespace Hybrid.Unit;

/// <summary>Constants, ranges, arrays in and out, dtype casts.</summary>
public class CreationTests
{
    [Fact]
    public void Zeros_Ones_Full_have_the_shape_dtype_and_value_asked_for()
    {
        var z = Torch.Zeros(2, 3);
        Assert.Equal(DType.Float32, z.DType);
        Expect.Close(z, new[] { 2, 3 }, new double[6]);
        Expect.Close(Torch.Ones(new[] { 2 }, DType.Float64), new double[] { 1, 1 });
        Assert.Equal(DType.Float64, Torch.Ones(new[] { 2 }, DType.Float64).DType);
        var f = Torch.Full(new[] { 2, 2 }, 3.5);
        Expect.Close(f, new[] { 2, 2 }, new double[] { 3.5, 3.5, 3.5, 3.5 });
        Assert.Equal(new long[] { 7, 7 }, Torch.Full(new[] { 2 }, 7, DType.Int64).ToArray<long>());
    }

    [Fact]
    public void Eye_is_the_identity_and_may_be_rectangular()
    {
        Expect.Close(Torch.Eye(3), new[] { 3, 3 }, new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 });
        Expect.Close(Torch.Eye(2, 3), new[] { 2, 3 }, new double[] { 1, 0, 0, 0, 1, 0 });
        Assert.Equal(DType.Float64, Torch.Eye(2, dtype: DType.Float64).DType);
    }

    [Fact]
    public void Arange_of_integers_is_int64_and_of_fractions_float32()
    {
        var a = Torch.Arange(5);
        Assert.Equal(DType.Int64, a.DType);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, a.ToArray<long>());
        Assert.Equal(new long[] { 1, 4, 7 }, Torch.Arange(1, 10, 3).ToArray<long>());
        Assert.Equal(new long[] { 5, 3, 1 }, Torch.Arange(5, 0, -2).ToArray<long>());
        var f = Torch.Arange(0, 1, 0.25);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal(new[] { 0f, 0.25f, 0.5f, 0.75f }, f.ToArray<float>());
        Assert.Equal(DType.Float64, Torch.Arange(0, 3, 1, DType.Float64).DType);
    }

    [Fact]
    public void Linspace_includes_both_ends()
    {
        Expect.Close(Torch.Linspace(0, 1, 5), new[] { 5 }, new double[] { 0, 0.25, 0.5, 0.75, 1 });
        Expect.Close(Torch.Linspace(-1, 1, 3), new double[] { -1, 0, 1 });
        Assert.Equal(1.0, Torch.Linspace(0, 1, 7, DType.Float64).ToArray<double>()[6]);
    }

    [Fact]
    public void Like_functions_copy_shape_and_dtype()
    {
        var x = Torch.Ones(new[] { 2, 3 }, DType.Float64);
        var z = Torch.ZerosLike(x);
        Assert.Equal(new[] { 2, 3 }, z.Shape);
        Assert.Equal(DType.Float64, z.DType);
        Expect.Close(z, new double[6]);
        Expect.Close(Torch.OnesLike(Torch.Zeros(2)), new double[] { 1, 1 });
        Expect.Close(Torch.FullLike(Torch.Zeros(3), -2), new double[] { -2, -2, -2 });
        Assert.Equal(DType.Int64, Torch.ZerosLike(Torch.Arange(3)).DType);
    }

    [Fact]
    public void FromArray_shares_memory_with_the_array()
    {
        var data = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
        var t = Torch.FromArray(data, 2, 3);
        Assert.Equal(new[] { 2, 3 }, t.Shape);
        data[4] = 50;
        Expect.Scalar(t[1, 1], 50);
        t.Add_(1);
        Assert.Equal(new[] { 2f, 3f, 4f, 5f, 51f, 7f }, data);
        Assert.Equal(new[] { 6 }, Torch.FromArray(new[] { 1.0, 2, 3, 4, 5, 6 }).Shape);
    }

    [Fact]
    public void Tensor_from_an_array_copies_it()
    {
        var data = new[] { 1f, 2f };
        var t = Torch.Tensor(data);
        data[0] = 100;
        Expect.Close(t, new double[] { 1, 2 });
    }

    [Fact]
    public void Tensor_from_jagged_rows_is_two_dimensional()
    {
        var t = Torch.Tensor(new[] { new[] { 1L, 2L }, new[] { 3L, 4L } });
        Assert.Equal(new[] { 2, 2 }, t.Shape);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, t.ToArray<long>());
        Assert.Throws<ArgumentException>(() => Torch.Tensor(new[] { new[] { 1L, 2L }, new[] { 3L } }));
    }

    [Fact]
    public void FromArray_with_a_shape_of_the_wrong_size_fails()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.FromArray(new float[5], 2, 3));
        Assert.Contains("(2, 3)", e.Message);
    }

    [Fact]
    public void ToArray_returns_a_copy_in_row_major_order()
    {
        var t = Torch.Tensor(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } });
        var a = t.ToArray<double>();
        Assert.Equal(new[] { 1.0, 2, 3, 4 }, a);
        a[0] = 99;
        Expect.Scalar(t[0, 0], 1);
        Assert.Equal(new[] { 1.0, 3, 2, 4 }, t.T.ToArray<double>());
    }

    [Fact]
    public void ToArray_of_the_wrong_element_type_fails_naming_the_dtype()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Torch.Zeros(2).ToArray<double>());
        Assert.Contains("float32", e.Message);
    }

    [Fact]
    public void Float_to_int_cast_truncates_toward_zero()
    {
        var x = Torch.Tensor(new[] { 1.7f, -1.7f, 2.5f, -0.5f, 3f });
        Assert.Equal(new long[] { 1, -1, 2, 0, 3 }, x.To(DType.Int64).ToArray<long>());
        Assert.Equal(new[] { 1, -1, 2, 0, 3 }, x.Int().ToArray<int>());
    }

    [Fact]
    public void Cast_to_bool_is_nonzero_and_bool_to_float_is_zero_or_one()
    {
        var b = Torch.Tensor(new[] { 0f, 2f, -0.5f }).Bool();
        Assert.Equal(DType.Bool, b.DType);
        Assert.Equal(new[] { false, true, true }, b.ToArray<bool>());
        Assert.Equal(new[] { 0f, 1f, 1f }, b.Float().ToArray<float>());
        Assert.Equal(new long[] { 1, 0 }, Torch.Tensor(new[] { true, false }).Long().ToArray<long>());
    }

    [Fact]
    public void Int_to_float_and_float_to_double_keep_values()
    {
        Assert.Equal(new[] { 1f, -2f }, Torch.Tensor(new[] { 1L, -2L }).Float().ToArray<float>());
        Assert.Equal(new[] { 0.5, 0.25 }, Torch.Tensor(new[] { 0.5f, 0.25f }).Double().ToArray<double>());
    }

    [Fact]
    public void Item_converts_the_single_value()
    {
        Assert.Equal(3.5f, Torch.Tensor(3.5f).Item<float>());
        Assert.Equal(3.5, Torch.Tensor(new[] { 3.5f }).Item<double>());
        Assert.Equal(4L, Torch.Tensor(4L).Item<long>());
        Assert.Throws<InvalidOperationException>(() => Torch.Zeros(2).Item<float>());
    }
}
