using System.Runtime.CompilerServices;
using Hybrid.Cpu;
using Xunit;

namespace Hybrid.Unit.Backends;

/// <summary>
/// Tests that follow large arrays through full collections run alone: another test's
/// collections would move the finalizations they count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuLargeArraysCollection
{
    public const string Name = "CPU large arrays";
}

/// <summary>
/// The recycling of large results (LargeArrays): an array comes back only after two full
/// collections have found it unreachable, never while anything can still reach it, and a loop
/// whose shapes repeat stops allocating. Each test uses a length of its own, which no other
/// test allocates; a recycled array is recognized by values written into it before it was
/// dropped (a fresh array holds whatever the GC had there).
/// </summary>
[Collection(CpuLargeArraysCollection.Name)]
public class CpuLargeArraysTests
{
    const int Large = (4 << 20) / sizeof(float); // the smallest recycled float32 array

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void AllocateMarkedAndDrop(int length, float mark) => Storages.Uninitialized<float>(length).AsSpan().Fill(mark);

    static bool IsMarked(float[] array, float mark) => array[0] == mark && array[array.Length / 2] == mark && array[^1] == mark;

    static void CollectFully()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Fact]
    public void An_unreachable_array_is_reused_after_the_second_full_collection_that_finds_it()
    {
        // A collection that another thread starts (or a background one still running) also
        // finds the array unreachable; an attempt that such a collection disturbed is repeated
        // with another length.
        for (var attempt = 0; ; attempt++)
        {
            var length = Large + 101 + attempt;
            CollectFully(); // lets a collection in progress finish first
            var before = GC.CollectionCount(2);
            AllocateMarkedAndDrop(length, 1.2345678f);
            CollectFully();
            var afterOne = Storages.Uninitialized<float>(length);
            if (GC.CollectionCount(2) != before + 1 && attempt < 5) continue;
            Assert.False(IsMarked(afterOne, 1.2345678f), "an array came back after one collection, while another finalizer could still read it");
            afterOne.AsSpan().Fill(0f);
            CollectFully();
            var afterTwo = Storages.Uninitialized<float>(length);
            Assert.True(IsMarked(afterTwo, 1.2345678f), "a dropped array was not reused after two collections");
            GC.KeepAlive(afterOne);
            return;
        }
    }

    [Fact]
    public void An_array_that_is_still_reachable_is_never_reused()
    {
        const int length = Large + 202;
        var held = Storages.Uninitialized<float>(length);
        held.AsSpan().Fill(2.3456789f);
        var span = held.AsSpan(length / 2); // an interior pointer keeps it reachable too
        CollectFully();
        CollectFully();
        var other = Storages.Uninitialized<float>(length);
        Assert.NotSame(held, other);
        other.AsSpan().Fill(-1f);
        Assert.True(IsMarked(held, 2.3456789f));
        Assert.Equal(2.3456789f, span[0]);
    }

    [Fact]
    public void A_zero_filled_storage_is_zero_also_when_its_array_is_recycled()
    {
        const int length = Large + 303;
        AllocateMarkedAndDrop(length, 3.4567891f);
        CollectFully();
        CollectFully();
        var zeros = Storages.Span<float>(Storages.Allocate(DType.Float32, length, zeroed: true));
        Assert.True(zeros.IndexOfAnyExcept(0f) < 0, "a recycled array was handed out as zeros without being cleared");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static WeakReference AllocateAndDropTracked(int length) => new(Storages.Uninitialized<float>(length), trackResurrection: true);

    [Fact]
    public void A_pooled_array_that_is_not_reused_is_released_after_a_whole_interval_between_full_collections()
    {
        // A long weak reference follows the array through its recycling, until the GC frees it.
        var array = AllocateAndDropTracked(Large + 505);
        CollectFully();
        CollectFully();
        Assert.True(array.IsAlive, "the dropped array should be waiting in the pool");
        CollectFully(); // the interval it waits through, unused
        CollectFully(); // releases it (no other array comes back meanwhile)
        CollectFully(); // frees it
        Assert.False(array.IsAlive, "an array left unused in the pool was never released");
    }

    [Fact]
    public void Threads_that_rent_while_others_collect_never_share_an_array()
    {
        // Each thread fills its array with its own pattern, lets collections run, and checks the
        // pattern is intact: an array handed to another thread meanwhile would be overwritten.
        const int length = Large + 404;
        var stop = false;
        var collector = new Thread(() => { while (!Volatile.Read(ref stop)) { CollectFully(); Thread.Sleep(1); } });
        collector.Start();
        var corrupted = 0;
        var workers = Enumerable.Range(1, 3).Select(id => new Thread(() =>
        {
            for (var i = 0; i < 60; i++)
            {
                var array = Storages.Uninitialized<float>(length);
                var mark = id * 1000 + i;
                array.AsSpan().Fill(mark);
                Thread.Sleep(1);
                if (array.AsSpan().IndexOfAnyExcept(mark) >= 0) Interlocked.Increment(ref corrupted);
            }
        })).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        Volatile.Write(ref stop, true);
        collector.Join();
        Assert.Equal(0, corrupted);
    }

    [Fact]
    public void A_loop_whose_shapes_repeat_stops_allocating_large_arrays()
    {
        // 1,100 × 1,000 floats: a 4.4 MB result per call, 220 MB over the measured calls.
        var x = Torch.Randn(1100, 1000);
        for (var i = 0; i < 300; i++) x.Softmax(1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++) x.Softmax(1);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4_400_000 * 5, $"50 softmaxes of 4.4 MB allocated {allocated:N0} bytes: at most 4 fresh results expected");
    }
}
