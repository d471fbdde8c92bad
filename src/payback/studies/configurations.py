"""The configurations :func:`payback.studies.recommend.recommend` compares, evaluated at once.

Every model × GPU × serving precision × tensor-parallel degree that can run is one row of
numbers (:class:`Rows`; the only Python loop builds those rows from the catalog); the
capacity, latency, fleet and cost of all rows are then computed with numpy arrays, one row
per configuration. What cannot run, or needs too many replicas, is left out with a reason
(:class:`LeftOut`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from payback.analysis.resolve_fleet import fleet_rank, fleet_sizes, spare_capacity
from payback.analysis.resolve_self_hosted import first_token_meets
from payback.catalog import (
    Gpu,
    GpuPrice,
    OpenModel,
    gpu_offer,
    marketplace_only,
    provider_gap,
)
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.hardware.device import precision_gap
from payback.hardware.estimate import (
    COMPUTED_CACHED_SHARE,
    check_engine,
    context_overflow,
    engine_limits,
    kv_cache_tokens,
    loaded_latency_arrays,
    loaded_steps,
    replica_rates,
    serving_shape,
    valid_tensor_parallel,
    with_kv_cache,
)
from payback.hardware.rates import paces
from payback.scenario import Scenario, SelfHostedOption

__all__ = ["Candidate", "LeftOut", "Load", "Rows", "evaluate_rows", "gather", "pareto", "rank"]

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
    "expert_weights",
    "expert_share",
    "window_layers",
    "window",
    "layer_kernel_ratio",
)


@dataclass(frozen=True)
class Candidate:
    """One configuration that fits, with its capacity, latency and cost."""

    model: str
    gpu: str
    precision: str
    gpus_per_replica: int
    replicas: int
    """Replicas in month 1 (the fleet grows with traffic; see ``replicas_max``). Scaled to
    zero (``always_on = false``): those its busiest hour runs at once, not the replicas
    paid (``replicas_paid``)."""
    replicas_max: int
    """Replicas in the busiest month of the horizon."""
    batch: int
    """Sequences the replica runs together at full load, as
    :func:`~payback.hardware.estimate.estimate_serving`'s ``batch``: ``decode_batch``, or
    fewer when a step's token budget holds fewer."""
    replica_requests_per_s: float
    tpot_ms: float
    """Time per output token where the fleet runs: at ``target_utilization`` of a
    replica's capacity [ms]."""
    ttft_ms: float
    """Mean time to the first token at ``target_utilization`` of a replica's capacity,
    queueing included [ms]."""
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
    decode_batch: int = 0
    """The batch cap the replica runs under: the largest the memory, the engine and
    ``tpot_ms`` allow (:func:`~payback.hardware.estimate.estimate_serving`'s
    ``decode_batch``, the ``batch`` a re-estimate is given); 0 where not known."""
    replicas_paid: float | None = None
    """Scaled to zero: the replicas paid on average in month 1, GPU-hours run / 730 / GPUs
    per replica (``analyze``'s replicas_month_1); ``None`` for an always-on fleet, which
    pays for the replicas it runs."""
    replicas_paid_max: float | None = None
    """Scaled to zero: the most paid on average in a month (``analyze``'s replicas_max)."""

    def to_dict(self) -> dict[str, Any]:
        """The fields, with ``first_token_unbounded`` beside ``ttft_ms`` (which JSON writes
        as null when the fleet runs at its capacity: no queue there has a bound), the
        replicas paid beside those run and the batch cap beside the batch."""
        out: dict[str, Any] = {}
        fields = asdict(self)
        for key, value in fields.items():
            if key in ("decode_batch", "replicas_paid", "replicas_paid_max"):  # placed below
                continue
            out[key] = value
            if key == "replicas_max":  # the replicas paid beside those run
                out["replicas_paid"] = fields["replicas_paid"]
                out["replicas_paid_max"] = fields["replicas_paid_max"]
            if key == "batch":
                out["decode_batch"] = fields["decode_batch"]
            if key == "ttft_ms":
                out["first_token_unbounded"] = math.isinf(value)
        return out

    def label(self) -> str:
        return f"{self.model} {self.precision} on {self.gpus_per_replica} × {self.gpu}"


