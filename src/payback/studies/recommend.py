"""Choose the serving configuration of a self-hosted alternative by search.

Every catalog GPU × serving precision × tensor-parallel degree (× model, when several
are compared) that fits in memory is one configuration. Its capacity comes from the
roofline in :mod:`payback.hardware.serving` and its fleet and cost from
:mod:`payback.finance.costs`, evaluated for all configurations at once (numpy arrays with
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
from typing import TYPE_CHECKING, Any

import numpy as np

from payback import finance as cm
from payback.catalog import Catalog, Gpu, OpenModel, default_catalog, gpu_offer
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.estimate import (
    kv_cache_tokens,
    peak_flops,
    replica_rates,
    serving_shape,
    valid_tensor_parallel,
)
from payback.scenario import (
    COMMITMENT_KINDS,
    COMMITMENT_TERM_MONTHS,
    Scenario,
    SelfHostedOption,
)

if TYPE_CHECKING:
    from payback.measure.calibration import Calibration

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
    bought_at_start_usd: float | None = None
    """Owned servers paid in cash: the month-1 fleet's price, paid at t = 0 and included
    in ``monthly_cost_usd`` (the average over the horizon) [USD]."""

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
    """Configurations left out, by reason (those missing the latency targets are ranked,
    not left out: see ``missing_targets``)."""
    examples: dict[str, str] = field(default_factory=dict)
    """One example of each reason for leaving out."""
    missing_targets: int = 0
    """Ranked configurations that miss the latency targets (ranked after the others)."""
    missing_example: str | None = None
    """One of them, with what it misses."""
    warnings: list[str] = field(default_factory=list)
    """What to double-check (a calibration measured on another GPU or configuration)."""
    evaluated: int = 0
    """Configurations evaluated (model × GPU × precision × GPUs per replica); those whose
    GPU lacks the precision or a price are left out before."""
    seconds: float = 0.0
    """Wall time of the vectorized evaluation."""
    targets: dict[str, float] = field(default_factory=dict)
    commitment: str = "none"
    owned: bool = False
    benchmark: dict[str, Any] | None = None
    model_refs: dict[str, str] = field(default_factory=dict)
    """How the scenario (or --model) named each model searched, by model id: a local
    config.json path stays a path when the winner is written back."""
    """The serving benchmark the alternative's calibration holds (model, gpu, precision,
    gpus_per_replica, replica_requests_per_s; ``None`` fields unknown), if it holds one.
    ``gpus_per_replica`` is the recorded count, else the one ``analyze`` assumes
    (``gpus_per_replica_assumed`` true)."""
    cash: bool = False
    """Owned servers bought in cash (their price is paid at t = 0)."""
    unpriced: dict[str, str] = field(default_factory=dict)
    """GPUs searched that have no rent for this alternative, with why."""
    gpus_searched: int = 0

    @property
    def best(self) -> Candidate | None:
        """The cheapest configuration meeting the targets, if any does."""
        first = self.candidates[0] if self.candidates else None
        return first if first is not None and first.meets_targets else None

    def benchmark_matches(self, candidate: Candidate) -> bool:
        """Whether the calibration's serving benchmark measured ``candidate``'s model, GPU,
        precision and GPUs per replica (when it does not say, the count ``analyze`` assumes
        for it); an unknown model, GPU or precision counts as differing."""
        return self.benchmark is not None and _matches(self.benchmark, candidate)

    @property
    def no_best_reason(self) -> str | None:
        """Why no configuration qualifies, and what to change (``None`` when one does)."""
        if self.best is not None:
            return None
        targets = ", ".join(f"{k} ≤ {v:g}" for k, v in self.targets.items())
        if self.candidates:
            first = self.candidates[0]
            return (
                f"no configuration meets the latency targets ({targets}): all "
                f"{len(self.candidates):,} that fit miss them (the cheapest, {first.label()}, "
                f"misses {first.misses}); relax tpot_ms/ttft_ms"
            )
        if not self.excluded:
            return "no configuration to evaluate"
        why = set(self.unpriced.values())
        if self.gpus_searched and len(self.unpriced) == self.gpus_searched and len(why) == 1:
            reason = why.pop()
            return f"no configuration qualifies: {reason} for any GPU; {_hint(reason, self.commitment)}"
        total = sum(self.excluded.values())
        reason, count = max(self.excluded.items(), key=lambda kv: (kv[1], kv[0]))
        scope = (
            f"for any of the {total:,} configurations"
            if count == total
            else f"for {count:,} of the {total:,} configurations left out"
        )
        return f"no configuration qualifies: {reason} {scope}; {_hint(reason, self.commitment)}"

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        shown = self.candidates if top is None else self.candidates[:top]
        return {
            "alternative": self.alternative,
            "name": self.name,
            "models": self.models,
            "targets": self.targets,
            "commitment": self.commitment,
            "owned_hardware": self.owned,
            "owned_cash": self.cash,
            "calibration_benchmark": self.benchmark,
            "candidates": [c.to_dict() for c in shown],
            "candidates_total": len(self.candidates),
            "best": self.best.to_dict() if self.best else None,
            "pareto": [c.to_dict() for c in self.pareto],
            "no_best_reason": self.no_best_reason,
            "excluded": self.excluded,
            "excluded_examples": self.examples,
            "missing_targets": self.missing_targets,
            "missing_targets_example": self.missing_example,
            "warnings": self.warnings,
            "evaluated": self.evaluated,
            "search_seconds": self.seconds,
        }


def _matches(benchmark: dict[str, Any], candidate: Candidate) -> bool:
    """Same model, GPU, precision and GPUs per replica (the count the benchmark recorded,
    else the one ``analyze`` assumes for it: :func:`payback.benchmark_gpus_per_replica`)."""
    return (
        benchmark["model"] == candidate.model
        and benchmark["gpu"] == candidate.gpu
        and benchmark["precision"] == candidate.precision
        and benchmark.get("gpus_per_replica") == candidate.gpus_per_replica
    )


def _benchmark_count(scenario: Scenario, catalog: Catalog, cal: Calibration) -> tuple[int, bool]:
    """GPUs per replica of the calibration's serving benchmark, and whether assumed,
    decided as ``analyze`` decides it for an alternative serving the benchmark's model
    on its GPU (the only configuration it can match)."""
    from payback.measure.apply import benchmark_gpus_per_replica

    assert cal.serving is not None
    model: OpenModel | None = None
    gpu: Gpu | None = None
    try:
        model = catalog.model(cal.model, scenario.base_dir) if cal.model else None
        gpu = catalog.gpu(cal.gpu) if cal.gpu else None
    except PaybackError:
        pass
    if model is None or gpu is None or cal.precision is None:
        return benchmark_gpus_per_replica(cal.serving, None, None, cal.precision or "bf16")
    return benchmark_gpus_per_replica(cal.serving, model, gpu, cal.precision)


def benchmark_text(benchmark: dict[str, Any]) -> str:
    """The benchmark's configuration in words, unknown parts said so, and whether its
    GPUs per replica is assumed."""
    words = " ".join(
        str(benchmark[k]) if benchmark.get(k) is not None else f"unknown {k}"
        for k in ("model", "precision")
    )
    tp = benchmark.get("gpus_per_replica")
    gpu = benchmark.get("gpu") or "unknown gpu"
    text = f"{words} on {tp} × {gpu}"
    if benchmark.get("gpus_per_replica_assumed"):
        text += (
            f" (it does not say how many GPUs its replica used; {tp} assumed, as analyze "
            "assumes: set gpus_per_replica in the calibration if it differs)"
        )
    return text


def _hint(reason: str, commitment: str) -> str:
    """What to change when ``reason`` left every configuration out."""
    if "price in the catalog" in reason:
        return 'give usd_per_gpu_hour with gpu = "…" (the rent you were quoted)' + (
            ", or another commitment" if commitment != "none" else ""
        )
    if reason.startswith("not offered by"):
        return "give another gpu_provider, or usd_per_gpu_hour with gpu"
    if reason.startswith("needs more than"):
        return "raise --max-replicas"
    if reason.startswith("does not fit"):
        return "compare a smaller model (--model)"
    if reason.startswith("replica larger than a server"):
        return "give owned.gpus_per_server for a larger server"
    return "compare other models (--model) or GPUs"


def _alternative(scenario: Scenario, index: int | None) -> tuple[int, SelfHostedOption]:
    hosted = [i for i, a in enumerate(scenario.alternatives) if isinstance(a, SelfHostedOption)]
    if index is None:
        if not hosted:
            raise PaybackError(
                "alternatives: none is self_hosted; recommend chooses the GPUs of a self_hosted alternative"
            )
        index = hosted[0]
    count = len(scenario.alternatives)
    if not 0 <= index < count:
        raise PaybackError(
            f"--alternative {index}: the scenario has alternatives 0 to {count - 1}"
            + (f" (self_hosted: {', '.join(map(str, hosted))})" if hosted else "")
        )
    option = scenario.alternatives[index]
    if not isinstance(option, SelfHostedOption):
        raise PaybackError(
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
    except PaybackError:
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
    warnings: list[str] = []
    cal = _calibration(scenario, option, path, warnings)
    if engine is None:
        from payback.hardware.calibration import engine_for

        engine = engine_for(cal.factors if cal is not None else None)
    benchmark: dict[str, Any] | None = None
    if cal is not None and cal.serving is not None:
        count, assumed = _benchmark_count(scenario, catalog, cal)
        benchmark = {  # compared as analyze compares them (a catalog id)
            "model": cal.model,
            "gpu": cal.gpu,
            "precision": cal.precision,
            "gpus_per_replica": count,
            "gpus_per_replica_assumed": assumed,
            "replica_requests_per_s": cal.serving.replica_requests_per_s,
        }
    elif cal is not None and cal.factors is not None:
        measured_on = cal.gpu or cal.device or "a device the catalog lacks"
        warnings.append(
            f"{path}.calibration: its utilisation factors were measured on {measured_on}; "
            "recommend applies them to every GPU it compares (they may not carry over)"
        )
    if scenario.distributions:
        names = sorted(scenario.distributions, key=lambda p: (not p.startswith("traffic."), p))
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        warnings.append(
            f"the scenario holds distributions ({shown}): recommend sizes and prices the fleet "
            "at their central values (analyze --samples N shows the spread for the winner)"
        )
    traffic = scenario.traffic
    if traffic.input_tokens is None or traffic.output_tokens is None:
        raise PaybackError(
            "traffic.input_tokens and traffic.output_tokens: required by recommend "
            "(capacity is estimated from token lengths)"
        )
    if max_replicas < 1:
        raise PaybackError(f"--max-replicas {max_replicas}: must be ≥ 1")
    names = models or option.models or ([option.model] if option.model else [])
    if not names:
        raise PaybackError(
            f'{path}.model: recommend needs the model to serve; give model = "qwen2.5-7b" '
            "(or models = [...] to compare several) in the scenario, or --model"
        )
    where = f"{path}.models" if (not models and option.models) else f"{path}.model"
    open_models: list[OpenModel] = []
    model_refs: dict[str, str] = {}
    for name in dict.fromkeys(names):
        try:
            open_models.append(catalog.model(name, scenario.base_dir))
            model_refs.setdefault(open_models[-1].id, name)
        except PaybackError as exc:
            flag = f"--model {name}" if models else where
            raise PaybackError([f"{flag}: {m}" for m in exc.messages]) from None
    if option.gpu is not None:
        try:
            catalog.gpu(option.gpu)
        except PaybackError as exc:
            raise PaybackError([f"{path}.gpu: {m}" for m in exc.messages]) from None
    if option.owned is not None:
        if option.gpu is None:
            raise PaybackError(
                f'{path}.gpu: owned servers hold one GPU type; name it (gpu = "h100-sxm") to search '
                "precisions, GPUs per replica and replicas on it"
            )
        gpus = [catalog.gpu(option.gpu)]
    else:
        gpus = list(catalog.gpus.values())
    kind = COMMITMENT_KINDS[option.commitment]
    input_tokens, output_tokens = traffic.input_tokens, traffic.output_tokens
    if output_tokens < 1:
        raise PaybackError("traffic.output_tokens: recommend needs at least 1 output token")
    mean_context = input_tokens + output_tokens / 2.0
    prompt = max(input_tokens, 1.0)
    cached = min(traffic.cached_input_share, 0.99)

    excluded: dict[str, int] = {}
    examples: dict[str, str] = {}
    unpriced: dict[str, str] = {}
    rows = _Rows()
    for open_model in open_models:
        for gpu in gpus:
            price, why = (None, None) if option.owned is not None else _price(option, gpu, kind)
            if why is not None:
                unpriced[gpu.id] = why
            for precision in sv.PRECISIONS:
                try:
                    peak_flops(gpu, precision)
                    lacks = False
                except PaybackError:
                    lacks = True
                for tp in valid_tensor_parallel(open_model):
                    label = f"{open_model.id} {precision} on {tp} × {gpu.id}"
                    if option.owned is not None and tp > option.owned.gpus_per_server:
                        _note(
                            excluded,
                            examples,
                            "replica larger than a server",
                            f"{label}: {option.owned.gpus_per_server} GPUs per server",
                        )
                        continue
                    if lacks:
                        _note(
                            excluded, examples, "the GPU lacks the precision's tensor cores", label
                        )
                        continue
                    if why is not None:
                        _note(excluded, examples, why, label)
                        continue
                    args = serving_shape(open_model, gpu, precision, tp)
                    args["capacity"] = kv_cache_tokens(open_model, gpu, precision, tp, engine)
                    args["price"] = math.nan if price is None else price
                    rows.add((open_model.id, gpu.id, precision, tp), args)
    start = time.perf_counter()
    candidates, missing = _evaluate(
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
    candidates.sort(key=_rank)
    measured = [c for c in candidates if benchmark is not None and _matches(benchmark, c)]
    if measured and benchmark is not None:
        c = measured[0]
        assumed_text = (
            f" ({c.gpus_per_replica} GPUs per replica assumed: the benchmark does not say)"
            if benchmark.get("gpus_per_replica_assumed")
            else ""
        )
        warnings.append(
            f"{path}.calibration is a serving benchmark of {c.label()}{assumed_text}: analyze prices that "
            f"configuration with the measured {benchmark['replica_requests_per_s']:.3g} req/s "
            "(scaled to the scenario's token lengths), not the estimate ranked here "
            f"({c.replica_requests_per_s:.3g} req/s)"
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
        cash=option.owned is not None and option.owned.financing == "cash",
        missing_targets=len(missing),
        missing_example=missing[0] if missing else None,
        warnings=warnings,
        benchmark=benchmark,
        model_refs=model_refs,
        unpriced=unpriced,
        gpus_searched=len(gpus),
    )


def _rank(c: Candidate) -> tuple[Any, ...]:
    """Those meeting the targets first, then cheaper, then more spare capacity
    (replicas × requests/s), then faster to the first token, then per output token."""
    return (
        not c.meets_targets,
        c.monthly_cost_usd,
        -c.replicas * c.replica_requests_per_s,
        c.ttft_ms,
        c.tpot_ms,
        c.model,
        c.gpu,
        c.precision,
        c.gpus_per_replica,
    )


def _calibration(
    scenario: Scenario, option: SelfHostedOption, path: str, warnings: list[str]
) -> Calibration | None:
    """The calibration (or serving benchmark) the alternative names, if any; what to
    double-check about it goes to ``warnings``."""
    if not option.calibration:
        return None
    from payback.measure.calibration import scenario_calibration

    cal, more = scenario_calibration(option.calibration, scenario.base_dir, f"{path}.calibration")
    warnings.extend(more)
    return cal


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
) -> tuple[list[Candidate], list[str]]:
    """Capacity, latency, fleet and cost of every configuration, as arrays; and those
    missing the latency targets (still ranked, after the others)."""
    if not rows.keys:
        return [], []
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
    rates = replica_rates(
        args,
        batch,
        mean_context=mean_context,
        input_tokens=prompt,
        output_tokens=float(scenario.traffic.output_tokens or 0.0),
        cached_share=cached,
        engine=engine,
    )
    rps = rates.requests_per_s
    ttft_ms = rates.ttft_s * 1000.0
    tpot_ms = rates.load_step_s * 1000.0
    fits = by_memory >= 1.0
    tpot_ok = np.ones_like(fits) if option.tpot_ms is None else tpot_ms <= option.tpot_ms
    ttft_ok = np.ones_like(fits) if option.ttft_ms is None else ttft_ms <= option.ttft_ms

    # the fleet each month, and its cost, for every configuration at once
    cost, replicas, at_start = _fleet_cost(
        scenario, option, rps, args["tensor_parallel"], a["price"]
    )
    too_many = replicas.max(axis=1) > max_replicas
    out: list[Candidate] = []
    missing: list[str] = []
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
            missing.append(f"{label}: {missed}")
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
                bought_at_start_usd=None if at_start is None else float(at_start[i]),
            )
        )
    return out, missing


def _fleet_cost(
    scenario: Scenario,
    option: SelfHostedOption,
    rps: np.ndarray,
    tp: np.ndarray,
    price: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Average monthly fleet cost over the horizon, replicas per month, and owned servers
    paid in cash at t = 0 (else ``None``), one row per configuration, from the function
    the cost engine prices one configuration with (:func:`model.self_hosted_cost`)."""
    traffic = scenario.traffic
    horizon = scenario.scenario.horizon_months
    requests = cm.requests_per_month(traffic.requests_per_month, traffic.growth_monthly, horizon)
    served = requests - cm.escalated_requests(requests, option.escalation_share)
    owned = option.owned
    cash = owned is not None and owned.financing == "cash"
    with np.errstate(divide="ignore", invalid="ignore"):
        components, _, extras = cm.self_hosted_cost(
            np.broadcast_to(served, (len(rps), horizon)),
            replica_requests_per_s=rps,
            target_utilization=option.target_utilization,
            gpus_per_replica=tp,
            always_on=option.always_on,
            peak_to_average=traffic.peak_to_average,
            min_replicas=option.min_replicas,
            usd_per_gpu_hour=price,
            trend=cm.committed_price_trend(
                option.gpu_price_change_annual, horizon, COMMITMENT_TERM_MONTHS[option.commitment]
            ),
            owned=None if owned is None else {k: getattr(owned, k) for k in cm.OWNED_PARAMETERS},
            cash=cash,
        )
    monthly = np.sum(list(components.values()), axis=0)
    at_start = extras.get("at_start")
    total = np.sum(monthly, axis=-1) + (0.0 if at_start is None else at_start)
    replicas = extras.get("replicas")
    if replicas is None:  # scaled to zero: the replicas its busiest hour would run
        with np.errstate(divide="ignore", invalid="ignore"):
            replicas = cm.fleet_replicas(
                served,
                peak_to_average=traffic.peak_to_average,
                replica_requests_per_s=rps,
                target_utilization=option.target_utilization,
                min_replicas=option.min_replicas,
            )
    replicas = np.where(np.isfinite(replicas), replicas, np.inf)
    return total / horizon, replicas, at_start if cash else None


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


