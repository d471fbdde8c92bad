"""The page's portfolio: a scenario with ``[[workloads]]`` is answered for its workloads moved
together (the answer ``payback analyze`` gives for it), in the headline and its figures, with
the workloads table beside the one-workload view the rest of the page shows."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import streamlit as st

from payback.analysis.verdict import months_text, quoted
from payback.errors import PaybackError
from payback.report.portfolio_common import (
    SAVES_NET,
    adds_up_words,
    baseline_fleet,
    baseline_fleet_words,
    baseline_row,
    contribution_rows,
    fleet_header,
)
from payback.scenario import Scenario
from payback.web.words import lines_in_page_words, message_markdown, names_as_written

if TYPE_CHECKING:
    from collections.abc import Callable

    from payback.analysis.result import Analysis
    from payback.studies.portfolio import PortfolioAnalysis

__all__ = [
    "PORTFOLIO_VIEWS",
    "baseline_fleet_lines",
    "moved_words",
    "portfolio_answer",
    "portfolio_sampled_warnings",
    "portfolio_views",
    "report_html",
    "sample_portfolio",
    "show_sampled_warnings",
    "workloads_rows",
    "workloads_section",
    "workloads_table",
]

NUMBERS = ("requests/month", "(PV)", "move")
"""The columns of figures (by the end or start of their header): right-aligned, unbroken."""


def portfolio_answer(scenario: Scenario) -> tuple[PortfolioAnalysis | None, list[str]]:
    """The portfolio analysis of a scenario with workloads, or the problems with it in the
    page's words."""
    from payback.studies.portfolio import analyze_portfolio

    try:
        return analyze_portfolio(scenario), []
    except PaybackError as exc:
        return None, lines_in_page_words(exc.messages)


PORTFOLIO_VIEWS = ("Cumulative cost", "What each workload brings")
"""The charts of a portfolio's answer (its workloads moved together), first among the
page's views; the others are of its first workload's traffic, and say so."""


def moved_words(analysis: PortfolioAnalysis, index: int) -> str:
    """Under a portfolio's headline, alternative ``index``'s one-time cost and its first
    month against the baseline's, for the workloads moved together, as `payback analyze
    --json` gives them (``one_time_usd``, ``monthly_cost_usd[0]``, ``baseline_usd[0]``);
    the first workload's figures stood there under the portfolio's headline."""
    from payback.analysis.verdict import usd_column
    from payback.money import fine_usd

    alt = analysis.alternatives[index]
    ours, theirs = usd_column([alt.monthly_cost_usd[0], alt.baseline_usd[0]])
    count, every = len(alt.workloads), len(analysis.scenario.workloads or [])
    if count == 1:  # a subset: the ones it serves (analyze's "Serves"), named
        moved = f"The one workload it serves of {every} ({quoted(alt.workloads[0])}) moved"
    elif count < every:
        moved = f"The {count} workloads it serves (of {every}) moved together"
    else:
        moved = f"The {count} workloads moved together"
    return (
        f"{moved}: one-time cost {fine_usd(alt.one_time_usd)}; "
        f"month 1 costs {ours} against {theirs} for the baseline."
    )


