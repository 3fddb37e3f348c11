"""Reads the rounds of run.sh (hybrid-N.json, torch-N.json) and writes the table of medians and
ratios (Hybrid time / PyTorch time) with each workload's goal from issue 6."""
import glob, json, statistics, sys

out_dir = sys.argv[1]
# Goals as time ratios: GEMM ≥ 0.5× cuBLAS throughput (time ≤ 2×), train steps ≤ 1.5× PyTorch's
# eager time, elementwise ≥ 0.8× PyTorch's bandwidth (time ≤ 1.25×); softmax has no goal.
goals = {"sgemm4096": 2.0, "sgemm8192": 2.0, "mlp256": 1.5, "lenet256": 1.5, "add100m": 1.25}


def rounds(prefix):
    return [json.load(open(f)) for f in sorted(glob.glob(f"{out_dir}/{prefix}-*.json"))]


hybrid, torch = rounds("hybrid"), rounds("torch")
print(f"{len(hybrid)} rounds, alternating Hybrid and PyTorch\n")
print("| workload | Hybrid (ms) | PyTorch (ms) | ratio | goal | met |")
print("|---|---:|---:|---:|---:|:---:|")
for name in hybrid[0]:
    h = statistics.median(r[name] for r in hybrid)
    t = statistics.median(r[name] for r in torch if name in r)
    ratio = h / t
    goal = goals.get(name)
    met = "" if goal is None else ("yes" if ratio <= goal else "no")
    print(f"| {name} | {h * 1e3:.3f} | {t * 1e3:.3f} | {ratio:.2f} | {'' if goal is None else f'≤ {goal}'} | {met} |")
