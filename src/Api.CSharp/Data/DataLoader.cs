using System.Collections;

namespace Hybrid.Data;

/// <summary>
/// Batches a data set (torch.utils.data.DataLoader). Each enumeration is one epoch:
/// <c>foreach (var batch in loader)</c>. With shuffle the order is a new permutation each
/// epoch, drawn from the loader's own <see cref="Generator"/>; with numWorkers &gt; 0 batches
/// are loaded on background threads ahead of the consumer and still come out in order and
/// identical to numWorkers 0 (random transforms draw from <see cref="DataLoaderContext.Generator"/>,
/// which depends only on the epoch's seed and the batch index).
/// </summary>
/// <typeparam name="T">The item type of the data set.</typeparam>
/// <typeparam name="TBatch">What the collate function makes of a list of items.</typeparam>
public class DataLoader<T, TBatch> : IEnumerable<TBatch>
{
    readonly Dataset<T>? _dataset;
    readonly IterableDataset<T>? _iterable;
    readonly Func<IReadOnlyList<T>, TBatch> _collate;
    readonly int _prefetchFactor;

    /// <summary>A loader over a map-style data set.</summary>
    /// <param name="dataset">The items.</param>
    /// <param name="collate">Merges a list of items into a batch.</param>
    /// <param name="batchSize">Items per batch (ignored when batchSampler is given).</param>
    /// <param name="shuffle">A new random order each epoch (not with sampler or batchSampler).</param>
    /// <param name="dropLast">Drop a final batch smaller than batchSize.</param>
    /// <param name="numWorkers">Background threads loading batches; 0 loads on the caller's thread.</param>
    /// <param name="generator">The loader's random source (shuffling and per-batch seeds);
    /// default: a generator seeded from <see cref="Generator.Default"/> at construction.</param>
    /// <param name="sampler">Custom index order (exclusive with shuffle).</param>
    /// <param name="batchSampler">Custom batches of indices (exclusive with batchSize ≠ 1, shuffle, sampler, dropLast).</param>
    /// <param name="prefetchFactor">Batches loaded ahead per worker.</param>
    public DataLoader(Dataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1, bool shuffle = false,
        bool dropLast = false, int numWorkers = 0, Generator? generator = null, Sampler? sampler = null,
        BatchSampler? batchSampler = null, int prefetchFactor = 2)
    {
        _dataset = dataset ?? throw new ArgumentNullException(nameof(dataset));
        _collate = collate ?? throw new ArgumentNullException(nameof(collate));
        CheckCommon(batchSize, numWorkers, prefetchFactor);
        if (batchSampler is not null && (batchSize != 1 || shuffle || sampler is not null || dropLast))
            throw new ArgumentException("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last");
        if (sampler is not null && shuffle)
            throw new ArgumentException("sampler option is mutually exclusive with shuffle");
        Generator = generator ?? Rng.Derive(Generator.Default);
        Sampler = sampler ?? (shuffle ? new RandomSampler(dataset.Count, generator: Generator) : new SequentialSampler(dataset.Count));
        BatchSampler = batchSampler ?? new BatchSampler(Sampler, batchSize, dropLast);
        BatchSize = batchSampler?.BatchSize ?? batchSize;
        DropLast = batchSampler?.DropLast ?? dropLast;
        NumWorkers = numWorkers;
        _prefetchFactor = prefetchFactor;
    }

    /// <summary>
    /// A loader over an iterable data set: items are batched in stream order (no shuffling or
    /// samplers). With numWorkers &gt; 0 one background thread reads and collates ahead.
    /// </summary>
    public DataLoader(IterableDataset<T> dataset, Func<IReadOnlyList<T>, TBatch> collate, int batchSize = 1,
        bool dropLast = false, int numWorkers = 0, Generator? generator = null, int prefetchFactor = 2)
    {
        _iterable = dataset ?? throw new ArgumentNullException(nameof(dataset));
        _collate = collate ?? throw new ArgumentNullException(nameof(collate));
        CheckCommon(batchSize, numWorkers, prefetchFactor);
        Generator = generator ?? Rng.Derive(Generator.Default);
        BatchSize = batchSize;
        DropLast = dropLast;
        NumWorkers = numWorkers;
        _prefetchFactor = prefetchFactor;
    }

