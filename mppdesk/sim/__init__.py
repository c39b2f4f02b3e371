"""The program simulator: a calibrated stochastic model of MPP from enrolment to case end
(``engine``), its scenarios and levers (``scenarios``, ``current``), the published targets
it reproduces (``calibration``), and the page, API operation and CLI command that run it."""
