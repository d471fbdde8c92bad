"""Changes to a scenario file's text that keep what the user wrote: comments, layout (YAML
indents, long lines, quotes) and line endings. TOML is edited with tomlkit, YAML with
ruamel.yaml's round trip; both are imported only here, when a change is made.

- :func:`with_traffic`: only ``[traffic]``'s numbers replaced (``payback usage -o``);
- :func:`file_with_traffic`: that, for a file, or a new scenario from the starter;
- :func:`edited_text` and :func:`yaml_replace_lines`: the round trip other changes use
  (:func:`payback.studies.rewrite.with_winner` writes a recommended configuration with them,
  each line it replaces kept as a comment);
- :func:`with_values`: fields set or removed by dotted path (the page's download).

Nothing here writes a file: each returns the new text and what to tell about it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import payback.scenario.comments as marks
from payback.errors import PaybackError
from payback.limits import MAX_SCENARIO_BYTES, check_output, read_input
from payback.scenario.comments import keep_range, of_the_value, was_comment, yaml_set
from payback.scenario.io import (
    Format,
    parse_scenario,
    scenario_data_from_text,
    scenario_format,
)
from payback.scenario.nulls import nulls_as_written
from payback.scenario.rounding import TRAFFIC_DIGITS, written_traffic

if TYPE_CHECKING:
    from payback.scenario.schema import Scenario

__all__ = [
    "REPLACED",
    "SCENARIO_SECTIONS",
    "TRAFFIC_DIGITS",
    "Edit",
    "edited_text",
    "file_with_traffic",
    "starter_with_traffic",
    "with_traffic",
    "with_values",
    "yaml_after",
    "yaml_block",
    "yaml_flow",
    "yaml_from_toml",
    "yaml_replace_lines",
    "yaml_set_after",
]

REPLACED = "# replaced by payback recommend: "
"""How a line a change replaces stays in the file: as a comment under the new one."""

SCENARIO_SECTIONS = ("scenario", "traffic", "baseline", "alternatives")
"""The top-level tables of a scenario; a file with none of them is not one."""


@dataclass(frozen=True)
class Edit:
    """A scenario file's new text, and what to tell about the change."""

    text: str
    notes: list[str] = field(default_factory=list)
    """What changed besides the obvious, one line each."""
    warnings: list[str] = field(default_factory=list)
    """Something the file gave that the change dropped, one line each."""
    created: bool = False
    """A new scenario (the starter's) rather than the file's own text changed."""


# ---------------------------------------------------------------- measured traffic


def with_traffic(
    text: str,
    fmt: Format,
    traffic: Mapping[str, float],
    replaced: list[str] | None = None,
) -> str:
    """``text`` (a scenario file) with only ``[traffic]``'s numbers replaced, comments,
    layout (YAML indents, long lines) and line endings kept. Raises :class:`PaybackError`
    if ``text`` is not valid TOML/YAML or its ``traffic`` is not a table. A value that was a
    distribution is named in ``replaced`` (when given) before being replaced."""
    values = written_traffic(traffic)

    def change(document: Any) -> None:
        if fmt == "yaml":
            from ruamel.yaml.comments import CommentedMap

            if document.get("traffic") is None:  # absent, or `traffic:` with nothing under it
                document["traffic"] = CommentedMap()
        else:
            import tomlkit

            if "traffic" not in document:
                document["traffic"] = tomlkit.table()
            if isinstance(document["traffic"], tomlkit.items.AoT):
                raise PaybackError("[[traffic]] is a list of tables, not one table; left as it is")
        section = document["traffic"]
        _traffic_table(section, "traffic")
        before = marks.inline_before(document, "traffic", fmt)  # one line: one comment for all
        for key, value in values.items():
            old = section.get(key)
            if not isinstance(old, Mapping):
                _set(section, key, value, fmt, mark=of_the_value(section, key, fmt))
                continue
            kept = keep_range(section, key, value, fmt)  # a range the user gave: kept, and said
            if replaced is not None:
                replaced.append(_replacing(key, old, value, kept))
        marks.mark_inline(document, "traffic", before, fmt)

    return edited_text(text, fmt, change)


