"""What to know about the configuration :func:`payback.studies.recommend.recommend` ranks
first: its GPU's catalog caveat, a stale catalog rent, and the regimes docs/accuracy.md
measured its estimate optimistic in (:mod:`payback.hardware.cautions`), as ``analyze``
says them of the same configuration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from payback.catalog import Catalog, Gpu, OpenModel, is_stale, offer_source, rent_text
from payback.hardware import serving as sv
from payback.scenario import SelfHostedOption
from payback.studies.configurations import Candidate

if TYPE_CHECKING:
    from payback.catalog import GpuPrice
    from payback.studies.configurations import Load

__all__ = ["winner_cautions", "winner_warnings"]


def winner_warnings(
    path: str,
    catalog: Catalog,
    candidates: list[Candidate],
    offers: Mapping[str, GpuPrice],
    today: dt.date,
) -> list[str]:
    """The winner's GPU caveat, then its stale rent (``offers``: the catalog's, by GPU)."""
    return _caveat_warning(path, catalog, candidates) + _stale_warning(
        path, offers, candidates, today
    )


def winner_cautions(
    path: str,
    models: list[OpenModel],
    gpus: list[Gpu],
    candidates: list[Candidate],
    option: SelfHostedOption,
    load: Load,
    engine: sv.ServingEngine,
) -> list[str]:
    """The regimes the winner's serving estimate falls in (one line each), as ``analyze``
    warns of them once the winner is in the scenario: the estimate at the batch the winner
    runs (a candidate that meets its targets only)."""
    if not candidates or not candidates[0].meets_targets:
        return []
    from payback.hardware.cautions import serving_cautions
    from payback.hardware.estimate import estimate_serving

    best = candidates[0]
    model = next(m for m in models if m.id == best.model)
    gpu = next(g for g in gpus if g.id == best.gpu)
    estimate = estimate_serving(
        model,
        gpu,
        best.precision,
        input_tokens=load.prompt,
        output_tokens=load.output_tokens,
        cached_input_share=load.cached,
        gpus_per_replica=best.gpus_per_replica,
        batch=best.decode_batch or best.batch,
        engine=engine,
        utilization=option.target_utilization,
    )
    lines = serving_cautions(
        model, gpu, estimate, engine, load.cached, shows_first_token=option.ttft_ms is not None
    )
    return [f"{path}: the winner, {best.label()}: {line}" for line in lines]


def _stale_warning(
    path: str, offers: Mapping[str, GpuPrice], candidates: list[Candidate], today: dt.date
) -> list[str]:
    """The winner's rent when it is the catalog's (``offers``, by GPU) and stale, in
    :func:`payback.catalog.offer_source`'s words; nothing when no configuration meets the
    targets (there is no winner to check)."""
    if not candidates or not candidates[0].meets_targets:
        return []
    offer = offers.get(candidates[0].gpu)
    if offer is None or not is_stale(offer.checked, today):
        return []
    best = candidates[0]
    return [
        f"{path}: the winner's rent, {best.gpu} at {rent_text(offer.usd_per_gpu_hour)}/GPU-h from "
        f"{offer_source(offer, today)}: check it before deciding"
    ]


def _caveat_warning(path: str, catalog: Catalog, candidates: list[Candidate]) -> list[str]:
    """What to know about the GPU of the cheapest configuration (its catalog caveat)."""
    if not candidates or not candidates[0].meets_targets:
        return []
    gpu = catalog.gpus.get(candidates[0].gpu)
    if gpu is None or not gpu.caveat:
        return []
    return [f"{path}: the cheapest configuration runs on {gpu.id}, {gpu.caveat}"]
