"""The reports' colours, for white paper: the HTML report, the Markdown report's PNGs, the
portfolio's charts and the page's light theme (its dark theme turns them over:
``payback.web.colours``).

Each colour that marks something (a line, a marker, a bar, a rule) stands out from white
by 3:1 or more (WCAG 2.1, 1.4.11); a label written in one of them uses its text form
(:func:`text_colour`), 4.5:1 or more (1.4.3). Those that fell short were darkened in
their own hue: an alternative or a component keeps the colour it had, only deeper.
"""

from __future__ import annotations

__all__ = [
    "ALTERNATIVE_COLOURS",
    "BAND_COLOUR",
    "BASELINE_COLOUR",
    "COMPONENT_COLOURS",
    "HIGH_END_COLOUR",
    "LOW_END_COLOUR",
    "TEXT_COLOURS",
    "TODAY_COLOUR",
    "ZERO_COLOUR",
    "alternative_colour",
    "rgba",
    "text_colour",
]

COMPONENT_COLOURS = {
    "api": "#4496e7",  # was #4c9be8, 2.93:1 on white
    "gpus": "#0b3d6b",
    "hardware": "#3a5f7d",
    "facility": "#539e98",  # was #76b7b2, 2.29:1
    "escalation": "#e0760e",  # was #f28e2b, 2.42:1
    "ops": "#9c7fc7",
    "retraining": "#59a14f",
    "errors": "#b07aa1",
    "latency": "#b18e11",  # was #edc948, 1.61:1
}
"""A component has the same colour in every chart and both renderers."""

BASELINE_COLOUR = "#1b1b1b"
ALTERNATIVE_COLOURS = [
    "#1f77b4",
    "#eb6e00",  # was #ff7f0e, 2.53:1 on white
    "#8c564b",
    "#14a1b0",  # was #17becf, 2.26:1
    "#e15759",
    "#2ca02c",
    "#9467bd",
]
"""Alternative i has colour i in every chart; the baseline is near-black. In this order
the first four (and the baseline) stay apart for a reader without red or green cones
(protanopia, deuteranopia): blue and orange, then a dark brown and a light teal, by
CIEDE2000 14.8 or more under the simulations of "A Physiologically-based Model for
Simulation of Color Vision Deficiency" (IEEE TVCG 15(6), 2009), where the order before
(red, blue, green, purple) gave 5.1 for red and green without green cones and 1.9 for blue
and purple without red ones."""
LOW_END_COLOUR = "#4292c6"  # was #9ecae1, 1.75:1 on white
HIGH_END_COLOUR = "#08519c"
"""Tornado bars: an input at its low end (lighter) and at its high end (darker), both
ColorBrewer's Blues."""
BAND_COLOUR = "#1f4e79"
ZERO_COLOUR = "#c0392b"
TODAY_COLOUR = "#8c8c8c"
"""The dashed rule at today's requests on the cost-per-1k chart (was #999, 2.85:1)."""

TEXT_COLOURS = {
    "#e15759": "#c64c4e",
    "#2ca02c": "#258625",
    "#9467bd": "#8d62b5",
    "#eb6e00": "#bd5800",
    "#14a1b0": "#10818e",
}
"""A colour above that marks at 3:1 but reads under 4.5:1 as text on white: its text form,
the same colour mixed with black only as far as 4.6:1 (a break-even label in the first
alternative's red was 3.68:1)."""


def alternative_colour(index: int) -> str:
    return ALTERNATIVE_COLOURS[index % len(ALTERNATIVE_COLOURS)]


def text_colour(colour: str) -> str:
    """``colour`` for a label on white: its text form where it has one, else itself.

    >>> text_colour("#e15759"), text_colour("#1f77b4"), text_colour("#111")
    ('#c64c4e', '#1f77b4', '#111')
    """
    return TEXT_COLOURS.get(colour.lower(), colour)


def rgba(colour: str, alpha: float) -> str:
    """A ``#rrggbb`` colour at ``alpha``, as plotly's fills take it.

    >>> rgba("#1f4e79", 0.22)
    'rgba(31,78,121,0.22)'
    """
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
