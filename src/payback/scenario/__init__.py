"""The scenario file: pydantic models, loading and saving TOML and YAML.

The models are strict (unknown fields are errors, numbers must be finite and in
range, integers must be whole) so that a typo never silently changes an answer.
Field paths in messages are dotted, as in ``alternatives.0.target_utilization``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, TypeAlias, Union, get_args, get_origin

import tomlkit
import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from payback.errors import PaybackError
from payback.hardware.serving import Precision
from payback.hardware.training import Method, Stack, TrainingPrecision
from payback.scenario.distributions import DISTS, Distribution

__all__ = [
    "COMMITMENT_KINDS",
    "COMMITMENT_TERM_MONTHS",
    "KINDS",
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
    "dump_scenario",
    "has_value_terms",
    "load_scenario",
    "parse_scenario",
    "read_scenario_data",
    "scenario_data_from_text",
    "value_at",
    "value_term_warnings",
    "with_traffic",
    "without_value_terms",
]

DEFAULT_TARGET_UTILIZATION = 0.7
"""Default share of a replica's measured capacity the fleet plans to use at the peak
hour. The peak hour is already in ``peak_to_average``; the remaining 30% is headroom
for bursts inside that hour, a replica restarting, and keeping latency flat (queueing
delay grows fast above ~70-80% load)."""


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        use_attribute_docstrings=True,
        validate_assignment=True,
    )


def _whole(value: Any) -> Any:
    """2.0 is the whole number 2 (YAML and hand-edited TOML write it so); 2.5 stays an error."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, BeforeValidator(_whole)]
"""An integer count; a float with no fractional part is accepted."""

