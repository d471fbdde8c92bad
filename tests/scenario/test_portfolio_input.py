"""A portfolio file's input, tried as a new user would on examples/portfolio.toml: names
that differ only in case or spaces, a list of workload names written without brackets,
``workloads`` that is not a list of tables, and one problem of a ``portfolio.workloads``
list said on one line."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import EXAMPLES, assert_user_error, run
from payback import PaybackError
from payback.scenario import parse_scenario, read_scenario_data
from payback.scenario.checks import repeated_names

FLEET = "Llama 3.1 8B, an adapter per task, one fleet"
SEPARATE = "a fine-tuned 8B and its own fleet per task"
KNOWN = "'support triage', 'ticket summaries', 'product tagging', 'email drafts', 'SQL helper'"


def example() -> dict[str, Any]:
    return copy.deepcopy(read_scenario_data(EXAMPLES / "portfolio.toml"))


def lines(data: dict[str, Any], source: str = "p.toml") -> list[str]:
    with pytest.raises(PaybackError) as info:
        parse_scenario(data, source=source)
    return info.value.messages


# ---------------------------------------------------------------- names told apart


@pytest.mark.parametrize("second", ["Support Triage", "support triage ", " support  triage"])
def test_workload_names_that_differ_only_in_case_or_spaces_are_one_name(second: str) -> None:
    """Were accepted: the migration table showed two rows that read the same."""
    data = example()
    data["workloads"][1]["name"] = second
    assert lines(data) == [
        f"p.toml: workloads.1.name = {second!r}: used by workloads.0 too, as 'support triage' "
        "(names that differ only in case or spaces read as one); give each workload its own "
        "name"
    ]


def test_alternative_names_that_differ_only_in_case_are_one_name() -> None:
    """A workload's terms name an alternative: two that read the same were both accepted."""
    data = example()
    data["alternatives"][1]["name"] = FLEET.upper()
    data["workloads"] = [
        {k: v for k, v in w.items() if k != "alternatives"} for w in data["workloads"]
    ]
    assert lines(data) == [
        f"p.toml: alternatives.1.name = {FLEET.upper()!r}: used by alternatives.0 too, as "
        f"{FLEET!r} (names that differ only in case or spaces read as one); give each "
        "alternative its own name"
    ]


def test_alternative_names_apart_in_case_only_are_kept_outside_a_portfolio() -> None:
    """Without workloads nothing names an alternative: two names that differ only in case
    were read before and still are (the portfolio's rule had refused them everywhere)."""
    data = read_scenario_data(EXAMPLES / "quarter-200k.toml")
    second = copy.deepcopy(data["alternatives"][0])
    second["name"] = second["name"].upper()
    data["alternatives"].append(second)
    names = [alt.name for alt in parse_scenario(data, source="q.toml").alternatives]
    assert names == [data["alternatives"][0]["name"], second["name"]]
    first = data["alternatives"][0]["name"]
    data["alternatives"][1]["name"] = first  # the same name: refused, as before
    assert lines(data) == [
        f"p.toml: alternatives.1.name = {first!r}: used by alternatives.0 too; give each "
        "alternative its own name"
    ]


def test_a_name_as_written_elsewhere_is_still_refused_in_the_old_words() -> None:
    data = example()
    data["workloads"][1]["name"] = "support triage"
    assert lines(data) == [
        "p.toml: workloads.1.name = 'support triage': used by workloads.0 too; give each "
        "workload its own name"
    ]


def test_a_reference_that_differs_only_in_case_says_the_name_it_means() -> None:
    data = example()
    data["alternatives"][0]["portfolio"]["workloads"] = ["Support triage", "SQL helper"]
    for workload in data["workloads"][1:4]:
        del workload["alternatives"][FLEET]
    assert lines(data) == [
        "p.toml: alternatives.0.portfolio.workloads: unknown workload 'Support triage' (did "
        f"you mean 'support triage'? names count case and spaces; known: {KNOWN})"
    ]


def test_terms_under_an_alternative_named_in_another_case_say_the_name_it_means() -> None:
    data = example()
    terms = data["workloads"][2]["alternatives"]
    terms["A fine-tuned 8B and its own fleet per task"] = terms.pop(SEPARATE)
    assert lines(data) == [
        "p.toml: workloads.2.alternatives.A fine-tuned 8B and its own fleet per task: unknown "
        "alternative 'A fine-tuned 8B and its own fleet per task' (did you mean "
        f"{SEPARATE!r}? names count case and spaces; known: {FLEET!r}, {SEPARATE!r})"
    ]


# ---------------------------------------------------------------- one problem, one line