def _set(table: Any, key: str, value: Any, fmt: Format, mark: bool = False) -> None:
    """``table[key] = value``; in TOML, a comment after the old value stays in its column
    (tomlkit keeps the spaces before it, so a shorter value pulled it left and a longer one
    pushed it right), at least one space after the new value. With ``mark``, a comment
    after a value that changed says what the value was
    (:func:`~payback.scenario.comments.was_comment`): its words were written about the old
    value and may no longer be true."""
    if fmt == "yaml":
        yaml_set(table, key, value, mark)
        return
    old = table.get(key)
    table[key] = value
    trivia = getattr(old, "trivia", None)
    if old is None or trivia is None or not trivia.comment or not hasattr(old, "as_string"):
        return
    new = table[key]
    if mark and new.as_string() != old.as_string():
        new.trivia.comment = was_comment(old.as_string(), trivia.comment)
    column = len(old.as_string()) + len(trivia.comment_ws)  # from the value's start
    new.trivia.comment_ws = " " * max(1, column - len(new.as_string()))
    table[key] = new  # for dotted keys (a proxy), table[key] is a copy: put it in itself


def starter_with_traffic(traffic: Mapping[str, float]) -> str:
    """The starter scenario (TOML, with its comments) with ``traffic`` in ``[traffic]``."""
    starter = resources.files("payback").joinpath("data/starter.toml")
    return with_traffic(starter.read_text(encoding="utf-8"), "toml", traffic)


def file_with_traffic(
    path: str | Path,
    traffic: Mapping[str, float],
    new: Callable[[], str] | None = None,
    refresh: Callable[[str, Format], tuple[str, list[str]]] | None = None,
) -> Edit:
    """What ``payback usage -o path`` writes: the scenario at ``path`` with measured traffic
    (:func:`with_traffic`), or where ``path`` is new or empty, ``new()`` (a scenario in
    TOML, with its comments; by default the starter with the traffic), in the path's format.

    An existing file is changed only when it is a scenario and stays a valid one; its
    byte-order mark and line endings are kept. Values it held as distributions are named
    in :attr:`Edit.warnings`. ``refresh(text, format)``, where given, changes an existing
    file's text further (the words payback wrote about the traffic) and gives the lines
    for :attr:`Edit.notes`. Raises :class:`PaybackError` ending "left as it is" otherwise.
    """
    path, fmt, text, bom = _traffic_target(path)
    if not text.strip():  # an empty file gets the starter, as a new one would
        made = new() if new is not None else starter_with_traffic(traffic)
        _still_valid(made, "toml", path, "not written")
        if fmt == "yaml":  # the comments come along
            made = yaml_from_toml(made)
            _still_valid(made, "yaml", path, "not written")
        return Edit(made, created=True)
    replaced: list[str] = []
    try:
        updated = with_traffic(text, fmt, traffic, replaced)
    except PaybackError as exc:
        raise PaybackError(f"{path}: {exc}") from None
    notes: list[str] = []
    if refresh is not None:
        updated, notes = refresh(updated, fmt)
    _still_valid(updated, fmt, path, "left as it is")
    return Edit(
        ("\ufeff" if bom else "") + updated,
        notes=[f"{path}: {line}" for line in notes],
        warnings=[f"{path}: {line}" for line in replaced],
    )


def check_traffic_target(path: str | Path) -> None:
    """Raise where ``payback usage -o path`` could not update ``path`` whatever traffic it
    measures (a folder, an unreadable file, not TOML or YAML, not a scenario, a portfolio,
    a ``traffic`` that is not a table): told before the logs are read, which on a large
    table takes minutes. Refusals that depend on the measured numbers come after them
    (:func:`file_with_traffic`)."""
    path, fmt, text, _ = _traffic_target(path)
    if text.strip():
        try:
            with_traffic(text, fmt, {})
        except PaybackError as exc:
            raise PaybackError(f"{path}: {exc}") from None


