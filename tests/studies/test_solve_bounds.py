"""What ``payback solve`` prints can be written back: a bound rounded on the side where the
target holds, and a search that stays within the values analyze accepts (the fleet cap).

Tried as a new user would, on the starter scenario (``payback init``, the same numbers as
examples/quarter-200k.toml): ``--vary alternatives.0.usd_per_gpu_hour --target npv_usd=0``
printed "at most $1.2932", and $1.2932 in the file gives an NPV of -$0.10; ``--vary
traffic.requests_per_month --target break_even_requests=1e6`` named 9,912,109,375,000
requests, a scenario analyze refuses (its fleet would need 22,820,558 GPUs).
"""

from __future__ import annotations

import copy
import json
import math
import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from helpers import EXAMPLES, QUARTER, build, edited, run
from payback import PaybackError, analyze, solve
from payback.analysis.resolve import resolve
from payback.report.solving import bound_value, cap_edge_text, solution_lines, step_sides
from payback.scenario.schema import MAX_FLEET_GPUS
from payback.studies.fleet_cap import estimated_by


def quarter() -> dict[str, Any]:
    return tomllib.loads(QUARTER.read_text(encoding="utf-8"))


def figure(text: str) -> float:
    """A printed input's value as the scenario file takes it: ``$1.2931`` is 1.2931,
    ``26.4849%`` is 0.264849, ``585,538`` is 585538."""
    plain = text.replace(",", "").replace("$", "")
    return float(plain.removesuffix("%")) / 100 if plain.endswith("%") else float(plain)


def printed(out: str, path: str) -> tuple[str, str, str]:
    """The crossing (``PATH = X gives``), the side and the bound (``at most Y``) the CLI
    printed."""
    flat = " ".join(out.split())
    crossing = re.search(rf"{re.escape(path)} = (\S+) gives", flat)
    bound = re.search(rf"holds for {re.escape(path)} (at most|at least) (\S+?)\.( |$)", flat)
    assert crossing, out
    assert bound, out
    return crossing[1], bound[1], bound[2]


def outcome(data: dict[str, Any], path: str, value: float, metric: str) -> float | None:
    """``metric`` of the first alternative with ``path`` at ``value``, through analyze."""
    result = analyze(build(edited(data, path, value))).alternatives[0]
    return getattr(result, metric)  # type: ignore[no-any-return]


def meets(metric: str, achieved: float | None, target: float) -> bool:
    if metric == "npv_usd":
        return achieved is not None and achieved >= target
    return achieved is not None and achieved <= target


@pytest.mark.parametrize(
    ("path", "target", "bound"),
    [
        # NPV = 0 at $1.29319379/GPU-hour: $1.2932 gave -$0.10, $1.2931 gives +$1.49
        ("alternatives.0.usd_per_gpu_hour", "npv_usd=0", "$1.2931"),
        # NPV = 0 at 26.484957% escalated: 26.485% gave -$0.02, 26.4849% gives +$0.03
        ("alternatives.0.escalation_share", "npv_usd=0", "26.4849%"),
        ("traffic.requests_per_month", "break_even_month=3", "585,538"),
        ("alternatives.0.one_time.engineer_hours", "npv_usd=10000", "41.96"),
        ("alternatives.0.ops_usd_per_month", "break_even_month=12", "$176.60"),
    ],
)
def test_the_printed_bound_written_back_meets_the_target(
    path: str, target: str, bound: str
) -> None:
    """Every figure solve prints for the threshold, written into the file, meets the
    target through analyze: the bound (rounded toward the side where the target holds)
    and the crossing (a place finer, rounded the same way)."""
    data = quarter()
    metric, wanted = target.split("=")
    code, out, err = run("solve", QUARTER, "--vary", path, "--target", target)
    assert code == 0, err
    crossing, side, shown = printed(out, path)
    assert shown == bound
    assert side == ("at least" if path.startswith("traffic") else "at most")
    for text in (crossing, shown):
        achieved = outcome(data, path, figure(text), metric)
        assert meets(metric, achieved, float(wanted)), (text, achieved)


