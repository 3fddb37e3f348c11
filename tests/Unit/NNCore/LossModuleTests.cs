using Hybrid.NN;
using Xunit;

namespace Hybrid.Unit.NNCore;

public class LossModuleTests
{
    static Tensor T(params float[] v) => Torch.Tensor(v);

    [Fact]
    public void MSELoss_reductions()
    {
        var (x, y) = (T(1, 2, 3), T(1, 0, 0));
        Assert.Equal(13f / 3, new MSELoss().Forward(x, y).Item<float>(), 5);
        Assert.Equal(13f, new MSELoss(Reduction.Sum).Forward(x, y).Item<float>(), 5);
        Assert.Equal(new[] { 0f, 4f, 9f }, new MSELoss(Reduction.None).Forward(x, y).ToArray<float>());
    }

    [Fact]
    public void L1_SmoothL1_and_Huber_losses_by_hand()
    {
        var (x, y) = (T(0, 0.5f, 3), T(0, 0, 0));
        Assert.Equal((0 + 0.5f + 3) / 3, new L1Loss().Forward(x, y).Item<float>(), 5);
        // SmoothL1 (beta 1): 0.5·d² below 1, d − 0.5 above.
        Assert.Equal((0 + 0.125f + 2.5f) / 3, new SmoothL1Loss().Forward(x, y).Item<float>(), 5);
        // Huber (delta 2): 0.5·d² below 2, 2·(d − 1) above.
        Assert.Equal((0 + 0.125f + 4f) / 3, new HuberLoss(delta: 2).Forward(x, y).Item<float>(), 5);
    }

    [Fact]
    public void CrossEntropyLoss_with_weights_ignore_index_and_smoothing_by_hand()
    {
        var logits = Torch.Tensor(new[,] { { 1f, 2f, 3f }, { 1f, 1f, 1f } });
        var target = Torch.Tensor(new long[] { 2, 0 });
        double Lse(params double[] v) => Math.Log(v.Sum(Math.Exp));
        var nll0 = Lse(1, 2, 3) - 3;
        var nll1 = Lse(1, 1, 1) - 1;
        Assert.Equal((nll0 + nll1) / 2, new CrossEntropyLoss().Forward(logits, target).Item<float>(), 5);

        var w = Torch.Tensor(new[] { 1f, 2f, 4f });
        Assert.Equal((4 * nll0 + 1 * nll1) / 5, new CrossEntropyLoss(weight: w).Forward(logits, target).Item<float>(), 5);

        Assert.Equal(nll0, new CrossEntropyLoss(ignoreIndex: 0).Forward(logits, target).Item<float>(), 5);

        // ε = 0.1: (1 − ε)·nll + ε·mean_c(−log p_c).
        double Smooth(double[] row, int t) => 0.9 * (Lse(row) - row[t]) + 0.1 * row.Select(v => Lse(row) - v).Average();
        var expected = (Smooth(new double[] { 1, 2, 3 }, 2) + Smooth(new double[] { 1, 1, 1 }, 0)) / 2;
        Assert.Equal(expected, new CrossEntropyLoss(labelSmoothing: 0.1).Forward(logits, target).Item<float>(), 5);
    }

    [Fact]
    public void CrossEntropyLoss_with_probability_targets_by_hand()
    {
        var logits = Torch.Tensor(new[,] { { 0f, 1f } });
        var probs = Torch.Tensor(new[,] { { 0.25f, 0.75f } });
        var lse = Math.Log(1 + Math.E);
        Assert.Equal(0.25 * lse + 0.75 * (lse - 1), new CrossEntropyLoss().Forward(logits, probs).Item<float>(), 5);
    }

    [Fact]
    public void BCE_losses_by_hand()
    {
        var p = T(0.2f, 0.9f);
        var y = T(0, 1);
        Assert.Equal(-(Math.Log(0.8) + Math.Log(0.9)) / 2, new BCELoss().Forward(p, y).Item<float>(), 5);
        var logits = T(-1, 2);
        double Sp(double v) => Math.Log(1 + Math.Exp(v));
        Assert.Equal((Sp(-1) + Sp(-2)) / 2, new BCEWithLogitsLoss().Forward(logits, y).Item<float>(), 5);
        // pos_weight 3 scales the positive term: 3·y·softplus(−x) + (1 − y)·softplus(x).
        Assert.Equal((Sp(-1) + 3 * Sp(-2)) / 2, new BCEWithLogitsLoss(posWeight: T(3)).Forward(logits, y).Item<float>(), 5);
    }

    [Fact]
    public void KLDivLoss_by_hand()
    {
        var logq = T((float)Math.Log(0.5), (float)Math.Log(0.5));
        var p = T(0.25f, 0.75f);
        var expected = (0.25 * Math.Log(0.25 / 0.5) + 0.75 * Math.Log(0.75 / 0.5)) / 2;
        Assert.Equal(expected, new KLDivLoss().Forward(logq, p).Item<float>(), 5);
    }

    [Fact]
    public void Losses_reject_mismatched_shapes_naming_the_loss()
    {
        // The modules are the functions of F: the message names the function that refused.
        var ex = Assert.Throws<ArgumentException>(() => new L1Loss().Forward(Torch.Zeros(3), Torch.Zeros(4)));
        Assert.Contains("l1_loss: input shape (3) and target shape (4) must be the same", ex.Message);
        var kl = Assert.Throws<ArgumentException>(() => new KLDivLoss().Forward(Torch.Zeros(2, 3), Torch.Zeros(3)));
        Assert.Contains("kl_div: input shape (2, 3) and target shape (3) must be the same", kl.Message);
        var beta = Assert.Throws<ArgumentException>(() => Functional.SmoothL1Loss(Torch.Zeros(2), Torch.Zeros(2), beta: -1));
        Assert.Contains("smooth_l1_loss: beta must be non-negative, got -1", beta.Message);
    }
}
