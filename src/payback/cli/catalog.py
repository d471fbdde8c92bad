"""``payback catalog ...``: the GPUs, open models, API prices and hosted fine-tuning offers
the estimates and scenarios draw on."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from payback.cli._common import JsonFlag, _console, _print_json, user_errors

if TYPE_CHECKING:
    from rich.console import Group

    from payback.catalog import Gpu, GpuPrice
    from payback.catalog.apis import ApiPrice

app = typer.Typer(
    help="List the catalogs: GPUs, open models, API prices, hosted fine-tuning, serving engines.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

SearchOption = Annotated[
    str, typer.Option("--search", help="Show only entries whose id or name contains this text.")
]


def _today() -> dt.date:
    """The day prices are judged stale on (a function, so tests can fix it): the
    analysis day every stale mark uses."""
    from payback.catalog import analysis_day

    return analysis_day()


def _matches(text: str, *fields: str | None) -> bool:
    needle = text.lower()
    return any(needle in (f or "").lower() for f in fields)


def _none_found(what: str, search: str, ids: list[str]) -> None:
    """One line for a search that matched nothing, with the nearest ids, instead of an
    empty table."""
    from payback.catalog import near_ids

    near = near_ids(search, ids)
    _console().print(
        f"No {what} contains {search!r}"
        + (f"; did you mean {', '.join(near)}?" if near else f"; known: {', '.join(ids)}")
    )


@app.command("gpus")
@user_errors
def catalog_gpus(search: SearchOption = "", as_json: JsonFlag = False) -> None:
    """GPUs: memory, bandwidth, dense tensor peaks and hourly rents with their sources.

    Example: `payback catalog gpus --search h100`

    A scenario names one as `gpu = "h100-sxm"`.

    A price checked over 180 days ago is stale: it still counts in the typical rent's
    median and in the range of offers. Under the table, each GPU with stale offers says
    how many of its offers of each kind are (`on-demand 4 of 6`), with the words analyze
    gives its typical rent, which name them. `--json`: each price's `stale`; `stale_count`,
    the GPU's stale prices of every kind; in `typical_rent`, `stale_offers` (the stale
    offers the median was taken over) and `offers_stale_count` with `offers_stale` (the
    stale ones of the `offers_count` on-demand offers in all).
    """
    from payback.catalog import default_catalog

    gpus = [g for g in default_catalog().gpus.values() if _matches(search, g.id, g.name)]
    if as_json:
        _print_json([_gpu_json(g, _today()) for g in gpus])
    elif not gpus:
        _none_found("GPU's id or name", search, list(default_catalog().gpus))
    else:
        from payback.report import tables

        _console().print(tables.gpus_table(gpus, _today()))
        if market := _market_line(gpus):
            _console().print(market)
        if stale := _stale_offers(gpus, _today()):
            _console().print(stale)


def _market_line(gpus: list[Gpu]) -> str | None:
    """Under the table, where a row's rent is a marketplace's (``(market)``): that figure is
    not a typical rent analyze or estimate uses by default (they use none for that GPU);
    ``None`` when no row shows one."""
    from payback.catalog import gpu_rent, marketplace_only
    from payback.figures import listed

    ids = [g.id for g in gpus if gpu_rent(g) is None and marketplace_only(g)]
    if not ids:
        return None
    which = listed(ids)
    return (
        f"(market): only marketplaces (third-party hosts) rent {which} on demand; the rent "
        "shown is theirs, not a typical one and never a default: analyze and estimate use "
        f'none for {"it" if len(ids) == 1 else "them"} unless gpu_price = "marketplace" '
        "or usd_per_gpu_hour is given."
    )


_KINDS = ("on_demand", "spot", "reserved_1y", "reserved_3y", "serverless")
"""Pricing kinds in the order the list of stale offers gives them."""


def _stale_line(gpu: Gpu, today: dt.date) -> str | None:
    """What of ``gpu``'s offers is stale on ``today``, ``None`` when nothing: per pricing
    kind, how many of its offers, e.g. 'on-demand 4 of 6 stale; reserved-1y 1 of 1 stale
    (neocloud $2.35, checked 2026-04-02)'; the on-demand ones in the words of the typical
    rent (:meth:`payback.catalog.GpuRent.describe`, which names every stale one), the
    others named (:func:`payback.catalog.stale_words`)."""
    from payback.catalog import gpu_offers, gpu_rent, is_stale, stale_words

    parts, rent_words = [], None
    for kind in _KINDS:
        offers = gpu_offers(gpu, kind)
        stale = [o for o in offers if is_stale(o.checked, today)]
        if not stale:
            continue
        count = f"{kind.replace('_', '-')} {len(stale)} of {len(offers)} stale"
        rent = gpu_rent(gpu) if kind == "on_demand" else None
        if rent is not None:
            rent_words = rent.describe(today)
            parts.append(count)
        else:  # named: no typical rent's words say them (a marketplace's offer, a commitment)
            named = stale_words(stale).partition(": ")[2]
            parts.append(f"{count} ({named}{_offer_kinds(stale)})")
    if not parts:
        return None
    return "; ".join(parts) + (f". Typical rent: {rent_words}" if rent_words else "")


def _offer_kinds(stale: list[GpuPrice]) -> str:
    """Who rents the stale offers named, where not a GPU cloud (nor a serverless platform):
    ', a marketplace offer' after the one offer; after several, '; 1 hyperscaler offer and
    1 marketplace offer', or '; among them 1 marketplace offer' where GPU clouds' are too.
    The kinds go in alphabetical order: they went in a set's, which moved with
    PYTHONHASHSEED. '' when every one is a GPU cloud's."""
    from collections import Counter

    counts = Counter(o.provider_kind for o in stale)
    kinds = sorted(k for k in counts if k not in ("gpu_cloud", "serverless"))
    if not kinds:
        return ""
    if len(stale) == 1:
        return f", a {kinds[0]} offer"
    said = " and ".join(f"{counts[k]} {k} offer{'s' if counts[k] > 1 else ''}" for k in kinds)
    return f"; {'' if sum(counts[k] for k in kinds) == len(stale) else 'among them '}{said}"


