"""Bounds on a province's digital-economy share from published rankings, for provinces without a figure of their own.

Ba Ria-Vung Tau has no published digital-economy share, but two published figures rank it: MIC's provincial ranking
for 2022 names the five lowest provinces (Tây Ninh, 5.78%, the highest of them; Ba Ria-Vung Tau is not among them),
and Binh Duong's figure for the same year (11.34%) was "second in the Southeast", after Ho Chi Minh City's, so Ba
Ria-Vung Tau's was below it. Each bound is a row of ``grdp/data/part_evidence.csv``: the region, definition and year
it bounds, its side, the region whose published figure gives it, and the reason in words. The *value* of a bound is
never typed: it is read from the releases of the as-of date, so a vintage that does not know a figure does not use
its bound, and a later release of the figure moves the bound.

A region and year with both bounds known is a pseudo-measurement of the city-specific gap
(:mod:`grdp.digital.gap`): the share is taken as uniform on ``[L, U]``, which in logs has mean
``(ln L + ln U) / 2`` and variance ``(ln U - ln L)^2 / 12``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.base import paths
from grdp.digital.published import benchmark

EVIDENCE_FILE = "part_evidence.csv"


@dataclass(frozen=True)
class ShareBounds:
    """Bounds on one region's published-definition share in one year (percent), with the evidence in words."""

    year: int
    low: float
    high: float
    evidence: str

    @property
    def log_mean(self) -> float:
        """Mean of the log share, uniform on the bounds."""
        return float((np.log(self.low) + np.log(self.high)) / 2)

    @property
    def log_variance(self) -> float:
        """Variance of the log share, uniform on the bounds."""
        return float((np.log(self.high) - np.log(self.low)) ** 2 / 12)


@cache
def evidence_table() -> pd.DataFrame:
    """The rows of ``grdp/data/part_evidence.csv``."""
    return pd.read_csv(paths.data_file(EVIDENCE_FILE), dtype={"year": int})


def share_bounds(shares: src.Releases, region: str, boundary: str, method: str) -> list[ShareBounds]:
    """The bounds on ``region``'s ``method`` share that the published figures known in ``shares`` give.

    Parameters
    ----------
    shares
        The view of published shares (:func:`grdp.digital.published.share_rows`) at the as-of date.
    region, boundary, method
        The region and definition bounded.

    Returns
    -------
    list of ShareBounds
        One per year with both bounds known and the lower below the upper, by year.
    """
    table = evidence_table()
    rows = table[(table["region"] == region) & (table["boundary"] == boundary) & (table["method"] == method)]
    out = []
    for year, group in rows.groupby("year"):
        found: dict[str, tuple[float, str]] = {}
        for r in group.itertuples():
            figure = benchmark(shares, r.figure_region, r.figure_boundary, method).row(int(year))
            if figure is not None:
                found[r.side] = (float(figure["value"]), f"{r.reason} ({float(figure['value']):.2f}%, "
                                                         f"{figure['publisher']}, {figure['release']})")
        if {"lower", "upper"} <= found.keys() and found["lower"][0] < found["upper"][0]:
            out.append(ShareBounds(int(year), found["lower"][0], found["upper"][0],
                                   f"{found['lower'][1]}; {found['upper'][1]}"))
    return out
