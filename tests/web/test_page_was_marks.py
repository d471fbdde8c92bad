"""The download marks the comment of every value the page changed once, tried as a new user
would: a value inside an inline table (``traffic = { requests_per_month = 1000000, ... }  #
words``) came down with its words unmarked, and a download opened again and changed again
stacked a second mark (``# was 0.05: was 0.08: +8% a month``) that named a value the words
were never written about. The rules are :mod:`payback.scenario.comments`'s."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import payback
from helpers import EXAMPLES
from payback.scenario.comments import marked_values
from payback.scenario.edit import yaml_from_toml
from payback.web.state import Held

APP = Path(payback.__file__).parent / "web" / "app.py"
GROWTH = EXAMPLES / "growth.toml"
WORDS = "+8% a month: 1M now, ~5.9M in month 24"
BLOCK = f"""[traffic]
requests_per_month = 1000000
growth_monthly = 0.08            # {WORDS}
input_tokens = 1500
output_tokens = 350
cached_input_share = 0.3
peak_to_average = 3.0
"""
INLINE = (
    "traffic = { requests_per_month = 1000000, growth_monthly = 0.08, input_tokens = 1500, "
    f"output_tokens = 350, cached_input_share = 0.3, peak_to_average = 3.0 }}  # {WORDS}\n"
)
INLINE_TOML = GROWTH.read_text().replace(BLOCK, "").replace("[scenario]\n", INLINE + "[scenario]\n")
"""growth.toml with its traffic written as an inline table (before the first table, where a
key of the file's own goes), the comment after it."""


def _changed_lines(before: str, after: str) -> dict[int, tuple[str, str]]:
    """The lines that differ, by number (the files have as many lines)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return {n: (a, b) for n, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b}


def _open(name: str, text: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(name, text, EXAMPLES)
    return at.run()


def _type(at: AppTest, path: str, text: str) -> AppTest:
    at = at.text_input(key=f"in:{path}").set_value(text).run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def _upload(at: AppTest, name: str, text: str) -> AppTest:
    """The file opened again through the sidebar, as a user opens a download."""
    at.file_uploader(key="upload").set_value((name, text.encode(), "application/toml"))
    at = at.run()
    assert not at.exception
    assert [e.value for e in at.error] == []
    return at


def test_the_inline_table_is_as_the_block_reads() -> None:
    assert GROWTH.read_text() != INLINE_TOML
    assert (
        Held.from_text("g.toml", INLINE_TOML).raw
        == Held.from_text("g.toml", GROWTH.read_text()).raw
    )


@pytest.mark.slow  # Streamlit's AppTest: seconds a test
def test_a_value_in_an_inline_table_marks_the_tables_comment() -> None:
    at = _open("growth.toml", INLINE_TOML)
    at = _type(at, "traffic.growth_monthly", "3.5")
    at = _type(at, "traffic.requests_per_month", "1,250,000")
    line = INLINE_TOML.splitlines().index(INLINE.rstrip("\n")) + 1
    text = at.session_state["held"].file_text()
    assert _changed_lines(INLINE_TOML, text) == {
        line: (
            INLINE,
            "traffic = { requests_per_month = 1250000, growth_monthly = 0.035, input_tokens = "
            "1500, output_tokens = 350, cached_input_share = 0.3, peak_to_average = 3.0 } "
            "# was requests_per_month = 1000000, growth_monthly = 0.08: "
            f"{WORDS}\n",  # in the file's order; the comment in its column (two wider: 1 space)
        )
    }  # every other line byte for byte
    # opened again and changed again: the mark keeps the values the words were written about
    at = _upload(at, "growth.toml", text)
    at = _type(at, "traffic.requests_per_month", "1,000,000")  # back to the file's first
    at = _type(at, "traffic.input_tokens", "1,600")
    again = at.session_state["held"].file_text()
    assert _changed_lines(text, again) == {
        line: (
            text.splitlines(keepends=True)[line - 1],
            "traffic = { requests_per_month = 1000000, growth_monthly = 0.035, input_tokens = "
            "1600, output_tokens = 350, cached_input_share = 0.3, peak_to_average = 3.0 } "
            f"# was growth_monthly = 0.08, input_tokens = 1500: {WORDS}\n",
        )
    }
    at = _type(at, "traffic.growth_monthly", "8")
    at = _type(at, "traffic.input_tokens", "1,500")
    assert at.session_state["held"].file_text() == INLINE_TOML  # the words true again: as it was


@pytest.mark.slow  # Streamlit's AppTest: seconds a test
def test_a_download_opened_and_changed_again_keeps_one_mark() -> None:
    original = GROWTH.read_text()
    at = _open("growth.toml", original)
    at = _type(at, "traffic.growth_monthly", "3.5")
    first = at.session_state["held"].file_text()
    marked = f"growth_monthly = 0.035           # was 0.08: {WORDS}\n"
    assert _changed_lines(original, first) == {
        13: (f"growth_monthly = 0.08            # {WORDS}\n", marked)
    }
    at = _upload(at, "growth.toml", first)
    assert at.text_input(key="in:traffic.growth_monthly").value == "3.5"
    at = _type(at, "traffic.growth_monthly", "5")
    second = at.session_state["held"].file_text()
    assert _changed_lines(first, second) == {
        13: (marked, f"growth_monthly = 0.05            # was 0.08: {WORDS}\n")  # not "was 0.035"
    }
    at = _type(at, "traffic.growth_monthly", "8")  # back to the value the words are about
    assert at.session_state["held"].file_text() == original  # byte for byte


def test_a_yaml_flow_table_is_marked_the_same_way() -> None:
    text = yaml_from_toml(GROWTH.read_text())
    block = [line for line in text.splitlines(keepends=True) if line.startswith("  ")]
    start = text.index("traffic:\n")
    end = text.index("baseline:")
    flow = (
        "traffic: {requests_per_month: 1000000, growth_monthly: 0.08, input_tokens: 1500, "
        f"output_tokens: 350, cached_input_share: 0.3, peak_to_average: 3.0}}  # {WORDS}\n"
    )
    assert block
    text = text[:start] + flow + text[end:]
    held = Held.from_text("growth.yaml", text)
    held.set("traffic.growth_monthly", 0.035)
    held.set("traffic.output_tokens", 400)
    out = held.file_text()
    assert [new for _, new in _changed_lines(text, out).values()] == [
        "traffic: {requests_per_month: 1000000, growth_monthly: 0.035, input_tokens: 1500, "
        "output_tokens: 400, cached_input_share: 0.3, peak_to_average: 3.0} "
        f"# was growth_monthly = 0.08, output_tokens = 350: {WORDS}\n"
    ]  # the comment in its column: one wider, one space
    again = Held.from_text("growth.yaml", out)
    again.set("traffic.growth_monthly", 0.05)
    assert [new for _, new in _changed_lines(out, again.file_text()).values()] == [
        "traffic: {requests_per_month: 1000000, growth_monthly: 0.05, input_tokens: 1500, "
        "output_tokens: 400, cached_input_share: 0.3, peak_to_average: 3.0}  "
        f"# was growth_monthly = 0.08, output_tokens = 350: {WORDS}\n"
    ]


@pytest.mark.parametrize(
    ("before", "values", "after"),
    [
        # a key the table did not have, one inside a table inside it; a line with no comment
        # gets none
        (
            "[a]\nx = { b = { c = 1 } }  # why\ny = { d = 1 }\n",
            {"a.x.b.c": 2, "a.x.e": 5, "a.y.d": 2},
            "[a]\nx = { b = { c = 2 }, e = 5} # was b.c = 1, e not set: why\ny = { d = 2 }\n",
        ),
        # a comment of the user's that starts "was" is words, marked in front
        (
            "[a]\nx = 0.1  # was 0.05 last year\n",
            {"a.x": 0.2},
            "[a]\nx = 0.2  # was 0.1: was 0.05 last year\n",
        ),
        # a mark with no words, dropped when the value is back: the bare # stays
        ("[a]\nx = 2  # was 3\n", {"a.x": 3}, "[a]\nx = 3  #\n"),
        # the value as another spelling of the marked one: back all the same
        ("[a]\nx = 0.5  # was 8e-2: words\n", {"a.x": 0.08}, "[a]\nx = 0.08 # words\n"),
        # Windows line endings kept
        (
            "[a]\r\nx = { b = 1 }  # why\r\n",
            {"a.x.b": 2},
            "[a]\r\nx = { b = 2 }  # was b = 1: why\r\n",
        ),
    ],
)
def test_marked_values(before: str, values: dict[str, object], after: str) -> None:
    assert marked_values(before, "toml", values) == after


ORIGINAL = {"a": 1, "b": 2, "c": 3, "y": 5}
STEPS = st.lists(
    st.dictionaries(st.sampled_from(sorted(ORIGINAL)), st.integers(0, 9), min_size=1),
    min_size=1,
    max_size=5,
)


def _file(fmt: str, v: dict[str, int], inline: str, plain: str) -> str:
    if fmt == "toml":
        x = f"{{ a = {v['a']}, b = {v['b']}, c = {v['c']} }}"
        return f"[t]\nx = {x}  {inline}\ny = {v['y']}  {plain}\n"
    return f"t:\n  x: {{a: {v['a']}, b: {v['b']}, c: {v['c']}}}  {inline}\n  y: {v['y']}  {plain}\n"


@pytest.mark.parametrize("fmt", ["toml", "yaml"])
@settings(max_examples=60, deadline=None, derandomize=True)
@given(steps=STEPS)
def test_downloads_opened_and_changed_again_name_the_first_values(
    fmt: str, steps: list[dict[str, int]]
) -> None:
    """Each step changes some values of the file the step before downloaded; whatever the
    steps, the file reads as one download from the original would: one mark a line, naming
    in the table's order the keys whose value is not the original's, with that value."""
    values = dict(ORIGINAL)
    text = _file(fmt, values, "# words", "# why")
    for step in steps:
        changes = {k: v for k, v in step.items() if v != values[k]}  # the page's edits
        paths = {f"t.x.{k}" if k != "y" else "t.y": v for k, v in changes.items()}
        text = marked_values(text, fmt, paths)  # type: ignore[arg-type]
        values |= changes
    differ = [f"{k} = {ORIGINAL[k]}" for k in "abc" if values[k] != ORIGINAL[k]]
    inline = f"# was {', '.join(differ)}: words" if differ else "# words"
    plain = f"# was {ORIGINAL['y']}: why" if values["y"] != ORIGINAL["y"] else "# why"
    assert text == _file(fmt, values, inline, plain)
