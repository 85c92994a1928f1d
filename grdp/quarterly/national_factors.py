"""Seasonal adjustment of a region's constructed quarterly series with the national seasonal factors by section.

A region's quarterly GRDP (:mod:`grdp.quarterly.regional`) is constructed: between the quarters its own published
growth pins, its movement is the national movement of its sections. Its seasonal pattern is therefore the national
pattern of its section mix, and a seasonal model estimated on it (X-13ARIMA-SEATS with a Tết regressor on some
twenty quarters) would measure the construction, not the region: on the base commit such a run reported a Tết
coefficient of 0.041 (t = 4.0) for HCMC against 0.023 for Vietnam's GDP, with three outliers and three informative
Tết dates. The region is adjusted indirectly instead, as the ESS Guidelines on Seasonal Adjustment (2015, §1.3 on
direct and indirect adjustment) allow for aggregates of adjusted components:

    S[s, q] = Y_VN[s, q] / SA_VN[s, q],          A[q] = sum_s Q[s, q] / S[s, q],

where ``S[s, q]`` is the combined seasonal and Tết factor of national section ``s`` (X-13ARIMA-SEATS on the national
quarterly value added at current prices since 2015, :func:`grdp.quarterly.seasonal.adjust`) and ``Q[s, q]`` the
region's section indicators. A section keeps its Tết term only where X-13 estimates it with ``|t| >=``
:data:`TET_T_MIN`; it is otherwise adjusted again without it.

A section is adjusted only where X-13's diagnostics pass (:func:`grdp.quarterly.seasonal.quality_verdict`: M7 < 1,
Q < 1 and identifiable seasonality by the combined test); elsewhere ``S[s, q] = 1``, the section enters the
regional series unadjusted, and the diagnostics say why. X-13 runs on GSO's published quarterly levels only: the
quarters :func:`grdp.quarterly.regional.extended_national` builds from GSO's year-on-year growth repeat the
seasonal pattern of the year before by construction and would flatter M7 and Q. Those quarters, and the nowcast
quarters after them, take the factor of the same quarter a year earlier (a year-ahead factor; a shift of Tết
between the two years is not taken into account).

A Tết effect of the region itself is reported only where it is identified (:func:`city_tet_effect`): when at least
:data:`MIN_MEASURED_YEARS` years have all four quarters pinned by the region's own published figures, so that
January and February Tết dates are each seen several times in measured rather than constructed quarters.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd

from grdp import sources as src
from grdp.quarterly.regional import NATIONAL_MOVEMENT, QuarterlyGRDP, national_quarterly
from grdp.quarterly.seasonal import SeasonalAdjustmentWarning, adjust, quality_verdict

TET_T_MIN = 2.0
"""Smallest |t| for which a national section keeps its Tết regressor."""
MIN_MEASURED_YEARS = 7
"""Years with four quarters measured by the region's own figures needed before a regional Tết effect is estimated."""


@dataclass(frozen=True)
class NationalFactors:
    """Combined seasonal and Tết factors of the national sections.

    Attributes
    ----------
    factors
        Quarters x items (sections and ``TAX``): ``S[s, q]``, multiplicative (1 where a section is not adjusted).
    diagnostics
        One row per national item: ``series`` (``vn:<item>``), the :meth:`SeasonalAdjustment.row` columns,
        ``tet_kept``, ``adjusted`` and ``reason`` (:func:`grdp.quarterly.seasonal.quality_verdict`).
    """

    factors: pd.DataFrame
    diagnostics: pd.DataFrame

    def adjust(self, components: pd.DataFrame) -> pd.Series:
        """``sum_s components[s] / S[s]`` over the quarters of ``components`` (quarters x items)."""
        factors = self.factors.reindex(index=components.index, columns=components.columns).fillna(1.0)
        return (components / factors).sum(axis=1)

    @property
    def unadjusted(self) -> list[str]:
        """The items left unadjusted because their diagnostics fail."""
        return [str(s).removeprefix("vn:") for s, ok in zip(self.diagnostics["series"], self.diagnostics["adjusted"])
                if not ok]

    def unadjusted_percent(self, components: pd.DataFrame) -> pd.Series:
        """Percent of each quarter of ``sum_s components[s]`` in items left unadjusted."""
        left = [c for c in components.columns if c in self.unadjusted]
        total = components.sum(axis=1).replace(0.0, float("nan"))
        return (100 * components[left].sum(axis=1) / total).fillna(0.0)


