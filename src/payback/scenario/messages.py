"""The wording of scenario errors: each pydantic validation error as one line that names
the field's dotted path, the value found and what is allowed, with a hint for fractions
and a "did you mean" for a misspelt name."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from payback.figures import written_number
from payback.nearby import ID_CUTOFF, nearest
from payback.scenario.distributions import DISTS, Distribution, stated_end_problem
from payback.scenario.nulls import null_words
from payback.scenario.paths import schema_range
from payback.scenario.schema import KINDS, Scenario, field_docstring
from payback.scenario.words import (
    BOUND_ERRORS,
    DATE_TEXT,
    WrittenFloat,
    beyond_float,
    beyond_float_words,
    bound_words,
    date_problem,
    overflowed,
)
from payback.scenario.words import TYPE_WORDS as _TYPE_WORDS
from payback.scenario.words import as_number as _as_number

__all__ = ["explain_distribution", "explain_errors", "explain_key", "show_value"]

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
    "replica_requests_per_s": "requests per second one replica sustains; 0.0001 is one "
    "request every 2.8 hours, slower than any real replica",
}


_YAML_WORDS = {
    "string_type": "must be text",
    "list_type": "must be a list of tables (entries that start with '- ')",
    "date_type": "must be a date such as 2026-12-01",
    "date_parsing": "must be a date such as 2026-12-01",
}
"""The words of :data:`_TYPE_WORDS` that differ in a YAML file."""


def _type_words(kind: str, value: Any, fmt: str, shown: str = "") -> str:
    """What a field of the type ``kind`` must be, worded for the file's format (TOML or
    YAML), for a date as the value's fault is (``shown``: the value as written)."""
    if kind == "date_type" and isinstance(value, dt.datetime):
        return _TYPE_WORDS["date_from_datetime_inexact"]
    if kind.startswith("int_") and isinstance(value, float) and not math.isfinite(value):
        return "must be a finite whole number (a number past about 1.8e308 reads as infinity)"
    typed = DATE_TEXT.fullmatch(value.strip()) if isinstance(value, str) else None
    if kind in ("date_type", "date_parsing") and typed and date_problem(*typed.groups()):
        return str(date_problem(*typed.groups()))
    if fmt != "yaml":
        return _TYPE_WORDS[kind]
    if kind == "string_type" and isinstance(value, int | float | dt.date):
        return f'must be text; write "{shown or _show(value)}" in quotes to have it read as text'
    if kind in ("date_type", "date_parsing") and typed:
        return f"{_YAML_WORDS[kind]}, without quotes"
    return _YAML_WORDS.get(kind, _TYPE_WORDS[kind])


_LISTS_OF_IDS = {"models"}
"""The scenario's lists of catalog ids (the others are lists of tables: [[alternatives]],
[[workloads]]): a text or a number there must be a list of ids, not "of tables"."""


def _show(value: Any) -> str:
    if value is None:  # YAML's null, as YAML writes it
        return "null"
    if isinstance(value, dt.date | dt.time):  # TOML's 07:32:00 is a time, no date
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, WrittenFloat):  # 1e400 as written, not "inf"
        return value.written
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int):  # 1e30 read as a count, 400 digits past any float: shortened
        return written_number(value)
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
    """The model class that holds the field at ``raw_loc`` (pydantic's loc, tags included;
    a table keyed by name, a workload's ``alternatives."name"``, passes over the name)."""
    model: type[BaseModel] | None = Scenario
    keyed = False
    for part in raw_loc[:-1]:
        if model is None:
            return None
        if isinstance(part, int) or keyed:
            keyed = False
            continue
        if part in KINDS:
            model = KINDS[part]
            continue
        field = model.model_fields.get(part)
        keyed = field is not None and get_origin(field.annotation) is dict
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
    near = nearest(word, choices)
    return f"did you mean {near!r}? " if near else ""


