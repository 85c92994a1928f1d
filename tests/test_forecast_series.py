"""Backtest series (grdp.forecast.series): coverage, published values, accounting identities, real-time
vintages and error messages, on the project's real sources."""

from __future__ import annotations

import pandas as pd
import pytest

from grdp.forecast import series as fs
from grdp.sources import Releases

ALL_ITEMS = tuple("ABCDEFGHIJKLMNOPQRST") + ("TAX",)
"""National production components: the sections GSO publishes (no U) and product taxes less subsidies."""
ROUNDING_BN = 0.05
"""National GDP and value added are published to 0.1 bn VND, so each figure is within 0.05 bn of its value."""


@pytest.fixture(scope="module")
def series(observations):
    return fs.backtest_series(Releases(observations, None))


# --------------------------------------------------------------------------- HCMC growth


def test_growth_covers_2010_to_2024_without_2014_and_matches_published(observations):
    growth = fs.hcmc_grdp_growth(Releases(observations, None))
    assert list(growth.index) == [*range(2010, 2014), *range(2015, 2025)]
    assert growth.name == "hcmc_grdp_growth"
    assert growth[2024] == 7.17  # HCMC Statistics Office, January 2025
    assert growth[2015] == 7.72  # new method preferred to the old-method 9.8
    assert growth[2013] == 9.3  # old method before the first new-method year
    assert growth[2021] == -5.36  # the revision (2022-12-30), not the preliminary -6.78
    assert growth.attrs["unit"] == "percent" and growth.attrs["scale"] == "rate"
    assert "2014 not published" in growth.attrs["note"] and "2010–2013" in growth.attrs["note"]


def test_growth_as_of_uses_the_release_known_then(observations):
    growth = fs.hcmc_grdp_growth(Releases(observations, "2022-06-30"))
    assert growth.index[-1] == 2021
    assert growth[2021] == -6.78  # preliminary of 2021-12-29
    assert growth[2017] == 8.25  # preliminary; revised to 7.88 only in 2023


def test_growth_before_the_new_method_is_old_method_only(observations):
    growth = fs.hcmc_grdp_growth(Releases(observations, "2015-06-30"))
    assert list(growth.index) == [2010, 2011, 2012, 2013]


# --------------------------------------------------------------------------- national annual


def test_section_shares_are_numerator_over_denominator(observations):
    shares = fs.national_section_shares(Releases(observations, None))
    assert list(shares) == [f"vn_share_{s}" for s in fs.SECTIONS]
    for frame in shares.values():
        assert list(frame.index) == list(range(2010, 2025))
        assert list(frame.columns) == ["share", "numerator", "denominator"]
        pd.testing.assert_series_equal(frame["share"], 100 * frame["numerator"] / frame["denominator"],
                                       check_names=False)
        assert frame["share"].between(0, 100, inclusive="neither").all()
        assert frame.attrs["unit"] == "percent" and frame.attrs["scale"] == "share"
    denominators = [frame["denominator"] for frame in shares.values()]
    assert all(d.equals(denominators[0]) for d in denominators)


def test_sections_and_tax_add_up_to_gdp(observations):
    """GDP = sum of sections A-T + product taxes less subsidies, up to rounding to 0.1 bn VND of each
    published figure: tolerance 22 x 0.05 bn VND (21 components and the total)."""
    shares = fs.national_section_shares(Releases(observations, None), sections=ALL_ITEMS)
    parts = pd.concat([frame["numerator"] for frame in shares.values()], axis=1).sum(axis=1)
    gdp = fs.national_gdp(Releases(observations, None))
    assert (parts - gdp).abs().max() <= (len(ALL_ITEMS) + 1) * ROUNDING_BN
    total_share = pd.concat([frame["share"] for frame in shares.values()], axis=1).sum(axis=1)
    assert (total_share - 100).abs().max() < 1e-4


