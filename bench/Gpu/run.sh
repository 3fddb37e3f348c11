#!/usr/bin/env bash
# The GPU benchmark of issue 6, run on the GPU machine from the repository root:
#   bash bench/Gpu/run.sh [OUT_DIR]
# It alternates Hybrid (the self-contained build in .gpu/bench-gpu, made by
#   dotnet publish bench/Gpu -c Release -r linux-x64 --self-contained -p:PublishSingleFile=true \
#     -p:EnableCompressionInSingleFile=true -o .gpu/bench-gpu
# on the development machine) and PyTorch for three rounds, then writes OUT_DIR/gpu.md.
set -euo pipefail
out="${1:-${OUT:-bench/results}}"
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$out/machine.txt" || true
python3 -c "import torch; print('PyTorch', torch.__version__, 'CUDA', torch.version.cuda)" >> "$out/machine.txt"
for round in 1 2 3; do
  .gpu/bench-gpu/Hybrid.Bench.Gpu --device cuda --out "$out/hybrid-$round.json"
  python3 bench/Gpu/torch_gpu.py --out "$out/torch-$round.json"
done
python3 bench/Gpu/table.py "$out" | tee "$out/gpu.md"
