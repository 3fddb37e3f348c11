using System.Collections;

namespace Hybrid.Data;

/// <summary>
/// A map-style data set (torch.utils.data.Dataset): <see cref="Count"/> items reachable by
/// index. Implementations must be safe to index from several threads at once when used
/// with a <see cref="DataLoader{T, TBatch}"/> that has workers.
/// </summary>
/// <typeparam name="T">The item type, e.g. <c>Tensor[]</c> or <c>(Tensor, Tensor)</c>.</typeparam>
public abstract class Dataset<T> : IReadOnlyList<T>
{
    /// <summary>Number of items (Python's len).</summary>
    public abstract int Count { get; }

    /// <summary>The item at <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    public abstract T this[int index] { get; }

    /// <summary>The items at the given indices, in order (override to fetch a batch faster).</summary>
    public virtual T[] GetItems(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var items = new T[indices.Count];
        for (var i = 0; i < items.Length; i++) items[i] = this[indices[i]];
        return items;
    }

    /// <summary>The items in index order.</summary>
    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Throws the exception Python raises for an index outside [0, Count).</summary>
    protected void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index {index} is out of range for a dataset of {Count} items");
    }
}

/// <summary>
/// A data set read as a stream (torch.utils.data.IterableDataset): no length or random
/// access, only enumeration. A <see cref="DataLoader{T, TBatch}"/> batches it in order.
/// </summary>
public abstract class IterableDataset<T> : IEnumerable<T>
{
    /// <summary>Enumerates the items; each call starts a new pass.</summary>
    public abstract IEnumerator<T> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Helpers over data sets: random splits and concatenation (torch.utils.data functions).</summary>
public static class Dataset
{
    /// <summary>
    /// Splits into non-overlapping subsets of the given lengths (they must sum to the
    /// data set's count), with indices shuffled by <paramref name="generator"/>
    /// (default: <see cref="Generator.Default"/>).
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, IReadOnlyList<int> lengths, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Any(l => l < 0)) throw new ArgumentException("random_split: lengths must be non-negative", nameof(lengths));
        if (lengths.Sum(l => (long)l) != dataset.Count)
            throw new ArgumentException($"Sum of input lengths ({lengths.Sum(l => (long)l)}) does not equal the length of the input dataset ({dataset.Count})!", nameof(lengths));
        var perm = Rng.Permutation(generator ?? Generator.Default, dataset.Count);
        var parts = new Subset<T>[lengths.Count];
        var start = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = new Subset<T>(dataset, perm.AsSpan(start, lengths[i]).ToArray());
            start += lengths[i];
        }
        return parts;
    }

    /// <summary>
    /// Splits by fractions that sum to 1, as PyTorch does: each part gets floor(fraction ×
    /// count) and the remainder goes one item at a time to the parts in order.
    /// </summary>
    public static Subset<T>[] RandomSplit<T>(Dataset<T> dataset, IReadOnlyList<double> fractions, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(fractions);
        if (fractions.Any(f => !(f >= 0 && f <= 1)))
            throw new ArgumentException("random_split: every fraction must lie in [0, 1]", nameof(fractions));
        if (Math.Abs(fractions.Sum() - 1) > 1e-9)
            throw new ArgumentException($"random_split: fractions must sum to 1, got {fractions.Sum()}", nameof(fractions));
        var lengths = fractions.Select(f => (int)Math.Floor(dataset.Count * f)).ToArray();
        var remainder = dataset.Count - lengths.Sum();
        for (var i = 0; i < remainder; i++) lengths[i % lengths.Length]++;
        return RandomSplit(dataset, lengths, generator);
    }

    /// <summary>The items of several data sets one after another.</summary>
    public static ConcatDataset<T> Concat<T>(params Dataset<T>[] datasets) => new(datasets);
}