REPLACED = "# replaced by payback recommend: "
"""How ``--apply`` keeps a line it replaces, as a comment under the new one."""


def apply_winner(
    data: Any,
    index: int,
    winner: Candidate,
    option: SelfHostedOption,
    *,
    drop_calibration: bool = False,
    model_ref: str | None = None,
) -> list[str]:
    """Write ``winner`` into the ``index``-th alternative of a scenario's data (a tomlkit
    document or a plain dict): model, GPU, precision and GPUs per replica. The capacity
    (``replica_requests_per_s``), a rent given for another GPU and, with
    ``drop_calibration``, the calibration are removed so that ``analyze`` estimates and
    looks them up again; ``models`` stays (``analyze`` does not read it). ``model_ref``
    is how the scenario named the winning model (a config.json path), if not by its id.

    In a tomlkit document each line replaced or removed stays as a comment
    (``# replaced by payback recommend: usd_per_gpu_hour = 0.8``) under the line that
    replaces it, or where it was. Returns those lines as the user wrote them."""
    table = data["alternatives"][index]
    new: dict[str, Any] = {
        "model": model_ref or winner.model,
        "gpu": winner.gpu,
        "precision": winner.precision,
        "gpus_per_replica": winner.gpus_per_replica,
    }
    removed = ["replica_requests_per_s"]
    if option.gpu != winner.gpu:
        removed.append("usd_per_gpu_hour")
    if drop_calibration:
        removed.append("calibration")
    replaced: list[str] = []
    for key, value in new.items():
        if key in table and table[key] == value:
            continue
        if key in table:
            replaced.append(_replace_line(table, key, value))
        else:
            table[key] = value
    for key in removed:
        if key in table:
            replaced.append(_replace_line(table, key, None))
    return replaced


