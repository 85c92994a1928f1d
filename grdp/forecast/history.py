"""The histories the projections start from: each method's annual share, its drivers and components.

The share history of a method is its estimate by :mod:`grdp.digital` for each account year from
``start`` on (default 2020, the first year an institution published a share for HCMC and the first
the calibration sees; earlier account years are back-casts of the calibrated coefficients and are
left out unless asked for). The published figures of each institution are returned alongside, for
comparison, never mixed into the history.
"""

from __future__ import annotations

import pandas as pd

from grdp.digital.methods import METHODS
from grdp.digital.model import DigitalModel

DEFAULT_START = 2020
"""First year of the share histories (see the module docstring)."""

PUBLISHERS = {"gso": "GSO", "mic": "MIC", "hids": "HIDS"}
"""Methods whose institution publishes the share, and the institution's name."""


def share_history(model: DigitalModel, methods: list[str] | None = None, start: int = DEFAULT_START) -> pd.DataFrame:
    """Return each method's annual share with its numerator and denominator.

    Parameters
    ----------
    model
        A calibrated model of one region and boundary.
    methods
        Methods to include (default all).
    start
        First year.

    Returns
    -------
    pandas.DataFrame
        Columns ``boundary, method, year, share`` (percent), ``numerator`` (digital value added, bn VND),
        ``denominator`` (GRDP, bn VND), sorted by method and year.

    Raises
    ------
    ValueError
        If fewer than two account years are left from ``start`` on.
    """
    years = [y for y in model.accounts.years if y >= start]
    if len(years) < 2:
        raise ValueError(f"{model.region} ({model.boundary} boundary) has {len(years)} account year(s) from {start}: "
                         f"{', '.join(map(str, model.accounts.years))}; a projection needs at least two")
    rows = []
    for method in methods or list(METHODS):
        for year in years:
            estimate = model.estimate(method, year)
            rows.append({"boundary": model.boundary, "method": method, "year": year, "share": estimate.share,
                         "numerator": estimate.numerator, "denominator": estimate.denominator})
    return pd.DataFrame(rows)


def component_shares(model: DigitalModel, method: str, year: int) -> dict[str, float]:
    """Return each component's share of GRDP (percent) in ``year``, keyed ``core``, ``platform``, ``sectoral``."""
    spec = METHODS[method]
    totals = model.estimate(method, year).component_totals()
    return {block: float(totals.get(label, 0.0)) for block, label in spec.components.items()}


def published_history(model: DigitalModel, methods: list[str] | None = None) -> pd.DataFrame:
    """Return the shares each institution published for the model's region and boundary.

    Returns
    -------
    pandas.DataFrame
        Columns ``boundary, method, institution, year, value, release, rating, url``; every release kept.
    """
    frames = []
    for method in methods or list(METHODS):
        if method not in PUBLISHERS:
            continue
        for year in model.accounts.years:
            published = model.published(method, year)
            if not published.empty:
                frames.append(published.assign(boundary=model.boundary, method=method,
                                               institution=PUBLISHERS[method], year=year))
    columns = ["boundary", "method", "institution", "year", "value", "release", "rating", "url"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
