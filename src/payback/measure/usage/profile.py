"""The traffic figures from the logs' monthly rows: pure arithmetic, no DuckDB.

The queries (:mod:`payback.measure.usage.sql`) sum the logs by calendar month; this module
finds the complete months, the requests per month, the growth fitted over the complete
months and the busiest hour over the mean hour, as the package's docstring defines them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from payback.errors import PaybackError
from payback.measure.usage.coverage import mark_complete, missing_inside

__all__ = [
    "DAYS_PER_MONTH",
    "HOURS_PER_MONTH",
    "KEPT",
    "NO_CACHED",
    "UNMEASURED",
    "Month",
    "Monthly",
    "UsageProfile",
    "by_model",
    "cached_measured",
    "monthly",
    "months_said",
    "span",
    "utc",
]

DAYS_PER_MONTH = 365.25 / 12
"""Days in the average month: ``requests_per_month`` is requests per day × this."""
HOURS_PER_MONTH = DAYS_PER_MONTH * 24
SHORT_HOURS = 168.0
"""Covered hours under which (a week, without a complete month) the rate is warned of."""
PEAK_CAP = 730.0
"""The most ``peak_to_average`` can be: a month's requests all in one hour."""


@dataclass(frozen=True)
class UsageProfile:
    """What the logs say about the workload, in the scenario's ``[traffic]`` terms."""

    traffic: dict[str, float]
    """``requests_per_month``, ``growth_monthly``, ``input_tokens``, ``output_tokens``,
    ``cached_input_share`` and ``peak_to_average``, ready for a scenario's ``[traffic]``;
    a figure the logs cannot measure is absent (growth from fewer than two complete months,
    a cached share without a cached-token column, a peak from buckets longer than an hour),
    and a note says why (:data:`UNMEASURED`). ``to_dict`` gives it as None."""
    token_percentiles: dict[str, dict[str, float] | None]
    """p50/p90/p99 of input and output tokens per request (``None`` for pre-aggregated logs)."""
    by_month: list[dict[str, Any]]
    by_model: list[dict[str, Any]]
    """The :data:`MODELS_SHOWN` models with the most requests (``models`` says how many)."""
    rows: dict[str, Any]
    """``read``, ``used``, ``unreadable`` (with ``examples``), ``not_llm_calls_or_failed``
    (other kinds of rows, failed requests) and ``filtered_out`` (by the dates or the model
    asked)."""
    span: dict[str, Any]
    """First and last timestamp of the logs (UTC; every model inside the dates), the end of
    the data covered, the hours of the complete months (else the covered hours), the
    complete and the empty months, and the bucket length in seconds."""
    format: str
    files: list[str]
    formats: dict[str, str]
    """Each file's format (detected file by file with ``auto``)."""
    models: int
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    table: str | None = None
    """The database table read (its URL, password masked, and its name); ``None`` for files."""
    overlaps: list[dict[str, Any]] = field(default_factory=list)
    """Pairs of files of the same format whose requests overlap in time by an hour or more
    while their rows carry no request id to match (:func:`overlaps`): ``files``,
    ``format``, ``from`` and ``to`` (UTC) and ``hours``. Counted as given, named in a
    warning: two exports of one log count the overlap twice; two replicas' logs are right."""
    written_traffic: dict[str, float] = field(default_factory=dict)
    """The ``[traffic]`` numbers ``usage -o`` wrote into a scenario, as it wrote them (a
    growth fitted from too few months is not written; ``traffic`` still gives it), filled
    in by the command once it has written them, with its warnings added to ``warnings``;
    empty (and left out of ``to_dict``) where nothing was written."""

    def to_dict(self) -> dict[str, Any]:
        """The profile as plain data (``--json``): every field of :data:`UNMEASURED` in
        ``traffic``, None where the logs do not measure it (a note says why), so that a
        growth not measured never reads as a measured 0; ``written_traffic`` only where
        ``-o`` wrote."""
        data = asdict(self)
        data["traffic"] = {name: self.traffic.get(name) for name in TRAFFIC_ORDER}
        if not self.written_traffic:
            del data["written_traffic"]
        return data


