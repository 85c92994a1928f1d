"""Read the statistics office's wide Excel tables into source rows.

The General Statistics Office (GSO) and the provincial statistics offices publish their
yearbook tables (e.g. *"Tổng sản phẩm trên địa bàn theo giá hiện hành phân theo ngành kinh
tế"*) as Excel workbooks in one *wide* layout:

.. code-block:: text

    row 1   Tổng sản phẩm trên địa bàn theo giá hiện hành phân theo ngành kinh tế   <- title rows
    row 2   Đơn vị tính: Tỷ đồng                                                  <- (ignored)
    row 3   Ngành kinh tế        | 2021      | "2022"    | "Sơ bộ 2023"           <- header row
    row 4   TỔNG SỐ              | 1.479.227 | ...       | ...                    <- data rows
    row 5   Nông, lâm nghiệp và thủy sản | ...
    row 6   C - Công nghiệp chế biến, chế tạo | ...
    ...
    row n   Nguồn: Cục Thống kê                                                   <- notes (ignored)

- **One table on one sheet** (``sheet`` selects it by position or name).
- **Title rows** above the table are ignored: the *header row* is the first row with a year
  label in any column after the first. Its first cell is a label (``"Ngành kinh tế"``) or empty;
  every other non-empty cell must be a year: a number (``2020``), text (``"2021"``), or a year
  marked preliminary (``"Sơ bộ 2023"``, ``"2023 Sơ bộ"``, ``"Sơ bộ\\n2023"``, ``"Prel. 2023"``).
  Preliminary columns get the note ``"preliminary (Sơ bộ)"``.
- **Data rows** below the header carry an industry name in the first column: ``"TỔNG SỐ"``,
  the broad sectors, ``"Thuế sản phẩm trừ trợ cấp sản phẩm"``, or a VSIC 2018 name as in
  ``grdp/data/vsic2018.csv`` / ``aggregates.csv``, optionally prefixed by its code
  (``"C - ..."``, ``"C. ..."``). Names are matched after Unicode (NFC) normalisation, case
  folding, collapsing spaces and punctuation, and ignoring where the tone mark sits
  (``thuỷ`` = ``thủy``, ``hoà`` = ``hòa``).
- **Values** are numeric cells or text in Vietnamese format (``"1.479.227"``,
  ``"1.479.227,5"``, ``"14,41"``: ``.`` groups thousands, ``,`` is the decimal comma). Empty
  cells, ``"-"`` and ``".."`` mean *not available* and produce no row.
- Rows with a first-column text but no value in any year column (sub-headings, footnotes,
  ``"Nguồn: ..."``) are skipped. An industry listed twice with the same figures (e.g. section A
  under both the broad sector and the section breakdown) yields one row per figure; different
  figures for the same industry and year are a problem.

Formulas are read through the values Excel cached when it last saved the file; a workbook
written by a program that does not compute formulas shows them as empty cells.

Every problem is collected (file, Excel row number as ``line``, Excel column letter plus the
header text as ``column``) and raised together as :class:`grdp.sources.SourceValidationError`.
The resulting rows are checked with the same rules as ``sources/*/data.csv``
(:func:`grdp.sources.check_row`). Nothing is written anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from grdp import sources
from grdp.base import classification, schemas
from grdp.sources import Problem, SourceValidationError

PRELIMINARY_NOTE = "preliminary (Sơ bộ)"
"""The ``note`` of every row read from a column marked preliminary."""

# Names the statistical yearbooks use that differ from the official names in
# grdp/data/vsic2018.csv and aggregates.csv by more than case, spacing, punctuation or
# tone-mark placement (those differences are normalised away by ``_name_key``).
YEARBOOK_ALIASES: dict[str, str] = {
    "Tổng số": "TOTAL",
    "Tổng cộng": "TOTAL",
    "Tổng sản phẩm trên địa bàn": "TOTAL",
    "Tổng sản phẩm trong nước": "TOTAL",
    "Nông, lâm nghiệp và thủy sản": "A",
    "Thuế sản phẩm trừ trợ cấp": "TAX",
    "Thuế sản phẩm trừ trợ cấp sản phẩm": "TAX",
}

NOT_AVAILABLE = frozenset({"-", "–", "—", "..", "...", "…"})
"""Cell texts that mean "not available" (no row is produced)."""

_TONE_MARKS = frozenset({"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"})
"""Combining grave, acute, tilde, hook above and dot below: the five Vietnamese tones."""
_PUNCTUATION = re.compile(r"[,;:.()\[\]\-–—/&*\"'“”]+")
_CODE_PREFIX = re.compile(r"^(?P<code>[A-Za-z]|\d{2,5})\s*[-–—.:)]\s*(?P<name>\S.*)$")
_BULLET = re.compile(r"^[-–—+•*]\s+")
_PRELIMINARY_WORDS = r"(?:sơ\s*bộ|prel\.?|preliminary)"
_YEAR_LABEL = re.compile(
    r"^(?:năm\s+)?"
    rf"(?:\(?(?P<before>{_PRELIMINARY_WORDS})\)?\s*[-:.]?\s*)?"
    r"(?:năm\s+)?"
    r"(?P<year>\d{4})"
    rf"(?:\s*[-:]?\s*\(?(?P<after>{_PRELIMINARY_WORDS})\)?)?$"
)
_VN_THOUSANDS = re.compile(r"^-?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_VN_DECIMAL = re.compile(r"^-?\d+(?:,\d+)?$")
_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")


def _clean(text: str) -> str:
    """Return ``text`` NFC-normalised with runs of white space collapsed to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _name_key(text: str) -> str:
    """Return the comparison key of an industry name.

    The key ignores Unicode normalisation form, case, punctuation, extra white space and the
    tone marks (so that the old and new tone placements, ``thuỷ``/``thủy``, compare equal);
    vowel-shape marks (``â``, ``ă``, ``ơ`` ...) and ``đ`` are kept.
    """
    decomposed = unicodedata.normalize("NFD", _clean(text).casefold())
    without_tones = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    key = _PUNCTUATION.sub(" ", unicodedata.normalize("NFC", without_tones))
    return _SPACES.sub(" ", key).strip()


