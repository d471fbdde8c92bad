"""Measurements that replace estimates.

- ``calibration``: the calibration file (a measurement and where it came from), read and
  written;
- ``benchmarks``: serving benchmarks' result files read as calibrations, one module per
  format;
- ``apply``: whether a calibration fits an estimate, and the factors it puts on it;
- ``calibrate``: timing a model of the catalog's shape on this machine (``timing`` holds
  its PyTorch parts);
- ``estimates``: the estimates a calibration is measured against, made again with today's
  code at a file's conditions, and the factors its measured values give;
- ``usage``: the traffic of request logs.
"""
