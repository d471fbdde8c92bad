"""What ``payback usage -o`` changes in an existing scenario besides its ``[traffic]``
numbers: the words payback wrote there about the traffic, made true of the new
measurement, and the lines whose words may no longer describe it, named.

- payback's own words (:func:`refreshed`), each recognised by the form payback writes
  it in: the header comment a new scenario gets (``[traffic] measured by `payback usage`
  in logs.csv`` and the logs' dates), its title (``12,501 requests/month from logs.csv:
  ...``, taken as payback's only where the header names the same logs; what follows the
  first ``: `` is the user's and stays), the growth's comment where a growth was not
  written (``3 months (...) grew +2.00%/month: too few to extrapolate; set yours``, also
  after the mark a changed value puts before its comment, ``# was 0.0: 3 months ...``:
  the words made true of the new value, the mark goes) and the capacity's (``capacity
  estimated at the measured 1,747/275 tokens``);
- every other line that states requests a month (``200k requests/month``, a starter's
  title and header; on the line of ``requests_per_month`` or ``growth_monthly``, a count
  in its comment, ``1M now``, as the traffic's own) or token lengths (``at 2,000/400 tokens``, a
  capacity estimated for other prompts) more than 10 % away from the measured ones, or a cached
  share (``20% cached``) more than 10 points away (:func:`stale_lines`): left as written, named by
  its line number, with the lengths and the share it states together.

Nothing here reads or writes a file.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from payback.measure.usage.written import (
    MIN_GROWTH_MONTHS,
    growth_comment,
    traffic_head,
    traffic_title,
)

if TYPE_CHECKING:
    from payback.measure.usage.profile import UsageProfile
    from payback.scenario.io import Format

__all__ = ["STALE_SHARE", "refreshed", "stale_lines"]

STALE_SHARE = 0.10
"""How far (a share of the measured value) a number a line states may be from the measured
one before the line is named as perhaps no longer describing the traffic."""

HEAD = re.compile(
    r"\A(?P<lead># A payback scenario: \[traffic\] measured by `payback usage` in )"
    r"(?P<source>[^\n]*)\n# \((?P<span>\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d)\)"
)
NAME = re.compile(
    r"\A[0-9][0-9,]* requests/month from (?P<source>.+?)"
    r"(?: \((?:held flat|growth [^():]*as set): (?:its \d+ months grew [^()]*|growth not "
    r"measured)\))?: (?P<rest>.*)\Z",
    re.S,
)
GROWTH = re.compile(
    r"^(?P<key>[ \t]*growth_monthly[ \t]*[=:][ \t]*\S+)(?P<pad>[ \t]*)# (?:was [^:\n]*: )?(?:\d+ months "
    r"\(\d{4}-\d\d to \d{4}-\d\d\) grew [^\n]*: too few to extrapolate; set yours|not "
    r"measured \(under 2 complete months\); 0\.05 = \+5% a month)$",
    re.M,
)
STARTER_GROWTH = "compound; 0.05 = +5% a month"
"""The starter's comment on ``growth_monthly``: a new scenario's where a growth is written."""
LENGTHS = r"[0-9][0-9,]*/[0-9][0-9,]*"
CAPACITY = re.compile(
    rf"(# capacity estimated at the measured ){LENGTHS}( tokens)"
    rf"|(# re-check: an estimate for [^\n]* tokens, not the measured ){LENGTHS}$",
    re.M,
)
REQUESTS = re.compile(
    r"(?<![\w.,])(?P<n>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>[km]\b|thousand|million)?"
    r"\s*requests?\s*(?:/\s*|a\s+|per\s+|each\s+)month",
    re.I,
)
TOKENS = re.compile(r"(?<![\w.,])(?P<i>[0-9][0-9,]*)\s*/\s*(?P<o>[0-9][0-9,]*)\s+tokens\b")
TRAFFIC_KEY = re.compile(r"(?<!\w)(?:requests_per_month|growth_monthly)[\"']?[ \t]*[=:]")
"""A line that gives the traffic's requests or their growth: a count in its comment is
of requests (``growth_monthly = 0.08  # +8% a month: 1M now, ~5.9M in month 24``)."""
COUNT = re.compile(
    r"(?<![\w.,$])(?P<n>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>[km]|thousand|million)\b"
    r"(?!\s*(?:tokens?\b|usd\b|dollars\b|in\s+month\b|by\s+month\b))",
    re.I,
)
"""A count in thousands or millions (``1M``, ``200k``, ``1.5 million``), not of tokens or
money, nor a later month's (``5.9M in month 24``: the growth the file keeps decides it)."""
CACHED = re.compile(r"(?<![\w.,])(?P<c>[0-9]+(?:\.[0-9]+)?)\s*%\s*cached\b", re.I)
STALE_POINTS = 0.10
"""How far a cached share a line states (``20% cached``) may be from the measured one, in
points of share (0.10: ten points), before the line is named: a share near 0 has no
relative scale."""
UNITS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}


