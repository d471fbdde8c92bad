"""``payback import-benchmark --gpu``: a run at a fixed concurrency is compared with the
estimate of that many clients in a closed loop (``serving_at_concurrency``), not with a
batch of that many sequences all decoding at once."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from helpers import DATA, run
from payback.catalog import default_catalog
from payback.hardware.estimate import estimate_serving, serving_at_concurrency

CAT = default_catalog()
LLAMA, H100 = CAT.model("llama-3.1-8b"), CAT.gpu("h100-sxm")


def _bench(tmp_path: Path, **edit: Any) -> Path:
    """The packaged vLLM result (1,000 requests, Llama 3.1 8B), edited."""
    data = json.loads((DATA / "vllm_save_result.json").read_text()) | edit
    if "request_throughput" in edit:  # the run's duration as vLLM writes the two together
        data["duration"] = data["completed"] / edit["request_throughput"]
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(data))
    return path


def _imported(path: Path) -> dict[str, Any]:
    code, out, err = run("import-benchmark", path, "--gpu", "h100-sxm", "--json")
    assert code == 0, err
    return dict(json.loads(out))


def test_long_prompts_at_four_clients_compare_with_the_closed_loop(tmp_path: Path) -> None:
    """4 clients, 8,000-token prompts and 50 tokens out, 1,000 requests at 3.0 a second
    measured. In a closed loop not all 4 decode at once (one is having its 8,000 tokens
    prefilled), so the like-for-like estimate (over the run's 1,000 requests) is below a
    batch of 4 all decoding: the ratio is the measured 3.0 over the closed loop's figure,
    whose N = X · E holds (Little's law over the loop)."""
    path = _bench(
        tmp_path,
        max_concurrency=4,
        total_input_tokens=8_000_000,
        total_output_tokens=50_000,
        request_throughput=3.0,
        output_throughput=150.0,
        mean_e2el_ms=1300.0,  # 4 clients / 1.3 s = 3.08 requests/s at most (Little's law)
    )
    data = _imported(path)
    closed = serving_at_concurrency(
        LLAMA, H100, "bf16", concurrency=4, input_tokens=8000, output_tokens=50, requests=1000
    )
    batch = estimate_serving(LLAMA, H100, "bf16", input_tokens=8000, output_tokens=50, batch=4)
    assert data["closed_loop"] == pytest.approx(dataclasses.asdict(closed))
    assert data["measured_over_estimated"] == pytest.approx(3.0 / closed.requests_per_s)
    # the hand check: fewer than the 4 clients decode, and the loop holds its 4 requests
    assert closed.running < 4
    assert closed.requests_per_s * closed.e2e_s == pytest.approx(4, rel=1e-9)
    # ... so the closed loop serves fewer requests than 4 sequences decoding together
    assert closed.requests_per_s < 0.95 * batch.replica_requests_per_s
    assert data["measured_over_estimated"] > 1.05 * 3.0 / batch.replica_requests_per_s
    code, out, _ = run("import-benchmark", path, "--gpu", "h100-sxm")
    assert code == 0
    words = " ".join(out.split())
    assert (
        f"{closed.requests_per_s:,.3f} requests/s with 4 clients in a closed loop over 1,000 "
        f"requests ({closed.running:.1f} decoding at once)"
    ) in words
    assert f"measured / estimated {3.0 / closed.requests_per_s:.2f}" in words


def test_a_run_at_a_request_rate_is_compared_at_full_load(tmp_path: Path) -> None:
    """No fixed concurrency, no closed loop: the estimate at full load, as before."""
    data = _imported(_bench(tmp_path, max_concurrency=None, request_rate=10.0))
    assert data["closed_loop"] is None
    full = estimate_serving(LLAMA, H100, "bf16", input_tokens=1000.414, output_tokens=200.752)
    assert data["estimate"]["batch"] == full.batch
    assert data["measured_over_estimated"] == pytest.approx(
        data["replica_requests_per_s"] / full.replica_requests_per_s
    )
