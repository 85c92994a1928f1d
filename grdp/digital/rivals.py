"""Three simple rivals of the measurement model, the benchmarks of its out-of-time validation.

Each works on what was published by a date (an :class:`Information` set) and returns a value, the published
year it is bridged from and a description, or ``None`` where it cannot be computed (there is no fallback):

* ``line``: the least-squares straight line through the published points ``(year, share)`` (two or more);
* ``national_ratio``: the region's published share of the nearest year ``s`` that also has a national figure of
  the same institution, times the national figure's growth, ``B_r(s) x N(t) / N(s)``; needs the national figure
  of year t (not defined for the nation);
* ``carried``: the published figure of the nearest year (the earlier one on a tie).

They are never published as estimates (:mod:`grdp.digital.validation` says what the model adds over each).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grdp.digital.published import Benchmark

LABELS = {"model": "the measurement model",
          "line": "a straight line through the published points",
          "national_ratio": "a constant ratio to the national figure of the same institution",
          "carried": "the last published figure carried"}


@dataclass(frozen=True)
class Information:
    """What was published by a date for one region, boundary and method."""

    benchmark: Benchmark
    national: Benchmark | None
    """The same institution's national series (``None`` for the nation itself)."""


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
"""The rivals, by name."""