def _written(table: Any, key: str) -> str:
    """The line ``key = value`` as the user wrote it (with its comment), when known."""
    item = table[key]
    trivia = getattr(item, "trivia", None)
    if trivia is None or not hasattr(item, "as_string"):
        return f"{key} = {item!r}"
    comment = f"{trivia.comment_ws or ' '}{trivia.comment}" if trivia.comment else ""
    return f"{key} = {item.as_string()}{comment}"


def _replace_line(table: Any, key: str, value: Any) -> str:
    """Set (or, for ``None``, remove) ``table[key]``, keeping the old line as a comment
    where a tomlkit layout allows; returns the old line."""
    old = _written(table, key)
    import tomlkit

    container = getattr(table, "value", None)
    body = getattr(container, "body", None)
    if body is None or isinstance(table, tomlkit.items.InlineTable):
        # a plain dict (YAML) or an inline table (one line): no comments to keep
        if value is None:
            del table[key]
        else:
            table[key] = value
        return old
    keys = [k.key if k is not None else None for k, _ in body]
    position = keys.index(key)
    lines = [  # the other key = value lines (a removal leaves a Null in the body)
        (i, item)
        for i, (k, item) in enumerate(body)
        if k is not None and i != position and not isinstance(item, tomlkit.items.Null)
    ]
    before = [item for i, item in lines if i < position]
    after = [item for i, item in lines if i > position]
    trivia = table[key].trivia
    trail = trivia.trail  # the notes an earlier removal left after this line stay too
    carried = trail[trail.index("\n") + 1 :] if "\n" in trail else ""
    note = f"{trivia.indent}{REPLACED}{old}\n{carried}"
    if value is not None:
        item = tomlkit.item(value)
        item.trivia.indent = trivia.indent
        table[key] = item
        item = table[key]
        item.trivia.comment_ws = ""
        item.trivia.comment = ""
        item.trivia.trail = "\n" + note
        return old
    del table[key]
    previous = getattr(before[-1], "trivia", None) if before else None
    following = getattr(after[0], "trivia", None) if after else None
    if previous is not None and previous.trail.endswith("\n"):
        previous.trail += note
    elif following is not None:
        following.indent = note + following.indent
    else:
        table.add(tomlkit.comment(f"{REPLACED.removeprefix('# ')}{old}"))
    return old


