"""A portfolio analysis as a document: the same tables as HTML or Markdown (for ``payback
report``); its words (``payback explain``, the report's "What it means") are
:mod:`payback.report.portfolio_words`'. Only reads the analysis."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import payback
from payback.money import fine_usd as money  # under a cent as analyze: "$0.001"
from payback.report.charts import Chart
from payback.report.common import MARKER, Table, kind_text
from payback.report.controls import clean
from payback.report.explain import heading
from payback.report.markdown import md_escape
from payback.report.portfolio_common import (
    SAVES_NET,
    baseline_fleet,
    baseline_fleet_words,
    break_even_cell,
    contribution_rows,
    fleet_header,
    fleet_words,
    gpus_text,
    idle_words,
    month_costs,
    one_time_parts,
    order_rows,
    placement_words,
    sampled_sentence,
    shares_fleet,
    workload_rows,
)
from payback.report.portfolio_words import break_even_paragraphs as break_even_paragraphs
from payback.report.portfolio_words import drivers_paragraphs as drivers_paragraphs
from payback.report.portfolio_words import npv_terms
from payback.report.portfolio_words import order_paragraph as order_paragraph
from payback.report.portfolio_words import portfolio_explanation as portfolio_explanation
from payback.report.portfolio_words import ranked_drivers as ranked_drivers
from payback.report.stacked import STACKED_CSS, WIDE_CSS, column_names_css
from payback.studies.portfolio import PortfolioAlternative, PortfolioAnalysis

if TYPE_CHECKING:
    from payback.analysis.portfolio_baseline import BaselineFleetFacts

__all__ = [
    "break_even_paragraphs",
    "drivers_paragraphs",
    "order_paragraph",
    "portfolio_explanation",
    "portfolio_html",
    "portfolio_markdown",
    "portfolio_markdown_files",
]


@dataclass(frozen=True)
class _Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    words: tuple[int, ...] = ()
    """Columns of words (names, roles) past the first: left-aligned as the terminal's are,
    where every other column, of figures, is right-aligned (its head too)."""
    code: bool = False
    """The first column is code (a field's path), as the scenario's report writes it."""
    stacked: bool = False
    """On a phone each row stacks, a figure a line after its column's name, as the
    scenario's summary does (:mod:`payback.report.stacked`): the workloads table, one row
    a workload, whose six columns scrolled sideways at 420 px."""


def _workloads(analysis: PortfolioAnalysis) -> _Table:
    rows = workload_rows(analysis)
    return _Table(
        "Workloads",
        ["workload", "requests/month", "growth", "tokens in / out", "peak / average", "baseline"],
        rows,
        words=(5,),
        stacked=True,
    )


def _summary(
    alt: PortfolioAlternative, horizon: int, terms: str, baseline: BaselineFleetFacts | None
) -> _Table:
    now, base, later, base_later = month_costs(alt, horizon)
    rows = [
        ["serves", ", ".join(alt.workloads)],
        [
            "fleet",
            # a shared fleet of one workload runs its model merged: fleet_words says so
            f"one shared fleet, an adapter per workload ({gpus_text(alt.gpus[0], 'GPU')} "
            "in month 1)"
            if shares_fleet(alt) and alt.gpus is not None
            else fleet_words(alt),
        ],
        *(
            [["placement, month 1", placement_words(alt) or "every GPU mixes adapters"]]
            if shares_fleet(alt)
            else []
        ),
        *([["reserved, idle", idle]] if shares_fleet(alt) and (idle := idle_words(alt)) else []),
        *([["baseline fleet", baseline_fleet_words(baseline)]] if baseline is not None else []),
        ["USD per month, month 1", f"{now} against {base}"],
        *(
            [[f"USD per month, month {horizon}", f"{later} against {base_later}"]]
            if horizon > 1
            else []
        ),
        [
            "one-time cost",
            money(alt.one_time_usd)
            + (
                f" ({parts})"
                if (parts := one_time_parts(alt, money, "shared", "per workload"))
                else f" ({money(alt.shared_one_time_usd)} shared)"
                if alt.shared_one_time_usd != alt.one_time_usd
                else ""
            ),
        ],
        ["break-even", break_even_cell(alt, horizon)],
        [f"NPV, {terms}", money(alt.npv_usd)],
    ]
    return _Table(f"{alt.name} ({kind_text(alt.kind)})", ["", ""], rows, words=(1,))


def _contributions(alt: PortfolioAlternative, baseline: BaselineFleetFacts | None) -> _Table:
    """The terminal's table: without a shared fleet its GPU time column, blank there (the
    documents headed it "GPU time" over empty cells), is left out."""
    header = ["workload", "saves", "GPU time" if shares_fleet(alt) else "", fleet_header(alt)]
    header += ["net", ""]
    rows = contribution_rows(alt, baseline)
    keep = [i for i, h in enumerate(header) if h or any(row[i] for row in rows)]
    return _Table(
        f"What each workload brings (present values; {SAVES_NET})",
        [header[i] for i in keep],
        [[row[i] for i in keep] for row in rows],
        words=(len(keep) - 1,),  # its role
    )


def _order(alt: PortfolioAlternative, horizon: int) -> _Table:
    return _Table(
        "Migration order",
        ["#", "move", "marginal NPV", "NPV so far", "break-even so far"],
        order_rows(alt, horizon),
        words=(1,),
    )


def _blocks(analysis: PortfolioAnalysis) -> list[_Table | str]:
    verdict = analysis.verdict()
    out: list[_Table | str] = [verdict[0].upper() + verdict[1:], _workloads(analysis)]
    for i, alt in enumerate(analysis.alternatives):
        baseline = baseline_fleet(analysis, i)
        out += [
            _summary(alt, analysis.horizon_months, npv_terms(analysis), baseline),
            _contributions(alt, baseline),
            _order(alt, analysis.horizon_months),
            alt.quarter + ".",
        ]
        if analysis.uncertainty is not None:  # as the terminal says it
            summary = analysis.uncertainty["alternatives"][i]
            inputs = len(analysis.uncertainty["inputs"])
            out.append(sampled_sentence(summary, analysis.horizon_months, inputs))
    return out


def inputs_rows(analysis: PortfolioAnalysis) -> list[dict[str, object]]:
    """Every number the portfolio reads (``payback sensitivity``'s paths), as
    :func:`~payback.report.common.input_rows` gives one scenario's: its value, its range
    when it has one, where it came from (the scenario file, a default, a catalog) and the
    reference and date behind it."""
    from payback.analysis.portfolio import central_value, route
    from payback.report.common import given_in_file
    from payback.studies.portfolio_uncertainty import portfolio_paths

    p = analysis.portfolio
    workloads = p.scenario.workloads or []

    def given(path: str) -> bool:
        bits = path.split(".")
        if bits[0] == "workloads" and bits[2] == "alternatives":  # terms keyed by name
            j, i = int(bits[1]), bits[3]
            name = p.scenario.alternatives[int(i)].name if i.isdigit() else i
            terms = workloads[j].alternatives.get(name)
            return terms is not None and given_in_file(terms, ".".join(bits[4:]))
        return given_in_file(p.scenario, path)

    def group(path: str) -> int:  # the scenario's own numbers first, then each workload's
        bits = path.split(".")
        return 1 + int(bits[1]) if bits[0] == "workloads" else 0

    rows: list[dict[str, object]] = []
    for path in sorted(portfolio_paths(p), key=group):
        where = route(p, path)
        found = [p.parts[j].sources.get(where.local) for j in where.parts]
        source = next((f for f in found if f is not None), None)
        dist = p.scenario.distributions.get(path)
        rows.append(
            {
                "path": path,
                "value": float(central_value(p, path)),
                "source": source.source
                if source
                else "scenario file"
                if given(path)
                else "default",
                "reference": source.reference if source else None,
                "checked": source.checked.isoformat() if source and source.checked else None,
                "range": dist.model_dump() if dist else None,
            }
        )
    return rows


def _inputs(analysis: PortfolioAnalysis) -> _Table:
    from payback.report.inputs import input_cells

    header, rows = input_cells(inputs_rows(analysis))
    words = tuple(i for i, h in enumerate(header) if h in ("range", "source", "reference"))
    return _Table("Inputs and where they come from", header, rows, words=words, code=True)


def _inputs_caption(analysis: PortfolioAnalysis) -> str:
    workloads = "; ".join(
        f"workloads.{j} is '{w.name}'" for j, w in enumerate(analysis.scenario.workloads or [])
    )
    alternatives = "; ".join(
        f"alternatives.{i} is '{a.name}'" for i, a in enumerate(analysis.alternatives)
    )
    return (
        f'{workloads}; {alternatives}. "default": not in the scenario file, the field\'s '
        "default value. An alternative's number is read by every workload it serves that "
        "gives none of its own."
    )


def _html_table(table: _Table) -> str:
    """A table's header and rows as HTML, in a box that scrolls on its own when the table
    is wider than a phone (the page does not); a ``stacked`` one with its head and body
    marked, which :data:`~payback.report.stacked.STACKED_CSS` stacks on a phone."""

    def cell(k: int, text: str, tag: str = "td") -> str:
        if k == 0 and table.code and tag == "td":  # a path may break after each dot
            return f"<td><code>{_escape(text).replace('.', '.<wbr>')}</code></td>"
        words = ' class="words"' if k in table.words else ""
        return f"<{tag}{words}>{_escape(text)}</{tag}>"

    head = "".join(cell(k, h, "th") for k, h in enumerate(table.header))
    rows = "".join(
        "<tr>" + "".join(cell(k, text) for k, text in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    head = f"<tr>{head}</tr>" if any(table.header) else ""  # a list of pairs has no head
    if not table.stacked:
        return f'<div class="wide"><table>{head}{rows}</table></div>'
    return (
        f'<div class="wide stacked"><table><thead>{head}</thead><tbody>{rows}</tbody></table></div>'
    )


def _md_table(table: _Table) -> list[str]:
    """A table's header and rows as Markdown lines, each column of figures right-aligned
    as the HTML's are, the first column in code where it is a field's path."""

    def cell(k: int, text: str) -> str:
        return f"`{clean(text)}`" if k == 0 and table.code else _md(text)

    align = ["---" if k == 0 or k in table.words else "---:" for k in range(len(table.header))]
    return [
        "| " + " | ".join(_md(h) for h in table.header) + " |",
        "|" + "|".join(align) + "|",
        *("| " + " | ".join(cell(k, c) for k, c in enumerate(row)) + " |" for row in table.rows),
    ]


def portfolio_html(analysis: PortfolioAnalysis) -> str:
    """One offline HTML page: the verdict, the workloads and, per alternative, its costs,
    each workload's contribution and the migration order; the charts; the explanation."""
    from payback.report.portfolio_charts import portfolio_charts

    e = _escape
    body = [f"<h1>{e(analysis.name)}</h1>"]
    names = ""  # the stacked table's column names, each before its figure on a phone
    for block in _blocks(analysis):
        if isinstance(block, str):
            body.append(f"<p>{e(block)}</p>")
            continue
        if block.stacked:
            names += column_names_css(Table(block.header, block.rows))
        body.append(f"<h2>{e(block.title)}</h2>\n{_html_table(block)}")
    cautions = analysis.portfolio.warnings  # as the scenario's report lists its own
    if cautions:
        body.append(
            '<h2>Cautions</h2><ul class="cautions">' + "".join(f"<li>{e(w)}</li>" for w in cautions)
        )
        body.append("</ul>")
    from payback.report.html import chart_sections  # plotly, loaded only for HTML

    body += ["<h2>Charts</h2>", *chart_sections(portfolio_charts(analysis), keyed_ids=True)]
    body.append("<h2>What it means</h2>")
    for title, paragraphs in portfolio_explanation(analysis):
        body.append(f"<h3>{e(heading(title))}</h3>")
        body += [f"<p>{e(p)}</p>" for p in paragraphs]
    inputs = _inputs(analysis)
    body.append(f"<h2>{e(inputs.title)}</h2>")
    body.append(f'<p class="note">{e(_inputs_caption(analysis))}</p>')
    body.append(_html_table(inputs))
    body.append(
        f'<p class="note">Generated by payback {payback.__version__} on {dt.date.today().isoformat()}.</p>'
    )
    style = (
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;"
        "text-align:left}:is(td,th):not(:first-child){text-align:right}"
        ":is(td,th).words{text-align:left}td:not(:first-child,.words){white-space:nowrap}"
        "@media (max-width:600px){td,th{padding:.2rem .4rem}}"
        + WIDE_CSS
        + ".note{color:#555;font-size:.9em}p{max-width:60em;line-height:1.45}"
        + "ul.cautions li{overflow-wrap:anywhere}"
        + STACKED_CSS
        + names
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(analysis.name)}</title><style>{style}</style></head><body>\n"
        + "\n".join(body)
        + f"\n</body></html>\n<!-- {MARKER} {payback.__version__} -->\n"
    )


