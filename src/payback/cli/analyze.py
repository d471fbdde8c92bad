"""``payback analyze``, ``report`` and ``explain``: one scenario's answer as tables, as a
file to share, and in plain words."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from payback.cli._common import (
    JsonFlag,
    NoQualityFlag,
    SamplesOption,
    ScenarioFile,
    SeedOption,
    _busy,
    _console,
    _note,
    _print_json,
    _progress,
    _warn,
    in_file,
    user_errors,
)
from payback.cli._files import (
    _check_not_a_folder,
    _check_replaceable,
    _write_outputs,
    through_missing,
)
from payback.cli._links import check_link, link_target
from payback.cli._streams import status
from payback.errors import PaybackError

if TYPE_CHECKING:
    from payback.analysis.result import Analysis
    from payback.scenario import Scenario
    from payback.studies.portfolio import PortfolioAnalysis


def _analysis(
    file: Path,
    samples: int | None,
    seed: int | None,
    no_quality: bool = False,
    quiet: bool = False,
    named: bool = False,
    scenario: Scenario | None = None,
) -> Analysis:
    """The analysis of one file, with a progress bar on a terminal for long sampling
    (none when ``quiet``: ``--json``); ``named``: every error names the file (one of
    several compared); ``scenario``: the file as already loaded, not read again."""
    from payback.analysis.result import analyze
    from payback.cli._common import read_scenario

    if seed is not None and samples is None:
        raise PaybackError("--seed needs --samples: without sampling there is nothing to seed")
    with _progress("sampling", enabled=not quiet) as progress, in_file(file, named):
        if scenario is None:
            scenario = read_scenario(file)
        analysis = analyze(
            scenario,
            samples=samples,
            seed=seed or 0,
            progress=progress,
            value_terms=not no_quality,
        )
    warnings = analysis.resolved.warnings
    if named:  # one of several files: each warning says which
        warnings = [f"{file}: {w}" for w in warnings]
    _warn(warnings)
    return analysis


def _compared(
    file: Path,
    samples: int | None,
    seed: int | None,
    no_quality: bool,
    quiet: bool = False,
    named: bool = True,
    scenario: Scenario | None = None,
) -> Analysis | PortfolioAnalysis:
    """A file's answer: a scenario's analysis, or for a scenario with workloads its
    portfolio, every workload moved together, as analyzed alone (compared with other files,
    its rows counted its first workload alone, and picked another winner); ``named``: one of
    several files, whose every error and warning names it; ``scenario``: the file as
    already loaded."""
    from payback.cli.portfolio import _portfolio_analysis

    portfolio = _portfolio_analysis(
        file, samples, seed, no_quality, named=named, quiet=quiet, scenario=scenario
    )
    if portfolio is not None:
        return portfolio
    return _analysis(file, samples, seed, no_quality, quiet=quiet, named=named, scenario=scenario)


def _json_answer(
    file: Path,
    samples: int | None,
    seed: int | None,
    no_quality: bool,
    named: bool,
    scenario: Scenario | None = None,
) -> dict[str, Any]:
    """A file's answer for ``--json``: ``scenario_file`` (the path as given), then the
    analysis's fields, or a portfolio's under ``portfolio``."""
    from payback.analysis.result import Analysis

    answer = _compared(file, samples, seed, no_quality, quiet=True, named=named, scenario=scenario)
    fields = (
        _analysis_json(answer) if isinstance(answer, Analysis) else {"portfolio": answer.to_dict()}
    )
    return {"scenario_file": str(file)} | fields


def _analysis_json(analysis: Analysis) -> dict[str, Any]:
    """An analysis as ``--json`` gives it: its fields, and under each alternative the words
    analyze prints beside them, as explain --json gives them: ``escalation_words`` (why the
    share sent to an always-on self-hosted baseline costs the whole fleet; ``null``
    otherwise)."""
    from payback.report.fleet import escalation_words

    fields = analysis.to_dict()
    for index, alt in enumerate(fields["alternatives"]):
        alt["escalation_words"] = escalation_words(analysis, index)
    return fields


ScenarioFiles = Annotated[
    list[Path],
    typer.Argument(
        help="Scenario file (TOML, or YAML by extension): at most 10 MiB, nested 32 deep, "
        "100 alternatives; several files are compared in one table.",
        show_default=False,
    ),
]


@user_errors
def analyze(
    file: ScenarioFiles,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Monte Carlo over the scenario's distributions: the chance of paying back within 3/6/12 months, percentiles, drivers (1 to 2,000,000 samples).",
        ),
    ] = None,
    seed: SeedOption = None,
    no_quality: NoQualityFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Break-even month and requests, NPV and monthly costs of each alternative.

    Reads a scenario (see **payback init** for a commented one) and compares
    every `[[alternatives]]` entry with the `[baseline]`: one-time cost by item, monthly
    cost now and at the horizon, break-even (interpolated inside the month), NPV and
    whether it pays back within a quarter. Numbers may be distributions
    (`{ dist = "triangular", low = 1, mode = 2, high = 4 }`); the answer uses their
    central values, and **--samples N** adds how likely each outcome is and which
    inputs drive it (a file with no distribution is not sampled, as every sample would be
    the same answer: alone, it is refused); one on a number an estimate reads (`tpot_ms`,
    a training job's `examples`) moves the estimate, each sample's as analyze would
    estimate it. An option's `quality = { error_rate, usd_per_error }` and
    `latency = { p50_ms, usd_per_second_per_1k_requests }` are priced as their own cost
    components; **--no-quality** leaves them out (the infrastructure view). A scenario
    with `[[workloads]]` gets the portfolio: every workload moved together, each with its own
    traffic (a `[traffic]` beside them is not read: its fields that differ from the first
    workload's are warned of, as they move only the page's one-workload view).

    Several files (`payback analyze examples/seed.toml examples/growth.toml`) give one table
    across the scenarios
    (one-time cost, month-1 saving, break-even, NPV, within a quarter; a scenario with
    workloads as its portfolio, as alone) and each verdict; with **--json**, a list of
    their answers, each as the file gives it alone. Every **--json** answer says the file
    it came from under `scenario_file`: the path given for it; each alternative of a
    scenario (not of a portfolio, whose baseline fleet row says it) has
    `escalation_words`: why the share it sends to an always-on self-hosted baseline costs
    that whole fleet, as explain --json does (`null` where it sends none there).

    Example, a fine-tuned 7B on one rented L4 against a hosted API at 200k requests a month:
    break-even in month 13.37 (after 2,673,817 requests), not within a quarter, NPV $7,836
    over 24 months:

    `payback analyze examples/quarter-200k.toml`
    """
    files = file
    several = len(files) > 1
    each = _sampled_scenarios(files, samples, seed)
    if as_json:  # each file's answer as it gives it alone, naming the file
        found = [
            _json_answer(f, n, s, no_quality, several, scenario)
            for f, (scenario, n, s) in zip(files, each, strict=True)
        ]
        _print_json(found if several else found[0])
        return
    if not several:
        from payback.cli.portfolio import show_portfolio

        if show_portfolio(files[0], samples, seed, no_quality, each[0][0]):
            return
        from payback.report import analysis_renderables

        answer = _analysis(files[0], samples, seed, no_quality, scenario=each[0][0])
        _console().print(analysis_renderables(answer))
        return
    answers = [
        _compared(path, n, s, no_quality, scenario=scenario)
        for path, (scenario, n, s) in zip(files, each, strict=True)
    ]
    from payback.report.compare import comparison_renderables

    _console().print(comparison_renderables(answers, _labels(files)))


