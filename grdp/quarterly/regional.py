"""Quarterly GRDP of a region, benchmarked to its annual accounts and to its published quarterly growth.

The statistics office publishes the region's quarterly GRDP only as scattered press figures: year-on-year real
growth of some quarters, cumulative growth of the first half or nine months, a few levels. The quarterly series is
built as regional quarterly accounts are built elsewhere (IMF Quarterly National Accounts Manual 2017, ch. 6
"Benchmarking and reconciliation"; Eurostat Handbook on Regional Accounts Methods 2013, ch. 6): an indicator
carries the quarter-to-quarter movement, the annual accounts fix the level, and the published quarterly figures
are extra constraints of the benchmarking.

Notation: ``VN[s, q]`` and ``VNr[s, q]`` are national value added of VSIC section ``s`` (and product taxes less
subsidies, ``TAX``) in quarter ``q`` at current and constant 2010 prices (GSO); ``V[s, y]`` is the region's
annual value added (:mod:`grdp.accounts`). The regional weights are

    w[s, y] = V[s, y] / sum_{q in y} VN[s, q],

taken from the nearest account year with all four national quarters (``ratio_year``) when ``y`` has none.

The national quarters run to the last quarter GSO has published (:func:`extended_national`): its quarterly accounts
by section, then its first estimates of the year-on-year growth of GDP and of its three sectors applied to the same
quarter a year earlier. The quarters after the last published quarter (national, or the region's own growth),
the vintage's own quarter and the next, are a ``nowcast``: the national indicator carried forward by its last
year-on-year movement, the regional level by the last benchmark-to-indicator ratio.

1. **Indicator: the national quarter-on-quarter movement with the region's weights**, chained:
   ``I[q] = I[q-1] * sum_s w[s, y(q)] VNr[s, q] / sum_s w[s, y(q)] VNr[s, q-1]``. No quarter is ever chained
   on the same quarter of the year before, so a region-specific shock (HCMC's 2021Q3 lockdown) cannot repeat.
2. **Annual volumes** ``A[y]``: the region's published annual real growth chained from the first benchmark year
   (whose level is its GRDP deflated by the national-structure deflator of step 4); a year without published
   growth moves by its GRDP so deflated, ``A[y] = A[y-1] (GRDP[y] / P[y]) / (GRDP[y-1] / P[y-1])``. The year
   before the first benchmark year enters the volume step when its volume is known this way (so that the published
   growth of the first benchmark year's quarters can be used).
3. **Volume benchmarking with the published quarterly figures** (the constrained proportional Denton of the QNA
   Manual, §6.B, with the quarterly figures added as penalised constraints): with ``r[q] = X[q] / I[q]`` the
   benchmark-to-indicator ratio, the volume ``X`` minimises

       sum_q (r[q] - r[q-1])^2 + LAMBDA * sum_k e_k^2
       subject to  sum_{q in y} X[q] = A[y]  for every year with an annual volume,

   where each published figure ``k`` gives a relative residual ``e_k``: year-on-year growth ``g`` of quarter
   ``q``, ``e = (X[q] - (1 + g) X[q-4]) / I[q]``; cumulative growth of the first ``m`` quarters (H1, 9M),
   ``e = (sum_{j<=m} X[y, j] - (1 + g) sum_{j<=m} X[y-1, j]) / sum_{j<=m} I[y, j]``. :data:`LAMBDA` is large, so
   the published figures hold to within :data:`GROWTH_TOLERANCE_PP` unless they contradict each other or the annual
   growth; quarters without a published figure follow the national movement. The KKT system is solved exactly.
4. **Price** ``P[q] = sum_s w VN[s, q] / sum_s w VNr[s, q]``: the region's section deflators are taken as the
   nation's. The nominal indicator ``X[q] P[q]`` is benchmarked to annual GRDP with the proportional Denton-Cholette
   method (:func:`grdp.quarterly.td`, Denton 1971, Cholette 1984), so the quarters of every year add up to it
   exactly; the region's implicit deflator is ``GRDP / X``. Every account year is a benchmark, a year whose GRDP
   the accounts move by growth (imputed, ``annual_value == "estimate"``) included. Quarters after the last
   benchmark year keep the last benchmark-to-indicator ratio (``extrapolated``).
5. **Sections**: ``Q[s, q] = w[s, y] VN[s, q] * GRDP[q] / sum_s w[s, y] VN[s, q]``, the national section
   pattern scaled pro rata to the regional total (an indicator, not an account).

Published quarterly levels are first estimates that are not revised to the annual accounts; they are compared
with the estimate in :attr:`QuarterlyGRDP.checks`, side by side, never imposed. Quarter shares of the annual
total are compared with the national ones by :func:`quarter_shares`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.accounts import SectorAccounts
from grdp.base import classification
from grdp.quarterly.tempdisagg.disaggregation import TdResult, td

INDICATOR_SETS = {
    "hcmc": "national quarter-on-quarter movement with the region's weights, benchmarked to the region's published "
            "quarterly and cumulative growth and annual accounts",
    "national": "national quarter-on-quarter movement only (the region's published quarterly growth is ignored)",
}
"""Indicator sets for the region's quarterly path, by name."""

