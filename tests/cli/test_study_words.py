"""What the studies' columns and counts mean, said where they are read (tried as a new user
would): ``sensitivity --method sobol`` printed columns "first" and "total" that only
``--help`` explained; ``solve --json`` printed ``"iterations": 8`` beside ``"evaluations":
6335`` while its text said "trying 6,335 values"."""

from __future__ import annotations

import json
import re

import pytest

from helpers import EXAMPLES, run

COLUMNS = (
    "Columns: first, the share of the NPV's variance an input explains alone; total, that "
    "share with its interactions with the other inputs added."
)


def test_sobol_says_what_its_columns_mean_once_under_the_tables() -> None:
    code, out, err = run(
        "sensitivity", EXAMPLES / "quarter-uncertain.toml", "--method", "sobol", "--samples", "64"
    )
    assert code == 0, err
    flat = " ".join(out.split())
    assert flat.count(COLUMNS) == 1
    assert flat.endswith(COLUMNS)  # under the table it explains
    assert flat.index("first total") < flat.index(COLUMNS)


def test_sobol_json_has_no_prose() -> None:
    args = ("sensitivity", EXAMPLES / "seed.toml", "--method", "sobol", "--samples", "8")
    code, out, err = run(*args, "--json")
    assert code == 0, err
    assert "Columns:" not in out
    assert json.loads(out)["method"] == "sobol"


def test_solve_json_names_its_counts_as_the_text_does() -> None:
    """``values_tried`` is the figure "Found by trying N values" prints; ``engine_calls``
    the engine's calls, each over many of them (``iterations``, the README's name, kept)."""
    args = (
        "solve",
        EXAMPLES / "quarter-200k.toml",
        "--vary",
        "traffic.requests_per_month",
        "--target",
        "break_even_month=3",
    )
    code, out, err = run(*args, "--json")
    assert code == 0, err
    answer = json.loads(out)
    assert "evaluations" not in answer
    assert answer["engine_calls"] == answer["iterations"]
    assert 1 < answer["engine_calls"] < answer["values_tried"]
    code, text, err = run(*args)
    assert code == 0, err
    tried = re.search(r"Found by trying ([\d,]+) values", " ".join(text.split()))
    assert tried is not None
    assert int(tried.group(1).replace(",", "")) == answer["values_tried"]


def test_solve_help_says_which_limit_sets_each_edge() -> None:
    """``within_fleet_cap.highest`` of output tokens is the model's context, not the fleet
    cap: ``refused_past`` says so, and the help's list of keys says what it means."""
    code, out, err = run(
        "solve",
        EXAMPLES / "catalog-ids.toml",
        "--vary",
        "traffic.output_tokens",
        "--target",
        "npv_usd=0",
        "--json",
    )
    assert code == 0, err
    answer = json.loads(out)
    assert answer["refused_past"] == [True, True]
    highest = answer["within_fleet_cap"]["highest"]
    assert highest == pytest.approx(131_072 - 1_200, rel=1e-12)  # the context less the input
    assert "context is 131,072 tokens" in answer["warnings"][1]
    code, help_text, _ = run("solve", "--help")
    assert code == 0
    flat = " ".join(help_text.replace("│", " ").split())
    assert (
        "within_fleet_cap is the range searched, as far as analyze accepts the file: each edge "
        "is the fleet cap's or, where refused_past is true for it ([low, high]), another "
        "refusal of analyze's (a model's context), said in warnings." in flat
    )
    assert "engine_calls (iterations, the same) counts calls to the engine" in flat
