"""The page's HTML report carries the hash the command line's report carries. Tried as a
new user would: a report downloaded from the page was byte for byte `payback report`'s but
for its last line, ``<!-- payback sha256:... -->``, so `payback report FILE -o dl.html` over
it said "exists and was not written by payback, or was changed since; use --force"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import payback
from helpers import EXAMPLES
from payback.cli import app as cli_app
from payback.report.stamp import owned_content
from payback.scenario import load_scenario
from payback.studies.portfolio import analyze_portfolio
from payback.web.portfolio import report_html


def _page_report(name: str) -> str:
    scenario = load_scenario(EXAMPLES / name)
    portfolio = analyze_portfolio(scenario) if scenario.workloads else None
    return report_html(payback.analyze(scenario), portfolio)


@pytest.mark.parametrize("name", ["quarter-200k.toml", "portfolio.toml"])
def test_the_pages_report_is_the_command_lines_mark_and_all(name: str, tmp_path: Path) -> None:
    page = _page_report(name).encode()
    assert page.splitlines()[-1].startswith(b"<!-- payback sha256:")
    assert owned_content(Path("dl.html"), page)
    written = tmp_path / "cli.html"
    result = CliRunner().invoke(cli_app, ["report", str(EXAMPLES / name), "-o", str(written)])
    assert result.exit_code == 0, result.stderr
    # the same report, its mark and plotly's random chart ids apart
    cli = written.read_bytes()
    assert cli.splitlines()[-1].startswith(b"<!-- payback sha256:")
    assert _ids_out(cli.rsplit(b"\n<!--", 1)[0]) == _ids_out(page.rsplit(b"\n<!--", 1)[0])


def _ids_out(content: bytes) -> bytes:
    return re.sub(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", b"ID", content)


def test_payback_report_writes_over_the_pages_report_until_it_is_changed(tmp_path: Path) -> None:
    downloaded = tmp_path / "dl1.html"
    downloaded.write_text(_page_report("seed.toml"), encoding="utf-8")
    source = str(EXAMPLES / "seed.toml")
    result = CliRunner().invoke(cli_app, ["report", source, "-o", str(downloaded)])
    assert result.exit_code == 0, result.stderr
    downloaded.write_text(downloaded.read_text().replace("<h1>", "<h1>edited "), "utf-8")
    result = CliRunner().invoke(cli_app, ["report", source, "-o", str(downloaded)])
    assert result.exit_code == 2
    assert "was not written by payback, or was changed since" in result.stderr
