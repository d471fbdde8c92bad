"""A typed-in growth that compounds far over the horizon (tried as a new user would:
growth_monthly = 0.5 took 200,000 requests to 2.2 billion by month 24, -0.5 to 0.02, with
no word): analyze now warns, naming the field, month 1's and the last month's requests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import EXAMPLES, run
from payback import analyze, load_scenario

STARTER = EXAMPLES / "quarter-200k.toml"


def with_growth(tmp_path: Path, growth: str, horizon: int = 24) -> Path:
    text = STARTER.read_text(encoding="utf-8")
    assert "growth_monthly = 0.0 " in text
    assert "horizon_months = 24 " in text
    text = text.replace("growth_monthly = 0.0 ", f"growth_monthly = {growth} ")
    text = text.replace("horizon_months = 24 ", f"horizon_months = {horizon} ")
    path = tmp_path / "g.toml"
    path.write_text(text, encoding="utf-8")
    return path


def growth_lines(path: Path) -> list[str]:
    warnings = analyze(load_scenario(path)).resolved.warnings
    return [w for w in warnings if w.startswith("traffic.growth_monthly")]


def test_fifty_percent_a_month_is_said_with_both_months(tmp_path: Path) -> None:
    # 200,000 × 1.5^23 = 2,244,548,293.4 (1.5^23 = 11,222.74)
    assert growth_lines(with_growth(tmp_path, "0.5")) == [
        "traffic.growth_monthly = 0.5 (+50% a month) compounds 200,000 requests in month 1 "
        "to 2,244,548,293 in month 24 (×11,223): check it is meant, the field is a fraction "
        "a month; for +0.5% a month write 0.005"
    ]


def test_halving_each_month_is_said(tmp_path: Path) -> None:
    # 200,000 × 0.5^23 = 0.0238 (2^23 = 8,388,608)
    assert growth_lines(with_growth(tmp_path, "-0.5")) == [
        "traffic.growth_monthly = -0.5 (-50% a month) shrinks 200,000 requests in month 1 "
        "to 0.024 in month 24 (1/8,388,608): check it is meant, the field is a fraction a "
        "month; for -0.5% a month write -0.005"
    ]


@pytest.mark.parametrize(
    ("growth", "horizon", "said"),
    [
        ("0.22", 24, False),  # 1.22^23 = 96.9: under 100-fold
        ("0.23", 24, True),  # 1.23^23 = 116.9
        ("0.08", 24, False),  # growth.toml's: 1.08^23 = 5.87
        ("0.05", 60, False),  # 1.05^59 = 17.8
        ("0.1", 60, True),  # 1.1^59 = 277.5
        ("-0.18", 24, False),  # 0.82^23 = 0.0104: 1/96
        ("-0.19", 24, True),  # 0.81^23 = 0.0078: 1/129
    ],
)
def test_the_line_comes_past_a_hundred_fold(
    tmp_path: Path, growth: str, horizon: int, said: bool
) -> None:
    assert bool(growth_lines(with_growth(tmp_path, growth, horizon))) == said


def test_the_cli_says_it_on_stderr_and_in_json(tmp_path: Path) -> None:
    path = with_growth(tmp_path, "0.5")
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert "warning: traffic.growth_monthly = 0.5 (+50% a month) compounds 200,000" in err
    code, out, err = run("analyze", path, "--json")
    assert code == 0, err
    warnings = json.loads(out)["warnings"]
    assert any(w.startswith("traffic.growth_monthly = 0.5 (+50% a month)") for w in warnings)


def test_no_bundled_example_gets_the_line() -> None:
    for example in sorted(EXAMPLES.glob("*.toml")):
        scenario = load_scenario(example)
        if scenario.workloads:
            continue
        lines = [w for w in analyze(scenario).resolved.warnings if "growth_monthly" in w]
        assert lines == [], example.name
