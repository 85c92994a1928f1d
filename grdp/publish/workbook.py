"""The XLSX workbook of a vintage's key tables, Vietnamese first and English, for readers who work in Excel.

The sheets, their columns, headers and units are data in ``grdp/data/workbook.yaml``; the figures are copied from
``forecasts/<vintage>/tables/*.csv`` and nothing else. The layout is checked when it is read: every table and column
it names must be in the catalogue of vintage tables (:func:`check_layout`, :mod:`grdp.run.catalogue`). Every table
sheet has the same layout: row 1 the title (Vietnamese / English), row 2 the source table, rows 3-5 the Vietnamese
headers, the English headers and the units (``vi | en``), data from row 6, panes frozen below the headers. A column
coded as a method, boundary or industry is followed by a column with its Vietnamese name (:mod:`grdp.base.labels`,
:mod:`grdp.base.classification`). The ``revisions`` sheet writes the table of
:func:`grdp.run.revisions.revision_table` when one is given.

Text cells that a spreadsheet would run as a formula are neutralised (:func:`_put`): a source whose publisher reads
``=HYPERLINK(...)`` is shown as that text, never run.

The workbook is written into a temporary file next to its destination and linked into place only when complete,
so no half-written workbook is left behind and an existing file is never overwritten.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from grdp.base import classification, labels, paths
from grdp.run import catalogue
from grdp.run import vintage as vintages

SPEC_FILE = "workbook.yaml"
TITLE_ROW, NOTE_ROW, HEADER_VI_ROW, HEADER_EN_ROW, UNIT_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5, 6
"""Rows of every table sheet."""

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_MIN_WIDTH = 8


class WorkbookError(ValueError):
    """Raised when the layout names a table or column the catalogue does not have, or a vintage table lacks a
    column the workbook needs; the message names the sheet or file and the column."""


def check_layout(spec: dict) -> None:
    """Check that every table and column a workbook layout names is one of the catalogue's.

    A table sheet names its source table (``table``, a file of the vintage's ``tables/``, a pattern for a table
    written for the run's region and boundary) and columns of it (``columns``, ``distinct_sorted_by``); the
    revisions sheet names columns of the ``revisions`` table. The catalogue is :mod:`grdp.run.catalogue`.

    Parameters
    ----------
    spec
        A workbook layout, as ``grdp/data/workbook.yaml`` reads.

    Raises
    ------
    WorkbookError
        Naming the sheet and the table that is not catalogued, or the columns its table does not have.
    """
    for sheet in spec["sheets"]:
        kind = sheet.get("kind", "table")
        if kind == "readme":
            continue
        where = f"{paths.data_file(SPEC_FILE)}, sheet {sheet['name']!r}"
        try:
            table = catalogue.entry("revisions" if kind == "revisions" else sheet["table"].removesuffix(".csv"))
        except catalogue.CatalogueError as exc:
            raise WorkbookError(f"{where}: {exc}") from None
        named = [column["name"] for column in sheet["columns"]] + sheet.get("distinct_sorted_by", [])
        for name in dict.fromkeys(named):
            if name not in table.column_names:
                close = difflib.get_close_matches(name, table.column_names, n=1)
                raise WorkbookError(f"{where}: table {table.name!r} has no column {name!r}"
                                    + (f"; did you mean {close[0]!r}?" if close else ""))


@cache
def _spec() -> dict:
    with paths.data_file(SPEC_FILE).open(encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    check_layout(spec)
    return spec


SHEETS: tuple[str, ...] = tuple(sheet["name"] for sheet in _spec()["sheets"])
"""Names of the workbook's sheets, in order (stable: reports and tests refer to them)."""


def _bilingual(vi: str, en: str, separator: str = " / ") -> str:
    return vi if vi == en else f"{vi}{separator}{en}"


def _unit(key: str) -> tuple[str, str, str]:
    """Vietnamese and English words and the Excel number format of a unit of ``workbook.yaml``."""
    entry = _spec()["units"][key]
    if "vi" in entry:
        return entry["vi"], entry["en"], entry["format"]
    return labels.label("unit", key, "vi"), labels.label("unit", key, "en"), entry["format"]


def _code_name(kind: str, code: str) -> str:
    if kind == "industry":
        return classification.name(code, "vi")
    return labels.label(kind, code, "vi")


def _columns(frame: pd.DataFrame, specs: list[dict]) -> list[dict]:
    """One entry per output column (vi, en, unit, values), with a name column after each labelled code column."""
    out = []
    for spec in specs:
        values = frame[spec["name"]].astype(object)
        values = values.where(frame[spec["name"]].notna(), None).tolist()
        out.append({"vi": spec["vi"], "en": spec["en"], "unit": spec.get("unit"), "values": values})
        if "label" in spec:
            header = _spec()["label_columns"][spec["label"]]
            names = [None if v in (None, "") else _code_name(spec["label"], str(v)) for v in values]
            out.append({"vi": header["vi"], "en": header["en"], "unit": "text", "values": names})
    return out


def _read_table(folder: Path, sheet: dict, parameters: dict) -> tuple[str, pd.DataFrame]:
    """Read a sheet's vintage table; raise :class:`WorkbookError` naming the file and every missing column."""
    name = sheet["table"].format(**parameters)
    file = folder / vintages.TABLES / name
    text = {c["name"]: str for c in sheet["columns"] if _unit(c["unit"])[2] == "@"}
    frame = pd.read_csv(file, dtype=text)
    wanted = [c["name"] for c in sheet["columns"]]
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise WorkbookError(f"{file}: no column {', '.join(map(repr, missing))}, needed by sheet {sheet['name']!r} "
                            f"(see {paths.data_file(SPEC_FILE)})")
    frame = frame[wanted]
    if "distinct_sorted_by" in sheet:
        frame = frame.drop_duplicates().sort_values(sheet["distinct_sorted_by"], kind="stable")
    return name, frame


def _put(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write one cell. Text a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return) is neutralised as OWASP recommends: prefixed with a single quote and typed as text
    (:func:`grdp.run.vintage.neutralise_formula`); numbers stay numbers."""
    cell = ws.cell(row, column)
    cell.value = vintages.neutralise_formula(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def _title(ws: Worksheet, sheet: dict, note_vi: str, note_en: str) -> None:
    _put(ws, TITLE_ROW, 1, _bilingual(sheet["vi"], sheet["en"])).font = _TITLE
    _put(ws, NOTE_ROW, 1, _bilingual(note_vi, note_en)).font = Font(italic=True)


def _write_table(ws: Worksheet, columns: list[dict]) -> None:
    """Headers (vi, en, unit), data with number formats, column widths and frozen panes."""
    max_width = _spec()["max_width"]
    for j, column in enumerate(columns, start=1):
        unit_vi, unit_en, number_format = _unit(column["unit"]) if column["unit"] else ("", "", "General")
        head = [(HEADER_VI_ROW, column["vi"]), (HEADER_EN_ROW, column["en"]),
                (UNIT_ROW, _bilingual(unit_vi, unit_en, " | "))]
        for row, text in head:
            cell = _put(ws, row, j, text)
            cell.font = Font(italic=True) if row == UNIT_ROW else _BOLD
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, value in enumerate(column["values"], start=FIRST_DATA_ROW):
            _put(ws, i, j, value).number_format = number_format
        longest = max((len(str(v)) for v in column["values"] if v is not None), default=0)
        longest = max(longest, *(len(word) for _, text in head for word in text.split()))
        ws.column_dimensions[get_column_letter(j)].width = min(max(longest + 2, _MIN_WIDTH), max_width)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)


def _write_revisions(ws: Worksheet, sheet: dict, revisions: pd.DataFrame | None, vintage: str) -> None:
    """The revisions table as given (known columns named by ``workbook.yaml``), or the one-vintage message."""
    _title(ws, sheet, sheet["note"]["vi"], sheet["note"]["en"])
    if revisions is None or revisions.empty:
        _put(ws, HEADER_VI_ROW, 1, sheet["empty"]["vi"].format(vintage=vintage))
        _put(ws, HEADER_EN_ROW, 1, sheet["empty"]["en"].format(vintage=vintage))
        return
    known = {c["name"]: c for c in sheet["columns"]}
    specs = [known.get(str(name), {"name": name, "vi": str(name), "en": str(name)}) for name in revisions.columns]
    _write_table(ws, _columns(revisions, specs))


def _write_readme(ws: Worksheet, manifest: dict, tables: dict[str, str]) -> None:
    """Title, the vintage's identity, the list of sheets, units and the published-versus-derived note."""
    spec, readme = _spec(), _spec()["readme"]
    vintage, parameters = manifest["vintage"], manifest["parameters"]
    _put(ws, 1, 1, spec["title"]["vi"]).font = _TITLE
    _put(ws, 2, 1, spec["title"]["en"]).font = _TITLE
    row = 4
    identity = {"vintage": vintage, "as_of": parameters["as_of"], "region": parameters["region"],
              "boundary": parameters["boundary"], "git_revision": manifest["git_revision"],
              "finished": manifest["finished"]}
    generated = readme["generated_from"]
    identity["generated_from"] = _bilingual(generated["vi"].format(vintage=vintage),
                                            generated["en"].format(vintage=vintage))
    for key, field in readme["fields"].items():
        _put(ws, row, 1, _bilingual(field["vi"], field["en"])).font = _BOLD
        _put(ws, row, 2, identity[key])
        row += 1

    def block(heading: dict, header: list[dict], rows: list[tuple]) -> None:
        nonlocal row
        row += 1
        _put(ws, row, 1, _bilingual(heading["vi"], heading["en"])).font = _TITLE
        row += 1
        for lang in ("vi", "en"):
            for j, column in enumerate(header, start=1):
                _put(ws, row, j, column[lang]).font = _BOLD
            row += 1
        for line in rows:
            for j, value in enumerate(line, start=1):
                _put(ws, row, j, value)
            row += 1

    block(readme["sheets_heading"], readme["sheets_columns"],
          [(s["name"], s["vi"], s["en"], tables.get(s["name"], "")) for s in spec["sheets"]])
    block(readme["units_heading"], readme["units_columns"], [_unit(key) for key in spec["units"]])
    for heading, text in ((None, readme["conventions"]),
                          (readme["published_vs_derived_heading"], readme["published_vs_derived"])):
        row += 1
        if heading:
            _put(ws, row, 1, _bilingual(heading["vi"], heading["en"])).font = _TITLE
            row += 1
        for lang in ("vi", "en"):
            _put(ws, row, 1, text[lang]).alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
            ws.row_dimensions[row].height = 75
            row += 1
    for letter, width in zip("ABCD", (38, 60, 60, 36)):
        ws.column_dimensions[letter].width = width


def _save(book: Workbook, path: Path) -> None:
    """Save into a temporary sibling and link it to ``path``, which must not exist; never leave the temporary file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        book.save(temporary)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # the permissions of any other file written (mkstemp makes it 0600)
        os.link(temporary, path)
    except FileExistsError:
        raise FileExistsError(f"{path} already exists; the workbook is never overwritten") from None
    finally:
        os.unlink(temporary)


def write_workbook(vintage: str, path: Path, revisions: pd.DataFrame | None = None) -> Path:
    """Write the XLSX workbook of a vintage's key tables (sheets :data:`SHEETS`).

    Parameters
    ----------
    vintage
        A published vintage, e.g. ``"2025Q4"`` (read from ``forecasts/<vintage>/``).
    path
        The workbook to create; it must not exist.
    revisions
        Revisions between vintages, written as given on the ``revisions`` sheet (headers and units of the columns
        ``workbook.yaml`` knows, the column name otherwise). ``None`` or empty: the sheet says that there is only
        one vintage so far.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    FileExistsError
        If ``path`` already exists.
    grdp.run.vintage.VintageError
        If the vintage has not been published (no manifest).
    FileNotFoundError
        If one of its tables is missing.
    WorkbookError
        If a table lacks a column of ``workbook.yaml``; the message names the file and the columns.
    KeyError
        If a method, boundary or industry code has no label.
    """
    vintages.check_name(vintage)
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists; the workbook is never overwritten")
    folder = paths.vintage_dir(vintage)
    manifest = vintages.read_manifest(vintage)
    book = Workbook()
    book.remove(book.active)
    sources = {}
    sheets = {sheet["name"]: book.create_sheet(sheet["name"]) for sheet in _spec()["sheets"]}
    for sheet in _spec()["sheets"]:
        ws, kind = sheets[sheet["name"]], sheet.get("kind", "table")
        if kind == "revisions":
            _write_revisions(ws, sheet, revisions, vintage)
        elif kind == "table":
            name, frame = _read_table(folder, sheet, manifest["parameters"])
            sources[sheet["name"]] = name
            note = _spec()["source_note"]
            _title(ws, sheet, note["vi"].format(vintage=vintage, table=name),
                   note["en"].format(vintage=vintage, table=name))
            _write_table(ws, _columns(frame, sheet["columns"]))
    sources["readme"] = vintages.MANIFEST
    _write_readme(sheets["readme"], manifest, sources)
    _save(book, path)
    return path
