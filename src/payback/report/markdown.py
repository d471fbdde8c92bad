"""The Markdown report with PNG charts (matplotlib) beside it, and single-chart PNGs."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import payback
from payback.analysis.result import Analysis
from payback.figures import share_text
from payback.money import fine_usd
from payback.report import charts as ch
from payback.report.axes import money_tick_labels
from payback.report.common import (
    MARKER,
    ZERO_COLOUR,
    Table,
    headline,
    inputs_table,
    per_1k_ticks,
    summary_table,
)
from payback.report.controls import clean, clean_all
from payback.report.explain import explain, heading
from payback.report.palette import TODAY_COLOUR, text_colour

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import Formatter

__all__ = [
    "MARKER",
    "draw",
    "image_link",
    "linked_charts",
    "markdown_files",
    "md_escape",
    "md_table",
    "png_bytes",
]


@cache
def _pyplot() -> ModuleType:
    """matplotlib's pyplot, drawing to files only (no display). matplotlib takes about half
    a second to import: it is loaded the first time a chart is drawn, not with the module."""
    _writable_config_dir()
    logging.getLogger("matplotlib.font_manager").addFilter(_no_font_cache_line)
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.parse_math"] = False  # "$7.50 to $12.50" is money, not maths
    import matplotlib.pyplot as plt

    return plt


def _no_font_cache_line(record: logging.LogRecord) -> bool:
    """Leave out matplotlib's "Matplotlib is building the font cache; this may take a
    moment.", logged when building its cache takes over 5 s: in a temporary config folder
    (:func:`_writable_config_dir`) it is built at every run, and on a slow or busy machine
    the raw line reached stderr amid payback's own."""
    return not str(record.msg).startswith("Matplotlib is building the font cache")


def _writable_config_dir() -> None:
    """Give matplotlib a temporary folder (``MPLCONFIGDIR``, removed on exit) where its own,
    ``~/.config/matplotlib`` and ``~/.cache/matplotlib``, cannot be made or written (HOME
    read-only, or not a folder): it made one itself, but said so on stderr in two raw lines
    of its logging ("mkdir -p failed ...", "Matplotlib created a temporary cache
    directory ..."), amid payback's own. A folder the user set is left as it is."""
    import os

    if os.environ.get("MPLCONFIGDIR"):
        return
    try:
        home = Path.home()
    except (RuntimeError, KeyError):  # no HOME and no user entry
        home = None
    for variable, default in (("XDG_CONFIG_HOME", ".config"), ("XDG_CACHE_HOME", ".cache")):
        base = os.environ.get(variable) or (str(home / default) if home else "")
        folder = Path(base, "matplotlib") if base else None
        try:
            if folder is not None:
                folder.mkdir(parents=True, exist_ok=True)
                if folder.is_dir() and os.access(folder, os.W_OK):
                    continue
        except OSError:
            pass
        import atexit
        import shutil
        import tempfile

        temporary = tempfile.mkdtemp(prefix="payback-matplotlib-")
        atexit.register(shutil.rmtree, temporary, ignore_errors=True)
        os.environ["MPLCONFIGDIR"] = temporary
        return


def _money() -> Formatter:
    """Money ticks of one axis in one unit, short (:func:`~payback.report.axes.money_tick_labels`:
    $4B, not $4,000,000,000 running into $5,000,000,000)."""
    from matplotlib.ticker import Formatter

    class Money(Formatter):
        def __call__(self, x: float, pos: int | None = None) -> str:
            return money_tick_labels([x])[0]

        def format_ticks(self, values: list[float]) -> list[str]:
            return money_tick_labels(list(values))

    return Money()


def _axes(chart: ch.Chart, wide: bool = False, tall: float = 5.0) -> tuple[Figure, Axes]:
    fig, ax = _pyplot().subplots(figsize=(10 if wide else 9, tall), dpi=110, layout="constrained")
    ax.set_title(chart.title, loc="left", fontsize=11, wrap=True)
    ax.set_xlabel(chart.x_label)
    ax.set_ylabel(chart.y_label)
    ax.grid(True, color="#e5e5e5")
    ax.set_axisbelow(True)
    if "USD" in chart.y_label:
        ax.yaxis.set_major_formatter(_money())
    return fig, ax


def _label(ax: Axes, m: dict[str, Any], colour: str) -> None:
    """A marker's label where the chart data placed it, with a thin line to its point,
    on a white box so lines do not cross it."""
    ax.annotate(
        m["label"],
        (m["x"], m["y"]),
        xytext=(m["label_x"], m["label_y"]),
        textcoords="data",
        ha=m["align"],
        va="center",
        fontsize=9,
        color=text_colour(colour),
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
        arrowprops={
            "arrowstyle": "-",
            "color": "#777",
            "lw": 0.8,
            "relpos": ({"left": 0.0, "right": 1.0}.get(m["align"], 0.5), 0.5),
        },
    )


