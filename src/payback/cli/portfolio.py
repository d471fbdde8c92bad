"""``payback analyze`` of a scenario with ``[[workloads]]``: the portfolio view."""

from __future__ import annotations

from pathlib import Path

from payback.cli._common import _console, _print_json, _warn
from payback.errors import PaybackError


def show_portfolio(
    file: Path, samples: int | None, seed: int | None, no_quality: bool, as_json: bool
) -> bool:
    """Print the portfolio answer when ``file`` lists workloads; False (nothing printed)
    when it does not, for the one-workload analysis to run instead."""
    from payback.scenario import load_scenario

    scenario = load_scenario(file)
    if not scenario.workloads:
        return False
    if seed is not None and samples is None:
        raise PaybackError("--seed needs --samples: without sampling there is nothing to seed")
    from payback.studies.portfolio import analyze_portfolio

    analysis = analyze_portfolio(
        scenario, samples=samples, seed=seed or 0, value_terms=not no_quality
    )
    _warn(analysis.portfolio.warnings)
    if as_json:
        _print_json({"portfolio": analysis.to_dict()})
    else:
        from payback.report.portfolio import portfolio_renderables

        _console().print(portfolio_renderables(analysis))
    return True
