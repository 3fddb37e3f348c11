using Hybrid.Data;
using Xunit;

namespace Hybrid.Unit.Data;

public class SamplerTests
{
    [Fact]
    public void SequentialSampler_yields_indices_in_order()
    {
        Assert.Equal(new[] { 0, 1, 2, 3 }, new SequentialSampler(4));
        Assert.Empty(new SequentialSampler(0));
    }

    [Fact]
    public void RandomSampler_permutes_anew_each_epoch_and_repeats_for_the_same_seed()
    {
        var s = new RandomSampler(50, generator: new Generator(1));
        var a = s.ToArray();
        var b = s.ToArray();
        Assert.Equal(Enumerable.Range(0, 50), a.Order());
        Assert.Equal(Enumerable.Range(0, 50), b.Order());
        Assert.NotEqual(a, b);
        Assert.Equal(a, new RandomSampler(50, generator: new Generator(1)).ToArray());
        Assert.NotEqual(a, new RandomSampler(50, generator: new Generator(2)).ToArray());
    }

    [Fact]
    public void RandomSampler_with_replacement_and_numSamples()
    {
        var r = new RandomSampler(5, replacement: true, numSamples: 1000, generator: new Generator(4)).ToArray();
        Assert.Equal(1000, r.Length);
        Assert.All(r, i => Assert.InRange(i, 0, 4));
        Assert.Equal(5, r.Distinct().Count());
        Assert.All(r.GroupBy(i => i), g => Assert.InRange(g.Count(), 150, 250));
        // Without replacement, more samples than items chain whole permutations.
        var chained = new RandomSampler(4, numSamples: 10, generator: new Generator(4)).ToArray();
        Assert.Equal(10, chained.Length);
        Assert.Equal(new[] { 0, 1, 2, 3 }, chained[..4].Order());
        Assert.Equal(new[] { 0, 1, 2, 3 }, chained[4..8].Order());
        Assert.Throws<ArgumentException>(() => new RandomSampler(0, numSamples: 3));
        Assert.Empty(new RandomSampler(0));
    }

    [Fact]
    public void WeightedRandomSampler_follows_the_weights_with_replacement()
    {
        var s = new WeightedRandomSampler(new[] { 1.0, 0, 3.0 }, 4000, generator: new Generator(8));
        var draws = s.ToArray();
        Assert.Equal(4000, s.Count);
        Assert.DoesNotContain(1, draws);
        var ones = draws.Count(i => i == 0);
        Assert.InRange(ones, 850, 1150);   // expected 1000
        Assert.NotEqual(draws, s.ToArray());
    }

    [Fact]
    public void WeightedRandomSampler_without_replacement_draws_distinct_positive_indices()
    {
        var s = new WeightedRandomSampler(new[] { 5.0, 0, 1, 1, 1 }, 4, replacement: false, generator: new Generator(2));
        for (var epoch = 0; epoch < 20; epoch++)
        {
            var d = s.ToArray();
            Assert.Equal(4, d.Distinct().Count());
            Assert.DoesNotContain(1, d);
        }
        // The heavy index comes first most of the time (probability 5/8).
        var first = Enumerable.Range(0, 400).Count(_ => s.First() == 0);
        Assert.InRange(first, 210, 290);
        Assert.Throws<ArgumentException>(() => new WeightedRandomSampler(new[] { 1.0, 0 }, 2, replacement: false));
        Assert.Throws<ArgumentException>(() => new WeightedRandomSampler(new[] { -1.0 }, 1));
        Assert.Throws<ArgumentException>(() => new WeightedRandomSampler(new[] { double.NaN }, 1));
    }

    [Fact]
    public void BatchSampler_groups_indices_and_drops_the_short_batch_on_request()
    {
        var keep = new BatchSampler(new SequentialSampler(7), 3, dropLast: false);
        Assert.Equal(3, keep.Count);
        Assert.Equal(new[] { new[] { 0, 1, 2 }, new[] { 3, 4, 5 }, new[] { 6 } }, keep.ToArray());
        var drop = new BatchSampler(new SequentialSampler(7), 3, dropLast: true);
        Assert.Equal(2, drop.Count);
        Assert.Equal(2, drop.Count());
        Assert.Throws<ArgumentException>(() => new BatchSampler(new SequentialSampler(7), 0, false));
    }
}

public class DatasetTests
{
    static TensorDataset Ten() => new(Torch.Arange(10), Torch.Arange(0, 20, 2));

    [Fact]
    public void TensorDataset_items_are_rows_of_every_tensor()
    {
        var ds = Ten();
        Assert.Equal(10, ds.Count);
        var item = ds[3];
        Assert.Equal(2, item.Length);
        Assert.Equal(3L, item[0].Item<long>());
        Assert.Equal(6L, item[1].Item<long>());
        Assert.Throws<ArgumentOutOfRangeException>(() => ds[10]);
        Assert.Throws<ArgumentException>(() => new TensorDataset(Torch.Zeros(3), Torch.Zeros(4)));
    }

    [Fact]
    public void Subset_and_ConcatDataset_index_through()
    {
        var sub = new Subset<Tensor[]>(Ten(), new[] { 9, 0, 4 });
        Assert.Equal(new long[] { 9, 0, 4 }, sub.Select(t => t[0].Item<long>()));
        var cat = Dataset.Concat<Tensor[]>(sub, Ten());
        Assert.Equal(13, cat.Count);
        Assert.Equal(4L, cat[2][0].Item<long>());
        Assert.Equal(0L, cat[3][0].Item<long>());
        Assert.Equal(9L, cat[12][0].Item<long>());
        Assert.Equal(new[] { 3, 13 }, cat.CumulativeSizes);
        Assert.Throws<ArgumentOutOfRangeException>(() => cat[13]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Subset<Tensor[]>(Ten(), new[] { 10 }));
    }

    [Fact]
    public void RandomSplit_by_lengths_and_fractions_is_a_seeded_partition()
    {
        var parts = Dataset.RandomSplit(Ten(), new[] { 3, 7 }, new Generator(1));
        Assert.Equal(new[] { 3, 7 }, parts.Select(p => p.Count));
        Assert.Equal(Enumerable.Range(0, 10), parts.SelectMany(p => p.Indices).Order());
        Assert.Equal(parts[0].Indices, Dataset.RandomSplit(Ten(), new[] { 3, 7 }, new Generator(1))[0].Indices);
        var eleven = new TensorDataset(Torch.Arange(11));
        var byFraction = Dataset.RandomSplit(eleven, new[] { 0.5, 0.3, 0.2 }, new Generator(1));
        Assert.Equal(new[] { 6, 3, 2 }, byFraction.Select(p => p.Count));
        Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(Ten(), new[] { 3, 3 }));
        Assert.Throws<ArgumentException>(() => Dataset.RandomSplit(Ten(), new[] { 0.5, 0.4 }));
    }
}