UNMEASURED = ("growth_monthly", "cached_input_share", "peak_to_average")
"""The ``[traffic]`` figures some logs cannot measure (absent from ``traffic`` then)."""
TRAFFIC_ORDER = (
    "requests_per_month",
    "growth_monthly",
    "input_tokens",
    "output_tokens",
    "cached_input_share",
    "peak_to_average",
)
KEPT = "a scenario written from these logs keeps its own"
"""How a note on a figure not measured ends: ``usage -o`` says it once, with the value the
file keeps (:func:`payback.measure.usage.written.scenario_with_traffic`)."""


@dataclass
class Month:
    """A calendar month of the logs (UTC): its sums, its first request, where its data end
    and its busiest clock hour."""

    start: dt.datetime
    following: dt.datetime
    requests: float
    input: float
    output: float
    cached: float
    first: dt.datetime
    end: dt.datetime
    busiest: float
    logs: float
    """The requests of every model in the month (its coverage's rate,
    :mod:`~payback.measure.usage.coverage`); ``requests`` without ``--model``."""
    complete: bool = False
    gap: float = 0.0
    """The longest gap [s] between the logs' requests from one clock hour to a later one
    inside the month (``GAPS``); 0 where none is measured."""
    gap_from: dt.datetime | None = None
    gap_to: dt.datetime | None = None

    @property
    def index(self) -> int:
        return 12 * self.start.year + self.start.month - 1

    @property
    def days(self) -> int:
        return (self.following - self.start).days


def utc(value: Any) -> dt.datetime:
    """A timestamp DuckDB returned, in UTC."""
    if not isinstance(value, dt.datetime):
        raise PaybackError(f"a timestamp DuckDB returned cannot be used: {value!r}")
    return value.astimezone(dt.UTC)


def _floor_hour(t: dt.datetime) -> dt.datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def _ceil_hour(t: dt.datetime) -> dt.datetime:
    return _floor_hour(t - dt.timedelta(microseconds=1)) + dt.timedelta(hours=1)


def _month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Monthly:
    """What the monthly rows say (:func:`monthly`)."""

    months: list[Month]
    """The months with rows, in order (``complete`` set); a month whose rows are all empty
    buckets (zero requests) is covered time, left out of the figures."""
    empty: list[int]
    """Months inside the span without a request (``12 · year + month - 1``)."""
    hours: float
    """The hours of the complete months, else the covered hours (without a complete month,
    the requests per month and the mean hour of ``peak_to_average`` are taken over them)."""
    bucket_seconds: float
    """The longest time a row stands for: a bucket, or the day or hour timestamps resolve."""
    requests_per_month: float
    growth_monthly: float | None
    """None from fewer than two complete months with requests: not measured, noted."""
    peak_to_average: float | None
    """None when the rows stand for more than an hour: the busiest hour is unknown."""
    notes: list[str]
    warnings: list[str]

    @property
    def complete(self) -> list[Month]:
        return [m for m in self.months if m.complete]


