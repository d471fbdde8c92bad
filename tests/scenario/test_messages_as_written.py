"""A number past the largest float (``1e400``, ``1.9e308``), which TOML and YAML read as
infinity, is told as written with the field's bound (the rule for a number past about
1.8e308 where the field has none), not as ``inf``, a value never written; a number
written with an exponent is quoted so (``1e14``, not ``100000000000000.0``).

Tried as a new user would: ``requests_per_month = 1e400`` was told ``= inf: must be a
finite number, not NaN or infinity``."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import QUARTER, run
from payback.scenario import load_scenario
from payback.scenario.io import dump_scenario, parse_scenario, scenario_data_from_text
from payback.scenario.words import WrittenFloat, read_float

REQUESTS = "requests_per_month = 200000"
BOUND = "must be ≤ 10,000,000,000,000"


def _line(tmp_path: Path, text: str, name: str) -> str:
    """The one error line for ``text`` saved as ``name`` (exit 2)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert (code, out) == (2, ""), err
    assert len(err.splitlines()) == 1, err
    return err.strip().removeprefix(f"error: {path}: ")


def _toml(old: str, new: str) -> str:
    text = QUARTER.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("1e400", f"traffic.requests_per_month = 1e400: {BOUND}"),
        ("1.9e308", f"traffic.requests_per_month = 1.9e308: {BOUND}"),
        ("1E+400", f"traffic.requests_per_month = 1E+400: {BOUND}"),
        ("-1e400", "traffic.requests_per_month = -1e400: must be > 0"),
        ("1e14", f"traffic.requests_per_month = 1e14: {BOUND}"),
        ("1_000e11", f"traffic.requests_per_month = 1_000e11: {BOUND}"),
        ("inf", "traffic.requests_per_month = inf: must be a finite number, not NaN or infinity"),
        ("nan", "traffic.requests_per_month = nan: must be a finite number, not NaN or infinity"),
    ],
)
def test_a_toml_number_is_told_as_written(tmp_path: Path, written: str, said: str) -> None:
    text = _toml(REQUESTS, f"requests_per_month = {written}")
    assert _line(tmp_path, text, "s.toml") == said


def test_a_whole_number_field_past_the_largest_float_has_its_bound(tmp_path: Path) -> None:
    text = _toml("training_runs = 4", "training_runs = 1e400")
    said = "alternatives.0.one_time.training_runs = 1e400: must be ≤ 10,000"
    assert _line(tmp_path, text, "s.toml") == said


def test_a_range_end_past_the_largest_float_has_the_rule_for_any_number(
    tmp_path: Path,
) -> None:
    """A distribution's end is read before its field is known: the rule any number has."""
    new = 'engineer_hours = { dist = "uniform", low = 1, high = 1e400 }'
    assert _line(tmp_path, _toml("engineer_hours = 60", new), "s.toml") == (
        "alternatives.0.one_time.engineer_hours.high = 1e400: must be under about 1.8e308, "
        "the largest number payback computes with"
    )


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("1e400", f"traffic.requests_per_month = 1e400: {BOUND}"),
        ("1.9e308", f"traffic.requests_per_month = 1.9e308: {BOUND}"),
        ("-1e400", "traffic.requests_per_month = -1e400: must be > 0"),
        ("1e14", f"traffic.requests_per_month = 1e14: {BOUND}"),
        (".inf", "traffic.requests_per_month = .inf: must be a finite number, not NaN or infinity"),
    ],
)
def test_a_yaml_number_is_told_as_written(tmp_path: Path, written: str, said: str) -> None:
    text = dump_scenario(load_scenario(QUARTER), "yaml")
    assert "requests_per_month: 200000\n" in text
    text = text.replace("requests_per_month: 200000\n", f"requests_per_month: {written}\n")
    assert _line(tmp_path, text, "s.yaml") == said


def test_a_number_written_with_an_exponent_reads_as_a_plain_float() -> None:
    """The text kept for a message stays out of the scenario: its fields hold floats."""
    text = _toml(REQUESTS, "requests_per_month = 2e5")
    data = scenario_data_from_text(text, "toml", "s.toml")
    assert isinstance(data["traffic"]["requests_per_month"], WrittenFloat)
    scenario = parse_scenario(data, "s.toml")
    assert type(scenario.traffic.requests_per_month) is float
    assert scenario.traffic.requests_per_month == 200_000.0
    assert scenario.traffic == load_scenario(QUARTER).traffic


def test_read_float_keeps_the_text_of_an_exponent_only() -> None:
    assert type(read_float("0.25")) is float
    assert read_float("0.25") == 0.25
    for text, value in [("2e5", 2e5), ("1E-9", 1e-9), ("1e400", float("inf"))]:
        number = read_float(text)
        assert isinstance(number, WrittenFloat)
        assert (number, number.written) == (value, text)
    assert type(read_float("inf")) is float
