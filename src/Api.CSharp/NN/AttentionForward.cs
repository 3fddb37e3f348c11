namespace Hybrid.NN;

public sealed partial class MultiheadAttention
{
    string Name => $"MultiheadAttention(embed_dim={EmbedDim}, num_heads={NumHeads})";

    /// <summary>
    /// Attention of query (L, N, E) over key (S, N, kdim) and value (S, N, vdim) (batch first
    /// with batchFirst; unbatched without N). keyPaddingMask (N, S) and attnMask (L, S) or
    /// (N·heads, L, S) are Bool (true = may not attend) or floating (added to the scores).
    /// Returns the output, shaped like the query, and, with needWeights, the attention weights
    /// (N, L, S) averaged over heads or (N, heads, L, S) per head.
    /// </summary>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (query.Dim != 2 && query.Dim != 3)
            throw new ArgumentException($"{Name}: expected query to be 2D (unbatched) or 3D (batched) (got {query.Dim}D query of shape {LayerText.Shape(query.Shape)})");
        if (key.Dim != query.Dim || value.Dim != query.Dim)
            throw new ArgumentException($"{Name}: expected key and value to be {query.Dim}D like the query (got key of shape {LayerText.Shape(key.Shape)} and value of shape {LayerText.Shape(value.Shape)})");
        var batched = query.Dim == 3;
        Tensor Seq(Tensor t) => !batched ? t.Unsqueeze(1) : BatchFirst ? t.Transpose(0, 1) : t;      // → (L, N, E)
        Tensor q = Seq(query), k = Seq(key), v = Seq(value);
        int l = q.Shape[0], n = q.Shape[1], s = k.Shape[0];
        if (q.Shape[2] != EmbedDim)
            throw new ArgumentException($"{Name}: expected query with embedding dimension {EmbedDim} (got {q.Shape[2]}, query shape {LayerText.Shape(query.Shape)})");
        if (k.Shape[2] != KDim || v.Shape[2] != VDim || k.Shape[1] != n || v.Shape[1] != n || v.Shape[0] != s)
            throw new ArgumentException($"{Name}: expected key with {KDim} and value with {VDim} features, the query's batch size {n} and one source length (got key of shape {LayerText.Shape(key.Shape)} and value of shape {LayerText.Shape(value.Shape)})");

        var (wq, wk, wv) = in_proj_weight is { } packed
            ? (packed.Narrow(0, 0, EmbedDim), packed.Narrow(0, EmbedDim, EmbedDim), packed.Narrow(0, 2 * EmbedDim, EmbedDim))
            : ((Tensor)q_proj_weight!, (Tensor)k_proj_weight!, (Tensor)v_proj_weight!);
        Tensor Project(Tensor x, Tensor w, int part, int length)
        {
            var y = x.MatMul(w.T);
            if (in_proj_bias is not null) y = y + in_proj_bias.Narrow(0, part * EmbedDim, EmbedDim);
            return y.Reshape(length, n, NumHeads, HeadDim).Permute(1, 2, 0, 3);               // (N, heads, len, head_dim)
        }
        var qh = Project(q, wq, 0, l) * (1 / Math.Sqrt(HeadDim));
        var kh = Project(k, wk, 1, s);
        var vh = Project(v, wv, 2, s);
        var scores = qh.MatMul(kh.Transpose(2, 3));                                              // (N, heads, L, S)

        if (attnMask is not null)
        {
            if (attnMask.Shape.SequenceEqual(new[] { l, s })) scores = ApplyMask(scores, attnMask);
            else if (attnMask.Shape.SequenceEqual(new[] { n * NumHeads, l, s })) scores = ApplyMask(scores, attnMask.Reshape(n, NumHeads, l, s));
            else throw new ArgumentException($"{Name}: expected attn_mask of shape {LayerText.Shape(new[] { l, s })} or {LayerText.Shape(new[] { n * NumHeads, l, s })} (got {LayerText.Shape(attnMask.Shape)})");
        }
        if (keyPaddingMask is not null)
        {
            var expected = batched ? new[] { n, s } : new[] { s };
            if (!keyPaddingMask.Shape.SequenceEqual(expected))
                throw new ArgumentException($"{Name}: expected key_padding_mask of shape {LayerText.Shape(expected)} (got {LayerText.Shape(keyPaddingMask.Shape)})");
            scores = ApplyMask(scores, keyPaddingMask.Reshape(n, 1, 1, s));
        }

        var weights = scores.Softmax(-1);
        if (Dropout > 0 && Training) weights = Functional.Dropout(weights, Dropout, true, null!);
        var attended = weights.MatMul(vh).Permute(2, 0, 1, 3).Reshape(l, n, EmbedDim);           // (L, N, E)
        var output = out_proj.Call(attended);
        output = !batched ? output.Squeeze(1) : BatchFirst ? output.Transpose(0, 1) : output;
        if (!needWeights) return (output, null);
        var returned = averageAttnWeights ? weights.Mean(1) : weights;
        return (output, batched ? returned : returned.Squeeze(0));
    }

    /// <summary>Bool masks put −∞ where true; floating masks are added.</summary>
    Tensor ApplyMask(Tensor scores, Tensor mask)
    {
        if (mask.DType == DType.Bool)
            return mask.Where(Torch.Full(Array.Empty<int>(), double.NegativeInfinity, scores.DType, scores.Device), scores);
        if (mask.DType.IsFloating()) return scores + mask;
        throw new ArgumentException($"{Name}: masks must be Bool or floating (got {mask.DType})");
    }
}
