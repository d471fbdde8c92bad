"""``[scenario] name`` once a recommendation is applied
(:func:`~payback.studies.rewrite.with_winner`) where the scenario compares several
alternatives and its name does not hold the recommended alternative's whole name (the one
case the alternative's rename leaves it: ``payback.cli.studies._renamed``): the GPU, the
model (by its id as written or its catalog name) and the precision the winner replaces
are rewritten where the name mentions them and they are that alternative's alone; where a
mention is shared with another alternative (the same GPU, a name that says it too), the
name is left and a comment above it says that it predates the applied recommendation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from payback.catalog import Catalog
from payback.hardware.serving import PRECISIONS

if TYPE_CHECKING:
    from payback.scenario.schema import Scenario
    from payback.studies.recommend import Candidate, Recommendation

__all__ = ["Retitle", "apply_title", "retitle", "with_title_comment"]

_EDGE = r"(?<![\w.-]){}(?![\w.-])"


@dataclass(frozen=True)
class Retitle:
    """What becomes of the scenario's name: a new one, or a comment above the old one."""

    title: str | None = None
    """The new name; ``None`` where it is left."""
    replaced: list[str] = field(default_factory=list)
    """The swaps in words (``L40S by L4``)."""
    stale: list[str] = field(default_factory=list)
    """Mentions left because another alternative has them too."""


def _mentions(text: str, word: str) -> bool:
    return bool(word) and re.search(_EDGE.format(re.escape(word)), text, re.IGNORECASE) is not None


def _shown(winner: str, written: str) -> str:
    return winner.upper() if written.isupper() else winner


def _word_swaps(
    scenario: Scenario, index: int, best: Candidate, model: str, catalog: Catalog
) -> list[tuple[str, str, bool]]:
    """(old word, new word, shared with another alternative) for the model and the
    precision the winner replaces."""
    option = scenario.alternatives[index]
    others = [alt for i, alt in enumerate(scenario.alternatives) if i != index]
    swaps: list[tuple[str, str, bool]] = []
    old_model = getattr(option, "model", None)
    if old_model and old_model != best.model and old_model != model:
        shared = any(getattr(alt, "model", None) == old_model for alt in others)
        swaps.append((old_model, model, shared))
        display = getattr(catalog.models.get(old_model), "name", "")
        new_display = getattr(catalog.models.get(best.model), "name", "") or best.model
        if display and display != new_display:
            swaps.append((display, new_display, shared))
    old_precision = getattr(option, "precision", None)
    if old_precision and old_precision != best.precision and old_precision in PRECISIONS:
        shared = any(getattr(alt, "precision", None) == old_precision for alt in others)
        swaps.append((old_precision, best.precision, shared))
    return swaps


def retitle(
    scenario: Scenario, index: int, best: Candidate, model: str, catalog: Catalog
) -> Retitle:
    """The scenario's name with what the winner replaces in the ``index``-th alternative
    rewritten (``model``: the winner's model as the new file names it); nothing where the
    alternative's rename already handles the name (one alternative, or a name holding the
    alternative's) or the name mentions none of it."""
    from payback.studies.gpu_names import swap_gpus

    title = scenario.scenario.name
    option = scenario.alternatives[index]
    if len(scenario.alternatives) < 2 or option.name in title:
        return Retitle()
    others = [alt for i, alt in enumerate(scenario.alternatives) if i != index]
    new, replaced, stale = title, [], []
    configured = getattr(option, "gpu", None)
    if configured is not None and configured != best.gpu and best.gpu in catalog.gpus:
        gpus = swap_gpus(title, best.gpu, best.gpus_per_replica, catalog, configured)
        words = [r.split(" by ")[0] for r in gpus.replaced]
        ours = [w for w in words if configured in catalog.gpus and _is_gpu(w, configured, catalog)]
        shared = any(getattr(alt, "gpu", None) == configured for alt in others) or any(
            _mentions(alt.name, w) for alt in others for w in ours
        )
        if ours and shared:
            stale += ours
        elif ours:
            new, replaced = gpus.name, list(gpus.replaced)
    for old, winner, shared in _word_swaps(scenario, index, best, model, catalog):
        found = re.search(_EDGE.format(re.escape(old)), new, re.IGNORECASE)
        if found is None:
            continue
        if shared or any(_mentions(alt.name, old) for alt in others):
            stale.append(found[0])
            continue
        shown = _shown(winner, found[0])
        new = new[: found.start()] + shown + new[found.end() :]
        replaced.append(f"{found[0]} by {shown}")
    if stale:
        return Retitle(None, [], stale)
    return Retitle(new if new != title else None, replaced, [])


