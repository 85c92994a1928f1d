"""Errors measured from the data, replacing the assumed ones: account cells, margins, GRDP, published figures.

Every error below is a relative error, measured as a log ratio ``e = ln(predicted / published)``
(or ``ln(later / first)`` for a revision), and summarised by its root mean square
``s = sqrt(mean(e^2))`` (the errors are not assumed to be centred, so a bias widens ``s``).

**Imputed section cells** of the provincial accounts (:mod:`grdp.accounts`) are the national share
of the section times a location quotient where the province published a sub-annual share of that
section, then raked to the published broad sectors. Two classes are checked against every
published share of a section (annual or sub-annual), out of period:

* ``lq`` (cells with a location quotient): the share of period p predicted as
  ``LQ(p') x s_vn(p)`` with the quotient ``LQ(p') = s_r(p') / s_vn(p')`` of the nearest sub-annual
  period p' that does not overlap p and published that section (what the accounts do for a year
  without that period); e.g. the published 2024H1 shares of G, H, K and M predicted from the
  quotients of 2022Q1 are off by +7, +14, -4 and -1%;
* ``national`` (cells without any quotient): predicted as ``s_vn(p) x s_r,B(p) / s_vn,B(p)``, the
  national share scaled to the province's published broad sector B of the same period (what
  raking does to a seed without a quotient), or ``s_vn(p)`` where B is not published.

**Imputed broad-sector margins** (``margin``): every published annual broad-sector share
(A, BTF, GTT, TAX) predicted, leaving it out, by the accounts' rule: linear interpolation between
the nearest published years on both sides, or the nearest year carried at the ends.

**GRDP levels** (``grdp``): every annual GRDP with releases on two or more dates,
``ln(latest / first)``. A proportional error of GRDP leaves a method's share unchanged (numerator
and denominator are built from the same GRDP); it moves the bn VND levels and the weights of the
parts of the merged city.

**Published digital-economy shares** (``published``): every annual total share with releases on two
or more dates, ``ln(latest / first)`` (e.g. GSO's national 2022 share, 12.67 in December 2023 and
12.83 in January 2025: +1.25%).

Where a class has no check, its size falls back to the stated range of
``grdp/data/digital_coefficients.csv`` (``accounts.imputed_cell_sd``), and the table says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from grdp import sources as src
from grdp.base import classification, run_cache
from grdp.digital.account_arrays import BROAD_OF
from grdp.digital.coefficients import coefficients

CLASSES = ("lq", "national", "margin", "grdp", "published")
BROAD = ("A", "BTF", "GTT", "TAX")
SHARE_VARIABLES = ("de_share_gso", "de_share_mic", "de_share_hids")
CHECK_COLUMNS = ["class", "region", "industry", "period", "predicted_from", "published", "predicted", "error",
                 "years_apart", "source_id"]


@dataclass(frozen=True)
class ErrorSizes:
    """The measured relative error of each class (root mean square of the log errors).

    Attributes
    ----------
    sd
        Class name (:data:`CLASSES`) to the relative standard deviation.
    checks
        One row per check: ``class, region, industry, period, predicted_from, published,
        predicted, error`` (log ratio), ``years_apart``, ``source_id``.
    basis
        Class name to a plain-English note: how many checks, or the fallback used.
    """

    sd: dict[str, float]
    checks: pd.DataFrame
    basis: dict[str, str]

    def summary(self, level: float = 0.9) -> pd.DataFrame:
        """One row per class: ``class, checks, sd, mean_error``, the leave-one-out ``coverage`` of the
        interval ``+-z sd`` at ``level`` (each check against the sd of the others), ``level``, ``basis``."""
        z = float(norm.ppf(0.5 + level / 2))
        rows = []
        for name in CLASSES:
            errors = self.checks.loc[self.checks["class"] == name, "error"].to_numpy(float)
            covered = [abs(e) <= z * np.sqrt(np.mean(np.delete(errors, i) ** 2)) for i, e in enumerate(errors)]
            rows.append({"class": name, "checks": len(errors), "sd": self.sd[name],
                         "mean_error": float(errors.mean()) if len(errors) else np.nan,
                         "coverage": float(np.mean(covered)) if len(errors) > 1 else np.nan, "level": level,
                         "basis": self.basis[name]})
        return pd.DataFrame(rows)


def _months(period: str, frequency: str) -> int:
    """Length of a period in months (``2023-9M`` -> 9)."""
    if frequency == "YTD":
        return int(period.split("-")[1].rstrip("M"))
    return {"A": 12, "Q": 3, "H": 6, "M": 1}.get(frequency, 12)


def _span(period: str, frequency: str) -> tuple[float, float]:
    """Start and end of a period in fractional years (2024H1 -> (2024.0, 2024.5))."""
    start = pd.Timestamp(src.period_start(period, frequency))
    end = start + pd.DateOffset(months=_months(period, frequency))
    return (start.year + (start.day_of_year - 1) / 365.25, end.year + (end.day_of_year - 1) / 365.25)


def _middle(period: str, frequency: str) -> float:
    start, end = _span(period, frequency)
    return (start + end) / 2


def _overlap(a: tuple[str, str], b: tuple[str, str]) -> bool:
    (s0, e0), (s1, e1) = _span(*a), _span(*b)
    return s0 < e1 and s1 < e0


def national_structure(selected: pd.DataFrame, period: str, frequency: str) -> pd.Series | None:
    """National shares of GDP by section, TAX and broad sector for an annual or sub-annual period.

    Annual periods use the annual national accounts; quarters, halves and year-to-date periods
    ending on a quarter add up the single-quarter accounts. ``None`` if not available.
    """
    base = selected[(selected["region"] == "vn") & (selected["variable"] == "grdp")
                    & (selected["price_basis"] == "current")]
    if frequency == "A":
        rows = base[(base["frequency"] == "A") & (base["period"] == period)]
        sums = rows.groupby("industry")["value"].first()
    else:
        start, months = src.period_start(period, frequency), _months(period, frequency)
        if months % 3 or (start.month - 1) % 3:
            return None  # not whole quarters
        first = (start.month - 1) // 3 + 1
        wanted = [f"{start.year}Q{q}" for q in range(first, first + months // 3)]
        rows = base[(base["frequency"] == "Q") & base["period"].isin(wanted)]
        if set(rows["period"]) != set(wanted):
            return None
        sums = rows.groupby(["period", "industry"])["value"].first().groupby("industry").sum()
    if "TOTAL" not in sums.index:
        return None
    shares = sums / sums["TOTAL"]
    for code in ("BTF", "GTT"):
        members = [m for m in classification.aggregate_members(code) if m in shares.index]
        shares[code] = shares[members].sum()
    return shares


def _regional_shares(selected: pd.DataFrame) -> pd.DataFrame:
    rows = selected[(selected["region"] != "vn") & (selected["boundary"] == "old")
                    & (selected["variable"] == "grdp_share") & (selected["price_basis"] == "current")]
    return rows[rows["frequency"].isin(["A", "Q", "H", "YTD"])]


def cell_checks(selected: pd.DataFrame) -> pd.DataFrame:
    """Out-of-period checks of imputed cells, classes ``lq`` and ``national`` (see the module docstring)."""
    shares = _regional_shares(selected)
    structures: dict[tuple[str, str], pd.Series | None] = {}

    def national(period: str, frequency: str) -> pd.Series | None:
        if (period, frequency) not in structures:
            structures[(period, frequency)] = national_structure(selected, period, frequency)
        return structures[(period, frequency)]

    records = []
    # section A is always a published or imputed broad-sector margin, never an imputed cell
    sections = shares[shares["industry"].isin(classification.SECTIONS) & (shares["industry"] != "A")]
    for (region, code), rows in sections.groupby(["region", "industry"]):
        usable = [(r, n) for r in rows.itertuples() if (n := national(r.period, r.frequency)) is not None
                  and n.get(code, 0) > 0]
        quotients = {r.period: (r.value / 100 / n[code], r) for r, n in usable if r.frequency != "A"}
        for r, vn in usable:
            broad = BROAD_OF.get(code, "GTT")
            same = shares[(shares["region"] == region) & (shares["period"] == r.period)
                          & (shares["industry"] == broad)]
            scale = float(same["value"].iloc[0]) / 100 / vn[broad] if len(same) and vn.get(broad, 0) > 0 else 1.0
            predicted = 100 * vn[code] * scale
            records.append({"class": "national", "region": region, "industry": code, "period": r.period,
                            "predicted_from": "national share of the same period" + (
                                f", scaled to the published {broad} share" if scale != 1.0 else ""),
                            "published": r.value, "predicted": predicted, "error": np.log(predicted / r.value),
                            "years_apart": 0.0, "source_id": r.source_id})
            others = {p: q for p, q in quotients.items() if not _overlap((p, q[1].frequency), (r.period, r.frequency))}
            if not others:
                continue
            here = _middle(r.period, r.frequency)
            nearest = min(others, key=lambda p: (abs(_middle(p, others[p][1].frequency) - here), p))
            lq, origin = others[nearest]
            predicted = 100 * lq * vn[code]
            records.append({"class": "lq", "region": region, "industry": code, "period": r.period,
                            "predicted_from": f"location quotient {lq:.3f} of {nearest}",
                            "published": r.value, "predicted": predicted, "error": np.log(predicted / r.value),
                            "years_apart": abs(_middle(nearest, origin.frequency) - here),
                            "source_id": r.source_id})
    return pd.DataFrame(records, columns=CHECK_COLUMNS)


def margin_checks(selected: pd.DataFrame) -> pd.DataFrame:
    """Leave-one-out checks of interpolated or carried broad-sector shares (class ``margin``)."""
    shares = _regional_shares(selected)
    annual = shares[(shares["frequency"] == "A") & shares["industry"].isin(BROAD)]
    records = []
    for (region, code), rows in annual.groupby(["region", "industry"]):
        series = rows.groupby(rows["period"].astype(int))["value"].first().sort_index()
        for year, value in series.items():
            before = series[series.index < year]
            after = series[series.index > year]
            if before.empty and after.empty:
                continue
            if len(before) and len(after):
                y0, y1 = before.index[-1], after.index[0]
                predicted = before.iloc[-1] + (after.iloc[0] - before.iloc[-1]) * (year - y0) / (y1 - y0)
                origin, apart = f"linear interpolation {y0}-{y1}", min(year - y0, y1 - year)
            else:
                y0 = before.index[-1] if len(before) else after.index[0]
                predicted, origin, apart = series[y0], f"carried from {y0}", abs(year - y0)
            records.append({"class": "margin", "region": region, "industry": code, "period": str(year),
                            "predicted_from": origin, "published": value, "predicted": predicted,
                            "error": np.log(predicted / value), "years_apart": float(apart),
                            "source_id": rows.loc[rows["period"] == str(year), "source_id"].iloc[0]})
    return pd.DataFrame(records, columns=CHECK_COLUMNS)


def _revisions(observations: pd.DataFrame, mask: pd.Series, name: str) -> pd.DataFrame:
    rows = observations[mask]
    records = []
    for key, group in rows.groupby(["region", "boundary", "variable", "period"]):
        dated = group.sort_values(["release_date", "source_id"])
        if dated["release_date"].nunique() < 2:
            continue
        first, last = dated.iloc[0], dated.iloc[-1]
        records.append({"class": name, "region": key[0], "industry": key[2], "period": key[3],
                        "predicted_from": f"first release {first.release_date.date()} ({first.source_id}); "
                                          f"latest {last.release_date.date()}",
                        "published": float(last.value), "predicted": float(first.value),
                        "error": np.log(float(first.value) / float(last.value)),
                        "years_apart": (last.release_date - first.release_date).days / 365.25,
                        "source_id": last.source_id})
    return pd.DataFrame(records, columns=CHECK_COLUMNS)


def published_revisions(observations: pd.DataFrame) -> pd.DataFrame:
    """Revisions of published annual digital-economy shares (class ``published``)."""
    mask = (observations["variable"].isin(SHARE_VARIABLES) & (observations["industry"] == "TOTAL")
            & (observations["frequency"] == "A"))
    return _revisions(observations, mask, "published")


def grdp_revisions(observations: pd.DataFrame) -> pd.DataFrame:
    """Revisions of published annual GRDP (GDP) at current prices (class ``grdp``)."""
    mask = ((observations["variable"] == "grdp") & (observations["industry"] == "TOTAL")
            & (observations["frequency"] == "A") & (observations["price_basis"] == "current"))
    return _revisions(observations, mask, "grdp")


def _account_checks(available: src.Releases) -> pd.DataFrame:
    """The checks that read only the sector-account releases (cells, margins, GRDP revisions)."""
    frames = [cell_checks(available.selected), margin_checks(available.selected), grdp_revisions(available.known)]
    return pd.concat([f for f in frames if not f.empty], ignore_index=True) if any(not f.empty for f in frames) \
        else pd.DataFrame(columns=CHECK_COLUMNS)


def measure(releases: src.Releases) -> ErrorSizes:
    """Measure every error class from the releases of an as-of view.

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`): only the releases it knows are used.

    Returns
    -------
    ErrorSizes
    """
    digital = releases.known["variable"].str.startswith("de_")
    accounts_rows = releases.subset(~digital)
    account_checks = run_cache.cached("account-errors", (accounts_rows.key,), lambda: _account_checks(accounts_rows))
    frames = [account_checks, published_revisions(releases.known[digital])]
    checks = pd.concat([frame for frame in frames if not frame.empty], ignore_index=True)
    if checks.empty:
        checks = pd.DataFrame(columns=CHECK_COLUMNS)
    fallback = coefficients()["accounts.imputed_cell_sd"]
    sd, basis = {}, {}
    for name in CLASSES:
        errors = checks.loc[checks["class"] == name, "error"].to_numpy(float)
        if len(errors):
            sd[name] = float(np.sqrt(np.mean(errors ** 2)))
            basis[name] = f"root mean square of {len(errors)} out-of-period check(s)"
        else:
            sd[name] = fallback.centre
            basis[name] = (f"no check available: centre {fallback.centre:g} of the stated range of "
                           "accounts.imputed_cell_sd (grdp/data/digital_coefficients.csv)")
    return ErrorSizes(sd, checks, basis)
