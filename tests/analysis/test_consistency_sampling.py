"""Monte Carlo with every range collapsed to its central value: every sample is the
deterministic scenario, so the chances are 0% or 100% as the deterministic answer says,
the percentiles are its break-even and NPV, and the words say the same month twice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES, run

SAMPLES = 500


def _collapsed(text: str) -> str:
    """Every distribution of a scenario file as a point at its central value, written as
    the same kind of distribution (so it is still sampled)."""

    def point(match: re.Match[str]) -> str:
        fields = dict(re.findall(r"(\w+) = (\"?[\w.\-]+\"?)", match.group(1)))
        kind = fields["dist"].strip('"')
        if kind == "triangular":
            mode = fields["mode"]
            return f'{{ dist = "triangular", low = {mode}, mode = {mode}, high = {mode} }}'
        if kind == "uniform":
            middle = (float(fields["low"]) + float(fields["high"])) / 2
            return f'{{ dist = "uniform", low = {middle!r}, high = {middle!r} }}'
        if kind == "normal":
            return f'{{ dist = "normal", mean = {fields["mean"]}, sd = 0.0 }}'
        assert kind == "lognormal"
        median = fields["median"]
        return f'{{ dist = "lognormal", median = {median}, p90 = {median} }}'

    return re.sub(r"\{ (dist = [^}]*)\}", point, text)


@pytest.fixture(scope="module")
def collapsed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("points") / "points.toml"
    path.write_text(_collapsed((EXAMPLES / "quarter-uncertain.toml").read_text()))
    scenario = payback.load_scenario(path)
    kinds = {type(d).__name__ for d in scenario.distributions.values()}
    assert kinds == {"Triangular", "Uniform", "Normal", "LogNormal"}  # every kind, sampled
    return path


def test_collapsed_ranges_give_the_deterministic_answer(collapsed: Path) -> None:
    scenario = payback.load_scenario(collapsed)
    plain = payback.analyze(scenario)
    carlo = payback.monte_carlo(scenario, samples=SAMPLES, seed=3)
    assert len(carlo.inputs) == len(scenario.distributions)
    for alt, u in zip(plain.alternatives, carlo.alternatives, strict=True):
        month = alt.break_even_month
        within = alt.pays_back_within or {}
        assert u.p_break_even_within == {
            k: (None if v is None else float(v)) for k, v in within.items()
        }
        assert u.break_even_month_percentiles == {
            "p10": pytest.approx(month, rel=1e-12),
            "p50": pytest.approx(month, rel=1e-12),
            "p90": pytest.approx(month, rel=1e-12),
        }
        assert u.npv_usd_mean == pytest.approx(alt.npv_usd, rel=1e-12)
        for value in u.npv_usd_percentiles.values():
            assert value == pytest.approx(alt.npv_usd, rel=1e-12)
        assert u.p_npv_positive == (1.0 if alt.npv_usd > 0 else 0.0)
        histogram = [0] * (plain.horizon_months + 1)
        histogram[plain.horizon_months if month is None else int(month)] = SAMPLES
        assert u.break_even_month_histogram == histogram
        for row in u.cumulative_savings_percentiles.values():
            assert row == pytest.approx(alt.cumulative_savings_usd, rel=1e-12)


def test_the_sampled_words_say_the_central_month(collapsed: Path) -> None:
    """``analyze --samples``: the median break-even and the central one read the same, and
    no sample "never pays back"."""
    code, out, _ = run("analyze", collapsed, "--samples", str(SAMPLES), "--json")
    assert code == 0
    data = json.loads(out)
    (alt,) = data["alternatives"]
    u = alt["uncertainty"]
    assert u["p_break_even_within"]["horizon"] == 1.0
    assert u["break_even_month_percentiles"]["p50"] == pytest.approx(alt["break_even_month"])
    code, out, _ = run("analyze", collapsed, "--samples", str(SAMPLES))
    assert code == 0
    flat = " ".join(out.split())
    percentiles = re.search(r"Break-even month p10 ([\d.]+) · p50 ([\d.]+) · p90 ([\d.]+)", flat)
    verdict = re.search(r"Verdict: .* pays back in month ([\d.]+) ", flat)
    assert percentiles is not None, flat
    assert verdict is not None, flat
    assert set(percentiles.groups()) == {verdict.group(1)}
    chances = re.search(r"Chance it pays back within 3 months (\d+)%; 6: (\d+)%; 12: (\d+)%", flat)
    central = re.search(r"Pays back within 3 months: (\w+); 6: (\w+); 12: (\w+)", flat)
    assert chances is not None, flat
    assert central is not None, flat
    assert [{"100": "yes", "0": "no"}[c] for c in chances.groups()] == list(central.groups())
    # the reports' headline: the median's month is the central one's
    from payback.report.common import headline

    sampled = payback.analyze(payback.load_scenario(collapsed), samples=SAMPLES)
    line = headline(sampled)
    median = re.search(r"breaks even in (month [\d.]+) at the median of 500 samples", line)
    with_central = re.search(r"With every input at its central value it pays back in (month [\d.]+)", line)  # fmt: skip
    assert median is not None, line
    assert with_central is not None, line
    assert median.group(1) == with_central.group(1)
    assert "0% of samples do not pay back within 24 months" in line
