"""A value shown as it was written and told by the type its field takes, tried as a new user
would. A YAML key that is a list printed ruamel's nodes (``key [ScalarNode(tag=...`` and a
table as a key said "found unhashable key"; a list holding a table was an internal error);
TOML hints ignored the field (``requests_per_month = 2026-02-30`` was told to write a date,
``= 10%`` to write 0.1; ``1 000`` and ``1.2.3`` got the parser's words); a YAML
``name: yes`` was shown as ``true``, with ``"true"`` to write in quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import PaybackError
from payback.scenario import parse_scenario, scenario_data_from_text

TRAFFIC_KEYS = (
    "requests_per_month, growth_monthly, input_tokens, output_tokens, cached_input_share, "
    "peak_to_average"
)


def _error(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert_user_error(code, out, err)
    assert len(err.strip().splitlines()) == 1, err
    return err.strip().removeprefix(f"error: {tmp_path}/")


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("? [a, b]", "[a, b]"),
        ("? {a: 1}", "{a: 1}"),
        ("? [{a: 1}]", "[{a: 1}]"),
        ("? - a\n    - b", "a list"),
    ],
)
def test_a_yaml_key_that_is_a_list_or_table_is_shown_as_written(
    tmp_path: Path, key: str, shown: str
) -> None:
    text = f"traffic:\n  requests_per_month: 10\n  {key}\n  : 1\n"
    assert _error(tmp_path, "k.yaml", text) == (
        f"k.yaml line 3: key {shown} in traffic is not a name; allowed here: {TRAFFIC_KEYS}"
    )


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("requests_per_month = 2026-02-30", "must be a number, not a date"),
        ("requests_per_month = 1979-05-27T25:00:00", "must be a number, not a date"),
        ("requests_per_month = 10%", "must be a number, not a percentage (requests in month 1)"),
        ("requests_per_month = 1 000", "a number is written without separators or suffixes; write 1000"),
        ("requests_per_month = 1 000 000.5", "a number is written without separators or suffixes; write 1000000.5"),
        ("requests_per_month = 1.2.3", "must be a number"),
        ("requests_per_month = 2e", "must be a number"),
        ("requests_per_month = 0x", "must be a number"),
        ("requests_per_month = yes", "must be a number"),
        ("growth_monthly = 5 %", "a share is written as a fraction; write 0.05 (a fraction per month: 0.05 means 5%)"),
        ("cached_input_share = 40%", "a share is written as a fraction; write 0.4 (a fraction: 0.4 means 40% of input tokens)"),
    ],
)  # fmt: skip
def test_a_toml_number_the_parser_cannot_read_is_told_by_its_fields_type(
    tmp_path: Path, line: str, said: str
) -> None:
    text = f"[traffic]\n{line}\n"
    assert _error(tmp_path, "t.toml", text) == f"t.toml line 2: traffic.{line}: {said}"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("horizon_months = 10%", "must be a whole number, not a percentage (months the comparison runs for)"),
        ("horizon_months = $0.5", "must be a whole number"),
        ("horizon_months = 2 4", "must be a whole number"),
        ("discount_rate_annual = 8%", "a share is written as a fraction; write 0.08 (a fraction per year: 0.10 means 10%)"),
        ("name = 2026-02-30", 'text is written in quotes; write "2026-02-30"'),
        ("name = yes", 'text is written in quotes; write "yes"'),
        ("name = 200k", 'text is written in quotes; write "200k"'),
        ("start_date = 2026-02-30", "not a date (day 30: 2026-02 has 28 days); write a date such as 2026-12-01"),
        ("start_date = 1979-05-27T25:00:00", "a date is written without a time; write 1979-05-27"),
        ("start_date = soon", "not a date; write a date such as 2026-12-01"),
    ],
)  # fmt: skip
def test_a_toml_count_text_or_date_is_told_by_its_fields_type(
    tmp_path: Path, line: str, said: str
) -> None:
    text = f"[scenario]\n{line}\n"
    assert _error(tmp_path, "t.toml", text) == f"t.toml line 2: scenario.{line}: {said}"


def test_a_toml_flag_the_parser_cannot_read(tmp_path: Path) -> None:
    text = '[[alternatives]]\nname = "x"\nalways_on = 1.2.3\n'
    assert _error(tmp_path, "t.toml", text) == (
        "t.toml line 3: alternatives.0.always_on = 1.2.3: must be true or false"
    )


def _starter(tmp_path: Path) -> str:
    path = tmp_path / "starter.yaml"
    code, _, err = run("init", path)
    assert code == 0, err
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "written", ["yes", "no", "on", "Off", "012", "0x1F", "1e3", "1.50", ".inf"]
)
def test_a_yaml_name_read_as_other_than_text_is_shown_as_written(
    tmp_path: Path, written: str
) -> None:
    text = _starter(tmp_path).replace("  name: hosted big model", f"  name: {written}")
    assert _error(tmp_path, "n.yaml", text) == (
        f'n.yaml: baseline.name = {written}: must be text; write "{written}" in quotes to have '
        "it read as text"
    )


def test_a_yaml_number_or_flag_is_shown_as_written_in_any_message(tmp_path: Path) -> None:
    starter = _starter(tmp_path)
    flag = starter.replace("requests_per_month: 200000 ", "requests_per_month: yes    ")
    assert (
        _error(tmp_path, "f.yaml", flag)
        == "f.yaml: traffic.requests_per_month = yes: must be a number"
    )
    growth = starter.replace("growth_monthly: 0.0 ", "growth_monthly: 1.50e0 ")
    assert _error(tmp_path, "g.yaml", growth) == (
        "g.yaml: traffic.growth_monthly = 1.50e0: must be ≤ 1 (a fraction per month: 0.05 means 5%)"
    )


def test_a_yaml_value_changed_after_reading_is_shown_as_it_now_is(tmp_path: Path) -> None:
    text = _starter(tmp_path).replace("  name: hosted big model", "  name: yes")
    data = scenario_data_from_text(text, "yaml", "s.yaml")
    with pytest.raises(PaybackError) as kept:
        parse_scenario(data, "s.yaml")
    assert kept.value.messages[0].startswith(
        's.yaml: baseline.name = yes: must be text; write "yes"'
    )
    data["baseline"]["name"] = False  # no longer what "yes" reads as
    with pytest.raises(PaybackError) as changed:
        parse_scenario(data, "s.yaml")
    assert changed.value.messages == [
        's.yaml: baseline.name = false: must be text; write "false" in quotes to have it read as text'
    ]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        # YAML 1.2 reads 200_000 as text: it said "write 200000, without quotes", where the
        # file has none
        ("200_000", "= 200_000: must be a number; YAML reads 200_000 as text; write 200000"),
        ("200k", "= 200k: must be a number; YAML reads 200k as text; write 200000"),
        ('"200_000"', '= "200_000": must be a number; write 200000, without quotes or units'),
        ("'200k'", '= "200k": must be a number; write 200000, without quotes or units'),
    ],
)
def test_a_yaml_number_read_as_text_says_whether_yaml_or_quotes_made_it_text(
    tmp_path: Path, written: str, said: str
) -> None:
    text = _starter(tmp_path).replace(
        "requests_per_month: 200000", f"requests_per_month: {written}"
    )
    assert _error(tmp_path, "r.yaml", text) == f"r.yaml: traffic.requests_per_month {said}"
    # a changed value is no longer what was written: the quotes' words again
    data = scenario_data_from_text(text, "yaml", "r.yaml")
    data["traffic"]["requests_per_month"] = "300_000"
    with pytest.raises(PaybackError) as changed:
        parse_scenario(data, "r.yaml")
    assert changed.value.messages == [
        'r.yaml: traffic.requests_per_month = "300_000": must be a number; write 300000, '
        "without quotes or units"
    ]
