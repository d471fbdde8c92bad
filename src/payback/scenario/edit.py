"""Changes to a scenario file's text that keep what the user wrote: comments, layout (YAML
indents, long lines, quotes) and line endings. TOML is edited with tomlkit, YAML with
ruamel.yaml's round trip; both are imported only here, when a change is made.

- :func:`with_traffic`: only ``[traffic]``'s numbers replaced (``payback usage -o``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from payback.errors import PaybackError
from payback.scenario.io import Format

__all__ = ["TRAFFIC_DIGITS", "with_traffic"]

TRAFFIC_DIGITS = {
    "requests_per_month": 0,
    "growth_monthly": 4,
    "input_tokens": 1,
    "output_tokens": 1,
    "cached_input_share": 4,
    "peak_to_average": 2,
}
"""Decimals kept when measured traffic is written into a scenario file."""


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
    values = {k: round(float(v), TRAFFIC_DIGITS.get(k, 6)) for k, v in traffic.items()}
    values = {k: int(v) if TRAFFIC_DIGITS.get(k) == 0 else v for k, v in values.items()}

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
        _replacing(section, values, replaced)
        for key, value in values.items():
            section[key] = value

    return _edited(text, fmt, change)


def _traffic_table(section: Any, key_kind: str) -> None:
    if not isinstance(section, Mapping):
        kind = "a list" if isinstance(section, list) else f"the value {section!r}"
        raise PaybackError(f"{key_kind} is {kind}, not a table of numbers; left as it is")


def _replacing(
    section: Mapping[str, Any], values: Mapping[str, Any], out: list[str] | None
) -> None:
    """Say which of ``values`` replace a distribution (a range the user gave)."""
    if out is None:
        return
    for key, value in values.items():
        old = section.get(key)
        if isinstance(old, Mapping):
            out.append(
                f"traffic.{key} was a {old.get('dist', 'distribution')} range "
                f"({', '.join(f'{k} = {v}' for k, v in old.items() if k != 'dist')}); "
                f"replaced by the measured {value}"
            )


# ---------------------------------------------------------------- round trips


def _edited(text: str, fmt: Format, change: Callable[[Any], None]) -> str:
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
        result = out.getvalue()
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
