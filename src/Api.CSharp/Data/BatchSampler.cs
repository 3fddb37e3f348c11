using System.Collections;

namespace Hybrid.Data;

/// <summary>Groups the indices of a sampler into batches (torch.utils.data.BatchSampler).</summary>
public sealed class BatchSampler : IReadOnlyCollection<int[]>
{
    /// <param name="sampler">Any collection of indices, e.g. a <see cref="Sampler"/>.</param>
    /// <param name="batchSize">Indices per batch (≥ 1).</param>
    /// <param name="dropLast">Drop a final batch smaller than batchSize.</param>
    public BatchSampler(IReadOnlyCollection<int> sampler, int batchSize, bool dropLast)
    {
        Sampler = sampler ?? throw new ArgumentNullException(nameof(sampler));
        if (batchSize < 1) throw new ArgumentException($"batch_size should be a positive integer value, but got batch_size={batchSize}", nameof(batchSize));
        BatchSize = batchSize;
        DropLast = dropLast;
    }

    /// <summary>The index source.</summary>
    public IReadOnlyCollection<int> Sampler { get; }

    /// <summary>Indices per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a short final batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Batches per epoch.</summary>
    public int Count => DropLast ? Sampler.Count / BatchSize : (Sampler.Count + BatchSize - 1) / BatchSize;

    /// <summary>Starts an epoch (the sampler starts one too).</summary>
    public IEnumerator<int[]> GetEnumerator()
    {
        var batch = new List<int>(BatchSize);
        foreach (var i in Sampler)
        {
            batch.Add(i);
            if (batch.Count == BatchSize) { yield return batch.ToArray(); batch.Clear(); }
        }
        if (batch.Count > 0 && !DropLast) yield return batch.ToArray();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
