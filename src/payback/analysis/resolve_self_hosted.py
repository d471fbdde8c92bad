"""Resolve a ``self_hosted`` option: the GPU's rent from the catalog, and a replica's
capacity from a serving benchmark (scaled to the scenario's token lengths) or from the
serving estimate, unless the scenario gives them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from payback.analysis.lookups import Lookups
from payback.analysis.past_horizon import cash_past_horizon_line, cash_past_horizon_warnings
from payback.analysis.verdict import rate_text, usd
from payback.errors import PaybackError
from payback.figures import listed
from payback.scenario import COMMITMENT_TERM_MONTHS, SelfHostedOption

if TYPE_CHECKING:
    from payback.catalog import Gpu, OpenModel
    from payback.hardware.estimate import ServingEstimate
    from payback.measure.calibration import Calibration, ServingMeasurement

__all__ = ["cash_past_horizon_line", "cash_past_horizon_warnings", "resolve_self_hosted"]


def resolve_self_hosted(ctx: Lookups, path: str, option: SelfHostedOption) -> SelfHostedOption:
    """The GPU's rent and a replica's capacity (and GPUs per replica) where not given."""
    update: dict[str, Any] = {}
    if option.gpu is None and (
        (option.usd_per_gpu_hour is None and option.owned is None)
        or (option.replica_requests_per_s is None and option.calibration is None)
    ):
        raise PaybackError(f"{path}.gpu: required to price and size it; recommend() chooses one")
    gpu = ctx.lookup(f"{path}.gpu", ctx.catalog.gpu, option.gpu) if option.gpu else None
    _unused_warnings(ctx, path, option)
    if option.usd_per_gpu_hour is None and gpu is not None and option.owned is None:
        update["usd_per_gpu_hour"] = ctx.gpu_price(
            path, gpu, option.gpu_provider, option.commitment, option.gpu_price
        )
    _term_past_horizon(ctx, path, option, update.get("usd_per_gpu_hour", option.usd_per_gpu_hour))
    cal = (
        None
        if option.calibration is None
        else ctx.calibration(f"{path}.calibration", option.calibration)
    )
    if cal is not None and option.replica_requests_per_s is not None:
        ctx.warnings.append(
            f"{path}.calibration is not used: replica_requests_per_s is given and wins"
        )
    elif cal is not None and cal.serving is not None:
        update.update(_benchmarked(ctx, path, option, cal, gpu))
    elif option.replica_requests_per_s is None:
        price = update.get("usd_per_gpu_hour", option.usd_per_gpu_hour)
        update.update(_estimated(ctx, path, option, cal, gpu, price))
    if option.gpus_per_replica is None and "gpus_per_replica" not in update:
        update["gpus_per_replica"] = 1
    tp = int(update.get("gpus_per_replica", option.gpus_per_replica or 1))
    if option.owned is not None and tp > option.owned.gpus_per_server:
        raise PaybackError(
            f"{path}.gpus_per_replica = {tp}"
            + (" (estimated)" if option.gpus_per_replica is None else "")
            + ": a replica larger than a server (owned.gpus_per_server = "
            f"{option.owned.gpus_per_server}); a replica runs inside one server"
        )
    return option.model_copy(update=update)


def _term_past_horizon(
    ctx: Lookups, path: str, option: SelfHostedOption, usd_per_gpu_hour: float | None
) -> None:
    """Warn where a rental commitment's last term runs past the horizon: its months past
    it are paid but not counted. The line says the months left, what each GPU reserved at
    the horizon's last month pays for them (at the term's trended price, the cost
    engine's: usd_per_gpu_hour · trend · 730 h · months left) and the horizon that holds
    them; a term renewed within the horizon says the month it was renewed too. The GPUs
    reserved are the cost engine's (and a portfolio's, each workload's), so the dollars
    are said for each GPU."""
    term = COMMITMENT_TERM_MONTHS[option.commitment]
    horizon = ctx.scenario.scenario.horizon_months
    if option.commitment == "none":
        return
    renewed = (horizon - 1) // term * term + 1
    end = renewed + term - 1
    if end <= horizon:
        return
    from payback.finance.costs import committed_price_trend
    from payback.finance.traffic import HOURS_PER_MONTH

    paid = ""
    if usd_per_gpu_hour is not None:
        trend = float(committed_price_trend(option.gpu_price_change_annual, horizon, term)[-1])
        per_gpu = usd_per_gpu_hour * trend * HOURS_PER_MONTH * (end - horizon)
        paid = f": {usd(per_gpu, 0)} for each GPU reserved in month {horizon}"
    runs = (
        f"the term runs {term} months"
        if renewed == 1
        else f"the term renewed in month {renewed} runs to month {end}"
    )
    ctx.warnings.append(
        f"{path}.commitment = {option.commitment!r}: {runs}, past the {horizon}-month "
        f"horizon; months {horizon + 1}-{end} are paid but not counted{paid} (a horizon "
        f"of {end} months holds them)"
    )


def _unused_warnings(ctx: Lookups, path: str, option: SelfHostedOption) -> None:
    """Fields given that nothing reads, said as ``training`` beside ``training_usd`` is."""
    given = option.model_fields_set
    if "gpu_provider" in given and option.usd_per_gpu_hour is not None:
        ctx.warnings.append(f"{path}.gpu_provider is not used: usd_per_gpu_hour is given and wins")
    elif "gpu_provider" in given and option.owned is not None:
        ctx.warnings.append(f"{path}.gpu_provider is not used: owned servers pay no rent")
    # a serverless gpu_price bills busy seconds at the rent given: used even beside it
    unused_price = "gpu_price" in given and option.gpu_price != "serverless"
    if "gpu_price" in given and option.owned is not None:
        ctx.warnings.append(f"{path}.gpu_price is not used: owned servers pay no rent")
    elif unused_price and option.usd_per_gpu_hour is not None:
        ctx.warnings.append(f"{path}.gpu_price is not used: usd_per_gpu_hour is given and wins")
    if "min_replicas" in given and not option.always_on:
        ctx.warnings.append(
            f"{path}.min_replicas is not used: always_on = false pays only the GPU-hours "
            "it runs (no replica is kept running)"
        )
    estimate_only = _estimate_only_fields(option)
    if estimate_only:
        said = [f"{name} = {_value_said(getattr(option, name))}" for name in estimate_only]
        fields = listed(said)
        # recommend sizes alternatives only: it refuses a self-hosted baseline
        baseline = path == "baseline" or path.endswith(".baseline")
        targets = [n for n in estimate_only if n in ("tpot_ms", "ttft_ms") and not baseline]
        ctx.warnings.append(
            f"{path}: {fields} {'is' if len(said) == 1 else 'are'} not used: "
            "replica_requests_per_s is given and wins; "
            f"{'it shapes' if len(said) == 1 else 'they shape'} only the capacity estimate "
            "from model and gpu"
            + (f"; recommend still reads {' and '.join(targets)}" if targets else "")
        )


def _value_said(value: Any) -> str:
    """A field's value as the file writes it: a number plain (5, not 5.0), else quoted."""
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


