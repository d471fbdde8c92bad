"""payback: does fine-tuning and self-hosting a model pay back against a hosted LLM API?

The public API is these names; each is loaded on first use, so ``import payback`` is cheap.
The back-of-the-envelope answer, and the same question over months of cash flows:

>>> import payback
>>> payback.quick_break_even(15, 2, 400).message
'Break even after ~30,769 requests'
>>> payback.break_even(one_time_usd=400, monthly_savings_usd=[130, 130, 130, 130])
3.076923076923077
>>> round(payback.npv(one_time_usd=400, monthly_savings_usd=[130] * 4, discount_rate_annual=0.1), 2)
109.8

The subpackages hold the rest, by job: ``payback.finance`` (the cash-flow maths),
``payback.hardware`` (model shapes, serving and training estimators), ``payback.catalog``,
``payback.scenario``, ``payback.analysis``, ``payback.studies``, ``payback.measure``,
``payback.report``.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
"""typing.TYPE_CHECKING without importing typing (12 ms): ``import payback`` runs before
the command line's Ctrl-C handler, so it imports nothing (see payback.cli)."""

__version__ = "0.1.0"

_WHERE = {
    "PaybackError": "payback.errors",
    "Scenario": "payback.scenario.schema",
    "load_scenario": "payback.scenario.io",
    "analyze": "payback.analysis.result",
    "Analysis": "payback.analysis.result",
    "quick_break_even": "payback.finance.quick",
    "break_even": "payback.finance.plain",
    "npv": "payback.finance.plain",
    "solve": "payback.studies.solve",
    "monte_carlo": "payback.studies.uncertainty",
    "sensitivity": "payback.studies.uncertainty",
    "recommend": "payback.studies.recommend",
    "profile_usage": "payback.measure.usage",
    "estimate_serving": "payback.hardware.estimate",
    "estimate_training": "payback.hardware.fine_tuning",
}

__all__ = ["__version__", *sorted(_WHERE)]

_SUBPACKAGES = {
    "analysis", "catalog", "cli", "errors", "finance", "hardware", "measure", "report",
    "scenario", "studies", "web",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """Load a public name from its subpackage on first use (PEP 562)."""
    if name in _SUBPACKAGES:
        return importlib.import_module(f"payback.{name}")
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'payback' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


if TYPE_CHECKING:
    from typing import Any

    from payback.analysis.result import Analysis as Analysis
    from payback.analysis.result import analyze as analyze
    from payback.errors import PaybackError as PaybackError
    from payback.finance.plain import break_even as break_even
    from payback.finance.plain import npv as npv
    from payback.finance.quick import quick_break_even as quick_break_even
    from payback.hardware.estimate import estimate_serving as estimate_serving
    from payback.hardware.fine_tuning import estimate_training as estimate_training
    from payback.measure.usage import profile_usage as profile_usage
    from payback.scenario.io import load_scenario as load_scenario
    from payback.scenario.schema import Scenario as Scenario
    from payback.studies.recommend import recommend as recommend
    from payback.studies.solve import solve as solve
    from payback.studies.uncertainty import monte_carlo as monte_carlo
    from payback.studies.uncertainty import sensitivity as sensitivity
