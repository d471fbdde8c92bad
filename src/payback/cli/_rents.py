"""What ``estimate`` says of a GPU the catalog has no default rent for."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payback.catalog import Gpu

__all__ = ["no_rent_text"]


def no_rent_text(gpu: Gpu, flag: str | None = None) -> str:
    """What the catalog has for a GPU with no default rent (a GPU cloud's or a
    hyperscaler's on-demand offer), and how to price at it: a marketplace's on-demand
    offers, a serverless platform's, or none (``flag``: the option that gives a rent).

    >>> from payback.catalog import default_catalog
    >>> print(no_rent_text(default_catalog().gpus["l40"], "--usd-per-gpu-hour"))
    none by default: the catalog has a marketplace's on-demand offer, runpod $0.69 (gpu_price = "marketplace" in a scenario pays it); give --usd-per-gpu-hour
    >>> print(no_rent_text(default_catalog().gpus["rtx-6000-ada"]))
    none by default: the catalog has a serverless platform's offer, runpod $1.91 (gpu_price = "serverless" in a scenario pays it)
    """
    from payback.catalog import gpu_offers, rent_text

    found = []
    for kind, price, words in (
        ("on_demand", "marketplace", "a marketplace's on-demand"),
        ("serverless", None, "a serverless platform's"),
    ):
        offers = gpu_offers(gpu, kind, price)
        if offers:
            rates = ", ".join(f"{o.provider} {rent_text(o.usd_per_gpu_hour)}" for o in offers)
            plural = "offer" if len(offers) == 1 else "offers"
            found.append(
                f'{words} {plural}, {rates} (gpu_price = "{price or kind}" in a scenario '
                f"pays {'it' if len(offers) == 1 else 'their median'})"
            )
    give = f"; give {flag}" if flag else ""
    if not found:
        return f"not in the catalog{give}"
    return f"none by default: the catalog has {' and '.join(found)}{give}"
