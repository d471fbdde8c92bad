"""Sentences that contradicted their own numbers, found by checking scenarios by hand:
a report said equal prices were "cheaper per request"; explain said an alternative paid
back where its savings had fallen $11,330 behind by the horizon; the JSON gave a month-0
break-even with no word that nothing is saved; an owned 8-GPU server read "GPUs 1" beside
a utilisation measured over its 8 GPUs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import tomlkit

import payback
from helpers import per_request_dict, run
from payback.analysis.curve import CHEAPER_RTOL
from payback.report.charts import cost_per_1k_vs_traffic
from payback.scenario.io import parse_scenario


def _falling_baseline() -> dict[str, Any]:
    """$10 against $5 per 1,000 plus $200 ops, 100,000 requests a month, the baseline's
    price falling 90% a year: month 1 saves $1,000 − $700 = $300 and pays back the $200 in
    month 0.67; from month 3 the baseline (10 · 0.1^(2/12) = $6.81 per 1,000 → $681) costs
    less than the alternative's $700."""
    raw = per_request_dict(10.0, 5.0, 100_000.0, horizon=24, data_usd=200.0)
    raw["baseline"]["price_change_annual"] = -0.9
    raw["alternatives"][0]["ops_usd_per_month"] = 200.0
    return raw


def test_explain_says_when_a_payback_falls_behind_again(tmp_path: Path) -> None:
    path = tmp_path / "falling.toml"
    path.write_text(tomlkit.dumps(_falling_baseline()))
    analysis = payback.analyze(parse_scenario(_falling_baseline()))
    alt = analysis.alternatives[0]
    assert alt.break_even_month is not None
    assert abs(alt.break_even_month - 200 / 300) < 1e-9
    monthly = [10.0 * 0.1 ** ((m - 1) / 12) * 100 - 700.0 for m in range(1, 25)]
    assert monthly[1] > 0 > monthly[2]  # month 2 still saves, month 3 no longer
    behind = -(sum(monthly) - 200.0)
    assert abs(behind - -alt.cumulative_savings_usd[-1]) < 1e-6
    cumulative = [-200.0 + sum(monthly[:m]) for m in range(25)]
    again = next(m for m in range(1, 25) if all(c < 0 for c in cumulative[m:]))
    assert again > 3  # costs more from month 3, behind again only later
    clause = (
        f"but is behind again from month {again} on: from month 3 it costs more than the "
        f"baseline each month and by month 24 it is ${behind:,.0f} behind"
    )
    code, out, err = run("explain", path)
    assert code == 0, err
    assert clause in " ".join(out.split())
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert clause in " ".join(out.split())


def test_equal_prices_cost_the_same_on_the_per_1k_chart() -> None:
    """$1.10/Mtok × 3,000 tokens and $3.30 per 1,000 differ by float noise only."""
    raw = per_request_dict(10.0, 10.0, 100_000.0, horizon=6, data_usd=100.0)
    raw["alternatives"].append(
        {
            "name": "dearer",
            "kind": "per_request",
            "usd_per_1k_requests": 10.0 * (1 + 100 * CHEAPER_RTOL),
        }
    )
    chart = cost_per_1k_vs_traffic(payback.analyze(parse_scenario(raw)))
    assert (
        "'fine-tuned' costs what the baseline does per request over the whole range shown."
        in chart.note
    )
    assert (
        "'dearer' is dearer per request than the baseline over the whole range shown." in chart.note
    )


def test_a_month_0_break_even_that_saves_nothing_gives_its_reason() -> None:
    raw = per_request_dict(10.0, 10.0, 100_000.0, horizon=6)
    raw["alternatives"][0]["one_time"] = {}
    out = run_json(raw)
    alt = out["alternatives"][0]
    assert (alt["break_even_month"], alt["pays_back_within"]["horizon"]) == (None, False)
    assert alt["reason"].startswith("the alternative is not cheaper per request than the baseline")
    explained = run_json(raw, "explain")["alternatives"][0]  # explain --json says the same
    assert explained["saves_nothing"] is True
    assert (explained["break_even_month"], explained["break_even_requests"]) == (None, None)
    raw["alternatives"][0]["usd_per_1k_requests"] = 9.0  # saves $100 a month: no reason
    assert run_json(raw)["alternatives"][0]["reason"] is None


