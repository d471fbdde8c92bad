"""The portfolio view: several workloads moved off the hosted API together.

Each workload is a scenario of its own (its traffic, its baseline, every alternative with
that workload's terms), resolved and evaluated by the one engine
(:func:`payback.analysis.cashflows.evaluate`). The portfolio adds what they share:

- **shared items, once**: an alternative's own one-time items, ops and retraining are
  paid once for the portfolio (they ride with the first workload it serves); each
  workload's own one-time items (its data, its eval) are added;
- **one shared fleet** (a self-hosted alternative with ``fleet = "shared"`` serving two
  or more workloads): one base model with a LoRA adapter per workload. Each workload
  needs replica-time at its own lengths, r_w = served_w / (730 · 3600) / rps_w replica
  per second on average and r_w · peak_w at its busiest hour. Mixed on one pool, the
  fleet is sized on the busiest hour of the combined load,

      L = max(c · Σ_w r_w · peak_w, max_w r_w · peak_w, Σ_w r_w) / η(n),

  c the coincidence factor (1: every peak falls in the same hour). η(n) is the
  throughput a replica keeps serving n adapters unmerged: 1 for one adapter (merged into
  the weights, as a single fine-tuned model is served), else (1 − o) · (1 − d · log10 n),
  o the overhead of unmerged LoRA kernels (vLLM, Llama-2-7B on an A100: 11.45 requests/s
  without LoRA, 7.60 with, vllm-project/vllm pull request 11267) and d the further loss
  per tenfold more adapters (S-LoRA, arXiv 2311.03285, Table 3: 8.05 requests/s with 5
  adapters, 7.61 with 2,000; Punica, arXiv 2310.18547, reports about 2 ms more per token
  for batched multi-adapter decoding). n counts the workloads with requests that month:
  an idle adapter slows no batch. An always-on fleet pins a workload that fills whole
  replicas to replicas of its own (merged, no penalty) and mixes only the leftovers when
  that needs fewer replicas (:func:`place_adapters`: at worst one fleet per workload); a
  scaled-to-zero fleet, billed by the second, runs each workload merged (mixing would
  only lose η(n)). The replicas are priced by the one fleet formula
  (:func:`payback.finance.costs.self_hosted_cost`).
- **adapter memory**: an adapter of rank r on every linear layer holds
  r · Σ_layers Σ_projections (d_in + d_out) weights (bf16, 2 bytes each); the replica
  must hold the base weights, every adapter and at least one request's KV cache.

A scenario with one workload gives the engine's answer exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ValidationError

from payback import finance as model
from payback.analysis.cashflows import Evaluation, evaluate
from payback.analysis.resolve import Resolved, resolve
from payback.errors import PaybackError
from payback.finance._types import ArrayLike, FloatArray, as_float, per_sample
from payback.finance.costs import _CEIL_TOLERANCE
from payback.finance.traffic import SECONDS_PER_MONTH
from payback.scenario import COMMITMENT_TERM_MONTHS, OneTime, Scenario, SelfHostedOption, value_at
from payback.scenario.messages import explain_errors
from payback.scenario.workloads import ADAPTER_DECADE_LOSS, ADAPTER_OVERHEAD, served_workloads

if TYPE_CHECKING:
    import datetime as dt

    from payback.catalog import Catalog
    from payback.scenario.paths import FieldRange

__all__ = [
    "FLEET_COMPONENTS",
    "AlternativePieces",
    "FleetCosts",
    "Portfolio",
    "PortfolioEvaluation",
    "Route",
    "adapter_bytes",
    "adapter_efficiency",
    "central_value",
    "evaluate_portfolio",
    "place_adapters",
    "portfolio_field_range",
    "prepare",
    "replaced_terms",
    "route",
    "subset_flows",
]

FLEET_COMPONENTS = ("gpus", "hardware", "facility")
"""The components of a self-hosted option's monthly cost that its fleet makes up."""
SHARED_COMPONENTS = ("ops", "retraining")
"""The components an alternative pays once, however many workloads it serves."""
PORTFOLIO_FIELDS = ("coincidence_factor", "adapter_overhead", "adapter_decade_loss")
"""Numbers of an alternative's ``portfolio`` table the shared fleet reads."""


# ---------------------------------------------------------------- adapters


def adapter_efficiency(
    adapters: ArrayLike, overhead: ArrayLike, decade_loss: ArrayLike
) -> FloatArray:
    """Share of a replica's throughput kept while serving ``adapters`` LoRA adapters at once.

    η(n) = 1 for n ≤ 1 (one adapter is merged into the weights), else
    (1 − o) · (1 − d · log10 n).

    >>> adapter_efficiency([1, 2, 5, 2000], 0.336, 0.021).round(4)
    array([1.    , 0.6598, 0.6543, 0.618 ])
    """
    n = as_float(adapters)
    with np.errstate(divide="ignore"):
        many = (1.0 - as_float(overhead)) * (
            1.0 - as_float(decade_loss) * np.log10(np.maximum(n, 1.0))
        )
    return np.where(n <= 1.0, 1.0, many)


