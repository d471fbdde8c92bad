"""The edited scenario the page downloads marks the comment of a value it changed, tried as
a new user would: growth.toml with growth 3.5 % downloaded ``growth_monthly = 0.035  # +8%
a month: 1M now, ~5.9M in month 24``, words no longer true of the number."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import payback
from helpers import EXAMPLES
from payback.scenario.comments import was_comment
from payback.scenario.edit import with_values, yaml_from_toml
from payback.web.state import Held

APP = Path(payback.__file__).parent / "web" / "app.py"
GROWTH = EXAMPLES / "growth.toml"


def _open(path: Path) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    return at.run()


def _changed_lines(before: str, after: str) -> dict[int, tuple[str, str]]:
    """The lines that differ, by number (the files have as many lines)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return {n: (a, b) for n, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b}


@pytest.mark.slow  # Streamlit's AppTest: seconds a test
def test_the_download_marks_the_comment_of_a_value_the_page_changed() -> None:
    at = _open(GROWTH)
    at = at.text_input(key="in:traffic.growth_monthly").set_value("3.5").run()
    at = at.text_input(key="in:traffic.requests_per_month").set_value("1,250,000").run()
    assert not at.exception
    before = GROWTH.read_text()
    text = at.session_state["held"].file_text()
    assert _changed_lines(before, text) == {
        12: ("requests_per_month = 1000000\n", "requests_per_month = 1250000\n"),
        13: (
            "growth_monthly = 0.08            # +8% a month: 1M now, ~5.9M in month 24\n",
            "growth_monthly = 0.035           # was 0.08: +8% a month: 1M now, ~5.9M in month 24\n",
        ),
    }  # every other line byte for byte as the file has it


def test_an_unchanged_value_keeps_its_comment_and_a_changed_one_is_marked() -> None:
    text = GROWTH.read_text()
    same = with_values(text, "toml", {"baseline.price_change_annual": -0.4}, mark_comments=True)
    assert same == text
    plain = with_values(text, "toml", {"alternatives.0.min_replicas": 3})  # not the page's
    assert "min_replicas = 3                 # redundancy" in plain
    marked = with_values(text, "toml", {"alternatives.0.min_replicas": 3}, mark_comments=True)
    assert _changed_lines(text, marked) == {
        36: (
            "min_replicas = 2                 # redundancy\n",
            "min_replicas = 3                 # was 2: redundancy\n",
        )
    }
    crlf = text.replace("\n", "\r\n")
    assert with_values(
        crlf, "toml", {"alternatives.0.min_replicas": 3}, mark_comments=True
    ) == marked.replace("\n", "\r\n")


def test_a_yaml_download_marks_the_comment_the_same_way() -> None:
    text = yaml_from_toml(GROWTH.read_text())
    held = Held.from_text("growth.yaml", text)
    held.set("traffic.growth_monthly", 0.035)
    changed = _changed_lines(text, held.file_text())
    assert [new for _, new in changed.values()] == [
        "  growth_monthly: 0.035           # was 0.08: +8% a month: 1M now, ~5.9M in month 24\n"
    ]


def test_was_comment() -> None:
    assert was_comment("0.08", "# +8% a month") == "# was 0.08: +8% a month"
    assert was_comment("3", "#") == "# was 3"
