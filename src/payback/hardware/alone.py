"""The one line for a per-token latency target that no batch meets on the replica chosen
for the weights: what larger replicas would do (:func:`alone_on_larger`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from payback.catalog import Gpu, OpenModel
from payback.errors import PaybackError
from payback.hardware.load import loaded_steps
from payback.hardware.placement import kv_cache_tokens, serving_shape, valid_tensor_parallel


def alone_on_larger(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    tp: int,
    tpot_ms: float,
    load: dict[str, Any],
    missed: PaybackError,
) -> PaybackError:
    """Where the replica chosen for the weights (``tp`` GPUs) misses ``tpot_ms`` with one
    sequence alone: the fewest more GPUs that meet it, else the fastest replica's time, so
    that the line does not read as if only ``tp`` GPUs were tried, whether ``tp`` was
    chosen or given. The advice names the field (the library names no flag); ``advises``
    lists it for an interface to call it by its own name
    (:meth:`~payback.errors.PaybackError.renamed`)."""
    alone = {
        d: float(
            np.ravel(
                loaded_steps(
                    serving_shape(model, gpu, precision, d, load["engine"]), np.ones(1), **load
                )[1]
            )[0]
        )
        * 1000.0
        for d in valid_tensor_parallel(model)
        if d > tp and kv_cache_tokens(model, gpu, precision, d, load["engine"]) > 0
    }
    if not alone:
        return missed
    d = next((d for d, ms in alone.items() if ms <= tpot_ms), min(alone, key=alone.__getitem__))
    if alone[d] <= tpot_ms:
        why = f"; {d} × {gpu.id} meets it ({alone[d]:.1f} ms alone): set gpus_per_replica to {d}"
        return PaybackError.bad("tpot_ms", tpot_ms, f"{missed.allowed}{why}", ["gpus_per_replica"])
    why = f", nor can {max(alone)} GPUs in one node ({alone[d]:.1f} ms alone on {d})"
    return PaybackError.bad("tpot_ms", tpot_ms, f"{missed.allowed}{why}")
