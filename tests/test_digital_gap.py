"""The city-specific gap: the closed-form posterior equals a Kalman filter and smoother run by hand,
the prior is all there is without figures, and q is estimated from the data."""

from __future__ import annotations

import numpy as np
import pytest

from grdp.digital.gap import ANCHOR_YEAR, GapModel, estimate_q, prior_from_range
from grdp.digital.part_evidence import ShareBounds


def kalman_smoother(years, observed, z, q, p0, m0, r):
    """Forward Kalman filter and Rauch-Tung-Striebel smoother of a local level, years consecutive,
    with the prior N(m0, p0) stated at the anchor year and the walk run forward from the first year
    (the prior at the first year is p0 + q (anchor - first))."""
    n = len(years)
    a, p = m0, p0 + q * (ANCHOR_YEAR - years[0])
    filtered, filtered_var, predicted, predicted_var = [], [], [], []
    for i, year in enumerate(years):
        if i:
            a, p = a, p + q
        predicted.append(a)
        predicted_var.append(p)
        if year in observed:
            k = p / (p + r)
            a, p = a + k * (z[observed.index(year)] - a), (1 - k) * p
        filtered.append(a)
        filtered_var.append(p)
    smoothed, smoothed_var = [filtered[-1]], [filtered_var[-1]]
    for i in range(n - 2, -1, -1):
        gain = filtered_var[i] / predicted_var[i + 1]
        smoothed.insert(0, filtered[i] + gain * (smoothed[0] - predicted[i + 1]))
        smoothed_var.insert(0, filtered_var[i] + gain ** 2 * (smoothed_var[0] - predicted_var[i + 1]))
    return np.array(smoothed), np.array(smoothed_var)


def test_posterior_equals_the_kalman_smoother_before_the_anchor():
    # years up to the anchor: the two-sided walk is then the ordinary forward walk with the stated prior
    years = [2018, 2019, 2020, 2021, 2022]
    observed, z = [2019, 2021], np.array([-0.08, 0.03])
    model = GapModel(q=0.004, p0=0.1, m0=0.0, r=0.0002)
    # the forward walk reaching the anchor has the same covariances only when run backward from it,
    # so compare against the smoother of the time-reversed series (a random walk is reversible)
    rev_years = [2 * ANCHOR_YEAR - y for y in reversed(years)]
    rev_observed = [2 * ANCHOR_YEAR - y for y in observed]
    mean, var = kalman_smoother(rev_years, rev_observed, list(z), model.q, model.p0, model.m0, model.r)
    posterior = model.posterior(years, observed)
    assert posterior.mean(z) == pytest.approx(mean[::-1], abs=1e-12)
    assert np.diag(posterior.cov) == pytest.approx(var[::-1], abs=1e-12)


def test_posterior_equals_the_kalman_smoother_after_the_anchor():
    years = [2022, 2023, 2024, 2025, 2026]
    observed, z = [2022, 2023], np.array([0.05, 0.02])
    model = GapModel(q=0.003, p0=0.2, m0=0.1, r=0.0004)
    mean, var = kalman_smoother(years, observed, list(z), model.q, model.p0, model.m0, model.r)
    posterior = model.posterior(years, observed)
    assert posterior.mean(z) == pytest.approx(mean, abs=1e-12)
    assert np.diag(posterior.cov) == pytest.approx(var, abs=1e-12)
    # after the last figure the gap is carried, its variance growing by q a year
    assert np.diff(np.diag(posterior.cov)[1:]) == pytest.approx([model.q] * 3, abs=1e-12)
    assert posterior.mean(z)[2:] == pytest.approx([posterior.mean(z)[1]] * 3, abs=1e-12)


def test_without_figures_the_prior_is_all_there_is():
    model = GapModel(q=0.002, p0=0.09, m0=0.0, r=0.0002)
    posterior = model.posterior([2021, 2022, 2023], [])
    assert posterior.mean(np.zeros(0)).tolist() == [0.0, 0.0, 0.0]
    assert np.diag(posterior.cov) == pytest.approx([0.09 + 0.002, 0.09, 0.09 + 0.002])


def test_draws_have_the_posterior_mean_and_covariance():
    model = GapModel(q=0.004, p0=0.1, m0=0.0, r=0.0002)
    posterior = model.posterior([2020, 2021, 2022, 2023, 2024], [2020, 2023])
    z = np.tile([-0.09, 0.05], (200_000, 1))
    draws = posterior.draw(z, np.random.default_rng(0))
    assert draws.mean(axis=0) == pytest.approx(posterior.mean(z[0]), abs=2e-3)
    assert np.cov(draws.T) == pytest.approx(posterior.cov, abs=1e-4)


def test_q_follows_the_data():
    calm = [([2020, 2021, 2022, 2023], np.array([0.0, 0.01, -0.01, 0.0]), 0.0, None)]
    rough = [([2020, 2021, 2022, 2023], np.array([0.0, 0.15, -0.1, 0.12]), 0.0, None)]
    q_calm, basis = estimate_q(calm, 0.1, 0.0002, (0.01, 0.10))
    q_rough, _ = estimate_q(rough, 0.1, 0.0002, (0.01, 0.10))
    assert 0.01 ** 2 <= q_calm < q_rough <= 0.10 ** 2
    assert "posterior mean over 1 published series (4 figures)" in basis
    prior, basis = estimate_q([([2021], np.array([0.2]), 0.0, None)], 0.1, 0.0002, (0.01, 0.10))
    assert "no published series with two figures" in basis
    assert prior == pytest.approx(np.mean(np.linspace(0.01, 0.10, 201) ** 2))


def test_prior_from_the_stated_range():
    m0, p0 = prior_from_range(0.5, 1.0, 1.5)
    assert m0 == 0.0 and p0 == pytest.approx(((np.log(1.5) - np.log(0.5)) / np.sqrt(12)) ** 2)


def test_a_figure_with_a_wider_error_pulls_the_gap_less():
    model = GapModel(q=0.002, p0=0.25, m0=0.0, r=0.0002)
    z = np.array([0.4])
    tight = model.posterior([2021, 2022, 2023], [2022]).mean(z)
    loose = model.posterior([2021, 2022, 2023], [2022], np.array([0.05])).mean(z)
    assert 0.0 < loose[1] < tight[1] < 0.4
    assert model.posterior([2022], [2022], np.array([0.0002])).mean(z) == pytest.approx(tight[1])


def test_bounds_are_a_uniform_in_logs():
    bounds = ShareBounds(2022, 5.78, 11.34, "")
    uniform = np.random.default_rng(1).uniform(np.log(5.78), np.log(11.34), 200_000)
    assert bounds.log_mean == pytest.approx(uniform.mean(), abs=2e-3)
    assert bounds.log_variance == pytest.approx(uniform.var(), rel=2e-2)
