"""The terminal rendering of an analysis (Rich renderables, no printing here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from payback.analysis.result import AlternativeResult, Analysis, months_text
from payback.analysis.verdict import (
    has_cost_per_1k,
    month_figure,
    saves_nothing,
    usd_column,
    usd_per_1k,
)
from payback.analysis.verdict import (
    requests_text as count_text,
)
from payback.figures import counted, fixed_text, rate_text, whole_text
from payback.figures import share_text as share_text
from payback.finance.quick import requests_text
from payback.money import ends_usd, fine_usd, tiny_usd
from payback.report.common import (
    COMPONENT_LABELS,
    NOTHING_SAVED_WHY,
    ONE_TIME_LABELS,
    RATE_FIELDS,
    SAME_SAMPLES,
    compact,
    configuration_text,
    format_input,
    input_value,
    kind_text,
    month_text,
    unit_span,
    within_text,
)
from payback.report.fit import Prose, fit
from payback.report.fleet import (
    break_even_span,
    escalation_words,
    fleet_rows,
    quiet_line,
    split_drivers,
)
from payback.report.per_1k import per_1k_pair
from payback.report.windows import samples_behind_text, window_shares

if TYPE_CHECKING:  # annotations only: a plain analyze loads no study
    from collections.abc import Sequence

    from payback.studies.accepted import Narrowed
    from payback.studies.uncertainty import Driver, SobolIndex, UncertainInput

__all__ = [
    "COMPONENT_LABELS",
    "ONE_TIME_LABELS",
    "RATE_FIELDS",
    "analysis_renderables",
    "compact",
    "format_input",
    "share_text",
    "sobol_table",
    "sparkline",
    "tornado_table",
]


def _header(analysis: Analysis) -> Text:
    info = analysis.scenario.scenario
    traffic = analysis.scenario.traffic
    requests = analysis.requests_per_month
    text = Text(info.name, style="bold")
    text.append(
        f"\n{months_text(info.horizon_months)}; {counted(count_text(requests[0]), 'request')} in month 1"
    )
    if traffic.growth_monthly and len(requests) > 1:  # one month: growth has none to act on
        text.append(
            f", {rate_text(traffic.growth_monthly, signed=True)}/month to {requests_text(requests[-1])} in month {len(requests)}"
        )
    if info.discount_rate_annual:
        text.append(f"; discount {rate_text(info.discount_rate_annual)}/year")
    base = analysis.baseline
    text.append(f"\nBaseline: {base.name} ({kind_text(base.kind)})")
    return text


def _costs_table(alt: AlternativeResult, analysis: Analysis) -> Table:
    horizon = analysis.horizon_months
    base = analysis.baseline
    last = horizon - 1
    table = Table(
        title=f"{alt.name} ({kind_text(alt.kind)})",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("USD per month", no_wrap=True, overflow="ellipsis")  # a label whole: a
    # wrapped one ("per 1k requests vs" over "baseline") read as a row of its own
    table.add_column("month 1", justify="right")
    if horizon > 1:
        table.add_column(f"month {horizon}", justify="right")
    table.add_column(f"total, {horizon} mo", justify="right")

    rows = [
        ("baseline", base.monthly_cost_usd, ""),
        ("this alternative", alt.monthly_cost_usd, "bold"),
    ]
    rows += [
        (f"  {COMPONENT_LABELS.get(name, name)}", values, "dim")
        for name, values in alt.components_usd.items()
    ]
    columns = [[values[0] for _, values, _ in rows]]
    if horizon > 1:
        columns.append([values[last] for _, values, _ in rows])
    columns.append([sum(values) for _, values, _ in rows])
    cells = zip(*(usd_column(column) for column in columns), strict=True)
    for (label, _, style), row in zip(rows, cells, strict=True):
        table.add_row(label, *row, style=style)
    requests = analysis.requests_per_month
    per_1k = [  # "n/a: 0.0205 requests" in a month of under one request
        per_1k_pair(alt.monthly_cost_usd[i], base.monthly_cost_usd[i], requests[i])
        for i in (0, last)
    ]
    table.add_row(
        "per 1k requests vs baseline", per_1k[0], *(per_1k[1:] if horizon > 1 else []), ""
    )
    if retraining := _retraining_per_1k(alt, requests, (0, last) if horizon > 1 else (0,)):
        table.add_row("  of it retraining", *retraining, "", style="dim")
    if alt.gpus is not None:
        gpus = [gpu_count(alt.gpus[0])] + ([gpu_count(alt.gpus[last])] if horizon > 1 else [])
        fractional = any(g != round(g) for g in alt.gpus)
        table.add_row("GPUs (average paid for)" if fractional else "GPUs", *gpus, "")
    return table


def _retraining_per_1k(
    alt: AlternativeResult, requests: Sequence[float], months: tuple[int, ...]
) -> list[str]:
    """What a month's retraining adds to its cost of 1,000 requests, in each month the
    table shows, where one of them pays a retraining (quarter-200k's month 24: $800 of
    200,000 requests, $4.00 of its $9.51, where the other months cost $5.51); none
    otherwise. The month's own figure, as the rows above it; the report's chart spreads
    retraining over its schedule instead."""
    paid = alt.components_usd.get("retraining") or []
    if not any(paid[i] > 0 for i in months if i < len(paid)):
        return []
    return [
        tiny_usd(float(usd_per_1k(np.array([paid[i]]), requests[i])[0]))
        if has_cost_per_1k(requests[i])
        else "n/a"
        for i in months
    ]


def gpu_count(gpus: float) -> str:
    """GPUs in a month: a whole fleet with thousands separators, an average of the GPUs
    paid for (scaled to zero: the GPU-hours paid / 730, busy at the planned utilisation)
    to three significant digits, never an exponent.

    >>> gpu_count(1.0), gpu_count(2_302_291.0), gpu_count(0.0432), gpu_count(1234.56)
    ('1', '2,302,291', '0.0432', '1,235')
    """
    return f"{gpus:,.0f}" if gpus >= 100 or gpus == round(gpus) else f"{gpus:.3g}"


BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float]) -> Text:
    """Cumulative savings month by month as bars: red below zero, green at or above.

    >>> sparkline([-400.0, -140.0, 120.0, 380.0]).plain
    '▁▃▆█'
    """
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    text = Text()
    for v in values:
        level = round((v - low) / span * (len(BARS) - 1))
        text.append(BARS[level], style="green" if v >= 0 else "red")
    return text


MIN_BARS = 12
"""The fewest bars a sparkline is drawn with when the line is narrower than its months."""


def resampled(values: list[float], width: int) -> list[float]:
    """A cumulative curve in at most ``width`` points: the first value (month 0), then the
    value at the end of each run of k months (k as few as fit), the last being the
    horizon's; ``values`` as they are where they fit.

    >>> resampled([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4), resampled([0.0, 1, 2, 3, 4, 5, 6], 3)
    ([0.0, 3, 6, 9], [0.0, 3, 6])
    >>> len(resampled([0.0] * 601, 60)), len(resampled([0.0] * 601, 600)), resampled([5.0, 1, 2], 2)
    (56, 301, [5.0, 2])
    """
    if len(values) <= width or len(values) < 2:
        return list(values)
    step = -(-(len(values) - 1) // max(width - 1, 1))  # months per bar, rounded up
    months = len(values) - 1
    return [values[0]] + [values[min(m + step, months)] for m in range(0, months, step)]


class Sparkline:
    """:func:`sparkline` of ``values`` resampled to the width it is given (:func:`resampled`),
    ``after`` (dim) beside it, or below it where no more than :data:`MIN_BARS` bars fit
    beside it: a 600-month horizon drawn whole in a line of 80 columns, where it was cut."""

    def __init__(self, values: list[float], after: str = "") -> None:
        self.values, self.after = values, after

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        fewest = min(len(self.values), MIN_BARS)
        word = max((cell_len(w) for w in self.after.split()), default=0)
        most = len(self.values) + cell_len(self.after)
        return Measurement(max(fewest, word), max(most, fewest, word)).clamp(
            max_width=options.max_width
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        beside = width - cell_len(self.after)
        bars = beside if beside >= min(len(self.values), MIN_BARS) else width
        line = sparkline(resampled(self.values, max(bars, 1)))
        line.append(self.after, style="dim")
        yield line


def _payback_grid(alt: AlternativeResult, analysis: Analysis) -> Table:
    horizon = analysis.horizon_months
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    config = configuration_text(alt.configuration)
    if config:
        grid.add_row("Configuration", config)
    if alt.utilisation is not None:
        for label, value in fleet_rows(alt.utilisation, horizon):
            grid.add_row(label, value)
    if escalated := escalation_words(analysis, analysis.alternatives.index(alt)):
        grid.add_row("Escalation", escalated)
    grid.add_row("One-time cost", fine_usd(alt.one_time_usd))  # as the verdict: "$0.004"
    paid = {k: v for k, v in (alt.one_time_items_usd or {}).items() if v}
    items = [  # written alike: $1,500 beside $160, not $160.00
        f"{ONE_TIME_LABELS.get(k, k)} {shown}"
        for k, shown in zip(paid, usd_column(list(paid.values())), strict=True)
    ]
    if items:
        grid.add_row("", Text("; ".join(items), style="dim"))
    if alt.break_even_month is None:
        grid.add_row("Break-even", f"not within {months_text(horizon)}: {alt.reason}")
    elif saves_nothing(alt.cumulative_savings_usd):
        grid.add_row("Break-even", NOTHING_SAVED_WHY)
    else:
        grid.add_row(
            "Break-even",
            f"{month_text(alt.break_even_month, 2)}, after {counted(whole_text(alt.break_even_requests or 0), 'request')}",
        )
    cum = alt.cumulative_savings_usd or []
    first, last = ends_usd([cum[0], cum[-1]], lambda v: compact(v, True))  # "-$0.02 → $0.0016"
    ends = f"  {first} → {last}"
    grid.add_row("Cumulative savings", Sparkline(cum, ends))
    rate = analysis.scenario.scenario.discount_rate_annual
    grid.add_row(
        f"NPV, {months_text(horizon)}" + (f" at {rate_text(rate)}" if rate else ""),
        fine_usd(alt.npv_usd),  # as the verdict says it: "-$0.00041", not "$0.00"
    )
    grid.add_row("Pays back within", within_text(alt.pays_back_within))
    plain = alt.infrastructure_only
    if plain is not None:
        month = plain["break_even_month"]
        grid.add_row(
            "Infrastructure only",
            Text(
                (
                    f"not within {months_text(horizon)}"
                    if month is None
                    else f"break-even {month_text(month, 2)}"
                )
                + f"; NPV {fine_usd(plain['npv_usd'] or 0.0)} (quality and latency left out, as --no-quality)",
                style="dim",
            ),
        )
    return grid


def _sources(analysis: Analysis) -> RenderableType:
    """Derived numbers grouped by option: field, value, and what produced it."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)  # a field whole: the sources wrap ("usd_per_gpu_h…" hid its end)
    grid.add_column(justify="right")
    grid.add_column(style="dim", overflow="fold")  # a long path folds, never cut
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
        # as the reports' inputs table writes it: money as money, never 3.304e+04
        grid.add_row(f"  {field}", input_value(path, source.value), source.source + checked)
    note = Text("Every other number is from the scenario file or a default.", style="dim")
    return Group(
        Prose(Text("Numbers taken from catalogs and estimates", style="bold underline")),
        fit(grid),
        note,
    )


def _month(m: float | None) -> str:
    """A percentile of the sampled break-even; ``never``: that share of the samples does
    not pay back within the horizon (as the page says it)."""
    return "never" if m is None else month_figure(m)


def _uncertainty_grid(analysis: Analysis, index: int) -> RenderableType:
    assert analysis.uncertainty is not None
    mc = analysis.uncertainty
    u = mc.alternatives[index]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    (first, share), *more = window_shares(u.p_break_even_within, analysis.horizon_months)
    grid.add_row(
        "Chance it pays back",
        f"within {months_text(first)} {share_text(share)}"
        + "".join(f"; {k}: {share_text(p)}" for k, p in more),
    )
    again = samples_behind_text(u.p_behind_again_at, analysis.horizon_months)
    if again:  # "0% within 3 months" beside a break-even at month 1.8 says why
        grid.add_row("", again[0].upper() + again[1:])
    bm = u.break_even_month_percentiles
    grid.add_row(
        "Break-even month",
        f"p10 {_month(bm['p10'])} · p50 {_month(bm['p50'])} · p90 {_month(bm['p90'])}",
    )
    p10, p50, p90 = usd_column([u.npv_usd_percentiles[k] for k in ("p10", "p50", "p90")])
    grid.add_row(
        "NPV",
        f"p10 {p10} · p50 {p50} · p90 {p90}; positive in {share_text(u.p_npv_positive)} of samples",
    )
    inputs = len(mc.inputs)
    sampled = f"{mc.samples:,} sample{'s' if mc.samples != 1 else ''}, seed {mc.seed}" + (
        f", {inputs} uncertain input{'s' if inputs != 1 else ''}" if inputs else f"; {SAME_SAMPLES}"
    )
    parts: list[RenderableType] = [
        Prose(Text(f"Uncertainty ({sampled})", style="bold underline")),
        fit(grid),
    ]
    if u.drivers:
        shown = min(5, len(u.drivers))
        parts.append(
            tornado_table(
                u.drivers,
                top=5,
                title=f"What dominates ({shown} of {len(u.drivers)}): NPV {fine_usd(analysis.alternatives[index].npv_usd)} "
                "with every input central; each moved alone",
                horizon=analysis.horizon_months,
            )
        )
    return Group(*parts)


ZERO_RANGE_WORDS = {
    "growth_monthly": "growth ±2%/month",
    "price_change_annual": "price trend -30%..0/year",
    "escalation_share": "escalation 0..10%",
}
"""How the note says each of :data:`~payback.studies.uncertainty.ZERO_RANGES` (a test keeps
the two in step)."""


def _assumption_note(
    assumed: list[tuple[str, str | None]],
    replaced: bool = False,
    narrowed: Sequence[tuple[str, Narrowed | None]] = (),
    unmoved: Sequence[UncertainInput] = (),
) -> Text | None:
    """Says how ranges were chosen when the scenario has no distributions, or (``replaced``)
    when --swing moved every input in place of the scenario's distributions: (parameter,
    how) pairs, and only the rates really left at 0 named with their assumed ranges; each
    input ``narrowed`` (an end analyze refuses taken back) named with the way it moved,
    and each narrowed input left out because it then moves nothing (``unmoved``) too."""
    assumed = [*assumed, *((i.path, i.assumed) for i in unmoved)]
    ways = sorted({a for _, a in assumed if a})
    if not ways:
        return None
    swings = [w for w in ways if w.startswith("±")]
    if replaced and swings:
        text = f"--swing moved each input {swings[0]} in place of its distribution"
    else:
        text = "No distribution for these inputs: " + (
            f"each moved {swings[0]}" if swings else "ranges assumed"
        )
    at_zero = sorted(
        {
            ZERO_RANGE_WORDS.get(path.rsplit(".", 1)[-1], path)
            for path, how in assumed
            if how and not how.startswith("±")
        }
    )
    if at_zero:
        over = (
            "rates left at 0 over assumed ranges"
            if len(at_zero) > 1
            else "a rate left at 0 over an assumed range"
        )
        text += f"; {over} ({', '.join(at_zero)})"
    text += "".join(f"; but {path} moved {cut.label}" for path, cut in narrowed if cut)
    text += "".join(
        f"; but {i.path} moved {i.narrowed.label}, and over that range it changes nothing, "
        "so it is not listed"
        for i in unmoved
        if i.narrowed
    )
    return Text(text + ".", style="dim")


def _month_figure(month: float, decimals: int) -> str:
    """A tornado end's break-even as a bare figure, ``at once`` for month 0 as the verdict
    says it (it read "break-even 0.0 at either end").

    >>> _month_figure(0.0, 1), _month_figure(2.46, 1)
    ('at once', '2.5')
    """
    return "at once" if month == 0 else month_figure(month, decimals)


def tornado_table(
    drivers: list[Driver],
    top: int | None = None,
    title: str | None = None,
    horizon: int | None = None,
    replaced: bool = False,
) -> RenderableType:
    """Drivers ranked by NPV swing: two lines each, with a bar scaled to the largest swing;
    ``top`` K lists the top K, each in full; without it the inputs ranked below the last
    that changes the answer are said in one line (:func:`split_drivers`); ``horizon`` words a
    break-even past it (``not within 12 months``, not ``never``); ``replaced``: --swing moved the
    inputs in place of the scenario's distributions."""
    shown = drivers[:top] if top else drivers
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", style="dim")
    grid.add_column()
    largest = max((d.npv_swing_usd for d in shown), default=0.0) or 1.0
    listed, quiet = (shown, []) if top else split_drivers(shown)
    for rank, d in enumerate(listed, 1):
        bar = "█" * max(1, round(10 * d.npv_swing_usd / largest)) if d.npv_swing_usd else ""
        low, high = ends_usd([d.npv_low_usd, d.npv_high_usd], lambda v: compact(v, True))
        detail = (
            f"{unit_span(d.parameter, d.low, d.high)}: NPV {low} → {high}; "
            "break-even "
            + break_even_span(
                d.break_even_month_low, d.break_even_month_high, horizon, " → ", _month_figure
            )
        )
        line = Text(f"{bar:<10} ", style="cyan")
        line.append(d.parameter, style="bold")
        grid.add_row(f"{rank}.", line)
        grid.add_row("", Text(detail, style="dim"))
    parts: list[RenderableType] = [Prose(Text(title, style="bold underline"))] if title else []
    if shown and not all(d.assumed for d in shown):
        parts.append(
            Text(
                "Each input at its p10 and p90 (low → high), the others at their central values:",
                style="dim",
            )
        )
    parts.append(
        fit(grid) if shown else Text("None of the inputs moved changes the NPV.", style="dim")
    )
    if quiet:
        parts.append(Text(quiet_line(quiet, horizon=horizon), style="dim"))
    from payback.studies.fleet_cap import cap_note

    if capped := cap_note(shown):  # ends whose fleet passes the GPU cap
        parts.append(Text(capped, style="yellow"))
    from payback.studies.accepted import narrowed_unmoved

    note = _assumption_note(
        [(d.parameter, d.assumed) for d in shown],
        replaced,
        [(d.parameter, d.narrowed) for d in shown],
        narrowed_unmoved(drivers),  # moved one way only, and that way moves nothing
    )
    if note is not None:
        parts.append(note)
    return Group(*parts)


def sobol_table(
    indices: list[SobolIndex], title: str | None = None, replaced: bool = False
) -> RenderableType:
    """Sobol first- and total-order indices with their 95% intervals (±), the input's full
    path first; a first order above the total is marked and said to be noise or not
    (``replaced``: --swing moved the inputs in place of the scenario's distributions)."""
    parts: list[RenderableType] = [Prose(Text(title, style="bold underline"))] if title else []
    if not indices:
        parts.append(Text("None of the inputs moved changes the NPV.", style="dim"))
        return Group(*parts)
    grid = Table.grid()  # the gaps are in the cells: the mark after a first order is its own column
    grid.show_header, grid.header_style = True, "dim"
    grid.add_column("input", no_wrap=True)
    grid.add_column("  first", justify="right", no_wrap=True)
    grid.add_column("", no_wrap=True, min_width=1)
    grid.add_column("  total", justify="right", no_wrap=True)
    grid.add_column("", no_wrap=True)
    marks = {None: "", "noise": "*", "beyond noise": "!"}
    for s in indices:
        grid.add_row(
            s.parameter,
            f"  {fixed_text(s.first_order)} ±{fixed_text(s.first_order_conf)}",
            marks[s.first_above_total()],
            f"  {fixed_text(s.total_order)} ±{fixed_text(s.total_order_conf)}",
            "  " + "█" * round(10 * min(max(s.total_order, 0.0), 1.0)),
        )
    parts.append(fit(grid))
    parts.append(
        Text(
            "± is each share's 95% interval, a bootstrap over the base samples (an upper "
            "bound: the samples are quasi-random, which errs less); shares below 0.005 are "
            "left out.",
            style="dim",
        )
    )
    above = {s.first_above_total() for s in indices}
    if "noise" in above:
        parts.append(
            Text(
                "* first order above total, by less than their sampling noise: for an input "
                "that acts alone the two are equal, and each estimate is noisy.",
                style="dim",
            )
        )
    if "beyond noise" in above:
        parts.append(
            Text(
                "! first order above total by more than their noise (it cannot be so): these "
                "estimates are not reliable; use more samples.",
                style="yellow",
            )
        )
    note = _assumption_note(
        [(s.parameter, s.assumed) for s in indices],
        replaced,
        [(s.parameter, s.narrowed) for s in indices],
    )
    if note is not None:
        parts.append(note)
    return Group(*parts)


def analysis_renderables(analysis: Analysis) -> RenderableType:
    """Header, with several alternatives a table comparing them, per alternative a
    monthly-costs table and a payback summary, then the verdict."""
    parts: list[RenderableType] = [_header(analysis)]
    if len(analysis.alternatives) > 1:
        from payback.report.compare import comparison_renderables

        parts += [Text(), comparison_renderables([analysis])]
    if analysis.resolved.sources:
        parts += [Text(), _sources(analysis)]
    for index, alt in enumerate(analysis.alternatives):
        parts += [Text(), fit(_costs_table(alt, analysis)), fit(_payback_grid(alt, analysis))]
        if analysis.uncertainty is not None:
            parts += [Text(), _uncertainty_grid(analysis, index)]
    verdict = Text("\nVerdict: ", style="bold")
    verdict.append(analysis.verdict())
    parts.append(Prose(verdict))  # wrapped between words: a figure never split
    return Group(*parts)
