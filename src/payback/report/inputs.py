"""The inputs table of a report, a scenario's (:func:`payback.report.common.inputs_table`)
and a portfolio's (:mod:`payback.report.portfolio_document`) alike: each number read, its
value, its range, where it came from and the reference behind it, a column with nothing in
it left out."""

from __future__ import annotations

from itertools import takewhile
from typing import TYPE_CHECKING

from payback.report.common import given_in_file, input_value, range_text
from payback.scenario import value_at

if TYPE_CHECKING:
    from payback.analysis.result import Analysis

__all__ = ["INPUTS_HEADER", "input_cells", "input_rows"]

INPUTS_HEADER = ["input", "value used", "range", "source", "reference"]


def input_rows(analysis: Analysis) -> list[dict[str, object]]:
    """Every number the engine uses: its value, where it came from (the scenario file, a
    default, a catalog, an estimate), the reference and date behind it, and its range; then
    every derived number behind one of them that ``analyze`` lists among its sources (a
    training run's GPU rent from the catalog, behind the training cost it prices), just
    before the number it went into: the one whose path shares the most of its own."""
    resolved = analysis.resolved
    rows: list[dict[str, object]] = []
    for path in analysis.input_paths:
        source = resolved.sources.get(path)
        dist = resolved.scenario.distributions.get(path)
        if source:
            origin = source.source
        else:
            origin = "scenario file" if given_in_file(resolved.original, path) else "default"
        rows.append(
            {
                "path": path,
                "value": float(value_at(resolved.scenario, path)),
                "source": origin,
                "reference": source.reference if source else None,
                "checked": source.checked.isoformat() if source and source.checked else None,
                "range": dist.model_dump() if dist else None,
            }
        )
    for path, source in resolved.sources.items():
        if any(row["path"] == path for row in rows):
            continue
        rows.insert(
            max(range(len(rows)), key=lambda i: _shared(path, str(rows[i]["path"])), default=0),
            {
                "path": path,
                "value": float(source.value),
                "source": source.source,
                "reference": source.reference,
                "checked": source.checked.isoformat() if source.checked else None,
                "range": None,
            },
        )
    return rows


def _shared(one: str, other: str) -> int:
    """How many leading characters two paths share."""
    return len(list(takewhile(lambda pair: pair[0] == pair[1], zip(one, other, strict=False))))


def input_cells(rows: list[dict[str, object]]) -> tuple[list[str], list[list[str]]]:
    """The header and the cells of the inputs table, from rows as
    :func:`~payback.report.common.input_rows` gives them (``path``, ``value``, ``range``,
    ``source``, ``reference``, ``checked``): the value in full (a fraction as a percentage),
    the reference and the date it was checked in one cell; the range and the reference
    columns left out when no row has one.

    >>> row = {"path": "traffic.growth_monthly", "value": 0.02, "range": None,
    ...        "source": "scenario file", "reference": None, "checked": None}
    >>> input_cells([row])
    (['input', 'value used', 'source'], [['traffic.growth_monthly', '2%', 'scenario file']])
    >>> input_cells([row | {"source": "catalog", "checked": "2026-05-18"}])[1]
    [['traffic.growth_monthly', '2%', 'catalog', 'checked 2026-05-18']]
    """
    cells = []
    for row in rows:
        path = str(row["path"])
        reference = str(row["reference"] or "")
        if row["checked"]:
            reference += ("; " if reference else "") + f"checked {row['checked']}"
        cells.append(
            [
                path,
                input_value(path, float(row["value"])),  # type: ignore[arg-type]
                range_text(path, row["range"]) if row["range"] else "",  # type: ignore[arg-type]
                str(row["source"]),
                reference,
            ]
        )
    keep = [i for i in range(len(INPUTS_HEADER)) if i in (0, 1, 3) or any(c[i] for c in cells)]
    return [INPUTS_HEADER[i] for i in keep], [[c[i] for i in keep] for c in cells]
