namespace Hybrid.Data;

/// <summary>The items of a data set at chosen indices (torch.utils.data.Subset).</summary>
public sealed class Subset<T> : Dataset<T>
{
    readonly int[] _indices;

    /// <summary>A view of <paramref name="dataset"/> at <paramref name="indices"/> (each in range).</summary>
    public Subset(Dataset<T> dataset, IReadOnlyList<int> indices)
    {
        Dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        ArgumentNullException.ThrowIfNull(indices);
        _indices = indices.ToArray();
        foreach (var i in _indices)
            if ((uint)i >= (uint)dataset.Count)
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"Subset: index {i} is out of range for a dataset of {dataset.Count} items");
    }

    /// <summary>The underlying data set.</summary>
    public Dataset<T> Dataset { get; }

    /// <summary>The indices into <see cref="Dataset"/> (a copy).</summary>
    public int[] Indices => (int[])_indices.Clone();

    /// <inheritdoc/>
    public override int Count => _indices.Length;

    /// <inheritdoc/>
    public override T this[int index]
    {
        get { CheckIndex(index); return Dataset[_indices[index]]; }
    }

    /// <inheritdoc/>
    public override T[] GetItems(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var mapped = new int[indices.Count];
        for (var i = 0; i < mapped.Length; i++) { CheckIndex(indices[i]); mapped[i] = _indices[indices[i]]; }
        return Dataset.GetItems(mapped);
    }
}
