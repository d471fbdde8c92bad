#!/usr/bin/env bash
# On a GPU machine: the measurements of our own that docs/accuracy.md holds beside the
# published ones. `payback calibrate` times models and contexts that no factor of the
# estimators was set from (the lean engine's was set from the bundled llama-3.1-8b
# calibration): decode steps replayed as CUDA graphs, as serving engines run them, and a
# training step (LoRA, full, and LoRA without activation checkpointing). Run from the
# repository root; TOML and logs go to ${OUT:-./accuracy-out}. Copy the TOML files to
# benchmarks/measured/ with a header saying when and how, then run
# `python benchmarks/accuracy.py --write`. About 3 minutes on an H200.
# Dependencies: benchmarks/gpu_env.sh.
set -uo pipefail
out="${OUT:-./accuracy-out}"
mkdir -p "$out"
source "$(dirname "$0")/gpu_env.sh"
seconds="${SECONDS_PER_MODEL:-75}"
# model:method:context[:flag]
default="qwen2.5-7b:lora:1024 qwen2.5-14b:lora:4096 qwen3-8b:lora:2048 qwen2.5-1.5b:lora:1024
qwen2.5-1.5b:full:1024 qwen2.5-7b:lora:1024:--no-checkpointing"
device="$(python3 -c 'import torch; print(torch.cuda.get_device_name().split()[1].lower())' 2>/dev/null || echo gpu)"
for run in ${RUNS:-$default}; do
    IFS=: read -r model method context flag <<<"$run"
    name="$device-$model-$method-$context${flag:+-nockpt}"
    echo "== payback calibrate --model $model --method $method --context $context $flag"
    start=$(date +%s)
    python3 -m payback calibrate --model "$model" --method "$method" --context "$context" $flag \
        --seconds "$seconds" -o "$out/$name.toml" --force 2>&1 | tee "$out/$name.log"
    echo "   took $(( $(date +%s) - start )) s"
done