Usd = Annotated[float, Field(ge=0.0, le=1e12)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
PriceChange = Annotated[float, Field(gt=-1.0, le=1.0)]


class ScenarioInfo(_Model):
    """The ``[scenario]`` table."""

    name: str = Field(min_length=1)
    """A short title, shown on every output."""
    horizon_months: Whole = Field(ge=1, le=600)
    """Months the comparison runs for (1..600)."""
    discount_rate_annual: float = Field(0.0, ge=0.0, le=1.0)
    """Yearly discount rate for NPV, a fraction: 0.10 means 10%."""
    start_date: dt.date | None = None
    """Month 1 starts here; catalog prices are those in effect then (default: today)."""


class Traffic(_Model):
    """The ``[traffic]`` table: the workload every option serves."""

    requests_per_month: float = Field(gt=0.0, le=1e13)
    """Requests in month 1."""
    growth_monthly: float = Field(0.0, gt=-1.0, le=1.0)
    """Compound monthly growth of requests, a fraction: 0.05 means 5% a month."""
    input_tokens: float | None = Field(None, ge=0.0, le=1e7)
    """Mean input (prompt) tokens per request; required when a price is per token."""
    output_tokens: float | None = Field(None, ge=0.0, le=1e6)
    """Mean output (completion) tokens per request; required when a price is per token."""
    cached_input_share: Share = 0.0
    """Share of input tokens billed at the cached-input price (0..1)."""
    peak_to_average: float = Field(1.0, ge=1.0, le=730.0)
    """Requests in the busiest hour / requests in an average hour (1..730)."""


class TrainingJob(_Model):
    """A fine-tuning run to estimate instead of typing ``training_usd``: on rented GPUs
    (``model`` + ``gpu``) or as a hosted fine-tuning job (``hosted``)."""

    model: str | None = None
    """Open model id from the catalog (or a config.json path); needed with ``gpu`` and for
    size-banded hosted offers."""
    gpu: str | None = None
    """GPU id to train on (rented at the catalog's price unless ``usd_per_gpu_hour``)."""
    gpu_provider: str | None = None
    """Whose catalog price to pay for ``gpu`` (e.g. ``lambda``); default: the median offer."""
    hosted: str | None = None
    """Hosted fine-tuning offer id instead of own GPUs, e.g. ``openai.gpt-4o-mini``."""
    method: Method = "lora"
    """Full fine-tuning, LoRA, or QLoRA (4-bit base weights)."""
    precision: TrainingPrecision = "bf16"
    """Training precision on own GPUs."""
    stack: Stack = "standard"
    """standard: HF TRL/PEFT, torchtune, axolotl; optimized: NeMo/Megatron-class."""
    examples: float = Field(gt=0.0, le=1e10)
    """Training examples in the dataset."""
    tokens_per_example: float = Field(gt=0.0, le=1e7)
    """Mean tokens per example (prompt and answer)."""
    epochs: float = Field(3.0, gt=0.0, le=100.0)
    """Passes over the dataset (3 is a common default)."""
    usd_per_gpu_hour: float | None = Field(None, ge=0.0, le=1000.0)
    """GPU rent for the run [USD/h]; default: the catalog's typical price for ``gpu``."""
    calibration: str | None = None
    """A ``payback calibrate`` file (path relative to the scenario): its measured training
    throughput over the estimate's scales the utilization of ``method``."""

    @model_validator(mode="after")
    def _one_way(self) -> TrainingJob:
        if (self.gpu is None) == (self.hosted is None):
            raise ValueError(
                "give either gpu (train on rented GPUs) or hosted (a hosted job), not both"
            )
        if self.gpu is not None and self.model is None:
            raise ValueError("model is required with gpu")
        return self

    @property
    def tokens(self) -> float:
        """Tokens processed by one run: examples × tokens_per_example × epochs."""
        return self.examples * self.tokens_per_example * self.epochs


class OneTime(_Model):
    """One-time costs of an alternative, paid at t = 0."""

    data_usd: Usd = 0.0
    """Collecting, labeling and cleaning the training data [USD]."""
    engineer_hours: float = Field(0.0, ge=0.0, le=1e6)
    """Engineering time for the project [h]."""
    engineer_usd_per_hour: float = Field(0.0, ge=0.0, le=1e4)
    """Loaded cost of an engineering hour [USD/h]."""
    eval_usd: Usd = 0.0
    """Building the evaluation harness that proves the model works [USD]."""
    training_usd: Usd | None = None
    """Cost of one training run [USD]; estimated from ``training`` when not given, else 0."""
    training: TrainingJob | None = None
    """A training run to estimate (own GPUs or a hosted job) instead of ``training_usd``."""
    training_runs: Whole = Field(1, ge=0, le=10_000)
    """Training runs paid, sweeps and failed runs included."""


class Recurring(_Model):
    """Costs that come back on a schedule."""

    retrain_every_months: Whole = Field(0, ge=0, le=600)
    """Retrain in months k, 2k, 3k, …; 0: never."""
    retrain_usd: Usd = 0.0
    """Cost of one retraining (data refresh, runs, evals) [USD]."""


class Quality(_Model):
    """Quality as money: what this option's mistakes cost. An error is a request whose answer
    needs human rework, a refund or a retry; the rate comes from your own eval."""

    error_rate: Share
    """Share of the requests this option answers that are errors (0..1), from an eval."""
    usd_per_error: Usd
    """What one error costs: rework time, a refund, a retry [USD]."""


class Latency(_Model):
    """Latency as money: what waiting for this option's answers costs."""

    p50_ms: float = Field(ge=0.0, le=600_000.0)
    """Median time to a full answer [ms]."""
    usd_per_second_per_1k_requests: Usd
    """Value of one second of waiting across 1,000 requests [USD]; users' or agents' time,
    conversion lost: a faster option is credited the difference."""


class _OptionBase(_Model):
    name: str = Field(min_length=1)
    """What this option is, in a few words."""
    escalation_share: float = Field(0.0, ge=0.0, lt=1.0)
    """Share of requests still sent to the baseline (a cascade), paid at its price [0, 1)."""
    ops_usd_per_month: Usd = 0.0
    """Operations, monitoring and on-call share [USD/month]."""
    one_time: OneTime = Field(default_factory=OneTime)
    """One-time costs, paid at t = 0."""
    recurring: Recurring = Field(default_factory=Recurring)
    """Retraining and other scheduled costs."""
    quality: Quality | None = None
    """Error rate and cost of one error; monthly error cost = requests × error_rate ×
    usd_per_error. Without it the option's errors cost nothing in the comparison."""
    latency: Latency | None = None
    """Median latency and the value of a second; monthly cost = requests / 1000 × p50 [s]
    × usd_per_second_per_1k_requests. Without it latency costs nothing."""


class PerRequestOption(_OptionBase):
    """A fixed price per 1,000 requests (the seed's level of detail)."""

    kind: Literal["per_request"]
    usd_per_1k_requests: float = Field(ge=0.0, le=1e6)
    """Price of 1,000 requests [USD]."""
    price_change_annual: PriceChange = 0.0
    """Yearly price trend, a fraction: −0.3 means prices fall 30% a year."""


class HostedApiOption(_OptionBase):
    """A hosted API billed per token."""

    kind: Literal["hosted_api"]
    model: str | None = None
    """API model whose catalog prices apply, ``provider:model`` (e.g. ``openai:gpt-4o``)."""
    fine_tuned: str | None = None
    """Hosted fine-tuning offer whose tuned-model prices apply (e.g. ``openai.gpt-4o-mini``)."""
    input_usd_per_mtok: float | None = Field(None, ge=0.0, le=1e4)
    """Price of a million input tokens [USD]; from ``model`` when not given."""
    cached_input_usd_per_mtok: float | None = Field(None, ge=0.0, le=1e4)
    """Price of a million cached input tokens [USD]; default: the catalog's or the input price."""
    output_usd_per_mtok: float | None = Field(None, ge=0.0, le=1e4)
    """Price of a million output tokens [USD]; from ``model`` when not given."""
    batch_share: Share = 0.0
    """Share of requests sent through the provider's batch API (0..1)."""
    batch_discount: float | None = Field(None, ge=0.0, lt=1.0)
    """Share off for batch requests (0.5 = half price); default: the provider's."""
    price_change_annual: PriceChange = 0.0
    """Yearly price trend, a fraction: −0.3 means prices fall 30% a year."""

    @model_validator(mode="after")
    def _priced(self) -> HostedApiOption:
        if self.model is not None and self.fine_tuned is not None:
            raise ValueError("give model or fine_tuned, not both")
        if self.model is None and self.fine_tuned is None:
            missing = [
                f for f in ("input_usd_per_mtok", "output_usd_per_mtok") if getattr(self, f) is None
            ]
            if missing:
                raise ValueError(
                    f'{" and ".join(missing)} required unless model (e.g. "openai:gpt-4o") '
                    "or fine_tuned names catalog prices"
                )
        return self


Commitment = Literal["none", "1y", "3y"]
"""Rental terms: on-demand, or a 1- or 3-year committed-use / reserved price."""
COMMITMENT_KINDS = {"none": "on_demand", "1y": "reserved_1y", "3y": "reserved_3y"}
"""The catalog price kind of each commitment."""
COMMITMENT_TERM_MONTHS = {"none": 1, "1y": 12, "3y": 36}
"""Months a price is fixed for under each commitment (on demand: it follows the trend
month by month)."""


class OwnedHardware(_Model):
    """Servers you buy instead of renting GPUs: bought when first needed, then powered,
    cooled and racked every month they are in use."""

    usd_per_server: float = Field(ge=0.0, le=1e9)
    """Price of one server, GPUs included [USD]."""
    gpus_per_server: Whole = Field(ge=1, le=1024)
    """GPUs in one server. A replica does not span servers: servers needed =
    ceil(replicas / floor(gpus_per_server / gpus_per_replica))."""
    kw_per_server: float = Field(0.0, ge=0.0, le=1e4)
    """Power one server draws in service [kW]."""
    usd_per_kwh: float = Field(0.0, ge=0.0, le=100.0)
    """Price of electricity [USD/kWh]."""
    pue: float = Field(1.0, ge=1.0, le=5.0)
    """Power usage effectiveness: facility power / IT power (cooling, losses), ≥ 1."""
    colocation_usd_per_server_month: Usd = 0.0
    """Rack space, network and remote hands for one server [USD/month]."""
    depreciation_months: Whole = Field(36, ge=1, le=600)
    """Months over which a server's price is spread with ``financing = "depreciation"``."""
    financing: Literal["cash", "depreciation"] = "cash"
    """cash: pay each server when first needed (the initial fleet at t = 0, with the
    one-time cost); depreciation: usd_per_server / depreciation_months per server-month."""


class SelfHostedOption(_OptionBase):
    """A model served on GPUs you rent (or own, with ``owned``): GPUs, not tokens, cost money."""

    kind: Literal["self_hosted"]
    model: str | None = None
    """Open model served (catalog id or config.json path); with ``gpu``, capacity is estimated."""
    models: list[str] | None = Field(None, min_length=1, max_length=64)
    """Open models to compare in ``payback recommend`` (e.g. sizes of one family)."""
    gpu: str | None = None
    """GPU id from the catalog; gives ``usd_per_gpu_hour`` and, with ``model``, the capacity."""
    gpu_provider: str | None = None
    """Whose catalog price to pay for ``gpu`` (e.g. ``lambda``); default: the median on-demand offer."""
    precision: Precision = "bf16"
    """Serving precision of the weights."""
    tpot_ms: float | None = Field(None, gt=0.0, le=10_000.0)
    """Latency target: most milliseconds per output token; caps the batch."""
    ttft_ms: float | None = Field(None, gt=0.0, le=600_000.0)
    """Latency target: most milliseconds to the first token of a request on an unloaded
    replica; ``payback recommend`` leaves out configurations that miss it."""
    usd_per_gpu_hour: float | None = Field(None, ge=0.0, le=1000.0)
    """Rent of one GPU for one hour [USD]; default: the catalog's typical price for ``gpu``
    (at the ``commitment`` term)."""
    commitment: Commitment = "none"
    """Rental term: none (on-demand), 1y or 3y (committed-use / reserved price from the
    catalog, or the ``usd_per_gpu_hour`` given)."""
    gpu_price_change_annual: PriceChange = 0.0
    """Yearly trend of the GPU rent, a fraction. On demand, month m pays
    price · (1 + a)^((m − 1)/12). A committed price (1y, 3y) is fixed for its term and the
    commitment renewed at the trended price: month m pays
    price · (1 + a)^(floor((m − 1)/T) · T/12), T = 12 or 36 months."""
    owned: OwnedHardware | None = None
    """Buy servers instead of renting GPUs (``[alternatives.owned]``); rent is then unused."""
    gpus_per_replica: Whole | None = Field(None, ge=1, le=1024)
    """GPUs one serving replica uses (tensor parallel degree); default 1, or the estimate's."""
    replica_requests_per_s: float | None = Field(None, gt=0.0, le=1e6)
    """Requests per second one replica sustains at the scenario's token lengths;
    estimated from ``model``, ``gpu`` and ``precision`` when not given."""
    min_replicas: Whole = Field(1, ge=1, le=100_000)
    """Replicas kept running at any traffic (always-on fleets)."""
    target_utilization: float = Field(DEFAULT_TARGET_UTILIZATION, gt=0.0, le=1.0)
    """Share of a replica's capacity planned for at the peak hour (0, 1]."""
    always_on: bool = True
    """true: rent the fleet all month; false: pay busy GPU-hours only (scale to zero)."""
    calibration: str | None = None
    """A measurement instead of the estimate (path relative to the scenario): a
    ``payback import-benchmark`` or ``payback calibrate`` file, or a serving benchmark's
    result (vLLM ``--save-result``, GenAI-Perf, AIPerf JSON). A benchmark gives the
    capacity (scaled to the scenario's token lengths when ``model`` and ``gpu`` are
    given); a calibration gives the utilisation factors the estimate uses."""

    @model_validator(mode="after")
    def _sized(self) -> SelfHostedOption:
        problems = []
        # a model without a GPU is for `payback recommend` to choose one (analyze refuses it)
        to_choose = self.gpu is None and (self.model is not None or self.models is not None)
        if (
            self.replica_requests_per_s is None
            and self.calibration is None
            and (self.model is None or self.gpu is None)
            and not to_choose
        ):
            problems.append(
                "replica_requests_per_s is required unless model and gpu are given (it is then "
                "estimated) or a calibration measured it"
            )
        if (
            self.usd_per_gpu_hour is None
            and self.gpu is None
            and self.owned is None
            and not to_choose
        ):
            problems.append(
                "usd_per_gpu_hour is required unless gpu names a catalog GPU or owned hardware is given"
            )
        if self.owned is not None:
            if not self.always_on:
                problems.append(
                    "owned hardware runs all month: always_on must be true with [owned]"
                )
            if self.commitment != "none":
                problems.append(
                    f"commitment = {self.commitment!r}: a rental term, not used with owned hardware "
                    "(remove one of them)"
                )
            if self.gpu_price_change_annual != 0.0:
                problems.append(
                    "gpu_price_change_annual: a trend of the rent, not used with owned hardware "
                    "(remove one of them)"
                )
            if self.usd_per_gpu_hour is not None:
                problems.append(
                    "usd_per_gpu_hour: rent, not used with owned hardware (remove one of them)"
                )
            if (
                self.gpus_per_replica is not None
                and self.gpus_per_replica > self.owned.gpus_per_server
            ):
                problems.append(
                    f"gpus_per_replica = {self.gpus_per_replica}: a replica larger than a server "
                    f"(owned.gpus_per_server = {self.owned.gpus_per_server}); a replica runs "
                    "inside one server"
                )
        if self.commitment != "none" and not self.always_on:
            problems.append(
                f"commitment = {self.commitment!r}: a committed fleet is paid all month; "
                "it needs always_on = true"
            )
        if problems:
            raise ValueError("\n".join(problems))
        return self


Option: TypeAlias = Annotated[
    PerRequestOption | HostedApiOption | SelfHostedOption, Field(discriminator="kind")
]

KINDS: dict[str, type[_OptionBase]] = {
    "per_request": PerRequestOption,
    "hosted_api": HostedApiOption,
    "self_hosted": SelfHostedOption,
}
"""Option kinds by their ``kind`` value."""


class Scenario(_Model):
    """A whole scenario file: what you do today (baseline) against alternatives."""

    _base_dir: Path | None = PrivateAttr(default=None)
    _distributions: dict[str, Distribution] = PrivateAttr(default_factory=dict)

    scenario: ScenarioInfo
    """Name, horizon and discount rate."""
    traffic: Traffic
    """The workload."""
    baseline: Option
    """What you do today."""
    alternatives: list[Option] = Field(min_length=1)
    """What you could do instead; each is compared with the baseline."""

    @model_validator(mode="after")
    def _check_consistency(self) -> Scenario:
        problems: list[str] = []
        for path, option in self.options():
            needs_lengths = isinstance(option, HostedApiOption) or (
                isinstance(option, SelfHostedOption) and option.replica_requests_per_s is None
            )
            if needs_lengths:
                for field in ("input_tokens", "output_tokens"):
                    if getattr(self.traffic, field) is None:
                        problems.append(
                            f"traffic.{field}: is required because {path} "
                            f"({option.name!r}) "
                            + (
                                "is priced per token"
                                if isinstance(option, HostedApiOption)
                                else "is estimated from token lengths"
                            )
                        )
        if self.baseline.escalation_share != 0.0:
            problems.append(
                f"baseline.escalation_share = {self.baseline.escalation_share}: must be 0; "
                "escalation sends an alternative's requests back to the baseline"
            )
        if self.baseline.one_time != OneTime():  # includes a training job
            problems.append(
                "baseline.one_time: must be empty; the baseline is what you do today, "
                "one-time costs belong to an alternative"
            )
        if problems:
            raise ValueError("\n".join(dict.fromkeys(problems)))
        return self

    def __eq__(self, other: object) -> bool:
        """Equal content and distributions; the folder a scenario was read from does not count."""
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.model_dump() == other.model_dump() and self.distributions == other.distributions

    @property
    def distributions(self) -> dict[str, Distribution]:
        """Uncertain numbers by dotted path; the fields themselves hold the central values."""
        return self._distributions

    __hash__ = None  # type: ignore[assignment]

    @property
    def base_dir(self) -> Path | None:
        """The folder of the file the scenario was read from; relative paths start here."""
        return self._base_dir

    @base_dir.setter
    def base_dir(self, folder: Path | None) -> None:
        self._base_dir = folder

    def options(self) -> list[tuple[str, PerRequestOption | HostedApiOption | SelfHostedOption]]:
        """Every option with its path: ``baseline``, ``alternatives.0``, …"""
        return [("baseline", self.baseline)] + [
            (f"alternatives.{i}", alt) for i, alt in enumerate(self.alternatives)
        ]


# ---------------------------------------------------------------- reading and writing


class _YamlLoader(yaml.SafeLoader):
    """Safe YAML loader with YAML 1.2 numbers: ``1e6`` is a number, ``010`` is ten (not
    octal eight) and ``1:30`` is text (not sexagesimal ninety)."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?[0-9]+$|^0x[0-9a-fA-F]+$|^0o[0-7]+$"),
    list("-+0123456789"),
)
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def _yaml_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node)).replace("_", "")
    if text.startswith(("0x", "0o")):
        return int(text, 0)
    return int(text, 10)


_YamlLoader.add_constructor("tag:yaml.org,2002:int", _yaml_int)


def _format_of(path: Path) -> Literal["toml", "yaml"]:
    return "yaml" if path.suffix.lower() in {".yaml", ".yml"} else "toml"


def read_scenario_data(path: str | Path) -> dict[str, Any]:
    """The raw table in a TOML or YAML file (by extension; TOML otherwise).

    Raises :class:`PaybackError` with one line for a missing, unreadable or malformed file.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")  # a byte-order mark (Notepad) is not content
    except FileNotFoundError:
        raise PaybackError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise PaybackError(f"{p}: is a directory, expected a scenario file") from None
    except UnicodeDecodeError:
        raise PaybackError(f"{p}: not a text file (expected UTF-8 TOML or YAML)") from None
    except OSError as exc:
        raise PaybackError(f"{p}: cannot read: {exc.strerror}") from None
    return scenario_data_from_text(text, _format_of(p), str(p))


def scenario_data_from_text(
    text: str, fmt: Literal["toml", "yaml"], source: str = "scenario"
) -> dict[str, Any]:
    """The raw table in TOML or YAML text (an upload, a file's contents)."""
    if fmt == "yaml":
        try:
            data = yaml.load(text, Loader=_YamlLoader)  # a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise PaybackError(f"{source}: not valid YAML{where}: {problem}") from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PaybackError(f"{source}: not valid TOML: {exc}") from None
    if not isinstance(data, dict):
        raise PaybackError(f"{source}: expected a table of sections ([scenario], [traffic], …)")
    return data


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file. Raises :class:`PaybackError`.

    Paths inside it (a model's ``config.json``) are read relative to the file's folder.
    """
    scenario = parse_scenario(read_scenario_data(path), source=str(path))
    scenario.base_dir = Path(path).resolve().parent
    return scenario


def value_at(scenario: BaseModel, path: str) -> Any:
    """The value at a dotted path of the scenario, e.g. ``alternatives.0.usd_per_gpu_hour``.

    Raises :class:`PaybackError` when the path names nothing.
    """
    node: Any = scenario
    for part in path.split("."):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise PaybackError(f"{path}: no such field ({part!r} is not an index)")
            node = node[int(part)]
        elif isinstance(node, BaseModel) and part in type(node).model_fields:
            node = getattr(node, part)
        else:
            raise PaybackError(f"{path}: no such field in the scenario")
    return node


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
    return out


@dataclass(frozen=True)
class FieldRange:
    """What a numeric field allows."""

    lowest: float
    highest: float
    lowest_included: bool
    highest_included: bool
    is_real: bool
    """Any number (not a whole-number count, a flag or text)."""

    def describe_low(self) -> str:
        return f"{'≥' if self.lowest_included else '>'} {self.lowest:g}"

    def describe_high(self) -> str:
        return f"{'≤' if self.highest_included else '<'} {self.highest:g}"


def _annotation_parts(annotation: Any) -> tuple[list[Any], list[Any]]:
    """The types a field's annotation allows (``None`` left out) and the constraints on
    them: unions are flattened and ``Annotated[...]`` members give their metadata, so
    ``Usd | None`` reads as a float between 0 and 10¹²."""
    if annotation is type(None):
        return [], []
    origin = get_origin(annotation)
    if origin is Annotated:
        types, rules = _annotation_parts(annotation.__origin__)
        return types, [*annotation.__metadata__, *rules]
    if origin is Union or origin is UnionType:
        types, rules = [], []
        for member in get_args(annotation):
            more_types, more_rules = _annotation_parts(member)
            types += more_types
            rules += more_rules
        return types, rules
    return [origin or annotation], []


def _constraints(rules: Sequence[Any]) -> list[Any]:
    """Each rule, with a pydantic ``Field(...)``'s own constraints spread out."""
    out = []
    for rule in rules:
        out.append(rule)
        out.extend(_constraints(getattr(rule, "metadata", None) or []))
    return out


def field_range(scenario: Scenario, path: str) -> FieldRange:
    """The allowed range of the field at a dotted path, from its schema constraints."""
    parent_path, _, name = path.rpartition(".")
    parent = value_at(scenario, parent_path) if parent_path else scenario
    info = type(parent).model_fields[name]
    types, rules = _annotation_parts(info.annotation)
    bounds: dict[str, float | None] = {"ge": None, "gt": None, "le": None, "lt": None}
    for rule in _constraints([*info.metadata, *rules]):
        for attr in bounds:
            if isinstance(getattr(rule, attr, None), int | float):
                bounds[attr] = float(getattr(rule, attr))
    low = bounds["ge"] if bounds["ge"] is not None else bounds["gt"]
    high = bounds["le"] if bounds["le"] is not None else bounds["lt"]
    # a replica runs inside one owned server
    owned = getattr(parent, "owned", None)
    if name == "gpus_per_replica" and owned is not None:
        high = min(high if high is not None else math.inf, float(owned.gpus_per_server))
    if name == "gpus_per_server" and parent_path.endswith(".owned"):
        option = value_at(scenario, parent_path.rpartition(".")[0])
        if option.gpus_per_replica is not None:
            low = max(low if low is not None else -math.inf, float(option.gpus_per_replica))
    return FieldRange(
        lowest=-math.inf if low is None else low,
        highest=math.inf if high is None else high,
        lowest_included=bounds["gt"] is None,
        highest_included=bounds["lt"] is None,
        is_real=float in types and not any(t in (int, bool, str) for t in types),
    )


_DIST_ADAPTER: TypeAdapter[Distribution] = TypeAdapter(Distribution)
_RANGE_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}
_HOLDS = {
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "string_type": "text",
    "literal_error": "one of a few names",
    "union_tag_invalid": "a kind name",
    "date_type": "a date",
    "date_from_datetime_parsing": "a date",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "dict_type": "a table",
}


_NOT_REAL = "a distribution needs a field that holds any number; this one holds a whole-number count, a flag or text"


def _take_distributions(
    node: Any, prefix: str, found: dict[str, Distribution | None], problems: list[str]
) -> Any:
    """A copy of the raw table with every ``{dist = ...}`` table replaced by its central
    value; a table that is not a valid distribution is recorded as ``None``."""
    if isinstance(node, dict):
        if "dist" in node:
            path = prefix[:-1]
            try:
                dist = _DIST_ADAPTER.validate_python(node)
            except ValidationError as exc:
                problems.extend(_explain_distribution(path, node, exc))
                found[path] = None
                return 1.0  # a placeholder number, so that only the distribution is reported
            found[path] = dist
            return dist.central()
        return {
            k: _take_distributions(v, f"{prefix}{k}.", found, problems) for k, v in node.items()
        }
    if isinstance(node, list):
        return [
            _take_distributions(v, f"{prefix}{i}.", found, problems) for i, v in enumerate(node)
        ]
    return node


def _explain_distribution(path: str, raw: Mapping[str, Any], exc: ValidationError) -> list[str]:
    kind = raw.get("dist")
    lines = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if p not in DISTS]
        where = ".".join([path, *map(str, loc)])
        t = err["type"]
        if t == "union_tag_invalid":
            lines.append(
                f"{path}.dist = {_show(kind)}: unknown distribution; {_suggest(str(kind), list(DISTS))}allowed: {', '.join(DISTS)}"
            )
        elif t == "missing":
            lines.append(f"{where}: required by a {kind} distribution")
        elif t == "extra_forbidden":
            allowed = [f for f in DISTS[str(kind)].model_fields if f != "dist"]
            lines.append(
                f"{where}: not a parameter of a {kind} distribution; allowed: {', '.join(allowed)}"
            )
        elif t == "value_error":
            lines.append(f"{path}: {kind} distribution {err['ctx']['error']}")
        else:
            lines.extend(f"{line}" for line in _explain_one(err, where))
    return lines


