namespace Hybrid.NN;

/// <summary>
/// Transposed 2-D convolution (torch.nn.ConvTranspose2d), the adjoint of Conv2d with the same
/// geometry: weight (in, out/groups, k, k); each input pixel scatters a k×k patch through the
/// weight, patches overlapping-add into an output of size
/// (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
/// </summary>
public sealed class ConvTranspose2d : Module
{
    /// <summary>Weight of shape (inChannels, outChannels/groups, k, k).</summary>
    public Parameter weight;
    /// <summary>Bias of shape (outChannels), or null.</summary>
    public Parameter? bias;

    /// <summary>Channels of the input.</summary>
    public int InChannels { get; }
    /// <summary>Channels of the output.</summary>
    public int OutChannels { get; }
    /// <summary>Side of the square kernel.</summary>
    public int KernelSize { get; }
    /// <summary>Step between the patches that input pixels stamp into the output.</summary>
    public int Stride { get; }
    /// <summary>Rows and columns cropped from each border of the full output.</summary>
    public int Padding { get; }
    /// <summary>Extra rows and columns added at the bottom and right of the output.</summary>
    public int OutputPadding { get; }
    /// <summary>Blocked connections: input group g feeds output group g only.</summary>
    public int Groups { get; }
    /// <summary>Spacing between kernel elements.</summary>
    public int Dilation { get; }

    /// <summary>PyTorch's argument order: padding, output_padding, groups, bias, dilation.</summary>
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, bool bias = true, int dilation = 1)
    {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"ConvTranspose2d: in_channels ({inChannels}) and out_channels ({outChannels}) must be divisible by groups ({groups})");
        if (kernelSize <= 0 || stride <= 0 || dilation <= 0 || padding < 0 || outputPadding < 0)
            throw new ArgumentException("ConvTranspose2d: kernel_size, stride and dilation must be positive, padding and output_padding non-negative");
        if (outputPadding >= stride && outputPadding >= dilation)
            throw new ArgumentException($"ConvTranspose2d: output padding must be smaller than either stride or dilation, but got output_padding={outputPadding}, stride={stride}, dilation={dilation}");
        (InChannels, OutChannels, KernelSize, Stride, Padding, OutputPadding, Groups, Dilation) =
            (inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, dilation);
        weight = new Parameter(Torch.Zeros(inChannels, outChannels / groups, kernelSize, kernelSize));
        this.bias = bias ? new Parameter(Torch.Zeros(outChannels)) : null;
        ResetParameters();
    }

    /// <summary>kaiming_uniform(a=√5) with fan_in = (out/groups)·k·k (weight dim 1), bias U(±1/√fan_in), as PyTorch.</summary>
    public void ResetParameters()
    {
        Init.KaimingUniform(weight, a: Math.Sqrt(5));
        if (bias is not null)
        {
            var (fanIn, _) = Init.CalculateFans(weight);
            var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            Init.Uniform(bias, -bound, bound);
        }
    }

    /// <summary>The output size along one spatial dim for an input of size <paramref name="size"/>.</summary>
    public int OutputSize(int size) => (size - 1) * Stride - 2 * Padding + Dilation * (KernelSize - 1) + OutputPadding + 1;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((input.Dim != 4 && input.Dim != 3) || input.Shape[^3] != InChannels)
            throw new ArgumentException($"ConvTranspose2d({InChannels}, {OutChannels}): expected input of shape (N, {InChannels}, H, W) or ({InChannels}, H, W) (got input of shape {LayerText.Shape(input.Shape)})");
        var x = input.Dim == 4 ? input : input.Unsqueeze(0);
        int n = x.Shape[0], h = x.Shape[2], w = x.Shape[3], k = KernelSize;
        int oh = OutputSize(h), ow = OutputSize(w);
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"ConvTranspose2d({InChannels}, {OutChannels}): the output size ({oh}, {ow}) for input of shape {LayerText.Shape(input.Shape)} is too small");
        int cin = InChannels / Groups, cout = OutChannels / Groups;
        // cols = Wᵀ·x per group: (G, cout·k·k, cin) · (N, G, cin, H·W) → (N, Cout·k·k, H·W), rows ordered (channel, ky, kx).
        var wt = weight.Reshape(Groups, cin, cout * k * k).Transpose(1, 2);
        var cols = wt.MatMul(x.Reshape(n, Groups, cin, h * w)).Reshape(n, OutChannels * k * k, h * w);
        var y = Fold(cols, h, w, oh, ow);
        if (bias is not null) y = y + bias.Reshape(1, OutChannels, 1, 1);
        return input.Dim == 4 ? y : y.Squeeze(0);
    }

    /// <summary>col2im into the (oh, ow) output; folds into the uncropped canvas when outputPadding ≥ stride.</summary>
    Tensor Fold(Tensor cols, int h, int w, int oh, int ow)
    {
        int k = KernelSize, s = Stride, d = Dilation, p = Padding;
        if (OutputPadding < s)
            return Functional.Fold(cols, new Window2d(k, k, s, s, p, p, d, d), OutChannels, oh, ow);
        // Every input position lands on canvas row i·s + j·d; the output is canvas rows p .. p + oh.
        var fullH = (h - 1) * s + d * (k - 1) + 1;
        var fullW = (w - 1) * s + d * (k - 1) + 1;
        var canvas = Functional.Fold(cols, new Window2d(k, k, s, s, 0, 0, d, d), OutChannels, fullH, fullW);
        int extraH = Math.Max(0, p + oh - fullH), extraW = Math.Max(0, p + ow - fullW);
        if (extraH > 0 || extraW > 0) canvas = Join.Pad(canvas, new[] { 0, 0, 0, 0 }, new[] { 0, 0, extraH, extraW }, 0);
        return canvas.Narrow(2, p, oh).Narrow(3, p, ow);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        $"{InChannels}, {OutChannels}, kernel_size=({KernelSize}, {KernelSize}), stride=({Stride}, {Stride})" +
        (Padding != 0 ? $", padding=({Padding}, {Padding})" : "") +
        (Dilation != 1 ? $", dilation=({Dilation}, {Dilation})" : "") +
        (OutputPadding != 0 ? $", output_padding=({OutputPadding}, {OutputPadding})" : "") +
        (Groups != 1 ? $", groups={Groups}" : "") +
        (bias is null ? ", bias=False" : "");
}
