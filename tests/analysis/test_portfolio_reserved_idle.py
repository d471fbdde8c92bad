"""A portfolio on a 1-year commitment pays to each term's end for the most GPUs that term
has needed (:func:`payback.finance.reserved_count`). Tried as a new user would, the GPUs
reserved but idle (traffic falling) were counted as GPUs "mixing adapters" in analyze
--json's ``mixed_gpus``, and the one-workload shared fleet called them pinned. Now every
month's GPUs split into pinned, mixing and reserved-but-idle (``idle_gpus``), which add up
to the fleet's, and the text, the report and explain say the idle ones plainly.

Two workloads, 2 requests/s a replica of 1 GPU, planned at 70% (1.4 requests/s), peak 2 ×
the average, nothing escalated; a month is 2,628,000 s. Busy replicas at the busiest hour:

    support triage  6,000,000 × 0.85^(m−1) requests:  month 1 3.262, month 2 2.772
    summaries       2,000,000 × 0.90^(m−1) requests:  month 1 1.087, month 2 0.978

Month 1: 3 + 1 whole replicas pinned and the leftovers 0.262 + 0.087 mixed on 1 (η(2) is
about 0.65): 5 replicas, and the 1y term reserves 5. Month 2: 3 + 1 pinned (mixing the
leftovers 0.772 + 0.978 would need ⌈1.75 / η(2)⌉ = 3 replicas for 2): 4 needed, 5 paid,
1 reserved and idle. Month 13 renews the term at what it needs (0.464 + 0.307: 2, one pool
of 2); month 24 needs 1 (0.078 + 0.096 on one replica) and pays 2, month 14's need.

Separate fleets: support triage alone needs 4 in month 1 and 3 in month 2; summaries 2
then 1: month 2 pays 6 and needs 4, 2 reserved and idle."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from helpers import declining_tasks, portfolio_alternatives, run

ALTERNATIVES = """
[[alternatives]]
name = "adapters, one fleet, 1y"
kind = "self_hosted"
usd_per_gpu_hour = 0.6
replica_requests_per_s = 2.0
commitment = "1y"
portfolio = { fleet = "shared" }

