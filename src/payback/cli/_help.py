"""Help that keeps every word whole on a narrow terminal: Typer's help tables cut what did
not fit with an ellipsis, an option's own name too (``--self-hosted-p…`` at 60 columns, a
dotted input path such as ``traffic.cached_input…`` at the 80 columns a pipe gets); folded,
a long name goes on over two lines and every letter of it is there to read or copy.

Typer's help is drawn by ``typer.rich_utils`` (Rich), imported only when help is shown:
:func:`fold_help` is called where a help may be drawn, and costs nothing elsewhere.
"""

from __future__ import annotations

from typing import Any

__all__ = ["cap_width", "fold_help", "may_show_help"]

HELP_FLAGS = ("--help", "-h")


def may_show_help(argv: list[str]) -> bool:
    """Whether the command line ``argv`` may draw a help: a help flag, or a group named
    without a command (``payback``, ``payback estimate``, ``payback catalog --debug``):
    at most one word that is no flag, and not ``--version``."""
    words = [arg for arg in argv if not arg.startswith("-")]
    alone = len(words) <= 1 and "--version" not in argv
    return alone or any(arg in HELP_FLAGS for arg in argv)


def fold_help() -> None:
    """Make the help's tables fold what does not fit rather than cut it: the commands'
    and options' columns (the latter made by its rows) and what each option's help holds
    (drawn in a grid of Rich's that cuts), once; and draw it at most
    :data:`~payback.limits.MAX_COLUMNS` wide, as the output is (:func:`cap_width`)."""
    import typer.rich_utils as drawn
    from rich.measure import Measurement
    from rich.table import Table

    cap_width(drawn)
    if getattr(drawn, "_folded", False):
        return

    class FoldingTable(Table):
        def add_column(self, *args: Any, **kwargs: Any) -> None:
            super().add_column(*args, **({"overflow": "fold"} | kwargs))

        def add_row(self, *renderables: Any, **kwargs: Any) -> None:
            while len(self.columns) < len(renderables):  # Rich adds them with "ellipsis"
                self.add_column(overflow="fold")
            super().add_row(*renderables, **kwargs)

    class Folded:
        """A renderable drawn folding what does not fit, whatever its cell says."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __rich_console__(self, console: Any, options: Any) -> Any:
            yield from console.render(self.inner, options.update(overflow="fold"))

        def __rich_measure__(self, console: Any, options: Any) -> Measurement:
            return Measurement.get(console, options, self.inner)

    parameter_help = drawn._get_parameter_help

    def folding_help(*args: Any, **kwargs: Any) -> Any:
        columns = parameter_help(*args, **kwargs)  # the help, [default: …], [required]
        columns.renderables = [Folded(item) for item in columns.renderables]
        return columns

    setattr(drawn, "Table", FoldingTable)  # noqa: B010 (not an attribute Typer exports)
    setattr(drawn, "_get_parameter_help", folding_help)  # noqa: B010
    setattr(drawn, "_folded", True)  # noqa: B010


def cap_width(drawn: Any) -> None:
    """Draw Typer's help (``drawn``, its ``typer.rich_utils``) at most
    :data:`~payback.limits.MAX_COLUMNS` wide: Rich pads each line of it to the terminal's
    width, and ``COLUMNS=99999999 payback --help`` wrote blanks for minutes; at least
    :data:`~payback.limits.MIN_COLUMNS` wide (``COLUMNS=0`` printed nothing). A terminal in
    between is drawn as Rich finds it, ``TERMINAL_WIDTH`` (Typer's own) too."""
    from rich.console import Console

    from payback.limits import drawn_width

    wanted = getattr(drawn, "_asked_width", drawn.MAX_WIDTH)  # TERMINAL_WIDTH, or None
    drawn._asked_width = wanted
    width = wanted if wanted is not None else Console().width
    drawn.MAX_WIDTH = wanted if drawn_width(width) == width else drawn_width(width)
