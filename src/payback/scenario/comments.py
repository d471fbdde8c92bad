"""A comment written about a value the page changed, marked as written about the old one:
``growth_monthly = 0.035  # was 0.08: +8% a month: 1M now, ~5.9M in month 24`` (the
download of an edited scenario kept words no longer true of its numbers). Used by
:func:`payback.scenario.edit.with_values` with ``mark_comments``, and by
:func:`marked_values`, the page's download; the comment keeps its column and its words,
every other line stays as the file has it.

The rules, one mark a line, true of the words after it:

- a value changed: its line's comment is marked with the value the file had, as written
  (``# was 0.08: words``); a line with no comment gets none;
- a value inside an inline table (TOML's ``traffic = { requests_per_month = 200000, ... }``,
  YAML's ``x: {low: 1, high: 2}``): the comment of the table's line is marked with the key
  and its old value, several joined by commas in the table's order (``# was
  requests_per_month = 200000: words``, ``key = value`` in YAML too: words, not the file's
  syntax; a key the table did not have: ``growth_monthly not set``);
- a comment marked already (a download opened again and changed again) keeps the value its
  mark names, the one the words were written about: the value in the file as first
  uploaded, before any download, not the one the download wrote (``# was 0.08: ...``
  stays, where a second mark made it ``# was 0.07: was 0.08: ...``); a value changed back
  to the one its mark names loses the mark, its words true again (in an inline table, that
  key leaves the mark).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from payback.scenario.io import Format

__all__ = [
    "WAS",
    "inline_before",
    "keep_range",
    "mark_inline",
    "marked_values",
    "of_the_value",
    "was_comment",
    "yaml_set",
]

WAS = "# was "
"""How a comment after a value the page changed is marked: ``# was 0.08: its words``."""

NOT_SET = " not set"
"""After a key an inline table did not have, in a mark: ``# was growth_monthly not set``."""

_MISSING = object()
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_PLAIN = re.compile(r"[^\s:,={}\[\]\"'#]+")
"""A YAML string a mark can name unquoted (``l4``, ``llama-3.1-8b``)."""
_FIRST = re.compile(r'\[\d+\]|"(?:[^"\\]|\\.)*"|[^.\[]+')
"""The first part of a key a mark names: ``[0]``, ``"a b"``, ``traffic``."""


def was_comment(old: str, comment: str) -> str:
    """A value's end-of-line comment, marked as written about its old value ``old`` (as the
    file wrote it), its words kept after the mark; a comment marked already is kept as it
    is: its words were written about the value its mark names, not ``old``.

    >>> was_comment("0.08", "# +8% a month: 1M now")
    '# was 0.08: +8% a month: 1M now'
    >>> was_comment("0.07", "# was 0.08: +8% a month: 1M now")
    '# was 0.08: +8% a month: 1M now'
    """
    if _mark(comment) is not None:
        return comment
    return _marked(old, comment.strip().removeprefix("#").strip())


def _marked(old: str, words: str) -> str:
    return f"{WAS}{old}: {words}" if words else f"{WAS}{old}"


def _unmarked(words: str) -> str:
    return f"# {words}" if words else "#"


def _split(text: str, separator: str) -> list[str]:
    """``text`` split at each ``separator`` outside quotes and brackets.

    >>> _split('a = {x = 1, y = "b, c"}, d = [1, 2]', ", ")
    ['a = {x = 1, y = "b, c"}', 'd = [1, 2]']
    """
    pieces, start, depth, quote, i = [], 0, 0, "", 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
        elif depth == 0 and text.startswith(separator, i):
            pieces.append(text[start:i])
            start = i + len(separator)
            i = start
            continue
        i += 1
    return [*pieces, text[start:]]


def _one_value(text: str) -> bool:
    """Whether ``text`` is one value as a file writes it (``0.08``, ``"a b"``, ``{x = 1}``)."""
    return bool(text) and len(_split(text, " ")) == 1 and len(_split(text, "\t")) == 1