[[alternatives]]
name = "a fleet per task, 1y"
kind = "self_hosted"
usd_per_gpu_hour = 0.6
replica_requests_per_s = 2.0
commitment = "1y"
portfolio = { fleet = "separate" }
"""


def _write(tmp_path: Path, workloads: int) -> Path:
    path = tmp_path / f"committed-{workloads}.toml"
    text = declining_tasks("two tasks on a committed shared fleet", ALTERNATIVES, workloads)
    path.write_text(text, encoding="utf-8")
    tomllib.loads(path.read_text(encoding="utf-8"))
    return path


def test_a_committed_shared_fleet_tells_pinned_mixing_and_idle_gpus_apart(
    tmp_path: Path,
) -> None:
    shared, separate = portfolio_alternatives(_write(tmp_path, 2))
    gpus, pinned = shared["gpus"], shared["pinned_gpus"]
    mixed, idle = shared["mixed_gpus"], shared["idle_gpus"]
    assert gpus == [5.0] * 12 + [2.0] * 12  # reserved: the most each term has needed
    # month 1: 4 pinned, 1 mixing; month 2: 4 pinned, none mixing, 1 reserved and idle
    assert (gpus[0], pinned[0], mixed[0], idle[0]) == (5.0, 4.0, 1.0, 0.0)
    assert (gpus[1], pinned[1], mixed[1], idle[1]) == (5.0, 4.0, 0.0, 1.0)
    assert (gpus[12], pinned[12], mixed[12], idle[12]) == (2.0, 0.0, 2.0, 0.0)  # renewed
    assert (gpus[23], pinned[23], mixed[23], idle[23]) == (2.0, 0.0, 1.0, 1.0)
    for m in range(24):
        assert min(pinned[m], mixed[m], idle[m]) >= 0.0, m
        assert pinned[m] + mixed[m] + idle[m] == gpus[m], m
    # separate fleets: no adapters placed, the reserved but idle GPUs of all fleets summed
    assert (separate["pinned_gpus"], separate["mixed_gpus"]) == (None, None)
    assert separate["gpus"][:2] == [6.0, 6.0]
    assert separate["idle_gpus"][:2] == [0.0, 2.0]  # needs 4 + 2, then 3 + 1


def test_a_one_workload_shared_fleet_does_not_call_its_idle_gpus_pinned(
    tmp_path: Path,
) -> None:
    shared, separate = portfolio_alternatives(_write(tmp_path, 1))
    # support triage alone: 4 replicas in month 1, 3 in month 2, the term reserves 4
    assert shared["gpus"][:2] == [4.0, 4.0]
    assert shared["pinned_gpus"][:2] == [4.0, 3.0]
    assert shared["mixed_gpus"][:2] == [0.0, 0.0]
    assert shared["idle_gpus"][:2] == [0.0, 1.0]
    for a in (shared, separate):
        assert a["idle_gpus"][12] == 0.0  # the renewal starts from what month 13 needs
        assert a["idle_gpus"] == separate["idle_gpus"]


def test_without_a_commitment_no_gpu_is_idle(tmp_path: Path) -> None:
    path = _write(tmp_path, 2)
    path.write_text(path.read_text().replace('commitment = "1y"', 'commitment = "none"'))
    shared, separate = portfolio_alternatives(path)
    assert shared["idle_gpus"] == separate["idle_gpus"] == [0.0] * 24
    assert shared["gpus"][:2] == [5.0, 4.0]
    assert [
        p + m for p, m in zip(shared["pinned_gpus"], shared["mixed_gpus"], strict=True)
    ] == shared["gpus"]


def test_analyze_report_and_explain_word_the_reserved_idle_gpus(tmp_path: Path) -> None:
    from payback.report.portfolio_common import placement_words
    from payback.scenario import load_scenario
    from payback.studies.portfolio import analyze_portfolio

    path = _write(tmp_path, 2)
    # idle in 21 months: 2-12 and 15-24 (months 1, 13 and 14 need all the term reserved)
    said = "up to 3 GPUs reserved, idle until the term ends (in 21 of 24 months)"
    code, out, err = run("analyze", path)
    assert code == 0, err
    out = " ".join(out.split())  # the table's cells wrap
    assert (
        "one shared fleet, an adapter per workload: 5 GPUs (4 GPUs pinned to a single "
        f"workload's adapter, 1 GPU mixing adapters); {said}" in out
    )
    assert "fleet per workload: 6 GPUs in all; up to 4 GPUs reserved, idle until" in out
    code, out, err = run("explain", path)
    assert code == 0, err
    out = " ".join(out.split())
    assert f"for the most GPUs that term has needed: {said}." in out
    report = tmp_path / "report.md"
    code, _, err = run("report", path, "-o", report)
    assert code == 0, err
    assert f"| reserved, idle | {said} |" in report.read_text(encoding="utf-8")
    shared = analyze_portfolio(load_scenario(path)).alternatives[0]
    assert placement_words(shared, 1) == (
        "4 GPUs pinned to a single workload's adapter, 1 GPU reserved, idle until the term ends"
    )
    assert placement_words(shared, 23) == (
        "1 GPU mixing adapters, 1 GPU reserved, idle until the term ends"
    )


def test_explain_json_gives_the_idle_gpus_its_words_say(tmp_path: Path) -> None:
    """explain --json gave month 1's spare GPUs but no idle ones, where the words say "up to
    3 GPUs reserved, idle until the term ends (in 21 of 24 months)". The shared fleet is
    idle in months 2-12 and 15-24, 3 at the most (months 8-12 need 2 of the 5 reserved);
    the fleets per workload in months 2-12, 4 at the most (month 12 needs 1 + 1 of the 6
    reserved). Month 1 needs all a term reserves: its counts add up without idle GPUs."""
    path = _write(tmp_path, 2)
    code, out, err = run("explain", path, "--json")
    assert code == 0, err
    explained = json.loads(out)
    shared, separate = explained["alternatives"]
    assert shared["shared_fleet"] == {
        "gpus_month_1": 5,
        "pinned_gpus_month_1": 4,
        "mixed_gpus_month_1": 1,
        "spare_gpus_month_1": 0,
        "idle_gpus_month_1": 0,  # 4 + 1 + 0 + 0 = 5
        "idle_gpus_max": 3,
        "months_with_idle_gpus": 21,
    }
    assert separate["own_fleets"] == {
        "gpus_month_1": 6,
        "gpus_max": 6,
        "spare_gpus_month_1": 0,  # each workload's fleet: what its traffic needs
        "idle_gpus_month_1": 0,
        "idle_gpus_max": 4,
        "months_with_idle_gpus": 11,
    }
    words = " ".join(p for s in explained["sections"] for p in s["paragraphs"])
    assert "up to 3 GPUs reserved, idle until the term ends (in 21 of 24 months)" in words
    assert "up to 4 GPUs reserved, idle until the term ends (in 11 of 24 months)" in words
    shared_idle, separate_idle = (a["idle_gpus"] for a in portfolio_alternatives(path))
    assert max(shared_idle) == 3.0
    assert sum(1 for i in shared_idle if i > 0) == 21
    assert max(separate_idle) == 4.0
    assert sum(1 for i in separate_idle if i > 0) == 11