def _literal_line(path: str, value: Any, shown: str, expected: str) -> str:
    """A value not among a field's few names (``expected``: pydantic's "'vllm', 'sglang',
    'trtllm' or 'lean'"), quoted as they are, with the nearest name, found as a GPU id's
    is (:data:`~payback.nearby.ID_CUTOFF`).

    >>> _literal_line("alternatives.0.engine", "vlm", '"vlm"', "'vllm', 'sglang' or 'lean'")
    "alternatives.0.engine = 'vlm': did you mean 'vllm'? allowed: 'vllm', 'sglang' or 'lean'"
    """
    if not isinstance(value, str) or len(value) > 60:
        return f"{path} = {shown}: allowed: {expected}"
    near = nearest(value, re.findall(r"'([^']*)'", expected), cutoff=ID_CUTOFF)
    mean = f"did you mean {near!r}? " if near else ""
    return f"{path} = {value!r}: {mean}allowed: {expected}"


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every pydantic model an annotation holds (each kind of an option union)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


@cache
def _tables() -> tuple[tuple[tuple[str, ...], frozenset[str]], ...]:
    """Each table of a scenario file, by its path of field names (``("alternatives",
    "one_time")``; ``()`` for the top level), with the fields it takes (those of any
    option kind), in the schema's order, shallower tables first."""
    found: dict[tuple[str, ...], set[str]] = {}

    def walk(models: list[type[BaseModel]], names: tuple[str, ...]) -> None:
        for model in models:
            found.setdefault(names, set()).update(model.model_fields)
            for name, info in model.model_fields.items():
                inner = _models_in(info.annotation)
                if inner and len(names) < 4:
                    walk(inner, (*names, name))

    walk([Scenario], ())
    ordered = sorted(found.items(), key=lambda item: len(item[0]))
    return tuple((names, frozenset(fields)) for names, fields in ordered)


def explain_key(path: Sequence[str], key: str, line: int) -> str:
    """The line for a key that is not text (YAML's ``1:`` or ``true:``) in the table at
    ``path`` (field names, list entries left out), with the names allowed there."""
    fields = dict(_tables()).get(tuple(path))
    where = f" in {'.'.join(path)}" if path else ""
    if fields is None:  # a table keyed by name (a workload's terms) or not a scenario's
        return f"line {line}: key {key}{where} is not a name; write a name, in quotes: '{key}'"
    allowed = ", ".join(name for name in _field_order() if name in fields)
    return f"line {line}: key {key}{where} is not a name; allowed here: {allowed}"


@cache
def _field_order() -> tuple[str, ...]:
    """Every field name of a scenario, each once, in the schema's order (a table's fields
    before those of the tables in it)."""
    order: dict[str, None] = {}
    models: list[type[BaseModel]] = [Scenario]
    while models:
        model = models.pop(0)
        order |= dict.fromkeys(model.model_fields)
        for info in model.model_fields.values():
            models += [m for m in _models_in(info.annotation) if m not in models]
        if len(order) > 1000:
            break
    return tuple(order)


def _header(names: Sequence[str]) -> str:
    """A table as its TOML header line: ``[traffic]``, ``[[alternatives]]``,
    ``[alternatives.one_time]``."""
    if len(names) == 1 and names[0] in ("alternatives", "workloads"):
        return f"[[{names[0]}]]"
    return f"[{'.'.join(names)}]"


def _common(a: Sequence[str], b: Sequence[str]) -> int:
    """How many names two tables' paths start with alike."""
    n = min(len(a), len(b))
    return next((k for k in range(n) if a[k] != b[k]), n)


