using Hybrid.NN;
using Xunit;
using static Hybrid.Unit.NN.NNTest;

namespace Hybrid.Unit.NN;

public class AttentionTests
{
    static MultiheadAttention Make(int e, int heads, int seed, bool batchFirst = false)
    {
        var m = new MultiheadAttention(e, heads, batchFirst: batchFirst);
        Randomize(m, seed);          // non-zero biases, so every term is exercised
        return m;
    }

    [Fact]
    public void Single_head_matches_the_hand_computed_attention()
    {
        var m = Make(4, 1, 1);
        Tensor q = Randn(2, 3, 2, 4), k = Randn(3, 5, 2, 4), v = Randn(4, 5, 2, 4);
        var (output, weights) = m.Forward(q, k, v);
        var (expected, w) = AttentionReference.Compute(m, q, k, v);
        Expect.Close(output, new[] { 3, 2, 4 }, expected);
        Expect.Close(weights!, new[] { 2, 3, 5 }, AttentionReference.Flatten(w, average: true));
    }

    [Fact]
    public void Two_heads_match_per_head_and_averaged_weights()
    {
        var m = Make(4, 2, 5);
        Tensor q = Randn(6, 3, 2, 4), k = Randn(7, 4, 2, 4), v = Randn(8, 4, 2, 4);
        var (expected, w) = AttentionReference.Compute(m, q, k, v);
        var (output, perHead) = m.Forward(q, k, v, averageAttnWeights: false);
        Expect.Close(output, new[] { 3, 2, 4 }, expected);
        Expect.Close(perHead!, new[] { 2, 2, 3, 4 }, AttentionReference.Flatten(w, average: false));
        Expect.Close(m.Forward(q, k, v).Weights!, new[] { 2, 3, 4 }, AttentionReference.Flatten(w, average: true));
        Assert.Null(m.Forward(q, k, v, needWeights: false).Weights);
    }

    [Fact]
    public void Key_padding_mask_and_attn_mask_remove_keys()
    {
        var m = Make(4, 2, 9);
        Tensor q = Randn(10, 3, 2, 4), kv = Randn(11, 4, 2, 4);
        var pad = Torch.Tensor(new bool[,] { { false, false, true, false }, { false, false, false, true } });
        var causal = Torch.Tensor(new bool[,] { { false, true, true, true }, { false, false, true, true }, { false, false, false, true } });
        bool Masked(int b, int l, int s) => (b == 0 ? s == 2 : s == 3) || s > l;
        var (expected, w) = AttentionReference.Compute(m, q, kv, kv, Masked);
        var (output, weights) = m.Forward(q, kv, kv, keyPaddingMask: pad, attnMask: causal, averageAttnWeights: false);
        Expect.Close(output, expected);
        Expect.Close(weights!, AttentionReference.Flatten(w, average: false));

        var additive = causal.Where(Torch.Full(Array.Empty<int>(), double.NegativeInfinity), Torch.Zeros(3, 4));
        var perBatchHead = causal.Unsqueeze(0).Expand(4, 3, 4).Contiguous();
        Expect.Close(m.Forward(q, kv, kv, pad, attnMask: additive).Output, expected);
        Expect.Close(m.Forward(q, kv, kv, pad, attnMask: perBatchHead).Output, expected);
    }

    [Fact]
    public void Batch_first_and_unbatched_give_the_same_numbers()
    {
        var a = Make(6, 3, 12);
        var b = new MultiheadAttention(6, 3, batchFirst: true);
        b.LoadStateDict(a.StateDict());
        Tensor q = Randn(13, 4, 2, 6), kv = Randn(14, 5, 2, 6);
        var (oa, wa) = a.Forward(q, kv, kv);
        var (ob, wb) = b.Forward(q.Transpose(0, 1), kv.Transpose(0, 1), kv.Transpose(0, 1));
        Assert.Equal(new[] { 2, 4, 6 }, ob.Shape);
        Expect.Close(ob.Transpose(0, 1).Contiguous(), D(oa));
        Expect.Close(wb!, D(wa!));
        var (single, ws) = a.Forward(q.Select(1, 1), kv.Select(1, 1), kv.Select(1, 1));
        Assert.Equal(new[] { 4, 6 }, single.Shape);
        Assert.Equal(new[] { 4, 5 }, ws!.Shape);
        Expect.Close(single, D(oa.Select(1, 1)));
        Assert.Equal(new[] { 4, 2, 6 }, a.Forward(q).Shape);
    }

