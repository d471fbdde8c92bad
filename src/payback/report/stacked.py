"""The HTML report's tables on a phone: a wide table scrolls in its own box (the page never
does), and the summary table, one row per alternative, stacks there: each alternative's
name, then its figures one a line, each after its column's name. At 420 px the summary's
seven columns (873 px) ran past the screen and were read by scrolling sideways; stacked,
every figure is in sight at once. Wider than :data:`STACK_BELOW_PX` it is the table."""

from __future__ import annotations

import html

from payback.report.common import Table
from payback.report.controls import clean

__all__ = ["STACKED_CSS", "STACK_BELOW_PX", "WIDE_CSS", "stacked_table"]

WIDE_CSS = (
    ".wide { overflow-x: auto; background:"
    " linear-gradient(to right, #fff 30%, #fff0) left / 40px 100% no-repeat local,"
    " linear-gradient(to left, #fff 30%, #fff0) right / 40px 100% no-repeat local,"
    " radial-gradient(farthest-side at 0 50%, #0003, #0000) left / 12px 100% no-repeat scroll,"
    " radial-gradient(farthest-side at 100% 50%, #0003, #0000) right / 12px 100% no-repeat"
    " scroll; }"
)
"""A table wider than the screen scrolls in its own box (the page never does), a shadow on
the side where more of it lies: at 420 px the summary table's last columns lay past the
box's edge with nothing to say so. The white covers (``local``) move with the table and
hide each shadow (``scroll``) at an end it has reached."""

STACK_BELOW_PX = 720
"""The widest screen on which the summary table stacks: a laptop's window, and a
tablet's held upright from 768 px, show the whole table."""

STACKED_CSS = f"""
@media (max-width: {STACK_BELOW_PX}px) {{
table.stacked, table.stacked tbody, table.stacked tr, table.stacked td {{ display: block; }}
table.stacked {{ width: 100%; }}
table.stacked thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }}
table.stacked tr {{ border-bottom: 1px solid #e3e3e3; padding: 6px 0; }}
table.stacked td {{ border: 0; padding: 2px 6px; }}
table.stacked td.name {{ font-weight: 600; padding-bottom: 4px; }}
table.stacked td.figure {{ display: flex; flex-wrap: wrap; justify-content: space-between; column-gap: 1em; text-align: right; }}
table.stacked td.figure::before {{ content: attr(data-label); color: #555; text-align: left; }}
table.stacked td.figure > span {{ margin-left: auto; }}
}}
"""
"""Below :data:`STACK_BELOW_PX`: the head hidden from sight (read aloud still), each row a
block, its first cell the alternative's name, each other cell a line of its column's name
on the left and the figure on the right (under it, to the right, where the two
are too long for one line)."""


def _escape(text: str) -> str:
    """``text`` as HTML, without control characters (as the report writes every cell)."""
    return html.escape(clean(text), quote=True)


def stacked_table(table: Table) -> str:
    """``table`` (the summary: a name, then figures) as HTML that stacks on a phone
    (:data:`STACKED_CSS`), its caption above it, in a box that scrolls should a screen
    between the two still be too narrow: each figure's cell carries its column's name.

    >>> from payback.report.common import Table
    >>> print(stacked_table(Table(["alternative", "NPV"], [["A & B", "$5"]], frozenset({1}))))
    <div class="wide"><table class="stacked"><thead><tr><th class="">alternative</th><th class="num">NPV</th></tr></thead><tbody><tr><td class="name">A &amp; B</td><td class="figure num" data-label="NPV"><span>$5</span></td></tr></tbody></table></div>
    """

    def cell(i: int, text: str) -> str:
        if i == 0:
            return f'<td class="name">{_escape(text)}</td>'
        kind = "figure num" if i in table.numeric else "figure"
        return f'<td class="{kind}" data-label="{_escape(table.header[i])}"><span>{_escape(text)}</span></td>'

    head = "".join(
        f'<th class="{"num" if i in table.numeric else ""}">{_escape(h)}</th>'
        for i, h in enumerate(table.header)
    )
    body = "".join(
        "<tr>" + "".join(cell(i, text) for i, text in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    caption = f'<p class="small">{_escape(table.caption)}</p>' if table.caption else ""
    rows = f'<table class="stacked"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'{caption}<div class="wide">{rows}</div>'