SHORT_CONTEXT = "the model's context is shorter than the requests"
"""Why every configuration of a model is left out when a request does not fit its context."""


def _precisions(model: OpenModel) -> list[str]:
    """The weight formats tried for ``model``: expert-only ones (MXFP4) on mixtures of
    experts only (a dense model has no expert weights)."""
    return [p for p in sv.PRECISIONS if model.is_moe or p not in sv.EXPERT_ONLY_PRECISIONS]


def _configurations(model: OpenModel, gpus: list[Gpu]) -> int:
    """How many configurations of ``model`` :func:`gather` would try on ``gpus``: each GPU ×
    precision × tensor-parallel degree."""
    return len(gpus) * len(_precisions(model)) * len(valid_tensor_parallel(model))


@dataclass
class LeftOut:
    """Configurations left out, by reason, with one example of each; and GPUs without rent."""

    excluded: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    unpriced: dict[str, str] = field(default_factory=dict)
    """GPUs searched that have no rent for this alternative, with why."""
    short_models: list[str] = field(default_factory=list)
    """Models whose context is shorter than a request, each with its context."""
    evaluated: set[str] = field(default_factory=set)
    """The reasons found once a configuration was evaluated (short of memory, too many
    replicas); the others leave it out before."""

    def note(self, reason: str, example: str, count: int = 1, evaluated: bool = False) -> None:
        self.excluded[reason] = self.excluded.get(reason, 0) + count
        self.examples.setdefault(reason, example)
        if evaluated:
            self.evaluated.add(reason)

    def short_context(self, model: OpenModel, load: Load, configurations: int) -> None:
        """All ``configurations`` of ``model`` left out: its context is shorter than a
        request. Counted as configurations, like every other reason; the example names
        each such model with its context."""
        self.short_models.append(f"{model.id}'s {model.max_context:,}")
        self.note(SHORT_CONTEXT, "", configurations)
        self.examples[SHORT_CONTEXT] = (
            f"a request of {load.prompt + load.output_tokens:,.0f} tokens; context "
            + ", ".join(self.short_models)
        )


class Rows:
    """Per-configuration numbers, gathered in Python lists, then turned into arrays."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, str, str, int]] = []
        self.values: dict[str, list[float]] = {
            k: [] for k in (*_ROW_FIELDS, "capacity", "price", "max_num_seqs", "budget")
        }
        self.offers: dict[str, GpuPrice] = {}
        """The catalog offer each GPU's rent was read from, by GPU id (none for owned
        servers or the alternative's own ``usd_per_gpu_hour``): its provider and date."""

    def add(self, key: tuple[str, str, str, int], values: dict[str, float]) -> None:
        self.keys.append(key)
        for name, column in self.values.items():
            column.append(float(values[name]))

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v, dtype=np.float64) for k, v in self.values.items()}


@dataclass(frozen=True)
class Load:
    """The token lengths every configuration serves."""

    mean_context: float
    """Tokens in a sequence's context on average while it decodes."""
    prompt: float
    """Input tokens (at least 1) to prefill."""
    cached: float
    """Share of the input tokens served from the prefix cache (at most
    :data:`~payback.hardware.estimate.COMPUTED_CACHED_SHARE`)."""
    output_tokens: float

    @classmethod
    def of(cls, input_tokens: float, output_tokens: float, cached_input_share: float) -> Load:
        return cls(
            mean_context=input_tokens + output_tokens / 2.0,
            prompt=max(input_tokens, 1.0),
            cached=min(cached_input_share, COMPUTED_CACHED_SHARE),
            output_tokens=float(output_tokens),
        )


