"""What ``payback usage -o`` writes besides the numbers: which measured figures a scenario
gets, and a new scenario's words made true of the measured traffic.

- :func:`traffic_written`: the ``[traffic]`` numbers to write. A growth fitted from fewer
  than :data:`MIN_GROWTH_MONTHS` complete months is not written (the scenario keeps its
  own ``growth_monthly``; the starter's is 0): compounded over a 24-month horizon, three
  months of doubling read as billions of requests a month.
- :func:`as_written`: the profile with its ``[traffic]`` numbers as the file holds them
  (rounded by :func:`~payback.scenario.rounding.written_value`): every figure told about what
  is written (the growth caution's traffic at the horizon, the title, the comments) is
  derived from these, so that it is what ``payback analyze`` says of the written file.
- :func:`growth_caution`: the line that says so (the rate, its months, and the traffic
  it implies at the horizon), or that a written growth compounds to that much.
- :func:`new_scenario`: the starter with measured traffic, its title, header and growth
  comment saying where the traffic came from, and the alternative's capacity estimated
  at the measured token lengths from the model, GPU and engine its comment names (the
  starter's number is at 2,000/400 tokens).
- :func:`scenario_with_traffic`: all of it for one path: the text to write there (a new
  scenario is made in TOML and written as YAML for a YAML path, its comments kept; an
  existing one gets the words an earlier ``-o`` wrote on the traffic made true of this
  one, :mod:`~payback.measure.usage.rewritten`), and the warnings (the growth caution
  among them) and notes to tell, each naming the path.

Nothing here writes a file.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from payback.measure.usage.names import written_name
from payback.measure.usage.profile import KEPT, UNMEASURED, UsageProfile, months_said

if TYPE_CHECKING:
    from pathlib import Path

    from payback.scenario.io import Format


__all__ = [
    "MIN_GROWTH_MONTHS",
    "NewScenario",
    "TrafficFile",
    "as_written",
    "growth_caution",
    "new_scenario",
    "scenario_with_traffic",
    "traffic_written",
]

MIN_GROWTH_MONTHS = 6
"""Complete months a growth must be fitted from to be written into a scenario: half a
year. A fit from fewer (two or three months of a launch) is shown, not extrapolated."""


def _fitted(profile: UsageProfile) -> list[str]:
    return list(profile.span["complete_months"])


def as_written(profile: UsageProfile) -> UsageProfile:
    """``profile`` with its ``[traffic]`` numbers rounded as a scenario file holds them
    (:func:`~payback.scenario.rounding.written_value`: whole requests, or 4 digits): what is
    told about a written file is derived from these, round first, so that it agrees with
    what ``payback analyze`` derives from the file (the unrounded 1,199.24 requests and
    +10.9304% a month gave 13,034 in month 24, the written 1,199 and 0.1093 give 13,030).
    Rounding again changes nothing."""
    from payback.scenario.rounding import written_traffic

    return dataclasses.replace(profile, traffic=written_traffic(profile.traffic))


def traffic_written(profile: UsageProfile) -> dict[str, float]:
    """The measured ``[traffic]`` numbers to write (:func:`as_written`): all of them, less
    ``growth_monthly`` when fitted from fewer than :data:`MIN_GROWTH_MONTHS` complete months."""
    traffic = dict(as_written(profile).traffic)
    if len(_fitted(profile)) < MIN_GROWTH_MONTHS:
        traffic.pop("growth_monthly", None)
    return traffic


def _count(n: float) -> str:
    """A request count in words a reader takes in: 10.2 billion, 3.4 million, 12,345, 5.89
    (as :func:`~payback.scenario.rounding.written_value` writes it)."""
    from payback.scenario.rounding import written_value

    if abs(n) >= 1e15:
        return f"{n:.1e}"
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(n) >= size:
            return f"{n / size:,.1f} {word}"
    return f"{written_value('requests_per_month', n):,}"


def growth_caution(profile: UsageProfile, horizon_months: int, kept: float | None) -> str | None:
    """One line on the fitted growth and ``-o``: for a fit from fewer than
    :data:`MIN_GROWTH_MONTHS` complete months, that it is not written (``kept``: the
    scenario's own growth, which stays), with the traffic it would imply in the horizon's
    last month (none for a flat fit: a growth of 0 is told as any other), and nothing
    where the scenario's own growth is the fit to the precision shown (+0.00% and 0); for a
    growth
    written, that traffic when it is over ten times today's. With no growth fitted (fewer
    than two complete months: not measured, absent from the profile's traffic), that it is
    not written where the scenario keeps a growth other than 0 (where it keeps 0, a note
    says so: :func:`scenario_with_traffic`). None when there is nothing to say. Told of the
    numbers as written (:func:`as_written`)."""
    profile = as_written(profile)
    growth = float(profile.traffic.get("growth_monthly", 0.0))
    months = _fitted(profile)
    own = "" if kept is None else f" (growth_monthly = {kept:g})"
    advice = f"set the growth you expect, or measure {MIN_GROWTH_MONTHS} complete months or more"
    if "growth_monthly" not in profile.traffic:
        if kept == 0.0:  # said 0, and 0 it is
            return None
        mine = "" if kept is None else f" {kept:g}"
        none = [m["month"] for m in profile.by_month if m["month"] in months and not m["requests"]]
        why = (
            f"the model asked has no request in {', '.join(none)} (complete months of the logs)"
            if none and len(months) >= 2
            else f"the logs hold {months_said(months)}"
        )
        return f"growth_monthly is not measured: {why}; the scenario keeps its own{mine}: {advice}"
    now = float(profile.traffic["requests_per_month"])
    then = now * (1.0 + growth) ** (horizon_months - 1)
    implied = (
        f"compounded over the scenario's {horizon_months} months it gives {_count(then)} "
        f"requests in month {horizon_months} (from {_count(now)} a month now)"
    )
    if len(months) < MIN_GROWTH_MONTHS:
        if kept is not None and f"{growth:+.2%}" == f"{kept:+.2%}":
            return None  # the growth the file keeps is the fit, as far as the fit is shown
        return (
            f"growth_monthly {growth:+.2%} a month is fitted from only {months_said(months)}"
            + (f": {implied}" if growth != 0.0 else "")
            + f"; it is not written, the scenario keeps its own{own}: {advice}"
        )
    if then <= 10.0 * now and then >= now / 10.0:
        return None
    return (
        f"growth_monthly {growth:+.2%} a month, fitted from {months_said(months)}, is written: "
        f"{implied}; check that it can last that long"
    )


@dataclass(frozen=True)
class TrafficFile:
    """What ``payback usage -o`` writes to a path, and what to tell about it."""

    text: str
    """The whole file to write (byte-order mark and line endings as the file had them)."""
    created: bool
    """Whether it is a new scenario (the starter with the measured traffic)."""
    warnings: list[str] = field(default_factory=list)
    """Values replaced that were distributions, the growth caution (:func:`growth_caution`):
    one line each, naming the path."""
    notes: list[str] = field(default_factory=list)
    """What a new scenario was made to say (its capacity), or the lines of an existing one
    that state other traffic (:mod:`~payback.measure.usage.rewritten`), and each figure not
    measured with the value the file keeps, one line each, naming the path."""
    reworded: bool = False
    """Whether words payback wrote in an existing scenario about earlier traffic (its title,
    header, growth or capacity comment) were rewritten, besides the numbers."""
    said: list[str] = field(default_factory=list)
    """The profile's notes on figures not measured that :attr:`notes` or :attr:`warnings`
    say again with the value the file keeps: not to be told twice."""
    traffic: dict[str, float] = field(default_factory=dict)
    """The ``[traffic]`` numbers written (:func:`traffic_written`): the measured ones, as
    the file writes them, less a growth not written."""


def scenario_with_traffic(path: str | Path, profile: UsageProfile) -> TrafficFile:
    """The scenario at ``path`` with ``profile``'s traffic (:func:`traffic_written`), or
    the starter with it where ``path`` is new or empty (:func:`new_scenario`), and the
    lines to tell: its edit's warnings and the growth caution, told against the growth
    the written file keeps and its horizon. Reads ``path``, writes nothing; raises
    :class:`~payback.errors.PaybackError` ending "left as it is" where it cannot be
    updated (:func:`~payback.scenario.edit.file_with_traffic`)."""
    from payback.measure.usage.rewritten import refreshed
    from payback.scenario.edit import file_with_traffic, starter_with_traffic
    from payback.scenario.io import scenario_data_from_text, scenario_format

    profile = as_written(profile)  # all told of the file is derived from what it holds
    traffic = traffic_written(profile)
    made: list[NewScenario] = []

    def new() -> str:  # only for a new or empty path
        made.append(new_scenario(starter_with_traffic(traffic), profile))
        return made[0].text

    reworded: list[bool] = []

    def refresh(text: str, fmt: Format) -> tuple[str, list[str]]:  # an existing scenario
        out, lines = refreshed(text, fmt, profile)
        reworded.append(out != text)
        return out, lines

    edit = file_with_traffic(path, traffic, new, refresh)  # a path it can write, a scenario
    text = edit.text
    notes = [f"{path}: {line}" for line in made[0].notes] if made else list(edit.notes)
    data = scenario_data_from_text(text.removeprefix("\ufeff"), scenario_format(path), str(path))
    kept = data["traffic"].get("growth_monthly", 0.0)
    caution = growth_caution(
        profile,
        int(data["scenario"]["horizon_months"]),
        float(kept) if isinstance(kept, int | float) else None,
    )
    kept, said = _kept(profile, data["traffic"], f"{path}: ", edit.created, caution is not None)
    return TrafficFile(
        text,
        edit.created,
        [*edit.warnings, *([f"{path}: {caution}"] if caution else [])],
        notes + kept,
        any(reworded),
        said,
        traffic,
    )


def _kept(
    profile: UsageProfile, traffic: dict[str, Any], prefix: str, created: bool, cautioned: bool
) -> tuple[list[str], list[str]]:
    """Each of ``profile``'s notes on a figure not measured (those ending their reason
    with :data:`~payback.measure.usage.profile.KEPT`) said again with the value the file
    keeps (``traffic``: its ``[traffic]`` table), after ``prefix``; the growth's not where
    the growth caution says it (``cautioned``). And the notes so said, not to be told
    twice."""
    lines: list[str] = []
    said: list[str] = []
    for note in profile.notes:
        if KEPT not in note:
            continue
        at = note.index(KEPT)
        name = max(UNMEASURED, key=lambda n: note.rfind(n, 0, at))  # the one it is about
        said.append(note)
        if name != "growth_monthly" or not cautioned:
            lines.append(prefix + note.replace(KEPT, _keeps(name, traffic, created), 1))
    return lines, said


def _keeps(name: str, traffic: dict[str, Any], created: bool) -> str:
    """What a file keeps for the ``[traffic]`` figure ``name`` the logs do not measure:
    its number, a distribution, or the default where it sets none."""
    from payback.scenario.schema import Traffic

    value = traffic.get(name)
    if value is None:
        shown = f"{Traffic.model_fields[name].default:g}, the default (it sets none)"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        shown = f"{value:g}"
    else:
        shown = "distribution"
    if created:
        return f"the new scenario has the starter's {shown}; set yours"
    return f"the scenario keeps its own {shown}"


# ---------------------------------------------------------------- a new scenario

STARTER_HEAD = re.compile(r"\A# A starter payback scenario:.*?\n(?=# Every number)", re.S)
STARTER_CAPACITY = re.compile(
    r"^replica_requests_per_s = (?P<value>[0-9.]+)(?P<pad> *)# estimate: (?P<model>\S+) "
    r"(?P<precision>\S+) on (?P<gpus>\d+) × (?P<gpu>\S+) at "
    r"(?P<input>[0-9,]+)/(?P<output>[0-9,]+) tokens, .*\((?P<engine>\w+) [0-9.]+\); measure yours$",
    re.M,
)
STARTERS = "the starter's, not in the logs"
"""How a new scenario's comment marks a ``[traffic]`` figure the logs do not measure."""
GROWTH_LINE = re.compile(r"^(?P<key>growth_monthly = \S+)(?P<pad> *)# .*$", re.M)