def test_the_issue_figures_and_json_keeps_the_exact_value() -> None:
    """The crossing is printed a place finer than the bound ($1.29319, 26.48495%), both on
    the side the target holds; --json keeps the exact value, at which the NPV is $0 to a
    float's rounding (and which no figure of four places reaches)."""
    data = quarter()
    _, out, _ = run(
        "solve", QUARTER, "--vary", "alternatives.0.usd_per_gpu_hour", "--target", "npv_usd=0"
    )
    assert printed(out, "alternatives.0.usd_per_gpu_hour") == ("$1.29319", "at most", "$1.2931")
    # the old figure, one place up, misses the target by about 10 cents
    old = outcome(data, "alternatives.0.usd_per_gpu_hour", 1.2932, "npv_usd")
    assert old == pytest.approx(-0.0987, abs=1e-3)
    _, out, _ = run(
        "solve",
        QUARTER,
        "--vary",
        "alternatives.0.usd_per_gpu_hour",
        "--target",
        "npv_usd=0",
        "--json",
    )
    exact = json.loads(out)["value"]
    assert exact == pytest.approx(1.2931938, abs=1e-7)
    assert exact != round(exact, 6)
    assert outcome(data, "alternatives.0.usd_per_gpu_hour", exact, "npv_usd") == pytest.approx(
        0.0, abs=1e-6
    )
    _, out, _ = run(
        "solve", QUARTER, "--vary", "alternatives.0.escalation_share", "--target", "npv_usd=0"
    )
    assert printed(out, "alternatives.0.escalation_share") == ("26.48495%", "at most", "26.4849%")


def test_bound_value_rounds_toward_the_side_that_holds() -> None:
    """By hand: a figure already on the side that holds is kept; one on the other side
    moves one place of the figure shown, even across a decade (9.99996 reads "10", so at
    most 9.99996 is at most 9.999, the four figures a number below ten shows); counts are
    whole; a negative rate rounds toward minus infinity for "at most"."""
    assert bound_value("alternatives.0.usd_per_gpu_hour", 1.2931937908477127, False) == 1.2931
    assert bound_value("alternatives.0.usd_per_gpu_hour", 1.2931937908477127, True) == (
        1.2931937908477127  # shown $1.2932, above it: already holds
    )
    assert bound_value("alternatives.0.escalation_share", 0.2648495729, False) == 0.264849
    assert bound_value("alternatives.0.one_time.engineer_hours", 9.99996, False) == 9.999
    assert bound_value("alternatives.0.one_time.engineer_hours", 41.9749, True) == 41.98
    assert bound_value("alternatives.0.one_time.data_usd", 4000.004, True) == 4000.01
    assert bound_value("baseline.price_change_annual", -0.4000001, False) == -0.400001
    assert bound_value("baseline.price_change_annual", -0.4000001, True) == -0.4000001
    assert bound_value("traffic.requests_per_month", 585_537.2, True) == 585_538
    assert bound_value("traffic.requests_per_month", 585_537.8, False) == 585_537


def test_a_step_is_written_on_the_side_that_holds() -> None:
    """A target met only within a step: the value where it is met is written on its own
    side of the step, at the places that tell it from the other side. At most 1.29319679
    against 1.29320079 across the step: "$1.293197" (nearest) lay above the value and
    missed; "$1.293196" holds. One point apart, it is written as a bound alone."""
    base = solve(
        build(quarter()), "alternatives.0.usd_per_gpu_hour", "npv_usd=0"
    )  # a solution to edit: the fields a step needs
    step = replace(
        base,
        value=1.29319679,
        achieved=1.0,
        reached=False,
        step=True,
        other_side=(1.29320079, -50.0),
        met_above=False,
    )
    sides = step_sides(step)
    assert (sides.there, sides.value) == ("$1.293201", "$1.293196")
    assert (
        "The target holds for alternatives.0.usd_per_gpu_hour at most $1.293196."
        in solution_lines(step)
    )
    one_point = replace(step, other_side=(math.nextafter(1.29319679, 2.0), -50.0))
    assert step_sides(one_point).value == "$1.2931"


# ------------------------------------------------------------------- the fleet cap

TRAFFIC_CAP = MAX_FLEET_GPUS * 0.85 * 0.7 * 730 * 3600 / (4 * 0.9)
"""The most requests a month whose fleet fits the cap, by hand: a replica serves 0.85
requests/s planned at 70%, the busiest hour is 4× the mean over 730 hours, 10% escalate:
ceil(R · 0.9 · 4 / (730 · 3600) / (0.85 · 0.7)) ≤ 10,000,000 ⇒ R ≤ 4,343,500,000,000."""


def accepted(data: dict[str, Any], path: str, value: float) -> bool:
    """Whether the scenario with ``path`` at ``value`` loads; where it does not, its fleet
    passes the cap (the refusal names it)."""
    refusal = ""
    try:
        build(edited(data, path, value))
    except (PaybackError, ValueError) as exc:
        refusal = str(exc)
    if refusal and f"{MAX_FLEET_GPUS:,} GPUs" not in refusal:
        pytest.fail(refusal)
    return not refusal


