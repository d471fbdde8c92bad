"""Every terminal table laid out so that no word in it is ever cut: a money figure, a count,
a month or a name stays whole at any width (tried as a new user would, an NPV of
-$97,318,792,555,102,864 read "-$97,318,792,55…" at 80 columns).

:func:`fit` wraps a Rich table. Where every column fits its widest cell, the table is
printed as built; where it does not, the columns with the most words to wrap give up width
first (the widest first, as Rich does), never below their longest word (a column made
``no_wrap`` keeps its cells on one line; one made ``overflow="fold"`` may fold a long URL
or path across lines); where even that does not fit, each row is printed
as its first cell on a line of its own and its other cells below it, each after its
column's header ("month 1 $1,219,326,311,234,567; month 12 ...").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Column, Table
from rich.text import Text

__all__ = ["Fit", "column_widths", "fit"]

INDENT = 4
"""How far a stacked row's cells stand in under its first cell."""
FOLDED = 20
"""The narrowest a column made ``overflow="fold"`` gets: a word of it longer than that (a
URL, a path) is folded across lines; never a column of figures."""


def fit(table: Table, label_width: int = 0) -> Fit:
    """``table`` as a renderable that never cuts a word of a cell (see the module); its
    first column keeps up to ``label_width`` cells (its widest line, if narrower) for as
    long as another column can wrap instead."""
    return Fit(table, label_width)


@dataclass(frozen=True)
class _Span:
    least: int
    """The column's narrowest width: its longest word (its longest line when no_wrap)."""
    most: int
    """Its widest line."""
    padding: int


def _spans(table: Table, console: Console, options: ConsoleOptions) -> list[_Span]:
    wide = options.update_width(1_000_000)  # what each cell needs, unclamped
    spans = []
    for index, column in enumerate(table.columns):
        cells = list(column.cells) + ([column.header] if table.show_header else [])
        sizes = [Measurement.get(console, wide, cell) for cell in cells]
        most = max((s.maximum for s in sizes), default=0)
        least = most if column.no_wrap else max((s.minimum for s in sizes), default=0)
        if column.overflow == "fold" and not column.no_wrap:  # a long URL or path may fold
            least = min(least, FOLDED)
        if column.width is not None:
            least = most = column.width
        least = max(least, column.min_width or 0)
        spans.append(_Span(least, max(most, least), _padding(table, index)))
    return spans


def _padding(table: Table, index: int) -> int:
    """The cell padding of column ``index``, left and right, as Rich adds it."""
    _, right, _, left = table.padding
    if table.collapse_padding:
        left = 0
    if not table.pad_edge:
        left = 0 if index == 0 else left
        right = 0 if index == len(table.columns) - 1 else right
    return left + right


def _frame(table: Table) -> int:
    """The table's edges and the separators between its columns."""
    if not table.box:
        return 0
    return (2 if table.show_edge else 0) + len(table.columns) - 1


def column_widths(
    table: Table, console: Console, options: ConsoleOptions, label_width: int = 0
) -> list[int] | None:
    """The content width of each column of ``table`` in ``options.max_width`` with no word
    cut: each at its widest line where that fits, else the widest column that can still
    wrap narrowed one character at a time, down to its longest word (the first column
    first down to ``label_width`` only: see :func:`fit`; one made ``overflow="fold"``
    down to :data:`FOLDED`); ``None`` where even the longest words do not fit side by
    side."""
    spans = _spans(table, console, options)
    room = options.max_width - _frame(table) - sum(s.padding for s in spans)
    least = [s.least for s in spans]
    if not least or sum(least) > room:
        return None
    least[0] = max(least[0], min(spans[0].most, label_width, room - sum(least[1:])))
    widths = [s.most for s in spans]
    excess = sum(widths) - room
    while excess > 0:
        slack = [i for i in range(len(spans)) if widths[i] > least[i]]
        widest = max(slack, key=lambda i: widths[i] + spans[i].padding)
        widths[widest] -= 1
        excess -= 1
    return widths


