"""A TOML syntax error as one line that names the field, the value as written and what is
allowed: the parser (tomllib) gives only a position and its own words ("Expected newline
or end of document after a statement (at line 12, column 25)"); the field is read from the
text of that line and the ``[table]`` header above it. Where the line cannot be read that
way, the parser's own message is kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Sequence
from typing import Any, get_args

from pydantic import BaseModel

from payback.figures import typed_number
from payback.scenario.docstrings import field_docstring
from payback.scenario.messages import _HINTS
from payback.scenario.schema import Scenario
from payback.scenario.words import _SUCH, DATE_TEXT, date_problem

__all__ = ["explain_toml_error"]

_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_KEY_PART = r'(?:[A-Za-z0-9_-]+|"[^"\n]*"|\'[^\'\n]*\')'
_KEY = re.compile(rf"\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=\s*")
_HEADER = re.compile(rf"\s*(\[\[?)\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*\]\]?\s*(?:#.*)?$")
_PART = re.compile(r'"[^"\n]*"|\'[^\'\n]*\'|[^.\s]+')


def explain_toml_error(text: str, message: str) -> str | None:
    """``line N: path = value: what is wrong; what to write`` for tomllib's ``message``
    about ``text``; None where the line cannot be read as a field.

    >>> explain_toml_error("[traffic]\\nrequests_per_month = 200,000\\n",
    ...     "Expected newline or end of document after a statement (at line 2, column 25)")
    'line 2: traffic.requests_per_month = 200,000: a number is written without separators or suffixes; write 200000'
    """
    lines = text.replace("\r\n", "\n").split("\n")
    if message.startswith(("Cannot overwrite a value", "Cannot declare")):
        return _repeated(lines)
    at = _AT.search(message)
    opened = _open_literal(lines) if message.startswith('Expected "\'"') else None
    if opened is not None:  # text in '...' left open: the parser says only the document's end
        number, column = opened, len(lines[opened - 1]) + 1
    elif at is None or not 1 <= int(at.group(1)) <= len(lines):
        return None
    else:
        number, column = int(at.group(1)), int(at.group(2))
    line = lines[number - 1]
    key = _KEY.match(line)
    if key is None or _HEADER.match(line):
        return None
    names, value = _parts(key.group(1)), line[key.end() :]
    if _unclosed_brace(value):  # the parser's words name the next line's first character
        path = ".".join(_table_of(lines, number - 1) + names)
        return (
            f"line {number}: {path} = {_value_text(value)}: an inline table {{ ... }} must "
            "stay on one line in TOML 1.0; write it on one line, with its closing }"
        )
    if value.lstrip().startswith("{"):  # an inline table: the key before the error
        inner = [m for m in _KEY.finditer(value) if m.start() < column - 1 - key.end()]
        if inner:
            names += _parts(inner[-1].group(1))
            value = value[inner[-1].end() :]
            value = re.split(r"[,}]\s*(?:[A-Za-z_\"']|$)", value, maxsplit=1)[0]
    written = _value_text(value)
    if _reads(written):  # the fault lies past the value: not this field's to tell
        return None
    path = ".".join(_table_of(lines, number - 1) + names)
    problem = _problem(written, names[-1])
    hint = f" ({_HINTS[names[-1]]})" if problem and names[-1] in _HINTS else ""
    if problem is None:  # the parser's words, on the field's line
        problem = message if at is None else message[: at.start()]
    if written[:1] in "\"'" and ("'\\n'" in message or opened):  # text left open at its end
        problem = f"text needs its closing quote ({written[0]}) before the line ends"
    shown = written if len(written) <= 60 else written[:57] + "..."
    return f"line {number}: {path} = {shown}: {problem}{hint}"


def _open_literal(lines: Sequence[str]) -> int | None:
    """The line (from 1) of the first field whose text in single quotes is not closed on
    it: tomllib says only ``Expected "'" (at end of document)`` where no later ``'`` ends
    it; None where there is none.

    >>> _open_literal(["[a]", "name = 'fine-tuned 7B", 'kind = "self_hosted"'])
    2
    """
    for number, line in enumerate(lines, 1):
        key = _KEY.match(line)
        value = "" if key is None else line[key.end() :].lstrip()
        if value.startswith("'") and not value.startswith("'''") and "'" not in value[1:]:
            return number
    return None


def _unclosed_brace(value: str) -> bool:
    """Whether the value as written opens an inline table ``{`` that its line does not
    close (quoted text and a comment left out), as a table wrapped over two lines does.

    >>> _unclosed_brace('{ dist = "triangular",'), _unclosed_brace('{ a = "}", b = 1 } # {')
    (True, False)
    """
    value = value.strip()
    if not value.startswith("{"):
        return False
    depth, quote = 0, ""
    for char in value:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            break
        else:
            depth += {"{": 1, "}": -1}.get(char, 0)
    return depth > 0


def _reads(written: str) -> bool:
    """Whether TOML reads ``written`` as a value."""
    try:
        tomllib.loads(f"x = {written}")
    except tomllib.TOMLDecodeError:
        return False
    return True


def _parts(key: str) -> list[str]:
    """A dotted key's names, each as a path writes it: bare where it can be, else quoted."""
    names = [p[1:-1] if p[:1] in "\"'" else p for p in _PART.findall(key)]
    return [n if re.fullmatch(r"[A-Za-z0-9_-]+", n) else f'"{n}"' for n in names]


def _value_text(value: str) -> str:
    """The value as written: up to a comment (outside quotes), trimmed."""
    value = value.strip()
    if value[:1] in ('"', "'"):
        end = value.find(value[0], 1)
        return value if end < 0 else value[: end + 1]
    return value.split("#", 1)[0].strip().rstrip("}").strip()


def _problem(written: str, field: str) -> str | None:
    """What is wrong with a value TOML does not read, and how to write it, by the type
    ``field`` takes (:func:`_field_kinds`); None when not known.

    >>> _problem("1 000", "requests_per_month"), _problem("10%", "requests_per_month")
    ('a number is written without separators or suffixes; write 1000', 'must be a number, not a percentage (requests in month 1)')
    """
    if not written:
        return "no value after '='; write one, or leave the line out"
    kind = _field_kinds().get(field)
    if kind == "text" and not re.search(r"[\"'\[\]{}]", written):
        return f'text is written in quotes; write "{written}"'
    if kind in ("whole", "number", "share"):
        return _number_problem(written, field, kind)
    date = DATE_TEXT.fullmatch(written)
    if date and kind in ("date", None):
        return date_problem(*date.groups())
    lowered = written.lower()
    if lowered in ("true", "yes", "on", "false", "no", "off") and kind in ("flag", None):
        word = "true" if lowered in ("true", "yes", "on") else "false"
        return f"a flag is true or false, in lower case; write {word}"
    if kind == "date":
        return f"not a date; {_SUCH}"
    if kind == "flag":
        return "must be true or false"
    number = typed_number(written)
    if number is not None:
        if re.fullmatch(r"[-+]?0\d+", written):
            return f"a number is written without leading zeros; write {number}"
        return f"a number is written without separators or suffixes; write {number}"
    if re.fullmatch(r"[A-Za-z][^\"'=\[\]{}]*", written):
        return "not a number, true or false, or text in quotes"
    return None


def _number_problem(written: str, field: str, kind: str) -> str:
    """What is wrong with a value TOML does not read, where ``field`` takes a number
    (``kind``: ``whole``, ``number`` or a ``share``, written as a fraction)."""
    words = "must be a whole number" if kind == "whole" else "must be a number"
    if DATE_TEXT.fullmatch(written):
        return f"{words}, not a date"
    spaced = re.fullmatch(r"([-+]?\d{1,3}(?: \d{3})+)(\.\d+)?", written)
    number = written.replace(" ", "") if spaced else typed_number(written)
    if number is None:
        return words
    if "%" in written:
        if kind == "share":
            return f"a share is written as a fraction; write {number}"
        doc = _field_docs().get(field, "")
        return f"{words}, not a percentage" + (f" ({doc})" if field not in _HINTS and doc else "")
    if kind == "whole" and not re.fullmatch(r"-?\d+", number):
        return words
    if re.fullmatch(r"[-+]?0\d+", written):
        return f"a number is written without leading zeros; write {number}"
    return f"a number is written without separators or suffixes; write {number}"


@functools.cache
def _field_kinds() -> dict[str, str]:
    """What each field of the scenario takes, by name (in any table): ``text``, ``flag``,
    ``date``, ``whole`` (a count), ``number`` or ``share`` (a fraction); a name whose
    tables disagree is left out.

    >>> kinds = _field_kinds()
    >>> kinds["name"], kinds["start_date"], kinds["horizon_months"], kinds["growth_monthly"]
    ('text', 'date', 'whole', 'share')
    """
    found: dict[str, set[str]] = {}
    for model, name, annotation in _fields():
        kinds = [
            k
            for k, t in (("flag", bool), ("date", dt.date), ("whole", int), ("text", str))
            if _holds(annotation, t)
        ]
        if _holds(annotation, float):
            doc = field_docstring(model, name)
            kinds.append("share" if doc.startswith("Share") or "a fraction" in doc else "number")
        found.setdefault(name, set()).add(kinds[0] if len(kinds) == 1 else "")
    return {
        name: next(iter(kinds))
        for name, kinds in found.items()
        if len(kinds) == 1 and "" not in kinds
    }


@functools.cache
def _field_docs() -> dict[str, str]:
    """The first sentence of each field's docstring, by name (the first table's), from a
    small letter: ``requests in month 1``."""
    docs: dict[str, str] = {}
    for model, name, _ in _fields():
        doc = field_docstring(model, name).split(";")[0].split(". ")[0].rstrip(".")
        doc = re.sub(r"\s*\([^()]*\)$", "", doc)  # its range: the message is in parentheses
        if doc and name not in docs:
            docs[name] = doc[0].lower() + doc[1:]
    return docs


def _fields() -> list[tuple[type[BaseModel], str, Any]]:
    """Each field of the scenario: its model, name and annotation (every table, once)."""
    out: list[tuple[type[BaseModel], str, Any]] = []
    seen: set[type[BaseModel]] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            out.append((model, name, info.annotation))
            for inner in _models(info.annotation):
                walk(inner)

    walk(Scenario)
    return out


def _holds(annotation: Any, kind: type) -> bool:
    """Whether ``annotation`` takes a ``kind`` (a ``Literal`` of them too)."""
    if annotation is kind or isinstance(annotation, kind):
        return True
    return any(_holds(a, kind) for a in get_args(annotation))


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models(arg)]


