"""GPU mentions in a name, as :func:`payback.studies.rewrite.with_winner`'s rename reads
them: a catalog id (``h100-sxm``), a catalog GPU's name (``NVIDIA L4 24GB``) or a short
form of it (``H100``, ``L40S``, ``MI300X``, ``RTX 4090``), with a count before it
(``4xH100``, ``4 × H100``) and a plural after it (``H200s``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from payback.catalog import Catalog

__all__ = ["GpuSwap", "swap_gpus"]

_EDGE_BEFORE = r"(?<![\w.-])"
_EDGE_AFTER = r"(?![\w.-])"
_LOOKS_LIKE_GPU = re.compile(
    rf"{_EDGE_BEFORE}(?:\d+\s*[x×]\s*)?([A-Za-z]{{1,4}}-?\d{{2,4}}[A-Za-z]{{0,3}}?)s?{_EDGE_AFTER}"
)
"""A word a GPU could be (``A800``, ``H20``, ``Gaudi3`` is not): letters, then digits."""


@dataclass(frozen=True)
class GpuSwap:
    """A name with its GPU mention made the winner's, what changed, and what could not be read."""

    name: str
    replaced: list[str]
    unsure: list[str]
    """Words that look like a GPU (or a GPU mention that still differs from the winner)
    that the swap could not match to the catalog: the name may no longer describe the
    configuration."""


def _short(display: str) -> str:
    """``NVIDIA H100 SXM5 80GB`` as ``H100 SXM5``; ``AMD Instinct MI300X 192GB``: ``MI300X``."""
    short = re.sub(r"^(NVIDIA|AMD)\s+(Instinct\s+|GeForce\s+)?", "", display)
    short = re.sub(r"\s*\(.*\)\s*$", "", short)
    return re.sub(r"\s+\d+\s*GB$", "", short)


def _aliases(catalog: Catalog) -> dict[str, frozenset[str]]:
    """Each way a name may mention a catalog GPU (lowercase), with the GPUs it may mean:
    the id, the catalog's name, and each leading part of the short name that holds a letter
    and a digit (``h100`` means every H100; ``h100 sxm5`` one)."""
    found: dict[str, set[str]] = {}
    for gpu_id, gpu in catalog.gpus.items():
        display = getattr(gpu, "name", "") or ""
        words = _short(display).split()
        forms = {gpu_id, display, _short(display)}
        starts = [words, words[1:]] if words[:1] == ["RTX"] else [words]
        for tokens in starts:
            for k in range(1, len(tokens) + 1):
                form = " ".join(tokens[:k])
                if re.search(r"[A-Za-z]", form) and re.search(r"\d", form):
                    forms.add(form)
        for form in forms:
            if form:
                found.setdefault(form.lower(), set()).add(gpu_id)
    return {k: frozenset(v) for k, v in found.items()}


def _pattern(catalog: Catalog) -> re.Pattern[str]:
    forms = sorted(_aliases(catalog), key=len, reverse=True)
    alternation = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)
    return re.compile(
        rf"{_EDGE_BEFORE}(?:(?P<count>\d+)(?P<sep>\s*[x×]\s*))?(?P<gpu>{alternation})"
        rf"(?P<memory>\s*\d+\s*GB)?(?P<plural>s?){_EDGE_AFTER}",
        re.IGNORECASE,
    )


def _shown(catalog: Catalog, gpu_id: str, written: str) -> str:
    """The winner's GPU as the name wrote the one it replaces: its id for an id, else its
    shortest form that means it alone; in capitals where the old one was."""
    if written.lower() in catalog.gpus:
        form = gpu_id
    else:
        own = [f for f, ids in _aliases(catalog).items() if ids == {gpu_id} and f != gpu_id]
        display = getattr(catalog.gpus[gpu_id], "name", "") or gpu_id
        short = _short(display)
        form = min((f for f in own if f in short.lower()), key=len, default=gpu_id)
        form = short[short.lower().index(form) :][: len(form)] if form in short.lower() else form
    return form.upper() if written.isupper() else form.lower() if written.islower() else form