def _estimate_only_fields(option: SelfHostedOption) -> list[str]:
    """The fields given that only the serving estimate reads, when a measured capacity
    (``replica_requests_per_s``) stands in for it: ``engine``, ``kv_cache`` and the latency
    targets ``tpot_ms`` and ``ttft_ms`` (they cap an estimate's batch and are checked
    against its first token; recommend reads them, analyze does not), and ``precision``
    unless ``model`` and ``gpu`` are given (their weights' memory, a portfolio's adapters
    beside them, and the configuration shown read it, as they read ``model`` and ``gpu``)."""
    if option.replica_requests_per_s is None:
        return []
    given = option.model_fields_set
    read_without_estimate = {"precision"} if option.model and option.gpu else set()
    return [
        name
        for name in ("engine", "precision", "kv_cache", "tpot_ms", "ttft_ms")
        if name in given and name not in read_without_estimate
    ]


def _estimate_fields(path: str) -> dict[str, str]:
    """The scenario field each serving-estimate parameter is read from."""
    return {
        "input_tokens": "traffic.input_tokens",
        "output_tokens": "traffic.output_tokens",
        "cached_input_share": "traffic.cached_input_share",
        "precision": f"{path}.precision",
        "engine": f"{path}.engine",
        "kv_cache": f"{path}.kv_cache",
        "gpus_per_replica": f"{path}.gpus_per_replica",
        "tpot_ms": f"{path}.tpot_ms",
        "utilization": f"{path}.target_utilization",
    }


