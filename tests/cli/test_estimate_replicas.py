"""``estimate serving`` and ``analyze`` size a replica by different rules; the estimate
says which it used and what the larger replicas serve, with the same figures analyze uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import run

SERVING = ("estimate", "serving", "--model", "llama-3.1-70b", "--gpu", "h100-sxm",
           "--input-tokens", "100", "--output-tokens", "1600")  # fmt: skip


def _json(*args: str) -> dict[str, Any]:
    code, out, err = run(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_estimate_lists_the_larger_replicas_with_their_own_figures() -> None:
    """A 70B at 100/1,600 tokens: 2 × H100 hold it and serve 0.66 requests/s; 4 serve 6.74,
    about a fifth of the cost per request. It showed 2 with no word of the others, while
    analyze (no gpus_per_replica) runs it on 4."""
    data = _json(*SERVING)
    assert data["gpus_per_replica"] == 2
    assert data["gpus_per_replica_chosen"] == (
        "fewest whose KV cache holds 16 sequences of 900 tokens"
    )
    larger = {r["gpus_per_replica"]: r for r in data["larger_replicas"]}
    assert sorted(larger) == [4, 8]
    four = _json(*SERVING, "--gpus-per-replica", "4")
    assert larger[4]["replica_requests_per_s"] == four["replica_requests_per_s"]
    # $3.99/GPU-h × 4 GPUs / (requests/s × 3,600 s / 1,000)
    per_1k = four["usd_per_gpu_hour"] * 4 / (four["replica_requests_per_s"] * 3.6)
    assert larger[4]["usd_per_1k_requests"] == pytest.approx(per_1k, rel=1e-12)
    assert per_1k < data["usd_per_gpu_hour"] * 2 / (data["replica_requests_per_s"] * 3.6) / 4
    # the cost per 1k the text shows is in the JSON too (it was text only)
    two = data["usd_per_gpu_hour"] * 2 / (data["replica_requests_per_s"] * 3.6)
    assert data["usd_per_1k_requests"] == pytest.approx(two, rel=1e-12)
    _, out, _ = run(*SERVING)
    text = " ".join(out.split())
    assert "2 × h100-sxm (bf16), the fewest whose KV cache holds 16 sequences of 900 tokens" in text
    assert f"4: {four['replica_requests_per_s']:,.2f} requests/s (${per_1k:,.4f} per 1k)" in text
    assert f"cost per 1k requests at full load ${two:,.4f}" in text
    assert "analyze, for a scenario without gpus_per_replica, takes the count whose fleet" in text


def test_a_given_count_is_said_as_given_and_lists_no_others() -> None:
    data = _json(*SERVING, "--gpus-per-replica", "4")
    assert data["gpus_per_replica_chosen"] == "given"
    assert data["larger_replicas"] == []
    _, out, _ = run(*SERVING, "--gpus-per-replica", "4")
    assert "fewest" not in out
    assert "larger replicas" not in out


def test_analyze_runs_the_replica_the_estimate_lists(tmp_path: Path) -> None:
    """The same model, GPU and lengths in a scenario: analyze's capacity is one of the
    estimate's rows, the one whose fleet costs least."""
    path = tmp_path / "big.toml"
    path.write_text(
        '[scenario]\nname = "70B"\nhorizon_months = 12\n'
        "[traffic]\nrequests_per_month = 20000000\ninput_tokens = 100\noutput_tokens = 1600\n"
        '[baseline]\nname = "api"\nkind = "per_request"\nusd_per_1k_requests = 20.0\n'
        '[[alternatives]]\nname = "70B"\nkind = "self_hosted"\nmodel = "llama-3.1-70b"\n'
        'gpu = "h100-sxm"\ntarget_utilization = 1.0\n'
    )
    answer = _json("analyze", str(path))
    inputs = answer["alternatives"][0]["configuration"]
    data = _json(*SERVING)
    rows = {data["gpus_per_replica"]: data["replica_requests_per_s"]} | {
        r["gpus_per_replica"]: r["replica_requests_per_s"] for r in data["larger_replicas"]
    }
    tp = inputs["gpus_per_replica"]
    assert tp == 4
    assert inputs["replica_requests_per_s"] == pytest.approx(rows[tp], rel=1e-9)


def test_a_long_source_url_is_wrapped_not_cut() -> None:
    """At 80 columns the L4's price source ended '(https://aws.amazon.com/ec2/instance-ty…':
    the URL cut, its parentheses unclosed."""
    from typer.testing import CliRunner

    from payback.cli import app

    args = ["estimate", "serving", "--model", "qwen2.5-7b", "--gpu", "l4"]
    out = CliRunner(env={"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}).invoke(app, args).stdout
    assert "…" not in out
    assert "(https://aws.amazon.com/ec2/instance-types/g6/)" in "".join(out.split())
    assert "))" not in "".join(out.split())  # the source's parentheses nest in none


def test_the_note_says_what_sized_a_replica_of_a_long_prompt() -> None:
    """An 8B at 20,000-token prompts on an L40S: one GPU holds the model but its KV cache
    not 16 sequences of 20,150 tokens, so the estimate takes 2. The note said 'the fewest
    GPUs that hold the model', which one GPU is, tried as a new user would."""
    from payback.cli.estimate import ANALYZE_CHOOSES
    from payback.hardware.placement import MIN_AUTO_BATCH

    args = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l40s",
            "--input-tokens", "20000", "--output-tokens", "300")  # fmt: skip
    assert _json(*args)["gpus_per_replica"] == 2
    assert _json(*args, "--gpus-per-replica", "1")["max_batch"] < MIN_AUTO_BATCH
    code, out, _ = run(*args)
    assert code == 0
    said = " ".join(out.split())
    assert "that hold the model" not in said
    assert f"whose KV cache holds {MIN_AUTO_BATCH} sequences at the mean context" in said
    assert f"holds {MIN_AUTO_BATCH} sequences" in ANALYZE_CHOOSES
    code, out, _ = run("estimate", "serving", "--help")
    assert f"holds {MIN_AUTO_BATCH} sequences" in " ".join(out.split()).replace("│ ", "")
