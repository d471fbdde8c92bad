"""Catalogs with provenance: GPUs, open models, hosted fine-tuning and API prices.

GPU, model and fine-tuning records ship as TOML data files in ``catalog/data``; API
token prices come from ``genai-prices`` (its offline snapshot) behind
:mod:`payback.catalog.apis`. A :class:`Catalog` is injectable: tests build tiny ones.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from payback.catalog.hf_config import model_from_hf_config
from payback.catalog.records import (
    ARCHITECTURES,
    HBM_KINDS,
    MEMORY_KINDS,
    PROVIDER_KINDS,
    STALE_AFTER_DAYS,
    Gpu,
    GpuPrice,
    HostedFineTune,
    OpenModel,
    ProviderKind,
)
from payback.errors import PaybackError
from payback.figures import far_text, half_up
from payback.nearby import ID_CUTOFF, nearby

__all__ = [
    "ARCHITECTURES",
    "HBM_KINDS",
    "MEMORY_KINDS",
    "PROVIDER_KINDS",
    "STALE_AFTER_DAYS",
    "Catalog",
    "Gpu",
    "GpuPrice",
    "GpuRent",
    "HostedFineTune",
    "OpenModel",
    "ProviderKind",
    "analysis_day",
    "default_catalog",
    "gpu_offer",
    "gpu_offers",
    "gpu_rent",
    "is_stale",
    "load_catalog",
    "marketplace_only",
    "model_from_hf_config",
    "near_ids",
    "provider_gap",
    "stale_words",
    "typical_gpu_price",
]

T = TypeVar("T", bound=BaseModel)

_FILES = {
    "gpu": ("gpus.toml", Gpu),
    "model": ("models.toml", OpenModel),
    "finetune": ("finetuning.toml", HostedFineTune),
}


def _shown_id(text: str, width: int = 80) -> str:
    """An id for a message, quoted, cut to ``width`` characters when longer."""
    return repr(text) if len(text) <= width else repr(text[:width]) + "…"


def near_ids(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The ``n`` ids closest to ``word`` (any case), best first, by the one rule every "did
    you mean" follows (:func:`payback.nearby.nearby`), at the cutoff short ids ask.

    >>> near_ids("L4", ["a10", "l40s", "l4", "l40"])
    ['l4', 'l40', 'l40s']
    >>> near_ids("l5", ["a10", "l4", "h200"])
    ['l4']
    """
    return nearby(word, choices, n, cutoff=ID_CUTOFF)


def _near(word: str, choices: Iterable[str]) -> str:
    """'; did you mean a, b?': the closest ids, best first (:func:`near_ids`)."""
    picked = near_ids(word, choices)
    return f"; did you mean {', '.join(picked)}?" if picked else ""