def _estimated(
    ctx: Lookups,
    path: str,
    option: SelfHostedOption,
    cal: Calibration | None,
    gpu: Gpu | None,
    price: float | None,
) -> dict[str, Any]:
    """A replica's capacity (and GPUs per replica) from the serving estimate of the model
    on the GPU, with a calibration's utilisation factors when it holds them; without
    ``gpus_per_replica``, the replica whose fleet costs least (:func:`_cheapest_replica`)
    at the GPU's rent ``price``."""
    from payback.hardware.calibration import engine_for
    from payback.hardware.cautions import serving_cautions
    from payback.hardware.estimate import (
        COMPUTED_CACHED_SHARE,
        engine_named,
        estimate_serving,
        with_kv_cache,
    )

    if option.model is None and gpu is not None:
        raise PaybackError(
            f"{path}.model: required to estimate the capacity (or give replica_requests_per_s)"
            + ("; models lists several for recommend() to choose one" if option.models else "")
        )
    if option.model is None or gpu is None:
        raise PaybackError(
            f"{path}: model and gpu are required to apply the calibration's factors "
            f"({option.calibration} holds no serving benchmark)"
        )
    model = ctx.lookup(f"{path}.model", ctx.catalog.model, option.model, ctx.scenario.base_dir)
    factors = None
    if cal is not None:
        from payback.measure.apply import serving_factors

        ctx.check_use(path, cal, model.id, gpu.id, option.precision)
        factors = serving_factors(cal, f"{path}.calibration = {option.calibration!r}")
    traffic = ctx.scenario.traffic
    serve: dict[str, Any] = {
        "input_tokens": traffic.input_tokens or 0.0,
        "output_tokens": traffic.output_tokens or 0.0,
        "cached_input_share": min(traffic.cached_input_share, COMPUTED_CACHED_SHARE),
        "tpot_ms": option.tpot_ms,
        "engine": with_kv_cache(engine_for(factors, engine_named(option.engine)), option.kv_cache),
        "utilization": option.target_utilization,
        "gpus_per_server": None if option.owned is None else option.owned.gpus_per_server,
    }
    sized = ""
    if option.gpus_per_replica is None:
        estimate, sized = _cheapest_replica(ctx, path, option, model, gpu, serve, price)
    else:
        estimate = ctx.lookup(
            path,
            estimate_serving,
            model,
            gpu,
            option.precision,
            gpus_per_replica=option.gpus_per_replica,
            fields=_estimate_fields(path),
            **serve,
        )
    ctx.details[path] = {"serving": estimate.to_dict(), **ctx.details.get(path, {})}
    cautions = serving_cautions(
        model,
        gpu,
        estimate,
        serve["engine"],
        serve["cached_input_share"],
        shows_first_token=option.ttft_ms is not None,  # the loaded first token read below
    )
    missed = _first_token_missed(path, option, estimate)
    if missed:
        ctx.warnings.append(missed)
    ctx.warnings.extend(f"{path}: {line}" for line in cautions)  # after what they qualify
    source = (
        f"estimate: {model.id} {option.precision} on {estimate.gpus_per_replica} × {gpu.id} "
        f"({estimate.engine}; KV cache {estimate.kv_cache.upper()}, {estimate.kv_cache_reason}), "
        f"batch {estimate.batch} ({estimate.limited_by}), {estimate.tpot_ms:.0f} ms/token"
        + sized
        + (f", factors calibrated by {option.calibration}" if cal else "")
    )
    update: dict[str, Any] = {
        "replica_requests_per_s": ctx.note(
            f"{path}.replica_requests_per_s", estimate.replica_requests_per_s, source
        )
    }
    if option.gpus_per_replica is None:
        update["gpus_per_replica"] = int(
            ctx.note(f"{path}.gpus_per_replica", estimate.gpus_per_replica, source)
        )
    return update


