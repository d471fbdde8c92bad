"""What every rendering shares: labels, colours, number formats and the two tables.

The terminal text, the HTML (plotly), the Markdown (matplotlib) and the explanation read
their words, colours and table cells from here, so they cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel

from payback.analysis.cashflows import numeric_paths
from payback.analysis.result import AlternativeResult, Analysis, months_text, usd
from payback.scenario import value_at
from payback.studies.solve import Solution
from payback.studies.uncertainty import Driver

COMPONENT_LABELS = {
    "api": "API / usage fees",
    "gpus": "GPUs",
    "hardware": "owned servers",
    "facility": "power & colocation",
    "escalation": "escalation to baseline",
    "ops": "ops",
    "retraining": "retraining",
    "errors": "errors (quality)",
    "latency": "waiting (latency)",
}
"""Monthly cost components, by the engine's names."""

ONE_TIME_LABELS = {
    "data": "data (collect, label, clean)",
    "engineering": "engineering time",
    "eval": "eval harness",
    "training": "training runs",
    "hardware": "servers bought (cash)",
}
"""One-time cost items, by the engine's names."""

COMPONENT_COLOURS = {
    "api": "#4c9be8",
    "gpus": "#0b3d6b",
    "hardware": "#3a5f7d",
    "facility": "#76b7b2",
    "escalation": "#f28e2b",
    "ops": "#9c7fc7",
    "retraining": "#59a14f",
    "errors": "#b07aa1",
    "latency": "#edc948",
}
"""A component has the same colour in every chart and both renderers."""

BASELINE_COLOUR = "#1b1b1b"
ALTERNATIVE_COLOURS = ["#e15759", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]
"""Alternative i has colour i in every chart; the baseline is near-black."""
LOW_END_COLOUR = "#9ecae1"
HIGH_END_COLOUR = "#08519c"
"""Tornado bars: an input at its low end (light) and at its high end (dark)."""
BAND_COLOUR = "#1f4e79"
ZERO_COLOUR = "#c0392b"

RATE_FIELDS = (
    "growth_monthly",
    "price_change_annual",
    "discount_rate_annual",
    "_share",
    "target_utilization",
    "batch_discount",
    "error_rate",
)
"""Fields that hold fractions, shown as percentages."""


def alternative_colour(index: int) -> str:
    return ALTERNATIVE_COLOURS[index % len(ALTERNATIVE_COLOURS)]


def is_rate(path: str) -> bool:
    return path.endswith(RATE_FIELDS)


def is_money(path: str) -> bool:
    return "usd" in path.rsplit(".", 1)[-1]


def compact(value: float, money_sign: bool = False) -> str:
    """A number in a few characters: 150k, 2.5M, 0.75, 1,500; ``$`` in front for money.

    >>> compact(150000), compact(-2859, True), compact(0.75), compact(2_500_000, True)
    ('150k', '-$2.9k', '0.75', '$2.5M')
    >>> compact(-0.005631), compact(322.5), compact(-999.5, True), compact(512.3, True)
    ('-0.00563', '322.5', '-$1.0k', '$512')
    """
    sign = "-" if value < 0 else ""
    size = abs(value)
    if size >= 1e6:
        text = f"{size / 1e6:.3g}M"
    elif size >= 1e4:
        text = f"{size / 1e3:.3g}k"
    elif money_sign and size >= 999.5:
        text = f"{size / 1e3:.1f}k"
    elif money_sign:
        text = f"{size:,.0f}"
    else:
        text = f"{size:,.4g}" if size >= 1 else f"{size:.3g}"
    return f"{sign}{'$' if money_sign else ''}{text}"


def format_input(path: str, value: float) -> str:
    """An input's value in a few characters: 2.0% for fractions, 150k for large counts."""
    if is_rate(path):
        return f"{value:.1%}"
    return compact(value)


