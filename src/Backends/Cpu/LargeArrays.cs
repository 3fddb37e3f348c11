using System.Runtime.CompilerServices;

namespace Hybrid.Cpu;

/// <summary>
/// Recycles the arrays of large results once the GC has proven them unreachable, as PyTorch's
/// CPU allocator gets from malloc's free lists. An array of 4 MB or more lives on the GC's
/// large-object heap (whatever LOHThreshold says, the GC caps it at its 4 MB region size), which
/// only a full collection reclaims; a loop that makes a fresh 16 MB softmax or a 4 MB product
/// each call then starts a full collection every call or two, and the memory that collection
/// returns is faulted back in page by page.
///
/// <para>Each array handed out here carries a <see cref="Recycler{T}"/>, bound to it by a
/// <see cref="ConditionalWeakTable{TKey, TValue}"/> (a dependent handle: the recycler lives as
/// long as the array, and its reference back to the array does not keep the array alive). When
/// the array becomes unreachable, so does its recycler, whose finalizer then runs and holds the
/// array again. Reachable includes every span, ref and pinned pointer into the array on any
/// thread's stack: the GC reports interior pointers as roots. So an array is reused only when no
/// code can still read or write it: the pool is as safe as the GC.</para>
///
/// <para>The first finalization only re-registers for a second: other objects found dead in the
/// same collection may reach the array too, and their finalizers (run in any order) may still
/// read it. The finalizer thread runs each collection's finalizers before the next's, so by the
/// second finalization those have finished, and the array goes back to the pool.</para>
///
/// <para>An array is only found unreachable by a full collection, which allocations from the
/// pool no longer start. So once <see cref="CollectEvery"/> bytes have been handed out since the
/// last collection, a request the pool cannot serve first collects (twice, for the two
/// finalizations) and waits for the finalizers, as the GPU's caching allocator does: a loop
/// whose shapes repeat then runs on recycled arrays, with two collections per that many bytes,
/// where the GC alone would start one per array and fault each fresh array in again.</para>
///
/// <para>The pool keeps at most <see cref="Capacity"/> bytes; an array returned beyond that is
/// left to the GC. An array not reused between two full collections is released too, so a
/// program that moves on to other shapes does not keep the old ones.</para>
/// </summary>
internal static class LargeArrays
{
    /// <summary>Arrays of at least this many bytes are recycled (those the GC puts on the large-object heap).</summary>
    public const long MinBytes = 4 << 20;

    /// <summary>The most bytes the pool keeps: 1 GiB, or an eighth of the memory the GC may use where that is less.</summary>
    public static readonly long Capacity = Math.Min(1L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8);

    /// <summary>Bytes handed out between the collections that a request the pool cannot serve starts.</summary>
    public static readonly long CollectEvery = Capacity / 4;

    static readonly object Gate = new();
    static long pooledBytes, handedOutSinceCollection;
    static int finalizerThread;

    /// <summary>An array of exactly <paramref name="length"/> elements, recycled when one is free; its contents are arbitrary.</summary>
    public static T[] Rent<T>(int length) where T : unmanaged
    {
        var bytes = (long)length * Unsafe.SizeOf<T>();
        if (Pool<T>.TryTake(length, bytes) is { } recycled) return recycled;
        if (ShouldCollect())
        {
            // Outside the lock: the finalizers return arrays through it.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            if (Pool<T>.TryTake(length, bytes) is { } collected) return collected;
        }
        lock (Gate) handedOutSinceCollection += bytes;
        return Pool<T>.Allocate(length);
    }

    /// <summary>
    /// Whether enough has been handed out since the last collection to start one; never on the
    /// finalizer thread, which would wait for itself.
    /// </summary>
    static bool ShouldCollect()
    {
        lock (Gate)
        {
            if (handedOutSinceCollection < CollectEvery || Environment.CurrentManagedThreadId == finalizerThread) return false;
            handedOutSinceCollection = 0;
            return true;
        }
    }

    /// <summary>Arrays waiting for reuse, by element type and length.</summary>
    static readonly Dictionary<(Type, int), List<Recycler>> Free = new();
    static int trimmedAtCollection;

