"""Questions asked of a scenario by evaluating it many times: ``uncertainty`` (Monte Carlo,
tornado, Sobol), ``solve`` (what would it take) and ``recommend`` (the serving
configuration: ``configurations`` evaluates every candidate at once, ``rewrite`` writes
the winner back into a scenario's data)."""

SOBOL_SAMPLES = 1024
"""Base samples of a Sobol analysis when none are asked for (a power of two): the default
of :func:`payback.studies.uncertainty.sobol` and
:func:`payback.studies.portfolio_uncertainty.portfolio_sobol`, and so of the command
line's ``sensitivity --method sobol``. Here, not in ``uncertainty``, so that the command
line's help reads it without loading numpy."""
