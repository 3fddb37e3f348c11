namespace Hybrid.Data;

/// <summary>
/// Tensors sliced along their first dimension (torch.utils.data.TensorDataset): item i is
/// <c>[t0[i], t1[i], ...]</c>, views that share memory with the tensors.
/// </summary>
public sealed class TensorDataset : Dataset<Tensor[]>
{
    readonly Tensor[] _tensors;

    /// <summary>Wraps one or more tensors whose first dimensions are equal.</summary>
    public TensorDataset(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("TensorDataset needs at least one tensor", nameof(tensors));
        for (var i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is null) throw new ArgumentNullException(nameof(tensors), $"TensorDataset: tensor {i} is null");
            if (tensors[i].Dim == 0) throw new ArgumentException($"TensorDataset: tensor {i} is zero-dimensional", nameof(tensors));
            if (tensors[i].Shape[0] != tensors[0].Shape[0])
                throw new ArgumentException($"Size mismatch between tensors: tensor 0 has {tensors[0].Shape[0]} rows, tensor {i} has {tensors[i].Shape[0]}", nameof(tensors));
        }
        _tensors = (Tensor[])tensors.Clone();
    }

    /// <summary>The wrapped tensors.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <inheritdoc/>
    public override int Count => _tensors[0].Shape[0];

    /// <inheritdoc/>
    public override Tensor[] this[int index]
    {
        get
        {
            CheckIndex(index);
            var item = new Tensor[_tensors.Length];
            for (var k = 0; k < item.Length; k++) item[k] = _tensors[k].Select(0, index);
            return item;
        }
    }
}