def _positional(value: float, digits: int) -> str:
    text = np.format_float_positional(round(value, digits), trim="-")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def plain_number(value: float) -> str:
    """A number in full for whole numbers, four significant figures otherwise; thousands
    separators and no exponent.

    >>> plain_number(1_000_000), plain_number(2.69), plain_number(12.84456), plain_number(0.00025)
    ('1,000,000', '2.69', '12.84', '0.00025')
    """
    if value == int(value) and abs(value) < 1e15:
        return f"{value:,.0f}"
    size = abs(value)
    if size >= 1000:
        text = f"{size:,.1f}".removesuffix(".0")
    elif size >= 1e-4:
        text = f"{size:.4g}"
    else:
        text = np.format_float_positional(size, precision=3, unique=False, fractional=False)
    return ("-" if value < 0 else "") + text


def input_value(path: str, value: float) -> str:
    """An input's value as people write it: 8% for fractions, $15,000 or $2.50 for money.

    >>> input_value("traffic.growth_monthly", 0.08), input_value("traffic.requests_per_month", 1e6)
    ('8%', '1,000,000')
    >>> input_value("baseline.input_usd_per_mtok", 2.5), input_value("x.price_change_annual", -0.4)
    ('$2.50', '-40%')
    >>> input_value("a.training_usd", 10.816569), input_value("a.usd_per_1k_requests", 0.005)
    ('$10.82', '$0.005')
    """
    if is_rate(path):
        return _positional(value * 100, 4) + "%"
    if is_money(path):
        size = abs(value)
        cents = size != int(size) and size >= 0.1
        text = f"{size:,.2f}" if cents else plain_number(size)
        return ("-" if value < 0 else "") + "$" + text
    return plain_number(value)


def range_text(path: str, dist: dict[str, object]) -> str:
    """A distribution as a reader reads it: ``triangular: low 150,000, mode 200,000, high 320,000``."""
    kind = dist.get("dist", "")
    parts = [
        f"{k} {input_value(path, float(v))}"
        for k, v in dist.items()
        if k != "dist" and isinstance(v, int | float)
    ]
    return f"{kind}: " + ", ".join(parts)


def money_tick(value: float) -> str:
    """Money on a chart axis, the sign before the dollar, as plotly's ``$,.0f`` draws it.

    >>> money_tick(-20000.0), money_tick(1500.0)
    ('−$20,000', '$1,500')
    """
    return ("−" if value < 0 else "") + f"${abs(value):,.0f}"


def per_1k_tick(value: float) -> str:
    """A price per 1,000 requests on a tick: cents below $10.

    >>> per_1k_tick(0.5), per_1k_tick(20.0)
    ('$0.50', '$20')
    """
    return f"${value:,.2f}" if value < 10 else f"${value:,.0f}"


def round_figures(value: float, figures: int = 2) -> float:
    """``value`` rounded to a few significant figures.

    >>> round_figures(1_234_567), round_figures(48_613.2, 3)
    (1200000.0, 48600.0)
    """
    if value == 0 or not math.isfinite(value):
        return value
    return float(round(value, figures - 1 - math.floor(math.log10(abs(value)))))


def quarter_text(within: dict[str, bool | None] | None) -> str:
    """Whether it pays back within 3 months, as ``analyze`` says it."""
    answer = (within or {}).get("3")
    return "unknown (horizon too short)" if answer is None else ("yes" if answer else "no")


def pays_back_text(alt: AlternativeResult, horizon: int) -> str:
    if alt.break_even_month is None:
        return f"not within {months_text(horizon)}"
    if alt.break_even_month == 0:
        return "at once"
    return f"month {alt.break_even_month:.1f}"


def driver_range(analysis: Analysis, driver: Driver) -> str:
    """The range one tornado input was moved over, in its own words:
    ``150k to 250k, ±25%``, ``-2.0% to 2.0%, assumed for a rate left at 0``, ``p10 … to p90 …``."""
    low, high = (format_input(driver.parameter, v) for v in (driver.low, driver.high))
    how = driver.assumed
    if how is None:
        return f"p10 {low} to p90 {high}"
    if how.startswith("±"):
        share = float(how.strip("±%")) / 100
        central = float(value_at(analysis.resolved.scenario, driver.parameter))
        full = sorted((central * (1 - share), central * (1 + share)))
        clipped = not (
            math.isclose(driver.low, full[0], rel_tol=1e-9, abs_tol=1e-12)
            and math.isclose(driver.high, full[1], rel_tol=1e-9, abs_tol=1e-12)
        )
        return f"{low} to {high}, {how}" + (" clipped to what the field allows" if clipped else "")
    if "assumed for a rate left at 0" in how:
        return f"{low} to {high}, assumed for a rate left at 0"
    return f"{low} to {high}, {how}"


