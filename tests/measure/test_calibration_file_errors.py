"""A calibration file edited by hand, tried as a new user would: each bad line is refused in
one line that names the table, the field, the value and what is allowed (exit 2, no
traceback), wherever a calibration file is read, as a scenario file's are."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import assert_user_error, run
from payback import PaybackError
from payback.measure.calibration import load_calibration

EXAMPLE = Path(__file__).parents[2] / "examples" / "calibrations" / "h200-llama-3.1-8b-lora.toml"
ALLOWED_HEAD = "kind, tool, created, file, model, served_model, gpu, device, precision"
ALLOWED_FACTORS = (
    "bandwidth_efficiency, prefill_mfu, step_overhead_s, layer_overhead_s, training_method, "
    "training_mfu_ratio"
)
BANDWIDTH = "(a share of the device's peak memory bandwidth: what decode steps reach)"

EDITS = [
    (
        "bandwidth_efficiency = 0.725125",
        "bandwidth_efficiency = 0",
        f"factors.bandwidth_efficiency = 0: must be > 0 {BANDWIDTH}",
    ),
    (
        "bandwidth_efficiency = 0.725125",
        "bandwidth_efficiency = 5",
        f"factors.bandwidth_efficiency = 5: must be ≤ 1 {BANDWIDTH}",
    ),
    (
        "bandwidth_efficiency = 0.725125",
        'bandwidth_efficiency = "0.7"',
        'factors.bandwidth_efficiency = "0.7": must be a number; write 0.7, without quotes or units '
        + BANDWIDTH,
    ),
    (
        "step_overhead_s = 0.00070082",
        "step_overhead_s = -1",
        "factors.step_overhead_s = -1: must be ≥ 0 (fixed time per decode step [s])",
    ),
    (
        "training_tokens = 4096",
        'training_tokens = "4096"',
        'measured.training_tokens = "4096": must be a whole number; write 4096, without quotes or units '
        "(tokens per training step (micro-batch))",
    ),
    (
        'kind = "calibration"',
        'kind = "benchmark"',
        'calibration.kind = "benchmark": a benchmark file holds [serving] alone; this one holds '
        '[measured], [factors]; what `payback calibrate` writes is kind = "calibration"',
    ),
    (
        'tool = "payback calibrate"',
        'tool = "payback calibrate"\nknd = "calibration"',
        "calibration.knd = \"calibration\": unknown field in [calibration]; did you mean 'kind'? "
        f"allowed: {ALLOWED_HEAD}",
    ),
    (
        "prefill_mfu = 0.667654",
        'prefill_mfu = 0.667654\nkind = "benchmark"',
        f'factors.kind = "benchmark": unknown field in [factors]; allowed: {ALLOWED_FACTORS}',
    ),
    (
        "[factors]",
        "[factor]",
        "[factor]: unknown table; did you mean [factors]? allowed: [calibration], [serving], "
        "[measured], [factors]",
    ),
    (
        'precision = "bf16"',
        'precision = "bf17"',
        "calibration.precision = \"bf17\": allowed: 'bf16', 'fp8', 'int8', 'int4' or 'mxfp4'",
    ),
]


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text()
    assert text.count(f"\n{old}\n") == 1
    path = tmp_path / "cal.toml"
    path.write_text(text.replace(f"\n{old}\n", f"\n{new}\n"))
    return path


@pytest.mark.parametrize(("old", "new", "line"), EDITS)
def test_each_bad_line_is_one_line_naming_field_value_and_range(
    tmp_path: Path, old: str, new: str, line: str
) -> None:
    path = _edited(tmp_path, old, new)
    with pytest.raises(PaybackError) as info:
        load_calibration(path)
    assert info.value.messages == [f"{path}: {line}"]


@pytest.mark.parametrize(
    "command",
    [
        ("estimate", "serving", "--model", "llama-3.1-8b", "--gpu", "h200"),
        ("estimate", "training", "--model", "llama-3.1-8b", "--gpu", "h200", "--tokens", "1e6"),
    ],
)
@pytest.mark.parametrize(("old", "new", "line"), [EDITS[1], EDITS[2], EDITS[5], EDITS[7]])
def test_estimate_refuses_a_bad_calibration_in_one_line(
    tmp_path: Path, command: tuple[str, ...], old: str, new: str, line: str
) -> None:
    path = _edited(tmp_path, old, new)
    code, out, err = run(*command, "--calibration", path)
    assert_user_error(code, out, err)
    assert err == f"error: --calibration {path}: {line}\n"


def test_a_scenario_refuses_a_bad_calibration_in_one_line(tmp_path: Path) -> None:
    examples = EXAMPLE.parents[1]
    (tmp_path / "calibrations").mkdir()
    for cal in (examples / "calibrations").iterdir():
        (tmp_path / "calibrations" / cal.name).write_text(cal.read_text())
    path = _edited(
        tmp_path / "calibrations", "bandwidth_efficiency = 0.725125", 'bandwidth_efficiency = "0.7"'
    )
    path.rename(tmp_path / "calibrations" / EXAMPLE.name)
    scenario = tmp_path / "s.toml"
    scenario.write_text((examples / "calibrated-h200.toml").read_text())
    code, out, err = run("analyze", scenario)
    assert_user_error(code, out, err)
    assert len(err.splitlines()) == 1
    assert err.endswith(f"{EDITS[2][2]}\n")
    assert err.startswith(f"error: {scenario}: alternatives.0.calibration = ")


def test_the_files_payback_writes_still_read(tmp_path: Path) -> None:
    cal = load_calibration(EXAMPLE)
    assert cal.factors is not None
    assert cal.factors.bandwidth_efficiency == 0.725125
    assert cal.measured is not None
    assert cal.measured.decode[4].batch == 256