Sampling = tuple["Scenario | None", "int | None", "int | None"]
"""One file's scenario as loaded (``None``: not yet), its samples and its seed."""


def _sampled_scenarios(files: list[Path], samples: int | None, seed: int | None) -> list[Sampling]:
    """Each file's scenario, samples and seed. With ``--samples`` each file is loaded and
    one with no distribution is not sampled (its samples would be one answer drawn again,
    its chances of paying back 0% or 100% as if certain): a note says so where another
    file compared is sampled, and where none is, PaybackError."""
    if samples is None:
        return [(None, None, seed)] * len(files)
    from payback.cli._common import read_scenario
    from payback.studies.uncertainty import check_sampling

    check_sampling(samples, seed or 0)
    loaded = []
    for path in files:
        with in_file(path, len(files) > 1):
            loaded.append(read_scenario(path))
    flat = [str(path) for path, s in zip(files, loaded, strict=True) if not s.distributions]
    if len(flat) == len(files):
        from payback.figures import listed

        names = listed(flat)
        have = "has" if len(flat) == 1 else "have"
        # a portfolio keeps its traffic in its workloads, not under [traffic]
        yaml = Path(flat[0]).suffix.lower() in (".yaml", ".yml")
        where = (
            ("a workloads entry's traffic" if yaml else "a [[workloads]] entry's traffic")
            if loaded[0].workloads
            else ("traffic:" if yaml else "[traffic]")
        )
        example = (
            "requests_per_month: {dist: triangular, low: 150000, mode: 200000, high: 320000}"
            if yaml
            else 'requests_per_month = { dist = "triangular", low = 150000, mode = 200000, '
            "high = 320000 }"
        )
        raise PaybackError(
            f"--samples: {names} {have} no distributions, so every sample would be the same "
            f"answer; give an input a range (e.g. under {where}, {example}), or see "
            f"which inputs matter over assumed ±25% ranges with `payback sensitivity {flat[0]}`"
        )
    _note(
        [
            f"{name} has no distributions: not sampled (every sample would be the same)"
            for name in flat
        ]
    )
    return [(s, samples, seed) if s.distributions else (s, None, None) for s in loaded]