def configuration_text(config: dict[str, object] | None) -> str | None:
    """The serving configuration of a self-hosted option in a few words, e.g. "qwen2.5-7b
    fp8 on 1 × l40 per replica, 5.51 requests/s each (planned at 70%); 11 replicas in
    month 1, 19 at the most; l40 on-demand at $0.69/GPU-h"."""
    if config is None:
        return None
    per = int(config["gpus_per_replica"])  # type: ignore[call-overload]
    gpu = config["gpu"] or "GPU"
    what = f"{per} × {gpu}"
    if config["model"]:
        what = f"{config['model']} {config['precision'] or ''} on {what}".replace("  ", " ")
    rps = float(config["replica_requests_per_s"])  # type: ignore[arg-type]
    util = float(config["target_utilization"])  # type: ignore[arg-type]
    text = f"{what} per replica, {rps:,.2f} requests/s each (planned at {util:.0%})"
    if config["always_on"]:
        first, most = float(config["replicas_month_1"]), float(config["replicas_max"])  # type: ignore[arg-type]
        text += f"; {first:,.0f} replica{'s' if first != 1 else ''} in month 1"
        if most != first:
            text += f", {most:,.0f} at the most"
    else:
        text += "; scaled to zero, busy GPU-hours paid"
    pricing = str(config["pricing"])
    if config.get("servers_max") is not None:
        first, most = float(config["servers_month_1"]), float(config["servers_max"])  # type: ignore[arg-type]
        servers = f"{first:,.0f}" + (f" to {most:,.0f}" if most != first else "")
        return f"{text}; {servers} {pricing} server{'s' if most != 1 else ''}"
    price = config["usd_per_gpu_hour"]
    text += f"; {pricing} at ${float(price):,.2f}/GPU-h" if price is not None else f"; {pricing}"  # type: ignore[arg-type]
    trend = float(config.get("gpu_price_change_annual") or 0.0)  # type: ignore[arg-type]
    if trend:
        text += f", {trend:+.0%} a year"
    return text


def given_in_file(scenario: BaseModel, path: str) -> bool:
    """Whether the scenario as written sets the number at ``path`` (not a default)."""
    node: object = scenario
    for part in path.split("."):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return False
            node = node[int(part)]
        elif isinstance(node, BaseModel):
            if part not in node.model_fields_set:
                return False
            node = getattr(node, part)
        else:
            return False
    return True


@dataclass(frozen=True)
class Table:
    """A table with its cells already formatted; renderers only escape and lay it out."""

    header: list[str]
    rows: list[list[str]]
    numeric: frozenset[int] = field(default_factory=frozenset)
    """Columns aligned right."""
    caption: str = ""
    """A sentence the reader needs before the table."""


def summary_table(analysis: Analysis) -> Table:
    """One row per alternative: one-time cost, month-1 cost, break-even, NPV, within a
    quarter; and, when quality or latency are priced, the infrastructure-only answer."""
    horizon = analysis.horizon_months
    rows = [
        [
            alt.name,
            usd(alt.one_time_usd),
            usd(alt.monthly_cost_usd[0]),
            pays_back_text(alt, horizon),
            usd(alt.npv_usd),
            quarter_text(alt.pays_back_within),
        ]
        for alt in analysis.alternatives
    ]
    rate = analysis.scenario.scenario.discount_rate_annual
    header = [
        "alternative",
        "one-time cost",
        "cost in month 1",
        "pays back",
        f"NPV, {months_text(horizon)}" + (f" at {rate:.0%}" if rate else ""),
        "within a quarter?",
    ]
    if any(alt.infrastructure_only is not None for alt in analysis.alternatives):
        header.append("infrastructure only: pays back, NPV")
        for row, alt in zip(rows, analysis.alternatives, strict=True):
            plain = alt.infrastructure_only or {}
            month = plain.get("break_even_month")
            row.append(
                ("never" if month is None else f"month {month:.1f}")
                + f", {usd(plain.get('npv_usd') or 0.0)}"
                if plain
                else ""
            )
    return Table(header, rows, frozenset({1, 2, 4}))


