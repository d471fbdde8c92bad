"""From a scenario to monthly cash flows, vectorized over samples.

:func:`evaluate` reads every number of a scenario by its dotted path
(``traffic.requests_per_month``, ``alternatives.0.usd_per_gpu_hour``,
``alternatives.0.one_time.engineer_hours``). Any of them may be *overridden* by an
array of samples; all outputs then carry the samples on their leading axes and the
month on the last one. Monte Carlo, sensitivity swings and solving for a threshold all
go through this one function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from payback import finance as model
from payback.analysis.alone import alone, local_path
from payback.analysis.resolve import Resolved, as_resolved
from payback.analysis.unread import not_an_input
from payback.analysis.verdict import has_cost_per_1k
from payback.errors import PaybackError
from payback.finance._types import ArrayLike, FloatArray, as_float, per_sample
from payback.scenario import (
    COMMITMENT_TERM_MONTHS,
    HostedApiOption,
    PerRequestOption,
    Scenario,
    SelfHostedOption,
    value_at,
)

__all__ = [
    "AlternativeOutcome",
    "Evaluation",
    "OptionCosts",
    "alone",
    "evaluate",
    "local_path",
    "not_an_input",
    "numeric_paths",
    "value_at",
]

Overrides = Mapping[str, ArrayLike]

COMPONENTS = (
    "api",
    "gpus",
    "hardware",
    "facility",
    "escalation",
    "ops",
    "retraining",
    "errors",
    "latency",
)
"""Names of the monthly cost components, in display order: ``errors`` and ``latency``
price quality and waiting (only for options that give ``quality`` / ``latency``)."""


@dataclass(frozen=True)
class OptionCosts:
    """Monthly running costs of one option [USD/month], month on the last axis."""

    monthly_usd: FloatArray
    """Total cost of each month."""
    components: dict[str, FloatArray]
    """The total split by :data:`COMPONENTS` (only those that apply)."""
    gpus: FloatArray | None = None
    """GPUs paid a month: rented (a 1y/3y term's reserved) or owned; scaled to 0, busy h/730."""
    hardware_at_start_usd: FloatArray | None = None
    """Owned servers bought at t = 0 (cash financing of the month-1 fleet) [USD]."""
    servers: FloatArray | None = None
    """Owned servers in use each month."""
    needed_gpus: FloatArray | None = None
    """Of :attr:`gpus`, those each month needs; the rest a 1y/3y term reserved, idle."""
    traffic_gpus: FloatArray | None = None
    """Of :attr:`needed_gpus`, those the month's traffic needs; the rest ``min_replicas`` keeps."""

    @property
    def usage_usd(self) -> FloatArray:
        """The usage-driven part of the monthly cost: API fees, or GPUs and owned servers."""
        parts = [
            self.components[k]
            for k in ("api", "gpus", "hardware", "facility")
            if k in self.components
        ]
        return np.asarray(np.sum(parts, axis=0), dtype=np.float64)


@dataclass(frozen=True)
class AlternativeOutcome:
    """What switching from the baseline to one alternative gives."""

    costs: OptionCosts
    one_time_items_usd: dict[str, FloatArray]
    """One-time cost by item (data, engineering, eval, training) [USD]."""
    one_time_usd: FloatArray
    cumulative_savings_usd: FloatArray
    """S(0..H), month 0 first [USD]."""
    break_even_month: FloatArray
    """Fractional month of the first S ≥ 0; ``nan`` when never within the horizon."""
    break_even_requests: FloatArray
    """Cumulative requests at the break-even time; ``nan`` when never."""
    npv_usd: FloatArray


@dataclass(frozen=True)
class Evaluation:
    """Cash flows of a scenario; arrays may carry sample axes before the month axis."""

    horizon_months: int
    requests: FloatArray
    """Requests in each month [requests/month]."""
    baseline: OptionCosts
    alternatives: list[AlternativeOutcome] = field(default_factory=list)


def numeric_paths(scenario: Scenario | Resolved) -> list[str]:
    """Dotted paths of every number the cost engine reads, in the order it reads them,
    each estimated figure followed by the numbers its estimate reads that the engine does
    not (an estimated capacity's ``tpot_ms``, a training job's size:
    :func:`~payback.analysis.follow.estimate_inputs`; the figure follows them): the
    numbers :func:`evaluate` can vary. Other numbers used only to resolve catalog ids and
    the horizon are not among them."""
    from payback.analysis.follow import estimate_inputs

    resolved = as_resolved(scenario)
    get = _Inputs(resolved, {})
    _evaluate(get)
    feeds = estimate_inputs(resolved)
    out: dict[str, None] = {}
    for path in get.read:
        out[path] = None
        out.update((p, None) for p in feeds.get(path, ()) if p not in get.read)
    return list(out)


class _Inputs:
    """Numbers of a scenario by path, with overrides taking precedence; remembers the
    paths it was asked for."""

    def __init__(self, resolved: Resolved, overrides: Overrides) -> None:
        self.resolved = resolved
        self.scenario = scenario = resolved.scenario
        self.overrides = {k: as_float(v) for k, v in overrides.items()}
        self.read: dict[str, None] = {}
        for path in self.overrides:
            current = value_at(scenario, path)
            if isinstance(current, bool) or not isinstance(current, int | float | None):
                raise PaybackError(f"{path}: {not_an_input(resolved, path)}")

    def __call__(self, path: str) -> FloatArray:
        self.read[path] = None
        if path in self.overrides:
            return self.overrides[path]
        value = value_at(self.scenario, path)
        if value is None:
            raise PaybackError(f"{path}: required here but not given")
        return as_float(value)

    def check_all_read(self) -> None:
        """Every override must have been used: varying anything else would silently do nothing."""
        unused = [p for p in self.overrides if p not in self.read]
        if unused:  # an estimate's input: its figure followed it (analysis/follow.py)
            from payback.analysis.follow import estimate_inputs

            followed = {p for reads in estimate_inputs(self.resolved).values() for p in reads}
            unused = [p for p in unused if p not in followed]
        if unused:
            raise PaybackError(f"{unused[0]}: {not_an_input(self.resolved, unused[0])}")


Usage = tuple[dict[str, FloatArray], FloatArray | None, dict[str, FloatArray]]
"""Usage-driven monthly costs by component, GPUs in use, and a fleet's extras (those of
:func:`payback.finance.self_hosted_cost`: ``needed_gpus``, ``traffic_gpus``, owned
``at_start``, ``servers``)."""


def _gpu_trend(get: _Inputs, path: str, option: SelfHostedOption, horizon: int) -> FloatArray:
    """The GPU rent's trend: (1 + a)^((m − 1)/12) on demand; a committed (1y/3y) price is
    held for its term and renewed at the trended price (:func:`model.committed_price_trend`).
    Read only when set (or varied): scenarios without a GPU price trend list no such input."""
    trend_path = f"{path}.gpu_price_change_annual"
    if option.gpu_price_change_annual == 0.0 and trend_path not in get.overrides:
        return np.ones(horizon)
    return model.committed_price_trend(
        get(trend_path), horizon, COMMITMENT_TERM_MONTHS[option.commitment]
    )


def _per_request_usage(
    get: _Inputs, path: str, option: PerRequestOption, requests: FloatArray
) -> Usage:
    cost = model.per_request_cost(
        requests, get(f"{path}.usd_per_1k_requests"), get(f"{path}.price_change_annual")
    )
    return {"api": cost}, None, {}


def _hosted_api_usage(
    get: _Inputs, path: str, option: HostedApiOption, requests: FloatArray
) -> Usage:
    cached_path = f"{path}.cached_input_usd_per_mtok"
    has_cached = option.cached_input_usd_per_mtok is not None or cached_path in get.overrides
    discount = get(f"{path}.batch_discount") if option.batch_discount is not None else 0.0
    cached_discount = (  # without a cached rate, cached tokens are input tokens
        get(f"{path}.cached_input_batch_discount")
        if option.cached_input_batch_discount is not None
        else (0.0 if has_cached else discount)
    )
    cost = model.hosted_api_cost(
        requests,
        input_tokens=get("traffic.input_tokens"),
        output_tokens=get("traffic.output_tokens"),
        cached_input_share=get("traffic.cached_input_share"),
        input_usd_per_mtok=get(f"{path}.input_usd_per_mtok"),
        cached_input_usd_per_mtok=get(cached_path if has_cached else f"{path}.input_usd_per_mtok"),
        output_usd_per_mtok=get(f"{path}.output_usd_per_mtok"),
        price_change_annual=get(f"{path}.price_change_annual"),
        batch_share=get(f"{path}.batch_share"),
        batch_discount=discount,
        cached_input_batch_discount=cached_discount,
    )
    return {"api": cost}, None, {}


OWNED_FIELDS = (
    "gpus_per_server",
    "kw_per_server",
    "usd_per_kwh",
    "pue",
    "colocation_usd_per_server_month",
    "usd_per_server",
    "depreciation_months",
)
"""An owned fleet's numbers, in the order the engine reads them."""


def _self_hosted_usage(
    get: _Inputs, path: str, option: SelfHostedOption, requests: FloatArray
) -> Usage:
    # read in this order: sampled inputs are drawn as they are first read
    capacity: dict[str, Any] = {
        "replica_requests_per_s": get(f"{path}.replica_requests_per_s"),
        "target_utilization": get(f"{path}.target_utilization"),
        "gpus_per_replica": get(f"{path}.gpus_per_replica"),
    }
    fleet: dict[str, Any] = {}  # only what this option uses is read
    if option.always_on:
        fleet["peak_to_average"] = get("traffic.peak_to_average")
        fleet["min_replicas"] = get(f"{path}.min_replicas")
    owned = None
    cash = False
    if option.owned is not None:
        cash = option.owned.financing == "cash"
        owned = {
            k: get(f"{path}.owned.{k}")
            for k in OWNED_FIELDS
            if not (cash and k == "depreciation_months")
        }
    if owned is None:
        fleet["usd_per_gpu_hour"] = get(f"{path}.usd_per_gpu_hour")
        fleet["trend"] = _gpu_trend(get, path, option, requests.shape[-1])
        fleet["term_months"] = COMMITMENT_TERM_MONTHS[option.commitment]
    components, gpus, extras = model.self_hosted_cost(
        requests, **capacity, always_on=option.always_on, owned=owned, cash=cash, **fleet
    )
    if owned is not None and path == "baseline":  # what you do today owns its month-1 fleet
        extras = {**extras, "at_start": np.zeros_like(extras["at_start"])}
    return components, gpus, extras


_USAGE: dict[type, Callable[[_Inputs, str, Any, FloatArray], Usage]] = {
    PerRequestOption: _per_request_usage,
    HostedApiOption: _hosted_api_usage,
    SelfHostedOption: _self_hosted_usage,
}
"""The usage-driven costs of each option kind."""


def _running_cost(get: _Inputs, path: str, option: Any, requests: FloatArray) -> Usage:
    """The usage-driven costs of serving ``requests`` with ``option`` [USD/month], by
    component (``api``; ``gpus``; owned ``hardware`` and ``facility``), the GPUs in use
    each month, and owned-hardware extras."""
    usage = _USAGE.get(type(option))
    if usage is None:  # pragma: no cover
        raise TypeError(f"unknown option type {type(option).__name__}")
    return usage(get, path, option, requests)


def _value_costs(
    get: _Inputs, path: str, option: Any, requests: FloatArray
) -> dict[str, FloatArray]:
    """What the errors and the waiting of ``requests`` answered by ``option`` cost; an
    option without ``quality`` (``latency``) has no error (waiting) cost."""
    out = {}
    if option.quality is not None:
        out["errors"] = model.error_cost(
            requests, get(f"{path}.quality.error_rate"), get(f"{path}.quality.usd_per_error")
        )
    if option.latency is not None:
        out["latency"] = model.latency_cost(
            requests,
            get(f"{path}.latency.p50_ms"),
            get(f"{path}.latency.usd_per_second_per_1k_requests"),
        )
    return out


def _escalation_cost(
    get: _Inputs, escalation: FloatArray, escalated: FloatArray, baseline: OptionCosts
) -> FloatArray:
    """What the baseline charges for the ``escalated`` requests of an alternative
    [USD/month]: its running cost of serving them, by its own rule (the baseline's
    price of that traffic, as DESIGN.md says).

    - per request or per token (and scaled to zero, billed per GPU-second): that share
      of its cost, e · (the baseline's usage cost);
    - rented, always on: a fleet sized for the escalated requests' busiest hour (its
      ``min_replicas``, ``gpus_per_replica``, ``target_utilization``, commitment and GPU
      price trend), not a share of its full fleet: routing a share there keeps the baseline's
      always-on replicas running however few requests reach them;
    - owned: the servers the baseline already runs. The escalated share uses as many as
      its fleet needs and pays their facility and, depreciated, their monthly charge;
      paid in cash, only servers beyond the baseline's month-1 fleet (owned today) are
      bought, when the escalated share's fleet outgrows it.

    An alternative that escalates nothing (e = 0) keeps no baseline running and pays 0.
    The baseline's ops and retraining do not follow: an option's ops are its own figure
    (the alternative's covers the routing), as its latency is."""
    option = get.scenario.baseline
    if not isinstance(option, SelfHostedOption) or not option.always_on:
        # linear in its requests: that share of its cost, the same figure to the last digit
        return baseline.usage_usd * per_sample(escalation)
    usage, _, extras = _running_cost(get, "baseline", option, escalated)
    owned = option.owned
    if owned is not None and owned.financing == "cash" and baseline.servers is not None:
        held = np.maximum(extras["servers"], baseline.servers[..., :1])
        bought = model.servers_bought(held) * per_sample(get("baseline.owned.usd_per_server"))
        bought[..., 0] = 0.0  # the month-1 fleet is the baseline's own already
        usage = {**usage, "hardware": bought}
    cost = np.sum(np.broadcast_arrays(*usage.values()), axis=0)
    return np.where(per_sample(escalation) > 0.0, cost, 0.0)


def _option_costs(
    get: _Inputs,
    path: str,
    option: Any,
    requests: FloatArray,
    baseline: OptionCosts | None,
) -> OptionCosts:
    """Monthly costs of an option; an alternative's escalated share of the requests is paid
    at the baseline's price of serving them (:func:`_escalation_cost`), and carries the
    baseline's error rate and latency. Only the baseline's latency, by design: the
    alternative's first attempt before escalating is not added (one figure per option)."""
    horizon = requests.shape[-1]
    # the baseline escalates to nothing (the schema holds it at 0): not an input to vary
    escalation = get(f"{path}.escalation_share") if baseline is not None else as_float(0.0)
    escalated = model.escalated_requests(requests, escalation)
    served = requests - escalated
    usage, gpus, extras = _running_cost(get, path, option, served)
    components = dict(usage)
    if baseline is not None:
        components["escalation"] = _escalation_cost(get, escalation, escalated, baseline)
    components["ops"] = model.recurring_monthly(get(f"{path}.ops_usd_per_month"), horizon)
    components["retraining"] = model.retraining_cost(
        get(f"{path}.recurring.retrain_every_months"), get(f"{path}.recurring.retrain_usd"), horizon
    )
    value = _value_costs(get, path, option, served)
    if baseline is not None:
        for name, cost in _value_costs(get, "baseline", get.scenario.baseline, escalated).items():
            value[name] = value[name] + cost if name in value else cost
    components.update(value)
    shape = np.broadcast_shapes(requests.shape, *(v.shape for v in components.values()))
    components = {k: np.broadcast_to(v, shape) for k, v in components.items()}
    total = np.sum(list(components.values()), axis=0)
    return OptionCosts(
        monthly_usd=total,
        components=components,
        gpus=gpus,
        hardware_at_start_usd=extras.get("at_start"),
        servers=extras.get("servers"),
        needed_gpus=extras.get("needed_gpus"),
        traffic_gpus=extras.get("traffic_gpus"),
    )


def _one_time_items(get: _Inputs, path: str) -> dict[str, FloatArray]:
    p = f"{path}.one_time"
    return {
        "data": get(f"{p}.data_usd"),
        "engineering": get(f"{p}.engineer_hours") * get(f"{p}.engineer_usd_per_hour"),
        "eval": get(f"{p}.eval_usd"),
        "training": get(f"{p}.training_usd") * get(f"{p}.training_runs"),
    }


def evaluate(
    scenario: Scenario | Resolved, overrides: Overrides | None = None, *, follow: bool = True
) -> Evaluation:
    """Monthly costs, cumulative savings, break-even and NPV of every alternative.

    A scenario that names catalog ids is resolved first (see :func:`payback.analysis.resolve`);
    pass a :class:`Resolved` to evaluate many times without resolving again.
    ``overrides`` maps dotted paths (see :func:`numeric_paths`) to arrays of samples (all of
    one shape, or broadcastable); without it the result holds monthly arrays of shape (H,).
    A capacity estimated from model and gpu follows what the overrides move, as analyze of
    the file at each sample's values would estimate it (:mod:`payback.analysis.follow`);
    ``follow=False`` takes every number as it stands.
    """
    resolved = as_resolved(scenario)
    if overrides and follow:
        from payback.analysis.follow import following

        overrides = following(resolved, overrides)
    get = _Inputs(resolved, overrides or {})
    with np.errstate(all="ignore"):  # a result that overflows is refused below, by name
        result = _evaluate(get)
    get.check_all_read()
    if not overrides:
        problem = _overflowing(resolved.scenario, result)
        if problem is not None:
            raise _overflow_error(resolved, list(get.read), problem)
    return result


def _overflowing(scenario: Scenario, ev: Evaluation) -> str | None:
    """The first result of an evaluation that is not a finite number, named for a reader
    (break-evens are left out: ``nan`` there means never); None when all are finite. A
    month with no cost of 1,000 requests (the results' rule, :func:`has_cost_per_1k`) is
    not checked, its costs are; month 1's is however few (typed: 5e-324 is refused)."""
    served = has_cost_per_1k(ev.requests) | (np.arange(ev.requests.shape[-1]) == 0)

    def option(name: str, costs: OptionCosts) -> list[tuple[str, Any]]:
        with np.errstate(all="ignore"):
            per_1k = np.where(served, costs.monthly_usd / ev.requests * 1000.0, 0.0)
        return [
            (f"{name}: monthly cost", costs.monthly_usd),
            *((f"{name}: {part} cost", value) for part, value in costs.components.items()),
            (f"{name}: cost per 1k requests", per_1k),
            (f"{name}: GPUs", costs.gpus if costs.gpus is not None else 0.0),
        ]

    checks: list[tuple[str, Any]] = [("requests per month", ev.requests)]
    checks += option(f"baseline '{scenario.baseline.name}'", ev.baseline)
    for i, (alt, outcome) in enumerate(zip(scenario.alternatives, ev.alternatives, strict=True)):
        name = f"alternatives.{i} '{alt.name}'"
        checks += option(name, outcome.costs)
        checks += [
            (f"{name}: one-time cost", outcome.one_time_usd),
            (f"{name}: cumulative savings", outcome.cumulative_savings_usd),
            (f"{name}: NPV", outcome.npv_usd),
        ]
    for name, values in checks:
        if not np.all(np.isfinite(values)):
            return name
    return None


_USUAL = (1e-6, 1e6)
"""Numbers outside this range (but 0) are suspects when a result overflows."""


def _overflow_error(resolved: Resolved, paths: list[str], problem: str) -> PaybackError:
    """The error for a result that overflows, naming the input that causes it: of the
    inputs far from the usual sizes, the one which, set to 1 alone, makes every result
    finite (one engine call each, only on this error's path)."""
    scenario = resolved.scenario
    for path in paths:
        value = value_at(scenario, path)
        if not isinstance(value, int | float) or isinstance(value, bool) or value == 0:
            continue
        if _USUAL[0] <= abs(value) <= _USUAL[1]:
            continue
        get = _Inputs(resolved, {path: np.float64(1.0)})
        with np.errstate(all="ignore"):
            tamed = _evaluate(get)
        if _overflowing(scenario, tamed) is None:
            return PaybackError(
                f"{path} = {value!r}: the results overflow with it ({problem} is not a "
                "finite number); give it a realistic value",
                param=path,
                value=value,
                allowed="a value whose results are finite numbers",
            )
    return PaybackError(
        f"the results overflow ({problem} is not a finite number); check the scenario's "
        "largest and smallest numbers"
    )


def _evaluate(get: _Inputs) -> Evaluation:
    scenario = get.scenario
    horizon = scenario.scenario.horizon_months
    requests = model.requests_per_month(
        get("traffic.requests_per_month"), get("traffic.growth_monthly"), horizon
    )
    baseline = _option_costs(get, "baseline", scenario.baseline, requests, None)
    rate = get("scenario.discount_rate_annual")
    outcomes = []
    for i, option in enumerate(scenario.alternatives):
        path = f"alternatives.{i}"
        costs = _option_costs(get, path, option, requests, baseline)
        items = _one_time_items(get, path)
        owned = option.owned if isinstance(option, SelfHostedOption) else None
        if costs.hardware_at_start_usd is not None and owned and owned.financing == "cash":
            items["hardware"] = costs.hardware_at_start_usd
        one_time = np.asarray(sum(items.values(), np.zeros(())), dtype=np.float64)
        base_monthly, alt_monthly = np.broadcast_arrays(baseline.monthly_usd, costs.monthly_usd)
        cum = model.cumulative_savings(base_monthly, alt_monthly, one_time)
        month = model.break_even_month(cum)
        outcomes.append(
            AlternativeOutcome(
                costs=costs,
                one_time_items_usd=items,
                one_time_usd=one_time,
                cumulative_savings_usd=cum,
                break_even_month=month,
                break_even_requests=model.break_even_requests(month, requests),
                npv_usd=model.net_present_value(base_monthly, alt_monthly, one_time, rate),
            )
        )
    return Evaluation(
        horizon_months=horizon, requests=requests, baseline=baseline, alternatives=outcomes
    )