BENCHMARK_METHOD = "denton-cholette"
PUBLISHED_GROWTH = "published regional growth (y/y)"
PUBLISHED_CUMULATIVE = "published regional cumulative growth (H1, 9M)"
NATIONAL_MOVEMENT = "national movement (q/q)"
EXTRAPOLATED = "extrapolated (no published figure yet)"
"""``growth_source`` of a nowcast quarter: after the last published quarter, nothing fixes its movement."""
NATIONAL_LEVELS = "published levels by section"
NATIONAL_GROWTH = "published growth by sector"
NATIONAL_EXTRAPOLATED = "extrapolated"
"""``national_data`` of a quarter: the national quarterly accounts by section (GSO's levels), GSO's year-on-year
growth of the three sectors and GDP applied to the same quarter a year earlier, or neither (a nowcast quarter:
the last year-on-year movement of each section carried forward)."""
_SECTORS = {**{s: "A" for s in "A"}, **{s: "BTF" for s in "BCDEF"}, **{s: "GTT" for s in "GHIJKLMNOPQRST"}}
"""The published sector whose growth extends a section: agriculture (A), industry and construction (BTF),
services (GTT)."""
LAMBDA = 150.0
"""Weight of the published quarterly figures against the smoothness of the benchmark-to-indicator ratio."""
GROWTH_TOLERANCE_PP = 0.3
"""Published quarterly growth is reproduced within this (percentage points) unless the figures conflict."""
SHARE_DISTANCE_PP = 2.0
"""A quarter no published figure pins stays within this of the national quarter share of the annual total."""
_ITEMS = tuple(classification.SECTIONS) + ("TAX",)


@dataclass(frozen=True)
class QuarterlyGRDP:
    """Quarterly GRDP of one region at current prices, benchmarked to its annual accounts.

    Attributes
    ----------
    region, boundary, as_of, indicators
        What was estimated, with the information available on ``as_of`` and which indicator set.
    table
        One row per quarter (quarterly ``PeriodIndex``): ``grdp`` (bn VND), ``indicator`` (the nominal indicator
        ``X P``), ``volume`` (``X``, constant 2010 prices), ``price`` (``P``), ``deflator`` (``GRDP / X``),
        ``national_movement`` (``I[q] / I[q-1]``, step 1),
        ``growth_source`` (what fixed the quarter's movement: a published y/y growth, a published cumulative
        growth, the national movement, or nothing yet: :data:`EXTRAPOLATED`), ``ratio_year`` (the account year of
        the regional weights), ``status`` (``benchmarked``: published quarterly information and an annual value;
        ``extrapolated``: published quarterly information, no annual value yet, the last benchmark-to-indicator
        ratio held; ``nowcast``: after the last published quarter), ``national_data`` (:data:`NATIONAL_LEVELS`,
        :data:`NATIONAL_GROWTH` or :data:`NATIONAL_EXTRAPOLATED`) and ``annual_value`` (the year's GRDP the
        quarters add up to: ``published``, ``estimate`` when the accounts move it by growth, or ``none``).
    sections
        Section indicators ``Q[s, q]`` in bn VND (quarters x sections and ``TAX``).
    annual
        The region's annual value added used (years x sections and ``TAX``), from the accounts.
    benchmark
        Annual GRDP the quarters add up to (integer years).
    checks
        Published quarterly figures against the estimate: ``period`` (the quarter, or the last quarter of a
        cumulative period), ``label`` (``2022Q1``, ``2022H1``, ``2024-9M``), ``variable``, ``published``,
        ``estimate``, ``difference`` (estimate - published; percent for levels, pp for growth), ``status``,
        ``release``, ``url``.
    fit
        The Denton-Cholette result of the nominal step.
    national
        The national quarterly value added at current prices the indicator was built from (quarters x items and
        ``TOTAL``, from GSO's first quarter to the last quarter estimated, extended past GSO's last levels by
        :func:`extended_national`).
    published_end
        The last quarter with published quarterly information (national, or the region's own growth); the
        quarters after it are a nowcast.
    """

    region: str
    boundary: str
    as_of: str | None
    indicators: str
    table: pd.DataFrame
    sections: pd.DataFrame
    annual: pd.DataFrame
    benchmark: pd.Series
    checks: pd.DataFrame
    fit: TdResult
    national: pd.DataFrame | None = None
    published_end: pd.Period | None = None

    @property
    def last_benchmark(self) -> int:
        """The last year with an annual GRDP figure."""
        return int(self.benchmark.index[-1])