def _belongs_elsewhere(field: str, loc: Sequence[str | int]) -> str:
    """For a field that another table takes (``growth_monthly`` under ``[scenario]``,
    ``quality`` after ``[alternatives.one_time]``): 'did you mean [traffic] growth_monthly?'
    and where to move it; empty when no other table takes it. A table that holds this one
    comes first: a line written after a sub-table's header belongs to that sub-table."""
    here = tuple(str(p) for p in loc[:-1] if not isinstance(p, int))
    if here not in dict(_tables()):  # in a table keyed by name: no other table's field
        return ""
    owners = [names for names, fields in _tables() if field in fields and names != here]
    if not owners:
        return ""
    # stable: shallower first; a table nearer this one first (retrain_every_months in
    # [[alternatives]] is [alternatives.recurring]'s, not [baseline.recurring]'s)
    owners.sort(key=lambda names: (here[: len(names)] != names, -_common(names, here)))
    owner = owners[0]
    if not owner:  # every top-level field is a table of its own
        return f"did you mean {_header([field])}? (a table of its own, not in {_header(here)}); "
    if here[: len(owner)] == owner:
        return (
            f"did you mean {_header(owner)} {field}? (a line after the {_header(here)} header "
            "belongs to that table: move it above that header); "
        )
    return f"did you mean {_header(owner)} {field}? (move it under {_header(owner)}); "


_NOT_OF_A_BASELINE = frozenset({"escalation_share", "one_time", "portfolio"})
"""Fields of an option's kind a baseline refuses (what you do today escalates nowhere, pays
nothing up front and serves every workload): never listed as allowed in the baseline."""


def _explain_one(
    err: Any,
    path: str,
    raw_loc: Sequence[str | int] = (),
    nulls: Mapping[str, str] = {},
    fmt: str = "toml",
) -> list[str]:
    """One error as lines: the path, the value and what is allowed (a null as written,
    ``nulls`` by path: :mod:`payback.scenario.nulls`)."""
    lines: list[str] = []
    loc = _clean_loc(raw_loc) if raw_loc else path.split(".")
    field = str(loc[-1]) if loc else ""
    kind, ctx, value = err["type"], err.get("ctx", {}), err.get("input")
    hint = f" ({_HINTS[field]})" if field in _HINTS else ""
    shown = _as_written(value, nulls.get(path))
    if (null := _null_line(err, path, hint, nulls, fmt)) is not None:
        return [null]
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
    if kind == "missing" and path == "traffic" and isinstance(value, Mapping):
        lines.append(_missing_traffic(value, fmt))
    elif kind == "missing":
        what = "section" if field in Scenario.model_fields else "field"
        doc = _field_doc(raw_loc)
        lines.append(f"{path}: required {what} is missing" + (f" ({doc})" if doc else ""))
    elif kind == "extra_forbidden":
        model = _model_at(raw_loc)
        allowed = list(model.model_fields) if model else []
        if loc[0] == "baseline":  # fields an alternative's kind has, refused of a baseline
            allowed = [f for f in allowed if f not in _NOT_OF_A_BASELINE]
        owner = ".".join(str(p) for p in loc[:-1]) or "the top level"
        this, others = _kind_of(raw_loc), _other_kinds(model, raw_loc, field)
        kind_note = f" of kind {_show(this)}" if model and "kind" in model.model_fields else ""
        if others:  # a field of another kind: said so, not "did you mean" a near name
            lines.append(
                f"{path}: {field} is a field of a {' or '.join(others)} option; this option is "
                f"{this} (allowed: {', '.join(allowed)})"
            )
        else:
            near = _belongs_elsewhere(field, loc) or _suggest(field, allowed)
            unknown = f"unknown field in {owner}{kind_note}"
            if len(loc) == 1 and isinstance(value, (Mapping, list)):  # a table: [foo]
                unknown = "unknown section" + (f" {_header([field])}" if fmt == "toml" else "")
            lines.append(f"{path}: {unknown}; {near}allowed: {', '.join(allowed)}")
    elif kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))  # as text: kind = 1 was shown "1", as if written so
        raw = value.get("kind", tag) if isinstance(value, Mapping) else tag
        lines.append(
            f"{path}.kind = {_show(raw)}: unknown kind; {_suggest(tag, list(KINDS))}"
            f"allowed: {', '.join(KINDS)}"
        )
    elif kind == "union_tag_not_found":
        lines.append(_missing_kind(path, value))
    elif kind in BOUND_ERRORS:
        lines.append(f"{path} = {shown}: {bound_words(kind, ctx)}{hint}")
    elif (kind == "float_type" and beyond_float(value)) or overflowed(kind, value, shown):
        words = beyond_float_words(_model_at(raw_loc) if raw_loc else None, field, value)
        lines.append(f"{path} = {shown}: {words}{hint}")
    elif kind == "literal_error":
        lines.append(_literal_line(path, value, shown, str(ctx.get("expected", ""))))
    elif kind == "too_short" and field == "alternatives":
        entry = "entry (a line starting with '- ')" if fmt == "yaml" else "[[alternatives]] entry"
        lines.append(f"{path}: needs at least one {entry}")
    elif kind in {"too_short", "too_long"}:
        lines.append(_length_line(path, field, kind, ctx, value))
    elif kind == "string_too_short":
        lines.append(f"{path} = {shown}: must not be empty")
    elif kind == "list_type" and field in _LISTS_OF_IDS:
        such = f'["{value}"]' if isinstance(value, str) else '["llama-3.1-8b", "qwen2.5-7b"]'
        lines.append(f"{path} = {_show(value)}: must be a list of model ids, such as {such}")
    elif kind in _TYPE_WORDS:
        words = _type_words(kind, value, fmt, shown)
        number = _as_number(value)
        if number and nulls.get(path) == value:  # 200_000 without quotes: YAML read text
            shown, number = value, _as_number(value, plain=True)
        lines.append(f"{path} = {shown}: {words}{number}{hint}")
    else:
        lines.append(f"{path} = {_show(value)}: {err['msg']}")
    return lines


