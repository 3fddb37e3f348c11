namespace Hybrid.Data;

/// <summary>
/// Indices drawn with probability proportional to their weights
/// (torch.utils.data.WeightedRandomSampler), with or without replacement.
/// </summary>
public sealed class WeightedRandomSampler : Sampler
{
    readonly double[] _weights;
    readonly double[] _cumulative;
    readonly int _numSamples;

    /// <param name="weights">One non-negative finite weight per index; at least one positive.</param>
    /// <param name="numSamples">Indices per epoch.</param>
    /// <param name="replacement">Without replacement each index appears at most once, so
    /// numSamples may not exceed the number of positive weights.</param>
    /// <param name="generator">Default: seeded from <see cref="Generator.Default"/> now.</param>
    public WeightedRandomSampler(IReadOnlyList<double> weights, int numSamples, bool replacement = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (numSamples < 0) throw new ArgumentException($"num_samples should be a non-negative integer value, but got num_samples={numSamples}", nameof(numSamples));
        _weights = weights.ToArray();
        if (_weights.Any(w => !double.IsFinite(w) || w < 0))
            throw new ArgumentException("WeightedRandomSampler: weights must be finite and non-negative", nameof(weights));
        var positive = _weights.Count(w => w > 0);
        if (positive == 0 && numSamples > 0) throw new ArgumentException("WeightedRandomSampler: invalid multinomial distribution (sum of weights <= 0)", nameof(weights));
        if (!replacement && numSamples > positive)
            throw new ArgumentException($"WeightedRandomSampler: cannot draw {numSamples} samples without replacement from {positive} indices of positive weight", nameof(numSamples));
        _cumulative = new double[_weights.Length];
        var sum = 0.0;
        for (var i = 0; i < _weights.Length; i++) _cumulative[i] = sum += _weights[i];
        _numSamples = numSamples;
        Replacement = replacement;
        Generator = generator ?? Rng.Derive(Generator.Default);
    }

    /// <summary>Whether indices are drawn with replacement.</summary>
    public bool Replacement { get; }

    /// <summary>The generator each epoch draws from.</summary>
    public Generator Generator { get; }

    /// <inheritdoc/>
    public override int Count => _numSamples;

    /// <inheritdoc/>
    public override IEnumerator<int> GetEnumerator()
    {
        var order = Replacement ? WithReplacement() : WithoutReplacement();
        return ((IEnumerable<int>)order).GetEnumerator();
    }

    int[] WithReplacement()
    {
        var total = _cumulative.Length == 0 ? 0 : _cumulative[^1];
        var u = Rng.Doubles(Generator, _numSamples);
        var order = new int[_numSamples];
        for (var i = 0; i < order.Length; i++)
        {
            // The first index whose cumulative weight exceeds u·total (inverse CDF): u < 1 makes
            // it exist, and it has a positive weight, so zero-weight indices are never chosen.
            var target = u[i] * total;
            int lo = 0, hi = _cumulative.Length - 1;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (_cumulative[mid] > target) hi = mid; else lo = mid + 1;
            }
            order[i] = lo;
        }
        return order;
    }

    int[] WithoutReplacement()
    {
        // Efraimidis–Spirakis: the numSamples largest keys log(u)/w are a sample without
        // replacement, in the order successive weighted draws would give.
        var u = Rng.Doubles(Generator, _weights.Length);
        var keys = new double[_weights.Length];
        for (var i = 0; i < keys.Length; i++)
            keys[i] = _weights[i] > 0 ? Math.Log(1 - u[i]) / _weights[i] : double.NegativeInfinity;
        var idx = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(idx, (a, b) =>
        {
            var c = keys[b].CompareTo(keys[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return idx.AsSpan(0, _numSamples).ToArray();
    }
}
