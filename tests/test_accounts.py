"""Sector accounts: published values kept exactly, identities hold, imputed cells flagged, rules as stated."""

from __future__ import annotations

import pandas as pd
import pytest

from grdp import sources
from grdp.accounts import assembly as accounts
from grdp.base import classification, schemas
from grdp.sources import Releases

CELLS = list(classification.SECTIONS) + ["TAX"]


@pytest.fixture(scope="module")
def hcmc(observations):
    return accounts.assemble("hcmc", "old", Releases(observations, None))


def published_total(observations, region, boundary, year, as_of=None):
    chosen = sources.as_of(observations, as_of)
    row = chosen[(chosen.region == region) & (chosen.boundary == boundary) & (chosen.variable == "grdp")
                 & (chosen.industry == "TOTAL") & (chosen.period == str(year)) & (chosen.price_basis == "current")]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize("year", [2022, 2023])
def test_hcmc_grdp_equals_the_published_value(hcmc, observations, year):
    cell = hcmc.table[(hcmc.table.year == year) & (hcmc.table.industry == "TOTAL")].iloc[0]
    source = published_total(observations, "hcmc", "old", year)
    assert cell.value == source.value
    assert cell.quality == "published"
    assert cell.sources == source.source_id


def test_hcmc_2023_prefers_the_exact_release_over_a_later_approximation(observations):
    # 1,621,191 (statistics office, Dec 2023, amber) vs "over 1.613 quadrillion" (press, Apr 2025, red)
    assert published_total(observations, "hcmc", "old", 2023).value == 1_621_191


def test_as_of_hides_releases_not_yet_published(observations):
    early = sources.as_of(observations, "2023-06-30")
    hcmc_2023 = early[(early.region == "hcmc") & (early.variable == "grdp") & (early.period == "2023")]
    assert hcmc_2023.empty
    assert published_total(observations, "hcmc", "old", 2022, as_of="2023-06-30").value == 1_479_227
    # the national accounts on file were published in 2024-2025, so no seed structure existed then
    with pytest.raises(accounts.AccountsError, match="no complete national accounts"):
        accounts.assemble("hcmc", "old", Releases(observations, "2023-06-30"))


def test_published_margins_reproduced_within_tolerance(hcmc):
    margins = hcmc.margins[hcmc.margins.role == accounts.ROLE_IMPOSED]
    assert {(2022, c) for c in ("A", "BTF", "GTT", "TAX")} <= set(zip(margins.year, margins.industry))
    assert {(2023, c) for c in ("A", "BTF", "GTT", "TAX")} <= set(zip(margins.year, margins.industry))
    assert margins["difference_pp"].abs().max() <= accounts.MARGIN_TOLERANCE_PP
    held = hcmc.margins[hcmc.margins.role == accounts.ROLE_TARGET]
    assert len(held) and held["difference_pp"].abs().max() <= 1e-6  # imputed targets that fit are held exactly


def test_identities_hold_in_every_year(hcmc):
    for _, rows in hcmc.table.groupby("year"):
        v = rows.set_index("industry")["value"]
        assert v[[c for c in CELLS if c in v]].sum() == pytest.approx(v["TOTAL"], rel=1e-9)
        for code in ("BTF", "GTT", "BTE", "KEY9"):
            members = [m for m in classification.aggregate_members(code) if m in v]
            assert v[code] == pytest.approx(v[members].sum(), rel=1e-9)
    shares = hcmc.table[hcmc.table.industry.isin(classification.SECTIONS)]["share"]
    assert shares.between(0, 1).all()


def test_every_cell_is_flagged_and_imputed_cells_name_their_method(hcmc):
    table = hcmc.table
    assert set(table.quality) <= {"published", "derived", "imputed"}
    imputed = table[table.quality == "imputed"]
    assert len(imputed) > 0
    assert imputed["method"].str.len().gt(10).all()
    sections_2022 = table[(table.year == 2022) & table.industry.isin(CELLS)].set_index("industry")
    assert sections_2022.loc["A", "quality"] == "derived"  # published share x published GRDP
    assert sections_2022.loc["G", "quality"] == "imputed"
    assert sections_2022.loc["G", "method"].startswith(accounts.M_RAKED)


def test_national_accounts_are_published_and_add_up(observations):
    vn = accounts.assemble("vn", "national", Releases(observations, None))
    complete = vn.table[(vn.table.year <= 2024) & vn.table.industry.isin(CELLS)]
    assert (complete.quality == "published").all()
    year = vn.table[vn.table.year == 2023].set_index("industry")["value"]
    assert abs(year[[c for c in CELLS if c in year]].sum() - year["TOTAL"]) <= accounts.NATIONAL_TOLERANCE


def test_merged_city_is_the_sum_of_the_three_localities(observations):
    merged = accounts.assemble("hcmc", "merged", Releases(observations, None))
    parts = [accounts.assemble(r, "old", Releases(observations, None)).table for r in ("hcmc", "binh_duong",
                                                                                      "ba_ria_vung_tau")]
    common = set.intersection(*(set(p.year) for p in parts))
    assert common, "expected at least one year with all three localities"
    for year in common:
        expected = sum(p[(p.year == year) & (p.industry == "C")]["value"].iloc[0] for p in parts)
        got = merged.table[(merged.table.year == year) & (merged.table.industry == "C")]["value"].iloc[0]
        assert got == pytest.approx(expected, rel=1e-12)
        total = merged.table[(merged.table.year == year) & (merged.table.industry == "TOTAL")].iloc[0]
        assert total.quality == ("derived" if year <= 2024 else "imputed")