def _check_distributions(scenario: Scenario, found: Mapping[str, Distribution]) -> list[str]:
    """Distributions must sit on real-valued fields; bounded ones inside the field's range
    (normal and lognormal are sampled truncated to it)."""
    problems = []
    for path, dist in found.items():
        if path.endswith(".tpot_ms") or ".one_time.training." in path:
            problems.append(
                f"{path}: a distribution here cannot be sampled: the number is used only to estimate "
                "a catalog figure once; give that figure a distribution instead (replica_requests_per_s, training_usd)"
            )
            continue
        allowed = field_range(scenario, path)
        if not allowed.is_real:
            problems.append(f"{path}: {_NOT_REAL}")
            continue
        if dist.dist in ("normal", "lognormal"):
            continue
        low, high = dist.support()
        if low < allowed.lowest or (low == allowed.lowest and not allowed.lowest_included):
            problems.append(
                f"{path}: the {dist.dist} distribution reaches {low:g}; the field must be {allowed.describe_low()}"
            )
        if high > allowed.highest or (high == allowed.highest and not allowed.highest_included):
            problems.append(
                f"{path}: the {dist.dist} distribution reaches {high:g}; the field must be {allowed.describe_high()}"
            )
    return problems


def parse_scenario(data: Mapping[str, Any], source: str = "scenario") -> Scenario:
    """Validate a raw table as a scenario. Raises :class:`PaybackError`, one line per problem.

    A number may be a distribution table (``{ dist = "triangular", low, mode, high }``,
    ``uniform`` low/high, ``normal`` mean/sd, ``lognormal`` median/p90): the field then
    holds its central value and :attr:`Scenario.distributions` keeps the table.
    """
    found: dict[str, Distribution | None] = {}
    problems: list[str] = []
    central = _take_distributions(dict(data), "", found, problems)
    try:
        scenario = Scenario.model_validate(central)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            path = ".".join(str(p) for p in _clean_loc(list(err["loc"])))
            dist = found.get(path)
            if path not in found:
                problems.extend(_explain_one(err, path, list(err["loc"])))
            elif dist is not None and err["type"] in _RANGE_ERRORS:
                rule = _explain_one(err, path, list(err["loc"]))[0].split(": ", 1)[1]
                problems.append(
                    f"{path}: the {dist.dist} distribution's central value {dist.central():g} {rule}"
                )
            elif dist is not None:
                holds = _HOLDS.get(err["type"], "something other than a number")
                problems.append(
                    f"{path}: a distribution needs a field that holds any number; this one holds {holds}"
                )
        raise PaybackError([f"{source}: {line}" for line in dict.fromkeys(problems)]) from None
    valid = {path: dist for path, dist in found.items() if dist is not None}
    problems += _check_distributions(scenario, valid)
    if problems:
        raise PaybackError([f"{source}: {line}" for line in problems])
    scenario._distributions = valid
    return scenario


