"""Every terminal table laid out so that no word in it is ever cut: a money figure, a count,
a month or a name stays whole at any width (tried as a new user would, an NPV of
-$97,318,792,555,102,864 read "-$97,318,792,55…" at 80 columns).

:func:`fit` wraps a Rich table. Where every column fits its widest cell, the table is
printed as built; where it does not, the columns with the most words to wrap give up width
first (the widest first, as Rich does), never below their longest word (a column made
``no_wrap`` keeps its cells on one line; one made ``overflow="fold"`` may fold a long URL
or path across lines); where even that does not fit, each row is printed
as its first cell on a line of its own and its other cells below it, each after its
column's header ("month 1 $1,219,326,311,234,567; month 12 ..."), in the colours the
table gives them. Stacked lines break between words only: at a width too narrow for a
figure (16 columns and "$1,219,326,311,248,204"), the figure stands whole on a line of its
own that runs past the width, never split across two lines (tried as a new user would,
"$1,219,326,3" above "11,248,204"); the console that prints it must not crop its lines.
No line ends in a blank (a table's padding, piped to a file): :func:`trimmed`.
:class:`Prose` wraps a paragraph by the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style, StyleType
from rich.table import Column, Table
from rich.text import Text

__all__ = ["Fit", "Prose", "column_widths", "fit", "trimmed"]

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
        for renderable in self._laid_out(console, options):
            yield from trimmed(console.render(renderable, options))

    def _laid_out(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
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
            yield table
        finally:
            for column, (was, overflow) in zip(table.columns, kept, strict=True):
                column.width, column.overflow = was, overflow

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.table)

    def _stacked(self, width: int) -> Iterator[RenderableType]:
        """Each row as its first cell on a line of its own (a rank, a first column of
        figures, with the next cell: "1 ticket summaries"), its other cells below it; the
        blank edges of a boxed table kept, so that what follows stands apart as before.
        Lines break between words only, each cell keeping its colours."""
        table = self.table
        edges = bool(table.box and table.show_edge)
        if table.title:
            title = _plain(table.title) or Text(str(table.title))
            yield from _lines(_styled(title, table.title_style or "bold"), width)
        if edges or table.title:
            yield Text("")
        columns = table.columns
        heads = 2 if columns[0].justify == "right" and len(columns) > 2 else 1
        by_column = [list(c.cells) for c in columns]
        for index, row in enumerate(table.rows):
            cells = [column[index] for column in by_column]
            texts = [_plain(cell) for cell in cells[:heads]]
            if heads == 1 and texts[0] is None:
                yield from _padded(cells[0], width)
            else:
                head = _head(texts, str(row.style or columns[0].style or "bold"))
                if head.plain.strip():
                    yield from _lines(head, width, fold=columns[0].overflow == "fold")
            style = str(row.style or "")
            pieces, others = self._pieces(columns[heads:], cells[heads:], style)
            for line in _pack(pieces, width - INDENT):
                yield _indented(line, width)
            yield from others
        if edges:
            yield Text("")
        if table.caption:
            caption = _plain(table.caption) or Text(str(table.caption))
            yield from _lines(_styled(caption, table.caption_style or ""), width)

    def _pieces(
        self, columns: list[Column], cells: list[RenderableType], style: str
    ) -> tuple[list[_Piece], list[RenderableType]]:
        """A row's cells after the first, each after its column's header ("month 1 $2,184";
        a cell under an empty header joins the one before it), in the row's and the
        column's style with the cell's own colours; and any cell that is not text, to be
        printed on its own."""
        pieces: list[_Piece] = []
        others: list[RenderableType] = []
        for column, cell in zip(columns, cells, strict=True):
            text = _plain(cell)
            if text is None:
                others.append(Padding(cell, (0, 0, 0, INDENT)))
                continue
            value = _stripped(text)
            if not value.plain:
                continue
            value = _styled(value, column.style)
            header = _header(column) if self.table.show_header else ""
            fold = column.overflow == "fold" and not column.no_wrap
            if header or not pieces:
                pieces.append(_Piece(Text(f"{header} " if header else "", style=style), fold))
            else:
                pieces[-1].text.append(" ")
            pieces[-1].text.append_text(value)
            pieces[-1].fold = pieces[-1].fold or fold
        return pieces, others


@dataclass
class _Piece:
    text: Text
    fold: bool
    """Whether a word of it wider than a line may be folded (a URL, a path: a column made
    ``overflow="fold"``), never a figure."""


def _stripped(text: Text) -> Text:
    """``text`` without its blanks either side, its colours kept."""
    plain = text.plain
    start = len(plain) - len(plain.lstrip())
    return text[start : len(plain.rstrip())] if plain.strip() else Text("")


def _styled(text: Text, style: StyleType | None) -> Text:
    """``text`` in ``style``, its own style and colours drawn over it."""
    if not style:
        return text
    styled = Text(style=style)
    styled.append_text(text)
    return styled


def _head(texts: list[Text | None], style: str) -> Text:
    """A stacked row's first cells on one line, in ``style`` under their own colours, the
    first one's indent kept ("  ops": a component under its total)."""
    head = Text(style=style)
    first = texts[0].plain if texts[0] is not None else ""
    head.append(first[: len(first) - len(first.lstrip())])
    words = [_stripped(t) for t in texts if t is not None]
    head.append_text(Text(" ").join(w for w in words if w.plain))
    return head