def adapter_bytes(
    *,
    rank: int,
    layers: int,
    hidden_size: int,
    intermediate_size: int,
    heads: int,
    kv_heads: int,
    head_dim: int,
    bytes_per_weight: float = 2.0,
) -> float:
    """Memory of one LoRA adapter on every linear layer (q, k, v, o, gate, up, down) [bytes]:
    rank · layers · Σ (d_in + d_out) · bytes; A is d_in × r and B is r × d_out.

    Llama-3.1-8B at rank 16 (bf16): about 84 MB.

    >>> round(adapter_bytes(rank=16, layers=32, hidden_size=4096, intermediate_size=14336,
    ...     heads=32, kv_heads=8, head_dim=128) / 1e6, 1)
    83.9
    """
    h, q, kv, i = hidden_size, heads * head_dim, kv_heads * head_dim, intermediate_size
    widths = (h + q) + 2 * (h + kv) + (q + h) + 2 * (h + i) + (i + h)
    return float(rank * layers * widths) * bytes_per_weight


def _whole(x: FloatArray) -> FloatArray:
    """Whole replicas for ``x`` replicas' worth of load (the fleet formula's rounding)."""
    return as_float(np.ceil(x * (1.0 - _CEIL_TOLERANCE)))


def place_adapters(
    peak: ArrayLike,
    mean: ArrayLike,
    coincidence: ArrayLike = 1.0,
    overhead: ArrayLike = ADAPTER_OVERHEAD,
    decade_loss: ArrayLike = ADAPTER_DECADE_LOSS,
) -> tuple[FloatArray, FloatArray]:
    """Whole replicas of an always-on multi-adapter fleet for its cheapest placement, and
    how many of them are pinned to one workload each (workloads on the first axis, then
    the sample axes, the month last; loads in replicas at the planned utilisation, at the
    throughput of merged weights; the parameters per sample).

    ``peak`` x_w is what workload w needs in its busiest hour, ``mean`` (at most the
    peak) in its average hour. A replica that serves one workload's adapter alone runs it merged into the
    weights and keeps its full throughput; a replica mixing n adapters keeps η(n)
    (:func:`adapter_efficiency`). So the operator of a multi-adapter fleet pins a workload
    that fills whole replicas to replicas of its own (an adapter-aware router sends an
    adapter's requests to the replicas that hold it: LoRAX and vLLM's production stack
    route by adapter) and mixes only the leftovers. The placements priced, the cheapest
    kept (ties go to the first):

    1. every workload mixed on one pool: ⌈max(c · Σ x, max x, Σ mean) / η(n)⌉;
    2. for k = 0 … W: the k workloads with the smallest leftovers mixed, each after its
       ⌈x_w⌉ − 1 whole replicas are pinned (leftover r_w = x_w − ⌈x_w⌉ + 1 ∈ (0, 1],
       its traffic split in proportion), the other workloads pinned whole:
       Σ ⌈x_w⌉ − k + ⌈max(c · Σ r, max r, Σ mean_w · r_w / x_w) / η(k)⌉.
       k = 0 is one fleet per workload, Σ ⌈x_w⌉: the shared fleet never needs more.

    At c = 1 placement 2 is the best of every placement: a pinned replica carries a whole
    replica of load and a mixed one η ≤ 1 of it, so a mixed workload keeps only its
    leftover in the pool, and of k mixed workloads the smallest leftovers need the fewest
    mixed replicas. n and k count workloads with load that month (an idle adapter slows
    no batch).

    One fleet each needs 2 + 1 + 1 replicas, one pool ⌈1.6 / 0.664⌉ = 3; one replica pinned
    to the first workload and 0.2 + 0.2 + 0.2 mixed, ⌈0.6 / 0.664⌉ = 1, make 2:

    >>> replicas, pinned = place_adapters([[1.2], [0.2], [0.2]], [[0.6], [0.1], [0.1]],
    ...                                   1.0, 0.336, 0.0)
    >>> float(replicas[0]), float(pinned[0])
    (2.0, 1.0)
    """
    x, m = np.broadcast_arrays(as_float(peak), as_float(mean))
    c, o, d = as_float(coincidence), as_float(overhead), as_float(decade_loss)
    scalars = c.ndim == 0 and o.ndim == 0 and d.ndim == 0
    if scalars:  # η of every count once, then looked up (counts are whole numbers 0 … W)
        table = adapter_efficiency(np.arange(x.shape[0] + 1.0), o, d)

        def efficiency(count: FloatArray) -> FloatArray:
            return as_float(table[count.astype(np.intp)])
    else:
        c, o, d = per_sample(c), per_sample(o), per_sample(d)

        def efficiency(count: FloatArray) -> FloatArray:
            return adapter_efficiency(count, o, d)

    coincident = scalars and float(c) == 1.0  # then Σ x bounds every other term
    # 1. every workload mixed
    n = np.count_nonzero(x > 0.0, axis=0)
    busiest = np.sum(x, axis=0)
    if not coincident:
        busiest = np.maximum(np.maximum(c * busiest, np.max(x, axis=0)), np.sum(m, axis=0))
    all_mixed = _whole(busiest / efficiency(n))
    # 2. whole replicas pinned, the k smallest leftovers mixed
    whole = _whole(x)
    left = x - np.maximum(whole - 1.0, 0.0)
    if coincident:
        left = np.sort(left, axis=0)
        pool = np.cumsum(left, axis=0)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            left_mean = np.where(x > 0.0, m * left / x, 0.0)
        order = np.argsort(left, axis=0, kind="stable")
        left = np.take_along_axis(left, order, axis=0)
        left_mean = np.take_along_axis(left_mean, order, axis=0)
        pool = np.maximum(
            np.maximum(c * np.cumsum(left, axis=0), np.maximum.accumulate(left, axis=0)),
            np.cumsum(left_mean, axis=0),
        )
    k = np.cumsum(left > 0.0, axis=0, dtype=np.float64)
    pool = _whole(pool / efficiency(k))  # η(0) = 1: no leftovers, no pool
    gain = pool - k
    at = np.argmin(gain, axis=0)[np.newaxis]
    best = np.take_along_axis(gain, at, axis=0)[0]
    mixed = np.where(best < 0.0, np.take_along_axis(pool, at, axis=0)[0], 0.0)
    placed = np.sum(whole, axis=0) + np.minimum(best, 0.0)
    one_pool = all_mixed <= placed
    replicas = np.where(one_pool, all_mixed, placed)
    pinned = np.where(one_pool, 0.0, placed - mixed)
    return as_float(replicas), as_float(pinned)


