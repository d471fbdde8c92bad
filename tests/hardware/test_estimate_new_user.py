"""What ``payback estimate serving|training`` got wrong, tried as a new user would: QLoRA
at FP8, a calibration from a model of another size, a given batch that misses the latency
target, advice that named the method already tried or a count beyond one node, and the
efficiency factors the serving estimate used, never stated."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import assert_user_error, edited, fleet_dict, run
from payback import PaybackError, estimate_training
from payback.analysis.resolve import resolve
from payback.catalog import default_catalog
from payback.hardware import serving as sv
from payback.measure.apply import check_use
from payback.measure.calibration import load_calibration
from payback.scenario import parse_scenario

CAT = default_catalog()
ROOT = Path(__file__).resolve().parents[2]
QWEN_CAL = ROOT / "examples" / "calibrations" / "h200-qwen2.5-0.5b-lora.toml"
LLAMA_CAL = ROOT / "examples" / "calibrations" / "h200-llama-3.1-8b-lora.toml"

# ------------------------------------------------------------------ 1. QLoRA has no FP8 path


def test_qlora_at_fp8_is_refused_by_the_estimate() -> None:
    # it doubled QLoRA's rate (5,467 -> 10,940 tokens/s on an H100): the FP8 peak taken
    # for matmuls QLoRA runs in BF16
    with pytest.raises(PaybackError) as info:
        estimate_training(
            CAT.model("llama-3.1-8b"), CAT.gpu("h100-sxm"), "qlora", tokens=1e7, precision="fp8"
        )
    assert info.value.param == "precision"
    assert "precision fp8: bf16 with method 'qlora'" in str(info.value)
    # BF16 QLoRA and FP8 LoRA still run
    bf16 = estimate_training(CAT.model("llama-3.1-8b"), CAT.gpu("h100-sxm"), "qlora", tokens=1e7)
    assert bf16.tokens_per_s == pytest.approx(5467, abs=1)


def test_qlora_at_fp8_is_refused_on_the_command_line() -> None:
    code, out, err = run(
        "estimate", "training", "--model", "llama-3.1-8b", "--gpu", "h100-sxm",
        "--method", "qlora", "--precision", "fp8", "--tokens", "1e7",
    )  # fmt: skip
    assert_user_error(code, out, err, "--precision fp8: bf16 with method 'qlora'", "no FP8 path")
    assert len(err.strip().splitlines()) == 1


def test_qlora_at_fp8_is_refused_in_a_scenario_naming_the_field() -> None:
    training = {
        "model": "llama-3.1-8b",
        "gpu": "h100-sxm",
        "method": "qlora",
        "precision": "fp8",
        "examples": 20_000,
        "tokens_per_example": 800,
        "usd_per_gpu_hour": 2.0,
    }
    data = edited(fleet_dict(), "alternatives.0.one_time.training", training)
    with pytest.raises(PaybackError) as info:
        resolve(parse_scenario(data))
    assert str(info.value).startswith(
        "alternatives.0.one_time.training.precision = 'fp8': bf16 with method 'qlora'"
    )


# ------------------------------------------------------------------ 2. another model size


def test_a_calibration_from_a_model_over_3x_smaller_is_warned_about() -> None:
    cal = load_calibration(QWEN_CAL)
    warnings = check_use(cal, model="llama-3.1-70b", gpu="h200", where="--calibration F")
    # 70.6B / 0.49B = 144×
    assert warnings == [
        "--calibration F: its factors were measured on qwen2.5-0.5b, 0.49B parameters, and are "
        "used for llama-3.1-70b, 70.6B (144× more); they may not carry over: calibrate with a "
        "model near the size you serve (README, 'A GPU at hand')"
    ]
    # the other way round: 8.03B measured, used for 0.49B, 16.4× fewer
    assert (
        "(16.4× fewer)"
        in check_use(load_calibration(LLAMA_CAL), model="qwen2.5-0.5b", gpu="h200")[0]
    )
    # within 3× either way (8.03B for qwen2.5-7b's 7.62B, or llama-3.2-3b's 3.21B): no warning
    assert check_use(load_calibration(LLAMA_CAL), model="qwen2.5-7b", gpu="h200") == []
    assert check_use(load_calibration(LLAMA_CAL), model="llama-3.2-3b", gpu="h200") == []


@pytest.mark.parametrize("command", ["serving", "training"])
def test_estimate_warns_of_a_calibration_from_another_size(command: str) -> None:
    extra = ["--tokens", "1e7"] if command == "training" else []
    code, _, err = run(
        "estimate", command, "--model", "llama-3.1-70b", "--gpu", "h200",
        "--calibration", QWEN_CAL, *extra,
    )  # fmt: skip
    assert code == 0
    lines = [line for line in err.splitlines() if "0.49B parameters" in line]
    assert len(lines) == 1
    assert lines[0].startswith("warning: --calibration ")


def test_analyze_warns_of_a_scenario_calibration_from_another_size(tmp_path: Path) -> None:
    (tmp_path / "calibrations").mkdir()
    shutil.copy(QWEN_CAL, tmp_path / "calibrations" / QWEN_CAL.name)
    text = (ROOT / "examples" / "calibrated-h200.toml").read_text()
    scenario = tmp_path / "s.toml"
    scenario.write_text(text.replace("h200-llama-3.1-8b-lora.toml", QWEN_CAL.name))
    code, _, err = run("analyze", scenario)
    assert code == 0
    warned = [line for line in err.splitlines() if "0.49B parameters" in line]
    assert any("alternatives.0.calibration" in line for line in warned)
    assert any("alternatives.0.one_time.training.calibration" in line for line in warned)


# ------------------------------------------------------------------ 3. a batch over --tpot-ms


def test_a_given_batch_that_misses_the_latency_target_is_refused() -> None:
    base = ["estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm"]
    # batch 64 alone: 16.1 ms a token; the largest batch within 8 ms is 5 (its own
    # estimate, limited by the latency target)
    code, out, _ = run(*base, "--batch", "64", "--json")
    assert code == 0
    assert round(json.loads(out)["tpot_ms"], 1) == 16.1
    code, out, _ = run(*base, "--tpot-ms", "8", "--json")
    assert json.loads(out)["batch"] == 5
    code, out, err = run(*base, "--batch", "64", "--tpot-ms", "8")
    assert_user_error(
        code,
        out,
        err,
        "--batch 64: its time per output token is 16.1 ms, over the 8 ms target; "
        "at most 5 sequences meet it",
    )
    code, out, _ = run(*base, "--batch", "5", "--tpot-ms", "8")
    assert code == 0


# ------------------------------------------------------------------ 4. advice that fits


def test_training_advice_names_only_the_methods_not_tried() -> None:
    # deepseek-v3's LoRA needs (1,342 + 107) GB / 64 + 46.0 (two gathered MoE layers in
    # BF16) + 3.7 (FSDP's root unit in BF16) + 9.8 = 82.2 GB a GPU, over an H100's
    # 0.9 × 85.5 = 77.0 usable; its QLoRA (349 + 107) GB / 16 + 11.9 (the two layers in
    # NF4) + 3.7 + 9.8 = 53.9 GB fits on 16 and 82.4 GB on 8 does not (349 GB: the weights
    # in NF4 at 4.127 bits, the embedding and lm_head, 1.85B parameters, in BF16)
    # (tests/hardware/test_lora_memory.py works out the terms)
    v3, h100 = CAT.model("deepseek-v3"), CAT.gpu("h100-sxm")
    with pytest.raises(PaybackError) as info:
        estimate_training(v3, h100, "lora", tokens=1e7)
    qlora = estimate_training(v3, h100, "qlora", tokens=1e7)
    assert qlora.gpus == 16
    assert str(info.value) == (
        "lora fine-tuning of deepseek-v3 does not fit on 64 × h100-sxm; qlora fits on 16 × "
        "h100-sxm; or use GPUs with more memory"
    )
    # an L4 (21.7 GB usable) holds neither: QLoRA's 456 GB / 64 + 11.9 + 3.7 + 9.8 = 32.5 GB
    with pytest.raises(PaybackError, match=r"deepseek-v3 does not fit on 64 × l4; use GPUs"):
        estimate_training(v3, CAT.gpu("l4"), "lora", tokens=1e7)
    # nor llama-3.1-70b's full fine-tuning, nor (by 42 MB) its LoRA: 144,513,500,160 / 64
    # + 3,422,617,600 (two layers) + 4,202,708,992 (FSDP's root unit: embedding and lm_head)
    # + 11,896,460,288 = 21,779,810,320 B, over 0.9 × 24,152,899,584 = 21,737,609,626;
    # its QLoRA fits on 16
    with pytest.raises(PaybackError) as info:
        estimate_training(CAT.model("llama-3.1-70b"), CAT.gpu("l4"), "full", tokens=1e7)
    assert str(info.value) == (
        "full fine-tuning of llama-3.1-70b does not fit on 64 × l4; qlora fits on 16 × l4; "
        "or use GPUs with more memory"
    )


def test_serving_advice_says_which_precisions_fit_one_node() -> None:
    code, out, err = run("estimate", "serving", "--model", "deepseek-v3", "--gpu", "h100-sxm")
    # 18 × h100 at bf16, 9 at fp8 and int8 (both more than 8); int4's 5 and mxfp4's 6 are
    # no split of deepseek-v3's heads (1, 2, 4, 8 GPUs): 8 of them
    assert_user_error(
        code,
        out,
        err,
        "18 × h100-sxm at bf16 (more than one node); 9 at fp8; 9 at int8; 8 at int4; 8 at mxfp4; "
        "one node of 8 holds it at int4, mxfp4 only",
    )


# ------------------------------------------------------------------ 5. the factors used


def test_the_factors_used_are_stated_for_the_gpu_and_precision() -> None:
    from payback.hardware.device import factors_text, factors_used

    l40s = CAT.gpu("l40s")
    assert factors_text(factors_used(sv.VLLM, l40s, "fp8")) == (
        "bandwidth 0.85 of peak (KV reads 0.71), prefill MFU 0.67, decode MFU 0.5, step "
        "overhead 1 ms + 30 µs a layer, 8.5 ms a request outside the steps; ada bandwidth ×0.95; "
        "tensor peak share ×0.75"
    )
    assert factors_text(factors_used(sv.SGLANG, CAT.gpu("h100-sxm"), "int4")).endswith(
        "step overhead 0.5 ms + 30 µs a layer, no time a request outside the steps counted "
        "(none measured); weight-only bandwidth ×0.95, +9 µs an int4 matrix multiply"
    )
    code, out, _ = run("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l40s",
                       "--precision", "fp8", "--json")  # fmt: skip
    factors = json.loads(out)["factors"]
    assert code == 0
    assert factors["family_bandwidth"] == 0.95
    assert factors["compute_scale"] == 0.75
    assert factors["calibration"] is None
    assert factors["measured"] == []


def test_a_calibration_s_factors_are_stated_as_calibrated() -> None:
    code, out, _ = run("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h200",
                       "--calibration", LLAMA_CAL, "--json")  # fmt: skip
    factors = json.loads(out)["factors"]
    cal = load_calibration(LLAMA_CAL).factors
    assert cal is not None
    assert factors["bandwidth_efficiency"] == cal.bandwidth_efficiency
    assert factors["kv_bandwidth_efficiency"] == cal.bandwidth_efficiency
    assert factors["calibration"] == str(LLAMA_CAL)
    code, out, _ = run("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h200",
                       "--calibration", LLAMA_CAL)  # fmt: skip
    assert code == 0
    assert "efficiency factors" in out
    assert "calibrated from" in " ".join(out.split())


def test_estimate_marks_a_stale_rent_as_catalog_gpus_does() -> None:
    """`catalog gpus` marked mi300x's rent stale and analyze warned; `estimate` showed
    "$1.50/h (tensorwave, checked 2026-05-18" with no mark."""
    import datetime as dt

    from payback import estimate_serving
    from payback.catalog import default_catalog, is_stale, typical_gpu_price

    catalog = default_catalog()
    for gpu_id in ("mi300x", "h100-sxm"):
        gpu = catalog.gpu(gpu_id)
        offer = typical_gpu_price(gpu)
        assert offer is not None
        result = estimate_serving(catalog.model("llama-3.1-8b"), gpu, "bf16")
        age = (dt.date.today() - offer.checked).days
        marked = f"; stale, {age} days ago" in (result.price_source or "")
        assert marked == is_stale(offer.checked), (gpu_id, result.price_source)


def test_training_past_one_node_says_it_runs_on_a_cluster() -> None:
    """A 70B full fine-tune took 32 × h100-sxm, priced at the one-GPU rent, where serving
    refuses more than a node of 8: the table did not say it spans 4 nodes."""
    code, out, err = run(
        "estimate", "training", "--model", "llama-3.1-70b", "--gpu", "h100-sxm",
        "--method", "full", "--tokens", "1e7",
    )  # fmt: skip
    assert code == 0, err
    said = " ".join(out.split())
    gpus = estimate_training(
        default_catalog().model("llama-3.1-70b"),
        default_catalog().gpu("h100-sxm"),
        "full",
        tokens=1e7,
    ).gpus
    assert gpus > 8
    assert f"{gpus} × h100-sxm on {-(-gpus // 8)} nodes of 8," in said
    assert "a cluster's network may cost more" in said
    code, out, _ = run(
        "estimate", "training", "--model", "llama-3.1-8b", "--gpu", "h100-sxm",
        "--method", "lora", "--tokens", "1e7",
    )  # fmt: skip
    assert code == 0
    assert "nodes of" not in out
