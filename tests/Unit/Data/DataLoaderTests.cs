using System.Runtime.CompilerServices;
using Hybrid.Data;
using Hybrid.Vision.Transforms;
using Xunit;

namespace Hybrid.Unit.Data;

public class DataLoaderTests
{
    static TensorDataset Numbers(int n) =>
        new(Torch.Arange(0, n, 1, DType.Float32).Reshape(n, 1), Torch.Arange(n));

    static List<long[]> Labels(IEnumerable<Tensor[]> loader) => loader.Select(b => b[1].ToArray<long>()).ToList();

    [Fact]
    public void Two_workers_give_exactly_the_batches_of_zero_workers_for_the_same_seed()
    {
        var ds = new AugmentedDataset(53);
        var serial = new DataLoader<(Tensor, Tensor)>(ds, batchSize: 4, shuffle: true, generator: new Generator(11));
        var parallel = new DataLoader<(Tensor, Tensor)>(ds, batchSize: 4, shuffle: true, numWorkers: 2, generator: new Generator(11));
        for (var epoch = 0; epoch < 2; epoch++)
        {
            var a = serial.ToList();
            var b = parallel.ToList();
            Assert.Equal(14, a.Count);
            Assert.Equal(a.Count, b.Count);
            for (var i = 0; i < a.Count; i++)
            {
                Assert.Equal(a[i].Item1.Shape, b[i].Item1.Shape);
                Assert.Equal(a[i].Item1.ToArray<float>(), b[i].Item1.ToArray<float>());
                Assert.Equal(a[i].Item2.ToArray<long>(), b[i].Item2.ToArray<long>());
            }
        }
    }

