"""The lesson's demo, answered by payback: ``.venv/bin/python main.py`` in a checkout after
the README's first command (which installs payback into ``.venv``).

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
from payback.analysis.verdict import in_month_text, months_text, usd

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
    """Three lines of what ``payback analyze`` adds for the lesson's case (or another
    scenario file), in the words and formats ``payback analyze`` uses."""
    analysis = payback.analyze(payback.load_scenario(scenario))
    alt = analysis.alternatives[0]
    horizon = analysis.horizon_months
    requests = analysis.requests_per_month[0]
    month = alt.break_even_month
    when = (
        f"does not pay back within {months_text(horizon)}"
        if month is None
        else f"pays back {in_month_text(month, 2)}, "
        + ("within a quarter" if alt.pays_back_within.get("3") else "not within a quarter")
    )
    items = ", ".join(
        f"{ITEMS.get(k, k)} {usd(v, 0)}" for k, v in (alt.one_time_items_usd or {}).items() if v
    )
    shown = _shown(scenario)
    lines = [
        f"In time: at {requests:,.0f} requests a month it {when}; NPV {usd(alt.npv_usd, 0)} "
        f"over {months_text(horizon)} (payback analyze {shown}).",
        f"The {usd(alt.one_time_usd, 0)} item by item: {items or 'nothing'}"
        + (
            "; a real project adds an eval harness, hosting, ops and retraining "
            "(examples/quarter-200k.toml)."
            if not (alt.one_time_items_usd or {}).get("eval")
            else "."
        ),
    ]
    drivers = analysis.drivers[0] if analysis.drivers else []
    if not drivers:
        return [*lines, f"What decides it: no input moves the NPV (payback sensitivity {shown})."]
    top = drivers[0]
    return [
        *lines,
        f"What decides it: {top.parameter} {top.assumed or 'over its range'} moves the NPV "
        f"from {usd(top.npv_low_usd, 0)} to {usd(top.npv_high_usd, 0)} "
        f"(payback sensitivity {shown}).",
    ]


def _shown(scenario: Path) -> str:
    """The scenario's path as the commands above take it: from the repository's root."""
    path = Path(scenario).resolve()
    root = Path(__file__).resolve().parent
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(scenario)


if __name__ == "__main__":
    print(
        breakeven(
            hosted_cost_per_1k_req=15, self_hosted_cost_per_1k_req=2, one_time_finetune_cost=400
        )
    )
    for line in full_analysis_lines():
        print(line)
