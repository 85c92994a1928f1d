"""Safe exports: text a spreadsheet would run as a formula is neutralised in the workbook and in spreadsheet CSVs.

OWASP's advice against CSV (formula) injection: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is written as text prefixed with a single quote. The workbook test writes hostile text into a
copy of a real vintage's tables, opens the workbook with openpyxl and finds no formula anywhere.
"""

from __future__ import annotations

import shutil

import openpyxl
import pandas as pd
import pytest
from conftest import LATEST

from grdp.base import paths
from grdp.cli import main
from grdp.publish.workbook import SHEET_NAMES, write_workbook
from grdp.run import vintage

HOSTILE = ['=HYPERLINK("http://evil.example/x","MIC")', "+SUM(1,1)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)",
           "\t=1+1", "\r=1+1"]
IN_TABLES = HOSTILE[:5]
"""Hostile text that survives a CSV table (a bare carriage return ends a CSV line; sources refuse it)."""


@pytest.mark.parametrize("text", HOSTILE, ids=["equals", "plus", "minus", "at", "tab", "carriage-return"])
def test_export_formula_text_is_prefixed_with_a_quote(text):
    assert vintage.neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", [-5.36, 0, 12.5, "HCMC Statistics Office", "2025-12-31", None, "", "'quoted"])
def test_export_numbers_and_plain_text_are_left_alone(value):
    assert vintage.neutralise_formula(value) == value


@pytest.fixture
def hostile_vintage(built, tmp_path, monkeypatch):
    """A copy of the latest vintage whose sources table names hostile publishers and notes."""
    source, root = paths.vintage_dir(LATEST), tmp_path / "root"
    target = root / "forecasts" / LATEST
    shutil.copytree(source / "tables", target / "tables")
    shutil.copy(source / "manifest.json", target / "manifest.json")
    file = target / "tables" / "observations_as_of.csv"
    table = pd.read_csv(file, dtype=str, keep_default_na=False)
    for i, text in enumerate(IN_TABLES):
        table.loc[i, "publisher"] = text
        table.loc[i, "source_id"] = f"-source{i}"
    table.to_csv(file, index=False)
    monkeypatch.setenv("GRDP_ROOT", str(root))
    return target


def test_export_workbook_holds_no_formula_where_text_was_written(hostile_vintage, tmp_path):
    path = write_workbook(LATEST, tmp_path / "grdp.xlsx")
    book = openpyxl.load_workbook(path)
    formulas = [(ws.title, c.coordinate, c.value) for ws in book for row in ws.iter_rows() for c in row
                if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("="))]
    assert formulas == []
    texts = {c.value for row in book[SHEET_NAMES["sources"]].iter_rows() for c in row if isinstance(c.value, str)}
    assert {"'" + text for text in IN_TABLES} <= texts and "'-source0" in texts
    assert not any(text in texts for text in IN_TABLES)


def test_export_workbook_keeps_negative_numbers_as_numbers(hostile_vintage, tmp_path):
    book = openpyxl.load_workbook(write_workbook(LATEST, tmp_path / "grdp.xlsx"))
    numbers = [c.value for ws in book for row in ws.iter_rows() for c in row if c.data_type == "n" and c.value]
    assert any(v < 0 for v in numbers)  # e.g. the 2021 real growth of GRDP, or a negative revision
    assert not any(isinstance(c.value, str) and c.value.startswith("'-") and _is_number(c.value[1:])
                   for ws in book for row in ws.iter_rows() for c in row)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_export_spreadsheet_csv_neutralises_text_and_keeps_numbers(tmp_path):
    table = pd.DataFrame({"publisher": HOSTILE, "value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0]})
    path = vintage.write_csv(table, tmp_path / "out.csv", spreadsheet=True)
    back = pd.read_csv(path, keep_default_na=False)
    assert back["publisher"].tolist() == ["'" + t for t in HOSTILE]
    assert back["value"].tolist() == [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0]


def test_export_vintage_tables_are_written_as_data(tmp_path):
    table = pd.DataFrame({"note": ["+8.5% over 2024"]})
    assert pd.read_csv(vintage.write_csv(table, tmp_path / "t.csv"))["note"].tolist() == ["+8.5% over 2024"]


def test_export_revisions_output_is_a_spreadsheet_csv(built, tmp_path, monkeypatch):
    captured = {}
    real = vintage.write_csv

    def spy(table, path, **kwargs):
        captured.update(kwargs)
        return real(table, path, **kwargs)

    monkeypatch.setattr(vintage, "write_csv", spy)
    assert main(["revisions", "--output", str(tmp_path / "revisions.csv")]) == 0
    assert captured == {"spreadsheet": True} and (tmp_path / "revisions.csv").exists()
