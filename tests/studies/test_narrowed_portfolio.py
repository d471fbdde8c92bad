"""A portfolio's assumed ±25% end analyze refuses is taken back to the file's value, as a
single scenario's is (studies/accepted.py, one code for both); a narrowed input whose
remaining half moves nothing is said, not dropped without a word; analyze's reason comes
from the error's ``reason``, not from its words.

Tried as a new user would: two workloads served by Llama 3.1 70B at FP8 on H100s with
``tpot_ms = 8``. At 6 ms (-25%) no replica size meets the target (one sequence alone
takes 17.2 ms per token on 2 GPUs, 7.8 ms on 8), so `payback sensitivity` (tornado and
--method sobol) stopped with exit 2 and "alternatives.0.tpot_ms = 6: analyze refuses
the file there (...)", on a file analyze accepts. At ``tpot_ms = 10`` the +25% half (10 to
12.5) keeps the same 8-GPU fleet: the input moved nothing and vanished from the tornado,
its refused half unsaid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import payback
from helpers import run
from payback.analysis import portfolio as portfolio_engine
from payback.analysis.portfolio import evaluate_portfolio, prepare
from payback.studies import portfolio_uncertainty
from payback.studies.accepted import narrowed_unmoved
from payback.studies.portfolio_uncertainty import portfolio_sobol, portfolio_tornado

TPOT = "alternatives.0.tpot_ms"
REASON = (
    "llama-3.1-70b at fp8 on 2 × h100-sxm cannot meet it: one sequence alone takes 17.2 ms "
    "per token, nor can 8 GPUs in one node (7.8 ms alone on 8)"
)

PORTFOLIO = """\
[scenario]
name = "two tasks, a 70B on H100s"
horizon_months = 12
discount_rate_annual = 0.10
start_date = 2026-12-01

[baseline]
name = "gpt-4o"
kind = "hosted_api"
model = "openai:gpt-4o"

[[alternatives]]
name = "Llama 3.1 70B on H100s"
kind = "self_hosted"
model = "llama-3.1-70b"
gpu = "h100-sxm"
precision = "fp8"
tpot_ms = TPOT
min_replicas = 1
ops_usd_per_month = 800.0
[alternatives.one_time]
engineer_hours = 80
engineer_usd_per_hour = 120.0

[[workloads]]
name = "support"
traffic = { requests_per_month = 1000000, input_tokens = 1200, output_tokens = 250, \
peak_to_average = 3.0 }

[[workloads]]
name = "summaries"
traffic = { requests_per_month = 300000, input_tokens = 3000, output_tokens = 300, \
peak_to_average = 2.5 }
"""


def _file(tmp_path: Path, tpot: str) -> Path:
    path = tmp_path / f"pf-{tpot}.toml"
    path.write_text(PORTFOLIO.replace("TPOT", tpot), encoding="utf-8")
    return path


def _npv(path: Path) -> float:
    """The portfolio's NPV as analyze works it out for the file as written."""
    p = prepare(payback.load_scenario(path))
    return float(evaluate_portfolio(p).alternatives[0].npv_usd)


def _one(text: str) -> str:
    return " ".join(text.split())


def test_the_tornado_takes_the_refused_end_back(tmp_path: Path) -> None:
    """Exit 2 before; now tpot_ms moves 8 → 10 only, each end analyze's own NPV."""
    tight = _file(tmp_path, "8")
    code, out, err = run("sensitivity", tight, "--json")
    assert code == 0, err
    (tpot,) = [d for d in json.loads(out)["alternatives"][0]["drivers"] if d["parameter"] == TPOT]
    assert (tpot["low"], tpot["high"]) == (8.0, 10.0)
    label = f"+25% only, not -25%: at 6 analyze refuses the file ({REASON})"
    assert tpot["narrowed"] == {"end": "low", "refused": 6.0, "reason": REASON, "label": label}
    assert tpot["npv_low_usd"] == pytest.approx(_npv(tight), rel=1e-9)
    assert tpot["npv_high_usd"] == pytest.approx(_npv(_file(tmp_path, "10")), rel=1e-9)
    assert tpot["npv_high_usd"] - tpot["npv_low_usd"] > 100_000  # a 4-GPU replica meets it
    code, out, err = run("sensitivity", tight)
    assert code == 0, err
    assert f"but {TPOT} moved {label}." in _one(out)


