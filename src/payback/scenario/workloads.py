"""Several workloads in one scenario: the portfolio view (many tasks, one base model).

A scenario may list ``[[workloads]]``: each task the team sends to the hosted API today,
with its own traffic, its own baseline (default: the scenario's ``[baseline]``), its own
one-time items (its data, its eval) and, per alternative, its own terms (the fine-tuned
model's error rate on this task, a hosted fine-tuned model's prices for it, a measured
capacity at its lengths). An alternative says which workloads it serves and how in its
``portfolio`` table: all of them or a named subset; from one base model with a LoRA
adapter per workload on one shared fleet, or one model and fleet per workload.

A scenario without workloads is one workload: nothing here changes its answer.

>>> w = Workload.model_validate({"name": "triage", "traffic": {"requests_per_month": 1e5}})
>>> w.name, w.baseline is None, w.one_time.data_usd
('triage', True, 0.0)
>>> Serving().fleet, Serving().coincidence_factor
('shared', 1.0)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from payback.figures import listed
from payback.scenario.checks import repeated_names
from payback.scenario.names import Name, near_name
from payback.scenario.schema import (
    MIN_REPLICA_REQUESTS_PER_S,
    Latency,
    OneTime,
    Option,
    Quality,
    Traffic,
    Whole,
    _Model,
)

if TYPE_CHECKING:
    from payback.scenario.schema import Scenario

__all__ = [
    "ADAPTER_DECADE_LOSS",
    "ADAPTER_OVERHEAD",
    "Serving",
    "Workload",
    "WorkloadTerms",
    "listed_workloads",
    "portfolio_traffic_warnings",
    "served_workloads",
    "single_view_warnings",
    "validation_defaults",
    "workload_default_paths",
    "workload_defaults",
    "workload_problems",
]

ADAPTER_OVERHEAD = 0.336
"""Share of a replica's throughput lost by serving LoRA adapters unmerged (batched
per-request adapter kernels) instead of one merged model: vLLM's own throughput benchmark
of Llama-2-7B on one A100 (ShareGPT, 1,000 prompts) gives 11.45 requests/s without LoRA
and 7.60 with a rank-8 adapter (``--enable-lora --max-loras 1``; 7.61 with
``--max-loras 4``): 1 − 7.60/11.45 = 0.336 (vllm-project/vllm pull request 11267,
December 2024). Newer engines report less; give the figure you measure."""

ADAPTER_DECADE_LOSS = 0.021
"""Further share of throughput lost per tenfold more adapters active in the batches:
S-LoRA (2023, arXiv 2311.03285, Table 3, setting S1: Llama-7B, rank-8
adapters) serves 8.05 requests/s with 5 adapters and 7.61 with 2,000:
(1 − 7.61/8.05) / log10(2000/5) = 0.021 per decade."""


class WorkloadTerms(_Model):
    """What one alternative gives for one workload when it differs from the alternative's
    own numbers (``[workloads.alternatives."name"]``): the fine-tuned model's quality on
    this task, a hosted fine-tuned model's prices, a capacity measured at its lengths."""

    quality: Quality | None = None
    """Error rate and cost of an error of this alternative on this workload."""
    latency: Latency | None = None
    """Median latency and the value of a second of this alternative on this workload."""
    replica_requests_per_s: float | None = Field(None, ge=MIN_REPLICA_REQUESTS_PER_S, le=1e6)
    """Requests per second one replica sustains at this workload's token lengths
    (self-hosted, at least 1e-4: see ``MIN_REPLICA_REQUESTS_PER_S``); default: the
    alternative's, or estimated at this workload's lengths."""
    fine_tuned: str | None = None
    """Hosted fine-tuning offer whose tuned-model prices this workload pays (hosted API)."""
    input_usd_per_mtok: float | None = Field(None, ge=0.0, le=1e4)
    """Price of a million input tokens for this workload [USD] (hosted API)."""
    cached_input_usd_per_mtok: float | None = Field(None, ge=0.0, le=1e4)
    """Price of a million cached input tokens for this workload [USD] (hosted API)."""
    output_usd_per_mtok: float | None = Field(None, ge=0.0, le=1e4)
    """Price of a million output tokens for this workload [USD] (hosted API)."""
    usd_per_1k_requests: float | None = Field(None, ge=0.0, le=1e6)
    """Price of 1,000 of this workload's requests [USD] (per-request option)."""
    escalation_share: float | None = Field(None, ge=0.0, lt=1.0)
    """Share of this workload's requests still sent to the baseline [0, 1)."""