def _missing_traffic(data: Mapping[str, Any], fmt: str) -> str:
    """The line for a file without ``[traffic]`` (nor ``[[workloads]]`` to take it from):
    what a portfolio needs where the file reads as one (an alternative's ``portfolio``
    serving, a ``portfolio`` section, a section near ``workloads``), else what a single
    scenario needs."""
    toml = fmt == "toml"
    workloads = "[[workloads]] entries" if toml else "a workloads: list"
    traffic = "[traffic]" if toml else "a traffic: table"
    alternatives = data.get("alternatives")
    serving = [
        f"alternatives.{i}.portfolio"
        for i, alt in enumerate(alternatives if isinstance(alternatives, list) else [])
        if isinstance(alt, Mapping) and "portfolio" in alt
    ]
    near = [k for k in data if isinstance(k, str) and _suggest(k, ["workloads"])]
    shown = serving[:1] or [k for k in data if k == "portfolio"] or near[:1]
    if shown:
        return (
            f"traffic: required section is missing; the file reads as a portfolio "
            f"({shown[0]} is given), which needs {workloads}, each with its name and "
            f"traffic (see examples/portfolio.toml); a single scenario gives {traffic} instead"
        )
    return (
        f"traffic: required section is missing (the workload: a single scenario needs "
        f"{traffic}; a portfolio gives {workloads} instead)"
    )


def _as_written(value: Any, written: str | None) -> str:
    """A value as shown in a message: a YAML scalar not read as text as it was written
    (``yes``, ``012``: :func:`payback.scenario.nulls.scalars_as_written`), else :func:`_show`.

    >>> _as_written(True, "yes"), _as_written(12, "012"), _as_written(True, None)
    ('yes', '012', 'true')
    """
    scalar = isinstance(value, bool | int | float | dt.date)
    return written if scalar and written and len(written) <= 60 else _show(value)


def _null_line(
    err: Any, path: str, hint: str, nulls: Mapping[str, str], fmt: str = "yaml"
) -> str | None:
    """A null where a value is required (a field with a default drops its null before
    validation: :func:`payback.scenario.nulls.unset_nulls`), as written, and what the
    field takes; None for any other error."""
    kind, ctx, value = err["type"], err.get("ctx", {}), err.get("input")
    if kind == "union_tag_invalid" and isinstance(value, dict) and value.get("kind") is None:
        written = null_words(f"{path}.kind", nulls.get(f"{path}.kind"))
        return f"{written}: a value is required; allowed: {', '.join(KINDS)}"
    if value is not None or kind in ("missing", "extra_forbidden", "value_error"):
        return None
    rule = (
        f"allowed: {ctx.get('expected', '')}"
        if kind == "literal_error"
        else _type_words(kind, value, fmt)
        if kind in _TYPE_WORDS
        else err["msg"]
    )
    return f"{null_words(path, nulls.get(path))}: a value is required; {rule}{hint}"