def _traffic_target(path: str | Path) -> tuple[Path, Format, str, bool]:
    """The output path checked, its format, its text and whether it began with a byte-order
    mark; where it holds text, one that is a single scenario (:func:`file_with_traffic`)."""
    path = check_output(path)
    fmt = scenario_format(path)
    if path.is_dir():
        raise PaybackError(f"{path}: is a directory")
    text, bom = "", False
    if path.exists():
        try:
            raw = read_input(path, "a scenario file", MAX_SCENARIO_BYTES)
            bom = raw.startswith(b"\xef\xbb\xbf")
            text = raw.decode("utf-8-sig")
        except PaybackError as exc:
            raise PaybackError(f"{exc.messages[0]}; left as it is") from None
        except UnicodeDecodeError as exc:
            raise PaybackError(f"{path}: cannot read ({exc}); left as it is") from None
    if not text.strip():
        return path, fmt, text, bom
    try:
        data = scenario_data_from_text(text, fmt, str(path))
    except PaybackError as exc:
        raise PaybackError(f"{exc.messages[0]}; left as it is") from None
    if not any(key in data for key in SCENARIO_SECTIONS):
        raise PaybackError(
            f"{path}: does not look like a payback scenario (no [scenario], [traffic], "
            "[baseline] or [alternatives]); left as it is"
        )
    if data.get("workloads"):  # the portfolio views read each workload's traffic
        raise PaybackError(
            f"{path}: lists workloads (a portfolio), whose views read each workload's own "
            "[workloads.traffic], not [traffic]; put the measured numbers in that workload's "
            "traffic by hand; left as it is"
        )
    return path, fmt, text, bom


def _still_valid(text: str, fmt: Format, path: Path, outcome: str) -> Scenario:
    """The scenario ``text`` holds with the measured [traffic] in; else one line, ending in
    ``outcome``: measured numbers a scenario does not allow (growth over 100 % a month)."""
    try:
        return parse_scenario(scenario_data_from_text(text, fmt, str(path)), source=str(path))
    except PaybackError as exc:
        problem = exc.messages[0].removeprefix(f"{path}: ")
        raise PaybackError(
            f"{path}: with the measured [traffic] it would not be a valid scenario "
            f"({problem}); {outcome}"
        ) from None


def _traffic_table(section: Any, key_kind: str) -> None:
    if not isinstance(section, Mapping):
        kind = "a list" if isinstance(section, list) else f"the value {section!r}"
        raise PaybackError(f"{key_kind} is {kind}, not a table of numbers; left as it is")


def _replacing(key: str, old: Mapping[str, Any], value: Any, kept: bool) -> str:
    """The warning for a range the user gave (``old``) replaced by a measured ``value``."""
    bounds = ", ".join(f"{k} = {v}" for k, v in old.items() if k != "dist")
    return (
        f"traffic.{key} was a {old.get('dist', 'distribution')} range ({bounds}); replaced "
        f"by the measured {value}" + ("; the range is kept in a comment after it" if kept else "")
    )


# ---------------------------------------------------------------- values by path


def with_values(
    text: str, fmt: Format, values: Mapping[str, Any], *, mark_comments: bool = False
) -> str:
    """``text`` (a scenario file) with the field at each dotted path set to its value
    (``alternatives.0.one_time.data_usd``; ``None`` removes the field), tables that are
    missing made, and the comments, layout and line endings kept. Raises
    :class:`PaybackError` if ``text`` is not valid TOML/YAML or a path runs through a
    value that is not a table. With ``mark_comments`` (the page's download), a comment on
    the line of a value that changed is marked with the old value (``# was 0.08: ...``)."""

    def change(document: Any) -> None:
        made: list[Any] = []
        for path, value in values.items():
            *parents, last = path.split(".")
            node = document
            for depth, part in enumerate(parents):
                if isinstance(node, list):
                    node = node[int(part)]
                    continue
                if not isinstance(node, MutableMapping):
                    raise PaybackError(f"{'.'.join(parents[:depth])} is not a table")
                if part not in node or node[part] is None:
                    if value is None:
                        break
                    node[part] = _new_table(fmt)
                    made.append(node[part])
                node = node[part]
            else:
                if not isinstance(node, MutableMapping):
                    raise PaybackError(f"{'.'.join(parents)} is not a table")
                if value is None:
                    if last in node:
                        del node[last]
                else:
                    _set(node, last, value, fmt, mark_comments)
        if fmt == "toml":
            import tomlkit

            for table in made:  # a blank line after a new table, as before the others
                if len(table):
                    table.add(tomlkit.nl())

    return edited_text(text, fmt, change)


def _new_table(fmt: Format) -> Any:
    if fmt == "yaml":
        from ruamel.yaml.comments import CommentedMap

        return CommentedMap()
    import tomlkit

    return tomlkit.table()


# ---------------------------------------------------------------- round trips


