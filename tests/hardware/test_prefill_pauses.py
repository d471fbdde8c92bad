"""Without mixed steps (vLLM V0 below 32K of context) every prompt is prefilled in a step of
its own while the batch waits: those pauses stretch the other sequences' decode, not their
first token (docs/accuracy.md L18-L34, Q8-Q57)."""

from __future__ import annotations

import dataclasses

import pytest
from scipy.optimize import brentq

from helpers import benchmark_module
from payback import estimate_serving
from payback.catalog import default_catalog
from payback.hardware import serving as sv
from payback.hardware.estimate import serving_at_concurrency, serving_shape
from payback.hardware.load import paused_share

CAT = default_catalog()
ACCURACY = benchmark_module("accuracy")
V0 = ACCURACY.VLLM_V0  # vLLM 0.7.3 as AccelMark ran it: no mixed steps, prompts first


def test_paused_share_by_hand() -> None:
    # 2 requests/s of 50 ms prefills, 5 clients: the other 4 clients' prompts pause a
    # sequence's decode 2 x 0.05 x 4/5 = 8% of the time
    assert float(paused_share(2.0, 0.05, 5)) == pytest.approx(0.92)
    # one client: nothing else is prefilled while it decodes
    assert float(paused_share(2.0, 0.05, 1)) == 1.0


def test_closed_loop_puts_the_pauses_in_the_decode_not_the_first_token() -> None:
    """8 clients of 255/347 on an RTX 4090 (L23): the first token was e2e − 346 plain steps,
    which holds all 8 prompts' prefills (299 ms against 69 measured); it is now the prompt's
    own phase, and each token's time is the step over the paused share."""
    model, gpu = CAT.model("llama-3.1-8b"), CAT.gpu("rtx-4090")
    loop = serving_at_concurrency(
        model, gpu, "bf16", concurrency=8, input_tokens=255, output_tokens=347, engine=V0
    )
    alone = estimate_serving(model, gpu, "bf16", input_tokens=255, output_tokens=347, engine=V0)
    prefill = 255 / alone.prefill_tokens_per_s
    args = serving_shape(model, gpu, "bf16", 1, V0)
    step = float(
        sv.decode_step_seconds(batch=loop.running, context=255 + 347 / 2, engine=V0, **args)
    )
    share = 1.0 - loop.requests_per_s * prefill * 7 / 8
    assert loop.tpot_s == pytest.approx(step / share, rel=1e-9)
    assert loop.e2e_s == pytest.approx(8 / loop.requests_per_s, rel=1e-6)
    assert loop.e2e_s == pytest.approx(loop.ttft_s + 346 * loop.tpot_s, rel=1e-6)
    # the old reading: every prompt's prefill in the first token
    assert loop.e2e_s - 346 * step > 4 * loop.ttft_s
    assert 0.060 < loop.ttft_s < 0.070  # 65 ms in the table, 69 measured


def test_poisson_tpot_counts_the_arrivals_prefills() -> None:
    """At a share of capacity, λ · prefill of the time goes to prompts' own steps: the time
    per output token is the decode step over 1 − λ · prefill (the chunked engine's is
    unchanged)."""
    model, gpu = CAT.model("llama-3.1-8b"), CAT.gpu("h100-sxm")
    kw = {"input_tokens": 250, "output_tokens": 347}
    full = estimate_serving(model, gpu, "bf16", engine=V0, **kw)
    loaded = estimate_serving(model, gpu, "bf16", engine=V0, utilization=0.5, **kw)
    rate = 0.5 * full.replica_requests_per_s
    prefill = 250 / full.prefill_tokens_per_s
    args = serving_shape(model, gpu, "bf16", 1, V0)

    # on average B sequences decode (Little's law with the prefills in series),
    # B / (O · step + B · p) = λ, the step a decoding sequence sees: 1 + B of them
    def step(b: float) -> float:
        return float(
            sv.decode_step_seconds(
                batch=min(1 + b, full.decode_batch), context=250 + 347 / 2, engine=V0, **args
            )
        )

    top = float(full.decode_batch)
    mean = brentq(lambda b: b / (347 * step(b) + b * prefill) - rate, 1e-9, top, xtol=1e-14)
    assert loaded.tpot_at_utilization_ms == pytest.approx(
        step(mean) / (1 - rate * prefill) * 1e3, rel=1e-9
    )


def test_a_static_batch_is_not_paused_and_one_token_has_no_pause() -> None:
    """The ``lean`` engine runs static batches: its prompts are all prefilled before its
    first tokens and new ones wait for the batch's end, so under load a token still takes
    one step (by hand: the loaded step at the batch Little's law gives, as the chunked
    engines'); only an engine that prefills arriving prompts at once pauses its batch. A
    single output token has no decode to pause. Before, ``lean`` took V0's pauses: at 2,000
    in / 200 out on an H100, 75.1 ms a token at full load beside the 29.9 ms its batch was
    chosen for."""
    model, gpu = CAT.model("llama-3.1-8b"), CAT.gpu("h100-sxm")
    kw = {"input_tokens": 2000, "output_tokens": 200, "tpot_ms": 30.0}
    for share in (0.5, 0.9, 1.0):
        lean = estimate_serving(model, gpu, "bf16", engine="lean", utilization=share, **kw)
        paused = dataclasses.replace(sv.LEAN, prefill_pauses_decode=True)
        v0_like = estimate_serving(model, gpu, "bf16", engine=paused, utilization=share, **kw)
        assert lean.tpot_at_utilization_ms <= lean.tpot_ms + 1e-9  # within its own target
        assert v0_like.tpot_at_utilization_ms > 1.2 * lean.tpot_at_utilization_ms
    full = estimate_serving(model, gpu, "bf16", engine="lean", utilization=1.0, **kw)
    assert full.tpot_at_utilization_ms == pytest.approx(full.tpot_ms, rel=1e-9)
    one = {"input_tokens": 8000, "output_tokens": 1}
    alone = estimate_serving(model, gpu, "bf16", engine=V0, **one)
    loaded = estimate_serving(model, gpu, "bf16", engine=V0, utilization=0.99, **one)
    assert loaded.tpot_at_utilization_ms <= alone.tpot_ms * 1.01
    loop = serving_at_concurrency(
        model, gpu, "bf16", concurrency=8, input_tokens=255, output_tokens=347, engine="lean"
    )
    args = serving_shape(model, gpu, "bf16", 1, sv.LEAN)
    step = sv.decode_step_seconds(batch=loop.running, context=255 + 347 / 2, engine=sv.LEAN, **args)
    assert loop.tpot_s == pytest.approx(float(step), rel=1e-9)


def test_v0_rows_are_held_apart_from_the_goal() -> None:
    """vLLM 0.7.3's V0 rows (an engine payback does not offer) get lines of their own in
    the family tables; the goal lines hold only the engines payback models."""
    load, poisson = ACCURACY.load_errors(), ACCURACY.poisson_errors()
    v0 = [r for r in ACCURACY.LOAD if r.engine is ACCURACY.VLLM_V0]
    modelled = [r for r in ACCURACY.LOAD if r.engine is not ACCURACY.VLLM_V0]
    assert v0
    assert modelled
    for family in ("hopper", "ada", "ampere"):
        rows = [r for r in modelled if r.family() == family]
        assert load[family]["rows"] == len(rows)
        apart = f"{family}, {ACCURACY.V0_GROUP}"
        assert load[apart]["rows"] == sum(1 for r in v0 if r.family() == apart)
        assert apart in poisson
    doc = ACCURACY.DOC.read_text(encoding="utf-8")
    assert doc.count(ACCURACY.V0_APART) == 6
