"""The XLSX workbook of a vintage: sheets, header rows, values equal to the vintage's CSV tables, safe writing."""

from __future__ import annotations

import json
import math
import re
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from conftest import LATEST
from openpyxl.utils import get_column_letter

from grdp.base import labels, paths
from grdp.publish import cell_values, sheet_layout, workbook
from grdp.publish.workbook import (
    FIRST_DATA_ROW,
    HEADER_EN_ROW,
    HEADER_VI_ROW,
    SHEET_NAMES,
    SHEETS,
    UNIT_ROW,
    WorkbookError,
    write_workbook,
)

VINTAGE = LATEST
EXPECTED_SHEETS = ["readme", "headline", "shares", "published", "out_of_time", "targets", "decisions",
                   "targets_measured", "accounts", "quarterly", "nowcast", "revisions", "sources"]
CODE_WORDS = {"reached", "not reached", "undetermined", "not supported", "green", "amber", "red", "published",
              "estimate", "projection", "not_supported", "derived", "imputed", "benchmarked", "extrapolated",
              "nowcast", "headline", "lens", "old", "merged", "national", "gso", "mic", "hids", "oecd-core",
              "oecd-narrow", "oecd-broad", "hcmc", "vn", "baseline", "merged-baseline", "model", "line",
              "national_ratio", "carried", "own", "True", "False", "pp", "bn_VND"}
"""Codes of the vintage tables that the workbook translates: none may be a cell's whole text, except in an
English column beside a translation."""
ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


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


def _headers(name: str) -> list[tuple[str, str, dict]]:
    """The (Vietnamese, English) headers a sheet's layout makes, with the layout's column each comes from."""
    spec, out = _spec(), []
    for column in _sheet_spec(name)["columns"]:
        out.append((column["vi"], column["en"], column))
        if column.get("english"):
            out.append((spec["english_column"]["vi"].format(column["vi"]),
                        spec["english_column"]["en"].format(column["en"]), column))
        if "name_column" in column:
            names = spec["name_columns"][column["name_column"]]
            out.append((names["vi"], names["en"], column))
    return out


def _ws(book, name: str):
    return book[SHEET_NAMES[name]]


def _rows(ws) -> list[dict]:
    """Data rows of a table sheet as dicts keyed by the English header."""
    header = [c.value for c in ws[HEADER_EN_ROW]]
    return [dict(zip(header, values)) for values in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]


def _percent(value) -> float:
    """A share of the tables (percent points) as the workbook stores it."""
    return value / 100


def _vi(kind: str, code) -> str | None:
    return None if pd.isna(code) else workbook._words(kind, code, "vi")


def _date(text) -> datetime | None:
    if pd.isna(text):
        return None
    parts = [int(p) for p in str(text).split("-")] + [1, 1]
    return datetime(*parts[:3])


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


def test_sheets_in_order_with_vietnamese_names(book):
    assert list(SHEET_NAMES) == EXPECTED_SHEETS
    assert book.sheetnames == list(SHEETS) == list(SHEET_NAMES.values())
    for key, name in SHEET_NAMES.items():
        assert name != key and not name.isascii(), name  # Vietnamese words, not the English key
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\"), name
    assert len(set(book.sheetnames)) == len(book.sheetnames)


def test_readme_names_vintage_and_every_sheet(book):
    manifest = json.loads((paths.vintage_dir(VINTAGE) / "manifest.json").read_text(encoding="utf-8"))
    cells = {c.value for row in _ws(book, "readme").iter_rows() for c in row if c.value is not None}
    assert {VINTAGE, manifest["git_revision"], _date(manifest["parameters"]["as_of"])} <= cells
    assert set(SHEETS) <= cells
    assert {s["vi"] for s in _spec()["sheets"]} <= cells and {s["en"] for s in _spec()["sheets"]} <= cells
    assert {_spec()["readme"]["conventions"][lang] for lang in ("vi", "en")} <= cells
    assert "24.91%" in _spec()["readme"]["conventions"]["en"] and "24,91%" in _spec()["readme"]["conventions"]["vi"]
    listed = {row[0]: row for row in _ws(book, "readme").iter_rows(values_only=True) if row[0] in SHEETS}
    shares = listed[SHEET_NAMES["shares"]]
    assert shares[3] and shares[4] == "digital_headline.csv"  # its units and its source table
    glossary = {(row[1], row[2]) for row in _ws(book, "readme").iter_rows(values_only=True)}
    assert {("not reached", "không đạt"), ("amber", "vàng"), ("gso", "TCTK"), ("old", "TP.HCM cũ")} <= glossary


