"""``recommend`` names why its engine runs no configuration, in the line ``analyze`` gives
for the same alternative (exit 2): lean keeps BF16 caches only, TensorRT-LLM's FP8 cache
needs FP8 tensor cores, TensorRT-LLM runs on NVIDIA GPUs only. Tried as a new user would:
each gave a table of left-out configurations and the generic "no configuration
qualifies: lean does not run on the GPU or at the precision (or its fp8 KV cache) for 228
of the 252 configurations left out; compare other models (--model) or GPUs"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomlkit

from helpers import assert_user_error, build, build_data, run
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.studies.recommend import recommend

OWNED = {
    "usd_per_server": 250_000.0,
    "gpus_per_server": 8,
    "kw_per_server": 10.2,
    "usd_per_kwh": 0.12,
    "pue": 1.3,
    "colocation_usd_per_server_month": 1500.0,
}

LEAN_FP8 = "alternatives.0.kv_cache = 'fp8': lean keeps a BF16 cache only"
TRTLLM_FP8_A100 = (
    "alternatives.0.kv_cache = 'fp8': TensorRT-LLM's FP8 cache needs FP8 tensor cores "
    "(Ada or later) and a100-80gb has none; use bf16, or vllm or sglang, which store an FP8 "
    "cache there"
)
TRTLLM_MI300X = (
    "alternatives.0.engine = 'trtllm': runs on NVIDIA GPUs only and mi300x is AMD; use vllm "
    "or sglang or lean on it"
)


def _data(**alternative: Any) -> dict[str, Any]:
    data = build_data(3e6, **alternative)
    del data["alternatives"][0]["replica_requests_per_s"]
    if "owned" in alternative:
        del data["alternatives"][0]["usd_per_gpu_hour"]
    return data


def _owned(gpu: str, **alternative: Any) -> dict[str, Any]:
    return _data(gpu=gpu, owned=OWNED, **alternative)


def _written(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(tomlkit.dumps(data))
    return path


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (_data(engine="lean", kv_cache="fp8"), LEAN_FP8),
        (_owned("a100-80gb", engine="trtllm", kv_cache="fp8"), TRTLLM_FP8_A100),
        (_owned("mi300x", engine="trtllm"), TRTLLM_MI300X),
    ],
    ids=["lean-fp8-cache", "trtllm-fp8-cache-owned-a100", "trtllm-owned-mi300x"],
)
def test_recommend_gives_analyzes_line(tmp_path: Path, data: dict[str, Any], line: str) -> None:
    path = _written(tmp_path, data)
    code, out, err = run("recommend", path)
    assert_user_error(code, out, err, f"error: {path}: {line}")
    assert "no configuration qualifies" not in err
    assert len(err.strip().splitlines()) == 1
    code, out, err = run("recommend", path, "--json")
    assert_user_error(code, out, err, f"error: {path}: {line}")
    # analyze of the same alternative (with a GPU to estimate on) says it in the same words
    estimated = data | {"alternatives": [data["alternatives"][0] | {"gpu": "a100-80gb"}]}
    if "owned" in data["alternatives"][0]:
        estimated = data
    code, out, err = run("analyze", _written(tmp_path, estimated))
    assert_user_error(code, out, err, line)


def test_the_library_names_the_field() -> None:
    with pytest.raises(PaybackError) as info:
        recommend(build(_data(engine="lean", kv_cache="fp8")))
    assert info.value.messages == [LEAN_FP8]
    assert (info.value.param, info.value.value) == ("alternatives.0.kv_cache", "fp8")
    assert info.value.allowed == "lean keeps a BF16 cache only"


def test_an_engine_given_to_recommend_is_named_as_its_parameter() -> None:
    """Not the alternative's ``engine`` field (vllm here): the one recommend was given."""
    with pytest.raises(PaybackError) as info:
        recommend(build(_owned("mi300x")), engine=sv.TRTLLM)
    assert info.value.messages == [
        "engine 'trtllm' runs on NVIDIA GPUs only and mi300x is AMD; use vllm or sglang or "
        "lean on it"
    ]


def test_an_engine_that_runs_some_configurations_is_searched() -> None:
    """TensorRT-LLM's FP8 cache over the whole catalog: the GPUs without FP8 tensor cores
    (the A100s, A10, A10G, RTX A6000) are left out, the others ranked."""
    result = recommend(build(_data(engine="trtllm", kv_cache="fp8")))
    assert result.best is not None
    gpus = {c.gpu for c in result.candidates}
    assert "h100-sxm" in gpus
    assert not gpus & {"a100-80gb", "a100-40gb", "a100-pcie", "a10", "a10g", "rtx-a6000"}
    reason = "trtllm does not run on the GPU or at the precision (or its fp8 KV cache)"
    assert result.excluded[reason] > 0


def test_a_precision_the_engine_does_not_serve_is_searched_past() -> None:
    """recommend chooses the precision: lean's alternative at fp8 (which analyze refuses)
    is searched at bf16, the one lean serves, and that is what it would write."""
    result = recommend(build(_data(engine="lean", precision="fp8")))
    assert result.best is not None
    assert {c.precision for c in result.candidates} == {"bf16"}
