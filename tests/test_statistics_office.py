"""The statistics-office Excel adapter: wide yearbook tables become valid source rows.

Every workbook is generated here with openpyxl in the yearbook layout (title rows, a header
row of years, Vietnamese industry names down the first column); no binary fixture is committed.
"""

from __future__ import annotations

import csv
import os
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from grdp import sources
from grdp.base import classification, schemas
from grdp.intake.statistics_office import (
    PRELIMINARY_NOTE,
    industry_code,
    parse_value,
    read_statistics_office_table,
    year_label,
)

RELEASE = {
    "region": "hcmc",
    "boundary": "old",
    "publisher": "Cục Thống kê TP.HCM (Niên giám thống kê 2023)",
    "publication_date": "2024-06-30",
    "url": "https://thongke.hochiminhcity.gov.vn/nien-giam-2023",
}

TITLE = "Tổng sản phẩm trên địa bàn theo giá hiện hành phân theo ngành kinh tế"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def vn_format(value: Decimal) -> str:
    """Write a number the way the yearbooks print it: 1.479.227,5."""
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = sign + ".".join(groups)
    fraction = fraction.rstrip("0")
    return text + ("," + fraction if fraction else "")


def write_workbook(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Biểu 1"
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def table(header: list[object], body: list[list[object]]) -> list[list[object]]:
    """A yearbook sheet: title, unit line, an empty row, the header, the body, a source line."""
    return [[TITLE], ["Đơn vị tính: Tỷ đồng"], [], header, *body, [], ["Nguồn: Cục Thống kê TP.HCM"]]


def problems_of(path: Path, **kwargs) -> list[sources.Problem]:
    with pytest.raises(sources.SourceValidationError) as info:
        read_statistics_office_table(path, **{**RELEASE, **kwargs})
    return info.value.problems


# --------------------------------------------------------------------------------------------
# The realistic table
# --------------------------------------------------------------------------------------------

YEARS = ("2021", "2022", "2023")
SECTIONS = classification.SECTIONS


def section_values() -> dict[str, dict[str, Decimal]]:
    """Figures per year and code (sections A..U and TAX); aggregates are their exact sums."""
    values: dict[str, dict[str, Decimal]] = {}
    for y, year in enumerate(YEARS):
        codes = {code: Decimal(1000 * (s + 1) + 37 * y) + Decimal("0.5") * (s % 2)
                 for s, code in enumerate(SECTIONS)}
        codes["U"] = Decimal(0)  # extraterritorial bodies: published as 0 in the yearbooks
        codes["TAX"] = Decimal("123456.7") + y
        codes["BTF"] = sum(codes[c] for c in "BCDEF")
        codes["GTT"] = sum(codes[c] for c in "GHIJKLMNOPQRSTU")
        codes["TOTAL"] = sum(codes[c] for c in SECTIONS) + codes["TAX"]
        values[year] = codes
    return values


# Labels as a yearbook prints them: upper-case total, broad sectors, code-prefixed sections,
# NFD-normalised text, stray spaces, the older tone placement ("thuỷ", "điều hoà").
LABELS = {
    "TOTAL": "TỔNG SỐ",
    "A": "Nông, lâm nghiệp và thủy sản",
    "BTF": "Công nghiệp và xây dựng",
    "GTT": "Dịch vụ",
    "TAX": "Thuế sản phẩm trừ trợ cấp sản phẩm",
}
SECTION_ROWS = ["B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U"]


def section_label(code: str, position: int) -> str:
    name = classification.name(code)
    if code == "D":
        name = name.replace("điều hoà", "điều hòa")
    if position % 3 == 0:
        label = f"{code} - {name}"
    elif position % 3 == 1:
        label = f"  {code}. {name.upper()} "
    else:
        label = name.replace(" ", "  ")
    return nfd(label) if position % 2 == 0 else label


def realistic_rows() -> list[list[object]]:
    values = section_values()

    def cells(code: str, as_text: bool) -> list[object]:
        out: list[object] = []
        for y, year in enumerate(YEARS):
            value = values[year][code]
            if as_text or y == 2:  # the preliminary column is text throughout
                out.append(vn_format(value))
            else:
                out.append(float(value) if value % 1 else int(value))
        return out

    body: list[list[object]] = [["Phân theo ngành kinh tế"]]  # a sub-heading without figures
    for position, code in enumerate(["TOTAL", "A", "BTF", "GTT"]):
        body.append([nfd(LABELS[code]), *cells(code, as_text=position % 2 == 0)])
    for position, code in enumerate(SECTION_ROWS):
        body.append([section_label(code, position), *cells(code, as_text=position % 2 == 1)])
    body.append([LABELS["TAX"], *cells("TAX", as_text=True)])
    header = [nfd("Ngành kinh tế"), 2021, "2022", nfd("Sơ bộ 2023")]
    return table(header, body)


@pytest.fixture
def realistic(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "nien_giam_grdp.xlsx", realistic_rows())


def test_realistic_table_codes_values_and_note(realistic: Path):
    frame = read_statistics_office_table(realistic, **RELEASE)

    assert list(frame.columns) == list(schemas.SOURCE_COLUMNS)
    assert all(pd.api.types.is_string_dtype(frame[c]) for c in frame.columns)
    expected_codes = {"TOTAL", "A", "BTF", "GTT", "TAX", *SECTION_ROWS}
    assert set(frame["industry"]) == expected_codes
    assert len(frame) == len(expected_codes) * len(YEARS)  # every figure once, the sub-heading skipped
    assert set(frame["period"]) == set(YEARS)
    assert set(frame["frequency"]) == {"A"}
    assert set(frame["quality"]) == {"published"}
    assert set(frame["date_approx"]) == {"false"}
    assert set(frame["rating"]) == {"green"}
    assert set(frame["variable"]) == {"grdp"} and set(frame["unit"]) == {"bn_VND"}

    values = section_values()
    got = {(r.period, r.industry): r.value for r in frame.itertuples()}
    for year in YEARS:
        for code in expected_codes:
            assert Decimal(got[(year, code)]) == values[year][code], (year, code)
    # plain decimal text, as the source contract requires
    assert got[("2023", "TAX")] == "123458.7"
    assert got[("2021", "U")] == "0"
    assert got[("2022", "TOTAL")] == str(values["2022"]["TOTAL"]).rstrip("0").rstrip(".")

    notes = frame.groupby("period")["note"].unique()
    assert list(notes["2023"]) == [PRELIMINARY_NOTE]
    assert list(notes["2021"]) == [""] and list(notes["2022"]) == [""]


def test_realistic_table_adds_up(realistic: Path):
    frame = read_statistics_office_table(realistic, **RELEASE)
    for year, rows in frame.groupby("period"):
        value = {r.industry: Decimal(r.value) for r in rows.itertuples()}
        # A comes from the broad-sector row "Nông, lâm nghiệp và thủy sản"
        assert sum(value[c] for c in SECTIONS) + value["TAX"] == value["TOTAL"], year
        assert sum(value[c] for c in "BCDEF") == value["BTF"], year
        assert sum(value[c] for c in "GHIJKLMNOPQRSTU") == value["GTT"], year


def test_realistic_table_passes_source_validation(realistic: Path, tmp_path: Path):
    frame = read_statistics_office_table(realistic, **RELEASE)
    folder = tmp_path / "sources" / "hcmc_grdp_yearbook"
    folder.mkdir(parents=True)
    frame.to_csv(folder / sources.DATA_FILE, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    (folder / sources.PROVENANCE_FILE).write_text(
        "id: hcmc_grdp_yearbook\n"
        f"title: {TITLE}\n"
        f"publisher: {RELEASE['publisher']}\n"
        f"url: {RELEASE['url']}\n"
        "publication_date: 2024-06-30\n"
        "retrieval_date: 2026-11-21\n"
        "retrieved_via: grdp.intake.statistics_office.read_statistics_office_table\n"
        "licence: Public government statistics\n"
        "rating: green\n"
        "notes: |\n  Generated by the tests.\n",
        encoding="utf-8",
    )
    assert sources.validate(folder) == []
    observations = sources.load_observations(tmp_path / "sources")
    assert len(observations) == len(frame)
    assert observations.loc[observations["period"] == "2023", "note"].eq(PRELIMINARY_NOTE).all()


def test_reader_writes_nothing(realistic: Path, tmp_path: Path):
    before = sorted(os.walk(tmp_path))
    read_statistics_office_table(realistic, **RELEASE)
    assert sorted(os.walk(tmp_path)) == before


# --------------------------------------------------------------------------------------------
# Header and value formats
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header, year, preliminary", [
    (2020, 2020, False),
    (2020.0, 2020, False),
    ("2021", 2021, False),
    ("Sơ bộ 2023", 2023, True),
    ("2023 Sơ bộ", 2023, True),
    ("Sơ bộ\n2023", 2023, True),
    ("Prel. 2023", 2023, True),
    ("SƠ BỘ 2023", 2023, True),
    (nfd("Sơ bộ 2023"), 2023, True),
])
def test_year_labels(header, year, preliminary):
    assert year_label(header) == (year, preliminary)


