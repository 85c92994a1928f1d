"""Quarterly GRDP, quarterly digital-economy shares and the nowcast (grdp.quarterly.regional,
digital_share, nowcast): accounting identities, hand computations, flags and error messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from grdp import accounts, digital, sources
from grdp.accounts import SectorAccounts
from grdp.digital.uncertainty import simulate
from grdp.quarterly.digital_share import quarterly_share, seasonally_adjusted
from grdp.quarterly.nowcast import MIN_ERRORS, backtest, choose_extrapolation, nowcast
from grdp.quarterly.regional import EXTRAPOLATED, NATIONAL_MOVEMENT, national_quarterly, quarterly_grdp
from grdp.report import charts
from grdp.sources import Releases

AS_OF = "2025-12-31"
ITEMS = list("ABCDEFGHIJKLMNOPQRST") + ["TAX"]


@pytest.fixture(scope="module")
def hcmc(observations):
    return accounts.assemble("hcmc", "old", Releases(observations, AS_OF))


@pytest.fixture(scope="module")
def model(observations):
    return digital.build("hcmc", "old", Releases(observations, AS_OF))


NOWCAST_TO = "2026Q1"
"""The vintage's own quarter and the next (vintage 2025Q4), as notebook 03 estimates them."""


@pytest.fixture(scope="module")
def quarterly(hcmc, observations):
    return quarterly_grdp(hcmc, Releases(observations, AS_OF), last_quarter=NOWCAST_TO)


@pytest.fixture(scope="module")
def share(model, quarterly):
    return quarterly_share(model, quarterly)


def annual_width(table: pd.DataFrame) -> pd.Series:
    """The width of the annual interval each nowcast row may not be narrower than."""
    return table["annual_upper"] - table["annual_lower"]


def national(observations, basis):
    rows = sources.as_of(observations, AS_OF)
    rows = rows[(rows["region"] == "vn") & (rows["frequency"] == "Q") & (rows["variable"] == "grdp")
                & (rows["price_basis"] == basis) & rows["industry"].isin(ITEMS)]
    table = rows.pivot(index="period", columns="industry", values="value")
    table.index = pd.PeriodIndex(table.index, freq="Q")
    return table[ITEMS]


# --------------------------------------------------------------------------- quarterly GRDP


@pytest.mark.parametrize("basis", ["current", "constant_2010"])
def test_national_quarters_add_up_to_gdp(observations, basis):
    table = national_quarterly(Releases(observations, AS_OF), basis)
    assert table.index[0] == pd.Period("2015Q1", freq="Q") and table.index.is_monotonic_increasing
    np.testing.assert_allclose(table[ITEMS].sum(axis=1), table["TOTAL"], rtol=1e-6)  # GSO rounds to 0.1 bn


def test_quarters_add_up_to_annual_grdp(quarterly, hcmc):
    table = quarterly.table
    annual = hcmc.wide("value")["TOTAL"]
    years = table[table.index.year <= 2025]
    sums = years.groupby(years.index.year)["grdp"].sum()
    assert list(sums.index) == list(range(2020, 2026)) == list(quarterly.benchmark.index)
    np.testing.assert_allclose(sums.to_numpy(), annual.loc[sums.index].to_numpy(), rtol=1e-9)
    assert quarterly.fit.aggregation_check < 1e-6
    # GSO's first estimate of 2025Q3 growth (October 2025) is the last published quarter as of 2025-12-31
    assert quarterly.published_end == pd.Period("2025Q3", freq="Q")
    assert list(table.index[table["status"] == "nowcast"]) == list(pd.period_range("2025Q4", "2026Q1", freq="Q"))
    assert set(table.loc[table.index <= "2025Q3", "status"]) == {"benchmarked"}


def test_national_indicator_set_ignores_published_growth(hcmc, observations):
    result = quarterly_grdp(hcmc, Releases(observations, AS_OF), "national")
    published = result.table[result.table["status"] != "nowcast"]
    assert set(published["growth_source"]) == {NATIONAL_MOVEMENT}
    assert set(result.table.loc[result.table["status"] == "nowcast", "growth_source"]) == {EXTRAPOLATED}
    assert not result.table["grdp"].equals(quarterly_grdp(hcmc, Releases(observations, AS_OF), "hcmc").table["grdp"])


def test_sections_add_up_to_quarterly_grdp(quarterly):
    np.testing.assert_allclose(quarterly.sections.sum(axis=1), quarterly.table["grdp"], rtol=1e-12)


