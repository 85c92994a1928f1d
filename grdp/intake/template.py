"""The release template an economist fills in: write it empty, read it filled (CSV or XLSX).

Layout (the same cells in ``release.csv`` and on the first sheet of ``release.xlsx``)::

    # comment lines (first cell starting with '#') are ignored anywhere
    dataset,hcmc_merged_grdp                 <- the release block: six fields, given once
    publisher,"HCMC Statistics Office (Chi cục Thống kê TP.HCM), via VietNamNet"
    publication_date,2026-01-06              <- YYYY-MM-DD, YYYY-MM or YYYY
    date_approx,false                        <- true when the date is inferred ("c.")
    url,https://vietnamnet.vn/...
    rating,amber                             <- green / amber / red (sources/README.md)

    region,boundary,period,frequency,variable,industry,price_basis,unit,value,quality,row_rating,note
    hcmc,merged,2025,A,grdp_real_growth,TOTAL,constant_2010,percent,7.53,published,,including oil and gas

Why a release block rather than the publisher, date and URL repeated on every row: a release is one
publisher, one date and one URL, so typing them once cannot produce two slightly different spellings of the
same release (which the intake would then treat as two releases). ``row_rating`` (optional, empty = the
release's rating) lets one rounded figure of an otherwise exact release be rated red; ``quality`` defaults to
``published`` (``derived`` and ``imputed`` need their method in ``note``). An optional seventh field,
``new_dataset_title``, starts a new dataset folder when ``dataset`` does not exist yet.

Every problem is reported with the file, the line (CSV line or Excel row) and the column; nothing is checked
against the source contract here: :func:`grdp.intake.plan.plan` does that with :mod:`grdp.sources`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from grdp import sources
from grdp.base import classification, schemas
from grdp.intake.release import IntakeError, Place, Release, ReleaseRow, blank_row
from grdp.sources import Problem
from grdp.sources.contract import csv_problem

RELEASE_FIELDS: tuple[str, ...] = ("dataset", "publisher", "publication_date", "date_approx", "url", "rating")
"""The release block, in order; every field is required."""
OPTIONAL_FIELDS: tuple[str, ...] = ("new_dataset_title",)
TABLE_COLUMNS: tuple[str, ...] = (
    "region", "boundary", "period", "frequency", "variable", "industry", "price_basis", "unit", "value",
    "quality", "row_rating", "note",
)
"""The table's columns, in the template's order (any order is read)."""
REQUIRED_COLUMNS = TABLE_COLUMNS[:9]
KIND = "release template"

_INSTRUCTIONS = (
    "# grdp release template: ONE release (one publisher, one publication date, one URL), one row per figure.",
    "# Fill the release block once; then one row per figure under the header row. Values: plain decimals "
    "(1479227, 14.41), no % sign, no thousands separators.",
    "# Codes and rules: sources/README.md and the 'allowed values' sheet of release.xlsx. Check with "
    "'grdp ingest release --file THIS_FILE' (a dry run), then add --apply.",
)


def template_rows() -> list[list[str]]:
    """The cells of the empty template, row by row (comments, release block, blank row, table header)."""
    block = [[name, "false" if name == "date_approx" else ""] for name in RELEASE_FIELDS]
    return [[line] for line in _INSTRUCTIONS] + block + [[]] + [list(TABLE_COLUMNS)]


def _allowed_values() -> list[list[str]]:
    rows = [["column", "code", "meaning"]]
    for column, values in schemas.ALLOWED.items():
        rows += [[column, value, ""] for value in sorted(values)]
    for code, unit, text in sources.variables()[["variable", "unit", "description"]].itertuples(index=False):
        rows.append(["variable", code, f"unit {unit}: {text}"])
    for frame in (classification.vsic(), classification._aggregates()):
        rows += [["industry", code, name] for code, name in zip(frame["code"], frame["name_en"])]
    return rows


def write_template(path: str | Path) -> Path:
    """Write the empty release template to ``path`` (``.csv`` or ``.xlsx``) and return the path.

    The XLSX has a second sheet, ``allowed values``, with every code the source contract accepts.

    Raises
    ------
    ValueError
        If the suffix is neither ``.csv`` nor ``.xlsx``, or the file exists (it is never overwritten).
    """
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError(f"{path}: the template is written as .csv or .xlsx, not '{path.suffix}'")
    if path.exists():
        raise ValueError(f"{path} exists; the template is never written over a file")
    rows = template_rows()
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return path
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "release"
    for row in rows:
        sheet.append(row)
    for letter, width in zip("ABCDEFGHIJKL", (18, 60, 10, 10, 28, 10, 14, 10, 12, 11, 11, 60)):
        sheet.column_dimensions[letter].width = width
    allowed = workbook.create_sheet("allowed values")
    for row in _allowed_values():
        allowed.append(row)
    workbook.save(path)
    return path


def _cell_text(value: Any) -> str:
    """The text of a spreadsheet cell: numbers as plain decimals, dates as YYYY-MM-DD, booleans as true/false."""
    from grdp.intake.statistics_office import parse_value

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return parse_value(value) or ""
    return str(value).strip()


def _csv_lines(path: Path) -> Iterable[tuple[int, list[str]]]:
    from grdp.intake.statistics_office import file_size_problem

    too_large = file_size_problem(path, "release file")
    if too_large is not None:
        raise IntakeError([too_large])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IntakeError([Problem(path, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
                                         "save the file as 'CSV UTF-8'")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for fields in reader:
            yield reader.line_num, [f.strip() for f in fields]
    except csv.Error as exc:
        raise IntakeError([Problem(path, csv_problem(exc), line=reader.line_num)]) from None


def _xlsx_lines(path: Path) -> Iterable[tuple[int, list[str]]]:
    from grdp.intake.statistics_office import read_sheet

    rows = read_sheet(path, 0)
    for index, row in enumerate(rows, start=1):
        yield index, [_cell_text(cell) for cell in row]


def _label(excel: bool, index: int, name: str) -> str:
    if not excel:
        return name
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(index + 1)} ({name})"


def read_template(path: str | Path) -> Release:
    """Read a filled release template (``.csv`` or ``.xlsx``).

    Returns
    -------
    Release
        One row per figure with every source column filled from the table and the release block.

    Raises
    ------
    IntakeError
        Listing every problem of layout (missing, unknown or repeated fields and columns, a figure outside
        the table), each with its line and column; the file is never changed.
    """
    path = Path(path)
    if not path.is_file():
        raise IntakeError([Problem(path, "file is missing" if not path.exists() else "is not a file")])
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    if not excel and path.suffix.lower() != ".csv":
        raise IntakeError([Problem(path, f"a release template is a .csv or .xlsx file, not '{path.suffix}'")])
    try:
        lines = list(_xlsx_lines(path) if excel else _csv_lines(path))
    except sources.SourceValidationError as exc:  # unreadable workbook
        raise IntakeError(exc.problems) from None
    problems: list[Problem] = []
    block: dict[str, tuple[int, str]] = {}
    header: list[str] | None = None
    header_line = 0
    rows: list[ReleaseRow] = []
    for line, cells in lines:
        while cells and cells[-1] == "":
            cells = cells[:-1]
        if not cells or cells[0].startswith("#"):
            continue
        if header is None:
            name = cells[0].casefold()
            if name == "region":
                header, header_line = [c.casefold() for c in cells], line
                problems += _header_problems(path, header, line, excel)
                continue
            if name not in RELEASE_FIELDS + OPTIONAL_FIELDS:
                problems.append(Problem(path, f"'{cells[0]}' is not a release field; expected one of "
                                              f"{', '.join(RELEASE_FIELDS + OPTIONAL_FIELDS)} (or the table "
                                              "header starting with 'region')", line=line, column=cells[0]))
            elif name in block:
                problems.append(Problem(path, f"release field '{name}' given twice (also line {block[name][0]})",
                                        line=line, column=name))
            elif len(cells) > 2:
                problems.append(Problem(path, f"release field '{name}' has more than one value; put the value in "
                                              "the second cell only", line=line, column=name))
            else:
                block[name] = (line, cells[1] if len(cells) > 1 else "")
            continue
        row = _table_row(path, header, line, cells, excel, problems)
        if row is not None:
            rows.append(row)
    if header is None:
        problems.append(Problem(path, "no table header row; expected a row starting with 'region' "
                                      f"({','.join(TABLE_COLUMNS)})"))
    for name in RELEASE_FIELDS:
        if name not in block or not block[name][1]:
            where = block[name][0] if name in block else None
            problems.append(Problem(path, f"release field '{name}' is missing or empty", line=where, column=name))
    if header is not None and not rows and not problems:
        problems.append(Problem(path, f"no figures below the table header (line {header_line})"))
    if problems:
        raise IntakeError(problems)
    release_values = {name: value for name, (_, value) in block.items()}
    release_places: dict[str, Place] = {name: (line, name) for name, (line, _) in block.items()}
    filled = []
    for row in rows:
        values = blank_row()
        values.update({c: release_values[c] for c in ("publisher", "publication_date", "date_approx", "url")})
        values["date_approx"] = values["date_approx"].casefold()
        places: dict[str, Place] = {c: release_places[c] for c in ("publisher", "publication_date",
                                                                  "date_approx", "url")}
        for column in schemas.SOURCE_COLUMNS:
            if column in row.values:
                values[column] = row.values[column]
                places[column] = row.places[column]
        values["quality"] = row.values.get("quality") or "published"
        values["rating"] = row.values.get("row_rating") or release_values["rating"]
        places["rating"] = row.places["row_rating"] if row.values.get("row_rating") else release_places["rating"]
        filled.append(ReleaseRow(values, places, row.default_place))
    return Release(dataset=release_values["dataset"], file=path, kind=KIND, rows=filled,
                   new_dataset_title=release_values.get("new_dataset_title") or None)


def _header_problems(path: Path, header: list[str], line: int, excel: bool) -> list[Problem]:
    problems = []
    for index, name in enumerate(header):
        if name not in TABLE_COLUMNS:
            problems.append(Problem(path, f"unknown column '{name}'; expected columns {', '.join(TABLE_COLUMNS)}",
                                    line=line, column=_label(excel, index, name)))
        elif header.index(name) != index:
            problems.append(Problem(path, f"column '{name}' appears twice", line=line,
                                    column=_label(excel, index, name)))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(Problem(path, f"missing column(s) {', '.join(missing)} in the table header", line=line))
    return problems


def _table_row(path: Path, header: list[str], line: int, cells: list[str], excel: bool,
               problems: list[Problem]) -> ReleaseRow | None:
    extra = [i for i in range(len(header), len(cells)) if cells[i]]
    for i in extra:
        problems.append(Problem(path, f"'{cells[i]}' is outside the table (no column header above it)",
                                line=line, column=_label(excel, i, "?")))
    values: dict[str, str] = {}
    places: dict[str, Place] = {}
    for index, name in enumerate(header):
        if name in TABLE_COLUMNS and header.index(name) == index:
            values[name] = cells[index] if index < len(cells) else ""
            places[name] = (line, _label(excel, index, name))
    for name in TABLE_COLUMNS:
        places.setdefault(name, (line, name))
    return None if extra else ReleaseRow(values, places, (line, None))
