using Xunit;

namespace Hybrid.Unit;

/// <summary>CrossEntropy, NllLoss, MseLoss, BinaryCrossEntropyWithLogits against hand computations.</summary>
public class LossTests
{
    static double LogSumExp(params double[] v)
    {
        var m = v.Max();
        return m + Math.Log(v.Sum(x => Math.Exp(x - m)));
    }

    [Fact]
    public void CrossEntropy_is_the_mean_negative_log_softmax_of_the_target()
    {
        var logits = Torch.Tensor(new[,] { { 1.0, 2, 3 }, { 1, 1, 1 } });
        var target = Torch.Tensor(new[] { 2L, 0L });
        var row0 = LogSumExp(1, 2, 3) - 3;
        var row1 = Math.Log(3);
        Expect.Scalar(Functional.CrossEntropy(logits, target), (row0 + row1) / 2, 1e-12);
        Expect.Scalar(Functional.CrossEntropy(logits, target, Reduction.Sum), row0 + row1, 1e-12);
        Expect.Close(Functional.CrossEntropy(logits, target, Reduction.None), new[] { 2 }, new[] { row0, row1 }, 1e-12);
    }

    [Fact]
    public void CrossEntropy_gradient_is_softmax_minus_one_hot_over_batch()
    {
        var logits = Torch.Tensor(new[,] { { 1.0, 2, 3 }, { 1, 1, 1 } }, requiresGrad: true);
        Functional.CrossEntropy(logits, Torch.Tensor(new[] { 2L, 0L })).Backward();
        var z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        var expected = new[]
        {
            Math.Exp(1) / z / 2, Math.Exp(2) / z / 2, (Math.Exp(3) / z - 1) / 2,
            (1.0 / 3 - 1) / 2, 1.0 / 6, 1.0 / 6,
        };
        Expect.Close(logits.Grad, expected, 1e-12);
    }

    [Fact]
    public void CrossEntropy_is_stable_for_logits_of_1000()
    {
        var logits = Torch.Tensor(new[,] { { 1000f, 0f }, { 1000f, 0f } }, requiresGrad: true);
        var loss = Functional.CrossEntropy(logits, Torch.Tensor(new[] { 1L, 0L }), Reduction.None);
        Expect.Close(loss, new[] { 1000.0, 0.0 }, 1e-6);
        loss.Sum().Backward();
        Expect.Close(logits.Grad, new double[] { 1, -1, 0, 0 }, 1e-6);
    }

    [Fact]
    public void NllLoss_picks_and_negates_the_target_log_probabilities()
    {
        var input = Torch.Tensor(new[,] { { -1f, -2f }, { -3f, -4f } });
        var target = Torch.Tensor(new[] { 1L, 0L });
        Expect.Scalar(Functional.NllLoss(input, target), 2.5);
        Expect.Scalar(Functional.NllLoss(input, target, Reduction.Sum), 5);
        Expect.Close(Functional.NllLoss(input, target, Reduction.None), new double[] { 2, 3 });
    }