def _first_token_missed(
    path: str, option: SelfHostedOption, estimate: ServingEstimate
) -> str | None:
    """The warning when the estimate's mean first token where the fleet runs (at the
    target utilisation, queueing included) misses ``ttft_ms``: a figure, or unbounded
    where the fleet is planned at the capacity itself."""
    loaded_ttft = estimate.ttft_at_utilization_ms
    if estimate.first_token_unbounded:
        missed = "" if option.ttft_ms is None else f", so no ttft_ms = {option.ttft_ms:g} is met"
        return (
            f"{path}: the estimate's time to the first token where the fleet runs is "
            f"unbounded: requests arriving at target_utilization "
            f"{rate_text(option.target_utilization)} of a replica's capacity queue for a free "
            f"sequence slot without bound{missed}; plan a target_utilization below 1 (the "
            "wait grows steeply near it)"
        )
    if option.ttft_ms is None or loaded_ttft is None:
        return None
    if loaded_ttft <= option.ttft_ms:
        return None
    return (
        f"{path}: the estimate's mean time to the first token where the fleet runs "
        f"(target_utilization {rate_text(option.target_utilization)} of a replica's capacity, "
        f"queueing included) is {loaded_ttft:,.0f} ms, above ttft_ms = {option.ttft_ms:g}; "
        "a lower target_utilization or a faster configuration (recommend() finds one) meets it"
    )


def _benchmarked(
    ctx: Lookups, path: str, option: SelfHostedOption, cal: Calibration, gpu: Gpu | None
) -> dict[str, Any]:
    """Capacity from a serving benchmark, scaled to the scenario's token lengths."""
    serving = cal.serving
    assert serving is not None
    ctx.check_use(path, cal, option.model, option.gpu, option.precision)
    model = (
        ctx.lookup(f"{path}.model", ctx.catalog.model, option.model, ctx.scenario.base_dir)
        if option.model is not None
        else None
    )
    tp = _benchmark_gpus(ctx, path, option, serving, model, gpu)
    what = (
        f"benchmark: {cal.tool} ({option.calibration}), {serving.replica_requests_per_s:.3g} req/s "
        f"at {serving.input_tokens:,.0f}/{serving.output_tokens:,.0f} tokens"
        + (f", concurrency {serving.concurrency}" if serving.concurrency else "")
    )
    rps, scaled = _at_scenario_lengths(ctx, path, option, serving, model, gpu, tp)
    what += scaled
    median_tpot = serving.tpot_ms.p50 if serving.tpot_ms else None
    if option.tpot_ms is not None and median_tpot is not None and median_tpot > option.tpot_ms:
        ctx.warnings.append(
            f"{path}: the benchmark's median time per output token, {median_tpot:.1f} ms, "
            f"misses tpot_ms = {option.tpot_ms:g}"
        )
    ctx.details[path] = {"benchmark": cal.model_dump(exclude_none=True)}
    update: dict[str, Any] = {
        "replica_requests_per_s": ctx.note(f"{path}.replica_requests_per_s", rps, what)
    }
    if option.gpus_per_replica is None:  # the benchmark's count, or one assumed for it
        held = f"the fewest that hold {model.id}" if model is not None and gpu is not None else "1"
        source = (
            what
            if serving.gpus_per_replica is not None
            else f"assumed ({held}): the benchmark does not say"
        )
        update["gpus_per_replica"] = int(ctx.note(f"{path}.gpus_per_replica", tp, source))
    return update


def _benchmark_gpus(
    ctx: Lookups,
    path: str,
    option: SelfHostedOption,
    serving: ServingMeasurement,
    model: OpenModel | None,
    gpu: Gpu | None,
) -> int:
    """The GPUs the benchmark's replica ran on: recorded, else the scenario's
    ``gpus_per_replica``, else the fewest that hold the model (each assumption warned of)."""
    from payback.measure.apply import benchmark_gpus_per_replica

    tp = serving.gpus_per_replica
    if option.gpus_per_replica is not None and tp is not None and option.gpus_per_replica != tp:
        raise PaybackError(
            f"{path}.gpus_per_replica = {option.gpus_per_replica}: the benchmark's replica ran on "
            f"{tp} GPUs; its capacity is for {tp}"
        )
    if tp is not None:
        return tp
    if option.gpus_per_replica is not None:
        tp = option.gpus_per_replica
        ctx.warnings.append(
            f"{path}: the benchmark does not say how many GPUs its replica used; "
            f"gpus_per_replica = {tp} is taken as its"
        )
        return tp
    tp, _ = ctx.lookup(path, benchmark_gpus_per_replica, serving, model, gpu, option.precision)
    ctx.warnings.append(
        f"{path}: the benchmark does not say how many GPUs its replica used; {tp} assumed "
        f"({'the fewest that hold ' + model.id if model is not None and gpu is not None else 'give model and gpu for a better guess'}); "
        "set gpus_per_replica"
    )
    return int(tp)


