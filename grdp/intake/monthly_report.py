"""Read the GDP table of the statistics office's monthly socio-economic report workbook ("Biểu số liệu").

Each month the office (Cục Thống kê, formerly GSO) publishes its socio-economic report with an Excel workbook
of tables; the quarter-end issues (March, June, September, December) carry quarterly GDP. Sheet names and
positions vary from issue to issue, so the GDP sheet is found by its title in cell A1: every sheet whose A1,
ignoring case, spacing and tone-mark placement, contains "tổng sản phẩm trong nước" or the word "GDP" is read.
The layout read::

    A1   TỔNG SẢN PHẨM TRONG NƯỚC QUÝ I NĂM 2026                      <- title (its year is the default year)
    A2   Đơn vị tính: Tỷ đồng                                          <- optional unit line
    row  |  Giá hiện hành (Tỷ đồng)   |  Giá so sánh 2010 (Tỷ đồng) | Tốc độ tăng so với cùng kỳ năm trước (%)
    row  |  Quý I/2025 | Quý I/2026   |  Quý I/2025 | Quý I/2026    | Quý I/2026          <- header rows (1 or more)
    row  TỔNG SỐ          |  2 ...    |  ...                        | 6,93
    row  Nông, lâm nghiệp và thủy sản | ...
    row  Công nghiệp và xây dựng ... Dịch vụ ... Thuế sản phẩm trừ trợ cấp sản phẩm

- **Header rows** are the rows between the title and the first data row; a column's header is the text of
  its cells in those rows, an upper cell left empty by a merged range being taken from the nearest filled
  cell to its left. The header says *what* the column measures: ``giá hiện hành`` (GDP at current prices,
  bn VND), ``giá so sánh`` (at constant 2010 prices), ``tốc độ tăng`` / ``so với cùng kỳ`` / ``tăng trưởng``
  (real growth over the same period of the previous year, %), ``cơ cấu`` (share of GDP at current prices,
  %), ``đóng góp`` (contribution to growth, percentage points); and *when*: ``Quý I..IV`` (a single quarter),
  ``6 tháng`` (first half), ``9 tháng`` or ``N tháng`` (January to month N), ``năm``/``cả năm`` (the year),
  with the year written in the header or, failing that, the title's (a title such as "Tốc độ tăng GDP các
  quý năm 2025 so với cùng kỳ năm trước (%)" also says what columns headed only "Quý I".."Cả năm" measure).
  ``Ước tính``/``Sơ bộ`` (estimate, preliminary) go into the note.
- **Data rows** carry an industry name in column A (names as in :func:`grdp.intake.statistics_office.industry_code`,
  ``"(GDP)"`` and ``"Trong đó:"`` ignored); a row with a name but no figures that mentions ``giá hiện hành``
  or ``giá so sánh`` sets the price basis of the level columns below it that do not state one.
- **Values** as in the statistics-office adapter (numbers, or ``"1.479.227"``/``"6,93"``); levels in
  ``nghìn tỷ đồng`` are converted to bn VND (x 1000, said in the note).

Rows are national (``vn``/``national``); every problem (a column whose measure or period cannot be told, an
unknown industry, an unreadable number) is reported with its Excel row and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from grdp.intake import statistics_office as so
from grdp.intake.release import IntakeError, Release, ReleaseRow, blank_row
from grdp.sources import Problem, SourceValidationError

DATASET = "vn_gdp_quarterly"
PUBLISHER = "Cục Thống kê (National Statistics Office, Ministry of Finance), socio-economic report workbook"
KIND = "monthly report workbook"
TITLE_PHRASES = ("tổng sản phẩm trong nước",)

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER = re.compile(r"\bquy\s*(iv|iii|ii|i|[1-4])\b")
_MONTHS = re.compile(r"\b(\d{1,2})\s*thang\b")
_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")


@dataclass(frozen=True)
class Measure:
    """What a column holds: the source variable, price basis and unit of its values."""

    variable: str
    price_basis: str | None  # None: a level whose price basis comes from a section row
    unit: str
    scale: int = 1


def _plain_key(text: str) -> str:
    """``name_key`` with the vowel-shape marks dropped too, for matching header words (quý -> quy)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", so.name_key(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d")


def is_gdp_title(text: Any) -> bool:
    """Whether an A1 title names the GDP table."""
    if not isinstance(text, str):
        return False
    key = _plain_key(text)
    return any(_plain_key(p) in key for p in TITLE_PHRASES) or re.search(r"\bgdp\b", key) is not None


