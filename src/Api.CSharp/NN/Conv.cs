namespace Hybrid.NN;

/// <summary>2-D convolution (torch.nn.Conv2d): weight (out, in/groups, kh, kw).</summary>
public sealed class Conv2d : Module
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

    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv2d: in_channels ({inChannels}) and out_channels ({outChannels}) must be divisible by groups ({groups})");
        if (kernelSize <= 0 || stride <= 0 || dilation <= 0 || padding < 0)
            throw new ArgumentException($"Conv2d: kernel_size, stride and dilation must be positive and padding non-negative");
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups) = (inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        weight = new Parameter(Torch.Zeros(outChannels, inChannels / groups, kernelSize, kernelSize));
        this.bias = bias ? new Parameter(Torch.Zeros(outChannels)) : null;
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (this.bias is not null)
        {
            var bound = 1 / Math.Sqrt(inChannels / groups * kernelSize * kernelSize);
            Init.Uniform(this.bias, -bound, bound);
        }
    }

    public override Tensor Forward(Tensor input)
    {
        if ((input.Dim != 4 && input.Dim != 3) || input.Shape[^3] != InChannels)
            throw new ArgumentException($"Conv2d({InChannels}, {OutChannels}): expected input of shape (N, {InChannels}, H, W), got ({string.Join(", ", input.Shape)})");
        return Functional.Conv2d(input, weight, bias!, (Stride, Stride), (Padding, Padding), (Dilation, Dilation), Groups);
    }

    protected override string ExtraRepr() =>
        $"{InChannels}, {OutChannels}, kernel_size=({KernelSize}, {KernelSize}), stride=({Stride}, {Stride})" +
        (Padding != 0 ? $", padding=({Padding}, {Padding})" : "") +
        (Dilation != 1 ? $", dilation=({Dilation}, {Dilation})" : "") +
        (Groups != 1 ? $", groups={Groups}" : "") +
        (bias is null ? ", bias=False" : "");
}

/// <summary>1-D convolution (torch.nn.Conv1d): weight (out, in/groups, k).</summary>
public sealed class Conv1d : Module
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

    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"Conv1d: in_channels ({inChannels}) and out_channels ({outChannels}) must be divisible by groups ({groups})");
        (InChannels, OutChannels, KernelSize, Stride, Padding, Dilation, Groups) = (inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        weight = new Parameter(Torch.Zeros(outChannels, inChannels / groups, kernelSize));
        this.bias = bias ? new Parameter(Torch.Zeros(outChannels)) : null;
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (this.bias is not null)
        {
            var bound = 1 / Math.Sqrt(inChannels / groups * kernelSize);
            Init.Uniform(this.bias, -bound, bound);
        }
    }

    public override Tensor Forward(Tensor input)
    {
        if ((input.Dim != 3 && input.Dim != 2) || input.Shape[^2] != InChannels)
            throw new ArgumentException($"Conv1d({InChannels}, {OutChannels}): expected input of shape (N, {InChannels}, L), got ({string.Join(", ", input.Shape)})");
        return Functional.Conv1d(input, weight, bias!, Stride, Padding, Dilation, Groups);
    }

    protected override string ExtraRepr() =>
        $"{InChannels}, {OutChannels}, kernel_size=({KernelSize},), stride=({Stride},)" +
        (Padding != 0 ? $", padding=({Padding},)" : "") +
        (Dilation != 1 ? $", dilation=({Dilation},)" : "") +
        (Groups != 1 ? $", groups={Groups}" : "") +
        (bias is null ? ", bias=False" : "");
}
