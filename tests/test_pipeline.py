"""The papermill backbone: vintages are complete, immutable, reproducible; failures leave nothing behind.

Each test runs the real notebooks with the ``grdp`` kernel against a copy of the repository's
``sources/`` and ``notebooks/`` (``GRDP_ROOT`` points the package at the copy).
"""

from __future__ import annotations

import json
import shutil

import nbformat
import pandas as pd
import pytest

from grdp.base import paths
from grdp.cli import main
from grdp.run import pipeline, vintage
from grdp.sources import SourceValidationError

REPO = paths.repo_root()


@pytest.fixture
def project(tmp_path, monkeypatch):
    for folder in ("sources", "notebooks"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    return tmp_path


def tables(folder):
    return {p.name: p.read_bytes() for p in sorted((folder / "tables").glob("*.csv"))}


def test_run_writes_a_complete_vintage_with_manifest(built):
    folder = built / "forecasts" / "2025Q4"  # written by pipeline.run("2025Q4") in the session fixture
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"] == {"vintage": "2025Q4", "as_of": "2025-12-31", "region": "hcmc",
                                      "boundary": "old"}
    assert "tables/accounts_hcmc_old.csv" in manifest["outputs"]
    assert "01_sector_accounts.ipynb" in manifest["outputs"]
    assert {"03_quarterly.ipynb", "tables/quarterly_digital.csv", "tables/quarterly_nowcast.csv",
            "figures/quarterly_shares.png"} <= set(manifest["outputs"])
    assert {"04_targets_forecast.ipynb", "tables/targets_assessment.csv", "tables/targets_headline.csv",
            "tables/forecast_backtest_summary.csv", "tables/targets_crossing.csv",
            "figures/fan_old_baseline.png", "figures/fan_merged_merged-baseline.png"} <= set(manifest["outputs"])
    headline = pd.read_csv(folder / "tables" / "targets_headline.csv")
    assert set(headline["method"]) == {"gso", "mic"}  # the definitions the targets were set and tracked on
    assert headline["probability"].dropna().between(0, 1).all()
    shown = headline.dropna(subset=["median"])
    assert (shown["lower"] <= shown["median"]).all() and (shown["median"] <= shown["upper"]).all()
    projected = headline[headline["status"] == "projection"]
    years = projected["target_year"] - projected["start_year"]
    hand = 100 * ((projected["target"] / projected["start_share"]) ** (1 / years) - 1)
    assert (projected["required_excess_growth"] - hand).abs().max() < 1e-6  # the CSV keeps 10 significant digits
    assert any(name.startswith("sources/") for name in manifest["inputs"])
    assert {"pandas", "papermill", "python"} <= set(manifest["versions"])
    assert vintage.verify("2025Q4") == []
    executed = nbformat.read(folder / "01_sector_accounts.ipynb", as_version=4)
    assert executed.metadata["papermill"]["parameters"]["as_of"] == "2025-12-31"
    assert not list((built / "forecasts").glob(".staging-*"))


