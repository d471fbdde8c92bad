"""Resolve an option's one-time training cost: a hosted fine-tuning job priced per token
from the catalog, or a job on rented GPUs from the training estimate, unless the
scenario gives ``training_usd``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from payback.analysis.lookups import Lookups
from payback.catalog import rent_text
from payback.errors import PaybackError
from payback.scenario import OneTime, Recurring, TrainingJob

if TYPE_CHECKING:
    from payback.catalog import HostedFineTune

__all__ = ["hosted_training_usd", "resolve_one_time", "retraining_past_horizon"]


def retraining_past_horizon(path: str, recurring: Recurring, horizon: int) -> str | None:
    """The warning when ``recurring``'s first retraining falls past the horizon (month
    ``retrain_every_months`` > ``horizon``): it is paid, but in no month counted, as a
    commitment's months past the horizon are not. None when one falls within it or none
    is paid (``retrain_every_months = 0``, or ``retrain_usd`` 0 or not given, which
    :func:`~payback.scenario.checks.cost_pair_warnings` says)."""
    every = recurring.retrain_every_months
    if every <= horizon or not recurring.retrain_usd:
        return None
    return (
        f"{path}.recurring.retrain_every_months = {every}: the first retraining falls in "
        f"month {every}, past the {horizon}-month horizon; its retrain_usd = "
        f"{recurring.retrain_usd:g} is paid but not counted"
    )


def resolve_one_time(
    ctx: Lookups, path: str, one_time: OneTime, served: str | None = None
) -> OneTime:
    """``one_time`` with ``training_usd`` filled in (0 without a training job).

    ``served`` is the open model the option at ``path`` (``<option>.one_time``) serves, a
    self-hosted option's ``model``: the model a hosted job without ``training.model``
    trains, whose size a size-banded offer is checked against."""
    job = one_time.training
    if job is None:
        return (
            one_time
            if one_time.training_usd is not None
            else one_time.model_copy(update={"training_usd": 0.0})
        )
    if one_time.training_usd is not None:
        ctx.warnings.append(f"{path}.training is not used: training_usd is given and wins")
        return one_time
    rent_fields = [f for f in ("gpu_provider", "gpu_price") if getattr(job, f) is not None]
    if rent_fields and (job.usd_per_gpu_hour is not None or job.hosted is not None):
        why = (
            "a hosted job is priced per token"
            if job.hosted
            else "usd_per_gpu_hour is given and wins"
        )
        ctx.warnings.extend(f"{path}.training.{f} is not used: {why}" for f in rent_fields)
    if job.hosted is not None and job.calibration is not None:
        ctx.warnings.append(
            f"{path}.training.calibration is not used: a hosted job is priced per token"
        )
    value = (
        _hosted(ctx, path, job, served) if job.hosted is not None else _estimated(ctx, path, job)
    )
    return one_time.model_copy(update={"training_usd": value})


def _hosted(ctx: Lookups, path: str, job: TrainingJob, served: str | None) -> float:
    """A hosted fine-tuning job: its tokens at the offer's price, at least its minimum; a
    size-banded offer refused for a model outside its band (``training.model``, else the
    option's own ``served`` model)."""
    assert job.hosted is not None
    offer = ctx.lookup(f"{path}.training.hosted", ctx.catalog.finetune, job.hosted)
    banded = offer.min_params_b is not None or offer.max_params_b is not None
    trained, where = job.model, f"{path}.training.model"
    if trained is None:
        trained, where = served, f"{path.removesuffix('.one_time')}.model"
    if trained is not None and banded:
        model = ctx.lookup(where, ctx.catalog.model, trained, ctx.scenario.base_dir)
        low, high = offer.min_params_b or 0.0, offer.max_params_b or float("inf")
        if not low <= model.params_b <= high:
            whose = "" if job.model is not None else f" ({where}, the model trained)"
            raise PaybackError(
                f"{path}.training: {offer.id} prices models of {low:g}-{high:g}B parameters; "
                f"{model.id}{whose} has {model.params_b:g}B"
            )
    from payback.hardware.fine_tuning import too_many_tokens

    if (words := too_many_tokens(job.tokens)) is not None:  # as a job on rented GPUs
        raise PaybackError(f"{path}.training: {words}")
    cost = float(hosted_training_usd(offer, job.tokens))
    source = f"catalog: {offer.id} fine-tuning, {job.tokens / 1e6:,.1f}M tokens at ${offer.training_usd_per_mtok:g}/M"
    return ctx.note(f"{path}.training_usd", cost, source, offer.source, offer.checked)


def hosted_training_usd(offer: HostedFineTune, tokens: Any) -> Any:
    """A hosted fine-tuning job of ``tokens`` (a number or an array of them) [USD]: its
    tokens at the offer's price, at least the offer's minimum."""
    return np.maximum(offer.training_usd_per_mtok * tokens / 1e6, offer.min_job_usd)


def _estimated(ctx: Lookups, path: str, job: TrainingJob) -> float:
    """A job on rented GPUs: the training estimate's GPU-hours at the GPU's rent, its
    utilisation scaled by a calibration when the job names one."""
    from payback.hardware.fine_tuning import estimate_training

    assert job.model is not None  # the schema requires model with gpu
    assert job.gpu is not None
    model = ctx.lookup(
        f"{path}.training.model", ctx.catalog.model, job.model, ctx.scenario.base_dir
    )
    gpu = ctx.lookup(f"{path}.training.gpu", ctx.catalog.gpu, job.gpu)
    price = job.usd_per_gpu_hour
    if price is None:
        price = ctx.gpu_price(
            f"{path}.training", gpu, job.gpu_provider, price=job.gpu_price, terms=False
        )
    scale, calibrated = 1.0, ""
    if job.calibration is not None:
        from payback.measure.apply import training_scale

        where = f"{path}.training.calibration"
        cal = ctx.calibration(where, job.calibration)
        scale = training_scale(cal, job.method, f"{where} = {job.calibration!r}")
        ctx.check_use(f"{path}.training", cal, job.model, gpu.id, None)
        calibrated = f", utilization ×{scale:.3g} calibrated by {job.calibration}"
    estimate = ctx.lookup(
        f"{path}.training",
        estimate_training,
        model,
        gpu,
        job.method,
        tokens=job.examples * job.tokens_per_example,
        epochs=job.epochs,
        precision=job.precision,
        stack=job.stack,
        usd_per_gpu_hour=price,
        mfu_scale=scale,
        fields={"precision": f"{path}.training.precision"},
    )
    ctx.details[f"{path}.training"] = estimate.to_dict()
    from payback.hardware.cautions import training_cautions

    cautions = training_cautions(model, gpu, estimate, scale)
    ctx.warnings.extend(f"{path}.training: {line}" for line in cautions)
    source = (
        f"estimate: {job.method} of {model.id} on {estimate.gpus} × {gpu.id}, "
        f"{estimate.tokens / 1e6:,.1f}M tokens, {estimate.gpu_hours:,.2f} GPU-h at {rent_text(price)}/h"
        + calibrated
    )
    return ctx.note(f"{path}.training_usd", float(estimate.usd or 0.0), source)
