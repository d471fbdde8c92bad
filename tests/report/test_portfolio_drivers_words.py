"""A portfolio's ``explain`` says what decides it as a scenario's ``explain`` says it: each
range with its values and unit, two ends that read the same said once, the inputs not
listed counted, and every figure equal to ``payback sensitivity --json``'s."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from helpers import FROZEN_PORTFOLIO, quick_portfolio, run
from payback import analyze, load_scenario
from payback.report.common import driver_range
from payback.report.fleet import changes_the_answer
from payback.report.portfolio_document import portfolio_explanation, ranked_drivers
from payback.report.portfolio_facts import driver_span
from payback.studies.portfolio import analyze_portfolio

QUICK = quick_portfolio(discount_rate_annual=0.10)
"""Two workloads priced per request: $8 saved on every 1,000 of 101,000 requests a month
($808), $1,360 paid once ($1,000 shared, alpha's data $360): break-even month 1.68."""

SAME_AS_ONE = """
[scenario]
name = "one task, quick"
horizon_months = 60
discount_rate_annual = 0.10

[traffic]
requests_per_month = 101000

[baseline]
name = "hosted API"
kind = "per_request"
usd_per_1k_requests = 10.0

[[alternatives]]
name = "cheap model"
kind = "per_request"
usd_per_1k_requests = 2.0
one_time = { engineer_hours = 10, engineer_usd_per_hour = 100.0, data_usd = 360.0 }
"""
"""The same money as one scenario: 101,000 requests a month, $1,360 paid once."""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _decides(file: Path) -> list[str]:
    code, out, err = run("explain", file)
    assert code == 0, err
    flat = " ".join(out.split())
    said = flat[flat.lower().index("what decides it") :]
    return [said[: said.index("Measure first")], said[said.index("Measure first") :]]


def _line(said: str, path: str) -> str:
    found = re.search(rf"\({re.escape(path)}; [^)]+\): NPV [^;.]+(?:\.\d[^;.]*)*", said)
    assert found is not None, (path, said)
    return found.group(0)


def test_a_portfolios_drivers_read_as_one_scenarios(tmp_path: Path) -> None:
    """The portfolio's drivers read '(baseline.usd_per_1k_requests; ±25%)', where one
    scenario with the same money reads '($7.50 to $12.50/1k requests, ±25%)', and '-0.3 to
    0' for '-30.0% to 0.0% a year'; its break-even 'month 1.7 to month 1.7' (both); and
    counted nothing past its three. Now the lines of the inputs both have are the same
    words, and the portfolio counts the rest as the scenario does."""
    portfolio, advice = _decides(_write(tmp_path, "quick.toml", QUICK))
    scenario, _ = _decides(_write(tmp_path, "one.toml", SAME_AS_ONE))
    for path in ("baseline.usd_per_1k_requests", "baseline.price_change_annual"):
        assert _line(portfolio, path) == _line(scenario, path)
    assert (
        "(baseline.usd_per_1k_requests; $7.50 to $12.50/1k requests, ±25%): NPV $25,048 to "
        "$49,055, break-even month 2.4 to month 1.3" in portfolio
    )
    assert (
        "alpha's traffic growth (workloads.0.traffic.growth_monthly; -2.0% to 2.0% a month, "
        "assumed for a rate left at 0)" in portfolio
    )
    assert "month 1.7 to month 1.7" not in portfolio + scenario
    assert portfolio.count("break-even month 1.7 at either end") == 2
    assert scenario.count("break-even month 1.7 at either end") == 2
    assert "(the command payback sensitivity ranks every input), the answer" not in portfolio
    # the last ranked (alpha's data, $180) moves the break-even 1.57 to 1.79: the two
    # ranked above it ($457, $190), which change nothing, are counted in rank, not set aside
    assert (
        "10 other inputs move the NPV by $180 to $19,015 from low to high; 8 of them also "
        "move the break-even by at least 0.05 months or a positive NPV by at least 10% (the "
        "command payback "
        "sensitivity ranks every input)." in portfolio
    )
    assert "more inputs leave" not in portfolio
    assert advice.startswith(  # a workload's own input: its name, no "the" before it
        "Measure first: the traffic trend over the last months of logs. Narrowing alpha's "
        "traffic growth narrows"
    )


def test_one_function_writes_a_scenarios_and_a_portfolios_range(tmp_path: Path) -> None:
    """The same input moved over the same range reads the same in both, from one function
    (common.span_text): ±25% of $10 per 1,000 requests is $7.50 to $12.50."""
    one = analyze(load_scenario(_write(tmp_path, "one.toml", SAME_AS_ONE)))
    many = analyze_portfolio(load_scenario(_write(tmp_path, "quick.toml", QUICK)))
    (mine,) = ranked_drivers(many)
    ours = {d.parameter: d for d in mine}
    for d in one.drivers[0]:
        if d.parameter in ours:
            assert driver_span(many, ours[d.parameter]) == driver_range(one, d), d.parameter
    price = ours["baseline.usd_per_1k_requests"]
    assert (price.low, price.high) == (7.5, 12.5)
    assert driver_span(many, price) == "$7.50 to $12.50/1k requests, ±25%"
    volume = ours["workloads.0.traffic.requests_per_month"]
    assert driver_span(many, volume) == "75k to 125k requests/month, ±25%"


def _sensitivity(file: Path) -> list[dict[str, Any]]:
    code, out, err = run("sensitivity", file, "--json")
    assert code == 0, err
    return list(json.loads(out)["alternatives"])


def test_the_portfolio_examples_drivers_agree_with_sensitivity() -> None:
    """tests/data/portfolio.toml: each listed range says its ends as sensitivity does ($2.50
    ± 25%: $1.88 to $3.13 in cents; 400,000 ± 25%: 300k to 500k), the inputs not listed are counted as
    ``sensitivity --json`` ranks them (those down to the last that changes the answer, then
    the largest NPV move of the rest), every figure theirs."""
    file = FROZEN_PORTFOLIO
    sections = dict(portfolio_explanation(analyze_portfolio(load_scenario(file))))
    for alt in _sensitivity(file):
        name = alt["name"].removesuffix(" (portfolio)")
        said = " ".join(sections[f"{name}: what decides it"][0].split())
        drivers = alt["drivers"]
        flags = [changes_the_answer(_driver(d)) for d in drivers]
        # listed in rank down to the last that changes the answer; the tail below counted
        cut = max(3, max((i + 1 for i, f in enumerate(flags) if f), default=0))
        others, quiet = drivers[3:cut], drivers[cut:]
        loud = sum(flags[3:cut])
        if others and loud == len(others):
            assert f" {len(others)} other inputs also move the break-even" in said
        elif others:
            assert f" {len(others)} other inputs move the NPV by " in said
            assert f"; {loud} of them also move the break-even" in said
        if quiet:
            swing = max(d["npv_swing_usd"] for d in quiet)
            word = "more" if others else "other"
            assert re.search(rf"{len(quiet)} {word} inputs .* by at most \$[\d,]+ from low", said)
            shown = re.search(r"by at most \$([\d,]+) from low", said)
            assert shown is not None
            assert abs(float(shown.group(1).replace(",", "")) - swing) <= 0.5
    shared = " ".join(sections["Llama 3.1 8B, an adapter per task, one fleet: what decides it"])
    assert "(baseline.input_usd_per_mtok; $1.88 to $3.13/1M tokens, ±25%)" in shared
    assert "(workloads.0.traffic.requests_per_month; 300k to 500k requests/month, ±25%)" in shared
    assert "37 other inputs also move" in shared
    assert "4 more inputs leave the break-even month 12.8" in shared


def _driver(d: dict[str, Any]) -> Any:
    from payback.studies.uncertainty import Driver

    fields = Driver.__dataclass_fields__
    return Driver(**{k: v for k, v in d.items() if k in fields})
