"""The target tables a vintage writes (notebook ``04_targets_forecast`` of the session's vintage 2025Q4, cut at
31 December 2025: :func:`conftest.built_root`).

Issue 14, defect 5: no number in a vintage's scenario tables comes from a release after its as-of date.
Issue 14, defect 6: one nominal GRDP path per scenario, with its evidence from the vintage's releases, carries
the required-growth, gap and projection arithmetic (on the base commit the baseline used 6.8%/yr, a drift over
2020-2024 that includes the 2021 contraction, and the other scenarios 9.7%).
Issue 22: that path starts from the vintage's own accounts of the latest ended year and says, per year, where its
level or growth came from; what it takes is read on it.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from grdp import sources
from grdp.base import paths

AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def tables(built_root):
    """The tables of the session's vintage 2025Q4 (the pipeline ran notebook 04 for it as of :data:`AS_OF`)."""
    out = built_root / "forecasts" / "2025Q4"
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["parameters"]["as_of"] == AS_OF
    return lambda name: pd.read_csv(out / "tables" / f"{name}.csv")


@pytest.fixture(scope="module")
def selected():
    return sources.as_of(sources.load_observations(), AS_OF)


def test_the_scenario_file_types_no_figure():
    """Issue 14, defect 5: the scenario file holds definitions only, so it holds no number but years."""
    document = yaml.safe_load(paths.data_file("scenarios.yaml").read_text(encoding="utf-8"))

    def numbers(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from numbers(v, k)
        elif isinstance(node, list):
            for v in node:
                yield from numbers(v, key)
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            yield key, node
    found = list(numbers(document))
    assert found and all(key in ("from_year", "to_year", "span") for key, _ in found), found


def test_no_scenario_number_comes_from_a_release_after_the_as_of_date(tables, selected):
    """Issue 14, defect 5."""
    evidence = tables("forecast_scenario_evidence")
    assert len(evidence) and (pd.to_datetime(evidence["release_date"]) <= pd.Timestamp(AS_OF)).all()
    numbers = tables("forecast_scenarios")
    assert (pd.to_datetime(numbers["latest_release"].dropna()) <= pd.Timestamp(AS_OF)).all()
    # every figure the scenarios used is the one the vintage's as-of selection holds
    for row in evidence.itertuples():
        match = selected[(selected["source_id"] == row.source_id) & (selected["region"] == row.region)
                         & (selected["variable"] == row.variable) & (selected["period"] == str(row.period))
                         & (selected["price_basis"] == row.price_basis) & (selected["industry"] == "TOTAL")]
        assert np.isclose(match["value"], row.value).any(), row
    targets = evidence[evidence["variable"] == "grdp_real_growth_target"]
    assert len(targets) and (pd.to_datetime(targets["release_date"]) <= pd.Timestamp(AS_OF)).all()
    sectoral = numbers[(numbers["scenario"] == "accelerated") & (numbers["quantity"] == "excess_growth.sectoral")]
    assert sectoral["to_year"].iloc[0] == 2024  # GSO's 2025 digitalisation share was released on 2026-01-05


def test_one_grdp_path_per_scenario_carries_all_the_arithmetic(tables):
    """Issue 14, defect 6, and issue 22: the path's ended years are the vintage's own accounts (its anchor the latest
    ended year, 2025), every year says where it came from, and every bn VND figure and nominal growth reads it."""
    paths = tables("forecast_grdp_paths")
    numbers = tables("forecast_scenarios")
    for boundary in ("old", "merged"):
        accounts = tables(f"accounts_hcmc_{boundary}")
        accounts = accounts[accounts["industry"] == "TOTAL"].set_index("year")["value"]
        rows = paths[paths["boundary"] == boundary]
        for year, value in accounts[(accounts.index >= 2020) & (accounts.index <= 2025)].items():
            np.testing.assert_allclose(rows.loc[rows["year"] == year, "grdp"], value)
        anchor = numbers[(numbers["boundary"] == boundary) & (numbers["quantity"] == "grdp_growth")]
        assert (anchor["grdp_anchor_year"] == 2025).all()
        np.testing.assert_allclose(anchor["grdp_anchor"], accounts[2025])
        assert rows.groupby("year")["grdp"].nunique().max() == 1  # one path per boundary
    assert paths["basis"].notna().all() and (paths["basis"].str.len() > 0).all()
    projected = paths[paths["status"] == "projected"]
    assert set(projected["year"]) == set(range(2026, int(paths["year"].max()) + 1))
    grown = projected[projected["real_growth"].notna()]
    assert set(grown["year"]) == set(range(2026, 2031))  # the city's targets in force on 2025-12-31 cover 2026-2030
    assert grown["basis"].str.contains("a target, not an outcome").all()
    np.testing.assert_allclose(grown["growth"], 100 * ((1 + grown["real_growth"] / 100)
                                                       * (1 + grown["deflator"] / 100) - 1))
    assessment = tables("targets_assessment")
    old = assessment[(assessment["boundary"] == "old") & (assessment["target_year"] == 2030)]
    assert set(old["scenario"]) == {"baseline", "accelerated", "stalled"}
    paths_table = paths.set_index(["scenario", "year"])["grdp"]
    for row in assessment.itertuples():
        assert row.grdp == pytest.approx(paths_table[(row.scenario, row.target_year)])
        expected = 100 * ((paths_table[(row.scenario, row.target_year)] / paths_table[(row.scenario, row.start_year)])
                          ** (1 / (row.target_year - row.start_year)) - 1)
        assert row.grdp_growth == pytest.approx(expected)
        if row.role == "headline":
            assert row.required_digital_growth == pytest.approx(
                100 * ((1 + row.grdp_growth / 100) * (1 + row.required_excess_growth / 100) - 1))
            if np.isfinite(row.gap_pp):
                assert row.gap_bn_vnd == pytest.approx(row.gap_pp / 100 * row.grdp)
    headline = tables("targets_headline")
    for row in headline[headline["status"] == "projection"].itertuples():
        assert row.grdp == pytest.approx(paths_table[(row.scenario, row.target_year)])
        assert row.required_value_added == pytest.approx(row.target / 100 * row.grdp)
        assert row.achieved_boundary == row.boundary and np.isfinite(row.achieved_latest_step)
    measured = tables("targets_measured")
    for row in measured.itertuples():
        scenario = "baseline" if row.boundary == "old" else "merged-baseline"
        assert row.grdp == pytest.approx(paths_table[(scenario, row.target_year)])


def test_the_vintage_tables_state_starts_calibration_and_no_unsupported_probability(tables):
    starts = tables("forecast_starts").set_index(["boundary", "method"])
    assert starts.loc[("old", "mic"), "start_share"] == 22.0 and starts.loc[("old", "mic"), "start_year"] == 2024
    calibration = tables("forecast_calibration")
    assert {"model", "horizon", "forecasts", "coverage_80", "pit_ks_p", "calibrated"} <= set(calibration.columns)
    headline = tables("targets_headline")
    published = headline[headline["probability_published"]]
    assert headline.loc[~headline["probability_published"], "probability"].isna().all()
    for row in published.itertuples():  # a published probability names its calibration evidence
        assert row.probability_reason.startswith("every weighted model is calibrated")
    bands = tables("forecast_bands")
    assert (bands["year"] >= 2026).all()
    assert bands.loc[(bands["model"] == "ensemble") & ~bands["models_agree"], "median"].isna().all()


def test_every_band_of_the_vintage_lies_inside_zero_and_hundred(tables):
    """Issue 22: no projected share or band leaves (0, 100), under any scenario or model (vintage 2026Q1 had 193
    of 1,500 band rows outside, e.g. a drift's 95% lower end at -6.81 and a recentred upper end at 110.69)."""
    bands = tables("forecast_bands")
    values = bands[["median", "lower_80", "upper_80", "lower_95", "upper_95"]].to_numpy(float)
    shown = values[np.isfinite(values)]
    assert len(shown) and ((shown > 0) & (shown < 100)).all()
    assert set(bands["scenario"]) >= {"baseline", "accelerated", "stalled"}


def test_every_model_is_weighted_on_the_same_forecasts_and_the_rule_names_its_set(tables):
    """Issue 22: a refused model is scored as the mixture the ensemble would use, so every model has the same
    forecasts in each set; the weighting rule says which set of series the weights come from."""
    skill = tables("forecast_skill")
    assert set(skill["set"]) == {"digital", "sections"}
    assert (skill.groupby("set")["forecasts"].nunique() == 1).all()
    backtest = tables("forecast_backtest")
    refused = backtest[backtest["status"] == "refused"]
    assert refused["scaled_error"].notna().all() and refused["scored_as"].str.len().gt(0).all()
    fits = tables("forecast_fits")
    weighted = fits[(fits["model"] == "ensemble") & (fits["status"] == "ok")]
    assert weighted["spec"].str.contains("series|equal weights").all()
