"""Hosted API token prices, read from the offline snapshot bundled in ``genai-prices``.

The snapshot is the data module shipped inside the pinned ``genai-prices`` wheel; it is
never updated from the network here (no ``UpdatePrices``), so a given version of payback
always prices a given ``provider:model`` the same way on the same date.

How a price is picked, following genai-prices' own rules:

* **Model lookup.** ``provider:model`` names a provider (its id, or an alias genai-prices
  knows, e.g. ``xai``) and a model: its exact id, or any id its match clauses accept
  (``gpt-4o-2024-08-06`` is ``openai:gpt-4o``). A provider that resells another's
  models (``azure``) falls back to that provider's price, as genai-prices does. A bare
  model id resolves to the provider genai-prices picks from the id itself (the model's
  maker: ``gpt-*`` is OpenAI, ``claude*`` is Anthropic), else to the only provider that
  lists it with a token price; otherwise it is ambiguous.
* **Dates.** A model may have dated prices (a price change on a start date); the one in
  effect on ``at`` is used, the last whose start date has passed. Time-of-day prices
  (DeepSeek's off-peak hours) cannot be told apart by a date, so the price in effect for
  most hours of that day (UTC) is used and ``note`` gives the others. Most models have
  one undated price (``undated``): it is the price on the day the snapshot was read, the
  same for any ``at``, and nothing says it held earlier.
* **Long-context tiers.** Some prices depend on the request's input tokens: every token
  of a request above a tier's start pays the tier's rate (genai-prices' "cliff" rule,
  strictly above the start). ``input_tokens`` picks the tier; without it, the base tier.
* **Batch.** genai-prices models batch prices as a request-context variant
  (``{"processing": "batch"}``), bundled for Anthropic, OpenAI, Google, Mistral, Groq and
  xAI from 2026-10-14 on. ``batch_discount`` is the share off the standard input and
  output rates at the same date and tier; ``None`` where the snapshot has no batch rate
  (another provider, an earlier date, or a price borrowed from another provider). A batch
  variant lists only the rates it changes, so a cache read it does not list keeps the
  standard rate (gpt-4o: batch input $1.25 against $2.50, cache read $1.25 in both):
  ``cached_input_batch_discount`` is the share off the cache-read rate, 0 there.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from genai_prices import __version__ as GENAI_PRICES_VERSION
from genai_prices.data_snapshot import DataSnapshot, find_provider_by_id
from genai_prices.types import (
    ModelInfo,
    ModelPrice,
    PriceContext,
    PriceVariant,
    Provider,
    StartDateConstraint,
    TieredPrices,
)

from payback.catalog.api_dates import _Price, _standard_prices, _undated, _usd
from payback.errors import PaybackError
from payback.nearby import ID_CUTOFF, nearby

__all__ = [
    "GENAI_PRICES_VERSION",
    "SNAPSHOT_CHECKED",
    "ApiPrice",
    "ApiProviderSummary",
    "api_price",
    "resolve_api_model",
    "search_api_models",
    "summarize_api_providers",
]

SEARCH_HINT = "search_api_models(text) lists them"
"""Where an error message sends the reader for a valid reference (the CLI names its command)."""

_READ_ON = {"0.2.3": dt.date(2026, 11, 10)}
"""The day each genai-prices snapshot payback has pinned (pyproject.toml) was published
(PyPI's upload time: 0.2.3 on 2026-11-10): its prices are no newer than that. A new pin
adds its day here."""

SNAPSHOT_CHECKED: dt.date | None = _READ_ON.get(GENAI_PRICES_VERSION)
"""When the genai-prices snapshot payback pins was published (0.2.3: 2026-11-10): the
``checked`` date of every API price, judged stale by the one rule of every catalog
(:func:`payback.catalog.is_stale`). The snapshot's data carries no date of its own; its
release day is the newest its prices can be, so a price is never taken for fresher than it
is. ``None`` (undated, never judged) for a version not pinned here."""

BATCH_CONTEXT: PriceContext = {"processing": "batch"}
"""The genai-prices request context that selects batch-API prices."""

_MAX_LISTED = 10
"""At most this many candidates are named in an error message."""


@dataclass(frozen=True)
class ApiPrice:
    """Token prices of one hosted model at one provider, on one date, for one request size."""

    ref: str
    """Canonical ``provider:model``, e.g. ``openai:gpt-4o``."""
    provider: str
    """Provider id as genai-prices spells it."""
    model: str
    """Model id as genai-prices knows it."""
    name: str | None
    """Display name when the snapshot has one."""
    input_usd_per_mtok: float
    """Uncached input tokens [USD per million tokens]."""
    cached_input_usd_per_mtok: float | None
    """Cache-read input tokens [USD per million]; none when the snapshot gives no such rate."""
    output_usd_per_mtok: float
    """Output tokens, reasoning included [USD per million tokens]."""
    batch_discount: float | None
    """Share off input and output for batch requests (0.5 = half price); none if unknown."""
    note: str | None
    """Which tier, dated price or fallback was used, when there was a choice."""
    source: str
    """The snapshot, and the provider's pricing page when the snapshot names one."""
    checked: dt.date | None
    """When the prices were read: :data:`SNAPSHOT_CHECKED` (the snapshot carries no date of
    its own; payback read it when it pinned it)."""
    cached_input_batch_discount: float | None = None
    """Share off the cache-read rate for batch requests (0: batch keeps the standard cache
    read); none where there is no batch rate or no cache-read rate."""
    tier_starts: tuple[int, ...] = ()
    """The input tokens of a request above which another tier's rates apply, in order (the
    rates change only there); empty where the rates are not tiered."""
    undated: bool = False
    """The snapshot gives this model's price no date (no price change on a start date): it
    is the price as listed when ``checked``, not known to hold on an earlier day (openai:
    gpt-4o's one price, for a scenario starting in 2020). False where a dated price, the
    one from its start date or the one before the first change, covers ``at``."""
    next_change: dt.date | None = None
    """The start date of the snapshot's next dated price after ``at`` (openai:o3 asked about
    2025-05-20: 2025-06-10, its cut from $10/$40 to $2/$8 per Mtok); none where it lists no
    change after ``at``, or the prices go by time of day."""


def api_price(
    ref: str, *, at: dt.date | None = None, input_tokens: float | None = None
) -> ApiPrice:
    """The token prices of ``ref`` (``provider:model`` or a bare model id).

    ``at`` picks among dated prices (default: today, UTC); ``input_tokens`` is the input
    token count of one request, which picks a long-context tier (default: the base tier).
    Raises :class:`PaybackError` (one line) for an unknown, ambiguous or unpriced model.

    >>> p = api_price("openai:gpt-4o-2024-08-06", at=dt.date(2026, 11, 1))
    >>> p.ref, p.input_usd_per_mtok, p.cached_input_usd_per_mtok, p.output_usd_per_mtok
    ('openai:gpt-4o', 2.5, 1.25, 10.0)
    >>> p.batch_discount, p.cached_input_batch_discount
    (0.5, 0.0)
    """
    if input_tokens is not None and not (math.isfinite(input_tokens) and input_tokens >= 0):
        raise PaybackError(
            f"input_tokens for API model '{ref}' must be a finite number >= 0, got {input_tokens!r}"
        )
    day = at if at is not None else _today()
    return _price(resolve_api_model(ref), day, input_tokens)


def search_api_models(text: str = "") -> list[ApiPrice]:
    """Models with token prices whose ref or name contains ``text`` (any case), by ref.

    Prices are today's (UTC), base tier; models priced only per request, per image or
    per second (and subscription-only ones) are left out.
    """
    needle = text.strip().casefold()
    return [
        price
        for price in _all_prices(_today())
        if needle in price.ref.casefold() or (price.name and needle in price.name.casefold())
    ]


@dataclass(frozen=True)
class ApiProviderSummary:
    """One provider of the genai-prices snapshot: how many models it prices per token, and
    the range of their base-tier prices [USD per million tokens]."""

    provider: str
    models: int
    input_low: float
    input_high: float
    output_low: float
    output_high: float


def summarize_api_providers(prices: list[ApiPrice] | None = None) -> list[ApiProviderSummary]:
    """Per provider (by models priced, most first, then by id): the count and price ranges
    of ``prices`` (default: every token-priced model, today's prices)."""
    by_provider: dict[str, list[ApiPrice]] = {}
    for price in search_api_models() if prices is None else prices:
        by_provider.setdefault(price.provider, []).append(price)
    summary = [
        ApiProviderSummary(
            provider,
            len(group),
            min(p.input_usd_per_mtok for p in group),
            max(p.input_usd_per_mtok for p in group),
            min(p.output_usd_per_mtok for p in group),
            max(p.output_usd_per_mtok for p in group),
        )
        for provider, group in by_provider.items()
    ]
    return sorted(summary, key=lambda s: (-s.models, s.provider))


# --- the snapshot ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Snapshot:
    lookup: DataSnapshot
    """genai-prices' own lookup over the bundled providers (never the auto-updated data)."""
    providers: list[Provider]
    owner: Mapping[int, Provider]
    """``id(model)`` to the provider whose list holds it."""
    preferred_ref: Mapping[str, str]
    """Lower-cased model id to the ref a suggestion names for it."""


@cache
def _snapshot() -> _Snapshot:
    from genai_prices.data import providers as bundled  # the offline data, ~0.1 s to import

    providers = list(bundled)
    lookup = DataSnapshot(providers=providers, from_auto_update=False)
    owner = {id(model): provider for provider in providers for model in provider.models}
    refs: dict[str, list[tuple[int, str]]] = {}
    for provider in providers:
        for model in provider.models:
            key = model.id.lower()
            rank = 0 if _genai_pick(lookup, key) is provider else 1 if _priced(model) else 2
            refs.setdefault(key, []).append((rank, f"{provider.id}:{model.id}"))
    preferred = {key: min(options)[1] for key, options in refs.items()}
    return _Snapshot(lookup, providers, owner, preferred)


def _genai_pick(lookup: DataSnapshot, model_ref: str) -> Provider | None:
    """The provider genai-prices infers from a model id alone (its ``model_match``)."""
    try:
        return lookup.find_provider(model_ref.lower(), None, None)
    except LookupError:
        return None


def _priced(model: ModelInfo) -> bool:
    """Whether some price of the model has both an input and an output token rate."""
    sets = (
        [model.prices] if isinstance(model.prices, ModelPrice) else [c.prices for c in model.prices]
    )
    return any(p.input_mtok is not None and p.output_mtok is not None for p in sets)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# --- resolving a reference ---------------------------------------------------------------


@dataclass(frozen=True)
class _Resolved:
    provider: Provider
    """The provider the reference names (or the one picked for a bare id)."""
    model: ModelInfo
    owner: Provider
    """The provider whose data holds the price: differs from ``provider`` on a fallback."""


def resolve_api_model(ref: str) -> _Resolved:
    """The provider and model a reference names, or one line why it names none."""
    snap = _snapshot()
    text = ref.strip()
    if not text:
        raise PaybackError(f"empty API model reference; name one as provider:model ({SEARCH_HINT})")
    provider_part, colon, model_part = text.partition(":")
    if not colon:
        found = _resolve_bare(ref, text)
        if found is None:
            raise PaybackError(_unknown_model(ref, _suggest(text, None)))
        return found
    provider = find_provider_by_id(snap.providers, provider_part) if provider_part.strip() else None
    if provider is not None:
        found = _in_provider(provider, model_part.strip())
        if found is not None:
            return found
    # Model ids may contain ':' themselves (``amazon.nova-pro-v1:0``, ``mai-ds-r1:free``).
    found = _resolve_bare(ref, text)
    if found is not None:
        return found
    if provider is not None:
        raise PaybackError(_unknown_model(ref, _suggest(model_part.strip(), provider)))
    near = nearby(provider_part.strip(), sorted(p.id for p in snap.providers), cutoff=ID_CUTOFF)
    if near:
        hint = f"did you mean {', '.join(near)}?"
    else:
        hint = f"known providers: {', '.join(sorted(p.id for p in snap.providers))}"
    raise PaybackError(f"unknown API provider '{provider_part}' in '{ref}'; {hint} ({SEARCH_HINT})")


def _in_provider(provider: Provider, model_ref: str, *, fallback: bool = True) -> _Resolved | None:
    """The model of ``provider`` with this exact id, else the first its match clauses accept.

    The exact id comes first because some ids are not accepted by their own model's
    clauses (AWS ``regional.*``, Fireworks short ids); for every id that is, the two agree.
    With ``fallback``, a provider that resells others' models borrows their price.
    """
    snap = _snapshot()
    key = model_ref.lower()
    if not key:
        return None
    for model in provider.models:
        if model.id.lower() == key:
            return _Resolved(provider, model, provider)
    model_or_none = provider.find_model(key, all_providers=snap.providers if fallback else None)
    if model_or_none is None:
        return None
    return _Resolved(provider, model_or_none, snap.owner.get(id(model_or_none), provider))


def _resolve_bare(ref: str, model_ref: str) -> _Resolved | None:
    """A bare model id: genai-prices' own pick, else the only provider that prices it."""
    snap = _snapshot()
    picked = _genai_pick(snap.lookup, model_ref)
    if picked is not None:
        found = _in_provider(picked, model_ref)
        if found is not None:
            return found
    listed = [
        found
        for provider in snap.providers
        if (found := _in_provider(provider, model_ref, fallback=False)) is not None
    ]
    priced = [found for found in listed if _priced(found.model)]
    candidates = priced or listed
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    names = sorted(_ref_of(found) for found in candidates)
    shown = ", ".join(names[:_MAX_LISTED])
    more = f" and {len(names) - _MAX_LISTED} more" if len(names) > _MAX_LISTED else ""
    raise PaybackError(
        f"API model '{ref}' is ambiguous: {len(names)} providers list it ({shown}{more}); "
        "name one as provider:model"
    )


def _suggest(model_ref: str, provider: Provider | None) -> list[str]:
    """The references nearest a model id no provider (or ``provider``) lists."""
    if provider is not None:
        ids = {model.id: f"{provider.id}:{model.id}" for model in provider.models}
    else:
        ids = dict(_snapshot().preferred_ref)
    return [ids[match] for match in nearby(model_ref, ids)]


def _unknown_model(ref: str, suggestions: list[str]) -> str:
    if suggestions:
        return f"unknown API model '{ref}'; did you mean {', '.join(suggestions)}? ({SEARCH_HINT})"
    return f"unknown API model '{ref}'; no close match ({SEARCH_HINT})"


def _ref_of(found: _Resolved) -> str:
    return f"{found.provider.id}:{found.model.id}"


# --- pricing -----------------------------------------------------------------------------


def _price(found: _Resolved, day: dt.date, input_tokens: float | None) -> ApiPrice:
    ref = _ref_of(found)
    standard, moment, notes, next_change = _standard_prices(found.model, day)
    input_price, output_price = standard.input_mtok, standard.output_mtok
    if input_price is None or output_price is None:
        listed = str(standard) or "no prices at all"
        raise PaybackError(
            f"API model '{ref}' has no per-token input and output price in genai-prices "
            f"{GENAI_PRICES_VERSION} on {day} (it lists: {listed})"
        )
    cached_price = standard.cache_read_mtok
    tiered = [p for p in (input_price, output_price, cached_price) if isinstance(p, TieredPrices)]
    starts = tuple(sorted({tier.start for p in tiered for tier in p.tiers}))
    tier_note = _tier_note(starts, input_tokens, input_price, output_price)
    if tier_note:
        notes.append(tier_note)
    request_fee = standard.requests_kcount
    if request_fee is not None:
        notes.append(f"plus {_usd(request_fee)} per 1,000 requests, not in these token prices")
    if found.owner is not found.provider:
        notes.append(
            f"{found.provider.id} lists no price of its own for {found.model.id}; "
            f"genai-prices uses {found.owner.id}'s, without batch rates"
        )
        batch: float | None = None
        cached_batch: float | None = None
    else:
        batch, cached_batch, batch_note = _batch_discount(
            found.model, moment, standard, input_tokens
        )
        if batch_note:
            notes.append(batch_note)
    urls = found.owner.pricing_urls or []
    source = f"genai-prices {GENAI_PRICES_VERSION} snapshot (pydantic/genai-prices)"
    return ApiPrice(
        ref=ref,
        provider=found.provider.id,
        model=found.model.id,
        name=found.model.name,
        input_usd_per_mtok=float(_at_tier(input_price, input_tokens)),
        cached_input_usd_per_mtok=(
            None if cached_price is None else float(_at_tier(cached_price, input_tokens))
        ),
        output_usd_per_mtok=float(_at_tier(output_price, input_tokens)),
        batch_discount=batch,
        note="; ".join(notes) or None,
        source=f"{source}, {urls[0]}" if urls else source,
        checked=SNAPSHOT_CHECKED,
        cached_input_batch_discount=cached_batch,
        tier_starts=starts,
        undated=_undated(found.model),
        next_change=next_change,
    )


def _at_tier(price: _Price, input_tokens: float | None) -> Decimal:
    """The rate for a request of ``input_tokens`` input tokens (base tier when none)."""
    if not isinstance(price, TieredPrices):
        return price
    if input_tokens is not None:
        for tier in reversed(price.tiers):
            if input_tokens > tier.start:
                return tier.price
    return price.base


def _tier_note(
    starts: tuple[int, ...], input_tokens: float | None, input_price: _Price, output_price: _Price
) -> str | None:
    if not starts:
        return None
    head = "tiered by input tokens per request: "
    if input_tokens is None:
        above = "; ".join(
            f"above {start:,}: input {_usd(_at_tier(input_price, start + 1))}"
            f"/output {_usd(_at_tier(output_price, start + 1))}"
            for start in starts
        )
        return f"{head}base tier picked (input_tokens not given); {above} per Mtok"
    passed = [start for start in starts if input_tokens > start]
    if passed:
        return f"{head}tier above {passed[-1]:,} picked for {input_tokens:,.0f} input tokens"
    return f"{head}base tier picked for {input_tokens:,.0f} input tokens (tiers from {starts[0]:,})"


def _batch_variants(model: ModelInfo) -> list[PriceVariant]:
    return [
        variant
        for variant in model.price_variants or ()
        if all(BATCH_CONTEXT.get(key) == value for key, value in variant.when.items())
    ]


def _batch_discount(
    model: ModelInfo, moment: dt.datetime, standard: ModelPrice, input_tokens: float | None
) -> tuple[float | None, float | None, str | None]:
    """Share off the standard input and output rates for batch requests, share off the
    cache-read rate (none without a cache-read rate), and a note."""
    variants = _batch_variants(model)
    if not variants:
        return None, None, None
    if not any(v.constraint is None or v.constraint.active(moment) for v in variants):
        starts = sorted(
            v.constraint.start_date
            for v in variants
            if isinstance(v.constraint, StartDateConstraint)
        )
        since = f" from {starts[0]}" if starts else ""
        return None, None, f"batch rate given only{since}, not on {moment.date()}"
    batch = model.get_prices(moment, BATCH_CONTEXT)
    shares: list[Decimal] = []
    pairs = ((standard.input_mtok, batch.input_mtok), (standard.output_mtok, batch.output_mtok))
    for plain, discounted in pairs:
        off = _share_off(plain, discounted, input_tokens)
        if off is not None:
            shares.append(off)
    if not shares:
        return None, None, None
    share = float(round(min(shares), 6))
    cached = _share_off(standard.cache_read_mtok, batch.cache_read_mtok, input_tokens)
    cached_share = None if cached is None else float(round(cached, 6))
    if len(set(shares)) > 1:
        parts = " and ".join(f"{float(s):g}" for s in shares)
        return share, cached_share, f"batch takes {parts} off input and output; the smaller is used"
    return share, cached_share, None


def _share_off(
    plain: _Price | None, discounted: _Price | None, input_tokens: float | None
) -> Decimal | None:
    """1 − discounted / plain at the request's tier; none without both rates or at a free
    standard rate. ``get_prices`` fills a rate the batch variant does not list with the
    standard one, so an unlisted rate is 0 off."""
    if plain is None or discounted is None:
        return None
    rate = _at_tier(plain, input_tokens)
    if rate <= 0:
        return None
    return 1 - _at_tier(discounted, input_tokens) / rate


@lru_cache(maxsize=4)
def _all_prices(day: dt.date) -> tuple[ApiPrice, ...]:
    prices: list[ApiPrice] = []
    for provider in _snapshot().providers:
        for model in provider.models:
            if not _priced(model):
                continue
            try:
                prices.append(_price(_Resolved(provider, model, provider), day, None))
            except PaybackError:
                continue  # no token price on this day
    return tuple(sorted(prices, key=lambda p: (p.ref.casefold(), p.ref)))
