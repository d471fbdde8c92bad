"""The inputs table of a report, a scenario's (:func:`payback.report.common.inputs_table`)
and a portfolio's (:mod:`payback.report.portfolio_document`) alike: each number read, its
value, its range, where it came from and the reference behind it, a column with nothing in
it left out."""

from __future__ import annotations

from payback.report.common import input_value, range_text

__all__ = ["INPUTS_HEADER", "input_cells"]

INPUTS_HEADER = ["input", "value used", "range", "source", "reference"]


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