def test_headline_header_rows(book):
    ws = _ws(book, "headline")
    headers = _headers("headline")
    assert [c.value for c in ws[HEADER_VI_ROW]] == [vi for vi, _, _ in headers]
    assert [c.value for c in ws[HEADER_EN_ROW]] == [en for _, en, _ in headers]
    units = dict(zip((en for _, en, _ in headers), (c.value for c in ws[UNIT_ROW])))
    median = "Ensemble projection (median, where the models agree)"
    assert units[median] == "%" and units["Required growth in excess of GRDP"] == "%/năm | %/year"
    assert units["Gap to the target (value)"] == f"{labels.label('unit', 'bn_VND', 'vi')} | bn VND"
    first = {en: ws.cell(FIRST_DATA_ROW, j + 1).number_format for j, (_, en, _) in enumerate(headers)}
    assert first[median] == "0.00%"
    assert first["Gap to the target (value)"] == "#,##0"
    assert first["Probability of reaching the target (only where published)"] == "0.00%"


def test_headline_values_equal_csv(book):
    table = _table("targets_headline.csv")
    rows = _rows(_ws(book, "headline"))
    assert len(rows) == len(table)
    units = _spec()["units"]
    for row, (_, expected) in zip(rows, table.iterrows()):
        for column in _sheet_spec("headline")["columns"]:
            value, shown = expected[column["name"]], row[column["en"]]
            if "translate" in column:
                assert shown == _vi(column["translate"], value), (column["name"], shown, value)
            elif "names" in column:
                assert shown == cell_values.translate_names(column["names"], value, "vi", workbook._translations())
                assert row[f"{column['en']} (English)"] == value
            elif column["unit"] == "boolean":
                assert shown == _vi("value", value)
            elif column["unit"] == "date":
                assert shown == _date(value)
            elif "scale" in units[column["unit"]]:
                assert _same(shown, value * units[column["unit"]]["scale"]), (column["name"], shown, value)
            else:
                assert _same(shown, value), (column["name"], row, expected)
        assert row["Verdict (English)"] == (None if pd.isna(expected["verdict"])
                                            else labels.label("verdict", expected["verdict"], "en", short=True))
        assert row["Method"] == labels.label("method", expected["method"], "vi", short=True)
        assert row["Boundary"] == labels.label("boundary", expected["boundary"], "vi", short=True)


def test_the_workbook_says_what_each_figure_is_and_gives_probabilities_only_where_published(book):
    """The shares sheet is the estimates table, published figures first with their release; the headline sheet
    has a probability only where the vintage publishes one, and no unpublished model probability."""
    table = _table("digital_headline.csv")
    rows = _rows(_ws(book, "shares"))
    assert len(rows) == len(table)
    for row, (_, expected) in zip(rows, table.iterrows()):
        assert row["Status (published / estimate / not supported)"] == labels.label("status", expected["status"], "vi")
        assert row["Status (published / estimate / not supported) (English)"] == labels.label(
            "status", expected["status"], "en")
        assert _same(row["Share"], _percent(expected["value"]))
        if expected["status"] == "published":
            assert row["Release date"] == _date(expected["release"])
            assert row["Source rating"] == labels.label("value", expected["rating"], "vi")
    head = _table("targets_headline.csv")
    shown = _rows(_ws(book, "headline"))
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
        rows = _rows(_ws(book, sheet))
        assert len(rows) == len(table)
        assert [r["Instrument (English)"] for r in rows] == table["instrument"].tolist()
        assert [r["Instrument"] for r in rows] == [labels.label("instrument", i, "vi") for i in table["instrument"]]
        assert [r["Decided"] for r in rows] == [_date(d) for d in table["decided"]]
    merged = labels.label("boundary", "merged", "vi", short=True)
    assert {r["Year"] for r in _rows(_ws(book, "targets")) if r["Boundary"] == merged} >= {2026, 2030}


def test_accounts_totals_equal_csv(book):
    parameters = json.loads((paths.vintage_dir(VINTAGE) / "manifest.json").read_text(encoding="utf-8"))["parameters"]
    table = _table(f"accounts_{parameters['region']}_{parameters['boundary']}.csv")
    rows = _rows(_ws(book, "accounts"))
    assert len(rows) == len(table)
    totals = [r for r in rows if r["Industry code"] == "TOTAL"]
    expected = table[table["industry"] == "TOTAL"]
    assert len(totals) == len(expected) > 0
    for row, (_, csv_row) in zip(totals, expected.iterrows()):
        assert row["Year"] == csv_row["year"] and isinstance(row["Year"], int)
        assert _same(row["Value added"], csv_row["value"])
        assert _same(row["Share of GRDP"], csv_row["share"])
        assert row["Quality (published / derived / imputed)"] == labels.label("value", csv_row["quality"], "vi")


