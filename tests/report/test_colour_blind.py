"""The alternatives' colours for a reader without red or green cones: the first four (and the
baseline) stay apart under the simulations of protanopia and deuteranopia of "A
Physiologically-based Model for Simulation of Color Vision Deficiency" (IEEE TVCG 15(6),
2009, severity 1.0), by CIEDE2000, on white paper and on the
page's dark theme."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from payback.report.palette import ALTERNATIVE_COLOURS, BASELINE_COLOUR
from payback.web.colours import on_dark, parse_colour

PROTANOPIA = np.array(
    [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]
)
DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)
"""That model's matrices at severity 1.0, on linear RGB."""

SIMULATIONS = {"protanopia": PROTANOPIA, "deuteranopia": DEUTERANOPIA}

APART = 12.0
"""The least CIEDE2000 difference between two of the first four, simulated: two lines
this far apart are told apart at a glance (2.3 is a just-noticeable difference)."""


def _linear(colour: str) -> np.ndarray:
    parsed = parse_colour(colour)
    assert parsed is not None, colour
    c = np.array(parsed[:3], dtype=float) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> tuple[float, float, float]:
    """CIELAB (D65) of a linear-RGB colour."""
    to_xyz = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    xyz = to_xyz @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return float(116 * f[1] - 16), float(500 * (f[0] - f[1])), float(200 * (f[1] - f[2]))


def _hue(b: float, a: float) -> float:
    return float(np.degrees(np.arctan2(b, a)) % 360)


def ciede2000(one: tuple[float, float, float], two: tuple[float, float, float]) -> float:
    """The CIEDE2000 colour difference of two CIELAB colours ("The CIEDE2000 color-difference
    formula: implementation notes, supplementary test data, and mathematical observations",
    Color Research & Application 30(1), 2005)."""
    (l1, a1, b1), (l2, a2, b2) = one, two
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = _hue(b1, a1), _hue(b2, a2)
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    big_dh = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + (360 if h1 + h2 < 360 else -360)) / 2
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    rotation = 30 * np.exp(-(((h_mean - 275) / 25) ** 2))
    rc = 2 * np.sqrt(c_mean**7 / (c_mean**7 + 25**7))
    sl = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    sc, sh = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    rt = -np.sin(np.radians(2 * rotation)) * rc
    dl, dc = (l2 - l1) / sl, (c2 - c1) / sc
    return float(np.sqrt(dl**2 + dc**2 + (big_dh / sh) ** 2 + rt * dc * (big_dh / sh)))


def seen(colour: str, simulation: np.ndarray) -> tuple[float, float, float]:
    """``colour`` as a reader with that deficiency sees it, in CIELAB."""
    return _lab(np.clip(simulation @ _linear(colour), 0, 1))


def closest(colours: list[str], simulation: np.ndarray) -> tuple[float, str, str]:
    """The least simulated difference among ``colours``, and the pair that gives it."""
    return min(
        (round(ciede2000(seen(a, simulation), seen(b, simulation)), 1), a, b)
        for a, b in itertools.combinations(colours, 2)
    )


def test_ciede2000_gives_sharmas_published_differences() -> None:
    """Pairs 1, 7 and 17 of that paper's test data: 2.0425, 2.3669, 27.1492."""
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def test_the_simulations_keep_grey_and_lose_red_against_green() -> None:
    """A grey is seen as itself; pure red and a green of about its lightness (#008a00),
    73.1 apart for a trichromat, come within 12.1 of each other without green cones and
    11.5 without red ones."""
    grey = _lab(_linear("#777777"))
    for simulation in SIMULATIONS.values():
        assert ciede2000(seen("#777777", simulation), grey) < 0.5
    red, green = "#ff0000", "#008a00"
    assert ciede2000(_lab(_linear(red)), _lab(_linear(green))) == pytest.approx(73.08, abs=0.01)
    assert ciede2000(seen(red, DEUTERANOPIA), seen(green, DEUTERANOPIA)) == pytest.approx(
        12.09, abs=0.01
    )
    assert ciede2000(seen(red, PROTANOPIA), seen(green, PROTANOPIA)) == pytest.approx(
        11.46, abs=0.01
    )


@pytest.mark.parametrize("deficiency", list(SIMULATIONS))
@pytest.mark.parametrize("theme", ["white paper", "dark page"])
def test_the_first_four_alternatives_and_the_baseline_stay_apart_without_red_or_green_cones(
    deficiency: str, theme: str
) -> None:
    """In the order before (red, blue, green, purple), the first and third alternatives
    (red and green) were 5.1 apart for a reader without green cones and the second and
    fourth (blue and purple) 1.9 apart for one without red cones, in the light theme and
    the dark one (which draws them in the same colours). Now the first four and the
    baseline are 14.8 apart or more on white and 21.5 on the dark page."""
    colours = [BASELINE_COLOUR, *ALTERNATIVE_COLOURS[:4]]
    if theme == "dark page":
        colours = [on_dark(c) for c in colours]
    least = closest(colours, SIMULATIONS[deficiency])
    assert least[0] >= APART, least


def test_the_old_order_fails_the_same_check() -> None:
    """The check itself tells the two orders apart (the old one's closest pairs)."""
    old = ["#1b1b1b", "#e15759", "#1f77b4", "#2ca02c", "#9467bd"]
    assert closest(old, PROTANOPIA) == (1.9, "#1f77b4", "#9467bd")
    assert closest(old, DEUTERANOPIA) == (5.1, "#e15759", "#2ca02c")