@lru_cache(maxsize=1)
def _names() -> dict[str, frozenset[str]]:
    """Map each name key to the codes carrying that name (more than one means ambiguous)."""
    table: dict[str, set[str]] = {}
    for frame in (classification.vsic(), classification._aggregates()):
        for code, name_vi in zip(frame["code"], frame["name_vi"]):
            table.setdefault(_name_key(name_vi), set()).add(code)
    for alias, code in YEARBOOK_ALIASES.items():
        table[_name_key(alias)] = {code}
    return {key: frozenset(codes) for key, codes in table.items()}


def industry_code(label: str) -> tuple[str | None, str | None]:
    """Return the industry code of a row label, or an explanation of why there is none.

    Parameters
    ----------
    label
        The first cell of a data row, e.g. ``"TỔNG SỐ"``, ``"C - Công nghiệp chế biến, chế tạo"``.

    Returns
    -------
    tuple
        ``(code, None)`` when the label names exactly one code, otherwise ``(None, message)``.
    """
    text = _BULLET.sub("", _clean(label))
    prefix = None
    match = _CODE_PREFIX.match(text)
    if match is not None:
        prefix, text = match["code"].upper(), match["name"]
    codes = _names().get(_name_key(text), frozenset())
    if prefix is not None and prefix not in classification.industry_codes():
        return None, f"unknown code prefix '{prefix}' in industry name '{label}'"
    if not codes:
        return None, (f"unknown industry name '{label}'; expected a Vietnamese name from grdp/data/vsic2018.csv "
                      "or aggregates.csv, or a yearbook alias (statistics_office.YEARBOOK_ALIASES)")
    if prefix is not None:
        if prefix in codes:
            return prefix, None
        return None, (f"code prefix '{prefix}' does not match the name in '{label}', "
                      f"which is {' or '.join(sorted(codes))}")
    if len(codes) > 1:
        choices = sorted(codes)
        return None, (f"industry name '{label}' is ambiguous ({', '.join(choices)}); "
                      f"prefix it with its code, e.g. '{choices[0]} - {text}'")
    return next(iter(codes)), None