def test_region_proportional_to_the_nation_is_recovered_exactly(observations):
    """A region that is 20% of the nation in every section has 20% of every national quarter."""
    nominal = national(observations, "current")
    years = range(2018, 2025)
    annual = 0.2 * nominal[nominal.index.year.isin(years)].groupby(nominal.index.year[
        nominal.index.year.isin(years)]).sum()
    rows = [{"region": "x", "boundary": "old", "year": y, "industry": s, "value": annual.at[y, s], "share": 0.0,
             "quality": "published", "method": "synthetic", "sources": ""} for y in years for s in ITEMS]
    rows += [{"region": "x", "boundary": "old", "year": y, "industry": "TOTAL", "value": annual.loc[y].sum(),
              "share": 1.0, "quality": "published", "method": "synthetic", "sources": ""} for y in years]
    synthetic = SectorAccounts("x", "old", AS_OF, pd.DataFrame(rows))
    result = quarterly_grdp(synthetic, Releases(observations, AS_OF), "national")
    levels = result.table.index[result.table.index.isin(nominal.index)]
    assert levels[-1] == pd.Period("2025Q1", freq="Q") and result.table.index[-1] == pd.Period("2025Q3", freq="Q")
    np.testing.assert_allclose(result.table.loc[levels, "grdp"], 0.2 * nominal.loc[levels].sum(axis=1), rtol=1e-9)
    # after GSO's levels, 20% of the nation as extended by its published growth (the 2024 ratio held)
    expected = 0.2 * result.national.loc[result.table.index, ITEMS].sum(axis=1)
    np.testing.assert_allclose(result.table["grdp"], expected, rtol=1e-9)


def test_truncated_information_extrapolates_later_quarters(hcmc, observations):
    result = quarterly_grdp(hcmc, Releases(observations, AS_OF), last_year=2022, last_quarter="2023Q4")
    assert list(result.benchmark.index) == [2020, 2021, 2022]
    late = result.table[result.table.index.year == 2023]
    # 2023's quarters were published (national accounts, city growth) but its annual GRDP is not used
    assert set(late["status"]) == {"extrapolated"} and set(late["ratio_year"]) == {2022}
    ratio = result.table["grdp"] / result.table["indicator"]
    assert ratio["2023Q1":].to_numpy() == pytest.approx(ratio["2022Q4"], rel=1e-9)  # Denton holds the BI ratio


def test_checks_compare_published_figures_side_by_side(quarterly):
    checks = quarterly.checks
    row = checks[(checks["period"] == pd.Period("2025Q1", freq="Q")) & (checks["variable"] == "grdp")].iloc[0]
    assert row["published"] == 457617.0 and row["status"] == "benchmarked"
    assert row["difference"] == pytest.approx(100 * (row["estimate"] / row["published"] - 1))
    growth = checks[checks["variable"] == "grdp_real_growth"]
    assert (growth["difference"] == growth["estimate"] - growth["published"]).all()


def test_quarterly_grdp_errors(hcmc, observations):
    with pytest.raises(ValueError, match="unknown indicator set 'retail'"):
        quarterly_grdp(hcmc, Releases(observations, AS_OF), "retail")
    with pytest.raises(ValueError, match="no annual accounts up to 2000 after the first year of national quarterly data"):
        quarterly_grdp(hcmc, Releases(observations, AS_OF), last_year=2000)


# --------------------------------------------------------------------------- quarterly digital share


def test_quarterly_shares_reproduce_the_annual_shares(share, model):
    check = share.annual_check()
    assert len(check) == 6 * 6  # 2025 too: its annual GRDP is an estimate (moved by growth), its quarters add up to it
    assert check["difference"].abs().max() < 1e-9
    gso_2023 = check[(check["method"] == "gso") & (check["year"] == 2023)]["annual_share"].iloc[0]
    assert gso_2023 == pytest.approx(model.estimate("gso", 2023).share)


