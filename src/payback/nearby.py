"""'Did you mean': the known names nearest a mistyped one, by one rule wherever a name is
refused (a GPU, model or API model id, a scenario's section, field, kind or distribution, a
solve input's path, a target's metric, a calibration file's table or field, a command
line's command, option or choice). Pure Python and imports nothing of the package, so every
layer asks it alike; each place words the names it gets as its lines do.

The rule, in any case (``L4`` is ``l4``), best first:

1. the name the word is but for case;
2. names that start with the word, then names that hold it elsewhere, where the word is at
   least a quarter of the name (``sxm`` for ``h100-sxm``, ``peak`` for ``peak_to_average``;
   not ``s`` for ``workloads``);
3. the rest as similar as ``cutoff`` or more (:class:`difflib.SequenceMatcher`'s ratio:
   twice the letters in common over the letters of both; ``l5`` and ``l4`` are 0.5);

within each group the more similar first, then the one that starts alike with the word for
longer (``gpt-4.1`` before ``gpt-5.4`` for ``gpt-4x``), then as the names were listed;
``n`` at most. Where places differ on purpose they say so by ``n`` (one name, or up to three)
and ``cutoff``, not by a rule of their own.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["CUTOFF", "HOLDS_SHARE", "ID_CUTOFF", "nearby", "nearest"]

CUTOFF = 0.6
"""How similar a name must be, when it does not hold the word, to be suggested
(:func:`difflib.get_close_matches`' own default): a field's, a path's or a command's name."""

ID_CUTOFF = 0.5
"""The cutoff for a catalog's short ids and the few words a choice allows, where one letter
of two alike is already a likely slip (``l5`` for ``l4``)."""

HOLDS_SHARE = 0.25
"""The least share of a name the word must be for the name to count as holding it."""


def nearby(word: str, choices: Iterable[str], n: int = 3, cutoff: float = CUTOFF) -> list[str]:
    """The ``n`` of ``choices`` nearest ``word``, best first, as the module's rule says.

    >>> nearby("L4", ["a10", "l40s", "l4", "l40"])
    ['l4', 'l40', 'l40s']
    >>> nearby("h100", ["a100-80gb", "h100-pcie", "h100-sxm"])
    ['h100-sxm', 'h100-pcie']
    >>> nearby("peak", ["requests_per_month", "peak_to_average"], n=1)
    ['peak_to_average']
    >>> nearby("s", ["scenario", "workloads"]), nearby("zzz", ["l4"])
    ([], [])
    """
    key = word.casefold()
    if not key or n < 1:
        return []
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)  # the word is compared with every name: its index is built once
    scored = []
    for index, choice in enumerate(dict.fromkeys(choices)):
        low = choice.casefold()
        holds = key in low and len(key) >= HOLDS_SHARE * len(low)
        matcher.set_seq1(low)
        if not holds and (matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff):
            continue  # the two bounds difflib checks first: neither can reach the cutoff
        ratio = matcher.ratio()
        if holds or ratio >= cutoff:
            starts = holds and low.startswith(key)
            same = _common_start(key, low)
            scored.append((low != key, not starts, not holds, -ratio, -same, index, choice))
    return [entry[-1] for entry in sorted(scored)[:n]]


def _common_start(one: str, other: str) -> int:
    """How many letters ``one`` and ``other`` start with alike.

    >>> _common_start("gpt-4x", "gpt-4.1"), _common_start("gpt-4x", "gpt-5.4")
    (5, 4)
    """
    same = 0
    for a, b in zip(one, other, strict=False):
        if a != b:
            break
        same += 1
    return same


def nearest(word: str, choices: Iterable[str], cutoff: float = CUTOFF) -> str | None:
    """The one of ``choices`` nearest ``word`` (:func:`nearby`), None where none is near.

    >>> nearest("requests_per_mnth", ["growth_monthly", "requests_per_month"])
    'requests_per_month'
    >>> nearest("volume", ["requests_per_month", "growth_monthly"]) is None
    True
    """
    found = nearby(word, choices, n=1, cutoff=cutoff)
    return found[0] if found else None