_LIST_WORDS = {
    "workloads": ("workload", "leave the field out to serve every workload"),
    "models": ("model id", "leave the field out to use model"),
}
"""What a list field holds, and what to do instead of an empty one."""


def _length_line(path: str, field: str, kind: str, ctx: Mapping[str, Any], value: Any) -> str:
    """A list too short or too long: its path, its length, and the lengths allowed."""
    what, instead = _LIST_WORDS.get(field, ("item", ""))
    length = len(value) if isinstance(value, (list, tuple)) else None
    shown = "[]" if length == 0 else f"a list of {length}" if length is not None else _show(value)
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        rule = f"must name at least {least} {what}" + ("" if least == 1 else "s")
        return f"{path} = {shown}: {rule}" + (f"; {instead}" if instead else "")
    most = ctx.get("max_length")
    return f"{path} = {shown}: at most {most:,} {what}s" if most else f"{path} = {shown}: too long"


def _other_kinds(
    model: type[BaseModel] | None, raw_loc: Sequence[str | int], field: str
) -> list[str]:
    """The other option kinds that take ``field``, unknown to the option at ``raw_loc``."""
    if model is None or "kind" not in model.model_fields:
        return []
    this = _kind_of(raw_loc)
    return [k for k, m in KINDS.items() if k != this and field in m.model_fields]


def _meant(raw_loc: Sequence[str | int]) -> str | None:
    """The field of its own table an unknown field's line asks 'did you mean' (a misspelt
    ``requests_per_mnth``'s ``requests_per_month``); None where it names none, or another
    table's or another kind's field."""
    model, loc = _model_at(raw_loc), _clean_loc(raw_loc)
    field = str(loc[-1])
    if model is None or _other_kinds(model, raw_loc, field) or _belongs_elsewhere(field, loc):
        return None
    return nearest(field, list(model.model_fields))


def _missing_kind(path: str, value: Any) -> str:
    """The line for an option without ``kind``: a misspelt one (``kinf``) as an unknown field
    that means it, else the field missing."""
    fields = set().union(*(m.model_fields for m in KINDS.values()))
    keys = [k for k in value if k not in fields] if isinstance(value, Mapping) else []
    near = next((k for k in keys if _suggest(str(k), ["kind"])), None)
    if near is not None:
        return (
            f"{path}.{near}: unknown field in {path}; did you mean 'kind'? kind is required; "
            f"allowed: {', '.join(KINDS)}"
        )
    return f"{path}.kind: required field is missing (allowed: {', '.join(KINDS)})"


def _kind_of(raw_loc: Sequence[str | int]) -> str | None:
    for part in raw_loc:
        if isinstance(part, str) and part in KINDS:
            return part
    return None


def _field_doc(raw_loc: Sequence[str | int]) -> str:
    model = _model_at(raw_loc)
    if model is None or not isinstance(raw_loc[-1], str):
        return ""
    return field_docstring(model, raw_loc[-1]).split(";")[0].rstrip(".")


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