def input_rows(analysis: Analysis) -> list[dict[str, object]]:
    """Every number the engine uses: its value, where it came from (the scenario file, a
    default, a catalog, an estimate), the reference and date behind it, and its range."""
    resolved = analysis.resolved
    rows: list[dict[str, object]] = []
    for path in numeric_paths(resolved):
        source = resolved.sources.get(path)
        dist = resolved.scenario.distributions.get(path)
        if source:
            origin = source.source
        else:
            origin = "scenario file" if given_in_file(resolved.original, path) else "default"
        rows.append(
            {
                "path": path,
                "value": float(value_at(resolved.scenario, path)),
                "source": origin,
                "reference": source.reference if source else None,
                "checked": source.checked.isoformat() if source and source.checked else None,
                "range": dist.model_dump() if dist else None,
            }
        )
    return rows


def inputs_table(analysis: Analysis) -> Table:
    """The inputs, formatted: value in full (percentages for fractions), range, source, reference."""
    rows = []
    for row in input_rows(analysis):
        path = str(row["path"])
        reference = str(row["reference"] or "")
        if row["checked"]:
            reference += ("; " if reference else "") + f"checked {row['checked']}"
        rows.append(
            [
                path,
                input_value(path, float(row["value"])),  # type: ignore[arg-type]
                range_text(path, row["range"]) if row["range"] else "",  # type: ignore[arg-type]
                str(row["source"]),
                reference,
            ]
        )
    header = ["input", "value used", "range", "source", "reference"]
    # a column with nothing in it (no ranges, no catalog references) is left out
    keep = [i for i in range(len(header)) if i in (0, 1, 3) or any(r[i] for r in rows)]
    names = "; ".join(
        f"alternatives.{i} is '{alt.name}'" for i, alt in enumerate(analysis.alternatives)
    )
    return Table(
        [header[i] for i in keep],
        [[r[i] for i in keep] for r in rows],
        frozenset({1}),
        f"baseline is '{analysis.baseline.name}'; {names}. \"default\": not in the scenario "
        "file, the field's default value.",
    )


def metric_text(metric: str, value: float | None, decimals: int | None = None) -> str:
    """A solve metric's value in words: ``month 3.00``, ``$1,200``, ``1,000,000 requests``
    (``decimals`` more where two values must read apart).

    >>> metric_text("break_even_month", 2.5), metric_text("npv_usd", -1234.6), metric_text("break_even_month", None)
    ('month 2.50', '-$1,235', 'never (within the horizon)')
    >>> metric_text("npv_usd", -1e-9), metric_text("break_even_month", 3.0001, 4)
    ('$0', 'month 3.0001')
    """
    if value is None:
        return "never (within the horizon)"
    if metric == "npv_usd":
        if decimals is None and abs(value) < 0.005:
            return "$0"
        return usd(value, decimals)
    if metric == "break_even_requests":
        return f"{value:,.{decimals or 0}f} requests"
    return f"month {value:.{2 if decimals is None else decimals}f}"


def _apart(
    texts: Callable[[int | None], tuple[str, str]], a: float | None, b: float | None
) -> tuple[str, str]:
    """``texts(decimals)`` gives two values as text; the fewest decimals that read apart."""
    one, two = texts(None)
    shown = one.rstrip("%").rpartition(".")[2] if "." in one else ""
    start = len(shown) + 1 if shown.isdigit() else 1  # never fewer digits than at first
    for decimals in range(start, 21):
        if one != two or a == b or a is None or b is None:
            break
        one, two = texts(decimals)
    return one, two


