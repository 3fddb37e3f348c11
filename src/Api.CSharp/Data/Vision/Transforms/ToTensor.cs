namespace Hybrid.Vision.Transforms;

/// <summary>
/// An image as a (C, H, W) tensor (transforms.ToTensor): a (H, W, C) uint8 image becomes
/// (C, H, W) float32 in [0, 1] (divided by 255); a (H, W) image becomes (1, H, W). Images of
/// another dtype are only rearranged, not scaled, as torchvision does for non-byte arrays.
/// </summary>
public sealed class ToTensor : Transform
{
    /// <inheritdoc/>
    public override Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim is not (2 or 3))
            throw new ArgumentException($"ToTensor: pic should be 2/3 dimensional. Got {input.Dim} dimensions.");
        var s = input.Shape;
        var (h, w, c) = input.Dim == 2 ? (s[0], s[1], 1) : (s[0], s[1], s[2]);
        if (input.DType != DType.UInt8)
            return (input.Dim == 2 ? input.Unsqueeze(0) : input.Permute(2, 0, 1)).Contiguous();
        var bytes = input.ToArray<byte>();
        var values = new float[bytes.Length];
        // HWC → CHW.
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                for (var k = 0; k < c; k++)
                    values[(k * h + y) * w + x] = bytes[(y * w + x) * c + k] / 255f;
        return Torch.FromArray(values, c, h, w);
    }
}
