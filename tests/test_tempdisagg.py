"""Tests for grdp.quarterly.td against R tempdisagg 1.1.1 (fixtures in tests/fixtures/tempdisagg)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grdp.quarterly import TdResult, td

FIXTURES = Path(__file__).parent / "fixtures" / "tempdisagg"
REFERENCE = json.loads((FIXTURES / "reference.json").read_text())
ALL_METHODS = [
    "chow-lin-maxlog", "chow-lin-minrss-ecotrim", "chow-lin-minrss-quilis", "chow-lin-fixed",
    "fernandez", "litterman-maxlog", "litterman-minrss", "litterman-fixed", "ols",
    "denton-cholette", "denton", "uniform",
]
DENTON = {"denton-cholette", "denton", "uniform"}
AGGREGATORS = {"sum": "sum", "average": "mean", "first": "first", "last": "last"}


@pytest.fixture(scope="module")
def annual() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "annual.csv", index_col="year")


@pytest.fixture(scope="module")
def quarterly() -> pd.DataFrame:
    q = pd.read_csv(FIXTURES / "indicators_quarterly.csv", index_col="quarter")
    q.index = pd.PeriodIndex(q.index, freq="Q")
    return q


def reaggregate(values: pd.Series, conversion: str, years: pd.Index) -> pd.Series:
    """Aggregate sub-annual values to years independently of the implementation."""
    grouped = values.groupby(values.index.year).agg(AGGREGATORS[conversion])
    return grouped.loc[list(years)]


# --------------------------------------------------------------------------- R reference


@pytest.mark.parametrize("case", list(REFERENCE))
def test_matches_r_tempdisagg(case: str, annual: pd.DataFrame, quarterly: pd.DataFrame) -> None:
    ref = REFERENCE[case]
    X = None if ref["formula"] == "y ~ 1" else quarterly
    result = td(annual[ref["conversion"]], X, method=ref["method"], conversion=ref["conversion"],
                formula=ref["formula"])

    np.testing.assert_allclose(result.values.to_numpy(), ref["values"], rtol=1e-6, atol=0)
    assert result.values.index[0] == pd.Period("2009Q1", freq="Q")
    ref_coefficients = ref["coefficients"] or {}  # an empty list for Denton methods
    assert list(result.coefficients.index) == list(ref_coefficients)
    expected = list(ref_coefficients.values())
    np.testing.assert_allclose(result.coefficients.to_numpy(), expected, rtol=1e-6, atol=0)
    if ref["rho"] is None:
        assert result.rho is None
    else:
        np.testing.assert_allclose(result.rho, ref["rho"], rtol=1e-6, atol=0)


def test_default_formula_includes_intercept_for_regression(annual, quarterly) -> None:
    ref = REFERENCE["chow-lin-maxlog_sum"]
    result = td(annual["sum"], quarterly)
    assert list(result.coefficients.index) == list(ref["coefficients"])
    np.testing.assert_allclose(result.values.to_numpy(), ref["values"], rtol=1e-6)


def test_default_formula_has_no_intercept_for_denton(annual, quarterly) -> None:
    result = td(annual["sum"], quarterly["x1"], method="denton-cholette")
    expected = REFERENCE["denton-cholette_sum"]["values"]
    np.testing.assert_allclose(result.values.to_numpy(), expected, rtol=1e-6)


def test_period_index_and_integer_years_agree(annual, quarterly) -> None:
    y_int = annual["sum"]
    y_period = y_int.set_axis(pd.period_range("2009", periods=len(y_int), freq="Y"))
    a, b = td(y_int, quarterly), td(y_period, quarterly)
    pd.testing.assert_series_equal(a.values, b.values)
    assert isinstance(a.values.index, pd.PeriodIndex) and a.values.index.freqstr.startswith("Q")


# --------------------------------------------------------------------------- aggregation identity


@pytest.mark.parametrize("conversion", list(AGGREGATORS))
@pytest.mark.parametrize("method", ALL_METHODS)
def test_aggregation_identity(method: str, conversion: str, annual, quarterly) -> None:
    y = annual[conversion]
    result = td(y, quarterly, method=method, conversion=conversion,
                formula="0 + x1" if method in DENTON else None)
    diff = reaggregate(result.values, conversion, y.index).to_numpy() - y.to_numpy()
    assert np.max(np.abs(diff)) < 1e-9
    assert result.aggregation_check < 1e-9
    assert len(result.values) == len(quarterly)  # the two quarters of 2025 are extrapolated


def test_backcast_and_monthly_target() -> None:
    rng = np.random.default_rng(11)
    months = pd.period_range("2009-01", periods=12 * 7 + 3, freq="M")  # 2009 is backcast
    x = pd.Series(100 + np.cumsum(rng.normal(0.5, 1, len(months))), index=months, name="x")
    y = pd.Series(x["2010-01":"2015-12"].groupby(x["2010-01":"2015-12"].index.year).sum().to_numpy()
                  * 1.1 + rng.normal(0, 5, 6), index=range(2010, 2016))
    result = td(y, x, to="monthly", conversion="sum")
    assert result.values.index.equals(months)
    diff = reaggregate(result.values, "sum", y.index).to_numpy() - y.to_numpy()
    assert np.max(np.abs(diff)) < 1e-9


# --------------------------------------------------------------------------- options


def test_fixed_rho_is_used(annual, quarterly) -> None:
    for method in ("chow-lin-fixed", "litterman-fixed"):
        assert td(annual["sum"], quarterly, method=method, fixed_rho=0.3).rho == 0.3


def test_truncation_of_rho(annual, quarterly) -> None:
    truncated = td(annual["sum"], quarterly, method="litterman-maxlog", formula="x1")
    free = td(annual["sum"], quarterly, method="litterman-maxlog", formula="x1", truncated_rho=-1.0)
    assert truncated.rho == 0.0 and truncated.rho_truncated
    assert free.rho < 0.0 and not free.rho_truncated
    assert not np.allclose(free.values, truncated.values)


def test_maxlog_rho_maximises_likelihood(annual, quarterly) -> None:
    best = td(annual["sum"], quarterly)
    for delta in (-1e-3, 1e-3):
        other = td(annual["sum"], quarterly, method="chow-lin-fixed", fixed_rho=best.rho + delta)
        assert other.loglik < best.loglik


def test_predict_summary_and_result(annual, quarterly) -> None:
    result = td(annual["sum"], quarterly)
    assert isinstance(result, TdResult)
    assert result.predict() is result.values
    design = np.column_stack([np.ones(len(quarterly)), quarterly[["x1", "x2"]].to_numpy()])
    fitted = design @ result.coefficients.to_numpy()
    np.testing.assert_allclose(result.predict("indicator").to_numpy(), fitted)
    with pytest.raises(ValueError, match="unknown kind"):
        result.predict("fitted")
    text = result.summary()
    for expected in ("chow-lin-maxlog", "(Intercept)", "x2", "Std. Error", "AR1-Parameter",
                     "Log-likelihood", "AIC", "Aggregation check"):
        assert expected in text
    assert result.aic == pytest.approx(-2 * result.loglik + 2 * 5)
    assert "No coefficients" in td(annual["sum"], method="uniform").summary()


# --------------------------------------------------------------------------- warnings


def test_negative_values_warn_with_weak_indicator() -> None:
    rng = np.random.default_rng(3)
    quarters = pd.period_range("2001Q1", periods=48, freq="Q")
    level = np.repeat(rng.normal(0, 1, 12), 4)
    x = pd.Series(40 * np.tile([-1, 1, -1, 1], 12) + level + rng.normal(0, 5, 48), index=quarters, name="x")
    y = pd.Series(20 + 16 * level[::4] + rng.normal(0, 1, 12), index=range(2001, 2013))
    result = td(y, x)
    assert result.values.min() < 0
    assert any("negative" in w for w in result.warnings)


def test_no_warnings_for_well_behaved_case(annual, quarterly) -> None:
    assert td(annual["sum"], quarterly).warnings == []


def test_regression_without_indicator_warns(annual) -> None:
    result = td(annual["sum"], method="chow-lin-fixed", formula="y ~ 1")
    assert any("no indicator" in w for w in result.warnings)


# --------------------------------------------------------------------------- errors


def test_unknown_method_and_conversion(annual, quarterly) -> None:
    with pytest.raises(ValueError, match="unknown method 'chow-lin'.*chow-lin-maxlog"):
        td(annual["sum"], quarterly, method="chow-lin")
    with pytest.raises(ValueError, match="unknown conversion 'mean'.*average"):
        td(annual["sum"], quarterly, conversion="mean")


def test_missing_values_in_y(annual, quarterly) -> None:
    y = annual["sum"].copy()
    y.loc[2012] = np.nan
    with pytest.raises(ValueError, match="y has missing values at 2012"):
        td(y, quarterly)


def test_missing_values_in_X(annual, quarterly) -> None:
    X = quarterly.copy()
    X.loc[pd.Period("2010Q2", freq="Q"), "x1"] = np.nan
    with pytest.raises(ValueError, match="'x1' has missing values at 2010Q2"):
        td(annual["sum"], X)


def test_indicator_not_covering_annual_periods(annual, quarterly) -> None:
    with pytest.raises(ValueError, match="must cover every period of y's years 2009-2024"):
        td(annual["sum"], quarterly.iloc[4:])


def test_mismatched_lengths_positional(annual, quarterly) -> None:
    with pytest.raises(ValueError, match=r"\(60 periods\).*64 periods"):
        td(annual["sum"], quarterly.to_numpy()[:60])
    positional = td(annual["sum"], quarterly.to_numpy(), formula="x1 + x2")
    expected = REFERENCE["chow-lin-maxlog_sum"]["values"]
    np.testing.assert_allclose(positional.values.to_numpy(), expected, rtol=1e-6)


def test_non_overlapping_periods(annual, quarterly) -> None:
    X = quarterly.set_axis(pd.period_range("2030Q1", periods=len(quarterly), freq="Q"))
    with pytest.raises(ValueError, match="does not overlap"):
        td(annual["sum"], X)


def test_too_few_annual_observations(annual, quarterly) -> None:
    with pytest.raises(ValueError, match="needs at least 3 annual observations.*y has 2"):
        td(annual["sum"].loc[2009:2010], quarterly, formula="x1")
    X = quarterly.assign(x3=np.arange(len(quarterly)) ** 0.5)
    with pytest.raises(ValueError, match="needs at least 5 annual observations.*y has 4"):
        td(annual["sum"].loc[2009:2012], X, method="fernandez")


def test_denton_needs_single_indicator(annual, quarterly) -> None:
    with pytest.raises(ValueError, match="single indicator.*0 \\+ x1"):
        td(annual["sum"], quarterly, method="denton-cholette")


def test_formula_errors(annual, quarterly) -> None:
    with pytest.raises(ValueError, match="unsupported term 'log\\(x1\\)'"):
        td(annual["sum"], quarterly, formula="log(x1)")
    with pytest.raises(ValueError, match="no column.*x3"):
        td(annual["sum"], quarterly, formula="x1 + x3")
    with pytest.raises(ValueError, match="X is None"):
        td(annual["sum"], formula="x1")


def test_frequency_and_type_errors(annual, quarterly) -> None:
    with pytest.raises(ValueError, match="not matching to='monthly'"):
        td(annual["sum"], quarterly, to="monthly")
    with pytest.raises(TypeError, match="pandas Series"):
        td(annual["sum"].to_numpy(), quarterly)
    with pytest.raises(TypeError, match="to_period"):
        td(annual["sum"], quarterly.set_axis(quarterly.index.to_timestamp()))
