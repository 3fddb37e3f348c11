using Hybrid.NN;
using Xunit;
using static Hybrid.Unit.NN.NNTest;

namespace Hybrid.Unit.NN;

public class BatchNormTests
{
    /// <summary>Per-channel mean and biased/unbiased variance of an (N, C, *) array, in doubles.</summary>
    static (double[] Mean, double[] Biased, double[] Unbiased) ChannelStats(Tensor x)
    {
        var v = D(x);
        int n = x.Shape[0], c = x.Shape[1], inner = x.NumEl / (n * c);
        var mean = new double[c];
        var biased = new double[c];
        var unbiased = new double[c];
        for (var ch = 0; ch < c; ch++)
        {
            var values = new List<double>();
            for (var b = 0; b < n; b++)
                for (var i = 0; i < inner; i++) values.Add(v[(b * c + ch) * inner + i]);
            mean[ch] = values.Average();
            var ss = values.Sum(a => (a - mean[ch]) * (a - mean[ch]));
            biased[ch] = ss / values.Count;
            unbiased[ch] = ss / (values.Count - 1);
        }
        return (mean, biased, unbiased);
    }

    [Fact]
    public void Output_shapes_match_the_input_for_1d_and_2d()
    {
        Assert.Equal(new[] { 4, 3 }, new BatchNorm1d(3).Forward(Randn(1, 4, 3)).Shape);
        Assert.Equal(new[] { 4, 3, 5 }, new BatchNorm1d(3).Forward(Randn(1, 4, 3, 5)).Shape);
        Assert.Equal(new[] { 2, 3, 4, 4 }, new BatchNorm2d(3).Forward(Randn(1, 2, 3, 4, 4)).Shape);
        Assert.Equal(new[] { 2, 3, 2, 2, 2 }, new BatchNorm3d(3).Forward(Randn(1, 2, 3, 2, 2, 2)).Shape);
    }

