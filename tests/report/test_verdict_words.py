"""What the words say when the horizon cannot answer a question: a horizon shorter than a
quarter, a Monte Carlo sentence with a horizon under a year, a break-even past the horizon
in the comparison table, the count of inputs explain does not list, and an alternative at
the baseline's price with nothing up front."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import payback
from helpers import EXAMPLES, FROZEN_PORTFOLIO, per_request_dict, run, sampled_words

FLEET = """
[scenario]
name = "A"
horizon_months = {horizon}
discount_rate_annual = 0.12

[traffic]
requests_per_month = 1000000
input_tokens = 1000
output_tokens = 200
peak_to_average = 2.0

[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 2.5
output_usd_per_mtok = 10.0

[[alternatives]]
name = "selfhost"
kind = "self_hosted"
usd_per_gpu_hour = 2.0
gpus_per_replica = 1
replica_requests_per_s = 1.0
target_utilization = 0.5
escalation_share = 0.1
ops_usd_per_month = 80.0

[alternatives.one_time]
data_usd = 3000.0
engineer_hours = 10
engineer_usd_per_hour = 100.0
eval_usd = 200.0
training_usd = 100.0
training_runs = 2

[alternatives.recurring]
retrain_every_months = 6
retrain_usd = 500.0
"""
"""$4,400 up front, $1,050 saved a month: by hand month 4.19 (12 months shown)."""

SCALE_TO_ZERO = """
[scenario]
name = "B"
horizon_months = 3

[traffic]
requests_per_month = 100000
growth_monthly = 0.1

[baseline]
name = "api"
kind = "per_request"
usd_per_1k_requests = 10
price_change_annual = -0.5

[[alternatives]]
name = "s2z"
kind = "self_hosted"
usd_per_gpu_hour = 3.0
gpus_per_replica = 2
replica_requests_per_s = 2.0
target_utilization = 0.8
always_on = false

[alternatives.one_time]
data_usd = {data}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_one_month_horizon_is_not_called_a_quarter_or_never(tmp_path: Path) -> None:
    """It pays back in month 4.19 (12-month horizon); with a 1-month horizon explain said
    "Within a quarter: unknown" and then "It does not pay back within a quarter", and its
    drivers "break-even never to never"."""
    twelve = payback.load_scenario(_write(tmp_path, "a.toml", FLEET.format(horizon=12)))
    assert payback.analyze(twelve).alternatives[0].break_even_month == pytest.approx(
        4.19, abs=0.005
    )
    short = _write(tmp_path, "h1.toml", FLEET.format(horizon=1))
    code, out, err = run("explain", short)
    assert code == 0, err
    text = " ".join(out.split())
    assert "Within a quarter: unknown (horizon too short)." in text
    assert "within a quarter" not in text.replace("Within a quarter: unknown", "")
    assert "It does not pay back within the 1 month computed." in text
    assert "never to never" not in text
    assert "break-even never" not in text
    assert "break-even not within 1 month at either end" in text
    assert "11 other inputs leave it short of paying back within 1 month" in text


@pytest.mark.parametrize("portfolio", [False, True])
def test_sensitivity_says_not_within_the_horizon(tmp_path: Path, portfolio: bool) -> None:
    """`payback sensitivity` printed "break-even never → never" where explain and analyze's
    drivers say "not within 1 month at either end", for one scenario and for a portfolio."""
    text = FLEET.format(horizon=1)
    if portfolio:
        for name in ("one", "two"):
            text += (
                f'\n[[workloads]]\nname = "{name}"\n[workloads.traffic]\n'
                "requests_per_month = 500000\ninput_tokens = 1000\noutput_tokens = 200\n"
            )
    code, out, err = run("sensitivity", _write(tmp_path, "h1.toml", text))
    assert code == 0, err
    words = " ".join(out.split())
    assert "never" not in words
    assert "break-even not within 1 month at either end" in words


def test_the_comparison_table_says_not_within_the_horizon(tmp_path: Path) -> None:
    """Two scenarios: the 1-month one's row said break-even "never" where its own verdict
    says the rest takes until about month 4.2 (1 + $3,350 owed / $1,050 a month)."""
    short = _write(tmp_path, "h1.toml", FLEET.format(horizon=1))
    other = _write(tmp_path, "b.toml", SCALE_TO_ZERO.format(data=2000.0))
    code, out, err = run("analyze", short, other)
    assert code == 0, err
    row = next(line for line in out.splitlines() if "selfhost" in line and "$" in line)
    assert "not within 1 month" in row
    assert "never" not in out
    assert "until about month 4.2" in " ".join(out.split())


def test_the_monte_carlo_sentence_asks_only_what_the_horizon_answers(tmp_path: Path) -> None:
    """A 3-month horizon: "within a quarter in 57% of them, within a year in unknown and
    within 3 months in 57%"; a 12-month one in analyze: "...; 12: 100%; 12 months: 100%"."""
    uncertain = SCALE_TO_ZERO.format(data='{ dist = "uniform", low = 1000, high = 4000 }')
    path = _write(tmp_path, "bu.toml", uncertain)
    code, out, err = run("explain", path, "--samples", "1000")
    assert code == 0, err
    text = " ".join(out.split())
    sentence = text[text.index("Across 1,000 samples") :].split(";")[0]
    assert sentence.startswith(
        "Across 1,000 samples of the scenario's ranges it pays back within a quarter in "
    )
    assert sentence.endswith("% of them")  # one clause: no year, no "3 months" again
    code, out, err = run(
        "analyze",
        _write(
            tmp_path,
            "a.toml",
            FLEET.format(horizon=12).replace(
                "ops_usd_per_month = 80.0",
                'ops_usd_per_month = { dist = "uniform", low = 70, high = 90 }',
            ),
        ),
        "--samples",
        "200",
    )
    assert code == 0, err
    line = next(line for line in out.splitlines() if line.startswith("Chance it pays back"))
    assert line.split("  ", 1)[1].strip() == "within 3 months 0%; 6: 100%; 12: 100%"


def test_explain_counts_every_input_it_does_not_list() -> None:
    """quarter-uncertain.toml has 14 uncertain inputs: 3 listed and 11 more that move the
    answer (the capacity at last: NPV $4.9k → $6.8k at break-even month 14.3). It said "1 other
    input leaves ..." and nothing of the others."""
    examples = Path(__file__).parents[2] / "examples"
    code, out, err = run("explain", examples / "quarter-uncertain.toml")
    assert code == 0, err
    text = " ".join(out.split())
    analysis = payback.analyze(payback.load_scenario(examples / "quarter-uncertain.toml"))
    assert len(analysis.drivers[0]) == 14
    assert (
        "11 other inputs also move the break-even by at least 0.05 months, the NPV across "
        "zero or a positive NPV by at least 10% (the command payback sensitivity ranks every "
        "input)." in text
    )
    assert "more input leaves" not in text


def test_the_comparison_names_each_scenarios_npv_horizon_and_rate(tmp_path: Path) -> None:
    """A 12-month NPV at 12% stood in one column beside a 3-month NPV at 0%, with nothing
    to tell them apart; each scenario's heading row now carries its terms."""
    twelve = _write(tmp_path, "a.toml", FLEET.format(horizon=12))
    three = _write(tmp_path, "b.toml", SCALE_TO_ZERO.format(data=2000.0))
    code, out, err = run("analyze", twelve, three)
    assert code == 0, err
    lines = out.splitlines()
    assert "NPV over each one's horizon, at its rate" in lines[0]
    heading = {
        line.split()[0]: line.split(None, 1)[1].strip()
        for line in lines
        if line.startswith(" a ") or line.startswith(" b ")
    }
    assert heading == {"a": "12 mo, 12%", "b": "3 mo, 0%"}


def test_a_portfolio_sampled_over_two_months_is_answered(tmp_path: Path) -> None:
    """A portfolio with a 2-month horizon and samples stopped with an internal error (its
    line formatted the share within 3 months, None there, as a percentage)."""
    examples = Path(__file__).parents[2] / "examples"
    text = (examples / "portfolio.toml").read_text(encoding="utf-8")
    text = text.replace("horizon_months = 24", "horizon_months = 2").replace(
        "replica_requests_per_s = 13.7 ",
        'replica_requests_per_s = { dist = "uniform", low = 12.0, high = 15.5 } ',
        1,
    )  # an uncertain input: without one, every sample is the same (said so, no shares)
    path = _write(tmp_path, "p2.toml", text)
    code, out, err = run("analyze", path, "--samples", "50")
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.startswith("Monte Carlo (50 samples)")]
    assert lines
    assert all(
        line.startswith("Monte Carlo (50 samples): pays back within 2 months 0%;") for line in lines
    )


