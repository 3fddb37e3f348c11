// The workloads, each written once for Hybrid and once for TorchSharp. The TorchSharp side is
// exactly shared/tools/torch-oracle/Program.cs's; the Hybrid side does the same work.
// A factory builds the inputs (not timed) and returns the body that one timed call runs.
using Hybrid;
using static TorchSharp.torch;
using H = Hybrid.Torch;
using HN = Hybrid.NN;
using HO = Hybrid.Optim;
using TN = TorchSharp.torch.nn;

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

        Sgemm(256), Sgemm(512), Sgemm(1024), Sgemm(2048),

        // The GEMMs of an MLP train step's first layer (batch × 784 · 784 × 256), plain
        // row-major operands. Not in torch-oracle; both sides written like sgemmN.
        Gemm(64, 784, 256), Gemm(256, 784, 256),

        // One train step of a 784-256-128-10 MLP: cross-entropy, SGD lr 0.01 momentum 0.9.
        Mlp(64), Mlp(256),

        // One train step of torch-oracle's LeNet-5 (a Sequential, the same on both sides) on
        // 64 random 1×28×28 images: cross-entropy, Adam lr 1e-3.
        new("lenet64", "call", 1, 0,
            () =>
            {
                var model = new HN.Sequential(
                    new HN.Conv2d(1, 6, 5, padding: 2), new HN.ReLU(), new HN.MaxPool2d(2),
                    new HN.Conv2d(6, 16, 5), new HN.ReLU(), new HN.MaxPool2d(2), new HN.Flatten(),
                    new HN.Linear(400, 120), new HN.ReLU(), new HN.Linear(120, 84), new HN.ReLU(), new HN.Linear(84, 10));
                return HybridStep(model, new HO.Adam(model.Parameters(), 1e-3), H.Randn(64, 1, 28, 28), H.RandInt(0, 10, [64]));
            },
            () =>
            {
                var model = TN.Sequential(
                    TN.Conv2d(1, 6, 5, padding: 2), TN.ReLU(), TN.MaxPool2d(2),
                    TN.Conv2d(6, 16, 5), TN.ReLU(), TN.MaxPool2d(2), TN.Flatten(),
                    TN.Linear(400, 120), TN.ReLU(), TN.Linear(120, 84), TN.ReLU(), TN.Linear(84, 10));
                return TorchStep(model, optim.Adam(model.parameters(), 1e-3), randn(64, 1, 28, 28), randint(0, 10, 64, dtype: ScalarType.Int64));
            }),

        // Conv2d(64, 64, 3, padding 1) forward on 32 × 64 × 32 × 32 (parameters require grad,
        // so the graph is recorded, as in torch-oracle).
        new("conv64", "call", 1, 2.0 * 32 * 64 * 64 * 9 * 32 * 32,
            () => { var conv = new HN.Conv2d(64, 64, 3, padding: 1); var x = H.Randn(32, 64, 32, 32); return () => conv.Forward(x); },
            () =>
            {
                var conv = TN.Conv2d(64, 64, 3, padding: 1); var x = randn(32, 64, 32, 32);
                return () => { using var d = NewDisposeScope(); conv.forward(x); };
            }),
    ];

    /// One train step with cross-entropy: zero the grads, forward, backward, step.
    static Action HybridStep(HN.Module model, HO.Optimizer optimizer, Hybrid.Tensor x, Hybrid.Tensor y)
    {
        var lossf = new HN.CrossEntropyLoss();
        return () =>
        {
            optimizer.ZeroGrad();
            lossf.Forward(model.Forward(x), y).Backward();
            optimizer.Step();
        };
    }

    /// The same step in TorchSharp, freeing its temporaries at the end of each call.
    static Action TorchStep(TN.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> model, optim.Optimizer optimizer, TorchSharp.torch.Tensor x, TorchSharp.torch.Tensor y)
    {
        var lossf = TN.CrossEntropyLoss();
        return () =>
        {
            using var d = NewDisposeScope();
            optimizer.zero_grad();
            lossf.forward(model.forward(x), y).backward();
            optimizer.step();
        };
    }

    static Workload Sgemm(int n) => new($"sgemm{n}", "call", 1, 2.0 * n * n * n,
        () => { var a = H.Randn(n, n); var b = H.Randn(n, n); return () => a.MatMul(b); },
        () => { var a = randn(n, n); var b = randn(n, n); return () => { using var c = a.matmul(b); }; });

    /// (m × k) · (k × n), both contiguous.
    static Workload Gemm(int m, int k, int n) => new($"gemm{m}x{k}x{n}", "call", 1, 2.0 * m * k * n,
        () => { var a = H.Randn(m, k); var b = H.Randn(k, n); return () => a.MatMul(b); },
        () => { var a = randn(m, k); var b = randn(k, n); return () => { using var c = a.matmul(b); }; });

    static Workload Mlp(int bs) => new($"mlp{bs}", "call", 1, 0,
        () =>
        {
            var model = new HN.Sequential(new HN.Linear(784, 256), new HN.ReLU(), new HN.Linear(256, 128), new HN.ReLU(), new HN.Linear(128, 10));
            return HybridStep(model, new HO.SGD(model.Parameters(), 0.01, momentum: 0.9), H.Randn(bs, 784), H.RandInt(0, 10, [bs]));
        },
        () =>
        {
            var model = TN.Sequential(TN.Linear(784, 256), TN.ReLU(), TN.Linear(256, 128), TN.ReLU(), TN.Linear(128, 10));
            return TorchStep(model, optim.SGD(model.parameters(), 0.01, momentum: 0.9), randn(bs, 784), randint(0, 10, bs, dtype: ScalarType.Int64));
        });
}