def _one_scenario(file: Path, samples: int | None, seed: int | None) -> Scenario:
    """``file`` loaded, and with ``--samples`` refused where it has no distribution, in the
    words analyze refuses it with (:func:`_sampled_scenarios`): report and explain
    sampled it and printed "every sample is the same" where analyze stopped."""
    scenario, _, _ = _sampled_scenarios([file], samples, seed)[0]
    if scenario is None:
        from payback.cli._common import read_scenario

        scenario = read_scenario(file)
    return scenario


def _labels(files: list[Path]) -> list[str]:
    """Short names for scenario files in a table: the file's stem, or its path when two
    files share a stem."""
    stems = [f.stem for f in files]
    return [s if stems.count(s) == 1 else str(f) for s, f in zip(stems, files, strict=True)]


REPORT_TYPES = (".html", ".htm", ".md", ".png")


@user_errors
def report(
    file: ScenarioFile,
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="report.html (interactive, one offline file), report.md (+ PNG charts beside it) or chart.png; a missing folder is made.",
        ),
    ],
    samples: SamplesOption = None,
    seed: SeedOption = None,
    no_quality: NoQualityFlag = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Replace files payback did not write, or that were changed since."
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """A report to attach to a design review: charts, the explanation and every input's source.

    **.html**: one self-contained file (plotly.js inlined, no network requests) with
    interactive charts: cumulative cost with the break-even marked, monthly cost by
    component, one-time cost by item, cost per 1k requests as traffic varies, the drivers,
    and with **--samples** the fan of cumulative savings and the break-even histogram.
    **.md**: the same as Markdown with PNG charts written beside it. A scenario with
    workloads (a portfolio) gets its own: the cumulative cost of each alternative against
    today's APIs, what each workload brings, the break-even worked out, the migration order
    and its inputs, and with **--samples** each alternative's fan and histogram. **.png**:
    the cumulative-cost chart alone. Whatever the type, a missing folder in **-o** is made
    when the report is written (a path through a file, or a folder that cannot be made, is
    refused before any work). A file payback wrote and nobody changed since is replaced
    (each carries the hash of its content); others, edited reports too, need **--force**.
    A Markdown report written again removes the charts its previous version linked and this
    one has not, each only if payback wrote it and nobody changed it since. **--json**
    lists the files written (and removed).

    Example, the HTML report of a fine-tuned 7B against a hosted API, in a folder made for
    it:

    `payback report examples/quarter-200k.toml -o reports/quarter-200k.html`
    """
    _check_not_a_folder(through_missing(output), "report.html", "-o")  # said before its type
    suffix = output.suffix.lower()
    if suffix not in REPORT_TYPES:
        raise PaybackError(
            f"-o {output}: unknown report type {suffix or '(none)'}; allowed: .html, .md, .png"
        )
    output = through_missing(output)  # newd/../r.html is r.html: no newd made, left empty
    if suffix == ".md":  # its charts go beside the file a link there points to
        check_link(output, force)  # the link itself: a link to nothing needs --force
        output = link_target(output)
    # before the work (its folder too, made once the report is ready to write): the charts
    # beside it are checked after
    _check_replaceable(output, force, "-o", status_only=not as_json)
    scenario = _one_scenario(file, samples, seed)  # read once: the checks and the report use it
    if suffix == ".md":
        _check_chart_names(scenario, output)
    from payback.cli.portfolio import _portfolio_analysis, portfolio_report

    before = _charts_before(output) if suffix == ".md" else []
    portfolio = _portfolio_analysis(file, samples, seed, no_quality, scenario=scenario)
    if portfolio is not None:
        files = portfolio_report(portfolio, output)
    else:
        files = _report_files(_analysis(file, samples, seed, no_quality, scenario=scenario), output)
    _write_outputs(files, force, "-o")
    _written(output, list(files), as_json, _remove_stale(before, files))


