"""Annual sector accounts at current prices: value added by VSIC section, product taxes less
subsidies, and GRDP, with a quality flag and a method on every cell.

National accounts (``region="vn"``) are complete in GSO's NSDP file and are taken as published.

Provincial accounts are not published by section, so they are built by a stated method
(``method="national-structure-raked"``), following the IMF Quarterly National Accounts Manual's
advice to keep published figures fixed and fill gaps with indicator-based structures:

1. **GRDP** is the published value (the as-of rule picks the release; it is never changed).
2. **Broad-sector margins** (A agriculture, BTF industry and construction, GTT services, TAX
   product taxes less subsidies) are the published annual shares. If exactly one is missing in a
   year, it is the residual ``100 - sum(others)`` (derived). If more are missing, each is
   interpolated linearly between the nearest years with a share (or carried from the nearest one
   at the ends of the series) and the interpolated ones are scaled so the four add up to 100
   (imputed).
3. **Seed**: the national section structure of the same year (GSO NSDP), multiplied by a
   location quotient ``LQ_s = s_hcmc(p) / s_vn(p)`` where the province published a sub-annual
   share ``s_hcmc(p)`` of section s for a period p (the one nearest in time is used) and the national
   share of the same period ``s_vn(p)`` is known from the quarterly national accounts.
4. **Raking** (:mod:`grdp.raking`, iterative proportional fitting) scales the seed so that every
   published annual margin holds at once: GRDP, the broad sectors, and any published annual share of
   an aggregate (BTE, KEY9), a section, or a division (a division's share is applied to its section
   when the section itself is not published; the rest of the section is then assumed negligible).

Every cell fixed by a published figure is ``published`` or ``derived`` (share x GRDP);
every other cell is ``imputed`` and names the method. The merged city (``boundary="merged"``)
is the sum of the three localities' accounts in the years all three exist; in a year where only
the merged GRDP is published, the structure of the nearest three-locality sum is scaled to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from grdp import classification, schemas
from grdp import sources as src
from grdp.raking import Constraint, rake

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
MERGED_PARTS = (("hcmc", "old"), ("binh_duong", "old"), ("ba_ria_vung_tau", "old"))

M_PUBLISHED = "published"
M_SHARE = "published share x published GRDP"
M_RESIDUAL = "residual: 100 minus the other published broad-sector shares, x GRDP"
M_RAKED = "national-structure-raked"
M_SUM = "sum of members"
M_MERGED = "sum of HCMC, Binh Duong and Ba Ria-Vung Tau accounts"


class AccountsError(ValueError):
    """Raised when accounts cannot be built or an identity fails; lists every failure."""


@dataclass
class SectorAccounts:
    """Sector accounts of one region and boundary, with the check of published margins.

    Attributes
    ----------
    table
        One row per year and industry (schema :data:`grdp.schemas.ACCOUNTS`).
    margins
        Every published figure the accounts must reproduce: year, industry, published share
        (percent), account share (percent), difference in percentage points, source.
    """

    region: str
    boundary: str
    as_of: str | None
    table: pd.DataFrame
    margins: pd.DataFrame = field(default_factory=pd.DataFrame)

    def year(self, year: int) -> pd.DataFrame:
        """Return the account of one year."""
        return self.table[self.table["year"] == year]

    def wide(self, column: str = "share") -> pd.DataFrame:
        """Return ``column`` (``share`` in percent, ``value`` in bn VND, or ``quality``) as years x industries."""
        order = list(classification.SECTIONS) + ["TAX"] + list(REPORTED_AGGREGATES) + ["TOTAL"]
        data = self.table.assign(share=100 * self.table["share"])
        table = data.pivot(index="year", columns="industry", values=column)
        return table[[c for c in order if c in table.columns]]

    def counts(self) -> pd.DataFrame:
        """Return the number of cells by year and quality (sections and TAX only)."""
        cells = self.table[self.table["industry"].isin(classification.SECTIONS + ("TAX",))]
        return cells.pivot_table(index="year", columns="quality", values="value", aggfunc="count", fill_value=0)


@dataclass(frozen=True)
class _Margin:
    share: float  # percent of GRDP
    quality: str
    method: str
    sources: tuple[str, ...]


def assemble(
    region: str,
    boundary: str = "old",
    as_of: str | date | None = None,
    observations: pd.DataFrame | None = None,
) -> SectorAccounts:
    """Assemble annual sector accounts at current prices.

    Parameters
    ----------
    region
        ``"hcmc"``, ``"binh_duong"``, ``"ba_ria_vung_tau"`` or ``"vn"``.
    boundary
        ``"old"`` (pre-July-2025 province), ``"merged"`` (HCMC + Binh Duong + Ba Ria-Vung Tau;
        region must be ``"hcmc"``) or ``"national"`` (for ``"vn"``).
    as_of
        Use only releases published on or before this date (``None``: everything).
    observations
        The observations table; loaded from ``sources/`` when omitted.

    Returns
    -------
    SectorAccounts
        Accounts for every year with a published GRDP, identities checked.

    Raises
    ------
    AccountsError
        If the sources do not allow the accounts, or an identity fails.
    """
    if (region == "vn") != (boundary == "national"):
        raise AccountsError(f"boundary {boundary!r} does not fit region {region!r}")
    if boundary == "merged" and region != "hcmc":
        raise AccountsError("only HCMC has a merged boundary")
    obs = observations if observations is not None else src.load_observations()
    selected = src.as_of(obs, as_of)
    if region == "vn":
        table, margins = _national(selected), pd.DataFrame()
    elif boundary == "merged":
        table, margins = _merged(selected)
    else:
        table, margins = _regional(selected, region, boundary)
    if table.empty:
        raise AccountsError(f"no published GRDP for {region}/{boundary} as of {as_of}")
    table = schemas.ACCOUNTS.validate(table.sort_values(["year", "industry"]).reset_index(drop=True))
    accounts = SectorAccounts(region, boundary, None if as_of is None else str(as_of), table, margins)
    check_identities(accounts)
    return accounts


def _annual(selected: pd.DataFrame, region: str, boundary: str, variable: str) -> pd.DataFrame:
    mask = ((selected["region"] == region) & (selected["boundary"] == boundary)
            & (selected["variable"] == variable) & (selected["frequency"] == "A")
            & (selected["price_basis"] == "current"))
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


def _national(selected: pd.DataFrame) -> pd.DataFrame:
    levels = _annual(selected, "vn", "national", "grdp")
    records = []
    for period, rows in levels.groupby("period"):
        by_code = {r.industry: r for r in rows.itertuples()}
        if "TOTAL" not in by_code:
            continue
        total = by_code["TOTAL"].value
        for code in classification.SECTIONS + ("TAX", "TOTAL"):
            if code in by_code:
                r = by_code[code]
                records.append(_record("vn", "national", int(period), code, r.value, total,
                                       "published", M_PUBLISHED, (r.source_id,)))
    table = pd.DataFrame(records)
    return pd.concat([table, _aggregate_rows(table)], ignore_index=True) if records else table


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


def _year_distance(period: str, frequency: str, year: int) -> float:
    start = pd.Timestamp(src.period_start(period, frequency))
    months = {"Q": 3, "H": 6, "M": 1}.get(frequency)
    if frequency == "YTD":
        months = int(period.split("-")[1].rstrip("M"))
    end = start + pd.DateOffset(months=months) if months else start
    middle = start + (end - start) / 2
    return abs((middle - pd.Timestamp(year=year, month=7, day=1)).days) / 365.25


def _period_structure(quarterly: pd.DataFrame, period: str, frequency: str) -> pd.Series | None:
    """National shares by industry for a sub-annual period, from single-quarter accounts (period x industry)."""
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


def _lq_candidates(selected: pd.DataFrame, region: str, boundary: str) -> list[tuple[str, str, str, float, str]]:
    """Every sub-annual published section share with its location quotient: (code, period, frequency, LQ, label)."""
    mask = ((selected["region"] == "vn") & (selected["variable"] == "grdp") & (selected["frequency"] == "Q")
            & (selected["price_basis"] == "current"))
    quarterly = selected[mask].pivot_table(index="period", columns="industry", values="value", aggfunc="first")
    mask = ((selected["region"] == region) & (selected["boundary"] == boundary)
            & (selected["variable"] == "grdp_share") & selected["frequency"].isin(["Q", "H", "YTD"])
            & selected["industry"].isin(classification.SECTIONS))
    out = []
    for r in selected[mask].itertuples():
        national = _period_structure(quarterly, r.period, r.frequency)
        if national is not None and national.get(r.industry, 0) > 0:
            out.append((r.industry, r.period, r.frequency, r.value / 100 / national[r.industry],
                        f"{r.period} ({r.source_id})"))
    return out


def _location_quotients(candidates: list[tuple[str, str, str, float, str]], year: int) -> dict[str, tuple[float, str]]:
    """LQ of each section from its published sub-annual share nearest to ``year`` (ties: the later period)."""
    out: dict[str, tuple[float, str]] = {}
    later_first = sorted(candidates, key=lambda c: c[1], reverse=True)
    ranked = sorted(later_first, key=lambda c: _year_distance(c[1], c[2], year))  # stable: ties stay later-first
    for code, _period, _frequency, lq, label in ranked:
        out.setdefault(code, (lq, label))
    return out


def _national_structure(selected: pd.DataFrame, year: int) -> tuple[pd.Series, int]:
    """National shares of sections and TAX in ``year`` (or the nearest year available)."""
    levels = _annual(selected, "vn", "national", "grdp")
    needed = set(classification.SECTIONS[:-1]) | {"TAX", "TOTAL"}  # GSO does not compile section U
    years = sorted(int(p) for p, rows in levels.groupby("period") if needed <= set(rows["industry"]))
    if not years:
        raise AccountsError("no complete national accounts (sections A-T, TAX, TOTAL) were published by the "
                            "as-of date; they are needed as the seed structure of provincial accounts")
    used = min(years, key=lambda y: (abs(y - year), -y))
    rows = levels[levels["period"] == str(used)].set_index("industry")["value"]
    cells = [c for c in classification.SECTIONS + ("TAX",) if c in rows.index]
    return rows[cells] / rows["TOTAL"], used


def _published_shares(selected: pd.DataFrame, region: str, boundary: str,
                      totals: dict[int, pd.Series]) -> dict[int, dict[str, _Margin]]:
    """Annual published shares by year and industry (levels of components count as shares too)."""
    out: dict[int, dict[str, _Margin]] = {}
    shares = _annual(selected, region, boundary, "grdp_share")
    for (period, code), rows in shares.groupby(["period", "industry"]):
        r = _unique(rows, f"{region} share of {code} in {period}")
        out.setdefault(int(period), {})[code] = _Margin(r.value, "derived", M_SHARE, (r.source_id,))
    levels = _annual(selected, region, boundary, "grdp")
    for (period, code), rows in levels[levels["industry"] != "TOTAL"].groupby(["period", "industry"]):
        year = int(period)
        if year in totals and code not in out.get(year, {}):
            r = _unique(rows, f"{region} value added of {code} in {period}")
            out.setdefault(year, {})[code] = _Margin(100 * r.value / totals[year].value, "published",
                                                    M_PUBLISHED, (r.source_id,))
    return out


def _broad_margins(year: int, shares: dict[int, dict[str, _Margin]]) -> dict[str, _Margin]:
    """Published, residual or interpolated broad-sector shares of ``year`` (see module docstring)."""
    anchors: dict[str, dict[int, _Margin]] = {code: {} for code in BROAD}
    for y, by_code in shares.items():
        present = {c: m for c, m in by_code.items() if c in BROAD}
        missing = [c for c in BROAD if c not in present]
        if len(missing) == 1:
            residual = 100.0 - sum(m.share for m in present.values())
            sources = tuple(s for m in present.values() for s in m.sources)
            present[missing[0]] = _Margin(residual, "derived", M_RESIDUAL, sources)
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


def _extra_constraints(by_code: dict[str, _Margin], total: float) -> list[tuple[str, tuple[str, ...], _Margin]]:
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
            out.append((f"{code}->{section}", (section,), _Margin(margin.share, margin.quality, note, margin.sources)))
    return out


def _seed_method(cell: str, lqs: dict[str, tuple[float, str]], seed_year: int) -> str:
    """Method label of an imputed cell: the national share it starts from and its location quotient."""
    lq = f" x location quotient {lqs[cell][0]:.2f} from {lqs[cell][1]}" if cell in lqs else ""
    return f"{M_RAKED}: national share of {seed_year}{lq}, raked to the published margins"


def _regional(selected: pd.DataFrame, region: str, boundary: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    totals = _totals(selected, region, boundary)
    shares = _published_shares(selected, region, boundary, totals)
    candidates = _lq_candidates(selected, region, boundary)
    records, margin_rows, fixed = [], [], {}
    for year, total_row in sorted(totals.items()):
        total = total_row.value
        broad = _broad_margins(year, shares)
        extra = _extra_constraints(shares.get(year, {}), total)
        structure, seed_year = _national_structure(selected, year)
        lqs = _location_quotients(candidates, year)
        seed = {c: float(structure[c]) * lqs.get(c, (1.0, ""))[0] * total for c in structure.index}
        margins = [(code, classification.aggregate_members(code), m) for code, m in broad.items()] + extra
        margins = [(label, tuple(c for c in cells if c in seed), m) for label, cells, m in margins]
        constraints = [Constraint("TOTAL", tuple(seed), total)]
        constraints += [Constraint(label, cells, m.share / 100 * total) for label, cells, m in margins]
        try:
            raked = rake(seed, constraints)
        except ValueError as exc:
            raise AccountsError(f"{region} {year}: {exc}") from exc
        constrained = {code: m for code, m in broad.items()}
        constrained.update({cells[0]: m for label, cells, m in extra if len(cells) == 1})
        for cell, value in raked.items():
            if cell in constrained:
                m = constrained[cell]
                quality, method, sources = m.quality, m.method, m.sources
            else:
                quality, method, sources = "imputed", _seed_method(cell, lqs, seed_year), (total_row.source_id,)
            records.append(_record(region, boundary, year, cell, value, total, quality, method, sources))
        records.append(_record(region, boundary, year, "TOTAL", total, total, "published", _total_method(total_row),
                               (total_row.source_id,)))
        for label, cells, m in margins:
            code = label.split("->")[0]
            fixed[(year, code)] = m
            if m.quality != "imputed":
                achieved = 100 * sum(raked[c] for c in cells) / total
                margin_rows.append({"year": year, "industry": code, "published_share": m.share,
                                    "account_share": achieved, "difference_pp": achieved - m.share,
                                    "quality": m.quality, "sources": ";".join(sorted(set(m.sources)))})
    table = pd.DataFrame(records)
    if table.empty:
        return table, pd.DataFrame(margin_rows)
    aggregates = _aggregate_rows(table, {k: v for k, v in fixed.items() if k[1] in REPORTED_AGGREGATES})
    return pd.concat([table, aggregates], ignore_index=True), pd.DataFrame(margin_rows)


def _merged(selected: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    parts = {}
    for region, boundary in MERGED_PARTS:
        table, _ = _regional(selected, region, boundary)
        parts[region] = table
    cells = list(classification.SECTIONS) + ["TAX", "TOTAL"]
    common = set.intersection(*(set(t["year"]) for t in parts.values())) if all(
        not t.empty for t in parts.values()) else set()
    order = {"published": 0, "derived": 1, "imputed": 2}
    records = []
    for year in sorted(common):
        rows = pd.concat([t[(t["year"] == year) & t["industry"].isin(cells)] for t in parts.values()])
        total = rows.loc[rows["industry"] == "TOTAL", "value"].sum()
        for code, group in rows.groupby("industry"):
            quality = max(list(group["quality"]) + ["derived"], key=order.__getitem__)  # a sum is at best derived
            sources = tuple(s for cell in group["sources"] for s in cell.split(";"))
            records.append(_record("hcmc", "merged", year, code, group["value"].sum(), total, quality,
                                   M_MERGED, sources))
    summed = pd.DataFrame(records)
    published = _totals(selected, "hcmc", "merged")
    margin_rows = []
    for year, row in sorted(published.items()):
        if year in common:
            achieved = summed.loc[(summed["year"] == year) & (summed["industry"] == "TOTAL"), "value"].iloc[0]
            margin_rows.append({"year": year, "industry": "TOTAL", "published_share": np.nan,
                                "account_share": np.nan, "difference_pp": np.nan,
                                "published_value": row.value, "account_value": achieved,
                                "difference_pct": 100 * (achieved / row.value - 1),
                                "quality": "published", "sources": row.source_id})
            continue
        if not common:
            continue
        nearest = min(common, key=lambda y: (abs(y - year), -y))
        base = summed[summed["year"] == nearest]
        scale = row.value / base.loc[base["industry"] == "TOTAL", "value"].iloc[0]
        for r in base.itertuples():
            quality, method = ("published", _total_method(row)) if r.industry == "TOTAL" else (
                "imputed", f"structure of the three-locality sum of {nearest} scaled to the published merged GRDP")
            records.append(_record("hcmc", "merged", year, r.industry, r.value * scale, row.value, quality, method,
                                   (row.source_id,) + tuple(r.sources.split(";"))))
    table = pd.DataFrame(records)
    if table.empty:
        return table, pd.DataFrame(margin_rows)
    return pd.concat([table, _aggregate_rows(table)], ignore_index=True), pd.DataFrame(margin_rows)


def check_identities(accounts: SectorAccounts) -> None:
    """Check the accounting identities of an account; raise :class:`AccountsError` listing every failure.

    Identities:

    - sections + TAX = GRDP (``TOTAL``) in every year;
    - each reported aggregate (BTF, BTE, GTT, KEY9) = the sum of its sections;
    - every section's share of GRDP is in [0, 1];
    - every published margin is reproduced within :data:`MARGIN_TOLERANCE_PP` percentage points.

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
        tolerance = NATIONAL_TOLERANCE if accounts.region == "vn" else REL_TOLERANCE * abs(total)
        cells = [c for c in classification.SECTIONS + ("TAX",) if c in by_code]
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
    if not accounts.margins.empty and "difference_pp" in accounts.margins:
        off = accounts.margins[accounts.margins["difference_pp"].abs() > MARGIN_TOLERANCE_PP]
        failures.extend(f"{r.year}: published share of {r.industry} {r.published_share:.2f}% reproduced as "
                        f"{r.account_share:.2f}% (tolerance {MARGIN_TOLERANCE_PP} pp)" for r in off.itertuples())
    if failures:
        raise AccountsError(f"{accounts.region}/{accounts.boundary}: {len(failures)} identity failure(s):\n"
                            + "\n".join(f"  - {f}" for f in failures))
