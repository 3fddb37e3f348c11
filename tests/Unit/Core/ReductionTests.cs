using Xunit;

namespace Hybrid.Unit;

/// <summary>Sum, Mean, Prod, Max/Min (with indices), ArgMax, Var/Std, LogSumExp, Softmax.</summary>
public class ReductionTests
{
    /// <summary>[[0,1,2],[3,4,5]] as float32.</summary>
    static Tensor X() => Torch.Tensor(new[,] { { 0f, 1f, 2f }, { 3f, 4f, 5f } });

    [Fact]
    public void Sum_over_all_one_or_several_dims_with_keepdim()
    {
        var all = X().Sum();
        Assert.Equal(0, all.Dim);
        Expect.Scalar(all, 15);
        Expect.Close(X().Sum(0), new[] { 3 }, new double[] { 3, 5, 7 });
        Expect.Close(X().Sum(1, keepdim: true), new[] { 2, 1 }, new double[] { 3, 12 });
        Expect.Close(X().Sum(-1), new[] { 2 }, new double[] { 3, 12 });
        Expect.Close(X().Sum(new[] { 0, 1 }, keepdim: true), new[] { 1, 1 }, new double[] { 15 });
    }

    [Fact]
    public void Sum_of_integers_is_int64()
    {
        var s = Torch.Tensor(new[] { 1, 2, 3 }).Sum();
        Assert.Equal(DType.Int64, s.DType);
        Assert.Equal(6L, s.Item<long>());
        Assert.Equal(2L, Torch.Tensor(new[] { true, false, true }).Sum().Item<long>());
    }

    [Fact]
    public void Mean_over_dims()
    {
        Expect.Scalar(X().Mean(), 2.5);
        Expect.Close(X().Mean(0), new double[] { 1.5, 2.5, 3.5 });
        Expect.Close(X().Mean(1, keepdim: true), new[] { 2, 1 }, new double[] { 1, 4 });
    }

