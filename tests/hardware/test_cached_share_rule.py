"""A cached input share of 1.0 (a fixed prompt, every input token billed as cached) is one
rule for a scenario and for ``estimate serving``: a scenario took it and estimated at
0.99, the flag refused it ("must be a share in [0, 1)"), and the estimator itself divided
by a prefill of zero seconds at 1.0."""

import json
import math

import pytest

from helpers import EXAMPLES, assert_user_error, run
from payback import estimate_serving
from payback.analysis.resolve import resolve
from payback.catalog import default_catalog
from payback.hardware.estimate import COMPUTED_CACHED_SHARE
from payback.scenario import parse_scenario, read_scenario_data

ARGS = ("estimate", "serving", "--model", "qwen2.5-7b", "--gpu", "l4")
LENGTHS = ("--input-tokens", "2000", "--output-tokens", "400", "--json")


def _rps(share: str) -> float:
    code, out, err = run(*ARGS, *LENGTHS, "--cached-input-share", share)
    assert code == 0, err
    return float(json.loads(out)["replica_requests_per_s"])


def test_the_flag_takes_a_whole_prompt_cached_as_the_estimate_computes_it() -> None:
    assert COMPUTED_CACHED_SHARE == 0.99
    assert _rps("1.0") == _rps("0.99")
    code, out, err = run(*ARGS, "--cached-input-share", "1.01")
    assert_user_error(code, out, err, "--cached-input-share 1.01: must be a share in [0, 1]")


def test_the_table_says_a_whole_prompt_is_estimated_as_the_share_computed() -> None:
    """It read "100% of the prompt cached" and computed 99%; the share is a row of its own
    (in the label of the requests' row it wrapped there at 80 columns)."""
    code, out, err = run(*ARGS, *LENGTHS[:-1], "--cached-input-share", "1")
    assert code == 0, err
    words = " ".join(out.split())  # the table wraps its cells
    assert (
        "prefix cache 100% of each prompt, its prefill skipped (estimated as 99%: the last "
        "block is recomputed)"
    ) in words
    assert "requests/s at 2,000/400 tokens 1.15" in words
    code, out, _ = run(*ARGS, *LENGTHS[:-1], "--cached-input-share", "0.5")
    assert "prefix cache 50% of each prompt, its prefill skipped" in " ".join(out.split())
    assert "estimated as" not in out


def test_the_estimator_gives_finite_rates_for_a_whole_prompt_cached() -> None:
    cat = default_catalog()
    model, gpu = cat.model("llama-3.1-8b"), cat.gpu("h100-sxm")
    full = estimate_serving(
        model, gpu, "bf16", input_tokens=8000, output_tokens=50, cached_input_share=1.0
    )
    most = estimate_serving(
        model, gpu, "bf16", input_tokens=8000, output_tokens=50, cached_input_share=0.99
    )
    assert math.isfinite(full.prefill_tokens_per_s)
    assert full == most


def test_a_scenario_with_a_whole_prompt_cached_estimates_as_the_flag_does() -> None:
    data = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    data["traffic"]["cached_input_share"] = 1.0
    alt = data["alternatives"][0]
    for field in ("replica_requests_per_s", "usd_per_gpu_hour", "gpus_per_replica"):
        alt.pop(field, None)
    alt.update(model="qwen2.5-7b", gpu="l4", gpus_per_replica=1)
    resolved = resolve(parse_scenario(data)).scenario.alternatives[0]
    assert resolved.replica_requests_per_s == pytest.approx(_rps("1.0"), rel=1e-12)  # type: ignore[union-attr]
