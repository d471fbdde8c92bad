"""The one line for a per-token latency target that no batch meets on the replica chosen
for the weights: what larger replicas would do (:func:`alone_on_larger`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from payback.catalog import Gpu, OpenModel
from payback.errors import PaybackError
from payback.hardware.load import loaded_steps
from payback.hardware.placement import (
    NODE_GPUS,
    kv_cache_tokens,
    serving_shape,
    valid_tensor_parallel,
)


def alone_on_larger(
    model: OpenModel,
    gpu: Gpu,
    precision: str,
    tp: int,
    tpot_ms: float,
    load: dict[str, Any],
    missed: PaybackError,
    gpus_per_server: int | None = None,
) -> PaybackError:
    """Where the replica chosen for the weights (``tp`` GPUs) misses ``tpot_ms`` with one
    sequence alone: the fewest more GPUs that meet it, else the fastest replica's time, so
    that the line does not read as if only ``tp`` GPUs were tried, whether ``tp`` was
    chosen or given. A replica runs inside one server: with ``gpus_per_server`` (an owned
    server's), a replica that meets it on more GPUs than that is named with the server it
    needs. The advice names the fields (the library names no flag); ``advises`` lists them
    for an interface to rename (:meth:`~payback.errors.PaybackError.renamed`)."""
    alone: dict[int, float] = {}
    for d in valid_tensor_parallel(model):  # ascending: stop at the fewest that meet it
        if d > tp and kv_cache_tokens(model, gpu, precision, d, load["engine"]) > 0:
            alone[d] = _alone_ms(model, gpu, precision, d, load)
            if alone[d] <= tpot_ms:
                break
    if not alone:
        return missed
    met = next((d for d, ms in alone.items() if ms <= tpot_ms), None)
    server = NODE_GPUS if gpus_per_server is None else gpus_per_server
    if met is not None and met <= server:
        why = (
            f"; {met} × {gpu.id} meets it ({alone[met]:.1f} ms alone): "
            f"set gpus_per_replica to {met}"
        )
        return PaybackError.bad("tpot_ms", tpot_ms, f"{missed.allowed}{why}", ["gpus_per_replica"])
    if met is not None:  # only a replica larger than the server meets it
        inside = {d: ms for d, ms in alone.items() if d <= server}
        fastest = min(inside, key=inside.__getitem__, default=None)
        gpus = f"{server} GPU{'' if server == 1 else 's'}"
        held = (
            f", and no larger replica fits one server of {gpus}"
            if fastest is None
            else f", nor can a replica within one server of {gpus} "
            f"({inside[fastest]:.1f} ms alone on {fastest})"
        )
        # a larger server is another purchase: its price and power are per server too
        why = (
            f"{held}; {met} × {gpu.id} meets it ({alone[met]:.1f} ms alone), in a server of "
            f"{met}: set gpus_per_server and gpus_per_replica to {met}, and usd_per_server, "
            "kw_per_server and any colocation_usd_per_server_month to such a server's"
        )
        return PaybackError.bad(
            "tpot_ms",
            tpot_ms,
            f"{missed.allowed}{why}",
            [
                "gpus_per_server",
                "gpus_per_replica",
                "usd_per_server",
                "kw_per_server",
                "colocation_usd_per_server_month",
            ],
        )
    fastest = min(alone, key=alone.__getitem__)
    most = max(alone)
    why = (
        f", nor can {most} GPUs in one node ({alone[fastest]:.1f} ms alone on {fastest})"
        if most == NODE_GPUS
        else f", nor can {most} GPUs ({alone[fastest]:.1f} ms alone on {fastest}), the most "
        "its attention heads split evenly over"
    )
    return PaybackError.bad("tpot_ms", tpot_ms, f"{missed.allowed}{why}")


def _alone_ms(model: OpenModel, gpu: Gpu, precision: str, gpus: int, load: dict[str, Any]) -> float:
    """One sequence's loaded step on a replica of ``gpus`` GPUs [ms]."""
    shape = serving_shape(model, gpu, precision, gpus, load["engine"])
    return float(np.ravel(loaded_steps(shape, np.ones(1), **load)[1])[0]) * 1000.0