@dataclass(frozen=True)
class NewScenario:
    """A new scenario's text, and what to tell about it."""

    text: str
    notes: list[str] = field(default_factory=list)


def _source(profile: UsageProfile) -> str:
    if profile.table:
        return profile.table
    if len(profile.files) == 1:
        return written_name(os.path.basename(profile.files[0]))  # (a backslash: in the name)
    return f"{len(profile.files)} log files"


def traffic_title(profile: UsageProfile, rest: str, kept: float | None) -> str:
    """``1,218 requests/month from logs.csv (...): {rest}`` (the comparison, after its
    measured traffic), and where the growth fitted is not written, the growth the
    scenario keeps (``kept``; None: a distribution) and why: ``held flat`` for 0."""
    profile = as_written(profile)
    now = float(profile.traffic["requests_per_month"])
    growth = float(profile.traffic.get("growth_monthly", 0.0))
    months = _fitted(profile)
    said = ""
    if len(months) < MIN_GROWTH_MONTHS:
        held = (
            "held flat"
            if kept == 0.0
            else "growth as set"
            if kept is None
            else f"growth {kept:+.2%}/month as set"
        )
        grew = (
            f"its {len(months)} months grew {growth:+.2%}/month"
            if "growth_monthly" in profile.traffic
            else "growth not measured"
        )
        said = f" ({held}: {grew})"
    return f"{now:,.0f} requests/month from {_source(profile)}{said}: {rest}"


