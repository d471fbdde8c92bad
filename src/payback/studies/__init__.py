"""Questions asked of a scenario by evaluating it many times: ``uncertainty`` (Monte Carlo,
tornado, Sobol), ``solve`` (what would it take) and ``recommend`` (the serving
configuration)."""
