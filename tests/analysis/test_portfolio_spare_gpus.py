"""A shared fleet whose ``min_replicas`` keeps more replicas than its traffic needs. Tried
as a new user would (the five-task example with ``min_replicas = 6``), analyze --json
counted the GPUs kept by the floor beyond the traffic's need as GPUs "mixing adapters"
(``mixed_gpus = gpus − pinned − idle``) and explain said "every one mixes adapters". The
cost engine sizes a fleet to max(min_replicas, the replicas its traffic needs); its
``traffic_gpus`` is the need before the floor, and ``spare_gpus`` the rest of the floor's.

Two workloads, 2 requests/s a replica of 1 GPU, planned at 70% (1.4 requests/s), peak 2 ×
the average, nothing escalated (the numbers of test_portfolio_reserved_idle): the
placement needs 4 pinned + 1 mixed in month 1, 4 pinned in month 2, one pool of 2 mixed
in month 13 and 1 mixed in month 24.

- no commitment, min_replicas = 8: 8 GPUs every month; spare 8 − 5 = 3, 8 − 4 = 4,
  8 − 2 = 6 and 8 − 1 = 7.
- 1y, min_replicas = 5: months 1-12 need max(5, need) = 5 and reserve 5; month 2 keeps
  5 − 4 = 1 spare (the old count called it mixing). Month 13 renews at 5 (5 − 2 = 3
  spare), month 24: 1 mixed, 4 spare, none idle (the floor, not the term, keeps them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import (
    assert_gpus_add_up,
    declining_tasks,
    gpu_counts,
    portfolio_alternatives,
    run,
)

ALTERNATIVE = """
[[alternatives]]
name = "adapters, one fleet"
kind = "self_hosted"
usd_per_gpu_hour = 0.6
replica_requests_per_s = 2.0
min_replicas = MIN
commitment = "TERM"
portfolio = { fleet = "shared" }
"""


def _write(tmp_path: Path, min_replicas: int, term: str) -> Path:
    path = tmp_path / f"floor-{min_replicas}-{term}.toml"
    alternative = ALTERNATIVE.replace("MIN", str(min_replicas)).replace("TERM", term)
    path.write_text(declining_tasks("two tasks on a shared fleet with a floor", alternative))
    return path


def _shared(path: Path) -> dict[str, Any]:
    return portfolio_alternatives(path)[0]


def test_gpus_kept_by_min_replicas_are_not_counted_as_mixing(tmp_path: Path) -> None:
    shared = _shared(_write(tmp_path, 8, "none"))
    assert shared["gpus"] == [8.0] * 24
    # (gpus, pinned, mixed, spare, idle)
    assert gpu_counts(shared, 1) == (8.0, 4.0, 1.0, 3.0, 0.0)  # the old count: 4 mixing
    assert gpu_counts(shared, 2) == (8.0, 4.0, 0.0, 4.0, 0.0)
    assert gpu_counts(shared, 13) == (8.0, 0.0, 2.0, 6.0, 0.0)
    assert gpu_counts(shared, 24) == (8.0, 0.0, 1.0, 7.0, 0.0)
    assert_gpus_add_up(shared)


def test_a_floor_under_a_commitment_is_spare_not_idle(tmp_path: Path) -> None:
    shared = _shared(_write(tmp_path, 5, "1y"))
    assert shared["gpus"] == [5.0] * 24
    assert gpu_counts(shared, 1) == (5.0, 4.0, 1.0, 0.0, 0.0)  # the traffic needs all 5
    assert gpu_counts(shared, 2) == (5.0, 4.0, 0.0, 1.0, 0.0)  # the old count: 1 mixing
    assert gpu_counts(shared, 13) == (5.0, 0.0, 2.0, 3.0, 0.0)
    assert gpu_counts(shared, 24) == (5.0, 0.0, 1.0, 4.0, 0.0)
    assert_gpus_add_up(shared)


def test_a_floor_that_does_not_bind_keeps_no_spare_gpu(tmp_path: Path) -> None:
    shared = _shared(_write(tmp_path, 1, "none"))
    assert shared["spare_gpus"] == [0.0] * 24
    assert gpu_counts(shared, 1) == (5.0, 4.0, 1.0, 0.0, 0.0)
    assert_gpus_add_up(shared)


def test_analyze_report_and_explain_word_the_spare_gpus(tmp_path: Path) -> None:
    path = _write(tmp_path, 8, "none")
    said = "8 GPUs (4 GPUs pinned to a single workload's adapter, 1 GPU mixing adapters, 3 GPUs "
    said += "kept by min_replicas beyond what the traffic needs)"
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert f"one shared fleet, an adapter per workload: {said}" in " ".join(out.split())
    code, out, err = run("explain", path)
    assert code == 0, err
    out = " ".join(out.split())
    assert "The shared fleet runs 8 GPUs in month 1: 4 GPUs pinned" in out
    assert "Those kept by min_replicas run the base model and every adapter as well" in out
    assert "every one mixes adapters" not in out
    report = tmp_path / "report.md"
    code, _, err = run("report", path, "-o", report)
    assert code == 0, err
    assert (
        "| placement, month 1 | 4 GPUs pinned to a single workload's adapter, 1 GPU mixing "
        "adapters, 3 GPUs kept by min\\_replicas beyond what the traffic needs |"
    ) in report.read_text(encoding="utf-8")
