"""Values in a benchmark's error lines were written as Python writes them (``completed =
True``, ``request_throughput = '17.5'``, ``request_latency.unit = 'µs'``, model served
``{'x': 1}``): they are written as the JSON file spells them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import DATA, assert_user_error, run


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _file(sample: str, edit: Any) -> str:
    data = json.loads((DATA / sample).read_text())
    edit(data)
    Path("r.json").write_text(json.dumps(data, ensure_ascii=False))
    return "r.json"


@pytest.mark.parametrize(
    ("sample", "edit", "said"),
    [
        (
            "vllm_save_result.json",
            lambda d: d.update(completed=True),
            "r.json: completed = true: expected a finite number",
        ),
        (
            "vllm_save_result.json",
            lambda d: d.update(request_throughput="17.5"),
            'r.json: request_throughput = "17.5": expected a finite number',
        ),
        (
            "aiperf_profile_export_aiperf.json",
            lambda d: d["request_latency"].update(unit="µs"),
            'r.json: request_latency.unit = "µs": expected one of ms, s, sec, us, ns',
        ),
    ],
)
def test_values_are_written_as_json_writes_them(sample: str, edit: Any, said: str) -> None:
    assert_user_error(*run("import-benchmark", _file(sample, edit)), said)


def test_a_model_that_is_no_name_is_shown_as_json() -> None:
    path = _file(
        "genai_perf_legacy_flat_profile_export_genai_perf.json",
        lambda d: d["input_config"].update(model=[{"x": 1}]),
    )
    code, out, err = run("import-benchmark", path)
    assert code == 0, err
    assert 'model served {"x": 1}' in " ".join(out.split())
