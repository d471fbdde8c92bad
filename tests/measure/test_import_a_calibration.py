"""A calibration file given to ``payback import-benchmark``, tried as a new user would: the
bundled ``h200-llama-3.1-8b-lora.toml`` was said to be "a calibration (TOML) under a .json
name ... rename it h200-llama-3.1-8b-lora.toml", its own name. A calibration under a TOML
name is now said to be one, to use as it is (the library names no flag)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import assert_user_error, run

LLAMA = Path(__file__).parents[2] / "examples" / "calibrations" / "h200-llama-3.1-8b-lora.toml"


@pytest.mark.parametrize("extra", [(), ("--gpu", "h200")])
def test_a_calibration_given_to_import_benchmark_is_said_to_be_one(
    tmp_path: Path, extra: tuple[str, ...]
) -> None:
    code, out, err = run("import-benchmark", LLAMA, *extra)
    assert_user_error(code, out, err)
    assert err.strip() == (
        f"error: {LLAMA}: a calibration file (TOML), not a benchmark result (JSON): use it as "
        "it is, as the calibration of payback estimate or of a scenario's option"
    )


def test_one_under_a_json_name_is_still_told_to_be_renamed(tmp_path: Path) -> None:
    path = tmp_path / "cal.json"
    shutil.copy(LLAMA, path)
    code, out, err = run("import-benchmark", path)
    assert_user_error(code, out, err, "under a .json name", "rename it cal.toml")
