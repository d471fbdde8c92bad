"""Renderings of an analysis: terminal text, HTML (plotly), Markdown with PNGs (matplotlib),
and a plain-language explanation.

Every name loads its module on first use (PEP 562): plotly and matplotlib take about half
a second to import, and a command that prints one table needs none of the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from payback.report.common import MARKER as MARKER
    from payback.report.html import render_html as render_html
    from payback.report.markdown import markdown_files as markdown_files
    from payback.report.markdown import png_bytes as png_bytes
    from payback.report.recommend import recommendation_renderables as recommendation_renderables
    from payback.report.stamp import stamped as stamped
    from payback.report.text import analysis_renderables as analysis_renderables
    from payback.report.text import sobol_table as sobol_table
    from payback.report.text import tornado_table as tornado_table

_LAZY = {
    "MARKER": "payback.report.common",
    "recommendation_renderables": "payback.report.recommend",
    "analysis_renderables": "payback.report.text",
    "sobol_table": "payback.report.text",
    "tornado_table": "payback.report.text",
    "render_html": "payback.report.html",
    "markdown_files": "payback.report.markdown",
    "png_bytes": "payback.report.markdown",
    "stamped": "payback.report.stamp",
}

__all__ = [
    "MARKER",
    "analysis_renderables",
    "markdown_files",
    "png_bytes",
    "recommendation_renderables",
    "render_html",
    "sobol_table",
    "stamped",
    "tornado_table",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'payback.report' has no attribute {name!r}")
