"""The headline table: published figures first, grdp's estimates labelled and bridged, nothing after the data crashes.

The expected published figures are read here straight from the observations with the sources' as-of
rule, not through the package's benchmark series, so a headline that printed a model value, a stale
release or a figure of another region would fail.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from grdp import sources
from grdp.base import estimate_kinds as kinds
from grdp.digital import METHODS, headline, measurement, region_cells
from grdp.sources import Releases

VINTAGES = ["2025-09-30", "2025-12-31", "2026-03-31"]
REGIONS = [("hcmc", "old"), ("vn", "national")]
DRAWS = 4_000


@pytest.fixture(scope="module")
def tables(observations):
    return {(r, b, a): headline.share_table(r, b, Releases(observations, a), draws=DRAWS, seed=1)
            for a in VINTAGES for r, b in REGIONS}


def expected_published(observations, region, boundary, as_of):
    """(method, year) -> the selected published row, straight from the observations."""
    variables = {m.published: name for name, m in METHODS.items() if m.published}
    rows = observations[observations["variable"].isin(list(variables)) & (observations["region"] == region)
                        & (observations["boundary"] == boundary) & (observations["industry"] == "TOTAL")
                        & (observations["frequency"] == "A")]
    selected = sources.as_of(rows, as_of).sort_values("source_id")
    return {(variables[r.variable], int(r.period)): r for r in selected.itertuples()}


@pytest.mark.parametrize("as_of", VINTAGES)
@pytest.mark.parametrize("region,boundary", REGIONS)
def test_every_published_region_year_is_the_headline(tables, observations, region, boundary, as_of):
    table = tables[(region, boundary, as_of)].set_index(["method", "year"])
    expected = expected_published(observations, region, boundary, as_of)
    shown = {k for k in expected if k[1] in table.index.get_level_values("year")}
    assert shown, "no published figure in the table's years"
    for key in shown:
        row, figure = table.loc[key], expected[key]
        assert row["status"] == "published", key
        assert row["value"] == figure.value and row["rating"] == figure.rating, key
        assert row["release"] == figure.release_date.date().isoformat() and row["url"] == figure.url, key
        assert row["source_id"] == figure.source_id
        assert row["basis"].startswith(f"published by {region_cells.INSTITUTIONS[key[0]]} (release {row['release']}, "
                                       f"{figure.rating})")
        assert row["lower"] < row["value"] < row["upper"]  # the published figure's own error
    # and nothing else is called published
    published = table[table["status"] == "published"]
    assert set(published.index) == shown


def test_the_table_runs_to_the_last_year_that_has_ended():
    assert measurement.ended_years("2025-12-30") == [2020, 2021, 2022, 2023, 2024]
    assert measurement.ended_years("2025-12-31") == [2020, 2021, 2022, 2023, 2024, 2025]
    assert measurement.ended_years("2026-03-31") == [2020, 2021, 2022, 2023, 2024, 2025]


@pytest.mark.parametrize("as_of", VINTAGES)
def test_one_row_per_method_and_year_with_the_interface_columns(tables, as_of):
    table = tables[("hcmc", "old", as_of)]
    assert list(table.columns) == headline.COLUMNS
    years = measurement.ended_years(as_of)
    assert sorted(zip(table["method"], table["year"])) == sorted((m, y) for m in METHODS for y in years)
    assert set(table["status"]) <= {"published", "estimate", "not_supported"}
    assert (table["level"] == 0.9).all()


def test_estimates_say_what_they_are_bridged_from(tables, observations):
    table = tables[("hcmc", "old", "2025-12-31")]
    published = expected_published(observations, "hcmc", "old", "2025-12-31")
    for row in table[(table["status"] == "estimate") & table["method"].isin(["gso", "mic", "hids"])].itertuples():
        assert row.basis.startswith("grdp estimate"), row
        source = (row.method, int(row.bridged_from_year))
        assert source in published, row  # bridged from a figure that was published
        assert f"{published[source].value:.2f}" in row.basis  # the nearest published figure of the series
        assert "the measurement model" in row.basis and "published figure(s)" in row.basis
        assert row.lower < row.value < row.upper
    gso_2024 = table[(table["method"] == "gso") & (table["year"] == 2024)].iloc[0]
    assert gso_2024.status == "estimate" and int(gso_2024.bridged_from_year) == 2023


def test_an_unidentified_tier_is_not_supported_with_its_reason(tables):
    table = tables[("hcmc", "old", "2025-12-31")]
    narrow = table[table["method"] == "oecd-narrow"]
    assert (narrow["status"] == "not_supported").all()
    assert narrow["value"].isna().all() and narrow["lower"].isna().all()
    assert narrow["reason"].str.contains("red-rated").all()
    others = table[table["status"] != "not_supported"]
    assert (others["reason"] == "").all() and others["value"].notna().all()


def test_uncalibrated_regions_are_labelled_so(observations):
    # Ba Ria-Vung Tau's evidence is the bounds of two figures; without Binh Duong's, none of its own is left
    without = observations[~((observations["region"] == "binh_duong") & observations["variable"].str.startswith("de_"))]
    table = headline.share_table("ba_ria_vung_tau", "old", Releases(without, "2025-12-31"), methods=["gso", "mic"],
                                 draws=DRAWS, seed=1)
    assert not (table["status"] == "published").any()
    estimates = table[table["status"] == "estimate"]
    assert len(estimates) and estimates["basis"].str.startswith("grdp estimate, uncalibrated").all()
    assert (estimates["kind"] == kinds.UNCALIBRATED).all()
    evidence = headline.share_table("ba_ria_vung_tau", "old", Releases(observations, "2025-12-31"),
                                    methods=["gso", "mic"], draws=DRAWS, seed=1)
    evidence = evidence[evidence["status"] == "estimate"]
    assert (evidence["kind"] == kinds.CALIBRATED).all() and evidence["basis"].str.contains("own evidence").all()


@pytest.mark.parametrize("as_of", VINTAGES)
def test_every_row_carries_its_kind_as_data(tables, as_of):
    """The kind agrees with the status and with what the English basis says (the reports read only the kind)."""
    says = {"published by": kinds.PUBLISHED, "grdp estimate, uncalibrated": kinds.UNCALIBRATED,
            "grdp model, not validated": kinds.NOT_VALIDATED, "the measurement model": kinds.MODEL,
            "sum of the three former localities": kinds.PARTS,
            "grdp estimate: national coefficients on": kinds.CALIBRATED}
    seen = set()
    for (region, boundary, when), table in tables.items():
        if when != as_of:
            continue
        for row in table.itertuples():
            assert row.kind in kinds.KINDS and kinds.status_of(row.kind) == row.status, row
            if row.kind == kinds.NOT_SUPPORTED:
                assert row.reason and not row.basis, row
                continue
            first = row.basis.split(";", 1)[0]
            named = {kind for words, kind in says.items() if words in first}
            assert named == {row.kind}, (row.kind, first)
            seen.add(row.kind)
    assert {kinds.PUBLISHED, kinds.NOT_VALIDATED, kinds.MODEL} <= seen


def test_the_samples_are_what_the_interval_is_made_of(tables, observations):
    table = tables[("hcmc", "old", "2025-12-31")].set_index(["method", "year"])
    for key in [("gso", 2023), ("gso", 2024), ("mic", 2025), ("oecd-core", 2024)]:
        draws = headline.share_samples("hcmc", "old", Releases(observations, "2025-12-31"), *key, draws=DRAWS, seed=1)
        assert len(draws) == DRAWS
        lower, upper = np.percentile(draws, [5, 95])
        assert (lower, upper) == (table.loc[key, "lower"], table.loc[key, "upper"])
    with pytest.raises(KeyError, match="not supported"):
        headline.share_samples("hcmc", "old", Releases(observations, "2025-12-31"), "oecd-narrow", 2024,
                               draws=DRAWS, seed=1)
    with pytest.raises(KeyError, match="no headline row"):
        headline.share_samples("hcmc", "old", Releases(observations, "2025-12-31"), "gso", 2026, draws=DRAWS, seed=1)


def test_asking_for_some_methods_gives_the_same_rows(tables, observations):
    some = headline.share_table("hcmc", "old", Releases(observations, "2025-12-31"), methods=["mic"], draws=DRAWS,
                                seed=1)
    full = tables[("hcmc", "old", "2025-12-31")]
    pd.testing.assert_frame_equal(some.reset_index(drop=True),
                                  full[full["method"] == "mic"].reset_index(drop=True))
    narrower = headline.share_table("hcmc", "old", Releases(observations, "2025-12-31"), methods=["mic"], level=0.5,
                                    draws=DRAWS, seed=1)
    assert (narrower["upper"] - narrower["lower"] < some["upper"] - some["lower"]).all()


def test_a_vintage_uses_no_later_release(observations):
    # HCMC's GSO figures for 2020-2022 were first released on 2025-02-18
    before = headline.share_table("hcmc", "old", Releases(observations, "2025-02-17"), methods=["gso"], draws=DRAWS,
                                  seed=1)
    row = before[before["year"] == 2021].iloc[0]
    assert row.status == "estimate" and "13.84" not in row.basis
    after = headline.share_table("hcmc", "old", Releases(observations, "2025-02-18"), methods=["gso"], draws=DRAWS,
                                 seed=1)
    assert after[after["year"] == 2021].iloc[0].value == 13.84


@pytest.mark.parametrize("as_of", ["2026-12-31", "2027-12-31"])
def test_nothing_crashes_after_the_last_data(observations, as_of):
    for region, boundary in [*REGIONS, ("hcmc", "merged"), ("ba_ria_vung_tau", "old")]:
        table = headline.share_table(region, boundary, Releases(observations, as_of), draws=1_000, seed=1)
        assert table["year"].max() == int(as_of[:4])
        after = table[table["year"] > 2025]
        assert (after["status"] != "published").all()
        assert ((after["status"] == "estimate") | after["reason"].str.len().gt(0)).all()
    national = headline.share_table("vn", "national", Releases(observations, as_of), methods=["gso"], draws=1_000,
                                    seed=1)
    gso_2025 = national[national["year"] == 2025].iloc[0]
    # published in January 2026: the headline, whether or not a (partly imputed) 2025 national account exists
    assert gso_2025.status == "published" and gso_2025.value == 14.02


def test_a_published_figure_without_a_sector_account_is_shown_not_fitted(observations):
    # as before the 2025 national releases reached sources/: the 2025 GSO share, but no 2025 national account
    national_2025 = ((observations["region"] == "vn") & observations["period"].str.startswith("2025")
                     & ~observations["variable"].str.startswith("de_"))
    table = headline.share_table("vn", "national", Releases(observations[~national_2025], "2026-03-31"),
                                 methods=["gso"],
                                 draws=1_000, seed=1)
    row = table[table["year"] == 2025].iloc[0]
    assert row.status == "published" and row.value == 14.02
    assert "no sector account for 2025: shown, not fitted" in row.basis