def test_the_same_price_with_nothing_up_front_is_not_cheaper(tmp_path: Path) -> None:
    """$10 against $10 per 1,000 and no one-time cost: analyze said break-even "at once"
    and "in a quarter? yes" where quick says "Self-hosting is not cheaper per request --
    fine-tune only for behavior, not cost". The contract's numbers stay (month 0, NPV 0);
    the words and the yes/no say nothing is saved."""
    code, out, _ = run(
        "quick", "--hosted-per-1k", "10", "--self-hosted-per-1k", "10", "--one-time", "0"
    )
    assert code == 0
    assert "not cheaper per request -- fine-tune only for behavior, not cost" in out
    data = per_request_dict(10.0, 10.0, 100_000.0, data_usd=0.0)
    path = _write(tmp_path, "eq.yaml", json.dumps(data))  # JSON is YAML
    analysis = payback.analyze(payback.load_scenario(path))
    alt = analysis.alternatives[0]
    assert (alt.break_even_month, alt.break_even_requests, alt.npv_usd) == (0.0, 0.0, 0.0)
    assert alt.pays_back_within == {"3": False, "6": False, "12": False, "horizon": False}
    assert "is not cheaper per request than the baseline" in analysis.verdict()
    assert "fine-tune only for behavior, not cost" in analysis.verdict()
    code, out, err = run("analyze", path)
    assert code == 0, err
    assert "at once" not in out
    assert "Break-even          nothing saved: not cheaper per request" in out
    assert "3 months: no; 6: no; 12: no" in out
    other = _write(tmp_path, "b.toml", SCALE_TO_ZERO.format(data=2000.0))
    code, out, err = run("analyze", path, other)
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.startswith("   fine-tuned"))
    assert row.split()[-4:] == ["nothing", "saved", "$0", "no"]
    code, out, err = run("explain", path)
    assert code == 0, err
    assert "Within a quarter: no. It is not cheaper per request" in " ".join(out.split())