def portfolio_views(
    analysis: PortfolioAnalysis, index: int, views: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """A portfolio's charts for the page: the report's cumulative costs of the workloads
    moved together and what each brings to alternative ``index`` (:data:`PORTFOLIO_VIEWS`),
    then the page's other ``views`` of its first workload's traffic; and the words their
    titles end with, naming that traffic. The page's "Cumulative cost" under the
    portfolio's headline (month 12.8) was the first workload's (month 16.6), unsaid."""
    from payback.report import portfolio_charts

    first = (analysis.scenario.workloads or [])[0].name
    return {
        PORTFOLIO_VIEWS[0]: lambda: portfolio_charts.cumulative_costs(analysis),
        PORTFOLIO_VIEWS[1]: lambda: portfolio_charts.workload_contributions(analysis, index),
        **{k: v for k, v in views.items() if k != PORTFOLIO_VIEWS[0]},
    }, f" (the first workload's traffic only: {quoted(first)})"


def portfolio_sampled_warnings(result: object) -> list[str]:
    """What a portfolio's or a scenario's sampling warns of (samples whose fleet passes
    the cap), in the page's words, as `payback analyze --samples` says it on stderr; none
    where no sample passes it."""
    uncertainty = getattr(result, "uncertainty", None)
    lines = (
        uncertainty.get("warnings", [])
        if isinstance(uncertainty, dict)
        else getattr(uncertainty, "warnings", [])
    )
    return lines_in_page_words(lines)


def show_sampled_warnings(result: object) -> None:
    """Each of :func:`portfolio_sampled_warnings`, as the page warns."""
    for line in portfolio_sampled_warnings(result):
        st.warning(message_markdown(line), icon=":material/warning:")


def sample_portfolio(
    scenario: Scenario, samples: int, progress: Callable[[int, int], None] | None = None
) -> PortfolioAnalysis:
    """The portfolio's answer with ``samples`` samples of its ranges, ``progress`` called
    as chunks complete (the page's bar)."""
    from payback.studies.portfolio import analyze_portfolio

    return analyze_portfolio(scenario, samples=samples, progress=progress)


def report_html(analysis: Analysis, portfolio: PortfolioAnalysis | None = None) -> str:
    """The page's HTML report: what `payback report FILE -o report.html` writes for the
    scenario the page holds, the portfolio's for a file with workloads (the page's headline),
    else the one analysis's; with the hash the command line's report carries as its last
    line (:func:`payback.report.stamped`), so `payback report FILE -o` writes over the
    downloaded file without ``--force`` until it is changed."""
    from pathlib import Path

    from payback.report import stamped

    if portfolio is not None:
        from payback.report.portfolio_document import portfolio_html

        text = portfolio_html(portfolio)
    else:
        from payback.report.html import render_html

        text = render_html(analysis)
    return stamped(Path("report.html"), text.encode()).decode()


def workloads_rows(
    scenario: Scenario, analysis: PortfolioAnalysis | None = None
) -> tuple[str, list[dict[str, str]]]:
    """The portfolio verdict and one row per workload and alternative: its requests, what
    it saves, its fleet share (or its own fleet's cost; no such column for an option without
    a fleet), whether it carries the fleet (or pays its way), its place in the order; then,
    where the workloads share a self-hosted baseline fleet today, the row of what only the
    set saves of it (retired as a set, saved only by the set, or counted more than once),
    its net alone; in the words and columns of `payback analyze`'s table."""
    from payback.studies.portfolio import analyze_portfolio

    analysis = analysis or analyze_portfolio(scenario)
    rows = []
    requests = {w.name: w.traffic.requests_per_month for w in scenario.workloads or []}
    for index, alt in enumerate(analysis.alternatives):
        place = {step.workload: k for k, step in enumerate(alt.order, 1)}
        # the terminal's column: a fleet share, an own fleet, or none for an option priced
        # per request or per token (the terminal leaves its header blank, its cells "-")
        fleet = fleet_header(alt)
        # the terminal's cells, each money column written alike (less its paid-once row)
        cells_of = contribution_rows(alt, baseline_fleet(analysis, index))[:-1]
        for k, cells in enumerate(cells_of):
            workload = k < len(alt.contributions)  # else the baseline fleet's row
            row = {
                "alternative": alt.name,
                "workload": cells[0],
                "requests/month": f"{requests[cells[0]]:,.0f}" if workload else "",
                "saves (PV)": cells[1],
            }
            if fleet:
                row[f"{fleet} (PV)"] = cells[3]
            row |= {
                "net (PV)": cells[4],
                "role": cells[5],
                "move": f"#{place[cells[0]]}" if workload else "",
            }
            rows.append(row)
    return analysis.verdict(), rows


def baseline_fleet_lines(analysis: PortfolioAnalysis, index: int) -> tuple[str, str | None]:
    """Where alternative ``index``'s workloads share a self-hosted baseline fleet today: what
    it is and what is left of it once they move (month 1), as `payback analyze` says it
    beside "Baseline fleet"; and where the contributions have that fleet's row (retired as
    a set, saved only by the set, counted more than once), what adds up to the NPV with that
    row's figure, as the report's chart says it (None without that row). ``("", None)``
    where each workload's baseline is its own."""
    facts = baseline_fleet(analysis, index)
    if facts is None:
        return "", None
    row = baseline_row(facts)
    return baseline_fleet_words(facts), None if row is None else adds_up_words(analysis, index)


def workloads_table(rows: list[dict[str, str]]) -> str:
    """The workloads table as the page draws it: HTML, each cell's text as written (escaped,
    its spaces kept, no Markdown read), every column in view in the answer's column. A grid
    there (about 350 px, at 420 px wide and at 1400) cut "fleet share" and "net" off behind
    a sideways scroll; here names and headers wrap, figures stay whole and right-aligned,
    and where even that is too wide each row stacks, every cell after its header
    (``STYLE``'s ``.st-key-workloads`` rules, a container query).

    >>> print(workloads_table([{"workload": "a <b>", "net (PV)": "$1"}]))
    <table><thead><tr><th>workload</th><th class="number">net (PV)</th></tr></thead><tbody>
    <tr><td data-label="workload">a &lt;b&gt;</td><td class="number" data-label="net (PV)">$1</td></tr>
    </tbody></table>
    """
    if not rows:
        return ""
    columns = list(rows[0])
    number = {c: c.endswith(NUMBERS) or c.startswith(NUMBERS) for c in columns}

    def cls(column: str) -> str:
        return ' class="number"' if number[column] else ""

    def header(column: str) -> str:  # "requests/month" may break after its slash
        return html.escape(column).replace("/", "/<wbr>")

    head = "".join(f"<th{cls(c)}>{header(c)}</th>" for c in columns)
    body = "\n".join(
        "<tr>"
        + "".join(
            f'<td{cls(c)} data-label="{html.escape(c)}">{html.escape(row.get(c, ""))}</td>'
            for c in columns
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"


def workloads_section(
    scenario: Scenario, analysis: PortfolioAnalysis | None, problems: list[str], shown: int
) -> None:
    """The workloads, moved together, by the alternative shown (the headline gives the
    verdict): each workload's requests, savings, fleet share, role and place in the order."""
    with st.expander(f"Workloads: {len(scenario.workloads or [])} moved together", expanded=True):
        if analysis is None:
            for line in problems:
                st.error(message_markdown(line), icon=":material/error:")
            return
        names = [scenario.baseline.name, *(a.name for a in scenario.alternatives)]
        names += [w.name for w in scenario.workloads or []]
        name = analysis.alternatives[shown].name
        _, rows = workloads_rows(scenario, analysis)
        mine = [
            {k: v for k, v in row.items() if k != "alternative"}
            for row in rows
            if row["alternative"] == name
        ]
        over = months_text(analysis.horizon_months)
        line, adds_up = baseline_fleet_lines(analysis, shown)
        if line:  # the shared baseline fleet, as analyze says it
            st.caption(names_as_written(f"**Baseline fleet** {line}.", names))
        st.caption(
            names_as_written(
                f"With {quoted(name)}, present values over {over}; {SAVES_NET}:", names
            )
        )
        st.container(key="workloads").html(workloads_table(mine))
        if adds_up is not None:  # the baseline fleet's row: its figure in words, read at any
            # width
            st.caption(names_as_written(adds_up, names))
        st.caption(
            "`payback analyze` on the file gives the portfolio in full (costs by month, the "
            "order to move the workloads in, the quarter)."
        )
