using System.Numerics;

namespace Hybrid.Cpu;

/// <summary>Running sums along a dim (cumsum), one lane at a time, in a wide accumulator.</summary>
internal static class Scans
{
    public static Storage CumSum(Strided x, int dim) => x.DType switch
    {
        DType.Float32 => new CpuStorage<float>(CumSum<float, double>(x, dim)),
        DType.Float64 => new CpuStorage<double>(CumSum<double, double>(x, dim)),
        DType.Int64 => new CpuStorage<long>(CumSum<long, long>(x, dim)),
        _ => throw Storages.Unsupported("cumsum", x.DType),
    };

    static T[] CumSum<T, TSum>(Strided x, int dim) where T : unmanaged, INumberBase<T> where TSum : INumberBase<TSum>
    {
        var o = Storages.Uninitialized<T>(x.Count);
        ReadOnlySpan<T> xs = Storages.Span<T>(x.Storage);
        var (lanes, size, along, outAlong) = DimLanes.Of(x, dim);
        for (var row = 0; row < lanes.Rows; row++, lanes.Advance())
        for (var j = 0; j < lanes.Inner; j++)
        {
            int xo = lanes.Offsets[0] + j * lanes.InnerStrides[0], oo = lanes.Offsets[1] + j * lanes.InnerStrides[1];
            var sum = TSum.Zero;
            for (var i = 0; i < size; i++)
            {
                sum += TSum.CreateTruncating(xs[xo + i * along]);
                o[oo + i * outAlong] = T.CreateTruncating(sum);
            }
        }
        return o;
    }
}
