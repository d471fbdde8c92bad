"""Measurements that replace estimates: serving benchmarks and calibrations
(``calibration``), timing this machine (``calibrate``) and traffic from request logs
(``usage``)."""