def test_sobol_samples_only_what_analyze_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[float] = []

    def evaluate(p: Any, overrides: Any = None) -> Any:
        if overrides and TPOT in overrides:
            seen.extend(np.ravel(overrides[TPOT]).tolist())
        return portfolio_engine.evaluate_portfolio(p, overrides)

    monkeypatch.setattr(portfolio_uncertainty, "evaluate_portfolio", evaluate)
    found = portfolio_sobol(prepare(payback.load_scenario(_file(tmp_path, "8"))), samples=16)
    assert len(seen) > 16
    assert 8.0 <= min(seen) < 8.2
    assert 9.85 < max(seen) <= 10.0  # the whole accepted half, and no more
    (index,) = [i for i in found.alternatives[0] if i.parameter == TPOT]
    assert index.narrowed is not None
    assert (index.narrowed.end, index.narrowed.refused) == ("low", 6.0)
    assert all(i.narrowed is None for a in found.alternatives for i in a if i.parameter != TPOT)


def test_sobol_on_the_command_line(tmp_path: Path) -> None:
    tight = _file(tmp_path, "8")
    code, out, err = run("sensitivity", tight, "--method", "sobol", "--samples", "8", "--json")
    assert code == 0, err
    (index,) = [i for i in json.loads(out)["alternatives"][0]["indices"] if i["parameter"] == TPOT]
    assert index["narrowed"]["refused"] == 6.0


def test_a_narrowed_input_that_moves_nothing_is_said(tmp_path: Path) -> None:
    """At 10 ms the half left (10 to 12.5) keeps the fleet as it is: no driver, one line."""
    tight = _file(tmp_path, "10")
    assert _npv(tight) == pytest.approx(_npv(_file(tmp_path, "12.5")), rel=1e-12)
    (drivers,) = portfolio_tornado(prepare(payback.load_scenario(tight)))
    assert TPOT not in [d.parameter for d in drivers]
    (unmoved,) = narrowed_unmoved(drivers)
    assert unmoved.path == TPOT
    assert unmoved.narrowed is not None
    assert (unmoved.narrowed.end, unmoved.narrowed.refused) == ("low", 7.5)
    label = f"+25% only, not -25%: at 7.5 analyze refuses the file ({REASON})"
    code, out, err = run("sensitivity", tight)
    assert code == 0, err
    assert (
        f"but {TPOT} moved {label}, and over that range it changes nothing, so it is not "
        "listed." in _one(out)
    )
    code, out, err = run("sensitivity", tight, "--json")
    assert code == 0, err
    (alternative,) = json.loads(out)["alternatives"]
    assert alternative["narrowed_unmoved"] == [
        {
            "parameter": TPOT,
            "narrowed": {"end": "low", "refused": 7.5, "reason": REASON, "label": label},
        }
    ]


@pytest.mark.parametrize("command", ["explain", "report"])
def test_explain_and_report_answer(tmp_path: Path, command: str) -> None:
    """They rank the portfolio's inputs by its tornado: they stopped with exit 2 too."""
    tight = _file(tmp_path, "8")
    output = tmp_path / "r.md"
    code, out, err = run(command, tight, *(("-o", output) if command == "report" else ()))
    assert code == 0, err
    text = _one(output.read_text(encoding="utf-8") if command == "report" else out)
    label = f"+25% only, not -25%: at 6 analyze refuses the file ({REASON})"
    path = TPOT.replace("_", "\\_") if command == "report" else TPOT  # markdown escapes _
    assert f"({path}; 8 to 10, {label}):" in text
