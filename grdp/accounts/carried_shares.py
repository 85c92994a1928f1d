"""Published section and division shares carried to every year of a provincial account.

A province publishes the share of a section (or of a division, such as crude oil, 06) for a few periods only:
a year, a quarter, a half-year or the first months of a year. Each such figure measures a **location
quotient** against the national share of the same period (quarterly national accounts, GSO):

    LQ_s(p) = s_province(p) / s_national(p),

placed at the middle of its period, ``t(p)`` (a year at mid-year, 2024H1 on 1 April 2024, the first nine
months on 16 May). For a year ``y`` without an annual figure of its own, the quotient is interpolated
linearly in time between the nearest measurement before and after ``y + 1/2`` and carried from the nearest
one beyond the ends, and the target share is

    s_province(y) = LQ_s(y) x s_national(y),

so that the province's share moves with the nation's between the periods that measure it (the nation's
oil share, for instance, moves with the oil price). A division's quotient is measured against the national
share of its section (GSO publishes no division accounts); the division is then taken to be its whole
section, as the accounts do for a published annual division share. A division is used only when its
section has no published share of its own and no other division of that section is published.

These targets are imputations: :mod:`grdp.accounts` uses them as the seed of the section and as
constraints of lower priority than every published annual margin (see :attr:`Target.rank`). The approach is
the temporal interpolation of benchmark ratios of the IMF Quarterly National Accounts Manual (2017, ch. 6)
applied to regional structure, as in the Eurostat Handbook on Regional Accounts Methods (2013, §3.4 on
regional indicators).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from grdp.base import classification
from grdp.sources import RATING_RANK


@dataclass(frozen=True)
class Anchor:
    """One published share that measures a location quotient.

    Attributes
    ----------
    code
        The published code (a section letter or a division such as ``"06"``).
    section
        The section it stands for.
    period, frequency
        The period it covers, in the sources' notation.
    t
        Middle of the period in fractional years.
    share
        The published share, percent of GRDP.
    lq
        ``share / national share of the section`` in the same period.
    rating, source
        Rating and source id of the release.
    """

    code: str
    section: str
    period: str
    frequency: str
    t: float
    share: float
    lq: float
    rating: str
    source: str

    @property
    def label(self) -> str:
        """How the anchor is named in method labels, e.g. ``06 2024H1 (ba_ria_vung_tau_grdp, red)``."""
        return f"{self.code} {self.period} ({self.source}, {self.rating})"


@dataclass(frozen=True)
class Target:
    """An imputed share of one section in one year, with where it comes from."""

    section: str
    share: float  # percent of GRDP
    lq: float
    method: str
    sources: tuple[str, ...]
    rank: tuple[int, int, float, str]
    """Order in which targets are imposed: the worst rating of the anchors used (green first), annual anchors
    before sub-annual ones, the nearest anchor in time, then the section letter."""


def midpoint(period: str, frequency: str) -> float:
    """Middle of a period in fractional years (``"2024H1"`` -> 2024.25, ``"2025-9M"`` -> 2025.375)."""
    year = int(period[:4])
    if frequency == "A":
        return year + 0.5
    if frequency == "Q":
        return year + (int(period[-1]) - 0.5) / 4
    if frequency == "H":
        return year + (int(period[-1]) - 0.5) / 2
    if frequency == "M":
        return year + (int(period[5:7]) - 0.5) / 12
    if frequency == "YTD":
        return year + int(period.split("-")[1].rstrip("M")) / 24
    raise ValueError(f"no midpoint for frequency {frequency!r}")


def period_structure(quarterly: pd.DataFrame, period: str, frequency: str) -> pd.Series | None:
    """National shares by industry over a sub-annual period, from single-quarter accounts (period x industry).

    Returns None when the period is not a whole number of quarters or a quarter is missing.
    """
    year = int(period[:4])
    if frequency == "Q":
        quarters = [int(period[-1])]
    elif frequency == "H":
        quarters = [1, 2] if period.endswith("H1") else [3, 4]
    elif frequency == "YTD" and int(period.split("-")[1].rstrip("M")) % 3 == 0:
        quarters = list(range(1, int(period.split("-")[1].rstrip("M")) // 3 + 1))
    else:
        return None
    wanted = [f"{year}Q{q}" for q in quarters]
    if not set(wanted) <= set(quarterly.index) or "TOTAL" not in quarterly.columns:
        return None
    sums = quarterly.loc[wanted].sum()
    return sums / sums["TOTAL"]


def anchors(published: pd.DataFrame, national_annual: dict[int, pd.Series],
            national_quarterly: pd.DataFrame) -> list[Anchor]:
    """Turn published shares into location-quotient anchors.

    Parameters
    ----------
    published
        One row per published share of a section or division: ``code``, ``period``, ``frequency``,
        ``share`` (percent), ``rating``, ``source``.
    national_annual
        National shares of sections by year (fractions; only years with complete national accounts).
    national_quarterly
        National single-quarter value added at current prices (period label x industry).

    Returns
    -------
    list of Anchor
        Only shares whose period has a national share of the same section; divisions only where the
        module docstring allows them.
    """
    rows = published[published["code"].isin(classification.SECTIONS)
                     | published["code"].map(lambda c: c not in classification.SECTIONS
                                             and c in classification.vsic().index)]
    divisions = rows[~rows["code"].isin(classification.SECTIONS)]
    sections_published = set(rows.loc[rows["code"].isin(classification.SECTIONS), "code"])
    usable_divisions = set()
    for section, group in divisions.groupby(divisions["code"].map(classification.section_of)):
        if section not in sections_published and group["code"].nunique() == 1:
            usable_divisions.add(group["code"].iloc[0])
    out = []
    for r in rows.itertuples():
        section = r.code if r.code in classification.SECTIONS else classification.section_of(r.code)
        if r.code not in classification.SECTIONS and r.code not in usable_divisions:
            continue
        if r.frequency == "A":
            national = national_annual.get(int(r.period))
        else:
            national = period_structure(national_quarterly, r.period, r.frequency)
        if national is None or float(national.get(section, 0.0)) <= 0:
            continue
        out.append(Anchor(r.code, section, r.period, r.frequency, midpoint(r.period, r.frequency), float(r.share),
                          float(r.share) / 100 / float(national[section]), r.rating, r.source))
    return out


def targets(all_anchors: list[Anchor], year: int, national_shares: pd.Series,
            exclude: set[str]) -> dict[str, Target]:
    """Imputed shares of ``year`` for every section with anchors, except those in ``exclude``.

    Parameters
    ----------
    all_anchors
        From :func:`anchors`.
    year
        The account year.
    national_shares
        National shares of sections used for ``year`` (fractions; the seed structure).
    exclude
        Sections fixed by a published annual margin of ``year`` (they need no imputation).

    Returns
    -------
    dict
        Section -> :class:`Target`.
    """
    by_section: dict[str, list[Anchor]] = {}
    for a in all_anchors:
        by_section.setdefault(a.section, []).append(a)
    middle = year + 0.5
    out = {}
    for section, group in by_section.items():
        if section in exclude or float(national_shares.get(section, 0.0)) <= 0:
            continue
        ordered = sorted(group, key=lambda a: (a.t, RATING_RANK[a.rating], a.frequency != "A"))
        distinct = [a for i, a in enumerate(ordered) if i == 0 or a.t != ordered[i - 1].t]
        before = [a for a in distinct if a.t <= middle]
        after = [a for a in distinct if a.t > middle]
        used: tuple[Anchor, ...]
        if before and after:
            a0, a1 = before[-1], after[0]
            lq = a0.lq + (a1.lq - a0.lq) * (middle - a0.t) / (a1.t - a0.t)
            used = (a0, a1)
            how = f"location quotient {lq:.2f} interpolated between {a0.label} and {a1.label}"
        else:
            a0 = before[-1] if before else after[0]
            lq, used = a0.lq, (a0,)
            how = f"location quotient {lq:.2f} carried from {a0.label}"
        share = 100 * lq * float(national_shares[section])
        rank = (max(RATING_RANK[a.rating] for a in used), int(any(a.frequency != "A" for a in used)),
                min(abs(a.t - middle) for a in used), section)
        out[section] = Target(section, share, lq, f"{how} x national share of {section} in {year}",
                              tuple(a.source for a in used), rank)
    return out

