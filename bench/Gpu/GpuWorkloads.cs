using Hybrid.NN;
using Hybrid.Optim;

namespace Hybrid.Bench.Gpu;

/// <summary>A workload: builds its inputs on the device (not timed) and returns the timed body.</summary>
sealed record GpuWorkload(string Name, Func<Action> Setup, Func<double, string> Describe);

/// <summary>The workloads of issue 6, identical to torch_gpu.py's.</summary>
static class GpuWorkloads
{
    /// <summary>One train step with cross-entropy: zero the grads, forward, backward, step.</summary>
    static Action TrainStep(Module model, Optimizer optimizer, Tensor x, Tensor y)
    {
        var loss = new CrossEntropyLoss();
        return () =>
        {
            optimizer.ZeroGrad();
            loss.Forward(model.Forward(x), y).Backward();
            optimizer.Step();
        };
    }

    public static IEnumerable<GpuWorkload> All(Device device, bool small)
    {
        Tensor Randn(params int[] shape) => Torch.Randn(shape).To(device);
        int S(int full, int tiny) => small ? tiny : full;

        foreach (var n in new[] { S(4096, 64), S(8192, 96) })
        {
            var flops = 2.0 * n * n * n;
            yield return new($"sgemm{n}", () =>
            {
                var a = Randn(n, n);
                var b = Randn(n, n);
                return () => a.MatMul(b);
            }, s => $"{flops / s / 1e12:F2} TFLOP/s");
        }

        var batch = S(256, 16);
        yield return new("mlp256", () =>
        {
            var model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
            model.To(device);
            return TrainStep(model, new SGD(model.Parameters(), 0.01, momentum: 0.9), Randn(batch, 784), Torch.RandInt(0, 10, [batch]).To(device));
        }, _ => "");

        yield return new("lenet256", () =>
        {
            var model = new Sequential(
                new Conv2d(1, 6, 5, padding: 2), new ReLU(), new MaxPool2d(2),
                new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2), new Flatten(),
                new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10));
            model.To(device);
            return TrainStep(model, new Adam(model.Parameters(), 1e-3), Randn(batch, 1, 28, 28), Torch.RandInt(0, 10, [batch]).To(device));
        }, _ => "");

        var count = S(100_000_000, 10_000);
        yield return new("add100m", () =>
        {
            var a = Randn(count);
            var b = Randn(count);
            return () => _ = a + b;
        }, s => $"{3.0 * 4 * count / s / 1e9:F0} GB/s");

        var rows = S(8192, 64);
        yield return new("softmax8192", () =>
        {
            var a = Randn(rows, rows);
            return () => a.Softmax(1);
        }, s => $"{2.0 * 4 * rows * rows / s / 1e9:F0} GB/s");
    }
}
