"""A portfolio prepared for evaluation: its workloads resolved as scenarios of their own
(:class:`Portfolio`, :func:`prepare`, the adapter-memory check) and its paths routed to the
workloads' scenarios or the portfolio's own (:func:`route`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import ValidationError

from payback.analysis.ids import unknown_ids
from payback.analysis.resolve import Resolved, file_named, resolve
from payback.errors import PaybackError
from payback.scenario import Scenario, SelfHostedOption, value_at
from payback.scenario.followed import TIERED_PRICES
from payback.scenario.messages import explain_errors
from payback.scenario.workloads import (
    Serving,
    Workload,
    portfolio_traffic_warnings,
    served_workloads,
)

if TYPE_CHECKING:
    import datetime as dt

    from numpy.typing import ArrayLike

    from payback.catalog import Catalog, OpenModel
    from payback.scenario.paths import FieldRange

from payback.analysis.adapters import adapter_bytes

# ---------------------------------------------------------------- setup


@dataclass(frozen=True)
class Portfolio:
    """A scenario with workloads, each resolved as a scenario of its own."""

    scenario: Scenario
    """The scenario as written, with its workloads."""
    parts: list[Resolved]
    """Per workload: its traffic and baseline, every alternative with its terms."""
    served: list[list[int]]
    """Per alternative, the workloads it serves (indices)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [w.name for w in self.scenario.workloads or []]

    def shares_fleet(self, index: int) -> bool:
        """Whether alternative ``index`` serves two or more workloads from one shared fleet."""
        alt = self.scenario.alternatives[index]
        serving = alt.portfolio
        fleet = "shared" if serving is None else serving.fleet
        return (
            isinstance(alt, SelfHostedOption) and fleet == "shared" and len(self.served[index]) > 1
        )


def _part_data(scenario: Scenario, j: int) -> dict[str, Any]:
    """Workload ``j`` as a plain scenario's data."""
    workloads = scenario.workloads or []
    workload = workloads[j]
    data = scenario.model_dump(exclude_unset=True, exclude={"workloads"})
    data["traffic"] = workload.traffic.model_dump(exclude_unset=True)
    baseline = workload.baseline or scenario.baseline
    data["baseline"] = baseline.model_dump(exclude_unset=True) | {"kind": baseline.kind}
    alternatives = []
    for i, alt in enumerate(scenario.alternatives):
        raw = alt.model_dump(exclude_unset=True, exclude={"portfolio"}) | {"kind": alt.kind}
        terms = workload.alternatives.get(alt.name)
        if terms is not None and j in served_workloads(scenario, i):
            given = terms.model_dump(include=terms.model_fields_set)
            if given.keys() & {"fine_tuned", "input_usd_per_mtok", "output_usd_per_mtok"}:
                for key in ("model", "fine_tuned", "input_usd_per_mtok", "output_usd_per_mtok",
                            "cached_input_usd_per_mtok"):  # fmt: skip
                    raw.pop(key, None)
            raw |= given
        alternatives.append(raw)
    data["alternatives"] = alternatives
    return data


def prepare(
    scenario: Scenario, catalog: Catalog | None = None, today: dt.date | None = None
) -> Portfolio:
    """Each workload of ``scenario`` as a resolved scenario of its own, the adapters' memory
    and the shared fleets' size checked. Raises :class:`PaybackError` (one line per
    problem) naming the workload, and the file for a scenario read from one."""
    with file_named(scenario):
        return _prepare(scenario, catalog, today)


