"""Years known only from growth: the 2025 national account, the merged city's 2025 parts, vintages after the data."""

from __future__ import annotations

import pandas as pd
import pytest

from grdp import sources
from grdp.accounts import assembly as accounts
from grdp.base import classification, schemas
from grdp.sources import Releases

CELLS = list(classification.SECTIONS) + ["TAX"]


@pytest.fixture(scope="module")
def vn(observations):
    return accounts.assemble("vn", "national", Releases(observations, None))


def with_rows(observations, *rows):
    """Add releases: (dataset, region, boundary, period, variable, industry, basis, unit, value, publisher, date)."""
    frame = pd.DataFrame([{"source_id": d, "region": r, "boundary": b, "period": p, "frequency": "A", "variable": v,
                           "industry": i, "price_basis": basis, "unit": unit, "value": value, "publisher": publisher,
                           "publication_date": date, "release_date": pd.Timestamp(date), "date_approx": False,
                           "url": "https://example.org", "quality": "published", "rating": "amber", "note": ""}
                          for d, r, b, p, v, i, basis, unit, value, publisher, date in rows])
    added = schemas.OBSERVATIONS.validate(frame[list(schemas.OBSERVATIONS.columns)])
    return pd.concat([observations, added], ignore_index=True)


def without_2025_level(observations):
    """The observations without GSO's 2025 GDP level (as before its release reached sources/)."""
    level = ((observations.region == "vn") & (observations.period == "2025") & (observations.frequency == "A")
             & (observations.variable == "grdp") & (observations.industry == "TOTAL")
             & (observations.price_basis == "current"))
    return observations[~level].reset_index(drop=True)


def test_2025_national_account_from_partial_publications(observations):
    observations = without_2025_level(observations)
    vn = accounts.assemble("vn", "national", Releases(observations, None))
    year = vn.require(2025).set_index("industry")
    assert year.loc["TOTAL", "quality"] == "imputed"  # no 2025 GDP level: the total is built from growth
    cells = year.loc[CELLS[:-2] + ["TAX"]]
    assert (cells["quality"] == "imputed").all() and cells["method"].str.len().gt(40).all()
    assert abs(cells["value"].sum() - year.loc["TOTAL", "value"]) < 1e-6 * year.loc["TOTAL", "value"]
    # published real growth is reproduced in volume: the hierarchy TOTAL > broad > BTE > sections
    selected = sources.as_of(observations, None)
    published = selected[(selected.region == "vn") & (selected.period == "2025")
                         & (selected.variable == "grdp_real_growth")].set_index("industry")["value"]
    constant = selected[(selected.region == "vn") & (selected.period == "2024") & (selected.frequency == "A")
                        & (selected.variable == "grdp") & (selected.price_basis == "constant_2010")]
    base = constant.set_index("industry")["value"]
    growth = vn.growth[vn.growth.year == 2025].set_index("industry")["volume_growth"]
    for code, members in {"TOTAL": CELLS, "A": ["A"], "BTF": list("BCDEF"), "GTT": list("GHIJKLMNOPQRST"),
                          "BTE": list("BCDE"), "C": ["C"], "G": ["G"], "K": ["K"]}.items():
        members = [m for m in members if m in growth.index]
        implied = (base[members] * (1 + growth[members])).sum() / base[members].sum() - 1
        assert 100 * implied == pytest.approx(published[code], abs=0.01), code
    # the nine-month structure, bridged to the year, holds as imputed margins
    margins = vn.margins[vn.margins.year == 2025].set_index("industry")
    assert set(margins.index) == {"A", "BTF", "GTT", "TAX"}
    assert (margins["role"] == accounts.ROLE_TARGET).all() and margins["note"].str.contains("2025-9M").all()
    assert margins["difference_pp"].abs().max() < 1e-6
    # an independent expectation: the level GSO published on 2026-01-05 (12,847.6 thousand bn VND) is within 1%
    assert year.loc["TOTAL", "value"] == pytest.approx(12_847_600, rel=0.01)


def test_the_2025_national_account_gets_better_when_the_level_arrives(observations):
    more = with_rows(without_2025_level(observations), ("vn_gdp_growth_2025", "vn", "national", "2025", "grdp", "TOTAL", "current",
                                    "bn_VND", 12_847_600.0, "Cục Thống kê (National Statistics Office, MoF)",
                                    "2026-01-05"))
    vn = accounts.assemble("vn", "national", Releases(more, None))
    total = vn.require(2025).set_index("industry").loc["TOTAL"]
    assert total.value == 12_847_600.0 and total.quality == "published"
    a = vn.require(2025).set_index("industry").loc["A"]
    assert 100 * a.share == pytest.approx(vn.margins.set_index(["year", "industry"]).loc[(2025, "A"),
                                                                                         "published_share"])