def edited_text(text: str, fmt: Format, change: Callable[[Any], None]) -> str:
    """``text`` read as a tomlkit document or a ruamel.yaml round-trip table, changed in
    place by ``change`` and written back in its own layout and line endings."""
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
        change(data)
        out = io.StringIO()
        handler.dump(data, out)
        result = nulls_as_written(body, out.getvalue())  # ~ stays ~, not left empty
    else:
        import tomlkit

        try:
            document = tomlkit.parse(body)
        except tomlkit.exceptions.ParseError as exc:
            raise PaybackError(f"not valid TOML, left as it is: {exc}") from None
        change(document)
        result = tomlkit.dumps(document)
    return result.replace("\n", "\r\n") if crlf else result


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


def yaml_replace_lines(
    table: Any, apply: Callable[[Any], object], document: Any, lines: list[str]
) -> list[str]:
    """``apply(document)`` (which changes ``table``, a ruamel.yaml mapping read from
    ``lines``), with each line it replaces or removes kept as a comment where the line was
    (``# replaced by payback recommend: ...``), every other comment kept in its place, and
    the keys it adds placed after the table's last plain line (as tomlkit places them),
    before the comment lines that followed that line. Returns the lines replaced, as
    written."""
    from ruamel.yaml.comments import CommentedMap

    block = isinstance(table, CommentedMap) and not table.fa.flow_style()
    order = list(table)
    old = {key: table[key] for key in order}
    written = {key: _yaml_line(table, key, lines) for key in order}
    after = {key: yaml_after(table, key) for key in order} if block else {}
    apply(document)
    changed = [key for key in order if key not in table or table[key] is not old[key]]
    if not block:  # a one-line {flow} table has no room for comments
        return [written[key] for key in changed]
    new = [key for key in table if key not in old]
    plain = [key for key in order if key in table and not yaml_block(table[key])]
    # what is written after each line, in order: each key with the text after its line
    pieces: list[tuple[Any, str]] = [(None, "")]
    for key in order:
        eol, _, following = after[key][0].partition("\n")
        note = f"{' ' * table.lc.key(key)[1]}{REPLACED}{written[key]}\n" if key in changed else ""
        if key in table:
            pieces.append((key, "\n" + note if note else eol + "\n"))
            if plain and key == plain[-1]:
                pieces += [(added, "\n") for added in new]
        else:
            table.ca.items.pop(key, None)
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + note)
        pieces[-1] = (pieces[-1][0], pieces[-1][1] + following)
    if not plain:
        pieces += [(added, "\n") for added in new]
    if len(pieces) == 1:  # nothing left in the table to hang the notes on
        return [written[key] for key in changed]
    (_, orphan), (first, head) = pieces.pop(0), pieces[0]  # notes before the first kept key
    pieces[0] = (first, head + orphan)
    for position, (key, _) in enumerate(pieces):
        if list(table)[position] != key:  # an added key, moved up
            value = table[key]
            del table[key]
            table.insert(position, key, value)
    for key, text in pieces:
        eol = after[key][0].partition("\n")[0] if key in after else ""
        mark = after[key][1] if eol and text.startswith(eol) else None
        yaml_set_after(table, key, "" if text == "\n" else text, mark)
    return [written[key] for key in changed]


def yaml_block(value: Any) -> bool:
    """Whether ``value`` is a table or list written over lines of its own."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    return (
        isinstance(value, CommentedMap | CommentedSeq) and bool(value) and not value.fa.flow_style()
    )


def _yaml_slot(table: Any, key: Any) -> tuple[Any, Any, int]:
    """Where ruamel.yaml keeps the comment after ``key``'s value: the comments of the
    mapping or list that holds its last line, the key there, and the place in the entry."""
    from ruamel.yaml.comments import CommentedSeq

    holder, at = table, key
    while yaml_block(holder[at]):
        holder = holder[at]
        at = len(holder) - 1 if isinstance(holder, CommentedSeq) else list(holder)[-1]
    return holder.ca.items, at, 0 if isinstance(holder, CommentedSeq) else 2


def yaml_after(table: Any, key: Any) -> tuple[str, Any]:
    """The text after ``key``'s value (its end-of-line comment, then whole comment lines
    and blank lines up to the next key; '' when none) and where its comment starts."""
    items, at, place = _yaml_slot(table, key)
    token = (items.get(at) or [None] * 4)[place]
    return (str(token.value), token.start_mark) if token is not None else ("", None)


def yaml_set_after(table: Any, key: Any, text: str, mark: Any = None) -> None:
    """Set the text after ``key``'s value; ``mark`` places an end-of-line comment."""
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    items, at, place = _yaml_slot(table, key)
    entry = items.setdefault(at, [None] * 4)
    entry[place] = CommentToken(text, mark or CommentMark(0)) if text else None


