"""Every catalog id a scenario names that the catalog does not know, found in one pass:
a file with a mistyped model and a mistyped GPU said one, then (fixed) the other, then a
schema error hid both (tried as a new user would). Read from the raw table, so that the ids
of a file whose schema fails elsewhere are said with its schema errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from payback.errors import PaybackError

if TYPE_CHECKING:
    from payback.catalog import Catalog

_OF_CATALOG = ("model", "gpu", "hosted", "gpu_provider")
"""The kinds of id :func:`unknown_ids` asks the catalog about (an API model is genai-prices')."""


def unknown_ids(
    table: Mapping[str, Any],
    base: Path | None = None,
    catalog: Callable[[], Catalog] | None = None,
) -> list[str]:
    """One line for each catalog id the table names that is not known, named by its field
    as the resolution names it (``alternatives.0.gpu: unknown GPU 'l5'; did you mean l4?
    …``): a self-hosted option's ``model``, each of its ``models`` (those ``recommend``
    chooses among, named ``alternatives.0.models`` as recommend names them), ``gpu`` and
    ``gpu_provider``; a hosted API's
    ``model`` (genai-prices') and ``fine_tuned`` offer; a training job's (``one_time.
    training``) ``model``, ``gpu``, ``gpu_provider`` and ``hosted`` offer; those of each
    workload's own baseline and training job (``workloads.0.baseline``). A provider is
    checked where its rent is looked up (no ``usd_per_gpu_hour`` given, nor owned servers),
    and only for a GPU the catalog knows; a value that is not text is the schema's to
    refuse. ``base``: the folder a model's ``config.json`` path is read from; ``catalog``:
    gives the catalog (the packaged one by default), asked only where the table names an
    id of it."""
    named = _named_ids(table)
    if not any(kind in _OF_CATALOG for _, kind, _, _ in named):
        return [m for where, kind, value, _ in named for m in _problems(where, kind, value)]
    if catalog is None:
        from payback.catalog import default_catalog

        catalog = default_catalog
    known = catalog()
    problems: list[str] = []
    for where, kind, value, gpu in named:
        problems += _problems(where, kind, value, known, base, gpu)
    return problems


def _problems(
    where: str,
    kind: str,
    value: str,
    known: Catalog | None = None,
    base: Path | None = None,
    gpu: str | None = None,
) -> list[str]:
    """The lines of one id: none where it is known (or its GPU is not, for a provider)."""
    try:
        if kind == "api":
            # the id only, as api_price resolves it: its price on a day is the resolution's
            from payback.catalog.apis import resolve_api_model

            resolve_api_model(value)
            return []
        assert known is not None
        if kind == "model":
            known.model(value, base)
        elif kind == "gpu":
            known.gpu(value)
        elif kind == "hosted":
            known.finetune(value)
        else:
            from payback.catalog import gpu_offer
            from payback.catalog.records import unknown_provider

            if (allowed := unknown_provider(known.gpus.values(), value)) is not None:
                return [f"{where} = {value!r}: {allowed}"]  # lists no GPU, not only this one
            assert gpu is not None
            try:
                card = known.gpu(gpu)
            except PaybackError:  # said as the GPU's own line
                return []
            gpu_offer(card, value)
    except PaybackError as exc:
        return [f"{where}: {m}" for m in exc.messages]
    return []


def _named_ids(table: Mapping[str, Any]) -> list[tuple[str, str, str, str | None]]:
    """(field path, kind, id, the GPU a provider is asked about) of each id
    :func:`unknown_ids` checks, in the order the file gives them; kind: "model", "gpu",
    "gpu_provider", "hosted" (a hosted fine-tuning offer) or "api" (a hosted API's model)."""
    alternatives, workloads = table.get("alternatives"), table.get("workloads")
    options = [("baseline", table.get("baseline"))] + [
        (f"alternatives.{i}", alt)
        for i, alt in enumerate(alternatives if isinstance(alternatives, list) else [])
    ]
    for j, workload in enumerate(workloads if isinstance(workloads, list) else []):
        if isinstance(workload, Mapping):  # its own baseline, and its one-time training job
            options += [
                (f"workloads.{j}.baseline", workload.get("baseline")),
                (f"workloads.{j}", {"one_time": workload.get("one_time")}),
            ]
    named: list[tuple[str, str, str, str | None]] = []
    for path, option in options:
        if not isinstance(option, Mapping):
            continue
        kind = str(option.get("kind", "")).lower()
        if kind == "self_hosted":
            rented = option.get("usd_per_gpu_hour") is None and option.get("owned") is None
            listed = option.get("models")  # the models recommend chooses among
            named += _of(path, option, {"model": "model"}, False)
            named += [
                (f"{path}.models", "model", name, None)
                for name in dict.fromkeys(listed if isinstance(listed, list) else [])
                if isinstance(name, str)
            ]
            named += _of(path, option, {"gpu": "gpu"}, rented)
        elif kind == "hosted_api":
            named += _of(path, option, {"model": "api", "fine_tuned": "hosted"}, False)
        one_time = option.get("one_time")
        one_time = one_time if isinstance(one_time, Mapping) else {}
        training = one_time.get("training")
        if isinstance(training, Mapping):
            # the rent is looked up for a job on GPUs whose cost is estimated
            given = (training.get("usd_per_gpu_hour"), training.get("hosted"))
            rented = given == (None, None) and one_time.get("training_usd") is None
            fields = {"model": "model", "gpu": "gpu", "hosted": "hosted"}
            named += _of(f"{path}.one_time.training", training, fields, rented)
    return named


def _of(
    where: str, fields: Mapping[str, Any], kinds: Mapping[str, str], rented: bool
) -> list[tuple[str, str, str, str | None]]:
    """The ids ``fields`` names, by field (``kinds``: the kind of id each holds), and its
    ``gpu_provider`` where the GPU's rent is looked up (``rented``)."""
    named: list[tuple[str, str, str, str | None]] = [
        (f"{where}.{field}", kind, fields[field], None)
        for field, kind in kinds.items()
        if isinstance(fields.get(field), str)
    ]
    gpu, provider = fields.get("gpu"), fields.get("gpu_provider")
    if rented and isinstance(gpu, str) and isinstance(provider, str):
        named.append((f"{where}.gpu_provider", "gpu_provider", provider, gpu))
    return named