def _pairs(text: str) -> list[tuple[str, str | None]] | None:
    """The keys and old values a mark on an inline table's line names, ``None`` for the
    value of a whole line (or words that are no such mark).

    >>> _pairs("low = 1, high not set"), _pairs("0.08")
    ([('low', '1'), ('high', None)], None)
    """
    named: list[tuple[str, str | None]] = []
    for piece in _split(text, ", "):
        key_value = _split(piece, " = ")
        if len(key_value) == 2 and _one_value(key_value[0]) and _one_value(key_value[1]):
            named.append((key_value[0], key_value[1]))
        elif piece.endswith(NOT_SET) and _one_value(piece.removesuffix(NOT_SET)):
            named.append((piece.removesuffix(NOT_SET), None))
        else:
            return None
    return named


def _mark(comment: str) -> tuple[str, str] | None:
    """A marked comment's old value (or keys and values) and words, ``None`` if unmarked.

    >>> _mark("# was 0.08: +8% a month: 1M now"), _mark("# was 0.05 last year")
    (('0.08', '+8% a month: 1M now'), None)
    """
    body = comment.strip().removeprefix("#").strip()
    if not body.startswith(WAS[2:]):
        return None
    old, *words = _split(body[len(WAS) - 2 :], ": ")
    if not (_one_value(old) or _pairs(old) is not None):
        return None
    return old, ": ".join(words).strip()


def _same(a: str | None, b: str | None) -> bool:
    """Whether two values as written are the same value (``0.08`` and ``8e-2`` are)."""
    if a is None or b is None:
        return a is b
    try:
        return a == b or float(a.replace("_", "")) == float(b.replace("_", ""))
    except ValueError:
        return False


def _remarked(
    comment: str, old: Mapping[str, str | None], new: Mapping[str, str | None], order: list[str]
) -> str:
    """The comment of an inline table's line, its keys ``old`` → ``new`` (as written), the
    keys a mark names in the table's ``order``."""
    mark = _mark(comment)
    pairs = _pairs(mark[0]) if mark is not None else None
    if mark is None or pairs is None:  # words that start "was 5" are words all the same
        named, words = {}, comment.strip().removeprefix("#").strip()
    else:
        named, words = dict(pairs), mark[1]
    for key, value in old.items():
        if key in named:
            if _same(named[key], new[key]):  # back to the value the words are about
                del named[key]
        elif not _same(value, new[key]):
            named[key] = value
    if not named:
        return _unmarked(words)
    ranked = sorted(named, key=lambda k: _rank(k, order))
    said = (f"{k}{NOT_SET}" if named[k] is None else f"{k} = {named[k]}" for k in ranked)
    return _marked(", ".join(said), words)


def _rank(key: str, order: list[str]) -> int:
    """Where the key a mark names (``a.b``, ``[0].usd``) comes in ``order``, by its first part.

    >>> _rank("[1].usd", ["[0]", "[1]"]), _rank("b.c", ["a", "b"]), _rank("z", ["a"])
    (1, 1, 1)
    """
    first = _FIRST.match(key)
    return order.index(first.group()) if first and first.group() in order else len(order)


def _back(comment: str, new: str | None) -> str:
    """A changed value's comment (marked by :func:`was_comment`), its mark dropped where the
    value is back to the one the mark names."""
    mark = _mark(comment)
    if mark is not None and _one_value(mark[0]) and _same(mark[0], new):
        return _unmarked(mark[1])
    return comment


# ---------------------------------------------------------------- the page's download


