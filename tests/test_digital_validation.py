"""Out-of-time validation: every published share of the nation and the former city is predicted from the releases
before its first release, by the measurement model and by its rivals where they can be computed, with errors,
coverage at three levels and proper scores. Expected checks and rival values are computed here by hand from the
observations."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from grdp.digital import validation
from grdp.digital.rivals import RULES
from grdp.sources import Releases

AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def checked(observations):
    return validation.out_of_time(Releases(observations, AS_OF))


def first_releases_by_hand(observations, as_of):
    """(region, method, year) -> (first release date, value) of every published annual total share of the nation and
    the former city under the definitions the model covers."""
    rows = observations[(observations["variable"].isin(["de_share_gso", "de_share_mic"])
                         | ((observations["variable"] == "de_share_hids") & (observations["region"] == "hcmc")))
                        & (observations["industry"] == "TOTAL") & (observations["frequency"] == "A")
                        & observations["boundary"].isin(["old", "national"])
                        & observations["region"].isin(["vn", "hcmc"])
                        & (observations["release_date"] <= pd.Timestamp(as_of))]
    out = {}
    for (region, variable, period), group in rows.groupby(["region", "variable", "period"]):
        first = group.sort_values("release_date").iloc[0]
        out[(region, variable.removeprefix("de_share_"), int(period))] = (first.release_date, first.value)
    return out


def test_every_published_figure_is_checked_by_the_model(checked, observations):
    firsts = first_releases_by_hand(observations, AS_OF)
    table = checked.table
    model = table[table["estimator"] == "model"]
    assert set(zip(model["region"], model["method"], model["year"])) == set(firsts)
    assert len(firsts) >= 15
    for key, (released, value) in firsts.items():
        row = model[(model["region"] == key[0]) & (model["method"] == key[1]) & (model["year"] == key[2])].iloc[0]
        assert row.published == value  # against the first release
        assert row.as_of == (released.date() - timedelta(days=1)).isoformat()
        assert row.lower <= row.lower_80 <= row.lower_50 <= row.upper_50 <= row.upper_80 <= row.upper
    assert set(table["estimator"]) <= {"model", *RULES}


def test_a_rival_is_there_only_where_it_can_be_computed(checked):
    table = checked.table.set_index(["region", "method", "year", "estimator"])
    # HCMC GSO 2023 first appeared (c.) 2024-12-31; the only earlier HCMC GSO figure was 12.61 (2020)
    carried = table.loc[("hcmc", "gso", 2023, "carried")]
    assert carried.estimate == 12.61 and carried.bridged_from_year == 2020 and carried.horizon == 3
    assert ("hcmc", "gso", 2023, "line") not in table.index  # one point: no line, and no fallback
    # the first figure of a series: only the model predicts it, from the other series and its priors
    first = checked.table[checked.table["kind"] == "first"]
    assert len(first) and set(first["estimator"]) == {"model"}


def test_rival_values_by_hand(checked):
    table = checked.table.set_index(["region", "method", "year", "estimator"])
    # MIC HCMC 2023 from its 2022 figure and the national MIC figures of 2022 and 2023 (16.5, Jan 2024)
    ratio = table.loc[("hcmc", "mic", 2023, "national_ratio")]
    assert ratio.estimate == pytest.approx(18.66 * 16.5 / 14.26, rel=1e-12)
    # GSO HCMC 2021 as of 2025-02-17: 12.61 (2020) and 14.65 (2023) were published; a line through them
    line = table.loc[("hcmc", "gso", 2021, "line")]
    assert line.estimate == pytest.approx(12.61 + (14.65 - 12.61) / 3, rel=1e-12)
    assert line.kind == "interpolation"
    error = table.loc[("hcmc", "gso", 2021, "carried")]
    assert error.error_pp == pytest.approx(12.61 - 13.84) and error.error_log == pytest.approx(np.log(12.61 / 13.84))


def test_rival_intervals_are_left_out_one_check_at_a_time(checked):
    table = checked.table
    row = table[(table["estimator"] == "carried") & (table["region"] == "hcmc") & (table["method"] == "mic")].iloc[0]
    others = table[(table["estimator"] == "carried") & (table["method"] == "mic")]
    others = others[~((others["region"] == row.region) & (others["year"] == row.year)) & (others["horizon"] > 0)]
    sigma = np.sqrt(np.mean(np.log(others["estimate"] / others["published"]) ** 2 / others["horizon"]))
    draws = row.estimate * np.exp(sigma * np.sqrt(max(row.horizon, 1)) *
                                  np.random.default_rng([0, 31]).standard_normal(2000))
    assert (row.lower, row.upper) == pytest.approx(tuple(np.percentile(draws, [5, 95])), rel=1e-9)


def test_the_scores_by_hand():
    assert validation.interval_score(10.0, 12.0, 11.0) == pytest.approx(2.0)
    assert validation.interval_score(10.0, 12.0, 13.0) == pytest.approx(2.0 + 20 * 1.0)
    draws = np.array([1.0, 2.0, 3.0, 4.0])
    by_definition = np.mean(np.abs(draws - 2.5)) - 0.5 * np.mean(np.abs(draws[:, None] - draws[None, :]))
    assert validation.crps(draws, 2.5) == pytest.approx(by_definition)
    assert validation.crps(np.full(10, 3.0), 5.0) == pytest.approx(2.0)  # a point forecast: its absolute error


def test_summary_pools_every_check_and_compares_the_model_on_each_rivals_checks(checked):
    summary = checked.summary().set_index(["estimator", "checks_on"])
    table = checked.table
    for estimator in ("model", *RULES):
        rows = table[table["estimator"] == estimator]
        row = summary.loc[(estimator, "own")]
        assert row.checks == len(rows)
        assert row.coverage_50 == pytest.approx(rows["covered_50"].mean())
        assert row.coverage_90 == pytest.approx(rows["covered"].mean())
        assert row.crps == pytest.approx(rows["crps"].mean())
    carried = table[table["estimator"] == "carried"][["region", "method", "year"]]
    model = table[table["estimator"] == "model"].merge(carried)
    assert summary.loc[("model", "carried")].checks == len(carried)
    assert summary.loc[("model", "carried")].mae_pp == pytest.approx(model["error_pp"].abs().mean())


def test_as_of_limits_the_validation(observations):
    early = validation.out_of_time(Releases(observations, "2024-12-31"))
    assert (pd.to_datetime(early.table["first_release"]) <= pd.Timestamp("2024-12-31")).all()
    table = early.table
    assert not ((table["region"] == "hcmc") & (table["method"] == "gso") & (table["year"] == 2021)).any()
