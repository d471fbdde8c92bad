"""``payback analyze`` of a scenario with ``[[workloads]]``: the portfolio view."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from payback.cli._common import _console, _print_json, _warn
from payback.errors import PaybackError

if TYPE_CHECKING:
    from payback.scenario import Scenario
    from payback.studies.portfolio import PortfolioAnalysis


def show_portfolio(
    file: Path,
    samples: int | None,
    seed: int | None,
    no_quality: bool,
    scenario: Scenario | None = None,
) -> bool:
    """Print the portfolio answer as text when ``file`` lists workloads; False (nothing
    printed) when it does not, for the one-workload analysis to run instead. (analyze
    writes its JSON itself, a portfolio's included.) ``scenario``: the file as already
    loaded."""
    analysis = _portfolio_analysis(file, samples, seed, no_quality, quiet=False, scenario=scenario)
    if analysis is None:
        return False
    from payback.report.portfolio import portfolio_renderables

    _console().print(portfolio_renderables(analysis))
    return True


def portfolio_sensitivity(
    file: Path,
    method: str,
    swing: float | None,
    top: int | None,
    as_json: bool,
    samples: int | None = None,
    seed: int | None = None,
) -> bool:
    """``payback sensitivity`` of a scenario with workloads (a tornado or Sobol indices
    over the portfolio's inputs, workload paths included); False when the file lists none."""
    from payback.cli._common import read_scenario

    scenario = read_scenario(file)
    if not scenario.workloads:
        return False
    from payback.analysis.portfolio import evaluate_portfolio, prepare

    p = prepare(scenario)
    _warn(p.warnings)
    names = [f"{alt.name} (portfolio)" for alt in scenario.alternatives]
    replaced = swing is not None and bool(scenario.distributions)
    if method == "sobol":
        from payback.cli._common import _progress
        from payback.cli._sensitivity import _show_sobol
        from payback.cli.studies import _sobol_samples
        from payback.studies.portfolio_uncertainty import portfolio_sobol

        with _progress("Sobol", enabled=not as_json) as progress:
            result = portfolio_sobol(p, _sobol_samples(samples), seed or 0, swing, progress)
        _show_sobol(names, result, top, as_json, portfolio=True, replaced=replaced)
        return True
    from payback.cli._sensitivity import _show_tornado
    from payback.studies.capacity_held import portfolio_capacity_held_line
    from payback.studies.portfolio_uncertainty import portfolio_tornado

    drivers = portfolio_tornado(p, swing)
    central = [float(o.npv_usd) for o in evaluate_portfolio(p).alternatives]
    horizon = scenario.scenario.horizon_months
    held = portfolio_capacity_held_line(p, [d.parameter for ranked in drivers for d in ranked])
    _show_tornado(
        names,
        central,
        drivers,
        top,
        as_json,
        horizon=horizon,
        portfolio=True,
        replaced=replaced,
        held=held,
    )
    return True


def portfolio_solve(
    file: Path, vary: str, target: str, alternative: int, no_quality: bool, as_json: bool
) -> bool | None:
    """``payback solve`` of a scenario with workloads: None when the file lists none, else
    whether a value meets the target (the answer printed)."""
    from payback.cli._common import read_scenario

    scenario = read_scenario(file)
    if not scenario.workloads:
        return None
    from payback.analysis.portfolio import prepare
    from payback.studies.portfolio import without_workload_value_terms
    from payback.studies.portfolio_uncertainty import solve_portfolio
    from payback.studies.solve import parse_target

    wanted = parse_target(target)
    if no_quality:
        scenario = without_workload_value_terms(scenario)
    p = prepare(scenario)
    _warn(p.warnings)
    solution = solve_portfolio(p, vary, wanted, alternative)
    _warn(solution.warnings)  # a capacity held while a token length varies
    if as_json:
        _print_json(solution.to_dict() | {"portfolio": True})
    else:
        from payback.cli._common import echo, wrapped
        from payback.report.solving import solution_lines

        for line in solution_lines(solution):
            echo(wrapped(line))
    return solution.value is not None or solution.holds_everywhere


def _portfolio_analysis(
    file: Path,
    samples: int | None,
    seed: int | None,
    no_quality: bool,
    named: bool = False,
    quiet: bool = False,
    scenario: Scenario | None = None,
) -> PortfolioAnalysis | None:
    """The portfolio answer of ``file``, None when it lists no workloads, with a progress
    bar on a terminal for long sampling (none when ``quiet``: ``--json``), as a
    scenario's; ``named``: one of several files, whose every error and warning names it;
    ``scenario``: the file as already loaded, not read again."""
    from payback.cli._common import _progress, in_file, read_scenario

    with _progress("sampling", enabled=not quiet) as progress, in_file(file, named):
        if scenario is None:
            scenario = read_scenario(file)
        if not scenario.workloads:
            return None
        if seed is not None and samples is None:
            raise PaybackError("--seed needs --samples: without sampling there is nothing to seed")
        from payback.studies.portfolio import analyze_portfolio

        analysis = analyze_portfolio(
            scenario,
            samples=samples,
            seed=seed or 0,
            value_terms=not no_quality,
            progress=progress,
        )
    warnings = analysis.portfolio.warnings
    _warn([f"{file}: {w}" for w in warnings] if named else warnings)
    return analysis


def portfolio_report(analysis: PortfolioAnalysis, output: Path) -> dict[Path, bytes]:
    """The files of ``payback report`` for a scenario with workloads: the portfolio as one
    HTML page, one Markdown file and its PNG charts, or its cumulative-cost chart alone as
    a PNG (the one the Markdown's -cumulative-portfolio.png draws)."""
    from payback.report.portfolio_document import portfolio_html, portfolio_markdown_files

    suffix = output.suffix.lower()
    if suffix == ".png":
        from payback.report import png_bytes
        from payback.report.portfolio_charts import cumulative_costs

        return {output: png_bytes(cumulative_costs(analysis))}
    if suffix == ".md":  # the Markdown and its PNG charts beside it, written all or none
        return portfolio_markdown_files(analysis, output)
    return {output: portfolio_html(analysis).encode("utf-8")}


def portfolio_explain(
    file: Path,
    samples: int | None,
    seed: int | None,
    no_quality: bool,
    as_json: bool,
    scenario: Scenario | None = None,
) -> bool:
    """``payback explain`` of a scenario with workloads, in plain words (with ``as_json``
    the words and the numbers they say); False without them. ``scenario``: the file as
    already loaded."""
    from payback.report.portfolio_document import portfolio_explanation, ranked_drivers

    analysis = _portfolio_analysis(
        file, samples, seed, no_quality, quiet=as_json, scenario=scenario
    )
    if analysis is None:
        return False
    ranked = ranked_drivers(analysis)  # the words and the numbers read the same drivers
    sections = portfolio_explanation(analysis, ranked)
    if as_json:
        from payback.report.portfolio_facts import portfolio_explain_json

        _print_json(portfolio_explain_json(analysis, sections, ranked))
        return True
    from rich.text import Text

    from payback.report.explain import heading
    from payback.report.fit import Prose

    console = _console()
    for title, paragraphs in sections:
        console.print(Prose(Text(heading(title), style="bold underline")))
        for paragraph in paragraphs:
            console.print(Prose(paragraph))  # wrapped between words: a figure never split
            console.print()
    return True
