"""Whose rent a self-hosted alternative pays for its catalog GPU: the schema's
``gpu_price`` (the median of a kind of provider's offers: GPU clouds', hyperscalers',
marketplaces', serverless platforms') or ``gpu_provider`` (one provider's own offer), or
neither (the default: GPU clouds' median, else hyperscalers'). The page offers the choices
the catalog prices the GPU at (:func:`payback.catalog.gpu_offer` says which), sets the
same fields a file would, and says the rent the answer used, as ``payback analyze`` lists
it. A rent typed (the file's ``usd_per_gpu_hour``, in its box under the picker) wins over
any catalog price, as analyze uses it: the picker is then greyed out, and says so. No
Streamlit here but through the form, so it is testable."""

from __future__ import annotations

from typing import Any

from payback.catalog import PROVIDER_KINDS, Gpu, GpuRent, gpu_offer, gpu_rent, rent_text
from payback.errors import PaybackError
from payback.scenario.schema import COMMITMENT_KINDS
from payback.web.inputs import Form, start
from payback.web.words import markdown_literal

__all__ = [
    "RENT_FIELDS",
    "choice_of",
    "pricing_kind",
    "rent_choices",
    "rent_input",
    "rent_label",
    "typed_rent_wins",
]

RENT_FIELDS = ("gpu_price", "gpu_provider")
"""The fields the choice sets: one of them at most (the schema refuses both)."""
DEFAULT = ""
"""The choice of neither field: the catalog's default rent."""
_KIND_LABELS = {
    "gpu_cloud": "GPU clouds' median",
    "hyperscaler": "Hyperscalers' median",
    "marketplace": "Marketplaces' median",
    "serverless": "Serverless platforms' median",
}
"""A kind of provider's rent in the picker: short, so that its figure shows on a phone."""
HELP = (
    "Whose catalog price the GPU's rent is. A kind of provider's median offer (gpu_price "
    "in the file): GPU clouds (Lambda, RunPod, Nebius, CoreWeave…), hyperscalers (AWS, "
    "Azure, Google Cloud, Oracle), marketplaces (third-party hosts, no datacentre SLA) or "
    "serverless platforms (busy time billed by the second); or one provider's own offer "
    "(gpu_provider). The default is GPU clouds' median, else hyperscalers'."
)


def pricing_kind(price: str | None, commitment: str | None) -> str:
    """The catalog's price kind a rent is looked up at: serverless for ``gpu_price =
    "serverless"``, else the commitment's (on demand, reserved for 1 or 3 years).

    >>> (
    ...     pricing_kind(None, None),
    ...     pricing_kind("hyperscaler", "1y"),
    ...     pricing_kind("serverless", "none"),
    ... )
    ('on_demand', 'reserved_1y', 'serverless')
    """
    if price == "serverless":
        return "serverless"
    return COMMITMENT_KINDS.get(commitment or "none", "on_demand")


def _prices(gpu: Gpu, provider: str | None, kind: str, price: str | None) -> bool:
    """Whether the catalog has a rent for ``gpu`` so chosen (as analyze would find it)."""
    try:
        return gpu_offer(gpu, provider, kind, price) is not None
    except PaybackError:
        return False


def rent_choices(gpu: Gpu, commitment: str | None) -> list[str]:
    """What the rent of ``gpu`` can be taken from at the ``commitment``'s term: the default
    (:data:`DEFAULT`) where the catalog has one, each kind of provider with offers
    (``"gpu_price:hyperscaler"``), then each provider with one (``"gpu_provider:aws"``).

    >>> from payback.catalog import default_catalog
    >>> rent_choices(default_catalog().gpus["l40s"], "none")
    ['', 'gpu_price:gpu_cloud', 'gpu_price:serverless', 'gpu_provider:nebius', 'gpu_provider:runpod']

    A provider is offered at the term it prices: neocloud's H100 is reserved for a year
    only, and modal's serverless (``gpu_price:serverless`` pays it).

    >>> h100 = default_catalog().gpus["h100-sxm"]
    >>> [c for c in rent_choices(h100, "none") if c.endswith(("neocloud", "modal"))]
    []
    >>> rent_choices(h100, "1y")
    ['', 'gpu_price:gpu_cloud', 'gpu_provider:neocloud']
    """
    on_term = pricing_kind(None, commitment)
    found = [DEFAULT] if _prices(gpu, None, on_term, None) else []
    for price in PROVIDER_KINDS:
        if price == "serverless" and on_term != "on_demand":
            continue  # the schema refuses a serverless rent with a commitment
        if _prices(gpu, None, pricing_kind(price, commitment), price):
            found.append(f"gpu_price:{price}")
    providers = sorted({p.provider for p in gpu.prices})
    found += [f"gpu_provider:{p}" for p in providers if _prices(gpu, p, on_term, None)]
    return found


def choice_of(price: str | None, provider: str | None) -> str:
    """The choice a file's (or the page's) ``gpu_price`` and ``gpu_provider`` make.

    >>> choice_of(None, None), choice_of("hyperscaler", None), choice_of(None, "aws")
    ('', 'gpu_price:hyperscaler', 'gpu_provider:aws')
    """
    if provider is not None:
        return f"gpu_provider:{provider}"
    return f"gpu_price:{price}" if price is not None else DEFAULT


