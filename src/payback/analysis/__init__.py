"""From a scenario as written to its answer: ``resolve`` (catalog lookups and estimates ->
every number known), ``cashflows`` (the monthly cash flows over samples) and ``result``
(the :class:`~payback.analysis.result.Analysis` renderers read)."""