def _check_chart_names(scenario: Scenario, output: Path) -> None:
    """Refuse, before any work, a Markdown report of ``scenario`` whose charts beside it
    would have a name longer than a file system allows (the report's own name fits)."""
    from payback.limits import MAX_NAME_BYTES, shown_path
    from payback.report.markdown import longest_chart_ends

    stem = len(os.fsencode(output.stem))
    for end in longest_chart_ends(len(scenario.alternatives), bool(scenario.workloads)):
        if (size := stem + len(end)) > MAX_NAME_BYTES:
            fits = len(os.fsencode(output.name)) - (size - MAX_NAME_BYTES)
            raise PaybackError(
                f"-o {shown_path(output)}: its chart …{end} beside it would have a name of "
                f"{size:,} bytes; the limit is {MAX_NAME_BYTES} bytes a name: give the report "
                f"a name of at most {fits} bytes"
            )


def _report_files(analysis: Analysis, output: Path) -> dict[Path, bytes]:
    """One scenario's report at ``output`` (by its type), and the charts beside a Markdown
    one: each file's content."""
    suffix = output.suffix.lower()
    if suffix in (".html", ".htm"):
        from payback.report import render_html

        return {output: render_html(analysis).encode("utf-8")}
    if suffix == ".md":
        from payback.report import markdown_files

        return markdown_files(analysis, output)
    from payback.report import charts, png_bytes

    return {output: png_bytes(charts.cumulative_costs(analysis))}


def _charts_before(output: Path) -> list[Path]:
    """The charts the Markdown report at ``output`` links, when payback wrote it and nobody
    changed it since (an edited report's links are the user's)."""
    from payback.cli._files import owned

    if not owned(output):
        return []
    from payback.report.markdown import linked_charts

    try:
        return linked_charts(output.read_text(encoding="utf-8"), output)
    except (OSError, UnicodeDecodeError):
        return []


def _remove_stale(before: list[Path], files: dict[Path, bytes]) -> list[Path]:
    """Remove the charts the report's previous version linked that this one does not write
    (a scenario with fewer alternatives: ``r-tornado-2.png``), each only when payback wrote
    it and nobody changed it since (its hash matches), it is not a link and has no other
    name. A file the user wrote or changed is never removed."""
    from payback.cli._files import owned

    removed = []
    for png in before:
        if png in files or png.is_symlink() or not owned(png):
            continue
        try:
            if png.stat().st_nlink > 1:
                continue
            png.unlink()
        except OSError:
            continue
        removed.append(png)
    return removed


def _written(output: Path, files: list[Path], as_json: bool, removed: list[Path]) -> None:
    """What ``report`` wrote (the report and the charts beside it) and the charts of its
    previous version it removed, in words or as JSON."""
    if as_json:
        written = {"report": str(output), "written": [str(f) for f in files]}
        _print_json(written | ({"removed": [str(f) for f in removed]} if removed else {}))
        return
    charts = len(files) - 1  # status lines: dropped where stdout was closed from the start
    status(f"Wrote {output}" + (f" and {charts} charts beside it" if charts > 0 else ""))
    if removed:
        names = ", ".join(f.name for f in removed)
        status(f"Removed {len(removed)} charts of its previous version, not in this one: {names}")


