"""``payback explain`` on the bundled examples, tried as a new user would: each sentence
reads as one (a label with a comma in it closed as the clause it opens)."""

from __future__ import annotations

from helpers import EXAMPLES, QUARTER, run


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


def test_why_says_it_does_not_pay_back_at_all_where_it_does_not() -> None:
    """examples/quality.toml with --no-quality never pays back within its 12 months (the
    verdict says so, NPV -$43,419); "why it wins or loses" said only that it does not pay
    back within a quarter, as if it did later."""
    text = _words(EXAMPLES / "quality.toml", "--no-quality")
    assert "Over 12 months: it does not pay back;" in text
    assert "It does not pay back within 12 months. What would change it: scaled to zero" in text
    assert "It does not pay back within a quarter. What would change it" not in text
    # one that pays back later than a quarter still says "within a quarter"
    assert "It does not pay back within a quarter. What would change it" in _words(QUARTER)
