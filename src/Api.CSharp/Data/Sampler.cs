using System.Collections;

namespace Hybrid.Data;

/// <summary>
/// Yields data set indices (torch.utils.data.Sampler). Each enumeration is one epoch; a
/// random sampler draws its order when the enumeration starts.
/// </summary>
public abstract class Sampler : IReadOnlyCollection<int>
{
    /// <summary>Number of indices one epoch yields.</summary>
    public abstract int Count { get; }

    /// <summary>Starts an epoch.</summary>
    public abstract IEnumerator<int> GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>0, 1, ..., count−1 every epoch.</summary>
public sealed class SequentialSampler : Sampler
{
    readonly int _count;

    /// <summary>Indices of a data set of <paramref name="count"/> items.</summary>
    public SequentialSampler(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _count = count;
    }

    /// <inheritdoc/>
    public override int Count => _count;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator() => Enumerable.Range(0, _count).GetEnumerator();
}

/// <summary>
/// Indices in random order: a new permutation each epoch (or, with replacement, uniform
/// draws), from the sampler's own generator.
/// </summary>
public sealed class RandomSampler : Sampler
{
    readonly int _size;
    readonly int _numSamples;

    /// <summary>
    /// Samples from a data set of <paramref name="count"/> items. Without replacement and with
    /// numSamples above count, whole permutations follow each other as in PyTorch.
    /// </summary>
    /// <param name="count">Size of the data set.</param>
    /// <param name="replacement">Draw indices independently (true) or permute (false).</param>
    /// <param name="numSamples">Indices per epoch; default count.</param>
    /// <param name="generator">The source of randomness; default a generator seeded from
    /// <see cref="Generator.Default"/> now, so Torch.ManualSeed before construction fixes the order.</param>
    public RandomSampler(int count, bool replacement = false, int? numSamples = null, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _size = count;
        _numSamples = numSamples ?? count;
        if (_numSamples < 0) throw new ArgumentException($"num_samples should be a non-negative integer value, but got num_samples={_numSamples}", nameof(numSamples));
        if (count == 0 && _numSamples > 0) throw new ArgumentException("RandomSampler: cannot draw samples from an empty data set", nameof(count));
        Replacement = replacement;
        Generator = generator ?? Rng.Derive(Generator.Default);
    }

    /// <summary>Whether indices are drawn with replacement.</summary>
    public bool Replacement { get; }

    /// <summary>The generator each epoch draws from (save its Seed/Offset to resume).</summary>
    public Generator Generator { get; }

    /// <inheritdoc/>
    public override int Count => _numSamples;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        var order = new int[_numSamples];
        if (Replacement)
        {
            var (seed, offset) = Generator.Take(_numSamples);
            for (var i = 0; i < order.Length; i++) order[i] = (int)(long)Math.BigMul(Rng.Bits(seed, offset + (ulong)i), (ulong)_size, out _);
        }
        else
        {
            for (var filled = 0; filled < order.Length;)
            {
                var perm = Rng.Permutation(Generator, _size);
                var take = Math.Min(perm.Length, order.Length - filled);
                Array.Copy(perm, 0, order, filled, take);
                filled += take;
            }
        }
        return ((IEnumerable<int>)order).GetEnumerator();
    }
}
