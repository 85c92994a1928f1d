"""Quarterly digital-economy value added and its share of quarterly GRDP, for each method.

The digital-economy figures are annual: the headline of :mod:`grdp.digital.headline`, the published share
where one exists, else grdp's estimate. Each method's annual value added ``D[m, y] = headline[m, y] / 100 *
sum_{q in y} GRDP[q]`` (so that the value-added-weighted share of a year's quarters is its headline exactly; without
a headline table, the model's annual values) is distributed over the quarters with an indicator built from what
the method counts:

    c[m, s] = D[m, s, T] / V[s, T]            (the method's digital content of section s in the
                                              last benchmark year T),
    I[m, q] = sum_s c[m, s] Q[s, q],

where ``D[m, s, y]`` is the model's value added of the method in VSIC section ``s`` (its components summed),
``V[s, y]`` the region's annual value added and ``Q[s, q]`` the section indicators of
:class:`grdp.quarterly.regional.QuarterlyGRDP` (national quarterly value added of the section scaled to
the region's quarterly total). Core ICT therefore follows section J and electronics manufacturing
(C), digitalised trade follows G, and so on. The weights are fixed: year-specific coefficients would
put each year's rise in digital content into a step at the first quarter (the step problem of the
IMF QNA Manual 2017, ch. 6); with fixed weights the benchmarking spreads that rise smoothly through
the benchmark-to-indicator ratio. ``D[m, y]`` is benchmarked to the indicator with
:func:`grdp.quarterly.td` (proportional Denton-Cholette by default: with five annual values a
regression's rho is not identified, see ``docs/methods.md``). After the last annual figure the
benchmark-to-indicator ratio ``BI[y] = D[m, y] / sum_{q in y} I[m, q]`` is either held
(``extrapolation="hold"``, plain Denton: no further change in digital content) or carried forward
with its average annual growth (``extrapolation="trend"``, the enhanced proportional Denton of the
IMF QNA Manual 2017, ch. 6, and Marini and Di Fonzo 2012); a mapping gives each method its own rule
(:func:`grdp.quarterly.nowcast.choose_extrapolation` picks it by the backtest):

    D[m, q] = D_hold[m, q] (BI[T] / BI[T0])^(h / (4 (T - T0))),

``h`` the quarters after ``T``, ``T0`` the first benchmark year (held when there is only one). The
pseudo-real-time backtest (:mod:`grdp.quarterly.nowcast`) measures both. The quarterly share is

    share[m, q] = 100 D[m, q] / GRDP[q].

Both numerator and denominator add up to the annual figures, so ``sum_q D / sum_q GRDP`` over a year
equals the headline share exactly. A quarter is ``benchmarked`` when its year has a headline figure and its
GRDP quarter was published, ``extrapolated`` when only the latter, ``nowcast`` after the last published quarter.

The seasonally adjusted share is indirect: numerator and denominator are adjusted separately, each with the
national seasonal factors of its sections (:mod:`grdp.quarterly.national_factors`; the constructed regional series
is too short and too national to carry a seasonal model of its own), and divided, as the research notes and the
ESS Guidelines on Seasonal Adjustment (2015) recommend for a ratio of aggregates A section whose national X-13
diagnostics fail (M7, Q, the combined test) enters both unadjusted; ``digital_va_unadjusted`` and
``grdp_unadjusted`` say how much of each quarter that is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.digital.model import DigitalModel
from grdp.digital.registry import METHODS
from grdp.quarterly.national_factors import city_tet_effect, national_factors
from grdp.quarterly.regional import QuarterlyGRDP
from grdp.quarterly.tempdisagg.disaggregation import ESTIMATORS, TdResult, td

DEFAULT_TD_METHOD = "denton-cholette"
EXTRAPOLATIONS = ("trend", "hold")


@dataclass(frozen=True)
class QuarterlyShare:
    """Quarterly digital-economy value added and share of GRDP for several methods.

    Attributes
    ----------
    grdp
        The quarterly GRDP the shares divide by.
    td_method, extrapolation
        The temporal-disaggregation method used for the numerators and how nowcast quarters extrapolate.
    table
        One row per quarter and method: ``period``, ``method``, ``digital_va`` (bn VND), ``grdp`` (bn VND),
        ``share`` (percent), ``status`` (``benchmarked`` or ``nowcast``).
    annual
        The annual estimates distributed: ``method``, ``year``, ``digital_va``, ``grdp``, ``share``.
    indicators
        The quarterly indicator ``I[m, q]`` of each method (quarters x methods).
    fits
        Method -> temporal-disaggregation result.
    content
        The digital content ``c[m, s]`` of each section by method (methods x sections), the indicator weights.
    """

    grdp: QuarterlyGRDP
    td_method: str
    extrapolation: str | dict[str, str]
    table: pd.DataFrame
    annual: pd.DataFrame
    indicators: pd.DataFrame
    fits: dict[str, TdResult]
    content: pd.DataFrame = field(default_factory=pd.DataFrame)

    def wide(self, column: str = "share") -> pd.DataFrame:
        """Return ``column`` as quarters x methods."""
        return self.table.pivot(index="period", columns="method", values=column)

    def annual_check(self) -> pd.DataFrame:
        """Return the annual share implied by the four quarters of each benchmark year beside the annual figure
        (the headline where one was given; they agree exactly).

        Returns
        -------
        pandas.DataFrame
            ``method``, ``year``, ``status`` (of the annual figure: ``published`` or ``estimate``),
            ``annual_share``, ``from_quarters`` (the value-added-weighted share of the quarters),
            ``difference`` (pp).
        """
        quarters = self.table.assign(year=[p.year for p in self.table["period"]])
        sums = quarters.groupby(["method", "year"]).agg(digital_va_q=("digital_va", "sum"), grdp_q=("grdp", "sum"),
                                                        quarters=("period", "size"))
        sums = sums[sums["quarters"] == 4]
        merged = self.annual.set_index(["method", "year"]).join(sums, how="inner")
        status = merged["status"] if "status" in merged else pd.Series("estimate", index=merged.index)
        check = pd.DataFrame({"status": status, "annual_share": merged["share"],
                              "from_quarters": 100 * merged["digital_va_q"] / merged["grdp_q"]})
        return check.assign(difference=check["from_quarters"] - check["annual_share"]).reset_index()


def quarterly_share(model: DigitalModel, grdp: QuarterlyGRDP, methods: list[str] | None = None,
                    td_method: str = DEFAULT_TD_METHOD,
                    extrapolation: str | Mapping[str, str] = "trend",
                    headline: pd.DataFrame | None = None) -> QuarterlyShare:
    """Distribute each method's annual digital-economy value added over quarters and divide by GRDP.

    Parameters
    ----------
    model
        The calibrated digital-economy model of the region (:func:`grdp.digital.build`): the sections' digital
        content (the indicator weights), and without ``headline`` the annual values.
    grdp
        The region's quarterly GRDP (:func:`grdp.quarterly.regional.quarterly_grdp`) for the same region and
        boundary.
    methods
        Methods to distribute (default: every method of the registry; with ``headline``, those it gives a figure).
    td_method
        A :func:`grdp.quarterly.td` method (default ``denton-cholette``); regression methods use the
        indicator with an intercept.
    extrapolation
        ``"trend"`` (default) or ``"hold"``: how the benchmark-to-indicator ratio moves after the last annual
        estimate (see the module docstring); or a mapping of each method to its rule.
    headline
        The headline share of each method and year (:func:`grdp.digital.headline.share_table` for the region and
        boundary: ``method``, ``year``, ``status``, ``value``): the published figure where there is one, else
        grdp's estimate. Each year with a figure and four quarters is a benchmark,
        ``D[m, y] = value[m, y] / 100 * sum_{q in y} GRDP[q]``, so that the quarters' value-added-weighted share
        is the headline exactly; a method without any figure (``not_supported``) is left out. Default: the
        model's annual values in the quarterly GRDP's benchmark years.

    Returns
    -------
    QuarterlyShare

    Raises
    ------
    ValueError
        Region or boundary of ``model`` and ``grdp`` differ, an unknown method, a benchmark year without
        sector accounts in the model, or a headline of another region or boundary.
    """
    if (model.region, model.boundary) != (grdp.region, grdp.boundary):
        raise ValueError(f"the model is for {model.region}/{model.boundary} but the quarterly GRDP for "
                         f"{grdp.region}/{grdp.boundary}")
    if td_method not in ESTIMATORS:
        raise ValueError(f"unknown temporal-disaggregation method {td_method!r}; choose from {', '.join(ESTIMATORS)}")
    methods = list(methods or METHODS)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown method(s) {', '.join(unknown)}; choose from {', '.join(METHODS)}")
    targets = _headline_targets(headline, grdp) if headline is not None else None
    if targets is not None:
        methods = [m for m in methods if m in set(targets["method"])]
        if not methods:
            raise ValueError("the headline gives no figure for any of the methods asked for")
    rules = {m: extrapolation for m in methods} if isinstance(extrapolation, str) else dict(extrapolation)
    for method in methods:
        if rules.get(method) not in EXTRAPOLATIONS:
            raise ValueError(f"unknown extrapolation {rules.get(method)!r} for {method}; choose from "
                             f"{', '.join(EXTRAPOLATIONS)}")
    account_years = [int(y) for y in grdp.benchmark.index]
    missing = [y for y in account_years if y not in model.accounts.years]
    if missing:
        raise ValueError(f"the model has no sector accounts for {', '.join(map(str, missing))}")
    content_year = account_years[-1]
    if targets is not None:  # the digital content of the last account year the headline covers
        covered = [y for y in account_years if y <= int(targets["year"].max())]
        content_year = covered[-1] if covered else account_years[0]

    periods = grdp.sections.index
    quarter_grdp = grdp.table["grdp"]
    rows, annual_rows, indicators, fits, contents = [], [], {}, {}, {}
    for name in methods:
        estimate = model.estimate(name, content_year)
        digital = estimate.components.groupby("industry")["value"].sum().reindex(grdp.sections.columns)
        content = (digital.fillna(0.0) / grdp.annual.loc[content_year].replace(0.0, np.nan)).fillna(0.0)
        contents[name] = content
        indicator = grdp.sections.to_numpy() @ content.to_numpy()
        indicators[name] = indicator
        numerators = {}
        if targets is None:
            for year in account_years:
                found = model.estimate(name, year)
                numerators[year] = found.numerator
                annual_rows.append({"method": name, "year": year, "digital_va": found.numerator,
                                    "grdp": found.denominator, "share": found.share, "status": "estimate"})
        else:
            for row in targets[targets["method"] == name].itertuples():
                total = float(quarter_grdp[np.asarray(quarter_grdp.index.year) == row.year].sum())
                numerators[int(row.year)] = row.value / 100 * total
                annual_rows.append({"method": name, "year": int(row.year), "digital_va": row.value / 100 * total,
                                    "grdp": total, "share": float(row.value), "status": row.status})
        series = pd.Series(numerators).sort_index()
        fit = td(series, pd.Series(indicator, index=periods, name=name), method=td_method)
        fits[name] = fit
        values = fit.values.to_numpy() * _trend(series, indicator, periods, rules[name])
        benchmarked = np.isin(np.asarray(periods.year), list(series.index))
        status = np.where(grdp.table["status"].to_numpy() == "nowcast", "nowcast",
                          np.where(benchmarked, "benchmarked", "extrapolated"))
        rows.append(pd.DataFrame({"period": periods, "method": name, "digital_va": values,
                                  "grdp": quarter_grdp.to_numpy(),
                                  "share": 100 * values / quarter_grdp.to_numpy(), "status": status}))
    return QuarterlyShare(grdp=grdp, td_method=td_method,
                          extrapolation=extrapolation if isinstance(extrapolation, str) else rules,
                          table=pd.concat(rows, ignore_index=True),
                          annual=pd.DataFrame(annual_rows), indicators=pd.DataFrame(indicators, index=periods),
                          fits=fits, content=pd.DataFrame(contents).T)


def _headline_targets(headline: pd.DataFrame, grdp: QuarterlyGRDP) -> pd.DataFrame:
    """The headline rows that benchmark the quarters: a figure, and all four quarters of its year estimated."""
    for column, value in (("region", grdp.region), ("boundary", grdp.boundary)):
        if column in headline and set(headline[column]) - {value}:
            raise ValueError(f"the headline has {column} {', '.join(sorted(set(headline[column]) - {value}))}, "
                             f"the quarterly GRDP is for {value}")
    counts = pd.Series(np.asarray(grdp.table.index.year)).value_counts()
    full = {int(y) for y, n in counts.items() if n == 4}
    rows = headline[headline["value"].notna() & (headline["status"] != "not_supported")
                    & headline["year"].astype(int).isin(full)]
    return rows.assign(year=rows["year"].astype(int))[["method", "year", "status", "value"]]


def _trend(annual: pd.Series, indicator: np.ndarray, periods: pd.PeriodIndex, extrapolation: str) -> np.ndarray:
    """Factor applied to each quarter: 1 in benchmark years, the BI ratio's trend after them."""
    last, first = int(annual.index[-1]), int(annual.index[0])
    factor = np.ones(len(periods))
    if extrapolation == "hold" or last == first:
        return factor
    ratio = {y: annual[y] / indicator[np.asarray(periods.year) == y].sum() for y in (first, last)}
    quarterly_growth = (ratio[last] / ratio[first]) ** (1 / (4 * (last - first)))
    ahead = np.array([(p - pd.Period(f"{last}Q4", freq="Q")).n for p in periods])
    return np.where(ahead > 0, quarterly_growth ** np.maximum(ahead, 0), 1.0)


