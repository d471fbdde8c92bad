"""``estimate serving``, ``estimate training`` and ``analyze`` say in one line when an
estimate falls in a regime docs/accuracy.md measured it optimistic in (the figures are
:mod:`payback.hardware.cautions`'; tests/hardware/test_cautions.py holds them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from helpers import LORA_ON_ONE_GPU, caution_scenario, run

KV_BOUND = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm",
            "--precision", "fp8", "--engine", "trtllm", "--input-tokens", "1000",
            "--output-tokens", "1000")  # fmt: skip
SMALL_LORA = ("estimate", "training", "--model", "qwen2.5-0.5b", "--gpu", "h200",
              "--tokens", "1e7")  # fmt: skip


def _json(*args: str) -> dict[str, Any]:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_serving_in_a_regime_says_so_in_text_and_json() -> None:
    """Llama-3.1-8B at FP8 on TensorRT-LLM, 1,000/1,000 on an H100: the estimate's 20,977
    output tokens/s is 1.38x the 15,220 published (H1); it said nothing of it."""
    data = _json(*KV_BOUND)
    assert round(data["output_tokens_per_s"]) == 20977  # the estimate itself unchanged
    assert len(data["cautions"]) == 1
    assert data["cautions"][0].startswith("KV-bound at 675 sequences with FP8 on trtllm: ")
    code, out, _ = run(*KV_BOUND)
    assert code == 0
    text = " ".join(out.split())
    assert "Caution: KV-bound at 675 sequences with FP8 on trtllm: 27.9 ms of cache reads" in text
    assert "(docs/accuracy.md S1 1.41x, S22 1.20x, H1 1.38x)" in text


def test_serving_outside_every_regime_has_no_caution() -> None:
    data = _json(*KV_BOUND[:-4], "--input-tokens", "128", "--output-tokens", "4096")
    assert data["cautions"] == []
    code, out, _ = run(*KV_BOUND[:-4], "--input-tokens", "128", "--output-tokens", "4096")
    assert code == 0
    assert "Caution" not in out


def test_training_in_a_regime_says_so_in_text_and_json() -> None:
    """Qwen2.5-0.5B LoRA on an H200, standard stack: 83,782 tokens/s, where the own H200 run
    measured 25,387 (O8, 3.30x)."""
    data = _json(*SMALL_LORA)
    assert round(data["tokens_per_s_per_gpu"]) == 83782
    assert [c.split(":")[0] for c in data["cautions"]] == ["host-bound"]
    code, out, _ = run(*SMALL_LORA)
    text = " ".join(out.split())
    assert code == 0
    assert (
        "Caution: host-bound: the standard stack's 11.9 µs a token is less than the 31.2 µs" in text
    )
    fp8 = _json("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "h200", "--tokens",
                "1e7", "--precision", "fp8")  # fmt: skip
    assert [c.split(":")[0] for c in fp8["cautions"]] == ["FP8 on the standard stack"]
    assert "(7,593 -> 15,194 tokens/s a GPU)" in fp8["cautions"][0]


def test_training_outside_every_regime_has_no_caution() -> None:
    assert _json(*SMALL_LORA, "--stack", "unsloth")["cautions"] == []
    eight = ("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "h200", "--tokens", "1e7")
    assert _json(*eight)["cautions"] == []


def test_analyze_warns_of_both_regimes(tmp_path: Path) -> None:
    path = caution_scenario(tmp_path, "trtllm", 1_000_000, alternative=LORA_ON_ONE_GPU)
    code, out, err = run("analyze", str(path), "--json")
    assert code == 0, err
    warnings = json.loads(out)["warnings"]
    assert [w.split(":")[0] for w in warnings if "docs/accuracy.md" in w] == [
        "alternatives.0",
        "alternatives.0.one_time.training",
    ]
    assert any(w.startswith("alternatives.0: KV-bound at 675 sequences") for w in warnings)
    path = caution_scenario(tmp_path, "vllm", 1_000_000, alternative=LORA_ON_ONE_GPU)
    code, out, err = run("analyze", str(path), "--json")
    assert code == 0, err
    assert not any(w.startswith("alternatives.0: ") for w in json.loads(out)["warnings"])
