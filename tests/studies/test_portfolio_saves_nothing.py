"""A portfolio whose alternative costs the same as today, every month and nothing up front,
saves nothing, as one scenario does: no break-even and not paid back, in the verdict, the
JSON and the migration order. It had said "pays back at once, not within a quarter", and
each migration step "break-even month 0, pays back within a quarter: true" (tried as a
new user would, on a hosted alternative at the baseline's own prices)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from helpers import run
from payback.analysis.verdict import NOT_CHEAPER
from payback.scenario import parse_scenario
from payback.studies.portfolio import analyze_portfolio

SAME = """
[scenario]
name = "same price"
horizon_months = 12
discount_rate_annual = 0.10

[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0

[[alternatives]]
name = "same api"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0

[[alternatives]]
name = "cheaper api"
kind = "hosted_api"
input_usd_per_mtok = 1.25
output_usd_per_mtok = 5.0

[[workloads]]
name = "a"
traffic = { requests_per_month = 1000, input_tokens = 100, output_tokens = 10 }

[[workloads]]
name = "b"
traffic = { requests_per_month = 2000, input_tokens = 100, output_tokens = 10 }
"""


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "same.toml"
    path.write_text(SAME, encoding="utf-8")
    return path


def test_the_same_prices_save_nothing_and_half_prices_pay_back_at_once() -> None:
    same, cheaper = analyze_portfolio(parse_scenario(tomllib.loads(SAME))).alternatives
    assert same.npv_usd == 0.0
    assert [s.saves_nothing for s in same.order] == [True, True]
    assert [s.break_even_month for s in same.order] == [None, None]
    assert [s.pays_back_within_quarter for s in same.order] == [False, False]
    # half the price, nothing up front: ahead from month 1, paid back at month 0
    assert [s.saves_nothing for s in cheaper.order] == [False, False]
    assert [s.break_even_month for s in cheaper.order] == [0.0, 0.0]
    assert [s.pays_back_within_quarter for s in cheaper.order] == [True, True]
    # b alone saves 2,000 x (100 x 1.25 + 10 x 5) / 1e6 = $0.35 a month
    assert cheaper.order[0].workload == "b"


def test_the_json_gives_no_break_even_where_nothing_is_saved(tmp_path: Path) -> None:
    code, out, err = run("analyze", _file(tmp_path), "--json")
    assert code == 0, err
    same, cheaper = json.loads(out)["portfolio"]["alternatives"]
    assert (same["break_even_month"], same["break_even_requests"]) == (None, None)
    assert same["saves_nothing"] is True
    assert same["pays_back_within"]["3"] is False
    for step in same["migration_order"]:
        assert step["break_even_month"] is None
        assert step["pays_back_within_quarter"] is False
        assert step["saves_nothing"] is True
    assert cheaper["saves_nothing"] is False
    assert cheaper["break_even_month"] == 0.0
    assert all(s["saves_nothing"] is False for s in cheaper["migration_order"])


def test_the_verdict_and_the_order_say_nothing_is_saved(tmp_path: Path) -> None:
    only_same = (
        SAME.split('[[alternatives]]\nname = "cheaper api"')[0]
        + SAME.split("output_usd_per_mtok = 5.0\n")[1]
    )
    path = tmp_path / "only.toml"
    path.write_text(only_same, encoding="utf-8")
    code, out, err = run("analyze", path)
    assert code == 0, err
    text = " ".join(out.split())
    assert f"Verdict: 'same api' serving 2 workloads {NOT_CHEAPER}; NPV $0.00" in text
    assert "at once" not in text
    rows = [line.split() for line in out.splitlines() if line.strip()[:2] in ("1 ", "2 ")]
    assert [r[-2:] for r in rows] == [["nothing", "saved"], ["nothing", "saved"]]
    code, out, err = run("explain", path)
    assert code == 0, err
    assert "b adds $0 (NPV so far $0, nothing saved)" in " ".join(out.split())
