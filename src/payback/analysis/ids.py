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


def unknown_ids(
    table: Mapping[str, Any],
    base: Path | None = None,
    catalog: Callable[[], Catalog] | None = None,
) -> list[str]:
    """One line for each self-hosted option's ``model`` and ``gpu``, and each training job's
    (``one_time.training``), that the catalog does not know, named by its field as the
    resolution names it (``alternatives.0.gpu: unknown GPU 'l5'; did you mean l4? …``);
    a value that is not text is the schema's to refuse. ``base``: the folder a model's
    ``config.json`` path is read from; ``catalog``: gives the catalog (the packaged one by
    default), asked only where the table names an id."""
    named = _named_ids(table)
    if not named:
        return []
    if catalog is None:
        from payback.catalog import default_catalog

        catalog = default_catalog
    known = catalog()
    problems: list[str] = []
    for where, kind, value in named:
        try:
            known.model(value, base) if kind == "model" else known.gpu(value)
        except PaybackError as exc:
            problems += [f"{where}: {m}" for m in exc.messages]
    return problems


def _named_ids(table: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(field path, "model" or "gpu", id) of each id :func:`unknown_ids` checks."""
    alternatives = table.get("alternatives")
    options = [("baseline", table.get("baseline"))] + [
        (f"alternatives.{i}", alt)
        for i, alt in enumerate(alternatives if isinstance(alternatives, list) else [])
    ]
    named = []
    for path, option in options:
        if not isinstance(option, Mapping):
            continue
        one_time = option.get("one_time")
        training = one_time.get("training") if isinstance(one_time, Mapping) else None
        places = [(f"{path}.one_time.training", training)]
        if str(option.get("kind", "")).lower() == "self_hosted":
            places.insert(0, (path, option))
        for where, fields in places:
            if not isinstance(fields, Mapping):
                continue
            named += [
                (f"{where}.{kind}", kind, fields[kind])
                for kind in ("model", "gpu")
                if isinstance(fields.get(kind), str)
            ]
    return named