    [Fact]
    public void NllLoss_with_a_target_out_of_range_fails_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Functional.NllLoss(Torch.Zeros(2, 3), Torch.Tensor(new[] { 0L, 3L })));
        Assert.Contains("Target 3 is out of bounds", e.Message);
    }

    [Fact]
    public void MseLoss_is_the_mean_squared_difference()
    {
        var x = Torch.Tensor(new[] { 1f, 2f, 3f }, requiresGrad: true);
        var t = Torch.Tensor(new[] { 1f, 1f, 1f });
        var loss = Functional.MseLoss(x, t);
        Expect.Scalar(loss, 5.0 / 3);
        Expect.Scalar(Functional.MseLoss(x, t, Reduction.Sum), 5);
        Expect.Close(Functional.MseLoss(x, t, Reduction.None), new double[] { 0, 1, 4 });
        loss.Backward();
        Expect.Close(x.Grad, new[] { 0, 2.0 / 3, 4.0 / 3 });
    }

    [Fact]
    public void MseLoss_of_different_shapes_fails_naming_both()
    {
        var e = Assert.Throws<ArgumentException>(() => Functional.MseLoss(Torch.Zeros(3), Torch.Zeros(2)));
        Assert.Contains("(3)", e.Message);
        Assert.Contains("(2)", e.Message);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_matches_the_definition_and_is_stable_at_100()
    {
        var xs = new[] { 0.0, 100, -100, 100, -100, 2 };
        var ys = new[] { 1.0, 1, 1, 0, 0, 0.3 };
        // −[y·log σ(x) + (1−y)·log(1−σ(x))] written stably.
        var expected = xs.Zip(ys, (x, y) => Math.Max(x, 0) - x * y + Math.Log(1 + Math.Exp(-Math.Abs(x)))).ToArray();
        Assert.Equal(Math.Log(2), expected[0], 1e-15);
        Assert.Equal(100, expected[2], 1e-12);
        var input = Torch.Tensor(xs.Select(v => (float)v).ToArray(), requiresGrad: true);
        var target = Torch.Tensor(ys.Select(v => (float)v).ToArray());
        var loss = Functional.BinaryCrossEntropyWithLogits(input, target, Reduction.None);
        Expect.Close(loss, expected, 1e-6);
        Expect.Scalar(Functional.BinaryCrossEntropyWithLogits(input, target), expected.Average(), 1e-6);
        loss.Sum().Backward();
        var grad = xs.Zip(ys, (x, y) => 1 / (1 + Math.Exp(-x)) - y).ToArray();   // σ(x) − y
        Expect.Close(input.Grad, grad, 1e-6);
    }

    [Fact]
    public void CrossEntropy_with_class_weights_an_ignored_sample_and_label_smoothing_matches_the_definition()
    {
        // p = (1/4, 3/4) for the first sample; the second is ignored.
        var logits = Torch.Tensor(new[,] { { 0.0, Math.Log(3) }, { 5.0, 5.0 } });
        var target = Torch.Tensor(new[] { 1L, -100L });
        var weight = Torch.Tensor(new[] { 2.0, 1.0 });
        double nll = -Math.Log(0.75) * 1, smooth = -(2 * Math.Log(0.25) + 1 * Math.Log(0.75)) / 2;
        var expected = 0.8 * nll + 0.2 * smooth;
        Expect.Scalar(Functional.CrossEntropy(logits, target, Reduction.Mean, weight, -100, 0.2), expected, 1e-12);
        Expect.Close(Functional.CrossEntropy(logits, target, Reduction.None, weight, labelSmoothing: 0.2), new[] { expected, 0 }, 1e-12);
        // Without smoothing, the mean divides by the kept samples' weights: (2·nll₀ + 1·nll₁) / 3.
        var both = Torch.Tensor(new[] { 0L, 1L });
        var mean = (2 * -Math.Log(0.25) + 1 * -Math.Log(0.5)) / 3;
        Expect.Scalar(Functional.CrossEntropy(logits, both, weight: weight), mean, 1e-12);
        // A valid class can be the ignored one.
        Expect.Scalar(Functional.CrossEntropy(logits, both, ignoreIndex: 1), -Math.Log(0.25), 1e-12);
    }

    [Fact]
    public void CrossEntropy_of_one_sample_and_its_option_refusals()
    {
        var logits = Torch.Tensor(new[] { 0.0, Math.Log(3) });
        Expect.Scalar(Functional.CrossEntropy(logits, Torch.Tensor(1L), Reduction.None, labelSmoothing: 0.5), 0.5 * -Math.Log(0.75) + 0.5 * -(Math.Log(0.25) + Math.Log(0.75)) / 2, 1e-12);
        Assert.Empty(Functional.CrossEntropy(logits, Torch.Tensor(1L), Reduction.None, labelSmoothing: 0.5).Shape);
        var smoothing = Assert.Throws<ArgumentException>(() => Functional.CrossEntropy(logits, Torch.Tensor(1L), labelSmoothing: 1.5));
        Assert.Contains("cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: 1.5", smoothing.Message);
        var weights = Assert.Throws<ArgumentException>(() => Functional.CrossEntropy(logits, Torch.Tensor(1L), weight: Torch.Ones(3)));
        Assert.Contains("weight tensor should be defined either for all 2 classes or no classes but got weight tensor of shape: (3)", weights.Message);
        var bounds = Assert.Throws<ArgumentException>(() => Functional.CrossEntropy(logits.Unsqueeze(0), Torch.Tensor(new[] { 2L }), weight: Torch.Ones(2).Double()));
        Assert.Contains("cross_entropy: Target 2 is out of bounds for 2 classes.", bounds.Message);
    }

    [Fact]
    public void NllLoss_with_class_weights_and_an_ignored_sample_matches_the_definition()
    {
        var logp = Torch.Tensor(new[,] { { -0.5, -1.0, -2.0 }, { -3.0, -0.25, -1.5 }, { -1.0, -1.0, -1.0 } });
        var target = Torch.Tensor(new[] { 2L, 1L, -100L });
        var weight = Torch.Tensor(new[] { 1.0, 3.0, 0.5 });
        // Kept: sample 0 (class 2, weight 0.5, −log p = 2) and sample 1 (class 1, weight 3, 0.25).
        Expect.Close(Functional.NllLoss(logp, target, Reduction.None, weight), new[] { 1.0, 0.75, 0.0 }, 1e-12);
        Expect.Scalar(Functional.NllLoss(logp, target, Reduction.Sum, weight), 1.75, 1e-12);
        Expect.Scalar(Functional.NllLoss(logp, target, weight: weight), 1.75 / 3.5, 1e-12);
        Expect.Scalar(new Hybrid.NN.NLLLoss(weight).Forward(logp, target), 1.75 / 3.5, 1e-12);
        // Without weights, the mean is over the kept samples; a valid class can be the ignored one.
        Expect.Scalar(Functional.NllLoss(logp, target), (2 + 0.25) / 2.0, 1e-12);
        Expect.Scalar(Functional.NllLoss(logp, Torch.Tensor(new[] { 2L, 1L, 0L }), ignoreIndex: 1), (2 + 1) / 2.0, 1e-12);
        var bad = Assert.Throws<ArgumentException>(() => Functional.NllLoss(logp, target, weight: Torch.Ones(2).Double()));
        Assert.Contains("nll_loss: weight tensor should be defined either for all 3 classes", bad.Message);
    }
}
