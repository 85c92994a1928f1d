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
from grdp.quarterly.seasonal import SeasonalAdjustmentWarning, adjust

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
        One row per national item: ``series`` (``vn:<item>``), the :meth:`SeasonalAdjustment.row` columns and
        ``tet_kept``.
    """

    factors: pd.DataFrame
    diagnostics: pd.DataFrame

    def adjust(self, components: pd.DataFrame) -> pd.Series:
        """``sum_s components[s] / S[s]`` over the quarters of ``components`` (quarters x items)."""
        factors = self.factors.reindex(index=components.index, columns=components.columns).fillna(1.0)
        return (components / factors).sum(axis=1)


@dataclass(frozen=True)
class TetIdentification:
    """Whether a region's own Tết effect can be estimated, and why (not)."""

    identified: bool
    measured_years: tuple[int, ...]
    reason: str


def national_factors(releases: src.Releases, items: list[str] | pd.Index, **options) -> NationalFactors:
    """Seasonal factors of the national sections (see the module docstring).

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`) whose national quarterly accounts are used.
    items
        Sections (and ``TAX``) wanted.
    **options
        Passed to :func:`grdp.quarterly.seasonal.adjust` (``method``, ``before``, ...); ``tet`` is decided here.

    Returns
    -------
    NationalFactors
    """
    national = national_quarterly(releases, "current")
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
        factors[item] = series / result.adjusted
        rows.append({"series": f"vn:{item}", **result.row(), "tet_kept": kept})
    return NationalFactors(pd.DataFrame(factors), pd.DataFrame(rows))


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

