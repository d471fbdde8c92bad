"""Syntax errors and YAML's words, tried as a new user would. A TOML syntax error said only
the parser's words and a position (``not valid TOML: Expected newline or end of document
after a statement (at line 12, column 25)`` for ``requests_per_month = 200,000``;
``Cannot overwrite a value`` for a key given twice); a YAML key that is not text (``1: x``)
said ``1 = 1: Keys should be strings``; YAML's date and text errors spoke of TOML
("unquoted in TOML", "text in quotes"); a YAML date ``2026-13-45`` was an internal error.
Now each is one line naming the line, the field, the value as written and what to write,
exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import EXAMPLES, assert_user_error, run

QUARTER = (EXAMPLES / "quarter-200k.toml").read_text()
REQUESTS = "requests_per_month = 200000 "


def _analyze_error(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert len(err.strip().splitlines()) == 1, err
    return err.strip().removeprefix(f"error: {tmp_path}/")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("200,000", "a number is written without separators or suffixes; write 200000"),
        ("200k", "a number is written without separators or suffixes; write 200000"),
        ("20%", "must be a number, not a percentage (requests in month 1)"),
        ("0200000", "a number is written without leading zeros; write 200000"),
        ("lots", "must be a number"),
    ],
)
def test_a_number_toml_cannot_read_names_its_line_field_and_how_to_write_it(
    tmp_path: Path, typed: str, said: str
) -> None:
    text = QUARTER.replace(REQUESTS, f"requests_per_month = {typed} ")
    assert _analyze_error(tmp_path, "q.toml", text) == (
        f"q.toml line 12: traffic.requests_per_month = {typed}: {said}"
    )


def test_a_fraction_typed_as_a_percentage_gets_the_fields_hint(tmp_path: Path) -> None:
    text = QUARTER.replace("growth_monthly = 0.0 ", "growth_monthly = 5% ")
    assert _analyze_error(tmp_path, "q.toml", text) == (
        "q.toml line 13: traffic.growth_monthly = 5%: a share is written as a fraction; "
        "write 0.05 (a fraction per month: 0.05 means 5%)"
    )


def test_a_toml_key_given_twice_names_both_lines(tmp_path: Path) -> None:
    text = QUARTER.replace("output_tokens = 400", "growth_monthly = 0.1\noutput_tokens = 400")
    assert _analyze_error(tmp_path, "q.toml", text) == (
        "q.toml line 15: traffic.growth_monthly given twice (first on line 13)"
    )
    # the last line of the file: the parser gives no line at all ("at end of document")
    assert _analyze_error(tmp_path, "q.toml", QUARTER + "retrain_usd = 1.0\n") == (
        "q.toml line 52: alternatives.0.recurring.retrain_usd given twice (first on line 51)"
    )
    twice = QUARTER.replace("[baseline]  ", "[traffic]\n[baseline]  ")
    assert _analyze_error(tmp_path, "q.toml", twice) == (
        "q.toml line 19: [traffic] given twice (first on line 11)"
    )


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-13-45", "not a date (month 13); write a date such as 2026-12-01"),
        ("2026-02-30", "not a date (day 30: 2026-02 has 28 days); write a date such as 2026-12-01"),
        ("2026-12-1", "a month and a day are written with two digits; write 2026-12-01"),
        ("2026-12-01 10:00", "a date is written without a time; write 2026-12-01"),
    ],
)
def test_a_toml_date_that_is_not_one(tmp_path: Path, typed: str, said: str) -> None:
    text = QUARTER.replace("[traffic]", f"start_date = {typed}\n\n[traffic]")
    assert _analyze_error(tmp_path, "q.toml", text) == (
        f"q.toml line 11: scenario.start_date = {typed}: {said}"
    )


def test_toml_text_flags_and_inline_tables(tmp_path: Path) -> None:
    unquoted = QUARTER.replace('name = "hosted big model"', "name = hosted big model")
    assert _analyze_error(tmp_path, "q.toml", unquoted) == (
        'q.toml line 20: baseline.name = hosted big model: text is written in quotes; write "hosted big model"'
    )
    flag = QUARTER.replace("always_on = true ", "always_on = True ")
    assert _analyze_error(tmp_path, "q.toml", flag) == (
        "q.toml line 35: alternatives.0.always_on = True: a flag is true or false, in lower "
        "case; write true"
    )
    ids = (EXAMPLES / "catalog-ids.toml").read_text()
    second = ids.replace("training_runs = 2\n", "training_runs = 2,000\n")
    assert _analyze_error(tmp_path, "c.toml", second) == (
        "c.toml line 59: alternatives.1.one_time.training_runs = 2,000: a number is written "
        "without separators or suffixes; write 2000"
    )
    inline = ids.replace(
        "examples = 20000, tokens_per_example = 800, epochs = 3 }\n\n[alt",
        "examples = 20,000, tokens_per_example = 800, epochs = 3 }\n\n[alt",
    )
    assert _analyze_error(tmp_path, "c.toml", inline) == (
        "c.toml line 42: alternatives.0.one_time.training.examples = 20,000: a number is "
        "written without separators or suffixes; write 20000"
    )


def test_a_line_that_cannot_be_read_keeps_the_parsers_words(tmp_path: Path) -> None:
    assert _analyze_error(tmp_path, "q.toml", "[scenario\nname = 1\n") == (
        "q.toml: not valid TOML: Expected ']' at the end of a table declaration (at line 1, "
        "column 10)"
    )


def _yaml(tmp_path: Path) -> str:
    path = tmp_path / "starter.yaml"
    code, _, err = run("init", path)
    assert code == 0, err
    return path.read_text(encoding="utf-8")


def test_a_yaml_key_that_is_not_text_names_its_line_and_the_keys_allowed(
    tmp_path: Path,
) -> None:
    text = _yaml(tmp_path)
    lines = len(text.splitlines())
    assert _analyze_error(tmp_path, "k.yaml", text + "1: x\n") == (
        f"k.yaml line {lines + 1}: key 1 is not a name; allowed here: scenario, traffic, "
        "baseline, alternatives, workloads"
    )
    nested = text.replace("scenario:\n", "scenario:\n  true: 3\n", 1)
    said = _analyze_error(tmp_path, "k.yaml", nested)
    assert said.startswith("k.yaml line ")
    assert said.split(": ", 1)[1] == (
        "key true in scenario is not a name; allowed here: name, horizon_months, "
        "discount_rate_annual, start_date"
    )


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            "2026-12-01 10:00:00",
            "scenario.start_date = 2026-12-01 10:00:00: must be a date such as 2026-12-01, "
            "without a time",
        ),
        (
            "2026-12-1",
            'scenario.start_date = "2026-12-1": a month and a day are written with two digits; '
            "write 2026-12-01",
        ),
        (
            "2026-13-45",
            'scenario.start_date = "2026-13-45": not a date (month 13); write a date such as '
            "2026-12-01",
        ),
        (
            '"2026-12-01"',
            'scenario.start_date = "2026-12-01": must be a date such as 2026-12-01, without quotes',
        ),
    ],
)
def test_yaml_dates_are_told_in_yamls_words(tmp_path: Path, written: str, said: str) -> None:
    text = _yaml(tmp_path).replace("scenario:\n", f"scenario:\n  start_date: {written}\n", 1)
    assert _analyze_error(tmp_path, "d.yaml", text) == f"d.yaml: {said}"


def test_yaml_text_is_told_in_yamls_words_toml_in_tomls(tmp_path: Path) -> None:
    yaml = _yaml(tmp_path).replace("  name: hosted big model", "  name: 12")
    assert _analyze_error(tmp_path, "n.yaml", yaml) == (
        'n.yaml: baseline.name = 12: must be text; write "12" in quotes to have it read as text'
    )
    toml = QUARTER.replace('name = "hosted big model"', "name = 12")
    assert _analyze_error(tmp_path, "n.toml", toml) == (
        "n.toml: baseline.name = 12: must be text in quotes"
    )
    date = QUARTER.replace("[traffic]", 'start_date = "2026-12-01"\n[traffic]')
    assert _analyze_error(tmp_path, "n.toml", date) == (
        'n.toml: scenario.start_date = "2026-12-01": must be a date such as 2026-12-01 '
        "(unquoted in TOML)"
    )


def test_text_left_open_and_a_value_left_out(tmp_path: Path) -> None:
    open_text = QUARTER.replace('name = "hosted big model"', 'name = "hosted big model')
    assert _analyze_error(tmp_path, "q.toml", open_text) == (
        'q.toml line 20: baseline.name = "hosted big model: text needs its closing quote (") '
        "before the line ends"
    )
    empty = QUARTER.replace("gpus_per_replica = 1 ", "gpus_per_replica = ")
    assert _analyze_error(tmp_path, "q.toml", empty) == (
        "q.toml line 31: alternatives.0.gpus_per_replica = : no value after '='; write one, "
        "or leave the line out"
    )
    # a field that takes a whole number: said so
    after = QUARTER.replace("min_replicas = 1 ", "min_replicas = 1 2 ")
    assert _analyze_error(tmp_path, "q.toml", after) == (
        "q.toml line 33: alternatives.0.min_replicas = 1 2: must be a whole number (use "
        "always_on = false for a fleet that scales to zero)"
    )
    # a fault not known (a name the scenario does not take): the parser's words, on its line
    after = QUARTER.replace("min_replicas = 1 ", "min_replicas = 1\nreplicas = 1 2 ")
    assert _analyze_error(tmp_path, "q.toml", after) == (
        "q.toml line 34: alternatives.0.replicas = 1 2: Expected newline or end of "
        "document after a statement"
    )
    # the value reads and the fault lies past it (an inline table's next key): as before
    inline = QUARTER.replace("min_replicas = 1 ", "min_replicas = { dist = 1 }} ")
    said = _analyze_error(tmp_path, "q.toml", inline)
    assert said.startswith("q.toml: not valid TOML: ")


def test_a_whole_number_toml_reads_as_infinity_is_said_to_be_one(tmp_path: Path) -> None:
    """TOML reads 1e400 as infinity; it was refused as "must be a whole number", which it
    looks like being, then as "= inf", a value not written: now as written, with the
    field's bound."""
    text = (EXAMPLES / "quarter-200k.toml").read_text(encoding="utf-8")
    text = text.replace("horizon_months = 24 ", "horizon_months = 1e400 ", 1)
    path = tmp_path / "inf.toml"
    path.write_text(text, encoding="utf-8")
    assert_user_error(
        *run("analyze", path),
        "scenario.horizon_months = 1e400: must be ≤ 600",
    )
