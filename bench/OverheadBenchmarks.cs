// `micro [BenchmarkDotNet args]`: BenchmarkDotNet's careful view of the per-op overhead
// (one tiny op with and without graph recording, and the smallops loop per op) on both
// libraries. In-process toolchain: BenchmarkDotNet's usual child build would not go through
// Paket, and TorchSharp's native fix-up (TorchNative) must be in this process anyway.
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Hybrid;
using static TorchSharp.torch;
using H = Hybrid.Torch;

[MemoryDiagnoser]
public class OverheadBenchmarks
{
    Hybrid.Tensor hx = null!, hg = null!;
    TorchSharp.torch.Tensor tx = null!, tg = null!;

    [GlobalSetup]
    public void Setup()
    {
        hx = H.Tensor(new[] { 1f, 2f, 3f, 4f });
        hg = H.Tensor(new[] { 1f, 2f, 3f, 4f }, requiresGrad: true);
        if (!TorchNative.Prepare()) throw new InvalidOperationException("TorchSharp unavailable");
        set_num_threads(Environment.ProcessorCount);
        tx = tensor(new float[] { 1, 2, 3, 4 });
        tg = tensor(new float[] { 1, 2, 3, 4 }, requires_grad: true);
    }

    [Benchmark(Description = "Hybrid: x * c (4 elems, no grad)")]
    public object HybridMul() => hx * 1.0001f;

    [Benchmark(Description = "Hybrid: x * c (4 elems, records graph)")]
    public object HybridMulGrad() => hg * 1.0001f;

    [Benchmark(Description = "Hybrid: smallops, per op", OperationsPerInvoke = 200)]
    public void HybridSmallOps()
    {
        var y = hg;
        for (int i = 0; i < 100; i++) y = y * 1.0001f + 0.0001f;
        y.Sum().Backward();
        hg.Grad!.Zero_();
    }

    [Benchmark(Description = "TorchSharp: x * c (4 elems, no grad)")]
    public void TorchMul() { using var r = tx * 1.0001f; }

    [Benchmark(Description = "TorchSharp: x * c (4 elems, records graph)")]
    public void TorchMulGrad() { using var r = tg * 1.0001f; }

    [Benchmark(Description = "TorchSharp: smallops, per op", OperationsPerInvoke = 200)]
    public void TorchSmallOps()
    {
        using var d = NewDisposeScope();
        var y = tg;
        for (int i = 0; i < 100; i++) y = y * 1.0001f + 0.0001f;
        y.sum().backward();
        tg.grad!.zero_();
    }

    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
        // With no filter the switcher would ask interactively; default to everything.
        BenchmarkSwitcher.FromTypes([typeof(OverheadBenchmarks)]).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return 0;
    }
}
