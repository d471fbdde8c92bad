"""explain's paragraphs and analyze's verdict at 16 columns, tried as a new user would:
on the huge scenario explain printed "$9,754,610,578,8" above "74,524, ops" (Rich wrapped
the paragraph inside a figure). They are now wrapped between words only: a figure wider
than the terminal runs past it whole, and no line ends in a blank."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from helpers import ENV, EXAMPLES, HUGE
from payback.cli import app

FIGURE = re.compile(r"-?\$\d[\d,]*(?:\.\d+)?(?<!,)")


def run_at(columns: int, *args: str | Path) -> str:
    """``payback ARGS`` on a terminal ``columns`` wide, its stdout after checking that it
    succeeded."""
    result = CliRunner(env=ENV | {"COLUMNS": str(columns)}).invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _whole(figure: str, text: str) -> bool:
    """Whether ``figure`` stands in ``text`` whole, on one line (as test_narrow_terminal
    checks it): no digit, sign or ``$`` glued to it."""
    return re.search(rf"(?<![\w$,.\-]){re.escape(figure)}(?!,?\d|\.\d)", text) is not None


def _huge(tmp_path: Path) -> Path:
    path = tmp_path / "huge.toml"
    path.write_text(HUGE, encoding="utf-8")
    return path


def _every_figure_whole(*args: str | Path) -> list[str]:
    """The dollar figures of ``payback ARGS`` on one line at 1,000 columns, after checking
    that each stands whole at 16 columns and no line there ends in a blank."""
    figures = FIGURE.findall(run_at(1000, *args))
    narrow = run_at(16, *args)
    assert [f for f in figures if not _whole(f, narrow)] == []
    assert [line for line in narrow.splitlines() if line != line.rstrip()] == []
    return figures


def test_explains_paragraphs_keep_a_huge_figure_whole_at_16_columns(tmp_path: Path) -> None:
    path = _huge(tmp_path)
    figures = _every_figure_whole("explain", path)
    # month 1's API / usage fees, the figure that was split, and 12 months of running costs
    assert {"$9,754,610,578,874,520", "$117,067,326,946,494,000"} <= set(figures)
    lines = run_at(16, "explain", path).splitlines()
    assert "$9,754,610,578,874,520," in lines  # a line of its own, its comma kept with it
    assert lines[:2] == ["dearer", "per-request:"]  # the title too: no trailing blank, the
    # alternative's name as written (no capital put on it)


def test_analyzes_verdict_keeps_its_npv_whole_at_16_columns(tmp_path: Path) -> None:
    path = _huge(tmp_path)
    lines = run_at(16, "analyze", path).splitlines()
    verdict = lines[lines.index("Verdict: best of") :]
    assert max(len(line) for line in verdict) == 23  # the NPV alone, past the width, whole
    assert verdict[verdict.index("$13,895,723,041,199,600") - 1 :][:2] == [
        "first month; NPV",
        "$13,895,723,041,199,600",
    ]
    assert verdict[-2:] == ["over 12 months", "at 10%"]


def test_a_portfolios_explain_keeps_every_figure_whole_at_16_columns() -> None:
    figures = _every_figure_whole("explain", EXAMPLES / "portfolio.toml")
    assert len(figures) > 20


def test_a_portfolios_verdict_keeps_its_npv_whole_at_12_columns(tmp_path: Path) -> None:
    """The portfolio's verdict was one bold Text, wrapped by Rich inside a figure: a
    portfolio of ten million times the example's traffic split its NPV at 12 columns."""
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    text = re.sub(r"requests_per_month = (\d+)", r"requests_per_month = \g<1>0000000", text)
    path = tmp_path / "big.toml"
    path.write_text(text, encoding="utf-8")
    wide = run_at(1000, "analyze", path)
    verdict = wide[wide.index("Verdict:") :]
    npv = FIGURE.findall(verdict)[-1]
    assert len(npv) > 12
    narrow = run_at(12, "analyze", path)
    assert _whole(npv, narrow[narrow.index("Verdict:") :])
