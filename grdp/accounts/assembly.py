"""Annual sector accounts at current prices: value added by VSIC section, product taxes less subsidies, and GRDP,
with a quality flag and a method on every cell.

**National accounts** (``region="vn"``) are GSO's NSDP file, taken as published, in every year with all sections.
A later year whose accounts are only partly published (its real GDP growth is out, perhaps its level, growth by
broad sector and a few sections, a structure for the first months) is built by
:mod:`grdp.accounts.growth_years`: the previous year's sections moved by the published volume growth (applied down
the hierarchy TOTAL > broad sectors > BTE > sections, unpublished children sharing the residual) and by the
deflator growth of the same section over the quarters of the year in the quarterly national accounts, then
raked to the year's published margins: the GDP level if published, broad-sector shares if published, else
the latest published sub-annual broad structure bridged to the year with the previous year's ratio of annual
to same-period shares, ``s_A(Y) = s_p(Y) s_A(Y-1) / s_p(Y-1)`` (imputed). Published cells are
``published``/``derived``; every other cell is ``imputed`` and says so.

**Provincial accounts** are not published by section, so they are built by a stated method
(``national-structure-raked``), following the IMF Quarterly National Accounts Manual's advice to keep published
figures fixed and fill gaps with indicator-based structures:

1. **GRDP** is the published value (the as-of rule picks the release; it is never changed).
2. **Broad-sector margins** (A agriculture, BTF industry and construction, GTT services, TAX product taxes less
   subsidies) are the published annual shares. If exactly one is missing in a year, it is the residual
   ``100 - sum(others)`` (derived). If more are missing, each is interpolated linearly between the nearest years
   with a share (or carried from the nearest one at the ends of the series) and the interpolated ones are scaled
   so the four add up to 100 (imputed).
3. **Published section and division shares in other periods** (a section's share in one year or quarter, crude
   oil's share, division 06, in 2023 and 2024H1) are carried to every year as location quotients interpolated
   in time (:mod:`grdp.accounts.carried_shares`): ``s(y) = LQ(y) x s_national(y)``. They are the seed of their
   section and imputed targets of the raking, imposed in order of :attr:`grdp.accounts.carried_shares.Target.rank`
   as long as they fit the published margins: a target fits when, inside the smallest margin containing it, the
   margins and targets already imposed leave room for it while the unconstrained cells keep at least
   :data:`FREE_FLOOR` of their seed. A target that does not fit is used as seed only and the margins table says so.
4. **Seed** of the other sections: the national section structure of the same year (GSO NSDP).
5. **Raking** (:mod:`grdp.accounts.raking`, iterative proportional fitting) scales the seed so that every
   published annual margin holds at once: GRDP, the broad sectors, any published annual share of an aggregate
   (BTE, KEY9), a section or a division (applied to its section when the section itself is not published; the rest
   of the section is then assumed negligible), and the targets of step 3 that fit.
6. **Years after the last published GRDP** with a published annual real growth (total, or excluding oil and gas)
   are the previous year's account moved by that growth and by the national deflator of the year by section
   (:meth:`_Context.cell_deflators`); in a region with published oil shares, growth excluding oil and gas applies to
   every cell but B; B moves with the published growth of crude oil and gas extraction (division 06; for Ba
   Ria-Vung Tau the merged city's figure, whose oil is all Ba Ria-Vung Tau's) where there is one, else it takes
   the residual that makes the total growth (annual, else the latest cumulative growth of the year) hold.
   Every cell of such a year is ``imputed``.

Every cell fixed by a published figure is ``published`` or ``derived`` (share x GRDP); every other cell is
``imputed`` and names the method.

**The merged city** (``boundary="merged"``) is the sum of its three former localities' accounts, each built
separately (:func:`assemble_parts`), in every year all three have, 2025 included. Published merged figures
(GRDP levels, shares, real growth) are not imposed: the margins table compares each release known at the as-of
date with the sum (``role = "comparison"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.accounts import carried_shares
from grdp.accounts import growth_years as growth
from grdp.accounts.raking import Constraint, RakingError, rake
from grdp.base import classification, schemas

BROAD = ("A", "BTF", "GTT", "TAX")
"""Broad sectors that partition GRDP."""
REPORTED_AGGREGATES = ("BTF", "BTE", "GTT", "KEY9")
"""Aggregates written into the accounts beside the sections."""
MARGIN_TOLERANCE_PP = 0.05
"""Published shares must be reproduced within this many percentage points."""
NATIONAL_TOLERANCE = 2.0
"""GSO publishes components rounded to 0.1 bn VND; their sum may differ from the total by this (bn VND)."""
REL_TOLERANCE = 1e-9
"""Relative tolerance of identities in constructed (raked) accounts."""
FREE_FLOOR = 0.1
"""An imputed share target is imposed only if the unconstrained cells around it keep this part of their seed."""
MERGED_PARTS = (("hcmc", "old"), ("binh_duong", "old"), ("ba_ria_vung_tau", "old"))
OIL_DIVISION = "06"
"""Crude petroleum and natural gas extraction: the cells excluded by growth 'excluding oil and gas'."""
CELLS = classification.SECTIONS + ("TAX",)
NATIONAL_SECTIONS = CELLS[:-2] + ("TAX",)  # GSO does not compile section U

M_PUBLISHED = "published"
M_SHARE = "published share x published GRDP"
M_RESIDUAL = "residual: 100 minus the other published broad-sector shares, x GRDP"
M_RAKED = "national-structure-raked"
M_MOVED = "moved by growth"
M_SUM = "sum of members"
M_MERGED = "sum of HCMC, Binh Duong and Ba Ria-Vung Tau accounts"
ROLE_IMPOSED = "imposed"
ROLE_TARGET = "imputed target"
ROLE_NOT_HELD = "imputed target, seed only"
ROLE_COMPARISON = "comparison"
MARGIN_COLUMNS = ["year", "industry", "variable", "role", "published_share", "account_share", "difference_pp",
                  "published_value", "account_value", "difference_pct", "quality", "rating", "release", "selected",
                  "sources", "note"]
GROWTH_COLUMNS = ["year", "industry", "volume_growth", "deflator_growth", "method"]


class AccountsError(ValueError):
    """Raised when accounts cannot be built or an identity fails; lists every failure."""


@dataclass
class SectorAccounts:
    """Sector accounts of one region and boundary, with the check of published margins.

    Attributes
    ----------
    table
        One row per year and industry (schema :data:`grdp.base.schemas.ACCOUNTS`).
    margins
        Published figures against the accounts (columns :data:`MARGIN_COLUMNS`): ``role`` is ``imposed`` (a
        published margin the raking holds, checked to :data:`MARGIN_TOLERANCE_PP`), ``imputed target`` (an
        interpolated share held by the raking), ``imputed target, seed only`` (one that did not fit the published
        margins) or ``comparison`` (a published figure shown beside the account, not imposed: the merged city's
        releases). ``published_share``/``account_share``/``difference_pp`` are percent of GRDP (percentage points;
        for growth rows, percent and pp of growth); ``published_value``/``account_value``/``difference_pct`` bn VND
        and percent. ``selected`` says whether the as-of rule picks that release.
    growth
        For years moved by growth (:data:`GROWTH_COLUMNS`): each cell's volume and deflator growth (fractions)
        and how they were obtained.
    """

    region: str
    boundary: str
    as_of: str | None
    table: pd.DataFrame
    margins: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MARGIN_COLUMNS))
    growth: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=GROWTH_COLUMNS))

    @property
    def years(self) -> tuple[int, ...]:
        """The years of the account, in order."""
        return tuple(sorted(int(y) for y in self.table["year"].unique()))

    def year(self, year: int) -> pd.DataFrame:
        """Return the account of one year (empty if there is none; see :meth:`require`)."""
        return self.table[self.table["year"] == year]

    def require(self, year: int) -> pd.DataFrame:
        """Return the account of one year; raise ``KeyError`` naming the years available if there is none."""
        if year not in self.years:
            last = f"; the accounts end at {self.years[-1]}, the last year with data" if self.years else ""
            raise KeyError(f"no sector account for {self.region}/{self.boundary} in {year} as of {self.as_of}"
                           f"{last}; years available: {', '.join(map(str, self.years))}")
        return self.year(year)

    def basis(self) -> pd.DataFrame:
        """How each year's GRDP is known: ``year``, ``quality`` and ``method`` of its ``TOTAL`` cell and the number
        of imputed cells (sections and ``TAX``)."""
        totals = self.table[self.table["industry"] == "TOTAL"].set_index("year")[["quality", "method"]]
        cells = self.table[self.table["industry"].isin(CELLS)]
        imputed = cells[cells["quality"] == "imputed"].groupby("year").size()
        return totals.assign(imputed_cells=imputed.reindex(totals.index, fill_value=0)).reset_index()

    def wide(self, column: str = "share") -> pd.DataFrame:
        """Return ``column`` (``share`` in percent, ``value`` in bn VND, or ``quality``) as years x industries."""
        order = list(classification.SECTIONS) + ["TAX"] + list(REPORTED_AGGREGATES) + ["TOTAL"]
        data = self.table.assign(share=100 * self.table["share"])
        table = data.pivot(index="year", columns="industry", values=column)
        return table[[c for c in order if c in table.columns]]

    def counts(self) -> pd.DataFrame:
        """Return the number of cells by year and quality (sections and TAX only)."""
        cells = self.table[self.table["industry"].isin(CELLS)]
        return cells.pivot_table(index="year", columns="quality", values="value", aggfunc="count", fill_value=0)


@dataclass(frozen=True)
class _Margin:
    share: float  # percent of GRDP
    quality: str
    method: str
    sources: tuple[str, ...]
    rating: str = "amber"


def assemble(region: str, boundary: str, releases: src.Releases) -> SectorAccounts:
    """Assemble annual sector accounts at current prices.

    Parameters
    ----------
    region
        ``"hcmc"``, ``"binh_duong"``, ``"ba_ria_vung_tau"`` or ``"vn"``.
    boundary
        ``"old"`` (pre-July-2025 province), ``"merged"`` (HCMC + Binh Duong + Ba Ria-Vung Tau, the sum of
        :func:`assemble_parts`; region must be ``"hcmc"``) or ``"national"`` (for ``"vn"``).
    releases
        The as-of view (:class:`grdp.sources.Releases`): the accounts use the figures it selects.

    Returns
    -------
    SectorAccounts
        Accounts for every year with a published GRDP (and the years moved by published growth after it),
        identities checked. Years after the last year with data are simply absent (:meth:`SectorAccounts.require`).

    Raises
    ------
    AccountsError
        If the sources do not allow the accounts, or an identity fails.
    """
    if (region == "vn") != (boundary == "national"):
        raise AccountsError(f"boundary {boundary!r} does not fit region {region!r}")
    if boundary == "merged" and region != "hcmc":
        raise AccountsError("only HCMC has a merged boundary")
    context = _Context.build(releases)
    if region == "vn":
        accounts = context.national_accounts()
    elif boundary == "merged":
        accounts = _merged(context, {r: context.regional(r, b) for r, b in MERGED_PARTS})
    else:
        accounts = context.regional(region, boundary)
    if accounts.table.empty:
        raise AccountsError(f"no published GRDP for {region}/{boundary} as of {releases.as_of}")
    return accounts


def assemble_parts(releases: src.Releases) -> dict[str, SectorAccounts]:
    """The accounts of the merged city's three former localities, each built separately.

    ``assemble("hcmc", "merged", ...)`` is their sum, cell by cell, in the years all three have.

    Parameters
    ----------
    releases
        As for :func:`assemble`.

    Returns
    -------
    dict
        ``{"hcmc": ..., "binh_duong": ..., "ba_ria_vung_tau": ...}``, each on the ``old`` boundary.

    Raises
    ------
    AccountsError
        If a part cannot be built.
    """
    context = _Context.build(releases)
    parts = {region: context.regional(region, boundary) for region, boundary in MERGED_PARTS}
    empty = [r for r, p in parts.items() if p.table.empty]
    if empty:
        raise AccountsError(f"no published GRDP for {', '.join(empty)} as of {releases.as_of}")
    return parts


def _annual(selected: pd.DataFrame, region: str, boundary: str, variable: str,
            basis: str = "current") -> pd.DataFrame:
    mask = ((selected["region"] == region) & (selected["boundary"] == boundary)
            & (selected["variable"] == variable) & (selected["frequency"] == "A")
            & (selected["price_basis"] == basis))
    return selected[mask]


def _unique(rows: pd.DataFrame, what: str) -> pd.Series:
    """Return the only row, refusing to choose between tied conflicting releases."""
    if len(rows) > 1:
        described = "; ".join(f"{r.value:g} ({r.source_id}, {r.publication_date})" for r in rows.itertuples())
        raise AccountsError(f"conflicting releases of {what} with the same date and rating: {described}")
    return rows.iloc[0]


def _totals(selected: pd.DataFrame, region: str, boundary: str) -> dict[int, pd.Series]:
    levels = _annual(selected, region, boundary, "grdp")
    levels = levels[levels["industry"] == "TOTAL"]
    return {int(p): _unique(rows, f"{region} GRDP {p}") for p, rows in levels.groupby("period")}


def _total_method(row: pd.Series) -> str:
    """Method label of a published GRDP, warning when the only release is red-rated (approximate)."""
    if row.rating == "red":
        return f"{M_PUBLISHED} (red-rated release: approximate or unclear basis; see the source note)"
    return M_PUBLISHED


def _growth_rates(selected: pd.DataFrame, region: str, boundary: str, year: int,
                  variable: str = "grdp_real_growth") -> dict[str, tuple[float, str]]:
    """Published annual real growth of ``year`` by industry: code -> (fraction, source id)."""
    rows = _annual(selected, region, boundary, variable, "constant_2010")
    rows = rows[rows["period"] == str(year)]
    out = {}
    for code, group in rows.groupby("industry"):
        r = _unique(group, f"{region} real growth of {code} in {year}")
        out[str(code)] = (float(r.value) / 100, str(r.source_id))
    return out


def _cumulative_growth(selected: pd.DataFrame, region: str, boundary: str, year: int) -> tuple[float, str] | None:
    """The published real growth of the longest period of ``year`` from January (9M before H1), if any."""
    rows = selected[(selected["region"] == region) & (selected["boundary"] == boundary)
                    & (selected["variable"] == "grdp_real_growth") & (selected["industry"] == "TOTAL")
                    & selected["frequency"].isin(["H", "YTD"]) & selected["period"].str.startswith(str(year))]
    rows = rows[(rows["frequency"] == "YTD") | (rows["period"] == f"{year}H1")]
    if rows.empty:
        return None
    months = rows["period"].map(lambda p: 6 if p.endswith("H1") else int(p.split("-")[1].rstrip("M")))
    r = rows.loc[months.idxmax()]
    return float(r.value) / 100, f"{r.period} growth ({r.source_id}) used for the year"


def _record(region, boundary, year, industry, value, total, quality, method, sources) -> dict:
    return {"region": region, "boundary": boundary, "year": year, "industry": industry,
            "value": float(value), "share": float(value) / float(total), "quality": quality,
            "method": method, "sources": ";".join(sorted(set(sources)))}


def _aggregate_rows(table: pd.DataFrame, published: dict | None = None) -> pd.DataFrame:
    """Rows for the reported aggregates: the sum of their members, flagged by the worst member."""
    records = []
    order = {"published": 0, "derived": 1, "imputed": 2}
    for (region, boundary, year), rows in table.groupby(["region", "boundary", "year"]):
        by_code = rows.set_index("industry")
        total = by_code.at["TOTAL", "value"]
        for code in REPORTED_AGGREGATES:
            members = [m for m in classification.aggregate_members(code) if m in by_code.index]
            if not members:
                continue
            value = by_code.loc[members, "value"].sum()
            margin = (published or {}).get((year, code))
            if margin is not None:
                quality, method, sources = margin.quality, margin.method, margin.sources
            else:
                quality = max(by_code.loc[members, "quality"], key=order.__getitem__)
                method = f"{M_SUM} ({' '.join(members)})"
                sources = tuple(s for cell in by_code.loc[members, "sources"] for s in cell.split(";"))
            records.append(_record(region, boundary, year, code, value, total, quality, method, sources))
    return pd.DataFrame(records)


def _with_aggregates(records: list[dict], fixed: dict | None = None) -> pd.DataFrame:
    table = pd.DataFrame(records)
    if table.empty:
        return table
    return pd.concat([table, _aggregate_rows(table, fixed)], ignore_index=True)


def _margin_row(year: int, industry: str, role: str, published: float, achieved: float, quality: str,
                sources: tuple[str, ...], note: str = "", rating: str = "") -> dict:
    return {"year": year, "industry": industry, "variable": "grdp_share", "role": role, "published_share": published,
            "account_share": achieved, "difference_pp": achieved - published, "published_value": np.nan,
            "account_value": np.nan, "difference_pct": np.nan, "quality": quality, "rating": rating,
            "release": "", "selected": True, "sources": ";".join(sorted(set(sources))), "note": note}


def _margins_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=MARGIN_COLUMNS)


def _growth_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=GROWTH_COLUMNS)


# --- the context of one assembly: the releases known at the as-of date and the national accounts -------------


@dataclass
class _Context:
    """What one assembly works from: the releases selected at ``as_of`` and the national accounts built on them."""

    as_of: str | None
    known: pd.DataFrame  # every release published by the as-of date (for comparisons)
    selected: pd.DataFrame  # the releases the as-of rule picks
    quarterly: dict[str, pd.DataFrame]  # national single-quarter value added by price basis (period x industry)
    national: SectorAccounts | None = None
    volumes: dict[int, pd.Series] = field(default_factory=dict)  # national value added at constant 2010 prices
    complete: dict[str, dict[int, pd.Series]] = field(default_factory=dict)  # _complete_years, by price basis

    @classmethod
    def build(cls, releases: src.Releases) -> _Context:
        known, selected = releases.known, releases.selected
        quarterly = {}
        for basis in ("current", "constant_2010"):
            rows = selected[(selected["region"] == "vn") & (selected["frequency"] == "Q")
                            & (selected["variable"] == "grdp") & (selected["price_basis"] == basis)]
            quarterly[basis] = rows.pivot_table(index="period", columns="industry", values="value", aggfunc="first")
        context = cls(releases.as_of, known, selected, quarterly)
        context.national = context._build_national()
        return context

    # national ------------------------------------------------------------------------------------------------

    def national_accounts(self) -> SectorAccounts:
        assert self.national is not None
        return self.national

    def _complete_years(self, basis: str) -> dict[int, pd.Series]:
        """National value added by section of the years published in full (sections, TAX, TOTAL), by year.

        Computed once per context and price basis (``selected`` does not change); callers only read it.
        """
        if basis not in self.complete:
            levels = _annual(self.selected, "vn", "national", "grdp", basis)
            needed = set(NATIONAL_SECTIONS) | {"TOTAL"}
            out = {}
            for period, rows in levels.groupby("period"):
                if needed <= set(rows["industry"]):
                    for code, group in rows[rows.duplicated("industry", keep=False)].groupby("industry"):
                        _unique(group, f"vn value added of {code} in {period}")  # raises on tied releases
                    out[int(period)] = rows.set_index("industry")["value"].astype(float).sort_index()
            self.complete[basis] = out
        return self.complete[basis]

    def _build_national(self) -> SectorAccounts:
        current = self._complete_years("current")
        constant = self._complete_years("constant_2010")
        levels = _annual(self.selected, "vn", "national", "grdp")
        records, margins, growth_rows = [], [], []
        for year in sorted(current):  # the years _complete_years found, ties already refused there
            by_code = levels[levels["period"] == str(year)].set_index("industry")
            for code in CELLS + ("TOTAL",):
                if code in by_code.index:
                    r = by_code.loc[code]
                    records.append(_record("vn", "national", year, code, r.value, by_code.at["TOTAL", "value"],
                                           "published", M_PUBLISHED, (r.source_id,)))
            if year in constant:
                self.volumes[year] = constant[year]
        if current:
            year = max(current)
            base = {c: float(current[year][c]) for c in CELLS if c in current[year].index}
            while year + 1 in self._national_growth_years() and year in self.volumes:
                year += 1
                moved, rows, notes = self._national_moved(year, base)
                records += moved
                margins += rows
                growth_rows += notes
                base = {r["industry"]: r["value"] for r in moved if r["industry"] in CELLS}
        table = _with_aggregates(records)
        if not table.empty:
            table = schemas.ACCOUNTS.validate(table.sort_values(["year", "industry"]).reset_index(drop=True))
        accounts = SectorAccounts("vn", "national", self.as_of, table, _margins_frame(margins),
                                  _growth_frame(growth_rows))
        if not table.empty:
            check_identities(accounts)
        return accounts

    def _national_growth_years(self) -> set[int]:
        rows = _annual(self.selected, "vn", "national", "grdp_real_growth", "constant_2010")
        return {int(p) for p in rows.loc[rows["industry"] == "TOTAL", "period"]}

    def _national_moved(self, year: int, base: dict[str, float]) -> tuple[list[dict], list[dict], list[dict]]:
        """The national account of a partly published year (see the module docstring)."""
        published = _growth_rates(self.selected, "vn", "national", year)
        rates = growth.volume_growth(self.volumes[year - 1], {c: g for c, (g, _) in published.items()})
        deflators, how_deflator = self.cell_deflators(year)
        seed = {c: base[c] * (1 + rates[c][0]) * (1 + deflators[c]) for c in base if c in rates}
        self.volumes[year] = pd.Series({c: float(self.volumes[year - 1][c]) * (1 + rates[c][0]) for c in seed})
        sources = tuple(sorted({s for _, s in published.values()}))
        total_rows = _annual(self.selected, "vn", "national", "grdp")
        total_rows = total_rows[(total_rows["period"] == str(year)) & (total_rows["industry"] == "TOTAL")]
        if len(total_rows):
            level = _unique(total_rows, f"vn GDP {year}")
            total, total_quality, total_method = float(level.value), "published", _total_method(level)
            total_sources: tuple[str, ...] = (str(level.source_id),)
        else:
            total, total_quality = sum(seed.values()), "imputed"
            total_method = f"{M_MOVED}: sum of the sections moved from {year - 1} (GDP level not yet published)"
            total_sources = sources
        shares = self._national_shares(year, total_quality)
        constraints = [Constraint("TOTAL", tuple(seed), total)]
        constraints += [Constraint(code, tuple(c for c in classification.aggregate_members(code) if c in seed),
                                   m.share / 100 * total) for code, m in shares.items()]
        try:
            raked = rake(seed, constraints)
        except RakingError as exc:
            raise AccountsError(f"vn {year}: {exc}") from exc
        fixed = {code: m for code, m in shares.items() if len(classification.aggregate_members(code)) == 1}
        margin_names = ", ".join(f"{c} {m.share:.2f}%" for c, m in shares.items()) or "none"
        records, margins, notes = [], [], []
        for cell, value in raked.items():
            if cell in fixed:
                m = fixed[cell]
                quality, method, cell_sources = m.quality, m.method, m.sources
            else:
                g, how = rates[cell]
                quality = "imputed"
                method = (f"{M_MOVED}: {year - 1} value x volume growth {100 * g:.2f}% ({how}) x deflator growth "
                          f"{100 * deflators[cell]:.2f}% ({how_deflator}), raked to GDP and the broad-sector "
                          f"shares ({margin_names})")
                cell_sources = sources
            records.append(_record("vn", "national", year, cell, value, total, quality, method, cell_sources))
            notes.append({"year": year, "industry": cell, "volume_growth": rates[cell][0],
                          "deflator_growth": deflators[cell], "method": f"{rates[cell][1]}; {how_deflator}"})
        records.append(_record("vn", "national", year, "TOTAL", total, total, total_quality, total_method,
                               total_sources))
        for code, m in shares.items():
            achieved = 100 * sum(raked[c] for c in classification.aggregate_members(code) if c in raked) / total
            role = ROLE_TARGET if m.quality == "imputed" else ROLE_IMPOSED
            margins.append(_margin_row(year, code, role, m.share, achieved, m.quality, m.sources, m.method, m.rating))
        return records, margins, notes

    def cell_deflators(self, year: int) -> tuple[dict[str, float], str]:
        """National deflator growth of every cell in ``year`` (its section's, else its broad sector's, else GDP's)."""
        groups: dict[str, tuple[str, ...]] = {c: (c,) for c in CELLS}
        groups.update({b: tuple(c for c, broad in growth.BROAD_OF.items() if broad == b) for b in BROAD})
        groups["TOTAL"] = CELLS
        found, how = self.deflators_by(year, groups)
        out = {}
        for cell in CELLS:
            out[cell] = found.get(cell, found.get(growth.BROAD_OF[cell], found.get("TOTAL", 0.0)))
        return out, how

    def deflators_by(self, year: int, groups: dict[str, tuple[str, ...]]) -> tuple[dict[str, float], str]:
        """National deflator growth of ``year`` for groups of cells, with the source of the figure.

        In order: the national account of ``year`` (current over constant prices, against ``year - 1``); else the
        quarters of ``year`` in the quarterly national accounts against the same quarters of ``year - 1``; else the
        deflator growth of ``year - 1`` (annual accounts), carried.
        """
        if self.national is not None and year in self.volumes and year - 1 in self.volumes:
            current = self.national.table
            out = {}
            for name, members in groups.items():
                now = current[(current["year"] == year) & current["industry"].isin(members)]["value"].sum()
                then = current[(current["year"] == year - 1) & current["industry"].isin(members)]["value"].sum()
                volume_now = float(self.volumes[year].reindex(members).fillna(0).sum())
                volume_then = float(self.volumes[year - 1].reindex(members).fillna(0).sum())
                if volume_now > 0 and volume_then > 0 and then > 0:
                    out[name] = (now / volume_now) / (then / volume_then) - 1
            if out:
                return out, f"national deflator of {year} by section, from the {year} national account"
        quarterly, quarters = growth.quarterly_deflator_growth(self.quarterly["current"],
                                                               self.quarterly["constant_2010"], year, groups)
        if quarterly:
            return quarterly, (f"national deflator growth over {', '.join(quarters)} against the same quarters of "
                               f"{year - 1} (quarterly national accounts)")
        current_years = self._complete_years("current")
        if year - 1 in current_years and year - 2 in current_years and {year - 1, year - 2} <= set(self.volumes):
            out = {}
            for name, members in groups.items():
                cols = [m for m in members if m in current_years[year - 1].index]
                value_1, value_0 = current_years[year - 1][cols].sum(), current_years[year - 2][cols].sum()
                volume_1 = float(self.volumes[year - 1].reindex(cols).fillna(0).sum())
                volume_0 = float(self.volumes[year - 2].reindex(cols).fillna(0).sum())
                if volume_1 > 0 and volume_0 > 0 and value_0 > 0:
                    out[name] = (value_1 / volume_1) / (value_0 / volume_0) - 1
            if out:
                return out, f"national deflator growth of {year - 1}, carried to {year}"
        return {}, "no national deflator: prices held"

    def _national_shares(self, year: int, total_quality: str) -> dict[str, _Margin]:
        """Published margins of a partly published national year, or the sub-annual structure bridged to it."""
        out: dict[str, _Margin] = {}
        shares = _annual(self.selected, "vn", "national", "grdp_share")
        shares = shares[shares["period"] == str(year)]
        quality = "derived" if total_quality == "published" else "imputed"
        method = M_SHARE if quality == "derived" else "published share x imputed GDP"
        for code, rows in shares.groupby("industry"):
            r = _unique(rows, f"vn share of {code} in {year}")
            out[str(code)] = _Margin(float(r.value), quality, method, (str(r.source_id),), str(r.rating))
        if set(BROAD) <= set(out):
            return out
        bridged = self._bridged_broad_shares(year)
        for code, margin in bridged.items():
            out.setdefault(code, margin)
        return out

    def _bridged_broad_shares(self, year: int) -> dict[str, _Margin]:
        rows = self.selected[(self.selected["region"] == "vn") & (self.selected["variable"] == "grdp_share")
                             & self.selected["frequency"].isin(["Q", "H", "YTD"])
                             & self.selected["period"].str.startswith(str(year))
                             & self.selected["industry"].isin(BROAD)]
        if rows.empty:
            return {}
        months = rows["period"].map(lambda p: 3 if "Q" in p else 6 if "H" in p else int(p.split("-")[1].rstrip("M")))
        latest = rows[months == months.max()]
        period, frequency = str(latest["period"].iloc[0]), str(latest["frequency"].iloc[0])
        latest = latest[latest["period"] == period]
        if len(set(latest["industry"])) < len(BROAD) - 1 or year - 1 not in self._complete_years("current"):
            return {}
        published = latest.groupby("industry")["value"].first().to_dict()
        if len(published) == len(BROAD) - 1:
            missing = next(c for c in BROAD if c not in published)
            published[missing] = 100.0 - sum(published.values())
        previous_period = f"{year - 1}{period[4:]}"
        same_period = carried_shares.period_structure(self.quarterly["current"], previous_period, frequency)
        annual = self._complete_years("current")[year - 1]
        if same_period is None:
            return {}
        bridged = {}
        for code in BROAD:
            members = [c for c, b in growth.BROAD_OF.items() if b == code]
            annual_share = annual.reindex(members).fillna(0).sum() / annual["TOTAL"]
            period_share = same_period.reindex(members).fillna(0).sum()
            bridged[code] = published[code] * annual_share / period_share
        scale = 100.0 / sum(bridged.values())
        sources = tuple(sorted(set(latest["source_id"])))
        rating = max(latest["rating"], key=src.RATING_RANK.__getitem__)
        return {code: _Margin(value * scale, "imputed",
                              f"published {period} share {published[code]:.2f}% bridged to the year with the "
                              f"{year - 1} ratio of annual to {previous_period} shares, scaled to add to 100",
                              sources, rating)
                for code, value in bridged.items()}

    def national_structure(self, year: int) -> tuple[pd.Series, int]:
        """National shares of sections and TAX in ``year`` (or the nearest year with complete published accounts)."""
        complete = self._complete_years("current")
        if not complete:
            raise AccountsError("no complete national accounts (sections A-T, TAX, TOTAL) were published by the "
                                "as-of date; they are needed as the seed structure of provincial accounts")
        used = min(complete, key=lambda y: (abs(y - year), -y))
        rows = complete[used]
        cells = [c for c in CELLS if c in rows.index]
        return rows[cells] / rows["TOTAL"], used

    # regional ------------------------------------------------------------------------------------------------

    def regional(self, region: str, boundary: str) -> SectorAccounts:
        """The account of one province (steps 1-6 of the module docstring)."""
        builder = _Regional(self, region, boundary)
        accounts = builder.build()
        check_identities(accounts)
        return accounts


class _Regional:
    """Builds one province's account year by year."""

    def __init__(self, context: _Context, region: str, boundary: str):
        self.context, self.region, self.boundary = context, region, boundary
        selected = context.selected
        self.totals = _totals(selected, region, boundary)
        self.shares = self._published_shares()
        self.anchors = carried_shares.anchors(self._anchor_rows(), self._national_annual_shares(),
                                             context.quarterly["current"])
        self.oil_sections = {a.section for a in self.anchors if a.code == OIL_DIVISION}
        self.oil_sections |= {classification.section_of(OIL_DIVISION) for by_code in self.shares.values()
                              if OIL_DIVISION in by_code}

    def build(self) -> SectorAccounts:
        records, margin_rows, fixed = [], [], {}
        for year, total_row in sorted(self.totals.items()):
            year_records, year_margins, year_fixed = self._year(year, total_row)
            records += year_records
            margin_rows += year_margins
            fixed.update(year_fixed)
        growth_rows: list[dict] = []
        if records:
            last = max(self.totals)
            base = {r["industry"]: r["value"] for r in records if r["year"] == last and r["industry"] in CELLS}
            while True:
                moved = self._moved(last + 1, base)
                if moved is None:
                    break
                last += 1
                year_records, notes = moved
                records += year_records
                growth_rows += notes
                base = {r["industry"]: r["value"] for r in year_records if r["industry"] in CELLS}
        table = _with_aggregates(records, {k: v for k, v in fixed.items() if k[1] in REPORTED_AGGREGATES})
        if not table.empty:
            table = schemas.ACCOUNTS.validate(table.sort_values(["year", "industry"]).reset_index(drop=True))
        return SectorAccounts(self.region, self.boundary, self.context.as_of, table, _margins_frame(margin_rows),
                              _growth_frame(growth_rows))

    # inputs

    def _published_shares(self) -> dict[int, dict[str, _Margin]]:
        """Annual published shares by year and industry (levels of components count as shares too)."""
        selected = self.context.selected
        out: dict[int, dict[str, _Margin]] = {}
        shares = _annual(selected, self.region, self.boundary, "grdp_share")
        for (period, code), rows in shares.groupby(["period", "industry"]):
            r = _unique(rows, f"{self.region} share of {code} in {period}")
            out.setdefault(int(period), {})[str(code)] = _Margin(r.value, "derived", M_SHARE, (r.source_id,),
                                                                 r.rating)
        levels = _annual(selected, self.region, self.boundary, "grdp")
        for (period, code), rows in levels[levels["industry"] != "TOTAL"].groupby(["period", "industry"]):
            year = int(period)
            if year in self.totals and code not in out.get(year, {}):
                r = _unique(rows, f"{self.region} value added of {code} in {period}")
                out.setdefault(year, {})[str(code)] = _Margin(100 * r.value / self.totals[year].value, "published",
                                                              M_PUBLISHED, (r.source_id,), r.rating)
        return out

    def _anchor_rows(self) -> pd.DataFrame:
        """Published shares of sections and divisions, annual and sub-annual, as anchors of location quotients."""
        rows = [{"code": code, "period": str(year), "frequency": "A", "share": m.share, "rating": m.rating,
                 "source": m.sources[0]}
                for year, by_code in self.shares.items() for code, m in by_code.items()
                if code not in BROAD and code not in classification.aggregate_codes()]
        selected = self.context.selected
        sub = selected[(selected["region"] == self.region) & (selected["boundary"] == self.boundary)
                       & (selected["variable"] == "grdp_share") & selected["frequency"].isin(["Q", "H", "YTD"])]
        sub = sub[~sub["industry"].isin(BROAD) & ~sub["industry"].isin(classification.aggregate_codes())]
        rows += [{"code": r.industry, "period": r.period, "frequency": r.frequency, "share": r.value,
                  "rating": r.rating, "source": r.source_id} for r in sub.itertuples()]
        return pd.DataFrame(rows, columns=["code", "period", "frequency", "share", "rating", "source"])

    def _national_annual_shares(self) -> dict[int, pd.Series]:
        complete = self.context._complete_years("current")
        return {y: v.reindex(list(CELLS)).fillna(0.0) / v["TOTAL"] for y, v in complete.items()}

    # one year with a published GRDP

    def _year(self, year: int, total_row: pd.Series) -> tuple[list[dict], list[dict], dict]:
        total = float(total_row.value)
        broad = _broad_margins(year, self.shares)
        extra = _extra_constraints(self.shares.get(year, {}))
        structure, seed_year = self.context.national_structure(year)
        hard_sections = {cells[0] for _, cells, _ in extra if len(cells) == 1}
        targets = carried_shares.targets(self.anchors, year, structure, hard_sections)
        seed = {c: float(structure[c]) * total for c in structure.index}
        for section, target in targets.items():
            seed[section] = target.share / 100 * total
        margins = [(code, classification.aggregate_members(code), m) for code, m in broad.items()] + extra
        margins = [(label, tuple(c for c in cells if c in seed), m) for label, cells, m in margins]
        constraints = [Constraint("TOTAL", tuple(seed), total)]
        constraints += [Constraint(label, cells, m.share / 100 * total) for label, cells, m in margins]
        held: dict[str, bool] = {}
        for section, target in sorted(targets.items(), key=lambda item: item[1].rank):
            candidate = Constraint(f"{section} (imputed)", (section,), target.share / 100 * total)
            held[section] = _fits(candidate, constraints, seed)
            if held[section]:
                constraints.append(candidate)
        try:
            raked = rake(seed, constraints)
        except ValueError as exc:
            raise AccountsError(f"{self.region} {year}: {exc}") from exc
        constrained = dict(broad)
        constrained.update({cells[0]: m for _, cells, m in extra if len(cells) == 1})
        records = []
        source = (str(total_row.source_id),)
        for cell, value in raked.items():
            if cell in constrained:
                m = constrained[cell]
                quality, method, sources = m.quality, m.method, m.sources
            elif cell in targets:
                t = targets[cell]
                how = "held in the raking" if held[cell] else (
                    "seed only: it does not fit the published margins of the year, so the raking scales it with "
                    "the other cells of its margin")
                quality, method, sources = "imputed", f"{M_RAKED}: {t.method}; {how}", source + t.sources
            else:
                quality, sources = "imputed", source
                method = f"{M_RAKED}: national share of {seed_year}, raked to the published margins"
            records.append(_record(self.region, self.boundary, year, cell, value, total, quality, method, sources))
        records.append(_record(self.region, self.boundary, year, "TOTAL", total, total, "published",
                               _total_method(total_row), source))
        margin_rows, fixed = [], {}
        for label, cells, m in margins:
            code = label.split("->")[0]
            fixed[(year, code)] = m
            if m.quality != "imputed":
                achieved = 100 * sum(raked[c] for c in cells) / total
                margin_rows.append(_margin_row(year, code, ROLE_IMPOSED, m.share, achieved, m.quality, m.sources,
                                               m.method, m.rating))
        for section, t in targets.items():
            role = ROLE_TARGET if held[section] else ROLE_NOT_HELD
            margin_rows.append(_margin_row(year, section, role, t.share, 100 * raked[section] / total, "imputed",
                                           t.sources, t.method))
        return records, margin_rows, fixed

    # a year after the last published GRDP

    def _oil_growth(self, year: int, oil: list[str]) -> tuple[float, str] | None:
        """Published real growth of crude oil and gas extraction (division 06) in ``year``, applied to ``oil``.

        The region's own figure, else, for Ba Ria-Vung Tau, the merged city's: the merged city's oil and gas is
        all extracted by Ba Ria-Vung Tau (neither old HCMC nor Binh Duong has an oil share), so its published
        growth is Ba Ria-Vung Tau's. Section B of Ba Ria-Vung Tau is taken to move with its oil and gas.
        """
        places = [(self.region, self.boundary)] + ([("hcmc", "merged")] if self.region == "ba_ria_vung_tau" else [])
        for region, boundary in places:
            rates = _growth_rates(self.context.selected, region, boundary, year)
            if OIL_DIVISION in rates:
                g, source = rates[OIL_DIVISION]
                where = "" if region == self.region else ", the merged city's, all of it extracted off Ba Ria-Vung Tau"
                return g, (f"published growth of crude oil and gas extraction ({source}{where}), applied to "
                           f"section {', '.join(oil)}")
        return None

    def _moved(self, year: int, base: dict[str, float]) -> tuple[list[dict], list[dict]] | None:
        """The account of ``year`` moved from ``base`` by the region's published growth, or None (no growth)."""
        selected = self.context.selected
        total = _growth_rates(selected, self.region, self.boundary, year)
        excluding = _growth_rates(selected, self.region, self.boundary, year, "grdp_excl_oil_gas_real_growth")
        if "TOTAL" not in total and "TOTAL" not in excluding:
            return None
        rates: dict[str, tuple[float, str]]
        oil = [c for c in self.oil_sections if c in base]
        if oil and "TOTAL" in excluding:
            g_ex, source_ex = excluding["TOTAL"]
            rates = {c: (g_ex, f"published growth excluding oil and gas ({source_ex})") for c in base if c not in oil}
            overall = (total["TOTAL"][0], f"published growth ({total['TOTAL'][1]})") if "TOTAL" in total else \
                _cumulative_growth(selected, self.region, self.boundary, year)
            oil_base = sum(base[c] for c in oil)
            published_oil = self._oil_growth(year, oil)
            if published_oil is not None:
                rates.update({c: published_oil for c in oil})
            elif overall is not None:
                rest = sum(base[c] * (1 + g_ex) for c in base if c not in oil)
                rho = (sum(base.values()) * (1 + overall[0]) - rest) / oil_base - 1
                if growth.RESIDUAL_BOUNDS[0] < rho < growth.RESIDUAL_BOUNDS[1]:
                    how = (f"residual that makes total growth {100 * overall[0]:.2f}% ({overall[1]}) hold with "
                           f"{100 * g_ex:.2f}% excluding oil and gas")
                    rates.update({c: (rho, how) for c in oil})
            if not all(c in rates for c in oil):
                national = self._national_volume_growth(year, oil)
                rates.update({c: national for c in oil})
        else:
            if "TOTAL" in total:
                g, how = total["TOTAL"][0], f"published growth ({total['TOTAL'][1]})"
            else:
                g, how = excluding["TOTAL"][0], (f"published growth excluding oil and gas ({excluding['TOTAL'][1]}), "
                                                 "the total in a region without published oil and gas shares")
            by_industry = {c: v[0] for c, v in total.items() if c != "TOTAL"}
            rates = growth.volume_growth(base, by_industry, total=g)
            rates = {c: (r, how if h == "growth of TOTAL" else h) for c, (r, h) in rates.items()}
        deflators, how_deflator = self.context.cell_deflators(year)
        values = {c: base[c] * (1 + rates[c][0]) * (1 + deflators[c]) for c in base}
        total_value = sum(values.values())
        sources = tuple(sorted({source for _, source in [*total.values(), *excluding.values()]}))
        records, notes = [], []
        for cell, value in values.items():
            g, how = rates[cell]
            d = deflators[cell]
            method = (f"{M_MOVED}: {year - 1} value x volume growth {100 * g:.2f}% ({how}) x deflator growth "
                      f"{100 * d:.2f}% ({how_deflator})")
            records.append(_record(self.region, self.boundary, year, cell, value, total_value, "imputed", method,
                                   sources))
            notes.append({"year": year, "industry": cell, "volume_growth": g, "deflator_growth": d,
                          "method": f"{how}; {how_deflator}"})
        records.append(_record(self.region, self.boundary, year, "TOTAL", total_value, total_value, "imputed",
                               f"{M_MOVED}: sum of the cells moved from {year - 1} by published real growth and "
                               f"the national deflator by section (no published GRDP level for {year})",
                               sources))
        return records, notes

    def _national_volume_growth(self, year: int, cells: list[str]) -> tuple[float, str]:
        volumes = self.context.volumes
        if year in volumes and year - 1 in volumes:
            g = float(volumes[year].reindex(cells).sum() / volumes[year - 1].reindex(cells).sum() - 1)
            return g, f"national volume growth of {' '.join(cells)} in {year} (no total growth of the region)"
        return 0.0, f"volume held: no total growth of the region and no national growth of {' '.join(cells)}"


def _fits(candidate: Constraint, accepted: list[Constraint], seed: dict[str, float]) -> bool:
    """Whether an imputed target can join the constraints (module docstring, step 3).

    For nested (laminar) constraints: inside the smallest accepted constraint containing the candidate, the
    targets of the other maximal constraints plus the candidate must leave the unconstrained cells at least
    :data:`FREE_FLOOR` of their seed. Otherwise the raking is tried.
    """
    cells = set(candidate.members)
    sets = [(set(c.members), c) for c in accepted]
    if all(m <= cells or cells <= m or not m & cells for m, _ in sets):
        if any(m == cells for m, _ in sets):
            return False
        parent_cells, parent = min(((m, c) for m, c in sets if cells < m), key=lambda item: len(item[0]))
        inside = [(m, c) for m, c in sets if m < parent_cells and not m & cells]
        maximal = [(m, c) for m, c in inside if not any(m < other for other, _ in inside)]
        covered = set().union(cells, *(m for m, _ in maximal))
        free = parent_cells - covered
        room = parent.target - sum(c.target for _, c in maximal)
        inner = [c.target for m, c in sets if m < cells]
        if inner and sum(inner) >= candidate.target:
            return False
        if not free:
            return bool(abs(candidate.target - room) <= REL_TOLERANCE * max(parent.target, 1.0))
        return candidate.target + FREE_FLOOR * sum(seed[c] for c in free) <= room
    try:
        rake(seed, [*accepted, candidate], max_iter=500)
    except RakingError:
        return False
    return True


def _broad_margins(year: int, shares: dict[int, dict[str, _Margin]]) -> dict[str, _Margin]:
    """Published, residual or interpolated broad-sector shares of ``year`` (see module docstring)."""
    anchors: dict[str, dict[int, _Margin]] = {code: {} for code in BROAD}
    for y, by_code in shares.items():
        present = {c: m for c, m in by_code.items() if c in BROAD}
        missing = [c for c in BROAD if c not in present]
        if len(missing) == 1:
            residual = 100.0 - sum(m.share for m in present.values())
            sources = tuple(s for m in present.values() for s in m.sources)
            rating = max((m.rating for m in present.values()), key=src.RATING_RANK.__getitem__)
            present[missing[0]] = _Margin(residual, "derived", M_RESIDUAL, sources, rating)
        for code, margin in present.items():
            anchors[code][y] = margin
    result: dict[str, _Margin] = {}
    imputed: dict[str, _Margin] = {}
    for code in BROAD:
        if year in anchors[code]:
            result[code] = anchors[code][year]
            continue
        years = sorted(anchors[code])
        if not years:
            raise AccountsError(f"no published annual share of {code} in any year; cannot build {year}")
        before = [y for y in years if y < year]
        after = [y for y in years if y > year]
        if before and after:
            y0, y1 = before[-1], after[0]
            m0, m1 = anchors[code][y0], anchors[code][y1]
            share = m0.share + (m1.share - m0.share) * (year - y0) / (y1 - y0)
            method = f"linear interpolation of annual shares {y0}-{y1}"
            sources = m0.sources + m1.sources
        else:
            y0 = before[-1] if before else after[0]
            share, sources = anchors[code][y0].share, anchors[code][y0].sources
            method = f"carried from the annual share of {y0}"
        imputed[code] = _Margin(share, "imputed", method, sources)
    if imputed:
        room = 100.0 - sum(m.share for m in result.values())
        scale = room / sum(m.share for m in imputed.values())
        for code, m in imputed.items():
            result[code] = _Margin(m.share * scale, "imputed", f"{m.method}, scaled so broad sectors add to 100",
                                   m.sources)
    return result


def _extra_constraints(by_code: dict[str, _Margin]) -> list[tuple[str, tuple[str, ...], _Margin]]:
    """Published annual shares beyond the broad sectors, as (label, cells, margin)."""
    out = []
    sections_published = {c for c in by_code if c in classification.SECTIONS}
    for code, margin in by_code.items():
        if code in BROAD or code in ("TOTAL", "GVA"):
            continue
        if code in classification.SECTIONS or code in classification.aggregate_codes():
            out.append((code, classification.aggregate_members(code), margin))
            continue
        section = classification.section_of(code)
        if section not in sections_published:
            note = (f"{margin.method}; share of {code} applied to section {section} "
                    f"(rest of {section} assumed negligible)")
            out.append((f"{code}->{section}", (section,), _Margin(margin.share, margin.quality, note, margin.sources,
                                                                  margin.rating)))
    return out


# --- the merged city -----------------------------------------------------------------------------------------


def _merged(context: _Context, parts: dict[str, SectorAccounts]) -> SectorAccounts:
    """The merged city as the cell-by-cell sum of its parts, with the published merged figures beside it."""
    empty = [r for r, p in parts.items() if p.table.empty]
    if empty:
        raise AccountsError(f"no published GRDP for {', '.join(empty)} as of {context.as_of}; the merged city is "
                            "the sum of its three former localities")
    common = sorted(set.intersection(*(set(p.years) for p in parts.values())))
    order = {"published": 0, "derived": 1, "imputed": 2}
    records = []
    for year in common:
        rows = pd.concat([p.table[(p.table["year"] == year) & p.table["industry"].isin(CELLS + ("TOTAL",))]
                          for p in parts.values()])
        total = rows.loc[rows["industry"] == "TOTAL", "value"].sum()
        for code, group in rows.groupby("industry"):
            quality = max(list(group["quality"]) + ["derived"], key=order.__getitem__)  # a sum is at best derived
            sources = tuple(s for cell in group["sources"] for s in cell.split(";"))
            method = M_MERGED if quality != "imputed" else f"{M_MERGED} (imputed in at least one part)"
            records.append(_record("hcmc", "merged", year, code, group["value"].sum(), total, quality, method,
                                   sources))
    table = _with_aggregates(records)
    if not table.empty:
        table = schemas.ACCOUNTS.validate(table.sort_values(["year", "industry"]).reset_index(drop=True))
    growth_rows = _merged_growth(parts, common)
    margins = _merged_comparisons(context, table, growth_rows)
    accounts = SectorAccounts("hcmc", "merged", context.as_of, table, margins, _growth_frame(growth_rows))
    check_identities(accounts)
    return accounts


def _merged_growth(parts: dict[str, SectorAccounts], years: list[int]) -> list[dict]:
    """Real growth of the sum in the years every part was moved by growth (including and excluding oil and gas)."""
    rows = []
    for year in years:
        if year - 1 not in years or not all(year in set(p.growth["year"]) for p in parts.values()):
            continue
        base = volume = base_ex = volume_ex = 0.0
        for region, part in parts.items():
            previous = part.table[(part.table["year"] == year - 1) & part.table["industry"].isin(CELLS)]
            g = part.growth[part.growth["year"] == year].set_index("industry")["volume_growth"]
            values = previous.set_index("industry")["value"]
            base += values.sum()
            volume += (values * (1 + g.reindex(values.index).fillna(0))).sum()
            oil = values.index == classification.section_of(OIL_DIVISION) if region == "ba_ria_vung_tau" else \
                np.zeros(len(values), bool)
            base_ex += values[~oil].sum()
            volume_ex += (values[~oil] * (1 + g.reindex(values.index[~oil]).fillna(0))).sum()
        for variable, value in (("grdp_real_growth", volume / base - 1),
                                ("grdp_excl_oil_gas_real_growth", volume_ex / base_ex - 1)):
            rows.append({"year": year, "industry": "TOTAL", "volume_growth": value, "deflator_growth": np.nan,
                         "method": f"{variable}: real growth of the sum of the parts (volumes at {year - 1} prices)"})
        brvt = parts.get("ba_ria_vung_tau")
        oil = classification.section_of(OIL_DIVISION)
        if brvt is not None:
            g = brvt.growth[brvt.growth["year"] == year].set_index("industry")["volume_growth"]
            if oil in g.index:
                rows.append({"year": year, "industry": OIL_DIVISION, "volume_growth": float(g[oil]),
                             "deflator_growth": np.nan, "method": f"grdp_real_growth: real growth of section {oil} "
                             "of Ba Ria-Vung Tau, where all of the merged city's oil and gas is extracted"})
    return rows


def _merged_comparisons(context: _Context, table: pd.DataFrame, growth_rows: list[dict]) -> pd.DataFrame:
    """Every release of a merged-city figure known at the as-of date beside the sum of the parts."""
    known = context.known[(context.known["region"] == "hcmc") & (context.known["boundary"] == "merged")
                          & (context.known["frequency"] == "A")]
    chosen = set(zip(context.selected["source_id"], context.selected["period"], context.selected["variable"],
                     context.selected["industry"], context.selected["publication_date"], context.selected["value"]))
    implied = {(r["year"], r["method"].split(":")[0], r["industry"]): r["volume_growth"] for r in growth_rows}
    rows = []
    for r in known.itertuples():
        year, code = int(r.period), str(r.industry)
        cell = table[(table["year"] == year) & (table["industry"] == code)] if not table.empty else table
        account = float(cell["value"].iloc[0]) if len(cell) else np.nan
        account_share = 100 * float(cell["share"].iloc[0]) if len(cell) else np.nan
        base = {"year": year, "industry": code, "variable": r.variable, "role": ROLE_COMPARISON,
                "published_share": np.nan, "account_share": np.nan, "difference_pp": np.nan, "published_value": np.nan,
                "account_value": np.nan, "difference_pct": np.nan, "quality": r.quality, "rating": r.rating,
                "release": f"{r.publisher}, {r.publication_date}",
                "selected": (r.source_id, r.period, r.variable, r.industry, r.publication_date, r.value) in chosen,
                "sources": r.source_id, "note": "not imposed: the merged account is the sum of its three parts"}
        if r.variable == "grdp" and r.price_basis == "current":
            base.update(published_value=float(r.value), account_value=account,
                        difference_pct=100 * (account / float(r.value) - 1))
        elif r.variable == "grdp_share":
            base.update(published_share=float(r.value), account_share=account_share,
                        difference_pp=account_share - float(r.value))
        elif (year, r.variable, code) in implied:
            value = 100 * implied[(year, r.variable, code)]
            base.update(published_share=float(r.value), account_share=value, difference_pp=value - float(r.value))
        else:
            continue
        rows.append(base)
    return _margins_frame(rows)


def check_identities(accounts: SectorAccounts) -> None:
    """Check the accounting identities of an account; raise :class:`AccountsError` listing every failure.

    Identities:

    - sections + TAX = GRDP (``TOTAL``) in every year;
    - each reported aggregate (BTF, BTE, GTT, KEY9) = the sum of its sections;
    - every section's share of GRDP is in [0, 1];
    - every imposed published margin (``role == "imposed"``) is reproduced within :data:`MARGIN_TOLERANCE_PP`
      percentage points.

    Tolerances: :data:`NATIONAL_TOLERANCE` bn VND for the published national accounts (rounding
    of the published components), :data:`REL_TOLERANCE` relative for constructed accounts.
    """
    failures: list[str] = []
    table = accounts.table
    for year, rows in table.groupby("year"):
        by_code = rows.set_index("industry")["value"]
        if "TOTAL" not in by_code:
            failures.append(f"{year}: no GRDP (TOTAL) row")
            continue
        total = by_code["TOTAL"]
        published = accounts.region == "vn" and (rows["quality"] == "published").all()
        tolerance = NATIONAL_TOLERANCE if published else max(REL_TOLERANCE * abs(total), 1e-6)
        cells = [c for c in CELLS if c in by_code]
        gap = by_code[cells].sum() - total
        if abs(gap) > tolerance:
            failures.append(f"{year}: sections + TAX differ from GRDP by {gap:.3f} bn VND (tolerance {tolerance:.3g})")
        for code in REPORTED_AGGREGATES:
            if code in by_code:
                members = [m for m in classification.aggregate_members(code) if m in by_code]
                diff = by_code[code] - by_code[members].sum()
                if abs(diff) > tolerance:
                    failures.append(f"{year}: {code} differs from the sum of its sections by {diff:.3f} bn VND")
        shares = rows.set_index("industry")["share"]
        bad = shares[[c for c in classification.SECTIONS if c in shares]]
        bad = bad[(bad < 0) | (bad > 1)]
        failures.extend(f"{year}: share of {code} is {value:.4f}, outside [0, 1]" for code, value in bad.items())
    margins = accounts.margins
    if not margins.empty and "difference_pp" in margins:
        imposed = margins[margins["role"] == ROLE_IMPOSED] if "role" in margins else margins
        off = imposed[imposed["difference_pp"].abs() > MARGIN_TOLERANCE_PP]
        failures.extend(f"{r.year}: published share of {r.industry} {r.published_share:.2f}% reproduced as "
                        f"{r.account_share:.2f}% (tolerance {MARGIN_TOLERANCE_PP} pp)" for r in off.itertuples())
    if failures:
        raise AccountsError(f"{accounts.region}/{accounts.boundary}: {len(failures)} identity failure(s):\n"
                            + "\n".join(f"  - {f}" for f in failures))
