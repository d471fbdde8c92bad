"""A ``portfolio`` number that nothing reads (an alternative without a shared fleet):
analyze accepted a distribution there silently while explain, sensitivity, report and
analyze --samples refused the file (exit 2, "not read: that alternative has no shared
fleet", no file named); a plain number there was accepted silently by all. Now every
command warns once per field and answers, and no study samples it (tried as a new user
would, on examples/portfolio.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES, run
from payback.analysis.portfolio import prepare
from payback.analysis.portfolio_unread import unread_serving
from payback.errors import PaybackError
from payback.scenario import load_scenario
from payback.studies.portfolio_uncertainty import portfolio_monte_carlo, solve_portfolio

SEPARATE = 'portfolio = { fleet = "separate" }'
SHARED = 'portfolio = { fleet = "shared", adapter_rank = 16 }'
SEP = "'a fine-tuned 8B and its own fleet per task'"
WHY_SEPARATE = 'fleet = "separate": a fine-tuned model and fleet of its own per workload'


def _file(tmp_path: Path, old: str, new: str, extra: str = "") -> Path:
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "p.toml"
    path.write_text(text.replace(old, new) + extra, encoding="utf-8")
    return path


def _separate_range(tmp_path: Path) -> Path:
    dist = '{ dist = "uniform", low = 0.5, high = 1.0 }'
    return _file(
        tmp_path, SEPARATE, f'portfolio = {{ fleet = "separate", coincidence_factor = {dist} }}'
    )


def test_a_range_on_a_separate_fleets_coincidence_is_warned_of_and_every_command_answers(
    tmp_path: Path,
) -> None:
    path = _separate_range(tmp_path)
    line = (
        f"warning: alternatives.1.portfolio.coincidence_factor (a uniform distribution): not "
        f"read, nor sampled: {SEP} has no shared fleet ({WHY_SEPARATE}); leave it out"
    )
    for args in (
        ("analyze", path),
        ("analyze", path, "--samples", "100"),
        ("explain", path),
        ("sensitivity", path),
        ("report", path, "-o", tmp_path / "r.html"),
    ):
        code, _, err = run(*args)
        assert code == 0, (args, err)
        assert [w for w in err.splitlines() if "coincidence_factor" in w] == [line], args
    # no study samples it: the samples are the central answer's
    p = prepare(load_scenario(path))
    sampled = portfolio_monte_carlo(p, 50, seed=1)
    assert sampled["inputs"] == []
    assert prepare(load_scenario(EXAMPLES / "portfolio.toml")).warnings == []


def test_a_range_on_a_one_workload_shared_fleets_overhead_is_warned_of(tmp_path: Path) -> None:
    dist = '{ dist = "uniform", low = 0.2, high = 0.4 }'
    path = _file(
        tmp_path,
        SHARED,
        f'portfolio = {{ fleet = "shared", adapter_overhead = {dist}, '
        'workloads = ["support triage"] }',
    )
    own = 'alternatives."Llama 3.1 8B, an adapter per task, one fleet" = '
    kept = [line for line in path.read_text(encoding="utf-8").splitlines() if own not in line]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    for args in (("explain", path), ("sensitivity", path), ("analyze", path, "--samples", "64")):
        code, _, err = run(*args)
        assert code == 0, (args, err)
        assert (
            "warning: alternatives.0.portfolio.adapter_overhead (a uniform distribution): not "
            "read, nor sampled: 'Llama 3.1 8B, an adapter per task, one fleet' has no shared "
            "fleet (it serves one workload ('support triage'), its adapter merged into the "
            "weights); leave it out"
        ) in err.splitlines()


def test_fleet_numbers_on_a_separate_fleet_and_a_hosted_api_are_each_warned_of_once(
    tmp_path: Path,
) -> None:
    numbers = "adapter_rank = 64, coincidence_factor = 0.5, adapter_overhead = 0.9"
    hosted = (
        '\n[[alternatives]]\nname = "hosted mini"\nkind = "hosted_api"\n'
        "input_usd_per_mtok = 0.4\noutput_usd_per_mtok = 1.6\n"
        f'portfolio = {{ fleet = "separate", {numbers} }}\n'
    )
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    head, _, workloads = text.partition("[[workloads]]")
    path = tmp_path / "p.toml"
    path.write_text(
        head.replace(SEPARATE, f'portfolio = {{ fleet = "separate", {numbers} }}')
        + hosted
        + "\n[[workloads]]"
        + workloads,
        encoding="utf-8",
    )
    p = prepare(load_scenario(path))
    hosted_why = "'hosted mini' has no shared fleet (a hosted option runs no fleet); leave it out"
    separate_why = f"{SEP} has no shared fleet ({WHY_SEPARATE}); leave it out"
    assert list(unread_serving(p).values()) == [
        f"alternatives.1.portfolio.coincidence_factor = 0.5: not read: {separate_why}",
        f"alternatives.1.portfolio.adapter_rank = 64: not read: {separate_why}",
        f"alternatives.1.portfolio.adapter_overhead = 0.9: not read: {separate_why}",
        f'alternatives.2.portfolio.fleet = "separate": not read: {hosted_why}',
        f"alternatives.2.portfolio.coincidence_factor = 0.5: not read: {hosted_why}",
        f"alternatives.2.portfolio.adapter_rank = 64: not read: {hosted_why}",
        f"alternatives.2.portfolio.adapter_overhead = 0.9: not read: {hosted_why}",
    ]
    code, _, err = run("analyze", path)
    assert code == 0, err
    warned = [w for w in err.splitlines() if "not read" in w]
    assert warned == [f"warning: {line}" for line in unread_serving(p).values()]
    # what is read is said nothing of: the shared fleet's numbers, a hosted API's workloads
    assert not unread_serving(prepare(load_scenario(EXAMPLES / "portfolio.toml")))


def test_solve_refuses_a_number_of_no_shared_fleet_by_the_flag(tmp_path: Path) -> None:
    from payback.studies.solve import parse_target

    p = prepare(load_scenario(EXAMPLES / "portfolio.toml"))
    with pytest.raises(PaybackError) as caught:
        solve_portfolio(p, "alternatives.1.portfolio.coincidence_factor", parse_target("npv_usd=0"))
    assert caught.value.param == "vary"
    assert caught.value.messages == [
        f"vary alternatives.1.portfolio.coincidence_factor: not read: {SEP} has no shared "
        "fleet, so no value of it changes the NPV or meets a target"
    ]
    code, _, err = run(
        "solve", EXAMPLES / "portfolio.toml", "--vary", "workloads.9.traffic.requests_per_month",
        "--target", "npv_usd=0",
    )  # fmt: skip
    assert (code, err) == (
        2,
        "error: --vary workloads.9.traffic.requests_per_month: no such workload "
        "(workloads.0 … workloads.4)\n",
    )
