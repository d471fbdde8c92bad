"""The terminal rendering of a portfolio analysis (Rich renderables, no printing here):
per alternative, the portfolio's costs, break-even and NPV, each workload's contribution
(which carry the fleet, which ride on it), the migration order and the quarter sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

from payback.analysis.result import months_text
from payback.analysis.verdict import requests_text as count_text
from payback.figures import rate_text
from payback.money import fine_usd as money  # under a cent as analyze: "$0.001"
from payback.report.common import kind_text, within_text
from payback.report.fit import Prose, fit
from payback.report.portfolio_common import (
    SAVES_NET,
    baseline_fleet,
    baseline_fleet_words,
    break_even_cell,
    contribution_rows,
    counted,
    fleet_header,
    fleet_words,
    month_costs,
    one_time_parts,
    order_rows,
    sampled_sentence,
    shares_fleet,
    sheds_words,
    workload_rows,
)
from payback.studies.portfolio import PortfolioAlternative, PortfolioAnalysis

if TYPE_CHECKING:
    from payback.analysis.portfolio_baseline import BaselineFleetFacts

__all__ = ["portfolio_renderables", "workloads_table"]


def _header(analysis: PortfolioAnalysis) -> Text:
    info = analysis.scenario.scenario
    workloads = analysis.scenario.workloads or []
    text = Text(info.name, style="bold")
    total = sum(w.traffic.requests_per_month for w in workloads)
    text.append(
        f"\n{months_text(info.horizon_months)}; {len(workloads)} workload"
        f"{'' if len(workloads) == 1 else 's'}, "
        f"{counted(count_text(total), 'request')} in month 1"
    )
    if info.discount_rate_annual:
        text.append(f"; discount {rate_text(info.discount_rate_annual)}/year")
    return text


def workloads_table(analysis: PortfolioAnalysis) -> Table:
    """The workloads: requests, token lengths, busiest hour and baseline."""
    table = Table(
        title="Workloads",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("workload", "left"),
        ("requests\na month", "right"),  # on two lines: at 80 columns "requests/mo…"
        ("growth", "right"),
        ("tokens\nin / out", "right"),
        ("peak/avg", "right"),
        ("baseline", "left"),
    )
    for name, justify in columns:
        # a figure whole: at 80 columns '4,000,000,0…' hid its end; the names wrap instead
        table.add_column(name, justify=justify, no_wrap=justify == "right")
    for row in workload_rows(analysis):
        table.add_row(*row)
    return table


def _summary(
    alt: PortfolioAlternative, horizon: int, rate: float, baseline: BaselineFleetFacts | None
) -> Table:
    table = Table.grid(padding=(0, 3))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Serves", ", ".join(alt.workloads))
    table.add_row("Fleet", fleet_words(alt))
    if baseline is not None:
        table.add_row("Baseline fleet", baseline_fleet_words(baseline))
    now, base, later, base_later = month_costs(alt, horizon)
    table.add_row(
        "USD per month",
        f"{now} against {base} today"
        + (f" (month {horizon}: {later} against {base_later})" if horizon > 1 else "")
        + (f"; {sheds_words(alt, baseline)}" if baseline else ""),
    )
    table.add_row(
        "One-time cost",
        money(alt.one_time_usd)
        + (
            f" ({parts})"
            if (parts := one_time_parts(alt, money, "shared", "per workload"))
            else f" ({money(alt.shared_one_time_usd)} shared, the rest per workload)"
            if alt.shared_one_time_usd != alt.one_time_usd
            else ""
        ),
    )
    table.add_row("Break-even", break_even_cell(alt, horizon))
    table.add_row(
        f"NPV, {months_text(horizon)}" + (f" at {rate_text(rate)}" if rate else ""),
        money(alt.npv_usd),
    )
    table.add_row("Pays back within", within_text(alt.pays_back_within))
    return table


def _contributions(
    alt: PortfolioAlternative, horizon: int, baseline: BaselineFleetFacts | None
) -> Table:
    shared = shares_fleet(alt)
    table = Table(
        title=f"What each workload brings (present values over {months_text(horizon)}; {SAVES_NET})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("workload")
    for header in ("saves", "GPU time" if shared else "", fleet_header(alt), "net"):
        table.add_column(header, justify="right", no_wrap=True)  # a figure whole
    table.add_column("")
    for row in contribution_rows(alt, baseline):
        table.add_row(*row)
    return table


def _order(alt: PortfolioAlternative, horizon: int) -> Table:
    checked = (
        ""
        if alt.greedy_is_best is None
        else " (greedy; the best of every order)"
        if alt.greedy_is_best
        else " (the best of every order; greedy was not)"
    )
    table = Table(
        title=f"Migration order{checked}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("#", justify="right")
    table.add_column("move")
    table.add_column("marginal NPV", justify="right", no_wrap=True)  # a figure whole
    table.add_column("NPV so far", justify="right", no_wrap=True)
    table.add_column("break-even so far", justify="right")
    for row in order_rows(alt, horizon):
        table.add_row(*row)
    return table


def portfolio_renderables(analysis: PortfolioAnalysis) -> Group:
    """Everything ``payback analyze`` prints for a scenario with workloads."""
    horizon = analysis.horizon_months
    rate = analysis.scenario.scenario.discount_rate_annual
    parts: list[RenderableType] = [_header(analysis), Text(""), fit(workloads_table(analysis))]
    for i, alt in enumerate(analysis.alternatives):
        baseline = baseline_fleet(analysis, i)
        parts += [
            Text(f"{alt.name} ({kind_text(alt.kind)})", style="bold"),
            fit(_summary(alt, horizon, rate, baseline)),
            Text(""),
            fit(_contributions(alt, horizon, baseline)),
            fit(_order(alt, horizon)),
            Text(alt.quarter + "."),
        ]
        if analysis.uncertainty is not None:
            u = analysis.uncertainty
            parts.append(Text(sampled_sentence(u["alternatives"][i], horizon, len(u["inputs"]))))
        parts.append(Text(""))
    parts.append(Prose(Text(f"Verdict: {analysis.verdict()}", style="bold")))  # figures whole
    return Group(*parts)
