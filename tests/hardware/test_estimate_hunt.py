"""Serving estimates found wrong by a hunt through ``estimate serving``: a long prompt the
weights hold but the KV cache does not told as weights that do not fit, a time per
output token target binding a request of one output token, and plain-word slips."""

from __future__ import annotations

import json
import math
from pathlib import Path

from helpers import assert_user_error, run
from payback.catalog import default_catalog
from payback.hardware import serving as sv
from payback.hardware.estimate import weight_bytes

CAT = default_catalog()
LONG = ("estimate", "serving", "--model", "llama-3.1-70b", "--gpu", "l4")


def test_a_prompt_the_kv_cache_cannot_hold_is_said_so_with_gpus_for_it() -> None:
    # 141 GB of BF16 weights fit 8 x L4 (162 GB usable); one sequence of 100,000 + 200/2
    # tokens is 100,100 x 327,680 B (80 layers x 8 KV heads x 128 x K,V x 2 B) = 32.8 GB
    # more than the 20.7 GB left: 63,174 tokens fit
    model, gpu = CAT.model("llama-3.1-70b"), CAT.gpu("l4")
    usable = gpu.memory_bytes * sv.VLLM.memory_utilization - sv.VLLM.runtime_overhead_bytes
    sequence = 100_100 * 80 * 8 * 128 * 2 * 2
    assert sequence == 32_800_768_000
    assert math.floor((8 * usable - weight_bytes(model, "bf16")) / (sequence / 100_100)) == 63_174
    assert math.ceil((weight_bytes(model, "bf16") + sequence) / usable) == 9
    why = (
        "llama-3.1-70b at bf16 on 8 × l4: no room for one sequence of 100,100 tokens in the "
        "KV cache (63,174 tokens fit); it needs at least 9 × l4 at bf16 (more than one "
        "node); 8 at fp8; 8 at int8; 4 at int4; one node of 8 holds it at fp8, int8, int4 only"
    )
    code, out, err = run(*LONG, "--input-tokens", "100000")
    assert_user_error(code, out, err, why)
    assert "GB of weights" not in err
    code, out, err = run(*LONG, "--input-tokens", "100000", "--gpus-per-replica", "8")
    assert_user_error(code, out, err, f"--gpus-per-replica 8: {why}")
    # the hints hold: 8 x L4 at fp8 hold 2 such sequences, 4 x L4 at int4 one
    code, out, _ = run(*LONG, "--input-tokens", "100000", "--precision", "fp8", "--json")
    assert code == 0
    assert (json.loads(out)["gpus_per_replica"], json.loads(out)["max_batch"]) == (8, 2)
    code, out, _ = run(*LONG, "--input-tokens", "100000", "--precision", "int4", "--json")
    assert code == 0
    assert (json.loads(out)["gpus_per_replica"], json.loads(out)["max_batch"]) == (4, 1)


def test_analyze_says_the_same_of_a_long_prompt(tmp_path: Path) -> None:
    scenario = tmp_path / "long.toml"
    scenario.write_text(
        '[scenario]\nname = "t"\nhorizon_months = 12\n'
        "[traffic]\nrequests_per_month = 1000000\ninput_tokens = 100000\n"
        "output_tokens = 200\ncached_input_share = 0.0\n"
        '[baseline]\nname = "api"\nkind = "per_request"\nusd_per_1k_requests = 5.0\n'
        '[[alternatives]]\nname = "self"\nkind = "self_hosted"\nmodel = "llama-3.1-70b"\n'
        'gpu = "l4"\nprecision = "bf16"\nengine = "vllm"\n'
    )
    code, out, err = run("analyze", str(scenario))
    assert code == 2, (out, err)
    assert "no room for one sequence of 100,100 tokens in the KV cache" in err
    assert "it needs at least 9 × l4 at bf16 (more than one node); 8 at fp8" in err


ONE_TOKEN = (
    "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--precision",
    "fp8", "--input-tokens", "1000", "--output-tokens", "1", "--json",
)  # fmt: skip


def test_a_request_of_one_output_token_meets_any_time_per_output_token() -> None:
    # no token after the first: no gap between tokens, so no target binds the batch (it
    # cut it to 1, "met" at 0.0 ms: 57.68 requests/s against 64.03 at the budget's 8)
    code, out, _ = run(*ONE_TOKEN)
    assert code == 0
    free = json.loads(out)
    assert (free["batch"], free["limited_by"]) == (8, "token budget")
    assert round(free["replica_requests_per_s"], 2) == 64.03
    code, out, _ = run(*ONE_TOKEN, "--tpot-ms", "1")
    assert code == 0
    held = json.loads(out)
    for key in ("batch", "limited_by", "replica_requests_per_s", "tpot_ms"):
        assert held[key] == free[key], key