    static void CheckCommon(int batchSize, int numWorkers, int prefetchFactor)
    {
        if (batchSize < 1) throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batchSize}", nameof(batchSize));
        if (numWorkers < 0) throw new ArgumentException("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.", nameof(numWorkers));
        if (prefetchFactor < 1) throw new ArgumentException("prefetch_factor should be a positive integer", nameof(prefetchFactor));
    }

    /// <summary>Items per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a short final batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Background loading threads (0: the caller's thread).</summary>
    public int NumWorkers { get; }

    /// <summary>
    /// The loader's random source. Save its Seed and Offset (e.g. in a
    /// <see cref="Hybrid.IO.Checkpoint"/>) and restore them to resume with the same next epoch.
    /// </summary>
    public Generator Generator { get; }

    /// <summary>The index order of a map-style loader (null for an iterable data set).</summary>
    public Sampler? Sampler { get; }

    /// <summary>The batches of indices of a map-style loader (null for an iterable data set).</summary>
    public BatchSampler? BatchSampler { get; }

    /// <summary>Batches per epoch (Python's len(loader)); not defined for an iterable data set.</summary>
    public int Count => BatchSampler?.Count
        ?? throw new NotSupportedException("a DataLoader over an IterableDataset has no length");

    /// <summary>Starts an epoch: draws the order and the epoch's seed now, then yields batches.</summary>
    public IEnumerator<TBatch> GetEnumerator() => _dataset is not null ? MapEpoch(_dataset) : IterableEpoch(_iterable!);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    IEnumerator<TBatch> MapEpoch(Dataset<T> dataset)
    {
        var batches = BatchSampler!.ToArray();
        var epochSeed = Rng.NextUInt64(Generator);
        TBatch Load(int b, int worker)
        {
            using var _ = DataLoaderContext.Enter(new Generator(Rng.Bits(epochSeed, (ulong)b)), b, worker);
            return _collate(dataset.GetItems(batches[b]));
        }
        return NumWorkers == 0
            ? Sequential(batches.Length, Load)
            : new OrderedPrefetcher<TBatch>(batches.Length, NumWorkers, NumWorkers * _prefetchFactor, Load);
    }

    static IEnumerator<TBatch> Sequential(int count, Func<int, int, TBatch> load)
    {
        for (var b = 0; b < count; b++) yield return load(b, -1);
    }

    IEnumerator<TBatch> IterableEpoch(IterableDataset<T> dataset)
    {
        var epochSeed = Rng.NextUInt64(Generator);
        var batches = IterableBatches(dataset, epochSeed, NumWorkers == 0 ? -1 : 0);
        return NumWorkers == 0 ? batches.GetEnumerator() : new BackgroundEnumerator<TBatch>(batches, NumWorkers * _prefetchFactor);
    }

    IEnumerable<TBatch> IterableBatches(IterableDataset<T> dataset, ulong epochSeed, int worker)
    {
        using var items = dataset.GetEnumerator();
        for (var b = 0; ; b++)
        {
            var batch = new List<T>(BatchSize);
            TBatch result = default!;
            // Items and collate share the batch's generator; the scope closes before the
            // yield, so the consumer's code never runs inside it.
            using (DataLoaderContext.Enter(new Generator(Rng.Bits(epochSeed, (ulong)b)), b, worker))
            {
                while (batch.Count < BatchSize && items.MoveNext()) batch.Add(items.Current);
                if (batch.Count > 0 && !(batch.Count < BatchSize && DropLast)) result = _collate(batch);
            }
            if (batch.Count == 0 || (batch.Count < BatchSize && DropLast)) yield break;
            yield return result;
        }
    }
}

/// <summary>
/// A <see cref="DataLoader{T, TBatch}"/> whose batches have the item type, with the default
/// collate for Tensor, Tensor[], (Tensor, Tensor) and (Tensor, Tensor, Tensor) items:
/// <c>foreach (var (x, y) in new DataLoader&lt;(Tensor, Tensor)&gt;(mnist, batchSize: 64))</c>.
/// </summary>
public class DataLoader<T> : DataLoader<T, T>
{
    /// <summary>A loader over a map-style data set; see <see cref="DataLoader{T, TBatch}"/> for the options.</summary>
    public DataLoader(Dataset<T> dataset, int batchSize = 1, bool shuffle = false, bool dropLast = false, int numWorkers = 0,
        Generator? generator = null, Func<IReadOnlyList<T>, T>? collate = null, Sampler? sampler = null,
        BatchSampler? batchSampler = null, int prefetchFactor = 2)
        : base(dataset, collate ?? Collate.Default<T>(), batchSize, shuffle, dropLast, numWorkers, generator, sampler, batchSampler, prefetchFactor)
    {
    }

    /// <summary>A loader over an iterable data set.</summary>
    public DataLoader(IterableDataset<T> dataset, int batchSize = 1, bool dropLast = false, int numWorkers = 0,
        Generator? generator = null, Func<IReadOnlyList<T>, T>? collate = null, int prefetchFactor = 2)
        : base(dataset, collate ?? Collate.Default<T>(), batchSize, dropLast, numWorkers, generator, prefetchFactor)
    {
    }
}

/// <summary>
/// The loader of tensor-array items such as a <see cref="TensorDataset"/>'s: each batch is
/// one stacked tensor per position, and unpacks as <c>foreach (var (x, y) in loader)</c>.
/// </summary>
public class DataLoader : DataLoader<Tensor[]>
{
    /// <summary>A loader over a map-style data set; see <see cref="DataLoader{T, TBatch}"/> for the options.</summary>
    public DataLoader(Dataset<Tensor[]> dataset, int batchSize = 1, bool shuffle = false, bool dropLast = false, int numWorkers = 0,
        Generator? generator = null, Func<IReadOnlyList<Tensor[]>, Tensor[]>? collate = null, Sampler? sampler = null,
        BatchSampler? batchSampler = null, int prefetchFactor = 2)
        : base(dataset, batchSize, shuffle, dropLast, numWorkers, generator, collate, sampler, batchSampler, prefetchFactor)
    {
    }
}