def measure_of(header: str, unit_line: str) -> Measure | None:
    """The measure a column header names (see the module docstring), or ``None``."""
    key = _plain_key(header)
    if "co cau" in key:
        return Measure("grdp_share", "current", "percent")
    if "dong gop" in key:
        return Measure("grdp_contribution_to_growth", "constant_2010", "percent")
    if any(word in key for word in ("toc do tang", "so voi cung ky", "tang truong")):
        return Measure("grdp_real_growth", "constant_2010", "percent")
    basis = "constant_2010" if "gia so sanh" in key else "current" if "gia hien hanh" in key else None
    unit_key = key + " " + _plain_key(unit_line)
    if basis is None and "ty dong" not in unit_key:
        return None
    return Measure("grdp", basis, "bn_VND", 1000 if "nghin ty" in unit_key else 1)


def period_of(header: str, default_year: str | None) -> tuple[str, str] | None:
    """``(period, frequency)`` a column header names, or ``None``."""
    key = _plain_key(header)
    years = _YEAR.findall(key)
    year = years[-1] if years else default_year
    if year is None:
        return None
    quarter = _QUARTER.search(key)
    if quarter:
        return f"{year}Q{_ROMAN[quarter.group(1)]}", "Q"
    months = _MONTHS.search(key)
    if months:
        count = int(months.group(1))
        if count == 3:
            return f"{year}Q1", "Q"
        if count == 6:
            return f"{year}H1", "H"
        if count == 12:
            return year, "A"
        return (f"{year}-{count}M", "YTD") if 1 <= count <= 11 else None
    if years or "ca nam" in key:
        return year, "A"
    return None


def _label_code(label: str) -> tuple[str | None, str | None]:
    text = re.sub(r"\(\s*GDP\s*\)", "", label, flags=re.IGNORECASE)
    text = re.sub(r"^\s*trong\s+đó\s*:?\s*", "", text, flags=re.IGNORECASE)
    return so.industry_code(text)


def _first_data_row(rows: Sequence[tuple[Any, ...]]) -> int | None:
    for index in range(1, len(rows)):
        row = rows[index]
        if row and isinstance(row[0], str) and _label_code(row[0])[0] is not None and \
                any(not so.is_blank(c) for c in row[1:]):
            return index
    return None


def _column_headers(rows: Sequence[tuple[Any, ...]], first: int, width: int) -> tuple[dict[int, str], str]:
    """The header text of every column after A, and the sheet's unit line."""
    unit_line = ""
    header_rows: list[list[str]] = []
    for row in rows[1:first]:
        cells = ["" if so.is_blank(c) else " ".join(str(c).split()) for c in row[:width]]
        for i, text in enumerate(cells):
            if _plain_key(text).startswith("don vi tinh"):
                unit_line, cells[i] = text, ""
        header_rows.append(cells)
    texts: dict[int, list[str]] = {j: [] for j in range(1, width)}
    for depth, cells in enumerate(header_rows):
        below = header_rows[depth + 1:]
        carried = ""
        for j in range(1, width):
            if cells[j]:
                carried = cells[j]
                texts[j].append(cells[j])
            elif carried and any(lower[j] for lower in below):
                texts[j].append(carried)  # the blank part of a merged upper cell
    return {j: " ".join(parts) for j, parts in texts.items() if parts}, unit_line


def _title_year(title: str) -> str | None:
    years = _YEAR.findall(_plain_key(title))
    return years[-1] if years else None