@pytest.mark.parametrize("target", ["break_even_requests=1e6", "break_even_month=0"])
def test_solve_stays_within_the_fleet_cap(target: str) -> None:
    """Neither target is reached by any traffic analyze accepts: the closest value is the
    cap's edge, 4,343,500,000,000 requests (within 10⁻⁸: the engine's replica count
    forgives a float's rounding), not 9,912,109,375,000 or 10¹³, which analyze refuses; the
    answer says it lies at the cap, and the figure printed loads."""
    data = quarter()
    path = "traffic.requests_per_month"
    solution = solve(build(data), path, target)
    assert solution.value is None
    assert solution.closest is not None
    edge = solution.closest[0]
    assert edge == pytest.approx(TRAFFIC_CAP, rel=1e-8)
    assert solution.within_fleet_cap is not None
    assert solution.within_fleet_cap.highest == edge
    assert solution.allowed.highest == 1e13
    assert accepted(data, path, edge)
    assert not accepted(data, path, math.nextafter(edge, math.inf))
    code, out, err = run("solve", QUARTER, "--vary", path, "--target", target)
    assert code == 1, err  # no value meets the target
    flat = " ".join(out.split())
    assert (
        f"at {path} = 4,343,500,004,343, at the largest value analyze accepts: the fleet "
        "cap of 10,000,000 GPUs." in flat
    )
    assert "within the fleet cap (≤ 4,343,500,004,343: past it a fleet would need more than " in (
        flat
    )
    assert accepted(data, path, 4_343_500_004_343)
    code, out, _ = run("solve", QUARTER, "--vary", path, "--target", target, "--json")
    within = json.loads(out)["within_fleet_cap"]
    assert within == {"lowest": 0.0, "highest": edge, "max_fleet_gpus": MAX_FLEET_GPUS}


def test_a_low_edge_of_the_cap_and_a_target_met_within_it() -> None:
    """Planned utilization u sizes the fleet from below: the busiest hour's 0.27397
    requests/s (200,000 · 0.9 · 4 / 2,628,000) over 0.85 · u each fits 10,000,000 GPUs for
    u ≥ 3.2232 × 10⁻⁸. An NPV of -$200 billion is met at every u analyze accepts (at the
    edge the fleet costs 10⁷ · $0.80 · 730 · 24 = $140 billion): the answer said "at least
    0%", at a u whose fleet is past the cap."""
    data = quarter()
    path = "alternatives.0.target_utilization"
    solution = solve(build(data), path, "npv_usd=-2e11")
    assert solution.value is None
    assert solution.holds_everywhere
    within = solution.within_fleet_cap
    assert within is not None
    lowest = 200_000 * 0.9 * 4 / (730 * 3600) / (0.85 * MAX_FLEET_GPUS)
    assert within.lowest == pytest.approx(lowest, rel=1e-8)
    assert within.highest == 1.0
    assert accepted(data, path, within.lowest)
    assert not accepted(data, path, math.nextafter(within.lowest, 0.0))
    (first, *_) = solution_lines(solution)
    # the edge to five figures, rounded up (0.0001% read as if no u below it loaded)
    assert "within the fleet cap (≥ 0.0000032233%: past it a fleet would need more than" in (
        " ".join(first.split())
    )
    assert accepted(data, path, 0.000000032233)
    assert not accepted(data, path, 0.000000032232)
    assert accepted(data, path, 0.000001)


def test_a_tiny_edge_is_printed_to_five_figures() -> None:
    """The issue's command: an NPV of $100,000 is never met; the low edge, 3.2232 × 10⁻⁸,
    printed as 0.0001% (four places of a percent) though analyze accepts 5 × 10⁻⁷."""
    code, out, _ = run(
        "solve", QUARTER, "--vary", "alternatives.0.target_utilization", "--target", "npv_usd=1e5"
    )
    assert code == 1
    assert "within the fleet cap (≥ 0.0000032233%: past it" in " ".join(out.split())
    assert cap_edge_text("alternatives.0.target_utilization", 3.2232e-8, False) == ("0.0000032232%")
    assert cap_edge_text("alternatives.0.escalation_share", 0.99999123456, False) == "99.9991%"


def test_a_shared_input_is_held_to_every_alternatives_fleet() -> None:
    """Traffic sizes every alternative's fleet: a second alternative serving a quarter of
    the first's requests/s passes the cap at a quarter of the traffic, so solving for the
    first stops there too (analyze refuses the file whichever fleet passes it)."""
    data = quarter()
    second = copy.deepcopy(data["alternatives"][0])
    second["name"] = "slower"
    second["replica_requests_per_s"] = 0.85 / 4
    data["alternatives"].append(second)
    solution = solve(build(data), "traffic.requests_per_month", "break_even_requests=1e6")
    assert solution.closest is not None
    assert solution.closest[0] == pytest.approx(TRAFFIC_CAP / 4, rel=1e-8)
    assert accepted(data, "traffic.requests_per_month", solution.closest[0])


