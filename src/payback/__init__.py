"""payback: does fine-tuning and self-hosting a model pay back against a hosted LLM API?

The public API:

>>> from payback import quick_break_even
>>> quick_break_even(15, 2, 400).message
'Break even after ~30,769 requests'
"""

from payback.analysis import AlternativeResult, Analysis, OptionResult, analyze
from payback.engine import Evaluation, evaluate, numeric_paths, value_at
from payback.quick import QuickAnswer, quick_break_even
from payback.scenario import (
    Scenario,
    ScenarioError,
    dump_scenario,
    load_scenario,
    parse_scenario,
    read_scenario_data,
)

__version__ = "0.1.0"

__all__ = [
    "AlternativeResult",
    "Analysis",
    "Evaluation",
    "OptionResult",
    "QuickAnswer",
    "Scenario",
    "ScenarioError",
    "__version__",
    "analyze",
    "dump_scenario",
    "evaluate",
    "load_scenario",
    "numeric_paths",
    "parse_scenario",
    "quick_break_even",
    "read_scenario_data",
    "value_at",
]