# ---------------------------------------------------------------- setup


@dataclass(frozen=True)
class Portfolio:
    """A scenario with workloads, each resolved as a scenario of its own."""

    scenario: Scenario
    """The scenario as written, with its workloads."""
    parts: list[Resolved]
    """Per workload: its traffic and baseline, every alternative with its terms."""
    served: list[list[int]]
    """Per alternative, the workloads it serves (indices)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [w.name for w in self.scenario.workloads or []]

    def shares_fleet(self, index: int) -> bool:
        """Whether alternative ``index`` serves two or more workloads from one shared fleet."""
        alt = self.scenario.alternatives[index]
        serving = alt.portfolio
        fleet = "shared" if serving is None else serving.fleet
        return (
            isinstance(alt, SelfHostedOption) and fleet == "shared" and len(self.served[index]) > 1
        )


def _part_data(scenario: Scenario, j: int) -> dict[str, Any]:
    """Workload ``j`` as a plain scenario's data."""
    workloads = scenario.workloads or []
    workload = workloads[j]
    data = scenario.model_dump(exclude_unset=True, exclude={"workloads"})
    data["traffic"] = workload.traffic.model_dump(exclude_unset=True)
    baseline = workload.baseline or scenario.baseline
    data["baseline"] = baseline.model_dump(exclude_unset=True) | {"kind": baseline.kind}
    alternatives = []
    for i, alt in enumerate(scenario.alternatives):
        raw = alt.model_dump(exclude_unset=True, exclude={"portfolio"}) | {"kind": alt.kind}
        terms = workload.alternatives.get(alt.name)
        if terms is not None and j in served_workloads(scenario, i):
            given = terms.model_dump(include=terms.model_fields_set)
            if given.keys() & {"fine_tuned", "input_usd_per_mtok", "output_usd_per_mtok"}:
                for key in ("model", "fine_tuned", "input_usd_per_mtok", "output_usd_per_mtok",
                            "cached_input_usd_per_mtok"):  # fmt: skip
                    raw.pop(key, None)
            raw |= given
        alternatives.append(raw)
    data["alternatives"] = alternatives
    return data


def prepare(
    scenario: Scenario, catalog: Catalog | None = None, today: dt.date | None = None
) -> Portfolio:
    """Each workload of ``scenario`` as a resolved scenario of its own, the adapters' memory
    checked. Raises :class:`PaybackError` (one line per problem) naming the workload."""
    workloads = scenario.workloads
    if not workloads:
        raise PaybackError("the scenario lists no [[workloads]]: it is one workload (analyze it)")
    parts: list[Resolved] = []
    warnings: list[str] = []
    problems: list[str] = []
    for j, workload in enumerate(workloads):
        where = f"workloads.{j} ({workload.name!r})"
        try:
            part = Scenario.model_validate(_part_data(scenario, j))
        except ValidationError as exc:
            problems += [f"{where}: {line}" for line in explain_errors(exc, {})]
            continue
        part.base_dir = scenario.base_dir
        try:
            resolved = resolve(part, catalog, today)
        except PaybackError as exc:
            problems += [f"{where}: {line}" for line in exc.messages]
            continue
        parts.append(resolved)
        warnings += [f"{where}: {w}" for w in resolved.warnings]
    if problems:
        raise PaybackError(list(dict.fromkeys(problems)))
    served = [served_workloads(scenario, i) for i in range(len(scenario.alternatives))]
    out = Portfolio(scenario, parts, served, list(dict.fromkeys(warnings)))
    for i in range(len(scenario.alternatives)):
        if out.shares_fleet(i):
            _check_adapter_memory(out, i, catalog)
    return out


