"""PyTorch's side of the GPU benchmark (issue 6): the workloads of GpuWorkloads.cs, timed as
Hybrid.Bench.Gpu times them (3 warm-up calls, then calls each followed by a synchronize, median
seconds). TF32 is off, so GEMMs and convolutions do full float32 arithmetic as Hybrid does.
Usage: python3 torch_gpu.py [--out FILE] [--small]"""
import argparse, json, statistics, time
import torch
import torch.nn as nn

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False


def median_seconds(body, min_calls, budget):
    for _ in range(3):
        body()
    torch.cuda.synchronize()
    samples, start = [], time.perf_counter()
    while len(samples) < min_calls or (time.perf_counter() - start < budget and len(samples) < 1000):
        t = time.perf_counter()
        body()
        torch.cuda.synchronize()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def workloads(small):
    dev = "cuda"
    s = (lambda full, tiny: tiny) if small else (lambda full, tiny: full)
    for n in (s(4096, 64), s(8192, 96)):
        def sgemm(n=n):
            a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)
            return lambda: a @ b
        yield f"sgemm{n}", sgemm
    batch = s(256, 16)

    def train(model, opt, x, y):
        loss = nn.CrossEntropyLoss()
        def step():
            opt.zero_grad()
            loss(model(x), y).backward()
            opt.step()
        return step

    def mlp():
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)).to(dev)
        return train(model, torch.optim.SGD(model.parameters(), 0.01, momentum=0.9),
                     torch.randn(batch, 784, device=dev), torch.randint(0, 10, (batch,), device=dev))
    yield "mlp256", mlp

    def lenet():
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)).to(dev)
        return train(model, torch.optim.Adam(model.parameters(), 1e-3),
                     torch.randn(batch, 1, 28, 28, device=dev), torch.randint(0, 10, (batch,), device=dev))
    yield "lenet256", lenet

    count = s(100_000_000, 10_000)
    def add():
        a, b = torch.randn(count, device=dev), torch.randn(count, device=dev)
        return lambda: a + b
    yield "add100m", add

    rows = s(8192, 64)
    def softmax():
        a = torch.randn(rows, rows, device=dev)
        return lambda: a.softmax(1)
    yield "softmax8192", softmax


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out")
    p.add_argument("--small", action="store_true")
    args = p.parse_args()
    results = {}
    for name, setup in workloads(args.small):
        results[name] = median_seconds(setup(), 2 if args.small else 10, 0.5 if args.small else 3)
        print(f"{name:<14} {results[name] * 1e3:10.3f} ms/call")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f)


if __name__ == "__main__":
    main()
