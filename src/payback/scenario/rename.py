"""Rename an alternative where a scenario file names it as a key: each ``[[workloads]]``'s
``alternatives."<name>"`` (its own numbers for that alternative), in every way a TOML or
YAML file writes it, the table's contents, comments and place kept.

``payback recommend --apply`` renames the alternative it fills (its name followed the
winner); the workloads' keys follow, or ``analyze`` would read them as an unknown
alternative's."""

from __future__ import annotations

from typing import Any

from payback.scenario.edit import edited_text
from payback.scenario.io import Format

__all__ = ["with_alternative_renamed"]


def with_alternative_renamed(text: str, fmt: Format, old: str, new: str) -> tuple[str, list[str]]:
    """``text`` (a scenario file) with each workload's ``alternatives."<old>"`` key named
    ``new``, its value and comments as they were; and the paths of the keys renamed
    (``workloads.1.alternatives``). ``text`` is returned as it is where none names ``old``."""
    renamed: list[str] = []

    def change(document: Any) -> None:
        for j, workload in enumerate(document.get("workloads") or []):
            if not hasattr(workload, "get"):
                continue
            done = (
                _yaml_rename(workload, old, new)
                if fmt == "yaml"
                else _toml_rename(workload, old, new)
            )
            if done:
                renamed.append(f"workloads.{j}.alternatives")

    out = edited_text(text, fmt, change)
    return (out, renamed) if renamed else (text, [])


def _toml_rename(workload: Any, old: str, new: str) -> bool:
    """Rename ``old`` under a tomlkit workload table's ``alternatives``: a table, a
    ``[workloads.alternatives."<old>"]`` header, a one-line ``{ ... }`` or the dotted
    lines ``alternatives."<old>" = { ... }`` (each its own table in the workload's body)."""
    import tomlkit
    from tomlkit.items import InlineTable, KeyType, SingleKey, Table

    done = False
    for key, value in list(workload.value.body):
        if key is None or key.key != "alternatives" or not isinstance(value, Table | InlineTable):
            continue
        container = value.value
        for inner, item in list(container.body):
            if inner is None or inner.key != old:
                continue
            written = tomlkit.key(new).as_string()
            space = inner.as_string()[len(inner.as_string().rstrip()) :]  # before its =
            kind = KeyType.Bare if written == new else KeyType.Basic
            renamed = SingleKey(new, t=kind, sep=inner.sep, original=written + space)
            renamed._dotted = inner.is_dotted()  # alternatives."<old>".field = ...: stays dotted
            container._replace(old, renamed, item)  # its place, value and comments kept
            if isinstance(item, Table) and not item.is_super_table():  # a header of its own
                item.invalidate_display_name()  # written again from the new key
            done = True
    return done


def _yaml_rename(workload: Any, old: str, new: str) -> bool:
    """Rename ``old`` under a ruamel.yaml workload's ``alternatives`` mapping, in its place
    and with the comments on its line."""
    terms = workload.get("alternatives")
    if not hasattr(terms, "insert") or old not in terms:
        return False
    place = list(terms).index(old)
    comments = getattr(terms, "ca", None)
    said = comments.items.pop(old, None) if comments is not None else None
    value = terms.pop(old)
    terms.insert(place, new, value)
    if comments is not None and said is not None:
        comments.items[new] = said
    return True
