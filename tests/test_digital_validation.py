"""Out-of-time validation: every published year with an earlier release is predicted from the releases
before it, by the model and its rivals, with errors and coverage; the choice of estimator follows the
stated rule. Expected checks and rival values are computed here by hand from the observations."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from grdp.digital import validation
from grdp.digital.estimators import ESTIMATORS
from grdp.sources import Releases

AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def checked(observations):
    return validation.out_of_time(Releases(observations, AS_OF))


def first_releases_by_hand(observations, as_of):
    """(region, method, year) -> (first release date, value) of every published annual total share."""
    rows = observations[observations["variable"].isin(["de_share_gso", "de_share_mic", "de_share_hids"])
                        & (observations["industry"] == "TOTAL") & (observations["frequency"] == "A")
                        & (observations["release_date"] <= pd.Timestamp(as_of))]
    out = {}
    for (region, variable, period), group in rows.groupby(["region", "variable", "period"]):
        first = group.sort_values("release_date").iloc[0]
        out[(region, variable.removeprefix("de_share_"), int(period))] = (first.release_date, first.value)
    return out


def test_every_published_year_with_an_earlier_release_is_checked(checked, observations):
    firsts = first_releases_by_hand(observations, AS_OF)
    expected = set()
    for (region, method, year), (released, _) in firsts.items():
        earlier = [k for k, (d, _) in firsts.items() if k[:2] == (region, method) and d < released]
        if earlier:
            expected.add((region, method, year))
    table = checked.table
    assert set(zip(table["region"], table["method"], table["year"])) == expected
    assert len(expected) >= 10  # HCMC GSO 2021-2023 and MIC 2023-2024, national GSO and MIC
    for key in expected:
        rows = table[(table["region"] == key[0]) & (table["method"] == key[1]) & (table["year"] == key[2])]
        assert sorted(rows["estimator"]) == sorted(ESTIMATORS), key
        assert rows["error_pp"].notna().all() and rows["covered"].notna().all(), key
        assert rows[["lower", "upper"]].notna().all().all(), key
        released, value = firsts[key]
        assert (rows["published"] == value).all()  # against the first release
        assert (rows["as_of"] == (released.date() - timedelta(days=1)).isoformat()).all()


def test_the_checks_use_only_what_was_published_before(checked):
    table = checked.table.set_index(["region", "method", "year", "estimator"])
    # HCMC GSO 2023 first appeared (c.) 2024-12-31; the only earlier HCMC GSO figure was 12.61 (2020)
    carried = table.loc[("hcmc", "gso", 2023, "carried")]
    assert carried.estimate == 12.61 and carried.bridged_from_year == 2020 and carried.horizon == 3
    # the line needs two points and falls back to the carried figure
    line = table.loc[("hcmc", "gso", 2023, "line")]
    assert line.used == "carried" and line.estimate == 12.61


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


def test_the_model_is_rebuilt_with_the_earlier_releases_only(checked, observations):
    row = checked.table.set_index(["region", "method", "year", "estimator"]).loc[("vn", "mic", 2023, "model")]
    from grdp.digital import build

    digital = observations["variable"].str.startswith("de_")
    known = observations[~digital | (observations["release_date"] <= pd.Timestamp(row.as_of))]
    model = build("vn", "national", Releases(known, AS_OF))
    assert 2023 not in model.benchmarks["mic"].years and 2022 in model.benchmarks["mic"].years
    assert row.accounts_as_of == AS_OF and row.used == "model"


def test_rival_intervals_are_left_out_one_check_at_a_time(checked):
    table = checked.table
    row = table[(table["used"] == "carried") & (table["region"] == "hcmc") & (table["method"] == "mic")].iloc[0]
    others = table[(table["used"] == "carried") & (table["method"] == "mic")].drop_duplicates(
        ["region", "method", "year"])
    others = others[~((others["region"] == row.region) & (others["year"] == row.year))]
    sigma = np.sqrt(np.mean(others["error_log"] ** 2 / others["horizon"]))
    spread = 1.6448536269514722 * sigma * np.sqrt(row.horizon)
    assert row.lower == pytest.approx(row.estimate * np.exp(-spread), rel=1e-9)
    assert row.upper == pytest.approx(row.estimate * np.exp(spread), rel=1e-9)


def test_summary_coverage_is_the_share_of_checks_covered(checked):
    summary = checked.summary().set_index(["region", "method", "estimator"])
    table = checked.table
    for (region, method, estimator), row in summary.iterrows():
        rows = table[(table["region"] == region) & (table["method"] == method) & (table["estimator"] == estimator)]
        assert row.checks == len(rows)
        assert row.coverage == pytest.approx(rows["covered"].mean())
        assert row.mae_pp == pytest.approx(rows["error_pp"].abs().mean())


def synthetic(errors):
    """A validation table of extrapolation checks with the given errors by estimator (one region, method)."""
    rows = []
    for estimator, values in errors.items():
        for year, e in enumerate(values, start=2020):
            rows.append({"region": "r", "method": "gso", "year": year, "kind": "extrapolation",
                         "estimator": estimator, "error_pp": e})
    return pd.DataFrame(rows)


def test_the_model_is_chosen_only_where_it_beats_every_rival():
    best = {"model": [0.1, -0.1], "line": [0.5, 0.5], "national_ratio": [0.4, -0.4], "carried": [1.0, 1.0]}
    order, reason = validation.ranking(synthetic(best), "r", "gso")
    assert order[0] == "model" and "beats every rival" in reason
    tie = {"model": [0.4, -0.4], "line": [0.5, 0.5], "national_ratio": [0.4, 0.4], "carried": [1.0, 1.0]}
    order, reason = validation.ranking(synthetic(tie), "r", "gso")
    assert order[0] == "national_ratio"  # a tie (to 0.01 pp) goes to the simpler estimator
    assert "is published: the model does not beat it" in reason


def test_too_few_checks_pool_over_regions_then_methods():
    one = synthetic({"model": [0.1], "line": [0.5], "national_ratio": [0.4], "carried": [1.0]})
    other = synthetic({"model": [2.0, 2.0], "line": [0.2, 0.2], "national_ratio": [0.4, 0.4],
                       "carried": [1.0, 1.0]}).assign(region="s")
    order, reason = validation.ranking(pd.concat([one, other]), "r", "gso")
    assert order[0] == "line" and "pooled over regions" in reason
    order, reason = validation.ranking(pd.concat([one, other]).assign(method="mic"), "r", "gso")
    assert "every method (pooled)" in reason


def test_the_choice_for_hcmc_is_stated(checked):
    for method in ("gso", "mic"):
        estimator, reason = checked.choice("hcmc", method)
        assert estimator in ESTIMATORS and "extrapolation check" in reason and "MAE pp" in reason


def test_as_of_limits_the_validation(observations):
    early = validation.out_of_time(Releases(observations, "2024-12-31"))
    assert (pd.to_datetime(early.table["first_release"]) <= pd.Timestamp("2024-12-31")).all()
    assert not ((early.table["region"] == "hcmc") & (early.table["year"] == 2021)).any()