@dataclass(frozen=True)
class _Figure:
    """A published quarterly figure as a linear constraint on the volumes: sum(now) = (1 + g) sum(before)."""

    label: str
    now: tuple[int, ...]
    before: tuple[int, ...]
    growth: float
    source: str


def quarterly_grdp(accounts: SectorAccounts, releases: src.Releases, indicators: str = "hcmc",
                   last_year: int | None = None, last_quarter: str | pd.Period | None = None,
                   last_indicator: str | pd.Period | None = None) -> QuarterlyGRDP:
    """Estimate a region's quarterly GRDP at current prices (see the module docstring for the method).

    Parameters
    ----------
    accounts
        The region's annual sector accounts (:func:`grdp.accounts.assemble`), assembled from ``releases``. Every
        account year is a benchmark, a year whose GRDP is itself moved by growth (imputed) included: its quarters
        add up to that estimate (``annual_value`` says which).
    releases
        The as-of view (:class:`grdp.sources.Releases`) of the accounts: the quarterly sources are its selection.
    indicators
        ``"hcmc"`` (default) or ``"national"``, see :data:`INDICATOR_SETS`.
    last_year
        Use annual information (benchmarks and regional weights) up to this year only; later quarters are
        extrapolated. Default: the last account year. Used for pseudo-real-time backtests.
    last_quarter
        Last quarter to estimate (default: the last published quarter, or the last quarter of the last account year
        if that is later). Quarters after the last published one are a nowcast (``status``).
    last_indicator
        Use quarterly information (national accounts and growth, the region's published quarterly figures) up to
        this quarter only. Default: everything published. Used for pseudo-real-time backtests.

    Returns
    -------
    QuarterlyGRDP

    Raises
    ------
    ValueError
        Unknown indicator set, no national quarterly data for a quarter or section that is needed, the region
        having value added in a section the national quarterly data lack, or accounts of another date than
        ``releases``.
    """
    if indicators not in INDICATOR_SETS:
        raise ValueError(f"unknown indicator set {indicators!r}; choose from {', '.join(INDICATOR_SETS)}")
    if accounts.as_of != releases.as_of:
        raise ValueError(f"the accounts are as of {accounts.as_of}, the releases as of {releases.as_of}: one date")
    selected = releases.selected
    annual = accounts.wide("value")
    cutoff = pd.Period(last_indicator, freq="Q") if last_indicator is not None else None
    national = extended_national(selected, cutoff)
    city_end = _last_city_quarter(selected, accounts, cutoff) if indicators == "hcmc" else None
    published_end = max(national.published_end, city_end) if city_end is not None else national.published_end
    if last_quarter is not None:
        end = pd.Period(last_quarter, freq="Q")
    else:  # through the last published quarter, and the rest of the last account year
        account_years = [int(y) for y in annual.index if last_year is None or y <= last_year]
        end = max(published_end, pd.Period(f"{max(account_years)}Q4", freq="Q")) if account_years else published_end
    national = national.through(end)
    nominal, volume = national.nominal, national.volume
    full_years = {int(y) for y, n in pd.Series(nominal.index.year).value_counts().items() if n == 4}
    candidates = annual[annual.index.isin(sorted(full_years))]
    years = _benchmark_years(candidates, last_year)
    items = [c for c in _ITEMS if c in nominal.columns and c in annual.columns]
    _check_coverage(annual.loc[list(years)], items)
    annual = annual.loc[annual.index.isin(years), items]

    growth_annual = _annual_growth(selected, accounts)
    pre = years[0] - 1
    start_year = pre if pre in full_years and years[0] in growth_annual else years[0]
    start = pd.Period(f"{start_year}Q1", freq="Q")
    periods = pd.period_range(start, end, freq="Q")
    missing = periods.difference(nominal.index.intersection(volume.index))
    if len(missing):
        raise ValueError(f"national quarterly value added (gso_nsdp_gdp_by_section) is missing for "
                         f"{', '.join(map(str, missing))}, needed from {start} to {end}")
    basis = national.basis.loc[periods]
    nominal, volume = nominal.loc[periods, items], volume.loc[periods, items]
    weights_table = _ratios(annual, nominal)
    ratio_year = np.array([_nearest(weights_table.index, min(p.year, years[-1])) for p in periods])
    weights = weights_table.loc[ratio_year].to_numpy()

    weighted_nominal = (weights * nominal.to_numpy()).sum(axis=1)
    weighted_volume = (weights * volume.to_numpy()).sum(axis=1)
    previous_volume = np.full(len(periods), np.nan)
    previous_volume[1:] = (weights[1:] * volume.to_numpy()[:-1]).sum(axis=1)
    movement = np.ones(len(periods))
    movement[1:] = weighted_volume[1:] / previous_volume[1:]
    indicator_volume = weighted_volume[0] * np.cumprod(movement)
    price = weighted_nominal / weighted_volume

    benchmark = annual.loc[list(years)].sum(axis=1)
    annual_volume = _annual_volumes(benchmark, growth_annual, weighted_nominal, weighted_volume, periods,
                                    start_year)
    figures = _published_figures(selected, accounts, periods, cutoff) if indicators == "hcmc" else []
    level, source = _benchmark_volumes(indicator_volume, annual_volume, figures, periods)

    keep = periods >= pd.Period(f"{years[0]}Q1", freq="Q")
    indicator = pd.Series(level * price, index=periods, name="indicator")
    fit = td(pd.Series(benchmark.to_numpy(), index=list(years)), indicator[keep], method=BENCHMARK_METHOD)
    grdp_q = fit.values
    known = np.asarray(grdp_q.index <= published_end)
    in_year = np.isin(np.asarray(grdp_q.index.year), years)
    quality = _annual_quality(accounts)
    table = pd.DataFrame({
        "grdp": grdp_q, "indicator": indicator[keep], "volume": level[keep], "price": price[keep],
        "deflator": grdp_q.to_numpy() / level[keep], "national_movement": movement[keep],
        "growth_source": np.where(known, source[keep], EXTRAPOLATED),
        "ratio_year": ratio_year[keep],
        "status": np.where(~known, "nowcast", np.where(in_year, "benchmarked", "extrapolated")),
        "national_data": basis[keep].to_numpy(),
        "annual_value": [quality.get(int(y), "none") if y in years else "none" for y in grdp_q.index.year],
    })
    scale = grdp_q.to_numpy() / weighted_nominal[keep]
    sections = pd.DataFrame(weights[keep] * nominal.to_numpy()[keep] * scale[:, None],
                            index=grdp_q.index, columns=items)
    return QuarterlyGRDP(
        region=accounts.region, boundary=accounts.boundary, as_of=accounts.as_of, indicators=indicators,
        table=table, sections=sections, annual=annual,
        benchmark=pd.Series(benchmark.to_numpy(), index=list(years), name="grdp"),
        checks=_checks(selected, accounts, table, level, periods), fit=fit,
        national=national.nominal, published_end=min(published_end, end))