def _tidy(value: Any) -> Any:
    """Whole floats as integers (200000, not 200000.0), recursively."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def _toml_item(value: Any, inline: bool = False) -> Any:
    """tomlkit items: distributions and training jobs as inline tables, the rest as tables."""
    if isinstance(value, dict):
        table: Any = tomlkit.inline_table() if inline or "dist" in value else tomlkit.table()
        for key, item in value.items():
            table[key] = _toml_item(item, inline=inline or key == "training" or "dist" in value)
        return table
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        array = tomlkit.aot()
        for item in value:
            array.append(_toml_item(item))
        return array
    return value


def dump_scenario(scenario: Scenario, fmt: Literal["toml", "yaml"] = "toml") -> str:
    """The scenario as TOML or YAML text that :func:`parse_scenario` reads back equal."""
    data = scenario.model_dump(mode="python", exclude_none=True, exclude_unset=True)
    for path, dist in scenario.distributions.items():
        node: Any = data
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = dist.model_dump()
    data = _tidy(data)
    if fmt == "yaml":
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    document = tomlkit.document()
    for key, value in data.items():
        document[key] = _toml_item(value)
    return tomlkit.dumps(document)


TRAFFIC_DIGITS = {
    "requests_per_month": 0,
    "growth_monthly": 4,
    "input_tokens": 1,
    "output_tokens": 1,
    "cached_input_share": 4,
    "peak_to_average": 2,
}
"""Decimals kept when measured traffic is written into a scenario file."""


def _yaml_indents(text: str) -> tuple[int, int, int]:
    """The indents a YAML file uses: mapping, sequence and the dash's offset (ruamel's terms)."""
    from ruamel.yaml.util import load_yaml_guess_indent

    mapping = next(
        (
            len(line) - len(line.lstrip(" "))
            for line in text.splitlines()
            if line.startswith(" ") and not line.lstrip(" ").startswith(("-", "#"))
        ),
        2,
    )
    try:
        _, sequence, offset = load_yaml_guess_indent(text)
    except Exception:  # the real load below reports what is wrong
        return mapping, mapping, 0
    sequence, offset = sequence or mapping, offset or 0
    return mapping, max(sequence, offset + 2), offset


def _traffic_table(section: Any, key_kind: str) -> None:
    if not isinstance(section, Mapping):
        kind = "a list" if isinstance(section, list) else f"the value {section!r}"
        raise PaybackError(f"{key_kind} is {kind}, not a table of numbers; left as it is")


def _replacing(
    section: Mapping[str, Any], values: Mapping[str, Any], out: list[str] | None
) -> None:
    """Say which of ``values`` replace a distribution (a range the user gave)."""
    if out is None:
        return
    for key, value in values.items():
        old = section.get(key)
        if isinstance(old, Mapping):
            out.append(
                f"traffic.{key} was a {old.get('dist', 'distribution')} range "
                f"({', '.join(f'{k} = {v}' for k, v in old.items() if k != 'dist')}); "
                f"replaced by the measured {value}"
            )


def with_traffic(
    text: str,
    fmt: Literal["toml", "yaml"],
    traffic: Mapping[str, float],
    replaced: list[str] | None = None,
) -> str:
    """``text`` (a scenario file) with only ``[traffic]``'s numbers replaced, comments,
    layout (YAML indents, long lines) and line endings kept. Raises :class:`PaybackError`
    if ``text`` is not valid TOML/YAML or its ``traffic`` is not a table. A value that was a
    distribution is named in ``replaced`` (when given) before being replaced."""
    values = {k: round(float(v), TRAFFIC_DIGITS.get(k, 6)) for k, v in traffic.items()}
    values = {k: int(v) if TRAFFIC_DIGITS.get(k) == 0 else v for k, v in values.items()}
    crlf = "\r\n" in text
    body = text.replace("\r\n", "\n") if crlf else text
    if fmt == "yaml":
        import io

        from ruamel.yaml import YAML
        from ruamel.yaml.comments import CommentedMap
        from ruamel.yaml.error import YAMLError

        handler = YAML()
        handler.preserve_quotes = True
        handler.width = 1 << 16  # never fold a long line the file has
        mapping, sequence, offset = _yaml_indents(body)
        handler.indent(mapping=mapping, sequence=sequence, offset=offset)
        try:
            data = handler.load(body) if body.strip() else CommentedMap()
        except YAMLError as exc:
            raise PaybackError(
                f"not valid YAML, left as it is: {str(exc).splitlines()[0]}"
            ) from None
        if not isinstance(data, dict):
            raise PaybackError("not a YAML table of sections, left as it is")
        if data.get("traffic") is None:  # absent, or `traffic:` with nothing under it
            data["traffic"] = CommentedMap()
        section = data["traffic"]
        _traffic_table(section, "traffic")
        _replacing(section, values, replaced)
        for key, value in values.items():
            section[key] = value
        out = io.StringIO()
        handler.dump(data, out)
        result = out.getvalue()
    else:
        try:
            document = tomlkit.parse(body)
        except tomlkit.exceptions.ParseError as exc:
            raise PaybackError(f"not valid TOML, left as it is: {exc}") from None
        if "traffic" not in document:
            document["traffic"] = tomlkit.table()
        section = document["traffic"]
        if isinstance(section, tomlkit.items.AoT):
            raise PaybackError("[[traffic]] is a list of tables, not one table; left as it is")
        _traffic_table(section, "traffic")
        _replacing(section, values, replaced)
        for key, value in values.items():
            section[key] = value
        result = tomlkit.dumps(document)
    return result.replace("\n", "\r\n") if crlf else result


# ---------------------------------------------------------------- error messages

_HINTS = {
    "discount_rate_annual": "a fraction per year: 0.10 means 10%",
    "growth_monthly": "a fraction per month: 0.05 means 5%",
    "price_change_annual": "a fraction per year: -0.3 means prices fall 30% a year",
    "gpu_price_change_annual": "a fraction per year: -0.2 means GPU rent falls 20% a year",
    "pue": "facility power / IT power; 1.0 is a perfect data centre",
    "cached_input_share": "a fraction: 0.4 means 40% of input tokens",
    "escalation_share": "a fraction: 0.05 means 5% of requests",
    "error_rate": "a fraction: 0.04 means 4% of the requests answered",
    "target_utilization": "a fraction of capacity: 0.7 means 70%",
    "peak_to_average": "busiest hour / average hour; 730 would be a whole month in one hour",
    "min_replicas": "use always_on = false for a fleet that scales to zero",
    "replica_requests_per_s": "requests per second one replica sustains",
}

_TYPE_WORDS = {
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing": "must be a whole number",
    "bool_type": "must be true or false",
    "string_type": "must be text in quotes",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "dict_type": "must be a table",
    "list_type": "must be a list of tables ([[alternatives]] in TOML)",
    "finite_number": "must be a finite number, not NaN or infinity",
    "date_type": "must be a date such as 2026-12-01 (unquoted in TOML)",
    "date_parsing": "must be a date such as 2026-12-01 (unquoted in TOML)",
    "date_from_datetime_inexact": "must be a date such as 2026-12-01, without a time",
    "date_from_datetime_parsing": "must be a date such as 2026-12-01",
}


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value, default=str) if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (inside list/Optional/Annotated), if one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = get_origin(annotation)
    if origin is not None or get_args(annotation):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _model_at(raw_loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that holds the field at ``raw_loc`` (pydantic's loc, tags included)."""
    model: type[BaseModel] | None = Scenario
    for part in raw_loc[:-1]:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        if part in KINDS:
            model = KINDS[part]
            continue
        field = model.model_fields.get(part)
        model = _model_in(field.annotation) if field is not None else None
    return model


