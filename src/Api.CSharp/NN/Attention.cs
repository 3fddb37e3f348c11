namespace Hybrid.NN;

/// <summary>
/// The Linear that MultiheadAttention uses as out_proj (PyTorch's NonDynamicallyQuantizableLinear,
/// a Linear under another name): y = x·Wᵀ + b, initialised as Linear.
/// </summary>
public sealed class NonDynamicallyQuantizableLinear : Module
{
    /// <summary>Weight of shape (outFeatures, inFeatures).</summary>
    public Parameter weight;
    /// <summary>Bias of shape (outFeatures), or null.</summary>
    public Parameter? bias;

    /// <summary>Size of each input sample.</summary>
    public int InFeatures { get; }
    /// <summary>Size of each output sample.</summary>
    public int OutFeatures { get; }

    /// <summary>kaiming_uniform(a=√5) weight and U(±1/√in) bias, as Linear.</summary>
    public NonDynamicallyQuantizableLinear(int inFeatures, int outFeatures, bool bias = true)
    {
        (InFeatures, OutFeatures) = (inFeatures, outFeatures);
        weight = new Parameter(Torch.Zeros(outFeatures, inFeatures));
        this.bias = bias ? new Parameter(Torch.Zeros(outFeatures)) : null;
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (this.bias is not null && inFeatures > 0) Init.Uniform(this.bias, -1 / Math.Sqrt(inFeatures), 1 / Math.Sqrt(inFeatures));
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        if (input.Dim == 0 || input.Shape[^1] != InFeatures)
            throw new ArgumentException($"NonDynamicallyQuantizableLinear(in_features={InFeatures}): input has {(input.Dim == 0 ? 0 : input.Shape[^1])} features (input shape {LayerText.Shape(input.Shape)})");
        var y = input.MatMul(weight.T);
        return bias is null ? y : y + bias;
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Py(bias is not null)}";
}

/// <summary>
/// Multi-head scaled dot-product attention (torch.nn.MultiheadAttention): query, key and value
/// are projected by in_proj_weight (3E, E) and in_proj_bias (or q/k/v_proj_weight when kdim or
/// vdim differ from E), split into heads, softmax(q·kᵀ/√head_dim + masks)·v per head, joined
/// and projected by out_proj. Inputs (L, N, E), (N, L, E) with batchFirst, or unbatched (L, E).
/// </summary>
public sealed partial class MultiheadAttention : Module
{
    /// <summary>Packed q, k, v projection (3E, E) when kdim = vdim = E, else null.</summary>
    public Parameter? in_proj_weight;
    /// <summary>Query projection (E, E) when kdim or vdim differ from E, else null.</summary>
    public Parameter? q_proj_weight;
    /// <summary>Key projection (E, kdim) when kdim or vdim differ from E, else null.</summary>
    public Parameter? k_proj_weight;
    /// <summary>Value projection (E, vdim) when kdim or vdim differ from E, else null.</summary>
    public Parameter? v_proj_weight;
    /// <summary>Packed q, k, v bias (3E), zeros at start; null without bias.</summary>
    public Parameter? in_proj_bias;
    /// <summary>Output projection E → E (bias zeros at start).</summary>
    public NonDynamicallyQuantizableLinear out_proj;

    /// <summary>Model dimension E of the query and the output.</summary>
    public int EmbedDim { get; }
    /// <summary>Parallel attention heads.</summary>
    public int NumHeads { get; }
    /// <summary>E / numHeads.</summary>
    public int HeadDim { get; }
    /// <summary>Features of the key.</summary>
    public int KDim { get; }
    /// <summary>Features of the value.</summary>
    public int VDim { get; }
    /// <summary>Dropout probability on the attention weights while training.</summary>
    public double Dropout { get; }
    /// <summary>Inputs and output are (N, L, E) instead of (L, N, E).</summary>
    public bool BatchFirst { get; }

    /// <summary>embedDim must be divisible by numHeads; kdim and vdim default to embedDim.</summary>
    public MultiheadAttention(int embedDim, int numHeads, double dropout = 0, bool bias = true, bool batchFirst = false, int? kdim = null, int? vdim = null)
    {
        if (embedDim <= 0 || numHeads <= 0) throw new ArgumentException($"MultiheadAttention: embed_dim and num_heads must be positive, got {embedDim} and {numHeads}");
        if (embedDim % numHeads != 0) throw new ArgumentException($"MultiheadAttention: embed_dim ({embedDim}) must be divisible by num_heads ({numHeads})");
        if (dropout is < 0 or > 1 || double.IsNaN(dropout)) throw new ArgumentException($"MultiheadAttention: dropout probability has to be between 0 and 1, but got {dropout}");
        (EmbedDim, NumHeads, HeadDim, Dropout, BatchFirst) = (embedDim, numHeads, embedDim / numHeads, dropout, batchFirst);
        (KDim, VDim) = (kdim ?? embedDim, vdim ?? embedDim);
        if (KDim == embedDim && VDim == embedDim)
            in_proj_weight = new Parameter(Torch.Zeros(3 * embedDim, embedDim));
        else
        {
            q_proj_weight = new Parameter(Torch.Zeros(embedDim, embedDim));
            k_proj_weight = new Parameter(Torch.Zeros(embedDim, KDim));
            v_proj_weight = new Parameter(Torch.Zeros(embedDim, VDim));
        }
        in_proj_bias = bias ? new Parameter(Torch.Zeros(3 * embedDim)) : null;
        out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, bias);
        ResetParameters();
    }

    /// <summary>xavier_uniform projections, zero in_proj_bias and out_proj.bias, as PyTorch.</summary>
    public void ResetParameters()
    {
        foreach (var w in new[] { in_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight })
            if (w is not null) Init.XavierUniform(w);
        if (in_proj_bias is not null) Init.Zeros(in_proj_bias);
        if (out_proj.bias is not null) Init.Zeros(out_proj.bias);
    }

    /// <summary>Self-attention of the input (query = key = value), without the weights.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, input, input, needWeights: false).Output;
}
