"""Published section and division shares carried to every year: Ba Ria-Vung Tau's crude oil stays in mining."""

from __future__ import annotations

import pandas as pd
import pytest

from grdp.accounts import assembly as accounts
from grdp.sources import Releases
from tests.test_accounts import hcmc_rows, synthetic

OIL_BAND = (25.0, 45.0)
"""Mining (B) in % of Ba Ria-Vung Tau's GRDP, 2021-2024: crude oil and gas (division 06) is 35.7% in 2023
(statistics office) and 54.35% in 2024H1 (planning department, red, inconsistent with the published 2024 share of
industry and construction, 53.63%); the band allows the oil price and volume to move the share by about 10 pp."""
MANUFACTURING_BAND_PP = 2.0
"""Manufacturing (C) stays within this of its only published share (20.12% in 2023) in 2021-2024."""


@pytest.fixture(scope="module")
def brvt(observations):
    return accounts.assemble("ba_ria_vung_tau", "old", Releases(observations, None))


def share(account, year, code):
    return 100 * account.table[(account.table.year == year) & (account.table.industry == code)]["share"].iloc[0]


def test_brvt_crude_oil_stays_in_mining_in_every_year(brvt):
    assert share(brvt, 2023, "B") == pytest.approx(35.7, abs=accounts.MARGIN_TOLERANCE_PP)  # published annual share
    for year in (2021, 2022, 2023, 2024):
        assert OIL_BAND[0] <= share(brvt, year, "B") <= OIL_BAND[1], year
    margins = brvt.margins.set_index(["year", "industry"])
    for year in (2021, 2022):  # carried from 2023 as a location quotient, held in the raking
        row = margins.loc[(year, "B")]
        assert row.role == accounts.ROLE_TARGET and "carried from 06 2023" in row.note
        assert abs(row.difference_pp) < 1e-6
    # 2024: the 2024H1 share is used (as seed only: it does not fit the published 2024 broad shares) and said so
    row = margins.loc[(2024, "B")]
    assert row.role == accounts.ROLE_NOT_HELD and "06 2024H1" in row.note
    cell = brvt.table[(brvt.table.year == 2024) & (brvt.table.industry == "B")].iloc[0]
    assert cell.quality == "imputed" and "seed only" in cell.method and "06 2024H1" in cell.method


def test_brvt_manufacturing_does_not_jump_when_the_oil_share_is_unpublished(brvt):
    values = brvt.wide("value")["C"]
    for year in (2021, 2022, 2023, 2024):
        assert abs(share(brvt, year, "C") - 20.12) <= MANUFACTURING_BAND_PP, year
    growth = values.loc[2021:2024].pct_change().dropna()
    assert growth.abs().max() < 0.25  # the base commit moved C from 82,536 (2023) to 145,254 bn VND (2024)


def test_merged_mining_share_moves_with_the_oil_share_not_with_the_seed(observations):
    merged = accounts.assemble("hcmc", "merged", Releases(observations, None))
    mining = merged.wide("share")["B"].loc[2021:2024]
    assert mining.between(4.0, 9.0).all(), mining.round(2).to_dict()  # base commit: 2.5, 3.4, 7.95, 2.3
    assert mining.diff().abs().max() < 2.5


def test_location_quotients_are_interpolated_between_the_periods_that_measure_them():
    # national G share is 10% in every quarter; HCMC publishes G at 20% in 2020Q1 and 30% in 2022Q1
    shares = {"A": 1.0, "BTF": 25.0, "GTT": 64.0, "TAX": 10.0}
    rows = hcmc_rows(2021, 1000.0, shares) + [
        ("hcmc", "old", "2020Q1", "Q", "grdp_share", "G", "percent", 20.0),
        ("hcmc", "old", "2022Q1", "Q", "grdp_share", "G", "percent", 30.0)]
    obs = synthetic(rows)
    quarters = obs[(obs.region == "vn") & (obs.period == "2021Q1")].assign(period="2020Q1")
    quarters2 = quarters.assign(period="2022Q1")
    obs = pd.concat([obs, quarters, quarters2], ignore_index=True)
    account = accounts.assemble("hcmc", "old", Releases(obs, None))
    lq = 2.0 + (3.0 - 2.0) * (2021.5 - 2020.125) / (2022.125 - 2020.125)
    assert share(account, 2021, "G") == pytest.approx(10.0 * lq, rel=1e-9)
    method = account.table[(account.table.year == 2021) & (account.table.industry == "G")]["method"].iloc[0]
    assert "interpolated between G 2020Q1" in method and "G 2022Q1" in method
    assert share(account, 2021, "GTT") == pytest.approx(64.0)


def test_a_published_division_share_is_carried_to_the_years_without_one():
    shares = {"A": 1.0, "BTF": 40.0, "GTT": 49.0, "TAX": 10.0}
    rows = (hcmc_rows(2020, 1000.0, {**shares, "06": 20.0}) + hcmc_rows(2021, 1100.0, shares)
            + hcmc_rows(2022, 1200.0, shares))
    account = accounts.assemble("hcmc", "old", Releases(synthetic(rows), None))
    for year in (2020, 2021, 2022):  # national B share is the same (5%) in every year, so the quotient carries 20%
        assert share(account, year, "B") == pytest.approx(20.0, abs=1e-6)
    assert account.table[(account.table.year == 2021) & (account.table.industry == "B")]["quality"].iloc[0] == \
        "imputed"


def test_a_target_that_does_not_fit_the_published_margins_is_seed_only_and_the_margins_still_hold():
    shares = {"A": 1.0, "BTF": 25.0, "GTT": 64.0, "TAX": 10.0}
    rows = (hcmc_rows(2020, 1000.0, {**shares, "C": 20.0}) + hcmc_rows(2021, 1000.0, shares)
            + [("hcmc", "old", "2021Q1", "Q", "grdp_share", "B", "percent", 15.0)])  # B 15% + C 20% > BTF 25%
    account = accounts.assemble("hcmc", "old", Releases(synthetic(rows), None))
    margins = account.margins.set_index(["year", "industry"])
    assert margins.loc[(2021, "C"), "role"] == accounts.ROLE_TARGET  # annual anchor: imposed first
    assert margins.loc[(2021, "B"), "role"] == accounts.ROLE_NOT_HELD
    assert share(account, 2021, "BTF") == pytest.approx(25.0)
    assert share(account, 2021, "C") == pytest.approx(20.0)
    assert 0 < share(account, 2021, "B") < 5.0


def test_midpoints_of_periods():
    from grdp.accounts import carried_shares

    assert carried_shares.midpoint("2024H1", "H") == pytest.approx(2024.25)
    assert carried_shares.midpoint("2025-9M", "YTD") == pytest.approx(2025.375)
    assert carried_shares.midpoint("2023", "A") == pytest.approx(2023.5)
    assert carried_shares.midpoint("2022Q1", "Q") == pytest.approx(2022.125)