    [Fact]
    public void Three_workers_with_uneven_item_times_keep_the_order()
    {
        var ds = new AugmentedDataset(40, slow: true);
        var expected = new DataLoader<(Tensor, Tensor)>(ds, batchSize: 3, generator: new Generator(5)).Select(b => b.Item2.ToArray<long>()).ToList();
        var got = new DataLoader<(Tensor, Tensor)>(ds, batchSize: 3, numWorkers: 3, generator: new Generator(5)).Select(b => b.Item2.ToArray<long>()).ToList();
        Assert.Equal(expected, got);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), got.SelectMany(b => b));
    }

    [Fact]
    public void Shuffles_differ_between_epochs_and_each_is_a_permutation()
    {
        var loader = new DataLoader(Numbers(100), batchSize: 10, shuffle: true, generator: new Generator(3));
        var e1 = Labels(loader).SelectMany(b => b).ToArray();
        var e2 = Labels(loader).SelectMany(b => b).ToArray();
        Assert.NotEqual(e1, e2);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), e1.Order());
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), e2.Order());
        Assert.NotEqual(Enumerable.Range(0, 100).Select(i => (long)i), e1);
        // The same seed repeats the same sequence of epochs.
        var again = new DataLoader(Numbers(100), batchSize: 10, shuffle: true, generator: new Generator(3));
        Assert.Equal(e1, Labels(again).SelectMany(b => b));
        Assert.Equal(e2, Labels(again).SelectMany(b => b));
    }

    [Fact]
    public void Restoring_the_loader_generator_repeats_the_next_epoch()
    {
        var loader = new DataLoader(Numbers(30), batchSize: 7, shuffle: true, generator: new Generator(9));
        _ = Labels(loader);
        var (seed, offset) = (loader.Generator.Seed, loader.Generator.Offset);
        var next = Labels(loader);
        loader.Generator.SetState(seed, offset);
        Assert.Equal(next, Labels(loader));
    }

    [Fact]
    public void DropLast_and_Count()
    {
        var keep = new DataLoader(Numbers(100), batchSize: 8);
        var drop = new DataLoader(Numbers(100), batchSize: 8, dropLast: true, numWorkers: 2);
        Assert.Equal(13, keep.Count);
        Assert.Equal(12, drop.Count);
        var kept = Labels(keep);
        var dropped = Labels(drop);
        Assert.Equal(13, kept.Count);
        Assert.Equal(4, kept[^1].Length);
        Assert.Equal(12, dropped.Count);
        Assert.All(dropped, b => Assert.Equal(8, b.Length));
        Assert.Equal(Enumerable.Range(0, 96).Select(i => (long)i), dropped.SelectMany(b => b));
    }

    [Fact]
    public void Foreach_deconstructs_tensor_dataset_batches_and_stacks_them()
    {
        var loader = new DataLoader(Numbers(10), batchSize: 4);
        var seen = 0;
        foreach (var (x, y) in loader)
        {
            Assert.Equal(new[] { y.Shape[0], 1 }, x.Shape);
            Assert.Equal(DType.Int64, y.DType);
            Assert.Equal(y.ToArray<long>().Select(v => (float)v), x.ToArray<float>());
            seen += y.Shape[0];
        }
        Assert.Equal(10, seen);
    }

    [Fact]
    public void Worker_exception_surfaces_in_the_caller_with_its_original_stack()
    {
        foreach (var workers in new[] { 0, 2 })
        {
            var loader = new DataLoader<Tensor>(new ThrowingDataset(20, failAt: 13), batchSize: 4, numWorkers: workers);
            var batches = 0;
            var e = Assert.Throws<DataException>(() => { foreach (var _ in loader) batches++; });
            Assert.Equal(3, batches);   // batches 0–2 arrive before batch 3 (items 12–15) fails
            Assert.Equal("item 13 is broken", e.Message);
            Assert.Contains(nameof(ThrowingDataset.Fail), e.StackTrace);
        }
    }

    [Fact]
    public void Breaking_out_early_stops_the_workers()
    {
        var ds = new AugmentedDataset(200, slow: true);
        var loader = new DataLoader<(Tensor, Tensor)>(ds, batchSize: 2, numWorkers: 2, prefetchFactor: 1);
        foreach (var _ in loader) break;
        var loaded = ds.Loaded;
        Thread.Sleep(50);
        Assert.Equal(loaded, ds.Loaded);
        Assert.True(loaded <= 2 * 4, $"loaded {loaded} items ahead with a bound of 2 batches per worker");
    }

    [Fact]
    public void Prefetch_stays_within_its_bound()
    {
        var ds = new AugmentedDataset(120);
        var loader = new DataLoader<(Tensor, Tensor)>(ds, batchSize: 1, numWorkers: 2, prefetchFactor: 3);
        var consumed = 0;
        var maxAhead = 0;
        foreach (var _ in loader)
        {
            consumed++;
            Thread.Sleep(1);
            maxAhead = Math.Max(maxAhead, ds.Loaded - consumed);
        }
        Assert.Equal(120, consumed);
        Assert.InRange(maxAhead, 0, 6);
    }

    [Fact]
    public void Custom_collate_makes_any_batch_type()
    {
        var loader = new DataLoader<Tensor[], string>(Numbers(5), items => string.Join(",", items.Select(t => t[1].Item<long>())), batchSize: 2);
        Assert.Equal(new[] { "0,1", "2,3", "4" }, loader.ToArray());
    }

    [Fact]
    public void Sampler_and_batch_sampler_options()
    {
        var reversed = new ReversedSampler(6);
        Assert.Equal(new long[] { 5, 4, 3, 2, 1, 0 }, Labels(new DataLoader(Numbers(6), batchSize: 4, sampler: reversed)).SelectMany(b => b));
        var bs = new BatchSampler(new SequentialSampler(5), 2, dropLast: true);
        Assert.Equal(new[] { new long[] { 0, 1 }, new long[] { 2, 3 } }, Labels(new DataLoader(Numbers(5), batchSampler: bs)));
        Assert.Throws<ArgumentException>(() => new DataLoader(Numbers(5), shuffle: true, sampler: reversed));
        Assert.Throws<ArgumentException>(() => new DataLoader(Numbers(5), batchSize: 2, batchSampler: bs));
        Assert.Throws<ArgumentException>(() => new DataLoader(Numbers(5), batchSize: 0));
        Assert.Throws<ArgumentException>(() => new DataLoader<int>(new Ints(3)));   // no default collate for int
    }

    [Fact]
    public void Iterable_datasets_batch_in_stream_order_with_and_without_a_worker()
    {
        foreach (var workers in new[] { 0, 1 })
        {
            var keep = new DataLoader<Tensor>(new Stream(10), batchSize: 3, numWorkers: workers).Select(b => b.ToArray<long>()).ToList();
            Assert.Equal(new[] { 3, 3, 3, 1 }, keep.Select(b => b.Length));
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), keep.SelectMany(b => b));
            var drop = new DataLoader<Tensor>(new Stream(10), batchSize: 3, dropLast: true, numWorkers: workers).ToList();
            Assert.Equal(3, drop.Count);
            var e = Assert.Throws<DataException>(() => new DataLoader<Tensor>(new Stream(10, failAt: 7), batchSize: 3, numWorkers: workers).ToList());
            Assert.Contains(nameof(Stream), e.StackTrace);
        }
        Assert.Throws<NotSupportedException>(() => new DataLoader<Tensor>(new Stream(1)).Count);
    }

    [Fact]
    public void Random_transforms_outside_a_loader_use_the_default_generator_and_inside_a_per_batch_one()
    {
        Assert.False(DataLoaderContext.InLoader);
        Assert.Same(Generator.Default, DataLoaderContext.Generator);
        var seen = new List<(int Batch, bool InLoader)>();
        var loader = new DataLoader<Tensor, int>(new ContextProbe(seen), items => items.Count, batchSize: 2);
        Assert.Equal(new[] { 2, 2 }, loader.ToArray());
        Assert.Equal(new[] { (0, true), (0, true), (1, true), (1, true) }, seen);
        Assert.False(DataLoaderContext.InLoader);
    }

    public sealed class DataException(string message) : Exception(message);

    /// <summary>Items with random augmentation from the loader's per-batch generator; optionally slow.</summary>
    sealed class AugmentedDataset(int n, bool slow = false) : Dataset<(Tensor, Tensor)>
    {
        readonly Transform _augment = new Compose(new ToTensor(), new RandomCrop(4, padding: 1), new RandomHorizontalFlip());
        int _loaded;
        public int Loaded => Volatile.Read(ref _loaded);
        public override int Count => n;
        public override (Tensor, Tensor) this[int index]
        {
            get
            {
                CheckIndex(index);
                if (slow) Thread.Sleep((index * 7) % 4);
                Interlocked.Increment(ref _loaded);
                var pixels = new byte[16];
                for (var k = 0; k < 16; k++) pixels[k] = (byte)(index * 16 + k);
                return (_augment.Apply(Torch.FromArray(pixels, 4, 4)), Torch.Tensor((long)index));
            }
        }
    }

    sealed class ThrowingDataset(int n, int failAt) : Dataset<Tensor>
    {
        public override int Count => n;
        public override Tensor this[int index] => index == failAt ? Fail(index) : Torch.Tensor((long)index);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static Tensor Fail(int index) => throw new DataException($"item {index} is broken");
    }

    sealed class Stream(int n, int failAt = -1) : IterableDataset<Tensor>
    {
        public override IEnumerator<Tensor> GetEnumerator()
        {
            for (var i = 0; i < n; i++)
            {
                if (i == failAt) throw new DataException($"item {i} is broken");
                yield return Torch.Tensor((long)i);
            }
        }
    }

    sealed class ReversedSampler(int n) : Sampler
    {
        public override int Count => n;
        public override IEnumerator<int> GetEnumerator() => Enumerable.Range(0, n).Reverse().GetEnumerator();
    }

    sealed class Ints(int n) : Dataset<int>
    {
        public override int Count => n;
        public override int this[int index] => index;
    }

    sealed class ContextProbe(List<(int, bool)> seen) : Dataset<Tensor>
    {
        public override int Count => 4;
        public override Tensor this[int index]
        {
            get
            {
                lock (seen) seen.Add((DataLoaderContext.BatchIndex, DataLoaderContext.InLoader));
                return Torch.Tensor((long)index);
            }
        }
    }
}
