"""A portfolio analysis as a document: the same tables as HTML or Markdown (for ``payback
report``), and in plain words (for ``payback explain``). Only reads the analysis."""

from __future__ import annotations

import html
from dataclasses import dataclass

import payback
from payback.analysis.result import months_text
from payback.analysis.result import usd as money
from payback.analysis.verdict import usd_column
from payback.report.common import MARKER, in_month_text, month_text
from payback.report.portfolio_common import (
    contribution_rows,
    fleet_words,
    order_rows,
    placement_words,
    shares_fleet,
    workload_rows,
)
from payback.studies.portfolio import PortfolioAlternative, PortfolioAnalysis

__all__ = ["portfolio_explanation", "portfolio_html", "portfolio_markdown"]


@dataclass(frozen=True)
class _Table:
    title: str
    header: list[str]
    rows: list[list[str]]


def _workloads(analysis: PortfolioAnalysis) -> _Table:
    rows = workload_rows(analysis)
    return _Table(
        "Workloads",
        ["workload", "requests/month", "growth", "tokens in / out", "peak / average", "baseline"],
        rows,
    )


def _npv_terms(analysis: PortfolioAnalysis) -> str:
    """``24 months at 10%``: the NPV's horizon and discount rate, as ``analyze`` says them."""
    rate = analysis.scenario.scenario.discount_rate_annual
    return months_text(analysis.horizon_months) + (f" at {rate:.0%}" if rate else "")


def _summary(alt: PortfolioAlternative, horizon: int, terms: str) -> _Table:
    last = horizon - 1
    now, base, later, base_later = usd_column(
        [
            alt.monthly_cost_usd[0],
            alt.baseline_usd[0],
            alt.monthly_cost_usd[last],
            alt.baseline_usd[last],
        ]
    )
    rows = [
        ["serves", ", ".join(alt.workloads)],
        [
            "fleet",
            {
                "shared": "one shared fleet, an adapter per workload",
                "separate": "a fleet per workload",
            }.get(alt.fleet or "", fleet_words(alt))
            + (f" ({alt.gpus[0]:g} GPUs in month 1)" if alt.gpus else ""),
        ],
        [
            "placement, month 1",
            placement_words(alt) or ("every GPU mixes adapters" if alt.gpus else "-"),
        ],
        ["USD per month, month 1", f"{now} against {base}"],
        [f"USD per month, month {horizon}", f"{later} against {base_later}"],
        [
            "one-time cost",
            money(alt.one_time_usd)
            + (
                f" ({money(alt.shared_one_time_usd)} shared)"
                if alt.shared_one_time_usd != alt.one_time_usd
                else ""
            ),
        ],
        [
            "break-even",
            "not within the horizon"
            if alt.break_even_month is None
            else f"{month_text(alt.break_even_month, 2)}, after {alt.break_even_requests or 0:,.0f} requests",
        ],
        [f"NPV, {terms}", money(alt.npv_usd)],
    ]
    return _Table(f"{alt.name} ({alt.kind})", ["", ""], rows)


def _contributions(alt: PortfolioAlternative) -> _Table:
    shared = shares_fleet(alt)
    return _Table(
        "What each workload brings (present values)",
        ["workload", "saves", "GPU time", "fleet share" if shared else "own fleet", "net", ""],
        contribution_rows(alt),
    )


def _order(alt: PortfolioAlternative, horizon: int) -> _Table:
    return _Table(
        "Migration order",
        ["#", "move", "marginal NPV", "NPV so far", "break-even so far"],
        order_rows(alt, horizon),
    )


def _blocks(analysis: PortfolioAnalysis) -> list[_Table | str]:
    verdict = analysis.verdict()
    out: list[_Table | str] = [verdict[0].upper() + verdict[1:], _workloads(analysis)]
    for alt in analysis.alternatives:
        out += [
            _summary(alt, analysis.horizon_months, _npv_terms(analysis)),
            _contributions(alt),
            _order(alt, analysis.horizon_months),
            alt.quarter + ".",
        ]
    return out


def portfolio_html(analysis: PortfolioAnalysis) -> str:
    """One offline HTML page: the verdict, the workloads and, per alternative, its costs,
    each workload's contribution and the migration order."""
    e = html.escape
    body = [f"<h1>{e(analysis.name)}</h1>"]
    for block in _blocks(analysis):
        if isinstance(block, str):
            body.append(f"<p>{e(block)}</p>")
            continue
        head = "".join(f"<th>{e(h)}</th>" for h in block.header)
        rows = "".join(
            "<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in block.rows
        )
        # a table wider than a phone scrolls on its own, the page does not
        body.append(
            f'<h2>{e(block.title)}</h2>\n<div class="wide"><table><tr>{head}</tr>{rows}</table></div>'
        )
    style = (
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;"
        "text-align:left}td:not(:first-child){text-align:right}.wide{overflow-x:auto}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(analysis.name)}</title><style>{style}</style></head><body>\n"
        + "\n".join(body)
        + f"\n</body></html>\n<!-- {MARKER} {payback.__version__} -->\n"
    )