def _is_gpu(word: str, gpu: str, catalog: Catalog) -> bool:
    """Whether ``word``, a GPU mention :func:`swap_gpus` replaced, names ``gpu``: the
    mention swapped back to ``gpu`` is left as written."""
    from payback.studies.gpu_names import swap_gpus

    bare = re.sub(r"^\d+\s*[x×]\s*", "", word)
    return not swap_gpus(bare, gpu, 1, catalog, gpu).replaced


def with_title_comment(text: str, fmt: str, comment: str) -> str:
    """``text`` with the comment line ``# comment`` above ``[scenario]``'s ``name`` line
    (above ``scenario = {...}`` where the table is written on one line), indented as it is;
    ``text`` as it was where no such line is found."""
    lines = text.splitlines(keepends=True)
    header = r"\[scenario\]\s*(#.*)?" if fmt == "toml" else r"scenario:\s*(#.*)?"
    inline = r"scenario\s*=\s*\{" if fmt == "toml" else r"scenario:\s*\{"
    name = r"(\s*)name\s*=" if fmt == "toml" else r"(\s+)name\s*:"
    start = None
    for i, line in enumerate(lines):
        if start is None and re.match(inline, line):
            return _insert(lines, i, "", comment)
        if start is None and re.fullmatch(header, line.rstrip("\r\n")):
            start = i
        elif start is not None and (found := re.match(name, line)):
            return _insert(lines, i, found[1], comment)
        elif start is not None and re.match(r"\s*\[" if fmt == "toml" else r"\S", line):
            break  # the next table
    return text


def _insert(lines: list[str], at: int, indent: str, comment: str) -> str:
    end = "\r\n" if lines[at].endswith("\r\n") else "\n"
    indent = indent.lstrip("\r\n")
    return "".join([*lines[:at], f"{indent}# {comment}{end}", *lines[at:]])


def apply_title(
    text: str,
    fmt: str,
    scenario: Scenario,
    result: Recommendation,
    model: str,
    catalog: Catalog | None = None,
) -> tuple[str, list[str]]:
    """``text`` (the scenario written with ``result``'s winner) with its name made the
    winner's (:func:`retitle`), or a comment above it where it cannot be; and the note
    that says so."""
    from payback.catalog import default_catalog
    from payback.scenario.edit import with_values

    best, index = result.best, result.alternative
    if best is None:
        return text, []
    title = scenario.scenario.name
    change = retitle(scenario, index, best, model, catalog or default_catalog())
    if change.title is not None:
        note = (
            f"scenario.name = {title!r} is now {change.title!r}: it named what the winner "
            f"replaces ({', '.join(change.replaced)})"
        )
        renamed = with_values(text, fmt, {"scenario.name": change.title})  # type: ignore[arg-type]
        return renamed, [note]
    if not change.stale:
        return text, []
    words = ", ".join(repr(w) for w in dict.fromkeys(change.stale))
    comment = (
        f"this name predates the recommendation applied: alternatives.{index} now runs "
        f"{best.label()}"
    )
    note = (
        f"scenario.name = {title!r} left as written: {words} names what the winner replaces "
        "and another alternative too; a comment above it says the name predates the "
        "applied recommendation"
    )
    return with_title_comment(text, fmt, comment), [note]
