"""The report's charts in the page's light and dark theme: their colours, chosen for a
white page, made to read on a dark one; the axes' figures, which Streamlit's light theme
writes in a light grey, darkened. No Streamlit here, so it is testable.

The report draws for white paper: a near-black baseline, grey labels, white label boxes.
Streamlit's dark theme draws the figure on its dark background and gives the text it does
not colour its own light grey, so those read as dark on dark, or light on a white box.
:func:`for_dark` turns a figure's greys over (near black reads near white, a white box a
dark one) and lightens a colour only as far as it must to stand out from the dark page:
text to WCAG's 4.5:1, lines, markers and bars to 3:1 (WCAG 2.1, 1.4.3 and 1.4.11).
"""

from __future__ import annotations

import re
from typing import Any

from payback.report.palette import TEXT_COLOURS

__all__ = [
    "DARK_BACKGROUND",
    "LIGHT_TEXT",
    "LIGHT_TICKS",
    "contrast",
    "for_dark",
    "for_light",
    "on_dark",
    "parse_colour",
]

DARK_BACKGROUND = (23, 22, 20)
"""Streamlit 1.67's dark background (#171614). Its older one (#0e1117) is darker, so a
light colour that reads on this one reads there too."""

TEXT_CONTRAST = 4.5
GRAPHIC_CONTRAST = 3.0
GREY_SPREAD = 24
"""A colour whose channels lie this close together is a grey: turned over, not lightened."""

LIGHT_TICKS = "#6c7082"
"""The axes' figures and titles in the light theme: Streamlit's grey for them (#808495) darkened in
its own hue to 4.91:1 on white (it was 3.72:1)."""

LIGHT_TEXT = "#31333f"
"""Streamlit's light theme's own text colour (12.53:1 on white), for a chart's label."""

DARK_FORMS = {
    "#eb6e00": "#ff7f0e",
    "#14a1b0": "#17becf",
    "#4496e7": "#4c9be8",
    "#539e98": "#76b7b2",
    "#e0760e": "#f28e2b",
    "#b18e11": "#edc948",
    "#4292c6": "#9ecae1",
}
"""A report colour darkened to stand out from white (``payback.report.palette``): the
brighter one it was, which a dark page keeps (6.2 to 11.2:1 on it, where the darker one
gives 5.3 to 5.8:1); a label's text form is drawn in its mark's colour there, as it was."""
DARK_FORMS |= {text: DARK_FORMS.get(mark, mark) for mark, text in TEXT_COLOURS.items()}

_NAMED = {"white": (255, 255, 255, 1.0), "black": (0, 0, 0, 1.0)}
_RGB = re.compile(r"rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)")
_INLINE = re.compile(r"(color\s*:\s*)(#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b)")


def parse_colour(text: str) -> tuple[int, int, int, float] | None:
    """A CSS colour as red, green, blue (0-255) and alpha, or None for one it does not read.

    >>> parse_colour("#1b1b1b"), parse_colour("#777"), parse_colour("rgba(255,255,255,0.85)")
    ((27, 27, 27, 1.0), (119, 119, 119, 1.0), (255, 255, 255, 0.85))
    >>> parse_colour("rgb(14, 17, 23)"), parse_colour("white"), parse_colour("tomato")
    ((14, 17, 23, 1.0), (255, 255, 255, 1.0), None)
    """
    text = text.strip().lower()
    if text in _NAMED:
        return _NAMED[text]
    if text.startswith("#") and len(text) in (4, 7):
        digits = text[1:] if len(text) == 7 else "".join(c * 2 for c in text[1:])
        try:
            r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        except ValueError:
            return None
        return r, g, b, 1.0
    match = _RGB.fullmatch(text)
    if match is None:
        return None
    r, g, b = (round(float(match.group(i))) for i in (1, 2, 3))
    return r, g, b, float(match.group(4)) if match.group(4) is not None else 1.0


def _luminance(rgb: tuple[float, ...]) -> float:
    """WCAG's relative luminance of an sRGB colour (channels 0-255)."""

    def linear(channel: float) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: tuple[float, ...], two: tuple[float, ...]) -> float:
    """WCAG's contrast ratio of two opaque colours (red, green, blue; 0-255), 1 to 21.

    >>> (
    ...     round(contrast((0, 0, 0), (255, 255, 255)), 2),
    ...     round(contrast((119, 119, 119), (255, 255, 255)), 2),
    ... )
    (21.0, 4.48)
    """
    a, b = sorted((_luminance(one[:3]), _luminance(two[:3])), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0), 255)):02x}" for c in rgb)