def _md(text: str) -> str:
    out = text
    for ch in "\\`*_[]<>|#~":
        out = out.replace(ch, "\\" + ch)
    return out


def portfolio_markdown(analysis: PortfolioAnalysis) -> str:
    """The same as :func:`portfolio_html`, as Markdown tables."""
    lines = [f"# {_md(analysis.name)}", ""]
    for block in _blocks(analysis):
        if isinstance(block, str):
            lines += [_md(block), ""]
            continue
        lines += [f"## {_md(block.title)}", ""]
        lines.append("| " + " | ".join(_md(h) for h in block.header) + " |")
        lines.append("|" + "|".join("---" for _ in block.header) + "|")
        lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in block.rows]
        lines.append("")
    lines.append(f"<!-- {MARKER} {payback.__version__} -->")
    return "\n".join(lines) + "\n"


def _names(names: list[str], one: str, many: str) -> str:
    """``a saves`` or ``a, b save``."""
    return f"{', '.join(names)} {one if len(names) == 1 else many}"


def portfolio_explanation(analysis: PortfolioAnalysis) -> list[tuple[str, list[str]]]:
    """In plain words, per alternative: what moving the workloads together costs and saves,
    who carries the fleet, the order to move them in and the quarter."""
    horizon = analysis.horizon_months
    sections = []
    for alt in analysis.alternatives:
        paragraphs = [
            f"It serves {len(alt.workloads)} workload{'' if len(alt.workloads) == 1 else 's'} "
            f"({', '.join(alt.workloads)}) for "
            f"{money(alt.monthly_cost_usd[0])} a month in month 1, against "
            f"{money(alt.baseline_usd[0])} on what {'it uses' if len(alt.workloads) == 1 else 'they use'} today, after a one-time "
            f"{money(alt.one_time_usd)}"
            + (
                f" ({money(alt.shared_one_time_usd)} of it shared by all)."
                if alt.shared_one_time_usd != alt.one_time_usd
                else "."
            ),
            (
                f"It does not pay back within {months_text(horizon)}"
                if alt.break_even_month is None
                else f"It pays back {in_month_text(alt.break_even_month)}"
            )
            + f"; NPV {money(alt.npv_usd)} over {_npv_terms(analysis)}.",
        ]
        if alt.gpus is not None:
            placed = placement_words(alt)
            paragraphs.append(
                f"The shared fleet runs {alt.gpus[0]:g} GPUs in month 1: "
                + (
                    f"{placed}. A replica that serves one workload's adapter alone runs it "
                    "merged, without the multi-adapter penalty, so workloads that fill whole "
                    "replicas get their own and only the leftovers mix"
                    if placed
                    else "every one mixes adapters"
                )
                + "."
            )
            carriers, riders = alt.carriers, alt.riders
            paragraphs.append(
                "Each workload pays for the shared fleet by its share of GPU time. "
                + (f"{_names(carriers, 'saves', 'save')} more than "
                   f"{'its' if len(carriers) == 1 else 'their'} share: "
                   f"{'it carries' if len(carriers) == 1 else 'they carry'} the fleet. " if carriers else "")
                + (f"{_names(riders, 'saves', 'save')} less: "
                   f"{'it rides' if len(riders) == 1 else 'they ride'} on it." if riders else "")
            )  # fmt: skip
        else:
            losing = [c.workload for c in alt.contributions if c.role != "carries"]
            if losing:
                paragraphs.append(
                    f"{_names(losing, 'saves', 'save')} less than "
                    f"{'its' if len(losing) == 1 else 'their'} own fleet costs."
                )
        order = ", ".join(f"{s.workload} ({money(s.marginal_npv_usd)})" for s in alt.order)
        if len(alt.order) > 1:  # one workload: no order to move them in
            paragraphs.append(f"Move them in this order (each one's marginal NPV): {order}.")
        losing_steps = [s.workload for s in alt.order if s.marginal_npv_usd < 0]
        if losing_steps:
            paragraphs.append(
                f"Moving {', '.join(losing_steps)} lowers the NPV (a negative marginal NPV)."
            )
        paragraphs.append(alt.quarter + ".")
        sections.append((f"{alt.name}: the portfolio", paragraphs))
    return sections
