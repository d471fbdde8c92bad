"""A shared multi-LoRA fleet's physics: the throughput a replica keeps serving n adapters
(:func:`adapter_efficiency`), an adapter's memory (:func:`adapter_bytes`) and the placement
of workloads on pinned and mixed replicas (:func:`place_adapters`); the sources are in
:mod:`payback.analysis.portfolio`'s docstring and each function's."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from payback.finance._types import ArrayLike, FloatArray, as_float, per_sample
from payback.finance.costs import CEIL_TOLERANCE
from payback.scenario.workloads import ADAPTER_DECADE_LOSS, ADAPTER_OVERHEAD

if TYPE_CHECKING:
    from payback.catalog import OpenModel


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


def adapter_bytes(model: OpenModel, rank: int, bytes_per_weight: float = 2.0) -> float:
    """Memory of one LoRA adapter of rank ``rank`` on ``model`` [bytes]: its parameters where
    fine-tuning puts them (:func:`payback.hardware.fine_tuning.adapter_parameters`: every
    linear layer, the experts of a mixture of experts), in bf16 by default.

    Llama-3.1-8B at rank 16: about 84 MB.

    >>> from payback.catalog import default_catalog
    >>> round(adapter_bytes(default_catalog().model("llama-3.1-8b"), 16) / 1e6, 1)
    83.9
    """
    from payback.hardware.fine_tuning import adapter_parameters

    return adapter_parameters(model, rank) * bytes_per_weight


def ceil_replicas(x: FloatArray) -> FloatArray:
    """Whole replicas for ``x`` replicas' worth of load (the fleet formula's rounding)."""
    return as_float(np.ceil(x * (1.0 - CEIL_TOLERANCE)))


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
    peak) in its average hour. A replica that serves one workload's adapter alone runs it merged
    into the weights and keeps its full throughput; a replica mixing n adapters keeps η(n)
    (:func:`adapter_efficiency`). So the operator of a multi-adapter fleet pins a workload that
    fills whole replicas to replicas of its own (an adapter-aware router sends an adapter's requests
    to the replicas that hold it: LoRAX and vLLM's production stack route by adapter) and mixes only
    the leftovers. The placements priced, the cheapest kept (ties go to the first):

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
    if coincident and float(o) == 0.0 and float(d) == 0.0:
        # one model (η = 1 at any count, the baseline fleet's): a pinned replica carries
        # what a mixed one does, so one pool, ⌈Σ x⌉, is never beaten (placement 1 wins ties)
        return ceil_replicas(np.sum(x, axis=0)), as_float(np.zeros(x.shape[1:]))
    # 1. every workload mixed
    n = np.count_nonzero(x > 0.0, axis=0)
    busiest = np.sum(x, axis=0)
    if not coincident:
        busiest = np.maximum(np.maximum(c * busiest, np.max(x, axis=0)), np.sum(m, axis=0))
    all_mixed = ceil_replicas(busiest / efficiency(n))
    # 2. whole replicas pinned, the k smallest leftovers mixed
    whole = ceil_replicas(x)
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
    pool = ceil_replicas(pool / efficiency(k))  # η(0) = 1: no leftovers, no pool
    gain = pool - k
    at = np.argmin(gain, axis=0)[np.newaxis]
    best = np.take_along_axis(gain, at, axis=0)[0]
    mixed = np.where(best < 0.0, np.take_along_axis(pool, at, axis=0)[0], 0.0)
    placed = np.sum(whole, axis=0) + np.minimum(best, 0.0)
    one_pool = all_mixed <= placed
    replicas = np.where(one_pool, all_mixed, placed)
    pinned = np.where(one_pool, 0.0, placed - mixed)
    return as_float(replicas), as_float(pinned)
