"""Quality and latency, the terms that price something other than infrastructure: a
scenario without them (the pure infrastructure comparison), whether it has any, and the
warning when only some options give them."""

from __future__ import annotations

from payback.scenario.schema import Scenario

__all__ = [
    "VALUE_TERMS",
    "VALUE_TERMS_ADVICE",
    "has_value_terms",
    "value_term_warnings",
    "without_value_terms",
]

VALUE_TERMS = ("quality", "latency")
"""Option fields that put a price on something other than infrastructure."""


def without_value_terms(scenario: Scenario) -> Scenario:
    """The scenario with every option's ``quality`` and ``latency`` left out (and their
    distributions): the pure infrastructure comparison."""
    out = scenario.model_copy(deep=True)
    for _, option in out.options():
        for name in VALUE_TERMS:
            if getattr(option, name) is not None:
                setattr(option, name, None)
                option.model_fields_set.discard(name)
    out._distributions = {
        path: dist
        for path, dist in scenario.distributions.items()
        if not any(f".{name}." in path for name in VALUE_TERMS)
    }
    out.base_dir = scenario.base_dir
    return out


def has_value_terms(scenario: Scenario) -> bool:
    """Whether any option gives ``quality`` or ``latency``."""
    return any(
        getattr(option, name) is not None
        for _, option in scenario.options()
        for name in VALUE_TERMS
    )


VALUE_TERMS_ADVICE = "give every option"
"""Words every :func:`value_term_warnings` line holds (``--no-quality`` drops those lines)."""


def value_term_warnings(scenario: Scenario) -> list[str]:
    """A comparison where some options price quality (latency) and others do not: the
    requests those others answer themselves count as making no costly errors (no
    waiting), which flatters them. Requests an alternative escalates still carry the
    baseline's, when the baseline gives them."""
    out = []
    for name, what in (("quality", "no costly errors"), ("latency", "no waiting")):
        given = [path for path, option in scenario.options() if getattr(option, name) is not None]
        missing = [path for path, option in scenario.options() if getattr(option, name) is None]
        if given and missing:
            one = len(missing) == 1
            escalated = (
                f"; the requests {'it escalates' if one else 'they escalate'} to the baseline "
                f"carry the baseline's {name}"
                if "baseline" in given
                else ""
            )
            out.append(
                f"{', '.join(given)} give{'s' if len(given) == 1 else ''} {name} but "
                f"{', '.join(missing)} do{'es' if one else ''} not: the requests "
                f"{' and '.join(missing)} answer{'s' if one else ''} "
                f"{'itself' if one else 'themselves'} count as making {what}{escalated} "
                f"({VALUE_TERMS_ADVICE} {name}, or none)"
            )
    return out + _latency_value_warnings(scenario)


def _latency_value_warnings(scenario: Scenario) -> list[str]:
    """Options that value a second of waiting differently: the value belongs to the
    workload (its users' or agents' time), so a faster option valued higher can pay more
    for its waiting than a slower one does."""
    field = "usd_per_second_per_1k_requests"
    values = {
        path: (option.latency.usd_per_second_per_1k_requests, dist)
        for path, option in scenario.options()
        if option.latency is not None
        for dist in [scenario.distributions.get(f"{path}.latency.{field}")]
    }
    if len({repr(v) for v in values.values()}) < 2:
        return []
    given = ", ".join(
        f"{path} {value:g}" + (" (uncertain)" if dist is not None else "")
        for path, (value, dist) in values.items()
    )
    return [
        f"latency.{field} differs: {given}; a second of waiting is worth what it is to the "
        "workload whichever option answers, so a faster option valued higher can pay more "
        f"for waiting ({VALUE_TERMS_ADVICE} the same value)"
    ]