def _annual_quality(accounts: SectorAccounts) -> dict[int, str]:
    """Each account year's GRDP: ``published`` (or derived from published figures) or ``estimate`` (imputed:
    moved by growth, :mod:`grdp.accounts`)."""
    totals = accounts.table[accounts.table["industry"] == "TOTAL"]
    return {int(y): "estimate" if q == "imputed" else "published" for y, q in zip(totals["year"], totals["quality"])}


def _last_city_quarter(selected: pd.DataFrame, accounts: SectorAccounts, cutoff: pd.Period | None) -> pd.Period | None:
    """The last quarter a published quarterly or cumulative growth figure of the region covers (up to ``cutoff``)."""
    rows = selected[(selected["region"] == accounts.region) & (selected["boundary"] == accounts.boundary)
                    & (selected["variable"] == "grdp_real_growth") & (selected["industry"] == "TOTAL")
                    & selected["frequency"].isin(["Q", "H", "YTD"])]
    ends = [q[-1] for q in (_quarters_of(p, f) for p, f in zip(rows["period"], rows["frequency"])) if q]
    ends = [q for q in ends if cutoff is None or q <= cutoff]
    return max(ends) if ends else None


def _benchmark_years(annual: pd.DataFrame, last_year: int | None) -> list[int]:
    """The longest run of consecutive account years ending at ``last_year`` (default: the last).

    ``annual`` holds only years with all four quarters in the window.
    """
    years = sorted(int(y) for y in annual.index if last_year is None or y <= last_year)
    if not years:
        raise ValueError(f"no annual accounts up to {last_year} after the first year of national quarterly data")
    run = [years[-1]]
    for year in reversed(years[:-1]):
        if year != run[0] - 1:
            break
        run.insert(0, year)
    return run


