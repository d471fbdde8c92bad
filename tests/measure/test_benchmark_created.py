"""The time a benchmark file gives its run is written as a calibration's ``created`` only
where it reads as a time (ISO 8601, or vLLM's ``20251118-142203``): a vLLM file dated
``Nov 18 2025`` had been imported with ``created = "Nov 18 2025"``, and the file
``import-benchmark -o`` wrote was then refused wherever it was read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run
from payback.measure.calibration import load_calibration

DATA = Path(__file__).resolve().parents[1] / "data" / "benchmarks"


@pytest.mark.parametrize(
    ("date", "created"),
    [
        ("Nov 18 2025", None),
        ("20251118-142203", "2025-11-18T14:22:03"),
        ("2025-11-18 14:22:03", "2025-11-18T14:22:03"),
        (20251118, None),
    ],
)
def test_the_file_import_benchmark_writes_reads_back(
    date: object, created: str | None, tmp_path: Path
) -> None:
    data = json.loads((DATA / "vllm_save_result.json").read_text())
    data["date"] = date
    source = tmp_path / "run.json"
    source.write_text(json.dumps(data))
    out_file = tmp_path / "cal.toml"
    code, _out, err = run(
        "import-benchmark", source, "--gpu", "h100-sxm", "--model", "llama-3.1-8b",
        "-o", out_file,
    )  # fmt: skip
    assert code == 0, err
    assert load_calibration(out_file).created == created
