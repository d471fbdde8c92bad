"""One rule decides whether a month has a cost of 1,000 requests: at least one request
(verdict.has_cost_per_1k). The results held one only for exactly 0 requests (a month of
0.5 requests gave $15.00 in --json), while analyze's table said "n/a: 0.5 requests" and
the overflow check skipped months under one request. The boundary, by hand: 0 and 0.5
requests have none, 1 and 1.5 have one.

$15 against $2 per 1,000 requests, $400 up front (the seed's prices)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from helpers import run

SEED = """
[scenario]
name = "few requests"
horizon_months = {horizon}

[traffic]
requests_per_month = {requests}
growth_monthly = {growth}

[baseline]
name = "hosted"
kind = "per_request"
usd_per_1k_requests = 15.0

[[alternatives]]
name = "fine-tuned"
kind = "per_request"
usd_per_1k_requests = 2.0

[alternatives.one_time]
data_usd = 400.0
"""


def test_the_rule_at_the_boundary() -> None:
    from payback.analysis.verdict import has_cost_per_1k, per_1k_text, requests_text, usd_per_1k

    requests = np.array([0.0, 0.5, 1.0, 1.5])
    assert has_cost_per_1k(requests).tolist() == [False, False, True, True]
    # $15 per 1,000 is $0.015 a request: 0, 0.0075, 0.015 and 0.0225 dollars
    per_1k = usd_per_1k(requests * 0.015, requests)
    assert [math.isnan(x) for x in per_1k] == [True, True, False, False]
    assert per_1k[2:].tolist() == pytest.approx([15.0, 15.0])
    said = [per_1k_text(r * 0.002, r * 0.015, r) for r in requests]
    assert said == [
        "n/a: 0 requests",
        "n/a: 0.5 requests",
        "$2.00 vs $15.00",
        "$2.00 vs $15.00",
    ]
    assert [requests_text(r) for r in requests] == ["0", "0.5", "1", "1.5"]


def _write(tmp_path: Path, **values: float) -> Path:
    path = tmp_path / "few.toml"
    path.write_text(SEED.format(**values), encoding="utf-8")
    return path


def test_json_and_the_table_follow_it_month_by_month(tmp_path: Path) -> None:
    """4 requests halving every month: 4, 2, 1 and 0.5. Months 1 to 3 cost $15 and $2 per
    1,000; month 4 has none, null in --json and "n/a: 0.5 requests" in the table."""
    path = _write(tmp_path, horizon=4, requests=4.0, growth=-0.5)
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["requests_per_month"] == [4.0, 2.0, 1.0, 0.5]
    assert data["baseline"]["usd_per_1k_requests"] == [15.0, 15.0, 15.0, None]
    assert data["alternatives"][0]["usd_per_1k_requests"] == [2.0, 2.0, 2.0, None]
    code, out, err = run("analyze", path)
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.strip().startswith("per 1k"))
    assert row.split()[-6:] == ["$2.00", "vs", "$15.00", "n/a:", "0.5", "requests"]


@pytest.mark.parametrize(
    ("requests", "costs", "served", "per_1k"),
    [
        (0.5, "$0.0075", "0.5 requests, too few for a cost per 1,000", None),
        (1.0, "$0.015", "1 request at $15.00 per 1,000", 15.0),
        (1.5, "$0.0225", "1.5 requests at $15.00 per 1,000", 15.0),
    ],
)
def test_month_1_in_explain_text_and_json(
    tmp_path: Path, requests: float, costs: str, served: str, per_1k: float | None
) -> None:
    """Month 1 typed as 0.5, 1 or 1.5 requests: $0.0075, $0.015 or $0.0225 on the
    baseline, each with the places that write it within 1% (it read "$0.01" and "$0.02";
    "0 requests at $15.00 per 1,000" for 0.5 before)."""
    path = _write(tmp_path, horizon=3, requests=requests, growth=0.0)
    code, out, err = run("explain", path, "--json")
    assert code == 0, err
    data = json.loads(out)
    month_1 = data["alternatives"][0]["month_1"]
    assert month_1["requests"] == requests
    assert month_1["baseline_usd"] == pytest.approx(requests * 0.015)
    assert month_1["baseline_usd_per_1k_requests"] == per_1k
    assert month_1["alternative_usd_per_1k_requests"] == (None if per_1k is None else 2.0)
    how = " ".join(
        " ".join(s["paragraphs"])
        for s in data["sections"]
        if s["title"] == "how the break-even is computed here"
    )
    assert f"In month 1 the baseline costs {costs} ({served}) and" in how
    assert ("($2.00 per 1,000)" in how) is (per_1k is not None)
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    assert json.loads(out)["baseline"]["usd_per_1k_requests"] == [per_1k] * 3


@pytest.mark.parametrize(("requests", "said"), [(0.5, "0.5"), (1.5, "1.5"), (30_769.5, "30,770")])
def test_the_heading_counts_month_1_as_the_per_1k_row_does(
    tmp_path: Path, requests: float, said: str
) -> None:
    """analyze's heading wrote month 1's requests whole: "0 requests in month 1" above a
    row that says "n/a: 0.5 requests"; it now writes them as every other count."""
    path = _write(tmp_path, horizon=4, requests=requests, growth=0.0)
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert f"4 months; {said} requests in month 1" in out.splitlines()[1]


@pytest.mark.parametrize(("requests", "per_1k"), [(0.5, None), (1.0, 15.0), (2.0, 7.5)])
def test_a_portfolios_month_1_follows_the_same_rule(requests: float, per_1k: float | None) -> None:
    """A portfolio's month 1 (its explain and report) gave a cost of 1,000 requests for any
    count but 0: $30.00 for 0.5 requests costing $0.015. By hand: $0.015 over 1 request is
    $15.00 per 1,000, over 2 requests $7.50."""
    from types import SimpleNamespace

    from payback.report.portfolio_facts import month_one

    alt = SimpleNamespace(
        baseline_usd=[0.015], monthly_cost_usd=[0.002], requests_per_month=[requests]
    )
    one = month_one(alt)  # type: ignore[arg-type]
    assert one["baseline_usd_per_1k_requests"] == (
        None if per_1k is None else pytest.approx(per_1k)
    )
    assert (one["alternative_usd_per_1k_requests"] is None) is (per_1k is None)
