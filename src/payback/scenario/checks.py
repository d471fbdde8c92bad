"""Costs written as a count times a price: one given without the other is refused, since
the product would silently be $0 (a training cost with no run, a retraining that never
comes, hours without a rate, a rate without hours)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel

    from payback.scenario.schema import Scenario

__all__ = ["cost_pair_problems"]

_PAIRS = (
    ("one_time", "engineer_hours", "engineer_usd_per_hour"),
    ("owned", "kw_per_server", "usd_per_kwh"),
)
"""(table, count, price): fields whose product is a cost, both defaulting to 0."""


def _given(model: BaseModel, name: str) -> bool:
    return name in model.model_fields_set


def _alone(path: str, table: BaseModel, count: str, price: str) -> list[str]:
    """A nonzero ``count`` or ``price`` whose partner the file does not give."""
    out = []
    for field, other in ((count, price), (price, count)):
        value = getattr(table, field)
        if value and not _given(table, other):
            out.append(
                f"{path}.{field} = {value:g} without {other}: their product, a cost, would be "
                f"$0; give {other} (0 if it costs nothing), or leave {field} out"
            )
    return out


def cost_pair_problems(scenario: Scenario) -> list[str]:
    """One line per count × price pair of an option that cannot be paid as written."""
    problems: list[str] = []
    for path, option in scenario.options():
        one_time, recurring = option.one_time, option.recurring
        runs = f"{path}.one_time.training_runs"
        if one_time.training_runs == 0 and one_time.training_usd:
            problems.append(
                f"{runs} = 0 with training_usd = {one_time.training_usd:g}: no run would be "
                "paid; give training_runs ≥ 1, or leave training_usd out"
            )
        elif one_time.training_runs == 0 and one_time.training is not None:
            problems.append(
                f"{runs} = 0 with a training job: no run would be paid; give "
                "training_runs ≥ 1, or leave training out"
            )
        every = f"{path}.recurring.retrain_every_months"
        if recurring.retrain_every_months == 0 and recurring.retrain_usd:
            problems.append(
                f"{every} = 0 (never) with retrain_usd = {recurring.retrain_usd:g}: it would "
                "never be paid; give retrain_every_months ≥ 1, or leave retrain_usd out"
            )
        elif recurring.retrain_every_months and not _given(recurring, "retrain_usd"):
            problems.append(
                f"{every} = {recurring.retrain_every_months} without retrain_usd: each "
                "retraining would cost $0; give retrain_usd (0 if it costs nothing)"
            )
        for table_name, count, price in _PAIRS:
            table = getattr(option, table_name, None)
            if table is not None:
                problems += _alone(f"{path}.{table_name}", table, count, price)
    return problems
