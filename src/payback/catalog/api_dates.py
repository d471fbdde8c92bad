"""When a hosted API price applies: genai-prices' dated prices (a price change on a start
date), time-of-day prices, and whether the snapshot dates a price at all
(:func:`payback.catalog.apis.api_price` reads them here)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from genai_prices.types import (
    ModelInfo,
    ModelPrice,
    StartDateConstraint,
    TieredPrices,
    TimeOfDateConstraint,
)

_Price = Decimal | TieredPrices


def _standard_prices(
    model: ModelInfo, day: dt.date
) -> tuple[ModelPrice, dt.datetime, list[str], dt.date | None]:
    """The standard prices in effect on ``day``, a moment they apply at, notes, and the
    start date of the next dated price after ``day`` (none where no change is listed
    after it, or the prices go by time of day).

    Selection among dated prices is genai-prices' own (``ModelInfo.get_prices``); this
    only chooses the moment of the day to ask it about.
    """
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    if isinstance(model.prices, ModelPrice):
        return model.prices, noon, [], None
    entries = model.prices
    if not any(isinstance(c.constraint, TimeOfDateConstraint) for c in entries):
        chosen = model.get_prices(noon)
        later = _next_change(model, day)
        return chosen, noon, [_dated_note(model, day, chosen, later)], later
    # Time-of-day prices: weigh each price by the minutes of the day (UTC) it applies.
    bounds = {0.0, 1440.0}
    for entry in entries:
        if isinstance(entry.constraint, TimeOfDateConstraint):
            bounds.add(_utc_minute(entry.constraint.start_time))
            bounds.add(_utc_minute(entry.constraint.end_time))
    edges = sorted(bounds)
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
    minutes: dict[int, float] = {}
    moments: dict[int, dt.datetime] = {}
    for start, end in itertools.pairwise(edges):
        moment = midnight + dt.timedelta(minutes=(start + end) / 2)
        index = _entry_index(model, model.get_prices(moment))
        minutes[index] = minutes.get(index, 0.0) + (end - start)
        moments.setdefault(index, moment)
    best = max(minutes, key=lambda index: (minutes[index], index))
    chosen = entries[best].prices
    other_hours: dict[str, float] = {}
    for index in sorted(minutes):
        if index != best:
            rates = entries[index].prices
            key = f"input {_usd(rates.input_mtok)}/output {_usd(rates.output_mtok)}"
            other_hours[key] = other_hours.get(key, 0.0) + minutes[index] / 60
    others = "; ".join(f"{hours:g} h at {rates}" for rates, hours in other_hours.items())
    note = (
        f"time-of-day prices: picked the one for {minutes[best] / 60:g} of 24 h (UTC) on {day}"
        + (f"; other hours: {others} per Mtok" if others else "")
    )
    return chosen, moments[best], [note], None


def _entry_index(model: ModelInfo, chosen: ModelPrice) -> int:
    assert not isinstance(model.prices, ModelPrice)
    return next(i for i, entry in enumerate(model.prices) if entry.prices is chosen)


def _next_change(model: ModelInfo, day: dt.date) -> dt.date | None:
    """The first start date of a dated price after ``day``; none where none is listed."""
    assert not isinstance(model.prices, ModelPrice)
    starts = [
        c.constraint.start_date
        for c in model.prices
        if isinstance(c.constraint, StartDateConstraint)
    ]
    return min((start for start in starts if start > day), default=None)


def _dated_note(model: ModelInfo, day: dt.date, chosen: ModelPrice, later: dt.date | None) -> str:
    """Which dated price was picked for ``day``, and ``later``, the next change after it."""
    assert not isinstance(model.prices, ModelPrice)
    constraint = model.prices[_entry_index(model, chosen)].constraint
    if isinstance(constraint, StartDateConstraint):
        which = f"from {constraint.start_date}"
        if later is not None:
            which += f"; next change {later}"
    elif later is not None:
        which = f"before {later}"
    else:
        which = "undated"
    return f"dated prices: picked the one in effect on {day} ({which})"


def _utc_minute(moment: dt.time) -> float:
    """Minutes after midnight UTC of a time of day (a naive time is UTC, as in genai-prices)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    utc = dt.datetime.combine(dt.date(2000, 1, 1), aware).astimezone(dt.UTC)
    return (utc.hour * 60 + utc.minute + utc.second / 60) % 1440


def _usd(price: _Price | None) -> str:
    if price is None:
        return "-"
    value = price.base if isinstance(price, TieredPrices) else price
    return f"${float(value):g}"


def _undated(model: ModelInfo) -> bool:
    """Whether the snapshot dates none of the model's prices: one price (or prices by time
    of day only), as genai-prices lists it when read, with nothing said of the days
    before. A model with a price change on a start date has a dated price for every day:
    the one from that date, or the one in effect before it."""
    if isinstance(model.prices, ModelPrice):
        return True
    return not any(isinstance(c.constraint, StartDateConstraint) for c in model.prices)