def _prepare(scenario: Scenario, catalog: Catalog | None, today: dt.date | None) -> Portfolio:
    workloads = scenario.workloads
    if not workloads:
        raise PaybackError("the scenario lists no [[workloads]]: it is one workload (analyze it)")
    parts: list[Resolved] = []
    warnings: list[tuple[int, str]] = []  # each workload's lines, said once below
    problems: list[str] = []
    resolving: list[tuple[int, str]] = []
    for j, workload in enumerate(workloads):
        try:
            part = Scenario.model_validate(_part_data(scenario, j))
        except ValidationError as exc:
            lines = explain_errors(exc, {})
            problems += [_in_workload(j, workload, line, scenario) for line in lines]
            continue
        part.base_dir = scenario.base_dir
        try:
            resolved = resolve(part, catalog, today)
        except PaybackError as exc:
            resolving += [(j, line) for line in exc.messages]
            continue
        parts.append(resolved)
        warnings += [(j, w) for w in resolved.warnings]
    problems += _said_once(resolving, workloads, scenario)
    own_jobs = {"workloads": [{"one_time": w.one_time.model_dump()} for w in workloads]}
    given = None if catalog is None else lambda: catalog
    problems += unknown_ids(own_jobs, scenario.base_dir, given)  # priced when costed
    if problems:
        raise PaybackError(list(dict.fromkeys(problems)))
    served = [served_workloads(scenario, i) for i in range(len(scenario.alternatives))]
    out = Portfolio(_with_serving(scenario), parts, served)
    for i in range(len(scenario.alternatives)):
        if out.shares_fleet(i):
            _check_adapter_memory(out, i, catalog)
    too_big = _shared_fleet_problems(out)
    if too_big:
        raise PaybackError(too_big)
    out = _shared_cash_warnings(out, warnings)
    from payback.analysis.portfolio_unread import unread_serving

    unread = list(unread_serving(out).values())
    return replace(out, warnings=[*portfolio_traffic_warnings(scenario), *unread, *out.warnings])


def _capacity_path(p: Portfolio, j: int, i: int) -> str:
    """Where workload ``j`` reads alternative ``i``'s replica capacity, as the file names it
    (its own term, or the alternative's), ``(estimated)`` after it when resolving did."""
    name = p.scenario.alternatives[i].name
    local = f"alternatives.{i}.replica_requests_per_s"
    own = "replica_requests_per_s" in replaced_terms(p, j, i)
    path = f"workloads.{j}.alternatives.{name}.replica_requests_per_s" if own else local
    return path + (" (estimated)" if local in p.parts[j].sources else "")


def _shared_fleet_problems(p: Portfolio) -> list[str]:
    """One line per shared fleet that would need more than the most GPUs a fleet may
    (:data:`~payback.scenario.schema.MAX_FLEET_GPUS`) in its busiest month, as the
    portfolio sizes it (on the combined load, :func:`~payback.analysis.portfolio.
    evaluate_portfolio`): each workload's own fleet may be under the cap where the one
    they share is not."""
    import numpy as np

    from payback.figures import rate_text, share_text
    from payback.scenario.checks import fleet_limit, gpu_count
    from payback.scenario.schema import MAX_FLEET_GPUS

    shared = [i for i in range(len(p.scenario.alternatives)) if p.shares_fleet(i)]
    if not shared:
        return []
    from payback.analysis.portfolio import evaluate_portfolio

    outcomes = evaluate_portfolio(p).alternatives
    out = []
    for i in shared:
        gpus, share = outcomes[i].gpus, outcomes[i].fleet_share
        if gpus is None or share is None or not np.nanmax(gpus) > MAX_FLEET_GPUS:
            continue
        m = int(np.nanargmax(gpus))
        served = p.served[i]
        k = int(np.argmax(share[:, m]))
        j = served[k]
        option = p.parts[j].scenario.alternatives[i]
        assert isinstance(option, SelfHostedOption)
        rps = option.replica_requests_per_s or 0.0
        requests = float(np.sum(outcomes[i].requests[..., m]))
        out.append(
            f"alternatives.{i} ({option.name!r}), the fleet its {len(served)} workloads share: "
            f"it would need {gpu_count(float(gpus[m]))} GPUs in month {m + 1} "
            f"({gpu_count(requests)} requests; the most GPU time, {share_text(float(share[k, m]))}, "
            f"workloads.{j} ({p.names[j]!r}) at {_capacity_path(p, j, i)} = {rps:.3g}; planned "
            f"at {rate_text(option.target_utilization)} of capacity); {fleet_limit()}"
        )
    return out


