using ILGPU;

namespace Hybrid.Gpu;

/// <summary>The order of each lane along a dim (argsort), as the CPU backend's: stable, NaN largest.</summary>
internal static class SortKernels
{
    /// <summary>
    /// One thread per element: its place in its lane is the number of the lane's elements that
    /// come before it, by value (NaN largest; largest first when TAscending says min is false)
    /// and then by index, a total order, so places are distinct and the order is the stable
    /// one. o[lane, place] = its index. Quadratic in the lane's length, but all of a lane's
    /// elements count at once: for the rows of logits or scores that sort and topk serve.
    /// </summary>
    public static void ArgSortByRank<T, N, TAscending>(Index1D thread, Elements elements, ArrayView<T> x, ViewLayout lanes, int step, int count,
        ViewLayout outLanes, int outStep, ArrayView<long> o)
        where T : unmanaged where N : struct, INumeric<T> where TAscending : struct, IFlag
    {
        for (int e = thread; e < elements.Count; e += elements.Stride)
        {
            int lane = e / count, i = e % count;
            var at = lanes.At(lane);
            var v = x[at + i * step];
            var place = 0;
            for (var j = 0; j < count; j++)
                if (Before<T, N, TAscending>(x[at + j * step], j, v, i)) place++;
            o[outLanes.At(lane) + place * outStep] = i;
        }
    }

    /// <summary>Whether (u, a) comes before (v, b): by value, NaN largest, then by index.</summary>
    static bool Before<T, N, TAscending>(T u, int a, T v, int b)
        where T : unmanaged where N : struct, INumeric<T> where TAscending : struct, IFlag
    {
        var n = default(N);
        bool uNaN = n.IsNaN(u), vNaN = n.IsNaN(v);
        // Ascending: smaller values first, NaN last; descending: larger first, NaN first.
        var ascending = default(TAscending).Value;
        if (uNaN != vNaN) return ascending ? vNaN : uNaN;
        if (!uNaN)
        {
            if (ascending ? n.Lt(u, v) : n.Lt(v, u)) return true;
            if (ascending ? n.Lt(v, u) : n.Lt(u, v)) return false;
        }
        return a < b;
    }
}