def swap_gpus(
    name: str,
    gpu: str,
    gpus_per_replica: int,
    catalog: Catalog,
    configured: str | None = None,
    per_server: int | None = None,
) -> GpuSwap:
    """``name`` with its GPU mention made ``gpus_per_replica`` × ``gpu`` (the winner's)
    where it names another GPU or count: the mention of the GPU the alternative had
    (``configured``), else the first after "on" or a count ("on H100", "4xH100"), else the
    first; a memory size after it (``H100 80GB``) made the winner's. Another mention of
    another GPU, or a word that looks like a GPU the catalog lacks (``A800``), is left and
    said in :attr:`GpuSwap.unsure`. A count equal to ``per_server`` (owned servers' GPUs)
    of the winner's GPU is the servers' size, which a replica's GPUs leave as it is: "owned
    8x H100 servers" stays with replicas of 4."""
    aliases = _aliases(catalog)
    replaced: list[str] = []
    unsure: list[str] = []
    matches = list(_pattern(catalog).finditer(name))
    means = [aliases[re.sub(r"\s+", " ", m["gpu"]).lower()] for m in matches]
    chosen = _chosen(name, matches, means, configured)
    pieces: list[str] = []
    end = 0
    for k, m in enumerate(matches):
        count = int(m["count"]) if m["count"] else None
        if gpu in means[k] and count in (None, gpus_per_replica, per_server):
            continue
        if k != chosen:
            unsure.append(m[0])
            continue
        shown = m["gpu"] if gpu in means[k] else _shown(catalog, gpu, m["gpu"])
        memory = m["memory"] or ""
        if memory and gpu not in means[k]:
            mine = _memory(catalog, gpu, memory)
            if mine is None:  # the winner's memory is not known in GB: the size is left
                unsure.append(memory.strip())
            memory = mine or memory
        text = (f"{gpus_per_replica}{m['sep']}" if count is not None else "") + shown
        text += memory + m["plural"]
        pieces += [name[end : m.start()], text]
        end = m.end()
        replaced.append(f"{m[0]} by {text}")
    new = "".join(pieces) + name[end:]
    known = {m[0].lower() for m in matches}
    for m in _LOOKS_LIKE_GPU.finditer(name):
        word = m[1].lower()
        if m[0].lower() not in known and word not in aliases and not _other_word(word, catalog):
            unsure.append(m[0])
    return GpuSwap(new, replaced, unsure)


def _chosen(
    name: str, matches: list[re.Match[str]], means: list[frozenset[str]], configured: str | None
) -> int:
    """Which mention names the alternative's GPU: one of ``configured``, else the first
    after "on" or a count, else the first."""
    for k in range(len(matches)):
        if configured is not None and configured in means[k]:
            return k
    for k, m in enumerate(matches):
        if m["count"] or re.search(r"(?:\bon|(?<![A-Za-z0-9])[x×])\s*$", name[: m.start()]):
            return k
    return 0


def _memory(catalog: Catalog, gpu: str, written: str) -> str | None:
    """The winner's memory written as ``written`` (`` 80GB``): from its catalog name
    (``AMD Instinct MI300X 192GB``: `` 192GB``); ``None`` where the name gives none."""
    display = getattr(catalog.gpus[gpu], "name", "") or ""
    size = re.search(r"(\d+)\s*GB$", display)
    if size is None:
        return None
    return re.sub(r"\d+", size[1], written, count=1)


def _other_word(word: str, catalog: Catalog) -> bool:
    """Whether ``word`` names a model, a precision or a period (``bf16``, ``qwen3-8b``,
    ``o3``, ``FY25``, ``Q3``), not a GPU."""
    from payback.hardware.serving import PRECISIONS

    return (
        word in PRECISIONS
        or word in catalog.models
        or word.startswith("gpt-")
        or re.fullmatch(r"o\d.*|(?:fy|cy|q)\d{1,4}", word) is not None
    )
