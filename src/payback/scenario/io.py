"""Reading and writing scenario files: TOML (by tomllib and tomlkit) and YAML (by ruamel.yaml).

YAML follows 1.2 for numbers (``1e6`` is a number, ``010`` is ten, ``1:30`` is text) and
keeps 1.1's ``yes``/``no``/``on``/``off`` as true and false; a key given twice is an error,
as in TOML. tomlkit and ruamel.yaml are imported only when a file needs them.
"""

from __future__ import annotations

import codecs
import functools
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from payback.errors import PaybackError
from payback.limits import MAX_NESTING, MAX_SCENARIO_BYTES, check_tree, long_number, read_input
from payback.scenario.distributions import Distribution
from payback.scenario.messages import explain_errors, explain_key
from payback.scenario.nulls import (
    SpelledNulls,
    non_text_key,
    null_spellings,
    scalars_as_written,
    unset_nulls,
)
from payback.scenario.ranges_read import check_distributions, take_distributions
from payback.scenario.schema import Scenario
from payback.scenario.toml_errors import explain_toml_error
from payback.scenario.words import is_utf16, read_float, yaml_tab_hint
from payback.scenario.workloads import workload_default_paths

__all__ = [
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
    "read_scenario_data",
    "read_scenario_text",
    "scenario_data_from_text",
    "scenario_format",
    "scenario_text",
]

Format = Literal["toml", "yaml"]


def scenario_format(path: str | Path) -> Format:
    """YAML for a ``.yaml`` or ``.yml`` file, TOML otherwise."""
    return "yaml" if Path(path).suffix.lower() in {".yaml", ".yml"} else "toml"


def read_scenario_text(path: str | Path) -> str:
    """A scenario file's text (:func:`scenario_text`); one line of :class:`PaybackError` for a
    path too long, a file missing, unreadable, not regular (a FIFO), too big or not UTF-8."""
    return scenario_text(read_input(path, "a scenario file", MAX_SCENARIO_BYTES), str(path))


