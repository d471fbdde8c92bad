"""The hardware physics: model shapes, the serving roofline and the training estimator.

Pure functions over model and GPU figures (``shapes``, ``serving``, ``training``), and
``estimate``, which binds catalog records to them.
"""
