"""Renderings of an analysis: terminal text, HTML (plotly), Markdown with PNGs (matplotlib),
and a plain-language explanation."""

from payback.report.explain import explain
from payback.report.html import render_html
from payback.report.markdown import MARKER, markdown_files, png_bytes
from payback.report.text import analysis_renderables, sobol_table, tornado_table

__all__ = [
    "MARKER",
    "analysis_renderables",
    "explain",
    "markdown_files",
    "png_bytes",
    "render_html",
    "sobol_table",
    "tornado_table",
]