@dataclass(frozen=True)
class Catalog:
    """GPUs, open models and hosted fine-tuning offers, by id."""

    gpus: Mapping[str, Gpu] = field(default_factory=dict)
    models: Mapping[str, OpenModel] = field(default_factory=dict)
    finetunes: Mapping[str, HostedFineTune] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        gpus: Iterable[Gpu] = (),
        models: Iterable[OpenModel] = (),
        finetunes: Iterable[HostedFineTune] = (),
    ) -> Catalog:
        """A catalog from records (ids must be unique)."""
        return cls(_by_id(gpus, "gpu"), _by_id(models, "model"), _by_id(finetunes, "finetune"))

    def gpu(self, gpu_id: str) -> Gpu:
        """The GPU with this id; :class:`PaybackError` naming the nearest ids otherwise."""
        try:
            return self.gpus[gpu_id] if gpu_id in self.gpus else self.gpus[gpu_id.lower()]
        except KeyError:
            raise PaybackError(
                f"unknown GPU {_shown_id(gpu_id)}{_near(gpu_id, self.gpus)} (known: {', '.join(self.gpus)})"
            ) from None

    def model(self, model_id: str, base: Path | None = None) -> OpenModel:
        """The open model with this id or Hugging Face repository
        (``meta-llama/Llama-3.1-8B-Instruct``), or read from a local ``config.json`` path, or a
        model's folder that holds one (relative paths from ``base``)."""
        if model_id in self.models:
            return self.models[model_id]
        if not model_id.strip():  # "" is the working folder as a path: said as empty
            raise PaybackError(
                f"an empty model id (known: {', '.join(self.models)}; a catalog model's "
                "Hugging Face repository or a local config.json path works too)"
            )
        if model_id.lower() in self.models:
            return self.models[model_id.lower()]
        by_repo = {m.hf_repo.lower(): m for m in self.models.values()}
        if model_id.lower() in by_repo:
            return by_repo[model_id.lower()]
        path = Path(model_id)
        if base is not None and not path.is_absolute():
            path = base / path
        try:
            is_file = path.is_file()
            if not is_file and (path / "config.json").is_file():  # a model's folder
                path, is_file = path / "config.json", True
            folder = not is_file and path.is_dir()
        except (OSError, ValueError):  # a name longer than the file system allows, a NUL
            is_file = folder = False
        if folder:
            raise PaybackError(
                f"{_shown_id(model_id)} is a folder with no config.json in it (a model's "
                "folder holds its config.json; or give a catalog model's id)"
            )
        if model_id.endswith(".json") or is_file:
            return model_from_hf_config(path)
        raise PaybackError(
            f"unknown model {_shown_id(model_id)}{_near(model_id, self.models)} "
            f"(known: {', '.join(self.models)}; a catalog model's Hugging Face repository or a local config.json path works too)"
        )

    def finetune(self, offer_id: str) -> HostedFineTune:
        """The hosted fine-tuning offer with this id."""
        try:
            if offer_id in self.finetunes:
                return self.finetunes[offer_id]
            return self.finetunes[offer_id.lower()]
        except KeyError:
            raise PaybackError(
                f"unknown hosted fine-tuning offer {offer_id!r}{_near(offer_id, self.finetunes)} "
                f"(known: {', '.join(self.finetunes)})"
            ) from None


def _by_id(records: Iterable[T], what: str) -> dict[str, T]:
    out: dict[str, T] = {}
    for record in records:
        rid = record.id  # type: ignore[attr-defined]
        if rid in out:
            raise ValueError(f"duplicate {what} id {rid!r}")
        out[rid] = record
    return out


