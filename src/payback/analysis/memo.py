"""What a study's followers work out once a scenario, kept for the next call on it.

:mod:`payback.analysis.follow`, :mod:`~payback.analysis.follow_training` and
:mod:`~payback.analysis.follow_tiers` each keep, for the last few scenarios they were
called on, what they resolved for them (the nodes, the training costs, the price tiers).
A :class:`Memo` holds that: a dict of its own for each scenario, found by the scenario's
identity (its ``id``, the scenario kept alive beside it so that the id is not another's
while it is kept), the scenario kept longest let go first once ``bound`` are kept.

The Streamlit page runs a session's studies on threads of their own, and they share the
module's memo: a lock is held while it finds, adds or lets go of a scenario's dict, so one
thread's insert never meets another's eviction in the middle (a dict iterated while
another thread adds to it raises "dictionary changed size during iteration", and two
threads evicting at once could find it empty or leave it over its bound).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["Memo"]

V = TypeVar("V")


class Memo(Generic[V]):
    """A dict of ``V`` for each of the last ``bound`` owners asked for, by identity."""

    def __init__(self, bound: int) -> None:
        if bound < 1:
            raise ValueError(f"a memo keeps at least one owner, not {bound}")
        self.bound = bound
        self._kept: dict[int, tuple[object, dict[Hashable, V]]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def of(self, owner: object) -> dict[Hashable, V]:
        """The dict kept for ``owner`` (this very object), a new empty one the first time,
        the one kept longest let go if ``bound`` are kept already."""
        with self._lock:
            kept = self._kept.get(id(owner))
            if kept is None or kept[0] is not owner:
                if len(self._kept) >= self.bound:
                    del self._kept[next(iter(self._kept))]
                kept = (owner, {})
                self._kept[id(owner)] = kept
            return kept[1]