def _yaml_line(table: Any, key: Any, lines: list[str]) -> str:
    """The line ``key: value`` as the file has it (with its comment), when known; a value
    written over several lines as one (``key: {dist: uniform, low: 1, high: 2}``)."""
    value = table[key]
    try:
        line, column = table.lc.key(key)
        same_line = table.lc.value(key)[0] == line
    except (KeyError, TypeError):
        line, column, same_line = -1, 0, False
    if not yaml_block(value) and same_line and 0 <= line < len(lines):
        return str(lines[line][column:]).rstrip()
    token = (table.ca.items.get(key) or [None] * 4)[2]  # a comment on the key's own line
    comment = str(token.value).partition("\n")[0] if token is not None else ""
    return f"{key}: {yaml_flow(value)}" + (f"  {comment}" if comment else "")


def yaml_flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_flow(v) for v in value) + "]"
    return str(value)


COMMENT_COLUMN = 34
"""Where :func:`yaml_from_toml` starts a comment after a value (the starter's column)."""


def _merge(into: MutableMapping[str, Any], more: Mapping[str, Any]) -> None:
    """``more``'s keys added to ``into``, tables merged key by key."""
    for key, value in more.items():
        if isinstance(into.get(key), dict) and isinstance(value, dict):
            _merge(into[key], value)
        else:
            into[key] = value


def yaml_from_toml(text: str) -> str:
    """A TOML scenario written as YAML with its comments: the lines above a table or a
    key above it, a comment after a value after it, in the file's own order (``payback
    init x.yaml`` wrote the starter with no comment at all, its keys reordered).

    >>> print(yaml_from_toml('# top\\n[a]  # the a table\\nx = 1  # one\\n# why y\\ny = "z"\\n'))
    # top
    # the a table
    a:
      x: 1  # one
      # why y
      y: z
    <BLANKLINE>
    """
    import io
    import re

    import tomlkit
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def said(comment: str) -> str:  # a TOML [[table]] named as YAML names it
        return re.sub(r"\[\[(\w+)\]\]", r"\1 entries", comment.strip().lstrip("#").strip())

    def converted(container: Any, depth: int) -> Any:
        if isinstance(container, tomlkit.items.AoT):
            seq = CommentedSeq()
            for table in container.body:
                seq.append(converted(table, depth + 1))
            return seq
        out = CommentedMap()
        body = (
            container.value.body if isinstance(container, tomlkit.items.Table) else container.body
        )
        above: list[str] = []
        for key, item in body:
            if key is None:
                if isinstance(item, tomlkit.items.Comment):
                    above.append(said(item.as_string()))
                continue
            name = key.key
            if isinstance(item, tomlkit.items.Table | tomlkit.items.AoT):
                value = converted(item, depth + 1)
                header = getattr(item, "trivia", None)
                if header is not None and header.comment:
                    above.append(said(header.comment))
                if (
                    isinstance(item, tomlkit.items.AoT)
                    and item.body
                    and item.body[0].trivia.comment
                ):
                    above.append(said(item.body[0].trivia.comment))
            elif isinstance(item, tomlkit.items.InlineTable):
                value = dict(item.unwrap())
            else:
                value = item.unwrap()
            if isinstance(out.get(name), dict) and isinstance(value, dict):
                _merge(out[name], value)  # a dotted key's table met again: a.x = 1, a.y = 2
            else:
                out[name] = value
            if above:
                out.yaml_set_comment_before_after_key(
                    name, before="\n".join(above), indent=2 * depth
                )
                above = []
            comment = getattr(getattr(item, "trivia", None), "comment", "")
            if comment and not isinstance(item, tomlkit.items.Table | tomlkit.items.AoT):
                out.yaml_add_eol_comment(f"# {said(comment)}", name, column=COMMENT_COLUMN)
        return out

    document = tomlkit.parse(text)
    data = converted(document, 0)
    yaml = YAML()
    yaml.width = 4096  # a long comment stays on its line
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()