def _clean_loc(raw_loc: Sequence[str | int]) -> list[str | int]:
    """Pydantic's loc without the discriminator tags it inserts for option unions."""
    out: list[str | int] = []
    for i, part in enumerate(raw_loc):
        after_option = i > 0 and (raw_loc[i - 1] == "baseline" or isinstance(raw_loc[i - 1], int))
        if part in KINDS and after_option:
            continue
        out.append(part)
    return out


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def _explain_one(err: Any, path: str, raw_loc: Sequence[str | int] = ()) -> list[str]:
    """One error as lines: the path, the value and what is allowed."""
    lines: list[str] = []
    loc = _clean_loc(raw_loc) if raw_loc else path.split(".")
    field = str(loc[-1]) if loc else ""
    kind, ctx, value = err["type"], err.get("ctx", {}), err.get("input")
    hint = f" ({_HINTS[field]})" if field in _HINTS else ""
    if kind == "value_error":
        text = str(ctx.get("error", err["msg"]))
        model = _model_at([*raw_loc, ""]) if raw_loc else None
        for line in text.splitlines():
            # a problem naming one of the table's fields names its whole path
            named = re.match(r"([a-z_]+)( = |: )", line)
            if path and named and model is not None and named.group(1) in model.model_fields:
                lines.append(f"{path}.{line}")
            else:
                lines.append(f"{path}: {line}" if path else line)
        return lines
    if kind == "missing":
        what = "section" if field in Scenario.model_fields else "field"
        doc = _field_doc(raw_loc)
        lines.append(f"{path}: required {what} is missing" + (f" ({doc})" if doc else ""))
    elif kind == "extra_forbidden":
        model = _model_at(raw_loc)
        allowed = list(model.model_fields) if model else []
        owner = ".".join(str(p) for p in loc[:-1]) or "the top level"
        kind_note = ""
        if model is not None and "kind" in model.model_fields:
            kind_note = f" of kind {_show(_kind_of(raw_loc))}"
        lines.append(
            f"{path}: unknown field in {owner}{kind_note}; {_suggest(field, allowed)}"
            f"allowed: {', '.join(allowed)}"
        )
    elif kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))
        lines.append(
            f"{path}.kind = {_show(tag)}: unknown kind; {_suggest(tag, list(KINDS))}"
            f"allowed: {', '.join(KINDS)}"
        )
    elif kind == "union_tag_not_found":
        lines.append(f"{path}.kind: required field is missing (allowed: {', '.join(KINDS)})")
    elif kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        sign = {
            "greater_than": ">",
            "greater_than_equal": "≥",
            "less_than": "<",
            "less_than_equal": "≤",
        }[kind]
        bound = next(iter(ctx.values()))
        lines.append(f"{path} = {_show(value)}: must be {sign} {bound:g}{hint}")
    elif kind == "literal_error":
        lines.append(f"{path} = {_show(value)}: allowed: {ctx.get('expected', '')}")
    elif kind == "too_short" and field == "alternatives":
        lines.append(f"{path}: needs at least one [[alternatives]] entry")
    elif kind == "string_too_short":
        lines.append(f"{path}: must not be empty")
    elif kind in _TYPE_WORDS:
        lines.append(f"{path} = {_show(value)}: {_TYPE_WORDS[kind]}{hint}")
    else:
        lines.append(f"{path} = {_show(value)}: {err['msg']}")
    return lines


def _kind_of(raw_loc: Sequence[str | int]) -> str | None:
    for part in raw_loc:
        if isinstance(part, str) and part in KINDS:
            return part
    return None


def _field_doc(raw_loc: Sequence[str | int]) -> str:
    model = _model_at(raw_loc)
    if model is None or not isinstance(raw_loc[-1], str):
        return ""
    info = model.model_fields.get(raw_loc[-1])
    return (info.description or "").split(";")[0].rstrip(".") if info else ""