class Workload(_Model):
    """One ``[[workloads]]`` entry: a task with its own traffic, baseline and one-time items."""

    name: Name
    """The task, in a few words; alternatives name it in ``portfolio.workloads``."""
    traffic: Traffic
    """This workload's requests, growth, token lengths and busiest hour."""
    baseline: Option | None = None
    """What this workload uses today; default: the scenario's ``[baseline]``."""
    one_time: OneTime = Field(default_factory=OneTime)
    """This workload's own one-time items (its data, its eval, its adapter's training runs),
    paid by every alternative that serves it; items every workload shares (engineering on
    the serving stack) belong to the alternative's own ``one_time``."""
    alternatives: dict[str, WorkloadTerms] = Field(default_factory=dict)
    """Per alternative (by name), this workload's own terms on it."""

    @model_validator(mode="after")
    def _plain_baseline(self) -> Workload:
        if self.baseline is not None:
            if self.baseline.escalation_share != 0.0:
                raise ValueError(
                    "baseline.escalation_share: must be 0 (the baseline escalates to nothing)"
                )
            if self.baseline.one_time != OneTime():
                raise ValueError(
                    "baseline.one_time: must be empty (the baseline is what you do today)"
                )
            if getattr(self.baseline, "portfolio", None) is not None:
                raise ValueError("baseline.portfolio: a baseline serves only its own workload")
        return self


class Serving(_Model):
    """An alternative's ``portfolio`` table: which workloads it serves, and how."""

    workloads: list[str] | None = Field(None, min_length=1, max_length=1000)
    """Names of the workloads it serves; default: all of them."""
    fleet: Literal["shared", "separate"] = "shared"
    """Self-hosted: ``shared``, one base model with a LoRA adapter per workload on one fleet
    sized for the busiest hour of the combined load; ``separate``, one fine-tuned model and
    fleet per workload."""
    coincidence_factor: float = Field(1.0, gt=0.0, le=1.0)
    """How far the workloads' busiest hours coincide (0, 1]: the shared fleet plans for
    max(c · Σ peaks, the largest peak, Σ averages); 1 means they all fall in the same hour."""
    adapter_rank: Whole = Field(16, ge=1, le=4096)
    """LoRA rank of each adapter (memory: rank × the widths of every linear layer)."""
    adapter_overhead: float = Field(ADAPTER_OVERHEAD, ge=0.0, lt=1.0)
    """Share of throughput lost serving adapters unmerged (see ``ADAPTER_OVERHEAD``)."""
    adapter_decade_loss: float = Field(ADAPTER_DECADE_LOSS, ge=0.0, lt=0.5)
    """Further share lost per tenfold more active adapters (see ``ADAPTER_DECADE_LOSS``)."""

    @field_validator("workloads", mode="before")
    @classmethod
    def _names_listed(cls, value: Any) -> Any:
        """One name written without a list is said to be one: a list of names, not the
        "list of tables" every other list of a scenario is."""
        if value is None or isinstance(value, list | tuple):
            return value
        such = json.dumps(
            [value] if isinstance(value, str) else ["support triage"], ensure_ascii=False
        )
        raise PydanticCustomError(
            "workload_names", "must be a list of workload names, such as {such}", {"such": such}
        )


_TERMS_BY_KIND = {
    "hosted_api": {
        "fine_tuned",
        "input_usd_per_mtok",
        "cached_input_usd_per_mtok",
        "output_usd_per_mtok",
    },
    "per_request": {"usd_per_1k_requests"},
    "self_hosted": {"replica_requests_per_s"},
}
"""Terms a workload may give an alternative of each kind (besides quality, latency and
escalation, which every kind has)."""


def workload_defaults(data: Any) -> Any:
    """A scenario's raw data with ``[traffic]`` completed from the first workload's, field by
    field, when the file lists workloads (the one-workload views read ``[traffic]``; a
    portfolio file need not repeat it)."""
    if not isinstance(data, dict):
        return data
    workloads = data.get("workloads")
    first = workloads[0] if isinstance(workloads, list) and workloads else None
    if isinstance(first, dict) and isinstance(first.get("traffic"), dict):
        given = data.get("traffic") or {}  # a null is unset: the first workload's
        if isinstance(given, dict):
            given = {k: v for k, v in given.items() if v is not None}
            return {**data, "traffic": {**first["traffic"], **given}}
    return data