@dataclass(frozen=True)
class NationalQuarters:
    """National quarterly value added by section, extended past GSO's last levels (:func:`extended_national`).

    Attributes
    ----------
    nominal, volume
        Quarters x items (sections, ``TAX`` and ``TOTAL``) at current and constant 2010 prices, bn VND.
    basis
        What each quarter rests on: :data:`NATIONAL_LEVELS`, :data:`NATIONAL_GROWTH` or
        :data:`NATIONAL_EXTRAPOLATED`.
    published_end
        The last quarter with published national information (levels or growth).
    """

    nominal: pd.DataFrame
    volume: pd.DataFrame
    basis: pd.Series
    published_end: pd.Period

    def through(self, end: pd.Period) -> NationalQuarters:
        """The same quarters up to ``end``, extrapolated past :attr:`published_end` when ``end`` is later: each
        item at constant and at current prices moves by its year-on-year movement of the last published quarter,
        ``V[s, q] = V[s, q - 4] * V[s, L] / V[s, L - 4]`` (a seasonal random walk with the latest drift)."""
        nominal, volume, basis = self.nominal.loc[:end], self.volume.loc[:end], self.basis.loc[:end]
        last = nominal.index[-1]
        if end <= last:
            return NationalQuarters(nominal, volume, basis, min(self.published_end, end))
        ahead = pd.period_range(last + 1, end, freq="Q")
        frames = []
        for table in (nominal, volume):
            movement = table.loc[last] / table.loc[last - 4]
            values = table.reindex(table.index.append(ahead))
            for q in ahead:
                values.loc[q] = values.loc[q - 4] * movement
            frames.append(values)
        basis = pd.concat([basis, pd.Series(NATIONAL_EXTRAPOLATED, index=ahead)])
        return NationalQuarters(frames[0], frames[1], basis, self.published_end)


def extended_national(selected: pd.DataFrame, cutoff: pd.Period | None = None) -> NationalQuarters:
    """National quarterly value added by section, extended to the last quarter of published national growth.

    GSO publishes quarterly value added by section some months after the quarter; its first estimate of a quarter
    gives only the year-on-year real growth of GDP and of its three sectors (agriculture ``A``, industry and
    construction ``BTF``, services ``GTT``). After the last quarter ``L`` with levels, each quarter ``q`` with
    published growth is built from the same quarter a year earlier:

        VNr[s, q] = VNr[s, q - 4] (1 + g[sector(s), q]),
        VNr[TAX, q] = VNr[TOTAL, q - 4] (1 + g[TOTAL, q]) - sum_s VNr[s, q]

    (product taxes take what GDP's growth leaves; they keep GDP's growth if that is not positive), and at current
    prices each item keeps its last year-on-year price movement, ``P[s, q] = P[s, q - 4] P[s, L] / P[s, L - 4]``,
    all items of a year scaled together so that its quarters add up to annual GDP at current prices where GSO
    has published it and the whole year is built. ``cutoff`` keeps only what was published for quarters up to it
    (pseudo-real-time backtests).

    Parameters
    ----------
    selected
        The as-of selection (:attr:`grdp.sources.Releases.selected`).
    cutoff
        The last quarter of national information to use (default: all).

    Returns
    -------
    NationalQuarters
    """
    nominal, volume = (_national(selected, basis, _ITEMS + ("TOTAL",)) for basis in ("current", "constant_2010"))
    both = nominal.index.intersection(volume.index)
    if cutoff is not None:
        both = both[both <= cutoff]
    if len(both) < 4:
        raise ValueError("national quarterly value added (gso_nsdp_gdp_by_section) covers fewer than four quarters"
                         + (f" up to {cutoff}" if cutoff is not None else ""))
    nominal, volume = nominal.loc[both], volume.loc[both]
    last = both[-1]
    growth = _national_growth(selected)
    items = [c for c in nominal.columns if c != "TOTAL"]
    sections = [c for c in items if c != "TAX"]
    price_movement = (nominal.loc[last, items] / volume.loc[last, items]) / (
        nominal.loc[last - 4, items] / volume.loc[last - 4, items])
    new: list[pd.Period] = []
    q = last + 1
    while (cutoff is None or q <= cutoff) and q in growth.index and pd.notna(growth.at[q, "TOTAL"]):
        rates = growth.loc[q]
        real = pd.Series({s: volume.at[q - 4, s] * (1 + _rate(rates, _SECTORS.get(s))) for s in sections})
        total = volume.at[q - 4, "TOTAL"] * (1 + rates["TOTAL"])
        if "TAX" in items:
            tax = total - real.sum()
            real["TAX"] = tax if tax > 0 else volume.at[q - 4, "TAX"] * (1 + rates["TOTAL"])
        real["TOTAL"] = real[items].sum()
        prices = nominal.loc[q - 4, items] / volume.loc[q - 4, items] * price_movement
        current = real[items] * prices
        current["TOTAL"] = current.sum()
        volume.loc[q] = real
        nominal.loc[q] = current
        new.append(q)
        q += 1
    annual = _national_annual(selected)
    for year in sorted({p.year for p in new}):
        quarters = [p for p in nominal.index if p.year == year]
        built = [p for p in quarters if p in new]
        if len(quarters) == 4 and year in annual.index:
            given = nominal.loc[[p for p in quarters if p not in new], "TOTAL"].sum()
            factor = (annual[year] - given) / nominal.loc[built, "TOTAL"].sum()
            if factor > 0:
                nominal.loc[built] = nominal.loc[built] * factor
    basis = pd.Series([NATIONAL_GROWTH if p in new else NATIONAL_LEVELS for p in nominal.index], index=nominal.index)
    return NationalQuarters(nominal.sort_index(), volume.sort_index(), basis.sort_index(), nominal.index.max())


