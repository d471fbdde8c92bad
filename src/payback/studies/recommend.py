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

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from payback.analysis.lookups import rent_kind
from payback.catalog import Catalog, Gpu, analysis_day, default_catalog, is_stale, offer_source
from payback.errors import PaybackError
from payback.hardware import serving as sv
from payback.scenario import Scenario, SelfHostedOption, Traffic
from payback.studies.configurations import (
    Candidate,
    LeftOut,
    Load,
    gather,
    pareto,
    rank,
    relax_advice,
)
from payback.studies.recommend_benchmark import (
    benchmark_text,
    calibration_benchmark,
    matches,
    measured_warning,
    option_calibration,
    scaled_capacity,
)
from payback.studies.recommend_inputs import check_provider, searched_gpus, searched_models
from payback.studies.recommend_portfolio import evaluate, served_scenario
from payback.studies.targets import alternatives_held
from payback.studies.winner import winner_cautions, winner_warnings

if TYPE_CHECKING:
    from payback.catalog import GpuPrice
    from payback.measure.calibration import Calibration

__all__ = ["DEFAULT_MAX_REPLICAS", "Candidate", "Recommendation", "benchmark_text", "recommend"]

DEFAULT_MAX_REPLICAS = 1000
"""Configurations needing more replicas than this at the busiest month are left out."""