def listed_workloads(value: Any) -> Any:
    """The scenario's ``workloads`` as read, but a value that is not a list of them said
    so by name (``[[workloads]]``, not the "list of tables" words that name
    ``[[alternatives]]``), and an empty list said to be one (its own words, not those of
    an alternative's ``portfolio.workloads``).

    >>> listed_workloads(None), listed_workloads([{"name": "a"}])
    (None, [{'name': 'a'}])
    """
    if value is None or (isinstance(value, list | tuple) and value):
        return value
    if isinstance(value, list | tuple):
        raise ValueError(
            "lists no workload; give [[workloads]] entries, each with its name and traffic, "
            "or leave workloads out for a single scenario, which gives [traffic]"
        )
    raise PydanticCustomError(
        "workloads_type",
        "must be a list of tables, one per workload ([[workloads]] entries in TOML, "
        "entries that start with '- ' in YAML)",
    )


def _said_by_workloads(data: Mapping[str, Any]) -> bool:
    """Whether a scenario's raw ``workloads`` is given but refused, and holds no first
    workload's traffic to complete ``[traffic]`` from: a text, a number or a single table
    where a list belongs, an empty list, a first entry that is not a table, or one without
    a traffic table (a workload given as a model, with its traffic, is not refused)."""
    workloads = data.get("workloads")
    if not isinstance(workloads, list | tuple):
        return isinstance(workloads, str | int | float | Mapping | dt.date | dt.time)
    first = workloads[0] if workloads else {}
    if not isinstance(first, Mapping):
        return first is None or isinstance(first, str | int | float | list)
    return not isinstance(first.get("traffic"), Mapping | BaseModel)


def validation_defaults(data: Any) -> Any:
    """:func:`workload_defaults` as a scenario is validated: where ``workloads`` is given
    but refused and no ``[traffic]`` is (:func:`_said_by_workloads`), a stand-in ``[traffic]``
    so that the one problem is said once, by ``workloads``, and not again as a missing
    ``[traffic]``. The stand-in never reaches a scenario: the refused ``workloads`` fails
    its validation."""
    data = workload_defaults(data)
    if isinstance(data, Mapping) and data.get("traffic") is None and _said_by_workloads(data):
        return {**data, "traffic": {"requests_per_month": 1.0}}
    return data


def workload_default_paths(data: Any) -> dict[str, str]:
    """Which ``[traffic]`` fields :func:`workload_defaults` takes from the first workload, as
    ``{"traffic.F": "workloads.0.traffic.F"}``: a problem with one of them is that
    workload's, and is told once, by its own path. A field neither gives is the first
    workload's too (one missing ``requests_per_month`` is said once, under workloads.0)."""
    from payback.scenario.schema import Traffic

    if not isinstance(data, dict):
        return {}
    workloads = data.get("workloads")
    first = workloads[0] if isinstance(workloads, list) and workloads else None
    given = data.get("traffic") or {}
    if not (isinstance(first, dict) and isinstance(first.get("traffic"), dict)):
        return {}
    if not isinstance(given, dict):
        return {}
    return {
        f"traffic.{name}": f"workloads.0.traffic.{name}"
        for name in dict.fromkeys([*first["traffic"], *Traffic.model_fields])
        if given.get(name) is None
    }


def served_workloads(scenario: Scenario, index: int) -> list[int]:
    """Indices of the workloads alternative ``index`` serves (all without a subset)."""
    workloads = scenario.workloads or []
    serving = scenario.alternatives[index].portfolio
    if serving is None or serving.workloads is None:
        return list(range(len(workloads)))
    position = {w.name: j for j, w in enumerate(workloads)}
    return [position[name] for name in serving.workloads]


