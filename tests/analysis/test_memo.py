"""The memo the followers keep per scenario: found by the scenario's identity, the oldest
let go past its bound, and safe to share between the page's session threads."""

from __future__ import annotations

import gc
import sys
import threading
import weakref

import pytest

from payback.analysis import follow, follow_tiers, follow_training
from payback.analysis.memo import Memo


class _Owner:
    """A stand-in for a Resolved: hashable by identity only, and weakly referable."""


def test_a_hit_returns_the_same_dict_and_what_was_put_in_it() -> None:
    memo: Memo[float] = Memo(3)
    owner = _Owner()
    first = memo.of(owner)
    first["key"] = 1.5
    again = memo.of(owner)
    assert again is first
    assert again == {"key": 1.5}
    assert len(memo) == 1


def test_an_equal_but_other_owner_has_a_dict_of_its_own() -> None:
    memo: Memo[int] = Memo(3)
    a, b = [1, 2], [1, 2]  # equal, unhashable, two objects: found by identity
    memo.of(a)["x"] = 1
    assert memo.of(b) == {}
    assert memo.of(a) == {"x": 1}


def test_the_bound_holds_and_the_one_kept_longest_is_let_go() -> None:
    memo: Memo[int] = Memo(3)
    owners = [_Owner() for _ in range(5)]
    dicts = [memo.of(o) for o in owners[:3]]
    for i, d in enumerate(dicts):
        d["i"] = i
    assert memo.of(owners[0]) is dicts[0]  # a hit does not move it (kept first, let go first)
    memo.of(owners[3])
    assert len(memo) == 3
    assert memo.of(owners[1]) is dicts[1]
    assert memo.of(owners[2]) is dicts[2]
    assert memo.of(owners[0]) == {}  # let go, a new one: and owners[1] now let go for it
    assert len(memo) == 3
    assert memo.of(owners[2]) is dicts[2]
    assert memo.of(owners[1]) == {}


def test_a_kept_owner_is_kept_alive_so_its_id_is_no_other_objects() -> None:
    memo: Memo[int] = Memo(2)
    owner = _Owner()
    memo.of(owner)["x"] = 1
    alive = weakref.ref(owner)
    del owner
    gc.collect()
    assert alive() is not None  # held by the memo: no new object can take its id
    memo.of(_Owner())
    memo.of(_Owner())  # two others: the first let go
    gc.collect()
    assert alive() is None


def test_a_bound_under_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Memo(0)


def test_the_three_followers_share_the_helper_with_their_bound_of_eight() -> None:
    for memo in (follow._nodes, follow_tiers._kept, follow_training._kept):
        assert isinstance(memo, Memo)
        assert memo.bound == 8


def test_threads_adding_and_reading_many_owners_at_once_raise_nothing() -> None:
    """The unlocked dict this replaced raised "dictionary changed size during iteration"
    here (and grew past its bound) in most runs with the switch interval this short."""
    memo: Memo[int] = Memo(8)
    owners = [_Owner() for _ in range(64)]
    errors: list[BaseException] = []
    largest = [0]
    start = threading.Barrier(8)

    def work(seed: int) -> None:
        try:
            start.wait()
            for i in range(20_000):
                owner = owners[(i * (seed + 1) * 7 + seed) % len(owners)]
                kept = memo.of(owner)
                kept[i] = i
                assert kept[i] == i
                largest[0] = max(largest[0], len(memo))
        except BaseException as exc:
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    try:
        threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert largest[0] == 8
    assert len(memo) == 8