def _load_file(path: Path | Any, key: str, model: type[T]) -> list[T]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(data) - {key}
    if unknown:
        raise ValueError(
            f"{path.name}: unexpected top-level keys {sorted(unknown)}; expected [[{key}]]"
        )
    records = []
    for i, raw in enumerate(data.get(key, [])):
        try:
            records.append(model.model_validate(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            given = first.get("input")
            if first["loc"] and not isinstance(given, dict | list):  # the value it was given
                where += f" = {given!r}"
            raise ValueError(
                f"{path.name}: {key}[{i}] ({raw.get('id')}): {where}: {first['msg']}"
            ) from None
    return records


def load_catalog(folder: Path | None = None) -> Catalog:
    """Read and validate the catalog data files (the packaged ones by default)."""
    base: Any = (
        folder if folder is not None else resources.files("payback.catalog").joinpath("data")
    )
    return Catalog.of(
        _load_file(base.joinpath("gpus.toml"), "gpu", Gpu),
        _load_file(base.joinpath("models.toml"), "model", OpenModel),
        _load_file(base.joinpath("finetuning.toml"), "finetune", HostedFineTune),
    )


@cache
def default_catalog() -> Catalog:
    """The packaged catalog, loaded once."""
    return load_catalog()


_KIND_WORDS = {
    "gpu_cloud": "GPU-cloud",
    "hyperscaler": "hyperscaler",
    "marketplace": "marketplace",
    "serverless": "serverless",
}
"""Provider kinds in a sentence."""

_FALLBACK = ("gpu_cloud", "hyperscaler")
"""Where the default rent is taken from, in order: the first provider kind with offers.
Marketplace rents (third-party hosts, no datacentre SLA) are never the default: a scenario
asks for them with ``gpu_price = "marketplace"``."""


def gpu_offers(
    gpu: Gpu, kind: str = "on_demand", provider_kind: str | None = None
) -> list[GpuPrice]:
    """The offers of a pricing ``kind`` (and ``provider_kind``, any when none), cheapest
    first: every count of offers payback shows is the length of this list."""
    return sorted(
        (
            p
            for p in gpu.prices
            if p.kind == kind and (provider_kind is None or p.provider_kind == provider_kind)
        ),
        key=lambda p: p.usd_per_gpu_hour,
    )


_STALE_NAMED = 3
"""Stale offers named beside a rent (:func:`stale_words`); past these, counted."""


def _median(offers: list[GpuPrice]) -> GpuPrice:
    """The median offer, the lower middle one for an even count (a real offer, never
    inflated): its provider, source and date go with the figure."""
    return offers[(len(offers) - 1) // 2]


def stale_words(
    stale: Sequence[GpuPrice], used: GpuPrice | None = None, said: Sequence[GpuPrice] = ()
) -> str:
    """Stale offers beside a figure or a range in a few words, '' when none: their count,
    then each (cheapest first) with its price and date, ``used`` marked 'the one used':
    '2 stale: tensorwave $1.50, checked 2026-05-18, the one used; vultr $1.85, checked
    2026-05-18'; past three named, the rest counted ('2 more'), the one used always named.
    Those in ``said`` (named earlier in the same sentence) are counted, not named again:
    '4 stale: the one above; aws $7.91, checked 2026-04-27; ...'. Every range of offers
    payback shows says its stale
    ones this way (:meth:`GpuRent.describe`, :meth:`GpuRent.in_all_text`)."""
    if not stale:
        return ""
    above = [o for o in stale if any(o is s for s in said)]
    rest = [o for o in stale if not any(o is s for s in said)]
    parts = ["the one above" if len(above) == 1 else f"the {len(above)} above"] if above else []
    named = [o for i, o in enumerate(rest) if i < _STALE_NAMED or o is used]  # used: named
    parts += [
        f"{o.provider} {rent_text(o.usd_per_gpu_hour)}, checked {o.checked}"
        + (", the one used" if o is used else "")
        for o in named
    ]
    if len(rest) > len(named):
        parts.append(f"{len(rest) - len(named)} more")
    return f"{len(stale)} stale: {'; '.join(parts)}"


@dataclass(frozen=True)
class GpuRent:
    """The rent payback uses for a GPU, and the offers it was chosen from.

    ``offer`` is the median (lower middle) of ``basis``: the offers of one provider kind
    (GPU clouds by default) at one pricing kind (on demand unless a commitment is given).
    ``offers`` are all offers of that pricing kind, whoever rents them: their count and
    range are shown beside the figure, so a hyperscaler's user sees theirs.
    """

    gpu: str
    offer: GpuPrice
    provider_kind: str
    """Whose offers the median was taken over (:data:`ProviderKind`)."""
    basis: tuple[GpuPrice, ...]
    offers: tuple[GpuPrice, ...]
    fallback: bool = False
    """Whether no offer of the provider kind asked for exists, so the next one was used."""

    @property
    def low(self) -> float:
        return self.offers[0].usd_per_gpu_hour

    @property
    def high(self) -> float:
        return self.offers[-1].usd_per_gpu_hour

    def describe(self, today: dt.date | None = None) -> str:
        """The choice in words, e.g. 'median of 3 GPU-cloud on-demand offers, $3.50-6.31; 6
        on-demand offers in all, $3.50-13.78' (the median of an odd count, with their range),
        or for an even count 'lower middle of 2 GPU-cloud on-demand offers, $1.09 and $1.55'
        (the cheaper of the middle two: a real offer).
        Offers it was chosen from that are stale on ``today`` (the real date when ``None``)
        are named: 'lower middle of 4 GPU-cloud on-demand offers, $2.95-6.16 (1 stale:
        nebius $2.95, checked 2026-05-18)' (:meth:`stale_text`); the only offer, stale, is
        'the only GPU-cloud reserved-1y offer, stale' (its date is shown beside it). The
        range of all offers says its stale ones too, those named before counted
        (:meth:`in_all_text`): '...; 6 on-demand offers in all, $3.50-13.78 (4 stale: the
        one above; aws $7.91, checked 2026-04-27; ...)'."""
        kind = self.offer.kind.replace("_", "-")
        who = _KIND_WORDS[self.provider_kind]
        if self.provider_kind == "serverless":
            who = ""
        n = len(self.basis)
        prices = [o.usd_per_gpu_hour for o in self.basis]
        head = (
            f"the only {who} {kind} offer"
            if n == 1
            else f"median of {n} {who} {kind} offers, {rent_range(min(prices), max(prices))}"
            if n % 2
            # the lower of the middle two, a real offer: said so, with what it was chosen from
            else f"lower middle of {n} {who} {kind} offers, "
            + (
                f"{rent_text(prices[0])} and {rent_text(prices[1])}"
                if n == 2
                else rent_range(min(prices), max(prices))
            )
        ).replace("  ", " ")
        notes = [f"no GPU-cloud {kind} offer"] if self.fallback else []
        if n == 1 and self.stale(today):  # the one used: its date goes with it wherever shown
            head += ", stale"
        elif stale := self.stale_text(today):
            notes.append(stale)
        if notes:
            head += f" ({'; '.join(notes)})"
        if len(self.offers) == len(self.basis):
            return head
        return f"{head}; {self.in_all_text(today)}"

    def stale(self, today: dt.date | None = None) -> tuple[GpuPrice, ...]:
        """The offers the rent was chosen from (:attr:`basis`, cheapest first) that were
        checked too long before ``today`` (:func:`is_stale`; the real date when ``None``):
        they still count in the median and the range, and are named beside them."""
        return tuple(o for o in self.basis if is_stale(o.checked, today))

    def stale_in_all(self, today: dt.date | None = None) -> tuple[GpuPrice, ...]:
        """The stale offers among all offers of the pricing kind (:attr:`offers`, every
        provider kind's, cheapest first): those the range 'N offers in all' counts."""
        return tuple(o for o in self.offers if is_stale(o.checked, today))

    def stale_text(self, today: dt.date | None = None) -> str:
        """The stale offers of :meth:`stale` in a few words, '' when none: '1 stale: nebius
        $2.95, checked 2026-05-18', the one used marked so; past three, the rest counted."""
        return stale_words(self.stale(today), self.offer)

    def in_all_text(
        self,
        today: dt.date | None = None,
        used: GpuPrice | None = None,
        said: Sequence[GpuPrice] | None = None,
    ) -> str:
        """The count and range of every offer of the pricing kind with its stale ones
        (:meth:`stale_in_all`): '7 on-demand offers in all, $2.95-12.29 (1 stale: the one
        above)'. ``said``: the stale offers the sentence has named before, counted, not
        named again (those of :meth:`stale`, as :meth:`describe` names them, by default);
        ``used``: the offer used, marked so where named (the median by default)."""
        kind = self.offer.kind.replace("_", "-")
        text = f"{len(self.offers)} {kind} offers in all, {rent_range(self.low, self.high)}"
        said = self.stale(today) if said is None else said
        note = stale_words(self.stale_in_all(today), used or self.offer, said)
        return f"{text} ({note})" if note else text

    def to_dict(self, today: dt.date | None = None, used: GpuPrice | None = None) -> dict[str, Any]:
        """The rent as JSON, judged on ``today`` (the real date when ``None``):
        ``stale_offers`` lists the offers of :meth:`stale` (those the median was taken
        over), each with whether it is the one ``used`` (the median unless ``used`` is
        given); ``offers_stale_count`` counts the stale ones of the ``offers_count`` offers
        in all (:meth:`stale_in_all`), listed in ``offers_stale`` with their provider kind."""
        used = used or self.offer

        def listed(offers: Iterable[GpuPrice], kinds: bool = False) -> list[dict[str, Any]]:
            return [
                {
                    "provider": o.provider,
                    **({"provider_kind": o.provider_kind} if kinds else {}),
                    "usd_per_gpu_hour": o.usd_per_gpu_hour,
                    "checked": o.checked.isoformat(),
                    "used": o is used,
                }
                for o in offers
            ]

        in_all = self.stale_in_all(today)
        return {
            "gpu": self.gpu,
            "usd_per_gpu_hour": self.offer.usd_per_gpu_hour,
            "provider": self.offer.provider,
            "kind": self.offer.kind,
            "provider_kind": self.provider_kind,
            "basis_count": len(self.basis),
            "offers_count": len(self.offers),
            "offers_low_usd_per_gpu_hour": self.low,
            "offers_high_usd_per_gpu_hour": self.high,
            "fallback": self.fallback,
            "stale_offers": listed(self.stale(today)),
            "offers_stale_count": len(in_all),
            "offers_stale": listed(in_all, kinds=True),
            "description": self.describe(today),
        }


def gpu_rent(gpu: Gpu, kind: str = "on_demand", price: str | None = None) -> GpuRent | None:
    """The rent of ``gpu`` at a pricing ``kind``: the median of the offers of provider kind
    ``price``; by default (``None``) of GPU clouds', else hyperscalers' (never
    marketplaces'). ``None`` when there is no such offer of ``kind``; :class:`PaybackError`
    when ``price`` names a provider kind with no such offer (or is not a provider kind)."""
    if price is not None and price not in PROVIDER_KINDS:
        raise PaybackError.bad("gpu_price", price, f"one of {', '.join(PROVIDER_KINDS)}")
    offers = gpu_offers(gpu, kind)
    if not offers:
        return None
    if kind == "serverless":  # a serverless price is a serverless platform's
        return GpuRent(gpu.id, _median(offers), "serverless", tuple(offers), tuple(offers))
    if price is not None:
        basis = gpu_offers(gpu, kind, price)
        if not basis:
            have = sorted({p.provider_kind for p in offers})
            raise PaybackError(
                f"no {_KIND_WORDS[price]} {kind.replace('_', '-')} price for {gpu.id} "
                f"(its {kind.replace('_', '-')} offers are from: {', '.join(have)})"
            )
        return GpuRent(gpu.id, _median(basis), price, tuple(basis), tuple(offers))
    for i, provider_kind in enumerate(_FALLBACK):
        basis = gpu_offers(gpu, kind, provider_kind)
        if basis:
            return GpuRent(
                gpu.id, _median(basis), provider_kind, tuple(basis), tuple(offers), i > 0
            )
    return None  # marketplace offers only


def marketplace_only(gpu: Gpu, kind: str = "on_demand") -> bool:
    """Whether every offer of ``kind`` for ``gpu`` is a marketplace's (so there is no
    default rent, and ``gpu_price = "marketplace"`` would find one)."""
    offers = gpu_offers(gpu, kind)
    return bool(offers) and all(p.provider_kind == "marketplace" for p in offers)


def typical_gpu_price(gpu: Gpu, kind: str = "on_demand") -> GpuPrice | None:
    """The default offer of a kind (:func:`gpu_rent`): the median (lower middle) of GPU
    clouds' offers, else hyperscalers'; ``None`` when neither rents the GPU."""
    rent = gpu_rent(gpu, kind)
    return rent.offer if rent else None


def gpu_offer(
    gpu: Gpu, provider: str | None = None, kind: str = "on_demand", price: str | None = None
) -> GpuPrice | None:
    """A provider's offer of pricing ``kind`` for ``gpu`` (on demand by default), or the
    default offer of ``kind`` (of provider kind ``price``: :func:`gpu_rent`) when no
    provider is named; :class:`PaybackError` for a provider the catalog does not list for
    this GPU (any case). ``None`` where the provider lists the GPU at other kinds only (a
    reserved-1y price is never billed as on-demand rent: :func:`provider_gap` says why)."""
    if provider is None:
        rent = gpu_rent(gpu, kind, price)
        return rent.offer if rent else None
    offers = [p for p in gpu.prices if p.provider == provider.lower()]
    if not offers:
        known = sorted({p.provider for p in gpu.prices})
        raise PaybackError(
            f"no {gpu.id} price from {provider!r} (listed: {', '.join(known) or 'none'})"
        )
    return next((p for p in offers if p.kind == kind), None)


_TO_PAY = {
    "on_demand": 'commitment = "none"',
    "reserved_1y": 'commitment = "1y"',
    "reserved_3y": 'commitment = "3y"',
    "serverless": 'gpu_price = "serverless" in place of gpu_provider',
}
"""What a scenario writes to pay a price of a kind other than on demand."""


def provider_gap(gpu: Gpu, provider: str, kind: str, terms: bool = True) -> str:
    """Why ``provider`` has no offer of ``kind`` for ``gpu`` although it lists the GPU, and
    what pays the offers it has (``terms``: whether a commitment can be written).

    >>> from payback.catalog import default_catalog
    >>> provider_gap(default_catalog().gpus["h100-sxm"], "neocloud", "on_demand")
    'neocloud has no on-demand price for h100-sxm, only a reserved-1y one; commitment = "1y" pays it'
    >>> provider_gap(default_catalog().gpus["h100-sxm"], "modal", "on_demand")
    'modal has no on-demand price for h100-sxm, only a serverless one; gpu_price = "serverless" in place of gpu_provider pays serverless platforms\\' median'
    """
    kinds = sorted({p.kind for p in gpu.prices if p.provider == provider.lower()})
    has = " or ".join(k.replace("_", "-") for k in kinds)
    pay = [
        _TO_PAY[k] + (" pays serverless platforms' median" if k == "serverless" else " pays it")
        for k in kinds  # a commitment pays no serverless price; a training run commits none
        if k in _TO_PAY and (kind == "on_demand" if k == "serverless" else terms)
    ]
    article = "an" if has[:1] in "aeiou" else "a"
    return (
        f"{provider.lower()} has no {kind.replace('_', '-')} price for {gpu.id}, only "
        f"{article} {has} one" + "".join(f"; {way}" for way in pay)
    )


def _today() -> dt.date:
    """The day figures are judged stale on when none is given: the real date in UTC, the
    day API prices are read on too (a function, so tests can fix it)."""
    return dt.datetime.now(dt.UTC).date()


def analysis_day() -> dt.date:
    """The day an analysis judges catalog figures stale on when none is given: the real
    date, fixed for every caller at once where a test fixes :func:`_today`."""
    return _today()


def is_stale(checked: dt.date, today: dt.date | None = None, days: int = STALE_AFTER_DAYS) -> bool:
    """Whether a figure checked on ``checked`` is older than ``days`` days on ``today`` (the
    real date when ``None``): the one rule for GPU rents, hosted fine-tuning prices and API
    prices, wherever they are shown or used."""
    return ((today or _today()) - checked).days > days


def rent_text(usd_per_gpu_hour: float) -> str:
    """A GPU's hourly rent with every digit it has, to four decimals: a catalog's $0.8048
    is not shown as $0.80 (730 h × $0.80 is $584; the fleet pays $587.50).

    >>> rent_text(0.8048), rent_text(2.69), rent_text(1.0), rent_text(1.23456)
    ('$0.8048', '$2.69', '$1.00', '$1.2346')
    >>> rent_text(1.00001), rent_text(0.00001), rent_text(2.0004)  # never '$1.'
    ('$1.00', '$0.00001', '$2.0004')
    >>> rent_text(1e-320), rent_text(2.5e19)  # past what is written out: not 320 digits
    ('$1×10⁻³²⁰', '$2.5×10¹⁹')

    Halves up, as money is rounded: $0.125 is $0.125, and a fifth place's half goes up.

    >>> rent_text(0.125), rent_text(1.23455), rent_text(2.675)
    ('$0.125', '$1.2346', '$2.675')
    """
    if (far := far_text(usd_per_gpu_hour)) is not None:
        return "$" + far
    whole, _, places = f"{half_up(usd_per_gpu_hour):,.4f}".rstrip("0").partition(".")
    if usd_per_gpu_hour and not float(f"{whole}.{places or 0}".replace(",", "")):
        figures = 1 - math.floor(math.log10(abs(usd_per_gpu_hour)))  # two, no exponent
        return "$" + f"{usd_per_gpu_hour:.{figures}f}".rstrip("0")  # under a hundredth of a cent
    return f"${whole}.{places.ljust(2, '0')}"


def rent_range(low: float, high: float) -> str:
    """Two rents as a range, each with the digits :func:`rent_text` gives it.

    >>> rent_range(3.99, 12.29), rent_range(0.125, 2.675)
    ('$3.99-12.29', '$0.125-2.675')
    """
    return f"{rent_text(low)}-{rent_text(high)[1:]}"


def offer_source(offer: GpuPrice, today: dt.date | None = None) -> str:
    """Where a GPU rent comes from, in a few words: its provider and date, marked stale
    (:func:`is_stale`) as ``catalog gpus`` and ``analyze`` mark it, and its page."""
    age = ((today or _today()) - offer.checked).days
    stale = f"; stale, {age} days ago" if is_stale(offer.checked, today) else ""
    return f"{offer.provider}, checked {offer.checked}{stale} ({offer.source})"