def workload_problems(scenario: Scenario) -> list[str]:
    """What is wrong with a scenario's workloads and the alternatives' ``portfolio``
    tables, one line each: unknown or repeated names, terms for an alternative that does
    not serve the workload or that its kind does not use."""
    problems: list[str] = []
    if scenario.baseline.portfolio is not None:
        problems.append(
            "baseline.portfolio: the baseline serves every workload as it does today; remove it"
        )
    workloads = scenario.workloads
    if workloads is None:
        problems += [
            f"alternatives.{i}.portfolio: needs [[workloads]] to serve (a scenario without "
            "them is one workload)"
            for i, alt in enumerate(scenario.alternatives)
            if alt.portfolio is not None
        ]
        return problems
    names = [w.name for w in workloads]
    problems += repeated_names("workloads", names)
    alternatives = {alt.name: (i, alt) for i, alt in enumerate(scenario.alternatives)}
    listed_wrong: set[str] = set()  # whom a list says it serves is not known
    for i, alt in enumerate(scenario.alternatives):
        subset = alt.portfolio.workloads if alt.portfolio is not None else None
        for name in subset or []:
            if name not in names:
                listed_wrong.add(alt.name)
                problems.append(
                    f"alternatives.{i}.portfolio.workloads: unknown workload {name!r} "
                    f"({near_name(name, names)}known: {', '.join(map(repr, names))})"
                )
            elif subset is not None and subset.count(name) > 1:
                listed_wrong.add(alt.name)
                problems.append(
                    f"alternatives.{i}.portfolio.workloads: {name!r} is served twice by "
                    f"{alt.name!r}; list each workload once"
                )
    unknown: dict[str, list[int]] = {}  # one line a name, every workload it is under
    left_out: dict[str, list[int]] = {}  # one line an alternative, every workload left out
    for j, workload in enumerate(workloads):
        for alt_name, terms in workload.alternatives.items():
            where = f"workloads.{j}.alternatives.{alt_name}"
            if alt_name not in alternatives:
                unknown.setdefault(alt_name, []).append(j)
                continue
            i, alt = alternatives[alt_name]
            subset = alt.portfolio.workloads if alt.portfolio is not None else None
            if subset is not None and workload.name not in subset and alt_name not in listed_wrong:
                left_out.setdefault(alt_name, []).append(j)
            for field in sorted(terms.model_fields_set):
                kinds = [k for k, fields in _TERMS_BY_KIND.items() if field in fields]
                if kinds and alt.kind not in kinds:
                    problems.append(
                        f"{where}.{field}: not used by a {alt.kind} alternative (it is for {' or '.join(kinds)})"
                    )
    for alt_name, under in left_out.items():
        first, *rest = under
        also = (
            f"; so too {listed([repr(workloads[j].name) for j in rest])}, under "
            f"{listed([f'workloads.{j}' for j in rest])}"
            if rest
            else ""
        )
        problems.append(
            f"workloads.{first}.alternatives.{alt_name}: {alt_name!r} does not serve "
            f"{workloads[first].name!r} (its portfolio.workloads leaves it out{also})"
        )
    for alt_name, under in unknown.items():
        where = f"workloads.{under[0]}.alternatives.{alt_name}"
        others = [f"workloads.{j}" for j in under[1:]]  # paths: "workloads 2" read 1-based
        also = f" (under {listed(others)} too)" if others else ""
        problems.append(
            f"{where}: unknown alternative {alt_name!r}{also} ("
            f"{near_name(alt_name, list(alternatives))}known: "
            f"{', '.join(map(repr, alternatives))})"
        )
    return list(dict.fromkeys(problems))


def portfolio_traffic_warnings(scenario: Scenario) -> list[str]:
    """What the portfolio view (analyze, sensitivity, solve, explain, report of a scenario
    with workloads) says of a ``[traffic]`` written beside them: it reads each workload's
    own traffic, so the fields ``[traffic]`` gives that differ from the first workload's
    (a number, or a distribution) move only the page's one-workload view. A ``[traffic]``
    that repeats the first workload's is said nothing of: every view reads the same."""
    workloads = scenario.workloads
    if not workloads:
        return []
    first = workloads[0].traffic
    given = [
        name
        for name in Traffic.model_fields
        if getattr(scenario.traffic, name) != getattr(first, name)
        or f"traffic.{name}" in scenario.distributions
    ]
    if not given:
        return []
    return [
        "[traffic] is not used: with [[workloads]] the portfolio reads each workload's own "
        f"traffic; the {listed(given)} given in [traffic] move only the page's one-workload "
        "view (leave [traffic] out, or give the figures to a workload)"
    ]


def single_view_warnings(scenario: Scenario) -> list[str]:
    """What a one-workload view (report, explain, the page) of a scenario with workloads
    should say: it shows ``[traffic]`` (the first workload's by default) alone."""
    if not scenario.workloads or len(scenario.workloads) < 2:
        return []
    return [
        f"the scenario lists {len(scenario.workloads)} workloads; this view compares the options "
        f"on [traffic] alone (the first workload's, {scenario.workloads[0].name!r}, unless given): "
        "payback analyze, sensitivity and solve show the portfolio"
    ]
