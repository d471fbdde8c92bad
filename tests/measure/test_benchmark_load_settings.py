"""A vLLM result's load settings outside what vLLM writes, tried as a new user would: a
max_concurrency of -1 was read as no limit without a word, and the comparison with the
estimate moved from 0.95 (64 clients) to 0.53 (all requests at once)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import DATA, run


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the file named as a user names it: result.json


def _imported(tmp_path: Path, **fields: Any) -> tuple[dict[str, Any], str]:
    """``import-benchmark result.json --gpu h100-sxm --json`` from ``tmp_path``, of the
    sample vLLM result (64 clients, 17.52 requests/s) with ``fields`` replaced."""
    data = {**json.loads((DATA / "vllm_save_result.json").read_text()), **fields}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data))
    code, out, err = run("import-benchmark", path.name, "--gpu", "h100-sxm", "--json")
    assert code == 0, err
    answer: dict[str, Any] = json.loads(out)
    return answer, err


@pytest.mark.parametrize("value", [-1, 64.5, "64", True])
def test_a_concurrency_vllm_does_not_write_is_said_to_be_read_as_no_limit(
    tmp_path: Path, value: Any
) -> None:
    answer, err = _imported(tmp_path, max_concurrency=value)
    said = (  # the value as the file spells it: true, "64"
        f"result.json: max_concurrency = {json.dumps(value)} is not a whole number of clients (vLLM "
        "writes one, or null for no limit): read as no limit"
    )
    assert f"warning: {said}" in err
    assert said in answer["warnings"]  # on stderr and in --json, as sensitivity's
    assert answer["closed_loop"] is None
    assert round(answer["measured_over_estimated"], 2) == 0.53  # all requests at once


@pytest.mark.parametrize("value", [64, 64.0, None, 0])
def test_the_concurrencies_vllm_writes_pass_without_a_word(tmp_path: Path, value: Any) -> None:
    answer, err = _imported(tmp_path, max_concurrency=value)
    assert "max_concurrency" not in err
    if value:  # 64 clients in a closed loop: 17.52 measured over 18.49 estimated
        assert answer["closed_loop"]["concurrency"] == 64
        assert round(answer["measured_over_estimated"], 2) == 0.95
    else:
        assert answer["closed_loop"] is None


@pytest.mark.parametrize(
    ("value", "warned"), [(-2, True), ("fast", True), ("inf", False), (8.0, False)]
)
def test_a_request_rate_that_is_not_one_is_said_to_be_read_as_all_at_once(
    tmp_path: Path, value: Any, warned: bool
) -> None:
    _, err = _imported(tmp_path, request_rate=value)
    assert ("request_rate = " in err) is warned


@pytest.mark.parametrize("value", [-64, 64.5, "64", True])
def test_an_nvidia_concurrency_that_is_not_one_is_said_to_be_read_as_none(value: Any) -> None:
    """GenAI-Perf's perf_analyzer.stimulus.concurrency (64 in the sample): -64 was read as
    no fixed concurrency without a word."""
    data = json.loads((DATA / "genai_perf_profile_export_genai_perf.json").read_text())
    data["input_config"]["perf_analyzer"]["stimulus"]["concurrency"] = value
    Path("result.json").write_text(json.dumps(data))
    code, out, err = run("import-benchmark", "result.json", "--gpu", "h100-sxm", "--json")
    assert code == 0, err
    assert (
        f"warning: result.json: concurrency = {json.dumps(value)} in input_config is not a "
        "whole number of clients: read as no fixed concurrency"
    ) in err
    assert json.loads(out)["closed_loop"] is None


def test_an_nvidia_concurrency_of_64_passes_without_a_word() -> None:
    code, out, err = run(
        "import-benchmark",
        DATA / "aiperf_profile_export_aiperf.json",
        "--gpu",
        "h100-sxm",
        "--json",
    )
    assert code == 0, err
    assert "concurrency" not in err
    answer = json.loads(out)
    assert answer["closed_loop"]["concurrency"] == 64
    assert round(answer["measured_over_estimated"], 2) == 0.95
