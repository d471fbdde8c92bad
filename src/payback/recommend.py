"""Choose the serving configuration of a self-hosted alternative by search.

Every catalog GPU × serving precision × tensor-parallel degree (× model, when several
are compared) that fits in memory is one configuration. Its capacity comes from the
roofline in :mod:`payback.model.serving` and its fleet and cost from
:mod:`payback.model.costs`, evaluated for all configurations at once (numpy arrays with
one row per configuration; the only Python loop builds those rows from the catalog).
Each configuration runs the fewest replicas that serve the busiest hour of every month
(the replica count the cost engine would size), at the batch the latency target allows.

Configurations are ranked by their average monthly fleet cost over the horizon (GPU
rent, or owned servers with their power and colocation), those meeting the latency
targets first. The winner, written into the scenario (:func:`apply_winner`), gives the
same monthly cost in ``payback analyze``.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from payback import model as cm
from payback.catalog import Catalog, Gpu, OpenModel, default_catalog, gpu_offer
from payback.estimate import _kv_replication, peak_flops, serving_shape, valid_tensor_parallel
from payback.model import serving as sv
from payback.model.shapes import kv_bytes_per_token
from payback.scenario import (
    COMMITMENT_KINDS,
    Scenario,
    ScenarioError,
    SelfHostedOption,
)

__all__ = ["Candidate", "Recommendation", "apply_winner", "recommend"]

DEFAULT_MAX_REPLICAS = 1000
"""Configurations needing more replicas than this at the busiest month are left out."""

_ROW_FIELDS = (
    "params",
    "weights",
    "kv_bytes_per_token",
    "layers",
    "attention_width",
    "hidden_size",
    "tensor_parallel",
    "bandwidth",
    "peak_flops",
    "interconnect",
)


@dataclass(frozen=True)
class Candidate:
    """One configuration that fits, with its capacity, latency and cost."""

    model: str
    gpu: str
    precision: str
    gpus_per_replica: int
    replicas: int
    """Replicas in month 1 (the fleet grows with traffic; see ``replicas_max``)."""
    replicas_max: int
    """Replicas in the busiest month of the horizon."""
    batch: int
    """Sequences decoded together at full load."""
    replica_requests_per_s: float
    tpot_ms: float
    """Time per output token at full load [ms]."""
    ttft_ms: float
    """Time to first token on an unloaded replica [ms]."""
    usd_per_gpu_hour: float | None
    """Rent of one GPU (``None`` for owned hardware)."""
    monthly_cost_usd: float
    """Average monthly cost of the fleet over the horizon [USD/month]: rent (with its
    trend), or owned servers (purchases or depreciation, power, colocation)."""
    meets_targets: bool
    misses: str | None = None
    """Which latency target it misses, when it does."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def label(self) -> str:
        return f"{self.model} {self.precision} on {self.gpus_per_replica} × {self.gpu}"


@dataclass(frozen=True)
class Recommendation:
    """The search's answer for one self-hosted alternative."""

    alternative: int
    name: str
    models: list[str]
    candidates: list[Candidate]
    """Every configuration that fits, cheapest first, those meeting the targets first."""
    pareto: list[Candidate]
    """Configurations meeting the targets that no other beats on both cost and time per
    output token, cheapest first."""
    excluded: dict[str, int]
    """Configurations left out, by reason."""
    examples: dict[str, str] = field(default_factory=dict)
    """One example of each reason for leaving out."""
    evaluated: int = 0
    """Configurations evaluated (model × GPU × precision × GPUs per replica); those whose
    GPU lacks the precision or a price are left out before."""
    seconds: float = 0.0
    """Wall time of the vectorized evaluation."""
    targets: dict[str, float] = field(default_factory=dict)
    commitment: str = "none"
    owned: bool = False

    @property
    def best(self) -> Candidate | None:
        """The cheapest configuration meeting the targets, if any does."""
        first = self.candidates[0] if self.candidates else None
        return first if first is not None and first.meets_targets else None

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        shown = self.candidates if top is None else self.candidates[:top]
        return {
            "alternative": self.alternative,
            "name": self.name,
            "models": self.models,
            "targets": self.targets,
            "commitment": self.commitment,
            "owned_hardware": self.owned,
            "candidates": [c.to_dict() for c in shown],
            "candidates_total": len(self.candidates),
            "best": self.best.to_dict() if self.best else None,
            "pareto": [c.to_dict() for c in self.pareto],
            "excluded": self.excluded,
            "excluded_examples": self.examples,
            "evaluated": self.evaluated,
            "search_seconds": self.seconds,
        }


