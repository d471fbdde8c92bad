"""The studies' titles piped at 80 columns, tried as a new user would: a tornado's and the
Sobol table's title wrapped by Rich kept the underlined blank where it broke the line
('...with every input central; each ' above 'input moved alone'); so did the Monte Carlo's
and the catalog numbers' titles in a narrow terminal."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from helpers import ENV, EXAMPLES, QUARTER
from payback.cli import app


def _at_80(*args: str | Path, columns: int = 80) -> str:
    result = CliRunner(env=ENV | {"COLUMNS": str(columns)}).invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_a_tornado_title_wraps_without_a_trailing_blank() -> None:
    out = _at_80("sensitivity", QUARTER, "--top", "1")
    assert out.startswith(
        "fine-tuned 7B on one rented L4: NPV $7,836 with every input central; each input\n"
        "moved alone\n"
    )
    assert [line for line in out.splitlines() if line.endswith(" ")] == []


def test_a_sobol_title_wraps_without_a_trailing_blank() -> None:
    out = _at_80("sensitivity", EXAMPLES / "portfolio.toml", "--method", "sobol", "--samples", "64")
    assert (
        "a fine-tuned 8B and its own fleet per task (portfolio): shares of the NPV's\n"
        "variance (64 base samples)\n"
    ) in out
    assert [line for line in out.splitlines() if line.endswith(" ")] == []


def test_the_uncertainty_and_sources_titles_wrap_without_a_trailing_blank() -> None:
    out = _at_80("analyze", EXAMPLES / "quarter-uncertain.toml", "--samples", "200", columns=40)
    assert "\nUncertainty (200 samples, seed 0, 14\nuncertain inputs)\n" in out
    assert [line for line in out.splitlines() if line.endswith(" ")] == []
    out = _at_80("analyze", EXAMPLES / "catalog-ids.toml", columns=40)
    assert "\nNumbers taken from catalogs and\nestimates\n" in out
    assert [line for line in out.splitlines() if line.endswith(" ")] == []
