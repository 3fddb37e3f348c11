using Xunit;

namespace Hybrid.Unit;

/// <summary>Broadcasting arithmetic, scalars on either side, math functions, comparisons, where.</summary>
public class ElementwiseTests
{
    static readonly double[] Xs = { 0.5, 1, 2, 4 };
    static Tensor X() => Torch.Tensor(Xs.Select(v => (float)v).ToArray());

    [Fact]
    public void Matrix_plus_row_broadcasts_over_rows()
    {
        var a = Torch.Tensor(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } });
        var b = Torch.Tensor(new[] { 10f, 20f, 30f });
        Expect.Close(a + b, new[] { 2, 3 }, new double[] { 11, 22, 33, 14, 25, 36 });
    }

    [Fact]
    public void Column_times_row_is_an_outer_product()
    {
        var col = Torch.Tensor(new[] { 1f, 2f }).Reshape(2, 1);
        var row = Torch.Tensor(new[] { 3f, 4f, 5f }).Reshape(1, 3);
        Expect.Close(col * row, new[] { 2, 3 }, new double[] { 3, 4, 5, 6, 8, 10 });
    }

    [Fact]
    public void Scalars_work_on_either_side()
    {
        Expect.Close(2 - X(), Xs.Select(v => 2 - v).ToArray());
        Expect.Close(X() - 2, Xs.Select(v => v - 2).ToArray());
        Expect.Close(X() / 2, Xs.Select(v => v / 2).ToArray());
        Expect.Close(1 / X(), Xs.Select(v => 1 / v).ToArray());
        Expect.Close(2.5 * X(), Xs.Select(v => 2.5 * v).ToArray());
        Expect.Close(X() * 2.5f, Xs.Select(v => 2.5 * v).ToArray());
        Expect.Close(3 + X(), Xs.Select(v => 3 + v).ToArray());
        Expect.Close(-X(), Xs.Select(v => -v).ToArray());
    }

    [Fact]
    public void Python_scalar_keeps_float32_and_promotes_int_to_float()
    {
        Assert.Equal(DType.Float32, (X() * 2.5).DType);
        Assert.Equal(DType.Float64, (Torch.Tensor(new[] { 1.0 }) * 2).DType);
        var i = Torch.Tensor(new[] { 1L, 2L });
        Assert.Equal(DType.Int64, (i * 2).DType);
        var f = i * 2.5;
        Assert.Equal(DType.Float32, f.DType);
        Expect.Close(f, new double[] { 2.5, 5 });
        var d = i / 2;                              // true division
        Assert.Equal(DType.Float32, d.DType);
        Expect.Close(d, new double[] { 0.5, 1 });
    }

    [Fact]
    public void Mixed_dtypes_promote()
    {
        var r = Torch.Tensor(new[] { 1f }) + Torch.Tensor(new[] { 2.0 });
        Assert.Equal(DType.Float64, r.DType);
        Assert.Equal(DType.Float32, (Torch.Tensor(new[] { 1L }) + Torch.Tensor(new[] { 1f })).DType);
    }

    [Fact]
    public void Pow_with_scalar_and_tensor_exponents()
    {
        Expect.Close(X().Pow(2), Xs.Select(v => v * v).ToArray());
        Expect.Close(X().Pow(0.5), Xs.Select(Math.Sqrt).ToArray());
        Expect.Close(X().Pow(Torch.Tensor(new[] { 1f, 2f, 3f, -1f })), new[] { 0.5, 1, 8, 0.25 });
    }

    [Fact]
    public void Math_functions_match_System_Math()
    {
        var v = new[] { -2.0, -0.5, 0.0, 0.3, 1.5 };
        var x = Torch.Tensor(v);
        Expect.Close(x.Exp(), v.Select(Math.Exp).ToArray(), 1e-12);
        Expect.Close(x.Abs(), v.Select(Math.Abs).ToArray(), 1e-12);
        Expect.Close(x.Sin(), v.Select(Math.Sin).ToArray(), 1e-12);
        Expect.Close(x.Cos(), v.Select(Math.Cos).ToArray(), 1e-12);
        Expect.Close(x.Tanh(), v.Select(Math.Tanh).ToArray(), 1e-12);
        Expect.Close(x.Sigmoid(), v.Select(a => 1 / (1 + Math.Exp(-a))).ToArray(), 1e-12);
        Expect.Close(x.Relu(), v.Select(a => Math.Max(a, 0)).ToArray(), 1e-12);
        Expect.Close(x.Sign(), v.Select(a => (double)Math.Sign(a)).ToArray(), 1e-12);
        Expect.Close(x.Clamp(-1, 1), v.Select(a => Math.Clamp(a, -1, 1)).ToArray(), 1e-12);
        Expect.Close(x.LeakyRelu(0.1), v.Select(a => a > 0 ? a : 0.1 * a).ToArray(), 1e-12);
        var p = Torch.Tensor(new[] { 0.25, 1, 9 });
        Expect.Close(p.Log(), new[] { Math.Log(0.25), 0, Math.Log(9) }, 1e-12);
        Expect.Close(p.Sqrt(), new[] { 0.5, 1, 3 }, 1e-12);
        Expect.Close(p.Rsqrt(), new[] { 2, 1, 1 / 3.0 }, 1e-12);
        Expect.Close(p.Log1p(), new[] { Math.Log(1.25), Math.Log(2), Math.Log(10) }, 1e-12);
    }

    [Fact]
    public void Log_of_zero_is_minus_infinity_and_of_negative_is_nan()
    {
        var r = Torch.Tensor(new[] { 0f, -1f }).Log().ToArray<float>();
        Assert.Equal(float.NegativeInfinity, r[0]);
        Assert.True(float.IsNaN(r[1]));
    }

    [Fact]
    public void Exp_of_an_int_tensor_is_float32()
    {
        var e = Torch.Tensor(new[] { 0L, 1L }).Exp();
        Assert.Equal(DType.Float32, e.DType);
        Expect.Close(e, new[] { 1, Math.E });
    }

    [Fact]
    public void Comparisons_give_bool_tensors()
    {
        var a = Torch.Tensor(new[] { 1f, 2f, 3f });
        var b = Torch.Tensor(new[] { 3f, 2f, 1f });
        Assert.Equal(DType.Bool, a.Lt(b).DType);
        Assert.Equal(new[] { true, false, false }, a.Lt(b).ToArray<bool>());
        Assert.Equal(new[] { true, true, false }, a.Le(b).ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, a.Eq(b).ToArray<bool>());
        Assert.Equal(new[] { true, false, true }, a.Ne(b).ToArray<bool>());
        Assert.Equal(new[] { false, false, true }, a.Gt(b).ToArray<bool>());
        Assert.Equal(new[] { false, true, true }, a.Ge(2).ToArray<bool>());
    }

    [Fact]
    public void Where_picks_from_a_or_b_and_broadcasts()
    {
        var cond = Torch.Tensor(new[] { true, false, true });
        var r = Torch.Where(cond, Torch.Tensor(new[] { 1f, 2f, 3f }), Torch.Tensor(0f));
        Expect.Close(r, new double[] { 1, 0, 3 });
        var x = Torch.Tensor(new[] { -1f, 2f, -3f });
        Expect.Close(x.Gt(0).Where(x, -x), new double[] { 1, 2, 3 });
    }

    [Fact]
    public void Where_sends_gradient_only_to_the_chosen_branch()
    {
        var a = Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true);
        var b = Torch.Tensor(new[] { 3f, 4f }, requiresGrad: true);
        Torch.Where(Torch.Tensor(new[] { true, false }), a, b).Sum().Backward();
        Expect.Close(a.Grad, new double[] { 1, 0 });
        Expect.Close(b.Grad, new double[] { 0, 1 });
    }

    [Fact]
    public void Maximum_and_Minimum_are_elementwise()
    {
        var a = Torch.Tensor(new[] { 1f, 5f, 3f });
        var b = Torch.Tensor(new[] { 4f, 2f, 3f });
        Expect.Close(Torch.Maximum(a, b), new double[] { 4, 5, 3 });
        Expect.Close(Torch.Minimum(a, b), new double[] { 1, 2, 3 });
    }

    [Fact]
    public void Broadcast_gradient_is_summed_back_to_the_operand_shape()
    {
        var a = Torch.Ones(new[] { 2, 3 }, DType.Float32, requiresGrad: true);
        var b = Torch.Tensor(new[] { 1f, 2f, 3f }, requiresGrad: true);
        (a * b).Sum().Backward();
        Expect.Close(b.Grad, new double[] { 2, 2, 2 });
        Expect.Close(a.Grad, new[] { 2, 3 }, new double[] { 1, 2, 3, 1, 2, 3 });
    }

    [Fact]
    public void AllClose_and_Equal_compare_values()
    {
        var a = Torch.Tensor(new[] { 1f, 2f });
        Assert.True(a.Equal(Torch.Tensor(new[] { 1f, 2f })));
        Assert.False(a.Equal(Torch.Tensor(new[] { 1f, 3f })));
        Assert.True(a.AllClose(a + 1e-7));
        Assert.False(a.AllClose(a + 1e-3));
    }
}
