"""The hardware physics: model shapes, the serving roofline, the training formulas and the
estimators built on them.

Pure functions over model and GPU figures (``shapes``, ``serving``, ``training``);
``estimate`` (a serving replica) and ``fine_tuning`` (a training run), which bind catalog
records to them; ``calibration``, the factors a measurement puts in place of the defaults.
"""
