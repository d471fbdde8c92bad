"""Costs written as a count times a price whose product would silently be $0: a training
cost with no run is refused (no run is not a training); a retraining that never comes or
costs nothing, hours without a rate, power without a price are warned of (each is allowed
on its own). Traffic that compounds past what a scenario may start at is warned of too, and
a typed-in cached input price whose batched requests would take no batch discount. A
self-hosted fleet that would need more GPUs than any plan holds is refused, and so are two
alternatives of one name."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TYPE_CHECKING

from payback.figures import far_text, rate_text
from payback.scenario.names import name_key

if TYPE_CHECKING:
    from pydantic import BaseModel

    from payback.scenario.schema import Scenario, SelfHostedOption, Traffic

__all__ = [
    "batch_cache_warnings",
    "cost_pair_problems",
    "cost_pair_warnings",
    "fleet_limit",
    "fleet_problems",
    "gpu_count",
    "growth_warnings",
    "length_problems",
    "name_problems",
    "repeated_names",
]

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
                f"{path}.{field} = {value:g} without {other}: their product, a cost, is $0 "
                f"(give {other}, 0 if it costs nothing)"
            )
    return out


def cost_pair_problems(scenario: Scenario) -> list[str]:
    """One line per option whose training cost would be paid for no run."""
    problems: list[str] = []
    for path, option in scenario.options():
        one_time = option.one_time
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
    return problems


def length_problems(scenario: Scenario) -> list[str]:
    """The traffic's token lengths each option needs and the scenario lacks, each with why
    (:func:`_why_lengths`)."""
    traffic = "workloads.0.traffic" if scenario.workloads else "traffic"  # [traffic]'s source
    problems = []
    for path, option in scenario.options():
        why = _why_lengths(option)
        for field in ("input_tokens", "output_tokens") if why else ():
            if getattr(scenario.traffic, field) is None:
                problems.append(
                    f"{traffic}.{field}: is required because {path} ({option.name!r}) {why}"
                )
    return problems


def _why_lengths(option: BaseModel) -> str:
    """Why an option needs the traffic's token lengths, in words; empty where it does not.
    A capacity from a calibration is a benchmark's, measured at its own lengths and scaled
    to the scenario's, or an estimate with measured utilisation factors: either needs the
    model and GPU, and without them a benchmark's is used as measured (nothing to scale)."""
    from payback.scenario.schema import HostedApiOption, SelfHostedOption

    if isinstance(option, HostedApiOption):
        return "is priced per token"
    if not isinstance(option, SelfHostedOption) or option.replica_requests_per_s is not None:
        return ""
    if option.calibration is None:
        return "is estimated from token lengths"
    if option.model is None or option.gpu is None:
        return ""
    return (
        "takes its capacity from its calibration: a benchmark's, measured at its own token "
        "lengths, is scaled to the scenario's (utilisation factors estimate at them)"
    )


def name_problems(scenario: Scenario) -> list[str]:
    """Alternatives are told apart by name (the verdict, the tables, a workload's terms):
    one name used twice is refused, as a workload's is; in a portfolio, where a workload's
    terms name an alternative, names that differ only in case or spaces too."""
    names = [alt.name for alt in scenario.alternatives]
    return repeated_names("alternatives", names, loose=bool(scenario.workloads))


def repeated_names(path: str, names: list[str], loose: bool = True) -> list[str]:
    """A line for each of ``names`` (the entries of the list at ``path``) that an earlier
    one already uses: as written, or (``loose``) but for case and spaces (:func:`name_key`),
    both named as written.

    >>> for line in repeated_names("workloads", ["a", "b", "A ", "b"]):
    ...     print(line)
    workloads.2.name = 'A ': used by workloads.0 too, as 'a' (names that differ only in
    case or spaces read as one); give each workload its own name
    workloads.3.name = 'b': used by workloads.1 too; give each workload its own name
    """
    keys = [name_key(name) if loose else name for name in names]
    out = []
    for i, name in enumerate(names):
        if keys[i] in keys[:i]:
            first = keys.index(keys[i])
            written = (
                ""
                if names[first] == name
                else f", as {names[first]!r} (names that differ only in case or spaces read as one)"
            )
            out.append(
                f"{path}.{i}.name = {name!r}: used by {path}.{first} too{written}; "
                f"give each {path.removesuffix('s')} its own name"
            )
    return out