def _lines(text: Text, width: int, fold: bool = False) -> list[Text]:
    """``text`` broken between words into lines of at most ``width`` cells, its indent
    kept on the first; a word wider than a line stands on a line of its own, whole, past
    the width (folded only where ``fold``: a URL, a path), as a line that nothing wraps."""
    plain = text.plain
    spans: list[tuple[int, int]] = []
    for word in re.finditer(r"\S+", plain):
        if spans and cell_len(plain[spans[-1][0] : word.end()]) <= width:
            spans[-1] = (spans[-1][0], word.end())
            continue
        start = word.start() if spans else 0
        while fold and cell_len(plain[start : word.end()]) > width > 0:
            spans.append((start, start + width))
            start += width
        spans.append((start, word.end()))
    lines = [text[start:end] for start, end in spans]
    for line in lines:
        line.no_wrap, line.overflow, line.end = True, "ignore", "\n"
    return lines


def _padded(cell: RenderableType, width: int) -> list[RenderableType]:
    """A first cell that is not text: as it is, unless it is text padded on the left (a
    scenario's alternative under its label), then broken between words as text is, each
    line padded."""
    if isinstance(cell, Padding) and (text := _plain(cell.renderable)) is not None:
        lines = _lines(_stripped(text), width - cell.left)
        return [_indented(line, width, cell.left) for line in lines]
    return [cell]


def _indented(line: Text, width: int, indent: int = INDENT) -> Text:
    """``line`` after ``indent`` blanks, fewer where that keeps a word wider than a line
    within ``width``; all of them where it runs past the width anyway."""
    blanks = indent if line.cell_len > width else min(indent, width - line.cell_len)
    indented = Text(" " * blanks, no_wrap=True, overflow="ignore", end="\n")
    return indented.append_text(line)


class Prose:
    """``text`` (a paragraph, a verdict) wrapped to the width between words only: a figure,
    a name, a path is never split, a word wider than the terminal runs past it, and no line
    ends in a blank (as Rich's wrapping leaves one where it breaks a line)."""

    def __init__(self, text: str | Text) -> None:
        self.text = text if isinstance(text, Text) else Text(text)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for paragraph in self.text.split("\n", allow_blank=True):
            yield from _lines(paragraph, options.max_width) or [Text("")]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)


def _pack(pieces: list[_Piece], width: int) -> list[Text]:
    """``pieces`` in lines of at most ``width`` cells, "; " between them, a piece never
    split across two lines unless it is wider than a line alone (then between words)."""
    lines: list[Text] = []
    for index, piece in enumerate(pieces):
        text = piece.text.copy()
        if index < len(pieces) - 1:
            text.append(";")  # measured with the piece: a figure and its ";" stay together
        if lines and lines[-1].cell_len + 1 + text.cell_len <= width:
            lines[-1].append(" ")
            lines[-1].append_text(text)
        else:
            lines += _lines(text, width, fold=piece.fold)
    return lines


def trimmed(segments: Iterable[Segment]) -> Iterator[Segment]:
    """``segments`` without the blanks at the end of each line (a table's padding), so
    that no line ends in spaces; a blank that shows (a background, an underline) kept."""
    line: list[Segment] = []
    for segment in segments:
        if segment.control or "\n" not in segment.text:
            line.append(segment)
            continue
        parts = segment.text.split("\n")
        for number, part in enumerate(parts):
            if part:
                line.append(Segment(part, segment.style))
            if number < len(parts) - 1:
                yield from _rstrip(line)
                yield Segment("\n", segment.style)
                line = []
    yield from _rstrip(line)


def _rstrip(line: list[Segment]) -> list[Segment]:
    end = len(line)
    while end:
        text, style, control = line[end - 1]
        if control or (style is not None and _shows_blanks(style)):
            break
        kept = text.rstrip(" ")
        if kept:
            line[end - 1] = Segment(kept, style)
            break
        end -= 1
    return line[:end]


def _shows_blanks(style: Style) -> bool:
    """Whether a blank in ``style`` can be seen: on a background, underlined, reversed."""
    return bool(
        style.bgcolor is not None
        or style.reverse
        or style.underline
        or style.underline2
        or style.strike
        or style.overline
    )