def run_json(raw: dict[str, Any], command: str = "analyze") -> dict[str, Any]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.toml"
        path.write_text(tomlkit.dumps(raw))
        code, out, err = run(command, path, "--json")
    assert code == 0, err
    return dict(json.loads(out))


def test_an_owned_server_shows_what_its_utilisation_is_a_share_of() -> None:
    """1,000,000 requests a month (0.380 requests/s) on one 1-request/s replica of one GPU in
    an 8-GPU owned server: 0.380 / 8 = 4.8% of the server, 38% of the GPU in use."""
    raw = per_request_dict(20.0, 1.0, 1_000_000.0, horizon=12)
    raw["alternatives"][0] = {
        "name": "owned",
        "kind": "self_hosted",
        "gpus_per_replica": 1,
        "replica_requests_per_s": 1.0,
        "target_utilization": 1.0,
        "owned": {
            "usd_per_server": 36_000.0,
            "gpus_per_server": 8,
            "kw_per_server": 1.0,
            "usd_per_kwh": 0.1,
            "colocation_usd_per_server_month": 1000.0,
            "depreciation_months": 36,
        },
    }
    alt = payback.analyze(parse_scenario(raw)).alternatives[0]
    u = alt.utilisation
    assert u is not None
    assert u.owned_gpus is not None
    assert (u.gpus[0], u.owned_gpus[0]) == (1.0, 8.0)
    rps = 1_000_000 / (730 * 3600)
    assert abs(u.average[0] - rps / 8) < 1e-12
    from payback.report.fleet import fleet_rows

    used = dict(fleet_rows(u, 12))["Fleet utilisation"]
    assert used.startswith("of the 8 GPUs the owned servers hold (replicas run on 1): average 4.8%")


def test_reports_carry_the_cautions_analyze_prints(tmp_path: Path) -> None:
    """Servers bought in cash keep 24 of their 36 months of book value at month 12: analyze
    warned of it on stderr, the Markdown and HTML reports (the documents that travel) did
    not."""
    raw = per_request_dict(20.0, 1.0, 1_000_000.0, horizon=12)
    raw["alternatives"][0] = {
        "name": "owned",
        "kind": "self_hosted",
        "gpus_per_replica": 1,
        "replica_requests_per_s": 1.0,
        "owned": {
            "usd_per_server": 36_000.0,
            "gpus_per_server": 8,
            "depreciation_months": 36,
            "financing": "cash",
        },
    }
    path = tmp_path / "cash.toml"
    path.write_text(tomlkit.dumps(raw))
    code, _, err = run("analyze", path)
    assert code == 0
    assert "$24,000 of book value is left at month 12" in err  # 36,000 × (36 − 12) / 36
    for suffix in ("md", "html"):
        code, _, err = run("report", path, "-o", tmp_path / f"r.{suffix}")
        assert code == 0, err
        text = (tmp_path / f"r.{suffix}").read_text()
        assert "Cautions" in text
        assert "$24,000 of book value is left at month 12" in text


def test_the_quiet_drivers_line_says_what_moves() -> None:
    """Inputs moving the break-even from month 1.95 to 1.99 read "leave the break-even as it
    is", and a swing of $57 from low to high read "moves the NPV by at most $57" (±$29 from
    the central answer); only the low end's month was compared."""
    from payback.report.fleet import quiet_line
    from payback.studies.uncertainty import Driver

    def driver(name: str, months: tuple[float, float], npvs: tuple[float, float]) -> Driver:
        return Driver(name, 0.0, 1.0, *npvs, *months, abs(npvs[1] - npvs[0]))

    same = [driver("a", (2.0, 2.0), (100.0, 157.0)), driver("b", (2.0, 2.0), (120.0, 130.0))]
    assert quiet_line(same) == (
        "2 more inputs leave the break-even month 2.0 and move the NPV by at most $57 from "
        "low to high: a, b."
    )
    moved = [driver("a", (1.955, 1.986), (100.0, 157.0))]  # month 2.0 both, to one decimal
    assert "leaves the break-even month 2.0" in quiet_line(moved)
    apart = [driver("a", (1.9, 2.3), (100.0, 157.0)), driver("b", (1.9, 1.9), (0.0, 1.0))]
    assert quiet_line(apart).startswith("2 more inputs leave the answer as it is and move")
