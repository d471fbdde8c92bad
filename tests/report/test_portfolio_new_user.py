"""A portfolio tried as a new user would: large and small workloads side by side, a fleet
of millions of GPUs, written as a single scenario writes them (every figure whole)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from helpers import EXAMPLES, FROZEN_PORTFOLIO, run
from payback.report.portfolio_common import gpus_text


def _big(tmp_path: Path, requests: float = 8e11) -> Path:
    data: dict[str, Any] = {
        "scenario": {"name": "two big tasks", "horizon_months": 12},
        "baseline": {"name": "api", "kind": "per_request", "usd_per_1k_requests": 2.0},
        "alternatives": [
            {
                "name": "shared",
                "kind": "self_hosted",
                "usd_per_gpu_hour": 1.0,
                "replica_requests_per_s": 0.1,
            }
        ],
        "workloads": [
            {"name": "a", "traffic": {"requests_per_month": requests}},
            {"name": "b", "traffic": {"requests_per_month": requests}},
        ],
    }
    path = tmp_path / "big.yaml"
    path.write_text(json.dumps(data))  # JSON is YAML
    return path


def test_a_fleet_of_millions_is_written_whole(tmp_path: Path) -> None:
    """8e11 requests a month each at 0.1 requests/s, planned at 70%: 4,348,771.7 replicas
    each, 4,348,771 pinned and a leftover of 0.74 on a replica of its own: 8,697,544 GPUs
    (it read '8.69754e+06 GPUs (each workload on GPUs of its own (8.69754e+06: ...))')."""
    code, out, err = run("analyze", _big(tmp_path))
    assert code == 0, err
    flat = " ".join(out.split())
    assert (
        "one shared fleet, an adapter per workload: 8,697,544 GPUs (each workload on GPUs of "
        "its own (cheaper than mixing adapters))"
    ) in flat
    assert "e+06" not in out


def test_no_figure_is_cut_at_80_columns(monkeypatch: Any, tmp_path: Path) -> None:
    """The workloads and contributions tables cut wide figures with an ellipsis
    ('800,000,000,0…', '$19,200,000,0…'): the figures stay whole, the names wrap."""
    from typer.testing import CliRunner

    from payback.cli import app

    env = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    result = CliRunner(env=env).invoke(app, ["analyze", str(_big(tmp_path))])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for figure in ("800,000,000,000", "$19,200,000,000", "-$18,895,242,720"):
        assert figure in out
    assert not re.search(r"\d…", out)
    example = CliRunner(env=env).invoke(app, ["analyze", str(EXAMPLES / "portfolio.toml")])
    assert not re.search(r"\d…", example.stdout)


def test_gpus_text() -> None:
    assert [gpus_text(x) for x in (1034.0, 2.0, 0.41666, 12.5, 1e7)] == [
        "1,034",
        "2",
        "0.417",
        "12.5",
        "10,000,000",
    ]


SAMPLED = """
[scenario]
name = "two tasks with ranges"
horizon_months = 12

[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 2.0

[[alternatives]]
name = "8B shared"
kind = "self_hosted"
usd_per_gpu_hour = { dist = "triangular", low = 0.7, mode = 0.86, high = 1.2 }
replica_requests_per_s = 6.0

[[workloads]]
name = "triage"
traffic = { requests_per_month = { dist = "uniform", low = 200000, high = 600000 } }

[[workloads]]
name = "summaries"
traffic = { requests_per_month = 150000 }
"""


def test_one_sample_is_said_as_one(tmp_path: Path) -> None:
    path = tmp_path / "sampled.toml"
    path.write_text(SAMPLED)
    code, out, err = run("analyze", path, "--samples", "1")
    assert code == 0, err
    assert "Monte Carlo (1 sample): " in out  # it read '(1 samples)'
    code, out, err = run("analyze", path, "--samples", "2")
    assert "Monte Carlo (2 samples): " in out


def test_sampling_reports_its_progress_as_a_scenarios_does(tmp_path: Path) -> None:
    """2,000,000 samples ran 90 s with no progress bar: the first chunk of 2,000 tells the
    time of the whole run early, then the rest in chunks of 57,692 (1,500,000 cells over
    13 months x 2 workloads)."""
    from payback.scenario import load_scenario
    from payback.studies.portfolio import analyze_portfolio

    calls: list[tuple[int, int]] = []
    path = tmp_path / "sampled.toml"
    path.write_text(SAMPLED)
    scenario = load_scenario(path)
    analyze_portfolio(scenario, samples=62_000, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(2_000, 62_000), (59_692, 62_000), (62_000, 62_000)]


def test_one_gpu_is_said_as_one(tmp_path: Path) -> None:
    """Two small workloads on one 6 requests/s replica: '1 GPU', where it read '1 GPUs'."""
    path = tmp_path / "sampled.toml"
    path.write_text(SAMPLED)
    code, out, _ = run("explain", path)
    assert code == 0
    assert "The shared fleet runs 1 GPU in month 1: every one mixes adapters." in out
    code, out, _ = run("analyze", path)
    assert re.search(r"one shared fleet, an adapter per workload: 1 GPU\b", out)


def test_the_html_tables_align_words_left_as_the_terminal_does() -> None:
    """Every column past the first was right-aligned, names and roles too ('move':
    'support triage' flush right under 'move')."""
    from payback.report.portfolio_document import portfolio_html
    from payback.scenario import load_scenario
    from payback.studies.portfolio import analyze_portfolio

    page = portfolio_html(analyze_portfolio(load_scenario(FROZEN_PORTFOLIO)))
    assert ":is(td,th).words{text-align:left}" in page  # a head above its column
    order = '<tr><td>1</td><td class="words">support triage</td><td>-$13,340</td>'
    assert order in page
    assert '<td class="words">rides on it</td></tr>' in page
    assert '<td class="words">hosted GPT-4o-class API</td></tr>' in page
    # each head above its column: 'net' stood flush left over figures flush right
    assert '<th>#</th><th class="words">move</th><th>marginal NPV</th>' in page
    # a list of pairs reads left to right, with no empty head above it
    assert '<table><tr><td>serves</td><td class="words">support triage, ' in page
