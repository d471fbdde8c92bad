"""Renderings of an analysis: terminal text now; Markdown, HTML and charts later."""

from payback.report.text import analysis_renderables, sobol_table, tornado_table

__all__ = ["analysis_renderables", "sobol_table", "tornado_table"]
