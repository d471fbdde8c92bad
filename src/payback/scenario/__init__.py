"""The scenario file: what it may say, reading and writing it, and changing it in place.

- :mod:`~payback.scenario.schema`: the pydantic models, strict so that a typo never
  silently changes an answer;
- :mod:`~payback.scenario.io`: TOML and YAML files to a :class:`Scenario` and back;
- :mod:`~payback.scenario.paths`: dotted paths (``alternatives.0.target_utilization``)
  to a field's value and allowed range;
- :mod:`~payback.scenario.messages`: each validation error as one line;
- :mod:`~payback.scenario.edit`: changes to a file's text that keep its comments;
- :mod:`~payback.scenario.distributions`: ranges a number may be given as.
"""

from payback.errors import PaybackError
from payback.scenario.comments import marked_values
from payback.scenario.edit import TRAFFIC_DIGITS, Edit, file_with_traffic, with_traffic
from payback.scenario.io import (
    dump_scenario,
    load_scenario,
    parse_scenario,
    read_scenario_data,
    read_scenario_text,
    scenario_data_from_text,
    scenario_format,
    scenario_text,
)
from payback.scenario.paths import FieldRange, field_range, value_at
from payback.scenario.schema import (
    COMMITMENT_KINDS,
    COMMITMENT_TERM_MONTHS,
    DEFAULT_TARGET_UTILIZATION,
    KINDS,
    HostedApiOption,
    Latency,
    OneTime,
    Option,
    OwnedHardware,
    PerRequestOption,
    Quality,
    Recurring,
    Scenario,
    ScenarioInfo,
    SelfHostedOption,
    Traffic,
    TrainingJob,
)
from payback.scenario.value_terms import (
    VALUE_TERMS,
    VALUE_TERMS_ADVICE,
    has_value_terms,
    value_term_warnings,
    without_value_terms,
)

__all__ = [
    "COMMITMENT_KINDS",
    "COMMITMENT_TERM_MONTHS",
    "DEFAULT_TARGET_UTILIZATION",
    "KINDS",
    "TRAFFIC_DIGITS",
    "VALUE_TERMS",
    "VALUE_TERMS_ADVICE",
    "Edit",
    "FieldRange",
    "HostedApiOption",
    "Latency",
    "OneTime",
    "Option",
    "OwnedHardware",
    "PaybackError",
    "PerRequestOption",
    "Quality",
    "Recurring",
    "Scenario",
    "ScenarioInfo",
    "SelfHostedOption",
    "Traffic",
    "TrainingJob",
    "dump_scenario",
    "field_range",
    "file_with_traffic",
    "has_value_terms",
    "load_scenario",
    "marked_values",
    "parse_scenario",
    "read_scenario_data",
    "read_scenario_text",
    "scenario_data_from_text",
    "scenario_format",
    "scenario_text",
    "value_at",
    "value_term_warnings",
    "with_traffic",
    "without_value_terms",
]