def test_a_batch_cap_of_one_whose_every_step_carries_a_prompt_sees_the_decode_step() -> None:
    # f = 1 at c = 1: no step decodes the sequence beside a prompt, the 0/0 of the
    # weighting; its limit as f -> 1 is the decode step (1.0), not 0
    from payback.hardware.rates import held_slot_step

    assert float(held_slot_step(1.0, 3.0, 1.0, 1.0, 1.0)) == 1.0
    assert float(held_slot_step(0.999999, 3.0, 1.0, 1.0, 1.0)) == 1.0


def test_analyze_and_recommend_agree_on_one_output_token(tmp_path: Path) -> None:
    scenario = tmp_path / "one.toml"
    body = (
        '[scenario]\nname = "one"\nhorizon_months = 12\n'
        "[traffic]\nrequests_per_month = 20000000\ninput_tokens = 1000\noutput_tokens = 1\n"
        '[baseline]\nname = "api"\nkind = "per_request"\nusd_per_1k_requests = 5.0\n'
        '[[alternatives]]\nname = "self"\nkind = "self_hosted"\nmodel = "llama-3.1-8b"\n'
        'gpu = "h100-sxm"\nprecision = "fp8"\ngpus_per_replica = 1\n'
    )
    got = {}
    for name, extra in (("free", ""), ("held", "tpot_ms = 1\n")):
        scenario.write_text(body + extra)
        code, out, err = run("analyze", str(scenario), "--json")
        assert code == 0, err
        rps = json.loads(out)["alternatives"][0]["configuration"]["replica_requests_per_s"]
        code, out, err = run("recommend", str(scenario), "--json")
        assert code == 0, err
        best = json.loads(out)["candidates"][0]
        got[name] = (rps, best["gpu"], best["batch"], best["replica_requests_per_s"])
        assert best["meets_targets"]
    assert got["held"] == got["free"]
    assert round(got["held"][0], 2) == 64.03


def test_gemma3s_published_config_serves_as_the_catalog_record() -> None:
    # read with every layer sliding it held 41 sequences and 1.665 requests/s
    config = Path(__file__).parents[1] / "data" / "hf_configs" / "gemma-3-27b-it.json"
    shape = ("--gpu", "h100-sxm", "--gpus-per-replica", "1", "--input-tokens", "3000")
    got = []
    for model in (str(config), "gemma-3-27b"):
        code, out, err = run(
            "estimate", "serving", "--model", model, *shape, "--output-tokens", "500", "--json"
        )
        assert code == 0, err
        got.append(json.loads(out))
    assert [g["max_batch"] for g in got] == [30, 30]
    assert [round(g["replica_requests_per_s"], 3) for g in got] == [1.359, 1.359]


def _said(out: str) -> str:
    return " ".join(out.split())


def test_one_sequence_is_said_in_the_singular() -> None:
    code, out, _ = run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l4",
        "--input-tokens", "120000", "--output-tokens", "1000",
    )  # fmt: skip
    assert code == 0
    assert "max batch 1 sequence at 120,500 tokens" in _said(out)


def test_a_gpu_lacking_a_format_is_advised_the_engines_formats() -> None:
    # lean serves BF16 only: the A100's INT8 and INT4 are no advice for it
    args = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "a100-80gb")
    code, out, err = run(*args, "--precision", "fp8", "--engine", "lean")
    assert_user_error(
        code, out, err, "a100-80gb has no FP8 tensor cores; use bf16 on it, or a GPU that has them"
    )
    code, out, err = run(*args, "--precision", "fp8")
    assert_user_error(code, out, err, "use bf16, int8, int4 on it")


def test_a_batch_the_token_budget_cannot_hold_is_said_so() -> None:
    # a step of 2,048 tokens holds B (1 + 4,000 / 100) tokens: B = 2,048 / 41 = 49.95, 49
    args = (
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l40s", "--precision",
        "fp8", "--input-tokens", "4000", "--output-tokens", "100", "--batch", "60",
    )  # fmt: skip
    code, out, _ = run(*args)
    assert code == 0
    assert (
        "batch at full load 49 (limited by token budget: of the 60 set by --batch, a step's "
        "2,048 tokens hold 49 decoding beside their prompts' chunks)"
    ) in _said(out)
    assert "decode at batch 49, context 4,050" in _said(out)
    code, out, _ = run(*args, "--json")
    got = json.loads(out)
    assert (got["decode_batch"], got["batch"], got["context_batch"]) == (60, 49, 49)
    assert got["limited_by"] == "token budget"