def _said_once(
    lines: list[tuple[int, str]], workloads: list[Workload], scenario: Scenario | None = None
) -> list[str]:
    """Each line that workloads' own scenarios gave, once, naming the workloads it came
    from (an alternative's line came once per workload: five times for five); a line about
    a workload's own field names it by its path (:func:`_in_workload`), and one every
    workload gave about a field of ``scenario``'s shared part that no workload changes
    (:func:`_shared_field`: the alternatives' ``gpu``) is that field's alone.

    >>> ws = [Workload.model_validate({"name": n, "traffic": {"requests_per_month": 1}})
    ...       for n in "abc"]
    >>> for line in _said_once([(0, "x"), (1, "x"), (2, "x"), (0, "y"), (2, "y"),
    ...                         (1, "traffic.growth_monthly: z")], ws):
    ...     print(line)
    each of the 3 workloads: x
    workloads.0 ('a') and workloads.2 ('c'): y
    workloads.1.traffic.growth_monthly: z
    """
    said: dict[str, list[int]] = {}
    for j, line in lines:
        located = _in_workload(j, workloads[j], line, scenario)
        if located == f"workloads.{j} ({workloads[j].name!r}): {line}":
            said.setdefault(line, []).append(j)
        else:  # its own field, by its path
            said.setdefault(located, [])
    out = []
    for line, js in said.items():
        js = list(dict.fromkeys(js))
        if not js or (
            len(js) == len(workloads) and scenario is not None and _shared_field(scenario, line)
        ):
            out.append(line)
        elif len(js) == len(workloads) > 1:
            out.append(f"each of the {len(js)} workloads: {line}")
        else:
            names = [f"workloads.{j} ({workloads[j].name!r})" for j in js]
            who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            out.append(f"{who}: {line}")
    return out


_REPLACED_BY_PRICES = {"model", "fine_tuned", "input_usd_per_mtok", "output_usd_per_mtok"}
"""An alternative's fields a workload's own prices or tuned model replace (:func:`_part_data`
drops them, ``cached_input_usd_per_mtok`` too)."""


def _shared_field(scenario: Scenario, line: str) -> bool:
    """Whether ``line`` (a workload's own scenario's) is about a field of the scenario's
    shared part that is the same in every workload: the scenario's own, the baseline where
    no workload gives its own, an alternative's where no workload's terms change it (its
    ``gpu``, its ``commitment``; not a ``replica_requests_per_s`` a workload gives).
    """
    head = re.match(r"[\w.]+", line)
    if head is None or head.end() == len(line) or line[head.end()] not in " :":
        return False
    path = head.group().split(".")
    workloads = scenario.workloads or []
    if path[0] == "scenario":
        return True
    if path[0] == "baseline" and len(path) > 1:
        return all(w.baseline is None for w in workloads)
    if path[0] != "alternatives" or len(path) < 3 or not path[1].isdigit():
        return False
    i = int(path[1])
    if i >= len(scenario.alternatives):
        return False
    name = scenario.alternatives[i].name
    for w in workloads:
        terms = w.alternatives.get(name)
        given = set() if terms is None else set(terms.model_fields_set)
        if given & _REPLACED_BY_PRICES:
            given |= _REPLACED_BY_PRICES | {"cached_input_usd_per_mtok"}
        if path[2] in given:
            return False
    return True


def _shared_cash_warnings(p: Portfolio, lines: list[tuple[int, str]]) -> Portfolio:
    """``p`` with its workloads' warning ``lines`` (each said once, :func:`_said_once`), each
    shared fleet's owned servers (cash or depreciation) warned of as the portfolio sizes
    them (on the combined load, :func:`~payback.analysis.portfolio.evaluate_portfolio`), in
    place of the lines each workload's own scenario gave for a fleet of its own."""
    from payback.analysis.portfolio_baseline import baseline_servers, sharing_workloads
    from payback.analysis.resolve_self_hosted import (
        cash_past_horizon_line,
        cash_past_horizon_warnings,
    )

    shared = {
        f"alternatives.{i}": i
        for i, alt in enumerate(p.scenario.alternatives)
        if p.shares_fleet(i) and isinstance(alt, SelfHostedOption) and alt.owned is not None
    }
    base = p.scenario.baseline
    on_base = sharing_workloads(p) if isinstance(base, SelfHostedOption) and base.owned else []
    workloads = p.scenario.workloads or []
    if not shared and not on_base:
        return replace(p, warnings=_said_once(lines, workloads, p.scenario))
    from payback.analysis.portfolio import evaluate_portfolio

    own = {
        (j, line)
        for j, part in enumerate(p.parts)
        for line in cash_past_horizon_warnings(
            part, [*shared, *(["baseline"] if j in on_base else [])]
        ).values()
    }
    warnings = _said_once([w for w in lines if w not in own], workloads, p.scenario)
    try:
        evaluation = evaluate_portfolio(p)
    except PaybackError:  # evaluating says why
        return replace(p, warnings=warnings)
    outcomes = evaluation.alternatives
    for path, i in shared.items():
        option = p.parts[p.served[i][0]].scenario.alternatives[i]
        servers = outcomes[i].servers
        if servers is None or not isinstance(option, SelfHostedOption):  # pragma: no cover
            continue
        who = f"{path} ({option.name!r}), the fleet its {len(p.served[i])} workloads share"
        line = cash_past_horizon_line(who, option, servers)
        if line is not None:
            warnings.append(line)
    held = baseline_servers(evaluation) if on_base else None
    if held is not None and isinstance(base, SelfHostedOption):
        who = f"baseline ({base.name!r}), the fleet its {len(on_base)} workloads share today"
        line = cash_past_horizon_line(who, base, held, baseline=True)
        if line is not None:
            warnings.append(line)
    return replace(p, warnings=warnings)