def _check_adapter_memory(p: Portfolio, index: int, catalog: Catalog | None) -> None:
    """The base weights, one adapter per workload and one request's KV cache must fit in a
    replica's memory (checked when the alternative names a catalog model and GPU)."""
    from payback.catalog import default_catalog
    from payback.hardware.serving import VLLM, weights_bytes
    from payback.hardware.shapes import kv_bytes_per_token

    alt = p.parts[p.served[index][0]].scenario.alternatives[index]
    assert isinstance(alt, SelfHostedOption)
    if alt.model is None or alt.gpu is None:
        return
    cat = catalog or default_catalog()
    shape = cat.model(alt.model, p.scenario.base_dir)
    gpu = cat.gpu(alt.gpu)
    serving = p.scenario.alternatives[index].portfolio
    rank = serving.adapter_rank if serving is not None else 16
    one = adapter_bytes(
        rank=rank,
        layers=shape.layers,
        hidden_size=shape.hidden_size,
        intermediate_size=shape.intermediate_size,
        heads=shape.heads,
        kv_heads=shape.kv_heads,
        head_dim=shape.head_dim,
    )
    tp = alt.gpus_per_replica or 1
    free = tp * (gpu.memory_bytes * VLLM.memory_utilization - VLLM.runtime_overhead_bytes)
    weights = float(weights_bytes(shape.params_b * 1e9, alt.precision))
    longest = max(
        (part.scenario.traffic.input_tokens or 0.0) + (part.scenario.traffic.output_tokens or 0.0)
        for part in p.parts
    )
    kv = kv_bytes_per_token(
        layers=shape.layers,
        kv_heads=shape.kv_heads,
        head_dim=shape.head_dim,
        kv_bytes=2.0,
        kv_lora_rank=shape.kv_lora_rank,
        qk_rope_head_dim=shape.qk_rope_head_dim,
    )
    room = free - weights - kv * max(longest, 1.0)
    n = len(p.served[index])
    fits = max(int(room // one), 0) if room > 0 else 0
    if n > fits:
        raise PaybackError.bad(
            f"alternatives.{index}.portfolio.workloads",
            f"({n} adapters)",
            f"{n} rank-{rank} adapters of {one / 1e6:,.0f} MB each do not fit beside "
            f"{alt.model}'s {weights / 1e9:,.1f} GB of {alt.precision} weights on {tp} × {gpu.id} "
            f"(room for {fits}); serve fewer workloads, a lower adapter_rank, more "
            "gpus_per_replica or a larger GPU",
        )


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Route:
    """Where a portfolio path is read: by the workloads' own scenarios (``parts``, at
    ``local``), or by the portfolio itself (``parts`` empty: a workload's one-time items,
    an alternative's ``portfolio`` numbers)."""

    parts: list[int]
    local: str


def _alternative_key(p: Portfolio, key_and_rest: str) -> tuple[int, str] | None:
    """``0.quality.error_rate`` or ``<alternative name>.quality.error_rate`` (names may hold
    dots: the longest name that fits) as (index, ``quality.error_rate``)."""
    head, _, rest = key_and_rest.partition(".")
    alternatives = p.scenario.alternatives
    if head.isdigit() and int(head) < len(alternatives) and rest:
        return int(head), rest
    named = [
        (len(alt.name), i)
        for i, alt in enumerate(alternatives)
        if key_and_rest.startswith(alt.name + ".")
    ]
    if not named:
        return None
    size, i = max(named)
    return i, key_and_rest[size + 1 :]


def replaced_terms(p: Portfolio, j: int, i: int) -> set[str]:
    """The fields of alternative ``i`` that workload ``j``'s own terms replace."""
    terms = (p.scenario.workloads or [])[j].alternatives.get(p.scenario.alternatives[i].name)
    if terms is None:
        return set()
    given = set(terms.model_fields_set)
    if given & {"fine_tuned", "input_usd_per_mtok", "output_usd_per_mtok"}:
        given |= {"model", "fine_tuned", "input_usd_per_mtok", "output_usd_per_mtok",
                  "cached_input_usd_per_mtok"}  # fmt: skip
    return given


def route(p: Portfolio, path: str) -> Route:
    """Where the portfolio reads ``path``; :class:`PaybackError` (one line) when it does not.

    - ``workloads.N.traffic.…``, ``workloads.N.baseline.…``: workload N's (its own
      baseline's, or its copy of the scenario's);
    - ``workloads.N.alternatives.I.…`` (I an index or the alternative's name): workload
      N's terms on alternative I (``quality.error_rate``, ``input_usd_per_mtok``,
      ``replica_requests_per_s``, …), or the alternative's own number as workload N reads it;
    - ``workloads.N.one_time.…``, ``alternatives.I.portfolio.…``: the portfolio's own;
    - ``baseline.…``: every workload without a baseline of its own;
    - ``alternatives.I.…``: every workload alternative I serves that gives no term of its
      own for it; ``scenario.…``: every workload.
    """
    parts = path.split(".")
    workloads = p.scenario.workloads or []
    everyone = list(range(len(p.parts)))
    if parts[0] == "workloads":
        if len(parts) < 3 or not parts[1].isdigit() or int(parts[1]) >= len(workloads):
            raise PaybackError(
                f"{path}: no such workload (workloads.0 … workloads.{len(workloads) - 1})"
            )
        j, rest = int(parts[1]), ".".join(parts[2:])
        if parts[2] in ("traffic", "baseline") and len(parts) > 3:
            return Route([j], rest)
        if parts[2] == "one_time":
            return Route([], path)
        if parts[2] == "alternatives" and len(parts) > 4:
            found = _alternative_key(p, ".".join(parts[3:]))
            if found is None:
                raise PaybackError(
                    f"{path}: no such alternative (by index 0 … {len(p.served) - 1} or by name)"
                )
            i, field = found
            if j not in p.served[i]:
                raise PaybackError(
                    f"{path}: {p.scenario.alternatives[i].name!r} does not serve "
                    f"{workloads[j].name!r}"
                )
            return Route([j], f"alternatives.{i}.{field}")
        raise PaybackError(
            f"{path}: not an input the portfolio varies (workloads.{j}.traffic…, .baseline…, "
            ".alternatives.I…, .one_time…)"
        )
    if parts[0] == "alternatives" and len(parts) > 3 and parts[2] == "portfolio":
        return Route([], path)
    if parts[0] == "traffic":
        raise PaybackError(
            f"{path}: with [[workloads]] each workload's traffic is read; vary "
            f"workloads.N.{path} (N = 0..{len(workloads) - 1})"
        )
    if parts[0] == "baseline":
        users = [j for j, w in enumerate(workloads) if w.baseline is None]
        if not users:
            raise PaybackError(
                f"{path}: every workload gives its own baseline; vary workloads.N.{path}"
            )
        return Route(users, path)
    if parts[0] == "alternatives" and len(parts) > 2 and parts[1].isdigit():
        i = int(parts[1])
        if i < len(p.served):
            readers = [j for j in p.served[i] if parts[2] not in replaced_terms(p, j, i)]
            if not readers:
                raise PaybackError(
                    f"{path}: not read: every workload {p.scenario.alternatives[i].name!r} "
                    f"serves gives its own {parts[2]}; vary workloads.N.alternatives.{i}."
                    + ".".join(parts[2:])
                )
            return Route(readers, path)
    return Route(everyone, path)


def central_value(p: Portfolio, path: str) -> Any:
    """The value the portfolio reads at ``path`` (a portfolio path) with nothing varied:
    catalog-derived numbers (an estimated capacity, a catalog price) as resolved; where
    several workloads read it, the first's."""
    where = route(p, path)
    if where.parts:
        return value_at(p.parts[where.parts[0]].scenario, where.local)
    return value_at(p.scenario, path)


def portfolio_field_range(p: Portfolio, path: str) -> FieldRange:
    """What the field at a portfolio path allows (a workload's term: what the
    alternative's own field allows)."""
    from payback.scenario import field_range

    where = route(p, path)
    if where.parts:
        return field_range(p.parts[where.parts[0]].scenario, where.local)
    return field_range(p.scenario, path)


class _Reader:
    """Numbers of one workload's scenario, by its own paths, with overrides first."""

    def __init__(self, part: Resolved, overrides: Mapping[str, FloatArray]) -> None:
        self.scenario = part.scenario
        self.overrides = overrides

    def __call__(self, path: str) -> FloatArray:
        if path in self.overrides:
            return self.overrides[path]
        return as_float(value_at(self.scenario, path))


def _split_overrides(
    p: Portfolio, overrides: Mapping[str, ArrayLike]
) -> tuple[list[dict[str, FloatArray]], dict[str, FloatArray]]:
    """Overrides by portfolio path, as each workload's scenario reads them, and those the
    portfolio reads itself (``workloads.N.one_time.*``, ``alternatives.N.portfolio.*``):
    see :func:`route`."""
    per_part: list[dict[str, FloatArray]] = [{} for _ in p.parts]
    own: dict[str, FloatArray] = {}
    for path, value in overrides.items():
        values = as_float(value)
        where = route(p, path)
        current = central_value(p, path)
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise PaybackError(f"{path}: not a number; vary a numeric input")
        if not where.parts:
            own[path] = values
        for j in where.parts:
            per_part[j][where.local] = values
    return per_part, own


@dataclass(frozen=True)
class AlternativePieces:
    """One alternative's cash flows, by workload and shared, before they are summed."""

    served: list[int]
    """The workloads it serves (indices into the scenario's workloads)."""
    baseline_usd: FloatArray
    """(W, …, H): each served workload's baseline cost [USD/month]."""
    own_usd: FloatArray
    """(W, …, H): each served workload's own running cost on the alternative (its API fees,
    escalation, errors, waiting, and its own fleet unless the fleet is shared) [USD/month]."""
    own_fleet_usd: FloatArray
    """(W, …, H): the part of ``own_usd`` that is its own fleet (0 on a shared fleet)."""
    requests: FloatArray
    """(W, …, H): each served workload's requests [requests/month]."""
    one_time_usd: FloatArray
    """(W, …): each served workload's own one-time items (and the servers its own fleet buys)."""
    shared_monthly_usd: FloatArray
    """(…, H): ops and retraining, paid once [USD/month]."""
    shared_one_time_usd: FloatArray
    """(…): the alternative's own one-time items, paid once [USD]."""
    fleet: _SharedFleet | None
    """The shared fleet's inputs, or None (separate fleets, a hosted option, one workload)."""
    discount_rate_annual: FloatArray


@dataclass(frozen=True)
class _SharedFleet:
    peak: FloatArray
    """(W, …, H): replicas busy at each workload's busiest hour, merged weights."""
    mean: FloatArray
    """(W, …, H): replicas busy in its average hour."""
    coincidence: FloatArray
    overhead: FloatArray
    decade_loss: FloatArray
    always_on: bool
    cash: bool
    params: dict[str, Any]


def _sum(arrays: Sequence[FloatArray]) -> FloatArray:
    return reduce(lambda a, b: np.asarray(a + b, dtype=np.float64), arrays)


def _stack(arrays: Sequence[FloatArray]) -> FloatArray:
    return np.stack(np.broadcast_arrays(*arrays))


def _one_time_items(read: Any, prefix: str) -> FloatArray:
    return as_float(
        read(f"{prefix}.data_usd")
        + read(f"{prefix}.engineer_hours") * read(f"{prefix}.engineer_usd_per_hour")
        + read(f"{prefix}.eval_usd")
        + read(f"{prefix}.training_usd") * read(f"{prefix}.training_runs")
    )


def _workload_one_time(p: Portfolio, j: int, own: Mapping[str, FloatArray]) -> FloatArray:
    from payback.analysis.lookups import Lookups
    from payback.analysis.resolve_training import resolve_one_time

    workload = (p.scenario.workloads or [])[j]
    prefix = f"workloads.{j}.one_time"
    if workload.one_time == OneTime() and not any(path.startswith(f"{prefix}.") for path in own):
        return as_float(0.0)
    one_time = workload.one_time
    if one_time.training_usd is None:
        import datetime as dt

        ctx = Lookups(p.parts[j].scenario, None, p.scenario.scenario.start_date or dt.date.today())
        one_time = resolve_one_time(ctx, prefix, one_time)

    def read(path: str) -> FloatArray:
        if path in own:
            return own[path]
        value = getattr(one_time, path.rsplit(".", 1)[-1])
        return as_float(0.0 if value is None else value)

    return _one_time_items(read, prefix)


def _fleet_parts(costs: Any) -> FloatArray:
    parts = [costs.components[k] for k in FLEET_COMPONENTS if k in costs.components]
    return _sum(parts) if parts else np.zeros_like(costs.monthly_usd)


def _pieces(
    p: Portfolio,
    index: int,
    evs: list[Evaluation],
    readers: list[_Reader],
    own: Mapping[str, FloatArray],
    workload_one_time: list[FloatArray],
    stacks: dict[tuple[int, ...], tuple[FloatArray, FloatArray]],
) -> AlternativePieces:
    served = p.served[index]
    shared = p.shares_fleet(index)
    first = evs[served[0]].alternatives[index]
    own_usd, own_fleet, one_time = [], [], []
    for j in served:
        outcome = evs[j].alternatives[index]
        comps = outcome.costs.components
        fleet = _fleet_parts(outcome.costs)
        running = outcome.costs.monthly_usd - _sum([comps[k] for k in SHARED_COMPONENTS])
        own_usd.append(running - fleet if shared else running)
        own_fleet.append(fleet)
        hardware = outcome.one_time_items_usd.get("hardware")
        bought = as_float(0.0) if hardware is None or shared else hardware
        one_time.append(workload_one_time[j] + bought)
    key = tuple(served)
    if key not in stacks:  # the same for every alternative serving the same workloads
        stacks[key] = (
            _stack([evs[j].baseline.monthly_usd for j in served]),
            _stack([evs[j].requests for j in served]),
        )
    baseline, requests = stacks[key]
    own_stack = _stack(own_usd)
    hardware = first.one_time_items_usd.get("hardware")
    shared_one_time = first.one_time_usd - (0.0 if hardware is None else hardware)
    fleet_inputs = _shared_fleet(p, index, evs, readers, own) if shared else None
    return AlternativePieces(
        served=served,
        baseline_usd=baseline,
        own_usd=own_stack,
        own_fleet_usd=as_float(np.broadcast_to(0.0, own_stack.shape))
        if shared
        else _stack(own_fleet),
        requests=requests,
        one_time_usd=_stack(one_time),
        shared_monthly_usd=_sum([first.costs.components[k] for k in SHARED_COMPONENTS]),
        shared_one_time_usd=as_float(shared_one_time),
        fleet=fleet_inputs,
        discount_rate_annual=readers[served[0]]("scenario.discount_rate_annual"),
    )


def _shared_fleet(
    p: Portfolio,
    index: int,
    evs: list[Evaluation],
    readers: list[_Reader],
    own: Mapping[str, FloatArray],
) -> _SharedFleet:
    path = f"alternatives.{index}"
    served = p.served[index]
    first = readers[served[0]]
    option = first.scenario.alternatives[index]
    assert isinstance(option, SelfHostedOption)
    peak, mean = [], []
    for j in served:
        read = readers[j]
        served_requests = evs[j].requests * (1.0 - per_sample(read(f"{path}.escalation_share")))
        busy = (
            served_requests / SECONDS_PER_MONTH / per_sample(read(f"{path}.replica_requests_per_s"))
        )
        mean.append(busy)
        peak.append(busy * per_sample(read("traffic.peak_to_average")))
    serving = p.scenario.alternatives[index].portfolio
    numbers = {}
    for name in PORTFOLIO_FIELDS:
        full = f"{path}.portfolio.{name}"
        default = getattr(serving, name) if serving is not None else _serving_default(name)
        numbers[name] = own.get(full, as_float(default))
    params: dict[str, Any] = {
        "target_utilization": first(f"{path}.target_utilization"),
        "gpus_per_replica": first(f"{path}.gpus_per_replica"),
    }
    if option.always_on:
        params["min_replicas"] = first(f"{path}.min_replicas")
    cash = False
    if option.owned is not None:
        from payback.analysis.cashflows import OWNED_FIELDS

        cash = option.owned.financing == "cash"
        params["owned"] = {
            k: first(f"{path}.owned.{k}")
            for k in OWNED_FIELDS
            if not (cash and k == "depreciation_months")
        }
    else:
        params["usd_per_gpu_hour"] = first(f"{path}.usd_per_gpu_hour")
        trend_path = f"{path}.gpu_price_change_annual"
        horizon = p.scenario.scenario.horizon_months
        if option.gpu_price_change_annual == 0.0 and trend_path not in first.overrides:
            params["trend"] = np.ones(horizon)
        else:
            params["trend"] = model.committed_price_trend(
                first(trend_path), horizon, COMMITMENT_TERM_MONTHS[option.commitment]
            )
    return _SharedFleet(
        peak=_stack(peak),
        mean=_stack(mean),
        coincidence=numbers["coincidence_factor"],
        overhead=numbers["adapter_overhead"],
        decade_loss=numbers["adapter_decade_loss"],
        always_on=option.always_on,
        cash=cash,
        params=params,
    )


def _serving_default(name: str) -> float:
    """The default of a ``portfolio`` table's number."""
    from payback.scenario.workloads import Serving

    return float(getattr(Serving(), name))


@dataclass(frozen=True)
class FleetCosts:
    """The shared fleet of each subset of workloads (subsets first, the month last)."""

    components: dict[str, FloatArray]
    """Its monthly cost by component [USD/month]."""
    gpus: FloatArray
    """GPUs each month (busy GPU-hours / 730 when scaled to zero)."""
    pinned_gpus: FloatArray
    """Of those, the GPUs of replicas pinned to one workload's adapter (:func:`place_adapters`)."""
    at_start: FloatArray
    """What it buys at t = 0 [USD]."""
    share: FloatArray
    """(K, W, …, H): each workload's share of its GPU time."""


def shared_fleet_costs(fleet: _SharedFleet, masks: FloatArray) -> FleetCosts:
    """The shared fleet of each subset of workloads (``masks``: (K, W) of 0/1), placed as
    :func:`place_adapters` finds cheapest (always on) or each workload on its own merged
    deployment (scaled to zero: billed by the second, a fleet gains nothing from mixing
    adapters and would lose η(n) of its throughput), priced by the one fleet formula."""
    m = as_float(masks)
    # every sample axis on the loads, so the parameters' samples meet theirs (not the subsets')
    scalars = [fleet.coincidence, fleet.overhead, fleet.decade_loss]
    for value in fleet.params.values():
        scalars += list(value.values()) if isinstance(value, dict) else [value]
    samples = np.broadcast_shapes(
        fleet.peak.shape[1:-1],
        *(np.shape(v) for v in scalars if np.ndim(v) and np.shape(v)[-1:] != fleet.peak.shape[-1:]),
        *(
            np.shape(v)[:-1]
            for v in scalars
            if np.ndim(v) and np.shape(v)[-1:] == fleet.peak.shape[-1:]
        ),
    )
    shape = (fleet.peak.shape[0], *samples, fleet.peak.shape[-1])
    pad = (1,) * (len(samples) - (fleet.peak.ndim - 2))

    def spread(a: FloatArray) -> FloatArray:
        return np.broadcast_to(a.reshape(a.shape[:1] + pad + a.shape[1:]), shape)

    peak, mean = spread(fleet.peak), spread(fleet.mean)
    weights = m.reshape(m.shape + (1,) * (len(shape) - 1))  # (K, W, …, 1s)
    means = weights * mean
    total = np.sum(means, axis=1)
    params = dict(fleet.params)
    gpus_per_replica = per_sample(params["gpus_per_replica"])
    if fleet.always_on:
        utilization = per_sample(params.pop("target_utilization"))
        replicas, pinned = place_adapters(
            np.moveaxis(weights * peak, 1, 0) / utilization,
            np.moveaxis(means, 1, 0) / utilization,
            fleet.coincidence,
            fleet.overhead,
            fleet.decade_loss,
        )
        components, gpus, extras = model.self_hosted_cost(
            replicas * SECONDS_PER_MONTH,
            replica_requests_per_s=1.0,
            target_utilization=1.0,
            peak_to_average=1.0,
            always_on=True,
            cash=fleet.cash,
            **params,
        )
        pinned_gpus = as_float(pinned * gpus_per_replica)
    else:
        components, gpus, extras = model.self_hosted_cost(
            total * SECONDS_PER_MONTH,
            replica_requests_per_s=1.0,
            always_on=False,
            cash=fleet.cash,
            **params,
        )
        pinned_gpus = gpus
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total[:, np.newaxis] > 0, means / total[:, np.newaxis], 0.0)
    at_start = extras.get("at_start", np.zeros(total.shape[:-1]))
    if not fleet.cash:
        at_start = np.zeros(total.shape[:-1])
    return FleetCosts(components, gpus, pinned_gpus, as_float(at_start), share)


def subset_flows(
    pieces: AlternativePieces, masks: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Baseline and alternative monthly costs (K, …, H), one-time costs (K, …) and requests
    (K, …, H) of moving each subset of the served workloads (``masks``: (K, W) of 0/1); an
    empty subset moves nothing and pays nothing."""
    m = as_float(masks)
    extra = pieces.baseline_usd.ndim - 1
    w = m.reshape(m.shape + (1,) * extra)
    any_moved = (np.sum(m, axis=1) > 0).astype(np.float64)
    moved = any_moved.reshape(any_moved.shape + (1,) * extra)
    baseline = np.sum(w * pieces.baseline_usd, axis=1)
    alternative = np.sum(w * pieces.own_usd, axis=1) + moved * pieces.shared_monthly_usd
    requests = np.sum(w * pieces.requests, axis=1)
    w1 = m.reshape(m.shape + (1,) * (pieces.one_time_usd.ndim - 1))
    one_time = np.sum(w1 * pieces.one_time_usd, axis=1) + moved[..., 0] * pieces.shared_one_time_usd
    if pieces.fleet is not None:
        costs = shared_fleet_costs(pieces.fleet, m)
        alternative = alternative + moved * _sum(list(costs.components.values()))
        one_time = one_time + moved[..., 0] * costs.at_start
    return baseline, alternative, one_time, requests


@dataclass(frozen=True)
class PortfolioOutcome:
    """Moving every workload an alternative serves, as arrays (sample axes, month last)."""

    pieces: AlternativePieces
    baseline_usd: FloatArray
    alternative_usd: FloatArray
    requests: FloatArray
    one_time_usd: FloatArray
    cumulative_savings_usd: FloatArray
    break_even_month: FloatArray
    break_even_requests: FloatArray
    npv_usd: FloatArray
    gpus: FloatArray | None
    """GPUs of the shared fleet each month (None without one)."""
    pinned_gpus: FloatArray | None
    """Of those, the GPUs pinned to one workload's adapter (:func:`place_adapters`)."""
    fleet_usd: FloatArray | None
    """The shared fleet's monthly cost (None without one)."""
    fleet_share: FloatArray | None
    """(W, …, H): each served workload's share of the shared fleet's GPU time."""


@dataclass(frozen=True)
class PortfolioEvaluation:
    portfolio: Portfolio
    parts: list[Evaluation]
    alternatives: list[PortfolioOutcome]


def evaluate_portfolio(
    p: Portfolio, overrides: Mapping[str, ArrayLike] | None = None
) -> PortfolioEvaluation:
    """Every alternative's portfolio cash flows, break-even and NPV.

    ``overrides`` maps portfolio paths (``workloads.2.traffic.requests_per_month``,
    ``baseline.output_usd_per_mtok``, ``alternatives.0.usd_per_gpu_hour``,
    ``alternatives.0.portfolio.coincidence_factor``) to arrays of samples.
    """
    per_part, own = _split_overrides(p, overrides or {})
    evs = [
        evaluate(part, ov) if ov else evaluate(part)
        for part, ov in zip(p.parts, per_part, strict=True)
    ]
    readers = [_Reader(part, ov) for part, ov in zip(p.parts, per_part, strict=True)]
    workload_one_time = [_workload_one_time(p, j, own) for j in range(len(p.parts))]
    unused = [
        path
        for path in own
        if path.startswith("alternatives.") and not p.shares_fleet(int(path.split(".")[1]))
    ]
    if unused:
        raise PaybackError(f"{unused[0]}: not read: that alternative has no shared fleet")
    outcomes = []
    stacks: dict[tuple[int, ...], tuple[FloatArray, FloatArray]] = {}
    with np.errstate(all="ignore"):  # as the engine's: an extreme sample gives inf or nan
        for i in range(len(p.scenario.alternatives)):
            pieces = _pieces(p, i, evs, readers, own, workload_one_time, stacks)
            outcomes.append(_outcome(i, pieces, evs, workload_one_time))
    return PortfolioEvaluation(p, evs, outcomes)


def _outcome(
    index: int,
    pieces: AlternativePieces,
    evs: list[Evaluation],
    own_one_time: list[FloatArray],
) -> PortfolioOutcome:
    served = pieces.served
    first = evs[served[0]].alternatives[index]
    baseline = _sum([evs[j].baseline.monthly_usd for j in served])
    requests = _sum([evs[j].requests for j in served])
    gpus = pinned_gpus = fleet_usd = share = None
    if pieces.fleet is None:
        # the engine's own sums when there is one workload: its answer exactly
        rest = [pieces.own_usd[k] for k in range(1, len(served))]
        alternative = _sum([first.costs.monthly_usd, *rest])
        bought = [evs[j].alternatives[index].one_time_items_usd.get("hardware") for j in served[1:]]
        one_time = _sum(
            [
                first.one_time_usd,
                *(own_one_time[j] for j in served),
                *(b for b in bought if b is not None),
            ]
        )
    else:
        costs = shared_fleet_costs(pieces.fleet, np.ones((1, len(served))))
        fleet_usd = _sum(list(costs.components.values()))[0]
        gpus, pinned_gpus, share = costs.gpus[0], costs.pinned_gpus[0], costs.share[0]
        alternative = np.sum(pieces.own_usd, axis=0) + pieces.shared_monthly_usd + fleet_usd
        one_time = (
            np.sum(pieces.one_time_usd, axis=0) + pieces.shared_one_time_usd + costs.at_start[0]
        )
    base, alt = np.broadcast_arrays(baseline, alternative)
    cum = model.cumulative_savings(base, alt, one_time)
    month = model.break_even_month(cum)
    return PortfolioOutcome(
        pieces=pieces,
        baseline_usd=base,
        alternative_usd=alt,
        requests=requests,
        one_time_usd=as_float(one_time),
        cumulative_savings_usd=cum,
        break_even_month=month,
        break_even_requests=model.break_even_requests(month, requests),
        npv_usd=model.net_present_value(base, alt, one_time, pieces.discount_rate_annual),
        gpus=gpus,
        pinned_gpus=pinned_gpus,
        fleet_usd=fleet_usd,
        fleet_share=share,
    )