def test_hierarchy_residual_growth_by_hand():
    from grdp.accounts import growth_years

    base = {"A": 10.0, "B": 5.0, "C": 20.0, "D": 5.0, "E": 0.0, "F": 10.0, "G": 30.0, "H": 10.0, "TAX": 10.0}
    rates = growth_years.volume_growth(base, {"TOTAL": 0.05, "A": 0.02, "BTF": 0.08, "C": 0.10})
    # GTT and TAX share the residual of TOTAL: (100 * 1.05 - 10 * 1.02 - 40 * 1.08) / 50 - 1
    assert rates["G"][0] == pytest.approx((105 - 10.2 - 43.2) / 50 - 1)
    assert rates["TAX"][0] == rates["G"][0]
    # BTE and F share the residual of BTF; inside BTE, B and D the residual after C
    btf_rest = (40 * 1.08) / 40 - 1
    assert rates["F"][0] == pytest.approx(btf_rest)
    assert rates["B"][0] == pytest.approx((30 * (1 + btf_rest) - 20 * 1.10) / 10 - 1)
    assert "E" not in rates


@pytest.mark.parametrize("as_of", [None, "2025-12-31"])
def test_merged_city_is_the_sum_of_its_parts_in_every_year_including_2025(observations, as_of):
    parts = accounts.assemble_parts(Releases(observations, as_of))
    merged = accounts.assemble("hcmc", "merged", Releases(observations, as_of))
    assert 2025 in merged.years and set(merged.years) == set.intersection(*(set(p.years) for p in parts.values()))
    columns = [c for c in CELLS + ["TOTAL"] if c in merged.wide("value").columns]
    summed = sum(p.wide("value").loc[list(merged.years), columns] for p in parts.values())
    pd.testing.assert_frame_equal(merged.wide("value")[columns], summed, rtol=1e-12)
    year = merged.require(2025)
    assert (year["quality"] == "imputed").all()


def test_2025_parts_are_moved_by_their_published_growth_and_the_national_deflator(observations):
    parts = accounts.assemble_parts(Releases(observations, None))
    expected = {"hcmc": 8.07, "binh_duong": 8.88}  # excl. oil and gas (no oil in old HCMC), total
    for region, published in expected.items():
        growth = parts[region].growth.set_index("industry")["volume_growth"]
        assert (100 * growth).round(2).eq(published).all(), region
        assert parts[region].growth["method"].str.contains("national deflator").all()
    brvt = parts["ba_ria_vung_tau"]
    growth = brvt.growth.set_index("industry")["volume_growth"]
    assert (100 * growth.drop("B")).round(2).eq(5.44).all()  # excluding oil and gas, 2025-12-09
    # oil and gas moves with its published 2025 growth (the merged city's -2.54%, Chi cuc Thong ke 2026-01-06)
    assert 100 * growth["B"] == pytest.approx(-2.54)
    assert "crude oil and gas" in brvt.growth.set_index("industry").loc["B", "method"]
    # an independent check: the parts then give the merged city's published 7.53% growth including oil within 0.1 pp
    merged = accounts.assemble("hcmc", "merged", Releases(observations, None))
    implied = merged.growth[(merged.growth.year == 2025) & (merged.growth.industry == "TOTAL")
                            & merged.growth["method"].str.startswith("grdp_real_growth")]["volume_growth"]
    assert 100 * implied.iloc[0] == pytest.approx(7.53, abs=0.1)


def test_both_published_merged_2025_levels_are_compared_and_neither_is_imposed(observations):
    merged = accounts.assemble("hcmc", "merged", Releases(observations, None))
    levels = merged.margins[(merged.margins.year == 2025) & (merged.margins.variable == "grdp")]
    # UBND 2025-12-09 (2.74), the Party drafts of October 2025 (3.03, 3.0) and the UBND chairman 2026-02-04 (3.0)
    assert {2_740_000.0, 3_000_000.0, 3_030_000.0} <= set(levels["published_value"])
    assert (levels["role"] == accounts.ROLE_COMPARISON).all()
    chairman = levels[levels["release"].str.contains("2026-02-04")]
    assert len(chairman) == 1 and chairman["selected"].all()  # the committee's later release supersedes 2.74
    total = merged.require(2025).set_index("industry").loc["TOTAL", "value"]
    assert total not in (2_740_000.0, 3_000_000.0)
    # the sum is near "about 3 quadrillion"; 2.74 would imply +0.8% nominal growth on 2024
    assert abs(total / 3_000_000.0 - 1) < abs(total / 2_740_000.0 - 1)
    growth = merged.margins[(merged.margins.year == 2025) & (merged.margins.variable == "grdp_real_growth")]
    assert len(growth) and growth["account_share"].notna().all()


@pytest.mark.parametrize("region, boundary", [("vn", "national"), ("hcmc", "old"), ("hcmc", "merged")])
def test_a_vintage_after_the_last_data_ends_at_the_last_year_with_a_clear_message(observations, region, boundary):
    account = accounts.assemble(region, boundary, Releases(observations, "2027-12-31"))
    assert account.years[-1] == 2025
    assert account.year(2026).empty
    with pytest.raises(KeyError, match="no sector account for .* in 2026 .*the accounts end at 2025"):
        account.require(2026)
    basis = account.basis().set_index("year")
    assert basis.loc[2025, "imputed_cells"] > 0  # 2025 is known only partly: its sections are imputed


def test_before_the_2025_growth_releases_the_accounts_end_in_2024(observations):
    for region, boundary in (("vn", "national"), ("hcmc", "old"), ("hcmc", "merged")):
        assert accounts.assemble(region, boundary, Releases(observations, "2025-09-30")).years[-1] == 2024