def seasonally_adjusted(share: QuarterlyShare, releases: src.Releases,
                        **options) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Adjust GRDP and every method's digital value added with the national factors by section, and divide.

    The region's series are constructed from national section movements, so they are adjusted indirectly with the
    national seasonal (and Tết) factors of their sections (:mod:`grdp.quarterly.national_factors`):
    ``GRDP_sa = sum_s Q[s] / S[s]`` and ``D_sa[m] = D[m] * sum_s c[m, s] Q[s] / S[s] / sum_s c[m, s] Q[s]``. The
    adjusted share is their ratio (indirect, ESS Guidelines on Seasonal Adjustment 2015). A section whose X-13
    diagnostics fail is left unadjusted (``S = 1``); how much of each series that leaves unadjusted is reported.

    Parameters
    ----------
    share
        Quarterly shares.
    releases
        The as-of view of the share (its national quarterly accounts are used).
    **options
        Passed to :func:`grdp.quarterly.seasonal.adjust` for the national sections (e.g. ``method="stl"``).

    Returns
    -------
    table : pandas.DataFrame
        ``share.table`` with ``digital_va_sa``, ``grdp_sa``, ``share_sa`` (percent), and ``digital_va_unadjusted``
        and ``grdp_unadjusted`` (percent of the quarter's value in sections left unadjusted) added.
    diagnostics : pandas.DataFrame
        One row per adjusted series: ``grdp`` and ``digital_va:<method>`` (method ``national factors by section``;
        their Tết columns are empty unless the region's own effect is identified, ``warnings`` says why, and
        ``reason`` names the sections left unadjusted with their average weight), then one row per national section
        (``vn:<section>``, :meth:`grdp.quarterly.seasonal.SeasonalAdjustment.row`, ``adjusted`` and ``reason``).
    """
    grdp = share.grdp
    sections = grdp.sections
    factors = national_factors(releases, list(sections.columns), periods=sections.index, **options)
    tet = city_tet_effect(grdp)
    grdp_sa = factors.adjust(sections)
    note = tet.reason
    row = {"method": "national factors by section", "mode": "multiplicative", "arima_model": None,
           "tet_coefficient": None, "tet_standard_error": None, "tet_t_value": None, "outliers": "", "M7": None,
           "Q": None, "combined_test": None, "warnings": note, "adjusted": True}
    left = factors.unadjusted

    def reason(components: pd.DataFrame) -> str:
        percent = factors.unadjusted_percent(components)
        if not left:
            return "adjusted: every section with the national factors of its section"
        return (f"adjusted by section; {', '.join(left)} ({percent.mean():.1f}% of the series on average) left "
                "unadjusted: their national X-13 diagnostics fail (rows vn:<section>)")

    grdp_left = factors.unadjusted_percent(sections)
    rows = [{"series": "grdp", **row, "reason": reason(sections)}]
    frames = []
    for method, values in share.wide("digital_va").items():
        weights = share.content.loc[method].reindex(sections.columns).fillna(0.0)
        weighted = sections * weights
        raw = weighted.sum(axis=1)
        adjusted = factors.adjust(weighted)
        ratio = (adjusted / raw.replace(0.0, np.nan)).fillna(1.0)
        rows.append({"series": f"digital_va:{method}", **row, "reason": reason(weighted)})
        frames.append(pd.DataFrame({"period": values.index, "method": method,
                                    "digital_va_sa": (values * ratio.loc[values.index]).to_numpy(),
                                    "grdp_sa": grdp_sa.loc[values.index].to_numpy(),
                                    "digital_va_unadjusted": factors.unadjusted_percent(weighted)
                                    .loc[values.index].to_numpy(),
                                    "grdp_unadjusted": grdp_left.loc[values.index].to_numpy()}))
    table = share.table.merge(pd.concat(frames, ignore_index=True), on=["period", "method"], how="left")
    table["share_sa"] = 100 * table["digital_va_sa"] / table["grdp_sa"]
    table = table[[c for c in table.columns if c not in ("digital_va_unadjusted", "grdp_unadjusted")]
                  + ["digital_va_unadjusted", "grdp_unadjusted"]]
    diagnostics = pd.concat([pd.DataFrame(rows), factors.diagnostics.drop(columns="tet_kept")], ignore_index=True)
    return table, diagnostics
