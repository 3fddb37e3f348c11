namespace Hybrid.Data;

/// <summary>
/// Collate functions that merge a list of items into a batch (PyTorch's default_collate):
/// tensors are stacked along a new first dimension, and arrays and tuples of tensors are
/// stacked position by position.
/// </summary>
public static class Collate
{
    /// <summary>Stacks tensors along a new dim 0.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("collate: empty batch", nameof(items));
        return Join.Stack(items as Tensor[] ?? items.ToArray(), 0);
    }

    /// <summary>Stacks each position of equally long tensor arrays: [x, y] items give [X, Y].</summary>
    public static Tensor[] StackEach(IReadOnlyList<Tensor[]> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("collate: empty batch", nameof(items));
        var width = items[0].Length;
        var result = new Tensor[width];
        var column = new Tensor[items.Count];
        for (var k = 0; k < width; k++)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].Length != width)
                    throw new ArgumentException($"collate: each element in list of batch should be of equal size (item 0 has {width}, item {i} has {items[i].Length})");
                column[i] = items[i][k];
            }
            result[k] = Join.Stack(column, 0);
        }
        return result;
    }

    /// <summary>Stacks both members of (x, y) pairs.</summary>
    public static (Tensor, Tensor) StackPairs(IReadOnlyList<(Tensor, Tensor)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return (Stack(items.Select(p => p.Item1).ToArray()), Stack(items.Select(p => p.Item2).ToArray()));
    }

    /// <summary>Stacks the three members of (x, y, z) triples.</summary>
    public static (Tensor, Tensor, Tensor) StackTriples(IReadOnlyList<(Tensor, Tensor, Tensor)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return (Stack(items.Select(p => p.Item1).ToArray()), Stack(items.Select(p => p.Item2).ToArray()), Stack(items.Select(p => p.Item3).ToArray()));
    }

    /// <summary>
    /// The default collate for items of type <typeparamref name="T"/>: Tensor, Tensor[],
    /// (Tensor, Tensor) or (Tensor, Tensor, Tensor). Other types need an explicit collate.
    /// </summary>
    public static Func<IReadOnlyList<T>, T> Default<T>()
    {
        object f = typeof(T) == typeof(Tensor) ? (Func<IReadOnlyList<Tensor>, Tensor>)Stack
            : typeof(T) == typeof(Tensor[]) ? (Func<IReadOnlyList<Tensor[]>, Tensor[]>)StackEach
            : typeof(T) == typeof((Tensor, Tensor)) ? (Func<IReadOnlyList<(Tensor, Tensor)>, (Tensor, Tensor)>)StackPairs
            : typeof(T) == typeof((Tensor, Tensor, Tensor)) ? (Func<IReadOnlyList<(Tensor, Tensor, Tensor)>, (Tensor, Tensor, Tensor)>)StackTriples
            : throw new ArgumentException($"DataLoader: no default collate for items of type {typeof(T).Name}; pass collate: (a function from the list of items to a batch)");
        return (Func<IReadOnlyList<T>, T>)f;
    }
}
