"""Questions asked of a scenario by evaluating it many times: ``uncertainty`` (Monte Carlo,
tornado, Sobol), ``solve`` (what would it take) and ``recommend`` (the serving
configuration: ``configurations`` evaluates every candidate at once, ``rewrite`` writes
the winner back into a scenario's data)."""
