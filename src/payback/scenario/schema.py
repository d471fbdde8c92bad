"""The scenario file's schema: pydantic models of every table, strict so that a typo
never silently changes an answer.

Unknown fields are errors, numbers must be finite and in range, integers must be whole.
The models hold only what a file says; reading files is :mod:`payback.scenario.io`, the
wording of validation errors :mod:`payback.scenario.messages`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from payback import limits
from payback.counts import Whole as Whole
from payback.hardware.serving import Precision
from payback.hardware.training import Method, Stack, TrainingPrecision
from payback.scenario.choices import AnyCaseChoices
from payback.scenario.distributions import Distribution
from payback.scenario.docstrings import documented
from payback.scenario.docstrings import field_docstring as field_docstring
from payback.scenario.names import Name

__all__ = [
    "COMMITMENT_KINDS",
    "COMMITMENT_TERM_MONTHS",
    "DEFAULT_TARGET_UTILIZATION",
    "KINDS",
    "MAX_FLEET_GPUS",
    "MIN_REPLICA_REQUESTS_PER_S",
    "HostedApiOption",
    "Latency",
    "OneTime",
    "Option",
    "OwnedHardware",
    "PerRequestOption",
    "Quality",
    "Recurring",
    "Scenario",
    "ScenarioInfo",
    "SelfHostedOption",
    "Traffic",
    "TrainingJob",
]

DEFAULT_TARGET_UTILIZATION = 0.7
"""Default share of a replica's measured capacity the fleet plans to use at the peak
hour. The peak hour is already in ``peak_to_average``; the remaining 30% is headroom
for bursts inside that hour, a replica restarting, and keeping latency flat (queueing
delay grows fast above ~70-80% load)."""

MIN_REPLICA_REQUESTS_PER_S = 1e-4
"""The least capacity a replica may be given [requests/s]: one request every 2.8 hours.
The slowest real replica, a large model decoding one request at a time at ~10 output
tokens/s, finishes a 100,000-token answer (about the longest completion any API sells)
in 10,000 s; anything slower is a typo (1e-9 for 1e9) that would size a fleet of
millions of GPUs."""

MAX_FLEET_GPUS = 10_000_000
"""The most GPUs a self-hosted fleet may need in its busiest month: fifty times the
largest AI clusters built by 2025 (about 200,000 GPUs), more than twice the data-centre
GPUs sold in a year (some 4 million). A plan past it is a typo in a capacity, a traffic
or a growth, not a plan."""


class _Model(AnyCaseChoices):
    model_config = ConfigDict(
        json_schema_extra=documented,
        extra="forbid",
        strict=True,
        allow_inf_nan=False,
        validate_assignment=True,
    )


Usd = Annotated[float, Field(ge=0.0, le=limits.MAX_USD)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
PriceChange = Annotated[float, Field(gt=-1.0, le=1.0)]


class ScenarioInfo(_Model):
    """The ``[scenario]`` table."""

    name: Name
    """A short title, shown on every output."""
    horizon_months: Whole = Field(ge=1, le=600)
    """Months the comparison runs for (1..600)."""
    discount_rate_annual: float = Field(0.0, ge=0.0, le=1.0)
    """Yearly discount rate for NPV, a fraction: 0.10 means 10%."""
    start_date: dt.date | None = Field(None, ge=limits.FIRST_DAY, le=limits.LAST_DAY)
    """Month 1 starts here (1970-01-01..2199-12-31); catalog prices are those in effect then
    (default: today)."""


class Traffic(_Model):
    """The ``[traffic]`` table: the workload every option serves."""

    requests_per_month: float = Field(gt=0.0, le=limits.MAX_REQUESTS_PER_MONTH)
    """Requests in month 1."""
    growth_monthly: float = Field(0.0, gt=-1.0, le=limits.MAX_GROWTH_MONTHLY)
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
    """Open model id from the catalog (or a config.json path); needed with ``gpu``. A
    size-banded hosted offer is checked against it, else a self-hosted option's ``model``."""
    gpu: str | None = None
    """GPU id to train on (rented at the catalog's price unless ``usd_per_gpu_hour``)."""
    gpu_provider: str | None = None
    """Whose catalog price to pay for ``gpu`` (e.g. ``lambda``); default: the median of GPU clouds' on-demand offers."""
    gpu_price: Literal["gpu_cloud", "hyperscaler", "marketplace", "serverless"] | None = None
    """Or the median of a kind of provider's offers, as an alternative's ``gpu_price``."""
    hosted: str | None = None
    """Hosted fine-tuning offer id instead of own GPUs, e.g. ``openai.gpt-4o-mini``."""
    method: Method = "lora"
    """Full fine-tuning, LoRA, or QLoRA (4-bit base weights)."""
    precision: TrainingPrecision = "bf16"
    """Training precision on own GPUs."""
    stack: Stack = "standard"
    """standard: HF TRL/PEFT, torchtune, axolotl; optimized: NeMo/Megatron-class;
    unsloth: a single-GPU trainer with fused kernels (LoRA/QLoRA in BF16)."""
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
        if self.gpu_price is not None and self.gpu_provider is not None:
            raise ValueError(
                f"gpu_price = {self.gpu_price!r} and gpu_provider = {self.gpu_provider!r} both "
                "choose the rent: give one of them"
            )
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
    name: Name
    """What this option is, in a few words."""
    escalation_share: float = Field(0.0, ge=0.0, lt=1.0)
    """Share of requests routed to the baseline instead, paid at its price alone (not a
    cascade: the alternative is not paid for them) [0, 1); a self-hosted baseline always
    on prices them as its own fleet sized for them (at least ``min_replicas``), not as a
    share of its full fleet."""
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
    portfolio: Serving | None = None
    """With ``[[workloads]]``: which workloads this alternative serves and how (one base
    model and an adapter per workload on a shared fleet, or a fleet each)."""