@dataclass(frozen=True)
class Recommendation:  # long: the documented result fields, then short answers renderers read
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
    notes: list[str] = field(default_factory=list)
    """How to read the figures: the GPU searched for owned servers; for a fleet scaled to
    zero, which replicas are counted."""
    evaluated: int = 0
    """Configurations evaluated (model × GPU × precision × GPUs per replica); those whose
    GPU has no rate at the precision or no price are left out before."""
    seconds: float = 0.0
    """Wall time of the vectorized evaluation."""
    targets: dict[str, float] = field(default_factory=dict)
    commitment: str = "none"
    gpu_price: str | None = None
    """Whose rent was searched (the alternative's ``gpu_price``: ``serverless`` bills busy
    seconds at a serverless platform's rate); ``None``: GPU clouds', else hyperscalers'."""
    owned: bool = False
    always_on: bool = True
    """Whether the fleet is rented all month (the alternative's ``always_on``), else only
    the GPU-hours it runs."""
    benchmark: dict[str, Any] | None = None
    """The serving benchmark the alternative's calibration holds (model, gpu, precision,
    gpus_per_replica, replica_requests_per_s; ``None`` fields unknown), if it holds one.
    ``gpus_per_replica`` is the recorded count, else the one ``analyze`` assumes
    (``gpus_per_replica_assumed`` true)."""
    model_refs: dict[str, str] = field(default_factory=dict)
    """How the scenario (or ``models``) named each model searched, by model id: a local
    config.json path stays a path when the winner is written back."""
    cash: bool = False
    """Owned servers bought in cash (their price is paid at t = 0)."""
    unpriced: dict[str, str] = field(default_factory=dict)
    """GPUs searched that have no rent for this alternative, with why."""
    gpus_searched: int = 0
    gpu_provider: str | None = None
    """The provider whose rent was searched (the alternative's ``gpu_provider``), if named."""
    own_rent: tuple[str | None, float] | None = None
    """The alternative's own ``gpu`` and ``usd_per_gpu_hour``: that GPU is priced at that
    rent, the others at the catalog's; a rent without a ``gpu`` prices none."""
    excluded_after_evaluation: frozenset[str] = frozenset()
    """The reasons of :attr:`excluded` found once a configuration was evaluated (short of
    memory, too many replicas); the others left it out before."""
    rents: dict[str, GpuPrice] = field(default_factory=dict)
    """The catalog offer each GPU is priced at, by id (none: owned, or the option's own)."""
    today: dt.date = field(default_factory=analysis_day)
    """The day rents are judged stale on (:func:`payback.catalog.is_stale`)."""
    engine: sv.ServingEngine = sv.VLLM
    """The serving engine assumed (the alternative's ``engine``, vllm by default), with the
    calibration's measured factors in place (named by its ``measured``)."""

    def stale_rent(self, candidate: Candidate) -> bool:
        """Whether ``candidate``'s rent is the catalog's and was checked too long ago."""
        offer = self.rents.get(candidate.gpu)
        return offer is not None and is_stale(offer.checked, self.today)

    def rent_source(self, candidate: Candidate) -> str | None:
        """Where ``candidate``'s catalog rent comes from, as ``estimate`` says it
        (:func:`payback.catalog.offer_source`); ``None`` for a rent not from the catalog."""
        offer = self.rents.get(candidate.gpu)
        return None if offer is None else offer_source(offer, self.today)

    def candidate_dict(self, candidate: Candidate) -> dict[str, Any]:
        """``candidate`` as JSON with its ``rent_source``, ``rent_checked`` and ``rent_stale``."""
        offer = self.rents.get(candidate.gpu)
        return candidate.to_dict() | {
            "rent_source": self.rent_source(candidate),
            "rent_checked": None if offer is None else offer.checked.isoformat(),
            "rent_stale": self.stale_rent(candidate),
        }

    @property
    def did_not_fit(self) -> int:
        """Configurations evaluated and left out: short of memory, or needing more replicas
        than allowed."""
        return self.evaluated - len(self.candidates)

    @property
    def left_out_before(self) -> int:
        """Configurations left out before evaluation: no rent, no rate at the precision
        (no tensor cores for it, or none in the catalog), an engine that does not run there,
        a context shorter than a request."""
        return sum(self.excluded.values()) - self.did_not_fit

    @property
    def best(self) -> Candidate | None:
        """The cheapest configuration meeting the targets, if any does."""
        first = self.candidates[0] if self.candidates else None
        return first if first is not None and first.meets_targets else None

    def benchmark_matches(self, candidate: Candidate) -> bool:
        """Whether the calibration's serving benchmark measured ``candidate``'s model, GPU,
        precision and GPUs per replica (when it does not say, the count ``analyze`` assumes
        for it); an unknown model, GPU or precision counts as differing."""
        return self.benchmark is not None and matches(self.benchmark, candidate)

    @property
    def no_best_reason(self) -> str | None:
        """Why no configuration qualifies, and what to change (``None`` when one does),
        naming :func:`recommend`'s parameters as the library does (``max_replicas``,
        ``models``); :meth:`why_no_best` names them as an interface does."""
        return self.why_no_best()

    def why_no_best(self, names: Mapping[str, str] | None = None) -> str | None:
        """:attr:`no_best_reason` with :func:`recommend`'s parameters called by ``names``
        (``{"max_replicas": "--max-replicas", "models": "--model"}``) where it advises
        changing one."""
        if self.best is not None:
            return None
        targets = ", ".join(f"{k} ≤ {v:g}" for k, v in self.targets.items())
        if self.candidates:
            first = self.candidates[0]
            return (
                f"no configuration meets the latency targets ({targets}): all "
                f"{len(self.candidates):,} that fit miss them (the cheapest, {first.label()}, "
                f"misses {first.misses}); {relax_advice(first)}"
            )
        if not self.excluded:
            return "no configuration to evaluate"
        why = set(self.unpriced.values())
        if self.gpus_searched and len(self.unpriced) == self.gpus_searched and len(why) == 1:
            reason = why.pop()
            hint = _hint(reason, self.commitment, names or {})
            return f"no configuration qualifies: {reason} for any GPU; {hint}"
        total = sum(self.excluded.values())
        reason, count = max(self.excluded.items(), key=lambda kv: (kv[1], kv[0]))
        scope = (
            f"for any of the {total:,} configurations"
            if count == total
            else f"for {count:,} of the {total:,} configurations (the other {total - count:,} "
            "left out for other reasons)"
        )
        hint = _hint(reason, self.commitment, names or {})
        return f"no configuration qualifies: {reason} {scope}; {hint}"

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        shown = self.candidates if top is None else self.candidates[:top]
        return {
            "alternative": self.alternative,
            "name": self.name,
            "models": self.models,
            "engine": self.engine.name,
            "engine_measured": list(self.engine.measured),
            "targets": self.targets,
            "commitment": self.commitment,
            "gpu_price": self.gpu_price,
            "owned_hardware": self.owned,
            "owned_cash": self.cash,
            "calibration_benchmark": self.benchmark,
            "candidates": [self.candidate_dict(c) for c in shown],
            "candidates_total": len(self.candidates),
            "best": self.candidate_dict(self.best) if self.best else None,
            "pareto": [self.candidate_dict(c) for c in self.pareto],
            "no_best_reason": self.no_best_reason,
            "excluded": self.excluded,
            "excluded_examples": self.examples,
            "missing_targets": self.missing_targets,
            "missing_targets_example": self.missing_example,
            "warnings": self.warnings,
            "notes": self.notes,
            "considered": self.evaluated + self.left_out_before,
            "left_out_before_evaluation": self.left_out_before,
            "evaluated": self.evaluated,
            "evaluated_did_not_fit": self.did_not_fit,
            "gpu_provider": self.gpu_provider,
            "search_seconds": self.seconds,
        }