def _busiest_gpus(
    traffic: Traffic, horizon: int, option: SelfHostedOption, rps: float
) -> tuple[float, int]:
    """GPUs the fleet needs in its busiest month, and that month, as the cost model sizes
    it (:func:`payback.finance.costs.fleet_gpus`; a count that overflows is infinite)."""
    import numpy as np

    from payback.finance.costs import fleet_gpus

    growth = traffic.growth_monthly
    month = horizon if growth > 0 else 1
    requests = traffic.requests_per_month * (1.0 + growth) ** (month - 1)
    with np.errstate(over="ignore"):
        gpus = fleet_gpus(
            np.array([requests * (1.0 - option.escalation_share)]),
            peak_to_average=traffic.peak_to_average,
            replica_requests_per_s=rps,
            target_utilization=option.target_utilization,
            gpus_per_replica=option.gpus_per_replica or 1,
            min_replicas=option.min_replicas,
        )
    return float(gpus[0]), month


def gpu_count(x: float) -> str:
    """A count with every digit up to 10^16, past it in powers of ten."""
    return f"{x:,.0f}" if x < 1e16 else f"{x:.3g}"


def fleet_limit() -> str:
    """What a fleet may need, as every line about the cap says it."""
    from payback.scenario.schema import MAX_FLEET_GPUS

    return f"at most {MAX_FLEET_GPUS:,} GPUs (more than twice the data-centre GPUs sold in a year)"


def fleet_problems(scenario: Scenario, estimated: Collection[str] = ()) -> list[str]:
    """One line per self-hosted option (and workload's capacity for one) whose fleet would
    need more than :data:`~payback.scenario.schema.MAX_FLEET_GPUS` GPUs in its busiest
    month, at the capacity the file gives or with ``min_replicas`` alone (a resolved
    scenario's estimated capacities too: ``estimated`` names their paths)."""
    from payback.scenario.schema import MAX_FLEET_GPUS, SelfHostedOption

    horizon = scenario.scenario.horizon_months
    allowed = fleet_limit()
    out: list[str] = []
    for path, option in scenario.options():
        if not isinstance(option, SelfHostedOption):
            continue
        tp = option.gpus_per_replica or 1
        if option.min_replicas * tp > MAX_FLEET_GPUS:
            out.append(
                f"{path}.min_replicas = {option.min_replicas}: {option.min_replicas * tp:,} GPUs "
                f"at {tp} a replica; {allowed}"
            )
            continue
        sized = [
            (f"{path}.replica_requests_per_s", scenario.traffic, option.replica_requests_per_s)
        ]
        for j, workload in enumerate(scenario.workloads or []):
            terms = workload.alternatives.get(option.name)
            rps = terms.replica_requests_per_s if terms is not None else None
            where = f"workloads.{j}.alternatives.{option.name}.replica_requests_per_s"
            sized.append((where, workload.traffic, rps))
        for where, traffic, rps in sized:
            if rps is None:
                continue
            gpus, month = _busiest_gpus(traffic, horizon, option, rps)
            if gpus > MAX_FLEET_GPUS:
                out.append(
                    f"{where} = {rps:.3g}{' (estimated)' if where in estimated else ''}: the "
                    f"fleet would need {gpu_count(gpus)} GPUs in month {month} "
                    f"({gpu_count(traffic.requests_per_month * (1 + traffic.growth_monthly) ** (month - 1))} "
                    f"requests, busiest hour {traffic.peak_to_average:g}× the mean, "
                    f"planned at {rate_text(option.target_utilization)} of capacity); {allowed}"
                )
    return out


def cost_pair_warnings(scenario: Scenario) -> list[str]:
    """One line per count × price pair whose product is $0 though one of them is given: a
    retraining that never comes (``retrain_every_months = 0`` means never, which the schema
    allows) or that costs nothing, hours without a rate, power without a price."""
    out: list[str] = []
    for path, option in scenario.options():
        recurring = option.recurring
        every = f"{path}.recurring.retrain_every_months"
        if recurring.retrain_every_months == 0 and recurring.retrain_usd:
            out.append(
                f"{path}.recurring.retrain_usd = {recurring.retrain_usd:g} is never paid: "
                f"{every} = 0 (never); give retrain_every_months ≥ 1 to pay it"
            )
        elif recurring.retrain_every_months and not _given(recurring, "retrain_usd"):
            out.append(
                f"{every} = {recurring.retrain_every_months} without retrain_usd: each "
                "retraining costs $0 (give retrain_usd, 0 if it costs nothing)"
            )
        for table_name, count, price in _PAIRS:
            table = getattr(option, table_name, None)
            if table is not None:
                out += _alone(f"{path}.{table_name}", table, count, price)
    return out


