namespace Hybrid.NN;

/// <summary>
/// Normalises over the trailing dims given by normalizedShape with the biased variance, then
/// applies an elementwise scale and shift of that shape (torch.nn.LayerNorm).
/// </summary>
public sealed class LayerNorm : Module
{
    /// <summary>Scale of shape normalizedShape, ones at start; null without elementwiseAffine.</summary>
    public Parameter? weight;
    /// <summary>Shift of shape normalizedShape, zeros at start; null without elementwiseAffine or bias.</summary>
    public Parameter? bias;

    readonly int[] _normalizedShape;

    /// <summary>The trailing shape that is normalised.</summary>
    public int[] NormalizedShape => (int[])_normalizedShape.Clone();
    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }
    /// <summary>Whether the layer learns weight (and bias).</summary>
    public bool ElementwiseAffine { get; }

    /// <summary>Normalises over the trailing dims <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm: normalized_shape must be a non-empty list of positive sizes, got {LayerText.Tuple(normalizedShape)}");
        _normalizedShape = (int[])normalizedShape.Clone();
        (Eps, ElementwiseAffine) = (eps, elementwiseAffine);
        if (elementwiseAffine)
        {
            weight = new Parameter(Torch.Ones(_normalizedShape));
            this.bias = bias ? new Parameter(Torch.Zeros(_normalizedShape)) : null;
        }
    }

    /// <summary>Normalises over the last dim, of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true)
        : this(new[] { normalizedShape }, eps, elementwiseAffine, bias) { }

    /// <summary>Weight to ones, bias to zeros.</summary>
    public void ResetParameters()
    {
        if (weight is not null) Init.Ones(weight);
        if (bias is not null) Init.Zeros(bias);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var k = _normalizedShape.Length;
        if (input.Dim < k || !input.Shape[^k..].SequenceEqual(_normalizedShape))
            throw new ArgumentException($"LayerNorm({LayerText.Tuple(_normalizedShape)}): expected input of shape (*, {string.Join(", ", _normalizedShape)}) (got input of shape {LayerText.Shape(input.Shape)})");
        return Functional.LayerNorm(input, _normalizedShape, weight!, bias!, Eps);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"{LayerText.Tuple(_normalizedShape)}, eps={Py(Eps)}, elementwise_affine={Py(ElementwiseAffine)}";
}

/// <summary>
/// Splits the C channels of an (N, C, *) input into numGroups groups and normalises each group
/// of each sample with its own mean and biased variance, then scales and shifts per channel
/// (torch.nn.GroupNorm).
/// </summary>
public sealed class GroupNorm : Module
{
    /// <summary>Per-channel scale (numChannels), ones at start; null without affine.</summary>
    public Parameter? weight;
    /// <summary>Per-channel shift (numChannels), zeros at start; null without affine.</summary>
    public Parameter? bias;

    /// <summary>Number of groups the channels are split into.</summary>
    public int NumGroups { get; }
    /// <summary>Channels C of an (N, C, *) input.</summary>
    public int NumChannels { get; }
    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }
    /// <summary>Whether the layer learns weight and bias.</summary>
    public bool Affine { get; }

    /// <summary>numChannels must be divisible by numGroups.</summary>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true)
    {
        if (numGroups <= 0 || numChannels <= 0 || numChannels % numGroups != 0)
            throw new ArgumentException($"GroupNorm: num_channels ({numChannels}) must be divisible by num_groups ({numGroups}), both positive");
        (NumGroups, NumChannels, Eps, Affine) = (numGroups, numChannels, eps, affine);
        if (affine)
        {
            weight = new Parameter(Torch.Ones(numChannels));
            bias = new Parameter(Torch.Zeros(numChannels));
        }
    }

    /// <summary>Weight to ones, bias to zeros.</summary>
    public void ResetParameters()
    {
        if (weight is not null) Init.Ones(weight);
        if (bias is not null) Init.Zeros(bias);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim < 2 || input.Shape[1] != NumChannels)
            throw new ArgumentException($"GroupNorm({NumGroups}, {NumChannels}): expected input of shape (N, {NumChannels}, *) (got input of shape {LayerText.Shape(input.Shape)})");
        var n = input.Shape[0];
        var perGroup = input.NumEl / Math.Max(1, n) / NumGroups;
        var grouped = input.Reshape(n, NumGroups, perGroup);
        var centered = grouped - grouped.Mean(2, keepdim: true);
        var y = (centered * ((centered * centered).Mean(2, keepdim: true) + Eps).Rsqrt()).Reshape(input.Shape);
        var shape = LayerText.ChannelShape(NumChannels, input.Dim);
        if (weight is not null) y = y * weight.Reshape(shape);
        if (bias is not null) y = y + bias.Reshape(shape);
        return y;
    }

    /// <inheritdoc />
    protected override string ExtraRepr() => $"{NumGroups}, {NumChannels}, eps={Py(Eps)}, affine={Py(Affine)}";
}
