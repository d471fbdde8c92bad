"""``payback explain`` on the bundled examples, tried as a new user would: each sentence
reads as one (a label with a comma in it closed as the clause it opens)."""

from __future__ import annotations

from helpers import QUARTER, run


def _words(path: object, *args: str) -> str:
    code, out, err = run("explain", path, *args)
    assert code == 0, err
    return " ".join(out.split())


def test_measure_first_closes_a_label_with_a_comma() -> None:
    """examples/quarter-200k.toml's first driver is "requests per month, in month 1": the
    sentence read "Narrowing the requests per month, in month 1 narrows the answer"."""
    text = _words(QUARTER)
    assert (
        "Measure first: your real monthly traffic, from request logs. Narrowing the requests "
        "per month, in month 1, narrows the answer more than anything else." in text
    )