def _with_serving(scenario: Scenario) -> Scenario:
    """The scenario with each self-hosted alternative's ``portfolio`` table written out:
    one the file leaves out holds its defaults (one shared fleet over every workload), and
    its numbers (``alternatives.0.portfolio.adapter_rank``) are read, varied and solved for
    like any other, which a missing table could not be."""
    alternatives = [
        alt.model_copy(update={"portfolio": Serving()})
        if isinstance(alt, SelfHostedOption) and alt.portfolio is None
        else alt
        for alt in scenario.alternatives
    ]
    return scenario.model_copy(update={"alternatives": alternatives})


def _in_workload(j: int, workload: Workload, line: str, scenario: Scenario | None = None) -> str:
    """A problem of workload ``j``'s own scenario told with the field as the file names it:
    its traffic is ``workloads.j.traffic``, its own baseline ``workloads.j.baseline``, a
    term it gives an alternative of ``scenario`` ``workloads.j.alternatives.NAME.field`` (it
    had been told as the alternative's: ``alternatives.2.fine_tuned`` for a workload's own
    unknown offer).

    >>> w = Workload.model_validate({"name": "long", "traffic": {"requests_per_month": 1}})
    >>> _in_workload(1, w, "traffic.input_tokens = 5000: too long (for alternatives.0)")
    'workloads.1.traffic.input_tokens = 5000: too long (for alternatives.0)'
    >>> _in_workload(1, w, "alternatives.0.gpu: unknown GPU 'x'")
    "workloads.1 ('long'): alternatives.0.gpu: unknown GPU 'x'"
    """
    own = ("traffic.",) + (("baseline.", "baseline:") if workload.baseline is not None else ())
    if line.startswith(own):
        return f"workloads.{j}.{line}"
    term = re.match(r"alternatives\.(\d+)\.(\w+)\b", line)
    if scenario is not None and term and int(term.group(1)) < len(scenario.alternatives):
        name = scenario.alternatives[int(term.group(1))].name
        terms = workload.alternatives.get(name)
        if terms is not None and term.group(2) in terms.model_fields_set:
            return f"workloads.{j}.alternatives.{name}.{line[term.end(1) + 1 :]}"
    return f"workloads.{j} ({workload.name!r}): {line}"


def _check_adapter_memory(p: Portfolio, index: int, catalog: Catalog | None) -> None:
    """The base weights, one adapter per workload and one request's KV cache must fit in a
    replica's memory (checked when the alternative names a catalog model and GPU)."""
    from payback.catalog import default_catalog
    from payback.hardware.serving import weights_bytes

    alt = p.parts[p.served[index][0]].scenario.alternatives[index]
    assert isinstance(alt, SelfHostedOption)
    if alt.model is None or alt.gpu is None:
        return
    cat = catalog or default_catalog()
    shape = cat.model(alt.model, p.scenario.base_dir)
    gpu = cat.gpu(alt.gpu)
    rank = adapter_rank(p.scenario, index)
    tp = alt.gpus_per_replica or 1
    weights = float(weights_bytes(shape.params_b * 1e9, alt.precision))
    room, one = adapters_room(
        shape, rank, gpu.memory_bytes, tp, weights, longest_request(p.scenario)
    )
    n = len(p.served[index])
    fits = int(room)
    if n > fits:
        raise PaybackError.bad(
            f"alternatives.{index}.portfolio.workloads",
            f"({n} adapters)",
            f"{n} rank-{rank} adapters of {one / 1e6:,.0f} MB each do not fit beside "
            f"{alt.model}'s {weights / 1e9:,.1f} GB of {alt.precision} weights on {tp} × {gpu.id} "
            f"(room for {fits}); serve fewer workloads, a lower adapter_rank, more "
            "gpus_per_replica or a larger GPU",
        )


