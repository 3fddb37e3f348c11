using ILGPU;

namespace Hybrid.Gpu;

/// <summary>
/// Data-dependent indexing. Reads (gather, index_select) are one thread per output element.
/// Writes that several sources may aim at one slot (scatter, index_add) never race: the host
/// groups the sources by destination (<see cref="IndexGroups"/>) and one thread per destination
/// applies its sources in the CPU backend's order, so results are bit-identical to it and
/// independent of thread timing. Index values are checked by <see cref="FirstOutOfRange"/>;
/// the read kernels skip a bad index (writing a default) so that no thread reads out of
/// bounds before the host sees the check's result and throws.
/// </summary>
internal static class IndexingKernels
{
    /// <summary>first[0] ← the smallest row-major position i whose index lies outside [0, size).</summary>
    public static void FirstOutOfRange(Index1D thread, Elements elements, ArrayView<long> index, ViewLayout li, long size, ArrayView<int> first)
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            if ((ulong)index[li.At(i)] >= (ulong)size) Atomic.Min(ref first[0], i);
        }
    }

    /// <summary>
    /// o[i] = x[lx.At(i) + index[i]·along]: lx walks x with the index's shape and a zero
    /// stride along dim, so the index value alone supplies that coordinate.
    /// </summary>
    public static void Gather<T>(Index1D thread, Elements elements, ArrayView<T> x, ViewLayout lx, int along, ArrayView<long> index, ViewLayout li, int size, ArrayView<T> o)
        where T : unmanaged
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var v = index[li.At(i)];
            o[i] = (ulong)v < (ulong)size ? x[lx.At(i) + (int)v * along] : default;
        }
    }

    /// <summary>
    /// Output element i = (outer, j, r) of shape (…, count, inner…) reads x at slice position
    /// (outer, r), shifted by index[j] along dim; consecutive threads read consecutive r.
    /// </summary>
    public static void IndexSelect<T>(Index1D thread, Elements elements, ArrayView<T> x, ViewLayout slice, int along, ArrayView<long> index, ViewLayout li, int size, int count, int inner, ArrayView<T> o)
        where T : unmanaged
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            int r = i % inner, q = i / inner, j = q % count, outer = q / count;
            var v = index[li.At(j)];
            o[i] = (ulong)v < (ulong)size ? x[slice.At(outer * inner + r) + (int)v * along] : default;
        }
    }

    /// <summary>
    /// Group g's slot of o receives its sources (row-major positions in src, ascending): all
    /// of them added in order when <paramref name="accumulate"/> is set, else the last one
    /// (the CPU backend writes in row-major order, so the last write wins there).
    /// </summary>
    public static void ScatterGroups<T, N>(Index1D thread, Elements elements, ArrayView<T> o, ArrayView<int> targets, ArrayView<int> starts, ArrayView<int> sources, ArrayView<T> src, ViewLayout ls, int accumulate)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int g = thread; g < elements.Count; g += elements.Stride)
        {
            int slot = targets[g], begin = starts[g], end = starts[g + 1];
            if (accumulate == 0)
            {
                o[slot] = src[ls.At(sources[end - 1])];
                continue;
            }
            var acc = o[slot];
            for (var k = begin; k < end; k++) acc = default(N).Add(acc, src[ls.At(sources[k])]);
            o[slot] = acc;
        }
    }

    /// <summary>
    /// Thread t = (g, e): element e of the slice of o (contiguous, x's shape) at position
    /// targets[g] along dim gets the slices sources[k] of src added in order. The slice
    /// layout of src maps e (row-major over the shape without dim) to storage; consecutive
    /// threads handle consecutive elements of one slice.
    /// </summary>
    public static void IndexAddGroups<T, N>(Index1D thread, Elements elements, ArrayView<T> o, ArrayView<int> targets, ArrayView<int> starts, ArrayView<int> sources, ArrayView<T> src, ViewLayout slice, int srcAlong, int sliceCount, int inner, int size)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int t = thread; t < elements.Count; t += elements.Stride)
        {
            int g = t / sliceCount, e = t % sliceCount;
            var at = (e / inner * size + targets[g]) * inner + e % inner;
            var from = slice.At(e);
            var acc = o[at];
            for (int k = starts[g], end = starts[g + 1]; k < end; k++)
                acc = default(N).Add(acc, src[from + sources[k] * srcAlong]);
            o[at] = acc;
        }
    }
}

/// <summary>
/// Destinations and their sources in compressed rows: group g is the g-th distinct key in
/// order of first appearance, <see cref="Targets"/>[g] that key, and its sources (the
/// positions k with keys[k] = Targets[g]) are Sources[Starts[g] .. Starts[g + 1]), ascending.
/// </summary>
internal readonly record struct IndexGroups(int[] Targets, int[] Starts, int[] Sources)
{
    public static IndexGroups Of(ReadOnlySpan<int> keys)
    {
        var groupOf = new Dictionary<int, int>();
        var targets = new List<int>();
        var group = new int[keys.Length];
        for (var k = 0; k < keys.Length; k++)
        {
            if (!groupOf.TryGetValue(keys[k], out var g))
            {
                g = targets.Count;
                groupOf.Add(keys[k], g);
                targets.Add(keys[k]);
            }
            group[k] = g;
        }
        // Counting sort by group, stable, so each group's sources stay ascending.
        var starts = new int[targets.Count + 1];
        foreach (var g in group) starts[g + 1]++;
        for (var g = 0; g < targets.Count; g++) starts[g + 1] += starts[g];
        var cursor = starts[..^1];
        var sources = new int[keys.Length];
        for (var k = 0; k < keys.Length; k++) sources[cursor[group[k]]++] = k;
        return new IndexGroups(targets.ToArray(), starts, sources);
    }
}