    [Fact]
    public void Parameters_init_and_names_follow_pytorch()
    {
        var m = new MultiheadAttention(16, 4);
        Assert.Equal(new[] { "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias" }, Names(m));
        Assert.Equal(new[] { 48, 16 }, m.in_proj_weight!.Shape);
        var xavier = Math.Sqrt(6.0 / (16 + 48));
        var w = D(m.in_proj_weight);
        Assert.All(w, x => Assert.InRange(Math.Abs(x), 0, xavier));
        Assert.True(w.Max(Math.Abs) > 0.95 * xavier);
        Assert.InRange(w.Average(), -0.03, 0.03);
        Assert.All(D(m.in_proj_bias!), x => Assert.Equal(0, x));
        Assert.All(D(m.out_proj.bias!), x => Assert.Equal(0, x));
        Assert.All(D(m.out_proj.weight), x => Assert.InRange(Math.Abs(x), 0, 1 / Math.Sqrt(16)));

        var separate = new MultiheadAttention(8, 2, kdim: 3, vdim: 5);
        Assert.Equal(new[] { "q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias" }, Names(separate));
        Assert.Equal(new[] { 8, 5 }, separate.v_proj_weight!.Shape);
        var (o, wts) = separate.Forward(Randn(1, 2, 3, 8), Randn(2, 4, 3, 3), Randn(3, 4, 3, 5));
        Assert.Equal(new[] { 2, 3, 8 }, o.Shape);
        Assert.Equal(new[] { 3, 2, 4 }, wts!.Shape);
        Assert.Equal(new[] { "in_proj_weight", "out_proj.weight" }, Names(new MultiheadAttention(4, 2, bias: false)));
    }

    [Fact]
    public void Gradients_pass_gradcheck()
    {
        var m = Make(4, 2, 15);
        m.To(DType.Float64);
        Tensor q = Randn64(16, 2, 1, 4), k = Randn64(17, 3, 1, 4), v = Randn64(18, 3, 1, 4);
        Assert.True(GradCheck.Check(xs => m.Forward(xs[0], xs[1], xs[2]).Output, new[] { q, k, v }));
        Assert.True(GradCheck.Check(xs => m.Forward(xs[0], xs[0], xs[0]).Weights!, new[] { q }));
        CheckParameterGradients(m, () => (m.Forward(q, k, v).Output * Randn64(19, 2, 1, 4)).Sum());
    }

    [Fact]
    public void Dropout_on_the_weights_acts_only_while_training()
    {
        var m = new MultiheadAttention(8, 2, dropout: 0.5);
        var x = Randn(20, 5, 2, 8);
        Assert.NotEqual(D(m.Forward(x)), D(m.Forward(x)));
        m.Eval();
        Assert.Equal(D(m.Forward(x)), D(m.Forward(x)));
    }

    [Fact]
    public void Prints_as_pytorch()
    {
        Assert.Equal("MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)\n)",
            new MultiheadAttention(8, 2).ToString());
    }

    [Fact]
    public void Bad_inputs_name_the_layer_what_it_expected_and_what_it_got()
    {
        var m = new MultiheadAttention(8, 2);
        ThrowsWith(() => m.Forward(Randn(1, 3, 2, 6)), "MultiheadAttention(embed_dim=8, num_heads=2)", "embedding dimension 8", "got 6", "(3, 2, 6)");
        ThrowsWith(() => m.Forward(Randn(1, 3, 2, 8), Randn(2, 4, 2, 8), Randn(3, 5, 2, 8)), "MultiheadAttention(embed_dim=8, num_heads=2)", "(4, 2, 8)", "(5, 2, 8)");
        ThrowsWith(() => m.Forward(Randn(1, 3, 2, 8), Randn(2, 4, 2, 8), Randn(2, 4, 2, 8), attnMask: Torch.Zeros(4, 3)), "attn_mask of shape (3, 4)", "got (4, 3)");
        ThrowsWith(() => m.Forward(Randn(1, 3, 2, 8), Randn(2, 4, 2, 8), Randn(2, 4, 2, 8), keyPaddingMask: Torch.Zeros(new[] { 4, 2 }, DType.Bool)), "key_padding_mask of shape (2, 4)", "got (4, 2)");
        ThrowsWith(() => m.Forward(Randn(1, 2, 3, 2, 8)), "2D (unbatched) or 3D (batched)", "4D");
        ThrowsWith(() => new MultiheadAttention(8, 3), "embed_dim (8) must be divisible by num_heads (3)");
    }
}
