"""One table that compares alternatives, within one scenario or across several: one-time
cost, month-1 saving, break-even month, NPV, and whether it pays back within a quarter."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from payback.analysis.result import AlternativeResult, Analysis, months_text, usd
from payback.analysis.verdict import saves_nothing
from payback.report.common import NOTHING_SAVED, Table, month_text, quarter_text, sampled_text
from payback.report.fleet import not_within

__all__ = ["comparison_renderables", "comparison_table", "month_1_saving"]

HEADER = ["one-time cost", "month-1 saving", "break-even", "NPV", "in a quarter?"]
TERMINAL_HEADER = ["one-time\ncost", "saves in\nmonth 1", "break-even", "NPV", "in a\nquarter?"]
"""The same columns in two short lines each, so that the numbers never wrap at 80 columns."""


def month_1_saving(analysis: Analysis, alt: AlternativeResult) -> float:
    """What switching saves in month 1 (negative: it costs more) [USD]."""
    return analysis.baseline.monthly_cost_usd[0] - alt.monthly_cost_usd[0]


def _break_even(alt: AlternativeResult, horizon: int) -> str:
    """The break-even month, or ``not within 12 months`` (as the single-scenario view says
    it: one that pays back after the horizon is not "never")."""
    month = alt.break_even_month
    if month is None:
        return not_within(horizon)
    return NOTHING_SAVED if saves_nothing(alt.cumulative_savings_usd) else month_text(month)


def _cells(analysis: Analysis, alt: AlternativeResult) -> list[str]:
    return [
        usd(alt.one_time_usd, 0),
        usd(month_1_saving(analysis, alt), 0),
        _break_even(alt, analysis.horizon_months),
        usd(alt.npv_usd, 0),
        quarter_text(alt.pays_back_within).replace(" (horizon too short)", ""),
    ]


def npv_terms(analysis: Analysis) -> str:
    """Over what and at what rate the NPV is counted: ``24 months at 10%/year``."""
    rate = analysis.scenario.scenario.discount_rate_annual
    return months_text(analysis.horizon_months) + (f" at {rate:.0%}/year" if rate else "")


def _short_terms(analysis: Analysis) -> str:
    """The NPV's horizon and rate in a table cell: ``24 mo, 10%``, ``6 mo, 0%``."""
    rate = analysis.scenario.scenario.discount_rate_annual
    return f"{analysis.horizon_months:g} mo, {rate:.0%}"


def comparison_table(analyses: list[Analysis], labels: list[str] | None = None) -> Table:
    """A row per alternative of every analysis (a first ``scenario`` column, by ``labels``
    or the scenario's name, when there are several): one-time cost, month-1 saving,
    break-even month, NPV over the scenario's horizon at its discount rate, and whether it
    pays back within a quarter."""
    several = len(analyses) > 1
    names = labels or [a.name for a in analyses]
    rows = [
        ([label] if several else [])
        + [alt.name, *_cells(analysis, alt)]
        + ([npv_terms(analysis)] if several else [])
        for label, analysis in zip(names, analyses, strict=True)
        for alt in analysis.alternatives
    ]
    first = 2 if several else 1
    return Table(
        (["scenario"] if several else [])
        + ["alternative", *HEADER]
        + (["NPV over"] if several else []),
        rows,
        frozenset({first, first + 1, first + 3}),
    )


def comparison_renderables(
    analyses: list[Analysis], labels: list[str] | None = None
) -> RenderableType:
    """The comparison as a terminal table: the numbers never wrap, names take the rest of
    the width; with several scenarios, each scenario heads its alternatives with its label,
    and each verdict, with the scenario's name, follows the table."""
    several = len(analyses) > 1
    names = labels or [a.name for a in analyses]
    if several:
        title = f"{len(analyses)} scenarios compared (NPV over each one's horizon, at its rate)"
    else:
        only = analyses[0]
        title = f"{len(only.alternatives)} alternatives compared (NPV over {npv_terms(only)})"
    table = RichTable(
        title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("alternative")
    for name in TERMINAL_HEADER:
        table.add_column(name, justify="left" if "quarter" in name else "right", no_wrap=True)
    for label, analysis in zip(names, analyses, strict=True):
        if several:  # each scenario's NPV is over its own horizon, at its own rate
            terms = Text(_short_terms(analysis), style="dim")
            table.add_row(Text(label, style="bold"), "", "", "", terms, "")
        for alt in analysis.alternatives:
            table.add_row(("  " if several else "") + alt.name, *_cells(analysis, alt))
    if not several:
        return table
    parts: list[RenderableType] = [table]
    for label, analysis in zip(names, analyses, strict=True):
        line = Text(f"{label}", style="bold")
        first = analysis.scenario.workloads or []
        alone = (  # as the table's rows: not the portfolio (the warning above gives it)
            f", on its first workload's traffic ({first[0].name!r}) alone" if len(first) > 1 else ""
        )
        line.append(f" ({analysis.name}){alone}: {analysis.verdict()}")
        best = max(
            range(len(analysis.alternatives)), key=lambda i: analysis.alternatives[i].npv_usd
        )
        sampled = sampled_text(analysis, best)
        if sampled is not None:
            line.append(f". Sampled: it {sampled}")
        parts.append(line)
    return Group(*parts)
