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

1. **Indicator: the national quarter-on-quarter movement with the region's weights**, chained:
   ``I[q] = I[q-1] * sum_s w[s, y(q)] VNr[s, q] / sum_s w[s, y(q)] VNr[s, q-1]``. No quarter is ever chained
   on the same quarter of the year before, so a region-specific shock (HCMC's 2021Q3 lockdown) cannot repeat.
2. **Annual volumes** ``A[y]``: the region's published annual real growth chained from the first benchmark year
   (whose level is its GRDP deflated by the national-structure deflator of step 4); a year without published
   growth takes its GRDP so deflated. The year before the first benchmark year enters the volume step when its
   volume is known this way (so that the published growth of the first benchmark year's quarters can be used).
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
   exactly; the region's implicit deflator is ``GRDP / X``. Quarters after the last benchmark year keep the last
   benchmark-to-indicator ratio and are flagged ``nowcast``.
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
LAMBDA = 100.0
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
        growth, or the national movement), ``ratio_year`` (the account year of the regional weights) and
        ``status`` (``benchmarked`` or ``nowcast``).
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
                   last_year: int | None = None, last_quarter: str | pd.Period | None = None) -> QuarterlyGRDP:
    """Estimate a region's quarterly GRDP at current prices (see the module docstring for the method).

    Parameters
    ----------
    accounts
        The region's annual sector accounts (:func:`grdp.accounts.assemble`), assembled from ``releases``.
        Years whose GRDP is itself moved by growth (imputed) are not benchmarks.
    releases
        The as-of view (:class:`grdp.sources.Releases`) of the accounts: the quarterly sources are its selection.
    indicators
        ``"hcmc"`` (default) or ``"national"``, see :data:`INDICATOR_SETS`.
    last_year
        Use annual information (benchmarks and regional weights) up to this year only; later quarters are
        extrapolated. Default: the last benchmark year. Used for pseudo-real-time backtests.
    last_quarter
        Last quarter to estimate (default: the last quarter of national data).

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
    nominal, volume = (_national(selected, basis) for basis in ("current", "constant_2010"))
    full_years = {int(y) for y, n in pd.Series(nominal.index.year).value_counts().items() if n == 4}
    full_years &= {int(y) for y, n in pd.Series(volume.index.year).value_counts().items() if n == 4}
    measured = _measured_years(accounts)
    candidates = annual[annual.index.isin(sorted(full_years & measured))]
    years = _benchmark_years(candidates, last_year)
    items = [c for c in _ITEMS if c in nominal.columns and c in annual.columns]
    _check_coverage(annual.loc[list(years)], items)
    annual = annual.loc[annual.index.isin(years), items]

    growth_annual = _annual_growth(selected, accounts)
    pre = years[0] - 1
    start_year = pre if pre in full_years and years[0] in growth_annual else years[0]
    start = pd.Period(f"{start_year}Q1", freq="Q")
    end = pd.Period(last_quarter, freq="Q") if last_quarter is not None else nominal.index[-1]
    periods = pd.period_range(start, end, freq="Q")
    missing = periods.difference(nominal.index.intersection(volume.index))
    if len(missing):
        raise ValueError(f"national quarterly value added (gso_nsdp_gdp_by_section) is missing for "
                         f"{', '.join(map(str, missing))}, needed from {start} to {end}")
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
    figures = _published_figures(selected, accounts, periods) if indicators == "hcmc" else []
    level, source = _benchmark_volumes(indicator_volume, annual_volume, figures, periods)

    keep = periods >= pd.Period(f"{years[0]}Q1", freq="Q")
    indicator = pd.Series(level * price, index=periods, name="indicator")
    fit = td(pd.Series(benchmark.to_numpy(), index=list(years)), indicator[keep], method=BENCHMARK_METHOD)
    grdp_q = fit.values
    table = pd.DataFrame({
        "grdp": grdp_q, "indicator": indicator[keep], "volume": level[keep], "price": price[keep],
        "deflator": grdp_q.to_numpy() / level[keep], "national_movement": movement[keep],
        "growth_source": source[keep], "ratio_year": ratio_year[keep],
        "status": np.where(grdp_q.index.year > years[-1], "nowcast", "benchmarked"),
    })
    scale = grdp_q.to_numpy() / weighted_nominal[keep]
    sections = pd.DataFrame(weights[keep] * nominal.to_numpy()[keep] * scale[:, None],
                            index=grdp_q.index, columns=items)
    return QuarterlyGRDP(
        region=accounts.region, boundary=accounts.boundary, as_of=accounts.as_of, indicators=indicators,
        table=table, sections=sections, annual=annual,
        benchmark=pd.Series(benchmark.to_numpy(), index=list(years), name="grdp"),
        checks=_checks(selected, accounts, table, level, periods), fit=fit)


def _measured_years(accounts: SectorAccounts) -> set[int]:
    """Account years whose GRDP was published (not moved by growth): the possible benchmarks."""
    totals = accounts.table[accounts.table["industry"] == "TOTAL"]
    return {int(y) for y, q in zip(totals["year"], totals["quality"]) if q != "imputed"}


def _benchmark_years(annual: pd.DataFrame, last_year: int | None) -> list[int]:
    """The longest run of consecutive account years ending at ``last_year`` (default: the last).

    ``annual`` holds only years with published GRDP and all four national quarters.
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
        out[year] = out[year - 1] * (1 + growth[year]) if year in growth else deflated[year]
    if start_year < years[0]:
        out[start_year] = out[years[0]] / (1 + growth[years[0]])
    return out


def _published_figures(selected: pd.DataFrame, accounts: SectorAccounts, periods: pd.PeriodIndex) -> list[_Figure]:
    """The region's published quarterly y/y growth and cumulative growth (H1, 9M) inside the window."""
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
    """Each benchmarked quarter's share of its year's GRDP beside the nation's.

    Parameters
    ----------
    grdp
        The region's quarterly GRDP.
    releases
        The as-of view the quarterly GRDP was estimated from (the national quarters are its selection).

    Returns
    -------
    pandas.DataFrame
        ``period``, ``share`` and ``national_share`` (percent of the annual total, current prices), ``gap`` (pp),
        ``growth_source`` and ``pinned`` (whether a published regional figure fixes the quarter).
    """
    table = grdp.table[grdp.table["status"] == "benchmarked"]
    national = national_quarterly(releases, "current")["TOTAL"]
    national = national[national.index.isin(table.index)]
    years = np.asarray(table.index.year)
    share = 100 * table["grdp"] / table.groupby(years)["grdp"].transform("sum")
    national_share = 100 * national / national.groupby(national.index.year).transform("sum")
    out = pd.DataFrame({"period": table.index, "share": share.to_numpy(),
                        "national_share": national_share.reindex(table.index).to_numpy(),
                        "growth_source": table["growth_source"].to_numpy()})
    out["gap"] = out["share"] - out["national_share"]
    out["pinned"] = out["growth_source"] != NATIONAL_MOVEMENT
    return out