@pytest.mark.parametrize("header", ["Ngành kinh tế", "Tỷ đồng", 1479227, 12, "2023 so với 2022 (%)", None, True])
def test_not_year_labels(header):
    assert year_label(header) is None


@pytest.mark.parametrize("cell, text", [
    (1479227, "1479227"),
    (1479227.0, "1479227"),
    (14.41, "14.41"),
    ("1.479.227", "1479227"),
    ("1.479.227,5", "1479227.5"),
    ("14,41", "14.41"),
    (" 1.479.227 ", "1479227"),
    ("-12.345,6", "-12345.6"),
    ("-", None),
    ("..", None),
    ("", None),
    (None, None),
])
def test_parse_value(cell, text):
    assert parse_value(cell) == text


@pytest.mark.parametrize("cell", ["14.41", "1,479,227", "12a", "n/a", "1.2.3"])
def test_parse_value_rejects(cell):
    with pytest.raises(ValueError, match=f"'{cell}'"):
        parse_value(cell)


@pytest.mark.parametrize("header", ["2023 Sơ bộ", "Sơ bộ\n2023", "Prel. 2023"])
def test_preliminary_variants_in_a_workbook(tmp_path: Path, header: str):
    path = write_workbook(tmp_path / "t.xlsx", table(["", 2022, header], [["Tổng số", 1000, "1.100,5"]]))
    frame = read_statistics_office_table(path, **RELEASE)
    assert frame[["period", "value", "note"]].values.tolist() == [
        ["2022", "1000", ""], ["2023", "1100.5", PRELIMINARY_NOTE]]


