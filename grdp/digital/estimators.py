"""grdp's estimators of a share in a year without a published figure: the model and three simple rivals.

Every estimator works on what was published by a date (a :class:`Information` set) and returns a
point value, the year it is bridged from and how far that is (the horizon ``h``, in years):

* ``model``: benchmark-to-indicator extrapolation, ``I_t exp(g_t)`` with the structural model as the
  indicator and the city-specific gap as a random walk (:mod:`grdp.digital.gap`); its draws come from
  :func:`grdp.digital.uncertainty.simulate_years`. Needs a sector account for the year;
* ``line``: the least-squares straight line through the published points ``(year, share)``
  (two or more);
* ``national_ratio``: the region's published share of the nearest year ``s`` that also has a national
  figure of the same institution, times the national figure's growth,
  ``B_r(s) x N(t) / N(s)``; needs the national figure of year t (not defined for the nation);
* ``carried``: the published figure of the nearest year (the earlier one on a tie).

Where an estimator cannot be computed it falls back along a stated chain (``model`` ->
``national_ratio`` -> ``carried``; ``line`` -> ``carried``; ``national_ratio`` -> ``carried``), and
the fallback is recorded. The rivals' uncertainty is measured out of time
(:mod:`grdp.digital.validation`): ``ln(B / estimate) ~ N(0, sigma^2 h)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grdp.digital.published import Benchmark

ESTIMATORS = ("model", "line", "national_ratio", "carried")
FALLBACK = {"model": "national_ratio", "line": "carried", "national_ratio": "carried", "carried": None}
LABELS = {"model": "the model (structural indicator x city-specific gap)",
          "line": "a straight line through the published points",
          "national_ratio": "a constant ratio to the national figure of the same institution",
          "carried": "the last published figure carried"}


@dataclass(frozen=True)
class Information:
    """What was published by a date for one region, boundary and method."""

    benchmark: Benchmark
    national: Benchmark | None
    """The same institution's national series (``None`` for the nation itself)."""
    model_years: tuple[int, ...]
    """Years the model can estimate (years with sector accounts); empty without a model."""


@dataclass(frozen=True)
class Point:
    """One estimator's value for one year."""

    estimator: str
    """The estimator actually used (after any fallback)."""
    asked: str
    year: int
    value: float
    bridged_from_year: int
    horizon: float
    detail: str

    @property
    def fell_back(self) -> bool:
        """Whether the estimator asked for could not be computed."""
        return self.estimator != self.asked


def _nearest(years: list[int], year: int) -> int:
    return min(years, key=lambda y: (abs(y - year), y))


def carried(info: Information, year: int) -> tuple[float, int, str] | None:
    """The published figure of the nearest year."""
    if not info.benchmark.years:
        return None
    source = _nearest(info.benchmark.years, year)
    return info.benchmark.value(source), source, f"{info.benchmark.value(source):.2f} ({source}) carried"


def line(info: Information, year: int) -> tuple[float, int, str] | None:
    """The least-squares line through the published points, at ``year``."""
    years = info.benchmark.years
    if len(years) < 2:
        return None
    values = np.array([info.benchmark.value(y) for y in years])
    slope, intercept = np.polyfit(np.array(years, dtype=float), values, 1)
    source = _nearest(years, year)
    return float(intercept + slope * year), source, (f"line through {len(years)} published points "
                                                     f"({years[0]}-{years[-1]}), {slope:+.2f} pp a year")


def national_ratio(info: Information, year: int) -> tuple[float, int, str] | None:
    """The region's figure of the nearest year with a national figure, moved with the national figure."""
    if info.national is None or year not in info.national.years:
        return None
    common = [y for y in info.benchmark.years if y in info.national.years]
    if not common:
        return None
    source = _nearest(common, year)
    ratio = info.benchmark.value(source) / info.national.value(source)
    value = ratio * info.national.value(year)
    return value, source, (f"{info.benchmark.value(source):.2f} ({source}) x national {info.national.value(year):.2f} "
                           f"({year}) / {info.national.value(source):.2f} ({source})")


RULES = {"line": line, "national_ratio": national_ratio, "carried": carried}


def point(info: Information, year: int, estimator: str, model_value: float | None = None) -> Point | None:
    """Evaluate ``estimator`` for ``year``, falling back along :data:`FALLBACK` where it cannot be computed.

    Parameters
    ----------
    info
        What was published.
    year
        The year to estimate.
    estimator
        One of :data:`ESTIMATORS`.
    model_value
        The model's value for ``year`` (required for ``model`` when the year has an account).

    Returns
    -------
    Point or None
        ``None`` when nothing along the chain can be computed (no published figure at all).
    """
    asked: str = estimator
    current: str | None = estimator
    while current is not None:
        if current == "model":
            if year in info.model_years and model_value is not None:
                source = _nearest(info.benchmark.years, year) if info.benchmark.years else year
                horizon = abs(year - source) if info.benchmark.years else float("nan")
                return Point("model", asked, year, float(model_value), source, horizon,
                             "indicator x city-specific gap")
        else:
            found = RULES[current](info, year)
            if found is not None:
                value, source, detail = found
                return Point(current, asked, year, value, source, abs(year - source), detail)
        current = FALLBACK[current]
    return None


def lognormal(value: float, sigma: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draws ``value x exp(sigma Z)``, Z standard normal (median ``value``)."""
    return value * np.exp(sigma * rng.standard_normal(n))
