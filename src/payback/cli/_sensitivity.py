"""How ``payback sensitivity`` shows its answer, a scenario's and a portfolio's alike: each
alternative's tornado (:func:`_show_tornado`) or Sobol indices (:func:`_show_sobol`), as
tables or as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from payback.cli._common import _console, _print_json, _warn

if TYPE_CHECKING:
    from payback.studies.uncertainty import Driver, Sobol


def _show_tornado(
    names: list[str],
    central: list[float],
    ranked: list[list[Driver]],
    top: int | None,
    as_json: bool,
    *,
    horizon: int,
    portfolio: bool = False,
    replaced: bool = False,
    held: str | None = None,
) -> None:
    """Each alternative's drivers, most influential first, as JSON or one table each (a
    break-even past the ``horizon`` worded as such, not "never"; ``replaced``: --swing
    moved the inputs in place of the scenario's distributions; ``held``: the self-hosted
    capacity a token length leaves as it is, said after the ends past the fleet cap)."""
    from payback.studies.fleet_cap import tornado_cap_lines

    rows = list(zip(names, central, ranked, strict=True))
    # ends whose fleet passes the GPU cap, every driver's (those --top hides too), each
    # alternative named as a Monte Carlo's samples past the cap name it
    own = [name.removesuffix(" (portfolio)") if portfolio else name for name in names]
    labels = [f"alternatives.{i} ({name!r})" for i, name in enumerate(own)]
    warnings = [*tornado_cap_lines(labels, ranked), *([held] if held else [])]
    _warn(warnings)
    if as_json:
        alternatives: list[dict[str, Any]] = [
            {"name": name, "npv_usd": npv, "drivers": [d.to_dict() for d in drivers[:top]]}
            | _unmoved(drivers)
            for name, npv, drivers in rows
        ]
        _print_json(
            {
                "method": "tornado",
                **({"portfolio": True} if portfolio else {}),
                "alternatives": alternatives,
                "warnings": warnings,  # on stderr too, as Sobol's
            }
        )
        return
    from payback.money import fine_usd  # "NPV -$0.00041", never "$0.00"
    from payback.report import tornado_table

    for name, npv, drivers in rows:
        _console().print(
            tornado_table(
                drivers,
                top,
                title=f"{name}: NPV {fine_usd(npv)} with every input central; each input moved alone",
                horizon=horizon,
                replaced=replaced,
            )
        )


def _unmoved(drivers: list[Driver]) -> dict[str, Any]:
    """``narrowed_unmoved`` where an alternative's tornado left out inputs moved one way
    only (an end analyze refuses) because they move nothing there: each one's path and its
    ``narrowed``, as a driver's."""
    from dataclasses import asdict

    from payback.studies.accepted import narrowed_unmoved

    rows = [
        {"parameter": i.path, "narrowed": asdict(i.narrowed)}
        for i in narrowed_unmoved(drivers)
        if i.narrowed is not None
    ]
    return {"narrowed_unmoved": rows} if rows else {}


def _show_sobol(
    names: list[str],
    result: Sobol,
    top: int | None,
    as_json: bool,
    *,
    portfolio: bool = False,
    replaced: bool = False,
) -> None:
    """Each alternative's Sobol indices, as JSON or one table each."""
    rows = list(zip(names, result.alternatives, strict=True))
    _warn(result.warnings)
    if as_json:
        _print_json(
            {
                "method": "sobol",
                **({"portfolio": True} if portfolio else {}),
                "base_samples": result.base_samples,
                "seed": result.seed,
                "alternatives": [
                    {"name": name, "indices": [s.to_dict() for s in indices[:top]]}
                    for name, indices in rows
                ],
                "warnings": result.warnings,  # on stderr too, as analyze --json has them
            }
        )
        return
    from rich.text import Text

    from payback.report import sobol_table
    from payback.report.fit import Prose

    for name, indices in rows:
        _console().print(
            sobol_table(
                indices[:top],
                title=f"{name}: shares of the NPV's variance ({result.base_samples:,} base samples)",
                replaced=replaced,
            )
        )
    if any(indices[:top] for _, indices in rows):  # once, under the tables it explains
        _console().print(Prose(Text(SOBOL_COLUMNS, style="dim")))


SOBOL_COLUMNS = """Columns: first, the share of the NPV's variance an input explains alone; \
total, that share with its interactions with the other inputs added."""
