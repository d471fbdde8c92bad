"""The self-hosted capacity a study holds while it varies a token length.

A replica's capacity (``replica_requests_per_s``) is given or estimated once, at the
file's token lengths, when the scenario is resolved; the studies (the tornado, Monte
Carlo, Sobol, solve) move ``traffic.input_tokens``, ``traffic.output_tokens`` and
``traffic.cached_input_share`` through the engine, where only the per-token prices
follow them. :func:`capacity_held_line` says so, once a study, naming every self-hosted
option whose capacity stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payback.analysis.resolve import Resolved

__all__ = ["TOKEN_PATHS", "capacity_held_line"]

TOKEN_PATHS = ("traffic.input_tokens", "traffic.output_tokens", "traffic.cached_input_share")
"""The traffic inputs a replica's capacity depends on that the engine reads as prices only."""


def _listed(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _figure(value: float) -> str:
    """Four significant figures, thousands separated: 8.525, 1,234."""
    return f"{float(f'{value:.4g}'):,g}"


def capacity_held_line(
    resolved: Resolved, paths: Iterable[str], prefix: str = "", tokens: str = "file's"
) -> str | None:
    """One line where ``paths`` (the inputs a study varies) hold a token length of
    ``traffic`` and ``resolved`` has a self-hosted option whose capacity enters the cash
    flows; ``None`` otherwise. ``prefix`` names the options of a portfolio's workload
    (``workloads.1.``), ``tokens`` whose token lengths an estimate read."""
    from payback.scenario.schema import SelfHostedOption

    moved = set(paths)
    varied = [f"{prefix}{path}" for path in TOKEN_PATHS if f"{prefix}{path}" in moved]
    if not varied:
        return None
    written = dict(resolved.original.options())
    traffic = resolved.scenario.traffic
    lengths = f"{traffic.input_tokens:,g}/{traffic.output_tokens:,g} tokens"
    held = []
    for path, option in resolved.scenario.options():
        rps = getattr(option, "replica_requests_per_s", None)
        if not isinstance(option, SelfHostedOption) or rps is None:
            continue
        given = getattr(written.get(path), "replica_requests_per_s", None) is not None
        how = "as given" if given else f"estimated at the {tokens} {lengths}"
        held.append(
            f"{prefix}{path}'s capacity (replica_requests_per_s, {_figure(rps)} requests/s, {how})"
        )
    if not held:
        return None
    verb = "varies" if len(varied) == 1 else "vary"
    stays, it = ("stays as it is", "it") if len(held) == 1 else ("stay as they are", "them")
    return (
        f"{_listed(varied)} {verb} the per-token prices only: {_listed(held)} {stays}; run "
        f"analyze at other token lengths to see {it} move"
    )
