namespace Hybrid.NN;

/// <summary>y = x·Wᵀ + b (torch.nn.Linear), weight (out, in) initialised as PyTorch does.</summary>
public sealed class Linear : Module
{
    /// <summary>Weight of shape (outFeatures, inFeatures).</summary>
    public Parameter weight;
    /// <summary>Bias of shape (outFeatures), or null.</summary>
    public Parameter? bias;

    public int InFeatures { get; }
    public int OutFeatures { get; }

    public Linear(int inFeatures, int outFeatures, bool bias = true, DType dtype = DType.Float32)
    {
        if (inFeatures < 0 || outFeatures < 0) throw new ArgumentException($"Linear: features must be non-negative, got in={inFeatures}, out={outFeatures}");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        weight = new Parameter(Torch.Zeros(new[] { outFeatures, inFeatures }, dtype));
        this.bias = bias ? new Parameter(Torch.Zeros(new[] { outFeatures }, dtype)) : null;
        ResetParameters();
    }

    /// <summary>kaiming_uniform(a=√5) for the weight, U(−1/√in, 1/√in) for the bias, as PyTorch.</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (bias is not null && InFeatures > 0)
        {
            var bound = 1 / Math.Sqrt(InFeatures);
            Init.Uniform(bias, -bound, bound);
        }
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.Dim == 0 || input.Shape[^1] != InFeatures)
            throw new ArgumentException($"Linear(in_features={InFeatures}): input has {(input.Dim == 0 ? 0 : input.Shape[^1])} features (input shape {LayerText.Shape(input.Shape)})");
        var y = input.MatMul(weight.T);
        return bias is null ? y : y + bias;
    }

    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={Py(bias is not null)}";
}
