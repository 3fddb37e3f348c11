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
/// slack). A block is returned when its storage is disposed or finalized, possibly while a
/// queued kernel still reads it; kernels run in order on one stream, so the next kernel to
/// write a reused block runs after every earlier one. Blocks in use stay referenced here: otherwise a storage and its block
/// would become unreachable together, and the block's own finalizer could free the memory
/// before the storage's finalizer hands it back for reuse.
/// </summary>
internal sealed class CachingAllocator(Accelerator accelerator)
{
    /// <summary>One size class: its free blocks, how many blocks it owns, and how many it handed out since the last collection.</summary>
    sealed class SizeClassState
    {
        public readonly Stack<MemoryBuffer1D<byte, Stride1D.Dense>> Free = new();
        public int Blocks, RentsSinceCollection;
    }

    readonly object gate = new();
    readonly Dictionary<long, SizeClassState> classes = new();
    readonly HashSet<MemoryBuffer1D<byte, Stride1D.Dense>> inUse = new(ReferenceEqualityComparer.Instance);
    long allocated, reserved, deviceAllocations, deviceFrees, cacheHits, collections;

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
    /// free. On a miss, when at least half of the class's blocks have been handed out since the
    /// last collection, the garbage is collected first: tensors of earlier steps that are
    /// unreachable but not yet finalized then return their blocks, and the request is served from
    /// those. A loop whose allocations repeat thus stops asking the device once the cache holds
    /// its working set (instead of growing until the GC happens to run); a class whose live
    /// blocks really grow is collected for at most once per half of its size, so collections stay
    /// few however shapes vary.
    /// </summary>
    public MemoryBuffer1D<byte, Stride1D.Dense> Rent(long bytes)
    {
        var size = SizeClass(bytes);
        if (TryTakeCached(size, out var cached)) return cached;
        bool collect;
        lock (gate)
        {
            var state = StateOf(size);
            collect = state.RentsSinceCollection > 0 && 2 * state.RentsSinceCollection >= state.Blocks;
        }
        if (collect)
        {
            // Outside the lock: finalizers return blocks through it.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            lock (gate)
            {
                collections++;
                foreach (var state in classes.Values) state.RentsSinceCollection = 0;
            }
            if (TryTakeCached(size, out cached)) return cached;
        }
        var block = AllocateOnDevice(size);
        lock (gate)
        {
            var state = StateOf(size);
            state.Blocks++;
            state.RentsSinceCollection++;
            allocated += size;
            reserved += size;
            deviceAllocations++;
            inUse.Add(block);
        }
        return block;
    }

    SizeClassState StateOf(long size)
    {
        if (!classes.TryGetValue(size, out var state)) classes[size] = state = new();
        return state;
    }

    bool TryTakeCached(long size, out MemoryBuffer1D<byte, Stride1D.Dense> block)
    {
        lock (gate)
        {
            var state = StateOf(size);
            if (state.Free.Count > 0)
            {
                block = state.Free.Pop();
                state.RentsSinceCollection++;
                inUse.Add(block);
                cacheHits++;
                allocated += size;
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
            StateOf(block.Length).Free.Push(block);
        }
    }

    /// <summary>Frees every cached block on the device (PyTorch's torch.cuda.empty_cache).</summary>
    public void EmptyCache()
    {
        List<MemoryBuffer1D<byte, Stride1D.Dense>> blocks;
        lock (gate)
        {
            blocks = [];
            foreach (var state in classes.Values)
            {
                state.Blocks -= state.Free.Count;
                blocks.AddRange(state.Free);
                state.Free.Clear();
            }
            reserved -= blocks.Sum(b => b.Length);
            deviceFrees += blocks.Count;
        }
        // A cached block may still be read by a queued kernel (it was returned when its tensor
        // died, not when the device finished with it): wait before giving memory back.
        if (blocks.Count > 0) accelerator.Synchronize();
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
