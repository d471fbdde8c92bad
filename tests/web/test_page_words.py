"""The page tells the library's advice in its own words (what to choose on the page), never
as a function to call, through one mapping like the command line's."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

import payback
from helpers import EXAMPLES, run, without_stale
from payback.catalog.apis import SEARCH_HINT
from payback.cli._advice import LIBRARY_ADVICE, in_command_words
from payback.scenario import read_scenario_data
from payback.web.state import Held, evaluate_inputs
from payback.web.words import PAGE_ADVICE, in_page_words, message_markdown

CALL = re.compile(r"[A-Za-z_]\w*\(\w*\)")
"""Library call syntax: ``recommend()``, ``search_api_models(text)``."""

APP = Path(payback.__file__).parent / "web" / "app.py"


def test_the_page_words_every_advice_the_command_line_words() -> None:
    assert set(PAGE_ADVICE) == set(LIBRARY_ADVICE)
    assert SEARCH_HINT in PAGE_ADVICE


@pytest.mark.parametrize("advice", sorted(LIBRARY_ADVICE))
def test_no_library_call_reaches_the_page(advice: str) -> None:
    """Each advice, as the library writes it (a call such as ``recommend()``, or a
    parameter of one), comes out in other words, with no call left in them."""
    line = f"alternatives.0: something is missing; {advice}"
    shown = in_page_words(line)
    assert shown != line
    assert not CALL.search(shown), shown
    assert shown.startswith("alternatives.0: something is missing; ")  # the path stays first


def test_the_page_says_what_to_choose_where_the_command_line_says_what_to_run() -> None:
    line = "alternatives.0: gpu is required to price and size it; recommend() chooses one"
    assert CALL.search(line)
    assert in_page_words(line) == (
        "alternatives.0: gpu is required to price and size it; choose Serving: “GPU and "
        "model from the catalog” under the alternative to pick one"
    )
    assert in_command_words(line).endswith("run `payback recommend FILE` to choose one")


def _catalog_ids(**edit: Any) -> dict[str, Any]:
    raw = copy.deepcopy(read_scenario_data(EXAMPLES / "catalog-ids.toml"))
    raw["baseline"].update(edit)
    return raw


@pytest.mark.parametrize(
    ("model", "start"),
    [
        ("openai:gpt-9", "baseline.model: unknown API model 'openai:gpt-9'; did you mean"),
        ("nosuch:gpt-9", "baseline.model: unknown API provider 'nosuch' in 'nosuch:gpt-9'"),
    ],
)
def test_an_unknown_api_model_points_to_the_pages_list(model: str, start: str) -> None:
    outcome = evaluate_inputs(_catalog_ids(model=model), {})
    (line,) = outcome.problems["baseline"]
    assert line.startswith(start)
    assert line.endswith("(the “API model” list under Baseline holds them)")
    assert not CALL.search(line)


@pytest.mark.slow
def test_a_file_naming_an_unknown_api_model_opens_with_the_error_in_page_words() -> None:
    """The page once stopped with a traceback on such a file (the model list looked the
    model up); now the file's model is listed first and the answer says what is wrong,
    until a model from the list is chosen."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_data("t.toml", _catalog_ids(model="openai:gpt-9"))
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors
    assert all("“API model” list under Baseline" in e for e in errors), errors
    assert not any(CALL.search(e) for e in errors)
    assert at.selectbox(key="in:baseline.model").value == "openai:gpt-9"
    at = at.selectbox(key="in:baseline.model").set_value("openai:gpt-4o").run()
    assert not at.exception
    assert [e.value for e in at.error] == []


@pytest.mark.slow
def test_the_page_shows_the_command_lines_warnings_in_its_own_words(tmp_path: Path) -> None:
    """A time-to-first-token target of 1 ms no replica meets: `payback analyze` warns of
    it, naming `payback recommend`; the page says the same line under the answer (it once
    said nothing), in its own words."""
    text = (EXAMPLES / "catalog-ids.toml").read_text()
    path = tmp_path / "ttft.toml"
    path.write_text(text.replace("\ntpot_ms = 40", "\nttft_ms = 1\ntpot_ms = 40", 1))
    code, _, err = run("analyze", path)
    assert code == 0
    # beside the caution of vLLM's first token on an Ada GPU (payback.hardware.cautions)
    lines = [line.removeprefix("warning: ") for line in without_stale(err)]
    (said,) = [line for line in lines if "docs/accuracy.md" not in line]
    assert said.endswith("a faster configuration (payback recommend FILE finds one) meets it")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["held"] = Held.from_text(path.name, path.read_text(), path.parent)
    at.run()
    # the page starts on the best by NPV; the line is about the first alternative
    at = at.selectbox(key="in:show").set_value(0).run()
    assert not at.exception
    (shown,) = [w.value for w in at.warning if "docs/accuracy.md" not in w.value]
    library = said.replace("(payback recommend FILE finds one)", "(recommend() finds one)")
    # the file has two alternatives: the line is said with the one it is about, by name
    name = payback.load_scenario(path).alternatives[0].name
    said = f"{name!r}: " + in_page_words(library).removeprefix("alternatives.0: ")
    assert shown == message_markdown(said)  # as written: words.py
    assert shown.endswith(
        "a faster configuration (another GPU, precision or engine under Serving: “GPU and "
        "model from the catalog”) meets it"
    )
