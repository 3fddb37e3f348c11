using ILGPU;
using ILGPU.Runtime;

namespace Hybrid.Gpu;

/// <summary>
/// How an explicitly grouped row kernel maps its threads: each group serves <see cref="Lanes"/>
/// consecutive rows with <see cref="Slices"/> threads per row (both powers of two, their
/// product the group size). Thread "slice" s of a row visits the row's reduced positions
/// s, s + Slices, ... of its part. With <see cref="LanesInner"/> set, consecutive threads
/// serve consecutive rows (coalesced reads when a kept dim is innermost in memory, e.g. a
/// column sum); otherwise consecutive threads visit consecutive positions of one row (a
/// reduced dim is innermost, e.g. a row sum). A row may also be cut into <see cref="Parts"/>
/// chunks of <see cref="Chunk"/> positions reduced by different groups (few long rows), each
/// writing one partial result. The grid depends only on the shape and the accelerator, so
/// results are deterministic.
/// </summary>
internal struct ReduceGrid
{
    /// <summary>Positions each thread should at least visit before a long row is cut into parts.</summary>
    const int MinPositionsPerThread = 4;

    public int Rows, Cols, Lanes, Slices, LanesInner, Parts, Chunk;

    public readonly int Lane(int thread) => LanesInner != 0 ? thread % Lanes : thread / Slices;

    public readonly int Slice(int thread) => LanesInner != 0 ? thread / Lanes : thread % Slices;

    /// <summary>Distance between the shared-memory slots of slices s and s + 1 of one row.</summary>
    public readonly int SliceStride => LanesInner != 0 ? Lanes : 1;

    /// <summary>The shared-memory slot of slice 0 of a lane, where the row's result ends up.</summary>
    public readonly int Home(int lane) => LanesInner != 0 ? lane : lane * Slices;

    /// <summary>The launch of this grid, with one shared-memory slot of A per thread.</summary>
    public readonly KernelConfig Config<A>() where A : unmanaged
    {
        var group = Lanes * Slices;
        var groups = (Rows + Lanes - 1) / Lanes * Parts;
        return new KernelConfig(groups, group, SharedMemoryConfig.RequestDynamic<A>(group));
    }

    /// <summary>
    /// The group size of the row kernels: the largest power of two up to 8 warps (enough
    /// threads per row to hide memory latency while several groups share a multiprocessor)
    /// that the accelerator allows, with one shared-memory slot of <paramref name="bytesPerThread"/> per thread.
    /// </summary>
    public static int GroupSize(Accelerator accelerator, int bytesPerThread)
    {
        var limit = Math.Min(accelerator.MaxNumThreadsPerGroup, 8 * accelerator.WarpSize);
        var group = 1;
        while (group * 2 <= limit) group *= 2;
        while (group > 1 && (long)group * bytesPerThread > accelerator.MaxSharedMemoryPerGroup) group /= 2;
        return group;
    }

    /// <summary>
    /// The grid for rows × cols. Where a kept dim is innermost in memory a group serves a warp's
    /// worth of neighbouring rows (lanes inner, coalesced); where a reduced dim is, a group's
    /// threads share one row. Short rows leave threads to more rows of a group, and with
    /// <paramref name="split"/> a few long rows are cut into parts so that enough groups run
    /// to occupy every multiprocessor.
    /// </summary>
    public static ReduceGrid Plan(Accelerator accelerator, int rows, int cols, bool keptInnermost, int bytesPerThread, bool split)
    {
        var group = GroupSize(accelerator, bytesPerThread);
        var warp = PowerOfTwoAtLeast(accelerator.WarpSize, group);
        var lanes = keptInnermost ? Math.Min(warp, PowerOfTwoAtLeast(rows, group)) : 1;
        var slices = Math.Min(group / lanes, PowerOfTwoAtLeast(cols, group));
        lanes = Math.Min(group / slices, PowerOfTwoAtLeast(rows, group));
        var grid = new ReduceGrid
        {
            Rows = rows, Cols = cols, Lanes = lanes, Slices = slices,
            LanesInner = keptInnermost ? 1 : 0, Parts = 1, Chunk = cols,
        };
        if (!split) return grid;
        var rowGroups = (rows + lanes - 1) / lanes;
        var fill = Math.Max(1, accelerator.MaxNumThreads / group);
        var parts = Math.Min((fill + rowGroups - 1) / rowGroups, cols / (slices * MinPositionsPerThread));
        if (parts <= 1) return grid;
        var chunk = ((cols + parts - 1) / parts + slices - 1) / slices * slices;
        grid.Chunk = chunk;
        grid.Parts = (cols + chunk - 1) / chunk;
        return grid;
    }

    /// <summary>The smallest power of two ≥ n (at least 1), capped at <paramref name="cap"/>.</summary>
    static int PowerOfTwoAtLeast(int n, int cap)
    {
        var p = 1;
        while (p < n && p < cap) p *= 2;
        return p;
    }
}