def _rate(rates: pd.Series, sector: str | None) -> float:
    """The published growth of ``sector`` in one quarter, GDP's where the sector's is missing."""
    value = rates.get(sector) if sector is not None else None
    return float(value) if value is not None and pd.notna(value) else float(rates["TOTAL"])


def _national_growth(selected: pd.DataFrame) -> pd.DataFrame:
    """GSO's year-on-year real growth of single quarters (quarters x ``TOTAL``, ``A``, ``BTF``, ``GTT``), fractions."""
    rows = selected[(selected["region"] == "vn") & (selected["frequency"] == "Q")
                    & (selected["variable"] == "grdp_real_growth") & (selected["price_basis"] == "constant_2010")
                    & selected["industry"].isin(["TOTAL", "A", "BTF", "GTT"])]
    if rows.empty:
        return pd.DataFrame(columns=["TOTAL", "A", "BTF", "GTT"], index=pd.PeriodIndex([], freq="Q"))
    table = rows.pivot_table(index="period", columns="industry", values="value", aggfunc="last") / 100
    table.index = pd.PeriodIndex([pd.Period(p, freq="Q") for p in table.index], freq="Q")
    return table.reindex(columns=["TOTAL", "A", "BTF", "GTT"]).sort_index()


def _national_annual(selected: pd.DataFrame) -> pd.Series:
    """GSO's annual GDP at current prices by year (bn VND)."""
    rows = selected[(selected["region"] == "vn") & (selected["frequency"] == "A") & (selected["variable"] == "grdp")
                    & (selected["price_basis"] == "current") & (selected["industry"] == "TOTAL")
                    & (selected["unit"] == "bn_VND")]
    return pd.Series(rows["value"].astype(float).to_numpy(), index=rows["period"].astype(int)).groupby(level=0).last()


def national_quarterly(releases: src.Releases, basis: str = "current") -> pd.DataFrame:
    """National quarterly GDP and value added by section (GSO), quarters x industries, bn VND.

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`) whose selection is read.
    basis
        ``"current"`` or ``"constant_2010"`` prices.

    Returns
    -------
    pandas.DataFrame
        Quarterly ``PeriodIndex``; one column per industry code (sections, ``TAX``, aggregates and ``TOTAL``).
    """
    return _national(releases.selected, basis, None)


def _national(selected: pd.DataFrame, basis: str, items: tuple[str, ...] | None = _ITEMS) -> pd.DataFrame:
    """National quarterly value added at one price basis (quarters x industries; ``items`` only if given)."""
    rows = selected[(selected["region"] == "vn") & (selected["frequency"] == "Q") & (selected["variable"] == "grdp")
                    & (selected["price_basis"] == basis)]
    if items is not None:
        rows = rows[rows["industry"].isin(items)]
    if rows.empty:
        raise ValueError(f"no national quarterly value added at {basis} prices in the sources")
    table = rows.pivot(index="period", columns="industry", values="value")
    table.index = pd.PeriodIndex([pd.Period(p, freq="Q") for p in table.index], freq="Q")
    return table.sort_index()


def _check_coverage(annual: pd.DataFrame, items: list[str]) -> None:
    """Fail if the region has value added in a section the national quarterly data do not cover."""
    other = [c for c in annual.columns if c in _ITEMS and c not in items]
    uncovered = annual[other].abs().sum() if other else pd.Series(dtype=float)
    uncovered = uncovered[uncovered > 0]
    if len(uncovered):
        raise ValueError(f"the region has value added in {', '.join(uncovered.index)} but the national quarterly "
                         "data have no such section; its quarterly path cannot be estimated")


def _nearest(years: pd.Index, year: int) -> int:
    """The account year nearest to ``year`` (the later one on a tie)."""
    candidates = np.asarray(years, dtype=int)
    distance = np.abs(candidates - year) - 0.1 * (candidates > year)
    return int(candidates[np.argmin(distance)])


def _ratios(annual: pd.DataFrame, nominal: pd.DataFrame) -> pd.DataFrame:
    """Regional weights w[s, y] = V[s, y] / sum of the national quarters of y (zero where the nation has none),
    for the account years with all four national quarters in ``nominal``."""
    national = nominal.groupby(nominal.index.year).sum()
    years = [y for y in annual.index if y in national.index and (nominal.index.year == y).sum() == 4]
    if not years:
        raise ValueError("no account year has all four national quarters; the regional ratios cannot be formed")
    return (annual.loc[years] / national.loc[years].replace(0.0, np.nan)).fillna(0.0)


def _annual_growth(selected: pd.DataFrame, accounts: SectorAccounts) -> dict[int, float]:
    rows = selected[(selected["region"] == accounts.region) & (selected["boundary"] == accounts.boundary)
                    & (selected["frequency"] == "A") & (selected["variable"] == "grdp_real_growth")
                    & (selected["industry"] == "TOTAL")]
    return {int(p): float(v) / 100 for p, v in zip(rows["period"], rows["value"])}