def new_scenario(text: str, profile: UsageProfile) -> NewScenario:
    """The starter scenario ``text`` (TOML, with the measured traffic in) made true of it: its
    title names the traffic and where it came from, its header comment says what was
    measured, the growth's comment why it is 0 when the fit was too short, and the
    alternative's fixed capacity (stated at the starter's token lengths) is replaced by the
    model and GPU its comment names, so that analyze estimates it at the measured lengths.
    Where that estimate cannot be made, the capacity stays, its comment saying to re-check
    it."""
    from payback.scenario.edit import with_values
    from payback.scenario.io import scenario_data_from_text

    profile = as_written(profile)
    data = scenario_data_from_text(text, "toml", "new scenario")
    written = len(_fitted(profile)) >= MIN_GROWTH_MONTHS and "growth_monthly" in profile.traffic
    notes: list[str] = []
    old = str(data["scenario"]["name"])
    title = traffic_title(profile, old.split(": ", 1)[-1], data["traffic"]["growth_monthly"])
    lengths = f"{profile.traffic['input_tokens']:,.0f}/{profile.traffic['output_tokens']:,.0f}"
    text = STARTER_HEAD.sub(lambda _: traffic_head(profile), text, count=1)  # (a name may hold \\)
    if not written:
        text = GROWTH_LINE.sub(lambda m: growth_comment(m, profile), text, count=1)
    for name in UNMEASURED:  # the starter's figure stays: its comment says so
        if name != "growth_monthly" and name not in profile.traffic:
            line = re.compile(rf"^(?P<key>{name} = \S+)(?P<pad> *)# (?P<said>.*)$", re.M)
            text = line.sub(lambda m: f"{m['key']}{m['pad']}# {STARTERS}: {m['said']}", text, 1)
    text = with_values(text, "toml", {"scenario.name": title})
    found = STARTER_CAPACITY.search(text)
    ids = _starter_ids(found, data)
    if found is None or ids is None:
        return NewScenario(text, notes)
    estimated = _with_ids(text, found, ids, lengths)
    problem = _analyze_problem(estimated)
    if problem is None:
        notes.append(
            f"the alternative's capacity is estimated at the measured {lengths} tokens from "
            f"{ids['model']} {ids['precision']} on {ids['gpus']} × {ids['gpu']} "
            f"({ids['engine']}); the starter's {ids['value']} requests/s was at "
            f"{ids['input']}/{ids['output']} tokens"
        )
        return NewScenario(estimated, notes)
    text = text.replace(
        found.group(0),
        f"replica_requests_per_s = {found['value']}{found['pad']}# re-check: an estimate "
        f"for {found['model']} {found['precision']} on {found['gpus']} × {found['gpu']} "
        f"({found['engine']}) at the starter's {found['input']}/{found['output']} tokens, "
        f"not the measured {lengths}",
    )
    notes.append(
        f"the alternative's capacity ({ids['value']} requests/s) is the starter's estimate at "
        f"{ids['input']}/{ids['output']} tokens, not the measured {lengths} (estimating it "
        f"there failed: {problem}): re-check it"
    )
    return NewScenario(text, notes)