def _price(
    option: SelfHostedOption, gpu: Gpu, kind: str
) -> tuple[float | GpuPrice | None, str | None]:
    """The GPU's hourly rent for this alternative (the catalog's offer, or the alternative's
    own rent), or why there is none."""
    if option.usd_per_gpu_hour is not None and option.gpu == gpu.id:
        return option.usd_per_gpu_hour, None
    try:
        offer = gpu_offer(gpu, option.gpu_provider, kind, option.gpu_price)
    except PaybackError:
        if option.gpu_provider is None:
            return None, f"no {option.gpu_price} {kind.replace('_', '-')} price in the catalog"
        return None, f"not offered by {option.gpu_provider}"
    if offer is None and option.gpu_provider is not None:
        return None, provider_gap(gpu, option.gpu_provider, kind)
    if offer is None:
        if marketplace_only(gpu, kind):
            return None, 'marketplace rents only (gpu_price = "marketplace" uses them)'
        return None, f"no {kind.replace('_', '-')} price in the catalog"
    return offer, None


NO_TENSOR_CORES = "the GPU lacks the precision's tensor cores"
NO_RATE = "the catalog gives no rate for the GPU at the precision"


def _lacks(gpu: Gpu, precision: str) -> str | None:
    """Why the GPU has no peak at the precision, as the left-out note counts it: no tensor
    cores for the format (FP8 on Ampere), or none recorded in the catalog (an Ampere part's
    INT8 with no published rate); none where it has one."""
    gap = precision_gap(gpu, precision)
    return None if gap is None else NO_TENSOR_CORES if gap == "cores" else NO_RATE


def option_engine(option: SelfHostedOption, engine: sv.ServingEngine) -> sv.ServingEngine:
    """The engine keeping the KV cache the alternative asks for (its ``kv_cache``, where
    not ``auto``)."""
    return engine if option.kv_cache == "auto" else with_kv_cache(engine, option.kv_cache)


def _engine_refuses(engine: sv.ServingEngine, gpu: Gpu, precision: str) -> bool:
    """Whether the engine does not run on the GPU or at the precision, or cannot keep the
    KV cache asked for on the GPU."""
    try:
        check_engine(engine, gpu, precision)
    except PaybackError:
        return True
    return False


def gather(
    models: list[OpenModel],
    gpus: list[Gpu],
    option: SelfHostedOption,
    kind: str,
    engine: sv.ServingEngine,
    left_out: LeftOut,
    load: Load,
) -> Rows:
    """The row of every configuration that can run: each model × GPU × precision ×
    tensor-parallel degree, unless the model's context is shorter than the requests
    (``load``), a replica is larger than an owned server, the GPU has no rate at the
    precision (:func:`_lacks`), or it has no rent (``kind``: the commitment's price kind).
    Expert-only formats (MXFP4) are tried on mixtures of experts only."""
    owned = option.owned
    engine = option_engine(option, engine)
    rows = Rows()
    for model in models:
        if context_overflow(model, load.prompt, load.output_tokens) is not None:
            left_out.short_context(model, load, _configurations(model, gpus))
            continue
        for gpu in gpus:
            price, why = (None, None) if owned is not None else _price(option, gpu, kind)
            if why is not None:
                left_out.unpriced[gpu.id] = why
            if isinstance(price, GpuPrice):
                rows.offers[gpu.id] = price
                price = price.usd_per_gpu_hour
            for precision in _precisions(model):
                lacks = _lacks(gpu, precision)
                refuses = _engine_refuses(engine, gpu, precision)
                for tp in valid_tensor_parallel(model):
                    label = f"{model.id} {precision} on {tp} × {gpu.id}"
                    if owned is not None and tp > owned.gpus_per_server:
                        left_out.note(
                            "replica larger than a server",
                            f"{label}: {owned.gpus_per_server} GPUs per server",
                        )
                    elif lacks is not None:
                        left_out.note(lacks, label)
                    elif refuses:
                        left_out.note(
                            f"{engine.name} does not run on the GPU or at the precision"
                            + (
                                f" (or its {engine.kv_cache} KV cache)"
                                if engine.kv_cache != "auto"
                                else ""
                            ),
                            label,
                        )
                    elif why is not None:
                        left_out.note(why, label)
                    else:
                        args = serving_shape(model, gpu, precision, tp, engine)
                        args["capacity"] = kv_cache_tokens(model, gpu, precision, tp, engine)
                        args["price"] = math.nan if price is None else price
                        seqs, budget = engine_limits(engine, gpu)
                        args["max_num_seqs"], args["budget"] = seqs, budget
                        rows.add((model.id, gpu.id, precision, tp), args)
    return rows


