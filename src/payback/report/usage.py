"""``payback usage``'s tables: the traffic measured from request logs, the months and
models behind it, and what could not be read (Rich renderables; the library never imports
Rich)."""

from __future__ import annotations

from typing import Any

from payback.figures import counted
from payback.measure.usage import DAYS_PER_MONTH, HOURS_PER_MONTH, UsageProfile
from payback.scenario.rounding import written_value

__all__ = ["render_profile"]


def render_profile(profile: UsageProfile) -> Any:
    """The measured traffic, the months and models behind it, and what could not be read
    (a Rich renderable)."""
    from rich.console import Group
    from rich.text import Text

    from payback.report.fit import fit

    parts: list[Any] = [fit(_summary(profile)), fit(_months(profile))]
    if len(profile.by_model) > 1 or profile.by_model[0]["model"] != "(none)":
        parts.append(fit(_models(profile)))
    r = profile.rows
    parts.append(
        Text(
            f"Rows: {r['read']:,} read, {r['used']:,} used, {r['unreadable']:,} unreadable, "
            f"{r['not_llm_calls_or_failed']:,} not LLM calls or failed, {r['filtered_out']:,} outside the filters.",
            style="dim",
        )
    )
    if r.get("duplicates"):
        parts.append(
            Text(
                f"  {counted(format(r['duplicates'], ','), 'row')} dropped as repeats of a request "
                "id seen before (the same request logged twice, or overlapping exports): each "
                "request is counted once",
                style="dim",
            )
        )
    for reason, count in (r.get("unreadable_why") or {}).items():
        parts.append(Text(f"  unreadable: {count:,} with {reason}", style="dim"))
    parts += _examples(r["examples"], r["unreadable"])
    return Group(*parts)


def _examples(examples: list[str], unreadable: int) -> list[Any]:
    """The unreadable rows shown, as the file has them: under a line that says so, each on
    its own lines indented, a long one folded where the width ends (not moved whole to the
    next line after a label, nor cut)."""
    from rich.padding import Padding
    from rich.text import Text

    if not examples:
        return []
    head = (
        "the unreadable row as the file has it"
        if unreadable == 1 and len(examples) == 1
        else f"unreadable rows as the file has them ({len(examples):,} of {unreadable:,})"
    )
    rows = [
        Padding(Text(example, style="dim", overflow="fold"), (0, 0, 0, 4), expand=False)
        for example in examples
    ]
    return [Text(f"  {head}:", style="dim"), *rows]


def _summary(profile: UsageProfile) -> Any:
    """The ``[traffic]`` numbers, each with how it was measured."""
    from rich import box
    from rich.table import Table

    traffic, p = profile.traffic, profile.token_percentiles

    def spread(name: str) -> str:
        q = p[name]
        return f"; p50 {q['p50']:,.0f}, p90 {q['p90']:,.0f}, p99 {q['p99']:,.0f}" if q else ""

    full = profile.span["complete_months"]
    rows = {
        "requests_per_month": f"{written_value('requests_per_month', traffic['requests_per_month']):,}  "
        + (
            f"(requests per day in {full[-1]} × {DAYS_PER_MONTH:g})"
            if full
            else f"(requests per covered hour × {HOURS_PER_MONTH:g})"
        ),
        "growth_monthly": (
            f"{traffic['growth_monthly']:+.2%}  (log-linear fit of requests per day over "
            f"{len(full)} complete months)"
            if "growth_monthly" in traffic
            else "not measured  (fewer than two complete months to fit)"
            if len(full) < 2
            else "not measured  (a complete month without a request of the model)"
        ),
        "input_tokens": f"{traffic['input_tokens']:,.1f} mean" + spread("input_tokens"),
        "output_tokens": f"{traffic['output_tokens']:,.1f} mean" + spread("output_tokens"),
        "cached_input_share": (
            f"{traffic['cached_input_share']:.1%}  (cached / input tokens)"
            if "cached_input_share" in traffic
            else "not measured  (no cached-token column)"
        ),
        "peak_to_average": (
            f"{traffic['peak_to_average']:.2f}  (busiest hour / mean hour"
            + (f" of {full[-1]})" if full else " covered)")
            if "peak_to_average" in traffic
            else "not measured  (no request of the model in that month)"
            if full and not traffic["requests_per_month"]
            else "not measured  (no hourly detail in the logs)"
        ),
    }
    summary = Table(
        box=box.SIMPLE_HEAD,
        title=(
            f"Traffic from {profile.table}, {profile.format} format"
            if profile.table
            else f"Traffic from {counted(str(len(profile.files)), 'file')}, {profile.format} format"
        ),
        title_justify="left",
        show_header=False,
    )
    summary.add_column(style="bold")
    summary.add_column()
    for key, value in rows.items():
        summary.add_row(key, value)
    return summary


def _months(profile: UsageProfile) -> Any:
    """Each calendar month's requests, tokens and whether the logs cover it whole."""
    from rich import box
    from rich.table import Table

    months = Table(box=box.SIMPLE_HEAD, title="By month (UTC)", title_justify="left")
    for name in ("month", "requests", "per day", "input tok", "output tok", "cached", "complete"):
        months.add_column(name, justify="left" if name == "month" else "right")
    for row in profile.by_month:
        per_day = row["requests_per_day"]
        months.add_row(
            row["month"],
            f"{row['requests']:,.0f}",
            "" if per_day is None else f"{per_day:,.1f}",
            f"{row['input_tokens']:,.0f}",
            f"{row['output_tokens']:,.0f}",
            "" if row["cached_input_share"] is None else f"{row['cached_input_share']:.0%}",
            "yes" if row["complete"] else "partial",
        )
    return months


def _models(profile: UsageProfile) -> Any:
    """The ten models with the most requests: their share and mean tokens."""
    from rich import box
    from rich.table import Table

    shown = min(10, len(profile.by_model))
    title = (
        "By model"
        if profile.models <= shown
        else f"By model (the {shown} largest of {profile.models:,})"
    )
    models = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
    for name in ("model", "share", "input tok", "output tok"):
        models.add_column(name, justify="left" if name == "model" else "right")
    for row in profile.by_model[:shown]:
        models.add_row(
            row["model"],
            f"{row['share']:.1%}",
            f"{row['input_tokens']:,.0f}",
            f"{row['output_tokens']:,.0f}",
        )
    return models
