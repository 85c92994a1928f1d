"""What the notebooks of one run share is built once and is the same as what each would build on its own:
the sector accounts (notebooks 01-04), the estimates of notebook 02 that notebook 04 reads, the Tết regressor
of the seasonal adjustment and the truncated runs of the nowcast backtest (notebook 03)."""

from __future__ import annotations

import nbformat
import numpy as np
import pandas as pd
import pytest

from grdp import accounts
from grdp.accounts.shared import sector_account_parts, sector_accounts
from grdp.base import paths
from grdp.base import run_cache as cache
from grdp.digital import headline
from grdp.forecast import estimates
from grdp.quarterly import tet
from grdp.sources import Releases

AS_OF = "2025-12-31"


@pytest.fixture
def run_cache(tmp_path, monkeypatch):
    """An empty on-disk run cache, as ``grdp run`` sets it, and an empty memory.

    The session's memory (results other tests computed, under keys of what they depend on) is put back
    afterwards, so later tests need not compute them again.
    """
    monkeypatch.setenv(cache.ENV, str(tmp_path / cache.FOLDER))
    before = dict(cache._memory)
    cache._memory.clear()
    yield tmp_path / cache.FOLDER
    cache._memory.clear()
    cache._memory.update(before)


def _same(shared: accounts.SectorAccounts, own: accounts.SectorAccounts) -> None:
    assert (shared.region, shared.boundary, shared.as_of) == (own.region, own.boundary, own.as_of)
    for name in ("table", "margins", "growth"):
        pd.testing.assert_frame_equal(getattr(shared, name), getattr(own, name))


def test_shared_accounts_are_those_each_notebook_assembled(observations, run_cache):
    for region, boundary in (("hcmc", "old"), ("vn", "national"), ("hcmc", "merged")):
        _same(sector_accounts(region, boundary, Releases(observations, AS_OF)),
              accounts.assemble(region, boundary, Releases(observations, AS_OF)))
    own = accounts.assemble_parts(Releases(observations, AS_OF))
    shared = sector_account_parts(Releases(observations, AS_OF))
    assert list(shared) == list(own)
    for region in own:
        _same(shared[region], own[region])


def test_accounts_are_assembled_once_and_read_back_by_another_kernel(observations, run_cache, monkeypatch):
    first = sector_accounts("hcmc", "old", Releases(observations, AS_OF))
    assert sector_accounts("hcmc", "old", Releases(observations, AS_OF)) is first  # the same kernel: from memory
    cache._memory.clear()  # another notebook's kernel: only the folder is shared

    def refuse(*args, **kwargs):
        raise AssertionError("assembled again")

    monkeypatch.setattr("grdp.accounts.shared.assemble", refuse)
    monkeypatch.setattr("grdp.accounts.shared.assemble_parts", refuse)
    again = sector_accounts("hcmc", "old", Releases(observations, AS_OF))
    _same(again, first)
    # the digital-economy releases do not enter the key: a model built on fewer of them shares the accounts
    fewer = observations[~observations["variable"].str.startswith("de_") | (observations["period"] < "2023")]
    _same(sector_accounts("hcmc", "old", Releases(fewer, AS_OF)), first)


def test_the_key_follows_the_accounts_observations(observations, run_cache):
    base = sector_accounts("vn", "national", Releases(observations, AS_OF))
    edited = observations.copy()
    rows = ((edited["region"] == "vn") & (edited["variable"] == "grdp") & (edited["period"] == "2024")
            & (edited["frequency"] == "A") & (edited["price_basis"] == "current"))
    assert rows.any()
    edited.loc[rows, "value"] = edited.loc[rows, "value"] * 1.01  # every release of every cell: sums still hold
    other = sector_accounts("vn", "national", Releases(edited, AS_OF))
    assert other is not base
    assert other.table.set_index(["year", "industry"]).loc[(2024, "C"), "value"] != \
        base.table.set_index(["year", "industry"]).loc[(2024, "C"), "value"]


def test_a_locality_without_accounts_is_refused_on_its_own(observations, run_cache):
    no_brvt = observations[observations["region"] != "ba_ria_vung_tau"]
    hcmc = sector_accounts("hcmc", "old", Releases(no_brvt, AS_OF))  # the three cannot be assembled together
    _same(hcmc, accounts.assemble("hcmc", "old", Releases(no_brvt, AS_OF)))
    with pytest.raises(Exception) as own:
        accounts.assemble_parts(Releases(no_brvt, AS_OF))
    with pytest.raises(type(own.value)) as shared:  # refused as the accounts refuse it
        sector_account_parts(Releases(no_brvt, AS_OF))
    assert str(shared.value) == str(own.value)


def _parameters(notebook: str) -> dict:
    """The default parameters of a pipeline notebook (its cell tagged ``parameters``)."""
    book = nbformat.read(paths.notebooks_dir() / notebook, as_version=4)
    cell = next(c for c in book.cells if "parameters" in c.metadata.get("tags", []))
    values: dict = {}
    exec(cell.source, {}, values)
    return values


def test_notebook_04_reads_the_estimates_notebook_02_computed(observations, run_cache, monkeypatch):
    """The keys match: notebook 04's estimates adapter asks for the draws and seed notebook 02 computed with."""
    nb02, nb04 = _parameters("02_digital_economy.ipynb"), _parameters("04_targets_forecast.ipynb")
    assert nb02["seed"] == nb04["seed"] and nb02["draws"] == estimates.ESTIMATE_DRAWS
    table = headline.share_table("hcmc", "old", Releases(observations, AS_OF), level=nb02["level"], draws=nb02["draws"],
                                 seed=nb02["seed"])
    assert list(run_cache.glob("headline-*.pkl"))
    cache._memory.clear()  # notebook 04's kernel

    def refuse(*args, **kwargs):
        raise AssertionError("computed again instead of read from notebook 02's run cache")

    monkeypatch.setattr("grdp.digital.region_cells._cells", refuse)
    read = estimates.load_estimates(Releases(observations, AS_OF), "hcmc", "old", level=nb02["level"],
                                    seed=nb04["seed"])
    pd.testing.assert_frame_equal(read.table, table)
    row = read.table[read.table["status"] == "estimate"].iloc[0]
    assert len(read.draws(row["method"], int(row["year"]))) == nb02["draws"]


def test_the_cached_tet_regressor_is_the_one_computed_from_the_dates():
    index = pd.period_range("2010Q1", "2026Q4", freq="Q")
    for before, after, centre in ((30, 0, True), (30, 7, False), (20, 0, True)):
        cached = tet.tet_regressor(index, before=before, after=after, centre=centre)
        direct = tet.tet_regressor(index, before=before, after=after, centre=centre, dates=tet.tet_dates())
        pd.testing.assert_series_equal(cached, direct, check_exact=True)
    again = tet.tet_regressor(index)
    again.iloc[:] = np.nan  # a caller changing its copy does not change the next one
    assert tet.tet_regressor(index).notna().all()
