using ILGPU;

namespace Hybrid.Gpu;

/// <summary>Running sums along a dim (cumsum), as the CPU backend's: one lane per thread, in double (floats) or Int64.</summary>
internal static class ScanKernels
{
    /// <summary>o[lane, i] = Σ_{j ≤ i} x[lane, j], accumulated left to right (the CPU backend's order).</summary>
    public static void CumSum<T, N>(Index1D thread, Elements elements, ArrayView<T> x, ViewLayout lanes, int step, int count,
        ViewLayout outLanes, int outStep, ArrayView<T> o)
        where T : unmanaged where N : struct, INumeric<T>
    {
        var n = default(N);
        for (int lane = thread; lane < elements.Count; lane += elements.Stride)
        {
            int at = lanes.At(lane), to = outLanes.At(lane);
            if (n.IsFloating)
            {
                var sum = 0.0;
                for (var i = 0; i < count; i++)
                {
                    sum += n.ToDouble(x[at + i * step]);
                    o[to + i * outStep] = n.FromDouble(sum);
                }
            }
            else
            {
                var sum = 0L;
                for (var i = 0; i < count; i++)
                {
                    sum += n.ToLong(x[at + i * step]);
                    o[to + i * outStep] = n.FromLong(sum);
                }
            }
        }
    }
}