def _cumulative(ax: Axes, chart: ch.Chart) -> None:
    for s in chart.series:
        ax.plot(s.x, s.y, color=s.color, label=s.name, lw=2)
    for m in chart.markers:
        colour = m.get("color", "k")
        ax.plot([m["x"]], [m["y"]], "D", color=colour, mec="k", ms=7)
        _label(ax, m, colour)
    horizon = chart.series[0].x[-1]
    ax.set_xlim(-0.015 * horizon, 1.015 * horizon)  # a marker at 0 shows whole
    ax.set_ylim(*ch.value_range(chart))  # the range the labels were placed in
    _whole_months(ax)


def _components(ax: Axes, chart: ch.Chart) -> None:
    *parts, baseline = chart.series
    bottom = [0.0] * len(baseline.x)
    for s in parts:
        ax.bar(s.x, s.y, bottom=bottom, color=s.color, label=s.name, width=0.8)
        bottom = [b + y for b, y in zip(bottom, s.y, strict=True)]
    x, y = ch.drawn_line(baseline)  # one month: a segment across its bar, not one point
    ax.plot(x, y, ":", color=baseline.color or "k", lw=2, label=baseline.name)
    _whole_months(ax)


def _whole_months(ax: Axes) -> None:
    """Month ticks at whole months: a one-month horizon read 0.6, 0.7 ... 1.4 "month"."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1, steps=[1, 2, 2.5, 5, 10]))


def _one_time(ax: Axes, chart: ch.Chart) -> None:
    labels = chart.markers[0]["labels"]
    width = 0.8 / max(1, len(chart.series))
    for i, s in enumerate(chart.series):
        ax.bar(
            [x + i * width for x in range(len(labels))],
            s.y,
            width=width,
            label=s.name,
            color=s.color,
        )
    ax.set_xticks([x + width * (len(chart.series) - 1) / 2 for x in range(len(labels))], labels)
    if not any(y for s in chart.series for y in s.y):
        ax.set_ylim(0, 1000)  # all $0: an axis from $0


def _per_1k(ax: Axes, chart: ch.Chart) -> None:
    for s in chart.series:
        ax.step(s.x, s.y, where="post", color=s.color, label=s.name, lw=2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    (x_low, x_high), (y_low, y_high) = ch.per_1k_ranges(chart)
    x_ticks, y_ticks = ch.log_ticks(x_low, x_high), ch.log_ticks(y_low, y_high)
    ax.set_xticks(x_ticks, ch.count_ticks(x_ticks))
    ax.set_yticks(y_ticks, per_1k_ticks(y_ticks))
    ax.minorticks_off()
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)  # the range the labels were placed in
    crossings = [m for m in chart.markers if not ch.is_today(m)]
    for m in crossings:
        colour = m.get("color", "k")
        ax.plot([m["x"]], [m["y"]], "x", color=colour, mew=2, ms=9)
        _label(ax, m, colour)
    for m in chart.markers:
        if ch.is_today(m):
            ax.axvline(m["x"], color=TODAY_COLOUR, ls="--")
            ax.annotate(
                "today",
                (m["x"], 1),
                xycoords=("data", "axes fraction"),
                textcoords="offset points",
                xytext=(3, -12),
                color="#555",
            )


def _fan(ax: Axes, chart: ch.Chart) -> None:
    p10, p50, p90 = chart.series
    colour = p50.color or "#1f4e79"
    ax.fill_between(p10.x, p10.y, p90.y, color=colour, alpha=0.22, label="p10 to p90")
    ax.plot(p50.x, p50.y, color=colour, lw=2, label="median (p50)")
    ax.axhline(0, color=ZERO_COLOUR, ls="--", lw=1, label="zero: paid back above this line")
    _whole_months(ax)


def _histogram(ax: Axes, chart: ch.Chart) -> None:
    from matplotlib.ticker import PercentFormatter

    (s,) = chart.series
    ax.bar(s.x, s.y, width=0.9, color=s.color, label="paid back in that month")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    # in the legend, not above the plot, where a long title ran into it
    ax.plot([], [], " ", label=f"never within the horizon: {share_text(chart.markers[0]['never'])}")


def _tornado(ax: Axes, chart: ch.Chart) -> None:
    from matplotlib.ticker import MaxNLocator

    marker = chart.markers[0]
    center = marker["center"]
    rows = list(range(len(marker["labels"])))
    for s in chart.series:
        ax.barh(rows, [v - center for v in s.y], left=center, color=s.color, label=s.name)
    ax.axvline(center, color="k", lw=1)
    ax.set_yticks(
        rows,
        [f"{n}\n{r}" for n, r in zip(marker["labels"], marker["ranges"], strict=True)],
        fontsize=8,
    )
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_money())
    # four to six round ticks, as the page's narrow tornado: nine "$35×10¹⁹⁵" ran together
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.set_ylabel("")
    ax.annotate(
        f"central NPV {fine_usd(center)}",
        (center, 1),
        xycoords=("data", "axes fraction"),
        textcoords="offset points",
        xytext=(3 if marker["center_side"] == "right" else -3, -12),
        ha="left" if marker["center_side"] == "right" else "right",
        fontsize=9,
    )


_DRAW: dict[str, Callable[[Axes, ch.Chart], None]] = {
    "cumulative": _cumulative,
    "components": _components,
    "one": _one_time,
    "per": _per_1k,
    "fan": _fan,
    "histogram": _histogram,
    "tornado": _tornado,
}
"""How each kind of chart (the first word of its key) is drawn."""


LEGEND_ROWS = 6
"""The legend rows (two entries each) a chart of its own height holds below its plot. A
chart of many alternatives (100: a legend of 51 rows) grew its legend into the plot until
the axes had no height left: matplotlib drew it squashed and said so on stderr
("constrained_layout not applied because axes sizes collapsed to zero")."""
LEGEND_ROW_INCHES = 0.22
"""The height of one legend row at 9 points (the line and the space between lines)."""


def draw(chart: ch.Chart) -> Figure:
    """The matplotlib figure for a chart (the same data and colours as the HTML one; its
    words without control characters, as the terminal shows them)."""
    chart = clean_all(chart)
    if chart.missing:
        return _missing(chart)
    kind = chart.key.split("-")[0]
    wide = kind in ("per", "tornado")
    tall = max(4.0, 1.2 + 0.55 * len(chart.markers[0]["labels"])) if kind == "tornado" else 5.0
    fig, ax = _axes(chart, wide, tall)
    if kind in _DRAW:
        _DRAW[kind](ax, chart)
    rows = -(-len(ax.get_legend_handles_labels()[0]) // 2)
    if rows > LEGEND_ROWS:  # the legend's rows below the plot: the figure grows to hold them
        fig.set_figheight(tall + LEGEND_ROW_INCHES * (rows - LEGEND_ROWS))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False, fontsize=9)
    return fig


def _missing(chart: ch.Chart) -> Figure:
    """A chart with nothing to draw: its title, and why, where the plot would be."""
    import textwrap

    fig, ax = _axes(chart, tall=2.5)
    ax.set_axis_off()
    ax.text(0.5, 0.5, textwrap.fill(chart.missing, 80), ha="center", va="center", color="#555")
    return fig


def png_bytes(chart: ch.Chart) -> bytes:
    """The chart as PNG bytes, marked as made by payback."""
    fig = draw(chart)
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        metadata={"Software": f"payback {payback.__version__}", "Description": MARKER},
    )
    _pyplot().close(fig)
    return buffer.getvalue()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|~$])")
"""Characters that make Markdown: emphasis, links, code, headings, table pipes, struck
text and GitHub's maths. GitHub reads text between two ``$`` on a line as LaTeX
(``$1,200 ... $3,400`` became maths): ``\\$`` is CommonMark's own escape of that ASCII
punctuation, shown as a plain ``$`` by GitHub and by any CommonMark renderer, maths or
not, and it reads as money in the file itself (GitHub's ``<span>$</span>`` shows as
those tags where HTML is turned off)."""
_BLOCK_MARKER = re.compile(r"^( {0,3}(?:\d{1,9})?)([-+.)])(?=[ \t-]|$)")
"""What opens a list or a rule where it starts a line ("- x", "+ x", "1. x", "2) x",
"---"): a name that begins a paragraph, a list item or a cell's line reads as written."""