def _metrics_apart(metric: str, a: float | None, b: float | None) -> tuple[str, str]:
    """Two values of a metric as text, with enough digits to tell them apart."""
    return _apart(lambda d: (metric_text(metric, a, d), metric_text(metric, b, d)), a, b)


def _values_apart(path: str, a: float, b: float) -> tuple[str, str]:
    """Two nearby values of an input as text, in its style, with enough digits to tell
    them apart: ``157,456.07`` and ``157,456.08``, never a raw float.

    >>> _values_apart("traffic.requests_per_month", 157456.07049954878, 157456.0704995488)
    ('157,456.07049954878', '157,456.07049954880')
    >>> _values_apart("alternatives.0.usd_per_gpu_hour", 1.25, 1.2500001)
    ('$1.2500000', '$1.2500001')
    >>> _metrics_apart("break_even_month", 2.999, 3.001)
    ('month 2.999', 'month 3.001')
    """

    def style(value: float, decimals: int | None) -> str:
        if decimals is None:
            return input_value(path, value)
        if is_rate(path):
            return f"{value * 100:,.{decimals}f}%"
        sign = "-" if value < 0 else ""
        return sign + ("$" if is_money(path) else "") + f"{abs(value):,.{decimals}f}"

    return _apart(lambda d: (style(a, d), style(b, d)), a, b)


def solution_lines(solution: Solution) -> list[str]:
    """What ``payback solve`` prints: the value, what it achieves, today's, and how found."""
    p, metric = solution.parameter, solution.target.metric
    name = f"'{solution.alternative_name}'"
    today = (
        f"Today {p} = {input_value(p, solution.current)} gives "
        f"{metric_text(metric, solution.current_achieved)}"
        + (", which already meets the target." if solution.current_met else ".")
    )
    calls = solution.iterations
    found = (
        f"Found in {calls} engine call{'' if calls == 1 else 's'} "
        f"({solution.evaluations:,} values tried)."
    )
    at_once = (
        [
            "Month 0 means paying back at once, before any month's saving: only an alternative "
            "with nothing to pay up front does."
        ]
        if metric == "break_even_month" and solution.target.value == 0
        else []
    )
    if solution.value is None:
        allowed = solution.allowed
        if solution.holds_everywhere:
            return [
                f"Every allowed value of {p} ({allowed.describe_low()} and "
                f"{allowed.describe_high()}) already meets {solution.target} for {name}: "
                "there is no threshold to find.",
                today,
            ]
        closest = solution.closest or (math.nan, None)
        near, _ = _metrics_apart(metric, closest[1], solution.target.value)
        return [
            f"No value of {p} in its allowed range ({allowed.describe_low()} and "
            f"{allowed.describe_high()}) gives {solution.target} for {name}; the closest is "
            f"{near} at {p} = {input_value(p, closest[0])}.",
            *at_once,
            today,
            found,
        ]
    above = bool(solution.met_above)
    side, way = ("at least", "above") if above else ("at most", "below")

    def holds(value: str) -> str:
        if solution.single_crossing:
            return f"it holds for {p} {side} {value}."
        return (
            f"it holds just {way} {value} (the crossing nearest today's value), but not for "
            f"every value {way} it: the answer is not monotone in {p} (a whole number such as "
            "the fleet's replicas steps, or the payback leaves the horizon)."
        )

    if solution.step and solution.other_side is not None:
        other_value, other_metric = solution.other_side
        there, value = _values_apart(p, other_value, solution.value)
        was, now = _metrics_apart(metric, other_metric, solution.achieved)
        cause = (
            "only whole numbers are allowed"
            if solution.whole
            else "a whole number such as the fleet's replicas changes there, "
            "or it stops paying back within the horizon"
        )
        lines = [
            f"{name}: {solution.target} is met only within a step: the answer jumps from "
            f"{was} at {p} = {there} to {now} at {value} ({cause}).",
            "The target " + holds(value).removeprefix("it "),
        ]
    else:
        value = input_value(p, solution.value)
        lines = [
            f"{name}: {p} = {value} gives {metric_text(metric, solution.achieved)}, the target "
            f"({solution.target}); {holds(value)}",
        ]
    return [*lines, today, found]
