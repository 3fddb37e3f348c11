using Xunit;

namespace Hybrid.Unit;

/// <summary>CumSum: running sums by hand, dtypes, the gradient (a reversed running sum), the GPU backend and refusals.</summary>
public class CumSumTests
{
    [Fact]
    public void Running_sums_along_rows_and_columns_of_a_view()
    {
        var x = Torch.Tensor(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } });
        Expect.Close(x.CumSum(1), new[] { 2, 3 }, new double[] { 1, 3, 6, 4, 9, 15 });
        Expect.Close(Torch.CumSum(x, 0), new[] { 2, 3 }, new double[] { 1, 2, 3, 5, 7, 9 });
        Expect.Close(x.T.CumSum(-1), new[] { 3, 2 }, new double[] { 1, 5, 2, 7, 3, 9 });
        Expect.Scalar(Torch.Tensor(2.5f).CumSum(0), 2.5);
    }

    [Fact]
    public void Integers_and_bools_sum_to_int64_and_floats_keep_their_dtype()
    {
        var ints = Torch.Tensor(new[] { 3, -1, 4 }).CumSum(0);
        Assert.Equal(DType.Int64, ints.DType);
        Assert.Equal(new long[] { 3, 2, 6 }, ints.ToArray<long>());
        Assert.Equal(new long[] { 1, 1, 2 }, Torch.Tensor(new[] { true, false, true }).CumSum(0).ToArray<long>());
        Assert.Equal(DType.Float64, Torch.Tensor(new[] { 1.0, 2.0 }).CumSum(0).DType);
        // Summed in double: 2^24 + 1 + 1 is exact before the rounding to float32.
        var big = Torch.Tensor(new[] { 16777216f, 1f, 1f }).CumSum(0);
        Assert.Equal(16777218f, big.ToArray<float>()[2]);
    }

    [Fact]
    public void The_gradient_is_the_running_sum_from_the_end()
    {
        var x = Torch.Tensor(new[] { 1f, 2f, 3f }, requiresGrad: true);
        (x.CumSum(0) * Torch.Tensor(new[] { 1f, 10f, 100f })).Sum().Backward();
        Expect.Close(x.Grad, new double[] { 111, 110, 100 });
        Assert.Equal("CumsumBackward0", x.CumSum(0).GradFn.Name);
    }

    [Fact]
    public void The_GPU_backend_gives_the_same_sums()
    {
        var gpu = new Device("ilgpu", 0);
        var x = Torch.Tensor(new[,] { { 0.1f, -2f, 3.5f }, { 4f, 1e7f, -1e7f } });
        foreach (var dim in new[] { 0, 1 })
            Assert.Equal(x.CumSum(dim).ToArray<float>(), x.To(gpu).CumSum(dim).To(Device.Cpu).ToArray<float>());
        var ints = Torch.Tensor(new long[] { 5, 6, 7 });
        Assert.Equal(ints.CumSum(0).ToArray<long>(), ints.To(gpu).CumSum(0).To(Device.Cpu).ToArray<long>());
    }

    [Fact]
    public void A_dim_out_of_range_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Torch.Zeros(2, 3).CumSum(2));
        Assert.Contains("cumsum: Dimension out of range (expected to be in range of [-2, 1], but got 2)", e.Message);
    }
}
