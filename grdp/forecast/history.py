"""What the projections start from: the ended years, the latest published figure, and the history fitted.

**Ended years.** A year has ended at the as-of date ``D`` when ``D`` is on or after its 31 December; the first
open year is ``D.year`` (or ``D.year + 1`` when ``D`` is 31 December). Ended years are never forecast: their
figure is the estimates table's (published where one exists, else grdp's estimate with its interval).

**Start.** Every projection of a method starts from the *latest published figure* of that method for the
boundary among the ended years, with its stated range (:func:`grdp.forecast.estimates.published_range`); only
where the institution never published a figure for the boundary (the merged city, the OECD tiers) does it
start from grdp's latest estimate, with its Monte Carlo draws, and it says so (``status``). An alternative
lens whose published history is too short to fit any model (HIDS) also starts from grdp's latest estimate
(:func:`start_point`).

**History.** The models are fitted on the table's values from 2020 (the first year an institution published a
share for HCMC) to the start year, published figures where they exist and grdp's estimates for the other years
(each year's ``status`` is kept, and the fits record how many of each). Estimates after the start year are not
fitted: the projection runs from the published figure. The history's values are not taken as exact: their draws
(:func:`history_draws`: a published figure's draws over its stated range, independent by year; an estimate's Monte
Carlo draws, joint across the years the estimates share) give the random walks the measurement error of every year,
the start's included (:mod:`grdp.forecast.measured_walk`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.digital.measurement import FIRST_YEAR
from grdp.digital.registry import METHODS
from grdp.forecast.estimates import Estimates
from grdp.forecast.models import MIN_OBS

PUBLISHERS = {"gso": "GSO", "mic": "MIC", "hids": "HIDS"}
"""Methods whose institution publishes the share, and the institution's name."""
MIN_HISTORY = MIN_OBS["naive"]
"""Fewest fitted years for any model (the naive model's minimum)."""


def first_open_year(as_of: str | date) -> int:
    """The first year that has not ended at ``as_of`` (module docstring)."""
    day = pd.Timestamp(as_of)
    return day.year + 1 if (day.month, day.day) == (12, 31) else day.year


@dataclass(frozen=True)
class Start:
    """The figure a method's projection starts from.

    Attributes
    ----------
    year, share
        The start year and share (percent of GRDP).
    lower, upper, level
        Its stated range (published) or interval at ``level`` (estimate).
    status
        ``published`` or ``estimate``.
    draws
        Draws of the start's share (uniform over a published figure's range; the Monte Carlo draws of an
        estimate).
    """

    boundary: str
    method: str
    year: int
    share: float
    lower: float
    upper: float
    level: float
    status: str
    release: str
    rating: str
    basis: str
    draws: np.ndarray = field(repr=False)

    def row(self) -> dict[str, object]:
        """The start as one table row (without the draws)."""
        return {"boundary": self.boundary, "method": self.method, "start_year": self.year,
                "start_share": self.share, "start_lower": self.lower, "start_upper": self.upper,
                "start_level": self.level, "start_status": self.status, "start_release": self.release,
                "start_rating": self.rating, "start_basis": self.basis}


def ended_rows(estimates: Estimates, method: str, first_open: int) -> pd.DataFrame:
    """The estimates table's rows of a method for the ended years, published or estimated, by year."""
    table = estimates.table
    rows = table[(table["method"] == method) & (table["year"] < first_open)
                 & table["status"].isin(["published", "estimate"])]
    return rows.sort_values("year").reset_index(drop=True)


def start_point(estimates: Estimates, method: str, first_open: int, lens: bool = False) -> Start | None:
    """The start of a method's projection (module docstring); ``None`` when no ended year has a figure.

    For an alternative lens (``lens``) whose history from 2020 to its latest published figure is shorter than
    :data:`MIN_HISTORY` years (HIDS, published for 2021 only), no model could be fitted from that figure: the
    lens then starts from grdp's latest estimate, and ``basis`` says so. A headline definition never does.
    """
    rows = ended_rows(estimates, method, first_open)
    if rows.empty:
        return None
    published = rows[rows["status"] == "published"]
    row = (published if len(published) else rows).iloc[-1]
    basis = str(row["basis"])
    fitted = int(((rows["year"] >= FIRST_YEAR) & (rows["year"] <= row["year"])).sum())
    if lens and len(published) and fitted < MIN_HISTORY:
        basis = (f"alternative lens: the history to the latest published figure ({int(row['year'])}) has {fitted} "
                 f"year(s), too few to fit a model, so it starts from grdp's latest estimate; "
                 f"{rows.iloc[-1]['basis']}")
        row = rows.iloc[-1]
    lower, upper = (estimates.stated_range(row) if row["status"] == "published"
                    else (float(row["lower"]), float(row["upper"])))
    return Start(estimates.boundary, method, int(row["year"]), float(row["value"]), lower, upper, float(row["level"]),
                 str(row["status"]), str(row["release"]), str(row["rating"]), basis,
                 estimates.draws(method, int(row["year"])))


