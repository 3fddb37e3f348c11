using System.Collections.Concurrent;
using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace Hybrid.Gpu;

/// <summary>
/// Kernels compiled for one accelerator, each once: ILGPU translates a kernel method (one
/// instantiation per element type and numeric struct) on first use, and later calls reuse it.
/// <c>Launch(kernel, n, ...)</c> runs a one-dimensional kernel over n elements (see
/// <see cref="Elements"/>) on the accelerator's stream, asynchronously, and skips empty
/// launches; <c>LaunchGrouped</c> runs an explicitly grouped one. Launches from several threads
/// are serialized: the stream is one queue anyway, and ILGPU's loaders and its CPU accelerator
/// are not meant to be entered concurrently. On the simulated device each kernel is also
/// compiled to PTX the first time (<see cref="PtxCheck"/>).
/// </summary>
internal sealed class KernelCache(Accelerator accelerator, bool checkPtx)
{
    readonly ConcurrentDictionary<MethodInfo, Delegate> compiled = new();
    readonly object gate = new();

    /// <summary>Most threads a one-dimensional launch starts: four times what the device runs at once.</summary>
    readonly int maxThreads = 4 * accelerator.NumMultiprocessors * accelerator.MaxNumThreadsPerMultiprocessor;

    /// <summary>Grid-stride loops count in int: i + stride must not overflow.</summary>
    void CheckCount(int n)
    {
        if (n > int.MaxValue - maxThreads)
            throw new NotSupportedException($"the GPU backend's kernels handle up to {int.MaxValue - maxThreads} elements per tensor, got {n}");
    }

    TDelegate Get<TDelegate>(Delegate kernel, bool explicitlyGrouped, Func<TDelegate> compile) where TDelegate : Delegate =>
        (TDelegate)compiled.GetOrAdd(kernel.Method, method =>
        {
            if (checkPtx) PtxCheck.Compile(method, explicitlyGrouped);
            return compile();
        });

    public void Launch<T1>(Action<Index1D, Elements, T1> kernel, int n, T1 a1) where T1 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1);
    }

    public void LaunchGrouped<T1>(Action<T1> kernel, KernelConfig config, T1 a1) where T1 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1);
    }

    public void Launch<T1, T2>(Action<Index1D, Elements, T1, T2> kernel, int n, T1 a1, T2 a2) where T1 : struct where T2 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1, a2);
    }

    public void LaunchGrouped<T1, T2>(Action<T1, T2> kernel, KernelConfig config, T1 a1, T2 a2) where T1 : struct where T2 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1, a2);
    }

    public void Launch<T1, T2, T3>(Action<Index1D, Elements, T1, T2, T3> kernel, int n, T1 a1, T2 a2, T3 a3) where T1 : struct where T2 : struct where T3 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1, a2, a3);
    }

    public void LaunchGrouped<T1, T2, T3>(Action<T1, T2, T3> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3) where T1 : struct where T2 : struct where T3 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3);
    }

    public void Launch<T1, T2, T3, T4>(Action<Index1D, Elements, T1, T2, T3, T4> kernel, int n, T1 a1, T2 a2, T3 a3, T4 a4) where T1 : struct where T2 : struct where T3 : struct where T4 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1, a2, a3, a4);
    }

    public void LaunchGrouped<T1, T2, T3, T4>(Action<T1, T2, T3, T4> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4) where T1 : struct where T2 : struct where T3 : struct where T4 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4);
    }

    public void Launch<T1, T2, T3, T4, T5>(Action<Index1D, Elements, T1, T2, T3, T4, T5> kernel, int n, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1, a2, a3, a4, a5);
    }

    public void LaunchGrouped<T1, T2, T3, T4, T5>(Action<T1, T2, T3, T4, T5> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5);
    }

    public void Launch<T1, T2, T3, T4, T5, T6>(Action<Index1D, Elements, T1, T2, T3, T4, T5, T6> kernel, int n, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1, a2, a3, a4, a5, a6);
    }

    public void LaunchGrouped<T1, T2, T3, T4, T5, T6>(Action<T1, T2, T3, T4, T5, T6> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6);
    }

    public void Launch<T1, T2, T3, T4, T5, T6, T7>(Action<Index1D, Elements, T1, T2, T3, T4, T5, T6, T7> kernel, int n, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1, a2, a3, a4, a5, a6, a7);
    }

    public void LaunchGrouped<T1, T2, T3, T4, T5, T6, T7>(Action<T1, T2, T3, T4, T5, T6, T7> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7);
    }

    public void Launch<T1, T2, T3, T4, T5, T6, T7, T8>(Action<Index1D, Elements, T1, T2, T3, T4, T5, T6, T7, T8> kernel, int n, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1, a2, a3, a4, a5, a6, a7, a8);
    }

    public void LaunchGrouped<T1, T2, T3, T4, T5, T6, T7, T8>(Action<T1, T2, T3, T4, T5, T6, T7, T8> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7, a8);
    }

    public void Launch<T1, T2, T3, T4, T5, T6, T7, T8, T9>(Action<Index1D, Elements, T1, T2, T3, T4, T5, T6, T7, T8, T9> kernel, int n, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1, a2, a3, a4, a5, a6, a7, a8, a9);
    }

    public void LaunchGrouped<T1, T2, T3, T4, T5, T6, T7, T8, T9>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7, a8, a9);
    }

    public void Launch<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>(Action<Index1D, Elements, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> kernel, int n, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
    }

    public void LaunchGrouped<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
    }

    public void Launch<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11>(Action<Index1D, Elements, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> kernel, int n, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct
    {
        if (n == 0) return;
        CheckCount(n);
        var threads = Math.Min(n, maxThreads);
        lock (gate) Get(kernel, false, () => accelerator.LoadAutoGroupedStreamKernel(kernel))(threads, new Elements(n, threads), a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    }

    public void LaunchGrouped<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11>(Action<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11) where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct where T9 : struct where T10 : struct where T11 : struct
    {
        if (config.GridDim.Size == 0) return;
        lock (gate) Get(kernel, true, () => accelerator.LoadStreamKernel(kernel))(config, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    }

}