def md_escape(text: str) -> str:
    """Text (a name from the scenario, a sentence holding one, a figure) as Markdown that
    shows it as it is: HTML's ``<``, ``>`` and ``&`` as entities, Markdown's emphasis,
    links, code, headings, table pipes and GitHub's ``$`` maths backslash-escaped
    (:data:`_MARKDOWN_SPECIAL`), line breaks as spaces, control characters left out (as
    the terminal leaves them out). Every text the reports write into Markdown passes here,
    the Markdown the reports mean (a heading's ``#``, a code span) does not.

    >>> md_escape("<script>alert(1)</script> *fine-tuned* [v2] | a_b")
    '&lt;script&gt;alert(1)&lt;/script&gt; \\\\*fine-tuned\\\\* \\\\[v2\\\\] \\\\| a\\\\_b'
    >>> [md_escape(name) for name in ("1. list", "- item", "-$400", "2)", "v1.5 x")]
    ['1\\\\. list', '\\\\- item', '-\\\\$400', '2\\\\)', 'v1.5 x']
    >>> print(md_escape("$1,200 a month against $3,400"))
    \\$1,200 a month against \\$3,400
    """
    text = clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")
    return _BLOCK_MARKER.sub(r"\1\\\2", text)


def _cell(text: str) -> str:
    return md_escape(text)