@dataclass(frozen=True)
class TetIdentification:
    """Whether a region's own Tết effect can be estimated, and why (not)."""

    identified: bool
    measured_years: tuple[int, ...]
    reason: str


def national_factors(releases: src.Releases, items: list[str] | pd.Index, national: pd.DataFrame | None = None,
                     periods: pd.PeriodIndex | None = None, **options) -> NationalFactors:
    """Seasonal factors of the national sections (see the module docstring).

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`) whose national quarterly accounts are used.
    items
        Sections (and ``TAX``) wanted.
    national
        The national quarterly value added at current prices to adjust (quarters x items; default: GSO's levels,
        :func:`grdp.quarterly.regional.national_quarterly`), e.g. :attr:`QuarterlyGRDP.national` up to its last
        published quarter.
    periods
        Quarters the factors are wanted for; those after the national series take the factor of the same quarter
        a year earlier (default: the national quarters).
    **options
        Passed to :func:`grdp.quarterly.seasonal.adjust` (``method``, ``before``, ...); ``tet`` is decided here.

    Returns
    -------
    NationalFactors
    """
    national = national_quarterly(releases, "current") if national is None else national
    options.pop("tet", None)
    factors, rows = {}, []
    for item in items:
        if item not in national.columns or (national[item] <= 0).any():
            continue
        series = national[item].rename(f"vn:{item}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SeasonalAdjustmentWarning)
            result = adjust(series, tet=True, **options)
            tet = result.diagnostics.get("tet")
            kept = bool(tet and abs(tet["t_value"]) >= TET_T_MIN)
            if tet and not kept:
                result = adjust(series, tet=False, **options)
        adjusted, reason = quality_verdict(result)
        factors[item] = series / result.adjusted if adjusted else pd.Series(1.0, index=series.index)
        rows.append({"series": f"vn:{item}", **result.row(), "tet_kept": kept, "adjusted": adjusted,
                     "reason": reason})
    table = pd.DataFrame(factors)
    if periods is not None and len(table):
        table = _projected(table, periods)
    columns = ["series", "method", "mode", "arima_model", "tet_coefficient", "tet_standard_error", "tet_t_value",
               "outliers", "M7", "Q", "combined_test", "warnings", "tet_kept", "adjusted", "reason"]
    return NationalFactors(table, pd.DataFrame(rows, columns=columns))


def _projected(factors: pd.DataFrame, periods: pd.PeriodIndex) -> pd.DataFrame:
    """``factors`` on ``periods``: a quarter after the last one takes the factor of the same quarter a year earlier."""
    ahead = [p for p in periods if p > factors.index[-1]]
    out = factors.reindex(factors.index.append(pd.PeriodIndex(ahead, freq="Q")))
    for p in ahead:
        out.loc[p] = out.loc[p - 4]
    return out


def city_tet_effect(grdp: QuarterlyGRDP) -> TetIdentification:
    """Whether the region's quarterly series identifies a Tết effect of its own (module docstring).

    Parameters
    ----------
    grdp
        The region's quarterly GRDP.

    Returns
    -------
    TetIdentification
    """
    table = grdp.table[grdp.table["status"] == "benchmarked"]
    measured = table.groupby(table.index.year)["growth_source"].apply(lambda s: bool((s != NATIONAL_MOVEMENT).all()))
    years = tuple(int(y) for y, ok in measured.items() if ok)
    constructed = int((table["growth_source"] == NATIONAL_MOVEMENT).sum())
    if len(years) >= MIN_MEASURED_YEARS:
        return TetIdentification(True, years, f"{len(years)} years with four measured quarters")
    listed = ", ".join(map(str, years)) or "none"
    return TetIdentification(False, years, (
        f"no regional Tết effect is estimated: {constructed} of {len(table)} quarters follow the national movement and "
        f"only {len(years)} years have all four quarters pinned by the region's own published figures ({listed}); "
        f"at least {MIN_MEASURED_YEARS} are needed. The region is adjusted with the national factors by section, "
        "which carry the national sections' Tết effects"))

