"""recommend on a fleet scaled to zero (``always_on = false``), tried as a new user would:
it said "mi300x fp8, 2 replicas ... of the 2 at $10/month it has the most capacity" where
analyze of the applied file said 0.0075 replicas in month 1 (GPU-hours run / 730) and that
min_replicas is not used. The replicas shown are those the busiest hour runs at once (no
min_replicas), the replicas paid are analyze's, and a tie at one cost is not broken by
capacity no configuration pays for."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import EXAMPLES, run
from payback.studies.configurations import Candidate, rank


def _scaled(tmp_path: Path) -> Path:
    text = (EXAMPLES / "catalog-ids.toml").read_text(encoding="utf-8")
    old = "min_replicas = 2 "
    assert old in text
    path = tmp_path / "scaled.toml"
    path.write_text(text.replace(old, "always_on = false\n" + old, 1), encoding="utf-8")
    return path


def test_the_replicas_are_those_run_and_those_paid_as_analyze_counts_them(
    tmp_path: Path,
) -> None:
    """1M requests a month growing 3% a month, 5% escalated, 3x peak: the busiest hour of
    month 12, 1e6 × 1.03^11 × 0.95 / (730 × 3600) × 3 = 1.50 requests/s, runs 1 replica
    of 1 × mi300x fp8 (68.6 requests/s, 48 at 70%), not min_replicas' 2. Paid: month 1's
    950,000 requests / (68.6 × 0.7 × 3600) / 730 replicas, as analyze says."""
    path = _scaled(tmp_path)
    code, out, err = run("recommend", str(path), "--json")
    assert code == 0, err
    best = json.loads(out)["best"]
    assert (best["gpu"], best["precision"], best["gpus_per_replica"]) == ("mi300x", "fp8", 1)
    assert (best["replicas"], best["replicas_max"]) == (1, 1)
    rps = best["replica_requests_per_s"]
    assert best["replicas_paid"] == pytest.approx(950_000 / (rps * 0.7 * 3600) / 730, rel=1e-9)
    assert best["replicas_paid_max"] == pytest.approx(best["replicas_paid"] * 1.03**11, rel=1e-9)
    assert "scales to zero (always_on = false): the replicas shown are those the busiest" in (
        " ".join(err.split())
    )
    new = tmp_path / "new.toml"
    code, _, err = run("recommend", str(path), "--apply", "-o", str(new))
    assert code == 0, err
    code, out, err = run("analyze", str(new), "--json")
    assert code == 0, err
    configuration = json.loads(out)["alternatives"][0]["configuration"]
    assert configuration["replicas_month_1"] == pytest.approx(best["replicas_paid"], rel=1e-12)
    assert configuration["replicas_max"] == pytest.approx(best["replicas_paid_max"], rel=1e-12)


def test_an_always_on_fleet_pays_for_the_replicas_it_runs(tmp_path: Path) -> None:
    code, out, err = run("recommend", str(EXAMPLES / "catalog-ids.toml"), "--json")
    assert code == 0, err
    best = json.loads(out)["best"]
    assert (best["replicas_paid"], best["replicas_paid_max"]) == (None, None)
    assert "scales to zero" not in err


def test_a_tie_scaled_to_zero_is_not_broken_by_capacity_it_does_not_pay_for() -> None:
    """Two configurations at $10 a month: one with 2 replicas of 100 requests/s at its
    busiest hour and a 50 ms first token, one with 1 of 60 and 30 ms. Always on, the 200
    requests/s paid for win; scaled to zero both pay for the same GPU-hours of work, and
    the faster first token wins."""
    roomy = Candidate(
        model="m",
        gpu="a",
        precision="fp8",
        gpus_per_replica=1,
        replicas=2,
        replicas_max=2,
        batch=8,
        replica_requests_per_s=100.0,
        tpot_ms=20.0,
        ttft_ms=50.0,
        usd_per_gpu_hour=1.0,
        monthly_cost_usd=10.0,
        meets_targets=True,
    )
    quick = replace(roomy, gpu="b", replicas=1, replicas_max=1, replica_requests_per_s=60.0)
    quick = replace(quick, ttft_ms=30.0)
    assert sorted([quick, roomy], key=rank) == [roomy, quick]
    paid = [replace(c, replicas_paid=0.01, replicas_paid_max=0.02) for c in (roomy, quick)]
    assert sorted(paid, key=rank) == [paid[1], paid[0]]


def test_the_tie_is_said_as_it_is_broken(tmp_path: Path) -> None:
    """mi300x fp8 and int8 tie at $10/month: the words said "it has the most capacity
    (68.61 requests/s)", a key scaled to zero no longer ranks by."""
    code, out, err = run("recommend", str(_scaled(tmp_path)))
    assert code == 0, err
    said = " ".join(out.split())
    assert "of the 2 at $10/month none is faster to the first token (35 ms), nor then per " in said
    assert "most capacity" not in said


def test_max_replicas_is_not_held_to_min_replicas_scaled_to_zero(tmp_path: Path) -> None:
    """--max-replicas 1 with min_replicas = 2: "must be ≥ alternatives.0.min_replicas = 2,
    the fewest the fleet runs", of a fleet that runs none between requests."""
    code, out, err = run("recommend", str(_scaled(tmp_path)), "--max-replicas", "1", "--json")
    assert code == 0, err
    assert json.loads(out)["best"]["replicas_max"] == 1
