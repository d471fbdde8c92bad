"""Resolve a ``hosted_api`` option: its token prices (and batch discount) from the catalog's
fine-tuned offers or genai-prices, unless the scenario gives them."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from payback.analysis.lookups import Lookups
from payback.errors import PaybackError
from payback.figures import listed
from payback.scenario import HostedApiOption

if TYPE_CHECKING:
    from payback.catalog.apis import ApiPrice

__all__ = ["resolve_hosted"]


def resolve_hosted(ctx: Lookups, path: str, option: HostedApiOption) -> HostedApiOption:
    """Prices of a hosted API option from the catalog's fine-tuned offers or genai-prices,
    where the scenario does not give them."""
    traffic = ctx.scenario.traffic
    prices: dict[str, float | None] = {}
    source, reference, checked, discount, cached_discount = "", None, None, None, None
    if option.fine_tuned is not None:
        offer = ctx.lookup(f"{path}.fine_tuned", ctx.catalog.finetune, option.fine_tuned)
        if offer.tuned_serving == "dedicated" and (
            option.input_usd_per_mtok is None or option.output_usd_per_mtok is None
        ):
            rate = (
                f" (${offer.dedicated_usd_per_gpu_hour:g}/GPU-h"
                + (f" on {offer.dedicated_gpu}" if offer.dedicated_gpu else "")
                + ")"
                if offer.dedicated_usd_per_gpu_hour
                else ""
            )
            raise PaybackError(
                f"{path}.fine_tuned = {offer.id!r}: {offer.provider} serves the tuned model on "
                f"a dedicated deployment billed per GPU-hour{rate}, not per token; model it as "
                f"a self_hosted alternative (gpu, usd_per_gpu_hour) with training.hosted = "
                f"{offer.id!r}, or give input_usd_per_mtok and output_usd_per_mtok (the base "
                "model's serverless rate where the provider serves the adapter that way)"
            )
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

        price = ctx.lookup(
            f"{path}.model",
            api_price,
            option.model,
            at=ctx.start,
            input_tokens=traffic.input_tokens,
        )
        prices = {
            "input_usd_per_mtok": price.input_usd_per_mtok,
            "cached_input_usd_per_mtok": price.cached_input_usd_per_mtok,
            "output_usd_per_mtok": price.output_usd_per_mtok,
        }
        note = _batch_notes_only_if_used(price.note, option)
        note = _tier_per_sample(note, "traffic.input_tokens" in ctx.scenario.distributions)
        earlier = price.undated and price.checked is not None and ctx.start < price.checked
        when = f"as listed when checked (undated: not known to hold on {ctx.start})"
        source = f"genai-prices: {price.ref} {when if earlier else f'on {ctx.start}'}" + (
            f" ({note})" if note else ""
        )
        reference, checked, discount = price.source, price.checked, price.batch_discount
        cached_discount = price.cached_input_batch_discount
        _priced_later(ctx, path, option, price)
        _changes_inside(ctx, path, option, price)
        if discount is None and option.batch_share > 0 and option.batch_discount is None:
            _batch_later(ctx, path, option.model, price.note)
    update: dict[str, Any] = {
        name: ctx.note(f"{path}.{name}", float(value), source, reference, checked)
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
    update.update(_batch(ctx, path, option, discount, cached_discount, source, reference, checked))
    return option.model_copy(update=update)


def _changes_inside(ctx: Lookups, path: str, option: HostedApiOption, price: ApiPrice) -> None:
    """Warn where genai-prices lists a change of the price the file leaves to it inside the
    horizon (``price.next_change``): every month is priced as on the start date (openai:o3
    at $10/$40 per Mtok for a scenario starting 2025-05-20, though it is $2/$8 from
    2025-06-10, a month-1 change)."""
    from payback.catalog.apis import api_price

    change = price.next_change
    left = [
        name
        for name in ("input_usd_per_mtok", "output_usd_per_mtok")
        if getattr(option, name) is None
    ]
    if change is None or not left or option.model is None or option.price_change_annual:
        return  # no change listed, the prices given, or a trend the file gives itself
    start, horizon = ctx.start, ctx.scenario.scenario.horizon_months
    elapsed = (change.year - start.year) * 12 + change.month - start.month
    month = elapsed - (change.day < start.day) + 1  # the month the change falls in
    if month > horizon:
        return
    later = api_price(option.model, at=change, input_tokens=ctx.scenario.traffic.input_tokens)
    moves = ", ".join(
        f"{name.split('_')[0]} ${getattr(price, name):g} → ${getattr(later, name):g}"
        for name in left
    )
    line = (
        f"{path}.model: {price.ref}'s listed price changes on {change}, in month {month} of "
        f"the {horizon}-month horizon ({moves} per Mtok); every month is priced as on "
        f"{start}, the start: give {path}.price_change_annual or the prices to follow it, "
        f"or a scenario.start_date from {change} on"
    )
    if line not in ctx.warnings:
        ctx.warnings.append(line)


def _priced_later(ctx: Lookups, path: str, option: HostedApiOption, price: ApiPrice) -> None:
    """Warn, once an option, where genai-prices lists one undated price, read over
    :data:`~payback.catalog.STALE_AFTER_DAYS` days after the scenario starts, and the file
    leaves a price to it: the price of the day it was read stands in for the start's.

    The stale rule's days, the other way round: a price read that many days before the
    analysis day still counts as today's, so one read that many days after the start
    counts as the start's; nearer, the words of its source say it alone."""
    from payback.catalog import STALE_AFTER_DAYS, is_stale

    if not price.undated or price.checked is None or not is_stale(ctx.start, price.checked):
        return
    taken = [
        name
        for name in ("input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok")
        if getattr(option, name) is None and getattr(price, name) is not None
    ]
    if not taken:
        return
    days = (price.checked - ctx.start).days
    fields = listed(taken)
    line = (  # one an option: each names the fields that option leaves to the price
        f"{price.ref} is priced as genai-prices lists it when checked ({price.checked}), with "
        f"no earlier price, for a scenario starting {ctx.start}, {days:,} days before (over "
        f"{STALE_AFTER_DAYS}): give {path}.{fields} for the prices then"
    )
    if line not in ctx.warnings:
        ctx.warnings.append(line)


