"""The monthly-report reader (``grdp ingest monthly``) on workbooks written here in the report's layout.

The workbook has the sheets a quarter-end "Biểu số liệu" has around its GDP table: a CPI sheet first, the GDP
sheet under a name that says nothing ("02.TKQG", found by its A1 title), with two header rows whose upper
cells are merged over two columns, Vietnamese number formats, a "Trong đó:" row; and a second GDP sheet
(quarterly growth of the year) whose headers carry no year (the title's is used).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from intake_support import TODAY, row, snapshot, write_dataset

from grdp import cli, sources
from grdp import sources
from grdp.intake import IntakeError, plan
from grdp.intake.monthly_report import is_gdp_title, measure_of, period_of, read_monthly_report

URL = "https://www.nso.gov.vn/wp-content/uploads/2026/04/Bieu-Q1.2026-final.xlsx"
LEVELS = [
    ["TỔNG SỐ", 2_800_000, "3.100.000,5", 1_700_000, 1_830_000, "7,65", 100],
    ["Nông, lâm nghiệp và thủy sản", 330_000, 356_500, 190_000, 196_650, "3,50", "11,5"],
    ["Công nghiệp và xây dựng", 1_030_000, 1_147_000, 640_000, 693_000, "8,28", 37],
    ["Trong đó: Công nghiệp chế biến, chế tạo", 690_000, 760_000, 450_000, 490_000, "8,89", None],
    ["Dịch vụ", 1_200_000, 1_333_000, 740_000, 800_000, "8,11", 43],
    ["Thuế sản phẩm trừ trợ cấp sản phẩm", 240_000, 263_500, 130_000, 140_350, "7,96", "8,5"],
]


def workbook(path: Path, *, body: list[list] = LEVELS, extra_sheet: bool = True, gdp: bool = True) -> Path:
    book = openpyxl.Workbook()
    cpi = book.active
    cpi.title = "Biểu 01"
    cpi.append(["CHỈ SỐ GIÁ TIÊU DÙNG, CHỈ SỐ GIÁ VÀNG VÀ ĐÔ LA MỸ THÁNG 3 NĂM 2026"])
    cpi.append(["", "Tháng 3/2026 so với cùng kỳ"])
    cpi.append(["Chỉ số giá tiêu dùng", "3,35"])
    if gdp:
        sheet = book.create_sheet("02.TKQG")
        sheet.append(["TỔNG SẢN PHẨM TRONG NƯỚC QUÝ I NĂM 2026"])
        sheet.append(["Đơn vị tính: Tỷ đồng"])
        sheet.append(["", "Giá hiện hành", None, "Giá so sánh 2010", None,
                      "Tốc độ tăng so với cùng kỳ năm trước (%)", "Cơ cấu (%)"])
        sheet.merge_cells("B3:C3")
        sheet.merge_cells("D3:E3")
        sheet.append(["", "Quý I/2025", "Ước tính quý I/2026", "Quý I/2025", "Ước tính quý I/2026", "Quý I/2026",
                      "Quý I/2026"])
        for row in body:
            sheet.append(row)
        sheet.append(["Nguồn: Cục Thống kê"])
    if extra_sheet:
        growth = book.create_sheet("Biểu 2a")
        growth.append(["Tốc độ tăng GDP các quý năm 2025 so với cùng kỳ năm trước (%)"])
        growth.append(["", "Quý I", "Quý II", "Quý III", "Quý IV", "Cả năm"])
        growth.append(["Tổng sản phẩm trong nước (GDP)", 7.05, 8.16, 8.25, 8.46, 8.02])
    book.save(path)
    return path


def read(path: Path):
    return read_monthly_report(path, publication_date="2026-04-06", url=URL)


def test_headers_name_a_measure_and_a_period():
    assert is_gdp_title("TỔNG SẢN PHẨM TRONG NƯỚC QUÝ I NĂM 2026") and is_gdp_title("Tốc độ tăng GDP năm 2025")
    assert not is_gdp_title("CHỈ SỐ GIÁ TIÊU DÙNG") and not is_gdp_title(None)
    assert measure_of("Giá so sánh 2010 Quý I/2026", "").variable == "grdp"
    assert measure_of("Giá so sánh 2010 Quý I/2026", "").price_basis == "constant_2010"
    assert measure_of("Cơ cấu (%) Quý I/2026", "Đơn vị tính: Tỷ đồng").variable == "grdp_share"
    assert measure_of("Quý I/2026", "Đơn vị tính: nghìn tỷ đồng").scale == 1000
    assert measure_of("Quý I/2026", "") is None
    assert period_of("Quý IV năm 2025", None) == ("2025Q4", "Q")
    assert period_of("6 tháng đầu năm 2025", None) == ("2025H1", "H")
    assert period_of("9 tháng năm 2025", None) == ("2025-9M", "YTD")
    assert period_of("Cả năm", "2025") == ("2025", "A")
    assert period_of("So với cùng kỳ năm trước", None) is None


def test_the_gdp_sheets_become_national_rows(tmp_path: Path):
    release = read(workbook(tmp_path / "bieu.xlsx"))
    rows = [r.values for r in release.rows]
    by_key = {(r["period"], r["variable"], r["industry"], r["price_basis"]): r["value"] for r in rows}
    assert by_key[("2026Q1", "grdp", "TOTAL", "current")] == "3100000.5"
    assert by_key[("2025Q1", "grdp", "TOTAL", "constant_2010")] == "1700000"
    assert by_key[("2026Q1", "grdp_real_growth", "C", "constant_2010")] == "8.89"
    assert by_key[("2026Q1", "grdp_share", "A", "current")] == "11.5"
    assert by_key[("2025Q3", "grdp_real_growth", "TOTAL", "constant_2010")] == "8.25"  # year from the title
    assert by_key[("2025", "grdp_real_growth", "TOTAL", "constant_2010")] == "8.02"   # "Cả năm"
    assert len(rows) == 6 * 6 - 1 + 5  # C has no share; five growth figures on the second sheet
    assert {(r["region"], r["boundary"], r["publication_date"], r["url"]) for r in rows} == \
        {("vn", "national", "2026-04-06", URL)}
    first = next(r for r in release.rows if r.values["period"] == "2026Q1" and r.values["price_basis"] == "current"
                 and r.values["variable"] == "grdp" and r.values["industry"] == "TOTAL")
    assert first.place("value") == (5, "C (Giá hiện hành Ước tính quý I/2026)")
    assert "estimate" in first.values["note"] and "cell C5" in first.values["note"]
    assert all(sources.check_row(r, sources.variables()) == [] for r in rows)


def test_problems_are_reported_with_sheet_row_and_column(tmp_path: Path):
    body = LEVELS[:2] + [["Ngành không có", 1, 2, 3, 4, "5", 6], ["Dịch vụ", 1, "1.2OO", 3, 4, "5", 6]]
    with pytest.raises(IntakeError) as refused:
        read(workbook(tmp_path / "bieu.xlsx", body=body, extra_sheet=False))
    found = {(p.line, p.column.split(" ")[0]) for p in refused.value.problems}
    assert found == {(7, "A"), (8, "C")}
    assert "unknown industry name 'Ngành không có'" in str(refused.value)
    assert "'1.2OO'" in str(refused.value)


def test_a_workbook_without_a_gdp_sheet_is_refused(tmp_path: Path):
    with pytest.raises(IntakeError) as refused:
        read(workbook(tmp_path / "bieu.xlsx", extra_sheet=False, gdp=False))
    (problem,) = refused.value.problems
    assert "no sheet whose A1 title names the GDP table" in problem.message and "Biểu 01" in problem.message
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(IntakeError, match="not a readable Excel workbook"):
        read(broken)


def test_command_starts_the_quarterly_dataset_and_refuses_the_same_report_twice(tmp_path: Path, monkeypatch, capsys):
    root = tmp_path / "sources"
    write_dataset(root, "vn_gdp", [row()], "2026-01-05")  # 2025 growth 8.02, Cục Thống kê via cafef.vn
    path = workbook(tmp_path / "bieu.xlsx")
    release = read(path)
    release.new_dataset_title = "Viet Nam quarterly GDP"
    statuses = {(f.row.values["period"], f.row.values["industry"]): f.status
                for f in plan(release, root=root, today=TODAY).findings}
    assert statuses[("2025", "TOTAL")] == "unchanged" and statuses[("2026Q1", "TOTAL")] == "new"

    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    args = ["ingest", "monthly", "--file", str(path), "--url", URL, "--publication-date", "2026-04-06",
            "--new-dataset", "Viet Nam quarterly GDP (statistics office reports)"]
    assert cli.main(args + ["--apply"]) == 0
    assert "for a new dataset" in capsys.readouterr().out
    assert sources.validate(root) == [] and (root / "vn_gdp_quarterly" / "provenance.yaml").exists()
    before = snapshot(root)
    assert cli.main(args + ["--apply"]) == cli.INGEST_EXIT_NOTHING_NEW and snapshot(root) == before


def test_a_huge_figure_in_thousand_billions_is_scaled_exactly_and_left_to_the_contract(tmp_path: Path):
    """Issue 24: scaling a huge figure published in nghìn tỷ đồng went through a float, which overflowed into a
    traceback; it is now scaled exactly, and the source contract's bounds refuse it at its cell (plan)."""
    huge = "1" + ".000" * 120
    body = [[LEVELS[0][0], huge] + LEVELS[0][2:]] + LEVELS[1:]
    path = workbook(tmp_path / "bieu.xlsx", body=body, extra_sheet=False)
    book = openpyxl.load_workbook(path)
    book["02.TKQG"]["A2"] = "Đơn vị tính: Nghìn tỷ đồng"
    book.save(path)
    row = next(r for r in read(path).rows if r.values["industry"] == "TOTAL" and r.values["period"] == "2025Q1"
               and r.values["price_basis"] == "current")
    assert row.values["value"] == "1" + "0" * 363
    problems = sources.check_row(row.values, sources.variables())
    assert any(column == "value" for column, _ in problems)
