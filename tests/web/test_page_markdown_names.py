"""The page writes its headline, chart titles and notes, captions, labels and messages in
Streamlit's Markdown: a name from the file in them reads there as written (an alternative
named ``**x**_today`` was drawn bold, ``a_b_c`` in italics, ``[x](y)`` as a link, ``$5$``
as maths and ``:rocket:`` as an emoji), as the HTML report already writes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import QUARTER
from payback.web.words import as_written, markdown_literal, names_as_written, names_in

NAME = "**x**_today"
"""The alternative: bold and italic where read as Markdown, and the chart's word 'today'."""
BASE = "a_b_c [x](y) $5$ :rocket:"
"""The baseline: italics, a link, maths and an emoji where read as Markdown."""


def test_a_name_is_markdown_that_shows_it_as_written() -> None:
    assert markdown_literal(NAME) == r"\*\*x\*\*\_today"
    assert markdown_literal(BASE) == r"a\_b\_c \[x\](y) \$5\$ \:rocket\:"
    assert markdown_literal(":material/home: ~~s~~ `c` # | \\") == (
        r"\:material\/home\: \~\~s\~\~ \`c\` \# \| \\"
    )
    assert markdown_literal("<b>x</b> &amp;") == "&lt;b&gt;x&lt;/b&gt; &amp;amp;"
    assert markdown_literal("1. one") == r"1\. one"
    assert markdown_literal("- a\nb") == r"\- a b"
    # the usual names are Markdown that reads as they are: left as they are
    usual = "fine-tuned 7B (v2.5) on meta-llama/Llama-3.1-8B, 'rented'"
    assert markdown_literal(usual) == usual


def test_only_the_names_in_a_sentence_are_escaped() -> None:
    verdict = f"'{NAME}' pays back in month 13.4 (after ~2,673,817 requests)"
    assert names_as_written(verdict, [NAME, "hosted"]) == (
        r"'\*\*x\*\*\_today' pays back in month 13.4 (after ~2,673,817 requests)"
    )
    # the longest name first, each place once: 'a_b' not escaped again inside 'a_b_c'
    assert names_as_written("a_b_c beats a_b", ["a_b", "a_b_c"]) == r"a\_b\_c beats a\_b"
    assert as_written([])("**the page's own**") == "**the page's own**"
    raw = {"scenario": {"name": "s"}, "baseline": {"name": BASE}, "alternatives": [{"name": NAME}]}
    assert names_in(raw) == ["s", BASE, NAME]


def _renamed(tmp_path: Path) -> Path:
    text = QUARTER.read_text()
    text = text.replace('"fine-tuned 7B on one rented L4"', json.dumps(NAME))
    text = text.replace('name = "hosted big model"', f"name = {json.dumps(BASE)}")
    path = tmp_path / "names.toml"
    path.write_text(text)
    return path


@pytest.mark.slow  # Streamlit's AppTest: seconds
def test_the_pages_markdown_holds_the_names_escaped(tmp_path: Path) -> None:
    """quarter-200k with its alternative named ``**x**_today`` and its baseline
    ``a_b_c [x](y) $5$ :rocket:``: the headline, the alternative's section, the baseline's
    caption, the chart's title and note hold them escaped, the page's own Markdown kept."""
    from streamlit.testing.v1 import AppTest

    import payback
    from payback.web.state import Held

    path = _renamed(tmp_path)
    at = AppTest.from_file(str(Path(payback.__file__).parent / "web" / "app.py"))
    at.default_timeout = 60
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at = at.run()
    assert not at.exception
    verdict = [m.value for m in at.markdown if "pays back in month" in m.value]
    assert verdict == [
        r"'\*\*x\*\*\_today' pays back in month 13.4 (after ~2,673,817 requests), not within "
        "a quarter; NPV $7,836 over 24 months at 10%."
    ]
    assert r"Alternative: \*\*x\*\*\_today" in [e.label for e in at.expander]
    assert r"**a\_b\_c \[x\](y) \$5\$ \:rocket\:** (hosted API)" in [c.value for c in at.caption]
    at = at.radio(key="view").set_value("Monthly by component").run()
    assert r"**Monthly cost of \*\*x\*\*\_today, by component**" in [m.value for m in at.markdown]
    at = at.radio(key="view").set_value("Cost per 1k requests").run()
    assert (
        "Lines of always-on fleets step up where another replica is needed. "
        r"'\*\*x\*\*\_today' is cheaper per request than the baseline from about 104k "
        "requests a month."
    ) in [c.value for c in at.caption]