def read_sheet_rows(path: Path, sheet: str, rows: Sequence[tuple[Any, ...]], release: dict[str, str],
                    problems: list[Problem]) -> list[ReleaseRow]:
    """Read one GDP sheet's cells into release rows (problems are appended to ``problems``)."""
    from openpyxl.utils import get_column_letter

    title = str(rows[0][0])
    first = _first_data_row(rows)
    if first is None:
        problems.append(Problem(path, f"sheet '{sheet}' ('{title}'): no row with an industry name (TỔNG SỐ, "
                                      "Nông, lâm nghiệp và thủy sản, ...) and figures"))
        return []
    width = max(len(r) for r in rows)
    headers, unit_line = _column_headers(rows, first, width)
    columns: dict[int, tuple[Measure, str, str, str]] = {}
    for j, text in headers.items():
        name = f"{get_column_letter(j + 1)} ({text[:60]})"
        measure = measure_of(text, unit_line) or measure_of(title, unit_line)
        when = period_of(text, _title_year(title))
        if measure is None or when is None:
            if any(not so.is_blank(rows[i][j]) for i in range(first, len(rows))):
                what = "what it measures" if measure is None else "which period it covers"
                problems.append(Problem(path, f"sheet '{sheet}': cannot tell {what} from the header '{text}'",
                                        line=first, column=name))
            continue
        marks = [w for w, k in (("estimate", "uoc"), ("preliminary", "so bo")) if k in _plain_key(text)]
        columns[j] = (measure, when[0], when[1], ", ".join(marks))
    basis_from_rows: str | None = None
    out: list[ReleaseRow] = []
    for i in range(first, len(rows)):
        row = rows[i]
        line = i + 1
        label = "" if so.is_blank(row[0]) else str(row[0])
        figures = [(j, row[j]) for j in columns if j < len(row) and not so.is_blank(row[j])]
        if not figures:
            key = _plain_key(label)
            if "gia so sanh" in key or "gia hien hanh" in key:
                basis_from_rows = "constant_2010" if "gia so sanh" in key else "current"
            continue
        code, message = _label_code(label) if label else (None, "no industry name in column A")
        if code is None:
            problems.append(Problem(path, f"sheet '{sheet}': {message}", line=line, column="A"))
            continue
        for j, cell in figures:
            measure, period, frequency, flags = columns[j]
            name = f"{get_column_letter(j + 1)} ({headers[j][:60]})"
            try:
                value = so.parse_value(cell)
            except ValueError as exc:
                problems.append(Problem(path, str(exc), line=line, column=name))
                continue
            if value is None:
                continue
            basis = measure.price_basis or basis_from_rows
            if basis is None:
                problems.append(Problem(path, f"sheet '{sheet}': the price basis of '{headers[j]}' is stated neither "
                                              "in the header nor in a 'Giá hiện hành'/'Giá so sánh' row above",
                                        line=line, column=name))
                continue
            note = [f"sheet '{sheet}' ({title.strip()}), cell {get_column_letter(j + 1)}{line}"]
            if measure.scale != 1:
                value = so.plain_decimal(Decimal(value) * measure.scale)  # exact: no float to overflow
                note.append(f"published in nghìn tỷ đồng, x {measure.scale}")
            if flags:
                note.append(flags)
            if frequency == "Q":
                note.append("single quarter")
            values = blank_row()
            values.update(release)
            values.update({"region": "vn", "boundary": "national", "period": period, "frequency": frequency,
                           "variable": measure.variable, "industry": code, "price_basis": basis,
                           "unit": measure.unit, "value": value, "date_approx": "false", "quality": "published",
                           "note": "; ".join(note)})
            out.append(ReleaseRow(values, {"value": (line, name), "industry": (line, "A")}, (line, name)))
    return out


def read_monthly_report(path: str | Path, *, publication_date: str, url: str, publisher: str = PUBLISHER,
                        rating: str = "green", dataset: str = DATASET) -> Release:
    """Read the GDP sheet(s) of a monthly report workbook into a release of national GDP rows.

    Parameters
    ----------
    path
        The ``.xlsx`` workbook ("Biểu số liệu").
    publication_date
        The report's release date (``YYYY-MM-DD``).
    url
        Where the workbook (or the report that links it) was published.
    publisher, rating
        Recorded on every row; green for the statistics office's own file.
    dataset
        The dataset the rows go to (default the national quarterly dataset).

    Raises
    ------
    IntakeError
        If the file is not a workbook, no sheet's A1 names the GDP table, or any cell cannot be read
        (every problem listed with its sheet, row and column).
    """
    path = Path(path)
    try:
        sheets = so.read_workbook(path)
    except SourceValidationError as exc:
        raise IntakeError(exc.problems) from None
    gdp = {name: rows for name, rows in sheets.items() if rows and rows[0] and is_gdp_title(rows[0][0])}
    if not gdp:
        titles = "; ".join(f"{n}: {str(r[0][0])[:50] if r and r[0] else ''!r}" for n, r in sheets.items())
        raise IntakeError([Problem(path, "no sheet whose A1 title names the GDP table ('Tổng sản phẩm trong "
                                         f"nước' or 'GDP'); A1 of each sheet: {titles}")])
    release = {"publisher": publisher, "publication_date": publication_date, "url": url, "rating": rating}
    problems: list[Problem] = []
    rows: list[ReleaseRow] = []
    for name, cells in gdp.items():
        rows += read_sheet_rows(path, name, cells, release, problems)
    if problems:
        raise IntakeError(problems)
    return Release(dataset=dataset, file=path, kind=KIND, rows=rows)