def _hint(reason: str, commitment: str, names: Mapping[str, str]) -> str:
    """What to change when ``reason`` left every configuration out; :func:`recommend`'s
    parameters by ``names``, else by their own."""
    max_replicas = names.get("max_replicas", "max_replicas")
    models = names.get("models", "models")
    if "price in the catalog" in reason:
        return 'give usd_per_gpu_hour with gpu = "…" (the rent you were quoted)' + (
            ", or another commitment" if commitment != "none" else ""
        )
    if reason.startswith("not offered by"):
        return "give another gpu_provider, or usd_per_gpu_hour with gpu"
    if reason.startswith("needs more than"):
        return f"raise {max_replicas}"
    if reason.startswith("does not fit"):
        return f"compare a smaller model ({models})"
    if reason.startswith("replica larger than a server"):
        return "give owned.gpus_per_server for a larger server"
    if reason.startswith("the model's context"):
        return f"compare a model with a longer context ({models}), or shorter requests (traffic.input_tokens, traffic.output_tokens)"
    return f"compare other models ({models}) or GPUs"


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
        raise PaybackError.bad(
            "alternative",
            index,
            alternatives_held(count)
            + (f" (self_hosted: {', '.join(map(str, hosted))})" if hosted else ""),
        )
    option = scenario.alternatives[index]
    if not isinstance(option, SelfHostedOption):
        raise PaybackError(
            f"alternatives.{index} ({option.name!r}) is {option.kind}; recommend needs a self_hosted one"
            + (f" (self_hosted: {', '.join(map(str, hosted))})" if hosted else "")
        )
    return index, option


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
    fleet serving ``scenario``'s traffic within the alternative's latency targets (with
    ``[[workloads]]``, the workloads the alternative serves, on a shared fleet or one each:
    :mod:`payback.studies.recommend_portfolio`).

    ``alternative`` is an index into ``scenario.alternatives`` (default: the first
    self-hosted one); ``models`` replaces the alternative's ``model``/``models``. The
    engine's factors are the alternative's ``calibration`` (its measured utilisation
    factors apply to every configuration; a serving benchmark in it measures one
    configuration only, so ``analyze`` of that one uses the benchmark instead).
    :class:`PaybackError` names ``alternative``, ``model`` (one of ``models``) or
    ``max_replicas`` when one of them is wrong; one about a field of a scenario read from a
    file names the file.
    """
    from payback.analysis.resolve import file_named

    with file_named(scenario):
        return _recommend(scenario, alternative, models, catalog, max_replicas, engine)


def _recommend(
    scenario: Scenario,
    alternative: int | None,
    models: list[str] | None,
    catalog: Catalog | None,
    max_replicas: int,
    engine: sv.ServingEngine | None,
) -> Recommendation:
    catalog = catalog or default_catalog()
    index, option = _alternative(scenario, alternative)
    path = f"alternatives.{index}"
    check_provider(catalog, option, path)
    warnings: list[str] = []
    cal = option_calibration(scenario, option, path, warnings)
    fields = {"engine": f"{path}.engine"} if engine is None else {}  # else recommend's own
    if option.kv_cache != "auto":
        fields["kv_cache"] = f"{path}.kv_cache"
    engine = _searched_engine(option, cal, engine)
    served = served_scenario(scenario, index)  # a portfolio: the workload(s) served
    benchmark = calibration_benchmark(scenario, catalog, cal, path, warnings)
    warnings += _distributions_warning(scenario)
    tokens = _check_traffic(served.traffic, max_replicas)
    if option.always_on and max_replicas < option.min_replicas:  # scaled to zero: not used
        raise PaybackError.bad(
            "max_replicas",
            max_replicas,
            f"must be ≥ {path}.min_replicas = {option.min_replicas}, the fewest the fleet runs",
        )
    open_models, model_refs = searched_models(scenario, catalog, option, path, models)
    gpus = searched_gpus(catalog, option, path)
    _check_engine_runs(engine, gpus, fields)
    kind = rent_kind(option.commitment, option.gpu_price)
    load = _load(*tokens, served.traffic.cached_input_share)
    left_out = LeftOut()
    rows = gather(open_models, gpus, option, kind, engine, left_out, load)
    start = time.perf_counter()
    candidates, missing, shown = evaluate(
        scenario, index, option, rows, load, max_replicas, engine, left_out, catalog
    )
    seconds = time.perf_counter() - start
    candidates.sort(key=rank)
    at_lengths = scaled_capacity(scenario, catalog, option, cal, served.traffic)
    warnings += measured_warning(path, benchmark, candidates, at_lengths)
    today = _today()
    warnings += winner_warnings(path, catalog, candidates, rows.offers, today)
    warnings += winner_cautions(path, open_models, gpus, candidates, option, shown, engine)
    targets = {k: v for k, v in (("tpot_ms", option.tpot_ms), ("ttft_ms", option.ttft_ms)) if v}
    return Recommendation(
        alternative=index,
        name=option.name,
        models=[m.id for m in open_models],
        candidates=candidates,
        pareto=pareto(candidates),
        excluded=left_out.excluded,
        excluded_after_evaluation=frozenset(left_out.evaluated),
        examples=left_out.examples,
        evaluated=len(rows.keys),
        seconds=seconds,
        targets=targets,
        commitment=option.commitment,
        gpu_price=option.gpu_price,
        owned=option.owned is not None,
        always_on=option.always_on,
        cash=option.owned is not None and option.owned.financing == "cash",
        missing_targets=len(missing),
        missing_example=missing[0] if missing else None,
        warnings=warnings,
        notes=_owned_note(path, option) + _scaled_note(path, candidates),
        benchmark=benchmark,
        model_refs=model_refs,
        unpriced=left_out.unpriced,
        gpus_searched=len(gpus),
        gpu_provider=option.gpu_provider,
        own_rent=None if option.usd_per_gpu_hour is None else (option.gpu, option.usd_per_gpu_hour),
        rents=rows.offers,
        today=today,
        engine=engine,
    )


def _owned_note(path: str, option: SelfHostedOption) -> list[str]:
    """For owned servers, that only the GPU they hold was searched (the count line speaks
    of configurations of every GPU searched: here of that one)."""
    if option.owned is None:
        return []
    return [
        f"{path} runs on owned servers, which hold one GPU type: only their gpu, "
        f"{option.gpu}, is searched (its precisions, GPUs per replica and replicas); "
        "without [owned], every catalog GPU is searched at its rent"
    ]


def _scaled_note(path: str, candidates: list[Candidate]) -> list[str]:
    """For a fleet scaled to zero, that its replicas are those its busiest hour runs, and
    the replicas the first ranked pays for, as ``analyze`` counts them."""
    best = candidates[0] if candidates else None
    if best is None or best.replicas_paid is None or best.replicas_paid_max is None:
        return []
    return [
        f"{path} scales to zero (always_on = false): the replicas shown are those the "
        "busiest hour runs at once; it pays for the GPU-hours it runs: "
        f"{best.replicas_paid:.3g} replicas on average in month 1 and at most "
        f"{best.replicas_paid_max:.3g} in a month for {best.label()} (replicas_paid and "
        "replicas_paid_max, analyze's replicas_month_1 and replicas_max); configurations "
        "costing the same pay for the same capacity, so a tie is not broken by capacity"
    ]


def _searched_engine(
    option: SelfHostedOption, cal: Calibration | None, engine: sv.ServingEngine | None
) -> sv.ServingEngine:
    """The engine searched: ``engine`` if given, else the alternative's with its
    calibration's measured factors; keeping the alternative's ``kv_cache`` where not
    ``auto``."""
    from payback.hardware.calibration import engine_for

    base = engine or engine_for(None if cal is None else cal.factors, sv.ENGINES[option.engine])
    return base if option.kv_cache == "auto" else replace(base, kv_cache=option.kv_cache)


def _check_engine_runs(engine: sv.ServingEngine, gpus: list[Gpu], fields: dict[str, str]) -> None:
    """The line ``analyze`` gives (:func:`payback.hardware.device.check_engine`) when the
    engine runs no configuration searched: on none of the ``gpus`` (their maker), or
    keeping the KV cache asked for on none (lean keeps BF16 only; TensorRT-LLM's FP8 cache
    needs FP8 tensor cores), told as the scenario field ``fields`` maps its parameter to
    (``engine``, ``kv_cache``; unmapped, as the check words it). A precision the engine
    does not serve refuses nothing here: the search tries the others; and where the engine
    runs some configurations, those it cannot run are left out and counted instead."""
    from payback.hardware.device import check_engine, peak_flops

    refusals: list[PaybackError] = []
    for gpu in gpus:
        for precision in sv.PRECISIONS:
            try:
                peak_flops(gpu, precision)
            except PaybackError:
                continue  # no rate for it (no tensor cores, or none in the catalog): left out
            try:
                check_engine(engine, gpu, precision)
            except PaybackError as exc:
                refusals.append(exc)
                continue
            return
    named = [e for e in refusals if e.param in ("engine", "kv_cache") and e.allowed is not None]
    if not named:
        return  # the search says why none qualifies
    first = named[0]
    field = fields.get(first.param or "")
    if field is None:
        raise first
    raise PaybackError(
        f"{field} = {first.value!r}: {first.allowed}",
        param=field,
        value=first.value,
        allowed=first.allowed,
    )


def _today() -> dt.date:
    """The day rents are judged stale on (a function, so tests can fix it): the
    analysis day every stale mark uses."""
    from payback.catalog import analysis_day

    return analysis_day()


def _distributions_warning(scenario: Scenario) -> list[str]:
    if not scenario.distributions:
        return []
    names = sorted(scenario.distributions, key=lambda p: (not p.startswith("traffic."), p))
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return [
        f"the scenario holds distributions ({shown}): recommend sizes and prices the fleet "
        "at their central values (monte_carlo() shows the spread for the winner)"
    ]


def _check_traffic(traffic: Traffic, max_replicas: int) -> tuple[float, float]:
    """The input and output tokens of a request, which the search needs."""
    if traffic.input_tokens is None or traffic.output_tokens is None:
        raise PaybackError(
            "traffic.input_tokens and traffic.output_tokens: required by recommend "
            "(capacity is estimated from token lengths)"
        )
    if max_replicas < 1:
        raise PaybackError.bad("max_replicas", max_replicas, "must be ≥ 1")
    return traffic.input_tokens, traffic.output_tokens


def _load(input_tokens: float, output_tokens: float, cached_input_share: float) -> Load:
    if output_tokens < 1:
        raise PaybackError("traffic.output_tokens: recommend needs at least 1 output token")
    return Load.of(input_tokens, output_tokens, cached_input_share)
