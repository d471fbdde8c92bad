"""The step-by-step closed-loop schedule behind docs/accuracy.md's L9-L13 bullet: its KV
pool admits, preempts and recomputes the way vLLM V1's scheduler does, worked by hand on
two requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import benchmark_module

ROOT = Path(__file__).resolve().parents[2]


SCHEDULE = benchmark_module("closed_loop_schedule")


def _two_requests(kv_tokens: float) -> dict[str, float]:
    """Two clients, one request each: prompts of 16 tokens (one block), 16 tokens out."""
    return SCHEDULE.run(
        "mistral-7b",
        "rtx-4090",
        clients=2,
        input_tokens=16,
        outputs=[16, 16],
        kv_tokens=kv_tokens,
    )


def test_without_a_pool_both_requests_run_together() -> None:
    # step 1 prefills both prompts (the first token of each), steps 2-16 decode both
    free = _two_requests(float("inf"))
    assert free["steps"] == 16
    assert free["preempted"] == 0


def test_a_pool_of_two_blocks_preempts_the_request_admitted_last() -> None:
    # Step 1: each prompt takes one block of the two, both give their first token.
    # Step 2: the first request's 17th token needs a second block; none is free, so the
    # one admitted last is preempted (its block freed, back to the head of the queue with
    # 16 + 1 tokens to recompute), which needs two blocks and waits.
    # Steps 2-16: the first request decodes alone to its 16th token and ends.
    # Step 17: the second recomputes its 17 tokens in two blocks and gives its 2nd token.
    # Steps 18-31: it decodes its 3rd to 16th token.
    tight = _two_requests(32)
    free = _two_requests(float("inf"))
    assert tight["preempted"] == 1
    assert tight["steps"] == 31
    # both first tokens came in step 1 either way: preemption does not move them
    assert tight["mean"] == pytest.approx(free["mean"])
    assert tight["median"] == pytest.approx(free["median"])
    assert tight["rps"] < free["rps"]


def test_a_pool_that_holds_both_requests_changes_nothing() -> None:
    # each request ends at 16 + 16 = 32 tokens, two blocks: four blocks hold both
    roomy = _two_requests(64)
    free = _two_requests(float("inf"))
    assert roomy == free


def test_a_pool_too_small_for_one_prompt_is_refused() -> None:
    with pytest.raises(ValueError, match="holds no request"):
        _two_requests(8)


def test_a_hold_before_the_engine_delays_a_lone_request_by_exactly_that_long() -> None:
    # one client: the engine is idle until the prompt arrives, so the hold adds itself to
    # the first token and to the request's end, and the run's rate is 1 / (end + hold)
    args = {"clients": 1, "input_tokens": 256, "outputs": [100]}
    now = SCHEDULE.run("mistral-7b", "rtx-4090", **args)
    held = SCHEDULE.run("mistral-7b", "rtx-4090", delay_s=0.25, **args)
    assert held["mean"] == pytest.approx(now["mean"] + 250.0)
    assert 1.0 / held["rps"] == pytest.approx(1.0 / now["rps"] + 0.25)
    assert held["steps"] == now["steps"] == 100