def test_quarters_add_up_to_the_headline_share_of_each_year(model, quarterly):
    """With the headline (published figure, else grdp's estimate), each year's quarters average to it, value-added
    weighted; a definition without a figure has no quarterly series."""
    rows = [{"region": "hcmc", "boundary": "old", "method": "gso", "year": y,
             "status": "published" if y < 2024 else "estimate", "value": 12.0 + 0.5 * (y - 2020)}
            for y in range(2020, 2026)]
    rows += [{"region": "hcmc", "boundary": "old", "method": "oecd-narrow", "year": y, "status": "not_supported",
              "value": np.nan} for y in range(2020, 2026)]
    share = quarterly_share(model, quarterly, ["gso", "oecd-narrow"], headline=pd.DataFrame(rows))
    assert set(share.table["method"]) == {"gso"}
    check = share.annual_check().set_index("year")
    assert list(check.index) == list(range(2020, 2026)) and check["difference"].abs().max() < 1e-9
    assert list(check["annual_share"]) == [12.0 + 0.5 * k for k in range(6)]
    assert list(check["status"]) == ["published"] * 4 + ["estimate"] * 2
    quarters = share.table.assign(year=[p.year for p in share.table["period"]])
    sums = quarters[quarters["year"] == 2020][["digital_va", "grdp"]].sum()
    assert 100 * sums["digital_va"] / sums["grdp"] == pytest.approx(12.0, abs=1e-9)
    assert model.estimate("gso", 2020).share != pytest.approx(12.0, abs=0.05)  # not the model's annual value
    assert set(share.table.loc[share.table["period"] == pd.Period("2026Q1", freq="Q"), "status"]) == {"nowcast"}
    with pytest.raises(ValueError, match="the headline has boundary merged"):
        quarterly_share(model, quarterly, ["gso"], headline=pd.DataFrame(rows).assign(boundary="merged"))


def test_indicator_weights_are_the_last_years_digital_content(share, model, quarterly):
    estimate = model.estimate("gso", 2025)
    content = estimate.components.groupby("industry")["value"].sum() / quarterly.annual.loc[2025]
    expected = (quarterly.sections * content.reindex(quarterly.sections.columns).fillna(0.0)).sum(axis=1)
    np.testing.assert_allclose(share.indicators["gso"], expected, rtol=1e-12)


def test_nowcast_extrapolation_hold_and_trend(model, quarterly):
    hold = quarterly_share(model, quarterly, ["gso"], extrapolation="hold")
    trend = quarterly_share(model, quarterly, ["gso"], extrapolation="trend")
    values = hold.table.set_index("period")["digital_va"]
    bi = values / hold.indicators["gso"]
    assert bi["2026Q1"] == pytest.approx(bi["2025Q4"], rel=1e-9)
    annual = hold.annual.set_index("year")["digital_va"]
    indicator = hold.indicators["gso"]
    ratio = {y: annual[y] / indicator[indicator.index.year == y].sum() for y in (2020, 2025)}
    growth = (ratio[2025] / ratio[2020]) ** (1 / 20)
    trended = trend.table.set_index("period")["digital_va"]
    assert trended["2026Q1"] == pytest.approx(values["2026Q1"] * growth, rel=1e-12)
    assert trended["2020Q1":"2025Q4"].to_numpy() == pytest.approx(values["2020Q1":"2025Q4"].to_numpy(), rel=1e-12)
    assert set(trend.table.loc[trend.table["period"] == pd.Period("2026Q1", freq="Q"), "status"]) == {"nowcast"}


def test_quarterly_share_errors(model, quarterly, observations):
    with pytest.raises(ValueError, match="unknown method"):
        quarterly_share(model, quarterly, ["nso"])
    with pytest.raises(ValueError, match="unknown extrapolation 'linear'"):
        quarterly_share(model, quarterly, extrapolation="linear")
    with pytest.raises(ValueError, match="unknown temporal-disaggregation method"):
        quarterly_share(model, quarterly, td_method="spline")
    vn = accounts.assemble("vn", "national", Releases(observations, AS_OF))
    with pytest.raises(ValueError, match="model is for hcmc/old but the quarterly GRDP for vn/national"):
        quarterly_share(model, quarterly_grdp(vn, Releases(observations, AS_OF), "national"))


def test_seasonally_adjusted_share_is_the_ratio_of_adjusted_aggregates(share, observations):
    table, diagnostics = seasonally_adjusted(share, Releases(observations, AS_OF), method="stl")
    methods = [f"digital_va:{m}" for m in share.wide().columns]
    assert list(diagnostics["series"][:1 + len(methods)]) == ["grdp"] + methods
    assert set(diagnostics["method"][:1 + len(methods)]) == {"national factors by section"}
    assert diagnostics["series"][1 + len(methods):].str.startswith("vn:").all()
    np.testing.assert_allclose(table["share_sa"], 100 * table["digital_va_sa"] / table["grdp_sa"], rtol=1e-12)
    per_period = table.groupby("period")["grdp_sa"].nunique()
    assert (per_period == 1).all()  # one adjusted GRDP shared by every method
    assert len(table) == len(share.table) and table["share_sa"].notna().all()


