"""GenAI-Perf and AIPerf values out of range named payback's own fields
("replica_requests_per_s = 2000000.0"): they name the file's metric, its value and unit as
written, as vLLM's reader names its fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import assert_user_error, run

HUNT = Path(__file__).resolve().parents[1] / "data" / "hunt"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "ai_rps_huge.json",
            "request_throughput.avg = 2,000,000 requests/sec: must be ≤ 1,000,000 requests/s "
            "(completed requests per second)",
        ),
        (
            "ai_isl_huge.json",
            "input_sequence_length.avg = 20,000,000 tokens: must be ≤ 10,000,000 tokens (mean "
            "prompt tokens per request)",
        ),
    ],
)
def test_a_value_out_of_range_names_the_files_metric(name: str, said: str) -> None:
    path = HUNT / name
    assert_user_error(*run("import-benchmark", path), f"{path}: {said}")


def test_a_rate_in_another_unit_is_said_in_both(tmp_path: Path) -> None:
    data = json.loads((HUNT / "ai_rps_huge.json").read_text())
    data["request_throughput"] = {"unit": "requests/ms", "avg": 2000.0}
    path = tmp_path / "ms.json"
    path.write_text(json.dumps(data))
    assert_user_error(
        *run("import-benchmark", path),
        f"{path}: request_throughput.avg = 2,000 requests/ms (2,000,000 requests/s): must be "
        "≤ 1,000,000 requests/s",
    )
