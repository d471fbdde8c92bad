"""Turn a scenario that names catalog ids into one with every number explicit.

A scenario may say ``gpu = "l40s"``, ``model = "llama-3.1-8b"``, ``model =
"openai:gpt-4o"`` or describe a training job instead of typing prices and capacities.
:func:`resolve` looks those up once (catalog entries, genai-prices, the serving and
training estimators) and returns a scenario with the numbers filled in, plus where each
derived number came from. Numbers the user wrote always win.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from payback.catalog import Catalog, Gpu, default_catalog, gpu_offer, is_stale
from payback.errors import PaybackError
from payback.scenario import (
    COMMITMENT_KINDS,
    COMMITMENT_TERM_MONTHS,
    HostedApiOption,
    OneTime,
    Scenario,
    SelfHostedOption,
    value_term_warnings,
)

if TYPE_CHECKING:
    from payback.measure.calibration import Calibration

__all__ = ["Resolved", "Source", "as_resolved", "resolve"]


@dataclass(frozen=True)
class Source:
    """Where a derived number came from."""

    value: float
    source: str
    """What produced it, in a few words: a catalog entry, genai-prices, an estimate."""
    reference: str | None = None
    """The document behind it: a URL or a citation."""
    checked: dt.date | None = None
    """When the reference was last read, where known."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "source": self.source,
            "reference": self.reference,
            "checked": self.checked.isoformat() if self.checked else None,
        }


@dataclass(frozen=True)
class Resolved:
    """A scenario with every number explicit, and the provenance of the derived ones."""

    scenario: Scenario
    """The explicit scenario the engine evaluates."""
    original: Scenario
    """The scenario as written."""
    sources: dict[str, Source] = field(default_factory=dict)
    """Derived numbers by dotted path."""
    warnings: list[str] = field(default_factory=list)
    """Stale prices and other things to double-check."""
    details: dict[str, Any] = field(default_factory=dict)
    """Estimates behind derived numbers (serving and training), by dotted path."""


