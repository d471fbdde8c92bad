"""Why escalation to a self-hosted baseline costs what it does: tried as a new user would, a
hosted API that sends 20% of 300,000 requests a month to the team's own always-on 70B
fleet showed "escalation to baseline $2,920", the whole fleet's cost, with no word why.
analyze and explain now say that the share keeps the fleet running, at least its
min_replicas, however few requests reach it."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from helpers import build, edited, run
from payback import analyze
from payback.report.fleet import escalation_words
from payback.scenario.io import dump_scenario


def _data(**baseline: Any) -> dict[str, Any]:
    return {
        "scenario": {"name": "escalate to own fleet", "horizon_months": 12},
        "traffic": {"requests_per_month": 300000, "input_tokens": 1000, "output_tokens": 200},
        "baseline": {
            "name": "own 70B fleet",
            "kind": "self_hosted",
            "usd_per_gpu_hour": 2.0,
            "gpus_per_replica": 2,
            "replica_requests_per_s": 5.0,
            "min_replicas": 1,
        }
        | baseline,
        "alternatives": [
            {
                "name": "hosted mini",
                "kind": "hosted_api",
                "input_usd_per_mtok": 0.15,
                "output_usd_per_mtok": 0.6,
                "escalation_share": 0.2,
            }
        ],
    }


def test_a_rented_always_on_baseline_names_its_min_replicas() -> None:
    # 60,000 escalated requests need 60,000 / (730 × 3,600) / 5 = 0.005 replicas; the
    # fleet keeps its 1 replica of 2 GPUs: 2 × $2.00 × 730 h = $2,920
    words = escalation_words(analyze(build(_data())), 0)
    assert words == (
        "20% of requests (60,000 in month 1) go to 'own 70B fleet', so it keeps running "
        "for them: $2,920 in month 1 for an always-on fleet of at least its min_replicas "
        "(1 × 2 GPUs), however few requests reach it"
    )


def test_three_replicas_kept_cost_three_times() -> None:
    # min_replicas 3: 3 × 2 GPUs × $2.00 × 730 h = $8,760
    words = escalation_words(analyze(build(_data(min_replicas=3))), 0)
    assert words is not None
    assert "$8,760 in month 1" in words
    assert "(3 × 2 GPUs)" in words


def test_linear_escalation_needs_no_words() -> None:
    # scaled to zero: that share of the baseline's GPU-seconds, nothing kept running
    assert escalation_words(analyze(build(_data(always_on=False))), 0) is None
    no_share = edited(_data(), "alternatives.0.escalation_share", 0.0)
    assert escalation_words(analyze(build(no_share)), 0) is None


FILE = """
[scenario]
name = "escalate to own fleet"
horizon_months = 12

[traffic]
requests_per_month = 300000
input_tokens = 1000
output_tokens = 200

[baseline]
name = "own 70B fleet"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
gpus_per_replica = 2
replica_requests_per_s = 5.0
min_replicas = 1

