"""What ``estimate`` says of a GPU the catalog has no default rent for."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payback.catalog import Gpu

__all__ = ["no_rent_text"]


def no_rent_text(gpu: Gpu, flag: str | None = None, today: dt.date | None = None) -> str:
    """What the catalog has for a GPU with no default rent (a GPU cloud's or a
    hyperscaler's on-demand offer), and how to price at it: a marketplace's on-demand
    offers, a serverless platform's, or none (``flag``: the option that gives a rent). An
    offer checked too long before ``today`` (the real date when ``None``) is marked stale
    by :func:`~payback.catalog.is_stale`, as ``catalog gpus`` and ``analyze`` mark it.

    >>> import datetime as dt
    >>> from payback.catalog import default_catalog
    >>> gpus, today = default_catalog().gpus, dt.date(2026, 12, 7)
    >>> print(no_rent_text(gpus["l40"], "--usd-per-gpu-hour", today))
    none by default: the catalog has a marketplace's on-demand offer, runpod $0.69 (checked 2026-02-15: stale, 295 days ago; gpu_price = "marketplace" in a scenario pays it); give --usd-per-gpu-hour
    >>> print(no_rent_text(gpus["rtx-6000-ada"], today=today))
    none by default: the catalog has a serverless platform's offer, runpod $1.908 (gpu_price = "serverless" in a scenario pays it)
    """
    from payback.catalog.other_offers import other_offers

    found = other_offers(gpu, today, 'gpu_price = "{price}" in a scenario pays {it}')
    give = f"; give {flag}" if flag else ""
    if not found:
        return f"not in the catalog{give}"
    return f"none by default: the catalog has {' and '.join(found)}{give}"