def _annual_volumes(benchmark: pd.Series, growth: dict[int, float], nominal: np.ndarray, volume: np.ndarray,
                    periods: pd.PeriodIndex, start_year: int) -> dict[int, float]:
    """Annual volumes (module docstring, step 2); ``nominal``, ``volume``: the weighted national quarters."""
    years = [int(y) for y in benchmark.index]
    year_of = np.asarray(periods.year)
    deflated = {y: float(benchmark[y]) * volume[year_of == y].sum() / nominal[year_of == y].sum() for y in years}
    out = {years[0]: deflated[years[0]]}
    for year in years[1:]:
        # a year without published growth (its GRDP moved by growth in the accounts, or published as a level
        # only) moves by its GRDP deflated by the change of the national-structure deflator, so that the switch
        # from the chained published growth to a deflated level leaves no break in the volume
        out[year] = out[year - 1] * ((1 + growth[year]) if year in growth else deflated[year] / deflated[year - 1])
    if start_year < years[0]:
        out[start_year] = out[years[0]] / (1 + growth[years[0]])
    return out


def _published_figures(selected: pd.DataFrame, accounts: SectorAccounts, periods: pd.PeriodIndex,
                       cutoff: pd.Period | None = None) -> list[_Figure]:
    """The region's published quarterly y/y growth and cumulative growth (H1, 9M) inside the window (and up to
    ``cutoff``)."""
    rows = selected[(selected["region"] == accounts.region) & (selected["boundary"] == accounts.boundary)
                    & (selected["variable"] == "grdp_real_growth") & (selected["industry"] == "TOTAL")
                    & selected["frequency"].isin(["Q", "H", "YTD"])]
    position = {p: i for i, p in enumerate(periods)}
    out = []
    for r in rows.itertuples():
        now = _quarters_of(r.period, r.frequency)
        if not now:
            continue
        before = [p - 4 for p in now]
        if cutoff is not None and now[-1] > cutoff:
            continue
        if all(p in position for p in now + before):
            out.append(_Figure(r.period, tuple(position[p] for p in now), tuple(position[p] for p in before),
                               float(r.value) / 100, str(r.source_id)))
    return out


