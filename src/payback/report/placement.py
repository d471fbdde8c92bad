"""Where a chart's marker labels go (break-evens, crossovers), the same in both renderers:
near their points, clear of the lines and of each other, inside the plot (on a phone's
too, for the cumulative charts' long names)."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from payback.finance._types import FloatArray

if TYPE_CHECKING:
    from payback.report.charts import Series

Box = tuple[float, float, float, float]
"""A label's box (left, bottom, right, top) as shares of the plot's width and height."""

LABEL_LINE = 17
"""The most characters on a line of a break-even label (an alternative's name is often
long: 'fine-tuned 8B, serverless (scale to zero)'): 0.59 of a phone's plot
(:data:`NARROW_CHAR_WIDTH`), which fits beside or above a break-even wherever it is."""

NARROW_CHAR_WIDTH = 6.8 / 196
"""A label character's width as a share of the cumulative chart's plot on a page 360 px
wide (a scenario's report: the page's padding and the chart's margins, the axis' dollar
figures widening the left one, leave 197 px; 12-pixel text runs 6.0 to 6.7 px a character
in Chromium): a label placed inside that plot is inside any wider one (257 px at 420,
985 at 1,400, a portfolio's 213 at 360, the PNG's), where the same text takes a smaller
share from the same anchor."""

NARROW_LINE = 0.07
"""A label line's height as a share of a phone's plot (16 px of 268, with room around it;
the PNG's and a wide page's plots are taller for the same text)."""


def wrapped(text: str) -> str:
    """A marker's ``name: what`` on lines of :data:`LABEL_LINE` characters at most: the
    name's words filled first, then what it says, a break-even's month on a line of its own.

    >>> print(wrapped("fine-tuned 8B, serverless (scale to zero): break-even month 8.1"))
    fine-tuned 8B,
    serverless (scale
    to zero):
    break-even
    month 8.1
    >>> print(wrapped("smaller hosted model, prompt-tuned: pays back at once"))
    smaller hosted
    model,
    prompt-tuned:
    pays back at once
    >>> print(wrapped("break-even month 18.5"))
    break-even
    month 18.5
    """
    name, _, when = text.rpartition(": ")
    parts = ([f"{name}:"] if name else []) + when.replace(" month ", "\nmonth ").split("\n")
    return "\n".join(
        line for part in parts for line in textwrap.wrap(part, LABEL_LINE, break_on_hyphens=False)
    )


CHAR_WIDTH = 0.0105
"""A label character's width as a share of the plot's width (9-point text on the PNG's
~560-point plot, 12-pixel text on the HTML's ~900-pixel one), rounded up."""
SIDEWAYS = (0.03, -0.03, 0.1, -0.1, 0.2, -0.2)
"""How far beside its point a label is tried, as a share of the plot's width."""
OFFSETS_UP = [0.08, -0.08, 0.15, -0.15, 0.24, -0.24, 0.34, -0.34, 0.45, -0.45, 0.0]
OFFSETS_UP += [0.55, -0.55, 0.65, -0.65, 0.75, -0.75]
"""How far above (or below) its point a label is tried, nearest first, as a share of
the plot's height."""
LINE_HEIGHT = 0.075
"""A label's height as a share of the plot's height, with room around it."""


def place_labels(
    markers: list[dict[str, Any]],
    series: list[Series],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    log: bool = False,
    text: str = "text",
    char_width: float = CHAR_WIDTH,
    narrow: float | None = None,
    upright: tuple[float, ...] = (),
) -> float:
    """Where each marker's label goes (``label``: its text, on two lines where one would
    not fit; ``label_x``, ``label_y`` in data units; ``align``: the side the text hangs
    from, or ``center``), the same in both renderers: the place near its point where the
    text crosses no line and no other label, found among a hundred or so tried, in the
    plot's own proportions (``log``: both axes logarithmic; text sizes are estimated
    generously; ``char_width``: a character's width as a share of the plot's).

    ``narrow``: a character's share of a phone's plot, where the same text is wider: the
    label is placed inside that plot too and clear of the other labels there (their
    order of placing the one that does best), and may stand centred above or below its
    point (where one that wide could not hang beside a point mid-plot), and clear of the
    lines there (its white box would hide a line it stood on: on a 360 px page
    quarter-200k's named label hid 34 points of the baseline's line).

    ``upright``: where vertical lines cross the whole plot (today's traffic), kept clear
    as the lines are.

    Returns how well they stand: under :data:`CLEAN` where every label is inside the plot,
    clear of the lines and of the other labels."""
    scale: Callable[[Any], Any] = np.log10 if log else (lambda v: v)
    x_low, x_high = (float(scale(v)) for v in x_range)
    y_low, y_high = (float(scale(v)) for v in y_range)

    def fx(x: Any) -> Any:
        return (scale(x) - x_low) / (x_high - x_low)

    def fy(y: Any) -> Any:
        return (scale(y) - y_low) / (y_high - y_low)

    def back(fraction: float, low: float, high: float) -> float:
        value = low + fraction * (high - low)
        return float(10**value) if log else value

    points: list[FloatArray] = []  # each line, many points along it, in the plot's proportions
    for s in series:
        xs, ys = np.asarray(s.x, dtype=float), np.asarray(s.y, dtype=float)
        keep = (xs > 0) & (ys > 0) if log else np.ones(len(xs), dtype=bool)
        xs, ys = xs[keep], ys[keep]
        if len(xs) == 0:
            continue
        dense = (
            np.geomspace(xs[0], xs[-1], 40 * len(xs))
            if log
            else np.linspace(xs[0], xs[-1], 40 * len(xs))
        )
        points.append(np.column_stack([fx(dense), fy(np.interp(dense, xs, ys))]))
    for x in upright:  # a vertical line: points up the whole plot
        if not log or x > 0:
            points.append(np.column_stack([np.full(200, fx(x)), np.linspace(0.0, 1.0, 200)]))
    cloud = np.concatenate(points) if points else np.zeros((0, 2))
    by_x = sorted(markers, key=lambda m: m["x"])
    orders = itertools.permutations(by_x) if narrow and len(by_x) <= 4 else [by_x]
    tried = []
    for order in orders:
        placed: list[tuple[float, Box, str, str]] = []
        for m in order:
            point = (float(fx(m["x"])), float(fy(m["y"])))
            boxes = [p[1] for p in placed]
            placed.append(_place(m[text], point, boxes, cloud, char_width, narrow))
        tried.append((sum(p[0] for p in placed), list(zip(order, placed, strict=True))))
    score, best = min(tried, key=lambda t: t[0])  # the first of equals: the order by x
    for m, (_, box, align, option) in best:
        m["label"] = option
        anchor = {"left": box[0], "right": box[2]}.get(align, (box[0] + box[2]) / 2)
        m["label_x"] = back(anchor, x_low, x_high)
        m["label_y"] = back((box[1] + box[3]) / 2, y_low, y_high)
        m["align"] = align
    return score


CLEAN = 1000.0
"""A placing's score under which no label crosses a line or another label or leaves the
plot (each costs this much or more; the distance from the point costs less than 10)."""


def place_break_evens(
    markers: list[dict[str, Any]],
    series: list[Series],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> None:
    """The cumulative charts' break-even labels, placed to fit a phone's plot
    (:data:`NARROW_CHAR_WIDTH`; a wider plot shows the same label whole): each names its
    alternative, on short lines (:func:`wrapped`), where every label then fits clear of
    the lines and of each other on that plot; else each says its break-even alone, its
    colour and the legend naming it, its diamond's hover the whole ``text``. Three long
    names (examples/growth.toml: 'fine-tuned 8B, serverless (scale to zero)') do not fit a
    197-pixel plot as well as four lines, nor quarter-200k's four lines beside its two."""
    for m in markers:
        m["named"] = wrapped(m["text"])
        m["unnamed"] = wrapped(m["text"].rpartition(": ")[2])
    for text in ("named", "unnamed"):
        if (
            place_labels(markers, series, x_range, y_range, text=text, narrow=NARROW_CHAR_WIDTH)
            < CLEAN
        ):
            return


PER_1K_CHAR_WIDTH = 6.8 / 200
"""A label character's width as a share of the cost-per-1k chart's plot on a page 360 px
wide (205 to 212 px; 272 at 420, 1,000 at 1,400): a crossover's label placed inside
that plot is inside any wider one."""


def place_crossovers(
    markers: list[dict[str, Any]],
    series: list[Series],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    today: float | None = None,
) -> None:
    """The cost-per-1k chart's crossover labels, placed to fit a phone's plot
    (:data:`PER_1K_CHAR_WIDTH`, both axes logarithmic): each on one line ('cheaper from
    ~991k/month') where every label then fits clear of the lines and of each other there,
    else each on two ('cheaper from' over '~991k/month'). Placed for a 900-pixel plot
    alone, examples/growth.toml's ran 21 px past the chart's right edge and began 17 px
    left of its left edge on a 420 px page. Each is kept clear of the dashed line of
    ``today``'s traffic too (quarter-200k's 'cheaper from ~104k/month' was crossed by it at
    420 px)."""
    upright = () if today is None else (today,)
    for m in markers:
        m["short_lines"] = m["short"].replace(" from ", " from\n", 1)
    for text in ("short", "short_lines"):
        placed = place_labels(
            markers,
            series,
            x_range,
            y_range,
            log=True,
            text=text,
            narrow=PER_1K_CHAR_WIDTH,
            upright=upright,
        )
        if placed < CLEAN:
            return


def _place(
    label: str,
    point: tuple[float, float],
    placed: list[Box],
    cloud: FloatArray,
    char_width: float,
    narrow: float | None,
) -> tuple[float, Box, str, str]:
    """The best place for one label near ``point`` (shares of the plot), clear of the
    labels ``placed`` and of the lines' points ``cloud``: its score (lower is better), its
    box (on a phone's plot where ``narrow``), the side it hangs from and its text."""
    px, py = point
    name, _, when = label.rpartition(": ")
    texts = [label] + ([f"{name}:\n{when}"] if name else [])
    best: tuple[float, Box, str, str] | None = None
    for option in texts:
        lines = option.split("\n")
        height = (NARROW_LINE if narrow else LINE_HEIGHT) * len(lines)
        widths = [w * max(len(line) for line in lines) for w in (char_width, narrow or 0.0)]
        for dy in OFFSETS_UP:
            for dx in SIDEWAYS + ((0.0, 0.15, -0.15, 0.3, -0.3, 0.4, -0.4) if narrow else ()):
                side = "left" if dx > 0 else "right" if dx < 0 else "center"
                low, high = py + dy - height / 2, py + dy + height / 2
                box, fit = (_beside(px + dx, side, w, low, high) for w in widths)
                fit = fit if narrow else box
                outside = max(0.0, 0.005 - fit[0], fit[2] - 0.995, 0.005 - low, high - 0.995)
                inside = np.sum(  # the phone's box holds the wide one: clear of both
                    (cloud[:, 0] >= fit[0] - 0.005)
                    & (cloud[:, 0] <= fit[2] + 0.005)
                    & (cloud[:, 1] >= fit[1])
                    & (cloud[:, 1] <= fit[3])
                )
                clash = sum(
                    1
                    for o in placed
                    if fit[0] < o[2] and o[0] < fit[2] and fit[1] < o[3] and o[1] < fit[3]
                )
                score = (
                    1000.0 * float(inside)
                    + 1_000_000.0 * clash
                    + (10_000_000.0 if narrow else 100_000.0) * outside
                    + abs(dx)
                    + abs(dy)
                    + 0.3 * (len(lines) - 1)  # one line where it fits as well
                )
                if best is None or score < best[0]:
                    best = (score, fit, side, option)
    assert best is not None
    return best


def _beside(x: float, side: str, width: float, low: float, high: float) -> Box:
    """A label's box ``width`` wide from ``low`` to ``high``: hanging from ``x`` to its
    ``side`` (``left``: the text starts at ``x``), or centred on it."""
    left = x if side == "left" else x - width if side == "right" else x - width / 2
    return (left, low, left + width, high)