def _alternative(scenario: Scenario, index: int | None) -> tuple[int, SelfHostedOption]:
    hosted = [i for i, a in enumerate(scenario.alternatives) if isinstance(a, SelfHostedOption)]
    if index is None:
        if not hosted:
            raise ScenarioError(
                "alternatives: none is self_hosted; recommend chooses the GPUs of a self_hosted alternative"
            )
        index = hosted[0]
    count = len(scenario.alternatives)
    if not 0 <= index < count:
        raise ScenarioError(
            f"--alternative {index}: the scenario has alternatives 0 to {count - 1}"
            + (f" (self_hosted: {', '.join(map(str, hosted))})" if hosted else "")
        )
    option = scenario.alternatives[index]
    if not isinstance(option, SelfHostedOption):
        raise ScenarioError(
            f"alternatives.{index} ({option.name!r}) is {option.kind}; recommend needs a self_hosted one"
            + (f" (self_hosted: {', '.join(map(str, hosted))})" if hosted else "")
        )
    return index, option


class _Rows:
    """Per-configuration numbers, gathered in Python lists, then turned into arrays."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, str, str, int]] = []
        self.values: dict[str, list[float]] = {k: [] for k in (*_ROW_FIELDS, "capacity", "price")}

    def add(self, key: tuple[str, str, str, int], values: dict[str, float]) -> None:
        self.keys.append(key)
        for name, column in self.values.items():
            column.append(float(values[name]))

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v, dtype=np.float64) for k, v in self.values.items()}


def _price(option: SelfHostedOption, gpu: Gpu, kind: str) -> tuple[float | None, str | None]:
    """The GPU's hourly rent for this alternative, or why there is none."""
    if option.usd_per_gpu_hour is not None and option.gpu == gpu.id:
        return option.usd_per_gpu_hour, None
    try:
        offer = gpu_offer(gpu, option.gpu_provider, kind)
    except ScenarioError:
        return None, f"not offered by {option.gpu_provider}"
    if offer is None:
        return None, f"no {kind.replace('_', '-')} price in the catalog"
    return offer.usd_per_gpu_hour, None


def _note(excluded: dict[str, int], examples: dict[str, str], reason: str, example: str) -> None:
    excluded[reason] = excluded.get(reason, 0) + 1
    examples.setdefault(reason, example)


