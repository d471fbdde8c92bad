"""Renderings of an analysis: terminal text, HTML (plotly), Markdown with PNGs (matplotlib),
and a plain-language explanation.

plotly and matplotlib take about half a second to import, so the HTML and Markdown
renderers load on first use: commands that draw no chart start without them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from payback.report.common import MARKER
from payback.report.explain import explain
from payback.report.recommend import recommendation_renderables
from payback.report.text import analysis_renderables, sobol_table, tornado_table

if TYPE_CHECKING:
    from payback.report.html import render_html
    from payback.report.markdown import markdown_files, png_bytes

_LAZY = {
    "render_html": "payback.report.html",
    "markdown_files": "payback.report.markdown",
    "png_bytes": "payback.report.markdown",
}

__all__ = [
    "MARKER",
    "analysis_renderables",
    "explain",
    "markdown_files",
    "png_bytes",
    "recommendation_renderables",
    "render_html",
    "sobol_table",
    "tornado_table",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'payback.report' has no attribute {name!r}")