@user_errors
def explain(
    file: ScenarioFile,
    samples: SamplesOption = None,
    seed: SeedOption = None,
    no_quality: NoQualityFlag = False,
    as_json: JsonFlag = False,
) -> None:
    """Why the answer is what it is: analyze's verdict in plain words, with this scenario's numbers.

    Each alternative gets a few short sections. **What the project really costs**: the
    one-time items beyond the training run and the running costs by component. **How the
    break-even is computed here**: month 1 on each side, the monthly saving, and the month
    the cumulative savings cross zero, with the arithmetic. **The verdict**: within a
    quarter and over the horizon, with the traffic it would take to pay back within a
    quarter: broken even by month 3 and not behind again there, as analyze's "Pays back within
    3 months" counts it (solve's target of a break-even in month 3 asks only the first; a range
    in the file at its central value).
    **Why it wins or loses** (a self-hosted fleet):
    idle GPU time and what would change the answer. **What decides it**: the inputs that
    move the answer most, each over its range, and what to measure first. Money is USD;
    month 13.37 means 37% into month 14. With **--samples N** it adds how likely each
    outcome is.

    Example: `payback explain examples/quarter-200k.toml` works out "break-even = 13 +
    $399 / $1,082 = month 13.37", says it does not pay back within a quarter unless traffic
    is at least 585,538 requests a month (today 200,000), and names the real monthly
    traffic as the number to measure first.

    **--json** gives the prose as `sections` (each a `title` and its `paragraphs`) and every
    number it says under `alternatives`, one per alternative, `null` where there is none (a
    break-even past the horizon): `name`, `kind`, `verdict` (analyze's line),
    `within_a_quarter`, `pays_back_within`, `saves_nothing`, `break_even_month`,
    `break_even_requests`, `never_reason`, `npv_usd`; the costs: `one_time_usd`,
    `one_time_items_usd`, `month_1` (each side, per 1k requests, the saving, the
    components), `retraining`, `over_horizon`, `escalation_words` (why the share sent to an
    always-on baseline fleet costs what it does; `null` otherwise); the working:
    `monthly_difference_moves_because`, `crossing` (the months either side of zero),
    `after_a_quarter` (recovered after 3 `months`, or the horizon's fewer),
    `traffic_for_a_quarter` (at least or at most); `fleet` (utilisation, idle cost),
    `levers` (scaled to zero; the GPU rent for a quarter: `value` to the cent, `at_most`,
    `today`, `today_meets_it` where today's rent already meets it and `value` is null, `nearest`
    where no rent does), `drivers` (each `parameter` with `npv_low_usd`, `npv_high_usd`,
    `break_even_month_low`, `break_even_month_high`, `npv_swing_usd`, `narrowed` (an assumed end
    analyze refuses, taken back to the file's value: its `end`, the value `refused`, the
    `reason`, the range's `label`), `low_past_cap` and `high_past_cap` (the `gpus` and `month`
    of an end whose fleet passes the GPU cap), `changes_the_answer`), `measure_first`,
    `capacity_held` (the caution where a driver varies a token length while a capacity the file
    gives stays as it is; `null` where none does), `infrastructure_only` (with priced quality or
    latency) and, with **--samples**, `uncertainty`.

    For a scenario with workloads (a portfolio), the same questions for the workloads moved
    together: `scenario`, `horizon_months`, `discount_rate_annual`, `workloads`, `verdict`
    (the best by NPV) and per alternative `name`, `kind`, `fleet`, `workloads`, the
    answer's keys above, `shared_one_time_usd` (paid once for all), `month_1`,
    `last_month`, `crossing`, `shared_fleet` (GPUs pinned to one adapter and mixing),
    `own_fleets` (a fleet per workload: their GPUs in all, `gpus_month_1` and `gpus_max`),
    `contributions` (each workload's savings, fleet share and role), `carry_the_fleet`,
    `ride_on_it`, `migration_order` (each step's `marginal_npv_usd`), `greedy_is_best`,
    `lowers_the_npv`, `quarter`, `drivers`, `measure_first`, `capacity_held` and
    `uncertainty`.
    """
    from payback.cli.portfolio import portfolio_explain
    from payback.report.explain import explain as explain_analysis
    from payback.report.explain import explain_facts, heading

    scenario = _one_scenario(file, samples, seed)
    if portfolio_explain(file, samples, seed, no_quality, as_json, scenario):
        return
    analysis = _analysis(file, samples, seed, no_quality, quiet=as_json, scenario=scenario)
    with _busy("explaining", enabled=not as_json):  # the drivers and the levers are solved
        sections = explain_analysis(analysis)
    if as_json:
        _print_json(
            {
                "sections": [{"title": t, "paragraphs": p} for t, p in sections],
                "scenario": analysis.name,
                "horizon_months": analysis.horizon_months,
                "discount_rate_annual": analysis.scenario.scenario.discount_rate_annual,
                "baseline": analysis.baseline.name,
                "alternatives": explain_facts(analysis),
            }
        )
        return
    from rich.text import Text

    from payback.report.fit import Prose

    console = _console()
    for title, paragraphs in sections:
        console.print(Prose(Text(heading(title), style="bold underline")))
        for paragraph in paragraphs:
            console.print(Prose(paragraph))  # wrapped between words: a figure never split
            console.print()
