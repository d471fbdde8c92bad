"""Names holding Markdown's characters (``a_b``, ``*x*``, a table's ``|``, ``[v2]``, a
backtick, ``<b>``, ``&amp;``, ``~``) read as written in the Markdown report
once a CommonMark parser renders it: escaped once, a pipe escaped in a table cell; and the
terminal, which is not Markdown, shows them with no backslash. A name that starts a line
with a list marker ("1. ", "- ") read as a list: it is escaped too."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from helpers import EXAMPLES, run
from payback import analyze, load_scenario
from payback.report import markdown
from payback.report.markdown import md_escape

ALTERNATIVE = "ft_small **bold** | q [v2] `t` <b>x</b> R&amp;D ~y~"
BASELINE = "hosted_big *model* | pipe"
SCENARIO = "a_b *x* | c_d #1"

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _scenario(tmp_path: Path) -> Path:
    text = (EXAMPLES / "seed.toml").read_text()
    for old, new in (
        ("fine-tuned small model", ALTERNATIVE),
        ("hosted big model", BASELINE),
        ("seed: hosted $15/1k vs fine-tuned self-hosted $2/1k, $400 project", SCENARIO),
    ):
        assert f'name = "{old}"' in text
        text = text.replace(f'name = "{old}"', f"name = {json.dumps(new)}")
    path = tmp_path / "names.toml"
    path.write_text(text)
    return path


def _shown(token: Token) -> str:
    """What an inline token reads as once rendered: its text, its code, its images' alt."""
    rendered = PARSER.renderer.render([token], PARSER.options, {})
    alts = " ".join(html.unescape(a) for a in re.findall(r'alt="([^"]*)"', rendered))
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)) + (f" [{alts}]" if alts else "")


def _blocks(text: str) -> list[tuple[str, str]]:
    """Each block of the rendered Markdown: the tag it opens in and what it reads."""
    tokens = PARSER.parse(text)
    return [
        (tokens[i - 1].tag, _shown(token))
        for i, token in enumerate(tokens)
        if token.type == "inline"
    ]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    tmp_path = tmp_path_factory.mktemp("names")
    analysis = analyze(load_scenario(_scenario(tmp_path)))
    saved = markdown.png_bytes
    markdown.png_bytes = lambda chart: b""  # type: ignore[assignment]  # the words only
    try:
        files = markdown.markdown_files(analysis, tmp_path / "r.md")
    finally:
        markdown.png_bytes = saved  # type: ignore[assignment]
    return _blocks(files[tmp_path / "r.md"].decode())


def test_the_title_and_the_verdict_read_the_names_as_written(report: Any) -> None:
    assert report[0] == ("h1", SCENARIO)
    tag, verdict = report[1]
    assert tag == "p"
    assert verdict.startswith(f"'{ALTERNATIVE}' pays back in month 1.5 (after ~30.8k requests)")


def test_a_table_cell_holds_the_whole_name_pipes_and_all(report: Any) -> None:
    """The summary table's row: its first cell the name, its `|` not a cell's edge."""
    cells = [shown for tag, shown in report if tag in ("td", "th")]
    assert cells[:2] == ["alternative", "one-time cost"]
    row = cells[cells.index(ALTERNATIVE) :][:7]
    assert row == [ALTERNATIVE, "$400.00", "$40.00", "month 1.5", "30,769", "$1,160", "yes"]


def test_the_charts_alt_texts_and_the_paragraphs_hold_the_names(report: Any) -> None:
    images = [shown for _, shown in report if shown.startswith(" [")]
    assert f" [Monthly cost of {ALTERNATIVE}, by component]" in images
    words = " ".join(shown for _, shown in report)
    assert f"against $1,800 for staying on '{BASELINE}'." in words
    assert f"baseline is '{BASELINE}'; alternatives.0 is '{ALTERNATIVE}'." in words
    assert "\\" not in words  # escaped once: no backslash shows


def test_the_terminal_shows_no_markdown_escape(tmp_path: Path) -> None:
    path = _scenario(tmp_path)
    for command in ("analyze", "explain"):
        code, out, err = run(command, path)
        assert code == 0, err
        words = " ".join(out.split())
        assert f"'{ALTERNATIVE}'" in words, command
        assert "\\" not in out, command


@pytest.mark.parametrize(
    ("name", "where"),
    [("1. fine-tuned", "paragraph"), ("- hosted", "paragraph"), ("2) a", "item")],
)
def test_a_name_that_starts_a_line_with_a_list_marker_is_not_a_list(name: str, where: str) -> None:
    """A paragraph "1. fine-tuned ..." read as an ordered list; a caution "- 2) a" as a
    list inside the list."""
    text = md_escape(name) if where == "paragraph" else f"- {md_escape(name)}"
    tokens = PARSER.parse(text)
    lists = [t.type for t in tokens if t.type.endswith("list_open")]
    assert lists == ([] if where == "paragraph" else ["bullet_list_open"])
    (inline,) = [t for t in tokens if t.type == "inline"]
    assert _shown(inline) == name