def growth_warnings(scenario: Scenario) -> list[str]:
    """Lines about each traffic's ``growth_monthly``, compounded over the horizon (central
    values): ``[traffic]``'s and each workload's, by the path the file gives it
    (``workloads.1.traffic.growth_monthly``; ``[traffic]``'s is the first workload's where
    it has that workload's requests and growth, as it does by default). One line when the
    monthly requests pass :data:`~payback.limits.MAX_REQUESTS_PER_MONTH`, the most a
    scenario may start at (a growth of 100% a month over 600 months is allowed field by
    field, and gives numbers of 180 digits); else one when they grow or shrink more than
    :data:`~payback.finance.quick.FAR_COMPOUNDING`-fold."""
    horizon = scenario.scenario.horizon_months
    workloads = scenario.workloads or []
    tables = [(f"workloads.{j}.traffic", w.traffic) for j, w in enumerate(workloads)]
    first = workloads[0].traffic if workloads else None
    traffic = scenario.traffic
    if first is None or (traffic.requests_per_month, traffic.growth_monthly) != (
        first.requests_per_month,
        first.growth_monthly,
    ):
        tables.insert(0, ("traffic", traffic))
    return [line for path, t in tables for line in _growth_lines(path, t, horizon)]


def _growth_lines(path: str, traffic: Traffic, horizon: int) -> list[str]:
    """:func:`growth_warnings`'s line for the traffic at ``path``."""
    from payback.finance.quick import compounding_line
    from payback.limits import MAX_REQUESTS_PER_MONTH

    growth, requests = traffic.growth_monthly, traffic.requests_per_month
    field = f"{path}.growth_monthly"
    last = requests * (1.0 + growth) ** (horizon - 1) if growth > 0 else 0.0
    if last <= MAX_REQUESTS_PER_MONTH:
        line = compounding_line(field, requests, growth, horizon)
        return [] if line is None else [line]
    # the first month past the limit: R (1+g)^(m-1) > limit
    ratio = MAX_REQUESTS_PER_MONTH / requests
    past = 1 + int(math.log(ratio) / math.log1p(growth)) + 1
    return [
        f"{field} = {growth:g} compounds {requests:,.0f} "
        f"requests a month to {far_text(last) or f'{last:,.0f}'} by month {horizon}, past "
        f"{MAX_REQUESTS_PER_MONTH:,.0f} "
        f"from month {past} on: the figures past it rest on growth no traffic keeps "
        "(shorten scenario.horizon_months, or lower the growth)"
    ]


def batch_cache_warnings(scenario: Scenario) -> list[str]:
    """One line per hosted API option that types its cached input price (no catalog
    ``model``) and sends requests through the batch API without
    ``cached_input_batch_discount``: the cached input of those requests is billed at the
    typed price, no batch discount taken (a catalog price brings the provider's batch
    cache-read rate; a typed one has none, and the field's default is 0). Silent when
    there are no cached tokens, or the field is given (0 included)."""
    from payback.scenario.schema import HostedApiOption

    varied = scenario.distributions
    if scenario.traffic.cached_input_share <= 0 and "traffic.cached_input_share" not in varied:
        return []
    out: list[str] = []
    for path, option in scenario.options():
        if not isinstance(option, HostedApiOption) or option.model is not None:
            continue
        price, share = option.cached_input_usd_per_mtok, option.batch_share
        if not price or option.cached_input_batch_discount is not None:
            continue
        if share <= 0 and f"{path}.batch_share" not in varied:
            continue
        out.append(
            f"{path}.cached_input_usd_per_mtok = {price:g} with batch_share = {share:g}: the "
            f"cached input of batched requests is billed at ${price:g} per million tokens, with "
            f"no batch discount; give {path}.cached_input_batch_discount for one (the share "
            "off that price, 0.5 = half; 0 where the provider bills it in full)"
        )
    return out
