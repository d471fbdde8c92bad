"""What ``estimate serving`` says about its batch agrees with itself: the decode rate is
named with the batch it is at, the cap on the running batch is named for what caps it, and
a batch the engine cannot run is refused in one line."""

from __future__ import annotations

import pytest

from helpers import assert_user_error, run
from payback.catalog import default_catalog
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.estimate import engine_limits, estimate_serving

CATALOG = default_catalog()
SMALL, L40S, H100 = CATALOG.model("qwen2.5-0.5b"), CATALOG.gpu("l40s"), CATALOG.gpu("h100-sxm")
LONG_PROMPTS = {"input_tokens": 4000.0, "output_tokens": 100.0}


def test_the_decode_rate_is_named_with_the_batch_it_is_at() -> None:
    """4,000-token prompts fill vLLM's 2,048-token steps: 49 of the 256 sequences memory
    holds run at full load. The decode rate is at those 49, the batch the replica runs
    (it was at 256 beside 'batch at full load 49', two meanings of batch on one page)."""
    result = estimate_serving(SMALL, L40S, **LONG_PROMPTS)
    assert result.batch < result.decode_batch == result.max_batch == 256
    assert result.context_batch == result.batch
    at_running = estimate_serving(SMALL, L40S, batch=result.batch, **LONG_PROMPTS)
    assert at_running.decode_batch == result.batch
    assert result.decode_output_tokens_per_s == pytest.approx(
        at_running.decode_output_tokens_per_s, rel=1e-12
    )
    code, out, err = run(
        "estimate", "serving", "--model", "qwen2.5-0.5b", "--gpu", "l40s",
        "--input-tokens", "4000", "--output-tokens", "100",
    )  # fmt: skip
    assert code == 0, err
    assert f"decode at batch {result.batch:,}, context" in out
    assert f"{result.decode_output_tokens_per_s:,.0f} output tokens/s" in out
    assert f" {result.batch:,} (limited by token budget)" in out


def test_a_given_batch_the_token_budget_cuts_is_said_to_be_cut_by_it() -> None:
    given = estimate_serving(SMALL, L40S, batch=256, **LONG_PROMPTS)
    assert given.batch < 256
    assert given.decode_batch == 256
    assert given.limited_by == "token budget"
    kept = estimate_serving(SMALL, L40S, batch=8, input_tokens=1000, output_tokens=200)
    assert (kept.batch, kept.decode_batch, kept.limited_by) == (8, 8, "given")


@pytest.mark.parametrize("engine", ["vllm", "sglang", "trtllm", "lean"])
def test_a_batch_beyond_the_engines_sequence_limit_is_refused(engine: str) -> None:
    most, _ = engine_limits(sv.ENGINES[engine], H100)
    ok = estimate_serving(
        SMALL, H100, batch=most, engine=engine, input_tokens=100, output_tokens=50
    )
    assert ok.decode_batch == most
    with pytest.raises(PaybackError) as caught:
        estimate_serving(
            SMALL, H100, batch=most + 1, engine=engine, input_tokens=100, output_tokens=50
        )
    assert caught.value.param == "batch"
    assert f"at most {most:,}" in str(caught.value)
    assert engine in str(caught.value)


def test_the_command_line_refuses_it_in_one_line() -> None:
    code, out, err = run(
        "estimate", "serving", "--model", "qwen2.5-0.5b", "--gpu", "h100-sxm", "--batch", "4000"
    )
    assert_user_error(code, out, err, "--batch 4000", "at most 1,024", "vllm")
