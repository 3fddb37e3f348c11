namespace Hybrid.NN;

/// <summary>
/// A tensor that a module learns (torch.nn.Parameter): a leaf that requires grad by default.
/// It shares storage with the tensor it was made from; optimizers update it in place.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (detached) as a parameter.</summary>
    public Parameter(Tensor data, bool requiresGrad = true)
        : base(Leaf(data).storage, Leaf(data).shape, Leaf(data).strides, Leaf(data).offset, null, requiresGrad && data.DType.IsFloating())
    {
    }

    static Tensor Leaf(Tensor data) => data ?? throw new ArgumentNullException(nameof(data));

    /// <summary>PyTorch's repr: "Parameter containing:\ntensor(...)".</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}
