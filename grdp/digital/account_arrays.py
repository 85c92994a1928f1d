"""Sector accounts as the arrays the estimators work on."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from grdp.accounts import SectorAccounts
from grdp.base import classification

INDUSTRY_SECTIONS = ("B", "C", "E", "F")
"""Sections whose non-core value added takes the ``industry`` digitalisation coefficient."""
OWN_COEFFICIENT = ("A", "D", "G")
"""Sections with a digitalisation coefficient of their own (GSO publishes their weight)."""
BROAD_OF = {"A": "A", **{s: "BTF" for s in "BCDEF"}}
"""Broad sector of each section (the rest are services, ``GTT``)."""
BROAD_GROUPS = ("A", "BTF", "GTT")
"""Broad sectors of the sections (product taxes are not a section)."""
ERROR_CLASSES = ("published", "derived", "lq", "national")
"""Error class of a cell: published or derived from a published share, imputed with a location
quotient (``lq``) or without one (``national``); see :mod:`grdp.digital.measured_errors`."""


def cell_class(quality: str, method: str) -> str:
    """Error class of one account cell from its quality flag and method (see :data:`ERROR_CLASSES`)."""
    if quality != "imputed":
        return quality
    return "lq" if "location quotient" in method else "national"


@dataclass(frozen=True)
class AccountInputs:
    """Value added by section and GRDP of one region, as arrays.

    Attributes
    ----------
    va
        Value added, bn VND, shape ``(years, sections)``.
    quality
        ``published``, ``derived`` or ``imputed`` for each cell, same shape.
    grdp
        GRDP (GDP for ``vn``), bn VND, by year.
    grdp_source
        Where each year's GRDP comes from: source id and quality of the accounts cell.
    error_class
        Error class of each cell (:data:`ERROR_CLASSES`), shape ``(years, sections)``.
    margin_imputed
        Whether the broad-sector margin (:data:`BROAD_GROUPS`) of a year is imputed (interpolated or
        carried, not published), shape ``(years, 3)``.
    """

    region: str
    boundary: str
    as_of: str | None
    years: tuple[int, ...]
    sections: tuple[str, ...]
    va: np.ndarray
    quality: np.ndarray
    grdp: np.ndarray
    grdp_source: tuple[str, ...]
    error_class: np.ndarray
    margin_imputed: np.ndarray

    def index(self, year: int) -> int:
        """Return the row of ``year``; raise ``KeyError`` naming the years available."""
        if year not in self.years:
            raise KeyError(f"no sector account for {self.region}/{self.boundary} in {year}; "
                           f"years available: {', '.join(map(str, self.years))}")
        return self.years.index(year)

    def only(self, year: int) -> "AccountInputs":
        """Return the inputs of one year."""
        return self.subset([year])

    def subset(self, years: list[int]) -> "AccountInputs":
        """Return the inputs of some years (in the order given)."""
        rows = [self.index(y) for y in years]
        return replace(self, years=tuple(years), va=self.va[rows], quality=self.quality[rows], grdp=self.grdp[rows],
                       grdp_source=tuple(self.grdp_source[i] for i in rows), error_class=self.error_class[rows],
                       margin_imputed=self.margin_imputed[rows])

    def section_mask(self, codes: tuple[str, ...] | list[str]) -> np.ndarray:
        """Return a boolean vector over sections, true for ``codes``."""
        return np.array([s in codes for s in self.sections])

    def digitalisation_group(self) -> list[str]:
        """Return the digitalisation-coefficient group of each section."""
        return [s if s in OWN_COEFFICIENT else "industry" if s in INDUSTRY_SECTIONS else "services"
                for s in self.sections]

    def broad_group(self) -> list[str]:
        """Return the broad sector (A, BTF, GTT) of each section."""
        return [BROAD_OF.get(s, "GTT") for s in self.sections]


def from_accounts(accounts: SectorAccounts) -> AccountInputs:
    """Convert sector accounts to :class:`AccountInputs` (sections A-U present in the accounts)."""
    table = accounts.table
    sections = tuple(s for s in classification.SECTIONS if s in set(table["industry"]))
    value = table.pivot(index="year", columns="industry", values="value")
    quality = table.pivot(index="year", columns="industry", values="quality")
    complete = value[list(sections) + ["TOTAL"]].notna().all(axis=1)
    years = tuple(int(y) for y in value.index[complete])
    totals = table[table["industry"] == "TOTAL"].set_index("year")
    source = tuple(f"{totals.loc[y, 'sources']} ({totals.loc[y, 'quality']})" for y in years)
    method = table.pivot(index="year", columns="industry", values="method")
    cells = quality.loc[list(years), list(sections)]
    classes = np.array([[cell_class(q, m) for q, m in zip(cells.loc[y], method.loc[y, list(sections)])] for y in years],
                       dtype=object).reshape(len(years), len(sections)).astype(str)
    margins = np.array([[code in quality.columns and quality.at[y, code] == "imputed" for code in BROAD_GROUPS]
                        for y in years], dtype=bool).reshape(len(years), len(BROAD_GROUPS))
    return AccountInputs(
        region=accounts.region, boundary=accounts.boundary, as_of=accounts.as_of, years=years, sections=sections,
        va=value.loc[list(years), list(sections)].to_numpy(float),
        quality=cells.to_numpy(str), grdp=value.loc[list(years), "TOTAL"].to_numpy(float), grdp_source=source,
        error_class=classes, margin_imputed=margins)

