"""Quarterly series up to the vintage's quarter (issue 22): the national indicator extended by GSO's published
growth, the digital quarters benchmarked to the headline, nowcast intervals never narrower than the annual ones,
and seasonal adjustment only where X-13's diagnostics pass.

Unit tests run on small synthetic inputs; the vintage-level tests read the session's vintage 2026Q1
(:func:`conftest.built_root`), as of 2026-03-31: GSO's first estimate of 2025Q4 growth (5 January 2026) is its last
published quarter.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from grdp.quarterly import seasonal
from grdp.quarterly.nowcast import nowcast
from grdp.quarterly.regional import NATIONAL_EXTRAPOLATED, NATIONAL_GROWTH, NATIONAL_LEVELS, extended_national
from grdp.quarterly.seasonal import SeasonalAdjustment, quality_verdict

national_factors_module = importlib.import_module("grdp.quarterly.national_factors")
VINTAGE = "2026Q1"
Q = lambda text: pd.Period(text, freq="Q")  # noqa: E731


# --------------------------------------------------------------------------- the national indicator


def _rows(period, frequency, variable, industry, basis, value, unit="bn_VND"):
    return {"region": "vn", "boundary": "national", "period": period, "frequency": frequency, "variable": variable,
            "industry": industry, "price_basis": basis, "unit": unit, "value": value}


@pytest.fixture(scope="module")
def synthetic_national():
    """GSO's levels of 2023Q1-2024Q4 for A, C, G and TAX (volume 100 + 10 q + seasonality, prices rising 1% a
    quarter), then its growth of 2025Q1-Q4 by sector, and annual 2025 GDP at current prices."""
    rows, periods = [], pd.period_range("2023Q1", "2024Q4", freq="Q")
    base = {"A": 50.0, "C": 200.0, "G": 150.0, "TAX": 40.0}
    for i, p in enumerate(periods):
        season = 1 + 0.1 * (p.quarter - 2.5)
        real = {s: v * season + 2 * i for s, v in base.items()}
        price = {s: (1.01 + 0.01 * k) ** i for k, s in enumerate(base)}
        for s in base:
            rows += [_rows(str(p), "Q", "grdp", s, "constant_2010", real[s]),
                     _rows(str(p), "Q", "grdp", s, "current", real[s] * price[s])]
        rows += [_rows(str(p), "Q", "grdp", "TOTAL", "constant_2010", sum(real.values())),
                 _rows(str(p), "Q", "grdp", "TOTAL", "current", sum(real[s] * price[s] for s in base))]
    growth = {"TOTAL": 8.0, "A": 3.0, "BTF": 9.0, "GTT": 7.0}
    for q in range(1, 5):
        rows += [_rows(f"2025Q{q}", "Q", "grdp_real_growth", k, "constant_2010", v + q / 10, "percent")
                 for k, v in growth.items()]
    rows.append(_rows("2025", "A", "grdp", "TOTAL", "current", 2600.0))
    return pd.DataFrame(rows)


def test_national_quarters_after_the_last_levels_are_built_from_published_growth(synthetic_national):
    result = extended_national(synthetic_national)
    volume, nominal = result.volume, result.nominal
    assert result.published_end == Q("2025Q4")
    assert list(result.basis[result.basis == NATIONAL_GROWTH].index) == list(pd.period_range("2025Q1", "2025Q4",
                                                                                           freq="Q"))
    assert (result.basis[: Q("2024Q4")] == NATIONAL_LEVELS).all()
    for q in range(1, 5):
        now, before = Q(f"2025Q{q}"), Q(f"2024Q{q}")
        assert volume.at[now, "A"] == pytest.approx(volume.at[before, "A"] * (1.03 + q / 1000))
        assert volume.at[now, "C"] == pytest.approx(volume.at[before, "C"] * (1.09 + q / 1000))  # industry (BTF)
        assert volume.at[now, "G"] == pytest.approx(volume.at[before, "G"] * (1.07 + q / 1000))  # services (GTT)
        # product taxes take what GDP's growth leaves, so GDP grows as published
        assert volume.at[now, "TOTAL"] == pytest.approx(volume.at[before, "TOTAL"] * (1.08 + q / 1000))
        assert volume.loc[now, ["A", "C", "G", "TAX"]].sum() == pytest.approx(volume.at[now, "TOTAL"])
    # every item keeps its last year-on-year price movement, the year scaled to the published annual GDP
    price = nominal / volume
    movement = price.loc[Q("2025Q1"), "C"] / price.loc[Q("2024Q1"), "C"]
    assert price.loc[Q("2025Q3"), "C"] / price.loc[Q("2024Q3"), "C"] == pytest.approx(movement)
    assert nominal.loc[pd.period_range("2025Q1", "2025Q4", freq="Q"), "TOTAL"].sum() == pytest.approx(2600.0)


def test_a_cutoff_keeps_only_what_was_published_by_then(synthetic_national):
    result = extended_national(synthetic_national, Q("2025Q2"))
    assert result.published_end == Q("2025Q2") and result.nominal.index[-1] == Q("2025Q2")
    early = extended_national(synthetic_national, Q("2024Q3"))
    assert early.published_end == Q("2024Q3") and (early.basis == NATIONAL_LEVELS).all()


def test_quarters_after_the_last_published_one_carry_its_year_on_year_movement(synthetic_national):
    result = extended_national(synthetic_national).through(Q("2026Q2"))
    assert list(result.basis[result.basis == NATIONAL_EXTRAPOLATED].index) == [Q("2026Q1"), Q("2026Q2")]
    for table in (result.volume, result.nominal):
        movement = table.loc[Q("2025Q4")] / table.loc[Q("2024Q4")]
        np.testing.assert_allclose(table.loc[Q("2026Q2")], table.loc[Q("2025Q2")] * movement, rtol=1e-12)
    assert result.published_end == Q("2025Q4")


# --------------------------------------------------------------------------- seasonal adjustment: the diagnostics


def _adjustment(m7, q, identifiable, method="x13"):
    index = pd.period_range("2020Q1", periods=12, freq="Q")
    series = pd.Series(np.linspace(100, 120, 12) * np.tile([0.9, 1.0, 1.0, 1.1], 3), index=index)
    factor = pd.Series(np.tile([0.9, 1.0, 1.0, 1.1], 3), index=index)
    return SeasonalAdjustment(observed=series, adjusted=series / factor, seasonal=factor, trend=series / factor,
                              irregular=factor * 0 + 1, tet_effect=None, method=method, mode="multiplicative",
                              diagnostics={"M7": m7, "Q": q, "identifiable": identifiable}, warnings=[])


@pytest.mark.parametrize(("m7", "q", "identifiable", "kept"), [
    (0.5, 0.6, "yes", True), (1.109, 0.901, "no", False), (0.823, 1.15, "yes", False), (0.7, 0.8, "probably no", False),
    (1.0, 0.5, "yes", False), (None, None, None, False)])
def test_an_adjustment_is_kept_only_where_m7_q_and_the_combined_test_pass(m7, q, identifiable, kept):
    adjusted, reason = quality_verdict(_adjustment(m7, q, identifiable))
    assert adjusted is kept
    assert reason.startswith("adjusted" if kept else "not adjusted")
    if m7 is not None and not kept and m7 >= 1:
        assert f"M7 {m7:.3f} >= 1" in reason


def test_an_stl_fallback_is_kept_and_says_it_was_not_checked():
    adjusted, reason = quality_verdict(_adjustment(None, None, None, method="stl"))
    assert adjusted and "STL" in reason


def test_sections_failing_their_diagnostics_enter_unadjusted(monkeypatch):
    index = pd.period_range("2020Q1", periods=12, freq="Q")
    national = pd.DataFrame({s: np.linspace(100, 120, 12) * np.tile([0.9, 1.0, 1.0, 1.1], 3) for s in "CGJ"},
                            index=index)
    quality = {"vn:C": (0.3, 0.4, "yes"), "vn:G": (0.823, 1.15, "yes"), "vn:J": (1.2, 0.9, "no")}
    monkeypatch.setattr(national_factors_module, "adjust",
                        lambda series, tet, **options: _adjustment(*quality[str(series.name)]))
    factors = national_factors_module.national_factors(None, ["C", "G", "J"], national=national,
                                                       periods=pd.period_range("2020Q1", "2023Q2", freq="Q"))
    rows = factors.diagnostics.set_index("series")
    assert list(rows["adjusted"]) == [True, False, False] and factors.unadjusted == ["G", "J"]
    assert rows.at["vn:G", "reason"] == "not adjusted: Q 1.150 >= 1"
    assert (factors.factors[["G", "J"]] == 1.0).all().all()
    np.testing.assert_allclose(factors.factors.loc[index, "C"], np.tile([0.9, 1.0, 1.0, 1.1], 3))
    # the quarters after the national series take the factor of the same quarter a year earlier
    assert factors.factors.at[Q("2023Q2"), "C"] == pytest.approx(factors.factors.at[Q("2022Q2"), "C"])
    region = national.loc[index] * 0.1
    np.testing.assert_allclose(factors.adjust(region), region["C"] / factors.factors.loc[index, "C"]
                               + region["G"] + region["J"])
    assert factors.unadjusted_percent(region).iloc[0] == pytest.approx(200 / 3)


# --------------------------------------------------------------------------- the nowcast interval


def test_a_nowcast_interval_is_widened_to_the_annual_interval_where_it_would_be_narrower():
    periods = pd.period_range("2024Q1", "2025Q2", freq="Q")
    table = pd.DataFrame({"period": list(periods) * 2, "method": ["a"] * 6 + ["b"] * 6,
                          "share": [10.0, 10.2, 10.4, 10.6, 10.0, 10.0] * 2,
                          "status": (["benchmarked"] * 4 + ["nowcast"] * 2) * 2})
    errors = pd.DataFrame({"method": ["a"] * 6 + ["b"] * 6, "horizon": [1, 2, 1, 2, 1, 2] * 2,
                           "error": [0.001] * 6 + [0.2, -0.2] * 3})
    headline = pd.DataFrame({"method": ["a", "a", "b"], "year": [2023, 2024, 2024], "value": [10.0, 22.0, 10.3],
                             "lower": [9.0, 20.0, 10.0], "upper": [11.0, 24.5, 10.6], "level": 0.9})
    result = nowcast(SimpleNamespace(table=table), errors, headline, 0.9).table.set_index(["method", "period"])
    assert set(result.index.get_level_values("period")) == {Q("2025Q1"), Q("2025Q2")}
    assert (result["annual_year"] == 2024).all()  # 2025 has no headline yet: the last year's interval stands in
    width = result["upper"] - result["lower"]
    assert (width >= result["annual_upper"] - result["annual_lower"] - 1e-9).all()
    narrow = result.loc["a"]  # small backtest errors and a share below the year's: widened to the annual width
    assert narrow["widened"].all() and (narrow["upper"] - narrow["lower"]).to_numpy() == pytest.approx(4.5)
    assert narrow["note"].str.contains("widened to the width of the annual interval of 2024").all()
    assert not result.loc["b", "widened"].any()  # large backtest errors: wider than the annual interval already


# --------------------------------------------------------------------------- the session's vintage


@pytest.fixture(scope="module")
def tables(built_root):
    folder = built_root / "forecasts" / VINTAGE / "tables"
    names = ("quarterly_grdp", "quarterly_digital", "quarterly_nowcast", "quarterly_seasonal_diagnostics",
             "digital_headline", "quarterly_digital_annual_check")
    return {name: pd.read_csv(folder / f"{name}.csv") for name in names}


def test_vintage_2026q1_runs_to_2025q4_and_nowcasts_2026q1_and_the_next(tables):
    grdp = tables["quarterly_grdp"]
    assert list(grdp.loc[grdp["status"] != "nowcast", "period"])[-1] == "2025Q4"  # base commit: 2024Q4, then 2025Q1
    assert list(grdp.loc[grdp["status"] == "nowcast", "period"]) == ["2026Q1", "2026Q2"]
    assert set(grdp.loc[grdp["period"].str.startswith("2025"), "annual_value"]) == {"estimate"}
    assert set(grdp.loc[grdp["period"].str.startswith("2025"), "status"]) == {"benchmarked"}
    digital = tables["quarterly_digital"]
    assert set(digital.loc[digital["status"] == "nowcast", "period"]) == {"2026Q1", "2026Q2"}
    assert set(digital.loc[digital["period"] == "2025Q4", "status"]) == {"benchmarked"}
    assert set(tables["quarterly_nowcast"]["period"]) == {"2026Q1", "2026Q2"}


def test_each_years_quarters_add_up_to_the_headline_share(tables):
    digital = tables["quarterly_digital"].assign(year=lambda t: t["period"].str[:4].astype(int))
    sums = digital.groupby(["method", "year"]).agg(digital_va=("digital_va", "sum"), grdp=("grdp", "sum"),
                                                   quarters=("period", "size"))
    sums = sums[sums["quarters"] == 4]
    headline = tables["digital_headline"]
    headline = headline[(headline["region"] == "hcmc") & (headline["boundary"] == "old") & headline["value"].notna()]
    merged = sums.join(headline.set_index(["method", "year"])["value"], how="inner")
    assert len(merged) == len(sums) and set(merged.index.get_level_values("year")) == set(range(2020, 2026))
    gap = (100 * merged["digital_va"] / merged["grdp"] - merged["value"]).abs()
    assert gap.max() < 0.05, gap.sort_values().tail()  # base commit: MIC 2020 quarters 14.35 against 13.95
    assert tables["quarterly_digital_annual_check"]["difference"].abs().max() < 0.05
    # a definition the headline cannot give (the OECD narrow tier) has no quarterly series either
    assert set(digital["method"]) == set(headline["method"])


def test_nowcast_intervals_are_never_narrower_than_the_annual_interval(tables):
    rows = tables["quarterly_nowcast"].assign(year=lambda t: t["period"].str[:4].astype(int))
    headline = tables["digital_headline"]
    headline = headline[(headline["region"] == "hcmc") & (headline["boundary"] == "old") & headline["value"].notna()]
    last = headline.groupby("method")["year"].max()
    assert rows["lower"].notna().all()
    for row in rows.itertuples():
        year = row.year if ((headline["method"] == row.method) & (headline["year"] == row.year)).any() \
            else last[row.method]
        annual = headline[(headline["method"] == row.method) & (headline["year"] == year)].iloc[0]
        assert row.upper - row.lower >= annual["upper"] - annual["lower"] - 1e-9, (row.period, row.method)
        assert row.lower < row.share < row.upper


def test_sections_failing_the_diagnostics_are_not_adjusted(tables):
    rows = tables["quarterly_seasonal_diagnostics"]
    sections = rows[rows["series"].str.startswith("vn:")].set_index("series")
    failing = (sections["M7"] >= 1) | (sections["Q"] >= 1) | (sections["combined_test"] != "yes")
    assert (sections["adjusted"] == ~failing).all()
    # as of 2026-03-31 (GSO's levels to 2025Q1): M7 or Q fail for G, H, I, N and S
    assert sorted(sections.index[~sections["adjusted"]]) == ["vn:G", "vn:H", "vn:I", "vn:N", "vn:S"]
    assert sections.loc[~sections["adjusted"], "reason"].str.startswith("not adjusted").all()
    grdp = rows[rows["series"] == "grdp"].iloc[0]
    assert "G, H, I, N, S" in grdp["reason"]
    digital = tables["quarterly_digital"]
    assert (digital["grdp_unadjusted"] > 0).all() and (digital["grdp_unadjusted"] < 100).all()


def test_the_seasonal_module_exports_its_thresholds():
    assert seasonal.M7_MAX == 1.0 and seasonal.Q_MAX == 1.0