def relocate_paths(
    data: Any, source: Path, target: Path, catalog: Catalog | None = None
) -> list[str]:
    """Rewrite the relative file paths a scenario's data holds (a tomlkit document or a
    plain dict: each option's ``calibration`` and ``model``/``models`` given as a local
    ``config.json``, and its training job's ``calibration`` and ``model``) from the folder
    ``source`` to the folder ``target``, so that a copy written in ``target`` points at the
    same files: relative where possible, else absolute. Returns what changed, as
    ``field: 'old' → 'new'``."""
    import os

    catalog = catalog or default_catalog()
    source, target = source.resolve(), target.resolve()
    if source == target:
        return []
    repos = {m.hf_repo.lower() for m in catalog.models.values()}

    def is_path(value: Any, model: bool) -> bool:
        if not isinstance(value, str) or not value or Path(value).is_absolute():
            return False
        if not model:
            return True
        if value in catalog.models or value.lower() in repos:
            return False
        return value.endswith(".json") or (source / value).is_file()

    def moved(value: str) -> str:
        where = source / value
        try:
            return Path(os.path.relpath(where, target)).as_posix()
        except ValueError:  # another drive: no relative path
            return str(where)

    changes: list[str] = []

    def rewrite(container: Any, key: Any, field_path: str, model: bool) -> None:
        value = container[key]
        if not is_path(value, model):
            return
        new = moved(str(value))
        if new != str(value):
            container[key] = new
            changes.append(f"{field_path}: {str(value)!r} → {new!r}")

    options: list[tuple[str, Any]] = [("baseline", data.get("baseline"))]
    options += [(f"alternatives.{i}", a) for i, a in enumerate(data.get("alternatives") or [])]
    for where, table in options:
        if not hasattr(table, "get"):
            continue
        jobs = [(where, table)]
        one_time = table.get("one_time")
        training = one_time.get("training") if hasattr(one_time, "get") else None
        if hasattr(training, "get"):
            jobs.append((f"{where}.one_time.training", training))
        for prefix, part in jobs:
            if "calibration" in part:
                rewrite(part, "calibration", f"{prefix}.calibration", model=False)
            if "model" in part:
                rewrite(part, "model", f"{prefix}.model", model=True)
        names = table.get("models")
        if isinstance(names, list):
            for j in range(len(names)):
                rewrite(names, j, f"{where}.models.{j}", model=True)
    return changes
