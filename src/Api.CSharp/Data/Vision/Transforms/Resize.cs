namespace Hybrid.Vision.Transforms;

/// <summary>
/// Bilinear resizing of the last two dims (transforms.Resize on tensors with
/// antialias=False; torch.nn.functional.interpolate(mode="bilinear", align_corners=False)).
/// Float tensors keep their dtype; uint8 images are rounded and clamped back to uint8 as
/// torchvision does. No antialiasing filter is applied when shrinking.
/// </summary>
public sealed class Resize : Transform
{
    readonly int? _smaller;
    readonly (int Height, int Width) _size;

    /// <summary>Scales the smaller edge to <paramref name="size"/>, keeping the aspect ratio (the longer edge is truncated as in torchvision).</summary>
    public Resize(int size)
    {
        if (size < 1) throw new ArgumentException($"Resize: size must be positive, got {size}");
        _smaller = size;
    }

    /// <summary>Resizes to exactly (height, width).</summary>
    public Resize((int Height, int Width) size)
    {
        if (size.Height < 1 || size.Width < 1) throw new ArgumentException($"Resize: size must be positive, got ({size.Height}, {size.Width})");
        _size = size;
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor input)
    {
        CheckImage(input, "Resize");
        var shape = input.Shape;
        var (h, w) = (shape[^2], shape[^1]);
        var (oh, ow) = _smaller is int s ? OutputSize(h, w, s) : _size;
        if (oh == h && ow == w) return input;
        if (input.DType is not (DType.Float32 or DType.Float64 or DType.UInt8))
            throw new ArgumentException($"Resize: expected a float32, float64 or uint8 tensor, got {input.DType.TorchName()}");
        var src = input.To(DType.Float64).ToArray<double>();
        var planes = h * w == 0 ? 0 : src.Length / (h * w);
        var dst = new double[planes * oh * ow];
        var (y0, y1, wy) = Weights(h, oh);
        var (x0, x1, wx) = Weights(w, ow);
        for (var p = 0; p < planes; p++)
        {
            var si = p * h * w;
            var di = p * oh * ow;
            for (var i = 0; i < oh; i++)
            {
                var r0 = si + y0[i] * w;
                var r1 = si + y1[i] * w;
                for (var j = 0; j < ow; j++)
                {
                    var top = src[r0 + x0[j]] * (1 - wx[j]) + src[r0 + x1[j]] * wx[j];
                    var bottom = src[r1 + x0[j]] * (1 - wx[j]) + src[r1 + x1[j]] * wx[j];
                    dst[di + i * ow + j] = top * (1 - wy[i]) + bottom * wy[i];
                }
            }
        }
        var outShape = (int[])shape.Clone();
        (outShape[^2], outShape[^1]) = (oh, ow);
        if (input.DType == DType.UInt8)
        {
            var bytes = new byte[dst.Length];
            for (var k = 0; k < dst.Length; k++) bytes[k] = (byte)Math.Clamp(Math.Round(dst[k], MidpointRounding.ToEven), 0, 255);
            return Torch.FromArray(bytes, outShape);
        }
        return Torch.FromArray(dst, outShape).To(input.DType);
    }

    /// <summary>torchvision's size for an int: the smaller edge becomes size, the other int(size · long / short).</summary>
    static (int, int) OutputSize(int h, int w, int size)
    {
        var (shortSide, longSide) = h <= w ? (h, w) : (w, h);
        if (shortSide == size) return (h, w);
        var newLong = (int)((long)size * longSide / shortSide);
        return h <= w ? (size, newLong) : (newLong, size);
    }

    /// <summary>
    /// For each output index: the two source indices and the weight of the second, with
    /// PyTorch's align_corners=False mapping src = (dst + 0.5) · in/out − 0.5, clamped at 0.
    /// </summary>
    static (int[] I0, int[] I1, double[] W1) Weights(int inSize, int outSize)
    {
        var i0 = new int[outSize];
        var i1 = new int[outSize];
        var w1 = new double[outSize];
        var scale = (double)inSize / outSize;
        for (var d = 0; d < outSize; d++)
        {
            var src = Math.Max((d + 0.5) * scale - 0.5, 0);
            var lo = Math.Min((int)src, inSize - 1);
            i0[d] = lo;
            i1[d] = lo < inSize - 1 ? lo + 1 : lo;
            w1[d] = src - lo;
        }
        return (i0, i1, w1);
    }
}
