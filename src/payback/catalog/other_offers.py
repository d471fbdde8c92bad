"""The offers the catalog has for a GPU with no default rent, and how a scenario chooses
them: a marketplace's on-demand offers (``gpu_price = "marketplace"``) and a serverless
platform's (``gpu_price = "serverless"``), those checked too long ago marked stale.
``estimate`` names them beside its figures (``payback.cli._rents``) and ``analyze`` in
its refusal (:meth:`payback.analysis.lookups.Lookups.gpu_price`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payback.catalog.records import Gpu

__all__ = ["other_offers"]

_KINDS = (
    ("on_demand", "marketplace", "a marketplace's on-demand"),
    ("serverless", "serverless", "a serverless platform's"),
)
"""Each kind of offer named: its pricing kind, the ``gpu_price`` that pays it, in words."""


def other_offers(
    gpu: Gpu, today: dt.date | None = None, pays: str = 'gpu_price = "{price}" pays {it}'
) -> list[str]:
    """Each kind of offer of :data:`_KINDS` the catalog has for ``gpu``, in words: its
    offers, those checked too long before ``today`` (the real date when ``None``) marked
    stale by :func:`~payback.catalog.is_stale`, and ``pays`` (``{price}``: the
    ``gpu_price`` that pays them; ``{it}``: 'it', or 'their median' of several).

    >>> from payback.catalog import default_catalog
    >>> gpus, today = default_catalog().gpus, dt.date(2026, 12, 7)
    >>> other_offers(gpus["rtx-6000-ada"], today)
    ['a serverless platform\\'s offer, runpod $1.908 (gpu_price = "serverless" pays it)']
    >>> other_offers(gpus["l40"], today, 'set gpu_price = "{price}" to pay {it}')
    ['a marketplace\\'s on-demand offer, runpod $0.69 (checked 2026-02-15: stale, 295 days ago; set gpu_price = "marketplace" to pay it)']
    """
    from payback.catalog import analysis_day, gpu_offers, is_stale, rent_text

    found = []
    for kind, price, words in _KINDS:
        offers = gpu_offers(gpu, kind, price if kind == "on_demand" else None)
        if not offers:
            continue
        rates = ", ".join(f"{o.provider} {rent_text(o.usd_per_gpu_hour)}" for o in offers)
        notes = [
            (f"{o.provider} " if len(offers) > 1 else "")
            + f"checked {o.checked}: stale, {((today or analysis_day()) - o.checked).days} days ago"
            for o in offers
            if is_stale(o.checked, today)
        ]
        notes.append(pays.format(price=price, it="it" if len(offers) == 1 else "their median"))
        plural = "offer" if len(offers) == 1 else "offers"
        found.append(f"{words} {plural}, {rates} ({'; '.join(notes)})")
    return found
