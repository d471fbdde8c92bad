"""The page tells the library's advice in its own words (what to choose on the page), never
as a function to call, through one mapping like the command line's."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from helpers import EXAMPLES
from payback.catalog.apis import SEARCH_HINT
from payback.cli._errors import LIBRARY_ADVICE, in_command_words
from payback.scenario import read_scenario_data
from payback.web.state import evaluate_inputs
from payback.web.words import PAGE_ADVICE, in_page_words

CALL = re.compile(r"[A-Za-z_]\w*\(\w*\)")
"""Library call syntax: ``recommend()``, ``search_api_models(text)``."""


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
