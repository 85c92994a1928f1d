"""The run cache shares built models between notebooks, never serves a stale entry, and never reaches a
published vintage; the vintage carries the headline and the out-of-time tables; notebook 02 runs after
the last data."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from grdp.base import paths, run_cache
from grdp.digital import build
from grdp.sources import Releases


@pytest.fixture
def observations(loaded_observations):
    return loaded_observations.copy(deep=True)


def test_a_model_is_built_once_and_read_back_from_disk(tmp_path, monkeypatch, observations):
    monkeypatch.setenv(run_cache.ENV, str(tmp_path / ".cache"))
    run_cache._memory.clear()
    first = build("vn", "national", Releases(observations, "2025-12-31"))
    files = sorted(p.name for p in (tmp_path / ".cache").glob("model-*.pkl"))
    assert len(files) == 1
    run_cache._memory.clear()  # as in another notebook's kernel
    calls = []
    monkeypatch.setattr("grdp.digital.model._build", lambda *a: calls.append(a))
    again = build("vn", "national", Releases(observations, "2025-12-31"))
    assert calls == [] and again.calibration.params == first.calibration.params
    assert again.source_key == first.source_key


def test_the_key_changes_with_the_observations_and_the_date(tmp_path, monkeypatch, observations):
    monkeypatch.setenv(run_cache.ENV, str(tmp_path / ".cache"))
    run_cache._memory.clear()
    base = build("vn", "national", Releases(observations, "2025-12-31"))
    edited = observations.copy()
    row = edited.index[(edited["variable"] == "de_share_gso") & (edited["region"] == "vn")
                       & (edited["period"] == "2024")][0]
    edited.loc[row, "value"] = 13.5
    other = build("vn", "national", Releases(edited, "2025-12-31"))
    assert other is not base and other.benchmarks["gso"].value(2024) == 13.5
    earlier = build("vn", "national", Releases(observations, "2025-09-30"))
    assert earlier is not base
    assert len(list((tmp_path / ".cache").glob("model-*.pkl"))) == 3


def test_clear_removes_the_folder(tmp_path):
    folder = tmp_path / run_cache.FOLDER
    folder.mkdir()
    (folder / "x.pkl").write_bytes(b"")
    run_cache.clear(tmp_path)
    assert not folder.exists() and run_cache._memory == {}


def test_the_vintage_has_the_headline_and_out_of_time_tables_and_no_cache(built):
    vintage = paths.vintage_dir("2025Q4")
    assert not (vintage / run_cache.FOLDER).exists()
    manifest = json.loads((vintage / "manifest.json").read_text(encoding="utf-8"))
    assert not any(run_cache.FOLDER in name for name in manifest["outputs"])
    head = pd.read_csv(vintage / "tables" / "digital_headline.csv")
    assert {"hcmc", "vn"} <= set(head["region"]) and {"old", "merged", "national"} <= set(head["boundary"])
    assert head.loc[(head["region"] == "hcmc") & (head["boundary"] == "old") & (head["method"] == "gso")
                    & (head["year"] == 2023), "value"].tolist() == [14.65]
    checks = pd.read_csv(vintage / "tables" / "digital_out_of_time.csv")
    assert checks["error_pp"].notna().all() and checks["covered"].notna().all()
    summary = pd.read_csv(vintage / "tables" / "digital_out_of_time_summary.csv")
    assert summary[["coverage_50", "coverage_80", "coverage_90"]].stack().between(0, 1).all()


def test_notebook_02_runs_for_a_vintage_after_the_last_data(late_vintage):
    out = late_vintage  # the session's vintage 2027Q4 (conftest.late_vintage), whose run executed notebook 02
    executed = nbformat.read(out / "02_digital_economy.ipynb", as_version=4)
    assert executed.metadata["papermill"]["parameters"]["as_of"] == "2027-12-31"
    head = pd.read_csv(Path(out, "tables", "digital_headline.csv"))
    assert head["year"].max() == 2027
    late = head[head["year"] >= 2026]
    assert (late["status"] != "published").all() and len(late)
