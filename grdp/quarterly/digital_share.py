"""Quarterly digital-economy value added and its share of quarterly GRDP, for each method.

The digital-economy estimates are annual (:mod:`grdp.digital`). Each method's annual value added
``D[m, y]`` is distributed over the quarters with an indicator built from what the method counts:

    c[m, s] = D[m, s, T] / V[s, T]            (the method's digital content of section s in the
                                              last benchmark year T),
    I[m, q] = sum_s c[m, s] Q[s, q],

where ``D[m, s, y]`` is the method's value added in VSIC section ``s`` (its components summed),
``V[s, y]`` the region's annual value added and ``Q[s, q]`` the section indicators of
:class:`grdp.quarterly.regional.QuarterlyGRDP` (national quarterly value added of the section scaled to
the region's quarterly total). Core ICT therefore follows section J and electronics manufacturing
(C), digitalised trade follows G, and so on. The weights are fixed: year-specific coefficients would
put each year's rise in digital content into a step at the first quarter (the step problem of the
IMF QNA Manual 2017, ch. 6); with fixed weights the benchmarking spreads that rise smoothly through
the benchmark-to-indicator ratio. ``D[m, y]`` is benchmarked to the indicator with
:func:`grdp.quarterly.td` (proportional Denton-Cholette by default: with five annual values a
regression's rho is not identified, see ``docs/methods.md``). After the last annual estimate the
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
equals the annual share exactly; quarters after the last annual estimate are flagged ``nowcast``.

The seasonally adjusted share is indirect: numerator and denominator are adjusted separately, each with the
national seasonal factors of its sections (:mod:`grdp.quarterly.national_factors`; the constructed regional series
is too short and too national to carry a seasonal model of its own), and divided, as the research notes and the
ESS Guidelines on Seasonal Adjustment (2015) recommend for a ratio of aggregates.
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
        """Return the annual share implied by the quarters beside the annual estimate (should agree exactly).

        Returns
        -------
        pandas.DataFrame
            ``method``, ``year``, ``annual_share``, ``from_quarters``, ``difference`` (pp).
        """
        benchmarked = self.table[self.table["status"] == "benchmarked"]
        sums = benchmarked.assign(year=[p.year for p in benchmarked["period"]]) \
            .groupby(["method", "year"])[["digital_va", "grdp"]].sum()
        merged = self.annual.set_index(["method", "year"]).join(sums.add_suffix("_q"), how="inner")
        check = pd.DataFrame({"annual_share": merged["share"],
                              "from_quarters": 100 * merged["digital_va_q"] / merged["grdp_q"]})
        return check.assign(difference=check["from_quarters"] - check["annual_share"]).reset_index()


def quarterly_share(model: DigitalModel, grdp: QuarterlyGRDP, methods: list[str] | None = None,
                    td_method: str = DEFAULT_TD_METHOD,
                    extrapolation: str | Mapping[str, str] = "trend") -> QuarterlyShare:
    """Distribute each method's annual digital-economy value added over quarters and divide by GRDP.

    Parameters
    ----------
    model
        The calibrated digital-economy model of the region (:func:`grdp.digital.build`).
    grdp
        The region's quarterly GRDP (:func:`grdp.quarterly.regional.quarterly_grdp`) for the same region and
        boundary; its benchmark years are the years distributed.
    methods
        Methods to distribute (default: every method of the registry).
    td_method
        A :func:`grdp.quarterly.td` method (default ``denton-cholette``); regression methods use the
        indicator with an intercept.
    extrapolation
        ``"trend"`` (default) or ``"hold"``: how the benchmark-to-indicator ratio moves after the last annual
        estimate (see the module docstring); or a mapping of each method to its rule.

    Returns
    -------
    QuarterlyShare

    Raises
    ------
    ValueError
        Region or boundary of ``model`` and ``grdp`` differ, an unknown method, or a benchmark year without
        sector accounts in the model.
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
    rules = {m: extrapolation for m in methods} if isinstance(extrapolation, str) else dict(extrapolation)
    for method in methods:
        if rules.get(method) not in EXTRAPOLATIONS:
            raise ValueError(f"unknown extrapolation {rules.get(method)!r} for {method}; choose from "
                             f"{', '.join(EXTRAPOLATIONS)}")
    years = [int(y) for y in grdp.benchmark.index]
    missing = [y for y in years if y not in model.accounts.years]
    if missing:
        raise ValueError(f"the model has no sector accounts for {', '.join(map(str, missing))}")

    periods = grdp.sections.index
    rows, annual_rows, indicators, fits, contents = [], [], {}, {}, {}
    for name in methods:
        by_section, numerators = {}, {}
        for year in years:
            estimate = model.estimate(name, year)
            by_section[year] = estimate.components.groupby("industry")["value"].sum()
            numerators[year] = estimate.numerator
            annual_rows.append({"method": name, "year": year, "digital_va": estimate.numerator,
                                "grdp": estimate.denominator, "share": estimate.share})
        digital = pd.DataFrame(by_section).T.reindex(columns=grdp.sections.columns, fill_value=0.0).fillna(0.0)
        content = (digital.loc[years[-1]] / grdp.annual.loc[years[-1]].replace(0.0, np.nan)).fillna(0.0)
        contents[name] = content
        indicator = grdp.sections.to_numpy() @ content.to_numpy()
        indicators[name] = indicator
        fit = td(pd.Series(numerators), pd.Series(indicator, index=periods, name=name), method=td_method)
        fits[name] = fit
        values = fit.values.to_numpy() * _trend(pd.Series(numerators), indicators[name], periods, rules[name])
        rows.append(pd.DataFrame({"period": periods, "method": name, "digital_va": values,
                                  "grdp": grdp.table["grdp"].to_numpy(),
                                  "share": 100 * values / grdp.table["grdp"].to_numpy(),
                                  "status": grdp.table["status"].to_numpy()}))
    return QuarterlyShare(grdp=grdp, td_method=td_method,
                          extrapolation=extrapolation if isinstance(extrapolation, str) else rules,
                          table=pd.concat(rows, ignore_index=True),
                          annual=pd.DataFrame(annual_rows), indicators=pd.DataFrame(indicators, index=periods),
                          fits=fits, content=pd.DataFrame(contents).T)


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
    adjusted share is their ratio (indirect, ESS Guidelines on Seasonal Adjustment 2015).

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
        ``share.table`` with ``digital_va_sa``, ``grdp_sa`` and ``share_sa`` (percent) added.
    diagnostics : pandas.DataFrame
        One row per adjusted series: ``grdp`` and ``digital_va:<method>`` (method ``national factors by section``;
        their Tết columns are empty unless the region's own effect is identified, and ``warnings`` says why), then
        one row per national section (``vn:<section>``, :meth:`grdp.quarterly.seasonal.SeasonalAdjustment.row`).
    """
    grdp = share.grdp
    factors = national_factors(releases, list(grdp.sections.columns), **options)
    tet = city_tet_effect(grdp)
    sections = grdp.sections
    grdp_sa = factors.adjust(sections)
    note = tet.reason
    row = {"method": "national factors by section", "mode": "multiplicative", "arima_model": None,
           "tet_coefficient": None, "tet_standard_error": None, "tet_t_value": None, "outliers": "", "M7": None,
           "Q": None, "warnings": note}
    rows = [{"series": "grdp", **row}]
    frames = []
    for method, values in share.wide("digital_va").items():
        weights = share.content.loc[method].reindex(sections.columns).fillna(0.0)
        raw = (sections * weights).sum(axis=1)
        adjusted = factors.adjust(sections * weights)
        ratio = (adjusted / raw.replace(0.0, np.nan)).fillna(1.0)
        rows.append({"series": f"digital_va:{method}", **row})
        frames.append(pd.DataFrame({"period": values.index, "method": method,
                                    "digital_va_sa": (values * ratio.loc[values.index]).to_numpy(),
                                    "grdp_sa": grdp_sa.loc[values.index].to_numpy()}))
    table = share.table.merge(pd.concat(frames, ignore_index=True), on=["period", "method"], how="left")
    table["share_sa"] = 100 * table["digital_va_sa"] / table["grdp_sa"]
    diagnostics = pd.concat([pd.DataFrame(rows), factors.diagnostics.drop(columns="tet_kept")], ignore_index=True)
    return table, diagnostics