EQUAL_TWO_WAYS = """
[scenario]
name = "eq2"
horizon_months = 12
[traffic]
requests_per_month = 100000
input_tokens = 3000
output_tokens = 0
[baseline]
name = "api"
kind = "hosted_api"
input_usd_per_mtok = 1.1
output_usd_per_mtok = 1.0
[[alternatives]]
name = "flat"
kind = "per_request"
usd_per_1k_requests = {price}
"""


def test_equal_prices_written_two_ways_save_nothing(tmp_path: Path) -> None:
    """$1.10 per million tokens × 3,000 tokens is $3.30 per 1,000 requests, but the sums
    differ by float noise (a part in 10^16): it read "saves from month 0 ... cheaper from
    the first month", "within 3 months: yes", a made-up crossover on the per-1k chart, and
    93% of samples "paid back" within 3 months where the central answer said no."""
    path = _write(tmp_path, "eq2.toml", EQUAL_TWO_WAYS.format(price=3.3))
    analysis = payback.analyze(payback.load_scenario(path))
    alt = analysis.alternatives[0]
    assert alt.pays_back_within == dict.fromkeys(("3", "6", "12", "horizon"), False)
    assert analysis.cost_per_1k_curve is not None
    assert analysis.cost_per_1k_curve.crossovers == [[]]
    assert "is not cheaper per request than the baseline" in analysis.verdict()
    # the samples: the same price drawn for both (the API's price moves with the flat one)
    sampled = EQUAL_TWO_WAYS.format(price=3.3).replace(
        "requests_per_month = 100000",
        'requests_per_month = { dist = "uniform", low = 50000, high = 150000 }',
    )
    mc = payback.analyze(
        payback.load_scenario(_write(tmp_path, "eq3.toml", sampled)), samples=400
    ).uncertainty
    assert mc is not None
    assert mc.alternatives[0].p_break_even_within["3"] == 0.0
    # a real saving of a cent a month is one
    cheaper = payback.analyze(
        payback.load_scenario(_write(tmp_path, "c.toml", EQUAL_TWO_WAYS.format(price=3.2999)))
    )
    assert cheaper.alternatives[0].pays_back_within["3"] is True