def _stale_offers(gpus: list[Gpu], today: dt.date) -> Group | None:
    """Under the table: each GPU with offers stale on ``today``, how many of each kind
    (:func:`_stale_line`): they still count in its typical rent's median and its range.
    ``None`` when none is."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from payback.catalog import STALE_AFTER_DAYS

    lines = [(g.id, line) for g in gpus if (line := _stale_line(g, today)) is not None]
    if not lines:
        return None
    grid = Table.grid(padding=(0, 1))  # an id never cut, its text wrapping beside it
    grid.add_column(no_wrap=True)
    grid.add_column()
    for gpu_id, line in lines:
        grid.add_row(f"  {gpu_id}:", line)
    title = (
        f"Stale offers (checked over {STALE_AFTER_DAYS} days ago), by GPU and pricing kind; "
        "they still count in the typical rent's median and the range:"
    )
    return Group(Text(title), grid)


def _gpu_json(gpu: Gpu, today: dt.date) -> dict[str, Any]:
    """A GPU record as JSON with what the table shows beside it: each price's ``stale``
    flag (:func:`payback.catalog.is_stale`, the table's rule), ``stale_count`` (how many
    of its prices are stale, every kind) and ``typical_rent``, the on-demand rent analyze
    uses by default with the count and range of the offers and their stale ones
    (``stale_offers``, among those it was chosen from; ``offers_stale_count`` and
    ``offers_stale``, among all), judged on ``today``
    (:meth:`payback.catalog.GpuRent.to_dict`; ``null`` when only marketplaces rent it)."""
    from payback.catalog import gpu_rent, is_stale

    data = gpu.model_dump(mode="json")
    for price, record in zip(data["prices"], gpu.prices, strict=True):
        price["stale"] = is_stale(record.checked, today)
    data["stale_count"] = sum(price["stale"] for price in data["prices"])
    rent = gpu_rent(gpu)
    data["typical_rent"] = None if rent is None else rent.to_dict(today)
    return data


@app.command("models")
@user_errors
def catalog_models(search: SearchOption = "", as_json: JsonFlag = False) -> None:
    """Open models: parameters, layers, hidden size, attention heads and context.

    Example: `payback catalog models --search llama`

    A scenario names one as `model = "llama-3.1-8b"`.
    """
    from payback.catalog import default_catalog

    models = [
        m for m in default_catalog().models.values() if _matches(search, m.id, m.name, m.hf_repo)
    ]
    if as_json:
        _print_json([m.model_dump(mode="json") for m in models])
    elif not models:
        _none_found("open model's id, name or repository", search, list(default_catalog().models))
    else:
        from payback.report import tables

        _console().print(tables.models_table(models))
        days = sorted({m.checked for m in models})
        when = f"{days[0]}" if len(days) == 1 else f"{days[0]} to {days[-1]}"
        _console().print(
            f"Each shape's source (its config.json) and the day it was checked ({when}): --json."
        )


@app.command("apis")
@user_errors
def catalog_apis(search: SearchOption = "", as_json: JsonFlag = False) -> None:
    """Hosted API token prices, from the genai-prices snapshot shipped with payback. Without
    `--search`, one line per provider (`--json` still lists every model).

    Every price is `checked` on the day payback read the snapshot (it carries no date of
    its own) and is stale, as GPU and fine-tuning prices are, over 180 days later: said
    under the list, and in `--json` as each price's `stale`.

    Example: `payback catalog apis --search gpt-4.1`

    A scenario names one as `model = "openai:gpt-4.1"`."""
    import dataclasses

    from payback.catalog import is_stale
    from payback.catalog.apis import search_api_models, summarize_api_providers

    prices = search_api_models(search)
    if as_json:
        _print_json(
            [
                {
                    **dataclasses.asdict(p),
                    "checked": p.checked.isoformat() if p.checked else None,
                    "next_change": p.next_change.isoformat() if p.next_change else None,
                    "stale": p.checked is not None and is_stale(p.checked, _today()),
                }
                for p in prices
            ]
        )
        return
    from payback.report import tables

    console = _console()
    if search.strip():
        if prices:
            console.print(tables.apis_table(prices))
            if tiers := _tier_lines(prices):
                console.print(tiers)
            console.print(_snapshot_line(_today()))
        else:
            console.print(
                f"No API model's ref or name contains {search!r}; without --search, "
                "one line per provider"
            )
        return
    summary = summarize_api_providers(prices)
    console.print(tables.api_providers_table(summary))
    console.print(
        f"{len(prices):,} models from {len(summary)} providers. List a provider's or a "
        "model's prices with --search, e.g. `payback catalog apis --search anthropic:` or "
        '`--search gpt-4o`; analyze takes a ref as `model = "provider:model"`.'
    )
    console.print(_snapshot_line(_today()))


def _tier_lines(prices: list[ApiPrice]) -> Group | None:
    """Under the table, the listed prices tiered by a request's input tokens: each rate with
    the rate above each tier's start, e.g. 'google:gemini-2.5-pro: input 1.25 (2.5 above
    200,000 input tokens a request), ...'; the table shows the base tier's. ``None`` when
    none is tiered."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from payback.catalog.apis import api_price

    tiered = [p for p in prices if p.tier_starts]
    if not tiered:
        return None
    grid = Table.grid(padding=(0, 1))  # a ref never cut, its rates wrapping beside it
    grid.add_column(no_wrap=True)
    grid.add_column()
    for p in tiered:
        above = [(s, api_price(p.ref, input_tokens=s + 1)) for s in p.tier_starts]
        rates = []
        for name, field in (
            ("input", "input_usd_per_mtok"),
            ("cached input", "cached_input_usd_per_mtok"),
            ("output", "output_usd_per_mtok"),
        ):
            base = getattr(p, field)
            if base is None:
                continue
            more = [
                f"{getattr(q, field):g} above {s:,}" for s, q in above if getattr(q, field) != base
            ]
            rates.append(f"{name} {base:g}" + (f" ({'; '.join(more)})" if more else ""))
        grid.add_row(f"  {p.ref}:", ", ".join(rates))
    title = (
        "Tiered by a request's input tokens (the table gives the base tier; analyze prices "
        "each request at the tier of its traffic.input_tokens):"
    )
    return Group(Text(title), grid)


