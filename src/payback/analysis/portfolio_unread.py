"""The numbers of a portfolio's ``portfolio`` tables that nothing reads (an alternative
without a shared fleet sizes none): :func:`unread_serving`, which ``prepare`` warns of and
the studies leave unsampled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from payback.scenario import SelfHostedOption

if TYPE_CHECKING:
    from payback.analysis.portfolio_setup import Portfolio

__all__ = ["unread_serving"]

_FLEET_NUMBERS = ("coincidence_factor", "adapter_rank", "adapter_overhead", "adapter_decade_loss")
"""The numbers of a ``portfolio`` table that only a shared fleet of two or more workloads
reads (its size, its adapters' memory and throughput)."""


def unread_serving(p: Portfolio) -> dict[str, str]:
    """The ``portfolio`` numbers the file gives (a number or a distribution) that nothing
    reads, by path, each with its line: an alternative without a shared fleet (a hosted
    API's, whose ``fleet`` is not read either; ``fleet = "separate"``; one serving a single
    workload, whose adapter is merged into the weights) sizes none. ``prepare`` warns of
    each once, and the studies sample none of them (the tornado, as a plain number, never
    moved them)."""
    out: dict[str, str] = {}
    dists = p.scenario.distributions
    for i, alt in enumerate(p.scenario.alternatives):
        serving = alt.portfolio
        if serving is None or p.shares_fleet(i):
            continue
        names: tuple[str, ...] = _FLEET_NUMBERS
        if not isinstance(alt, SelfHostedOption):
            why, names = "a hosted option runs no fleet", ("fleet", *_FLEET_NUMBERS)
        elif serving.fleet == "separate":
            why = 'fleet = "separate": a fine-tuned model and fleet of its own per workload'
        else:
            one = p.names[p.served[i][0]]
            why = f"it serves one workload ({one!r}), its adapter merged into the weights"
            names = tuple(n for n in names if n != "adapter_rank")  # recommend checks memory
        for name in names:
            path = f"alternatives.{i}.portfolio.{name}"
            if path in dists:
                out[path] = (
                    f"{path} (a {dists[path].dist} distribution): not read, nor sampled: "
                    f"{alt.name!r} has no shared fleet ({why}); leave it out"
                )
            elif name in serving.model_fields_set:
                value = getattr(serving, name)
                shown = f'"{value}"' if isinstance(value, str) else f"{value:g}"
                out[path] = (
                    f"{path} = {shown}: not read: {alt.name!r} has no shared fleet ({why}); "
                    "leave it out"
                )
    return out