def monthly(
    month_rows: Iterable[Sequence[Any]],
    end_rows: Iterable[Sequence[Any]],
    source_rows: Iterable[Sequence[Any]],
    cut: tuple[dt.datetime | None, dt.datetime | None] = (None, None),
    model: str | None = None,
    gap_rows: Iterable[Sequence[Any]] = (),
) -> Monthly:
    """The figures from the rows of the ``MONTHS``, ``ENDS`` and ``SOURCES`` queries.

    ``month_rows``: ``(month, requests, input, output, cached, first, busiest_hour)`` by
    month (the first day, a date), in order; ``end_rows``: ``(month, source, last_instant,
    last_end)``, where each source's data end in each month (the last timestamp of a row
    without a bucket length, the end of the last bucket); ``source_rows``: ``(source,
    dates_only, whole_hours, bucket_seconds)``, each source's timestamp resolution.
    ``cut``: where a date filter cut logs that go on past it (the start of the since day,
    the end of the until day; ``None`` where the logs do not reach past the filter): a
    month that begins or ends at a cut is covered there. A ``month_rows`` row may end with
    the requests of every model in the month (``--model`` given: ``model``): the months
    and where they begin and end are the logs', the sums the model's
    (:mod:`~payback.measure.usage.coverage`); a complete month without a request of the
    model is a real zero. ``gap_rows``: ``(month, seconds, from, to)``, the longest gap
    between requests inside each month (``GAPS``): a boundary gap no longer is covered, and
    a complete month's far longer than every other complete month's is warned of.
    """
    grains, bucket = _grains(source_rows)
    months = _months(month_rows, end_rows, grains)
    _gaps(months, gap_rows)
    mark_complete(months, max(3600.0, bucket), cut)
    empty, warnings = _empty(months)
    warnings += missing_inside(months, max(3600.0, bucket))
    full = [m for m in months if m.complete and m.logs > 0]
    window, hours, rate, notes = _rate(months, full, cut)
    if not full and hours < SHORT_HOURS:
        warnings.append(
            f"the logs cover only {hours:,.0f} hour{'' if round(hours) == 1 else 's'} (under a "
            "week, no complete month): "
            "requests_per_month takes their rate for a whole month, as if the hours of the "
            "day and the days of the week they miss were as busy as those they hold; a week "
            "or more of logs (a complete month best) measures it"
        )
    if full and not full[-1].requests:
        warnings.append(_gone_quiet(months, full[-1], model))
    quiet = [m.start.strftime("%Y-%m") for m in months if m.complete and m.logs == 0]
    if quiet:
        notes.append(
            f"{', '.join(quiet)}: covered by the logs without a request (empty buckets); left "
            "out of requests_per_month, growth_monthly and peak_to_average"
        )
    if full and (drift := _token_drift(months, full[-1])):
        notes.append(drift)
    growth = _growth(full)
    if growth is None:
        notes.append(_unfitted(full, model))
    day_grain = bucket == 86400 and 86400 in grains.values()
    peak = _peak(window, hours, bucket, day_grain, notes)
    return Monthly(months, empty, hours, bucket, rate, growth, peak, notes, warnings)


def _gone_quiet(months: list[Month], last: Month, model: str | None) -> str:
    """A warning for a ``requests_per_month`` of 0: the model asked has no request in
    ``last``, the last complete month; where its requests are, before it or after it."""
    said = f"{model} has no request in {last.start:%Y-%m}, the last complete month of the logs"
    later = [m for m in months if m.requests and m.start > last.start]
    if later:
        return (
            f"{said}: requests_per_month is 0, its requests coming after it (from "
            f"{later[0].start:%Y-%m}); a since date of {later[0].start:%Y-%m-%d} gives their rate "
            "over the hours the logs cover from then"
        )
    earlier = [m for m in months if m.requests]
    return f"{said}: requests_per_month is 0 (its last were in {earlier[-1].start:%Y-%m})"


def _unfitted(full: list[Month], model: str | None) -> str:
    """Why the growth is not measured: fewer than two complete months with requests, or a
    complete month of the logs without a request to the model asked (a real zero, which a
    log-linear fit cannot take: leaving it out would fit only the months that had some)."""
    none = [m.start.strftime("%Y-%m") for m in full if not m.requests]
    if len(full) < 2 or not none:
        return (
            f"growth_monthly is not measured: the logs hold {months_said(full)}, and a fit "
            f"needs two or more ({KEPT})"
        )
    # the months before its first (all of them where it has none in a complete month)
    lead = next((k for k, m in enumerate(full) if m.requests), len(full))
    rest = full[lead:]
    leading = lead == len(none) and len(rest) >= 2
    since = (
        f"; a since date of {rest[0].start:%Y-%m-%d} fits the months from its first"
        if leading
        else ""
    )
    return (
        f"growth_monthly is not measured: {model} has no request in {len(none)} of the logs' "
        f"{len(full)} complete months ({', '.join(none)}): a log-linear fit cannot take a "
        f"month of none, and leaving {'it' if len(none) == 1 else 'them'} out would fit only "
        f"the months it had requests in{since} ({KEPT})"
    )


def _grains(source_rows: Iterable[Sequence[Any]]) -> tuple[dict[int, float], float]:
    """What a row without a bucket length stands for, source by source: an instant (0), or
    the day or hour its timestamps resolve (dates only, or whole hours) [s]; and the
    longest time any row stands for."""
    grains: dict[int, float] = {}
    bucket = 0.0
    for src, dates_only, whole_hours, seconds in source_rows:
        grains[src] = 86400.0 if dates_only else 3600.0 if whole_hours else 0.0
        bucket = max(bucket, grains[src], float(seconds or 0.0))
    return grains, bucket