def _batch_notes_only_if_used(note: str | None, option: HostedApiOption) -> str | None:
    """The snapshot's notes on a price, less those about its batch rate where no request
    goes through the batch API (``batch_share`` 0): they read as if the scenario used it.

    >>> from payback.scenario.schema import HostedApiOption
    >>> plain = HostedApiOption(name="a", kind="hosted_api", model="openai:gpt-4o")
    >>> _batch_notes_only_if_used("batch rate given only from 2026-10-14, not on 2023-01-01; "
    ...                           "base tier picked for 1,000 input tokens", plain)
    'base tier picked for 1,000 input tokens'
    """
    if note is None or option.batch_share > 0:
        return note
    kept = [part for part in note.split("; ") if not part.startswith("batch ")]
    return "; ".join(kept) or None


TIERED = "tiered by input tokens per request: "
"""How :func:`~payback.catalog.apis.api_price`'s note on a tiered price begins."""


def _tier_per_sample(note: str | None, sampled: bool) -> str | None:
    """The snapshot's notes on a price, where ``traffic.input_tokens`` is a distribution
    (``sampled``): the tier picked is the one at its central value, analyze's own figures'
    tier, and each sample is priced at its own (:mod:`payback.analysis.follow_tiers`).

    >>> note = _tier_per_sample("tiered by input tokens per request: base tier picked for "
    ...                         "200,000 input tokens (tiers from 200,000); plus $1 a call", True)
    >>> note.split("; ")[0].partition(": ")[2]
    'base tier picked for the central 200,000 input tokens (tiers from 200,000)'
    >>> note.split("; ")[1:]
    ['the tier follows input_tokens per sample', 'plus $1 a call']
    """
    if note is None or not sampled:
        return note
    parts = [
        f"{part.replace(' picked for ', ' picked for the central ', 1)}; the tier follows "
        "input_tokens per sample"
        if part.startswith(TIERED)
        else part
        for part in note.split("; ")
    ]
    return "; ".join(parts)


BATCH_LATER = re.compile(r"batch rate given only from (\d{4}-\d{2}-\d{2})")
"""The note :func:`~payback.catalog.apis.api_price` gives where the snapshot's batch rate
starts after the date asked about."""


def _batch_later(ctx: Lookups, path: str, model: str, note: str | None) -> None:
    """Where the snapshot knows a batch discount only from a date after the scenario's
    start, say so, the discount from then, and what to give; nothing otherwise."""
    from payback.catalog.apis import api_price

    found = BATCH_LATER.search(note or "")
    if found is None:
        return
    since = dt.date.fromisoformat(found.group(1))
    later = api_price(model, at=since, input_tokens=ctx.scenario.traffic.input_tokens)
    off = f" ({later.batch_discount:.0%} off)" if later.batch_discount is not None else ""
    raise PaybackError(
        f"{path}.batch_discount: required with batch_share > 0: {model}'s batch discount"
        f"{off} is known only from {since}, and the scenario starts {ctx.start}; give "
        f"batch_discount (0.5 is half price) or a scenario.start_date from {since} on"
    )


def _batch(
    ctx: Lookups,
    path: str,
    option: HostedApiOption,
    discount: float | None,
    cached_discount: float | None,
    *provenance: Any,
) -> dict[str, Any]:
    """With a batch share, the provider's discounts where the scenario gives none: off
    input and output (required), and off the cache read (typed-in prices: 0 off, the
    field's default)."""
    update: dict[str, Any] = {}
    if option.batch_share <= 0:
        return update
    if option.batch_discount is None:
        if discount is None:
            raise PaybackError(
                f"{path}.batch_discount: required with batch_share > 0 "
                f"(no batch discount is known for {option.model or option.fine_tuned or 'explicit prices'})"
            )
        update["batch_discount"] = ctx.note(f"{path}.batch_discount", discount, *provenance)
    if option.cached_input_batch_discount is None and cached_discount is not None:
        update["cached_input_batch_discount"] = ctx.note(
            f"{path}.cached_input_batch_discount", cached_discount, *provenance
        )
    return update