[[alternatives]]
name = "hosted mini"
kind = "hosted_api"
input_usd_per_mtok = 0.15
output_usd_per_mtok = 0.6
escalation_share = 0.2
"""


def test_analyze_and_explain_say_it(tmp_path: Path) -> None:
    path = tmp_path / "esc.toml"
    path.write_text(FILE)
    assert build(tomllib.loads(FILE)) == build(_data())  # the file is the case above
    code, out, _ = run("analyze", path)
    assert code == 0
    flat = " ".join(out.split())
    assert "Escalation 20% of requests (60,000 in month 1) go to 'own 70B fleet'" in flat
    code, out, _ = run("explain", path)
    assert code == 0
    flat = " ".join(out.split())
    assert "at least its min_replicas (1 × 2 GPUs), however few requests reach it." in flat


def test_an_owned_baseline_names_its_servers() -> None:
    # one server of 8 GPUs at $250,000 over 36 months: $6,944.44 a month, plus 10 kW ×
    # 730 h × $0.10 = $730 of power: $7,674 for 60,000 requests a month
    owned = {
        "usd_per_server": 250000.0,
        "gpus_per_server": 8,
        "kw_per_server": 10.0,
        "usd_per_kwh": 0.1,
        "financing": "depreciation",
    }
    data = edited(_data(), "baseline.usd_per_gpu_hour", ...)
    words = escalation_words(analyze(build(edited(data, "baseline.owned", owned))), 0)
    assert words == (
        "20% of requests (60,000 in month 1) go to 'own 70B fleet' on the servers it already "
        "runs: $7,674 in month 1 for the servers they need (at least one), their monthly "
        "charge and facility, however few requests reach them"
    )


def _cash_owned() -> dict[str, Any]:
    """The owned baseline of s2: servers of 8 GPUs at $100,000 bought in cash, 10 kW at
    $0.10/kWh and PUE 1.2, $1,000 a month of colocation; 10% of 300,000 requests sent there."""
    owned = {
        "usd_per_server": 100000.0,
        "gpus_per_server": 8,
        "kw_per_server": 10.0,
        "usd_per_kwh": 0.1,
        "pue": 1.2,
        "colocation_usd_per_server_month": 1000.0,
        "depreciation_months": 6,
        "financing": "cash",
    }
    data = edited(_data(replica_requests_per_s=0.05), "baseline.usd_per_gpu_hour", ...)
    data = edited(data, "baseline.owned", owned)
    return edited(data, "alternatives.0.escalation_share", 0.1)


CASH_WORDS = (
    "10% of requests (30,000 in month 1) go to 'own 70B fleet' on the servers it already "
    "runs: $1,876 in month 1 for the facility (power and colocation) of the servers they "
    "need (at least one), however few requests reach them; bought in cash, the servers are "
    "the baseline's own: more are bought only where the share outgrows today's fleet"
)


def test_an_owned_baseline_bought_in_cash_pays_its_facility_only() -> None:
    """Cash has no monthly charge: one server's facility, 10 kW × 730 h × $0.10 × 1.2 =
    $876 of power and $1,000 of colocation, $1,876 (tried as a new user would: it said the
    amount paid the servers' "monthly charge and facility")."""
    analysis = analyze(build(_cash_owned()))
    assert analysis.alternatives[0].components_usd["escalation"][0] == pytest.approx(1876.0)
    assert escalation_words(analysis, 0) == CASH_WORDS


def test_explain_json_gives_the_words(tmp_path: Path) -> None:
    path = tmp_path / "cash.toml"
    path.write_text(dump_scenario(build(_cash_owned())))
    code, out, _ = run("explain", path, "--json")
    assert code == 0
    alt = json.loads(out)["alternatives"][0]
    assert alt["escalation_words"] == CASH_WORDS
    rented = tmp_path / "rented.toml"
    rented.write_text(FILE)
    code, out, _ = run("explain", rented, "--json")
    assert json.loads(out)["alternatives"][0]["escalation_words"].startswith(
        "20% of requests (60,000 in month 1) go to 'own 70B fleet', so it keeps running"
    )


def test_analyze_json_gives_the_words_explain_json_gives(tmp_path: Path) -> None:
    """analyze printed the words and explain --json gave them; analyze --json left them out
    (tried as a new user would: a script reading the answer saw $1,876 of escalation for
    30,000 requests with no word why). Each alternative now carries them, the same text
    under the same key; ``null`` where escalation costs only its share, also where several
    files are compared."""
    cash = tmp_path / "cash.toml"
    cash.write_text(dump_scenario(build(_cash_owned())))
    code, out, err = run("analyze", cash, "--json")
    assert code == 0, err
    alt = json.loads(out)["alternatives"][0]
    assert alt["escalation_words"] == CASH_WORDS
    assert alt["components_usd"]["escalation"][0] == pytest.approx(1876.0)
    code, out, _ = run("explain", cash, "--json")
    assert json.loads(out)["alternatives"][0]["escalation_words"] == alt["escalation_words"]
    linear = tmp_path / "linear.toml"
    linear.write_text(dump_scenario(build(_data(always_on=False))))
    code, out, err = run("analyze", cash, linear, "--json")
    assert code == 0, err
    words = [answer["alternatives"][0]["escalation_words"] for answer in json.loads(out)]
    assert words == [CASH_WORDS, None]
