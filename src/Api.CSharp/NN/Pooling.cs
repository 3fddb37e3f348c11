namespace Hybrid.NN;

/// <summary>Max over kernel×kernel windows (torch.nn.MaxPool2d); stride defaults to the kernel size.</summary>
public sealed class MaxPool2d(int kernelSize, int? stride = null, int padding = 0) : Module
{
    public int KernelSize { get; } = kernelSize;
    public int Stride { get; } = stride ?? kernelSize;
    public int Padding { get; } = padding;

    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding);

    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation=1, ceil_mode=False";
}

/// <summary>Mean over kernel×kernel windows, zero padding counted (torch.nn.AvgPool2d).</summary>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0) : Module
{
    public int KernelSize { get; } = kernelSize;
    public int Stride { get; } = stride ?? kernelSize;
    public int Padding { get; } = padding;

    public override Tensor Forward(Tensor input) => Functional.AvgPool2d(input, KernelSize, Stride, Padding);

    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

/// <summary>Max over windows of a (N, C, L) input (torch.nn.MaxPool1d).</summary>
public sealed class MaxPool1d(int kernelSize, int? stride = null, int padding = 0) : Module
{
    public int KernelSize { get; } = kernelSize;
    public int Stride { get; } = stride ?? kernelSize;
    public int Padding { get; } = padding;

    public override Tensor Forward(Tensor input)
    {
        if (input.Dim != 3 && input.Dim != 2)
            throw new ArgumentException($"MaxPool1d: expected 2D or 3D input (N, C, L), got {LayerText.Shape(input.Shape)}");
        if (KernelSize <= 0 || Stride <= 0 || Padding < 0 || 2 * Padding > KernelSize)
            throw new ArgumentException($"MaxPool1d: pad should be at most half of kernel size, got padding={Padding}, kernel_size={KernelSize}");
        var x = input.Dim == 3 ? input : input.Unsqueeze(0);
        var (n, c, l) = (x.Shape[0], x.Shape[1], x.Shape[2]);
        var padded = Padding == 0 ? x : Join.Pad(x, new[] { 0, 0, Padding }, new[] { 0, 0, Padding }, double.NegativeInfinity);
        var window = new Window2d(1, KernelSize, 1, Stride, 0, 0, 1, 1);
        var outL = window.OutW(l + 2 * Padding);
        if (outL <= 0) throw new ArgumentException($"MaxPool1d: kernel_size {KernelSize} is larger than the padded input length {l + 2 * Padding}");
        var cols = Functional.Unfold(padded.Unsqueeze(2), window).Reshape(n, c, KernelSize, outL);
        var (values, _) = cols.Max(2);
        return input.Dim == 3 ? values : values.Squeeze(0);
    }

    protected override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation=1, ceil_mode=False";
}

/// <summary>The max of each of outH×outW adaptive regions (torch.nn.AdaptiveMaxPool2d, without indices).</summary>
public sealed class AdaptiveMaxPool2d(int outputHeight, int outputWidth) : Module
{
    public AdaptiveMaxPool2d(int outputSize) : this(outputSize, outputSize) { }

    public int OutputHeight { get; } = outputHeight;
    public int OutputWidth { get; } = outputWidth;

    public override Tensor Forward(Tensor input) => Functional.AdaptiveMaxPool2d(input, OutputHeight, OutputWidth);

    protected override string ExtraRepr() => $"output_size=({OutputHeight}, {OutputWidth})";
}

/// <summary>Averages each of outH×outW adaptive regions (torch.nn.AdaptiveAvgPool2d).</summary>
public sealed class AdaptiveAvgPool2d(int outputHeight, int outputWidth) : Module
{
    public AdaptiveAvgPool2d(int outputSize) : this(outputSize, outputSize) { }

    public int OutputHeight { get; } = outputHeight;
    public int OutputWidth { get; } = outputWidth;

    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, OutputHeight, OutputWidth);

    protected override string ExtraRepr() => $"output_size=({OutputHeight}, {OutputWidth})";
}