def test_not_available_cells_give_no_row(tmp_path: Path):
    body = [["Tổng số", 1000, "-", ".."], ["Xây dựng", None, 200, "-"]]
    path = write_workbook(tmp_path / "t.xlsx", table(["Ngành kinh tế", 2021, 2022, 2023], body))
    frame = read_statistics_office_table(path, **RELEASE)
    assert frame[["period", "industry", "value"]].values.tolist() == [["2021", "TOTAL", "1000"],
                                                                       ["2022", "F", "200"]]


def test_identical_duplicate_rows_once_conflicting_ones_reported(tmp_path: Path):
    same = table([None, 2022], [["Nông, lâm nghiệp và thủy sản", 50], ["A - Nông nghiệp, lâm nghiệp và thủy sản", 50]])
    frame = read_statistics_office_table(write_workbook(tmp_path / "same.xlsx", same), **RELEASE)
    assert frame["industry"].tolist() == ["A"]

    differ = table([None, 2022], [["Nông, lâm nghiệp và thủy sản", 50], ["A - Nông nghiệp, lâm nghiệp và thủy sản", 51]])
    problems = problems_of(write_workbook(tmp_path / "differ.xlsx", differ))
    assert len(problems) == 1
    assert problems[0].line == 6 and problems[0].column == "B (2022)"
    assert "conflicting values" in problems[0].message


# --------------------------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------------------------

def test_unknown_industry_name(tmp_path: Path):
    path = write_workbook(tmp_path / "t.xlsx", table(
        ["Ngành kinh tế", 2021, 2022],
        [["Tổng số", 100, 110], ["Công nghiệp chế tạo ô tô bay", 10, 11]]))
    problems = problems_of(path)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file == path
    assert problem.line == 6  # title, unit, empty row, header, Tổng số, then this row
    assert problem.column == "A (Ngành kinh tế)"
    assert "unknown industry name 'Công nghiệp chế tạo ô tô bay'" in problem.message
    assert "line 6, column 'A (Ngành kinh tế)'" in str(problem)


def test_code_prefix_that_contradicts_the_name(tmp_path: Path):
    path = write_workbook(tmp_path / "t.xlsx", table([None, 2021], [["F - Công nghiệp chế biến, chế tạo", 10]]))
    problems = problems_of(path)
    assert [(p.line, p.column) for p in problems] == [(5, "A")]
    assert "'F'" in problems[0].message and "which is C" in problems[0].message


def test_bad_number_text(tmp_path: Path):
    path = write_workbook(tmp_path / "t.xlsx", table(
        ["Ngành kinh tế", 2021, "Sơ bộ 2022"],
        [["Tổng số", "1.479.227", "1.5OO.000"]]))
    problems = problems_of(path)
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (5, "C (Sơ bộ 2022)")
    assert "'1.5OO.000'" in problems[0].message


def test_broken_excel_file(tmp_path: Path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(os.urandom(2048))
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].file == path and problems[0].line is None
    assert problems[0].message.startswith("not a readable Excel workbook (")


