"""``payback catalog engines``: the serving engines modelled, with the figures their steps
are estimated from, as text and as JSON."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from payback.cli import app
from payback.hardware.serving import ENGINE_NAMES, ENGINES, LEAN, VLLM

runner = CliRunner()


def _run(*args: str, width: int = 200) -> str:
    result = runner.invoke(app, ["catalog", "engines", *args], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.output


def _row(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line.strip().startswith(f"{name} "))


def test_each_engine_is_a_row_with_its_step_cost_limits_and_formats() -> None:
    out = _run()
    assert [n for n in ENGINE_NAMES if _row(out, n)] == ["vllm", "sglang", "trtllm", "lean"]
    vllm = _row(out, "vllm").split()
    # 1.0 ms a step plus 30 µs a layer; 85% of peak bandwidth, 67% of the tensor peak in
    # prefill; 256 sequences and 2,048 tokens a step, 1,024 and 8,192 on large GPUs
    assert " ".join(vllm[1:6]) == "1 ms + 30 µs/layer"
    assert vllm[6:10] == ["85%", "67%", "256", "(1,024)"]
    assert vllm[10:12] == ["2,048", "(8,192)"]
    assert "nvidia amd" in _row(out, "vllm")
    lean = _row(out, "lean")
    assert "0.7 ms + 21 µs/layer" in lean
    assert "72.5%" in lean
    assert "none (static batches)" in lean
    assert "int4" not in lean
    trtllm = _row(out, "trtllm")
    assert "2,048" in trtllm
    assert trtllm.rstrip().endswith("nvidia")
    assert f"lean: {LEAN.about}" in out


def test_json_gives_every_figure_each_engine_is_modelled_with() -> None:
    rows = json.loads(_run("--json"))
    assert [r["name"] for r in rows] == list(ENGINES)
    vllm = rows[0]
    assert vllm["step_overhead_s"] == VLLM.step_overhead_s == 1.0e-3
    assert vllm["request_overhead_s"] == 8.5e-3
    assert vllm["large_gpu_limits"] == [1024, 8192.0]
    assert rows[3]["max_num_batched_tokens"] is None
    assert rows[3]["precisions"] == ["bf16"]


def test_search_narrows_by_name_or_description_and_a_miss_names_the_engines() -> None:
    out = _run("--search", "nvidia only")
    assert "trtllm" in out
    assert "vllm" not in out
    assert "sglang" not in out
    miss = _run("--search", "vlm", width=100)
    assert miss.strip() == "No engine's name or description contains 'vlm'; did you mean vllm?"