def test_sources_are_the_distinct_sources(book):
    columns = ["source_id", "publisher", "publication_date", "url", "rating"]
    expected = pd.read_csv(paths.vintage_dir(VINTAGE) / "tables" / "observations_as_of.csv", dtype=str)[columns]
    expected = {(s, p, _date(d), u, _vi("value", r)) for s, p, d, u, r in
                expected.drop_duplicates().itertuples(index=False, name=None)}
    rows = [tuple(r) for r in _ws(book, "sources").iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]
    assert len(rows) == len(expected)
    assert set(rows) == expected


def test_no_code_of_the_tables_is_shown_untranslated(book):
    """Verdicts, ratings, kinds of figure, methods, boundaries, regions, statuses, scenarios and yes/no are in
    Vietnamese words; English words only in a column whose header says it is English (the translation beside a
    code, or prose the tables write in English)."""
    seen = set()
    for ws in book.worksheets[1:]:
        english = [str(c.value).endswith("(tiếng Anh)") for c in ws[HEADER_VI_ROW]]
        for row in ws.iter_rows(min_row=FIRST_DATA_ROW):
            for cell, is_english in zip(row, english):
                assert not isinstance(cell.value, bool), (ws.title, cell.coordinate)
                if is_english:
                    seen.add(cell.value)
                else:
                    assert cell.value not in CODE_WORDS, (ws.title, cell.coordinate, cell.value)
    assert {"not reached", "published"} <= seen  # the English is beside the verdicts and the statuses


def test_dates_are_dates_and_every_share_has_the_one_percent_format(book):
    spec = _spec()
    percent, date_formats = spec["percent_format"], set(spec["date_formats"].values())
    percent_units = {key for key, unit in spec["units"].items() if unit["format"] == "percent"}
    checked = {"date": 0, "percent": 0}
    for sheet in spec["sheets"]:
        if sheet.get("kind", "table") != "table":
            continue
        ws = _ws(book, sheet["name"])
        for j, (_, _, column) in enumerate(_headers(sheet["name"]), start=1):
            cells = [ws.cell(i, j) for i in range(FIRST_DATA_ROW, ws.max_row + 1)]
            filled = [c for c in cells if c.value is not None]
            if column["unit"] == "date" and column["vi"] == ws.cell(HEADER_VI_ROW, j).value:
                assert filled, (sheet["name"], column["name"])
                assert all(isinstance(c.value, datetime) and c.number_format in date_formats for c in filled), (
                    sheet["name"], column["name"])
                checked["date"] += 1
            if column["unit"] in percent_units:
                assert all(c.number_format == percent for c in cells), (sheet["name"], column["name"])
                assert all(abs(c.value) < 20 for c in filled), (sheet["name"], column["name"])  # fractions
                checked["percent"] += 1
    assert checked["date"] >= 6 and checked["percent"] >= 40
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert not (isinstance(cell.value, str) and ISO_DATE.match(cell.value)), (ws.title, cell.coordinate)
                assert "%" not in cell.number_format or cell.number_format == percent, (ws.title, cell.coordinate)


