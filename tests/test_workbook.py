"""The XLSX workbook of a vintage: sheets, header rows, values equal to the vintage's CSV tables, safe writing."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from conftest import LATEST

from grdp.base import labels, paths
from grdp.publish.workbook import (
    FIRST_DATA_ROW,
    HEADER_EN_ROW,
    HEADER_VI_ROW,
    SHEETS,
    UNIT_ROW,
    WorkbookError,
    write_workbook,
)

VINTAGE = LATEST
EXPECTED_SHEETS = ["readme", "headline", "shares", "published", "out_of_time", "targets", "decisions",
                   "targets_measured", "accounts", "quarterly", "nowcast", "revisions", "sources"]


@pytest.fixture(autouse=True)
def _real_vintage(built):
    """Every test reads the latest vintage of the session's built project (``GRDP_ROOT`` points at it)."""
    return built


def _spec() -> dict:
    with paths.data_file("workbook.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _sheet_spec(name: str) -> dict:
    return next(s for s in _spec()["sheets"] if s["name"] == name)


def _table(name: str) -> pd.DataFrame:
    return pd.read_csv(paths.vintage_dir(VINTAGE) / "tables" / name)


def _rows(ws) -> list[dict]:
    """Data rows of a table sheet as dicts keyed by the English header."""
    header = [c.value for c in ws[HEADER_EN_ROW]]
    return [dict(zip(header, values)) for values in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]


def _same(cell, expected) -> bool:
    if isinstance(expected, float) and math.isnan(expected):
        return cell is None
    if isinstance(expected, str):
        return cell == expected
    return cell == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.fixture(scope="module")
def book(built_root, tmp_path_factory) -> openpyxl.Workbook:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRDP_ROOT", str(built_root))
        path = write_workbook(VINTAGE, tmp_path_factory.mktemp("workbook") / "grdp.xlsx")
    return openpyxl.load_workbook(path)


def test_sheets_in_order(book):
    assert list(SHEETS) == EXPECTED_SHEETS
    assert book.sheetnames == EXPECTED_SHEETS
    assert all(len(name) <= 31 for name in book.sheetnames)


def test_readme_names_vintage_and_every_sheet(book):
    manifest = json.loads((paths.vintage_dir(VINTAGE) / "manifest.json").read_text(encoding="utf-8"))
    cells = {c.value for row in book["readme"].iter_rows() for c in row if c.value is not None}
    assert {VINTAGE, manifest["parameters"]["as_of"], manifest["git_revision"]} <= cells
    assert set(EXPECTED_SHEETS) <= cells
    assert {s["vi"] for s in _spec()["sheets"]} <= cells and {s["en"] for s in _spec()["sheets"]} <= cells


def test_headline_header_rows(book):
    ws = book["headline"]
    expected_vi, expected_en = [], []
    for column in _sheet_spec("headline")["columns"]:
        expected_vi.append(column["vi"])
        expected_en.append(column["en"])
        if "label" in column:
            expected_vi.append(_spec()["label_columns"][column["label"]]["vi"])
            expected_en.append(_spec()["label_columns"][column["label"]]["en"])
    assert [c.value for c in ws[HEADER_VI_ROW]] == expected_vi
    assert [c.value for c in ws[HEADER_EN_ROW]] == expected_en
    units = dict(zip(expected_en, (c.value for c in ws[UNIT_ROW])))
    median = "Ensemble projection (median, where the models agree)"
    assert units[median] == "%" and units["Required growth in excess of GRDP"] == "%/năm | %/year"
    assert units["Gap to the target (value)"] == f"{labels.label('unit', 'bn_VND', 'vi')} | bn VND"
    assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
    first = {c: ws.cell(FIRST_DATA_ROW, j + 1).number_format for j, c in enumerate(expected_en)}
    assert first[median] == "0.00"
    assert first["Gap to the target (value)"] == "#,##0"
    assert first["Probability of reaching the target (only where published)"] == "0.00"


def test_headline_values_equal_csv(book):
    table = _table("targets_headline.csv")
    rows = _rows(book["headline"])
    assert len(rows) == len(table)
    columns = _sheet_spec("headline")["columns"]
    for row, (_, expected) in zip(rows, table.iterrows()):
        for column in columns:
            assert _same(row[column["en"]], expected[column["name"]]), (column["name"], row, expected)
        assert row["Method name (Vietnamese)"] == labels.label("method", expected["method"], "vi")
        assert row["Boundary name (Vietnamese)"] == labels.label("boundary", expected["boundary"], "vi")


def test_the_workbook_says_what_each_figure_is_and_gives_probabilities_only_where_published(book):
    """The shares sheet is the estimates table, published figures first with their release; the headline sheet
    has a probability only where the vintage publishes one, and no unpublished model probability."""
    table = _table("digital_headline.csv")
    rows = _rows(book["shares"])
    assert len(rows) == len(table)
    for row, (_, expected) in zip(rows, table.iterrows()):
        assert row["Status (published / estimate / not supported)"] == expected["status"]
        assert _same(row["Share"], expected["value"])
        if expected["status"] == "published":
            assert row["Release date"] == expected["release"] and row["Source rating"] == expected["rating"]
    head = _table("targets_headline.csv")
    shown = _rows(book["headline"])
    for row, (_, expected) in zip(shown, head.iterrows()):
        published = str(expected["probability_published"]) == "True"
        assert (row["Probability of reaching the target (only where published)"] is not None) == (
            published and not math.isnan(expected["probability"]))
    english = [c["en"] for c in _sheet_spec("headline")["columns"]]
    assert not [name for name in english if "model probability" in name.lower()]
    assert "probability_model" not in [c["name"] for c in _sheet_spec("headline")["columns"]]


def test_targets_and_decisions_sheets_hold_every_decision_in_force_and_known(book):
    for sheet, name in (("targets", "targets.csv"), ("decisions", "targets_decisions.csv")):
        table = _table(name)
        rows = _rows(book[sheet])
        assert len(rows) == len(table)
        assert [r["Instrument"] for r in rows] == table["instrument"].tolist()
        assert [r["Decided"] for r in rows] == table["decided"].astype(str).tolist()
    assert {r["Year"] for r in _rows(book["targets"]) if r["Boundary"] == "merged"} >= {2026, 2030}


def test_accounts_totals_equal_csv(book):
    parameters = json.loads((paths.vintage_dir(VINTAGE) / "manifest.json").read_text(encoding="utf-8"))["parameters"]
    table = _table(f"accounts_{parameters['region']}_{parameters['boundary']}.csv")
    rows = _rows(book["accounts"])
    assert len(rows) == len(table)
    totals = [r for r in rows if r["Industry code"] == "TOTAL"]
    expected = table[table["industry"] == "TOTAL"]
    assert len(totals) == len(expected) > 0
    for row, (_, csv_row) in zip(totals, expected.iterrows()):
        assert row["Year"] == csv_row["year"]
        assert _same(row["Value added"], csv_row["value"])
        assert _same(row["Share of GRDP"], csv_row["share"])
        assert row["Quality (published / derived / imputed)"] == csv_row["quality"]


def test_sources_are_the_distinct_sources(book):
    columns = ["source_id", "publisher", "publication_date", "url", "rating"]
    expected = pd.read_csv(paths.vintage_dir(VINTAGE) / "tables" / "observations_as_of.csv", dtype=str)[columns]
    expected = set(expected.drop_duplicates().itertuples(index=False, name=None))
    rows = [tuple(r) for r in book["sources"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]
    assert len(rows) == len(expected)
    assert set(rows) == expected


def test_revisions_one_vintage_message(book):
    cells = [c.value for row in book["revisions"].iter_rows() for c in row if c.value is not None]
    empty = _sheet_spec("revisions")["empty"]
    assert empty["vi"].format(vintage=VINTAGE) in cells
    assert empty["en"].format(vintage=VINTAGE) in cells


def test_revisions_table_written(tmp_path):
    revisions = pd.DataFrame({"quantity": ["grdp", "share"], "boundary": ["old", "old"], "method": ["", "mic"],
                              "year": [2023, 2024], "revision": [1250.5, -1.5], "comment": ["first", None]})
    book = openpyxl.load_workbook(write_workbook(VINTAGE, tmp_path / "r.xlsx", revisions=revisions))
    ws = book["revisions"]
    header = [c.value for c in ws[HEADER_EN_ROW]]
    assert header == ["Quantity", "Quantity name (Vietnamese)", "Boundary", "Boundary name (Vietnamese)", "Method",
                      "Method name (Vietnamese)", "Year", "Revision (latest − first)", "comment"]
    assert ws.cell(HEADER_VI_ROW, 8).value == "Điều chỉnh (mới nhất − lần đầu)"
    rows = _rows(ws)
    assert [r["Revision (latest − first)"] for r in rows] == revisions["revision"].tolist()
    assert [r["comment"] for r in rows] == ["first", None]
    assert [r["Method name (Vietnamese)"] for r in rows] == [None, labels.label("method", "mic", "vi")]
    assert rows[0]["Quantity name (Vietnamese)"] == labels.label("quantity", "grdp", "vi")

    empty = openpyxl.load_workbook(write_workbook(VINTAGE, tmp_path / "e.xlsx", revisions=revisions.iloc[:0]))
    message = _sheet_spec("revisions")["empty"]["en"].format(vintage=VINTAGE)
    assert message in [c.value for row in empty["revisions"].iter_rows() for c in row]


def test_the_workbook_has_the_permissions_of_any_other_file_written(tmp_path):
    # the temporary file it is saved through is created private (0600); the workbook must not stay so
    other = tmp_path / "other.txt"
    other.write_text("x")
    path = write_workbook(VINTAGE, tmp_path / "p.xlsx")
    assert path.stat().st_mode & 0o777 == other.stat().st_mode & 0o777


def test_refuses_to_overwrite(tmp_path):
    path = tmp_path / "existing.xlsx"
    path.write_bytes(b"keep")
    with pytest.raises(FileExistsError, match="existing.xlsx"):
        write_workbook(VINTAGE, path)
    assert path.read_bytes() == b"keep"
    assert [p.name for p in tmp_path.iterdir()] == ["existing.xlsx"]


@pytest.fixture
def copied_vintage(tmp_path, monkeypatch) -> Path:
    """A copy of the vintage's manifest and tables under ``tmp_path/root``, made the repository root."""
    source, target = paths.vintage_dir(VINTAGE), tmp_path / "root" / "forecasts" / VINTAGE
    shutil.copytree(source / "tables", target / "tables")
    shutil.copy(source / "manifest.json", target / "manifest.json")
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path / "root"))
    return target


def test_missing_column_names_file_and_column(copied_vintage, tmp_path):
    file = copied_vintage / "tables" / "targets_headline.csv"
    pd.read_csv(file).drop(columns="median").to_csv(file, index=False)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(WorkbookError, match=r"targets_headline\.csv.*'median'"):
        write_workbook(VINTAGE, out / "grdp.xlsx")
    assert list(out.iterdir()) == []


def test_no_temporary_file_left_when_writing_fails(tmp_path, monkeypatch):
    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr("grdp.publish.workbook.os.link", fail)
    with pytest.raises(OSError, match="disk full"):
        write_workbook(VINTAGE, tmp_path / "grdp.xlsx")
    assert list(tmp_path.iterdir()) == []