def scenario_text(raw: bytes, source: str) -> str:
    """A scenario's bytes (a file's, an upload's) as text, a byte-order mark (Notepad's) left
    out; else one line naming ``source`` and the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # text in another encoding (cp1252) is text all the same
        if is_utf16(raw):
            raise PaybackError(
                f"{source}: UTF-16 text (as Windows PowerShell 5's > and Out-File write it); "
                "save the file as UTF-8 (a scenario is UTF-8 TOML or YAML)"
            ) from None
        what = "not a text file" if b"\x00" in raw else "not UTF-8 text"
        raise PaybackError(
            f"{source}: {what} (a scenario is UTF-8 TOML or YAML): {_bad_byte(raw, exc)}"
        ) from None


def _bad_byte(raw: bytes, exc: UnicodeDecodeError) -> str:
    r"""Where the first byte that is not UTF-8 lies, as an editor counts it: line and column
    (characters before it on its line, plus one), and the byte offset in the file.

    >>> raw = "x = 1\nname = 'caf".encode() + b"\xe9'"
    >>> _bad_byte(raw, UnicodeDecodeError("utf-8", raw, 17, 18, "invalid continuation byte"))
    'byte 0xe9 at line 2, column 12 (byte 17) is not UTF-8; save the file as UTF-8'
    """
    bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    offset = exc.start + bom  # the decoder counts from after the mark
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[max(line_start, bom) : offset].decode("utf-8", "replace")) + 1
    return (
        f"byte 0x{raw[offset]:02x} at line {line}, column {column} (byte {offset}) is not "
        "UTF-8; save the file as UTF-8"
    )


def read_scenario_data(path: str | Path) -> dict[str, Any]:
    """The raw table in a TOML or YAML file (by extension; TOML otherwise).

    Raises :class:`PaybackError` with one line for a missing, unreadable or malformed file.
    """
    return scenario_data_from_text(read_scenario_text(path), scenario_format(path), str(path))


def scenario_data_from_text(text: str, fmt: Format, source: str = "scenario") -> dict[str, Any]:
    """The raw table in TOML or YAML text (an upload, a file's contents).

    The limits of :mod:`payback.limits` hold: the text's size, the nesting depth, the values
    once YAML's aliases are expanded and the number of alternatives.
    """
    if len(text) > MAX_SCENARIO_BYTES:
        raise PaybackError(
            f"{source}: {len(text):,} characters, over the {MAX_SCENARIO_BYTES // 2**20} MiB "
            "limit for a scenario"
        )
    try:
        if _bracket_depth(text) > 2 * MAX_NESTING:  # refused before the parser recurses
            raise RecursionError
        data = _parsed(text, fmt, source)
    except RecursionError:
        raise PaybackError(
            f"{source}: tables and lists nested over {MAX_NESTING} deep; the limit is "
            f"{MAX_NESTING} (a scenario nests about 5)"
        ) from None
    except ValueError:  # a whole number of over 4,300 digits, which Python reads no longer
        raise long_number(text, source, toml=fmt == "toml") from None
    if data is None or data == {}:  # one line, not one a missing section (YAML reads None)
        raise PaybackError(
            f"{source}: empty (no sections); a scenario has [scenario], [traffic], [baseline] "
            "and [alternatives]"
        )
    if not isinstance(data, dict):
        raise PaybackError(f"{source}: expected a table of sections ([scenario], [traffic], …)")
    check_tree(data, source)  # then walking it, aliases expanded, takes little
    if fmt != "yaml":
        return data
    spelled = SpelledNulls(data)  # a YAML file's, for the words of its messages
    spelled.text = text
    if _holds_null(data) or _odd_key(data):  # how each null or key was written
        node = _yaml_reader().compose(text)
        if (odd := non_text_key(node)) is not None:
            raise PaybackError(f"{source} {explain_key(*odd)}")
        spelled.nulls = null_spellings(node)
    return spelled


def _odd_key(node: Any) -> bool:
    """Whether a table read from YAML has a key that is not text (``1:``, ``true:``)."""
    if isinstance(node, dict):
        return any(not isinstance(k, str) or _odd_key(v) for k, v in node.items())
    return isinstance(node, list) and any(_odd_key(v) for v in node)


_QUOTED_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _bracket_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest in TOML or YAML text outside quotes and comments: a
    bound found in one pass, before a parser recurses that deep (a few seconds for 2,000
    levels). Text in multi-line strings counts too, so only a far deeper count is refused.

    >>> _bracket_depth('x = [[1, 2], {a = "[[["}]  # [[[')
    2
    """
    brackets = _NOT_BRACKET.sub("", _QUOTED_OR_COMMENT.sub("", text))
    depth = deepest = 0
    for c in brackets:
        depth = depth + 1 if c in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _parsed(text: str, fmt: Format, source: str) -> Any:
    """TOML or YAML text parsed; one line for a syntax error."""
    if fmt == "yaml":
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        try:
            data = _yaml_reader().load(text)
        except MarkedYAMLError as exc:
            unhashable = exc.problem == "found unhashable key"  # a table as a key
            if unhashable and (odd := non_text_key(_yaml_reader().compose(text))) is not None:
                raise PaybackError(f"{source} {explain_key(*odd)}") from None
            mark = exc.problem_mark
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            problem = exc.problem or str(exc).splitlines()[0]
            if "'\\t'" in problem and mark:  # the parser's words alone named no fix
                problem += yaml_tab_hint(text, mark.line, mark.column)
            raise PaybackError(f"{source}: not valid YAML{where}: {problem}") from None
        except YAMLError as exc:
            raise PaybackError(f"{source}: not valid YAML: {str(exc).splitlines()[0]}") from None
    else:
        try:
            data = tomllib.loads(text, parse_float=read_float)
        except tomllib.TOMLDecodeError as exc:
            suffix = Path(source).suffix.lower()
            hint = (
                f"; a {suffix} file is read as TOML (a scenario is TOML, or YAML in a .yaml or "
                ".yml file)"
                if suffix not in ("", ".toml")
                else ""
            )
            said = explain_toml_error(text, str(exc))
            if said is not None and not hint:
                raise PaybackError(f"{source} {said}") from None
            raise PaybackError(f"{source}: not valid TOML: {exc}{hint}") from None
    return data


def _holds_null(node: Any) -> bool:
    if isinstance(node, dict):
        return any(v is None or _holds_null(v) for v in node.values())
    if isinstance(node, list):
        return any(v is None or _holds_null(v) for v in node)
    return False


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file. Raises :class:`PaybackError`.

    Paths inside it (a model's ``config.json``) are read relative to the file's folder.
    """
    scenario = parse_scenario(read_scenario_data(path), source=str(path))
    scenario.base_dir = Path(path).resolve().parent
    scenario.source = str(path)
    return scenario


def parse_scenario(data: Mapping[str, Any], source: str = "scenario") -> Scenario:
    """Validate a raw table as a scenario. Raises :class:`PaybackError`, one line per problem.

    A number may be a distribution table (``{ dist = "triangular", low, mode, high }``,
    ``uniform`` low/high, ``normal`` mean/sd, ``lognormal`` median/p90): the field then
    holds its central value and :attr:`Scenario.distributions` keeps the table.
    """
    check_tree(dict(data), source)
    found: dict[str, Distribution | None] = {}
    problems: list[str] = []
    central = unset_nulls(take_distributions(dict(data), "", found, problems), [Scenario])
    try:
        scenario = Scenario.model_validate(central)
    except ValidationError as exc:
        nulls = {**_scalars_as_written(data), **getattr(data, "nulls", {})}  # YAML's
        fmt = "yaml" if isinstance(data, SpelledNulls) else scenario_format(source)
        problems += explain_errors(exc, found, workload_default_paths(central), nulls, fmt)
        raise PaybackError([f"{source}: {line}" for line in dict.fromkeys(problems)]) from None
    valid = {path: dist for path, dist in found.items() if dist is not None}
    problems += check_distributions(scenario, valid)
    if problems:
        raise PaybackError([f"{source}: {line}" for line in problems])
    scenario._distributions = valid
    return scenario


def _scalars_as_written(data: Any) -> dict[str, str]:
    """The scalars of a YAML file that YAML reads as other than text, as written, by path
    (:func:`payback.scenario.nulls.scalars_as_written`); composed again only for a message."""
    if not isinstance(data, SpelledNulls) or not data.text:
        return {}
    reader = _yaml_reader()
    return scalars_as_written(reader.compose(data.text), data, reader.constructor.construct_object)


def _holder(data: Any, path: str) -> tuple[Any, str]:
    """The raw table that holds the field at ``path``, and the field's name (a table keyed
    by name, a workload's terms on an alternative, may have keys with dots)."""
    node, rest = data, path
    while "." in rest:
        if isinstance(node, list):
            head, rest = rest.split(".", 1)
            node = node[int(head)]
            continue
        head = max((k for k in node if rest.startswith(f"{k}.")), key=len)
        node, rest = node[head], rest[len(head) + 1 :]
    return node, rest


def dump_scenario(scenario: Scenario, fmt: Format = "toml") -> str:
    """The scenario as TOML or YAML text that :func:`parse_scenario` reads back equal."""
    data = scenario.model_dump(mode="python", exclude_none=True, exclude_unset=True)
    for path, dist in scenario.distributions.items():
        node, last = _holder(data, path)
        node[last] = dist.model_dump()
    data = _tidy(data)
    if fmt == "yaml":
        import io

        out = io.StringIO()
        _yaml_writer().dump(data, out)
        return out.getvalue()
    import tomlkit

    document = tomlkit.document()
    for key, value in data.items():
        document[key] = _toml_item(value)
    return tomlkit.dumps(document)


# ---------------------------------------------------------------- writing


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
    import tomlkit

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


# ---------------------------------------------------------------- YAML

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_Rules = list[tuple[str, re.Pattern[str], Sequence[str]]]

_READ_RULES: _Rules = [
    # YAML 1.1's words for true and false (PyYAML's), not its numbers
    (
        "tag:yaml.org,2002:bool",
        re.compile(
            r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"
        ),
        list("yYnNtTfFoO"),
    ),
    # YAML 1.2's numbers: 010 is ten, 0o10 eight; 1:30 is text
    (_INT, re.compile(r"^[-+]?[0-9]+$|^0x[0-9a-fA-F]+$|^0o[0-7]+$"), list("-+0123456789")),
    (
        _FLOAT,
        re.compile(
            r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
            |\.[0-9_]+(?:[eE][-+][0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
            re.X,
        ),
        list("-+0123456789."),
    ),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"]),
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    (
        "tag:yaml.org,2002:timestamp",
        re.compile(
            r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
            |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
             (?:[Tt]|[ \t]+)[0-9][0-9]?
             :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
             (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
            re.X,
        ),
        list("0123456789"),
    ),
]
"""The plain scalars that are not text, and what they are."""

_WRITE_RULES: _Rules = [
    *_READ_RULES,
    # text that a YAML 1.1 reader takes for a number is quoted too (PyYAML writes so)
    (
        _INT,
        re.compile(
            r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+
            |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
            re.X,
        ),
        list("-+0123456789"),
    ),
    (
        _FLOAT,
        re.compile(
            r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
            |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
            |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)$""",
            re.X,
        ),
        list("-+0123456789."),
    ),
    ("tag:yaml.org,2002:value", re.compile(r"^(?:=)$"), ["="]),
]
"""What a written file quotes: text any common reader would take for something else."""


def _by_first_character(rules: _Rules) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """ruamel.yaml's table of rules: by a scalar's first character ('' for an empty one)."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, pattern, first in rules:
        for character in first:
            table.setdefault(character, []).append((tag, pattern))
    return table


def _resolver(rules: _Rules) -> type:
    """A ruamel.yaml resolver that tells plain scalars apart by ``rules`` (any YAML version)."""
    from ruamel.yaml.resolver import VersionedResolver

    table = _by_first_character(rules)

    class Resolver(VersionedResolver):
        @property
        def versioned_resolver(self) -> Any:
            return table

    return Resolver


@functools.cache
def _reading_classes() -> tuple[type, type]:
    """ruamel.yaml's resolver and constructor for reading: :data:`_READ_RULES`, integers
    as YAML 1.2 writes them, and a key given twice refused with the line of each."""
    from ruamel.yaml.constructor import ConstructorError, SafeConstructor

    class Constructor(SafeConstructor):
        def check_mapping_key(
            self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any
        ) -> bool:
            try:
                if key not in mapping:
                    return True
            except TypeError:  # a list key holding a table: ? [{a: 1}]
                raise ConstructorError(
                    problem="found unhashable key", problem_mark=key_node.start_mark
                ) from None
            first = next(
                (
                    f" (first on line {k.start_mark.line + 1})"
                    for k, _ in node.value
                    if isinstance(k.value, str) and k.value == key_node.value and k is not key_node
                ),
                "",
            )
            raise ConstructorError(
                problem=f"{key!r} given twice{first}", problem_mark=key_node.start_mark
            )

        def construct_yaml_int(self, node: Any) -> int:
            text = str(self.construct_scalar(node)).replace("_", "")
            return int(text, 0) if text.startswith(("0x", "0o")) else int(text, 10)

        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except ValueError:  # 2026-13-45: the text, which the field's message tells
                return str(node.value)

    Constructor.add_constructor(_INT, Constructor.construct_yaml_int)
    Constructor.add_constructor("tag:yaml.org,2002:timestamp", Constructor.construct_yaml_timestamp)
    return _resolver(_READ_RULES), Constructor


@functools.cache
def _writing_classes() -> tuple[type, type, type]:
    """ruamel.yaml's resolver, representer and emitter for writing: text quoted by
    :data:`_WRITE_RULES`, floats as YAML 1.1 readers read them, and the layout PyYAML gave
    (so that files written before and now are the same)."""
    from ruamel.yaml.emitter import Emitter as RuamelEmitter
    from ruamel.yaml.representer import SafeRepresenter

    class Representer(SafeRepresenter):
        def represent_float(self, data: Any) -> Any:
            node = super().represent_float(data)
            if "." not in node.value and "e" in node.value:  # 1e-05 reads as text in 1.1
                node.value = node.value.replace("e", ".0e", 1)
            return node

    Representer.add_representer(float, Representer.represent_float)

    class Emitter(RuamelEmitter):
        def write_plain(self, text: Any, split: Any = True) -> None:
            """Unquoted text breaks at the first single space past the width (PyYAML's
            rule), not before a word that would pass it."""
            if self.root_context or self.encoding or not text:
                super().write_plain(text, split)
                return
            if not self.whitespace:
                self.stream.write(" ")
                self.column += 1
            self.whitespace = self.indention = False
            for i, part in enumerate(re.split("( +)", text)):  # words, then runs of spaces
                if i % 2 and part == " " and split and self.column > self.best_width:
                    self.write_indent()
                    self.whitespace = self.indention = False
                else:
                    self.stream.write(part)
                    self.column += len(part)

        def choose_scalar_style(self) -> Any:
            """Single quotes wherever they may go, as PyYAML (ruamel.yaml prefers double
            quotes for text with a quote or a line break)."""
            style = super().choose_scalar_style()
            single = self.analysis.allow_single_quoted and not (
                self.simple_key_context and self.analysis.multiline
            )
            return "'" if style == '"' and single and not self.event.style else style

        def write_double_quoted(self, text: Any, split: Any = True) -> None:
            # unfolded: ruamel.yaml can fold where a reader then adds a space
            super().write_double_quoted(text, split=False)

    return _resolver(_WRITE_RULES), Representer, Emitter


def _yaml_reader() -> Any:
    from ruamel.yaml import YAML

    reader = YAML(typ="safe", pure=True)  # the pure-Python parser takes our rules
    reader.Resolver, reader.Constructor = _reading_classes()
    return reader


def _yaml_writer() -> Any:
    from ruamel.yaml import YAML

    writer: Any = YAML(typ="safe", pure=True)  # its settings are typed loosely
    writer.Resolver, writer.Representer, writer.Emitter = _writing_classes()
    writer.default_flow_style = False
    writer.allow_unicode = True
    writer.sort_base_mapping_type_on_output = False
    return writer
