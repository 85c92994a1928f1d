"""The as-of rule: a publisher's later release supersedes its earlier one; the rating decides between publishers."""

from __future__ import annotations

import pandas as pd
import pytest

from grdp import sources
from grdp.base import schemas


def releases(*rows):
    """One figure (HCMC GRDP 2022) released several times: (publisher, publication date, rating, value)."""
    frame = pd.DataFrame([{"region": "hcmc", "boundary": "old", "period": "2022", "frequency": "A",
                           "variable": "grdp", "industry": "TOTAL", "price_basis": "current", "unit": "bn_VND",
                           "value": value, "publisher": publisher, "publication_date": date,
                           "release_date": pd.Timestamp(date), "date_approx": False, "url": "https://example.org",
                           "quality": "published", "rating": rating, "note": "", "source_id": "test"}
                          for publisher, date, rating, value in rows])
    return schemas.OBSERVATIONS.validate(frame[list(schemas.OBSERVATIONS.columns)])


def chosen(obs, when=None):
    return sorted(sources.as_of(obs, when)["value"])


def gso_2022_share(observations, when):
    table = sources.as_of(observations, when)
    rows = table[(table.variable == "de_share_gso") & (table.region == "vn") & (table.period == "2022")]
    assert len(rows) == 1
    return rows.iloc[0]


def test_gso_revision_of_the_2022_digital_share_supersedes_its_first_estimate(observations):
    # Dec 2023: 12.67 (GSO press release, green); 2024: 12.63 (GSO figures quoted on a forum, red);
    # Jan 2025: 12.83 (GSO release quoted by a news aggregator, amber). Each GSO release replaces the one before.
    assert gso_2022_share(observations, "2024-06-30").value == pytest.approx(12.67)
    assert gso_2022_share(observations, "2024-12-31").value == pytest.approx(12.63)
    revised = gso_2022_share(observations, "2025-12-31")
    assert revised.value == pytest.approx(12.83)
    assert revised.rating == "amber"


def test_a_red_revision_by_the_same_publisher_supersedes_a_green_first_estimate():
    obs = releases(("HCMC Statistics Office (Cục Thống kê TP.HCM), via ttbc-hcm.gov.vn", "2022-12-30", "green", 100.0),
                   ("HCMC Statistics Office (Chi cục Thống kê), via baomoi.net.vn", "2025-04-10", "red", 103.0))
    assert chosen(obs, "2024-12-31") == [100.0]
    assert chosen(obs) == [103.0]


def test_between_publishers_the_rating_decides_and_a_red_figure_never_displaces_a_better_one():
    obs = releases(("General Statistics Office (GSO), via vietstock.vn", "2023-01-05", "amber", 100.0),
                   ("Compiled list of provincial GRDP (homehere.vn)", "2024-06-01", "red", 98.0))
    assert chosen(obs) == [100.0]
    obs = releases(("Compiled list of provincial GRDP (homehere.vn)", "2023-01-05", "red", 98.0),
                   ("HCMC People's Committee (UBND TP.HCM), via VnExpress", "2023-03-01", "amber", 100.0),
                   ("HCMC Statistics Office (Cục Thống kê TP.HCM)", "2022-12-30", "green", 101.0))
    assert chosen(obs) == [101.0]
    assert chosen(obs, "2022-12-01") == []
    # with equal ratings the later release of another publisher is used
    obs = releases(("HCMC People's Committee (UBND TP.HCM), via VnExpress", "2023-01-05", "amber", 100.0),
                   ("HCMC Statistics Office (Cục Thống kê TP.HCM), via Dân Việt", "2023-03-01", "amber", 101.0))
    assert chosen(obs) == [101.0]


def test_a_revision_displaces_a_better_rated_release_of_another_publisher_only_by_its_own_rating():
    # GSO green 2023, GSO revision red 2025, UBND amber 2024: GSO's latest word is red, so UBND's amber wins
    obs = releases(("GSO (Tổng cục Thống kê) press release", "2023-12-10", "green", 100.0),
                   ("HCMC People's Committee (UBND TP.HCM)", "2024-03-01", "amber", 99.0),
                   ("Cục Thống kê (National Statistics Office, Ministry of Finance), via cafef.vn", "2025-04-01", "red",
                    102.0))
    assert chosen(obs) == [99.0]


def test_tied_releases_of_one_publisher_keep_the_better_rated_row_and_real_conflicts_stay_visible():
    obs = releases(("GSO, via vnexpress.net", "2025-01-06", "red", 12.8),
                   ("GSO press release", "2025-01-06", "green", 12.83))
    assert chosen(obs) == [12.83]
    obs = releases(("HCMC People's Committee (UBND TP.HCM), via VietnamPlus", "2025-12-09", "amber", 2740000.0),
                   ("HCMC Statistics Office (Chi cục Thống kê), via VnExpress", "2025-12-09", "amber", 2750000.0))
    assert chosen(obs) == [2740000.0, 2750000.0]


