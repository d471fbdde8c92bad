"""What resolving a scenario shares: where each derived number came from, and the lookups
that record it (:class:`Lookups`), used by the resolvers of each option kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from payback.errors import PaybackError
from payback.scenario import COMMITMENT_KINDS, Scenario

if TYPE_CHECKING:
    from payback.catalog import Catalog, Gpu
    from payback.measure.calibration import Calibration

__all__ = ["Lookups", "Resolved", "Source", "rent_kind"]


def rent_kind(commitment: str, gpu_price: str | None = None) -> str:
    """The pricing kind a self-hosted option's rent is read at: the ``commitment``'s
    (on-demand, reserved 1y or 3y), or ``serverless`` when ``gpu_price`` chooses a
    serverless platform (it bills busy seconds at a price kind of its own). ``analyze``
    and ``recommend`` both read the rent at this kind.

    >>> rent_kind("none"), rent_kind("1y"), rent_kind("none", "serverless")
    ('on_demand', 'reserved_1y', 'serverless')
    """
    return "serverless" if gpu_price == "serverless" else COMMITMENT_KINDS[commitment]


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
    """Estimates behind derived numbers (serving and training) and the GPU rents chosen
    (the offers each was chosen from), by dotted path."""
    catalog: Catalog | None = field(default=None, compare=False, repr=False)
    """The catalog it was resolved with (``None``: the packaged one): a study that resolves
    the file again at another value (:mod:`payback.analysis.follow`) resolves with it."""
    today: dt.date | None = field(default=None, compare=False, repr=False)
    """The analysis day it was resolved on (``None``: the default day)."""


class Lookups:  # long: the small lookups every option kind's resolver shares
    """One scenario's resolution in progress: the catalog, the day prices are read on, and
    what has been derived so far (sources, warnings, estimates, calibrations read)."""

    def __init__(self, scenario: Scenario, catalog: Catalog | None, today: dt.date) -> None:
        self.scenario = scenario
        self._catalog = catalog
        self._given = catalog is not None
        self.today = today
        self.start = scenario.scenario.start_date or today
        self.sources: dict[str, Source] = {}
        self.warnings: list[str] = []
        self.details: dict[str, Any] = {}
        self.calibrations: dict[str, Calibration] = {}

    @property
    def given_catalog(self) -> Catalog | None:
        """The catalog the caller gave (``None``: the packaged one)."""
        return self._catalog if self._given else None

    @property
    def catalog(self) -> Catalog:
        """The catalog given, or the packaged one, loaded when a lookup first needs it: a
        scenario that names no catalog id reads no catalog file."""
        if self._catalog is None:
            from payback.catalog import default_catalog

            self._catalog = default_catalog()
        return self._catalog

    def note(
        self,
        path: str,
        value: float,
        source: str,
        reference: str | None = None,
        checked: dt.date | None = None,
        marked: bool = False,
    ) -> float:
        """Record where ``value`` at ``path`` came from; warn when it is stale (over
        :data:`~payback.catalog.STALE_AFTER_DAYS` days on the analysis day, the one rule
        for GPU rents, fine-tuning and API prices), and say so in its source, 'catalog:
        fine-tuned x, stale', as a GPU rent's words say it ('the only GPU-cloud on-demand
        offer, stale'), unless ``marked``: the source says it already."""
        from payback.catalog import STALE_AFTER_DAYS, is_stale

        stale = checked is not None and is_stale(checked, self.today)
        shown = f"{source}, stale" if stale and not marked else source
        self.sources[path] = Source(value, shown, reference, checked)
        if checked is not None and stale:
            age = (self.today - checked).days
            self.warnings.append(
                f"{path} = {value:g} ({source}) was checked {checked}: stale, {age} days ago "
                f"(over {STALE_AFTER_DAYS}); check it before deciding"
            )
        return value

    def lookup(
        self,
        path: str,
        func: Any,
        *args: Any,
        fields: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Call a catalog lookup or estimator, naming the scenario field when it fails.

        ``fields`` maps the estimator's parameters to the scenario fields they were read
        from (``input_tokens`` to ``traffic.input_tokens``): an error about one of them is
        told as the field the user wrote, ``traffic.input_tokens = 5000: ...``, with
        ``path`` named when the field lies outside it. Other errors are prefixed by ``path``.
        """
        try:
            return func(*args, **kwargs)
        except PaybackError as exc:
            field = (fields or {}).get(exc.param or "")
            if field is not None and exc.allowed is not None:
                inside = field.startswith(f"{path}.")
                raise PaybackError(
                    f"{field} = {_shown(exc.value)}: {exc.allowed}"
                    + ("" if inside else f" (for {path})"),
                    param=field,
                    value=exc.value,
                    allowed=exc.allowed,
                ) from None
            raise PaybackError([f"{path}: {m}" for m in exc.messages]) from None

    def gpu_price(
        self,
        path: str,
        gpu: Gpu,
        provider: str | None,
        commitment: str = "none",
        price: str | None = None,
        terms: bool = True,
    ) -> float:
        """The rent of ``gpu``: ``provider``'s offer, else the median of the offers of
        provider kind ``price`` (GPU clouds' by default), at the ``commitment``'s pricing
        kind. Records the choice, with the count and range of every offer of that kind, in
        :attr:`details` under ``{path}.usd_per_gpu_hour``. ``terms``: whether the option
        has a ``commitment`` field to pay a reserved price with (a training run has not)."""
        kind = rent_kind(commitment, price)
        from payback.catalog import GpuRent, gpu_offer, gpu_offers, gpu_rent, is_stale, provider_gap

        field = f"{path}.gpu_price" if price is not None else f"{path}.gpu_provider"
        offer = self.lookup(field, gpu_offer, gpu, provider, kind, price)
        if offer is None and commitment != "none":
            kinds = sorted({p.kind for p in gpu.prices if provider in (None, p.provider)})
            raise PaybackError(
                f"{path}.commitment = {commitment!r}: the catalog has no {kind} price for {gpu.id}"
                + (f" from {provider}" if provider else "")
                + f" (it has: {', '.join(kinds) or 'no prices'}); give usd_per_gpu_hour, "
                "the committed price you were quoted"
            )
        if offer is None and provider is not None:
            gap = provider_gap(gpu, provider, kind, terms)
            run = "" if terms or "gpu_price" in gap else "a training run rents on demand: "
            raise PaybackError(
                f"{field} = {provider!r}: {gap}; "
                + ("" if terms else f"{run}choose another provider ")
                + "or give usd_per_gpu_hour"
            )
        if offer is None:
            raise PaybackError(self._no_default_rent(path, gpu, kind))
        if provider:
            # the offer named is the basis: its facts, marked stale as the default's only
            # offer is; the range of all offers with its stale ones, that one counted
            rent = GpuRent(
                gpu.id, offer, offer.provider_kind, (offer,), tuple(gpu_offers(gpu, offer.kind))
            )
            stale = (offer,) if is_stale(offer.checked, self.today) else ()
            market = offer.provider_kind == "marketplace"
            how = (
                f"{offer.provider}'s {'marketplace ' if market else ''}"
                f"{offer.kind.replace('_', '-')} price"
                + (", third-party hosts with no datacentre SLA" if market else "")
                + (", stale" if stale else "")
            )
            if len(rent.offers) > 1:
                how += f"; {rent.in_all_text(self.today, used=offer, said=stale)}"
        else:
            rent = self.lookup(field, gpu_rent, gpu, kind, price)
            how = rent.describe(self.today)
        self.details[f"{path}.usd_per_gpu_hour"] = {
            **rent.to_dict(self.today, used=offer),
            "chosen_by": "gpu_provider" if provider else "gpu_price" if price else "default",
            "description": how,
        }
        return self.note(
            f"{path}.usd_per_gpu_hour",
            offer.usd_per_gpu_hour,
            f"catalog: {gpu.id} at {offer.provider} ({how})",
            offer.source,
            offer.checked,
            marked=True,  # the offers' words name it stale
        )

    def _no_default_rent(self, path: str, gpu: Gpu, kind: str) -> str:
        """Why ``gpu`` (at ``{path}.gpu``, the field the user wrote) has no default rent of
        ``kind``, the GPUs near its id that have one, the offers the catalog has and the
        ``gpu_price`` that pays them, and what else to write."""
        from payback.catalog import gpu_rent, marketplace_only
        from payback.nearby import nearby

        rented = [g.id for g in self.catalog.gpus.values() if gpu_rent(g, kind) is not None]
        # the id is a real GPU's: another is named only as a likely slip of it (l40s for l40)
        near = [repr(i) for i in nearby(gpu.id, rented, n=2, cutoff=0.8) if i != gpu.id]
        mean = f"did you mean {' or '.join(near)}? Else " if near else ""  # a clause after ";"
        what = kind.replace("_", "-")
        if marketplace_only(gpu, kind):
            why = (
                f"every {what} offer for {gpu.id} is a marketplace's (third-party hosts, no "
                "datacentre SLA), never the default"
            )
            return (
                f"{path}.gpu = {gpu.id!r}: {why}; {mean}set "
                'gpu_price = "marketplace" to pay one, or give usd_per_gpu_hour'
            )
        why = f"the catalog has no {what} price for {gpu.id}"
        from payback.catalog.other_offers import other_offers

        if others := other_offers(gpu, self.today, 'set gpu_price = "{price}" to pay {it}'):
            why += f"; it has {' and '.join(others)}"
        return f"{path}.gpu = {gpu.id!r}: {why}; {mean}give usd_per_gpu_hour"

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

        file = next((name for name, read in self.calibrations.items() if read is cal), None)
        where = f"{path}.calibration"
        self.warnings.extend(
            check_use(cal, model=model, gpu=gpu, precision=precision, where=where, file=file)
        )


def _shown(value: Any) -> str:
    """A value as the scenario file would hold it: ``5000.0`` read from ``5000`` is ``5000``.

    >>> _shown(5000.0), _shown(0.25), _shown(1e30), _shown("fp8")
    ('5000', '0.25', '1e+30', "'fp8'")
    """
    if isinstance(value, float):
        return f"{value:.15g}"
    return repr(value) if isinstance(value, str) else str(value)
