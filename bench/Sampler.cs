// Times one library's body for `compare`.
using System.Diagnostics;

/// One timed sample: seconds per unit (per op for smallops), and how many cores other processes
/// kept busy meanwhile (see OtherLoad).
readonly record struct Sample(double Seconds, double OtherCores)
{
    /// This is a shared 2-core machine. While another process keeps a core busy, libtorch's
    /// 2-thread kernels can run 10× slower (each parallel region waits for the thread that lost
    /// its core) and single-threaded code barely notices: such samples are set aside.
    public const double MaxOtherCores = 0.25;

    public bool Clean => !(OtherCores > MaxOtherCores);   // NaN (no /proc/stat): clean

    /// The first `wanted` clean samples' seconds when at least 3 are clean, else all (noisy).
    public static (List<double> Used, bool Noisy) Pick(List<Sample> xs, int wanted)
    {
        var clean = xs.Where(s => s.Clean).Take(wanted).ToList();
        var used = (clean.Count >= 3 ? clean : xs).Select(s => s.Seconds).ToList();
        return (used, clean.Count < wanted);
    }
}

sealed class Sampler(Action body, int perCall)
{
    const double SampleSeconds = 0.2;
    int calls = 1;

    /// Runs the body until the JIT has moved its hot code to tier 1 (30 calls; a kernel's first
    /// calls can be 10× slower) and at least 1 s has passed (capped at 5 s), then sizes a sample.
    public void WarmUp()
    {
        var sw = Stopwatch.StartNew();
        for (int n = 0; (n < 30 || sw.Elapsed.TotalSeconds < 1) && sw.Elapsed.TotalSeconds < 5; n++) body();
        for (int k = 1; ; k *= 2)   // calls per sample, from a warm estimate of one call
        {
            var s = Time(k);
            if (s >= 0.05 || k >= 1 << 20) { calls = Math.Max(1, (int)Math.Round(k * SampleSeconds / s)); return; }
        }
    }

    // No GC.Collect() between samples: an induced full GC hands memory back to the OS and the
    // next sample then pays page faults a steady loop never sees. Collections are triggered by
    // allocation, and only Hybrid allocates much managed memory, so its garbage is collected
    // on its own clock anyway.
    public Sample Take()
    {
        var others = new OtherLoad();
        var seconds = Time(calls) / calls / perCall;
        return new(seconds, others.Cores());
    }

    double Time(int k)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < k; i++) body();
        return sw.Elapsed.TotalSeconds;
    }
}
