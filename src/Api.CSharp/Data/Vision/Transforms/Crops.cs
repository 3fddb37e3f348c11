namespace Hybrid.Vision.Transforms;

/// <summary>A crop at a random position, after optional padding (transforms.RandomCrop).</summary>
public sealed class RandomCrop : Transform
{
    readonly int _height, _width;
    readonly int[] _padding;   // left, top, right, bottom
    readonly bool _padIfNeeded;
    readonly double _fill;
    readonly Generator? _generator;

    /// <summary>A square crop of <paramref name="size"/>.</summary>
    public RandomCrop(int size, int padding = 0, bool padIfNeeded = false, double fill = 0, Generator? generator = null)
        : this((size, size), new[] { padding }, padIfNeeded, fill, generator) { }

    /// <param name="size">(height, width) of the crop.</param>
    /// <param name="padding">As torchvision: one value for all sides, two for (left/right,
    /// top/bottom), or four for (left, top, right, bottom); null for none.</param>
    /// <param name="padIfNeeded">Pad an image smaller than the crop.</param>
    /// <param name="fill">The value of padded pixels.</param>
    /// <param name="generator">Default: <see cref="Hybrid.Data.DataLoaderContext.Generator"/>.</param>
    public RandomCrop((int Height, int Width) size, int[]? padding = null, bool padIfNeeded = false, double fill = 0, Generator? generator = null)
    {
        if (size.Height < 1 || size.Width < 1) throw new ArgumentException($"RandomCrop: size must be positive, got ({size.Height}, {size.Width})");
        (_height, _width) = size;
        _padding = Crop.Ltrb(padding ?? new[] { 0 }, "RandomCrop");
        _padIfNeeded = padIfNeeded;
        _fill = fill;
        _generator = generator;
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor input)
    {
        CheckImage(input, "RandomCrop");
        var x = Crop.Pad(input, _padding, _fill);
        if (_padIfNeeded && x.Shape[^1] < _width) x = Crop.Pad(x, new[] { _width - x.Shape[^1], 0, _width - x.Shape[^1], 0 }, _fill);
        if (_padIfNeeded && x.Shape[^2] < _height) x = Crop.Pad(x, new[] { 0, _height - x.Shape[^2], 0, _height - x.Shape[^2] }, _fill);
        var (h, w) = (x.Shape[^2], x.Shape[^1]);
        if (h < _height || w < _width)
            throw new ArgumentException($"RandomCrop: required crop size ({_height}, {_width}) is larger than input image size ({h}, {w})");
        if (h == _height && w == _width) return x;
        var g = GeneratorOr(_generator);
        var top = (int)Hybrid.Data.Rng.NextBelow(g, h - _height + 1);
        var left = (int)Hybrid.Data.Rng.NextBelow(g, w - _width + 1);
        return Crop.Cut(x, top, left, _height, _width);
    }
}

/// <summary>A crop from the centre, padding with zeros when the image is smaller (transforms.CenterCrop).</summary>
public sealed class CenterCrop : Transform
{
    readonly int _height, _width;

    /// <summary>A square crop.</summary>
    public CenterCrop(int size) : this((size, size)) { }

    /// <summary>A (height, width) crop.</summary>
    public CenterCrop((int Height, int Width) size)
    {
        if (size.Height < 1 || size.Width < 1) throw new ArgumentException($"CenterCrop: size must be positive, got ({size.Height}, {size.Width})");
        (_height, _width) = size;
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor input)
    {
        CheckImage(input, "CenterCrop");
        var x = input;
        var (h, w) = (x.Shape[^2], x.Shape[^1]);
        if (_height > h || _width > w)
        {
            // torchvision: the extra pixel of an odd difference goes right / bottom.
            int PadBefore(int want, int have) => want > have ? (want - have) / 2 : 0;
            int PadAfter(int want, int have) => want > have ? (want - have + 1) / 2 : 0;
            x = Crop.Pad(x, new[] { PadBefore(_width, w), PadBefore(_height, h), PadAfter(_width, w), PadAfter(_height, h) }, 0);
            (h, w) = (x.Shape[^2], x.Shape[^1]);
            if (h == _height && w == _width) return x;
        }
        // Python's round (half to even), as torchvision.
        var top = (int)Math.Round((h - _height) / 2.0, MidpointRounding.ToEven);
        var left = (int)Math.Round((w - _width) / 2.0, MidpointRounding.ToEven);
        return Crop.Cut(x, top, left, _height, _width);
    }
}

/// <summary>Mirrors an image left–right with probability p (transforms.RandomHorizontalFlip).</summary>
public sealed class RandomHorizontalFlip : Transform
{
    readonly double _p;
    readonly Generator? _generator;

    /// <param name="p">Probability of flipping.</param>
    /// <param name="generator">Default: <see cref="Hybrid.Data.DataLoaderContext.Generator"/>.</param>
    public RandomHorizontalFlip(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"RandomHorizontalFlip: p must lie in [0, 1], got {p}");
        _p = p;
        _generator = generator;
    }

    /// <inheritdoc/>
    public override Tensor Apply(Tensor input)
    {
        CheckImage(input, "RandomHorizontalFlip");
        return Hybrid.Data.Rng.NextDouble(GeneratorOr(_generator)) < _p ? Crop.FlipWidth(input) : input;
    }
}

/// <summary>Shared pieces of the crop transforms.</summary>
internal static class Crop
{
    /// <summary>torchvision's padding forms as (left, top, right, bottom).</summary>
    public static int[] Ltrb(int[] padding, string name)
    {
        if (padding.Any(p => p < 0)) throw new ArgumentException($"{name}: padding must be non-negative");
        return padding.Length switch
        {
            1 => new[] { padding[0], padding[0], padding[0], padding[0] },
            2 => new[] { padding[0], padding[1], padding[0], padding[1] },
            4 => (int[])padding.Clone(),
            _ => throw new ArgumentException($"{name}: padding must have 1, 2 or 4 values, got {padding.Length}"),
        };
    }

    /// <summary>Constant padding of the last two dims by (left, top, right, bottom).</summary>
    public static Tensor Pad(Tensor x, int[] ltrb, double fill)
    {
        if (ltrb.All(p => p == 0)) return x;
        var before = new int[x.Dim];
        var after = new int[x.Dim];
        (before[^1], before[^2], after[^1], after[^2]) = (ltrb[0], ltrb[1], ltrb[2], ltrb[3]);
        return Join.Pad(x, before, after, fill);
    }

    /// <summary>The window [top, top+h) × [left, left+w) of the last two dims (a view).</summary>
    public static Tensor Cut(Tensor x, int top, int left, int h, int w) =>
        x.Narrow(x.Dim - 2, top, h).Narrow(x.Dim - 1, left, w);

    /// <summary>The last dim reversed.</summary>
    public static Tensor FlipWidth(Tensor x) => x.Flip(-1);
}