def on_dark(colour: str, minimum: float = GRAPHIC_CONTRAST) -> str:
    """``colour`` for a dark page: a grey turned over (its distance from black becomes its
    distance from white), then any colour mixed with white only as far as it takes to reach
    ``minimum`` contrast with :data:`DARK_BACKGROUND`; its alpha kept. A colour it does not
    read is kept as it is.

    >>> on_dark("#1b1b1b"), on_dark("#555", 4.5), on_dark("rgba(255,255,255,0.85)")
    ('#e4e4e4', '#aaaaaa', 'rgba(0,0,0,0.85)')
    >>> on_dark("#e15759", 4.5), on_dark("#08519c"), on_dark("#9ecae1")
    ('#e15759', '#2666a8', '#9ecae1')

    A colour darkened for white paper takes back its brighter form first (:data:`DARK_FORMS`),
    a label's text form its mark's colour:

    >>> on_dark("#4292c6"), on_dark("#c64c4e", 4.5), on_dark("#bd5800", 4.5)
    ('#9ecae1', '#e15759', '#ff7f0e')
    """
    parsed = parse_colour(DARK_FORMS.get(colour.lower(), colour))
    if parsed is None:
        return colour
    r, g, b, alpha = parsed
    rgb: tuple[float, float, float] = (r, g, b)
    if max(rgb) - min(rgb) <= GREY_SPREAD:
        rgb = (255 - r, 255 - g, 255 - b)
    if alpha == 1.0:  # a translucent fill or box is a background, not a mark to be seen
        base = rgb
        for step in range(101):
            t = step / 100
            rgb = tuple(c + (255 - c) * t for c in base)  # type: ignore[assignment]
            if contrast(rgb, DARK_BACKGROUND) >= minimum:
                break
    if alpha == 1.0:
        return _hex(rgb)
    return "rgba({},{},{},{:g})".format(*(round(c) for c in rgb), alpha)


def _box(colour: str) -> str:
    """A label's box for a dark page: a light one the page's own dark, as translucent.

    >>> _box("rgba(255,255,255,0.85)"), _box("#111")
    ('rgba(23,22,20,0.85)', '#eeeeee')
    """
    parsed = parse_colour(colour)
    if parsed is None or _luminance(parsed[:3]) < 0.5:
        return on_dark(colour)
    return "rgba({},{},{},{:g})".format(*DARK_BACKGROUND, parsed[3])


def _inline(text: str) -> str:
    """Colours written into a label's HTML (``<span style='color:#666'>``) for a dark page."""
    return _INLINE.sub(lambda m: m.group(1) + on_dark(m.group(2), TEXT_CONTRAST), text)


def _walk(node: Any, text: bool = False) -> Any:
    """A figure's JSON with every colour in it for a dark page: those of text (``font``)
    to :data:`TEXT_CONTRAST`, the rest to :data:`GRAPHIC_CONTRAST`; the template left to
    Streamlit's theme, which replaces it."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "template":
                out[key] = value
            elif key == "bgcolor" and isinstance(value, str):
                out[key] = _box(value)
            elif key.endswith("color") and isinstance(value, str):
                out[key] = on_dark(value, TEXT_CONTRAST if text else GRAPHIC_CONTRAST)
            elif key.endswith("color") and isinstance(value, list | tuple):
                out[key] = [
                    on_dark(v, TEXT_CONTRAST if text else GRAPHIC_CONTRAST)
                    if isinstance(v, str)
                    else v
                    for v in value
                ]
            elif key == "text" and isinstance(value, str):
                out[key] = _inline(value)
            else:
                out[key] = _walk(value, text or key in ("font", "textfont"))
        return out
    if isinstance(node, list | tuple):
        return [_walk(item, text) for item in node]
    if isinstance(node, str) and "color" in node:  # a tick or a bar's label with HTML
        return _inline(node)
    return node


def for_dark(fig: Any) -> Any:
    """``fig`` (a plotly figure) with its colours for a dark page (:func:`on_dark`): a new
    figure, ``fig`` left as it is."""
    import plotly.graph_objects as go

    return go.Figure(_walk(fig.to_plotly_json()))


def for_light(fig: Any) -> Any:
    """``fig`` (a plotly figure) for the light page: the axes' figures and titles in
    :data:`LIGHT_TICKS` and a label of no colour of its own (the drivers' "central NPV
    $7,836") in :data:`LIGHT_TEXT`, where Streamlit's theme would write them at 3.72:1;
    ``fig`` itself, changed."""
    fig.update_xaxes(tickfont_color=LIGHT_TICKS, title_font_color=LIGHT_TICKS)
    fig.update_yaxes(tickfont_color=LIGHT_TICKS, title_font_color=LIGHT_TICKS)
    fig.for_each_annotation(
        lambda note: note.update(font_color=LIGHT_TEXT), selector=lambda note: not note.font.color
    )
    return fig
