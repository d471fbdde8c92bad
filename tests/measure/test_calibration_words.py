"""A calibration file edited by hand, tried as a new user would, next to a scenario file:
a whole number written as 1.0 is read as 1 in both (a calibration refused ``batch = 1.0``
with "must be a whole number", which a scenario accepts), 1.5 is refused in both, and the
same fault is worded the same way in both (both take their words from
:mod:`payback.scenario.words`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import run
from payback import PaybackError
from payback.measure.calibration import load_calibration
from payback.scenario import load_scenario

EXAMPLES = Path(__file__).parents[2] / "examples"
CALIBRATION = EXAMPLES / "calibrations" / "h200-llama-3.1-8b-lora.toml"
SCENARIO = EXAMPLES / "quarter-200k.toml"


def _edited(source: Path, folder: Path, old: str, new: str) -> Path:
    text = source.read_text()
    assert text.count(old) == 1
    path = folder / source.name
    path.write_text(text.replace(old, new))
    return path


def test_a_whole_number_written_with_a_point_is_read_as_that_number(tmp_path: Path) -> None:
    path = _edited(CALIBRATION, tmp_path, "{batch = 1,", "{batch = 1.0,")
    text = path.read_text().replace("training_tokens = 4096\n", "training_tokens = 4096.0\n")
    path.write_text(text)
    cal = load_calibration(path)
    assert cal.measured is not None
    assert cal.measured.decode[0].batch == 1
    assert type(cal.measured.decode[0].batch) is int
    assert cal.measured.training_tokens == 4096
    assert type(cal.measured.training_tokens) is int
    assert cal == load_calibration(CALIBRATION)


def test_estimate_reads_batch_1_0_as_the_file_with_batch_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _edited(CALIBRATION, tmp_path / "a", "{batch = 1,", "{batch = 1.0,")
    _edited(CALIBRATION, tmp_path / "b", "{batch = 1,", "{batch = 1,")
    monkeypatch.chdir(tmp_path)
    command = ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h200", "--calibration")
    code, out, err = run(*command, f"a/{CALIBRATION.name}")
    assert (code, err) == (0, "")
    _, expected, _ = run(*command, f"b/{CALIBRATION.name}")
    assert "bandwidth 0.725 of peak" in out
    assert out.replace("a/h200", "b/h200") == expected


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("{batch = 1,", "{batch = 1.5,", "measured.decode.0.batch = 1.5: must be a whole number"),
        (
            "training_tokens = 4096\n",
            "training_tokens = 4096.5\n",
            "measured.training_tokens = 4096.5: must be a whole number "
            "(tokens per training step (micro-batch))",
        ),
    ],
)
def test_a_fraction_where_a_whole_number_goes_is_refused(
    tmp_path: Path, old: str, new: str, line: str
) -> None:
    path = _edited(CALIBRATION, tmp_path, old, new)
    with pytest.raises(PaybackError) as info:
        load_calibration(path)
    assert info.value.messages == [f"{path}: {line}"]


# the same fault in each file: the calibration's field, the scenario's, both written the
# same way; each line's rule (after the value, before the field's note) must match
SAME_FAULTS = [
    (  # a number in quotes
        ("bandwidth_efficiency = 0.725125", 'bandwidth_efficiency = "0.7"'),
        ("target_utilization = 0.7 ", 'target_utilization = "0.7" '),
        "must be a number; write 0.7, without quotes or units",
    ),
    (  # over the top of (0, 1]
        ("bandwidth_efficiency = 0.725125", "bandwidth_efficiency = 5"),
        ("target_utilization = 0.7 ", "target_utilization = 5 "),
        "must be ≤ 1",
    ),
    (  # at the excluded bottom of (0, 1]
        ("bandwidth_efficiency = 0.725125", "bandwidth_efficiency = 0"),
        ("target_utilization = 0.7 ", "target_utilization = 0 "),
        "must be > 0",
    ),
    (  # a fraction of a count
        ("training_tokens = 4096\n", "training_tokens = 4096.5\n"),
        ("horizon_months = 24 ", "horizon_months = 24.5 "),
        "must be a whole number",
    ),
    (  # text in quotes for a count
        ("training_tokens = 4096\n", 'training_tokens = "4,096"\n'),
        ("horizon_months = 24 ", 'horizon_months = "24" '),
        None,  # the rule differs only in the number to write
    ),
]


def _rule(line: str) -> str:
    """What a line says is allowed: after ``path = value: ``, without the field's note."""
    rule = line.split(": ", 2)[2]
    return re.sub(r" \(.*\)$", "", rule)


@pytest.mark.parametrize(("calibration", "scenario", "rule"), SAME_FAULTS)
def test_a_calibration_and_a_scenario_word_the_same_fault_alike(
    tmp_path: Path,
    calibration: tuple[str, str],
    scenario: tuple[str, str],
    rule: str | None,
) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "s").mkdir()
    with pytest.raises(PaybackError) as cal_error:
        load_calibration(_edited(CALIBRATION, tmp_path / "c", *calibration))
    with pytest.raises(PaybackError) as scenario_error:
        load_scenario(_edited(SCENARIO, tmp_path / "s", *scenario))
    [cal_line], [scenario_line] = cal_error.value.messages, scenario_error.value.messages
    if rule is None:  # "4,096" and "24": the same rule, each with its own number
        assert _rule(cal_line) == "must be a whole number; write 4096, without quotes or units"
        assert _rule(scenario_line) == "must be a whole number; write 24, without quotes or units"
    else:
        assert _rule(cal_line) == _rule(scenario_line) == rule
