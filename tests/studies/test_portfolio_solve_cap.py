"""A portfolio's solve searches only the values analyze accepts, as a scenario's does: a
workload's traffic whose shared fleet would pass the 10,000,000-GPU cap is not offered as
the closest value (it searched up to 10¹³ requests, which analyze refuses)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from helpers import FROZEN_PORTFOLIO, run

PATH = "workloads.0.traffic.requests_per_month"


def _small_replicas(tmp_path: Path) -> Path:
    """tests/data/portfolio.toml with replicas of 0.01 requests/s, so that traffic far below
    10¹³ requests a month needs more than 10,000,000 GPUs."""
    text = FROZEN_PORTFOLIO.read_text()
    lines = [
        "replica_requests_per_s = 0.01" if line.startswith("replica_requests_per_s =") else line
        for line in text.splitlines()
    ]
    path = tmp_path / "p.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _with_traffic(path: Path, requests: int) -> Path:
    text = path.read_text().replace(
        "requests_per_month = 400000", f"requests_per_month = {requests}", 1
    )
    out = path.with_name(f"p{requests}.toml")
    out.write_text(text)
    return out


def test_a_portfolios_solve_stays_within_the_fleet_cap(tmp_path: Path) -> None:
    path = _small_replicas(tmp_path)
    code, out, err = run("solve", path, "--vary", PATH, "--target", "break_even_month=0", "--json")
    assert code == 1, err
    within = json.loads(out)["within_fleet_cap"]
    assert within is not None
    edge = within["highest"]
    assert 1e9 < edge < 1e13
    assert within["max_fleet_gpus"] == 10_000_000
    # analyze takes the edge and refuses just past it
    code, _, err = run("analyze", _with_traffic(path, math.floor(edge)))
    assert code == 0, err
    code, _, err = run("analyze", _with_traffic(path, math.ceil(edge * 1.001)))
    assert code == 2
    assert "10,000,000 GPUs" in err


def test_an_input_that_sizes_no_fleet_is_searched_over_its_whole_range(tmp_path: Path) -> None:
    code, out, err = run(
        "solve",
        _small_replicas(tmp_path),
        "--vary",
        "workloads.0.baseline.output_usd_per_mtok",
        "--target",
        "npv_usd=0",
        "--json",
    )
    assert code in (0, 1), err
    assert json.loads(out)["within_fleet_cap"] is None


def _estimated(tmp_path: Path, output_tokens: float | None = None) -> Path:
    """tests/data/portfolio.toml with each capacity estimated (llama-3.1-8b in FP8 on an L40S,
    at each workload's token lengths) and 10¹² requests a month on the first workload."""
    text = FROZEN_PORTFOLIO.read_text()
    kept = [
        line
        for line in text.splitlines()
        if not line.startswith("replica_requests_per_s =")
        and "= { replica_requests_per_s =" not in line
    ]
    text = "\n".join(kept) + "\n"
    text = text.replace(
        "usd_per_gpu_hour = 0.86",
        'usd_per_gpu_hour = 0.86\nmodel = "llama-3.1-8b"\ngpu = "l40s"\nprecision = "fp8"',
    )
    lengths = "requests_per_month = 400000, input_tokens = 1500, output_tokens = 150"
    tokens = 150 if output_tokens is None else output_tokens
    text = text.replace(
        lengths, f"requests_per_month = 1e12, input_tokens = 1500, output_tokens = {tokens}"
    )
    path = tmp_path / f"e{tokens}.toml"
    path.write_text(text)
    return path


def test_a_token_length_sizes_an_estimated_fleet(tmp_path: Path) -> None:
    """The first workload's output tokens set its estimated requests/s, so its fleet: an
    NPV of $10¹² was met "at least 4,469" with no cap (``within_fleet_cap`` null), searched
    up to 1,000,000 tokens, while analyze refuses 30,000 (214,216,324 GPUs). The edge
    found loads; a hundredth of a token past it does not."""
    tokens = "workloads.0.traffic.output_tokens"
    path = _estimated(tmp_path)
    code, out, err = run("solve", path, "--vary", tokens, "--target", "npv_usd=1e12", "--json")
    assert code == 0, err
    within = json.loads(out)["within_fleet_cap"]
    assert within is not None
    edge = within["highest"]
    assert 4_469 < edge < 30_000
    # below one output token the portfolio is refused (as a scenario's solve finds): that
    # edge is said as a refusal, the high one as the cap
    assert within["lowest"] == 1.0
    assert json.loads(out)["refused_past"] == [True, False]
    assert any(
        w.startswith(f"{tokens} searched ≥ 1: past it analyze refuses")
        for w in json.loads(out)["warnings"]
    )
    assert run("analyze", _estimated(tmp_path, math.floor(edge * 100) / 100))[0] == 0
    code, _, err = run("analyze", _estimated(tmp_path, math.ceil(edge * 100) / 100))
    assert code == 2
    assert "10,000,000 GPUs" in err