def marked_values(text: str, fmt: Format, values: Mapping[str, Any]) -> str:
    """``text`` (a scenario file) with the field at each dotted path set to its value
    (:func:`payback.scenario.edit.with_values`) and the comment on each changed value's line
    marked by the rules above: what the page downloads."""
    from payback.scenario.edit import edited_text, with_values

    edited = with_values(text, fmt, values, mark_comments=True)
    before = _document(text, fmt)
    lines: dict[tuple[str, ...], dict[tuple[str, ...], str | None]] = {}
    for path in values:
        parts = tuple(path.split("."))
        line = _line(before, parts, fmt)
        if line is not None:
            lines.setdefault(line, {})[parts[len(line) :]] = _written(_at(before, parts), fmt)
    changed: list[bool] = []

    def mark(document: Any) -> None:
        for line, old in lines.items():
            holder, key = _at(document, line[:-1]), line[-1]
            item = _at(document, line)
            comment = _comment(holder, key, fmt) if item is not _MISSING else ""
            if not comment:
                continue
            was: str | None = None  # the line's value before, where the comment moves
            if () in old:  # the value of the whole line: with_values kept its column
                now = _back(comment, _written(item, fmt))
            else:
                new = {_key(rel): _written(_at(item, rel), fmt) for rel in old}
                table = _keys(_at(before, line))
                order = table + [k for k in _keys(item) if k not in table]
                now = _remarked(comment, {_key(rel): v for rel, v in old.items()}, new, order)
                was = _written(_at(before, line), fmt)
            if now != comment:
                _set_comment(holder, key, fmt, now, was, item)
                changed.append(True)

    if not lines:
        return edited
    result = edited_text(edited, fmt, mark)
    return result if changed else edited  # a second round trip only where it marks


def inline_before(holder: Any, key: str, fmt: Format) -> tuple[str, dict[str, str | None]] | None:
    """What :func:`mark_inline` needs of ``holder[key]`` before its keys change, where it
    is an inline table (``traffic = {...}``, YAML's ``traffic: {...}``): the table as the
    file writes it, and each first-level key's value so; ``None`` for any other value."""
    table = _at(holder, [key])
    if table is _MISSING or not isinstance(table, Mapping) or not _inline(table, fmt):
        return None
    return str(_written(table, fmt)), {_key([str(k)]): _written(v, fmt) for k, v in table.items()}


def mark_inline(
    holder: Any, key: str, before: tuple[str, dict[str, str | None]] | None, fmt: Format
) -> None:
    """The comment on the line of the inline table ``holder[key]`` marked with the keys
    ``payback usage -o`` changed (``before``: :func:`inline_before`, taken before), by the
    rules above: ``traffic = {requests_per_month = 7396, ...}  # was requests_per_month =
    1000000, growth_monthly = 0.08: one million, +8%``; the starter writes no inline table,
    so none of its words about a field are spared as :func:`of_the_value` spares them."""
    if before is None:
        return
    line, old = before
    comment = _comment(holder, key, fmt)
    if not comment:
        return
    item = _at(holder, [key])
    new = {k: _written(_at(item, [k]), fmt) for k in [*old, *_keys(item)]}
    for k in new:
        old.setdefault(k, None)
    now = _remarked(comment, old, new, [*old])
    if now != comment:
        _set_comment(holder, key, fmt, now, line, item)


def _key(parts: Iterable[str]) -> str:
    """A key inside an inline table as a mark names it: ``requests_per_month``, ``a.b``,
    ``[0].usd``, ``"a b"``."""
    out = ""
    for part in parts:
        if part.isdigit():
            out += f"[{part}]"
        else:
            name = part if _BARE.fullmatch(part) else '"' + part.replace('"', '\\"') + '"'
            out += f".{name}" if out else name
    return out


def _keys(table: Any) -> list[str]:
    """The first-level keys of an inline table (its entries' numbers for a list), as a mark
    names them."""
    if isinstance(table, Mapping):
        return [_key([str(k)]) for k in table]
    return [_key([str(i)]) for i in range(len(table))] if isinstance(table, list) else []


def _document(text: str, fmt: Format) -> Any:
    body = text.replace("\r\n", "\n")
    if fmt == "yaml":
        from ruamel.yaml import YAML

        return YAML().load(body)
    import tomlkit

    return tomlkit.parse(body)