# --------------------------------------------- inputs an estimated capacity reads

IDS = EXAMPLES / "catalog-ids.toml"


def ids_at(requests: float) -> dict[str, Any]:
    data = tomllib.loads(IDS.read_text())
    data["traffic"]["requests_per_month"] = requests
    return data


def analyzed(data: dict[str, Any], path: str, value: float) -> bool:
    """Whether analyze accepts the scenario with ``path`` at ``value`` (its capacity
    estimated anew); where it does not, its fleet passes the cap (the refusal names it)."""
    refusal = ""
    try:
        analyze(build(edited(data, path, value)))
    except PaybackError as exc:
        refusal = str(exc)
    if refusal and f"{MAX_FLEET_GPUS:,} GPUs" not in refusal:
        pytest.fail(refusal)
    return not refusal


@pytest.mark.parametrize("target", ["npv_usd=1e12", "npv_usd=0"])
def test_token_lengths_size_an_estimated_fleet(target: str, tmp_path: Path) -> None:
    """At 10¹² requests a month the L40S fleet's capacity is estimated from the token
    lengths: at 4,522.7 output tokens a replica serves 0.429 requests/s and the fleet needs
    10,000,086 GPUs, which analyze refuses. The search stopped nowhere: at least 8,455.8
    tokens, or every value to 1,000,000, with no fleet cap (``within_fleet_cap`` null)."""
    data = ids_at(1e12)
    path = "traffic.output_tokens"
    solution = solve(build(data), path, target)
    within = solution.within_fleet_cap
    assert within is not None
    # below one output token the resolver refuses the file: outside what analyze accepts
    assert (within.lowest, within.highest) == (1.0, pytest.approx(4522.674, abs=1e-3))
    assert analyzed(data, path, 1.0)
    assert solution.value is None
    assert analyzed(data, path, within.highest)
    assert not analyzed(data, path, math.nextafter(within.highest, math.inf))
    if target == "npv_usd=0":
        assert solution.holds_everywhere
    else:
        assert solution.closest is not None
        assert solution.closest[0] == within.highest
    big = tmp_path / "big.toml"
    big.write_text(
        IDS.read_text().replace("requests_per_month = 1000000", "requests_per_month = 1e12")
    )
    code, out, _ = run("solve", big, "--vary", path, "--target", target)
    assert code == (1 if target == "npv_usd=1e12" else 0)
    flat = " ".join(out.split())
    assert (
        "within what analyze accepts (≥ 1: past it analyze refuses the file, as warned; ≤ "
        "4,522.6: past it a fleet would need more than 10,000,000 GPUs)" in flat
    )
    assert analyzed(data, path, 4522.6)
    assert not analyzed(data, path, 4522.7)


def test_which_inputs_an_estimated_capacity_reads() -> None:
    """The catalog-ids scenario estimates the L40S replica's capacity: its token lengths
    and the option's own gpus_per_replica size that fleet through the estimate; another
    option's escalation_share does not, nor a token length where every capacity is given
    (the quarter's 0.85 requests/s), so those stay one engine call."""
    ids = resolve(build(ids_at(1e6)))
    assert estimated_by(ids, "traffic.output_tokens")
    assert estimated_by(ids, "traffic.cached_input_share")
    assert estimated_by(ids, "alternatives.0.gpus_per_replica")
    assert not estimated_by(ids, "alternatives.1.escalation_share")
    assert not estimated_by(ids, "alternatives.0.usd_per_gpu_hour")
    assert not estimated_by(resolve(build(quarter())), "traffic.output_tokens")


def test_a_closest_request_count_is_said_whole() -> None:
    """A closest value of traffic read "9,451,871,238,095.4" requests a month, where a
    request count is said whole; other inputs keep their figures."""
    from types import SimpleNamespace

    from payback.report.solving import _closest_text
    from payback.scenario.paths import FieldRange

    allowed = FieldRange(0.0, 1e13, False, True, True)
    traffic = SimpleNamespace(
        within_fleet_cap=None,
        allowed=allowed,
        parameter="traffic.requests_per_month",
        refused_past=(False, False),
    )
    assert _closest_text(traffic, 9_451_871_238_095.4) == ("9,451,871,238,095", "")  # type: ignore[arg-type]
    rent = SimpleNamespace(
        within_fleet_cap=None,
        allowed=allowed,
        parameter="alternatives.0.usd_per_gpu_hour",
        refused_past=(False, False),
    )
    assert _closest_text(rent, 1.2931938) == ("$1.2932", "")  # type: ignore[arg-type]