@dataclass(frozen=True)
class _Serving:
    """Each configuration's batch and capacity at full load, and latency at the target
    utilisation, as arrays."""

    batch: np.ndarray
    """The sequences running at full load (the cap, or fewer where the token budget binds)."""
    decode_batch: np.ndarray
    """The batch cap."""
    requests_per_s: np.ndarray
    ttft_ms: np.ndarray
    tpot_ms: np.ndarray
    fits: np.ndarray
    """Whether one sequence's context fits in the KV cache."""


def _serving(
    option: SelfHostedOption, a: dict[str, np.ndarray], load: Load, engine: sv.ServingEngine
) -> _Serving:
    """The batch: the largest that fits the KV cache, the engine and the ``tpot_ms``
    target at full load; the capacity at that batch, and the latency where the fleet runs:
    requests arriving at the option's ``target_utilization`` of that capacity (the batch
    Little's law gives, the first token after its queue;
    :func:`~payback.hardware.estimate.loaded_latency_arrays`)."""
    args = {k: a[k] for k in _ROW_FIELDS}
    col = {k: v[:, np.newaxis] for k, v in args.items()}
    attended = sv.attended_context(
        context=load.mean_context,
        window_layers=a["window_layers"],
        layers=a["layers"],
        window=a["window"],
    )
    by_memory = np.floor(a["capacity"] / attended)
    max_batch = np.minimum(by_memory, a["max_num_seqs"])
    grid = np.arange(1, int(a["max_num_seqs"].max()) + 1, dtype=np.float64)[np.newaxis, :]
    load_args: dict[str, Any] = {
        "mean_context": load.mean_context,
        "input_tokens": load.prompt,
        "output_tokens": load.output_tokens,
        "cached_share": load.cached,
        "engine": engine,
    }
    allowed = grid <= max_batch[:, np.newaxis]
    if option.tpot_ms is not None and paces(load.output_tokens):
        _, steps, _ = loaded_steps(col, grid, budget=a["budget"][:, np.newaxis], **load_args)
        allowed &= steps * 1000.0 <= option.tpot_ms
    batch = np.where(allowed.any(axis=1), np.max(np.where(allowed, grid, 0.0), axis=1), 1.0)
    rates = replica_rates(args, batch, budget=a["budget"], **load_args)
    _, tpot_s, ttft_s, _ = loaded_latency_arrays(
        args,
        batch,
        utilization=option.target_utilization,
        budget=a["budget"],
        **load_args,
    )
    slots = np.asarray(rates.slots, dtype=np.float64)
    return _Serving(
        batch=np.where(slots < batch, np.maximum(np.floor(slots), 1.0), batch),
        decode_batch=batch,
        requests_per_s=rates.requests_per_s,
        ttft_ms=ttft_s * 1000.0,
        tpot_ms=tpot_s * 1000.0,
        fits=by_memory >= 1.0,
    )