def traffic_head(profile: UsageProfile) -> str:
    span = f"{profile.span['first'][:10]} to {profile.span['last'][:10]}"
    return (
        f"# A payback scenario: [traffic] measured by `payback usage` in {_source(profile)}\n"
        f"# ({span}); the rest is the starter's: a hosted big model against a\n"
        "# fine-tuned small open model on one rented GPU. Does it pay back within a quarter?\n"
    )


def growth_comment(match: re.Match[str], profile: UsageProfile) -> str:
    months = _fitted(profile)
    growth = float(profile.traffic.get("growth_monthly", 0.0))
    if "growth_monthly" in profile.traffic:
        why = (
            f"{len(months)} months ({months[0]} to {months[-1]}) grew {growth:+.2%}/month: "
            "too few to extrapolate; set yours"
        )
    else:
        why = "not measured (under 2 complete months); 0.05 = +5% a month"
    return f"{match['key']}{match['pad']}# {why}"


def _starter_ids(found: re.Match[str] | None, data: Any) -> dict[str, str] | None:
    """The model, GPU, precision and engine the starter's capacity was estimated for, from
    its comment; None where the capacity is not the starter's any more."""
    if found is None:
        return None
    alternatives = data.get("alternatives") or [{}]
    if str(alternatives[0].get("replica_requests_per_s")) != found["value"]:
        return None
    return found.groupdict()


def _with_ids(text: str, found: re.Match[str], ids: dict[str, str], lengths: str) -> str:
    """``text`` with the fixed capacity replaced by the model, GPU, precision and engine
    that analyze estimates it from."""
    pad = " " * max(1, len(found.group(0).split("#")[0]) - len('model = ""') - len(ids["model"]))
    lines = (
        f'model = "{ids["model"]}"{pad}# capacity estimated at the measured {lengths} tokens '
        f"(the starter's {ids['value']} requests/s was at {ids['input']}/{ids['output']}); "
        "measure yours\n"
        f'gpu = "{ids["gpu"]}"\n'
        f'precision = "{ids["precision"]}"\n'
        f'engine = "{ids["engine"]}"'
    )
    return text.replace(found.group(0), lines)


def _analyze_problem(text: str) -> str | None:
    """Why ``text`` cannot be analyzed (the first line), or None when it can."""
    from payback.analysis.result import analyze
    from payback.errors import PaybackError
    from payback.scenario.io import parse_scenario, scenario_data_from_text

    try:
        analyze(parse_scenario(scenario_data_from_text(text, "toml", "new scenario")))
    except PaybackError as exc:
        return exc.messages[0]
    return None
