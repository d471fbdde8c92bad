"""A first token planned at the replica's capacity (``--utilization 1``,
``target_utilization = 1``) is unbounded: Poisson arrivals at the capacity have no bounded
queue for a free sequence slot. Each interface says so in words (``null`` and a flag in
JSON), never a number, ``inf`` or a traceback; tried as a new user would."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import QUARTER, run

L40S = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "l40s",
        "--input-tokens", "1200", "--output-tokens", "250")  # fmt: skip


def _words(text: str) -> str:
    return " ".join(text.split())


def test_estimate_at_the_capacity_says_unbounded() -> None:
    """It said "first token after 210 ms" at 100% (208 at 99%)."""
    code, out, err = run(*L40S, "--utilization", "1")
    assert code == 0, err
    text = _words(out)
    assert (
        "at 100% of capacity 81.4 ms per output token, first token unbounded: arrivals at" in text
    )
    assert "the queue for a free sequence slot grows without bound" in text
    assert "inf" not in text.replace("informat", "")
    code, out, err = run(*L40S, "--utilization", "1", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["ttft_at_utilization_ms"] is None
    assert data["slot_wait_at_utilization_ms"] is None
    assert data["first_token_unbounded"] is True
    assert round(data["tpot_at_utilization_ms"], 1) == 81.4


def test_a_budget_limited_replica_names_the_prompts_queue() -> None:
    """16,000-token prompts and 2 out on an H100: the token budget caps the batch, and at
    the capacity the prompts' queue for the steps' budget saturates, not the slots (it said
    "the queue for a free sequence slot", whose wait there is 0)."""
    args = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h100-sxm",
            "--input-tokens", "16000", "--output-tokens", "2", "--utilization", "1")  # fmt: skip
    code, out, err = run(*args)
    assert code == 0, err
    text = _words(out)
    assert "limited by token budget" in text
    assert (
        "first token unbounded: arrivals at the capacity (the queue of prompts for the steps' "
        "token budget grows without bound; plan below 100%)" in text
    )
    assert "free sequence slot" not in text
    code, out, err = run(*args, "--json")
    data = json.loads(out)
    assert (data["ttft_at_utilization_ms"], data["first_token_unbounded"]) == (None, True)
    assert data["slot_wait_at_utilization_ms"] < 1e-9  # the slots never fill


def test_estimate_near_the_capacity_names_the_slot_wait() -> None:
    code, out, err = run(*L40S, "--utilization", "0.99")
    assert code == 0, err
    text = _words(out)
    assert (
        "first token after 3,833 ms (queueing included, 3,625 ms of it waiting for a free slot)"
        in text
    )
    code, out, _ = run(*L40S, "--utilization", "0.5")
    assert "first token after 127 ms (queueing included)" in _words(out)  # no slot wait


def _at_capacity(tmp_path: Path, ttft_ms: str) -> Path:
    text = QUARTER.read_text(encoding="utf-8")
    text = text.replace(
        "usd_per_gpu_hour = 0.80", f'model = "llama-3.1-8b"\ngpu = "l40s"\n{ttft_ms}#'
    )
    text = text.replace("replica_requests_per_s = 0.85", "#").replace(
        "target_utilization = 0.7 ", "target_utilization = 1.0 "
    )
    path = tmp_path / "capacity.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_analyze_with_a_first_token_target_at_the_capacity(tmp_path: Path) -> None:
    """It warned of nothing but the Ada caution's "the estimate's 186 ms": a first token
    under the target, where no queue at the capacity has a bound."""
    code, _, err = run("analyze", _at_capacity(tmp_path, "ttft_ms = 2000"))
    assert code == 0, err
    said = _words(err)
    assert (
        "the estimate's time to the first token where the fleet runs is unbounded: requests "
        "arriving at target_utilization 100% of a replica's capacity queue for a free sequence "
        "slot without bound, so no ttft_ms = 2000 is met; plan a target_utilization below 1"
    ) in said
    assert "inf" not in said.replace("informat", "")


def test_recommend_at_the_capacity(tmp_path: Path) -> None:
    """It ranked every configuration "ttft inf > 2000 ms", told to "relax tpot_ms/ttft_ms"
    (no target is met at the capacity, however loose), and printed "ttft inf ms" as the
    best's first token without a target."""
    code, out, err = run("recommend", _at_capacity(tmp_path, "ttft_ms = 2000"))
    assert code != 0  # nothing meets the target
    said = _words(out + err)
    assert (
        "misses ttft unbounded at the capacity (target 2000 ms)); plan a target_utilization below 1"
        in said
    )
    assert " unbounded $" in said  # the table's ttft column
    assert "inf" not in said.replace("informat", "")
    code, out, err = run("recommend", _at_capacity(tmp_path, ""))
    assert code == 0, err
    said = _words(out)
    assert "ttft unbounded (requests at the capacity)" in said
    assert "inf" not in said.replace("informat", "")
    code, out, err = run("recommend", _at_capacity(tmp_path, ""), "--json")
    data = json.loads(out)
    best = data["best"]
    assert best["ttft_ms"] is None
    assert best["first_token_unbounded"] is True  # not a first token left unknown
    assert best["meets_targets"] is True
    assert {c["first_token_unbounded"] for c in data["candidates"]} == {True}


def test_analyze_at_the_capacity_without_a_first_token_target(tmp_path: Path) -> None:
    """With no ttft_ms the analysis said nothing of the first token at 100% (its --json
    said first_token_unbounded, recommend said unbounded in every row)."""
    code, _, err = run("analyze", _at_capacity(tmp_path, ""))
    assert code == 0, err
    said = _words(err)
    assert (
        "the estimate's time to the first token where the fleet runs is unbounded: requests "
        "arriving at target_utilization 100% of a replica's capacity queue for a free sequence "
        "slot without bound; plan a target_utilization below 1"
    ) in said


def test_estimate_within_a_billionth_of_the_capacity_says_so() -> None:
    """0.999999999 is taken as the capacity (the slots' last float digits); it said
    "arrivals at the capacity" of a load it printed as 99.9999999%."""
    code, out, err = run(*L40S, "--utilization", "0.999999999")
    assert code == 0, err
    text = _words(out)
    assert "at 99.9999999% of capacity" in text
    assert "unbounded: arrivals within a billionth of the capacity" in text
