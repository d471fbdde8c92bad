"""payback: does fine-tuning and self-hosting a model pay back against a hosted LLM API?

The public API:

>>> from payback import quick_break_even
>>> quick_break_even(15, 2, 400).message
'Break even after ~30,769 requests'
"""

from payback.analysis.cashflows import Evaluation, evaluate, numeric_paths, value_at
from payback.analysis.resolve import Resolved, Source, resolve
from payback.analysis.result import AlternativeResult, Analysis, OptionResult, analyze, usd
from payback.catalog import Catalog, default_catalog, load_catalog
from payback.catalog.apis import ApiPrice, api_price, search_api_models
from payback.errors import PaybackError
from payback.finance.quick import QuickAnswer, quick_break_even
from payback.hardware.calibration import engine_for
from payback.hardware.estimate import ServingEstimate, estimate_serving
from payback.hardware.fine_tuning import TrainingEstimate, estimate_training
from payback.hardware.serving import VLLM, ServingEngine
from payback.measure.apply import (
    benchmark_gpus_per_replica,
    check_use,
    estimate_at_load,
    import_benchmark,
    serving_factors,
    training_scale,
)
from payback.measure.benchmarks import read_benchmark, read_benchmark_with_warnings
from payback.measure.calibrate import run_calibration
from payback.measure.calibration import Calibration, calibration_toml, load_calibration
from payback.measure.usage import UsageProfile, profile_usage, usage_sql
from payback.scenario import (
    Scenario,
    dump_scenario,
    load_scenario,
    parse_scenario,
    read_scenario_data,
    scenario_data_from_text,
    with_traffic,
    without_value_terms,
)
from payback.studies.recommend import Candidate, Recommendation, recommend
from payback.studies.solve import Solution, Target, parse_target, solve
from payback.studies.uncertainty import MonteCarlo, Sobol, monte_carlo, sobol, tornado

__version__ = "0.1.0"

__all__ = [
    "VLLM",
    "AlternativeResult",
    "Analysis",
    "ApiPrice",
    "Calibration",
    "Candidate",
    "Catalog",
    "Evaluation",
    "MonteCarlo",
    "OptionResult",
    "PaybackError",
    "QuickAnswer",
    "Recommendation",
    "Resolved",
    "Scenario",
    "ServingEngine",
    "ServingEstimate",
    "Sobol",
    "Solution",
    "Source",
    "Target",
    "TrainingEstimate",
    "UsageProfile",
    "__version__",
    "analyze",
    "api_price",
    "benchmark_gpus_per_replica",
    "calibration_toml",
    "check_use",
    "default_catalog",
    "dump_scenario",
    "engine_for",
    "estimate_at_load",
    "estimate_serving",
    "estimate_training",
    "evaluate",
    "import_benchmark",
    "load_calibration",
    "load_catalog",
    "load_scenario",
    "monte_carlo",
    "numeric_paths",
    "parse_scenario",
    "parse_target",
    "profile_usage",
    "quick_break_even",
    "read_benchmark",
    "read_benchmark_with_warnings",
    "read_scenario_data",
    "recommend",
    "resolve",
    "run_calibration",
    "scenario_data_from_text",
    "search_api_models",
    "serving_factors",
    "sobol",
    "solve",
    "tornado",
    "training_scale",
    "usage_sql",
    "usd",
    "value_at",
    "with_traffic",
    "without_value_terms",
]
