"""recommend on a portfolio checks the adapters' memory and sets up the shared fleet with
the catalog the search uses (``recommend(..., catalog=...)``), not the packaged one.
Tried as a new user would, with a catalog of their own: a GPU id only theirs was refused
("unknown GPU 'my-h100'"), an L4 given 80 GB was held to the packaged 24 GB (so 1 × l4
int4 of a 70B model, 35 GB of weights, was refused for its adapters and the winner took
4 GPUs a replica), and an H100 given 20 GB was held to the packaged 80 GB (8B bf16, 16 GB
of weights, was let through with room for 1 adapter where 2 workloads need 2)."""

from __future__ import annotations

from typing import Any

import pytest

import payback
from payback.analysis.portfolio import prepare
from payback.catalog import Catalog, Gpu, default_catalog
from payback.errors import PaybackError
from payback.scenario import parse_scenario

CAT = default_catalog()
ADAPTERS = "too little memory for the 2 workloads' rank-16 adapters"


def _catalog(gpu: Gpu) -> Catalog:
    """The packaged models, and ``gpu`` the only GPU."""
    return Catalog(gpus={gpu.id: gpu}, models=CAT.models, finetunes=CAT.finetunes)


def _with_memory(gpu_id: str, gb: float) -> Gpu:
    return CAT.gpu(gpu_id).model_copy(update={"memory_gb": gb, "memory_mib": None})


def _data(**chosen: Any) -> dict[str, Any]:
    """Two workloads (1,000,000 and 500,000 requests a month, 1,000 and 2,000 tokens in,
    200 out) on one shared fleet of an 8B base, a rent of $2 a GPU-hour; ``chosen`` fills in the configuration."""
    traffic = {"output_tokens": 200}
    return {
        "scenario": {"name": "two tasks", "horizon_months": 12},
        "baseline": {
            "name": "api",
            "kind": "hosted_api",
            "input_usd_per_mtok": 2.5,
            "output_usd_per_mtok": 10.0,
        },
        "alternatives": [
            {
                "name": "adapters",
                "kind": "self_hosted",
                "model": "llama-3.1-8b",
                "usd_per_gpu_hour": 2.0,
                "portfolio": {"fleet": "shared", "adapter_rank": 16},
            }
            | chosen
        ],
        "workloads": [
            {
                "name": "a",
                "traffic": traffic | {"requests_per_month": 1_000_000, "input_tokens": 1000},
            },
            {
                "name": "b",
                "traffic": traffic | {"requests_per_month": 500_000, "input_tokens": 2000},
            },
        ],
    }


def test_a_gpu_only_the_users_catalog_has_is_searched() -> None:
    mine = CAT.gpu("h100-sxm").model_copy(update={"id": "my-h100", "name": "my H100"})
    result = payback.recommend(parse_scenario(_data()), catalog=_catalog(mine))
    packaged = payback.recommend(parse_scenario(_data()), catalog=_catalog(CAT.gpu("h100-sxm")))
    best, same = result.best, packaged.best
    assert best is not None
    assert same is not None
    # the same card under another id: the same configuration at the same rent
    assert (best.gpu, best.precision, best.gpus_per_replica, best.replicas) == (
        "my-h100",
        same.precision,
        same.gpus_per_replica,
        same.replicas,
    )
    assert best.monthly_cost_usd == pytest.approx(same.monthly_cost_usd)
    gpus = best.replicas * best.gpus_per_replica  # at the card's catalog rent, 730 hours
    assert best.usd_per_gpu_hour == same.usd_per_gpu_hour
    assert best.monthly_cost_usd == pytest.approx(best.usd_per_gpu_hour * 730 * gpus)


def test_a_gpu_with_more_memory_in_the_users_catalog_holds_the_adapters() -> None:
    big = _catalog(_with_memory("l4", 80.0))
    result = payback.recommend(parse_scenario(_data()), catalog=big, models=["llama-3.1-70b"])
    best = result.best
    assert best is not None
    # 70B in int4, 35 GB of weights, fits one 80 GB card with both adapters; the packaged
    # 24 GB held it to 4 × l4 fp8
    assert (best.gpu, best.precision, best.gpus_per_replica) == ("l4", "int4", 1)
    assert ADAPTERS.replace("2 workloads' rank-16", "") not in " ".join(result.excluded)
    chosen = {"model": "llama-3.1-70b", "gpu": "l4", "precision": "int4", "gpus_per_replica": 1}
    prepare(parse_scenario(_data(**chosen)), big)  # analyze with that catalog takes it
    with pytest.raises(PaybackError, match="1 × l4 hold 20 GB usable"):
        prepare(parse_scenario(_data(**chosen)))  # the packaged 24 GB L4 cannot


def test_a_gpu_with_less_memory_in_the_users_catalog_leaves_out_what_does_not_fit() -> None:
    small = _catalog(_with_memory("h100-sxm", 20.0))
    result = payback.recommend(parse_scenario(_data()), catalog=small)
    # 8B in bf16 (16 GB of weights) on 20 GB holds the weights, a request's KV cache and 1
    # adapter, not 2: left out, as analyze with that catalog refuses it
    assert result.examples[ADAPTERS] == "llama-3.1-8b bf16 on 1 × h100-sxm: room for 1"
    assert result.excluded[ADAPTERS] == 1
    assert not [c for c in result.candidates if (c.precision, c.gpus_per_replica) == ("bf16", 1)]
    chosen = {"gpu": "h100-sxm", "precision": "bf16", "gpus_per_replica": 1}
    with pytest.raises(PaybackError, match="adapter"):
        prepare(parse_scenario(_data(**chosen)), small)
    prepare(parse_scenario(_data(**chosen)))  # the packaged 80 GB H100 holds both