def fit_history(estimates: Estimates, method: str, start: Start) -> pd.DataFrame:
    """The values the models are fitted on: ``year`` (index), ``share`` and ``status``, from 2020 to the start."""
    rows = ended_rows(estimates, method, start.year + 1)
    rows = rows[rows["year"] >= FIRST_YEAR]
    return rows.set_index("year")[["value", "status"]].rename(columns={"value": "share"})


def history_draws(estimates: Estimates, history: pd.DataFrame, method: str) -> np.ndarray:
    """Joint draws of the fitted history's shares, shape ``(S, n)``, one column per year of ``history``.

    Each year's draws are :meth:`grdp.forecast.estimates.Estimates.draws`; ``S`` is the fewest any year has, and every
    year keeps its first ``S`` draws, so that the draws of estimates that come from the same Monte Carlo draws (joint
    across years) stay paired.
    """
    found = [np.asarray(estimates.draws(method, int(year)), dtype=float) for year in history.index]
    size = min(len(d) for d in found)
    return np.column_stack([d[:size] for d in found])


def history_table(estimates: Estimates, first_open: int, grdp: pd.Series) -> pd.DataFrame:
    """The ended years of every method as published or estimated (``forecast_history``).

    Parameters
    ----------
    estimates
        The boundary's estimates.
    first_open
        The first open year.
    grdp
        GRDP by year (bn VND), the boundary's published levels or GRDP path.

    Returns
    -------
    pandas.DataFrame
        ``boundary, method, year, share`` (the published figure, else grdp's estimate), ``status``, ``lower,
        upper, level``, ``numerator`` (digital value added, ``share x GRDP / 100``, bn VND), ``denominator``
        (GRDP), ``basis, release, rating``.
    """
    table = estimates.table
    rows = table[(table["year"] < first_open) & table["status"].isin(["published", "estimate"])].copy()
    denominator = rows["year"].map(lambda y: float(grdp.get(int(y), np.nan)))
    out = pd.DataFrame({"boundary": rows["boundary"], "method": rows["method"], "year": rows["year"].astype(int),
                        "share": rows["value"], "status": rows["status"], "lower": rows["lower"],
                        "upper": rows["upper"], "level": rows["level"], "numerator": rows["value"] * denominator / 100,
                        "denominator": denominator, "basis": rows["basis"], "release": rows["release"],
                        "rating": rows["rating"]})
    return out.reset_index(drop=True)


def published_history(releases: src.Releases, region: str, boundary: str,
                      methods: list[str] | None = None) -> pd.DataFrame:
    """Every figure an institution published for the region and boundary, as the as-of view selects it.

    Returns
    -------
    pandas.DataFrame
        ``boundary, method, institution, year, value, release, rating, url``.
    """
    selected = releases.selected
    frames = []
    for method in methods or list(METHODS):
        variable = METHODS[method].published
        if method not in PUBLISHERS or not variable:
            continue
        rows = selected[(selected["region"] == region) & (selected["boundary"] == boundary)
                        & (selected["variable"] == variable) & (selected["frequency"] == "A")
                        & (selected["industry"] == "TOTAL") & selected["period"].str.fullmatch(r"\d{4}")]
        frames.append(pd.DataFrame({"boundary": boundary, "method": method, "institution": PUBLISHERS[method],
                                    "year": rows["period"].astype(int), "value": rows["value"],
                                    "release": rows["release_date"].dt.strftime("%Y-%m-%d"),
                                    "rating": rows["rating"], "url": rows["url"]}))
    columns = ["boundary", "method", "institution", "year", "value", "release", "rating", "url"]
    frames = [f for f in frames if len(f)]
    return (pd.concat(frames, ignore_index=True).sort_values(["method", "year"], ignore_index=True)[columns]
            if frames else pd.DataFrame(columns=columns))