def test_existing_vintage_is_never_overwritten(built, capsys):
    before = (built / "forecasts" / "2025Q4" / "manifest.json").read_bytes()
    with pytest.raises(vintage.VintageError, match="never overwritten"):
        pipeline.run("2025Q4", as_of="2025-12-31", progress=False)
    assert main(["run", "--vintage", "2025Q4", "--quiet"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["run", "--vintage", "2025Q4", "--skip-existing", "--quiet"]) == 0
    assert (built / "forecasts" / "2025Q4" / "manifest.json").read_bytes() == before


def test_same_inputs_give_byte_identical_tables(built_root, second_run):
    first = built_root / "forecasts" / "2025Q4"  # the session's run, in another copy of the repository
    second = second_run.folder  # pipeline.run("2026Q1", as_of="2025-12-31") in a third copy (conftest.second_run)
    assert tables(first) and tables(first) == tables(second)


def small_notebook(path, *cells):
    book = nbformat.v4.new_notebook()
    parameters = "vintage = ''\noutput_dir = ''\ninputs = ''"
    book.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    book.cells += [nbformat.v4.new_code_cell(code) for code in cells]
    book.metadata["kernelspec"] = {"name": "grdp", "display_name": "Python (grdp)", "language": "python"}
    nbformat.write(book, path)


WRITES = """
from grdp import sources
from grdp.run import vintage as vintages

observations = sources.load_snapshot(inputs)
vintages.write_table(observations.drop(columns="release_date"), output_dir, "observations_as_of")
"""
"""A notebook that succeeds and writes a catalogued table into the staging folder (from the run's snapshot)."""


def test_failing_notebook_names_cell_and_leaves_no_vintage(project):
    # the pipeline's own notebooks are not needed to make a run fail (they would take a minute to run before
    # it): one that writes a table into the staging folder, then the failing one
    for book in (project / "notebooks").glob("*.ipynb"):
        book.unlink()
    small_notebook(project / "notebooks" / "01_writes.ipynb", WRITES)
    small_notebook(project / "notebooks" / "99_fails.ipynb", "raise RuntimeError('deliberate failure')")
    with pytest.raises(pipeline.PipelineError) as err:
        pipeline.run("2025Q4", as_of="2025-12-31", progress=False)
    message = str(err.value)
    assert "99_fails.ipynb" in message and "RuntimeError: deliberate failure" in message and "cell" in message
    assert not (project / "forecasts" / "2025Q4").exists()
    assert not list((project / "forecasts").glob(".staging-*"))
    kept = list((project / ".grdp-failed-runs").rglob("99_fails.ipynb"))
    assert len(kept) == 1


def test_invalid_source_stops_the_run_before_any_notebook(project):
    data = project / "sources" / "gso_nsdp_gdp_by_section" / "data.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",grdp,", ",grdp_total,", 1)
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SourceValidationError, match="line 2, column 'variable'"):
        pipeline.run("2025Q4", as_of="2025-12-31", progress=False)
    assert not (project / "forecasts").exists() or not any((project / "forecasts").iterdir())


def test_parameters_are_checked_with_clear_messages():
    with pytest.raises(ValueError, match="not a date"):
        pipeline.check_parameters("2025Q4", "31/12/2025", "hcmc", "old")
    with pytest.raises(vintage.VintageError, match="not a quarter label"):
        pipeline.check_parameters("2025-Q4", "2025-12-31", "hcmc", "old")
    with pytest.raises(ValueError, match="does not fit region"):
        pipeline.check_parameters("2025Q4", "2025-12-31", "binh_duong", "merged")


def test_the_2026q1_vintage_uses_the_january_2026_releases(built):
    folder = built / "forecasts" / "2026Q1"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert "2026-01-05" <= manifest["latest_release_used"] <= "2026-03-31"
    assert manifest["previous_vintage"] == "2025Q4" and manifest["new_releases"]
    headline = pd.read_csv(folder / "tables" / "digital_headline.csv")
    gso = headline[(headline.region == "vn") & (headline.method == "gso") & (headline.year == 2025)].iloc[0]
    assert gso.status == "published" and gso.value == 14.02  # Cục Thống kê, 5-6 January 2026
    targets = pd.read_csv(folder / "tables" / "targets.csv")  # the targets in force at 2026-03-31
    merged = targets[targets.boundary == "merged"].groupby("year")["target"].apply(set)
    # the HĐND 2026 plan; by 2030 DOST's 40% and the Party Congress resolution's 30-40% (its draft is not in force)
    assert merged[2026] == {30} and merged[2030] == {30, 40}
    ended = pd.read_csv(folder / "tables" / "targets_headline.csv")
    assert set(ended.loc[ended.target_year == 2025, "status"]) <= {"published", "estimate"}  # 2025 has ended


def test_a_vintage_after_the_last_data_runs_and_flags_what_it_projects(late_vintage, monkeypatch):
    folder = late_vintage  # pipeline.run("2027Q4"), as of 2027-12-31: nothing published after March 2026
    monkeypatch.setenv("GRDP_ROOT", str(folder.parents[1]))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["latest_release_used"] <= manifest["parameters"]["as_of"]
    assert vintage.verify("2027Q4") == []
    headline = pd.read_csv(folder / "tables" / "digital_headline.csv")
    assert headline["year"].max() == 2027  # every year that has ended by the as-of date is shown
    assert (headline.loc[headline.year > 2025, "status"] != "published").all()
    targets = pd.read_csv(folder / "tables" / "targets_headline.csv")
    assert (targets.loc[targets.target_year <= 2027, "status"] != "projection").all()  # ended: never forecast
    assert (targets.loc[targets.target_year == 2030, "status"] == "projection").all()
