"""Plain words for a scenario's inputs: what a field means and its unit, for people who
never open the file. ``alternatives.0.one_time.engineer_hours`` reads "engineering time
[hours]"; its values read "60 hours".

The page's inputs, its "what would it take" box and the reports' driver charts take their
labels from here, so a field has one name everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Words", "input_label", "unit_suffix", "words_for"]


@dataclass(frozen=True)
class Words:
    """What a field is called and the unit its values are in."""

    name: str
    unit: str
    """As written in brackets after the name: ``$ per GPU-hour``, ``% a month``, ``hours``."""
    suffix: str = ""
    """Written after a value: ``/GPU-hour`` after ``$0.80``, `` requests`` after ``200k``
    (``$`` and ``%`` are written by the value itself)."""


_FIELDS: dict[str, Words] = {
    # the scenario and its traffic
    "scenario.horizon_months": Words("horizon", "months", " months"),
    "scenario.discount_rate_annual": Words("discount rate", "% a year", " a year"),
    "traffic.requests_per_month": Words(
        "requests per month, in month 1", "requests", " requests/month"
    ),
    "traffic.growth_monthly": Words("traffic growth", "% a month", " a month"),
    "traffic.input_tokens": Words("input tokens per request", "tokens", " tokens"),
    "traffic.output_tokens": Words("output tokens per request", "tokens", " tokens"),
    "traffic.cached_input_share": Words("cached input tokens", "% of input", " of input"),
    "traffic.peak_to_average": Words("busiest hour / average hour", "times", "×"),
    # an option's prices
    "input_usd_per_mtok": Words("input price", "$ per 1M tokens", "/1M tokens"),
    "cached_input_usd_per_mtok": Words("cached input price", "$ per 1M tokens", "/1M tokens"),
    "output_usd_per_mtok": Words("output price", "$ per 1M tokens", "/1M tokens"),
    "price_change_annual": Words("price trend", "% a year", " a year"),
    "batch_share": Words("requests sent as batch", "%"),
    "batch_discount": Words("batch discount", "%"),
    "cached_input_batch_discount": Words("batch discount on cached input", "%"),
    "usd_per_1k_requests": Words("price", "$ per 1,000 requests", "/1k requests"),
    "escalation_share": Words("requests still sent to the baseline", "%"),
    "ops_usd_per_month": Words("ops, monitoring, on-call", "$ a month", "/month"),
    # a self-hosted fleet
    "usd_per_gpu_hour": Words("GPU rent", "$ per GPU-hour", "/GPU-hour"),
    "gpu_price_change_annual": Words("GPU price trend", "% a year", " a year"),
    "gpus_per_replica": Words("GPUs per replica", "GPUs", " GPUs"),
    "replica_requests_per_s": Words("requests/s one replica serves", "requests/s", " requests/s"),
    "min_replicas": Words("replicas always on (minimum)", "replicas", " replicas"),
    "target_utilization": Words("planned load at the peak", "% of capacity", " of capacity"),
    "owned.usd_per_server": Words("server price", "$ per server", "/server"),
    "owned.gpus_per_server": Words("GPUs per server", "GPUs", " GPUs"),
    "owned.kw_per_server": Words("power per server", "kW", " kW"),
    "owned.usd_per_kwh": Words("electricity", "$ per kWh", "/kWh"),
    "owned.pue": Words("facility overhead (PUE)", "times", "×"),
    "owned.colocation_usd_per_server_month": Words(
        "colocation", "$ per server a month", "/server-month"
    ),
    "owned.depreciation_months": Words("depreciation period", "months", " months"),
    # one-time and recurring costs
    "one_time.data_usd": Words("data: collect, label, clean", "$"),
    "one_time.engineer_hours": Words("engineering time", "hours", " hours"),
    "one_time.engineer_usd_per_hour": Words("engineering rate", "$ per hour", "/hour"),
    "one_time.eval_usd": Words("eval harness", "$"),
    "one_time.training_usd": Words("one training run", "$"),
    "one_time.training_runs": Words("training runs", "runs", " runs"),
    "one_time.training.examples": Words("training examples", "examples", " examples"),
    "one_time.training.tokens_per_example": Words("tokens per example", "tokens", " tokens"),
    "one_time.training.epochs": Words("training epochs", "epochs", " epochs"),
    "one_time.training.usd_per_gpu_hour": Words("training GPU rent", "$ per GPU-hour", "/GPU-hour"),
    "recurring.retrain_every_months": Words("retrain every", "months; 0: never", " months"),
    "recurring.retrain_usd": Words("one retraining", "$"),
    # errors and waiting, priced
    "quality.error_rate": Words("error rate", "% of requests", " of requests"),
    "quality.usd_per_error": Words("cost of one error", "$"),
    "latency.p50_ms": Words("median latency (p50)", "ms", " ms"),
    "latency.usd_per_second_per_1k_requests": Words(
        "cost of waiting", "$ a second, per 1,000 requests", "/second per 1k requests"
    ),
}

_BOTH_SIDES = (
    "quality.",
    "latency.",
    "_usd_per_mtok",
    "usd_per_1k_requests",
    "price_change_annual",
)
"""Fields the baseline and an alternative both have: an alternative's are named as its own."""


def _field(path: str) -> tuple[str, str]:
    """The owner (``baseline``, ``alternative`` or ``""``) and the field within it."""
    match = re.fullmatch(r"(baseline|alternatives\.\d+)\.(.+)", path)
    if match is None:
        return "", path
    owner, rest = match.groups()
    return ("baseline" if owner == "baseline" else "alternative"), rest


def words_for(path: str) -> Words:
    """The words for a field, by its dotted path (any option's, any alternative's).

    >>> words_for("alternatives.3.one_time.engineer_hours")
    Words(name='engineering time', unit='hours', suffix=' hours')
    >>> words_for("baseline.strange_new_field").name
    'strange new field'
    """
    _, field = _field(path)
    known = _FIELDS.get(field)
    if known is not None:
        return known
    return Words(field.rsplit(".", 1)[-1].replace("_", " "), "")


def input_label(path: str, units: bool = True) -> str:
    """A field's plain label with its unit, the option it belongs to in front where both
    the baseline and an alternative have one.

    >>> input_label("alternatives.0.one_time.engineer_hours")
    'engineering time [hours]'
    >>> input_label("baseline.input_usd_per_mtok"), input_label("alternatives.1.quality.error_rate")
    ('baseline input price [$ per 1M tokens]', "alternative's error rate [% of requests]")
    >>> input_label("traffic.requests_per_month", units=False)
    'requests per month, in month 1'
    """
    owner, field = _field(path)
    words = words_for(path)
    name = words.name
    if owner == "baseline":
        name = f"baseline {name}"
    elif owner == "alternative" and any(part in field for part in _BOTH_SIDES):
        name = f"alternative's {name}"
    return f"{name} [{words.unit}]" if units and words.unit else name


def unit_suffix(path: str) -> str:
    """What follows a value of the field: ``/GPU-hour``, `` requests/month``, ``""``.

    >>> unit_suffix("alternatives.0.usd_per_gpu_hour"), unit_suffix("traffic.input_tokens")
    ('/GPU-hour', ' tokens')
    """
    return words_for(path).suffix
