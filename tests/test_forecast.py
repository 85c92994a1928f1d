"""Forecasting models, backtests, the ensemble and the target arithmetic.

Synthetic series with known parameters check that the models recover them; the target arithmetic is
checked against hand computations (methods note §4.2); short samples must give the stated fallback.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from grdp.forecast import backtest, ensemble
from grdp.forecast import policy_targets as tg
from grdp.forecast.models import MODELS, forecast, increment_correlation

YEARS = pd.Index(np.arange(1900, 2100), dtype=int)


def random_walk(n: int, drift: float, sigma: float, seed: int, start: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return start + np.cumsum(drift + sigma * rng.standard_normal(n))


def share_frame(years: pd.Index, share: np.ndarray, grdp_growth: float = 0.08, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    denominator = 1000 * np.exp(np.cumsum(grdp_growth + 0.01 * rng.standard_normal(len(years))))
    return pd.DataFrame({"share": share, "numerator": share / 100 * denominator, "denominator": denominator},
                        index=years)


# ---------------------------------------------------------------------------------------------
# Parameter recovery


def test_drift_recovers_drift_and_sigma():
    y = pd.Series(random_walk(200, 0.3, 0.5, seed=1, start=10), index=YEARS)
    fit = forecast(y, "drift", 5, scale="rate", seed=0).report
    assert fit.status == "ok"
    assert fit.params["drift"] == pytest.approx(0.3, abs=3 * 0.5 / np.sqrt(199))
    assert fit.params["sigma"] == pytest.approx(0.5, rel=0.15)


def test_drift_handles_gaps_as_longer_increments():
    full = pd.Series(random_walk(120, 0.2, 0.3, seed=2, start=5), index=YEARS[:120])
    gappy = full.drop(full.index[10:60:3])  # drop every third year in a stretch
    fit = forecast(gappy, "drift", 3, scale="rate", seed=0).report
    # the GLS drift over gaps is (last - first) / span, the same as with every year
    assert fit.params["drift"] == pytest.approx((full.iloc[-1] - full.iloc[0]) / 119, rel=1e-12)


def test_drift_of_a_share_is_estimated_on_the_logit_scale():
    z = random_walk(150, 0.04, 0.05, seed=4, start=-2.5)
    share = pd.Series(100 / (1 + np.exp(-z)), index=YEARS[:150])
    fit = forecast(share, "drift", 5, seed=0).report
    assert fit.params["drift"] == pytest.approx(0.04, abs=3 * 0.05 / np.sqrt(149))
    assert fit.params["sigma"] == pytest.approx(0.05, rel=0.15)


@pytest.mark.parametrize("curve, function", [
    ("logistic", lambda t: 40 / (1 + np.exp(-0.3 * (t - 2015)))),
    ("gompertz", lambda t: 40 * np.exp(-np.exp(-0.3 * (t - 2015)))),
])
def test_saturation_curves_recover_ceiling_rate_and_midpoint(curve, function):
    years = pd.Index(np.arange(2000, 2031), dtype=int)
    noise = np.exp(0.005 * np.random.default_rng(5).standard_normal(len(years)))
    fit = forecast(pd.Series(function(years.to_numpy()) * noise, index=years), curve, 5, seed=0).report
    assert fit.status == "ok" and fit.converged
    assert fit.params["ceiling"] == pytest.approx(40, rel=0.05)
    assert fit.params["rate"] == pytest.approx(0.3, rel=0.1)
    assert fit.params["midpoint_year"] == pytest.approx(2015, abs=0.5)


def test_uc_recovers_level_variance_of_a_random_walk_with_drift():
    y = pd.Series(np.exp(random_walk(60, 0.05, 0.02, seed=6, start=7)), index=YEARS[:60])
    fit = forecast(y, "uc", 5, scale="level", seed=0).report
    assert fit.status == "ok" and fit.converged and fit.spec.startswith("UC local linear trend")
    sd = np.sqrt(fit.params["sigma2.level"] + fit.params["sigma2.irregular"])
    assert sd == pytest.approx(0.02, rel=0.3)


def test_ets_extrapolates_a_noiseless_trend():
    y = pd.Series(np.exp(5 + 0.06 * np.arange(30) + 1e-4 * np.random.default_rng(7).standard_normal(30)),
                  index=YEARS[:30])
    result = forecast(y, "ets", 3, scale="level", seed=0)
    assert result.report.converged
    expected = np.exp(5 + 0.06 * np.arange(30, 33))
    np.testing.assert_allclose(result.point, expected, rtol=0.01)


def test_driver_correlation_is_measured_from_log_increments():
    t = np.arange(50)
    a = random_walk(50, 0.1, 0.05, seed=8)
    np.testing.assert_allclose(increment_correlation(t, a, a, 1), 1.0)
    assert increment_correlation(t[:3], a[:3], a[:3], 1) is None


# ---------------------------------------------------------------------------------------------
# Intervals and probabilities


@pytest.fixture(scope="module")
def long_share():
    years = pd.Index(np.arange(2000, 2025), dtype=int)
    z = random_walk(len(years), 0.05, 0.04, seed=9, start=-2.2)
    return share_frame(years, 100 / (1 + np.exp(-z)))


@pytest.mark.parametrize("model", ["naive", "drift", "drivers-uc", "drivers-ets"])
def test_intervals_widen_with_the_horizon(long_share, model):
    result = forecast(long_share, model, 8, seed=1, draws=4000)
    bands = result.quantiles((0.8, 0.95))
    for level in (80, 95):
        width = (bands[f"upper_{level}"] - bands[f"lower_{level}"]).to_numpy()
        assert np.all(np.diff(width) > 0), width
    assert np.all(bands["upper_95"] >= bands["upper_80"]) and np.all(bands["lower_95"] <= bands["lower_80"])


@pytest.mark.parametrize("model", MODELS["share"][:2] + ("drivers-uc",))
def test_probabilities_are_consistent_with_the_intervals(long_share, model):
    result = forecast(long_share, model, 6, seed=2, draws=5000)
    bands = result.quantiles((0.8,))
    for h in range(6):
        p_upper = result.probability_at_least(bands["upper_80"].iloc[h]).iloc[h]
        p_lower = result.probability_at_least(bands["lower_80"].iloc[h]).iloc[h]
        p_median = result.probability_at_least(bands["median"].iloc[h]).iloc[h]
        assert 0 <= p_upper <= p_median <= p_lower <= 1
        assert p_upper == pytest.approx(0.10, abs=0.002)
        assert p_lower == pytest.approx(0.90, abs=0.002)
        assert p_median == pytest.approx(0.50, abs=0.002)


@pytest.mark.parametrize("model", ["naive", "drift"])
def test_share_paths_stay_inside_zero_and_hundred(model):
    # a share near 1% falling fast: a random walk on the share itself would cross zero within the horizon
    share = pd.Series([4.0, 3.0, 2.2, 1.5, 1.0, 0.7], index=YEARS[:6])
    draws = forecast(share, model, 30, seed=3, draws=4000).draws
    assert np.all((draws > 0) & (draws < 100))
    assert np.percentile(draws[:, -1], 2.5) > 0


def test_same_seed_same_paths_other_seed_other_paths(long_share):
    a = forecast(long_share, "drift", 4, seed=11).draws
    b = forecast(long_share, "drift", 4, seed=11).draws
    c = forecast(long_share, "drift", 4, seed=12).draws
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_quarterly_seasonal_naive_repeats_last_year():
    index = pd.period_range("2015Q1", periods=24, freq="Q")
    season = np.tile([1.0, 3.0, 2.0, 5.0], 6)
    y = pd.Series(100 + season + np.arange(24) * 0.0, index=index)
    result = forecast(y + np.random.default_rng(1).normal(0, 1e-6, 24), "naive", 4, scale="level", seed=0)
    np.testing.assert_allclose(result.point, y.iloc[-4:].to_numpy(), rtol=1e-6)
    assert list(result.index) == list(pd.period_range("2021Q1", periods=4, freq="Q"))


# ---------------------------------------------------------------------------------------------
# Short samples and bad input


def test_short_samples_give_the_stated_fallbacks():
    years = pd.Index(np.arange(2020, 2025), dtype=int)
    frame = share_frame(years, np.array([12.7, 13.5, 13.9, 14.5, 15.0]))
    reports = {m: forecast(frame, m, 6, seed=0).report for m in MODELS["share"]}
    assert reports["naive"].status == reports["drift"].status == "ok"
    assert reports["drivers-uc"].status == "fallback"
    assert "fewer than the 15 a local linear trend needs: random walk with drift" in reports["drivers-uc"].reason
    assert reports["drivers-ets"].status == "refused"
    assert "5 consecutive observations; ETS with a damped trend needs at least 10" in reports["drivers-ets"].reason
    three = forecast(frame.iloc[:3], "drift", 6, seed=0)
    assert not three.usable and three.report.reason == "3 observations; the drift model needs at least 4"
    with pytest.raises(ValueError, match="gave no forecast: 3 observations"):
        three.quantiles()


def test_saturation_is_refused_where_the_data_show_no_ceiling():
    years = pd.Index(np.arange(2010, 2025), dtype=int)
    noise = np.exp(0.01 * np.random.default_rng(2).standard_normal(15))
    accelerating = pd.Series(5 * 1.08 ** np.arange(15) * noise, index=years)  # exponential: no inflection yet
    result = forecast(accelerating, "logistic", 5, seed=0)
    assert result.report.status == "refused"
    assert "ceiling is not identified" in result.report.reason


@pytest.mark.parametrize("curve", ["logistic", "gompertz"])
def test_a_ceiling_made_by_a_flat_last_year_is_not_identified(curve):
    # a steady rise whose last year repeats the one before (a carried figure): the curve bends only because the
    # series stopped, and its ceiling's 90% interval reaches a few points above the last observation
    rising = pd.Series([10.0, 11.5, 13.0, 14.6, 16.0, 16.0], index=pd.Index(range(2019, 2025)))
    report = forecast(rising, curve, 5, seed=0).report
    assert report.status == "refused"
    assert "ceiling is not identified" in report.reason and "19.0% (the last observation + 3 points)" in report.reason


def test_driver_models_need_numerator_and_denominator():
    share = pd.Series([10.0, 11, 12, 13, 14], index=pd.Index(range(2020, 2025)))
    result = forecast(share, "drivers-uc", 3)
    assert result.report.status == "refused" and "numerator and the denominator" in result.report.reason


@pytest.mark.parametrize("data, kwargs, message", [
    (pd.Series([10.0, 120, 12, 13]), {"model": "naive"}, "strictly between 0 and 100"),
    (pd.Series([10.0, 11, 12, 13]), {"model": "ets"}, "does not apply to a share series"),
    (pd.Series([10.0, 11, 12, 13]), {"model": "naive", "scale": "ratio"}, "unknown scale 'ratio'"),
    (pd.Series([10.0, 11, 12, 13]), {"model": "naive", "horizon": 0}, "horizon must be at least 1"),
    (pd.Series([10.0, 11, 12], index=[2020, 2020, 2021]), {"model": "naive"}, "duplicate periods"),
])
def test_bad_input_is_refused_with_a_clear_message(data, kwargs, message):
    kwargs = {"horizon": 3} | kwargs
    with pytest.raises(ValueError, match=message):
        forecast(data, **kwargs)


# ---------------------------------------------------------------------------------------------
# Backtests and the ensemble


def test_backtest_scores_each_forecast_and_measures_coverage_of_a_true_model():
    y = pd.Series(random_walk(80, 0.2, 1.0, seed=13, start=50), index=YEARS[:80])
    errors = backtest.rolling_origin(y, "rw", "rate", horizon=1, min_train=20, models=("naive", "drift"), draws=2000)
    assert len(errors) == 2 * 60
    row = errors.iloc[0]
    assert row["error"] == pytest.approx(row["actual"] - row["forecast"])
    scale = np.mean(np.abs(np.diff(y.to_numpy()[:20])))
    assert row["scaled_error"] == pytest.approx(abs(row["error"]) / scale)
    summary = backtest.summarise(errors).set_index("model")
    assert summary.loc["naive", "relative_mase"] == pytest.approx(1.0)
    assert 0.65 <= summary.loc["drift", "coverage_80"] <= 0.95
    assert summary.loc["drift", "judged"]
    assert errors["pit"].between(0, 1).all()
    assert stats.kstest(errors.loc[errors["model"] == "drift", "pit"], "uniform").pvalue > 0.01  # a true model


def test_score_reads_the_interval_and_the_pit_from_the_same_paths():
    paths = np.arange(1, 101, dtype=float)  # percentiles 10/90 -> 10.9/90.1, 2.5/97.5 -> 3.475/97.525
    row = backtest.score(paths, 95.0, 2.0)
    assert row["forecast"] == 50.5 and row["scaled_error"] == pytest.approx(44.5 / 2)
    assert row["pit"] == pytest.approx(0.95) and not row["in_80"] and row["in_95"]


def test_a_short_series_is_reported_too_short_to_judge():
    y = pd.Series([12.66, 12.87, 12.83, 12.87, 13.17, 14.02], index=pd.Index(range(2020, 2026)))
    summary = backtest.summarise(backtest.rolling_origin(y, "vn_de_share_gso", "share", models=("naive", "drift")))
    assert not summary["judged"].any()
    assert summary["verdict"].str.startswith("too short to judge (1 forecasts").all()


def test_skill_weights_are_inverse_relative_mase_and_equal_when_nothing_is_judged():
    summary = pd.DataFrame({"set": "sections", "model": ["naive", "drift", "logistic"], "forecasts": 40,
                            "relative_mase": [1.0, 0.5, 2.0], "judged": [True, True, False]})
    weights, rule = backtest.skill_weights(summary, ["naive", "drift", "logistic"])
    assert weights.to_dict() == pytest.approx({"naive": 1 / 3, "drift": 2 / 3})
    assert "not judged, so no weight: logistic" in rule
    equal, rule = backtest.skill_weights(summary.assign(judged=False), ["naive", "drift"])
    assert equal.to_dict() == {"naive": 0.5, "drift": 0.5} and rule.startswith("equal weights")


def test_weights_come_from_the_digital_series_where_they_judge_every_model_else_from_the_sections():
    sections = pd.DataFrame({"set": "sections", "model": ["naive", "drift"], "forecasts": 40,
                             "relative_mase": [1.0, 0.5], "judged": True})
    digital = pd.DataFrame({"set": "digital", "model": ["naive", "drift"], "forecasts": [12, 4],
                            "relative_mase": [1.0, 2.0], "judged": [True, False]})
    weights, rule = backtest.skill_weights(pd.concat([digital, sections]), ["naive", "drift"])
    assert weights.to_dict() == pytest.approx({"naive": 1 / 3, "drift": 2 / 3})
    assert "of the sections series" in rule and "the digital series judge 1 of the 2 usable models" in rule
    weights, rule = backtest.skill_weights(pd.concat([digital.assign(judged=True, forecasts=12), sections]),
                                           ["naive", "drift"])
    assert weights.to_dict() == pytest.approx({"naive": 2 / 3, "drift": 1 / 3}) and "of the digital series" in rule


def test_a_refused_model_is_scored_at_every_origin_as_the_mixture_the_ensemble_would_use():
    # a saturation curve is refused on the short early samples; it is still scored there, as naive + drift
    years = pd.Index(np.arange(2010, 2022), dtype=int)
    share = pd.Series(40 / (1 + np.exp(-0.5 * (years.to_numpy() - 2014))), index=years)
    errors = backtest.rolling_origin(share, "s", "share", horizon=2, min_train=3,
                                     models=("naive", "drift", "logistic"), draws=400)
    curve = errors[errors["model"] == "logistic"]
    refused = curve[curve["status"] == "refused"]
    assert len(refused) and refused["scaled_error"].notna().all()
    assert set(refused["scored_as"]) <= {"naive+drift", "naive"}
    assert errors["scaled_error"].notna().all()
    summary = backtest.summarise(errors)
    assert summary.set_index("model")["forecasts"].nunique() == 1  # every model on the same forecasts


def test_ensemble_is_the_weighted_mixture_of_the_models_paths(long_share):
    members = {m: forecast(long_share, m, 4, seed=5, draws=1000) for m in ("naive", "drift")}
    counts = ensemble.allocate(pd.Series({"naive": 0.333, "drift": 0.667}), 1000)
    assert counts.sum() == 1000 and counts.to_dict() == {"naive": 333, "drift": 667}
    mix = ensemble.combine(members, pd.Series({"naive": 0.25, "drift": 0.75}), "rule", seed=0)
    assert mix.draws.shape == (1000, 4)
    from_naive = np.isin(mix.draws[:, 0], members["naive"].draws[:, 0]).sum()
    assert from_naive == 250
    np.testing.assert_allclose(mix.point, 0.25 * members["naive"].point + 0.75 * members["drift"].point)


# ---------------------------------------------------------------------------------------------
# Target arithmetic


@pytest.mark.parametrize("start, target, years, expected", [
    (14.65, 25, 2, 30.63),  # GSO 2023 -> 25% in 2025 (methods note §4.2: ≈ 30.6%/yr)
    (21.5, 25, 2, 7.83),  # MIC 2023 -> 25% in 2025 (≈ 7.8%/yr)
    (25, 40, 5, 9.86),  # 25% in 2025 -> 40% in 2030 (≈ 9.9%/yr)
    (14.65, 40, 7, 15.43),  # GSO 2023 -> 40% in 2030 (≈ 15.4%/yr)
])
def test_required_excess_growth_matches_the_hand_computation(start, target, years, expected):
    assert tg.required_excess_growth(start, target, years) == pytest.approx(expected, abs=0.005)


def test_required_growth_compounds_excess_and_grdp_growth():
    assert tg.required_growth(10.0, 5.0) == pytest.approx(15.5)
    assert tg.required_growth(0.0, 9.7) == pytest.approx(9.7)
    with pytest.raises(ValueError, match="years must be at least 1"):
        tg.required_excess_growth(14, 25, 0)


def test_crossing_years_by_hand():
    years = np.array([2025, 2026, 2027])
    paths = np.array([[24.0, 25.0, 26.0], [26.0, 20.0, 30.0], [1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(tg.crossing_years(paths, years, 25, 2024, 20.0), [2026, 2025, np.inf])
    np.testing.assert_array_equal(tg.crossing_years(paths, years, 25, 2024, 25.5), [2024] * 3)


@pytest.mark.parametrize("units", [1e-3, 1.0, 1e3])
def test_uc_fit_does_not_depend_on_the_units_of_the_data(units):
    """The random walk with drift converges on the same 5 points in any units, with variances that scale by units²."""
    years = pd.Index(np.arange(2020, 2025), dtype=int)
    rates = np.array([6.1, 6.9, 7.3, 7.9, 8.4])
    result = forecast(pd.Series(units * rates, index=years), "uc", 3, seed=0, scale="rate")
    assert result.report.status == "fallback" and result.report.converged
    increments = np.diff(rates)
    closed_form = ((increments - increments.mean()) ** 2).sum() / (len(rates) - 2)  # ML estimate of sigma2.level
    assert result.report.params["sigma2.level"] == pytest.approx(units ** 2 * closed_form, rel=1e-3)
    assert result.point[0] == pytest.approx(units * (rates[-1] + increments.mean()), rel=1e-6)
