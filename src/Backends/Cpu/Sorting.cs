using System.Numerics;

namespace Hybrid.Cpu;

/// <summary>
/// The order of each lane along a dim (argsort). Indices are sorted by a total order, value
/// first (NaN the largest) and index second, so the result is the stable order whatever the
/// sorting algorithm, as PyTorch's sort(stable=True) gives.
/// </summary>
internal static class Sorting
{
    public static Storage ArgSort(Strided x, int dim, bool descending)
    {
        var o = Storages.Uninitialized<long>(x.Count);
        switch (x.DType)
        {
            case DType.Float32: ArgSort<float>(x, dim, descending, o); break;
            case DType.Float64: ArgSort<double>(x, dim, descending, o); break;
            case DType.Int64: ArgSort<long>(x, dim, descending, o); break;
            case DType.Int32: ArgSort<int>(x, dim, descending, o); break;
            case DType.UInt8 or DType.Bool: ArgSort<byte>(x, dim, descending, o); break;
            default: throw Storages.Unsupported("sort", x.DType);
        }
        return new CpuStorage<long>(o);
    }

    static void ArgSort<T>(Strided xv, int dim, bool descending, long[] o) where T : unmanaged, INumber<T>
    {
        ReadOnlySpan<T> x = Storages.Span<T>(xv.Storage);
        var (lanes, size, along, outAlong) = DimLanes.Of(xv, dim);
        var values = new T[size];
        var order = new int[size];
        var before = new Before<T>(values, descending);
        for (var row = 0; row < lanes.Rows; row++, lanes.Advance())
        for (var j = 0; j < lanes.Inner; j++)
        {
            int xo = lanes.Offsets[0] + j * lanes.InnerStrides[0], oo = lanes.Offsets[1] + j * lanes.InnerStrides[1];
            for (var i = 0; i < size; i++)
            {
                values[i] = x[xo + i * along];
                order[i] = i;
            }
            order.AsSpan().Sort(before);
            for (var p = 0; p < size; p++) o[oo + p * outAlong] = order[p];
        }
    }

    /// <summary>Compares two indices of a lane: by value (NaN largest; reversed when descending), then by index.</summary>
    readonly struct Before<T>(T[] values, bool descending) : IComparer<int> where T : INumber<T>
    {
        public int Compare(int a, int b)
        {
            T u = values[a], v = values[b];
            bool uNaN = T.IsNaN(u), vNaN = T.IsNaN(v);
            var byValue = uNaN || vNaN ? uNaN.CompareTo(vNaN) : u < v ? -1 : v < u ? 1 : 0;
            if (descending) byValue = -byValue;
            return byValue != 0 ? byValue : a.CompareTo(b);
        }
    }
}