@pytest.mark.parametrize(
    ("subset", "line"),
    [
        (
            ["support triage", "nope"],
            f"alternatives.0.portfolio.workloads: unknown workload 'nope' (known: {KNOWN})",
        ),
        (
            ["support triage", "support triage"],
            "alternatives.0.portfolio.workloads: 'support triage' is served twice by "
            f"{FLEET!r}; list each workload once",
        ),
    ],
)
def test_a_wrong_list_of_workloads_is_one_line(subset: list[str], line: str) -> None:
    """Each gave four more lines, one for each other workload's terms: "... does not serve
    'ticket summaries' (its portfolio.workloads leaves it out)"."""
    data = example()
    data["alternatives"][0]["portfolio"]["workloads"] = subset
    assert lines(data) == [f"p.toml: {line}"]


def test_terms_for_an_alternative_that_serves_none_of_their_workloads_are_one_line() -> None:
    """A list that leaves out four workloads with terms for it: one line, not four."""
    data = example()
    data["alternatives"][0]["portfolio"]["workloads"] = ["support triage"]
    assert lines(data) == [
        f"p.toml: workloads.1.alternatives.{FLEET}: {FLEET!r} does not serve 'ticket "
        "summaries' (its portfolio.workloads leaves it out; so too 'product tagging', 'email "
        "drafts' and 'SQL helper', under workloads.2, workloads.3 and workloads.4)"
    ]


def test_terms_one_workload_left_out_gives_are_said_as_before() -> None:
    data = example()
    data["alternatives"][0]["portfolio"]["workloads"] = [
        w["name"] for w in data["workloads"] if w["name"] != "email drafts"
    ]
    assert lines(data) == [
        f"p.toml: workloads.3.alternatives.{FLEET}: {FLEET!r} does not serve 'email drafts' "
        "(its portfolio.workloads leaves it out)"
    ]


# ---------------------------------------------------------------- lists in their own words


NAMES = 'must be a list of workload names, such as ["support triage"]'


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("support triage", f'= "support triage": {NAMES}'),
        (3, f"= 3: {NAMES}"),
        ({"a": 1}, f"= a table: {NAMES}"),
    ],
)
def test_a_list_of_workload_names_is_asked_for_as_one(value: Any, line: str) -> None:
    """Was "must be a list of tables ([[alternatives]] in TOML)"."""
    data = example()
    data["alternatives"][0]["portfolio"]["workloads"] = value
    assert lines(data) == [f"p.toml: alternatives.0.portfolio.workloads {line}"]


TABLES = (
    "must be a list of tables, one per workload ([[workloads]] entries in TOML, entries that "
    "start with '- ' in YAML)"
)


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("x", f'workloads = "x": {TABLES}'),
        ({"name": "support triage"}, f"workloads = a table: {TABLES}"),
        (
            [],
            "workloads: lists no workload; give [[workloads]] entries, each with its name and "
            "traffic, or leave workloads out for a single scenario, which gives [traffic]",
        ),
        (
            [{"name": "support triage"}],
            "workloads.0.traffic: required section is missing (This workload's requests, "
            "growth, token lengths and busiest hour)",
        ),
    ],
)
def test_workloads_that_are_not_a_list_of_them_is_one_line(value: Any, line: str) -> None:
    """Each said [traffic] was missing as well, and a value not a list spoke of
    [[alternatives]]; an empty list was told to "leave the field out to serve every
    workload" (the words of an alternative's portfolio.workloads)."""
    data = example()
    data["workloads"] = value
    assert lines(data) == [f"p.toml: {line}"]


def test_a_file_without_workloads_still_says_its_traffic_is_missing() -> None:
    data = example()
    del data["workloads"]
    (line,) = lines(data)
    assert line.startswith("p.toml: traffic: required section is missing; the file reads as a")


def test_a_yaml_file_with_workloads_as_text_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "scenario: {name: two tasks, horizon_months: 12}\n"
        "baseline: {name: hosted, kind: per_request, usd_per_1k_requests: 5.0}\n"
        "alternatives:\n"
        "  - {name: tuned, kind: per_request, usd_per_1k_requests: 1.0}\n"
        "workloads: support triage\n"
    )
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert err == f'error: {path}: workloads = "support triage": {TABLES}\n'


@given(st.lists(st.text(alphabet="aA b\t", min_size=1, max_size=6), max_size=8))
def test_each_name_an_earlier_one_reads_as_is_refused_once(names: list[str]) -> None:
    """A line for each name whose trimmed, case-folded words an earlier name has, naming
    the first such name: as many lines as names past the distinct ones."""
    out = repeated_names("workloads", names)
    seen = [" ".join(n.split()).casefold() for n in names]
    assert len(out) == len(names) - len(set(seen))
    for line in out:
        i = int(line.split(".")[1])
        first = seen.index(seen[i])
        assert first < i
        assert line.startswith(f"workloads.{i}.name = {names[i]!r}: used by workloads.{first} too")
        assert (f", as {names[first]!r} " in line) == (names[first] != names[i])
