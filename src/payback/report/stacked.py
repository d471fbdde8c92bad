"""The HTML report's tables on a phone: a wide table scrolls in its own box (the page never
does), and the summary table, one row per alternative, stacks there: each alternative's
name, then its figures one a line, each after its column's name. At 420 px the summary's
seven columns (873 px) ran past the screen and were read by scrolling sideways; stacked,
every figure is in sight at once. Wider than :data:`STACK_BELOW_PX` it is the table."""

from __future__ import annotations

import html

from payback.report.common import Table
from payback.report.controls import clean

__all__ = ["STACKED_CSS", "STACK_BELOW_PX", "WIDE_CSS", "column_names_css", "stacked_table"]

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
.stacked table, .stacked tbody, .stacked tr, .stacked td {{ display: block; }}
.stacked table {{ width: 100%; }}
.stacked thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }}
.stacked tr {{ border-bottom: 1px solid #e3e3e3; padding: 6px 0; }}
.stacked td {{ border: 0; padding: 2px 6px; }}
.stacked td:first-child {{ font-weight: 600; padding-bottom: 4px; }}
.stacked td + td {{ display: flex; flex-wrap: wrap; justify-content: flex-end; column-gap: 1em; text-align: right; }}
.stacked td + td::before {{ color: #555; text-align: left; margin-right: auto; }}
}}
"""
"""Below :data:`STACK_BELOW_PX`: the head hidden from sight (read aloud still), each row a
block, its first cell the alternative's name, each other cell a line of its column's name
(:func:`column_names_css`) on the left and the figure on the right (under it, to the right,
where the two are too long for one line)."""


def _css_string(text: str) -> str:
    """``text`` as a CSS string: quotes and backslashes escaped, and ``<`` (no ``</style>``
    can end the sheet early), without control characters.

    >>> print(_css_string('a "b" </style>'))
    "a \\"b\\" \\3c /style>"
    """
    escaped = clean(text).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def column_names_css(table: Table) -> str:
    """The stacked table's column names, each before its figure on a phone: one rule a
    column (a cell carries no name of its own, so the table's markup is the wide one's).

    >>> from payback.report.common import Table
    >>> print(column_names_css(Table(["alternative", "NPV"], [["A", "$5"]])).strip())
    @media (max-width: 720px) {
    .stacked td:nth-child(2)::before { content: "NPV"; }
    }
    """
    rules = "".join(
        f".stacked td:nth-child({i + 1})::before {{ content: {_css_string(name)}; }}\n"
        for i, name in enumerate(table.header)
        if i > 0
    )
    return f"\n@media (max-width: {STACK_BELOW_PX}px) {{\n{rules}}}\n"


def _escape(text: str) -> str:
    """``text`` as HTML, without control characters (as the report writes every cell)."""
    return html.escape(clean(text), quote=True)


def stacked_table(table: Table) -> str:
    """``table`` (the summary: a name, then figures) as the report writes a table, its
    caption above it, in a box that scrolls should a screen still be too narrow, that
    stacks on a phone (:data:`STACKED_CSS`, with :func:`column_names_css` in the sheet).

    >>> from payback.report.common import Table
    >>> print(stacked_table(Table(["alternative", "NPV"], [["A & B", "$5"]], frozenset({1}))))
    <div class="wide stacked"><table><thead><tr><th class="">alternative</th><th class="num">NPV</th></tr></thead><tbody><tr><td class="">A &amp; B</td><td class="num">$5</td></tr></tbody></table></div>
    """

    def kind(i: int) -> str:
        return "num" if i in table.numeric else ""

    head = "".join(f'<th class="{kind(i)}">{_escape(h)}</th>' for i, h in enumerate(table.header))
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{kind(i)}">{_escape(c)}</td>' for i, c in enumerate(row))
        + "</tr>"
        for row in table.rows
    )
    caption = f'<p class="small">{_escape(table.caption)}</p>' if table.caption else ""
    rows = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'{caption}<div class="wide stacked">{rows}</div>'
