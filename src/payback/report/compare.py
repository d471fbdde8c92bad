"""One table that compares alternatives, within one scenario or across several: one-time
cost, month-1 saving, break-even month, NPV, and whether it pays back within a quarter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

from rich import box
from rich.console import Group, JustifyMethod, RenderableType
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

from payback.analysis.result import AlternativeResult, Analysis, months_text, usd
from payback.analysis.verdict import saves_nothing
from payback.figures import rate_text
from payback.report.common import NOTHING_SAVED, Table, month_text, quarter_text, sampled_text
from payback.report.fit import Fit, Prose, fit
from payback.report.fleet import not_within

if TYPE_CHECKING:
    from payback.studies.portfolio import PortfolioAlternative, PortfolioAnalysis

Answer = Union[Analysis, "PortfolioAnalysis"]
"""One file's answer: a scenario's, or a portfolio's (a scenario with workloads)."""

__all__ = ["comparison_renderables", "comparison_table", "month_1_saving"]

HEADER = ["one-time cost", "month-1 saving", "break-even", "NPV", "in a quarter?"]
TERMINAL_HEADER = ["one-time\ncost", "saves in\nmonth 1", "break-even", "NPV", "in a\nquarter?"]
"""The same columns in two short lines each, so that the numbers never wrap at 80 columns."""


def month_1_saving(analysis: Analysis, alt: AlternativeResult) -> float:
    """What switching saves in month 1 (negative: it costs more) [USD]."""
    return analysis.baseline.monthly_cost_usd[0] - alt.monthly_cost_usd[0]


def _break_even(alt: AlternativeResult | PortfolioAlternative, horizon: int) -> str:
    """The break-even month, or ``not within 12 months`` (as the single-scenario view says
    it: one that pays back after the horizon is not "never"), a scenario's alternative's or
    a portfolio's."""
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


def _terms(analysis: Answer) -> str:
    rate = analysis.scenario.scenario.discount_rate_annual
    return months_text(analysis.horizon_months) + (f" at {rate_text(rate)}/year" if rate else "")


def _short_terms(analysis: Answer) -> str:
    """The NPV's horizon and rate in a table cell: ``24 mo, 10%``, ``6 mo, 0%``."""
    rate = analysis.scenario.scenario.discount_rate_annual
    return f"{analysis.horizon_months:g} mo, {rate_text(rate)}"


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
        + ([_terms(analysis)] if several else [])
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


def _portfolio_cells(analysis: PortfolioAnalysis, alt: PortfolioAlternative) -> list[str]:
    """A portfolio alternative's row, every workload moved together: the figures
    ``payback analyze`` gives the portfolio alone."""
    return [
        usd(alt.one_time_usd, 0),
        usd(alt.baseline_usd[0] - alt.monthly_cost_usd[0], 0),
        _break_even(alt, analysis.horizon_months),
        usd(alt.npv_usd, 0),
        quarter_text(alt.pays_back_within).replace(" (horizon too short)", ""),
    ]


def _rows(answer: Answer) -> list[tuple[str, list[str]]]:
    """Each alternative's name and cells: a scenario's, or a portfolio's (its workloads
    moved together)."""
    if isinstance(answer, Analysis):
        return [(alt.name, _cells(answer, alt)) for alt in answer.alternatives]
    return [(alt.name, _portfolio_cells(answer, alt)) for alt in answer.alternatives]


def _workloads(answer: Answer) -> str:
    """``3 workloads together`` for a portfolio (``1 workload``: nothing moves with it),
    else nothing."""
    if isinstance(answer, Analysis):
        return ""
    n = len(answer.scenario.workloads or [])
    return "1 workload" if n == 1 else f"{n} workloads together"


NAME_WIDTH = 20
"""The columns an alternative's name keeps while a break-even in words can take two lines
instead: at 80 columns a name read one or two words a line ("alternat…", "fine-tun…")
beside a break-even of "not within 24 months"."""


def _comparison(title: str, rows: list[tuple[RenderableType, list[str]]]) -> Fit:
    """The comparison table: each row's name cell and its number cells, laid out by
    :func:`~payback.report.fit.fit` (a figure never cut; names and a break-even in words
    wrap; too narrow for that, each alternative above its figures)."""
    table = RichTable(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("alternative")
    for header in TERMINAL_HEADER:
        justify: JustifyMethod = "left" if "quarter" in header else "right"
        # the figures on one line each: only a break-even in words wraps
        table.add_column(header, justify=justify, no_wrap=header != "break-even")
    for cell, cells in rows:
        table.add_row(cell, *cells)
    return fit(table, label_width=NAME_WIDTH)


def comparison_renderables(
    analyses: list[Answer], labels: list[str] | None = None
) -> RenderableType:
    """The comparison as a terminal table: the numbers never wrap (a break-even in words
    may take two lines at 80 columns), names take the rest of the width; with several
    scenarios, each scenario heads its alternatives with its label (a portfolio's rows are
    its workloads moved together, as analyzed alone), and each verdict, with the
    scenario's name, follows the table."""
    several = len(analyses) > 1
    names = labels or [a.name for a in analyses]
    if several:
        title = f"{len(analyses)} scenarios compared (NPV over each one's horizon, at its rate)"
    else:
        only = analyses[0]
        title = f"{len(only.alternatives)} alternatives compared (NPV over {_terms(only)})"
    rows: list[tuple[RenderableType, list[str]]] = []
    for label, analysis in zip(names, analyses, strict=True):
        if several:  # each scenario's NPV is over its own horizon, at its own rate
            head = Text(label, style="bold")
            if _workloads(analysis):
                head.append(f" ({_workloads(analysis)})")
            terms = _short_terms(analysis)
            rows.append((head, ["", "", "", terms, ""]))
        for name, cells in _rows(analysis):
            rows.append((Padding(name, (0, 0, 0, 2)) if several else name, cells))
    table = _comparison(title, rows)
    if not several:
        return table
    parts: list[RenderableType] = [table]
    for label, analysis in zip(names, analyses, strict=True):
        line = Text(f"{label}", style="bold")
        together = _workloads(analysis)
        line.append(
            f" ({analysis.name}{'; ' + together if together else ''}): {analysis.verdict()}"
        )
        sampled = _sampled(analysis)
        if sampled is not None:
            line.append(f". Sampled: {sampled}")
        parts.append(Prose(line))  # a figure never split, no line ending in a blank
    return Group(*parts)


def _sampled(answer: Answer) -> str | None:
    """What the samples say about the best alternative by NPV (None without samples)."""
    best = max(range(len(answer.alternatives)), key=lambda i: answer.alternatives[i].npv_usd)
    if isinstance(answer, Analysis):
        sampled = sampled_text(answer, best)
        return None if sampled is None else f"it {sampled}"
    u = answer.uncertainty
    if u is None:
        return None
    from payback.report.portfolio_common import sampled_words

    return sampled_words(u["alternatives"][best], answer.horizon_months, len(u["inputs"]))