def _at_scenario_lengths(
    ctx: Lookups,
    path: str,
    option: SelfHostedOption,
    serving: ServingMeasurement,
    model: OpenModel | None,
    gpu: Gpu | None,
    tp: int,
) -> tuple[float, str]:
    """The benchmark's requests per second at the scenario's token lengths, and how it was
    scaled (``""`` when the lengths match within 5%, or when it cannot be scaled): by the
    ratio of two estimates on the option's engine and KV cache (the deployment the
    benchmark measured), at the scenario's lengths and at the benchmark's."""
    from payback.hardware.estimate import engine_named, with_kv_cache
    from payback.measure.apply import estimate_at_load

    traffic = ctx.scenario.traffic
    lengths = (traffic.input_tokens, traffic.output_tokens)
    measured = (serving.input_tokens, serving.output_tokens)
    rps = serving.replica_requests_per_s
    close = all(
        wanted is None or abs(wanted - got) <= 0.05 * max(got, 1.0)
        for wanted, got in zip(lengths, measured, strict=True)
    )
    if close:
        return rps, ""
    if model is None or gpu is None:
        ctx.warnings.append(
            f"{path}.calibration: the benchmark ran {measured[0]:,.0f}/{measured[1]:,.0f} tokens a request, "
            f"the scenario {lengths[0] or 0:,.0f}/{lengths[1] or 0:,.0f}; its capacity is used unscaled "
            "(give model and gpu to scale it)"
        )
        return rps, ""

    engine = with_kv_cache(engine_named(option.engine), option.kv_cache)

    def capacity(input_tokens: float, output_tokens: float, fields: dict[str, str]) -> float:
        return float(
            ctx.lookup(
                path,
                estimate_at_load,
                model,
                gpu,
                option.precision,
                serving,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                gpus_per_replica=tp,
                tpot_ms=option.tpot_ms,
                engine=engine,
                fields=fields,
            ).replica_requests_per_s
        )

    at_scenario = capacity(lengths[0] or 0.0, lengths[1] or 0.0, _estimate_fields(path))
    benchmark = {  # the benchmark's own lengths are read from the calibration file
        "input_tokens": f"{option.calibration}: serving.input_tokens",
        "output_tokens": f"{option.calibration}: serving.output_tokens",
    }
    scale = at_scenario / capacity(*measured, benchmark)
    return rps * scale, (
        f", scaled ×{scale:.3g} to {lengths[0] or 0:,.0f}/{lengths[1] or 0:,.0f} tokens "
        f"by the estimate of {model.id} on {gpu.id} ({engine.name}) at that load"
    )