def year_label(value: Any) -> tuple[int, bool] | None:
    """Return ``(year, preliminary)`` if a header cell is a year label, else ``None``.

    Accepts ``2020``, ``2020.0``, ``"2021"``, ``"Năm 2021"``, ``"Sơ bộ 2023"``, ``"2023 Sơ bộ"``,
    ``"Sơ bộ\\n2023"``, ``"Prel. 2023"``, ``"2023 (Sơ bộ)"`` (any case, NFC or NFD), for years
    within :data:`grdp.sources.FIRST_YEAR` .. :data:`grdp.sources.LAST_YEAR`.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return (value, False) if sources.FIRST_YEAR <= value <= sources.LAST_YEAR else None
    if not isinstance(value, str):
        return None
    match = _YEAR_LABEL.match(_clean(value).casefold())
    if match is None or not sources.FIRST_YEAR <= int(match["year"]) <= sources.LAST_YEAR:
        return None
    return int(match["year"]), bool(match["before"] or match["after"])


def plain_decimal(number: Decimal) -> str:
    """Return a decimal as plain text: no exponent, no trailing zeros after the point."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def parse_value(value: Any) -> str | None:
    """Return a cell's figure as plain decimal text, or ``None`` when not available.

    Parameters
    ----------
    value
        A cell value: a number, or text in Vietnamese format (``"1.479.227,5"``, ``"14,41"``);
        ``None``, empty text, ``"-"`` and ``".."`` mean not available.

    Raises
    ------
    ValueError
        If the cell holds something that is not a number; the message quotes it.
    """
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, (datetime, date, time)):
        raise ValueError(f"'{value}' is not a number")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"'{value}' is not a finite number")
        return plain_decimal(Decimal(repr(value)))
    text = _SPACES.sub("", unicodedata.normalize("NFC", str(value))).replace("\u2212", "-")
    if text == "" or text in NOT_AVAILABLE:
        return None
    if _VN_THOUSANDS.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif _VN_DECIMAL.match(text):
        text = text.replace(",", ".")
    else:
        raise ValueError(f"cannot read '{value}' as a number; expected Vietnamese format such as "
                         "1.479.227 or 1.479.227,5 or 14,41 (or '-' / '..' for not available)")
    try:
        return plain_decimal(Decimal(text))
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        raise ValueError(f"cannot read '{value}' as a number") from None


def _header_text(value: Any) -> str:
    return _clean(str(value)) if value is not None else ""


def _column_name(index: int, header: Any) -> str:
    """Return ``"C (Sơ bộ 2023)"``: the Excel letter of a 0-based column and its header text."""
    from openpyxl.utils import get_column_letter

    text = _header_text(header)
    letter = get_column_letter(index + 1)
    return f"{letter} ({text})" if text else letter


MAX_FILE_BYTES = 20_000_000
"""Largest workbook, CSV or XML file an intake reads (bytes)."""
MAX_UNPACKED_BYTES = 100_000_000
"""Largest total of a workbook's parts once decompressed (bytes)."""
MAX_PACKING_RATIO = 200
"""Largest ratio of a workbook part's decompressed to compressed size (a zip bomb packs far more)."""
MAX_PARTS = 5_000
"""Most parts (files) in a workbook's zip archive."""
MAX_ROWS = 100_000
"""Most rows of a sheet an intake reads."""
MAX_COLUMNS = 1_000
"""Most columns of a sheet an intake reads."""


def file_size_problem(path: Path, what: str, limit: int = MAX_FILE_BYTES) -> Problem | None:
    """The problem of a file larger than ``limit`` bytes (``None`` when it is not)."""
    size = path.stat().st_size
    if size <= limit:
        return None
    return Problem(path, f"the {what} is {size:,} bytes, more than the {limit:,} bytes an intake reads; a release "
                         "of national or provincial accounts is far smaller: check that this is the right file")


