namespace Hybrid.NN;

/// <summary>
/// What Conv1d and Conv2d share (PyTorch's _ConvNd): the geometry, the weight
/// (out, in/groups, k, ...) and bias, their checks and PyTorch's initialisation, and the repr.
/// </summary>
public abstract class ConvNd : Module
{
    public Parameter weight;
    public Parameter? bias;
    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }
    public int Groups { get; }
    readonly int _spatialDims;

    protected ConvNd(int spatialDims, int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups, bool bias)
    {
        var name = GetType().Name;
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{name}: in_channels ({inChannels}) and out_channels ({outChannels}) must be divisible by groups ({groups})");
        if (kernelSize <= 0 || stride <= 0 || dilation <= 0 || padding < 0)
            throw new ArgumentException($"{name}: kernel_size, stride and dilation must be positive and padding non-negative");
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups) = (inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        _spatialDims = spatialDims;
        var shape = new[] { outChannels, inChannels / groups }.Concat(Enumerable.Repeat(kernelSize, spatialDims)).ToArray();
        weight = new Parameter(Torch.Zeros(shape));
        this.bias = bias ? new Parameter(Torch.Zeros(outChannels)) : null;
        // kaiming_uniform(a=√5) for the weight, U(±1/√fan_in) for the bias, as PyTorch.
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (this.bias is not null)
        {
            var bound = 1 / Math.Sqrt(inChannels / groups * Math.Pow(kernelSize, spatialDims));
            Init.Uniform(this.bias, -bound, bound);
        }
    }

    /// <summary>Fails unless input is (N, C, *) or (C, *) with C = InChannels and the right number of spatial dims.</summary>
    protected void CheckInput(Tensor input, string expected)
    {
        if ((input.Dim != _spatialDims + 2 && input.Dim != _spatialDims + 1) || input.Shape[^(_spatialDims + 1)] != InChannels)
            throw new ArgumentException($"{GetType().Name}({InChannels}, {OutChannels}): expected input of shape {expected}, got {LayerText.Shape(input.Shape)}");
    }

    /// <summary>"(3, 3)" or "(3,)": a per-dimension setting as PyTorch prints it.</summary>
    string Tuple(int value) => LayerText.Tuple(Enumerable.Repeat(value, _spatialDims).ToArray());

    protected override string ExtraRepr() =>
        $"{InChannels}, {OutChannels}, kernel_size={Tuple(KernelSize)}, stride={Tuple(Stride)}" +
        (Padding != 0 ? $", padding={Tuple(Padding)}" : "") +
        (Dilation != 1 ? $", dilation={Tuple(Dilation)}" : "") +
        (Groups != 1 ? $", groups={Groups}" : "") +
        (bias is null ? ", bias=False" : "");
}

/// <summary>2-D convolution (torch.nn.Conv2d): weight (out, in/groups, kh, kw).</summary>
public sealed class Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true)
    : ConvNd(2, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias)
{
    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, $"(N, {InChannels}, H, W)");
        return Functional.Conv2d(input, weight, bias!, (Stride, Stride), (Padding, Padding), (Dilation, Dilation), Groups);
    }
}

/// <summary>1-D convolution (torch.nn.Conv1d): weight (out, in/groups, k).</summary>
public sealed class Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true)
    : ConvNd(1, inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias)
{
    public override Tensor Forward(Tensor input)
    {
        CheckInput(input, $"(N, {InChannels}, L)");
        return Functional.Conv1d(input, weight, bias!, Stride, Padding, Dilation, Groups);
    }
}