def _cheapest_replica(
    ctx: Lookups,
    path: str,
    option: SelfHostedOption,
    model: OpenModel,
    gpu: Gpu,
    serve: dict[str, Any],
    price: float | None,
) -> tuple[ServingEstimate, str]:
    """The serving estimate of the replica whose fleet analyze prefers, among the
    tensor-parallel degrees that hold the model, meet ``tpot_ms`` and fit an owned server:
    those whose mean first token where the fleet runs (at ``target_utilization``, queueing
    included: the estimate's, which the latency warning reads) meets ``ttft_ms`` first,
    then the one whose fleet costs least over the horizon at the scenario's traffic
    (:func:`~payback.analysis.resolve_fleet.fleet_cost`), a tie broken as ``payback
    recommend`` ranks (:func:`~payback.analysis.resolve_fleet.fleet_rank`); and, when more
    than one was compared, that choice in words for the source line. Where none meets
    ``ttft_ms`` the cheapest is kept, and the warning says so.

    A model that barely fits one GPU batches a handful of sequences there; split over two
    or four, the KV cache holds many more and each GPU serves several times the requests
    (a 70B at 100/1,600 tokens: five times on 4 × H100 as on 2). Which is cheaper depends
    on the traffic: a small one pays for the smallest replica, a large one for the most
    requests per GPU. When no degree works, the estimate's own choice
    (:func:`~payback.hardware.estimate.estimate_serving` without ``gpus_per_replica``)
    says why in one line. The degrees compared are kept with their capacity
    (``replicas`` in the option's details) and their latency where the fleet runs
    (``replica_latency``: the mean first token, null where unbounded, and the time per
    output token at the target utilisation, ms), for the engine to choose
    again where a study moves what their fleets cost (:mod:`payback.analysis.follow`)."""
    import numpy as np

    from payback.analysis.resolve_fleet import fleet_cost, fleet_rank, spare_capacity
    from payback.hardware.estimate import estimate_serving, serving_by_replica

    largest = option.owned.gpus_per_server if option.owned is not None else None
    fitting = serving_by_replica(model, gpu, option.precision, largest=largest, **serve)
    if not fitting:  # the estimate's own default, for its one line of why
        estimate: ServingEstimate = ctx.lookup(
            path,
            estimate_serving,
            model,
            gpu,
            option.precision,
            gpus_per_replica=None,
            fields=_estimate_fields(path),
            **serve,
        )
        return estimate, ""
    degrees = sorted(fitting)
    rps = np.array([fitting[tp].replica_requests_per_s for tp in degrees])
    rent = np.full(len(degrees), np.nan if price is None else price)
    costs, replicas, _ = fleet_cost(
        ctx.scenario, option, rps, np.array(degrees, dtype=np.float64), rent
    )
    latency = {tp: replica_latency(fitting[tp]) for tp in degrees}
    ttft = np.array([latency[tp][0] for tp in degrees])
    meets = first_token_meets(ttft, option.ttft_ms)
    spare = spare_capacity(option.always_on, replicas[:, 0], rps)
    key = fleet_rank(meets, costs, spare, ttft, np.array([latency[tp][1] for tp in degrees]))
    chosen = degrees[int(np.lexsort((np.array(degrees), *reversed(key)))[0])]
    ctx.details[path] = {
        "replicas": {tp: fitting[tp].replica_requests_per_s for tp in degrees},
        "replica_latency": {  # as the estimate's JSON: null where the first token is unbounded
            tp: {
                "ttft_at_utilization_ms": None if math.isinf(first) else first,
                "tpot_at_utilization_ms": per_token,
            }
            for tp, (first, per_token) in latency.items()
        },
    }
    if len(degrees) == 1:
        return fitting[chosen], ""
    shown = ", ".join(map(str, degrees))
    if option.ttft_ms is None or meets.all() or not meets.any():
        return fitting[chosen], f"; the cheapest fleet of {shown} GPUs a replica"
    meeting = [str(tp) for tp, ok in zip(degrees, meets, strict=True) if ok]
    return fitting[chosen], (
        f"; the cheapest fleet of {shown} GPUs a replica that meets ttft_ms = "
        f"{option.ttft_ms:g} ({', '.join(meeting)} {'does' if len(meeting) == 1 else 'do'})"
    )


def replica_latency(estimate: ServingEstimate) -> tuple[float, float]:
    """An estimate's mean first token and time per output token where the fleet runs (at
    its target utilisation, queueing included) [ms]; the first token ∞ where unbounded."""
    ttft = estimate.ttft_at_utilization_ms
    tpot = estimate.tpot_at_utilization_ms
    return (
        math.inf if estimate.first_token_unbounded or ttft is None else float(ttft),
        estimate.tpot_ms if tpot is None else float(tpot),
    )


def first_token_meets(ttft_ms: Any, target_ms: Any) -> Any:
    """Whether a first token where the fleet runs (ms, numbers or arrays) meets the target
    ``ttft_ms`` (``None``: none set, every one meets): at most it, and bounded."""
    import numpy as np

    ttft = np.asarray(ttft_ms, dtype=np.float64)
    if target_ms is None:
        return np.ones(ttft.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        return np.isfinite(ttft) & (ttft <= target_ms)