def refreshed(text: str, fmt: Format, profile: UsageProfile) -> tuple[str, list[str]]:
    """``text`` (a scenario with the measured ``[traffic]`` in) with payback's own words
    about the traffic made true of ``profile`` (see the module docstring), and the lines
    (:func:`stale_lines`) that may no longer describe it, one line each. Line endings are
    kept."""
    from payback.scenario.edit import with_values
    from payback.scenario.io import scenario_data_from_text

    crlf = "\r\n" in text
    body = text.replace("\r\n", "\n") if crlf else text
    data = scenario_data_from_text(body, fmt, "scenario")
    head = HEAD.search(body)
    new = HEAD.search(traffic_head(profile))
    if head is not None and new is not None:
        body = body.replace(head.group(0), new.group(0), 1)
    name = (data.get("scenario") or {}).get("name")
    said = NAME.match(name) if isinstance(name, str) else None
    if said is not None and head is not None and said["source"] == head["source"]:
        kept = (data.get("traffic") or {}).get("growth_monthly", 0.0)
        kept = float(kept) if isinstance(kept, int | float) else None
        title = traffic_title(profile, said["rest"], kept)
        if title != name:
            body = with_values(body, fmt, {"scenario.name": title})
    written = (
        len(profile.span["complete_months"]) >= MIN_GROWTH_MONTHS
        and "growth_monthly" in profile.traffic
    )
    body = GROWTH.sub(
        lambda m: (
            f"{m['key']}{m['pad']}# {STARTER_GROWTH}" if written else growth_comment(m, profile)
        ),
        body,
    )
    lengths = _lengths(profile)
    body = CAPACITY.sub(
        lambda m: f"{m[1]}{lengths}{m[2]}" if m[1] else f"{m[3]}{lengths}",
        body,
    )
    return (body.replace("\n", "\r\n") if crlf else body), stale_lines(body, profile)


def _lengths(profile: UsageProfile) -> str:
    return f"{profile.traffic['input_tokens']:,.0f}/{profile.traffic['output_tokens']:,.0f}"


def _far(stated: float, measured: float) -> bool:
    return abs(stated - measured) > STALE_SHARE * measured


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def stale_lines(text: str, profile: UsageProfile) -> list[str]:
    """Each line of ``text`` that states requests a month or ``input/output tokens`` more
    than :data:`STALE_SHARE` away from ``profile``'s, or a cached share more than
    :data:`STALE_POINTS` away (a starter's title and header, a capacity stated at other
    token lengths or another share, a comment of the user's), as one line that names it and
    says it is left as written."""
    now = float(profile.traffic["requests_per_month"])
    lengths = (float(profile.traffic["input_tokens"]), float(profile.traffic["output_tokens"]))
    share = profile.traffic.get("cached_input_share")
    out: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for found in _requests_stated(line):
            unit = UNITS.get((found["unit"] or "").lower(), 1.0)
            if _far(_number(found["n"]) * unit, now):
                out.append(
                    f"line {number} says {' '.join(found.group(0).split())!r}, where "
                    f"{now:,.0f} requests/month were measured: it may no longer describe the "
                    "traffic (left as written)"
                )
                break
        stated = _stated(line, lengths, share)
        if stated:
            out.append(_tokens_line(number, line, stated, profile))
    return out


def _requests_stated(line: str) -> list[re.Match[str]]:
    """The requests a month ``line`` states: each ``200k requests/month``; where there is
    none and the line gives ``requests_per_month`` or ``growth_monthly``, each count in
    thousands or millions in its comment (``1M now``)."""
    said = list(REQUESTS.finditer(line))
    if said or "#" not in line or TRAFFIC_KEY.search(line, 0, line.index("#")) is None:
        return said
    return list(COUNT.finditer(line, line.index("#")))


def _stated(line: str, lengths: tuple[float, float], share: float | None) -> str:
    """What ``line`` states of the traffic that is far from the measured ``lengths`` (input
    and output tokens) and cached ``share``: its ``2,000/400 tokens``, its ``20% cached``
    (more than :data:`STALE_POINTS` away), both where either is (``2,000/400 tokens, 20%
    cached``: the lengths a capacity was stated at go with their share); ``""`` else."""
    stated = list(TOKENS.finditer(line))
    away = [
        t
        for t in stated
        if any(_far(s, m) for s, m in zip((_number(t["i"]), _number(t["o"])), lengths, strict=True))
    ]
    # the first far from the measured, else the first
    tokens = (away or stated)[0] if away or stated else None
    far = bool(away)
    cached = CACHED.search(line) if share is not None else None
    if cached is not None and share is not None:
        far = far or abs(float(cached["c"]) / 100.0 - share) > STALE_POINTS
    if not far:
        return ""
    said = [f"{tokens['i']}/{tokens['o']} tokens"] if tokens is not None else []
    return ", ".join(said + ([f"{cached['c']}% cached"] if cached is not None else []))


def _tokens_line(number: int, line: str, stated: str, profile: UsageProfile) -> str:
    """The line for a line stating other token lengths or another cached share (what
    :func:`_stated` gives): a capacity's, to re-check."""
    measured = ", ".join(
        ([f"{_lengths(profile)} tokens"] if "tokens" in stated else [])
        + ([f"{profile.traffic['cached_input_share']:.0%} cached"] if "cached" in stated else [])
    )
    if re.match(r"\s*replica_requests_per_s\s*[=:]", line):
        return (
            f"line {number}: replica_requests_per_s is stated at {stated}, where {measured} "
            "were measured: re-check it (a model, gpu and engine in its place are estimated "
            f"at the measured {'traffic' if 'cached' in stated else 'lengths'}); left as written"
        )
    return (
        f"line {number} says {stated!r}, where {measured} were measured: it may no longer "
        "describe the traffic (left as written)"
    )
