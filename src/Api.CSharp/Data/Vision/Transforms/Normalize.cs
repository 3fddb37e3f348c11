namespace Hybrid.Vision.Transforms;

/// <summary>
/// (x − mean[c]) / std[c] per channel of a floating (..., C, H, W) tensor (transforms.Normalize).
/// One value of mean and std applies to every channel.
/// </summary>
public sealed class Normalize : Transform
{
    readonly double[] _mean;
    readonly double[] _std;

    /// <summary>Per-channel means and standard deviations (equal lengths; no zero std).</summary>
    public Normalize(double[] mean, double[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"Normalize: mean and std must be non-empty and of equal length (got {mean.Length} and {std.Length})");
        if (std.Any(s => s == 0))
            throw new ArgumentException($"Normalize: std evaluated to zero, leading to division by zero.");
        _mean = (double[])mean.Clone();
        _std = (double[])std.Clone();
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.DType.IsFloating())
            throw new ArgumentException($"Normalize: input tensor should be a float tensor. Got {input.DType.TorchName()}.");
        if (input.Dim < 3)
            throw new ArgumentException($"Normalize: expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = {ShapeText(input.Shape)}");
        var channels = input.Shape[^3];
        if (_mean.Length != 1 && _mean.Length != channels)
            throw new ArgumentException($"Normalize: {_mean.Length} means for an image of {channels} channels");
        var mean = Torch.FromArray(_mean, _mean.Length, 1, 1).To(input.DType);
        var std = Torch.FromArray(_std, _std.Length, 1, 1).To(input.DType);
        return (input - mean) / std;
    }
}
