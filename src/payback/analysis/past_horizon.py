"""What an option's charges within the horizon leave past it: owned servers' book value
(cash or depreciation financing) and the servers in use past their depreciation, said as
one warning line an option (re-exported by :mod:`payback.analysis.resolve_self_hosted`)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from payback.analysis.lookups import Resolved
from payback.analysis.verdict import usd
from payback.errors import PaybackError
from payback.scenario import SelfHostedOption

__all__ = ["cash_past_horizon_line", "cash_past_horizon_warnings", "servers_past_depreciation"]


def cash_past_horizon_warnings(
    resolved: Resolved, paths: Collection[str] | None = None
) -> dict[str, str]:
    """Owned servers whose charge within the horizon is not what their months held cost:
    one line per owned option (by its path; only ``paths`` when given), from
    :func:`cash_past_horizon_line`, for the servers the cost engine sized
    (:attr:`~payback.analysis.cashflows.OptionCosts.servers`, at the scenario's central
    values). An evaluation that fails gives no line: evaluating says why."""
    scenario = resolved.scenario
    owned = {
        path: option
        for path, option in scenario.options()
        if isinstance(option, SelfHostedOption)
        and option.owned is not None
        and (paths is None or path in paths)
    }
    if not owned:
        return {}
    from payback.analysis.cashflows import evaluate

    try:
        ev = evaluate(resolved)
    except PaybackError:
        return {}
    costs = {"baseline": ev.baseline}
    costs |= {f"alternatives.{i}": alt.costs for i, alt in enumerate(ev.alternatives)}
    lines = {}
    for path, option in owned.items():
        servers = costs[path].servers
        if servers is None:  # pragma: no cover - an owned fleet always counts its servers
            continue
        who = f"{path} ({option.name!r})"
        line = cash_past_horizon_line(who, option, servers, baseline=path == "baseline")
        if line is not None:
            lines[path] = line
    return lines


def cash_past_horizon_line(
    who: str, option: SelfHostedOption, servers: Any, *, baseline: bool = False
) -> str | None:
    """The line for the owned ``servers`` in use each month (one value a month), or None
    when there is nothing to say.

    Cash: what is charged within the horizon and the straight-line book value left at its
    end (over ``depreciation_months``; no salvage is counted; ``baseline``: what you do
    today already owns its month-1 fleet), and that the servers in use past
    ``depreciation_months`` are not bought again. Depreciation: the share of the charge
    that pays for replacing the servers held past ``depreciation_months``
    (:func:`servers_past_depreciation` of the servers held, the most in use so far: a fleet
    that shrinks keeps its servers, and the charge goes on for each, as the cost engine's
    :func:`~payback.finance.costs.owned_server_cost` charges them), and the book value left
    at the horizon's last month with the horizon that would charge it all
    (:func:`_depreciated_book_value`)."""

    owned = option.owned
    assert owned is not None
    months = owned.depreciation_months
    if owned.financing == "depreciation":
        from payback.finance.costs import servers_held

        servers = servers_held(servers)
    past = servers_past_depreciation(servers, months)
    per_server_month = owned.usd_per_server / months
    used = [m + 1 for m, n in enumerate(past) if n > 0]
    span = f"month {used[0]}" if len(used) == 1 else f"months {used[0]}-{used[-1]}" if used else ""
    if owned.financing == "depreciation":
        return _depreciation_line(who, option, servers, past, span, baseline=baseline)
    parts = []
    left = _cash_book_value_line(option, servers, baseline=baseline)
    if left is not None:
        parts.append(left)
    if used:
        a_month = float(sum(past)) / len(used) * per_server_month
        parts.append(
            f"the servers in use past depreciation_months = {months} ({span}) are not bought "
            f"again: no replacement is counted (about {usd(a_month, 0)} a month at "
            "depreciation's rate)"
        )
    if not parts:
        return None
    return f"{who}: " + ("" if left is not None else 'financing = "cash": ') + "; ".join(parts)


def _depreciation_line(
    who: str,
    option: SelfHostedOption,
    servers: Any,
    past: list[float],
    span: str,
    *,
    baseline: bool = False,
) -> str | None:
    """Depreciation financing's line for the ``servers`` held each month: the share of the
    charge that pays for replacing those held past ``depreciation_months`` (``past``, in
    ``span``), and the book value left at the horizon's last month
    (:func:`_depreciated_book_value`)."""
    owned = option.owned
    assert owned is not None
    months = owned.depreciation_months
    per_server_month = owned.usd_per_server / months
    replaced = float(sum(past)) * per_server_month
    charged = float(sum(float(n) for n in servers)) * per_server_month
    book = _depreciated_book_value(servers, owned.usd_per_server, months, baseline=baseline)
    said: list[str] = []
    if replaced >= 0.5:
        said.append(
            f"{usd(replaced, 0)} of the {usd(charged, 0)} charged pays for replacing the "
            f"servers after depreciation_months = {months} ({span})"
        )
    if book is not None:
        book_left, until = book
        horizon = len(past)
        said.append(
            (
                ""
                if said
                else f"{usd(charged, 0)} of the servers' price is charged within the "
                f"{horizon}-month horizon, though "
            )
            + f"{usd(book_left, 0)} of book value is left at month {horizon} (straight line "
            f"over depreciation_months = {months}), counted neither as a cost nor as a "
            f"sale; a horizon of {until} months charges it all"
        )
    return f'{who}: financing = "depreciation": ' + "; ".join(said) if said else None


def servers_past_depreciation(servers: Any, depreciation_months: int) -> list[float]:
    """Of the owned ``servers`` in use each month, those bought more than
    ``depreciation_months`` months before (a server bought for month m is past its
    depreciation from month m + D on), when a fleet that shrinks retires its oldest
    servers first: max(0, servers_m − (most_m − most_{m−D})), with most_m the most servers
    in use up to month m (all bought by then; most_{≤0} = 0).

    >>> servers_past_depreciation([1.0, 1.0, 2.0, 2.0, 1.0], 2)
    [0.0, 0.0, 1.0, 1.0, 1.0]
    """
    import numpy as np

    from payback.finance.costs import servers_held

    s = np.asarray(servers, dtype=np.float64)
    most = servers_held(s)
    d = int(depreciation_months)
    before = np.concatenate([np.zeros(min(d, s.size)), most[: max(s.size - d, 0)]])
    past = np.maximum(s - (most - before), 0.0)
    return [float(n) if np.isfinite(n) else 0.0 for n in past]


def _cash_book_value_line(
    option: SelfHostedOption, servers: Any, *, baseline: bool = False
) -> str | None:
    """What cash charges within the horizon and the straight-line book value left at its
    end; None when nothing is left."""
    import numpy as np

    from payback.finance.costs import owned_book_value_left, servers_bought

    owned = option.owned
    assert owned is not None
    bought = np.array(servers_bought(np.asarray(servers, dtype=np.float64)))
    horizon = bought.shape[-1]
    if baseline:
        bought[0] = 0.0
    count = float(np.sum(bought))
    if not np.isfinite(count) or count <= 0:
        return None
    left = float(
        owned_book_value_left(
            bought,
            usd_per_server=owned.usd_per_server,
            depreciation_months=owned.depreciation_months,
        )
    )
    if left < 0.5:
        return None
    count_said = f"{count:,.0f} server{'' if count == 1 else 's'}"
    return (
        f'financing = "cash" charges all '
        f"{usd(count * owned.usd_per_server, 0)} of the {count_said} bought within the "
        f"{horizon}-month horizon, though {usd(left, 0)} of book value is left at month "
        f"{horizon} (straight line over depreciation_months = {owned.depreciation_months}); "
        'financing = "depreciation" charges only the months held'
    )


def _depreciated_book_value(
    servers: Any, usd_per_server: float, depreciation_months: int, *, baseline: bool = False
) -> tuple[float, int] | None:
    """Under depreciation financing, the straight-line book value left after the last
    month of the owned servers held then [USD], and the horizon whose charge would hold it
    all [months]; None when under $0.50 is left.

    Every server bought is held to the end (a fleet that shrinks keeps its servers, as the
    cost engine charges them, :func:`~payback.finance.costs.owned_server_cost`); one first
    bought for month m has been charged u = H − m + 1 months, replaced each
    ``depreciation_months`` D (as the charge goes on), so ceil(u / D) · D − u of its D
    months are left. ``baseline``: the month-1 fleet of what you do today is already
    owned, bought when the horizon does not say.

    >>> _depreciated_book_value([1.0] * 18, 250_000.0, 36)
    (125000.0, 36)
    >>> _depreciated_book_value([1.0, 2.0, 2.0, 1.0], 400.0, 4)  # the month-2 one is held
    (100.0, 5)
    >>> _depreciated_book_value([2.0, 1.0, 1.0], 36_000.0, 36)  # the idle one is held too
    (66000.0, 36)
    >>> _depreciated_book_value([1.0] * 6, 300.0, 3) is None  # replaced at month 4, all charged
    True
    """
    import math

    import numpy as np

    from payback.finance.costs import servers_bought

    bought = [float(n) for n in servers_bought(np.asarray(servers, dtype=np.float64))]
    horizon = len(bought)
    if baseline and bought:
        bought[0] = 0.0
    left, until = 0.0, horizon
    for month in range(horizon, 0, -1):
        take = bought[month - 1]
        if take <= 0 or not math.isfinite(take):
            continue
        served = horizon - month + 1
        months_left = math.ceil(served / depreciation_months) * depreciation_months - served
        left += take * usd_per_server * months_left / depreciation_months
        if months_left > 0:
            until = max(until, horizon + months_left)
    return (left, until) if left >= 0.5 else None