def _at(node: Any, parts: Iterable[str]) -> Any:
    """What is at ``parts`` under ``node`` (a list's entry by its number), or _MISSING."""
    for part in parts:
        if isinstance(node, Mapping):
            node = node.get(part, _MISSING)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _inline(node: Any, fmt: Format) -> bool:
    """Whether ``node`` is a table or list written on its value's line: ``{...}``, ``[...]``."""
    if fmt == "yaml":
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        return isinstance(node, CommentedMap | CommentedSeq) and bool(node.fa.flow_style())
    import tomlkit

    return isinstance(node, tomlkit.items.InlineTable | tomlkit.items.Array)


def _line(document: Any, parts: tuple[str, ...], fmt: Format) -> tuple[str, ...] | None:
    """The path of the value whose line holds the field at ``parts``: the first inline
    table on the way, else the field itself; ``None`` where the file has neither."""
    node = document
    for depth, part in enumerate(parts[:-1]):
        node = _at(node, [part])
        if node is _MISSING:
            return None
        if _inline(node, fmt):
            return parts[: depth + 1]
    return parts if _at(node, parts[-1:]) is not _MISSING else None


def _written(value: Any, fmt: Format) -> str | None:
    """A value as the file writes it; ``None`` for one it does not have."""
    if value is _MISSING:
        return None
    if fmt == "yaml":
        from payback.scenario.edit import yaml_flow

        text = yaml_flow(value)  # a string as YAML reads it: quoted where a mark would not
        return json.dumps(text) if isinstance(value, str) and not _PLAIN.fullmatch(text) else text
    return str(value.as_string()).strip() if hasattr(value, "as_string") else str(value)


def _comment(holder: Any, key: str, fmt: Format) -> str:
    """The comment at the end of the line of ``holder[key]``; '' when none."""
    if fmt == "yaml":
        from payback.scenario.edit import yaml_after

        line = yaml_after(holder, _index(holder, key))[0].partition("\n")[0].strip()
        return line if line.startswith("#") else ""
    trivia = getattr(_at(holder, [key]), "trivia", None)
    return str(trivia.comment) if trivia is not None else ""


def _set_comment(
    holder: Any, key: str, fmt: Format, comment: str, old: str | None, item: Any
) -> None:
    """The comment of ``holder[key]``'s line replaced by ``comment``; in TOML, kept in its
    column where the line's value was written ``old`` and is ``item`` now."""
    if fmt == "yaml":
        from payback.scenario.edit import yaml_after, yaml_set_after

        at = _index(holder, key)
        text, where = yaml_after(holder, at)
        line, nl, rest = text.partition("\n")
        pad = line[: len(line) - len(line.lstrip())]
        yaml_set_after(holder, at, f"{pad}{comment}{nl}{rest}", where)
        return
    trivia = item.trivia
    trivia.comment = comment
    if old is not None:
        column = len(old) + len(trivia.comment_ws)
        trivia.comment_ws = " " * max(1, column - len(_written(item, fmt) or ""))


def _index(holder: Any, key: str) -> Any:
    return int(key) if isinstance(holder, list) else key


def yaml_set(table: Any, key: Any, value: Any, mark: bool) -> None:
    """``table[key] = value`` in a ruamel.yaml table (its comments stay where they were);
    with ``mark``, a comment on the changed value's line marked (:func:`was_comment`)."""
    from payback.scenario.edit import yaml_after, yaml_block, yaml_flow, yaml_set_after

    old = table.get(key)
    table[key] = value
    if not mark or old is None or yaml_block(old) or yaml_flow(old) == yaml_flow(value):
        return
    text, where = yaml_after(table, key)
    line, nl, rest = text.partition("\n")
    if line.lstrip().startswith("#"):
        pad = line[: len(line) - len(line.lstrip())]
        yaml_set_after(table, key, f"{pad}{was_comment(yaml_flow(old), line)}{nl}{rest}", where)


