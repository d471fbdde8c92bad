"""Every catalog id a scenario names that the catalog does not know, found in one pass:
a file with a mistyped model and a mistyped GPU said one, then (fixed) the other, then a
schema error hid both (tried as a new user would). Read from the raw table, so that the ids
of a file whose schema fails elsewhere are said with its schema errors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from payback.errors import PaybackError

if TYPE_CHECKING:
    from payback.catalog import Catalog


def unknown_ids(
    table: Mapping[str, Any], base: Path | None = None, catalog: Catalog | None = None
) -> list[str]:
    """One line for each self-hosted option's ``model`` and ``gpu``, and each training job's
    (``one_time.training``), that the catalog does not know, named by its field as the
    resolution names it (``alternatives.0.gpu: unknown GPU 'l5'; did you mean l4? …``);
    a value that is not text is the schema's to refuse. ``base``: the folder a model's
    ``config.json`` path is read from."""
    if catalog is None:
        from payback.catalog import default_catalog

        catalog = default_catalog()
    alternatives = table.get("alternatives")
    options = [("baseline", table.get("baseline"))] + [
        (f"alternatives.{i}", alt)
        for i, alt in enumerate(alternatives if isinstance(alternatives, list) else [])
    ]
    problems: list[str] = []
    for path, option in options:
        if not isinstance(option, Mapping):
            continue
        one_time = option.get("one_time")
        training = one_time.get("training") if isinstance(one_time, Mapping) else None
        places = [(f"{path}.one_time.training", training)]
        if str(option.get("kind", "")).lower() == "self_hosted":
            places.insert(0, (path, option))
        for where, fields in places:
            if isinstance(fields, Mapping):
                problems += _unknown(where, fields, base, catalog)
    return problems


def _unknown(
    path: str, fields: Mapping[str, Any], base: Path | None, catalog: Catalog
) -> list[str]:
    out = []
    for name, look in (("model", lambda v: catalog.model(v, base)), ("gpu", catalog.gpu)):
        value = fields.get(name)
        if not isinstance(value, str):
            continue
        try:
            look(value)
        except PaybackError as exc:
            out += [f"{path}.{name}: {m}" for m in exc.messages]
    return out