class _Resolver:
    def __init__(self, scenario: Scenario, catalog: Catalog, today: dt.date) -> None:
        self.scenario = scenario
        self.catalog = catalog
        self.today = today
        self.start = scenario.scenario.start_date or today
        self.sources: dict[str, Source] = {}
        self.warnings: list[str] = []
        self.details: dict[str, Any] = {}
        self.calibrations: dict[str, Calibration] = {}

    def note(
        self,
        path: str,
        value: float,
        source: str,
        reference: str | None = None,
        checked: dt.date | None = None,
    ) -> float:
        """Record where ``value`` at ``path`` came from; warn when it is stale."""
        self.sources[path] = Source(value, source, reference, checked)
        if checked is not None and is_stale(checked, self.today):
            age = (self.today - checked).days
            self.warnings.append(
                f"{path} = {value:g} ({source}) was checked {checked}, {age} days ago"
            )
        return value

    def lookup(self, path: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a catalog lookup or estimator, naming the scenario field when it fails."""
        try:
            return func(*args, **kwargs)
        except PaybackError as exc:
            raise PaybackError([f"{path}: {m}" for m in exc.messages]) from None

    def gpu_price(
        self, path: str, gpu: Gpu, provider: str | None, commitment: str = "none"
    ) -> float:
        kind = COMMITMENT_KINDS[commitment]
        offer = self.lookup(f"{path}.gpu_provider", gpu_offer, gpu, provider, kind)
        if offer is None and commitment != "none":
            kinds = sorted({p.kind for p in gpu.prices if provider in (None, p.provider)})
            raise PaybackError(
                f"{path}.commitment = {commitment!r}: the catalog has no {kind} price for {gpu.id}"
                + (f" from {provider}" if provider else "")
                + f" (it has: {', '.join(kinds) or 'no prices'}); give usd_per_gpu_hour, "
                "the committed price you were quoted"
            )
        if offer is None:
            raise PaybackError(
                f"{path}.usd_per_gpu_hour: the catalog has no on-demand price for {gpu.id}; give one"
            )
        how = (
            f"{provider}'s {offer.kind} price"
            if provider
            else f"median of {sum(p.kind == kind for p in gpu.prices)} {kind.replace('_', '-')} offers"
        )
        return self.note(
            f"{path}.usd_per_gpu_hour",
            offer.usd_per_gpu_hour,
            f"catalog: {gpu.id} at {offer.provider} ({how})",
            offer.source,
            offer.checked,
        )

    # -- options -----------------------------------------------------------------

    def hosted(self, path: str, option: HostedApiOption) -> HostedApiOption:
        traffic = self.scenario.traffic
        prices: dict[str, float | None] = {}
        source, reference, checked, discount = "", None, None, None
        if option.fine_tuned is not None:
            offer = self.lookup(f"{path}.fine_tuned", self.catalog.finetune, option.fine_tuned)
            prices = {
                "input_usd_per_mtok": offer.input_usd_per_mtok,
                "cached_input_usd_per_mtok": offer.cached_input_usd_per_mtok,
                "output_usd_per_mtok": offer.output_usd_per_mtok,
            }
            source, reference, checked = (
                f"catalog: fine-tuned {offer.id}",
                offer.source,
                offer.checked,
            )
        elif option.model is not None:
            from payback.catalog.apis import api_price

            price = self.lookup(
                f"{path}.model",
                api_price,
                option.model,
                at=self.start,
                input_tokens=traffic.input_tokens,
            )
            prices = {
                "input_usd_per_mtok": price.input_usd_per_mtok,
                "cached_input_usd_per_mtok": price.cached_input_usd_per_mtok,
                "output_usd_per_mtok": price.output_usd_per_mtok,
            }
            source = f"genai-prices: {price.ref} on {self.start}" + (
                f" ({price.note})" if price.note else ""
            )
            reference, checked, discount = price.source, price.checked, price.batch_discount
        update: dict[str, Any] = {
            name: self.note(f"{path}.{name}", float(value), source, reference, checked)
            for name, value in prices.items()
            if getattr(option, name) is None and value is not None
        }
        missing = [
            n
            for n in ("input_usd_per_mtok", "output_usd_per_mtok")
            if getattr(option, n) is None and n not in update
        ]
        if missing:
            raise PaybackError(
                f"{path}: {source} has no {' or '.join(missing)}; give it in the scenario"
            )
        if option.batch_share > 0 and option.batch_discount is None:
            if discount is None:
                raise PaybackError(
                    f"{path}.batch_discount: required with batch_share > 0 "
                    f"(no batch discount is known for {option.model or option.fine_tuned or 'explicit prices'})"
                )
            update["batch_discount"] = self.note(
                f"{path}.batch_discount", discount, source, reference, checked
            )
        return option.model_copy(update=update)

    def calibration(self, path: str, file: str) -> Calibration:
        """The calibration a scenario field names, read once (relative to the scenario)."""
        from payback.measure.calibration import scenario_calibration

        if file not in self.calibrations:  # one folder: the same name is the same file
            cal, warnings = scenario_calibration(file, self.scenario.base_dir, path)
            self.warnings.extend(warnings)
            self.calibrations[file] = cal
        return self.calibrations[file]

    def check_use(
        self, path: str, cal: Calibration, model: str | None, gpu: str | None, precision: str | None
    ) -> None:
        """Refuse a benchmark of another model, GPU or precision; warn about factors measured
        on another device."""
        from payback.measure.apply import check_use

        self.warnings.extend(
            check_use(cal, model=model, gpu=gpu, precision=precision, where=f"{path}.calibration")
        )

    def self_hosted(self, path: str, option: SelfHostedOption) -> SelfHostedOption:
        update: dict[str, Any] = {}
        if option.gpu is None and (
            (option.usd_per_gpu_hour is None and option.owned is None)
            or (option.replica_requests_per_s is None and option.calibration is None)
        ):
            raise PaybackError(
                f"{path}: gpu is required to price and size it; run `payback recommend FILE` "
                "to choose one"
            )
        gpu = self.lookup(f"{path}.gpu", self.catalog.gpu, option.gpu) if option.gpu else None
        if option.usd_per_gpu_hour is None and gpu is not None and option.owned is None:
            update["usd_per_gpu_hour"] = self.gpu_price(
                path, gpu, option.gpu_provider, option.commitment
            )
        term = COMMITMENT_TERM_MONTHS[option.commitment]
        if option.commitment != "none" and self.scenario.scenario.horizon_months < term:
            self.warnings.append(
                f"{path}.commitment = {option.commitment!r}: the term runs {term} months, past the "
                f"{self.scenario.scenario.horizon_months}-month horizon; the months after it are "
                "paid but not counted"
            )
        cal = (
            self.calibration(f"{path}.calibration", option.calibration)
            if option.calibration
            else None
        )
        if cal is not None and option.replica_requests_per_s is not None:
            self.warnings.append(
                f"{path}.calibration is not used: replica_requests_per_s is given and wins"
            )
        elif cal is not None and cal.serving is not None:
            update.update(self.benchmarked(path, option, cal, gpu))
        elif option.replica_requests_per_s is None:
            from payback.hardware.calibration import engine_for
            from payback.hardware.estimate import estimate_serving

            if option.model is None and gpu is not None:
                raise PaybackError(
                    f"{path}.model: required to estimate the capacity (or give "
                    "replica_requests_per_s)"
                    + (
                        "; models lists several for `payback recommend FILE` to choose one"
                        if option.models
                        else ""
                    )
                )
            if option.model is None or gpu is None:
                raise PaybackError(
                    f"{path}: model and gpu are required to apply the calibration's factors "
                    f"({option.calibration} holds no serving benchmark)"
                )
            model = self.lookup(
                f"{path}.model", self.catalog.model, option.model, self.scenario.base_dir
            )
            factors = None
            if cal is not None:
                from payback.measure.apply import serving_factors

                self.check_use(path, cal, model.id, gpu.id, None)
                factors = serving_factors(cal, f"{path}.calibration = {option.calibration!r}")
            traffic = self.scenario.traffic
            estimate = self.lookup(
                path,
                estimate_serving,
                model,
                gpu,
                option.precision,
                input_tokens=traffic.input_tokens or 0.0,
                output_tokens=traffic.output_tokens or 0.0,
                cached_input_share=min(traffic.cached_input_share, 0.99),
                gpus_per_replica=option.gpus_per_replica,
                tpot_ms=option.tpot_ms,
                engine=engine_for(factors),
            )
            self.details[path] = {"serving": estimate.to_dict()}
            source = (
                f"estimate: {model.id} {option.precision} on {estimate.gpus_per_replica} × {gpu.id}, "
                f"batch {estimate.batch} ({estimate.limited_by}), {estimate.tpot_ms:.0f} ms/token"
                + (f", factors calibrated by {option.calibration}" if cal else "")
            )
            update["replica_requests_per_s"] = self.note(
                f"{path}.replica_requests_per_s", estimate.replica_requests_per_s, source
            )
            if option.gpus_per_replica is None:
                update["gpus_per_replica"] = int(
                    self.note(f"{path}.gpus_per_replica", estimate.gpus_per_replica, source)
                )
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

    def benchmarked(
        self, path: str, option: SelfHostedOption, cal: Calibration, gpu: Gpu | None
    ) -> dict[str, Any]:
        """Capacity from a serving benchmark, scaled to the scenario's token lengths."""
        from payback.measure.apply import benchmark_gpus_per_replica, estimate_at_load

        serving = cal.serving
        assert serving is not None
        self.check_use(path, cal, option.model, option.gpu, option.precision)
        traffic = self.scenario.traffic
        lengths = (traffic.input_tokens, traffic.output_tokens)
        measured = (serving.input_tokens, serving.output_tokens)
        model = (
            self.lookup(f"{path}.model", self.catalog.model, option.model, self.scenario.base_dir)
            if option.model is not None
            else None
        )
        tp = serving.gpus_per_replica
        if option.gpus_per_replica is not None and tp is not None and option.gpus_per_replica != tp:
            raise PaybackError(
                f"{path}.gpus_per_replica = {option.gpus_per_replica}: the benchmark's replica ran on "
                f"{tp} GPUs; its capacity is for {tp}"
            )
        if tp is None:
            if option.gpus_per_replica is not None:
                tp = option.gpus_per_replica
                self.warnings.append(
                    f"{path}: the benchmark does not say how many GPUs its replica used; "
                    f"gpus_per_replica = {tp} is taken as its"
                )
            else:
                tp, _ = self.lookup(
                    path, benchmark_gpus_per_replica, serving, model, gpu, option.precision
                )
                self.warnings.append(
                    f"{path}: the benchmark does not say how many GPUs its replica used; {tp} assumed "
                    f"({'the fewest that hold ' + model.id if model is not None and gpu is not None else 'give model and gpu for a better guess'}); "
                    "set gpus_per_replica"
                )
        what = (
            f"benchmark: {cal.tool} ({option.calibration}), {serving.replica_requests_per_s:.3g} req/s "
            f"at {serving.input_tokens:,.0f}/{serving.output_tokens:,.0f} tokens"
            + (f", concurrency {serving.concurrency}" if serving.concurrency else "")
        )
        rps = serving.replica_requests_per_s
        close = all(
            wanted is None or abs(wanted - got) <= 0.05 * max(got, 1.0)
            for wanted, got in zip(lengths, measured, strict=True)
        )
        if not close and model is not None and gpu is not None:

            def capacity(input_tokens: float, output_tokens: float) -> float:
                return float(
                    self.lookup(
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
                    ).replica_requests_per_s
                )

            scale = capacity(lengths[0] or 0.0, lengths[1] or 0.0) / capacity(*measured)
            rps *= scale
            what += (
                f", scaled ×{scale:.3g} to {lengths[0] or 0:,.0f}/{lengths[1] or 0:,.0f} tokens "
                f"by the estimate of {model.id} on {gpu.id} at that load"
            )
        elif not close:
            self.warnings.append(
                f"{path}.calibration: the benchmark ran {measured[0]:,.0f}/{measured[1]:,.0f} tokens a request, "
                f"the scenario {lengths[0] or 0:,.0f}/{lengths[1] or 0:,.0f}; its capacity is used unscaled "
                "(give model and gpu to scale it)"
            )
        median_tpot = serving.tpot_ms.p50 if serving.tpot_ms else None
        if option.tpot_ms is not None and median_tpot is not None and median_tpot > option.tpot_ms:
            self.warnings.append(
                f"{path}: the benchmark's median time per output token, {median_tpot:.1f} ms, "
                f"misses tpot_ms = {option.tpot_ms:g}"
            )
        self.details[path] = {"benchmark": cal.model_dump(exclude_none=True)}
        update: dict[str, Any] = {
            "replica_requests_per_s": self.note(f"{path}.replica_requests_per_s", rps, what)
        }
        if option.gpus_per_replica is None:
            update["gpus_per_replica"] = int(self.note(f"{path}.gpus_per_replica", tp, what))
        return update

    def one_time(self, path: str, one_time: OneTime) -> OneTime:
        job = one_time.training
        if job is None:
            return (
                one_time
                if one_time.training_usd is not None
                else one_time.model_copy(update={"training_usd": 0.0})
            )
        if one_time.training_usd is not None:
            self.warnings.append(f"{path}.training is not used: training_usd is given and wins")
            return one_time
        if job.hosted is not None and job.calibration is not None:
            self.warnings.append(
                f"{path}.training.calibration is not used: a hosted job is priced per token"
            )
        if job.hosted is not None:
            offer = self.lookup(f"{path}.training.hosted", self.catalog.finetune, job.hosted)
            if job.model is not None and (
                offer.min_params_b is not None or offer.max_params_b is not None
            ):
                model = self.lookup(
                    f"{path}.training.model", self.catalog.model, job.model, self.scenario.base_dir
                )
                low, high = offer.min_params_b or 0.0, offer.max_params_b or float("inf")
                if not low <= model.params_b <= high:
                    raise PaybackError(
                        f"{path}.training: {offer.id} prices models of {low:g}-{high:g}B parameters; {model.id} has {model.params_b:g}B"
                    )
            cost = max(offer.training_usd_per_mtok * job.tokens / 1e6, offer.min_job_usd)
            source = f"catalog: {offer.id} fine-tuning, {job.tokens / 1e6:,.1f}M tokens at ${offer.training_usd_per_mtok:g}/M"
            value = self.note(f"{path}.training_usd", cost, source, offer.source, offer.checked)
        else:
            from payback.hardware.fine_tuning import estimate_training

            assert job.model is not None  # the schema requires model with gpu
            assert job.gpu is not None
            model = self.lookup(
                f"{path}.training.model", self.catalog.model, job.model, self.scenario.base_dir
            )
            gpu = self.lookup(f"{path}.training.gpu", self.catalog.gpu, job.gpu)
            price = job.usd_per_gpu_hour
            if price is None:
                price = self.gpu_price(f"{path}.training", gpu, job.gpu_provider)
            scale, calibrated = 1.0, ""
            if job.calibration is not None:
                from payback.measure.apply import training_scale

                where = f"{path}.training.calibration"
                cal = self.calibration(where, job.calibration)
                scale = training_scale(cal, job.method, f"{where} = {job.calibration!r}")
                self.check_use(f"{path}.training", cal, job.model, gpu.id, None)
                calibrated = f", utilization ×{scale:.3g} calibrated by {job.calibration}"
            estimate = self.lookup(
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
            )
            self.details[f"{path}.training"] = estimate.to_dict()
            source = (
                f"estimate: {job.method} of {model.id} on {estimate.gpus} × {gpu.id}, "
                f"{estimate.tokens / 1e6:,.1f}M tokens, {estimate.gpu_hours:,.2f} GPU-h at ${price:g}/h"
                + calibrated
            )
            value = self.note(f"{path}.training_usd", float(estimate.usd or 0.0), source)
        return one_time.model_copy(update={"training_usd": value})

    def run(self) -> Resolved:
        options: dict[str, Any] = {}
        for path, option in self.scenario.options():
            if isinstance(option, HostedApiOption):
                option = self.hosted(path, option)
            elif isinstance(option, SelfHostedOption):
                option = self.self_hosted(path, option)
            options[path] = option.model_copy(
                update={"one_time": self.one_time(f"{path}.one_time", option.one_time)}
            )
        varied_lengths = [
            f"traffic.{f}"
            for f in ("input_tokens", "output_tokens", "cached_input_share")
            if f"traffic.{f}" in self.scenario.distributions
        ]
        if varied_lengths and any(path.endswith("replica_requests_per_s") for path in self.sources):
            self.warnings.append(
                f"{', '.join(varied_lengths)} vary, but estimated replica capacity uses their central "
                "values (give replica_requests_per_s a distribution to sample it)"
            )
        self.warnings.extend(value_term_warnings(self.scenario))
        explicit = self.scenario.model_copy(
            update={
                "baseline": options["baseline"],
                "alternatives": [
                    options[f"alternatives.{i}"] for i in range(len(self.scenario.alternatives))
                ],
            }
        )
        return Resolved(explicit, self.scenario, self.sources, self.warnings, self.details)


def resolve(
    scenario: Scenario, catalog: Catalog | None = None, today: dt.date | None = None
) -> Resolved:
    """Fill every catalog-derived number of ``scenario``; :class:`PaybackError` names the field."""
    return _Resolver(scenario, catalog or default_catalog(), today or dt.date.today()).run()


def as_resolved(scenario: Scenario | Resolved) -> Resolved:
    """``scenario`` resolved with the packaged catalog, unless it already is."""
    return scenario if isinstance(scenario, Resolved) else resolve(scenario)