def _tables(lines: Sequence[str]) -> list[tuple[int, list[str], bool]]:
    """Each ``[table]`` header: its line (from 0), its path (an array's entry by its
    index: ``alternatives.1.one_time``) and whether it is an array entry (``[[...]]``)."""
    counts: dict[tuple[str, ...], int] = {}
    out = []
    for i, line in enumerate(lines):
        header = _HEADER.match(line)
        if header is None:
            continue
        names, path = _parts(header.group(2)), []
        for j, name in enumerate(names):
            path.append(name)
            entries = counts.get(tuple(names[: j + 1]))
            if entries is not None and (j < len(names) - 1 or header.group(1) == "["):
                path.append(str(entries - 1))
        array = header.group(1) == "[["
        if array:
            counts[tuple(names)] = counts.get(tuple(names), 0) + 1
            path.append(str(counts[tuple(names)] - 1))
        out.append((i, path, array))
    return out


def _table_of(lines: Sequence[str], index: int) -> list[str]:
    """The path of the table that holds line ``index`` (from 0); [] at the top."""
    above = [path for i, path, _ in _tables(lines) if i < index]
    return above[-1] if above else []


def _repeated(lines: Sequence[str]) -> str | None:
    """``line N: path given twice (first on line M)`` for the first key or table header
    given twice; None when none is found."""
    headers = {i: (path, array) for i, path, array in _tables(lines)}
    seen: dict[tuple[str, ...], int] = {}
    table: list[str] = []
    for i, line in enumerate(lines):
        if i in headers:
            table, array = headers[i]
            where = tuple(table)
            if not array and where in seen:
                name = ".".join(table)
                return f"line {i + 1}: [{name}] given twice (first on line {seen[where] + 1})"
            seen[where] = i
            continue
        key = _KEY.match(line)
        if key is None:
            continue
        where = (*table, *_parts(key.group(1)))
        if where in seen:
            return f"line {i + 1}: {'.'.join(where)} given twice (first on line {seen[where] + 1})"
        seen[where] = i
    return None
