"""A null in a scenario (YAML's ``~``, ``null`` or a value left empty; ``None`` from
Python): where the field has a default, it is unset, as if the line were not there; where
a value is required, the one line of error names the field, the null as it was written
("= null", "= ~", "is empty") and what the field takes, never Python's ``None``.

TOML has no null, so only YAML files and tables built in Python hold one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, get_args, get_origin

from pydantic import BaseModel

__all__ = [
    "SpelledNulls",
    "non_text_key",
    "null_spellings",
    "null_words",
    "nulls_as_written",
    "scalars_as_written",
    "unset_nulls",
]

_NULL_TAG = "tag:yaml.org,2002:null"
_TEXT_TAG = "tag:yaml.org,2002:str"
_NOT_TEXT_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float", "timestamp")}


def unset_nulls(data: Any, models: Sequence[type[BaseModel]]) -> Any:
    """``data`` (a raw table read as one of ``models``, or a list of them) without the
    nulls of fields that have a default, at every depth: those fields are then unset, as
    if their lines were not there. A table of an option is read as the model its ``kind``
    names; where that is not one of ``models``, its nulls are left to be told.

    >>> from payback.scenario.schema import Traffic
    >>> unset_nulls({"requests_per_month": None, "growth_monthly": None}, [Traffic])
    {'requests_per_month': None}
    """
    if isinstance(data, list):
        return [unset_nulls(item, models) for item in data]
    if not isinstance(data, dict) or not models:
        return data
    model = models[0] if len(models) == 1 else _by_kind(data, models)
    if model is None:
        return data
    out = {}
    for key, value in data.items():
        info = model.model_fields.get(key) if isinstance(key, str) else None
        if info is None:
            out[key] = value
        elif value is None and not info.is_required():
            continue
        elif get_origin(info.annotation) is dict and isinstance(value, dict):  # keyed by name
            inner = _models_in(get_args(info.annotation)[-1])
            out[key] = {k: unset_nulls(v, inner) for k, v in value.items()}
        else:
            out[key] = unset_nulls(value, _models_in(info.annotation))
    return out


def _by_kind(data: Mapping[str, Any], models: Sequence[type[BaseModel]]) -> type[BaseModel] | None:
    """The model of an option table: the one whose ``kind`` it gives."""
    for model in models:
        kind = model.model_fields.get("kind")
        if kind is not None and kind.default == data.get("kind"):
            return model
    return None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Every pydantic model an annotation holds (inside ``list``, ``| None``, an option union)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


class SpelledNulls(dict[str, Any]):
    """A table read from YAML text, with how each null in it was written, by dotted path
    (:func:`null_spellings`), for the messages about a null where a value is required."""

    nulls: Mapping[str, str] = {}
    text: str = ""
    """The YAML text, for the scalars as written (:func:`scalars_as_written`)."""


def null_spellings(node: Any, prefix: str = "") -> dict[str, str]:
    """The nulls under a composed YAML node, by dotted path: ``"~"``, ``"null"`` (as
    written, any case) or ``""`` for a value left empty.

    >>> from ruamel.yaml import YAML
    >>> node = YAML(typ="safe", pure=True).compose("a:\\n  b: ~\\n  c:\\nd: [1, null]\\n")
    >>> null_spellings(node)
    {'a.b': '~', 'a.c': '', 'd.1': 'null'}
    """
    out: dict[str, str] = {}
    if type(node).__name__ == "MappingNode":
        for key, value in node.value:
            if isinstance(key.value, str) and key.value != "<<":
                out |= _spelled(value, f"{prefix}{key.value}")
    elif type(node).__name__ == "SequenceNode":
        for i, value in enumerate(node.value):
            out |= _spelled(value, f"{prefix}{i}")
    return out


def _spelled(node: Any, path: str) -> dict[str, str]:
    if type(node).__name__ == "ScalarNode":
        return {path: str(node.value)} if node.tag == _NULL_TAG else {}
    return null_spellings(node, f"{path}.")


def scalars_as_written(
    node: Any, data: Any, construct: Callable[[Any], Any], prefix: str = ""
) -> dict[str, str]:
    """Each scalar under a composed YAML node that YAML reads as other than text (``yes``,
    ``012``, ``1e3``, ``2026-01-05 10:00:00``), as written, by dotted path, where ``data``
    (the table read from the node, maybe changed since) still holds the value
    ``construct`` reads from it; and each text written without quotes that holds a digit
    (``200_000``, ``200k``: YAML 1.2 reads them as text), the same text, for a message to
    say that YAML read it so rather than that it was quoted.

    >>> from ruamel.yaml import YAML
    >>> reader = YAML(typ="safe", pure=True)
    >>> node = reader.compose("a:\\n  b: True\\n  c: 0x1F\\nd: [1.50, x, 2k, '3k']\\ne: 7\\n")
    >>> data = {"a": {"b": True, "c": 31}, "d": [1.5, "x", "2k", "3k"], "e": 8}
    >>> scalars_as_written(node, data, reader.constructor.construct_object)
    {'a.b': 'True', 'a.c': '0x1F', 'd.0': '1.50', 'd.2': '2k'}
    """
    out: dict[str, str] = {}
    if type(node).__name__ == "MappingNode" and isinstance(data, dict):
        for key, value in node.value:
            if isinstance(key.value, str) and key.value in data:
                found = data[key.value]
                out |= scalars_as_written(value, found, construct, f"{prefix}{key.value}.")
    elif type(node).__name__ == "SequenceNode" and isinstance(data, list):
        for i, (value, found) in enumerate(zip(node.value, data, strict=False)):
            out |= scalars_as_written(value, found, construct, f"{prefix}{i}.")
    elif type(node).__name__ == "ScalarNode" and node.tag in _NOT_TEXT_TAGS:
        read = construct(node)
        if type(read) is type(data) and read == data:
            out[prefix.removesuffix(".")] = str(node.value)
    elif _plain_text_with_digits(node, data):  # 200_000, 200k: YAML 1.2 reads them as text
        out[prefix.removesuffix(".")] = str(node.value)
    return out


def _plain_text_with_digits(node: Any, data: Any) -> bool:
    """Whether a composed YAML node is text written without quotes that holds a digit, and
    ``data`` still holds it."""
    if type(node).__name__ != "ScalarNode" or node.tag != _TEXT_TAG or node.style:
        return False
    return bool(data == node.value and any(c.isdigit() for c in data))


def null_words(path: str, written: str | None) -> str:
    """The start of the line about a null where a value is required: the path and the null
    as written (``null`` when it is not known).

    >>> null_words("traffic.requests_per_month", ""), null_words("baseline.name", "~")
    ('traffic.requests_per_month is empty', 'baseline.name = ~')
    """
    if written == "":
        return f"{path} is empty"
    return f"{path} = {written or 'null'}"


def non_text_key(node: Any, path: tuple[str, ...] = ()) -> tuple[tuple[str, ...], str, int] | None:
    """The first key under a composed YAML node that YAML does not read as text (``1``,
    ``true``, ``2026-12-01``, ``[a, b]``): the path of the table that holds it (list
    entries left out), the key as written (:func:`_key_text`) and its line (from 1); None
    when every key is text.

    >>> from ruamel.yaml import YAML
    >>> non_text_key(YAML(typ="safe", pure=True).compose("a:\\n  b: 1\\n  2: x\\n"))
    (('a',), '2', 3)
    """
    if type(node).__name__ == "MappingNode":
        for key, value in node.value:
            if key.tag != "tag:yaml.org,2002:str" and key.value != "<<":
                return path, _key_text(key), key.start_mark.line + 1
            found = non_text_key(value, (*path, str(key.value)))
            if found is not None:
                return found
    elif type(node).__name__ == "SequenceNode":
        for value in node.value:
            found = non_text_key(value, path)
            if found is not None:
                return found
    return None


def _key_text(node: Any) -> str:
    """A key as written: a scalar's text, a list's or table's source text where it fits on
    its line (``[a, b]``), else ``a list`` or ``a table``.

    >>> from ruamel.yaml import YAML
    >>> keys = YAML(typ="safe", pure=True).compose("? [a, b]\\n: 1\\n? - c\\n  - d\\n: 2\\n")
    >>> [_key_text(key) for key, _ in keys.value]
    ['[a, b]', 'a list']
    """
    if type(node).__name__ == "ScalarNode":
        return str(node.value)
    start, end = node.start_mark, node.end_mark
    buffer = getattr(start, "buffer", None)
    text = buffer[start.index : end.index].strip() if isinstance(buffer, str) else ""
    if text and "\n" not in text and len(text) <= 60:
        return text
    return "a list" if type(node).__name__ == "SequenceNode" else "a table"


def nulls_as_written(before: str, after: str) -> str:
    """``after``, YAML text written back by ruamel.yaml from ``before`` (which writes a
    null as nothing: ``gpu_provider:``), with each null that ``before`` wrote as ``~`` or
    ``null`` at the same path written so again.

    >>> nulls_as_written("a: ~\\nb:\\n  c: null  # why\\n", "a:\\nb:\\n  c:       # why\\n")
    'a: ~\\nb:\\n  c: null  # why\\n'
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    reader = YAML(typ="safe", pure=True)
    try:
        written = {p: w for p, w in null_spellings(reader.compose(before)).items() if w}
        empty = _empty_nulls(reader.compose(after)) if written else []
    except YAMLError:
        return after
    lines = after.split("\n")
    for path, line, column in empty:
        if path not in written or not 0 <= line < len(lines):
            continue
        text = lines[line]
        colon = text.find(":", column)
        rest = text[colon + 1 :]
        if colon < 0 or rest.strip()[:1] not in ("", "#"):  # only a comment may follow
            continue
        spaces = len(rest) - len(rest.lstrip(" "))
        gap = " " * max(1, spaces - len(written[path]) - 1) if rest.strip() else ""
        lines[line] = f"{text[: colon + 1]} {written[path]}{gap}{rest.lstrip(' ')}"
    return "\n".join(lines)


def _empty_nulls(node: Any, prefix: str = "") -> list[tuple[str, int, int]]:
    """Each null written as nothing after a key under a composed YAML node: its path, and
    the line and column (from 0) where its key ends."""
    out: list[tuple[str, int, int]] = []
    if type(node).__name__ == "MappingNode":
        for key, value in node.value:
            path = f"{prefix}{key.value}"
            if type(value).__name__ == "ScalarNode":
                if value.tag == _NULL_TAG and value.value == "":
                    out.append((path, key.end_mark.line, key.end_mark.column))
            else:
                out += _empty_nulls(value, f"{path}.")
    elif type(node).__name__ == "SequenceNode":
        for i, value in enumerate(node.value):
            out += _empty_nulls(value, f"{prefix}{i}.")
    return out