    static LargeArrays() => _ = new TrimAtFullCollections();

    /// <summary>Keeps a recycler whose array came back for reuse, or lets its array go.</summary>
    static void Return(Recycler recycler)
    {
        lock (Gate)
        {
            ReleaseUnused();
            if (pooledBytes + recycler.Bytes > Capacity)
            {
                recycler.Release();
                return;
            }
            recycler.ReturnedAtCollection = GC.CollectionCount(2);
            var key = (recycler.ElementType, recycler.Length);
            if (!Free.TryGetValue(key, out var free)) Free[key] = free = [];
            free.Add(recycler);
            pooledBytes += recycler.Bytes;
        }
    }

    /// <summary>
    /// Releases the arrays that waited in the pool through a whole interval between full
    /// collections (once per collection; called under the lock).
    /// </summary>
    static void ReleaseUnused()
    {
        var collection = GC.CollectionCount(2);
        if (collection == trimmedAtCollection) return;
        trimmedAtCollection = collection;
        foreach (var free in Free.Values)
            free.RemoveAll(r =>
            {
                if (r.ReturnedAtCollection >= collection - 1) return false;
                pooledBytes -= r.Bytes;
                r.Release();
                return true;
            });
    }

    /// <summary>
    /// Releases unused arrays at every full collection, also when no array comes back then (a
    /// program that no longer makes large results): an object that is finalized at each
    /// collection and re-registers itself; once promoted to the oldest generation, only full
    /// collections find it unreachable.
    /// </summary>
    sealed class TrimAtFullCollections
    {
        ~TrimAtFullCollections()
        {
            lock (Gate) ReleaseUnused();
            GC.ReRegisterForFinalize(this);
        }
    }

    static class Pool<T> where T : unmanaged
    {
        static readonly ConditionalWeakTable<T[], Recycler<T>> Recyclers = new();

        /// <summary>The array last returned with this length (the likeliest to be in cache), or null.</summary>
        public static T[]? TryTake(int length, long bytes)
        {
            Recycler<T> recycler;
            lock (Gate)
            {
                if (!Free.TryGetValue((typeof(T), length), out var free) || free.Count == 0) return null;
                recycler = (Recycler<T>)free[^1];
                free.RemoveAt(free.Count - 1);
                pooledBytes -= bytes;
                handedOutSinceCollection += bytes;
            }
            return recycler.HandOut();
        }

        public static T[] Allocate(int length)
        {
            var array = GC.AllocateUninitializedArray<T>(length);
            HugePages.Advise(array);
            Recyclers.Add(array, new Recycler<T>(array));
            return array;
        }
    }

    /// <summary>What the pool needs to know of a recycler, whatever its element type.</summary>
    abstract class Recycler
    {
        public abstract Type ElementType { get; }
        public abstract int Length { get; }
        public abstract long Bytes { get; }
        public int ReturnedAtCollection { get; set; }

        /// <summary>Lets the GC have the array.</summary>
        public abstract void Release();
    }

    /// <summary>Brings its array back to the pool when the GC finds the array unreachable (see <see cref="LargeArrays"/>).</summary>
    sealed class Recycler<T>(T[] array) : Recycler where T : unmanaged
    {
        T[]? array = array;
        bool foundUnreachableOnce;

        public override Type ElementType => typeof(T);
        public override int Length => array!.Length;
        public override long Bytes => (long)array!.Length * Unsafe.SizeOf<T>();

        /// <summary>The array, to be used again; watched for unreachability anew.</summary>
        public T[] HandOut()
        {
            foundUnreachableOnce = false;
            GC.ReRegisterForFinalize(this);
            return array!;
        }

        public override void Release() => array = null;

        ~Recycler()
        {
            Volatile.Write(ref finalizerThread, Environment.CurrentManagedThreadId);
            if (array == null) return;
            if (!foundUnreachableOnce)
            {
                foundUnreachableOnce = true;
                GC.ReRegisterForFinalize(this);
                return;
            }
            Return(this);
        }
    }
}