def _plain(cell: Any) -> Text | None:
    if isinstance(cell, Text):
        return cell
    if isinstance(cell, str):
        return Text(cell)
    return None


def _header(column: Column) -> str:
    header = column.header
    text = header.plain if isinstance(header, Text) else str(header)
    return " ".join(text.split())


class Fit:
    """A Rich table that never cuts a word of its cells (:func:`fit`)."""

    def __init__(self, table: Table, label_width: int = 0) -> None:
        self.table, self.label_width = table, label_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = self.table
        spans = _spans(table, console, options)
        natural = sum(s.most + s.padding for s in spans) + _frame(table)
        if natural <= options.max_width:
            yield table
            return
        widths = column_widths(table, console, options, self.label_width)
        if widths is None:
            yield from self._stacked(options.max_width)
            return
        kept = [(c.width, c.overflow) for c in table.columns]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
            column.overflow = "fold"  # never an ellipsis; no word is wider than its column
        try:
            yield from console.render(table, options)
        finally:
            for column, (was, overflow) in zip(table.columns, kept, strict=True):
                column.width, column.overflow = was, overflow

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table)

    def _stacked(self, width: int) -> RenderResult:
        """Each row as its first cell on a line of its own (a rank, a first column of
        figures, with the next cell: "1 ticket summaries"), its other cells below it; the
        blank edges of a boxed table kept, so that what follows stands apart as before."""
        table = self.table
        edges = bool(table.box and table.show_edge)
        if table.title:
            yield Text(str(table.title), style=table.title_style or "bold")
        if edges or table.title:
            yield Text("")
        columns = table.columns
        heads = 2 if columns[0].justify == "right" and len(columns) > 2 else 1
        by_column = [list(c.cells) for c in columns]
        for index, row in enumerate(table.rows):
            cells = [column[index] for column in by_column]
            texts = [_plain(cell) for cell in cells[:heads]]
            style = str(row.style or columns[0].style or "bold")
            if heads == 1 and texts[0] is None:
                yield cells[0]
            else:
                head = " ".join(t.plain.strip() if t else "" for t in texts)
                if head.strip():
                    indent = texts[0].plain[: -len(texts[0].plain.lstrip())] if texts[0] else ""
                    yield Text(indent + head.strip(), style=style, overflow="fold")
            pieces, others = self._pieces(columns[heads:], cells[heads:])
            for line in _pack(pieces, width - INDENT):
                yield Padding(line, (0, 0, 0, INDENT))
            yield from others
        if edges:
            yield Text("")
        if table.caption:
            yield Text(str(table.caption), style=table.caption_style or "")

    def _pieces(
        self, columns: list[Column], cells: list[RenderableType]
    ) -> tuple[list[Text], list[RenderableType]]:
        """A row's cells after the first, each after its column's header ("month 1 $2,184";
        a cell under an empty header joins the one before it); and any cell that is not
        text, to be printed on its own."""
        pieces: list[Text] = []
        others: list[RenderableType] = []
        for column, cell in zip(columns, cells, strict=True):
            text = _plain(cell)
            if text is None:
                others.append(Padding(cell, (0, 0, 0, INDENT)))
                continue
            value = Text(text.plain.strip(), style=text.style)
            if not value.plain:
                continue
            header = _header(column) if self.table.show_header else ""
            if header or not pieces:
                pieces.append(Text(f"{header} " if header else "", overflow="fold"))
            else:
                pieces[-1].append(" ")
            pieces[-1].append_text(value)
        return pieces, others


def _pack(pieces: list[Text], width: int) -> list[Text]:
    """``pieces`` in lines of at most ``width`` cells, "; " between them, a piece never
    split across two lines unless it is wider than a line alone."""
    lines: list[Text] = []
    for index, piece in enumerate(pieces):
        more = 0 if index == len(pieces) - 1 else 1  # the ";" after it
        if lines and lines[-1].cell_len + 2 + piece.cell_len + more <= width:
            lines[-1].append("; ")
            lines[-1].append_text(piece)
        else:
            if lines:
                lines[-1].append(";")
            lines.append(piece.copy())
    return lines