def evaluate_rows(
    scenario: Scenario,
    option: SelfHostedOption,
    rows: Rows,
    load: Load,
    max_replicas: int,
    engine: sv.ServingEngine,
    left_out: LeftOut,
) -> tuple[list[Candidate], list[str]]:
    """Capacity, latency, fleet and cost of every configuration, as arrays; and those
    missing the latency targets (still ranked, after the others)."""
    if not rows.keys:
        return [], []
    a = rows.arrays()
    served = _serving(option, a, load, option_engine(option, engine))
    tpot_ms, ttft_ms = served.tpot_ms, served.ttft_ms
    paced = option.tpot_ms is not None and paces(load.output_tokens)  # else nothing to meet
    tpot_ok = tpot_ms <= option.tpot_ms if paced else np.ones_like(served.fits)
    ttft_ok = first_token_meets(ttft_ms, option.ttft_ms)  # the rule analyze judges by
    # the fleet each month, and its cost, for every configuration at once
    cost, replicas, paid, at_start = fleet_sizes(
        scenario, option, served.requests_per_s, a["tensor_parallel"], a["price"]
    )
    paid_for = not option.always_on  # scaled to zero: the replicas paid are not those run
    too_many = replicas.max(axis=1) > max_replicas
    out: list[Candidate] = []
    missing: list[str] = []
    for i, (model_id, gpu_id, precision, tp) in enumerate(rows.keys):
        label = f"{model_id} {precision} on {tp} × {gpu_id}"
        if not served.fits[i]:
            left_out.note("does not fit in memory", label, evaluated=True)
            continue
        if too_many[i]:
            left_out.note(
                f"needs more than {max_replicas:,} replica{'s' if max_replicas != 1 else ''}",
                f"{label}: {int(replicas[i].max()):,} replicas",
                evaluated=True,
            )
            continue
        misses = [
            f"tpot {tpot_ms[i]:.1f} > {option.tpot_ms:g} ms" if not tpot_ok[i] else "",
            _ttft_miss(float(ttft_ms[i]), option.ttft_ms) if not ttft_ok[i] else "",
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
                batch=int(served.batch[i]),
                decode_batch=int(served.decode_batch[i]),
                replica_requests_per_s=float(served.requests_per_s[i]),
                tpot_ms=float(tpot_ms[i]),
                ttft_ms=float(ttft_ms[i]),
                usd_per_gpu_hour=None if math.isnan(a["price"][i]) else float(a["price"][i]),
                monthly_cost_usd=float(cost[i]),
                meets_targets=missed is None,
                misses=missed,
                bought_at_start_usd=None if at_start is None else float(at_start[i]),
                replicas_paid=float(paid[i, 0]) if paid_for else None,
                replicas_paid_max=float(paid[i].max()) if paid_for else None,
            )
        )
    return out, missing


def _ttft_miss(ttft_ms: float, target_ms: float | None) -> str:
    """A missed first-token target in words; unbounded where requests arrive at the
    capacity (a target utilisation of 1: no bounded queue for a slot)."""
    if not math.isfinite(ttft_ms):
        return f"ttft unbounded at the capacity (target {target_ms:g} ms)"
    return f"ttft {ttft_ms:.0f} > {target_ms:g} ms"


def relax_advice(c: Candidate) -> str:
    """What to change when ``c``, the cheapest, misses the latency targets: the targets,
    or the target utilisation where its first token is unbounded (planned at 1)."""
    if not math.isfinite(c.ttft_ms) and "ttft" in (c.misses or ""):
        return "plan a target_utilization below 1"
    return "relax tpot_ms/ttft_ms"


def rank(c: Candidate) -> tuple[Any, ...]:
    """:func:`~payback.analysis.resolve_fleet.fleet_rank`, the order ``analyze`` chooses
    a replica's GPUs by: those meeting the targets first, then cheaper, then more spare
    capacity paid for (replicas × requests/s; none scaled to zero, where every
    configuration pays for its load at the target utilisation and no more), then faster to
    the first token, then per output token; then by name, the fewer GPUs a replica first."""
    spare = float(spare_capacity(c.replicas_paid is None, c.replicas, c.replica_requests_per_s))
    return (
        *fleet_rank(c.meets_targets, c.monthly_cost_usd, spare, c.ttft_ms, c.tpot_ms),
        c.model,
        c.gpu,
        c.precision,
        c.gpus_per_replica,
    )


def pareto(candidates: list[Candidate]) -> list[Candidate]:
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
