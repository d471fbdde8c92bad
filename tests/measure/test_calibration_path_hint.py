"""The line after a calibration is written names it as a scenario reads it: a scenario
reads ``calibration`` relative to its own folder, so the hint gives the absolute path and
says so (tried as a new user would: ``-o cal/l40s.toml`` was hinted as ``calibration =
"cal/l40s.toml"``, which a scenario in another folder does not find)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import DATA, run


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the files named as a user names them


SCENARIO = """[scenario]
name = "s"
horizon_months = 3
[traffic]
requests_per_month = 1000000
input_tokens = 1000
output_tokens = 200
[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 5
[[alternatives]]
name = "mine"
kind = "self_hosted"
gpu = "h100-sxm"
usd_per_gpu_hour = 2.0
calibration = "{calibration}"
"""


def test_import_benchmark_hints_the_path_a_scenario_finds(tmp_path: Path) -> None:
    (tmp_path / "vllm.json").write_text((DATA / "vllm_save_result.json").read_text())
    code, out, err = run(
        "import-benchmark", "vllm.json", "--gpu", "h100-sxm", "-o", "cal/h100.toml"
    )
    assert code == 0, err
    written = (tmp_path / "cal" / "h100.toml").as_posix()
    assert (
        f'Wrote cal/h100.toml. Use it with calibration = "{written}" on a self_hosted option '
        "(a relative path there is read from the scenario file's folder, not from here)."
    ) in " ".join(out.split())
    # the hinted path works from a scenario in another folder; the one written did not
    (tmp_path / "sc").mkdir()
    hinted = tmp_path / "sc" / "hinted.toml"
    hinted.write_text(SCENARIO.format(calibration=written))
    code, out, err = run("analyze", hinted)
    assert code == 0, err
    as_written = tmp_path / "sc" / "as_written.toml"
    as_written.write_text(SCENARIO.format(calibration="cal/h100.toml"))
    code, out, err = run("analyze", as_written)
    assert code == 2
    assert "cal/h100.toml" in err
