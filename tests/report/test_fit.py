"""The one layout every terminal table goes through (payback.report.fit): a table printed as
built where it fits, its words-columns wrapped where it does not (never a figure), and each
row above its figures where even the longest words do not fit side by side."""

from __future__ import annotations

import io

import pytest
from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from payback.report.fit import Prose, fit

WIDE = "$14,631,915,734,978,450"
"""23 characters: a total of ~$1.46×10^16, written out."""


def _costs() -> Table:
    table = Table(title="costs", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("USD per month")
    table.add_column("month 1", justify="right")
    table.add_column("total", justify="right")
    table.add_row("the baseline today", "$1,219,326,311,248,204", WIDE)
    table.add_row("  ops", "$999", "$11,988")
    return table


def _shown(renderable: RenderableType, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    console.print(renderable)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.splitlines())


def test_a_table_that_fits_is_printed_as_built() -> None:
    # the widest row: 18 + 22 + 23 characters, 2 gaps of 3 (padding 1, separator 1,
    # padding 1) and an edge each side: 71 columns
    assert _shown(fit(_costs()), 71) == _shown(_costs(), 71)
    assert WIDE in _shown(fit(_costs()), 71)


def test_narrower_the_words_wrap_and_the_figures_stay_whole() -> None:
    # 61 columns: the label gets 61 - 45 - 8 = 8, its longest word ("baseline"); Rich alone
    # cut both figures ("$1,219,326,311,2…")
    assert "…" in _shown(_costs(), 61)
    assert _shown(fit(_costs()), 61) == "\n".join(
        [
            "costs",
            "",
            " USD per",
            " month                     month 1                     total",
            " " + "─" * 59,
            " the        $1,219,326,311,248,204   $14,631,915,734,978,450",
            " baseline",
            " today",
            "   ops                        $999                   $11,988",
            "",  # the table's bottom edge
        ]
    )


def test_too_narrow_for_its_longest_words_each_row_stands_above_its_figures() -> None:
    # 60 columns: one short of the 61 the longest words need side by side; each figure
    # whole after its column's name, a pair never split across two lines
    assert _shown(fit(_costs()), 60) == "\n".join(
        [
            "costs",
            "",
            "the baseline today",
            "    month 1 $1,219,326,311,248,204;",
            "    total $14,631,915,734,978,450",
            "  ops",
            "    month 1 $999; total $11,988",
            "",  # the table's bottom edge, kept
        ]
    )


@pytest.mark.parametrize("width", [120, 80, 61, 60, 40, 30])
def test_no_figure_is_ever_cut(width: int) -> None:
    shown = _shown(fit(_costs()), width)
    assert "…" not in shown
    for figure in ("$1,219,326,311,248,204", WIDE, "$999", "$11,988"):
        assert figure in shown, (width, figure)
    assert max(len(line) for line in shown.splitlines()) <= width


def test_the_first_column_keeps_its_width_while_another_can_wrap() -> None:
    """The comparison's names keep 20 columns while a break-even in words takes two lines
    ("not within" / "24 months"); without it the widest column, the name, wrapped first."""

    def table() -> Table:
        t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        t.add_column("alternative")
        t.add_column("break-even", justify="right")
        t.add_column("NPV", justify="right", no_wrap=True)
        t.add_row("a fine-tuned 8B and its own fleet", "not within 24 months", "-$21,133")
        return t

    # 48 columns: 2 edges, 2 separators, 4 of padding leave 40; the NPV takes 8
    plain = _shown(fit(table()), 48).splitlines()
    kept = _shown(fit(table(), label_width=20), 48).splitlines()
    assert plain[3:6] == [
        " a fine-tuned 8B       not within 24   -$21,133",
        " and its own                  months",
        " fleet",
    ]
    assert kept[3:5] == [
        " a fine-tuned 8B and      not within   -$21,133",
        " its own fleet             24 months",
    ]


def test_a_column_made_to_fold_folds_a_long_path_instead_of_stacking_the_table() -> None:
    """analyze's sources at 80 columns: "calibrations/h200-llama-3.1-8b-lor…" was cut; the
    path, 40 characters, now folds in its column (37 wide here) and the table keeps its form."""
    path = "calibrations/h200-llama-3.1-8b-lora.toml"
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(justify="right")
    table.add_column(overflow="fold")
    table.add_row("  replica_requests_per_s", "35.05", f"factors calibrated by {path}")
    shown = _shown(fit(table), 70).splitlines()
    # 70 less 24 and 5 for the field and value, 2 gaps of 2: 37 columns for the source
    assert shown == [
        "  replica_requests_per_s  35.05  factors calibrated by",
        "                                 calibrations/h200-llama-3.1-8b-lora.t",
        "                                 oml",
    ]


def test_stacked_a_rank_stands_beside_its_name() -> None:
    """The migration order at 60 columns read "1" on a line of its own, "move ticket
    summaries" below it."""
    table = Table(title="Migration order", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("move")
    table.add_column("NPV so far", justify="right", no_wrap=True)
    table.add_row("1", "ticket summaries", "$344,605,643,921,530")
    assert _shown(fit(table), 30).splitlines() == [
        "Migration order",
        "",
        "1 ticket summaries",
        "    NPV so far",
        "    $344,605,643,921,530",
    ]


def _uncropped(renderable: RenderableType, width: int) -> str:
    """``renderable`` as a terminal ``width`` wide shows it, nothing cut at the width (a
    line may run past it) and no blank at a line's end removed."""
    console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False)
    console.print(renderable, crop=False)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_a_figure_wider_than_a_line_runs_past_it_whole() -> None:
    """16 columns leave 12 beside the indent: "$1,219,326,311,248,204;" (23) read
    "$1,219,326,3" / "11,248,204;" (folded), a figure split in two; now it stands whole on
    a line of its own, past the width, and "month 1" and "$999;" break between words."""
    assert _uncropped(fit(_costs()), 16) == "\n".join(
        [
            "costs",
            "",
            "the baseline",  # "the baseline today" is 18: it breaks between words
            "today",
            "    month 1",
            "    $1,219,326,311,248,204;",
            "    total",
            "    $14,631,915,734,978,450",
            "  ops",
            "    month 1",  # "month 1 $999;" is 13, one more than the 12 left
            "    $999;",
            "    total",
            "    $11,988",
            "",
            "",
        ]
    )


def test_a_figure_that_fits_the_terminal_but_not_its_indent_keeps_within_it() -> None:
    """At 10 columns "$11,988" fits after no more than 3 blanks of the 4: the line stands
    in 3 and stays within the terminal, where it read "$11,98" / "8" (folded)."""
    table = Table(box=None, show_header=True)
    table.add_column("item")
    table.add_column("cost", justify="right")
    table.add_row("ops", "$11,988")
    lines = _uncropped(fit(table), 10).splitlines()
    assert lines == ["ops", "    cost", "   $11,988"]
    assert max(len(line) for line in lines) == 10


def test_no_line_of_a_table_ends_in_a_blank() -> None:
    """Piped to a file, every line of a table carried its padding: "$1,800 " and the title
    line padded to the table's width; as built (71), wrapped (61) and stacked (30)."""
    for width in (71, 61, 30):
        shown = _uncropped(fit(_costs()), width)
        assert [line for line in shown.splitlines() if line != line.rstrip()] == [], width
        assert " ops" in shown
    # as built, only the blanks at the ends go: the figures stand where they stood
    assert _uncropped(fit(_costs()), 71).splitlines()[4] == (
        " the baseline today   $1,219,326,311,248,204   $14,631,915,734,978,450"
    )


def _styles(renderable: RenderableType, width: int, word: str) -> list[str]:
    """The styles the segments showing ``word`` are printed in at ``width``."""
    console = Console(width=width, file=io.StringIO(), color_system="standard")
    options = console.options.update_width(width)
    return [
        str(console.get_style(s.style or ""))
        for s in console.render(renderable, options)
        if word in s.text
    ]


def _drivers() -> Table:
    """The sensitivity's drivers grid: a dim rank, a cyan bar and the input in bold."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", style="dim")
    grid.add_column()
    line = Text("██████████ ", style="cyan")
    line.append("traffic.requests_per_month", style="bold")
    grid.add_row("1.", line)
    grid.add_row("", Text("150k → 250k requests/month: NPV -$2.9k → $18.5k", style="dim"))
    return grid


def test_stacked_cells_keep_their_colours() -> None:
    """At 20 columns the drivers were stacked with the input's bold lost ("cyan" only): a
    cell was copied as its plain words in its base style, its inline colours dropped."""
    assert _styles(fit(_drivers()), 60, "traffic.requests_per_month") == ["bold cyan"]
    assert _styles(fit(_drivers()), 20, "traffic.requests_per_month") == ["bold cyan"]
    assert _styles(fit(_drivers()), 20, "1.") == ["dim"]  # the rank as its column shows it
    assert _styles(fit(_drivers()), 20, "$18.5k") == ["dim"]


def test_a_stacked_rows_style_stays_on_its_figures() -> None:
    """A bold row ("this alternative") and a dim one (a component under it) kept their
    style on their names only when stacked; now on their figures too, as in the table."""
    table = _costs()
    table.rows[0].style = "bold"
    table.rows[1].style = "dim"
    assert _styles(fit(table), 16, "$1,219,326,311,248,204") == ["bold"]
    assert _styles(fit(table), 16, "$999") == ["dim"]


def test_a_long_url_in_a_column_made_to_fold_still_folds_when_stacked() -> None:
    """A source's URL may fold (never a figure): at 20 columns, 16 beside the indent."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("GPU price", "$3.99/h (https://www.runpod.io/pricing)")
    assert _uncropped(fit(table), 20).splitlines() == [
        "GPU price",
        "    $3.99/h",
        "    (https://www.run",
        "    pod.io/pricing)",
    ]


def test_prose_breaks_between_words_only() -> None:
    """A verdict at 16 columns read "$14,631,915,734," / "978,450" (Rich folds a word
    wider than the line) and its lines ended in the blank they broke at."""
    text = Text("Verdict: ", style="bold")
    text.append("NPV $14,631,915,734,978,450 over 12 months")
    assert _uncropped(Prose(text), 16) == (
        "Verdict: NPV\n$14,631,915,734,978,450\nover 12 months\n"
    )
    assert _uncropped(Prose("\nNPV $1,160 over 6 months"), 80) == "\nNPV $1,160 over 6 months\n"
    assert _styles(Prose(text), 16, "Verdict:") == ["bold"]


def test_a_padded_name_breaks_between_words_when_stacked() -> None:
    """Several scenarios compared at 10 columns: an alternative under its scenario's label
    read "  fine-tun" / "  ed Llama" and "  (calibra" / "  ted)", a padded cell left to
    Rich's wrapping, which folds a word wider than its line."""
    from rich.padding import Padding

    table = Table(box=None)
    table.add_column("alternative")
    table.add_column("NPV", justify="right", no_wrap=True)
    table.add_row(Padding("fine-tuned Llama (calibrated)", (0, 0, 0, 2)), "$84,577")
    assert _uncropped(fit(table), 10).splitlines() == [
        "fine-tuned",  # 10 wide: its 2 blanks given up to keep it within the terminal
        "  Llama",
        "  (calibrated)",  # 12: wider than the terminal, run past it at its 2 blanks
        "    NPV",
        "   $84,577",  # 7: 3 blanks of the 4 keep it within the 10 columns
    ]