def recommend(
    scenario: Scenario,
    alternative: int | None = None,
    *,
    models: list[str] | None = None,
    catalog: Catalog | None = None,
    max_replicas: int = DEFAULT_MAX_REPLICAS,
    engine: sv.ServingEngine | None = None,
) -> Recommendation:
    """Search every GPU × precision × tensor-parallel degree (× model) for the cheapest
    fleet serving ``scenario``'s traffic within the alternative's latency targets.

    ``alternative`` is an index into ``scenario.alternatives`` (default: the first
    self-hosted one); ``models`` replaces the alternative's ``model``/``models``. The
    engine's factors are the alternative's ``calibration`` (its measured utilisation
    factors apply to every configuration; a serving benchmark in it measures one
    configuration only, so ``analyze`` of that one uses the benchmark instead).
    """
    catalog = catalog or default_catalog()
    index, option = _alternative(scenario, alternative)
    path = f"alternatives.{index}"
    if engine is None:
        engine = _calibrated_engine(scenario, option, path)
    traffic = scenario.traffic
    if traffic.input_tokens is None or traffic.output_tokens is None:
        raise ScenarioError(
            "traffic.input_tokens and traffic.output_tokens: required by recommend "
            "(capacity is estimated from token lengths)"
        )
    if max_replicas < 1:
        raise ScenarioError(f"max_replicas = {max_replicas}: must be ≥ 1")
    names = models or option.models or ([option.model] if option.model else [])
    if not names:
        raise ScenarioError(
            f'{path}.model: recommend needs the model to serve; give model = "qwen2.5-7b" '
            "(or models = [...] to compare several) in the scenario, or --model"
        )
    where = f"{path}.models" if (not models and option.models) else f"{path}.model"
    open_models: list[OpenModel] = []
    for name in dict.fromkeys(names):
        try:
            open_models.append(catalog.model(name, scenario.base_dir))
        except ScenarioError as exc:
            raise ScenarioError([f"{where}: {m}" for m in exc.messages]) from None
    if option.gpu is not None:
        try:
            catalog.gpu(option.gpu)
        except ScenarioError as exc:
            raise ScenarioError([f"{path}.gpu: {m}" for m in exc.messages]) from None
    if option.owned is not None:
        if option.gpu is None:
            raise ScenarioError(
                f'{path}.gpu: owned servers hold one GPU type; name it (gpu = "h100-sxm") to search '
                "precisions, GPUs per replica and replicas on it"
            )
        gpus = [catalog.gpu(option.gpu)]
    else:
        gpus = list(catalog.gpus.values())
    kind = COMMITMENT_KINDS[option.commitment]
    input_tokens, output_tokens = traffic.input_tokens, traffic.output_tokens
    if output_tokens < 1:
        raise ScenarioError("traffic.output_tokens: recommend needs at least 1 output token")
    mean_context = input_tokens + output_tokens / 2.0
    prompt = max(input_tokens, 1.0)
    cached = min(traffic.cached_input_share, 0.99)

    excluded: dict[str, int] = {}
    examples: dict[str, str] = {}
    rows = _Rows()
    for open_model in open_models:
        for gpu in gpus:
            price, why = (None, None) if option.owned is not None else _price(option, gpu, kind)
            for precision in sv.PRECISIONS:
                try:
                    peak_flops(gpu, precision)
                    lacks = False
                except ScenarioError:
                    lacks = True
                for tp in valid_tensor_parallel(open_model):
                    label = f"{open_model.id} {precision} on {tp} × {gpu.id}"
                    if lacks:
                        _note(
                            excluded, examples, "the GPU lacks the precision's tensor cores", label
                        )
                        continue
                    if why is not None:
                        _note(excluded, examples, why, label)
                        continue
                    args = serving_shape(open_model, gpu, precision, tp)
                    args["capacity"] = sv.kv_capacity_tokens(
                        gpu_memory_bytes=gpu.memory_bytes,
                        tensor_parallel=tp,
                        weights=sv.weights_bytes(open_model.params_b * 1e9, precision),
                        kv_bytes_per_token=kv_bytes_per_token(
                            layers=open_model.layers,
                            kv_heads=open_model.kv_heads,
                            head_dim=open_model.head_dim,
                            kv_bytes=sv.KV_BYTES[precision],
                        )
                        * _kv_replication(open_model, tp),
                        engine=engine,
                    )
                    args["price"] = math.nan if price is None else price
                    rows.add((open_model.id, gpu.id, precision, tp), args)
    start = time.perf_counter()
    candidates = _evaluate(
        scenario,
        option,
        rows,
        mean_context,
        prompt,
        cached,
        max_replicas,
        engine,
        excluded,
        examples,
    )
    seconds = time.perf_counter() - start
    candidates.sort(
        key=lambda c: (not c.meets_targets, c.monthly_cost_usd, c.tpot_ms, c.gpu, c.precision)
    )
    targets = {k: v for k, v in (("tpot_ms", option.tpot_ms), ("ttft_ms", option.ttft_ms)) if v}
    return Recommendation(
        alternative=index,
        name=option.name,
        models=[m.id for m in open_models],
        candidates=candidates,
        pareto=_pareto(candidates),
        excluded=excluded,
        examples=examples,
        evaluated=len(rows.keys),
        seconds=seconds,
        targets=targets,
        commitment=option.commitment,
        owned=option.owned is not None,
    )