class PerRequestOption(_OptionBase):
    """A fixed price per 1,000 requests (the seed's level of detail)."""

    kind: Literal["per_request"] = "per_request"
    usd_per_1k_requests: float = Field(ge=0.0, le=limits.MAX_USD_PER_1K_REQUESTS)
    """Price of 1,000 requests [USD]."""
    price_change_annual: PriceChange = 0.0
    """Yearly price trend, a fraction: −0.3 means prices fall 30% a year."""


class HostedApiOption(_OptionBase):
    """A hosted API billed per token."""

    kind: Literal["hosted_api"] = "hosted_api"
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
    """Share off the uncached input and output rates for batch requests (0.5 = half
    price); default: the provider's. Cached input tokens in a batch take
    ``cached_input_batch_discount`` off their own rate instead."""
    cached_input_batch_discount: float | None = Field(None, ge=0.0, lt=1.0)
    """Share off the cached input rate for batch requests; default: the provider's, from the
    catalog's batch cache-read rate (0 where batch keeps cache reads at the standard rate),
    else 0. Without a cached input rate, cached tokens are billed as input and take
    ``batch_discount``."""
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


class SelfHostedOption(_OptionBase):  # long: a documented field per setting, then their checks
    """A model served on GPUs you rent (or own, with ``owned``): GPUs, not tokens, cost money."""

    kind: Literal["self_hosted"] = "self_hosted"
    model: str | None = None
    """Open model served (catalog id or config.json path); with ``gpu``, capacity is estimated."""
    models: list[str] | None = Field(None, min_length=1, max_length=64)
    """Open models to compare in ``payback recommend`` (e.g. sizes of one family)."""
    gpu: str | None = None
    """GPU id from the catalog; gives ``usd_per_gpu_hour`` and, with ``model``, the capacity."""
    gpu_provider: str | None = None
    """Whose catalog price to pay for ``gpu`` (e.g. ``lambda``); default: the median of GPU
    clouds' on-demand offers."""
    gpu_price: Literal["gpu_cloud", "hyperscaler", "marketplace", "serverless"] | None = None
    """Which kind of provider's rent to pay for ``gpu`` when no ``gpu_provider`` is named:
    the median of ``gpu_cloud`` (the default), ``hyperscaler`` (AWS, Azure, Google Cloud,
    Oracle), ``marketplace`` (third-party hosts) or ``serverless`` offers."""
    precision: Precision = "bf16"
    """Serving precision of the weights."""
    engine: Literal["vllm", "sglang", "trtllm", "lean"] = "vllm"
    """Serving engine whose overheads, sequence limit and prompt scheduling the capacity
    estimate models: vllm, sglang, trtllm, or lean (a compiled static-batch loop)."""
    kv_cache: Literal["auto", "bf16", "fp8"] = "auto"
    """KV cache: auto (engine default: FP8 for FP8 weights on trtllm, else BF16), bf16 or fp8."""
    tpot_ms: float | None = Field(None, gt=0.0, le=10_000.0)
    """Latency target: most milliseconds per output token; caps the batch so that even a
    replica at full load meets it, and ``payback recommend`` checks it where the fleet
    runs, at ``target_utilization`` of a replica's capacity."""
    ttft_ms: float | None = Field(None, gt=0.0, le=600_000.0)
    """Latency target: most milliseconds to the first token, on average, where the fleet
    runs: requests arriving at ``target_utilization`` of a replica's capacity, queueing
    included; ``payback recommend`` ranks configurations that miss it after the others,
    and ``payback analyze`` warns when the estimated configuration misses it."""
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
    """GPUs one serving replica uses (tensor parallel degree); default 1, or when capacity
    is estimated, the cheapest fleet's of those meeting ``ttft_ms`` (recommend's rank)."""
    replica_requests_per_s: float | None = Field(None, ge=MIN_REPLICA_REQUESTS_PER_S, le=1e6)
    """Requests per second one replica sustains at the scenario's token lengths (at least
    1e-4, one request every 2.8 hours: see ``MIN_REPLICA_REQUESTS_PER_S``); estimated from
    ``model``, ``gpu`` and ``precision`` when not given."""
    min_replicas: Whole = Field(1, ge=1, le=100_000)
    """Replicas kept running at any traffic (always-on fleets)."""
    target_utilization: float = Field(DEFAULT_TARGET_UTILIZATION, gt=0.0, le=1.0)
    """Share of a replica's capacity planned for at the peak hour (0, 1]."""
    always_on: bool = True
    """true: rent the fleet all month; false: pay only the GPU-hours it runs (scale to zero),
    planned at ``target_utilization`` busy."""
    calibration: str | None = None
    """A measurement instead of the estimate (path relative to the scenario): a
    ``payback import-benchmark`` or ``payback calibrate`` file, or a serving benchmark's
    result (vLLM ``--save-result``, GenAI-Perf, AIPerf JSON). A benchmark gives the
    capacity (scaled to the scenario's token lengths when ``model`` and ``gpu`` are
    given); a calibration gives the utilisation factors the estimate uses."""

    @model_validator(mode="after")
    def _sized(self) -> SelfHostedOption:
        problems = []
        # recommend chooses the GPU of a model without one, the model of models without one
        to_choose = self.models is not None or (self.gpu is None and self.model is not None)
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
        if self.gpu_price is not None and self.gpu_provider is not None:
            problems.append(
                f"gpu_price = {self.gpu_price!r} and gpu_provider = {self.gpu_provider!r} both "
                "choose the rent: give one of them"
            )
        if self.gpu_price == "serverless" and self.commitment != "none":
            problems.append(
                f"gpu_price = 'serverless' with commitment = {self.commitment!r}: a serverless "
                "rent is paid per second, not committed (remove one of them)"
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
    _source: str | None = PrivateAttr(default=None)
    _distributions: dict[str, Distribution] = PrivateAttr(default_factory=dict)

    scenario: ScenarioInfo
    """Name, horizon and discount rate."""
    traffic: Traffic
    """The workload."""
    baseline: Option
    """What you do today."""
    alternatives: list[Option] = Field(min_length=1)
    """What you could do instead; each is compared with the baseline."""
    workloads: Annotated[list[Workload] | None, BeforeValidator(listed_workloads)] = Field(
        None, min_length=1, max_length=1000
    )
    """Several tasks served together (the portfolio view); without them the scenario is one
    workload, ``[traffic]`` (with workloads, it defaults field by field to the first
    workload's: the one-workload views read it)."""

    @model_validator(mode="before")
    @classmethod
    def _first_workload_traffic(cls, data: Any) -> Any:
        return validation_defaults(data)

    @model_validator(mode="after")
    def _check_consistency(self) -> Scenario:
        problems: list[str] = (
            workload_problems(self)
            + cost_pair_problems(self)
            + name_problems(self)
            + fleet_problems(self)
            + length_problems(self)
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

    @property
    def source(self) -> str | None:
        """The file the scenario was read from, as given: errors found after reading it (a
        catalog id that is unknown) name it, as the ones found reading it do."""
        return self._source

    @source.setter
    def source(self, name: str | None) -> None:
        self._source = name

    def options(self) -> list[tuple[str, PerRequestOption | HostedApiOption | SelfHostedOption]]:
        """Every option with its path: ``baseline``, ``alternatives.0``, …"""
        return [("baseline", self.baseline)] + [
            (f"alternatives.{i}", alt) for i, alt in enumerate(self.alternatives)
        ]


from payback.scenario.checks import (  # noqa: E402
    cost_pair_problems,
    fleet_problems,
    length_problems,
    name_problems,
)
from payback.scenario.workloads import (  # noqa: E402  (they build on the models above)
    Serving,
    Workload,
    listed_workloads,
    validation_defaults,
    workload_problems,
)

for _model in (PerRequestOption, HostedApiOption, SelfHostedOption, Workload, Scenario):
    _model.model_rebuild()
