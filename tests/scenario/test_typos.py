"""A misspelt name is one problem, told on one line: the unknown field with 'did you mean'
the one it misses, whether its value is a plain number or a distribution table; the
required field it leaves missing is not told again, nor a distribution's parameter.

Tried as a new user would: turning an input into a range (the tutorial's exercise) with its
name misspelt was told "a distribution needs a field that holds any number", and a
misspelt required field as missing as well as unknown."""

from __future__ import annotations

import re
import string
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import QUARTER, run

ALLOWED_TRAFFIC = (
    "allowed: requests_per_month, growth_monthly, input_tokens, output_tokens, "
    "cached_input_share, peak_to_average"
)
ONE_TIME = (
    "allowed: data_usd, engineer_hours, engineer_usd_per_hour, eval_usd, training_usd, "
    "training, training_runs"
)


def _lines(tmp_path: Path, old: str, new: str, name: str = "s.toml") -> list[str]:
    """The error lines for the quarter example with ``old`` replaced by ``new`` (exit 2)."""
    text = QUARTER.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, err = run("analyze", path)
    assert (code, out) == (2, ""), err
    assert "Traceback" not in err
    return [line.removeprefix(f"error: {path}: ") for line in err.splitlines()]


def test_a_misspelt_field_holding_a_range_is_unknown(tmp_path: Path) -> None:
    new = 'engineer_hour = { dist = "triangular", low = 40, mode = 60, high = 160 }'
    assert _lines(tmp_path, "engineer_hours = 60", new) == [
        "alternatives.0.one_time.engineer_hour: unknown field in alternatives.0.one_time; "
        f"did you mean 'engineer_hours'? {ONE_TIME}"
    ]


def test_a_misspelt_required_field_holding_a_range_is_one_line(tmp_path: Path) -> None:
    new = 'requests_per_mnth = { dist = "triangular", low = 150000, mode = 200000, high = 320000 }'
    assert _lines(tmp_path, "requests_per_month = 200000", new) == [
        "traffic.requests_per_mnth: unknown field in traffic; did you mean "
        f"'requests_per_month'? {ALLOWED_TRAFFIC}"
    ]


def test_a_misspelt_required_field_is_one_line(tmp_path: Path) -> None:
    assert _lines(tmp_path, "requests_per_month = 200000", "requests_per_mnth = 200000") == [
        "traffic.requests_per_mnth: unknown field in traffic; did you mean "
        f"'requests_per_month'? {ALLOWED_TRAFFIC}"
    ]


def test_a_misspelt_parameter_of_a_range_is_one_line(tmp_path: Path) -> None:
    new = 'engineer_hours = { dist = "triangular", low = 40, mod = 60, high = 160 }'
    assert _lines(tmp_path, "engineer_hours = 60", new) == [
        "alternatives.0.one_time.engineer_hours.mod: not a parameter of a triangular "
        "distribution; did you mean 'mode'? allowed: low, mode, high"
    ]


def test_a_parameter_missing_and_another_unknown_are_two_lines(tmp_path: Path) -> None:
    """An unknown parameter not near the missing one leaves that one told."""
    new = 'engineer_hours = { dist = "triangular", low = 40, modal = 60, top = 160 }'
    assert _lines(tmp_path, "engineer_hours = 60", new) == [
        "alternatives.0.one_time.engineer_hours.high: required by a triangular distribution",
        "alternatives.0.one_time.engineer_hours.modal: not a parameter of a triangular "
        "distribution; did you mean 'mode'? allowed: low, mode, high",
        "alternatives.0.one_time.engineer_hours.top: not a parameter of a triangular "
        "distribution; allowed: low, mode, high",
    ]


def test_a_misspelt_kind_is_one_line(tmp_path: Path) -> None:
    """Without kind, no other field of the option is checked: it was told missing alone."""
    assert _lines(tmp_path, 'kind = "self_hosted"', 'knid = "self_hosted"') == [
        "alternatives.0.knid: unknown field in alternatives.0; did you mean 'kind'? kind is "
        "required; allowed: per_request, hosted_api, self_hosted"
    ]


def test_a_misspelt_section_is_one_line(tmp_path: Path) -> None:
    assert _lines(tmp_path, "[traffic]", "[trafic]") == [
        "trafic: unknown section [trafic]; did you mean 'traffic'? allowed: scenario, "
        "traffic, baseline, alternatives, workloads"
    ]


def test_a_missing_field_and_an_unrelated_unknown_one_are_two_lines(tmp_path: Path) -> None:
    lines = _lines(tmp_path, "requests_per_month = 200000", "volume = 200000")
    assert lines == [
        "traffic.requests_per_month: required field is missing (Requests in month 1)",
        f"traffic.volume: unknown field in traffic; {ALLOWED_TRAFFIC}",
    ]


STARTER = files("payback.data").joinpath("starter.toml").read_text(encoding="utf-8")
_KEYED = [
    (i, m.group(1))
    for i, line in enumerate(STARTER.splitlines())
    if (m := re.match(r"([a-z_]+) = ", line))
]
VALUES = ("7", "0.5", '{ dist = "uniform", low = 1, high = 2 }')


@st.composite
def _typo(draw: st.DrawFn) -> tuple[int, str, str]:
    """A line of the starter file, its field, and that field's name one letter wrong:
    dropped, changed, added or two swapped."""
    line, key = draw(st.sampled_from(_KEYED))
    at = draw(st.integers(0, len(key) - 1))
    letter = draw(st.sampled_from(string.ascii_lowercase))
    how = draw(st.sampled_from(["drop", "change", "add", "swap"]))
    typo = {
        "drop": key[:at] + key[at + 1 :],
        "change": key[:at] + letter + key[at + 1 :],
        "add": key[:at] + letter + key[at:],
        "swap": key[:at] + key[at + 1 : at + 2] + key[at] + key[at + 2 :],
    }[how]
    return line, key, typo


@settings(max_examples=60, deadline=None)
@given(typo=_typo(), value=st.sampled_from(VALUES))
def test_any_starter_field_misspelt_is_one_line_that_names_it(
    typo: tuple[int, str, str], value: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    line, key, wrong = typo
    if wrong == key:  # a swap of two letters alike
        return
    lines = STARTER.splitlines()
    lines[line] = f"{wrong} = {value}"
    path = tmp_path_factory.mktemp("typo") / "starter.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run("analyze", path)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1, err
    assert f"{wrong}: unknown field in " in err
    assert f"did you mean {key!r}?" in err


def test_a_baselines_allowed_fields_leave_out_those_it_refuses(tmp_path: Path) -> None:
    """A baseline refuses escalation_share (must be 0), one_time (must be empty) and
    portfolio: its list of allowed fields named all three (tried as a new user would)."""
    [line] = _lines(tmp_path, 'kind = "hosted_api"', 'kind = "hosted_api"\nfoo = 1')
    assert line.startswith(
        'baseline.foo: unknown field in baseline of kind "hosted_api"; allowed: '
    )
    allowed = line.split("allowed: ")[1].split(", ")
    assert "input_usd_per_mtok" in allowed
    assert not {"escalation_share", "one_time", "portfolio"} & set(allowed)
