using ILGPU;
using ILGPU.Runtime;

namespace Hybrid.Gpu;

/// <summary>Counters of one device's allocator (PyTorch's torch.cuda.memory_stats, in brief).</summary>
public readonly record struct MemoryStatistics(
    long AllocatedBytes, long ReservedBytes, long DeviceAllocations, long DeviceFrees, long CacheHits, long Collections);

/// <summary>
/// Device memory in size classes, cached for reuse as PyTorch's CUDA caching allocator does:
/// a freed block goes to its class's free list and the next request of that class takes it
/// without asking the driver, so a training loop whose shapes repeat allocates nothing on the
/// device after its first step. Classes are 512 bytes, then four per power of two (at most 25 %
/// slack). Blocks are returned only after the tensor that held them is unreachable, and kernels
/// run in order on one stream, so a reused block is never written while an earlier kernel
/// still reads it. Blocks in use stay referenced here: otherwise a storage and its block
/// would become unreachable together, and the block's own finalizer could free the memory
/// before the storage's finalizer hands it back for reuse.
/// </summary>
internal sealed class CachingAllocator(Accelerator accelerator)
{
    readonly object gate = new();
    readonly Dictionary<long, Stack<MemoryBuffer1D<byte, Stride1D.Dense>>> free = new();
    readonly HashSet<MemoryBuffer1D<byte, Stride1D.Dense>> inUse = new(ReferenceEqualityComparer.Instance);
    long allocated, reserved, deviceAllocations, deviceFrees, cacheHits, collections, rentsSinceCollection;

    /// <summary>Fewest requests between two collections, so that warming up (all misses) does not collect on every one.</summary>
    const int RentsBetweenCollections = 64;

    /// <summary>The size class of a request of <paramref name="bytes"/> bytes.</summary>
    public static long SizeClass(long bytes)
    {
        if (bytes <= 512) return 512;
        var top = 1L << (int)(63 - long.LeadingZeroCount(bytes - 1)); // largest power of two below bytes
        var quarter = top / 4;
        return (bytes + quarter - 1) / quarter * quarter;
    }

    /// <summary>
    /// A block of at least <paramref name="bytes"/> bytes, from the cache when one of its class is
    /// free. On a miss, when at least <see cref="RentsBetweenCollections"/> blocks have been handed
    /// out since the last collection, the garbage is collected first: tensors of earlier steps
    /// that are unreachable but not yet finalized then return their blocks, and the request is
    /// served from those. The device is asked only for blocks that live tensors need, so a loop
    /// whose allocations repeat stops asking once the cache holds its working set (instead of
    /// growing until the GC happens to run), and from then on misses, and collections, stop.
    /// </summary>
    public MemoryBuffer1D<byte, Stride1D.Dense> Rent(long bytes)
    {
        var size = SizeClass(bytes);
        if (TryTakeCached(size, out var cached)) return cached;
        bool collect;
        lock (gate) collect = rentsSinceCollection >= RentsBetweenCollections;
        if (collect)
        {
            // Outside the lock: finalizers return blocks through it.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            lock (gate)
            {
                collections++;
                rentsSinceCollection = 0;
            }
            if (TryTakeCached(size, out cached)) return cached;
        }
        var block = AllocateOnDevice(size);
        lock (gate)
        {
            allocated += size;
            reserved += size;
            rentsSinceCollection++;
            deviceAllocations++;
            inUse.Add(block);
        }
        return block;
    }

    bool TryTakeCached(long size, out MemoryBuffer1D<byte, Stride1D.Dense> block)
    {
        lock (gate)
        {
            if (free.TryGetValue(size, out var stack) && stack.Count > 0)
            {
                block = stack.Pop();
                inUse.Add(block);
                cacheHits++;
                allocated += size;
                rentsSinceCollection++;
                return true;
            }
        }
        block = null!;
        return false;
    }

    /// <summary>Gives a block back to its class's free list (called from Dispose and finalizers).</summary>
    public void Return(MemoryBuffer1D<byte, Stride1D.Dense> block)
    {
        lock (gate)
        {
            if (!inUse.Remove(block)) return;
            allocated -= block.Length;
            if (!free.TryGetValue(block.Length, out var stack)) free[block.Length] = stack = new();
            stack.Push(block);
        }
    }

    /// <summary>Frees every cached block on the device (PyTorch's torch.cuda.empty_cache).</summary>
    public void EmptyCache()
    {
        List<MemoryBuffer1D<byte, Stride1D.Dense>> blocks;
        lock (gate)
        {
            blocks = free.Values.SelectMany(s => s).ToList();
            free.Clear();
            reserved -= blocks.Sum(b => b.Length);
            deviceFrees += blocks.Count;
        }
        foreach (var b in blocks) b.Dispose();
    }

    public MemoryStatistics Statistics
    {
        get { lock (gate) return new(allocated, reserved, deviceAllocations, deviceFrees, cacheHits, collections); }
    }

    /// <summary>
    /// Allocates on the device; when it is full, frees the cache and collects garbage (whose
    /// finalizers return blocks) before trying once more, then fails naming the request.
    /// </summary>
    MemoryBuffer1D<byte, Stride1D.Dense> AllocateOnDevice(long size)
    {
        try
        {
            return accelerator.Allocate1D<byte>(size);
        }
        catch (Exception e) when (e is OutOfMemoryException or AcceleratorException)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            EmptyCache();
            try
            {
                return accelerator.Allocate1D<byte>(size);
            }
            catch (Exception again) when (again is OutOfMemoryException or AcceleratorException)
            {
                var s = Statistics;
                throw new OutOfMemoryException(
                    $"{accelerator.Name}: out of memory allocating {size} bytes ({s.AllocatedBytes} bytes in use by tensors, {accelerator.MemorySize} on the device)", again);
            }
        }
    }
}