def _snapshot_line(today: dt.date) -> str:
    """The snapshot's version and the day payback read it, marked stale as a catalog's
    price is (:func:`payback.catalog.is_stale`) on ``today``."""
    from payback.catalog import STALE_AFTER_DAYS, is_stale
    from payback.catalog.apis import GENAI_PRICES_VERSION, SNAPSHOT_CHECKED

    line = f"Prices from the genai-prices {GENAI_PRICES_VERSION} snapshot"
    if SNAPSHOT_CHECKED is None:
        return f"{line}, undated."
    line += f", checked {SNAPSHOT_CHECKED}"
    if is_stale(SNAPSHOT_CHECKED, today):
        age = (today - SNAPSHOT_CHECKED).days
        return (
            f"{line} (stale, {age} days ago: over {STALE_AFTER_DAYS}); check a price on its "
            "provider's page before deciding."
        )
    return f"{line}."


@app.command("finetuning")
@user_errors
def catalog_finetuning(search: SearchOption = "", as_json: JsonFlag = False) -> None:
    """Hosted fine-tuning: price per million training tokens and the tuned model's prices.

    Example: `payback catalog finetuning --search openai`

    A scenario names one as `fine_tuned = "openai.gpt-4.1-mini"`.
    """
    from payback.catalog import default_catalog

    offers = [
        o
        for o in default_catalog().finetunes.values()
        if _matches(search, o.id, o.provider, o.base_model)
    ]
    if as_json:
        from payback.catalog import is_stale

        _print_json(
            [{**o.model_dump(mode="json"), "stale": is_stale(o.checked, _today())} for o in offers]
        )
    elif not offers:
        _none_found(
            "fine-tuning offer's id, provider or base model",
            search,
            list(default_catalog().finetunes),
        )
    else:
        from payback.report import tables

        _console().print(tables.finetunes_table(offers, _today()))


@app.command("engines")
@user_errors
def catalog_engines(search: SearchOption = "", as_json: JsonFlag = False) -> None:
    """Serving engines: what each costs a decode step, the shares of a GPU's peaks it
    reaches, its limits on sequences and tokens a step, the formats it serves.

    Example: `payback catalog engines --search nvidia`

    A self-hosted option names one as `engine = "sglang"` (vllm when left out);
    estimate serving's --engine takes the same names. A calibration file
    (`payback calibrate`) replaces these figures with the device's own.
    """
    import dataclasses

    from payback.hardware.engines import ENGINES

    engines = [e for e in ENGINES.values() if _matches(search, e.name, e.about)]
    if as_json:
        _print_json([dataclasses.asdict(e) for e in engines])
    elif not engines:
        _none_found("engine's name or description", search, list(ENGINES))
    else:
        from rich.console import Group
        from rich.text import Text

        from payback.report import tables

        about = Text("\n".join(f"{e.name}: {e.about}" for e in engines))
        _console().print(Group(tables.engines_table(engines), about))