def test_quarterly_chart_needs_its_columns(share):
    with pytest.raises(ValueError, match="needs columns lower, upper in nowcast"):
        charts.quarterly_shares(share.table, share.annual, share.table[["period", "method", "share"]])


# --------------------------------------------------------------------------- nowcast


@pytest.fixture(scope="module")
def errors(model, hcmc, observations, share):
    return backtest(model, hcmc, Releases(observations, AS_OF), share)


def test_backtest_compares_truncated_runs_with_the_final_run(errors, share):
    """The vintage (annual figures to 2025, quarters published to 2025Q3, estimated to 2026Q1) shifted back by whole
    years: the quarters after 2024Q3 of the run with annual figures to 2024, and so on."""
    assert sorted(errors["origin"].unique()) == [2020, 2021, 2022, 2023, 2024]
    assert sorted(errors["horizon"].unique()) == [1, 2]
    final = share.table.set_index(["period", "method"])
    for _, row in errors.sample(10, random_state=1).iterrows():
        assert row["final"] == final.at[(row["period"], row["method"]), "share"]
        assert final.at[(row["period"], row["method"]), "status"] == "benchmarked"
        assert row["error"] == pytest.approx(np.log(row["nowcast"] / row["final"]))
        assert row["period"] == pd.Period(f"{row['origin']}Q3", freq="Q") + row["horizon"]


def test_each_method_keeps_the_extrapolation_with_the_lower_backtest_error(model, hcmc, observations, quarterly):
    share, errors, choice = choose_extrapolation(model, hcmc, Releases(observations, AS_OF), quarterly, ["gso", "mic"])
    for rule in ("trend", "hold"):
        run = backtest(model, hcmc, Releases(observations, AS_OF),
                       quarterly_share(model, quarterly, ["gso", "mic"], extrapolation=rule))
        for method in ("gso", "mic"):
            rmse = 100 * run.loc[run["method"] == method, "error"].pow(2).mean() ** 0.5
            assert choice.set_index("method").loc[method, f"rmse_{rule}"] == pytest.approx(rmse)
    best = choice.set_index("method")
    for method, row in best.iterrows():
        assert row["chosen"] == ("hold" if row["rmse_hold"] < row["rmse_trend"] else "trend")
        assert share.extrapolation[method] == row["chosen"]
        chosen = errors[errors["method"] == method]["error"].pow(2).mean() ** 0.5
        assert 100 * chosen == pytest.approx(min(row["rmse_hold"], row["rmse_trend"]))


def test_nowcast_interval_by_hand(model, share, errors):
    intervals = simulate(model, 2025, draws=2000, seed=3).intervals(0.8)
    result = nowcast(share, errors, intervals, level=0.8).table
    row = result[result["method"] == "mic"].iloc[0]
    assert row["period"] == pd.Period("2025Q4", freq="Q") and row["horizon"] == 1 and row["n_errors"] == 5
    e = errors[(errors["method"] == "mic") & (errors["horizon"] == 1)]["error"]
    annual = intervals[(intervals["method"] == "mic") & (intervals["component"] == "total")].iloc[0]
    sd_a = (np.log(annual["upper"]) - np.log(annual["lower"])) / (2 * stats.norm.ppf(0.9))
    spread = stats.t.ppf(0.9, df=5) * np.hypot(np.sqrt((e ** 2).mean()), sd_a)
    spread = max(spread, np.arcsinh((annual["upper"] - annual["lower"]) / (2 * row["share"])))
    assert row["lower"] == pytest.approx(row["share"] * np.exp(-spread))
    assert row["upper"] == pytest.approx(row["share"] * np.exp(spread))
    assert (result["lower"] < result["share"]).all() and (result["share"] < result["upper"]).all()
    assert (result["upper"] - result["lower"] >= annual_width(result) - 1e-9).all()


def test_nowcast_without_enough_backtest_errors_gives_no_interval(model, share, errors):
    intervals = simulate(model, 2025, draws=500, seed=3).intervals(0.9)
    few = errors[errors["origin"] == 2024]  # one error per method and horizon
    assert MIN_ERRORS > 1
    result = nowcast(share, few, intervals, 0.9).table
    assert result["lower"].isna().all() and result["upper"].isna().all()
    assert result["note"].str.contains("1 backtest error").all()
    with pytest.raises(ValueError, match="annual_intervals are at level 0.9, not 0.8"):
        nowcast(share, errors, intervals, 0.8)
    with pytest.raises(ValueError, match="level must lie strictly between 0 and 1"):
        nowcast(share, errors, intervals, 1.5)
