"""Dotted paths into a scenario: the value a path names and the range its field allows.

A path is the field's place in the file, tables and list indices joined by dots, as in
``alternatives.0.usd_per_gpu_hour``; error messages, sensitivities and solves name fields
so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from payback.errors import PaybackError
from payback.figures import limit_text
from payback.scenario.schema import Scenario

__all__ = ["FieldRange", "field_range", "schema_range", "value_at", "with_value"]


def value_at(scenario: BaseModel, path: str) -> Any:
    """The value at a dotted path of the scenario, e.g. ``alternatives.0.usd_per_gpu_hour``.

    Raises :class:`PaybackError` when the path names nothing.
    """
    node: Any = scenario
    parts = path.split(".")
    while parts:
        part = parts.pop(0)
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise PaybackError(f"{path}: no such field ({part!r} is not an index)")
            node = node[int(part)]
        elif isinstance(node, BaseModel) and part in type(node).model_fields:
            node = getattr(node, part)
        elif isinstance(node, dict):  # a table keyed by name (a name may hold dots)
            rest = ".".join([part, *parts])
            keys = [k for k in node if rest == k or rest.startswith(f"{k}.")]
            if not keys:
                raise PaybackError(f"{path}: no such field in the scenario")
            key = max(keys, key=len)
            node, parts = node[key], rest[len(key) + 1 :].split(".") if rest != key else []
        else:
            raise PaybackError(f"{path}: no such field in the scenario")
    return node


def with_value(scenario: Any, path: str, value: float) -> Any:
    """``scenario`` (a pydantic model) with the field at the dotted ``path`` set to
    ``value`` (whole for a whole-number field), unvalidated: the resolver checks it
    (:func:`value_at`'s twin, for a study that resolves the file again at a value)."""
    return _with_value(scenario, path.split("."), value)


def _with_value(node: Any, parts: list[str], value: float) -> Any:
    """``node`` (a scenario, or a part of one) with the field at the dotted ``parts`` set to
    ``value`` (whole for a whole-number field)."""
    head, rest = parts[0], parts[1:]
    if isinstance(node, list):
        out = list(node)
        out[int(head)] = _with_value(node[int(head)], rest, value)
        return out
    current = getattr(node, head)
    new = (
        _with_value(current, rest, value)
        if rest
        else (round(value) if head == "gpus_per_replica" or type(current) is int else value)
    )
    return node.model_copy(update={head: new})


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
        return f"{'≥' if self.lowest_included else '>'} {limit_text(self.lowest)}"

    def describe_high(self) -> str:
        return f"{'≤' if self.highest_included else '<'} {limit_text(self.highest)}"


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


def schema_range(model: type[BaseModel], name: str) -> FieldRange:
    """The range field ``name`` of ``model`` allows, from its schema constraints alone
    (no other field's value narrows it)."""
    low, high, bounds, types = _bounds(model, name)
    return FieldRange(
        lowest=-math.inf if low is None else low,
        highest=math.inf if high is None else high,
        lowest_included=bounds["gt"] is None,
        highest_included=bounds["lt"] is None,
        is_real=float in types and not any(t in (int, bool, str) for t in types),
    )


def _bounds(
    model: type[BaseModel], name: str
) -> tuple[float | None, float | None, dict[str, float | None], list[Any]]:
    info = model.model_fields[name]
    types, rules = _annotation_parts(info.annotation)
    bounds: dict[str, float | None] = {"ge": None, "gt": None, "le": None, "lt": None}
    for rule in _constraints([*info.metadata, *rules]):
        for attr in bounds:
            if isinstance(getattr(rule, attr, None), int | float):
                bounds[attr] = float(getattr(rule, attr))
    low = bounds["ge"] if bounds["ge"] is not None else bounds["gt"]
    high = bounds["le"] if bounds["le"] is not None else bounds["lt"]
    return low, high, bounds, types


def field_range(scenario: Scenario, path: str) -> FieldRange:
    """The allowed range of the field at a dotted path, from its schema constraints."""
    parent_path, _, name = path.rpartition(".")
    parent = value_at(scenario, parent_path) if parent_path else scenario
    low, high, bounds, types = _bounds(type(parent), name)
    # a replica runs inside one owned server
    owned = getattr(parent, "owned", None)
    if name == "gpus_per_replica" and owned is not None:
        high = min(high if high is not None else math.inf, float(owned.gpus_per_server))
    # a training cost is paid for at least one run (scenario.checks)
    if name == "training_runs" and (
        getattr(parent, "training_usd", None) or getattr(parent, "training", None)
    ):
        low = max(low if low is not None else -math.inf, 1.0)
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
