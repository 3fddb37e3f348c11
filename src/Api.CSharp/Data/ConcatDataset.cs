namespace Hybrid.Data;

/// <summary>Several data sets one after another (torch.utils.data.ConcatDataset).</summary>
public sealed class ConcatDataset<T> : Dataset<T>
{
    readonly Dataset<T>[] _datasets;
    readonly int[] _ends;   // cumulative sizes

    /// <summary>Concatenates <paramref name="datasets"/> (at least one).</summary>
    public ConcatDataset(IEnumerable<Dataset<T>> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        _datasets = datasets.ToArray();
        if (_datasets.Length == 0) throw new ArgumentException("datasets should not be an empty iterable", nameof(datasets));
        if (_datasets.Any(d => d is null)) throw new ArgumentException("ConcatDataset: a data set is null", nameof(datasets));
        _ends = new int[_datasets.Length];
        long total = 0;
        for (var i = 0; i < _datasets.Length; i++)
        {
            total += _datasets[i].Count;
            if (total > int.MaxValue) throw new ArgumentException("ConcatDataset: more than int.MaxValue items", nameof(datasets));
            _ends[i] = (int)total;
        }
    }

    /// <summary>The parts, in order.</summary>
    public IReadOnlyList<Dataset<T>> Datasets => _datasets;

    /// <summary>Cumulative item counts: entry i is the count of parts 0..i (PyTorch's cumulative_sizes).</summary>
    public IReadOnlyList<int> CumulativeSizes => _ends;

    /// <inheritdoc/>
    public override int Count => _ends[^1];

    /// <inheritdoc/>
    public override T this[int index]
    {
        get
        {
            CheckIndex(index);
            // The first part whose end lies beyond index.
            var lo = 0;
            var hi = _ends.Length - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (_ends[mid] > index) hi = mid; else lo = mid + 1;
            }
            var start = lo == 0 ? 0 : _ends[lo - 1];
            return _datasets[lo][index - start];
        }
    }
}
