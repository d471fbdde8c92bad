"""The shares of Monte Carlo samples paid back within each window, and those broken even
by a window's month but behind again at it, in the words every summary says them with
(analyze's text, explain, the report, a portfolio's, the break-even histogram's note)."""

from __future__ import annotations

from payback.figures import share_text


def window_shares(shares: dict[str, float | None], horizon: int) -> list[tuple[int, float]]:
    """The shares of samples paid back within 3, 6 and 12 months and within the horizon
    (``p_break_even_within``), as (months, share) from the shortest window: each window
    once (a 12-month horizon is the 12-month window), and none the horizon cannot answer
    (past it, while some sample has not paid back by then).

    >>> window_shares({"3": 0.57, "6": None, "12": None, "horizon": 0.57}, 3)
    [(3, 0.57)]
    >>> window_shares({"3": 0.0, "6": 1.0, "12": 1.0, "horizon": 1.0}, 12)
    [(3, 0.0), (6, 1.0), (12, 1.0)]
    >>> window_shares({"3": 0.2, "6": 0.5, "12": 0.7, "horizon": 0.9}, 24)
    [(3, 0.2), (6, 0.5), (12, 0.7), (24, 0.9)]
    """
    known = {int(k): v for k, v in shares.items() if k != "horizon" and v is not None}
    horizon_share = shares["horizon"]
    if horizon_share is not None:
        known.setdefault(horizon, horizon_share)
    return sorted(known.items())


def samples_behind_text(shares: dict[str, float | None], horizon: int) -> str:
    """The samples broken even by a window's month but behind again at it (a retraining, a
    price step: ``p_behind_again_at``), for each window :func:`window_shares` shows, so that
    "pays back within 3 months 0%" does not stand bare beside a break-even at month 1.8;
    ``""`` where no sample is.

    >>> samples_behind_text({"3": 1.0, "6": 0.0, "12": 0.0, "horizon": 0.0}, 12)
    'breaks even by month 3 but is behind again there in 100% of samples'
    >>> samples_behind_text({"3": 0.2, "6": 0.05, "12": 0.0, "horizon": 0.009}, 24)
    'breaks even by month 3 but is behind again there in 20% of samples, by month 6 in 5.0%, by month 24 in 0.9%'
    >>> samples_behind_text({"3": 0.0, "6": None, "12": None, "horizon": 0.0}, 3)
    ''
    """
    some = [(k, share) for k, share in window_shares(shares, horizon) if share > 0]
    if not some:
        return ""
    (first, share), *more = some
    return (
        f"breaks even by month {first} but is behind again there in {share_text(share)} of "
        "samples" + "".join(f", by month {k} in {share_text(p)}" for k, p in more)
    )