def explain_errors(
    exc: ValidationError,
    found: Mapping[str, Distribution | None],
    aliases: Mapping[str, str] | None = None,
    nulls: Mapping[str, str] | None = None,
    fmt: str = "toml",
) -> list[str]:
    """The lines for a scenario's validation errors, each once. ``found`` holds the
    distributions the file gave, by path (``None`` for a malformed one, already reported):
    an error about such a field speaks of the distribution. ``aliases`` names the field a
    value was copied from (``traffic.F`` from ``workloads.0.traffic.F``): its error is told
    by that path, once. ``nulls`` says how each null of a YAML file was written, by path
    (:func:`payback.scenario.nulls.null_spellings`), and each scalar YAML reads as other
    than text (``yes``, ``012``: :func:`payback.scenario.nulls.scalars_as_written`).
    ``fmt`` is the file's format, for the words ("text in quotes" in TOML)."""
    problems: list[str] = []
    errors = exc.errors(include_url=False)
    # a section the file names that a scenario has not comes first: a misspelt one is
    # why a required one is missing
    errors.sort(key=lambda e: not (e["type"] == "extra_forbidden" and len(e["loc"]) == 1))
    # a field misspelt is one problem: its line asks 'did you mean' the one it misses
    meant = {(*e["loc"][:-1], _meant(e["loc"])) for e in errors if e["type"] == "extra_forbidden"}
    for err in errors:
        raw = list(err["loc"])
        if err["type"] == "missing" and tuple(raw) in meant:
            continue
        clean = ".".join(str(p) for p in _clean_loc(raw))
        path = (aliases or {}).get(clean, clean)
        if path != clean:  # told as the field it was copied from, its table named alike
            raw = [int(bit) if bit.isdigit() else bit for bit in path.split(".")]
        dist = found.get(path)
        if path not in found or err["type"] == "extra_forbidden":  # a range misspelt too
            problems.extend(_explain_one(err, path, raw, nulls or {}, fmt))
        elif dist is not None and err["type"] in _RANGE_ERRORS:
            problems.append(_central_refused(err, path, dist))
        elif dist is not None:
            holds = _HOLDS.get(err["type"], "something other than a number")
            problems.append(
                f"{path}: a distribution needs a field that holds any number; this one holds {holds}"
            )
    return list(dict.fromkeys(problems))


def _central_refused(err: Any, path: str, dist: Distribution) -> str:
    """The line for a distribution whose central value the field refuses: a stated end
    past the field's range where there is one (the central value of ends both inside it
    is inside it too), else the central value and the rule."""
    model = _model_at(list(err["loc"]))
    if model is not None:
        allowed = schema_range(model, str(err["loc"][-1]))
        stated = stated_end_problem(path, dist, allowed)
        if stated is not None:
            return stated
    rule = _explain_one(err, path, list(err["loc"]))[0].split(": ", 1)[1]
    return f"{path}: the {dist.dist} distribution's central value {dist.central():g} {rule}"


def explain_distribution(path: str, raw: Mapping[str, Any], exc: ValidationError) -> list[str]:
    """The lines for a distribution table at ``path`` that is not a valid distribution."""
    kind = raw.get("dist")
    lines = []
    errors = exc.errors(include_url=False)
    params = [f for f in DISTS[str(kind)].model_fields if f != "dist"] if kind in DISTS else []
    # a parameter misspelt (mod = 60) is one line, that asks 'did you mean' the one missing
    missing = [str(e["loc"][-1]) for e in errors if e["type"] == "missing"]
    extra = [str(e["loc"][-1]) for e in errors if e["type"] == "extra_forbidden"]
    meant = {name: nearest(name, missing) for name in extra}
    for err in errors:
        loc = [p for p in err["loc"] if p not in DISTS]
        where = ".".join([path, *map(str, loc)])
        t = err["type"]
        if t == "union_tag_invalid":
            lines.append(
                f"{path}.dist = {_show(kind)}: unknown distribution; {_suggest(str(kind), list(DISTS))}allowed: {', '.join(DISTS)}"
            )
        elif t == "missing":  # unless a misspelt parameter's line names it
            if loc[-1] not in meant.values():
                lines.append(f"{where}: required by a {kind} distribution")
        elif t == "extra_forbidden":
            near = _suggest(str(loc[-1]), missing)
            lines.append(
                f"{where}: not a parameter of a {kind} distribution; {near}allowed: "
                f"{', '.join(params)}"
            )
        elif t == "value_error":
            lines.append(f"{path}: {kind} distribution {err['ctx']['error']}")
        else:
            lines.extend(f"{line}" for line in _explain_one(err, where))
    return lines


show_value = _show
"""A value as an error line shows it (a calibration file's lines show values so too)."""