    [Fact]
    public void Default_init_is_ones_zeros_and_fresh_running_stats()
    {
        var bn = new BatchNorm2d(5);
        Expect.Close(bn.weight!, Enumerable.Repeat(1.0, 5).ToArray());
        Expect.Close(bn.bias!, new double[5]);
        Expect.Close(bn.RunningMean!, new double[5]);
        Expect.Close(bn.RunningVar!, Enumerable.Repeat(1.0, 5).ToArray());
        Assert.Equal(DType.Int64, bn.NumBatchesTracked!.DType);
        Assert.Equal(0L, bn.NumBatchesTracked.ToInt64());
        Assert.Equal(new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }, bn.StateDict().Keys.ToArray());
    }

    [Fact]
    public void Training_normalises_each_channel_with_batch_statistics()
    {
        var x = Randn(2, 6, 3, 4, 4) * 3 + 2;
        var y = new BatchNorm2d(3).Forward(x);
        var (mean, biased, _) = ChannelStats(y);
        foreach (var m in mean) Assert.True(Math.Abs(m) < 1e-5, $"mean {m}");
        foreach (var v in biased) Assert.True(Math.Abs(v - 1) < 1e-3, $"variance {v}");
    }

    [Fact]
    public void One_training_step_updates_running_stats_by_momentum_with_the_unbiased_variance()
    {
        var x = Randn(3, 4, 3, 5) * 2 + 1;
        var bn = new BatchNorm1d(3, momentum: 0.1);
        bn.Forward(x);
        var (mean, _, unbiased) = ChannelStats(x);
        Expect.Close(bn.RunningMean!, mean.Select(m => 0.9 * 0 + 0.1 * m).ToArray());
        Expect.Close(bn.RunningVar!, unbiased.Select(v => 0.9 * 1 + 0.1 * v).ToArray());
        Assert.Equal(1L, bn.NumBatchesTracked!.ToInt64());
        Assert.False(bn.RunningMean!.RequiresGrad);
    }

    [Fact]
    public void Momentum_null_keeps_a_cumulative_average()
    {
        var bn = new BatchNorm1d(2, momentum: null);
        var x1 = Randn(4, 5, 2);
        var x2 = Randn(5, 7, 2) + 3;
        bn.Forward(x1);
        bn.Forward(x2);
        var (m1, _, v1) = ChannelStats(x1);
        var (m2, _, v2) = ChannelStats(x2);
        Expect.Close(bn.RunningMean!, m1.Zip(m2, (a, b) => (a + b) / 2).ToArray());
        Expect.Close(bn.RunningVar!, v1.Zip(v2, (a, b) => (a + b) / 2).ToArray());
        Assert.Equal(2L, bn.NumBatchesTracked!.ToInt64());
    }

    [Fact]
    public void Eval_uses_the_running_stats_and_the_affine_parameters()
    {
        var bn = new BatchNorm1d(2);
        using (Torch.NoGrad())
        {
            bn.RunningMean!.Copy_(Torch.Tensor(new[] { 1f, -2f }));
            bn.RunningVar!.Copy_(Torch.Tensor(new[] { 4f, 0.25f }));
            bn.weight!.Copy_(Torch.Tensor(new[] { 2f, 3f }));
            bn.bias!.Copy_(Torch.Tensor(new[] { 0.5f, -1f }));
        }
        var x = Torch.Tensor(new float[,] { { 3, -2 }, { -1, 0 } });
        bn.Eval();
        var y = bn.Forward(x);
        double F(double v, double m, double var, double w, double b) => (v - m) / Math.Sqrt(var + 1e-5) * w + b;
        Expect.Close(y, new[] { 2, 2 }, new[] { F(3, 1, 4, 2, 0.5), F(-2, -2, 0.25, 3, -1), F(-1, 1, 4, 2, 0.5), F(0, -2, 0.25, 3, -1) });
        Assert.Equal(0L, bn.NumBatchesTracked!.ToInt64());
        bn.Train();
        Assert.NotEqual(D(y), D(bn.Forward(x)));
    }

    [Fact]
    public void Without_running_stats_eval_uses_batch_statistics_and_the_state_has_no_buffers()
    {
        var bn = new BatchNorm2d(3, affine: false, trackRunningStats: false);
        Assert.Null(bn.RunningMean);
        Assert.Empty(bn.StateDict());
        Assert.Empty(bn.Parameters());
        var x = Randn(5, 2, 3, 2, 2);
        var train = D(bn.Forward(x));
        bn.Eval();
        Assert.Equal(train, D(bn.Forward(x)));
    }

    [Fact]
    public void Input_gradients_pass_gradcheck_in_training_and_eval()
    {
        var bn = new BatchNorm2d(2);
        bn.To(DType.Float64);
        Randomize(bn, 7);
        var x = Randn64(8, 3, 2, 2, 2);
        var u = Randn64(9, 3, 2, 2, 2);
        Assert.True(GradCheck.Check(xs => bn.Forward(xs[0]) * u, new[] { x }));
        bn.Eval();
        using (Torch.NoGrad()) bn.RunningVar!.Fill_(0.7);
        Assert.True(GradCheck.Check(xs => bn.Forward(xs[0]) * u, new[] { x }));
    }

    [Fact]
    public void Parameter_gradients_match_finite_differences()
    {
        var bn = new BatchNorm1d(3);
        bn.To(DType.Float64);
        Randomize(bn, 3);
        var x = Randn64(4, 4, 3, 2);
        var u = Randn64(5, 4, 3, 2);
        CheckParameterGradients(bn, () => (bn.Forward(x) * u).Sum());
    }

    [Fact]
    public void To_float64_converts_the_running_stats_but_keeps_the_counter_int64()
    {
        var bn = new BatchNorm1d(2);
        bn.To(DType.Float64);
        Assert.Equal(DType.Float64, bn.RunningMean!.DType);
        Assert.Equal(DType.Int64, bn.NumBatchesTracked!.DType);
        bn.Forward(Randn64(1, 3, 2));
        Assert.Equal(1L, bn.NumBatchesTracked.ToInt64());
    }

    [Fact]
    public void Prints_as_pytorch()
    {
        Assert.Equal("BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", new BatchNorm2d(16).ToString());
        Assert.Equal("BatchNorm1d(3, eps=0.001, momentum=None, affine=False, track_running_stats=False)",
            new BatchNorm1d(3, eps: 1e-3, momentum: null, affine: false, trackRunningStats: false).ToString());
    }

    [Fact]
    public void Bad_inputs_name_the_layer_what_it_expected_and_what_it_got()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNorm2d(16).Forward(Randn(1, 16, 4, 4)));
        Assert.Equal("BatchNorm2d(16): expected 4D input (got 3D input)", e.Message);
        ThrowsWith(() => new BatchNorm1d(4).Forward(Randn(1, 2, 4, 3, 3)), "BatchNorm1d(4)", "expected 2D or 3D input", "got 4D input");
        ThrowsWith(() => new BatchNorm2d(3).Forward(Randn(1, 2, 4, 3, 3)), "BatchNorm2d(3)", "3 channels", "got 4 channels", "(2, 4, 3, 3)");
        ThrowsWith(() => new BatchNorm1d(3).Forward(Randn(1, 1, 3)), "BatchNorm1d(3)", "more than 1 value per channel", "(1, 3)");
    }
}
