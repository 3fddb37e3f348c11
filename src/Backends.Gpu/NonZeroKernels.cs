using ILGPU;

namespace Hybrid.Gpu;

/// <summary>
/// Stream compaction for nonzero, in three launches over fixed chunks of the mask (one group
/// per chunk): count each chunk's true elements, turn the counts into each chunk's first
/// output slot (an exclusive scan by one group), then write the positions, each chunk
/// scanning its flags round by round in shared memory. Positions come out in row-major
/// order and the result is independent of timing.
/// </summary>
internal static class NonZeroKernels
{
    /// <summary>counts[chunk] = how many of the mask's elements chunk·size ... (chunk+1)·size − 1 are true.</summary>
    public static void Count(ArrayView<byte> mask, ViewLayout layout, int length, int size, ArrayView<int> counts)
    {
        int thread = Group.IdxX, threads = Group.DimX, chunk = Grid.IdxX;
        int start = chunk * size, end = Math.Min(length, start + size);
        var count = 0;
        for (var i = start + thread; i < end; i += threads)
            if (mask[layout.At(i)] != 0) count++;
        var grid = new ReduceGrid { Lanes = 1, Slices = threads };
        count = ReductionKernels.GroupReduce(count, grid, thread, default(SumOf<int, I32>));
        if (thread == 0) counts[chunk] = count;
    }

    /// <summary>
    /// One group: offsets[c] = counts[0] + ... + counts[c − 1] for c ≤ chunks (offsets[chunks]
    /// is the total). Each thread sums a contiguous run of chunks, the run totals are scanned
    /// in shared memory, and each thread then writes its run's offsets.
    /// </summary>
    public static void Offsets(ArrayView<int> counts, int chunks, ArrayView<int> offsets)
    {
        int thread = Group.IdxX, threads = Group.DimX;
        var per = (chunks + threads - 1) / threads;
        var start = Math.Min(chunks, thread * per);
        var end = Math.Min(chunks, start + per);
        var runTotal = 0;
        for (var c = start; c < end; c++) runTotal += counts[c];
        var before = InclusiveScan(runTotal, thread, threads, out _) - runTotal;
        for (var c = start; c < end; c++)
        {
            offsets[c] = before;
            before += counts[c];
        }
        // The last thread's run ends at the last chunk (per·threads ≥ chunks), so its running offset is the total.
        if (thread == threads - 1) offsets[chunks] = before;
    }

    /// <summary>o[offsets[chunk] + k] = the row-major position of the chunk's k-th true element.</summary>
    public static void Write(ArrayView<byte> mask, ViewLayout layout, int length, int size, ArrayView<int> offsets, ArrayView<long> o)
    {
        int thread = Group.IdxX, threads = Group.DimX, chunk = Grid.IdxX;
        int start = chunk * size, end = Math.Min(length, start + size);
        var slot = offsets[chunk];
        // Every thread runs the same rounds (the bounds are the group's), as the barriers require.
        for (var round = start; round < end; round += threads)
        {
            var i = round + thread;
            var flag = i < end && mask[layout.At(i)] != 0 ? 1 : 0;
            var upTo = InclusiveScan(flag, thread, threads, out var roundTotal);
            if (flag != 0) o[slot + upTo - 1] = i;
            slot += roundTotal;
        }
    }

    /// <summary>
    /// The sum of <paramref name="value"/> over threads 0 ... thread of the group (Hillis–Steele
    /// in dynamic shared memory of one int per thread), and the group's total. All threads must call it.
    /// </summary>
    static int InclusiveScan(int value, int thread, int threads, out int total)
    {
        var shared = SharedMemory.GetDynamic<int>();
        shared[thread] = value;
        Group.Barrier();
        for (var d = 1; d < threads; d <<= 1)
        {
            var add = thread >= d ? shared[thread - d] : 0;
            Group.Barrier();
            shared[thread] += add;
            Group.Barrier();
        }
        var result = shared[thread];
        total = shared[threads - 1];
        Group.Barrier(); // shared memory is rewritten by the next call
        return result;
    }
}
