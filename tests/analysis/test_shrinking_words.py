"""Traffic that shrinks toward nothing, tried as a new user would (growth -0.9 over 40
months): a difference that rounds to no cent is stated as no cost. The verdict read
"then costs more than the baseline from month 5 on ($0.00 more in month 40)" and the
break-even row "savings end in month 5 (costs $0.00 more in month 40)"; with the
alternative cheaper every month, "costs more ... from month 17 on" (float noise in the
cumulative savings) and "saves $0.00/month (month 40), needs until about month
3,888,888,888,888,923,595,738,850,029,058,368,995,368".

1,000,000 requests in month 1, a tenth of the month before after that; $1.00 per 1,000
against $0.80, $1,000 up front, no discounting."""

from __future__ import annotations

from pathlib import Path

import pytest

import payback
from helpers import run

SHRINKING = """
[scenario]
name = "shrinking"
horizon_months = 40

[traffic]
requests_per_month = 1000000
growth_monthly = -0.9

[baseline]
name = "hosted"
kind = "per_request"
usd_per_1k_requests = 1.0
{trend}

[[alternatives]]
name = "cheaper now"
kind = "per_request"
usd_per_1k_requests = 0.8

[alternatives.one_time]
data_usd = 1000.0
"""


def _scenario(tmp_path: Path, trend: str) -> Path:
    path = tmp_path / "shrinking.toml"
    path.write_text(SHRINKING.format(trend=trend), encoding="utf-8")
    return path


def _said(path: Path) -> str:
    words = []
    for command in (("analyze",), ("explain",)):
        code, out, err = run(*command, path)
        assert code == 0, err
        words.append(" ".join(out.split()))
    return " ".join(words)


def test_a_cost_under_a_cent_in_the_last_month_is_not_stated(tmp_path: Path) -> None:
    """The baseline's price falls 50% a year: month m costs 1,000 × 0.1^(m-1) ×
    0.5^((m-1)/12) dollars' worth of requests at $1.00, against $0.80. Months 1 to 4 save
    $200, 100 × (0.94387 - 0.8) = $14.39, 10 × (0.89090 - 0.8) = $0.91 and
    0.84090 - 0.8 = $0.04: $215.34 of the $1,000. Month 5 costs 0.1 × (0.8 - 0.79370) =
    $0.00063 more, and every later month less: under a cent, never "$0.00 more"."""
    path = _scenario(tmp_path, "price_change_annual = -0.5")
    analysis = payback.analyze(payback.load_scenario(path))
    alt = analysis.alternatives[0]
    base = analysis.baseline.monthly_cost_usd
    saved = [b - a for b, a in zip(base, alt.monthly_cost_usd, strict=True)]
    assert saved[:4] == pytest.approx([200.0, 14.387, 0.909, 0.0409], abs=5e-4)
    assert saved[4] == pytest.approx(-0.1 * (0.8 - 0.5 ** (4 / 12)))
    assert all(-0.001 < s < 0 for s in saved[4:])
    assert alt.cumulative_savings_usd[-1] == pytest.approx(-784.664, abs=1e-3)
    assert alt.reason == "savings end in month 5, $785 is never recovered"
    assert analysis.verdict() == (
        "'cheaper now' does not pay back within 40 months: it saves from month 1 to month 4, "
        "then differs from the baseline by under a cent a month from month 5 on; by month 40 "
        "it is $785 behind, and the $1,000 up front is never recovered; NPV -$785 over "
        "40 months"
    )
    assert "$0.00 more" not in _said(path)


def test_a_saving_under_a_cent_is_not_a_cost_nor_a_month_count(tmp_path: Path) -> None:
    """No price trend: it saves 200 × 0.1^(m-1) dollars in month m, every month, in all
    200 / 0.9 × (1 - 0.1^40) = $222.22; $777.78 is still owed at month 40, where it saves
    2×10⁻³⁷ dollars: under a cent, too little to ever recover it."""
    path = _scenario(tmp_path, "")
    analysis = payback.analyze(payback.load_scenario(path))
    alt = analysis.alternatives[0]
    assert alt.npv_usd == pytest.approx(200 / 0.9 - 1000)
    assert alt.reason == (
        "saves under a cent a month (month 40), too little to ever recover the $778 still owed"
    )
    verdict = analysis.verdict()  # the months the reason reads: it still saves in month 40
    assert verdict == (
        "'cheaper now' does not pay back within 40 months: by month 40 it has recovered $222 "
        "of the $1,000 up front, and at under a cent a month (month 40) the rest is never "
        "recovered; NPV -$778 over 40 months"
    )
    words = _said(path)  # the table's month 40 costs $0.00 on each side, as it is
    assert "$0.00/month" not in words
    assert "$0.00 more" not in words
    assert "costs more" not in words
    assert "about month 3," not in words  # 3.9×10³⁹ months, written out in full


def test_a_cost_of_a_cent_or_more_is_still_said() -> None:
    """A last month $12.50 worse than the baseline is said, as before; $0.004 worse is said
    as analyze writes money under a cent (it was left out: "$0.00 more" was no cost), and
    10^-33 dollars, traffic shrunk toward nothing, is still no cost to state."""
    import numpy as np

    from payback.analysis.verdict import never_reason

    saved = np.array([300.0, 100.0, -12.5])
    cumulative = np.array([-1000.0, -700.0, -600.0, -612.5])
    assert never_reason(saved, cumulative) == (
        "savings end in month 3 (costs $13 more in month 3), $613 is never recovered"
    )
    saved = np.array([300.0, 100.0, -0.004])
    cumulative = np.array([-1000.0, -700.0, -600.0, -600.004])
    assert never_reason(saved, cumulative) == (
        "savings end in month 3 (costs $0.004 more in month 3), $600 is never recovered"
    )
    saved = np.array([300.0, 100.0, -1e-33])
    cumulative = np.array([-1000.0, -700.0, -600.0, -600.0])
    assert never_reason(saved, cumulative) == "savings end in month 3, $600 is never recovered"


def test_savings_end_after_they_start_not_in_a_month_that_cost_more_before() -> None:
    """A flow that costs more in month 1, saves in months 2-3 and costs more from month 4
    on was said to have its "savings end in month 1"; they end in month 4."""
    import numpy as np

    from payback.analysis.verdict import never_reason

    saved = np.array([-5.0, 10.0, 10.0, -3.0, -3.0, -3.0])
    cumulative = np.concatenate([[-100.0], -100.0 + np.cumsum(saved)])
    assert never_reason(saved, cumulative) == (
        "savings end in month 4 (costs $3.00 more in month 6), $94.00 is never recovered"
    )