def test_gdp_levels_and_price_basis(observations):
    current = fs.national_gdp(Releases(observations, None))
    real = fs.national_gdp(Releases(observations, None), basis="constant_2010")
    assert current.name == "vn_gdp_current" and real.name == "vn_gdp_constant_2010"
    assert list(current.index) == list(range(2010, 2025)) and current.attrs["scale"] == "level"
    assert current[2010] == real[2010]  # 2010 is the base year of the constant prices
    assert (current.loc[2011:] > real.loc[2011:]).all()  # prices rose every year since


def test_gdp_as_of_gives_the_earlier_vintage(observations):
    early = fs.national_gdp(Releases(observations, "2025-01-01"))  # SDMX file prepared 2024-10-24
    assert list(early.index) == [2021, 2022, 2023]
    assert early[2022] == 9548738.0
    assert fs.national_gdp(Releases(observations, None))[2022] == 9621371.8  # revised in the June 2025 file


# --------------------------------------------------------------------------- digital-economy share


def test_digital_share_as_of_excludes_later_releases(observations):
    assert 2025 not in fs.national_digital_share(Releases(observations, "2025-12-31"), "gso").index
    assert fs.national_digital_share(Releases(observations, None), "gso")[2025] == 14.02
    first = fs.national_digital_share(Releases(observations, "2024-06-30"), "gso")
    assert first.to_dict() == {2022: 12.67}  # only the first official compilation (Dec 2023) was out
    mic = fs.national_digital_share(Releases(observations, None), "mic")
    assert mic.name == "vn_de_share_mic" and list(mic.index) == [2021, 2022, 2023, 2024]


def test_digital_share_vintages(observations):
    vintages = fs.national_digital_share_vintages(Releases(observations, None), "gso")
    assert list(vintages.columns) == ["year", "release_date", "value", "rating", "url"]
    assert vintages.groupby("year").size()[2022] > 1
    assert {12.67, 12.83} <= set(vintages.loc[vintages["year"] == 2022, "value"])
    assert vintages.equals(vintages.sort_values(["year", "release_date", "url"], ignore_index=True))
    latest = fs.national_digital_share(Releases(observations, None), "gso")
    for year, value in latest.items():
        assert value in set(vintages.loc[vintages["year"] == year, "value"])


@pytest.mark.parametrize(("url", "approx", "expected"), [
    ("https://a.example/", False, 99.0),  # exact date, alphabetically first URL
    ("https://z.example/", False, 13.17),
    ("https://a.example/", True, 13.17),  # an inferred date yields to an exact one
])
def test_digital_share_same_day_conflict_is_resolved_deterministically(observations, url, approx, expected):
    rows = observations[(observations["variable"] == "de_share_gso") & (observations["region"] == "vn")
                        & (observations["period"] == "2024") & (observations["industry"] == "TOTAL")]
    assert len(rows) == 1
    rival = rows.assign(value=99.0, url=url, date_approx=approx)
    conflicting = pd.concat([observations, rival], ignore_index=True)
    assert fs.national_digital_share(Releases(conflicting, None), "gso")[2024] == expected


# --------------------------------------------------------------------------- quarterly


def test_quarterly_gdp_is_contiguous_and_adds_up_to_annual(observations):
    quarterly = fs.national_quarterly_gdp(Releases(observations, None))
    assert isinstance(quarterly.index, pd.PeriodIndex) and quarterly.index.freqstr.startswith("Q")
    assert quarterly.index[0] == pd.Period("2015Q1", freq="Q")
    assert quarterly.index.equals(pd.period_range("2015Q1", quarterly.index[-1], freq="Q"))
    assert quarterly.attrs["period"] == 4 and quarterly.attrs["scale"] == "level"
    annual = fs.national_gdp(Releases(observations, None))
    full_years = quarterly.groupby(quarterly.index.year).filter(lambda q: len(q) == 4)
    sums = full_years.groupby(full_years.index.year).sum()
    assert list(sums.index) == list(range(2015, 2025))
    assert (sums - annual.loc[sums.index]).abs().max() <= 5 * ROUNDING_BN  # four quarters and the year