def _escape(text: str) -> str:
    """``text`` as HTML, without control characters (as the terminal shows it)."""
    return html.escape(clean(text))


def _md(text: str) -> str:
    """``text`` as Markdown that shows it as written, a ``$`` too (GitHub read "$a ... $b"
    as maths): :func:`payback.report.markdown.md_escape`, as the scenario's report."""
    return md_escape(text)


def _png_name(path: Path, chart: Chart) -> str:
    return f"{path.stem}-{chart.key}.png"


def portfolio_markdown_files(analysis: PortfolioAnalysis, path: Path) -> dict[Path, bytes]:
    """The Markdown report at ``path`` and its PNG charts beside it (matplotlib, as the
    scenario report draws them), as file contents: written all together or none."""
    from payback.report.markdown import png_bytes
    from payback.report.portfolio_charts import portfolio_charts

    charts = portfolio_charts(analysis)
    files = {path.parent / _png_name(path, c): png_bytes(c) for c in charts}
    text = portfolio_markdown(analysis, path, charts)
    return {path: text.encode("utf-8"), **files}


def portfolio_markdown(
    analysis: PortfolioAnalysis, path: Path = Path("report.md"), charts: list[Chart] | None = None
) -> str:
    """The same as :func:`portfolio_html`, as Markdown tables, the charts linked as the
    PNGs :func:`portfolio_markdown_files` writes beside ``path``."""
    from payback.report.markdown import image_link
    from payback.report.portfolio_charts import portfolio_charts

    lines = [f"# {_md(analysis.name)}", ""]
    for block in _blocks(analysis):
        if isinstance(block, str):
            lines += [_md(block), ""]
            continue
        lines += [f"## {_md(block.title)}", ""]
        lines += [*_md_table(block), ""]
    if analysis.portfolio.warnings:
        lines += ["## Cautions", "", *(f"- {_md(w)}" for w in analysis.portfolio.warnings), ""]
    lines += ["## Charts", ""]
    for chart in portfolio_charts(analysis) if charts is None else charts:
        lines += [image_link(chart.title, _png_name(path, chart)), ""]
        if chart.note:
            lines += [f"*{_md(chart.note)}*", ""]
    lines += ["## What it means", ""]
    for title, paragraphs in portfolio_explanation(analysis):
        lines += [f"### {_md(heading(title))}", ""]
        lines += [line for p in paragraphs for line in (_md(p), "")]
    inputs = _inputs(analysis)
    lines += [f"## {_md(inputs.title)}", "", _md(_inputs_caption(analysis)), ""]
    lines += [*_md_table(inputs), ""]
    lines.append(f"Generated by payback {payback.__version__} on {dt.date.today().isoformat()}.")
    lines.append("")
    lines.append(f"<!-- {MARKER} {payback.__version__} -->")
    return "\n".join(lines) + "\n"
