"""The portfolio caution on capacities held while token lengths vary said "the 5 capacities
given for alternatives.0 on those workloads" where only 4 workloads give one (support
triage runs at the alternative's own 13.8): it says who gives each."""

from __future__ import annotations

from pathlib import Path

from helpers import FROZEN_PORTFOLIO
from payback.analysis.portfolio import prepare
from payback.scenario import load_scenario
from payback.studies.capacity_held import TOKEN_PATHS, kept_for, portfolio_capacity_held_line

TRIAGE = "output_tokens = 150, peak_to_average = 3.0 }\n"


def _line(path: Path, index: int = 0) -> str | None:
    p = prepare(load_scenario(path))
    lengths = [f"workloads.{j}.{t}" for j in range(5) for t in TOKEN_PATHS[:2]]
    return portfolio_capacity_held_line(p, lengths, kept_for(index))


def _held(line: str | None) -> str:
    assert line is not None
    return line.split("only: ")[1].split(" stay as they are")[0]


def test_the_alternatives_own_capacity_is_not_counted_as_a_workloads() -> None:
    assert _held(_line(FROZEN_PORTFOLIO)) == (
        "the capacities of alternatives.0 on those workloads (replica_requests_per_s: the 4 "
        "that workloads 1, 2, 3 and 4 give; alternatives.0's own on workload 0)"
    )


def test_every_workload_giving_its_own_is_counted_so(tmp_path: Path) -> None:
    text = FROZEN_PORTFOLIO.read_text(encoding="utf-8")
    assert TRIAGE in text
    own = (
        TRIAGE + 'alternatives."Llama 3.1 8B, an adapter per task, one fleet" = '
        "{ replica_requests_per_s = 13.0 }\n"
    )
    path = tmp_path / "all-own.toml"
    path.write_text(text.replace(TRIAGE, own, 1), encoding="utf-8")
    assert _held(_line(path)) == (
        "the capacities of alternatives.0 on those workloads (replica_requests_per_s: the 5 "
        "that workloads 0, 1, 2, 3 and 4 give)"
    )
    # the other alternative: workload 0 still gives none for it
    assert _held(_line(path, 1)) == (
        "the capacities of alternatives.1 on those workloads (replica_requests_per_s: the 4 "
        "that workloads 1, 2, 3 and 4 give; alternatives.1's own on workload 0)"
    )


def test_a_baseline_capacity_no_workload_gives_is_the_baselines_own(tmp_path: Path) -> None:
    """A self-hosted baseline's capacity held on every workload, none giving its own (the
    line had no workload to name and failed: IndexError)."""
    from analysis.test_portfolio_baseline import FILE

    path = tmp_path / "baseline-fleet.toml"
    path.write_text(FILE, encoding="utf-8")
    p = prepare(load_scenario(path))
    lengths = [f"workloads.{j}.{t}" for j in range(3) for t in TOKEN_PATHS[:2]]
    assert _held(portfolio_capacity_held_line(p, lengths, kept_for(0))) == (
        "the capacities of baseline on those workloads (replica_requests_per_s: baseline's own "
        "on workloads 0, 1 and 2)"
    )
