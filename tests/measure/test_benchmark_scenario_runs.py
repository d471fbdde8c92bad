"""A scenario's calibration naming a file of several runs (vLLM's --append-result): its
warning said "import another with read_benchmark(path, run=N)", a Python call, on the
command line; it says the command, and that the scenario then names the file it writes."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import DATA, run
from payback.measure.calibration import scenario_calibration

HUNT = Path(__file__).resolve().parents[1] / "data" / "hunt"


def _two_runs(folder: Path) -> Path:
    first = json.loads((DATA / "vllm_save_result.json").read_text())
    second = first | {
        "request_throughput": 9.0,
        "duration": 1000 / 9.0,
        "output_throughput": first["total_output_tokens"] / (1000 / 9.0),
    }
    path = folder / "runs.json"
    path.write_text(json.dumps(first) + "\n" + json.dumps(second))
    return path


def test_the_library_says_to_write_the_run_and_name_it(tmp_path: Path) -> None:
    path = _two_runs(tmp_path)
    cal, warnings = scenario_calibration("runs.json", tmp_path, "alternatives.0.calibration")
    assert cal.serving is not None
    assert cal.serving.replica_requests_per_s == 9.0
    assert warnings == [
        f"{path}: holds 2 runs; using the last (import another with read_benchmark(path, "
        "run=N), write it with calibration_toml() and name that file as calibration, N from "
        "1 to 2)"
    ]


def test_analyze_says_the_command_and_to_point_calibration_at_its_file(tmp_path: Path) -> None:
    path = _two_runs(tmp_path)
    scenario = tmp_path / "s.toml"
    scenario.write_text((HUNT / "m3.toml").read_text().replace("rate5.json", "runs.json"))
    code, _, err = run("analyze", scenario)
    assert code == 0, err
    assert (
        f"warning: {path}: holds 2 runs; using the last (import another with `payback "
        "import-benchmark FILE --run N -o cal.toml` and point calibration at cal.toml, N from "
        "1 to 2)\n"
    ) in err
    assert "read_benchmark" not in err
