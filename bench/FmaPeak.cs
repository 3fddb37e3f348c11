// `fma-peak`: this machine's FMA ceiling, the yardstick for GEMM efficiency (PERF.md): 12
// independent accumulator chains, enough to cover FMA latency × pipes (4 cycles × 2 on Zen 5),
// on 1 and 2 threads, for Vector512 and Vector256. Best of 5 runs of ~0.5 s. `compare` also samples
// the 2-thread figure beside each workload that counts FLOPs (Beside), since the clock moves.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

static class FmaPeak
{
    const int Chains = 12;

    public static int Run(string[] args)
    {
        Console.WriteLine($"Vector512 hardware-accelerated: {Vector512.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated}; {Environment.ProcessorCount} cores");
        Console.WriteLine("| kernel | 1 thread GFLOP/s | 2 threads GFLOP/s |");
        Console.WriteLine("| --- | ---: | ---: |");
        if (Vector512.IsHardwareAccelerated) Row("Vector512 FMA ×12 chains", Fma512, 16);
        Row("Vector256 FMA ×12 chains", Fma256, 8);
        return 0;
    }

    static void Row(string name, Func<long, float, float> kernel, int lanes) =>
        Console.WriteLine($"| {name} | {Best(kernel, lanes, 1):F1} | {Best(kernel, lanes, 2):F1} |");

    /// GFLOP/s of `threads` threads each running the kernel; best of 5 (peak, not typical).
    static double Best(Func<long, float, float> kernel, int lanes, int threads)
    {
        var n = Steps(kernel, 0.1) * 5;
        double best = 0;
        for (int rep = 0; rep < 5; rep++)
            best = Math.Max(best, threads * n * Chains * lanes * 2.0 / OnThreads(kernel, n, threads) / 1e9);
        return best;
    }

    /// The 2-thread Vector512 ceiling as a `compare` body: one call keeps 2 threads on the FMA
    /// loop for ~50 ms (so starting the threads costs well under 1 %); Flops counts both. Null
    /// where Vector512 is not accelerated.
    public static (Action Body, double Flops)? Beside()
    {
        if (!Vector512.IsHardwareAccelerated) return null;
        var n = Steps(Fma512, 0.05);
        return (() => OnThreads(Fma512, n, 2), 2.0 * n * Chains * 16 * 2);
    }

    /// Loop steps that take the kernel about `seconds` on one thread (the first runs also warm the JIT).
    static long Steps(Func<long, float, float> kernel, double seconds)
    {
        for (long n = 1_000_000; ; n *= 2)
        {
            var sw = Stopwatch.StartNew();
            kernel(n, 0.5f);
            var s = sw.Elapsed.TotalSeconds;
            if (s >= seconds / 2) return (long)(n * seconds / s);
        }
    }

    /// Seconds from a common start until all `threads` threads have run the kernel n steps.
    static double OnThreads(Func<long, float, float> kernel, long n, int threads)
    {
        using var start = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads)
            .Select(_ => new Thread(() => { start.SignalAndWait(); kernel(n, 0.5f); })).ToList();
        workers.ForEach(w => w.Start());
        start.SignalAndWait();
        var sw = Stopwatch.StartNew();
        workers.ForEach(w => w.Join());
        return sw.Elapsed.TotalSeconds;
    }

    // Not inlined, and the result is returned, so the JIT cannot drop the loop.
    // c = c·a + b converges to b / (1 − a): values stay finite and normal however long it runs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    static float Fma512(long n, float a0)
    {
        var a = Vector512.Create(a0); var b = Vector512.Create(1f - a0);
        Vector512<float> c0 = Vector512.Create(0f), c1 = Vector512.Create(1f), c2 = Vector512.Create(2f), c3 = Vector512.Create(3f),
                         c4 = Vector512.Create(4f), c5 = Vector512.Create(5f), c6 = Vector512.Create(6f), c7 = Vector512.Create(7f),
                         c8 = Vector512.Create(8f), c9 = Vector512.Create(9f), c10 = Vector512.Create(10f), c11 = Vector512.Create(11f);
        for (long i = 0; i < n; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b); c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b); c9 = Vector512.FusedMultiplyAdd(c9, a, b);
            c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static float Fma256(long n, float a0)
    {
        var a = Vector256.Create(a0); var b = Vector256.Create(1f - a0);
        Vector256<float> c0 = Vector256.Create(0f), c1 = Vector256.Create(1f), c2 = Vector256.Create(2f), c3 = Vector256.Create(3f),
                         c4 = Vector256.Create(4f), c5 = Vector256.Create(5f), c6 = Vector256.Create(6f), c7 = Vector256.Create(7f),
                         c8 = Vector256.Create(8f), c9 = Vector256.Create(9f), c10 = Vector256.Create(10f), c11 = Vector256.Create(11f);
        for (long i = 0; i < n; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b); c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b); c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b); c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b); c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b); c9 = Vector256.FusedMultiplyAdd(c9, a, b);
            c10 = Vector256.FusedMultiplyAdd(c10, a, b); c11 = Vector256.FusedMultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
