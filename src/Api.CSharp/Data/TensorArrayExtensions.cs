namespace Hybrid.Data;

/// <summary>
/// Deconstruction of tensor arrays, so batches of a <see cref="TensorDataset"/> unpack as
/// in Python: <c>foreach (var (x, y) in loader)</c>.
/// </summary>
public static class TensorArrayExtensions
{
    /// <summary>Unpacks a two-tensor batch; throws unless the array holds exactly two.</summary>
    public static void Deconstruct(this Tensor[] tensors, out Tensor first, out Tensor second)
    {
        Check(tensors, 2);
        (first, second) = (tensors[0], tensors[1]);
    }

    /// <summary>Unpacks a three-tensor batch; throws unless the array holds exactly three.</summary>
    public static void Deconstruct(this Tensor[] tensors, out Tensor first, out Tensor second, out Tensor third)
    {
        Check(tensors, 3);
        (first, second, third) = (tensors[0], tensors[1], tensors[2]);
    }

    static void Check(Tensor[] tensors, int n)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length != n)
            throw new InvalidOperationException($"too many values to unpack (expected {n}, got {tensors.Length})");
    }
}
