using Hybrid.Data;

namespace Hybrid.Vision.Transforms;

/// <summary>
/// A function on tensors used to prepare data (torchvision.transforms). Image transforms take
/// tensors laid out (..., C, H, W) unless stated otherwise. Random transforms draw from their
/// generator if given one, else from <see cref="DataLoaderContext.Generator"/>: inside a
/// DataLoader that is a per-batch generator (the same whatever numWorkers), elsewhere
/// <see cref="Generator.Default"/>.
/// </summary>
public abstract class Transform
{
    /// <summary>Applies the transform.</summary>
    public abstract Tensor Apply(Tensor input);

    /// <summary>The transform as a function.</summary>
    public static implicit operator Func<Tensor, Tensor>(Transform transform) => transform.Apply;

    /// <summary>The generator a random transform draws from.</summary>
    protected static Generator GeneratorOr(Generator? generator) => generator ?? DataLoaderContext.Generator;

    /// <summary>Throws unless the tensor has at least two dims (…, H, W).</summary>
    protected static void CheckImage(Tensor input, string name)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim < 2)
            throw new ArgumentException($"{name}: expected a tensor image of size (..., H, W), got a tensor of {input.Dim} dimension(s)");
    }

    /// <summary>The PyTorch-style shape text, e.g. (1, 28, 28).</summary>
    protected static string ShapeText(int[] shape) => "(" + string.Join(", ", shape) + ")";
}

/// <summary>Applies transforms one after another (transforms.Compose).</summary>
public sealed class Compose : Transform
{
    readonly Transform[] _transforms;

    /// <summary>The transforms, applied in order.</summary>
    public Compose(params Transform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        if (transforms.Any(t => t is null)) throw new ArgumentException("Compose: a transform is null", nameof(transforms));
        _transforms = (Transform[])transforms.Clone();
    }

    /// <summary>The transforms.</summary>
    public IReadOnlyList<Transform> Transforms => _transforms;

    /// <inheritdoc/>
    public override Tensor Apply(Tensor input)
    {
        foreach (var t in _transforms) input = t.Apply(input);
        return input;
    }
}

/// <summary>A user function as a transform (transforms.Lambda).</summary>
public sealed class Lambda : Transform
{
    readonly Func<Tensor, Tensor> _function;

    /// <summary>Wraps <paramref name="function"/>.</summary>
    public Lambda(Func<Tensor, Tensor> function) => _function = function ?? throw new ArgumentNullException(nameof(function));

    /// <inheritdoc/>
    public override Tensor Apply(Tensor input) => _function(input);
}
