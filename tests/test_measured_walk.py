"""Random walks fitted to a history with known measurement error (issue 22: projections from the estimates' draws).

The random walks of the projections are fitted to estimates, not to exact values: with exact draws they are the
exact-data models; a history whose last years are uncertain gives a wider fan; on simulated random walks observed
with known error the fan covers the latent share at its nominal rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from grdp.forecast import measured_walk
from grdp.forecast.models import expit, forecast, logit

YEARS = pd.Index(np.arange(2014, 2025), dtype=int)
SHARE = pd.Series(expit(np.array([-2.2, -2.05, -2.0, -1.8, -1.75, -1.55, -1.5, -1.3, -1.35, -1.1, -1.0])),
                  index=YEARS)


def _draws(share: pd.Series, error_sd: np.ndarray, size: int = 4000, seed: int = 0) -> np.ndarray:
    """Independent normal draws of each year's log-odds around its value, with the given standard deviations."""
    noise = np.random.default_rng(seed).standard_normal((size, len(share))) * error_sd
    return expit(logit(share.to_numpy())[None, :] + noise)


@pytest.mark.parametrize("model", ["naive", "drift"])
def test_with_exact_draws_the_fit_is_the_exact_data_model(model):
    exact = forecast(SHARE, model, 5, draws=20000, seed=1)
    measured = forecast(SHARE, model, 5, draws=20000, seed=1,
                        history_draws=np.tile(SHARE.to_numpy(), (50, 1)))
    assert measured.report.spec.endswith("known measurement error")
    np.testing.assert_allclose(measured.point, exact.point, rtol=1e-9)
    for h in (0, 4):
        np.testing.assert_allclose(np.percentile(measured.paths[:, h], [2.5, 10, 50, 90, 97.5]),
                                   np.percentile(exact.paths[:, h], [2.5, 10, 50, 90, 97.5]), rtol=0.02)


@pytest.mark.parametrize("model", ["naive", "drift"])
def test_a_history_whose_last_years_are_uncertain_gives_a_wider_fan(model):
    sd = np.zeros(len(SHARE))
    exact = forecast(SHARE, model, 3, draws=20000, seed=2, history_draws=_draws(SHARE, sd))
    sd[-2:] = 0.3
    loose = forecast(SHARE, model, 3, draws=20000, seed=2, history_draws=_draws(SHARE, sd))

    def width(result):  # on the log-odds, where the walk runs (the level moves too)
        lower, upper = np.percentile(logit(result.paths[:, 0]), [10, 90])
        return upper - lower
    assert width(loose) > 1.3 * width(exact)
    # the level of the last year is estimated from the whole history, no longer the last value
    assert loose.report.params["level"] != pytest.approx(float(logit(SHARE.iloc[-1])), abs=1e-3)
    assert loose.report.params["last_error_sd"] == pytest.approx(0.3, rel=0.05)


def test_errors_shared_by_every_year_move_the_level_not_the_increments():
    # one common error in every year (estimates from the same model): the increments are exact, so the walk's
    # variance and drift are those of the exact history, and only the level is uncertain
    common = np.random.default_rng(4).standard_normal((4000, 1)) * 0.2
    shared = expit(logit(SHARE.to_numpy())[None, :] + common)
    exact = forecast(SHARE, "drift", 2, draws=4000, seed=3, history_draws=np.tile(SHARE.to_numpy(), (50, 1)))
    measured = forecast(SHARE, "drift", 2, draws=4000, seed=3, history_draws=shared)
    assert measured.report.params["drift"] == pytest.approx(exact.report.params["drift"], rel=1e-6)
    assert measured.report.params["sigma"] == pytest.approx(exact.report.params["sigma"], rel=0.05)
    spread = np.std(logit(measured.paths[:, 0])) ** 2 - np.std(logit(exact.paths[:, 0])) ** 2
    assert spread == pytest.approx(0.2 ** 2, rel=0.25)


def _coverage(drift: bool, error_sd: float, common_sd: float, known: bool, reps: int = 200) -> np.ndarray:
    """Coverage of the latent walk at h = 1..3 by the 80% fan, on walks observed with independent errors
    (``error_sd``) plus one error common to every year (``common_sd``), fitted with that error covariance
    (``known``) or as if the values were exact."""
    rng = np.random.default_rng(20260331)
    years, horizon, sigma = np.arange(8), 3, 0.10
    cov = error_sd ** 2 * np.eye(len(years)) + common_sd ** 2 * np.ones((len(years), len(years)))
    hits = []
    for _ in range(reps):
        latent = np.cumsum((0.05 if drift else 0.0) + sigma * rng.standard_normal(len(years) + horizon)) - 1.5
        observed = (latent[:len(years)] + error_sd * rng.standard_normal(len(years))
                    + common_sd * rng.standard_normal())
        posterior = measured_walk.fit(years, observed, cov if known else 0 * cov, drift)
        paths = posterior.paths(rng.standard_normal((400, horizon)), rng)
        lower, upper = np.percentile(paths, [10, 90], axis=0)
        hits.append((lower <= latent[len(years):]) & (latent[len(years):] <= upper))
    return np.mean(hits, axis=0)


@pytest.mark.parametrize("drift", [False, True])
def test_the_fan_covers_a_simulated_walk_with_known_error_at_its_nominal_rate(drift):
    coverage = _coverage(drift, 0.05, 0.0, known=True)
    assert np.all((coverage > 0.72) & (coverage < 0.88)), coverage


def test_errors_shared_across_years_are_covered_only_when_they_are_known():
    # estimates of several years from one model share their error: taken as exact, the level's uncertainty is lost
    known, exact = _coverage(True, 0.03, 0.15, known=True), _coverage(True, 0.03, 0.15, known=False)
    assert np.all((known > 0.72) & (known < 0.88)), known
    assert np.all(exact < known - 0.05) and exact[0] < 0.7, (exact, known)


@pytest.mark.parametrize("kwargs, message", [
    ({"history_draws": np.full((10, 3), 20.0)}, "one column per period"),
    ({"history_draws": np.full((10, 11), 100.0)}, "strictly inside"),
])
def test_bad_history_draws_are_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        forecast(SHARE, "drift", 3, **kwargs)


def test_a_quarterly_history_with_measurement_error_is_refused():
    quarters = pd.Series(20 + np.arange(12, dtype=float), index=pd.period_range("2020Q1", periods=12, freq="Q"))
    with pytest.raises(ValueError, match="annual series only"):
        forecast(quarters, "naive", 4, history_draws=np.tile(quarters.to_numpy(), (5, 1)))