def adapter_rank(scenario: Scenario, index: int) -> int:
    """The rank of alternative ``index``'s adapters (``portfolio.adapter_rank``, else 16)."""
    serving = scenario.alternatives[index].portfolio
    return serving.adapter_rank if serving is not None else 16


def longest_request(scenario: Scenario) -> float:
    """Tokens in the longest request of any workload (input and output), at least 1."""
    return max(
        max(
            ((w.traffic.input_tokens or 0.0) + (w.traffic.output_tokens or 0.0))
            for w in scenario.workloads or []
        ),
        1.0,
    )


def adapters_room(
    shape: OpenModel,
    rank: int,
    gpu_memory_bytes: ArrayLike,
    tp: ArrayLike,
    weights: ArrayLike,
    longest: float,
) -> tuple[np.ndarray, float]:
    """How many rank-``rank`` adapters of ``shape`` fit in a replica of ``tp`` GPUs of
    ``gpu_memory_bytes`` beside ``weights`` bytes of base weights and one request of
    ``longest`` tokens' KV cache (elementwise, for many configurations at once), and one
    adapter's bytes: the check ``analyze`` makes of a shared fleet's adapters."""
    from payback.hardware.serving import VLLM
    from payback.hardware.shapes import kv_bytes_per_token

    one = adapter_bytes(shape, rank)
    free = np.asarray(tp, dtype=np.float64) * (
        np.asarray(gpu_memory_bytes, dtype=np.float64) * VLLM.memory_utilization
        - VLLM.runtime_overhead_bytes
    )
    kv = kv_bytes_per_token(
        layers=shape.layers,
        kv_heads=shape.kv_heads,
        head_dim=shape.head_dim,
        kv_bytes=2.0,
        kv_lora_rank=shape.kv_lora_rank,
        qk_rope_head_dim=shape.qk_rope_head_dim,
    )
    room = free - np.asarray(weights, dtype=np.float64) - kv * longest
    return np.where(room > 0, np.floor_divide(np.maximum(room, 0.0), one), 0.0), one


@dataclass(frozen=True)
class Route:
    """Where a portfolio path is read: by the workloads' own scenarios (``parts``, at
    ``local``), or by the portfolio itself (``parts`` empty: a workload's one-time items,
    an alternative's ``portfolio`` numbers)."""

    parts: list[int]
    local: str


def _alternative_key(p: Portfolio, key_and_rest: str) -> tuple[int, str] | None:
    """``0.quality.error_rate`` or ``<alternative name>.quality.error_rate`` (names may hold
    dots: the longest name that fits) as (index, ``quality.error_rate``)."""
    head, _, rest = key_and_rest.partition(".")
    alternatives = p.scenario.alternatives
    if head.isdigit() and int(head) < len(alternatives) and rest:
        return int(head), rest
    named = [
        (len(alt.name), i)
        for i, alt in enumerate(alternatives)
        if key_and_rest.startswith(alt.name + ".")
    ]
    if not named:
        return None
    size, i = max(named)
    return i, key_and_rest[size + 1 :]


def replaced_terms(p: Portfolio, j: int, i: int) -> set[str]:
    """The fields of alternative ``i`` that workload ``j``'s own terms replace."""
    terms = (p.scenario.workloads or [])[j].alternatives.get(p.scenario.alternatives[i].name)
    if terms is None:
        return set()
    given = set(terms.model_fields_set)
    if given & {"fine_tuned", "input_usd_per_mtok", "output_usd_per_mtok"}:
        given |= {"model", "fine_tuned", "input_usd_per_mtok", "output_usd_per_mtok",
                  "cached_input_usd_per_mtok"}  # fmt: skip
    return given