def keep_range(table: Any, key: str, value: Any, fmt: Format) -> bool:
    """``table[key] = value``, a number that replaces a distribution the file gave
    (``payback usage -o`` writing a measured value where the file had a range), with a
    comment on its line that keeps the range as the file wrote it, the line's own words
    after it: ``requests_per_month = 1461  # was {dist = "triangular", low = 150000, mode =
    200000, high = 320000}: our guess``; comment lines after the range stay. Whether the
    range could be kept: not on a line that holds other values too (``traffic = {...}``,
    YAML's ``traffic: {...}``); a dotted key's line keeps it as a table's does
    (``traffic.requests_per_month = 1461  # was {...}: our guess``).

    >>> import tomlkit
    >>> doc = tomlkit.parse('[traffic]\\nx = {dist = "uniform", low = 1, high = 3}  # a guess\\n')
    >>> keep_range(doc["traffic"], "x", 2, "toml"), tomlkit.dumps(doc).splitlines()[1]
    (True, 'x = 2  # was {dist = "uniform", low = 1, high = 3}: a guess')
    """
    old = table[key]
    if fmt == "yaml":
        return _yaml_keep_range(table, key, value)
    import tomlkit

    if isinstance(table, tomlkit.items.InlineTable):
        table[key] = value
        return False
    flow = tomlkit.inline_table()
    flow.update({k: v.unwrap() if hasattr(v, "unwrap") else v for k, v in old.items()})
    words = (
        old.trivia.comment
        if isinstance(old, tomlkit.items.InlineTable)
        else "; ".join(
            _words(v.trivia.comment) for v in old.value.values() if v.trivia.comment.strip("# ")
        )
    )  # a range on lines of its own (``x.dist = "uniform"  # a guess``): each line's words
    table[key] = value
    new = table[key]
    new.trivia.comment = was_comment(flow.as_string().strip(), words)
    new.trivia.comment_ws = "  "
    table[key] = new  # for dotted keys (a proxy), table[key] is a copy: put it in itself
    return True


def _words(comment: str) -> str:
    return comment.strip().removeprefix("#").strip()


def _yaml_keep_range(table: Any, key: str, value: Any) -> bool:
    """:func:`keep_range` in a ruamel.yaml table."""
    from ruamel.yaml.error import CommentMark

    from payback.scenario.edit import yaml_after, yaml_block, yaml_flow, yaml_set_after

    old = table[key]
    if table.fa.flow_style():
        table[key] = value
        return False
    text, _ = yaml_after(table, key)  # the comment and lines after the range's last line
    line, _, rest = text.partition("\n")
    if yaml_block(old):  # a comment after the key (``x:  # words``); the last line's is its own
        token = old.ca.comment[0] if old.ca.comment else None
        line = str(token.value).partition("\n")[0] if token is not None else ""
    elif not line.lstrip().startswith("#"):  # no words on the range's line
        line, rest = "", text
    table[key] = value
    column = table.lc.key(key)[1] + len(f"{key}: {yaml_flow(value)}  ")
    words = was_comment(yaml_flow(old), line)
    yaml_set_after(table, key, f"{words}\n{rest}", CommentMark(column))
    return True


@cache
def _starter_words() -> frozenset[str]:
    """The words payback's starter scenario writes after each ``[traffic]`` number: about
    the field (``mean prompt tokens per request``), true of any value."""
    text = resources.files("payback").joinpath("data/starter.toml").read_text(encoding="utf-8")
    section = text.split("[traffic]", 1)[1].split("\n[", 1)[0]
    return frozenset(
        line.split("#", 1)[1].strip()
        for line in section.splitlines()
        if "=" in line and "#" in line
    )


def of_the_value(table: Any, key: str, fmt: Format) -> bool:
    """Whether the comment after ``table[key]`` may be about its value (``# +8% a month: 1M
    now``), so that ``payback usage -o`` marks it with the value it replaces: any but the
    starter's words about the field (``# in month 1``), which stay true of a measured one."""
    if key not in table:  # a number new to the file: no words after it
        return False
    if fmt == "yaml":
        from payback.scenario.edit import yaml_after

        comment = yaml_after(table, key)[0].partition("\n")[0]
    else:
        comment = getattr(getattr(table.get(key), "trivia", None), "comment", "") or ""
    return comment.strip().removeprefix("#").strip() not in _starter_words()