def test_a_broken_identity_is_an_error(hcmc):
    broken = accounts.SectorAccounts(hcmc.region, hcmc.boundary, None, hcmc.table.copy(), hcmc.margins)
    index = broken.table[(broken.table.year == 2022) & (broken.table.industry == "G")].index[0]
    broken.table.loc[index, "value"] += 1000.0
    with pytest.raises(accounts.AccountsError, match="2022: sections \\+ TAX differ from GRDP"):
        accounts.check_identities(broken)


# --- the stated rules, on a small synthetic table -------------------------------------------------

NATIONAL_2020 = {"A": 10, "B": 5, "C": 25, "D": 3, "E": 1, "F": 6, "G": 10, "H": 5, "I": 3, "J": 4, "K": 5,
                 "L": 4, "M": 2, "N": 1, "O": 2, "P": 4, "Q": 2, "R": 1, "S": 1, "T": 1, "TAX": 5}


def synthetic(extra_rows):
    rows = []
    for year in (2020, 2021, 2022):
        for code, value in NATIONAL_2020.items():
            rows.append(("vn", "national", str(year), "A", "grdp", code, "bn_VND", value * 100.0))
        rows.append(("vn", "national", str(year), "A", "grdp", "TOTAL", "bn_VND", 10000.0))
    for quarter in (1, 2, 3, 4):
        for code, value in NATIONAL_2020.items():
            rows.append(("vn", "national", f"2021Q{quarter}", "Q", "grdp", code, "bn_VND", value * 25.0))
        rows.append(("vn", "national", f"2021Q{quarter}", "Q", "grdp", "TOTAL", "bn_VND", 2500.0))
    rows += extra_rows
    frame = pd.DataFrame(rows, columns=["region", "boundary", "period", "frequency", "variable", "industry", "unit",
                                        "value"])
    frame = frame.assign(price_basis="current", source_id="test", publisher="test", publication_date="2024-01-01",
                         release_date=pd.Timestamp("2024-01-01"), date_approx=False, url="https://example.org",
                         quality="published", rating="amber", note="")
    return schemas.OBSERVATIONS.validate(frame[list(schemas.OBSERVATIONS.columns)])


def hcmc_rows(year, total, shares):
    rows = [("hcmc", "old", str(year), "A", "grdp", "TOTAL", "bn_VND", total)]
    rows += [("hcmc", "old", str(year), "A", "grdp_share", code, "percent", share) for code, share in shares.items()]
    return rows


def test_missing_years_interpolate_broad_shares_and_a_single_gap_is_a_residual():
    obs = synthetic(hcmc_rows(2020, 1000.0, {"A": 2.0, "BTF": 30.0, "GTT": 58.0, "TAX": 10.0})
                    + hcmc_rows(2021, 1100.0, {})
                    + hcmc_rows(2022, 1200.0, {"A": 1.0, "BTF": 26.0, "GTT": 61.0}))
    result = accounts.assemble("hcmc", "old", Releases(obs, None)).table
    tax_2022 = result[(result.year == 2022) & (result.industry == "TAX")].iloc[0]
    assert tax_2022.share == pytest.approx(0.12) and tax_2022.quality == "derived"
    assert "residual" in tax_2022.method
    year_2021 = result[result.year == 2021].set_index("industry")
    assert year_2021.loc["A", "share"] == pytest.approx(0.015)  # midway between 2.0 and 1.0
    assert year_2021.loc["BTF", "share"] == pytest.approx(0.28)
    assert year_2021.loc["TAX", "share"] == pytest.approx(0.11)  # midway between 10 and the 2022 residual 12
    assert year_2021.loc["A", "quality"] == "imputed" and "interpolation" in year_2021.loc["A", "method"]


def test_location_quotient_shifts_the_seed_inside_a_broad_sector():
    shares = {"A": 1.0, "BTF": 25.0, "GTT": 64.0, "TAX": 10.0}
    plain = accounts.assemble("hcmc", "old", Releases(synthetic(hcmc_rows(2021, 1000.0, shares)), None)).table
    quarterly = [("hcmc", "old", "2021Q1", "Q", "grdp_share", "G", "percent", 20.0)]  # national G share is 10%
    with_lq = accounts.assemble("hcmc", "old", Releases(synthetic(hcmc_rows(2021, 1000.0, shares) + quarterly), None))
    g_plain = plain[(plain.industry == "G")]["share"].iloc[0]
    g_lq = with_lq.table[(with_lq.table.industry == "G")]["share"].iloc[0]
    assert g_lq > g_plain
    method = with_lq.table[with_lq.table.industry == "G"]["method"].iloc[0]
    assert "location quotient 2.00 carried from G 2021Q1" in method
    gtt = with_lq.table[with_lq.table.industry == "GTT"]["share"].iloc[0]
    assert gtt == pytest.approx(0.64)  # the published margin still holds


def test_tied_conflicting_releases_are_refused():
    obs = synthetic(hcmc_rows(2021, 1000.0, {"A": 1.0, "BTF": 25.0, "GTT": 64.0, "TAX": 10.0})
                    + [("hcmc", "old", "2021", "A", "grdp", "TOTAL", "bn_VND", 1010.0)])
    with pytest.raises(accounts.AccountsError, match="conflicting releases of hcmc GRDP 2021"):
        accounts.assemble("hcmc", "old", Releases(obs, None))


def test_inconsistent_margins_are_refused():
    obs = synthetic(hcmc_rows(2021, 1000.0, {"A": 1.0, "BTF": 25.0, "GTT": 64.0, "TAX": 10.0, "C": 30.0}))
    with pytest.raises(accounts.AccountsError, match="hcmc 2021: raking did not converge"):
        accounts.assemble("hcmc", "old", Releases(obs, None))