def _months(
    month_rows: Iterable[Sequence[Any]],
    end_rows: Iterable[Sequence[Any]],
    grains: dict[int, float],
) -> list[Month]:
    """The months, each ending where its data end (a row's end: its timestamp plus what it
    stands for)."""
    data_ends: dict[dt.date, list[dt.datetime]] = {}
    for month, src, last_instant, last_end in end_rows:
        grain = grains[src]
        step = dt.timedelta(seconds=grain) if grain else dt.timedelta(microseconds=1)
        ends = data_ends.setdefault(month, [])
        ends += [utc(last_instant) + step] if last_instant is not None else []
        ends += [utc(last_end)] if last_end is not None else []
    months: list[Month] = []
    for start, r, i, o, c, m_first, busiest, *logs in month_rows:
        begin = dt.datetime(start.year, start.month, 1, tzinfo=dt.UTC)
        months.append(
            Month(
                begin,
                dt.datetime(begin.year + begin.month // 12, begin.month % 12 + 1, 1, tzinfo=dt.UTC),
                float(r),
                float(i),
                float(o),
                float(c),
                utc(m_first),
                max(data_ends[start]),
                float(busiest),
                float(logs[0]) if logs else float(r),
            )
        )
    return months


def _gaps(months: list[Month], gap_rows: Iterable[Sequence[Any]]) -> None:
    """Set each month's longest gap inside it from the ``GAPS`` rows."""
    by_start = {(m.start.year, m.start.month): m for m in months}
    for month, seconds, since, until in gap_rows:
        m = by_start.get((month.year, month.month))
        if m is not None and seconds is not None:
            m.gap, m.gap_from, m.gap_to = float(seconds), utc(since), utc(until)


def _empty(months: list[Month]) -> tuple[list[int], list[str]]:
    """The months inside the span without a request, and a warning naming them."""
    present = {m.index for m in months}
    empty = sorted(set(range(months[0].index, months[-1].index + 1)) - present)
    if not empty:
        return empty, []
    shown = (
        ", ".join(_month_label(i) for i in empty)
        if len(empty) <= 4
        else f"{_month_label(empty[0])} … {_month_label(empty[-1])}"
    )
    return empty, [
        f"no requests in {len(empty):,} month(s) inside the logs' span ({shown}): a stray "
        "timestamp or a gap in the logs; those months are left out of every figure"
    ]


def _rate(
    months: list[Month],
    full: list[Month],
    cut: tuple[dt.datetime | None, dt.datetime | None] = (None, None),
) -> tuple[list[Month], float, float, list[str]]:
    """The months the mean hour is taken over and their hours, the requests per month,
    and a note when no month is complete: the last complete month's requests per day ×
    :data:`DAYS_PER_MONTH`, else the requests per covered hour × :data:`HOURS_PER_MONTH`.
    The covered hours run from the first request's hour to the data's end, or from a date
    filter's cut of logs that go on past it (``cut``, as in :func:`monthly`) where it is
    in the same month: the logs cover the whole day asked for, quiet hours included."""
    if full:
        hours = sum(m.days * 24.0 for m in full)
        return full, hours, full[-1].requests / full[-1].days * DAYS_PER_MONTH, []
    present = {m.index for m in months}
    since, until = cut
    hours = 0.0
    for m in months:
        lo = m.start if m.index - 1 in present else _floor_hour(m.first)
        if m.index - 1 not in present and since is not None and m.start <= since <= m.first:
            lo = since
        hi = m.following if m.index + 1 in present else _ceil_hour(m.end)
        if m.index + 1 not in present and until is not None and m.end <= until <= m.following:
            hi = until
        hours += (hi - lo).total_seconds() / 3600
    rate = sum(m.requests for m in months) / hours * HOURS_PER_MONTH
    note = (
        f"no complete calendar month in the logs: requests_per_month {rate:,.0f} is the "
        f"requests of {hours:,.0f} covered hour{'' if round(hours) == 1 else 's'} scaled to a "
        f"{HOURS_PER_MONTH:g}-hour month (365.25 / 12 days)"
    )
    return months, hours, rate, [note]


TOKEN_DRIFT = 0.2
"""How far the month ``requests_per_month`` is taken from may stand from the whole logs in
tokens per request (20%) before a note says so: the token means are the whole logs'."""


def _token_drift(months: list[Month], last: Month) -> str | None:
    """A note where the last complete month's tokens per request stand 20% or more from the
    whole logs' (:data:`TOKEN_DRIFT`), the figures the scenario gets: its requests are that
    month's, its tokens per request every month's."""
    said = []
    for name in ("input", "output"):
        whole = sum(getattr(m, name) for m in months) / max(sum(m.requests for m in months), 1)
        recent = getattr(last, name) / last.requests if last.requests else 0.0
        if whole and recent and abs(recent / whole - 1) >= TOKEN_DRIFT:
            said.append(f"{name}_tokens {whole:,.0f} over the logs, {recent:,.0f} in that month")
    if not said:
        return None
    return (
        f"tokens per request are the whole logs' while requests_per_month is {last.start:%Y-%m}'s: "
        f"{'; '.join(said)} (a since date of {last.start:%Y-%m-%d} measures that month alone)"
    )


def months_said(months: Sequence[Month | str]) -> str:
    """``no complete month``, ``1 complete month (2026-01)``, ``3 complete months (2026-01
    to 2026-03)``: the complete months (or their labels) in words."""
    said = [m if isinstance(m, str) else m.start.strftime("%Y-%m") for m in months]
    if not said:
        return "no complete month"
    if len(said) == 1:
        return f"1 complete month ({said[0]})"
    return f"{len(said)} complete months ({said[0]} to {said[-1]})"


def _growth(full: list[Month]) -> float | None:
    """The compound monthly rate of a least-squares fit of ln(requests per day) on the
    month number over the complete months with requests; None with fewer than two (not
    measured: noted, the table says so, and ``-o`` that the scenario keeps its own)."""
    if len(full) < 2 or not all(m.requests for m in full):
        return None
    xs = [float(m.index) for m in full]
    ys = [math.log(m.requests / m.days) for m in full]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return math.exp(slope) - 1.0


def _peak(
    window: list[Month], hours: float, bucket: float, day_grain: bool, notes: list[str]
) -> float | None:
    """The busiest clock hour's requests over the mean hour of the last complete month
    (the month ``requests_per_month`` is taken from) when ``window`` is the complete
    months, else over the mean of the ``hours`` covered (at least 1, at most
    :data:`PEAK_CAP`); None, noted, when rows stand for more than an hour (``day_grain``:
    timestamps that are dates). An earlier complete month whose busiest hour stood
    higher over its mean hour is noted."""
    if bucket > 3600:
        why = (
            "the timestamps are whole days (dates without a time, or every one at midnight)"
            if day_grain
            else f"the logs count requests in buckets of {bucket / 3600:g} hours"
        )
        notes.append(
            f"{why}, so the busiest hour is unknown: peak_to_average is not measured ({KEPT}); "
            "logs per request or in hourly buckets (the OpenAI usage API's bucket_width=1h) "
            "measure it"
        )
        return None
    if all(m.complete for m in window) and not window[-1].requests:
        notes.append(
            f"peak_to_average is not measured: {window[-1].start:%Y-%m}, the month "
            f"requests_per_month is taken from, holds no request of the model asked ({KEPT})"
        )
        return None
    if all(m.complete for m in window):
        # the month requests_per_month is taken from: its busiest hour over its own mean
        # hour, so that the fleet a scenario sizes (finance.costs: a month's mean requests
        # per second × peak_to_average) is that month's busiest hour. Another month's ratio
        # belongs to another volume: over months of growth the quieter months' hours are
        # lumpier (one request in an hour of a month at 10 a day is 2.4 mean hours), and
        # their mean hour is below the last month's
        peak = _ratio(window[-1])
        _note_other_peaks(window, peak, notes)
    else:
        peak = max(m.busiest for m in window) / (sum(m.requests for m in window) / hours)
    peak = max(1.0, peak)
    if peak > PEAK_CAP:
        notes.append(
            f"the busiest hour is {peak:,.0f} mean hours; peak_to_average is capped at 730"
        )
        return PEAK_CAP
    return peak


def _ratio(m: Month) -> float:
    """A month's busiest hour over its own mean hour."""
    return m.busiest / (m.requests / (m.days * 24.0))


def _note_other_peaks(window: list[Month], peak: float, notes: list[str]) -> None:
    """A note naming the earlier complete month whose busiest hour stood highest over its
    own mean hour, when that is above ``peak`` (the last month's) by a tenth or more."""
    earlier = [m for m in window[:-1] if m.requests]
    if not earlier:
        return
    top = max(earlier, key=_ratio)
    if _ratio(top) < 1.1 * max(1.0, peak):
        return
    last = window[-1]
    notes.append(
        f"peak_to_average is {last.start:%Y-%m}'s, the month requests_per_month is taken "
        f"from: its busiest hour is {max(1.0, peak):.2f} mean hours; {top.start:%Y-%m}'s was "
        f"{_ratio(top):.2f}, at {top.requests / top.days:,.1f} requests a day against "
        f"{last.requests / last.days:,.1f} (a spike then, or a quieter month's lumpier hours)"
    )


def by_month(months: list[Month]) -> list[dict[str, Any]]:
    """Each month's requests, requests per day (complete months), mean tokens (0 in a month
    of empty buckets only) and cached share."""
    return [
        {
            "month": m.start.strftime("%Y-%m"),
            "requests": m.requests,
            "requests_per_day": m.requests / m.days if m.complete else None,
            # a month of empty buckets only: no tokens
            "input_tokens": m.input / m.requests if m.requests else 0.0,
            "output_tokens": m.output / m.requests if m.requests else 0.0,
            "cached_input_share": m.cached / m.input if m.input else 0.0,
            "complete": m.complete,
        }
        for m in months
    ]


def by_model(model_rows: Iterable[Sequence[Any]], requests: float) -> list[dict[str, Any]]:
    """Each model's share of ``requests``, mean tokens and cached share, from rows of
    ``(model, requests, input, output, cached)``."""
    return [
        {
            "model": name,
            "requests": float(r),
            "share": float(r) / float(requests),
            "input_tokens": float(i) / float(r),
            "output_tokens": float(o) / float(r),
            "cached_input_share": float(c) / float(i) if i else 0.0,
        }
        for name, r, i, o, c in model_rows
        if r  # rows of zero requests (empty buckets) are no model's
    ]


NO_CACHED = (
    f"the logs have no cached-token column, so cached_input_share is not measured ({KEPT}); "
    "name the column with columns cached=COLUMN if they have one"
)


def cached_measured(profile: UsageProfile, found: bool, note: str = NO_CACHED) -> UsageProfile:
    """``profile`` as it is where the logs have a cached-token column (``found``); else
    with ``cached_input_share`` not measured: out of ``traffic`` (so not written), None by
    month and by model, and ``note`` (:data:`NO_CACHED`) noted. A column of zeros
    measures 0."""
    if found:
        return profile

    def unknown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**row, "cached_input_share": None} for row in rows]

    traffic = {k: v for k, v in profile.traffic.items() if k != "cached_input_share"}
    return replace(
        profile,
        traffic=traffic,
        by_month=unknown(profile.by_month),
        by_model=unknown(profile.by_model),
        notes=[*profile.notes, note],
    )


def span(first: Any, last: Any, months: Monthly) -> dict[str, Any]:
    """The first and last timestamps of the logs (UTC; every model inside the dates), the
    end of the data covered, the hours the mean hour is taken over, the complete and the
    empty months, and the bucket length."""
    return {
        "first": utc(first).isoformat(),
        "last": utc(last).isoformat(),
        "end": max(m.end for m in months.months).isoformat(),
        "hours": months.hours,
        # those with requests: the months the rate, the growth and the peak are taken over
        # (a month of empty buckets only is complete in by_month, and noted)
        "complete_months": [m.start.strftime("%Y-%m") for m in months.complete if m.logs],
        "empty_months": [_month_label(i) for i in months.empty],
        "bucket_seconds": months.bucket_seconds,
    }