def test_the_pages_break_even_figure_is_the_terminals(tmp_path: Path) -> None:
    """The page showed "at once" for an alternative that saves nothing and "never" for one
    past the horizon, where analyze says "nothing saved" and "not within 1 month"."""
    from payback.web.answer import whole_percent
    from payback.web.state import answer_figures

    same = payback.analyze(
        payback.load_scenario(_write(tmp_path, "eq.toml", EQUAL_TWO_WAYS.format(price=3.3)))
    )
    assert answer_figures(same.alternatives[0], 12)[0].value == "nothing saved"
    # its requests until then: none (the page said 0, --json says null)
    assert answer_figures(same.alternatives[0], 12)[1].value == "—"
    short = payback.analyze(
        payback.load_scenario(_write(tmp_path, "h1.toml", FLEET.format(horizon=1)))
    )
    assert answer_figures(short.alternatives[0], 1)[0].value == "not within 1 month"
    # a portfolio's quarter share past a 2-month horizon is unknown, not a crash
    assert whole_percent(None) == "unknown"
    assert whole_percent(0.574) == "57%"


def test_explain_samples_of_a_scenario_without_distributions_says_they_are_the_same() -> None:
    """It read "Across 200 samples of the scenario's ranges it pays back ... within 24
    months in 100%" for a scenario with no range at all, as analyze and a portfolio say
    every sample is the same."""
    text = sampled_words(EXAMPLES / "quarter-200k.toml", 200)  # the command line refuses it
    assert (
        "Across 200 samples: the scenario has no distributions, so every sample is the same."
        in text
    )
    assert "samples of the scenario's ranges" not in text


def test_a_portfolio_paid_back_within_a_short_horizon_leaves_the_quarter_unknown(
    tmp_path: Path,
) -> None:
    """A portfolio that breaks even within a 2-month horizon said "not within a quarter":
    whether it is still ahead at month 3 is past the horizon, as a scenario's verdict says.
    The shared fleet saves $4,182 − $1,965 = $2,217 a month against $600 paid once (five
    workloads' data at $120 each, no engineering), so it breaks even in month 0.27."""
    text = FROZEN_PORTFOLIO.read_text(encoding="utf-8")
    text = text.replace("horizon_months = 24", "horizon_months = 2")
    text = text.replace("engineer_hours = 120", "engineer_hours = 0")
    text = re.sub(r"one_time = \{[^}]*\}", "one_time = { data_usd = 120.0 }", text)
    code, out, err = run("analyze", _write(tmp_path, "p2.toml", text))
    assert code == 0, err
    verdict = out[out.index("Verdict:") :]
    assert "pays back in month 0.3" in " ".join(verdict.split())
    assert "a quarter is past the 2 months computed" in " ".join(verdict.split())
    assert "not within a quarter" not in out
    # the migration order's sentence says the same, where it said "pays back within a
    # quarter (month 0.3)"; the windows are one line, not three "unknown (horizon too short)"
    assert "With all 5 workloads it breaks even (month 0.3); a quarter is past the 2 months" in out
    assert "within a quarter" not in out
    assert "Pays back within       3, 6 and 12 months: unknown (horizon too short)" in out
    # --json's migration steps: unknown (null), where they read true for every step
    code, out, err = run("analyze", tmp_path / "p2.toml", "--json")
    assert code == 0, err
    steps = [
        step["pays_back_within_quarter"]
        for alt in json.loads(out)["portfolio"]["alternatives"]
        for step in alt["migration_order"]
    ]
    assert steps == [None] * 10