@pytest.mark.parametrize("publisher, identity", [
    ("Cục Thống kê (National Statistics Office, Ministry of Finance), via cafef.vn", "gso"),
    ("GSO (Tổng cục Thống kê) release of 2025-01-06, via baomoi.net.vn (news aggregator)", "gso"),
    ("General Statistics Office (GSO)", "gso"),
    ("Tổng cục Thống kê", "gso"),
    ("NSO", "gso"),
    ("HCMC Statistics Office (Cục Thống kê TP.HCM), via VnEconomy", "hcmc_statistics_office"),
    ("HCMC Statistics Office (Chi cục Thống kê), via VietnamBiz", "hcmc_statistics_office"),
    ("Ba Ria-Vung Tau Statistics Office (Cục Thống kê), via danviet.vn", "brvt_statistics_office"),
    ("HCMC People's Committee (UBND TP.HCM), via VTC News", "hcmc_people_committee"),
    ("Compiled provincial GRDP ranking (rss.kynguyenmoi.io.vn), from GSO/provincial estimates",
     "compiled provincial grdp ranking (rss.kynguyenmoi.io.vn), from gso/provincial estimates"),
    ("Posts and Telecommunications Institute of Technology (PTIT, MIC)", "ptit"),
    ("  Some   Outlet Analysis , via x.vn", "some outlet analysis"),
])
def test_publisher_identity_drops_the_outlet_and_applies_the_alias_table(publisher, identity):
    assert sources.publisher_identity(publisher) == identity


def test_a_release_dated_by_its_month_is_known_from_the_end_of_that_month():
    obs = releases(("GSO", "2025-04", "green", 1.0))
    obs["release_date"] = pd.Timestamp(sources.release_date("2025-04"))  # as load_observations dates it
    assert sources.known_at(obs, "2025-04-29").empty
    assert len(sources.known_at(obs, "2025-04-30")) == 1
    assert sources.known_at(obs, None) is obs


@pytest.mark.parametrize("when", ["2023-12-31", "2025-06-30", "2025-12-31"])
def test_the_as_of_rule_selects_among_what_was_known(observations, when):
    known = sources.known_at(observations, when)
    assert known["release_date"].max() <= pd.Timestamp(when) < observations["release_date"].max()
    pd.testing.assert_frame_equal(sources.as_of(known, None), sources.as_of(observations, when))


# --- the one as-of view (sources.Releases) ---------------------------------------------------------------------


def test_a_view_knows_only_the_releases_of_its_date_and_selects_as_the_rule_does(observations):
    view = sources.Releases(observations, "2025-06-30")
    assert view.as_of == "2025-06-30"
    assert view.known["release_date"].max() <= pd.Timestamp("2025-06-30")
    pd.testing.assert_frame_equal(view.known, sources.known_at(observations, "2025-06-30"))
    pd.testing.assert_frame_equal(view.selected, sources.as_of(observations, "2025-06-30"))
    assert view.selected is view.selected  # selected once, then shared


def test_a_view_of_an_earlier_date_is_the_view_built_at_that_date(observations):
    later = sources.Releases(observations, "2025-12-31")
    earlier = later.at("2024-12-31")
    direct = sources.Releases(observations, "2024-12-31")
    assert earlier.as_of == "2024-12-31"
    pd.testing.assert_frame_equal(earlier.selected, direct.selected)
    assert earlier.key == direct.key
    assert later.at(None) is later


def test_a_view_never_reaches_a_later_release():
    obs = releases(("GSO", "2024-03-01", "green", 1.0), ("GSO", "2025-03-01", "green", 2.0))
    view = sources.Releases(obs, "2024-12-31")
    assert chosen(view.known) == [1.0]
    with pytest.raises(ValueError, match="cannot give the releases known on the later date 2025-06-30"):
        view.at("2025-06-30")


def test_a_subset_keeps_the_date_and_selects_within_the_subset():
    obs = releases(("GSO", "2024-03-01", "green", 1.0), ("Other", "2024-06-01", "green", 2.0))
    view = sources.Releases(obs, "2024-12-31")
    gso = view.subset(view.known["publisher"] == "GSO")
    assert gso.as_of == "2024-12-31"
    assert gso.selected["value"].tolist() == [1.0]
    assert view.selected["value"].tolist() == [2.0]
    assert gso.key != view.key
