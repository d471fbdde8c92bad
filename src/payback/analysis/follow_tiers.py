"""Hosted API prices tiered by a request's input tokens follow the input tokens a study
moves, as analyze would pick the tier.

genai-prices tiers some models' rates by the request's input tokens: every token of a
request above a tier's start pays that tier's rate (google:gemini-2.5-pro: $1.25 in and
$10 out per million tokens up to 200,000 input tokens, $2.50 and $15 above;
:mod:`payback.catalog.apis`). Analyze picks the tier once, at the file's
``traffic.input_tokens`` (:mod:`payback.analysis.resolve_hosted`). Where a study moves
the input tokens (Monte Carlo, a tornado's ends, Sobol, solve),
:func:`following_tiers` adds to the engine's overrides each price the catalog gave
(:data:`~payback.scenario.followed.TIERED_PRICES`) at the tier of each sample's input
tokens: the tier index is the count of tier starts below the sample (strictly, as
genai-prices' rule), taken over every sample at once, and each tier's prices are those
analyze of the file resolves at a value in it, so a sample is priced as analyze of the
file at its value prices it. Only the tiers some sample falls in are resolved, once a
scenario (:data:`_KEPT` scenarios' worth kept), and one analyze refuses (a tier without a
batch rate where requests go through the batch API) is refused with its reason.

A price the scenario gives stays as it is. A swing of a catalog price itself given beside
the input tokens (a tornado's ±25% on it) scales each sample's tier price by its ratio to
the file's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.analysis.memo import Memo
from payback.errors import PaybackError
from payback.finance._types import FloatArray
from payback.scenario.followed import TIER_READS, TIERED_PRICES

if TYPE_CHECKING:
    from payback.analysis.resolve import Resolved

__all__ = ["TIERED_PRICES", "following_tiers", "tiered"]

_TOKENS = f"traffic.{TIER_READS[0]}"

_KEPT = 8
_kept: Memo[Any] = Memo(_KEPT)
"""Tier starts and each tier's prices, by the scenario they belong to (its id, kept alive)."""


def tiered(resolved: Resolved) -> dict[str, tuple[str, ...]]:
    """Each hosted API option whose catalog prices are tiered by a request's input tokens,
    with the names of its numbers the catalog gave (those of
    :data:`~payback.scenario.followed.TIERED_PRICES` it does not give itself)."""
    from payback.scenario import HostedApiOption

    out: dict[str, tuple[str, ...]] = {}
    for (path, option), (_, filled) in zip(
        resolved.original.options(), resolved.scenario.options(), strict=True
    ):
        if not isinstance(option, HostedApiOption) or option.model is None:
            continue
        if option.fine_tuned is not None:  # a fine-tuned offer's prices are not tiered
            continue
        names = tuple(  # not given, filled when resolved: the catalog's
            name
            for name in TIERED_PRICES
            if getattr(option, name) is None and getattr(filled, name) is not None
        )
        if names and _starts(resolved, path):
            out[path] = names
    return out


def following_tiers(resolved: Resolved, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``overrides`` with the catalog prices of each option of :func:`tiered` at the tier
    of each sample's ``traffic.input_tokens``, where they move it; a swing of such a price
    given beside them scales it by its ratio to the file's."""
    out = dict(overrides)
    if _TOKENS not in overrides:
        return out
    options = tiered(resolved)
    if not options:
        return out
    shape = np.broadcast_shapes(*(np.shape(v) for v in overrides.values()))
    tokens = _flat(overrides[_TOKENS], shape)
    for path, names in options.items():
        starts = _starts(resolved, path)
        tier = np.searchsorted(starts, tokens, side="left")  # starts below
        table = np.full((len(starts) + 1, len(names)), np.nan)
        for k in np.unique(tier):
            prices = _tier(resolved, path, int(k), float(tokens[np.argmax(tier == k)]))
            table[k] = [prices[name] for name in names]
        for j, name in enumerate(names):
            values = table[tier, j]
            given = overrides.get(f"{path}.{name}")
            if given is not None:  # a swing of the price itself: the sample's tier moved by it
                file = _file_value(resolved, f"{path}.{name}")
                values = values * _flat(given, shape) / file if file else _flat(given, shape)
            out[f"{path}.{name}"] = values.reshape(shape)
    return out


def _starts(resolved: Resolved, path: str) -> tuple[int, ...]:
    """The input tokens above which the option's catalog rates change, on the day analyze
    reads them."""
    from payback.analysis.follow import lookups_on_day
    from payback.catalog.apis import api_price
    from payback.scenario import value_at

    kept = _kept.of(resolved)
    key = ("starts", path)
    if key not in kept:
        model = value_at(resolved.original, f"{path}.model")
        day = lookups_on_day(resolved, resolved.original).start
        kept[key] = api_price(model, at=day).tier_starts
    starts: tuple[int, ...] = kept[key]
    return starts


def _tier(resolved: Resolved, path: str, k: int, tokens: float) -> dict[str, float]:
    """The option's catalog prices in its tier ``k`` (above ``k`` of its starts), as analyze
    of the file with ``traffic.input_tokens`` at ``tokens`` (a value in that tier) resolves
    them; a refusal raised, naming the value."""
    from payback.analysis.follow import lookups_on_day, reason_of, refused_there
    from payback.analysis.resolve_hosted import resolve_hosted
    from payback.scenario import value_at
    from payback.scenario.paths import with_value

    kept = _kept.of(resolved)
    key = ("tier", path, k)
    if key not in kept:
        scenario = with_value(resolved.original, _TOKENS, tokens)
        ctx = lookups_on_day(resolved, scenario)
        try:
            option = resolve_hosted(ctx, path, value_at(scenario, path))
        except PaybackError as exc:
            raise refused_there(
                f"{_TOKENS} = {tokens:,.6g}",
                reason_of(exc),
                f"the prices of {path} follow the tier of",
                "the prices (input_usd_per_mtok, output_usd_per_mtok)",
            ) from None
        # a number the catalog gave at the file's tier is given at every tier (the rates
        # of one price are tiered, not dropped); a cache read's batch discount of none is 0
        kept[key] = {name: float(getattr(option, name) or 0.0) for name in TIERED_PRICES}
    prices: dict[str, float] = kept[key]
    return prices


def _file_value(resolved: Resolved, path: str) -> float:
    """The file's value at ``path`` as resolved."""
    from payback.scenario import value_at

    return float(value_at(resolved.scenario, path) or 0.0)


def _flat(values: Any, shape: tuple[int, ...]) -> FloatArray:
    """``values`` broadcast to ``shape``, flat."""
    return np.broadcast_to(np.asarray(values, dtype=np.float64), shape).ravel()
