"""The error of one published figure: its revision error and its stated range (rounding and the margin of its rating).

A published share ``y`` is read as ``ln y = ln s + e`` with ``e ~ N(0, sd^2)``::

    sd^2 = sigma_pub^2 + (-ln(1 - r) / z_0.95)^2,   r = (0.5 10^-d + m_rating y) / y

``sigma_pub`` the error of published figures measured from their revisions (:mod:`grdp.digital.measured_errors`),
``d`` the decimals the sources store (two) and ``m_rating`` the margin of the figure's rating (1% green, 5% amber,
10% red): the stated range is the figure's 90% range. The measurement model (:mod:`grdp.digital.measurement`), the
headline's published cells and the city-specific gap (:mod:`grdp.digital.regional_gap`) all use it.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

RATING_MARGIN = {"green": 0.01, "amber": 0.05, "red": 0.10}
"""Relative margin of a published figure's stated range by its rating (docs/methods.md)."""
RANGE_Z = NormalDist().inv_cdf(0.95)
"""Standard deviations of a figure's log error that its stated range spans on its wider side: the range is its 90%
range."""
STORED_DECIMALS = 2
"""Decimals every share is stored with in ``sources/`` (at most two): the rounding of a figure's error term."""


def decimals(value: float) -> int:
    """Decimals a figure was published with, read from the value (``22.0`` -> 0, ``21.5`` -> 1, ``18.66`` -> 2)."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def relative_margin(value: float, rating: str, places: int = STORED_DECIMALS) -> float:
    """Relative half-width of a published figure's stated range: rounding to ``places`` decimals plus its rating's
    margin, ``(0.5 10^-d + m_rating v) / v``.

    The measurement model and the headline use the precision the sources store every value with
    (:data:`STORED_DECIMALS`), so that a figure's error does not jump when its value crosses a rounding edge
    (22.0 and 22.01 get the same error); the projections' stated start range reads the decimals from the value
    (:func:`decimals`, ``grdp.forecast.estimates.published_range``).
    """
    if rating not in RATING_MARGIN:
        raise ValueError(f"unknown rating {rating!r}; expected one of {', '.join(RATING_MARGIN)}")
    return (0.5 * 10.0 ** -places + RATING_MARGIN[rating] * value) / value


def measurement_sd(value: float, rating: str, sigma_published: float) -> float:
    """``sqrt(sigma_pub^2 + (-ln(1 - r) / z_0.95)^2)``: a figure's log error, its revision error and its stated range
    taken as its 90% range (module docstring)."""
    range_sd = -np.log1p(-relative_margin(value, rating)) / RANGE_Z
    return float(np.sqrt(sigma_published ** 2 + range_sd ** 2))