def test_quarterly_section_share(observations):
    share = fs.national_quarterly_section_share(Releases(observations, None), "J")
    pd.testing.assert_series_equal(share["share"], 100 * share["numerator"] / share["denominator"],
                                   check_names=False)
    assert share["share"].between(0, 100, inclusive="neither").all()
    assert share["denominator"].equals(fs.national_quarterly_gdp(Releases(observations, None)).rename(None))


# --------------------------------------------------------------------------- collection


def test_backtest_series_names_order_and_attrs(series):
    assert list(series) == ["hcmc_grdp_growth", "vn_gdp_current", *(f"vn_share_{s}" for s in fs.SECTIONS),
                            "vn_de_share_gso", "vn_de_share_mic", "vn_gdp_q_current", "vn_share_q_J"]
    for name, data in series.items():
        attrs = data.attrs
        assert attrs["scale"] in {"rate", "level", "share"}, name
        assert attrs["unit"] in {"percent", "bn_VND"}, name
        description = attrs["description"]
        assert description and "\n" not in description, name
        quarterly = isinstance(data.index, pd.PeriodIndex)
        assert attrs["period"] == (4 if quarterly else 1), name
        assert quarterly or data.index.dtype.kind == "i", name
        assert not (data.isna().any().any() if isinstance(data, pd.DataFrame) else data.isna().any()), name
    assert series["hcmc_grdp_growth"].attrs["description"].endswith("2010–2024 without 2014")


def test_share_series_are_the_annual_share_series_of_the_collection(observations, series):
    shares = fs.share_series(Releases(observations, "2025-12-31"))
    assert list(shares) == [name for name, data in series.items()
                            if data.attrs["scale"] == "share" and data.attrs["period"] == 1]


def test_realtime_backtest_scores_each_release_against_the_figures_known_at_the_vintage(observations):
    from grdp.forecast.probability_calibration import realtime_backtest

    q4 = realtime_backtest(Releases(observations, "2025-12-31"), ("naive", "drift"), draws=300)
    assert (pd.to_datetime(q4["release"]) <= pd.Timestamp("2025-12-31")).all()
    gso = q4[q4["series"] == "vn_de_share_gso_realtime"]
    assert 2025 not in set(gso["target"])  # GSO's 2025 share was released on 2026-01-05
    known = fs.national_digital_share(Releases(observations, "2025-12-31"), "gso")
    assert (gso["actual"] == gso["target"].map(known)).all()
    q1 = realtime_backtest(Releases(observations, "2026-03-31"), ("naive", "drift"), draws=300)
    row = q1[(q1["series"] == "vn_de_share_gso_realtime") & (q1["target"] == 2025) & (q1["model"] == "naive")
             & (q1["horizon"] == 1)].iloc[0]
    assert row["actual"] == 14.02 and row["forecast"] == pytest.approx(13.17, abs=0.3)  # from the Jan-2025 release


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("call", "message"), [
    (lambda obs: fs.national_section_shares(Releases(obs, None), sections=("ZZ",)), "'ZZ'"),
    (lambda obs: fs.national_section_shares(Releases(obs, "2025-01-01")), "no industry 'M'"),
    (lambda obs: fs.national_quarterly_section_share(Releases(obs, None), "ZZ"), "'ZZ'"),
    (lambda obs: fs.national_gdp(Releases(obs, "2024-01-01")), "no national annual GDP"),
    (lambda obs: fs.national_gdp(Releases(obs, None), basis="nominal"), "'nominal'"),
    (lambda obs: fs.national_digital_share(Releases(obs, None), "oecd"), "'oecd'"),
    (lambda obs: fs.national_digital_share(Releases(obs, "2023-01-01"), "gso"), "de_share_gso"),
    (lambda obs: fs.hcmc_grdp_growth(Releases(obs, "2013-01-01")), "grdp_real_growth"),
])
def test_missing_data_errors_name_what_is_missing(observations, call, message):
    with pytest.raises(ValueError, match=message):
        call(observations)
