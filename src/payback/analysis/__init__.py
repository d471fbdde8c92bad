"""From a scenario as written to its answer: ``resolve`` (catalog lookups and estimates ->
every number known; one module per option kind, ``resolve_hosted``, ``resolve_self_hosted``
and ``resolve_training``, sharing ``lookups``), ``cashflows`` (the monthly cash flows over
samples), ``curve`` (the cost of 1,000 requests across traffic) and ``result`` (the
:class:`~payback.analysis.result.Analysis` renderers read)."""
