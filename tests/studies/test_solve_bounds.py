"""What ``payback solve`` prints can be written back: a bound rounded on the side where the
target holds.

Tried as a new user would, on the starter scenario (``payback init``, the same numbers as
examples/quarter-200k.toml): ``--vary alternatives.0.usd_per_gpu_hour --target npv_usd=0``
printed "at most $1.2932", and $1.2932 in the file gives an NPV of -$0.10.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import replace
from typing import Any

import pytest

from helpers import QUARTER, build, edited, run
from payback import analyze, solve
from payback.report.solving import bound_value, solution_lines, step_sides


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