def route(p: Portfolio, path: str) -> Route:
    """Where the portfolio reads ``path``; :class:`PaybackError` (one line) when it does not.

    - ``workloads.N.traffic.…``, ``workloads.N.baseline.…``: workload N's (its own
      baseline's, or its copy of the scenario's);
    - ``workloads.N.alternatives.I.…`` (I an index or the alternative's name): workload
      N's terms on alternative I (``quality.error_rate``, ``input_usd_per_mtok``,
      ``replica_requests_per_s``, …), or the alternative's own number as workload N reads it;
    - ``workloads.N.one_time.…``, ``alternatives.I.portfolio.…``: the portfolio's own;
    - ``baseline.…``: every workload without a baseline of its own;
    - ``alternatives.I.…``: every workload alternative I serves that gives no term of its
      own for it; ``scenario.…``: every workload.
    """
    parts = path.split(".")
    workloads = p.scenario.workloads or []
    everyone = list(range(len(p.parts)))
    if parts[0] == "workloads":
        if len(parts) < 3 or not parts[1].isdigit() or int(parts[1]) >= len(workloads):
            raise PaybackError(
                f"{path}: no such workload (workloads.0 … workloads.{len(workloads) - 1})"
            )
        j, rest = int(parts[1]), ".".join(parts[2:])
        if parts[2] in ("traffic", "baseline") and len(parts) > 3:
            return Route([j], rest)
        if parts[2] == "one_time":
            return Route([], path)
        if parts[2] == "alternatives" and len(parts) > 4:
            found = _alternative_key(p, ".".join(parts[3:]))
            if found is None:
                raise PaybackError(
                    f"{path}: no such alternative (by index 0 … {len(p.served) - 1} or by name)"
                )
            i, field = found
            if j not in p.served[i]:
                raise PaybackError(
                    f"{path}: {p.scenario.alternatives[i].name!r} does not serve "
                    f"{workloads[j].name!r}"
                )
            return Route([j], f"alternatives.{i}.{field}")
        raise PaybackError(
            f"{path}: not an input the portfolio varies (workloads.{j}.traffic…, .baseline…, "
            ".alternatives.I…, .one_time…)"
        )
    if parts[0] == "alternatives" and len(parts) > 3 and parts[2] == "portfolio":
        return Route([], path)
    if parts[0] == "traffic":
        raise PaybackError(
            f"{path}: with [[workloads]] each workload's traffic is read; vary "
            f"workloads.N.{path} (N = 0..{len(workloads) - 1})"
        )
    if parts[0] == "baseline":
        users = [j for j, w in enumerate(workloads) if w.baseline is None]
        if not users:
            raise PaybackError(
                f"{path}: every workload gives its own baseline; vary workloads.N.{path}"
            )
        return Route(users, path)
    if parts[0] == "alternatives" and len(parts) > 2 and parts[1].isdigit():
        i = int(parts[1])
        if i < len(p.served):
            readers = [j for j in p.served[i] if parts[2] not in replaced_terms(p, j, i)]
            if not readers:
                raise PaybackError(
                    f"{path}: not read: every workload {p.scenario.alternatives[i].name!r} "
                    f"serves gives its own {parts[2]}; vary workloads.N.alternatives.{i}."
                    + ".".join(parts[2:])
                )
            return Route(readers, path)
    return Route(everyone, path)


def part_scale(p: Portfolio, j: int, local: str, central: float) -> float:
    """What a value of a portfolio path that reaches several workloads is multiplied by in
    workload ``j`` (``local`` its path there): 1, but for a capacity each workload's analysis
    estimates at its own lengths, or a hosted API's catalog price it reads at the tier of its
    own input tokens (:data:`~payback.scenario.followed.TIERED_PRICES`), whose portfolio
    value is the first's (:func:`central_value`): a sample moves each by the same ratio (a
    tornado's ±25% on the estimate or the price)."""
    name = local.rpartition(".")[2]
    if (name != "replica_requests_per_s" and name not in TIERED_PRICES) or not central:
        return 1.0
    return float(value_at(p.parts[j].scenario, local)) / float(central)


def central_value(p: Portfolio, path: str) -> Any:
    """The value the portfolio reads at ``path`` (a portfolio path) with nothing varied:
    catalog-derived numbers (an estimated capacity, a catalog price) as resolved; where
    several workloads read it, the first's."""
    where = route(p, path)
    if where.parts:
        return value_at(p.parts[where.parts[0]].scenario, where.local)
    return value_at(p.scenario, path)


def portfolio_field_range(p: Portfolio, path: str) -> FieldRange:
    """What the field at a portfolio path allows (a workload's term: what the
    alternative's own field allows)."""
    from payback.scenario import field_range

    where = route(p, path)
    if where.parts:
        return field_range(p.parts[where.parts[0]].scenario, where.local)
    return field_range(p.scenario, path)