def _archive_problem(path: Path) -> Problem | None:
    """The problem of a workbook whose zip archive is too large once unpacked, or packed like a zip bomb."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return Problem(path, f"not a readable Excel workbook (not a zip archive: {exc})")
    if len(parts) > MAX_PARTS:
        return Problem(path, f"the workbook has {len(parts):,} parts, more than the {MAX_PARTS:,} an intake reads")
    total = sum(p.file_size for p in parts)
    if total > MAX_UNPACKED_BYTES:
        return Problem(path, f"the workbook unpacks to {total:,} bytes, more than the {MAX_UNPACKED_BYTES:,} an "
                             "intake reads")
    packed = next((p for p in parts if p.file_size > 1_000_000
                   and p.file_size > MAX_PACKING_RATIO * max(p.compress_size, 1)), None)
    if packed is not None:
        ratio = packed.file_size // max(packed.compress_size, 1)
        return Problem(path, f"the workbook part {packed.filename} unpacks {ratio:,} times its packed size (more "
                             f"than {MAX_PACKING_RATIO}): refused as a zip bomb")
    return None


def _open_workbook(path: Path) -> tuple[Any, list[Problem]]:
    """Return the workbook opened with its formulas (so that none is trusted), or the problem that prevents
    opening it: missing, a folder, too large (:func:`file_size_problem`), too large unpacked or packed like a
    zip bomb, or not a workbook."""
    import openpyxl

    if not path.exists():
        return None, [Problem(path, "file is missing")]
    if path.is_dir():
        return None, [Problem(path, "is a folder, not an Excel workbook")]
    problem = file_size_problem(path, "workbook") or _archive_problem(path)
    if problem is not None:
        return None, [problem]
    try:
        return openpyxl.load_workbook(path, data_only=False), []
    except Exception as exc:  # noqa: BLE001 - any failure to open means the same thing to the user
        detail = str(exc).splitlines()[0] if str(exc) else ""
        reason = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
        return None, [Problem(path, f"not a readable Excel workbook ({reason})")]


def _shown(cell: Any) -> Any:
    """A cell's value as a person sees it: a number formatted as a percentage is the percentage (0.031 shown
    as 3.1% is 3.1)."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in str(cell.number_format or ""):
        return float(Decimal(repr(value)) * 100)
    return value


def _sheet_values(path: Path, worksheet: Any) -> tuple[list[tuple[Any, ...]] | None, list[Problem]]:
    """The cell values of a worksheet as a person sees them, row by row, every row padded to the widest; or the
    problem: a sheet larger than :data:`MAX_ROWS` x :data:`MAX_COLUMNS`, a hidden row or column that holds a
    value (what a reader does not see is not read silently), or a formula (its cached value is not trusted)."""
    from openpyxl.utils import get_column_letter

    title = worksheet.title
    if worksheet.max_row > MAX_ROWS or worksheet.max_column > MAX_COLUMNS:
        return None, [Problem(path, f"sheet '{title}' spans {worksheet.max_row:,} rows and {worksheet.max_column:,} "
                                    f"columns, more than the {MAX_ROWS:,} x {MAX_COLUMNS:,} an intake reads")]
    hidden_rows = {r for r, d in worksheet.row_dimensions.items() if d.hidden}
    hidden_columns = {c for c, d in worksheet.column_dimensions.items() if d.hidden}
    rows = []
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            where = f"sheet '{title}', cell {cell.coordinate}"
            if cell.data_type == "f":
                return None, [Problem(path, f"{where} holds a formula ({str(cell.value)[:60]}); its stored value "
                                            "is not trusted: paste the values (Paste Special > Values) and save")]
            if cell.row in hidden_rows or get_column_letter(cell.column) in hidden_columns:
                kind = "row" if cell.row in hidden_rows else "column"
                return None, [Problem(path, f"{where} is in a hidden {kind} and holds {str(cell.value)[:40]!r}: "
                                            f"unhide the {kind} or delete it, so that what is read is what is seen")]
        rows.append(tuple(_shown(cell) for cell in row))
    width = max((len(row) for row in rows), default=0)
    return [row + (None,) * (width - len(row)) for row in rows], []


