"""A batch with no free slot, and one meaning of "batch", each by a hand-worked case.

- With the batch cap reached a waiting prompt enters only the slot a finished sequence
  frees: at ``--batch 1`` requests are served strictly in turn, the time per output token
  is the decode step and the prompt's chunk steps come before the first token. It was
  modelled riding on the running sequences' decode steps even at one slot: 24.7 ms a
  token for 28,680/256 tokens on an A100 where the decode step (and the measured run,
  docs/accuracy.md S54) is 13.2 ms.
- ``batch`` is the sequences run at full load everywhere (``estimate serving``,
  ``recommend``, the decode line); ``decode_batch`` the cap.
- The ``--context`` line's rate and its "one sequence takes" use one step.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from payback import estimate_serving
from payback.catalog import default_catalog
from payback.cli import app
from payback.hardware import serving as sv
from payback.hardware.estimate import on_gpu, serving_shape
from payback.hardware.prompts import prompt_parts
from payback.hardware.rates import held_slot_step

CAT = default_catalog()
LLAMA8 = CAT.model("llama-3.1-8b")
A100 = CAT.gpu("a100-80gb")
S54 = {"input_tokens": 28_680.0, "output_tokens": 256.0, "gpus_per_replica": 1}


def _run(*args: str) -> tuple[int, str, str]:
    env = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}
    result = CliRunner(env=env).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_held_slot_step_by_hand() -> None:
    # half the steps carry a 3 s prompt chunk, the others take 1 s: with one slot the
    # sequence never decodes in a carrying step (its prompt is the one in it); with two
    # it is in half of the carrying ones: (0.5 x 1 x 3 + 0.5 x 2 x 1) / (0.5 + 1)
    assert float(held_slot_step(0.5, 3.0, 1.0, 1.0, 1.0)) == 1.0
    assert float(held_slot_step(0.5, 3.0, 1.0, 2.0, 1.0)) == pytest.approx(2.5 / 1.5)
    # a free slot: every step has the same decoding sequences, the mean step
    assert float(held_slot_step(0.5, 3.0, 1.0, 2.0, 0.0)) == pytest.approx(2.0)


def test_one_slot_serves_requests_in_turn_s54() -> None:
    """S54's run: vLLM on one A100, 28,680/256 tokens, one request at a time. The budget
    of 2,048 tokens a step takes the prompt in k = 28,680 / 2,048 chunk steps with nothing
    decoding, then 255 decode steps of the one sequence at a mean context of 28,808:
    time per output token = that decode step (13.2 ms; it was 24.7),
    requests/s = 1 / (k · chunk step + 255 · decode step) (0.155; it was 0.158)."""
    result = estimate_serving(LLAMA8, A100, "bf16", batch=1, **S54)
    engine = on_gpu(sv.VLLM, A100)
    args = serving_shape(LLAMA8, A100, "bf16", 1, engine)
    decode = float(sv.decode_step_seconds(batch=1.0, context=28_808.0, engine=engine, **args))
    # the step's cache reads are of the 0.95 of a sequence decoding on average (the rest
    # of the time its slot's prompt goes through): within 1% of the one sequence's
    assert result.tpot_ms == pytest.approx(decode * 1e3, rel=1e-2)
    assert result.tpot_ms == pytest.approx(1e3 / result.decode_output_tokens_per_s, rel=1e-2)
    assert 13.0 < result.tpot_ms < 13.4
    _, compute, new = prompt_parts(args, 28_680.0, 0.0, engine)
    chunks = new / 2048.0
    chunk = float(
        sv.decode_step_seconds(
            batch=0.0,
            context=28_808.0,
            engine=engine,
            prefill_compute_s=compute / chunks,
            prefill_tokens=2048.0,
            **args,
        )
    )
    hand = 1.0 / (chunks * chunk + 255.0 * decode)
    # the steps are read at the 0.95 of a sequence decoding on average, the chunks' room
    # the budget less that: within 1% of the hand-worked cycle
    assert result.replica_requests_per_s == pytest.approx(hand, rel=1e-2)
    assert 0.154 < result.replica_requests_per_s < 0.156
    assert (result.batch, result.limited_by) == (1, "given")


def test_one_slot_under_load_is_the_decode_step_too() -> None:
    # at half the capacity and at all of it: nothing rides on the one slot's decode
    full = estimate_serving(LLAMA8, A100, "bf16", batch=1, utilization=1.0, **S54)
    half = estimate_serving(LLAMA8, A100, "bf16", batch=1, utilization=0.5, **S54)
    assert full.tpot_at_utilization_ms == pytest.approx(full.tpot_ms, rel=1e-9)
    assert half.tpot_at_utilization_ms == pytest.approx(full.tpot_ms, rel=1e-9)


def test_a_full_batch_sees_its_prompts_steps_one_sequence_short() -> None:
    # 1,000/200 tokens, batch 64 given on an H100: every prompt fits one step, so the
    # capacity is as before (64 sequences finish a token a step), and the time per
    # output token sits between the decode step and the mean step
    h100 = CAT.gpu("h100-sxm")
    result = estimate_serving(LLAMA8, h100, "bf16", input_tokens=1000, output_tokens=200, batch=64)
    engine = on_gpu(sv.VLLM, h100)
    args = serving_shape(LLAMA8, h100, "bf16", 1, engine)
    decode = float(sv.decode_step_seconds(batch=64.0, context=1100.0, engine=engine, **args))
    mean = 64.0 / (200.0 * result.replica_requests_per_s)
    assert decode * 1e3 < result.tpot_ms < mean * 1e3


def test_recommend_batch_is_estimate_batch_where_the_budget_binds(tmp_path: Path) -> None:
    """FP8 on 8 × rtx-pro-6000, 6,000/500 tokens: the budget of a step holds 630 of the
    876 sequences the memory allows; recommend said 876, estimate and analyze 630."""
    scenario = tmp_path / "b1.toml"
    scenario.write_text(
        '[scenario]\nname="t"\nhorizon_months=12\n[traffic]\nrequests_per_month=5000000\n'
        "input_tokens=6000\noutput_tokens=500\npeak_to_average=2.0\n[baseline]\n"
        'name="api"\nkind="hosted_api"\ninput_usd_per_mtok=2.5\noutput_usd_per_mtok=10\n'
        '[[alternatives]]\nname="sh"\nkind="self_hosted"\nmodel="llama-3.1-8b"\n'
        'gpu="rtx-pro-6000"\ngpu_price="marketplace"\n'
    )
    code, out, err = _run("recommend", str(scenario), "--json", "--top", "500")
    assert code == 0, err
    rows = json.loads(out)["candidates"]
    row = next(
        r
        for r in rows
        if (r["model"], r["gpu"], r["precision"], r["gpus_per_replica"])
        == ("llama-3.1-8b", "rtx-pro-6000", "fp8", 8)
    )
    code, out, err = _run(
        "estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "rtx-pro-6000",
        "--precision", "fp8", "--input-tokens", "6000", "--output-tokens", "500",
        "--gpus-per-replica", "8", "--json",
    )  # fmt: skip
    assert code == 0, err
    alone = json.loads(out)
    assert (alone["batch"], alone["decode_batch"], alone["limited_by"]) == (
        630,
        876,
        "token budget",
    )
    assert (row["batch"], row["decode_batch"]) == (630, 876)
    for r in rows:
        assert r["batch"] <= r["decode_batch"]


def test_the_decode_line_is_at_the_batch_run() -> None:
    """gpt-oss-20b, MXFP4 on an A100 with TensorRT-LLM: 1,365 of the 2,048 sequences at
    full load (the token budget), so the decode line is at 1,365, not 2,048."""
    model = CAT.model("gpt-oss-20b")
    result = estimate_serving(model, A100, "mxfp4", engine="trtllm")
    assert (result.batch, result.decode_batch, result.limited_by) == (1365, 2048, "token budget")
    assert result.context_batch == 1365
    code, out, err = _run(
        "estimate", "serving", "--model", "gpt-oss-20b", "--gpu", "a100-80gb",
        "--precision", "mxfp4", "--engine", "trtllm",
    )  # fmt: skip
    assert code == 0, err
    assert "decode at batch 1,365," in out
    assert "batch 2,048" not in out


def test_the_context_line_uses_one_step() -> None:
    """Llama 3.1 70B at FP8 on 2 × H100, 20 ms a token at 100,000 tokens of context: one
    sequence there misses it, and its rate is 1,000 over the time it is said to take
    (it said 42 tokens/s beside 24.3 ms, 41.2)."""
    model = CAT.model("llama-3.1-70b")
    h100 = CAT.gpu("h100-sxm")
    result = estimate_serving(model, h100, "fp8", tpot_ms=20.0, context=100_000.0)
    assert result.context_batch == 1
    assert result.context_tpot_missed_ms is not None
    assert result.decode_output_tokens_per_s == pytest.approx(
        1e3 / result.context_tpot_missed_ms, rel=1e-9
    )
    assert np.isfinite(result.decode_output_tokens_per_s)