def md_table(table: Table, code: int | None = None) -> str:
    """A shared table as Markdown (GitHub tables); column ``code`` in backticks."""
    align = ["---:" if i in table.numeric else "---" for i in range(len(table.header))]
    lines = [md_escape(table.caption), ""] if table.caption else []
    lines += ["| " + " | ".join(map(md_escape, table.header)) + " |", "|" + "|".join(align) + "|"]
    for row in table.rows:
        cells = [f"`{c}`" if i == code else _cell(c) for i, c in enumerate(row)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def image_link(title: str, name: str) -> str:
    """A Markdown image link that survives spaces and parentheses in the file name, and a
    name that is not valid UTF-8 (its bytes percent-encoded as they are: ``%FF``).

    >>> image_link("a", os.fsdecode(b"r x\\xff-cumulative.png"))
    '![a](r%20x%FF-cumulative.png)'
    """
    alt = md_escape(title)
    return f"![{alt}]({quote(os.fsencode(name))})"


_IMAGE_LINK = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)\)")


def linked_charts(text: str, path: Path) -> list[Path]:
    r"""The PNG charts beside the Markdown report at ``path`` that its ``text`` links, as
    :func:`markdown_files` (and the portfolio's report) name them: ``{stem}-KEY.png`` in
    the report's folder, each once, in order.

    >>> text = "![Cost \\[a\\]](r-tornado-2.png)\n![x](../r-cumulative.png) ![y](other.png)"
    >>> [p.name for p in linked_charts(text, Path("st/r.md"))]
    ['r-tornado-2.png']
    """
    found = _IMAGE_LINK.findall(text)
    names = dict.fromkeys(unquote(link, errors="surrogateescape") for link in found)
    return [
        path.parent / name
        for name in names
        if "/" not in name
        and "\\" not in name
        and name.startswith(f"{path.stem}-")
        and name.endswith(".png")
    ]


def longest_chart_ends(alternatives: int, portfolio: bool) -> list[str]:
    """What the longest PNG charts a Markdown report writes beside it add to its stem
    (``{stem}-KEY.png``; several where they are as long), for a scenario of
    ``alternatives`` alternatives, a portfolio's (``portfolio``: with workloads) or not,
    whatever the samples: for a name's length to be checked before any work. Read from
    every key its charts may have (:func:`payback.report.charts.report_charts`), of the
    last alternative (the longest index).

    >>> longest_chart_ends(12, portfolio=False)
    ['-components-11.png']
    >>> longest_chart_ends(100, portfolio=True)
    ['-cumulative-portfolio.png', '-one-contributions-99.png']
    """
    last = alternatives - 1
    ends = list(dict.fromkeys(f"-{key.format(last)}.png" for key in ch.report_charts(portfolio)))
    longest = max(map(len, ends))
    return [end for end in ends if len(end) == longest]


def markdown_files(analysis: Analysis, path: Path) -> dict[Path, bytes]:
    """The Markdown report at ``path`` and its PNG charts beside it, as file contents."""
    folder, stem = path.parent, path.stem
    files: dict[Path, bytes] = {}
    parts = [
        f"<!-- {MARKER} {payback.__version__} -->",
        f"# {md_escape(analysis.scenario.scenario.name)}",
        "",
        f"**{md_escape(headline(analysis))}**",
        "",
        md_table(summary_table(analysis)),
        "",
        *(
            ["## Cautions", "", *(f"- {md_escape(w)}" for w in warnings), ""]
            if (warnings := analysis.resolved.warnings)
            else []
        ),
        "## Charts",
        "",
    ]
    for chart in ch.all_charts(analysis):
        if chart.missing:  # nothing to draw: why, in its place
            parts += [f"**{md_escape(chart.title)}**", "", f"*{md_escape(chart.missing)}*", ""]
            continue
        png = folder / f"{stem}-{chart.key}.png"
        files[png] = png_bytes(chart)
        parts += [image_link(chart.title, png.name), ""]
        if chart.note:
            parts += [f"*{md_escape(chart.note)}*", ""]
    parts += ["## What it means", ""]
    for title, paragraphs in explain(analysis):
        parts += [f"### {md_escape(heading(title))}", ""]
        for paragraph in paragraphs:
            parts += [md_escape(paragraph), ""]
    parts += ["## Inputs and where they come from", ""]
    parts += [md_table(inputs_table(analysis), code=0), ""]
    parts.append(f"Generated by payback {payback.__version__} on {dt.date.today().isoformat()}.")
    return {path: ("\n".join(parts) + "\n").encode("utf-8"), **files}