def _quarters_of(period: str, frequency: str) -> list[pd.Period]:
    """The quarters a published period covers: a quarter, the first half, or the first 3, 6 or 9 months (else none)."""
    year = int(period[:4])
    if frequency == "Q":
        quarters = [int(period[-1])]
    elif period == f"{year}H1":
        quarters = [1, 2]
    elif frequency == "YTD" and int(period.split("-")[1].rstrip("M")) in (3, 6, 9):
        quarters = list(range(1, int(period.split("-")[1].rstrip("M")) // 3 + 1))
    else:
        return []
    return [pd.Period(f"{year}Q{q}", freq="Q") for q in quarters]


def _benchmark_volumes(indicator: np.ndarray, annual: dict[int, float], figures: list[_Figure],
                       periods: pd.PeriodIndex) -> tuple[np.ndarray, np.ndarray]:
    """Volumes by the constrained proportional Denton of the module docstring (step 3), and what fixed each
    quarter."""
    n = len(periods)
    year_of = np.asarray(periods.year)
    first = min(annual)
    scale = annual[first] / indicator[year_of == first].sum()
    base = indicator * scale
    difference = np.diff(np.eye(n), axis=0)
    hessian = difference.T @ difference
    rows = []
    for f in figures:
        row = np.zeros(n)
        now = sum(base[i] for i in f.now)
        row[list(f.now)] += base[list(f.now)] / now
        row[list(f.before)] -= (1 + f.growth) * base[list(f.before)] / now
        rows.append(row)
    if rows:
        penalty = np.array(rows)
        hessian = hessian + LAMBDA * penalty.T @ penalty
    years = sorted(y for y in annual if (year_of == y).sum() == 4)
    constraint = np.array([np.where(year_of == y, base, 0.0) for y in years])
    targets = np.array([annual[y] for y in years])
    m = len(years)
    system = np.block([[2 * hessian, constraint.T], [constraint, np.zeros((m, m))]])
    solution = np.linalg.solve(system, np.concatenate([np.zeros(n), targets]))
    level = base * solution[:n]
    source = np.array([NATIONAL_MOVEMENT] * n, dtype=object)
    for f in figures:
        label = PUBLISHED_GROWTH if len(f.now) == 1 else PUBLISHED_CUMULATIVE
        for i in f.now:
            if source[i] != PUBLISHED_GROWTH:
                source[i] = label
    return level, source


def _checks(selected: pd.DataFrame, accounts: SectorAccounts, table: pd.DataFrame, volume: np.ndarray,
            periods: pd.PeriodIndex) -> pd.DataFrame:
    """Published quarterly levels, quarterly growth and cumulative growth against the estimate.

    A year whose four published quarterly growth rates, weighted by the estimated quarters of the year before,
    imply an annual growth more than :data:`GROWTH_TOLERANCE_PP` away from the published annual growth gets a row
    ``annual_growth_implied_by_quarters``, and its growth rows are marked ``consistent = False``: the published
    figures contradict each other there, so no estimate can reproduce them all.
    """
    rows = selected[(selected["region"] == accounts.region) & (selected["boundary"] == accounts.boundary)
                    & selected["frequency"].isin(["Q", "H", "YTD"]) & (selected["industry"] == "TOTAL")
                    & (((selected["variable"] == "grdp") & (selected["price_basis"] == "current"))
                       | (selected["variable"] == "grdp_real_growth"))]
    real = pd.Series(volume, index=periods)
    records = []
    quarterly_growth: dict[pd.Period, float] = {}
    for _, row in rows.iterrows():
        label = str(row["period"])
        span = _quarters_of(label, str(row["frequency"]))
        if not span or not all(p in table.index for p in span):
            continue
        if row["variable"] == "grdp":
            estimate = float(table.loc[span, "grdp"].sum())
            difference = 100 * (estimate / row["value"] - 1)
        else:
            before = [p - 4 for p in span]
            if not all(p in real.index for p in before):
                continue
            estimate = float(100 * (real[span].sum() / real[before].sum() - 1))
            difference = estimate - row["value"]
            if len(span) == 1:
                quarterly_growth[span[0]] = float(row["value"]) / 100
        variable = row["variable"] if len(span) == 1 else f"{row['variable']}_cumulative"
        records.append({"period": span[-1], "label": label, "variable": variable, "published": float(row["value"]),
                        "estimate": estimate, "difference": difference, "status": table.at[span[-1], "status"],
                        "release": row["publication_date"], "url": row["url"], "consistent": True})
    annual = _annual_growth(selected, accounts)
    conflicts = set()
    for year, growth in annual.items():
        quarters = [pd.Period(f"{year}Q{q}", freq="Q") for q in range(1, 5)]
        if not all(q in quarterly_growth for q in quarters):
            continue
        base = real[[q - 4 for q in quarters]].to_numpy()
        implied = float(np.sum(base * (1 + np.array([quarterly_growth[q] for q in quarters]))) / base.sum() - 1)
        if abs(100 * (implied - growth)) > GROWTH_TOLERANCE_PP:
            conflicts.add(year)
            records.append({"period": quarters[-1], "label": str(year), "variable": "annual_growth_implied_by_quarters",
                            "published": 100 * growth, "estimate": 100 * implied,
                            "difference": 100 * (implied - growth), "status": table.at[quarters[-1], "status"],
                            "release": "", "url": "", "consistent": False})
    for record in records:
        if record["variable"].startswith("grdp_real_growth") and record["period"].year in conflicts:
            record["consistent"] = False
    columns = ["period", "label", "variable", "published", "estimate", "difference", "status", "release", "url",
               "consistent"]
    return pd.DataFrame(records, columns=columns).sort_values(["variable", "period"], ignore_index=True)


def quarter_shares(grdp: QuarterlyGRDP, releases: src.Releases) -> pd.DataFrame:
    """Each quarter's share of its year's GRDP beside the nation's, for the years with an annual value.

    Parameters
    ----------
    grdp
        The region's quarterly GRDP.
    releases
        The as-of view the quarterly GRDP was estimated from (the national quarters are its selection, extended
        as the estimate extended them).

    Returns
    -------
    pandas.DataFrame
        ``period``, ``share`` and ``national_share`` (percent of the annual total, current prices), ``gap`` (pp),
        ``growth_source`` and ``pinned`` (whether a published regional figure fixes the quarter).
    """
    years = [int(y) for y in grdp.benchmark.index]
    table = grdp.table[np.isin(np.asarray(grdp.table.index.year), years)]
    national = grdp.national["TOTAL"] if grdp.national is not None and "TOTAL" in grdp.national else \
        national_quarterly(releases, "current")["TOTAL"]
    national = national[national.index.isin(table.index)]
    year_of = np.asarray(table.index.year)
    share = 100 * table["grdp"] / table.groupby(year_of)["grdp"].transform("sum")
    national_share = 100 * national / national.groupby(national.index.year).transform("sum")
    out = pd.DataFrame({"period": table.index, "share": share.to_numpy(),
                        "national_share": national_share.reindex(table.index).to_numpy(),
                        "growth_source": table["growth_source"].to_numpy()})
    out["gap"] = out["share"] - out["national_share"]
    out["pinned"] = out["growth_source"].isin([PUBLISHED_GROWTH, PUBLISHED_CUMULATIVE])
    return out
