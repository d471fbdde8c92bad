"""The comment on a rent ``payback recommend --apply`` keeps for another GPU than the one it
was written beside (:func:`~payback.studies.rewrite.rent_kept`: a file that names no GPU,
its rent near the catalog's for the winner's): marked, as the lines it replaces are, where
its words name another GPU, written for the configuration before (``# catalog: l40s at
runpod`` kept for an L4)."""

from __future__ import annotations

from typing import Any

from payback.catalog import Catalog, default_catalog
from payback.studies.gpu_names import names_another_gpu

__all__ = ["KEPT", "mark_kept_rent"]

KEPT = "# kept by payback recommend for the {gpu}; written before it: "
"""How the comment after a rent kept for the winner's GPU begins; the old words follow."""


def mark_kept_rent(table: Any, gpu: str, catalog: Catalog | None = None) -> None:
    """Mark the comment after ``table``'s ``usd_per_gpu_hour`` (a tomlkit table, or a
    ruamel.yaml one written over lines) as written before the winner's ``gpu`` where it
    names another GPU (``catalog``'s); nothing where it names none ("on-demand L4 rent"
    for an L4 stays true), has no comment, or is marked already."""
    key = "usd_per_gpu_hour"
    if key not in table:
        return
    mark = KEPT.format(gpu=gpu)
    catalog = catalog or default_catalog()

    def false(words: str) -> bool:
        return not words.startswith(KEPT[:20]) and names_another_gpu(words, gpu, catalog)

    trivia = getattr(table[key], "trivia", None)
    if trivia is not None:  # TOML
        if trivia.comment and false(trivia.comment):
            trivia.comment = mark + trivia.comment.removeprefix("#").strip()
            table[key] = table[key]  # a dotted key's table gives a copy: put it back
        return
    if not hasattr(table, "ca"):  # a one-line YAML table: no comment of its own
        return
    from payback.scenario.edit import yaml_after, yaml_set_after

    text, where = yaml_after(table, key)
    line, nl, rest = text.partition("\n")
    words = line.strip()
    if words.startswith("#") and false(words):
        pad = line[: len(line) - len(line.lstrip())]
        said = f"{pad}{mark}{words.removeprefix('#').strip()}{nl}{rest}"
        yaml_set_after(table, key, said, where)