def _calibrated_engine(scenario: Scenario, option: SelfHostedOption, path: str) -> sv.ServingEngine:
    """The default engine, with the alternative's calibrated factors when it names a file."""
    if not option.calibration:
        return sv.VLLM
    from payback.calibration import engine_for, load_calibration, read_benchmark

    location = Path(option.calibration)
    if not location.is_absolute() and scenario.base_dir is not None:
        location = scenario.base_dir / location
    try:
        cal = (
            read_benchmark(location)
            if location.suffix.lower() == ".json"
            else load_calibration(location)
        )
    except ScenarioError as exc:
        raise ScenarioError(
            [f"{path}.calibration = {option.calibration!r}: {m}" for m in exc.messages]
        ) from None
    return engine_for(cal.factors)


def _evaluate(
    scenario: Scenario,
    option: SelfHostedOption,
    rows: _Rows,
    mean_context: float,
    prompt: float,
    cached: float,
    max_replicas: int,
    engine: sv.ServingEngine,
    excluded: dict[str, int],
    examples: dict[str, str],
) -> list[Candidate]:
    """Capacity, latency, fleet and cost of every configuration, as arrays."""
    if not rows.keys:
        return []
    a = rows.arrays()
    args = {k: a[k] for k in _ROW_FIELDS}
    col = {k: v[:, np.newaxis] for k, v in args.items()}
    # the batch: the largest that fits the KV cache, the engine and the latency target
    by_memory = np.floor(a["capacity"] / mean_context)
    max_batch = np.minimum(by_memory, engine.max_num_seqs)
    grid = np.arange(1, engine.max_num_seqs + 1, dtype=np.float64)[np.newaxis, :]
    steps = sv.decode_step_seconds(batch=grid, context=mean_context, engine=engine, **col)
    allowed = grid <= max_batch[:, np.newaxis]
    if option.tpot_ms is not None:
        allowed &= steps * 1000.0 <= option.tpot_ms
    batch = np.where(allowed.any(axis=1), np.max(np.where(allowed, grid, 0.0), axis=1), 1.0)
    load_step = sv.decode_step_seconds(batch=batch, context=mean_context, engine=engine, **args)
    prefill_args = {
        k: v for k, v in args.items() if k not in ("kv_bytes_per_token", "weights", "bandwidth")
    }
    prefill = sv.prefill_seconds(
        input_tokens=prompt, cached_share=cached, engine=engine, **prefill_args
    )
    output_tokens = float(scenario.traffic.output_tokens or 0.0)
    rps = sv.replica_requests_per_s(
        prefill_s=prefill, output_tokens=output_tokens, step_s=load_step, batch=batch
    )
    alone = np.maximum(
        prefill,
        sv.weight_read_seconds(
            weights=args["weights"],
            tensor_parallel=args["tensor_parallel"],
            bandwidth=args["bandwidth"],
            engine=engine,
        ),
    )
    first_step = sv.decode_step_seconds(batch=1.0, context=prompt, engine=engine, **args)
    ttft_ms = (alone + first_step) * 1000.0
    tpot_ms = load_step * 1000.0
    fits = by_memory >= 1.0
    tpot_ok = np.ones_like(fits) if option.tpot_ms is None else tpot_ms <= option.tpot_ms
    ttft_ok = np.ones_like(fits) if option.ttft_ms is None else ttft_ms <= option.ttft_ms

    # the fleet each month, and its cost, for every configuration at once
    cost, replicas = _fleet_cost(scenario, option, rps, args["tensor_parallel"], a["price"])
    too_many = replicas.max(axis=1) > max_replicas
    out: list[Candidate] = []
    for i, (model_id, gpu_id, precision, tp) in enumerate(rows.keys):
        label = f"{model_id} {precision} on {tp} × {gpu_id}"
        if not fits[i]:
            _note(excluded, examples, "does not fit in memory", label)
            continue
        if too_many[i]:
            _note(
                excluded,
                examples,
                f"needs more than {max_replicas} replicas",
                f"{label}: {int(replicas[i].max()):,} replicas",
            )
            continue
        misses = [
            f"tpot {tpot_ms[i]:.1f} > {option.tpot_ms:g} ms" if not tpot_ok[i] else "",
            f"ttft {ttft_ms[i]:.0f} > {option.ttft_ms:g} ms" if not ttft_ok[i] else "",
        ]
        missed = "; ".join(m for m in misses if m) or None
        if missed:
            _note(excluded, examples, "misses the latency targets", f"{label}: {missed}")
        out.append(
            Candidate(
                model=model_id,
                gpu=gpu_id,
                precision=precision,
                gpus_per_replica=tp,
                replicas=int(replicas[i, 0]),
                replicas_max=int(replicas[i].max()),
                batch=int(batch[i]),
                replica_requests_per_s=float(rps[i]),
                tpot_ms=float(tpot_ms[i]),
                ttft_ms=float(ttft_ms[i]),
                usd_per_gpu_hour=None if math.isnan(a["price"][i]) else float(a["price"][i]),
                monthly_cost_usd=float(cost[i]),
                meets_targets=missed is None,
                misses=missed,
            )
        )
    return out