def test_truncated_excel_file(realistic: Path, tmp_path: Path):
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(realistic.read_bytes()[:1500])
    problems = problems_of(path)
    assert len(problems) == 1 and problems[0].message.startswith("not a readable Excel workbook (")


def test_missing_file(tmp_path: Path):
    problems = problems_of(tmp_path / "nowhere.xlsx")
    assert [p.message for p in problems] == ["file is missing"]


def test_missing_sheet(realistic: Path):
    problems = problems_of(realistic, sheet="Biểu 9")
    assert len(problems) == 1 and "no sheet named 'Biểu 9'" in problems[0].message
    assert "Biểu 1" in problems[0].message
    assert len(read_statistics_office_table(realistic, **RELEASE, sheet="Biểu 1")) > 0


def test_no_year_header(tmp_path: Path):
    path = write_workbook(tmp_path / "t.xlsx", table(
        ["Ngành kinh tế", "Giá trị", "Tỷ trọng (%)"],
        [["Tổng số", "1.479.227", "100,0"], ["Xây dựng", 95000, "6,4"]]))
    problems = problems_of(path)
    assert len(problems) == 1
    assert "no header row with years" in problems[0].message


def test_duplicate_year_columns(tmp_path: Path):
    path = write_workbook(tmp_path / "t.xlsx", table(
        ["Ngành kinh tế", 2022, "2023", "Sơ bộ 2023"], [["Tổng số", 1, 2, 3]]))
    problems = problems_of(path)
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (4, "D (Sơ bộ 2023)")
    assert "duplicate year column: 2023 is also in column C (2023)" in problems[0].message


def test_bad_argument_reported_once(tmp_path: Path):
    path = write_workbook(tmp_path / "t.xlsx", table([None, 2021, 2022], [["Tổng số", 1, 2], ["Xây dựng", 1, 2]]))
    problems = problems_of(path, region="saigon")
    assert len(problems) == 1
    assert problems[0].column == "region" and "'saigon' is not allowed" in problems[0].message


def test_figure_for_a_year_after_the_release(tmp_path: Path):
    path = write_workbook(tmp_path / "t.xlsx", table([None, 2023, 2024], [["Tổng số", 1, 2]]))
    problems = problems_of(path, publication_date="2023-12-31")
    assert [(p.line, p.column) for p in problems] == [(5, "C (2024)")]
    assert "starts after the release date" in problems[0].message


def test_several_problems_reported_together(tmp_path: Path):
    path = write_workbook(tmp_path / "t.xlsx", table(
        ["Ngành kinh tế", 2021, 2022, "2022", "Ghi chú"],
        [
            ["Tổng số", "1.479.227", "1.6OO.OOO", 5, None],          # bad number in C
            ["Ngành không tồn tại", 1, 2, None, None],              # unknown industry
            [None, 7, None, None, None],                            # figure without a name
            ["Xây dựng", -5, 3, None, None],                        # negative GVA
        ]))
    problems = problems_of(path)
    found = {(p.line, p.column, p.message.split(";")[0].split(" (")[0]) for p in problems}
    assert len(problems) == 6, "\n".join(map(str, problems))
    assert (4, "D (2022)", "duplicate year column: 2022 is also in column C") in found
    assert (4, "E (Ghi chú)", "header cell 'Ghi chú' is not a year") in found
    assert any(p.line == 5 and p.column == "C (2022)" and "'1.6OO.OOO'" in p.message for p in problems)
    assert any(p.line == 6 and p.column == "A (Ngành kinh tế)" and "'Ngành không tồn tại'" in p.message
               for p in problems)
    assert any(p.line == 7 and p.column == "B (2021)" and "no industry name" in p.message for p in problems)
    assert any(p.line == 8 and p.column == "B (2021)" and "negative value -5" in p.message for p in problems)
    with pytest.raises(sources.SourceValidationError, match="6 problem"):
        read_statistics_office_table(path, **RELEASE)


def test_industry_code_ignores_case_spacing_normalisation_and_tone_placement():
    assert industry_code(nfd("  tổng   SỐ ")) == ("TOTAL", None)
    assert industry_code("Nông nghiệp, lâm nghiệp và thuỷ sản") == ("A", None)
    assert industry_code("C. Công nghiệp chế biến, chế tạo") == ("C", None)
    assert industry_code("Vận tải, kho bãi") == ("H", None)
    code, message = industry_code("Xuất bản phần mềm")  # both group 582 and class 5820
    assert code is None and "ambiguous" in message
    assert industry_code("5820 - Xuất bản phần mềm") == ("5820", None)
