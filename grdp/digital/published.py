"""The digital-economy shares institutions published, as benchmark series with their releases.

A *benchmark series* is, for one region, boundary and method (definition), the annual total share
the method's institution published for each year, as selected at a date by the project's as-of rule
(:func:`grdp.sources.as_of`: a later release of the same figure supersedes an earlier one; the
rating decides only between publishers). Red-rated figures are kept: a published figure is the
headline whatever its rating, and the rating travels with it.

The *release history* keeps every release of every year, so that the out-of-time validation can
find, for each year, the date its first figure appeared (:func:`first_releases`), and the revisions
of published figures can be measured (:func:`grdp.digital.measured_errors.published_revisions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from grdp import sources as src
from grdp.digital.registry import METHODS
from grdp.digital.registry import method as get_method

INSTITUTIONS = {"gso": "GSO", "mic": "MIC", "hids": "HIDS"}
"""Methods whose institution publishes the share, and the institution's short name."""
COLUMNS = ["year", "value", "release", "rating", "source_id", "url", "publisher"]


@dataclass(frozen=True)
class Benchmark:
    """The published annual shares of one method for one region and boundary, as of a date.

    Attributes
    ----------
    table
        One row per year: ``year, value`` (percent of GRDP), ``release`` (ISO date), ``rating``,
        ``source_id``, ``url``, ``publisher``; sorted by year.
    """

    region: str
    boundary: str
    method: str
    as_of: str | None
    table: pd.DataFrame

    @property
    def years(self) -> list[int]:
        """Years with a published figure."""
        return [int(y) for y in self.table["year"]]

    def value(self, year: int) -> float:
        """The published share of ``year`` (``nan`` if none)."""
        row = self.row(year)
        return float(row["value"]) if row is not None else float("nan")

    def row(self, year: int) -> pd.Series | None:
        """The published row of ``year``, or ``None``."""
        rows = self.table[self.table["year"] == year]
        return rows.iloc[0] if len(rows) else None

    def __len__(self) -> int:
        return len(self.table)


def share_rows(releases: src.Releases) -> src.Releases:
    """The view of the published annual total shares of every method (a small view to search, or to cut at
    earlier dates, repeatedly)."""
    known = releases.known
    variables = [m.published for m in METHODS.values() if m.published]
    mask = (known["variable"].isin(variables) & (known["industry"] == "TOTAL")
            & (known["frequency"] == "A") & (known["unit"] == "percent"))
    return releases.subset(mask)


def _annual_shares(observations: pd.DataFrame, region: str, boundary: str, method: str) -> pd.DataFrame:
    variable = get_method(method).published
    if variable is None:
        return observations.iloc[0:0]
    mask = ((observations["region"] == region) & (observations["boundary"] == boundary)
            & (observations["variable"] == variable) & (observations["industry"] == "TOTAL")
            & (observations["frequency"] == "A") & (observations["unit"] == "percent"))
    return observations[mask]


def _table(rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.DataFrame({"year": rows["period"].astype(int), "value": rows["value"].astype(float),
                        "release": rows["release_date"].dt.date.map(date.isoformat), "rating": rows["rating"],
                        "source_id": rows["source_id"], "url": rows["url"], "publisher": rows["publisher"]})
    return out.sort_values(["year", "release", "source_id"], ignore_index=True)


def benchmark(releases: src.Releases, region: str, boundary: str, method: str) -> Benchmark:
    """Return the published annual shares of ``method`` that the as-of view ``releases`` selects.

    Where the as-of rule leaves two equally rated releases of one figure with the same date and
    different values (a conflict the sources keep side by side), the first by source id is the
    headline; the other stays in :func:`release_history`.

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`; :func:`share_rows` of it is enough).
    region, boundary
        The territory (``"vn"`` with ``"national"`` for the nation).
    method
        A method name (:data:`grdp.digital.registry.METHODS`); a method no institution publishes
        gives an empty series.

    Returns
    -------
    Benchmark
    """
    selected = _annual_shares(releases.selected, region, boundary, method)
    table = _table(selected).drop_duplicates("year", keep="first").reset_index(drop=True)
    return Benchmark(region, boundary, method, releases.as_of, table)


def release_history(observations: pd.DataFrame, region: str, boundary: str, method: str) -> pd.DataFrame:
    """Return every release of the method's published annual shares (columns as :class:`Benchmark`)."""
    return _table(_annual_shares(observations, region, boundary, method))


def first_releases(observations: pd.DataFrame, region: str, boundary: str, method: str) -> pd.DataFrame:
    """Return, for each published year, its first release (the value and date it first appeared).

    Returns
    -------
    pandas.DataFrame
        Columns as :class:`Benchmark`, one row per year. Several releases on the first date: the best
        rated, then the first by source id.
    """
    history = release_history(observations, region, boundary, method)
    if history.empty:
        return history
    order = history.assign(_rank=history["rating"].map({"green": 0, "amber": 1, "red": 2}))
    order = order.sort_values(["year", "release", "_rank", "source_id"])
    return order.drop_duplicates("year", keep="first").drop(columns="_rank").reset_index(drop=True)


def describe(row: pd.Series, method: str) -> str:
    """Plain-English provenance of a published figure, e.g. ``published by GSO (release 2025-02-18, amber)``."""
    return f"published by {INSTITUTIONS.get(method, method.upper())} (release {row['release']}, {row['rating']})"