def _fleet_cost(
    scenario: Scenario,
    option: SelfHostedOption,
    rps: np.ndarray,
    tp: np.ndarray,
    price: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Average monthly fleet cost over the horizon and replicas per month, one row per
    configuration; the same formulas the cost engine applies to one configuration."""
    traffic = scenario.traffic
    horizon = scenario.scenario.horizon_months
    requests = cm.requests_per_month(traffic.requests_per_month, traffic.growth_monthly, horizon)
    served = requests - cm.escalated_requests(requests, option.escalation_share)
    with np.errstate(divide="ignore", invalid="ignore"):
        replicas = cm.fleet_replicas(
            served,
            peak_to_average=traffic.peak_to_average,
            replica_requests_per_s=rps,
            target_utilization=option.target_utilization,
            min_replicas=option.min_replicas,
        )
    replicas = np.where(np.isfinite(replicas), replicas, np.inf)
    gpus = replicas * tp[:, np.newaxis]
    trend = cm.price_trend(option.gpu_price_change_annual, horizon)
    if option.owned is not None:
        owned = option.owned
        servers = cm.servers_needed(gpus, owned.gpus_per_server)
        facility = cm.server_running_cost(
            servers,
            kw_per_server=owned.kw_per_server,
            usd_per_kwh=owned.usd_per_kwh,
            pue=owned.pue,
            colocation_usd_per_server_month=owned.colocation_usd_per_server_month,
        )
        at_start, hardware = cm.owned_server_cost(
            servers,
            usd_per_server=owned.usd_per_server,
            depreciation_months=owned.depreciation_months,
            cash=owned.financing == "cash",
        )
        total = at_start + np.sum(facility + hardware, axis=-1)
        return total / horizon, replicas
    if option.always_on:
        monthly = cm.always_on_gpu_cost(gpus, price) * trend
    else:
        hours = cm.scale_to_zero_gpu_hours(
            served,
            replica_requests_per_s=rps,
            target_utilization=option.target_utilization,
            gpus_per_replica=tp,
        )
        monthly = hours * price[:, np.newaxis] * trend
    return np.mean(monthly, axis=-1), replicas


def _pareto(candidates: list[Candidate]) -> list[Candidate]:
    """Configurations meeting the targets not beaten on both cost and time per token."""
    front: list[Candidate] = []
    best_tpot = math.inf
    for c in sorted(
        (c for c in candidates if c.meets_targets), key=lambda c: (c.monthly_cost_usd, c.tpot_ms)
    ):
        if c.tpot_ms < best_tpot:
            front.append(c)
            best_tpot = c.tpot_ms
    return front


def apply_winner(data: Any, index: int, winner: Candidate, option: SelfHostedOption) -> None:
    """Write ``winner`` into the ``index``-th alternative of a scenario's data (a tomlkit
    document or a plain dict): model, GPU, precision and GPUs per replica; the capacity
    and rent it replaces are removed so that they are estimated and looked up again."""
    table = data["alternatives"][index]
    table["model"] = winner.model
    table["gpu"] = winner.gpu
    table["precision"] = winner.precision
    table["gpus_per_replica"] = winner.gpus_per_replica
    for stale in ("replica_requests_per_s", "models"):
        if stale in table:
            del table[stale]
    if "usd_per_gpu_hour" in table and option.gpu != winner.gpu:
        del table["usd_per_gpu_hour"]
