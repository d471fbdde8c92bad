"""The lesson's demo, answered by payback: ``python3 main.py`` in a checkout with payback
installed (``pip install .``).

The lesson's ``breakeven()`` turns two prices per 1,000 requests and a one-time cost into
"Break even after ~30,769 requests". Here payback gives that line, then three lines of
what the full analysis adds for the same case ($15 vs $2 per 1,000 requests, a $400
project; examples/seed.toml gives it 20,000 requests a month over 6 months): when it
pays back and the NPV, the one-time cost item by item, and the assumption that decides it.
See docs/tutorial.md for the whole walk-through.
"""

from __future__ import annotations

from pathlib import Path

import payback

SEED_SCENARIO = Path(__file__).resolve().parent / "examples" / "seed.toml"
ITEMS = {
    "data": "data",
    "engineering": "engineering time",
    "eval": "eval harness",
    "training": "training runs",
}


def breakeven(
    hosted_cost_per_1k_req: float, self_hosted_cost_per_1k_req: float, one_time_finetune_cost: float
) -> str:
    """The lesson's function, computed by payback (``payback quick`` on the command line)."""
    answer = payback.quick_break_even(
        hosted_cost_per_1k_req, self_hosted_cost_per_1k_req, one_time_finetune_cost
    )
    return str(answer.message)


def full_analysis_lines(scenario: Path = SEED_SCENARIO) -> list[str]:
    """Three lines of what ``payback analyze`` adds for the lesson's case."""
    analysis = payback.analyze(payback.load_scenario(scenario))
    alt = analysis.alternatives[0]
    horizon = analysis.horizon_months
    requests = analysis.requests_per_month[0]
    month = alt.break_even_month
    when = (
        f"never within {horizon} months"
        if month is None
        else f"month {month:.2f}, " + ("within a quarter" if month <= 3 else "not within a quarter")
    )
    items = ", ".join(
        f"{ITEMS.get(k, k)} ${v:,.0f}" for k, v in (alt.one_time_items_usd or {}).items() if v
    )
    top = analysis.drivers[0][0]
    return [
        f"In time: at {requests:,.0f} requests a month it pays back in {when}; NPV "
        f"${alt.npv_usd:,.0f} over {horizon} months (payback analyze examples/seed.toml).",
        f"The ${alt.one_time_usd:,.0f} item by item: {items}; a real project adds an eval "
        "harness, hosting, ops and retraining (examples/quarter-200k.toml).",
        f"What decides it: {top.parameter} {top.assumed or 'over its range'} moves the NPV "
        f"from ${top.npv_low_usd:,.0f} to ${top.npv_high_usd:,.0f} "
        "(payback sensitivity examples/seed.toml).",
    ]


if __name__ == "__main__":
    print(
        breakeven(
            hosted_cost_per_1k_req=15, self_hosted_cost_per_1k_req=2, one_time_finetune_cost=400
        )
    )
    for line in full_analysis_lines():
        print(line)