def _visible(workbook: Any) -> list[str]:
    return [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"]


def _read_sheet(path: Path, sheet: int | str) -> tuple[list[tuple[Any, ...]] | None, list[Problem]]:
    """Return the cell values of one visible sheet, row by row, or the problem that prevents reading it.

    A sheet number counts the visible sheets only (a hidden first sheet is not "the first sheet" a person
    sees); a hidden sheet named is refused."""
    workbook, problems = _open_workbook(path)
    if workbook is None:
        return None, problems
    try:
        names = _visible(workbook)
        if isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                return None, [Problem(path, f"no visible sheet number {sheet + 1}; the workbook's visible sheets: "
                                            f"{', '.join(names) or 'none'}")]
            worksheet = workbook[names[sheet]]
        elif sheet in names:
            worksheet = workbook[sheet]
        elif sheet in workbook.sheetnames:
            return None, [Problem(path, f"sheet '{sheet}' is hidden; unhide it, so that what is read is what is "
                                        "seen")]
        else:
            return None, [Problem(path, f"no sheet named '{sheet}'; sheets: {', '.join(names)}")]
        return _sheet_values(path, worksheet)
    finally:
        workbook.close()


def read_sheet(path: str | Path, sheet: int | str) -> list[tuple[Any, ...]]:
    """Return the cell values of one sheet of a workbook, row by row, every row as wide as the widest.

    Parameters
    ----------
    path
        The ``.xlsx`` workbook.
    sheet
        The sheet: its 0-based position or its name.

    Raises
    ------
    grdp.sources.SourceValidationError
        If the file is missing, is not a readable workbook, or has no such sheet (one problem, located).
    """
    rows, problems = _read_sheet(Path(path), sheet)
    if rows is None:
        raise SourceValidationError(problems)
    return rows


def read_workbook(path: str | Path) -> dict[str, list[tuple[Any, ...]]]:
    """Return the cell values of every visible sheet of a workbook, by sheet name in workbook order (hidden
    sheets are not read).

    Raises
    ------
    grdp.sources.SourceValidationError
        If the file is missing, is not a readable workbook, is too large, or a visible sheet is too large,
        holds a formula or a value in a hidden row or column (one problem, located).
    """
    path = Path(path)
    workbook, problems = _open_workbook(path)
    if workbook is None:
        raise SourceValidationError(problems)
    try:
        out = {}
        for name in _visible(workbook):
            rows, problems = _sheet_values(path, workbook[name])
            if rows is None:
                raise SourceValidationError(problems)
            out[name] = rows
        return out
    finally:
        workbook.close()


def name_key(text: str) -> str:
    """Return the comparison key of a label or title: case, spacing, punctuation and tone placement ignored."""
    return _name_key(text)


def is_blank(value: Any) -> bool:
    """Whether a spreadsheet cell is empty (``None`` or only blanks)."""
    return value is None or (isinstance(value, str) and value.strip() == "")


def _find_header(rows: list[tuple[Any, ...]]) -> int | None:
    """Return the 0-based index of the first row with a year label after the first column."""
    for index, row in enumerate(rows):
        if any(year_label(cell) is not None for cell in row[1:]):
            return index
    return None


def _rows_by_column(cells: Iterable[tuple[int, int, dict[str, str]]]) -> dict[int, list[tuple[int, dict[str, str]]]]:
    grouped: dict[int, list[tuple[int, dict[str, str]]]] = {}
    for line, column, row in cells:
        grouped.setdefault(column, []).append((line, row))
    return grouped


def read_statistics_office_table(
    path: str | Path,
    *,
    region: str,
    boundary: str,
    variable: str = "grdp",
    price_basis: str = "current",
    unit: str = "bn_VND",
    publisher: str,
    publication_date: str,
    url: str,
    rating: str = "green",
    sheet: int | str = 0,
) -> pd.DataFrame:
    """Read one wide statistics-office table (years across, industries down) into source rows.

    Parameters
    ----------
    path
        The ``.xlsx`` workbook.
    region, boundary, variable, price_basis, unit
        What the table measures; the same for every row (see ``sources/README.md``).
    publisher, publication_date, url
        The release the table comes from; ``publication_date`` as ``YYYY-MM-DD``, ``YYYY-MM``
        or ``YYYY``.
    rating
        Reliability of the rows; ``green`` for the statistics office's own file.
    sheet
        The sheet holding the table: its 0-based position or its name.

    Returns
    -------
    pandas.DataFrame
        One row per available figure with exactly the columns of
        :data:`grdp.base.schemas.SOURCE_COLUMNS`, all strings: ``period`` the year, ``frequency``
        ``"A"``, ``value`` plain decimal text, ``date_approx`` ``"false"``, ``quality``
        ``"published"``, ``note`` ``"preliminary (Sơ bộ)"`` for preliminary columns else ``""``.
        Rows are ordered by column (year), then by their order in the sheet.

    Raises
    ------
    grdp.sources.SourceValidationError
        Listing every problem found: missing or unreadable file, no header row with years,
        duplicate year columns, unknown industry names, unreadable numbers, conflicting
        figures, and any row that breaks the source-file rules.
    """
    path = Path(path)
    rows, problems = _read_sheet(path, sheet)
    if rows is None:
        raise SourceValidationError(problems)
    header_index = _find_header(rows)
    if header_index is None:
        raise SourceValidationError([Problem(
            path, "no header row with years found; expected a row whose cells after the first are years "
                  "such as 2021, '2022' or 'Sơ bộ 2023'")])
    header = rows[header_index]
    header_line = header_index + 1
    label_column = _column_name(0, header[0])

    years: dict[int, tuple[str, bool]] = {}  # column index -> (period, preliminary)
    first_column_of_year: dict[int, int] = {}
    for index, cell in enumerate(header[1:], start=1):
        if is_blank(cell):
            continue
        label = year_label(cell)
        column = _column_name(index, cell)
        if label is None:
            problems.append(Problem(path, f"header cell '{_header_text(cell)}' is not a year; expected e.g. "
                                          "2021, '2022' or 'Sơ bộ 2023'", line=header_line, column=column))
            continue
        year, preliminary = label
        if year in first_column_of_year:
            other = first_column_of_year[year]
            problems.append(Problem(path, f"duplicate year column: {year} is also in column "
                                          f"{_column_name(other, header[other])}", line=header_line, column=column))
            continue
        first_column_of_year[year] = index
        years[index] = (str(year), preliminary)

    known_variables = sources.variables()
    argument_columns = {"region", "boundary", "frequency", "variable", "price_basis", "unit", "publisher",
                        "publication_date", "date_approx", "url", "quality", "rating"}
    argument_problems: dict[tuple[str, str], Problem] = {}
    good: list[tuple[int, int, dict[str, str]]] = []  # (Excel line, column index, row)

    for index in range(header_index + 1, len(rows)):
        line = index + 1
        row = rows[index]
        label = row[0] if row else None
        cells = [(i, row[i]) for i in range(1, len(row)) if not is_blank(row[i])]
        if is_blank(label):
            for i, cell in cells:
                problems.append(Problem(path, f"figure '{cell}' has no industry name in column A",
                                        line=line, column=_column_name(i, header[i])))
            continue
        if not any(i in years for i, _ in cells):
            # A sub-heading, footnote or source line; also a row with only "not available" cells.
            unheaded = [(i, c) for i, c in cells if is_blank(header[i])]
            for i, cell in unheaded:
                problems.append(Problem(path, f"figure '{cell}' is in a column without a year header",
                                        line=line, column=_column_name(i, header[i])))
            continue
        code, name_problem = industry_code(str(label))
        if name_problem is not None:
            problems.append(Problem(path, name_problem, line=line, column=label_column))
        for i, cell in cells:
            column = _column_name(i, header[i])
            if i not in years:
                if is_blank(header[i]):
                    problems.append(Problem(path, f"figure '{cell}' is in a column without a year header",
                                            line=line, column=column))
                continue
            try:
                value = parse_value(cell)
            except ValueError as exc:
                problems.append(Problem(path, str(exc), line=line, column=column))
                continue
            if value is None or code is None:
                continue
            period, preliminary = years[i]
            record = {
                "region": region, "boundary": boundary, "period": period, "frequency": "A",
                "variable": variable, "industry": code, "price_basis": price_basis, "unit": unit,
                "value": value, "publisher": publisher, "publication_date": publication_date,
                "date_approx": "false", "url": url, "quality": "published", "rating": rating,
                "note": PRELIMINARY_NOTE if preliminary else "",
            }
            row_problems = sources.check_row(record, known_variables)
            for source_column, message in row_problems:
                if source_column in argument_columns:
                    argument_problems.setdefault(
                        (source_column, message),
                        Problem(path, f"argument {source_column}: {message}", column=source_column))
                elif source_column == "industry":
                    problems.append(Problem(path, message, line=line, column=label_column))
                else:  # value, or period (a year not yet begun on the publication date)
                    problems.append(Problem(path, message, line=line, column=column))
            if not row_problems:
                good.append((line, i, record))

    problems = list(argument_problems.values()) + problems
    # Same figure twice with different values, and broad-sector shares that do not add up:
    # the checks of sources/*/data.csv, run per year column so each problem names its column.
    for i, column_rows in _rows_by_column(good).items():
        column = _column_name(i, header[i])
        for problem in sources.check_conflicts(column_rows, path) + sources.check_shares_add_up(column_rows, path):
            problems.append(replace(problem, column=column))
    if not good and not problems:
        problems.append(Problem(path, f"no figures below the header row (line {header_line})"))
    if problems:
        raise SourceValidationError(problems)

    ordered = sorted(good, key=lambda item: (item[1], item[0]))
    frame = pd.DataFrame([record for _, _, record in ordered], columns=list(schemas.SOURCE_COLUMNS))
    # An industry listed twice with the same figure (e.g. section A as broad sector and as section).
    frame = frame.drop_duplicates(ignore_index=True)
    return frame.astype(str)
