"""GitHub reads text between two ``$`` on a line as LaTeX maths: a Markdown report pasted
in a pull request showed "$1,200 ... $3,400" as a formula. Every ``$`` the reports write
outside code is CommonMark's escape ``\\$`` (one function writes text into Markdown:
:func:`payback.report.markdown.md_escape`), which a CommonMark renderer shows as a plain
``$``; a ``$`` in a code span stays as it is."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from helpers import EXAMPLES
from payback import analyze, load_scenario
from payback.analysis.result import usd
from payback.report import markdown
from payback.report.common import Table
from payback.report.markdown import md_escape, md_table
from payback.report.portfolio_document import portfolio_markdown
from payback.studies.portfolio import analyze_portfolio

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])

_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_BARE_DOLLAR = re.compile(r"(?<!\\)(?:\\\\)*\$")
"""A ``$`` after no backslash or after an even number of them (each pair one ``\\``):
not escaped, so GitHub may pair it with another into maths."""


def _bare_dollars(text: str) -> list[str]:
    """The lines of ``text`` with a ``$`` outside code that is not escaped: fenced blocks,
    code spans and the HTML comment (the report's stamp) left out."""
    lines = text.split("\n")
    for token in PARSER.parse(text):
        if token.type in ("fence", "code_block", "html_block") and token.map:
            start, end = token.map
            lines[start:end] = [""] * (end - start)
    return [line for line in lines if _BARE_DOLLAR.search(_CODE_SPAN.sub("", line))]


def _shown(text: str) -> str:
    """The rendered report's words: tags left out, entities read, spaces as one."""
    rendered = PARSER.render(text)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


def _scenario_markdown(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(markdown, "png_bytes", lambda chart: b"")  # the words only
    analysis = analyze(load_scenario(EXAMPLES / f"{name}.toml"))
    files = markdown.markdown_files(analysis, tmp_path / "r.md")
    return files[tmp_path / "r.md"].decode()


def test_md_escape_escapes_every_dollar_and_commonmark_shows_it_plain() -> None:
    written = md_escape("$1,200 a month against $3,400; -$400")
    assert written == "\\$1,200 a month against \\$3,400; -\\$400"
    assert PARSER.render(written) == "<p>$1,200 a month against $3,400; -$400</p>\n"


def test_a_dollar_in_a_code_span_stays_as_it_is() -> None:
    table = Table(header=["input", "value"], rows=[["price.$x", "$5"]], numeric=frozenset({1}))
    written = md_table(table, code=0)
    assert written.splitlines()[-1] == "| `price.$x` | \\$5 |"
    assert "<td><code>price.$x</code></td>" in PARSER.render(written)


@pytest.mark.parametrize("name", ["seed", "growth", "owned-h100"])
def test_no_bare_dollar_in_a_scenario_report(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _scenario_markdown(tmp_path, name, monkeypatch)
    assert text.count("\\$") > 10  # the report does speak money
    assert _bare_dollars(text) == []


def test_the_seed_report_renders_its_money_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 requests a month at $15 against $2 per 1,000 save $260 a month: over 6
    months $1,560 less the $400 project, an NPV of $1,160; month 1 costs $40.00."""
    text = _scenario_markdown(tmp_path, "seed", monkeypatch)
    assert text.splitlines()[1] == (
        "# seed: hosted \\$15/1k vs fine-tuned self-hosted \\$2/1k, \\$400 project"
    )
    shown = _shown(text)
    assert "seed: hosted $15/1k vs fine-tuned self-hosted $2/1k, $400 project" in shown
    assert "within a quarter; NPV $1,160 over 6 months." in shown
    assert "fine-tuned small model $400.00 $40.00 month 1.5 30,769 $1,160 yes" in shown
    assert "\\" not in shown  # every escape read: no backslash shows


def test_no_bare_dollar_in_the_portfolio_report() -> None:
    analysis = analyze_portfolio(load_scenario(EXAMPLES / "portfolio.toml"))
    text = portfolio_markdown(analysis)
    assert _bare_dollars(text) == []
    shown = _shown(text)
    best = analysis.alternatives[0]
    npv = usd(best.npv_usd)
    assert npv == usd(analysis.to_dict()["alternatives"][0]["npv_usd"])  # analyze --json's
    assert f"NPV {npv} over 24 months at 10%" in shown
    assert f"one-time cost {usd(best.one_time_usd)} " in shown
    assert "\\" not in shown
