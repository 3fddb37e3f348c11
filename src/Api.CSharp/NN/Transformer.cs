namespace Hybrid.NN;

/// <summary>
/// One transformer encoder block (torch.nn.TransformerEncoderLayer): self-attention then a
/// feed-forward network (linear1, activation, dropout, linear2), each wrapped in dropout, a
/// residual connection and LayerNorm — after the residual (post-norm, the default) or before
/// the sublayer with normFirst.
/// </summary>
public sealed class TransformerEncoderLayer : Module
{
    /// <summary>Self-attention over the sequence.</summary>
    public MultiheadAttention self_attn;
    /// <summary>Feed-forward expansion d_model → dim_feedforward.</summary>
    public Linear linear1;
    /// <summary>Dropout after the feed-forward activation.</summary>
    public Dropout dropout;
    /// <summary>Feed-forward projection dim_feedforward → d_model.</summary>
    public Linear linear2;
    /// <summary>LayerNorm of the attention sublayer.</summary>
    public LayerNorm norm1;
    /// <summary>LayerNorm of the feed-forward sublayer.</summary>
    public LayerNorm norm2;
    /// <summary>Dropout on the attention output before the residual.</summary>
    public Dropout dropout1;
    /// <summary>Dropout on the feed-forward output before the residual.</summary>
    public Dropout dropout2;

    readonly (int DimFeedforward, double Dropout, double Eps, bool Bias) _config;

    /// <summary>LayerNorm before each sublayer (pre-norm) instead of after the residual.</summary>
    public bool NormFirst { get; }
    /// <summary>"relu" or "gelu".</summary>
    public string Activation { get; }

    /// <summary>PyTorch's argument order and defaults.</summary>
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, bool bias = true)
    {
        if (activation is not ("relu" or "gelu"))
            throw new ArgumentException($"TransformerEncoderLayer: activation should be relu/gelu, not {activation}");
        (NormFirst, Activation) = (normFirst, activation);
        _config = (dimFeedforward, dropout, layerNormEps, bias);
        self_attn = new MultiheadAttention(dModel, nhead, dropout, bias, batchFirst);
        linear1 = new Linear(dModel, dimFeedforward, bias);
        this.dropout = new Dropout(dropout);
        linear2 = new Linear(dimFeedforward, dModel, bias);
        norm1 = new LayerNorm(dModel, layerNormEps, bias: bias);
        norm2 = new LayerNorm(dModel, layerNormEps, bias: bias);
        dropout1 = new Dropout(dropout);
        dropout2 = new Dropout(dropout);
    }

    /// <summary>An independent copy: the same options, weights and training mode (PyTorch's deepcopy of a layer).</summary>
    public TransformerEncoderLayer Copy()
    {
        var copy = new TransformerEncoderLayer(self_attn.EmbedDim, self_attn.NumHeads, _config.DimFeedforward, _config.Dropout, Activation,
            _config.Eps, self_attn.BatchFirst, NormFirst, _config.Bias);
        copy.LoadStateDict(StateDict());
        if (!Training) copy.Eval();
        return copy;
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// src (L, N, E), (N, L, E) with batchFirst, or unbatched (L, E); srcMask and
    /// srcKeyPaddingMask as MultiheadAttention's attnMask and keyPaddingMask.
    /// </summary>
    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask = null)
    {
        ArgumentNullException.ThrowIfNull(src);
        if ((src.Dim != 2 && src.Dim != 3) || src.Shape[^1] != self_attn.EmbedDim)
            throw new ArgumentException($"TransformerEncoderLayer(d_model={self_attn.EmbedDim}): expected src of shape (L, N, {self_attn.EmbedDim}) or (L, {self_attn.EmbedDim}) (got {LayerText.Shape(src.Shape)})");
        var x = src;
        if (NormFirst)
        {
            x = x + SelfAttentionBlock(norm1.Call(x), srcMask, srcKeyPaddingMask);
            return x + FeedForwardBlock(norm2.Call(x));
        }
        x = norm1.Call(x + SelfAttentionBlock(x, srcMask, srcKeyPaddingMask));
        return norm2.Call(x + FeedForwardBlock(x));
    }

    Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPaddingMask) =>
        dropout1.Call(self_attn.Forward(x, x, x, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    Tensor FeedForwardBlock(Tensor x)
    {
        var hidden = linear1.Call(x);
        hidden = Activation == "gelu" ? hidden.Gelu() : hidden.Relu();
        return dropout2.Call(linear2.Call(dropout.Call(hidden)));
    }
}

/// <summary>
/// A stack of numLayers copies of an encoder layer, each starting from that layer's weights, and
/// an optional final norm (torch.nn.TransformerEncoder). Parameters are named layers.0.…, as PyTorch's.
/// </summary>
public sealed class TransformerEncoder : Module
{
    /// <summary>The layers, applied in order.</summary>
    public ModuleList layers;
    /// <summary>Applied to the last layer's output; null for none.</summary>
    public LayerNorm? norm;

    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, LayerNorm? norm = null)
    {
        ArgumentNullException.ThrowIfNull(encoderLayer);
        if (numLayers < 1) throw new ArgumentException($"TransformerEncoder: num_layers must be positive, got {numLayers}");
        layers = new ModuleList(Enumerable.Range(0, numLayers).Select(_ => (Module)encoderLayer.Copy()).ToArray());
        this.norm = norm;
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>src through every layer with the same masks (see TransformerEncoderLayer.Forward), then the norm.</summary>
    public Tensor Forward(Tensor src, Tensor? mask, Tensor? srcKeyPaddingMask = null)
    {
        var x = src;
        foreach (var layer in layers) x = ((TransformerEncoderLayer)layer).Forward(x, mask, srcKeyPaddingMask);
        return norm is null ? x : norm.Call(x);
    }
}
