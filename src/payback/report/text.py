"""The terminal rendering of an analysis (Rich renderables, no printing here)."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from payback.analysis import AlternativeResult, Analysis, months_text
from payback.analysis import usd as money

ONE_TIME_LABELS = {
    "data": "data (collect, label, clean)",
    "engineering": "engineering time",
    "eval": "eval harness",
    "training": "training runs",
}

COMPONENT_LABELS = {
    "api": "API / usage fees",
    "gpus": "GPUs",
    "escalation": "escalation to baseline",
    "ops": "ops",
    "retraining": "retraining",
}


def _yes_no(value: bool | None) -> str:
    return "unknown (horizon too short)" if value is None else ("yes" if value else "no")


def _header(analysis: Analysis) -> Text:
    info = analysis.scenario.scenario
    traffic = analysis.scenario.traffic
    requests = analysis.requests_per_month
    text = Text(info.name, style="bold")
    text.append(f"\n{months_text(info.horizon_months)}; {requests[0]:,.0f} requests in month 1")
    if traffic.growth_monthly:
        text.append(
            f", {traffic.growth_monthly:+.1%}/month to {requests[-1]:,.0f} in month {len(requests)}"
        )
    if info.discount_rate_annual:
        text.append(f"; discount {info.discount_rate_annual:.0%}/year")
    base = analysis.baseline
    text.append(f"\nBaseline: {base.name} ({base.kind})")
    return text


def _costs_table(alt: AlternativeResult, analysis: Analysis) -> Table:
    horizon = analysis.horizon_months
    base = analysis.baseline
    last = horizon - 1
    table = Table(
        title=f"{alt.name} ({alt.kind})",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("USD per month")
    table.add_column("month 1", justify="right")
    if horizon > 1:
        table.add_column(f"month {horizon}", justify="right")
    table.add_column(f"total, {horizon} mo", justify="right")

    def row(label: str, values: list[float], style: str = "") -> None:
        cells = [money(values[0])] + ([money(values[last])] if horizon > 1 else [])
        table.add_row(label, *cells, money(sum(values)), style=style)

    row("baseline", base.monthly_cost_usd)
    row("this alternative", alt.monthly_cost_usd, style="bold")
    for name, values in alt.components_usd.items():
        row(f"  {COMPONENT_LABELS.get(name, name)}", values, style="dim")
    per_1k = [
        f"{money(a)} vs {money(b)}"
        for a, b in ((alt.usd_per_1k_requests[i], base.usd_per_1k_requests[i]) for i in (0, last))
    ]
    table.add_row(
        "per 1k requests vs baseline", per_1k[0], *(per_1k[1:] if horizon > 1 else []), ""
    )
    if alt.gpus is not None:
        gpus = [f"{alt.gpus[0]:.3g}"] + ([f"{alt.gpus[last]:.3g}"] if horizon > 1 else [])
        fractional = any(g != round(g) for g in alt.gpus)
        table.add_row("GPUs (average busy)" if fractional else "GPUs", *gpus, "")
    return table


def _payback_grid(alt: AlternativeResult, analysis: Analysis) -> Table:
    horizon = analysis.horizon_months
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("One-time cost", money(alt.one_time_usd))
    items = [
        f"{ONE_TIME_LABELS.get(k, k)} {money(v)}"
        for k, v in (alt.one_time_items_usd or {}).items()
        if v
    ]
    if items:
        grid.add_row("", Text("; ".join(items), style="dim"))
    if alt.break_even_month is None:
        grid.add_row("Break-even", f"not within {months_text(horizon)}: {alt.reason}")
    else:
        grid.add_row(
            "Break-even",
            f"month {alt.break_even_month:.2f}, after {alt.break_even_requests or 0:,.0f} requests",
        )
    rate = analysis.scenario.scenario.discount_rate_annual
    grid.add_row(
        f"NPV, {months_text(horizon)}" + (f" at {rate:.0%}" if rate else ""), money(alt.npv_usd)
    )
    within = alt.pays_back_within or {}
    grid.add_row(
        "Pays back within",
        f"3 months: {_yes_no(within.get('3'))}; 6: {_yes_no(within.get('6'))}; "
        f"12: {_yes_no(within.get('12'))}",
    )
    return grid


def _sources(analysis: Analysis) -> RenderableType:
    """Derived numbers grouped by option: field, value, and what produced it."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column()
    grid.add_column(justify="right")
    grid.add_column(style="dim")
    names = dict(analysis.scenario.options())
    current = None
    for path, source in analysis.resolved.sources.items():
        owner, _, field = path.partition(".")
        if owner == "alternatives":
            index, _, field = field.partition(".")
            owner = f"alternatives.{index}"
        if owner != current:
            current = owner
            grid.add_row(Text(owner, style="bold"), "", Text(names[owner].name, style="bold"))
        checked = f", checked {source.checked}" if source.checked else ""
        grid.add_row(f"  {field}", f"{source.value:,.4g}", source.source + checked)
    note = Text("Every other number is from the scenario file.", style="dim")
    return Group(
        Text("Numbers taken from catalogs and estimates", style="bold underline"), grid, note
    )


def analysis_renderables(analysis: Analysis) -> RenderableType:
    """Header, per alternative a monthly-costs table and a payback summary, then the verdict."""
    parts: list[RenderableType] = [_header(analysis)]
    if analysis.resolved.sources:
        parts += [Text(), _sources(analysis)]
    for alt in analysis.alternatives:
        parts += [Text(), _costs_table(alt, analysis), _payback_grid(alt, analysis)]
    verdict = Text("\nVerdict: ", style="bold")
    verdict.append(analysis.verdict())
    parts.append(verdict)
    return Group(*parts)
