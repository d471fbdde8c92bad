"""A calibration's utilisation factors measured at one precision and used at another get a
warning, as another GPU's do: the bundled H200 calibration (BF16) moved an FP8 estimate's
batch-1 decode from 251.9 to 268.7 tokens/s without a word (tried as a new user would)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from helpers import run
from payback.measure.apply import check_use
from payback.measure.calibration import load_calibration

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CAL = EXAMPLES / "calibrations" / "h200-llama-3.1-8b-lora.toml"
MEASURED = "the calibration measured precision bf16"


def test_the_bundled_calibration_was_measured_in_bf16() -> None:
    assert tomllib.loads(CAL.read_text(encoding="utf-8"))["calibration"]["precision"] == "bf16"


@pytest.mark.parametrize(("precision", "warned"), [("bf16", False), ("fp8", True), ("int4", True)])
def test_another_precision_is_warned_about(precision: str, warned: bool) -> None:
    cal = load_calibration(CAL)
    words = check_use(cal, model="llama-3.1-8b", gpu="h200", precision=precision, where="cal")
    expected = [
        f"cal: {MEASURED}; this uses {precision} (its utilisation factors may not carry over)"
    ]
    assert words == (expected if warned else [])


def test_estimate_serving_says_so(tmp_path: Path) -> None:
    args = ("--model", "llama-3.1-8b", "--gpu", "h200", "--calibration", str(CAL))
    code, _, err = run("estimate", "serving", *args, "--precision", "fp8")
    assert code == 0, err
    assert f"{MEASURED}; this uses fp8" in err
    code, _, err = run("estimate", "serving", *args, "--precision", "bf16")
    assert code == 0, err
    assert "measured precision" not in err


def test_a_scenario_at_another_precision_says_so(tmp_path: Path) -> None:
    text = (EXAMPLES / "calibrated-h200.toml").read_text(encoding="utf-8")
    text = text.replace('gpu = "h200"\ntpot_ms', 'gpu = "h200"\nprecision = "fp8"\ntpot_ms', 1)
    text = text.replace('"calibrations/', f'"{CAL.parent}/')
    path = tmp_path / "fp8.toml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run("analyze", path)
    assert code == 0, err
    assert f"alternatives.0.calibration: {MEASURED}; this uses fp8" in " ".join(err.split())
