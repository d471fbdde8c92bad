#!/usr/bin/env bash
# On a GPU machine: `payback calibrate` for a small and a mid-size model (LoRA), each
# checked against the estimate, then the calibrated estimates. Run from the repository
# root; results (TOML and logs) go to ${OUT:-./calibration-out}.
# Dependencies: benchmarks/gpu_env.sh.
set -uo pipefail
out="${OUT:-./calibration-out}"
mkdir -p "$out"
source "$(dirname "$0")/gpu_env.sh"
seconds="${SECONDS_PER_MODEL:-90}"
for run in qwen2.5-0.5b:lora llama-3.1-8b:lora qwen2.5-0.5b:full; do
    model="${run%%:*}" method="${run##*:}"
    echo "== payback calibrate --model $model --method $method"
    start=$(date +%s)
    python3 -m payback calibrate --model "$model" --method "$method" --seconds "$seconds" \
        -o "$out/$model-$method.toml" --force 2>&1 | tee "$out/$model-$method.log"
    echo "   took $(( $(date +%s) - start )) s"
done
gpu=$(python3 -c "import tomllib,sys; print(tomllib.load(open(sys.argv[1],'rb'))['calibration'].get('gpu','h100-sxm'))" "$out/qwen2.5-0.5b-lora.toml" 2>/dev/null || echo h100-sxm)
for model in qwen2.5-0.5b llama-3.1-8b; do
    for cal in "" "--calibration $out/$model-lora.toml"; do
        echo "== payback estimate serving --model $model --gpu $gpu $cal"
        python3 -m payback estimate serving --model "$model" --gpu "$gpu" $cal 2>&1 | tee -a "$out/estimates.log"
    done
done
for cal in "" "--calibration $out/llama-3.1-8b-lora.toml"; do
    echo "== payback estimate training --model llama-3.1-8b --gpu $gpu --tokens 3e7 $cal"
    python3 -m payback estimate training --model llama-3.1-8b --gpu "$gpu" --tokens 3e7 $cal 2>&1 | tee -a "$out/estimates.log"
done
