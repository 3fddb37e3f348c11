using Hybrid.NN;
using Xunit;
using static Hybrid.Unit.NN.NNTest;

namespace Hybrid.Unit.NN;

public class TransformerTests
{
    [Fact]
    public void Output_has_the_input_shape_in_every_layout()
    {
        var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16);
        Assert.Equal(new[] { 5, 3, 8 }, layer.Forward(Randn(1, 5, 3, 8)).Shape);
        Assert.Equal(new[] { 5, 8 }, layer.Forward(Randn(2, 5, 8)).Shape);
        var batchFirst = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, batchFirst: true);
        Assert.Equal(new[] { 3, 5, 8 }, batchFirst.Forward(Randn(3, 3, 5, 8)).Shape);
    }

    [Fact]
    public void Eval_mode_is_deterministic_and_training_applies_dropout()
    {
        var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0.3);
        var x = Randn(4, 5, 2, 8);
        Assert.NotEqual(D(layer.Forward(x)), D(layer.Forward(x)));
        layer.Eval();
        Assert.Equal(D(layer.Forward(x)), D(layer.Forward(x)));
    }

    [Theory]
    [InlineData(false, "relu")]
    [InlineData(true, "gelu")]
    public void Composes_attention_feed_forward_residuals_and_norms_as_pytorch(bool normFirst, string activation)
    {
        var layer = new TransformerEncoderLayer(4, 2, dimFeedforward: 6, dropout: 0, activation: activation, normFirst: normFirst);
        Randomize(layer, 5);
        var x = Randn(6, 3, 2, 4);
        Tensor Sa(Tensor t) => layer.self_attn.Forward(t, t, t).Output;
        Tensor Ff(Tensor t)
        {
            var hidden = layer.linear1.Forward(t);
            return layer.linear2.Forward(activation == "gelu" ? hidden.Gelu() : hidden.Relu());
        }
        Tensor expected;
        if (normFirst)
        {
            var h = x + Sa(layer.norm1.Forward(x));
            expected = h + Ff(layer.norm2.Forward(h));
        }
        else
        {
            var h = layer.norm1.Forward(x + Sa(x));
            expected = layer.norm2.Forward(h + Ff(h));
        }
        Expect.Close(layer.Forward(x), D(expected));
    }

    [Fact]
    public void Source_masks_reach_the_attention()
    {
        var layer = new TransformerEncoderLayer(4, 1, dimFeedforward: 6, dropout: 0);
        var x = Randn(7, 3, 1, 4);
        var causal = Torch.Tensor(new bool[,] { { false, true, true }, { false, false, true }, { false, false, false } });
        var masked = layer.Forward(x, causal);
        // With a causal mask the first position sees only itself: changing later positions leaves it alone.
        var changed = Join.Cat(new[] { x.Narrow(0, 0, 1), Randn(8, 2, 1, 4) }, 0);
        Expect.Close(layer.Forward(changed, causal).Select(0, 0), D(masked.Select(0, 0)));
        Assert.NotEqual(D(layer.Forward(changed).Select(0, 0)), D(layer.Forward(x).Select(0, 0)));
        var pad = Torch.Tensor(new bool[,] { { false, false, true } });
        Assert.Equal(new[] { 3, 1, 4 }, layer.Forward(x, null, pad).Shape);
    }

    [Fact]
    public void Gradients_pass_gradcheck()
    {
        var layer = new TransformerEncoderLayer(2, 1, dimFeedforward: 3, dropout: 0);
        layer.To(DType.Float64);
        Randomize(layer, 9);
        var x = Randn64(10, 3, 1, 2);
        Assert.True(GradCheck.Check(xs => layer.Forward(xs[0]), new[] { x }));
        CheckParameterGradients(layer, () => (layer.Forward(x) * Randn64(11, 3, 1, 2)).Sum(), entries: 2);
    }

    [Fact]
    public void Parameters_are_named_as_pytorch()
    {
        Assert.Equal(new[]
        {
            "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
            "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
            "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
        }, Names(new TransformerEncoderLayer(8, 2, dimFeedforward: 16)));
    }

    [Fact]
    public void Prints_as_pytorch()
    {
        Assert.Equal(
            "TransformerEncoderLayer(\n" +
            "  (self_attn): MultiheadAttention(\n" +
            "    (out_proj): NonDynamicallyQuantizableLinear(in_features=512, out_features=512, bias=True)\n" +
            "  )\n" +
            "  (linear1): Linear(in_features=512, out_features=2048, bias=True)\n" +
            "  (dropout): Dropout(p=0.1, inplace=False)\n" +
            "  (linear2): Linear(in_features=2048, out_features=512, bias=True)\n" +
            "  (norm1): LayerNorm((512,), eps=1e-05, elementwise_affine=True)\n" +
            "  (norm2): LayerNorm((512,), eps=1e-05, elementwise_affine=True)\n" +
            "  (dropout1): Dropout(p=0.1, inplace=False)\n" +
            "  (dropout2): Dropout(p=0.1, inplace=False)\n" +
            ")",
            new TransformerEncoderLayer(512, 8).ToString());
    }

    [Fact]
    public void Bad_arguments_and_inputs_are_reported()
    {
        ThrowsWith(() => new TransformerEncoderLayer(8, 2, activation: "tanh"), "activation should be relu/gelu, not tanh");
        ThrowsWith(() => new TransformerEncoderLayer(8, 2, dimFeedforward: 16).Forward(Randn(1, 5, 3, 6)), "TransformerEncoderLayer(d_model=8)", "(5, 3, 6)");
    }

    [Fact]
    public void TransformerEncoder_stacks_independent_copies_of_its_layer_then_the_norm()
    {
        Torch.ManualSeed(12);
        var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0.0);
        var norm = new LayerNorm(8);
        var encoder = new TransformerEncoder(layer, 2, norm);
        Assert.Contains("layers.1.linear2.weight", encoder.StateDict().Keys);
        Assert.Contains("norm.weight", encoder.StateDict().Keys);
        // The copies start from the layer's weights: two copies equal the layer applied twice.
        var x = Torch.Randn(5, 3, 8);
        var expected = norm.Forward(layer.Forward(layer.Forward(x)));
        Assert.True(encoder.Forward(x).AllClose(expected, 1e-6, 1e-6));
        // ... and do not share them.
        var copy = (TransformerEncoderLayer)encoder.layers.First();
        using (Torch.NoGrad()) copy.linear1.weight.Mul_(2.0);
        Assert.False(copy.linear1.weight.AllClose(layer.linear1.weight));
        Assert.True(((TransformerEncoderLayer)encoder.layers.Last()).linear1.weight.AllClose(layer.linear1.weight));
    }
}
