"""Errors measured from the data: account cells by class, margins, GRDP and published revisions, and
how the Monte Carlo uses them (persistent cell errors, gaps re-estimated per draw)."""

from __future__ import annotations

import numpy as np
import pytest

from grdp.digital import build, figure_error, measured_errors, uncertainty
from grdp.sources import Releases

AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def sizes(observations):
    return measured_errors.measure(Releases(observations, AS_OF))


@pytest.fixture(scope="module")
def model(observations):
    return build("hcmc", "old", Releases(observations, AS_OF))


def check(sizes, kind, industry, period):
    rows = sizes.checks[(sizes.checks["class"] == kind) & (sizes.checks["industry"] == industry)
                        & (sizes.checks["period"] == period)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.parametrize("section,percent", [("G", 7.3), ("H", 13.8), ("K", -4.4), ("M", -0.7)])
def test_quotients_of_2022q1_predict_the_published_2024h1_shares(sizes, section, percent):
    # the issue's own numbers: +7/+14/-4/-1% for G/H/K/M
    row = check(sizes, "lq", section, "2024H1")
    assert row.predicted_from.endswith("of 2022Q1")
    assert 100 * (row.predicted / row.published - 1) == pytest.approx(percent, abs=0.1)


def test_cells_without_a_quotient_are_off_by_far_more(sizes):
    assert sizes.sd["national"] > 3 * sizes.sd["lq"]
    c_2021 = check(sizes, "national", "C", "2021")  # HCMC's manufacturing is far below the national share
    assert c_2021.predicted > 1.3 * c_2021.published
    summary = sizes.summary().set_index("class")
    assert summary.loc["lq", "checks"] >= 10 and summary.loc["national", "checks"] >= 10
    assert summary.loc["margin", "checks"] >= 20
    assert (summary["coverage"].dropna().between(0, 1)).all()


def test_revisions_of_published_figures(sizes):
    row = check(sizes, "published", "de_share_gso", "2022")
    assert row.region == "vn" and (row.predicted, row.published) == (12.67, 12.83)
    assert row.error == pytest.approx(np.log(12.67 / 12.83))
    assert 0.005 < sizes.sd["published"] < 0.05
    assert sizes.basis["published"].startswith("root mean square of")


def test_a_class_without_checks_falls_back_to_the_stated_range(observations):
    shares_only = observations[~observations["variable"].isin(["grdp_share"])]
    sizes = measured_errors.measure(Releases(shares_only, AS_OF))
    assert sizes.sd["lq"] == 0.10 and "no check available" in sizes.basis["lq"]


def test_a_vintage_measures_only_what_was_released(observations):
    early = measured_errors.measure(Releases(observations, "2024-06-30"))
    revisions = early.checks[early.checks["class"] == "published"]
    assert not (revisions["published"] == 12.83).any()  # the 12.83 revision came in January 2025
    later = measured_errors.measure(Releases(observations, "2025-01-31")).checks
    assert ((later["class"] == "published") & (later["published"] == 12.83)).sum() == 1


def test_cell_errors_persist_across_years(model):
    inputs = model.accounts.subset([2022, 2023])
    va = uncertainty.draw_accounts(inputs, 4_000, np.random.default_rng(1), model.errors)
    ratio = np.log(va / inputs.va[None])
    for j, section in enumerate(inputs.sections):
        if all(inputs.error_class[:, j] == "national") and ratio[:, :, j].std() > 0.01:
            # the same error in both years (up to the rescaling within the broad sector)
            assert np.corrcoef(ratio[:, 0, j], ratio[:, 1, j])[0, 1] > 0.9, section


def test_a_persistent_account_error_cancels_in_a_published_year(model):
    # the gap is re-estimated in every draw, so the GSO share of a year with a published figure moves
    # only by the published figure's own error (its 90% range), while a year after the last one carries everything
    sim = uncertainty.simulate_years(model, [2023, 2024], draws=4_000, seed=2, methods=["gso"])
    draws = sim.samples["gso"]["total"]
    spread = np.percentile(draws, 95, axis=0) - np.percentile(draws, 5, axis=0)
    rating = str(model.benchmarks["gso"].row(2023)["rating"])
    own = 2 * 1.645 * figure_error.measurement_sd(14.65, rating, model.errors.sd["published"]) * 14.65
    assert spread[0] < own and spread[0] < spread[1]
    assert abs(np.median(draws[:, 0]) - 14.65) < own / 2  # inside the figure's own 90% range
