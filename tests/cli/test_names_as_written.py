"""A name with a backslash or an apostrophe, tried as a new user would: the verdict read
``"team's a\\\\b model"`` (Python's repr: double quotes, the backslash doubled) where the
file says ``team's a\\b model``. Every result now quotes a user's name as written, in
single quotes, in analyze, explain, the report's headline and a portfolio's verdict."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from helpers import ENV, EXAMPLES
from payback import analyze, load_scenario
from payback.analysis.verdict import quoted
from payback.cli import app
from payback.report.common import headline, shown_below

NAME = "team's a\\b model"  # as the file has it: team's a\b model
AS_WRITTEN = "'team's a\\b model'"


def _run(*args: str | Path) -> str:
    result = CliRunner(env=ENV | {"COLUMNS": "200"}).invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _seed_named(tmp_path: Path) -> Path:
    text = (EXAMPLES / "seed.toml").read_text(encoding="utf-8")
    path = tmp_path / "named.toml"
    path.write_text(text.replace('"fine-tuned small model"', '"team\'s a\\\\b model"'), "utf-8")
    return path


def test_quoted_keeps_the_name_as_written() -> None:
    assert quoted(NAME) == AS_WRITTEN
    assert quoted("ft") == "'ft'"  # an ordinary name reads as repr wrote it


def test_analyze_and_explain_quote_the_name_as_written(tmp_path: Path) -> None:
    path = _seed_named(tmp_path)
    # the seed's verdict, its name changed: $400 at $13 saved per 1,000 requests
    verdict = f"{AS_WRITTEN} pays back in month 1.5 (after ~30,769 requests), within a quarter"
    assert f"Verdict: {verdict}; NPV $1,160 over 6 months" in _run("analyze", path)
    assert json.loads(_run("analyze", path, "--json"))["verdict"].startswith(verdict)
    explained = json.loads(_run("explain", path, "--json"))
    assert explained["alternatives"][0]["verdict"].startswith(verdict)
    assert '"team' not in _run("explain", path)


def test_the_headline_and_shown_below_quote_the_name_as_written(tmp_path: Path) -> None:
    analysis = analyze(load_scenario(_seed_named(tmp_path)))
    assert headline(analysis).startswith(f"{AS_WRITTEN} pays back in month 1.5")
    assert shown_below(NAME, 2.0, 1000.0, 6) == (
        f" Shown below: {AS_WRITTEN}, which pays back in month 2.0; NPV $1,000."
    )


def test_a_portfolios_verdict_quotes_the_name_as_written(tmp_path: Path) -> None:
    fleet = "Llama 3.1 8B, an adapter per task, one fleet"
    text = (EXAMPLES / "portfolio.toml").read_text(encoding="utf-8")
    path = tmp_path / "portfolio.toml"
    path.write_text(text.replace(fleet, "team's a\\\\b fleet"), encoding="utf-8")
    out = _run("analyze", path)
    assert "Verdict: best of 2 by NPV: 'team's a\\b fleet' serving 5 workloads pays" in out