def test_panes_filters_and_printing(book):
    for key, name in SHEET_NAMES.items():
        ws = book[name]
        assert ws.print_area, name
        width = sum(ws.column_dimensions[get_column_letter(j)].width for j in range(1, ws.max_column + 1))
        # one page across unless that would print below a readable scale; then the identifiers repeat on each
        assert ws.page_setup.fitToWidth == max(1, -(-width // sheet_layout.PAGE_WIDTH)) and ws.page_setup.fitToHeight == 0, name
        assert ws.page_setup.fitToWidth == 1 or ws.print_title_cols, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.freeze_panes, name
        if key in ("readme", "revisions"):
            continue
        keys = _sheet_spec(key)["keys"]
        frozen = sum(1 for _, _, column in _headers(key) if column["name"] in keys)
        assert ws.freeze_panes == f"{get_column_letter(frozen + 1)}{FIRST_DATA_ROW}", name
        assert ws.print_title_rows == f"${HEADER_VI_ROW}:${UNIT_ROW}", name
        assert ws.auto_filter.ref == f"A{UNIT_ROW}:{get_column_letter(ws.max_column)}{ws.max_row}", name
        wide = sum(ws.column_dimensions[get_column_letter(j)].width for j in range(1, ws.max_column + 1)) > 100
        assert ws.page_setup.orientation == ("landscape" if wide else "portrait"), name
    assert _ws(book, "headline").page_setup.orientation == "landscape"


def test_revisions_one_vintage_message(book):
    cells = [c.value for row in _ws(book, "revisions").iter_rows() for c in row if c.value is not None]
    empty = _sheet_spec("revisions")["empty"]
    assert empty["vi"].format(vintage=VINTAGE) in cells
    assert empty["en"].format(vintage=VINTAGE) in cells


def test_revisions_table_written(tmp_path):
    revisions = pd.DataFrame({"quantity": ["grdp", "share"], "boundary": ["old", "old"], "method": ["", "mic"],
                              "year": [2023, 2024], "revision": [1250.5, -1.5], "comment": ["first", None],
                              "revision_unit": ["bn_VND", "pp"]})
    book = openpyxl.load_workbook(write_workbook(VINTAGE, tmp_path / "r.xlsx", revisions=revisions))
    ws = _ws(book, "revisions")
    header = [c.value for c in ws[HEADER_EN_ROW]]
    assert header == ["Quantity", "Boundary", "Method", "Year", "Revision (latest − first)", "comment",
                      "Unit of the revision"]
    assert ws.cell(HEADER_VI_ROW, 5).value == "Điều chỉnh (mới nhất − lần đầu)"
    rows = _rows(ws)
    # each revision in its row's unit: bn VND as it is, a share's percentage points as a fraction shown as %
    assert [r["Revision (latest − first)"] for r in rows] == [1250.5, pytest.approx(-0.015, rel=1e-12)]
    assert [ws.cell(FIRST_DATA_ROW + i, 5).number_format for i in range(2)] == ["#,##0", _spec()["percent_format"]]
    assert [r["comment"] for r in rows] == ["first", None]
    assert [r["Method"] for r in rows] == [None, labels.label("method", "mic", "vi", short=True)]
    assert rows[0]["Quantity"] == labels.label("quantity", "grdp", "vi", short=True)
    assert rows[1]["Unit of the revision"] == _spec()["translations"]["revision_unit"]["pp"]["vi"]
    assert ws.freeze_panes == f"E{FIRST_DATA_ROW}"  # quantity, boundary, method, year identify a row

    empty = openpyxl.load_workbook(write_workbook(VINTAGE, tmp_path / "e.xlsx", revisions=revisions.iloc[:0]))
    message = _sheet_spec("revisions")["empty"]["en"].format(vintage=VINTAGE)
    assert message in [c.value for row in _ws(empty, "revisions").iter_rows() for c in row]


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


def test_a_date_shows_only_what_is_known_of_it():
    formats = _spec()["date_formats"]
    assert cell_values.excel_date("2025-02-18", formats) == (datetime(2025, 2, 18), formats["day"])
    assert cell_values.excel_date("2022-08", formats) == (datetime(2022, 8, 1), formats["month"])
    assert cell_values.excel_date("2022", formats) == (datetime(2022, 1, 1), formats["year"])
    for bad in ("2022-13", "18/02/2025", "2025-02-30"):
        with pytest.raises(ValueError):
            cell_values.excel_date(bad, formats)


def test_names_are_translated_where_known_and_kept_otherwise():
    extra = {"publisher": {"Some Board": {"vi": "Một ban", "en": "some board"}}}
    text = "Directive 17-CT/TU; An instrument nobody named"
    assert cell_values.translate_names("instrument", text, "vi", extra) == (
        f"{labels.label('instrument', 'Directive 17-CT/TU', 'vi')}; An instrument nobody named")
    assert cell_values.translate_names("publisher", "Some Board", "vi", extra) == "Một ban"
    with pytest.raises(KeyError, match="nobody"):
        cell_values.translate("verdict", "nobody knows", "vi", extra)


def test_header_rows_are_tall_enough_for_their_wrapped_words():
    assert sheet_layout.wrapped_lines("Năm", 8) == 1
    assert sheet_layout.wrapped_lines("Cận dưới khoảng 80%", 10) == 3  # "Cận dưới" / "khoảng" / "80%"
    assert sheet_layout.wrapped_lines("x" * 25, 10) == 3  # a word longer than the column breaks