def rent_label(gpu: Gpu, choice: str, commitment: str | None) -> str:
    """A choice in its picker, with the catalog's rent for it where it has one, with every
    digit analyze shows (:func:`payback.catalog.rent_text`: $1.006, not $1.01).

    >>> from payback.catalog import default_catalog
    >>> l40s, a10g = default_catalog().gpus["l40s"], default_catalog().gpus["a10g"]
    >>> rent_label(l40s, "", "none"), rent_label(a10g, "", "none")
    ("Default: GPU clouds' median ($1.09 an hour)", "Default: hyperscalers' median ($1.006 an hour)")
    >>> (
    ...     rent_label(l40s, "gpu_provider:nebius", "none"),
    ...     rent_label(l40s, "gpu_price:serverless", "none"),
    ... )
    ('nebius ($1.55 an hour)', "Serverless platforms' median ($1.95 an hour)")
    """
    field, _, value = choice.partition(":")
    price = value if field == "gpu_price" else None
    provider = value if field == "gpu_provider" else None
    kind = pricing_kind(price, commitment)
    if field == "gpu_provider":
        words = value
    elif field == "gpu_price":
        words = _KIND_LABELS.get(value, value)
    else:
        rent = _default_rent(gpu, kind)
        median = _KIND_LABELS[rent.provider_kind] if rent is not None else "none"
        words = f"Default: {median if median.startswith('GPU') else median.lower()}"
    try:
        offer = gpu_offer(gpu, provider, kind, price)
    except PaybackError:
        offer = None
    return f"{words} ({rent_text(offer.usd_per_gpu_hour)} an hour)" if offer is not None else words


def _default_rent(gpu: Gpu, kind: str) -> GpuRent | None:
    try:
        return gpu_rent(gpu, kind)
    except PaybackError:
        return None


def rent_used(details: dict[str, Any] | None) -> str | None:
    """The rent the answer used, as ``payback analyze`` lists its source (whose offer, and
    what it is among the GPU's offers), or None where it used none from the catalog.

    >>> rent_used(
    ...     {
    ...         "usd_per_gpu_hour": 1.09,
    ...         "provider": "runpod",
    ...         "description": "lower middle of 2 offers",
    ...     }
    ... )
    'GPU rent in the answer: $1.09 per GPU-hour (runpod: the lower middle of 2 offers).'
    >>> rent_used(
    ...     {
    ...         "usd_per_gpu_hour": 1.55,
    ...         "provider": "nebius",
    ...         "description": "nebius's on-demand price",
    ...     }
    ... )
    "GPU rent in the answer: $1.55 per GPU-hour (nebius's on-demand price)."
    >>> rent_used({"usd_per_gpu_hour": 1.95, "provider": "modal", "description": "the only offer"})
    'GPU rent in the answer: $1.95 per GPU-hour (modal: the only offer).'
    >>> rent_used({"usd_per_gpu_hour": 0.8048, "provider": "aws", "description": ""})
    'GPU rent in the answer: $0.8048 per GPU-hour (aws).'
    """
    if not details or details.get("usd_per_gpu_hour") is None:
        return None
    provider, described = str(details.get("provider") or ""), str(details.get("description") or "")
    if provider and not described.startswith(provider):
        the = "" if described.startswith("the ") else "the "
        described = f"{provider}: {the}{described}" if described else provider
    tail = f" ({described})" if described else ""
    rent = rent_text(float(details["usd_per_gpu_hour"]))
    return f"GPU rent in the answer: {rent} per GPU-hour{tail}."


def typed_rent_wins(usd_per_gpu_hour: float) -> str:
    """What the picker says while a rent is typed: it is not used, and how to use it.

    >>> typed_rent_wins(2.0)
    'Not used: the GPU rent typed below, $2.00 per GPU-hour (usd_per_gpu_hour), wins over any catalog price. Empty its box to pay the rent chosen here.'
    """
    return (
        f"Not used: the GPU rent typed below, {rent_text(usd_per_gpu_hour)} per GPU-hour "
        "(usd_per_gpu_hour), wins over any catalog price. Empty its box to pay the rent "
        "chosen here."
    )


def rent_input(form: Form, a: str, gpu: Gpu | None, where: Any, said: Any) -> None:
    """The picker of whose rent alternative ``a`` pays for ``gpu`` (drawn in ``where``),
    setting ``gpu_price`` or ``gpu_provider`` as a file would, and under it (in ``said``)
    the rent the answer used. The file's choice is kept when the catalog does not price
    it (its error said). While a rent is typed (``usd_per_gpu_hour``, the file's or the
    page's) the choice moves nothing: the picker is greyed out, keeping the file's
    choice, and says the typed rent wins (it read as a choice the answer ignored)."""
    if gpu is None or form.value(f"{a}.owned") is not None:
        return  # a GPU the catalog does not know, or owned servers: no rent to choose
    typed = form.value(f"{a}.usd_per_gpu_hour")
    aside = form.held.set_aside
    held = {f: form.value(f"{a}.{f}") or aside.get(f"{a}.{f}") for f in RENT_FIELDS}
    current = choice_of(held["gpu_price"], held["gpu_provider"])
    commitment = form.value(f"{a}.commitment")
    choices = rent_choices(gpu, commitment)
    if current not in choices:
        choices.insert(0, current)
    start(f"in:{a}.rent", current)
    with where:
        chosen = str(
            form.ui.selectbox(
                "Rent from",
                choices,
                key=f"in:{a}.rent",
                format_func=lambda c: rent_label(gpu, str(c), commitment),
                help=HELP,
                disabled=typed is not None,
            )
        )
    field, _, value = chosen.partition(":")
    for name in RENT_FIELDS:
        form.set(f"{a}.{name}", value if field == name else None)
    if typed is not None:
        said.caption(markdown_literal(typed_rent_wins(float(typed))))
        return
    used = rent_used(form.estimates.get(f"{a}.usd_per_gpu_hour"))
    if used is not None:
        said.caption(markdown_literal(used))
