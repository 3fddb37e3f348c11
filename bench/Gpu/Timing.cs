using System.Diagnostics;

namespace Hybrid.Bench.Gpu;

static class Timing
{
    /// <summary>
    /// Median seconds of one call: three warm-up calls (kernel compilation, the allocator's
    /// cache), then at least <paramref name="minCalls"/> timed calls and as many more as fit the
    /// budget. Each call is followed by a synchronize, so the clock sees the GPU's work.
    /// </summary>
    public static double MedianSeconds(Action body, Action synchronize, int minCalls, double budgetSeconds)
    {
        for (var i = 0; i < 3; i++) body();
        synchronize();
        var samples = new List<double>();
        var total = Stopwatch.StartNew();
        while (samples.Count < minCalls || total.Elapsed.TotalSeconds < budgetSeconds && samples.Count < 1000)
        {
            var clock = Stopwatch.StartNew();
            body();
            synchronize();
            samples.Add(clock.Elapsed.TotalSeconds);
        }
        samples.Sort();
        return samples[samples.Count / 2];
    }
}