    [Fact]
    public void Mean_of_integers_fails_asking_for_a_floating_dtype()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Arange(3).Mean());
        Assert.Contains("mean", e.Message);
    }

    [Fact]
    public void Prod_over_all_and_along_a_dim()
    {
        var x = Torch.Tensor(new[,] { { 1f, 2f }, { 3f, 4f } });
        Expect.Scalar(x.Prod(), 24);
        Expect.Close(x.Prod(0), new[] { 2 }, new double[] { 3, 8 });
        Expect.Close(x.Prod(1, keepdim: true), new[] { 2, 1 }, new double[] { 2, 12 });
    }

    [Fact]
    public void Max_and_Min_over_all_elements()
    {
        var x = Torch.Tensor(new[,] { { 1f, 7f }, { -3f, 4f } });
        Expect.Scalar(x.Max(), 7);
        Expect.Scalar(x.Min(), -3);
        Assert.Equal(0, x.Max().Dim);
    }

    [Fact]
    public void Max_along_a_dim_deconstructs_into_values_and_first_indices()
    {
        var x = Torch.Tensor(new[,] { { 1f, 3f, 3f }, { 4f, 0f, 4f } });
        var (v, i) = x.Max(1);
        Expect.Close(v, new[] { 2 }, new double[] { 3, 4 });
        Assert.Equal(DType.Int64, i.DType);
        Assert.Equal(new long[] { 1, 0 }, i.ToArray<long>());
        var (mv, mi) = x.Min(0, keepdim: true);
        Expect.Close(mv, new[] { 1, 3 }, new double[] { 1, 0, 3 });
        Assert.Equal(new long[] { 0, 1, 0 }, mi.ToArray<long>());
    }

    [Fact]
    public void Max_along_a_dim_sends_gradient_to_the_argmax()
    {
        var x = Torch.Tensor(new[,] { { 1f, 5f }, { 6f, 2f } }, requiresGrad: true);
        var (v, _) = x.Max(1);
        v.Sum().Backward();
        Expect.Close(x.Grad, new double[] { 0, 1, 1, 0 });
    }

    [Fact]
    public void ArgMax_and_ArgMin_flattened_and_along_a_dim()
    {
        var x = Torch.Tensor(new[,] { { 1f, 9f, 3f }, { 4f, 0f, 8f } });
        Assert.Equal(1L, x.ArgMax().Item<long>());
        Assert.Equal(4L, x.ArgMin().Item<long>());
        Assert.Equal(new long[] { 1, 2 }, x.ArgMax(dim: 1).ToArray<long>());
        Assert.Equal(new long[] { 0, 1, 0 }, x.ArgMin(dim: 0).ToArray<long>());
        Assert.Equal(new[] { 2, 1 }, x.ArgMax(dim: 1, keepdim: true).Shape);
    }

    [Fact]
    public void Var_and_Std_unbiased_by_default_and_biased_on_request()
    {
        var x = Torch.Tensor(new[] { 1.0, 2, 3, 4 });       // mean 2.5, Σ(x−m)² = 5
        Expect.Scalar(x.Var(), 5.0 / 3, 1e-12);
        Expect.Scalar(x.Var(false), 5.0 / 4, 1e-12);
        Expect.Scalar(x.Std(), Math.Sqrt(5.0 / 3), 1e-12);
        Expect.Scalar(x.Std(false), Math.Sqrt(5.0 / 4), 1e-12);
        var m = Torch.Tensor(new[,] { { 1.0, 2 }, { 3, 5 } });
        Expect.Close(m.Var(1), new[] { 2 }, new[] { 0.5, 2 }, 1e-12);
        Expect.Close(m.Var(1, unbiased: false, keepdim: true), new[] { 2, 1 }, new[] { 0.25, 1 }, 1e-12);
        Expect.Close(m.Std(0), new[] { Math.Sqrt(2), Math.Sqrt(4.5) }, 1e-12);
    }

    [Fact]
    public void LogSumExp_matches_the_definition()
    {
        var x = Torch.Tensor(new[] { 1.0, 2, 3 });
        Expect.Scalar(x.LogSumExp(0), Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)), 1e-12);
        var m = Torch.Tensor(new[,] { { 0.0, 0 }, { 1, 2 } });
        Expect.Close(m.LogSumExp(1), new[] { Math.Log(2), Math.Log(Math.E + Math.E * Math.E) }, 1e-12);
        Assert.Equal(new[] { 2, 1 }, m.LogSumExp(1, keepdim: true).Shape);
    }

    [Fact]
    public void LogSumExp_of_large_values_does_not_overflow()
    {
        var x = Torch.Tensor(new[] { 1000f, 1000f });
        Expect.Scalar(x.LogSumExp(0), 1000 + Math.Log(2), 1e-6);
        Expect.Scalar(Torch.Tensor(new[] { -1000f, -1000f }).LogSumExp(0), -1000 + Math.Log(2), 1e-6);
        Expect.Scalar(Torch.Tensor(new[] { 1000f, 0f }).LogSumExp(0), 1000, 1e-6);
    }

    [Fact]
    public void LogSumExp_gradient_is_the_softmax()
    {
        var x = Torch.Tensor(new[] { 1.0, 2, 3 }, requiresGrad: true);
        x.LogSumExp(0).Backward();
        var z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Expect.Close(x.Grad, new[] { Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z }, 1e-12);
    }

    [Fact]
    public void Softmax_rows_sum_to_one_and_match_the_definition()
    {
        var x = Torch.Tensor(new[,] { { 1.0, 2, 3 }, { -1, 0, 5 } });
        var s = x.Softmax(1);
        Expect.Close(s.Sum(1), new double[] { 1, 1 }, 1e-12);
        var z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Expect.Close(s[0], new[] { Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z }, 1e-12);
        Expect.Close(x.Softmax(0).Sum(0), new double[] { 1, 1, 1 }, 1e-12);
    }

    [Fact]
    public void Softmax_and_LogSoftmax_of_large_logits_are_finite()
    {
        var x = Torch.Tensor(new[] { 1000f, 1001f });
        var p1 = 1 / (1 + Math.E);
        Expect.Close(x.Softmax(0), new[] { p1, 1 - p1 }, 1e-6);
        Expect.Close(Torch.LogSoftmax(x, 0), new[] { Math.Log(p1), Math.Log(1 - p1) }, 1e-5);
    }
}
