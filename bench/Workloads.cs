// The workloads, each written once for Hybrid and once for TorchSharp. The TorchSharp side is
// exactly shared/tools/torch-oracle/Program.cs's; the Hybrid side does the same work.
// A factory builds the inputs (not timed) and returns the body that one timed call runs.
using Hybrid;
using static TorchSharp.torch;
using H = Hybrid.Torch;

/// PerCall: how many units one call of the body counts for (smallops reports time per op).
/// Flops: floating-point operations per call, for a GFLOP/s note (0 when not meaningful).
sealed record Workload(string Name, string Unit, int PerCall, double Flops, Func<Action> OnHybrid, Func<Action> OnTorch);

static class Workloads
{
    public static readonly Workload[] All =
    [
        // 100 tiny differentiable ops on 4 elements, then backward: the per-op overhead of the
        // whole autograd path (op dispatch, graph recording, backward). 200 ops per call.
        new("smallops", "op", 200, 0,
            () =>
            {
                var x = H.Tensor(new[] { 1f, 2f, 3f, 4f }, requiresGrad: true);
                return () =>
                {
                    var y = x;
                    for (int i = 0; i < 100; i++) y = y * 1.0001f + 0.0001f;
                    y.Sum().Backward();
                    x.Grad!.Zero_();
                };
            },
            () =>
            {
                var x = tensor(new float[] { 1, 2, 3, 4 }, requires_grad: true);
                return () =>
                {
                    using var d = NewDisposeScope();
                    var y = x;
                    for (int i = 0; i < 100; i++) y = y * 1.0001f + 0.0001f;
                    y.sum().backward();
                    x.grad!.zero_();
                };
            }),

        // Memory-bound elementwise and reduction passes (~40 GB/s of DRAM on this machine).
        new("add10m", "call", 1, 0,
            () => { var a = H.Randn(10_000_000); var b = H.Randn(10_000_000); return () => { _ = a + b; }; },
            () => { var a = randn(10_000_000); var b = randn(10_000_000); return () => { using var c = a + b; }; }),
        new("sum10m", "call", 1, 0,
            () => { var a = H.Randn(10_000_000); return () => a.Sum(); },
            () => { var a = randn(10_000_000); return () => { using var c = a.sum(); }; }),
        new("softmax", "call", 1, 0,
            () => { var a = H.Randn(4096, 1024); return () => a.Softmax(1); },
            () => { var a = randn(4096, 1024); return () => { using var c = a.softmax(1); }; }),

        Sgemm(256), Sgemm(512), Sgemm(1024),
    ];

    static Workload Sgemm(int n) => new($"sgemm{n}", "call", 1, 2.0 * n * n * n,
        () => { var a = H.Randn(n, n); var b = H.Randn(n, n); return () => a.MatMul(b); },
        () => { var a = randn(n, n); var b = randn(n, n); return () => { using var c = a.matmul(b); }; });
}
