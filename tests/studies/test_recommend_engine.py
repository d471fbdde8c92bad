"""``recommend`` names the serving engine it assumed: the alternative's ``engine`` (vllm by
default), with the calibration's measured factors, in its header ("qwen2.5-7b served by
vllm; ...") and in ``--json`` (``engine``, ``engine_measured``). Its header and JSON named
none (0 "engine" keys), while the capacity and latency of every configuration depend on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import tomlkit
from rich.console import Console

import payback
from helpers import build, build_data, run, tiny_catalog
from payback.report.recommend import recommendation_renderables
from payback.studies.recommend import Recommendation, recommend


def _data(**alternative: Any) -> dict[str, Any]:
    data = build_data(3e6, **alternative)
    del data["alternatives"][0]["replica_requests_per_s"]
    del data["alternatives"][0]["usd_per_gpu_hour"]
    return data


def _header(result: Recommendation) -> str:
    console = Console(width=400, record=True)
    console.print(recommendation_renderables(result))
    return console.export_text().splitlines()[0]


def test_the_default_engine_is_vllm_and_said() -> None:
    result = recommend(build(_data()), catalog=tiny_catalog())
    assert result.engine.name == "vllm"
    data = result.to_dict()
    assert (data["engine"], data["engine_measured"]) == ("vllm", [])
    assert _header(result).startswith("alternatives.0 'self-hosted': qwen2.5-7b served by vllm; ")


def test_the_alternatives_engine_is_the_one_searched_and_said() -> None:
    vllm = recommend(build(_data()), catalog=tiny_catalog())
    sglang = recommend(build(_data(engine="sglang")), catalog=tiny_catalog())
    assert (sglang.engine.name, sglang.to_dict()["engine"]) == ("sglang", "sglang")
    assert "qwen2.5-7b served by sglang; " in _header(sglang)
    # and it is the one the figures come from: vllm runs at most 256 sequences on a GPU
    # under 70 GiB (the 48 GB "mid"), sglang up to 1,024; at the same batch sglang's 0.5 ms
    # step costs less than vllm's 1 ms + 30 µs a layer, so it decodes faster
    key = {(c.gpu, c.precision, c.gpus_per_replica): c for c in sglang.candidates}
    assert max(c.batch for c in vllm.candidates if c.gpu == "mid") == 256
    assert max(c.batch for c in sglang.candidates if c.gpu == "mid") == 1024
    same = [
        (c, key[(c.gpu, c.precision, c.gpus_per_replica)])
        for c in vllm.candidates
        if key[(c.gpu, c.precision, c.gpus_per_replica)].batch == c.batch
    ]
    assert len(same) >= 5
    assert all(s.tpot_ms < v.tpot_ms for v, s in same)


def test_a_calibrations_measured_factors_are_named(tmp_path: Path) -> None:
    from payback.hardware.calibration import Factors
    from payback.measure.calibration import Calibration, calibration_toml

    cal = Calibration(
        kind="calibration",
        tool="payback calibrate",
        created="2026-11-28T00:00:00",
        factors=Factors(bandwidth_efficiency=0.5, step_overhead_s=0.004),
    )
    (tmp_path / "cal.toml").write_text(calibration_toml(cal))
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(_data(calibration="cal.toml", engine="trtllm")))
    result = recommend(payback.load_scenario(path), catalog=tiny_catalog())
    data = result.to_dict()
    assert (data["engine"], data["engine_measured"]) == (
        "trtllm",
        ["bandwidth_efficiency", "step_overhead_s"],
    )
    assert (
        "qwen2.5-7b served by trtllm (bandwidth_efficiency, step_overhead_s measured by the "
        "calibration); " in _header(result)
    )


def test_the_command_says_the_engine_in_text_and_json(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(_data(engine="sglang")))
    code, out, err = run("recommend", path, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["engine"], data["engine_measured"]) == ("sglang", [])
    code, out, err = run("recommend", path)
    assert code == 0, err
    assert "qwen2.5-7b served by sglang;" in " ".join(out.split())
