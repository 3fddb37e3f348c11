namespace Hybrid;

/// PyTorch's item(): the value of a one-element tensor.
public static class ScalarExtensions
{
    /// The single value of a one-element tensor, converted to T.
    public static T Item<T>(this Tensor x) => x.ToScalar<T>();
}
