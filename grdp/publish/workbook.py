"""The XLSX workbook of a vintage's key tables, Vietnamese first and English, for readers who work in Excel.

The sheets, their columns, headers and units are data in ``grdp/data/workbook.yaml``; the figures are copied from
``forecasts/<vintage>/tables/*.csv`` and nothing else. The layout is checked when it is read: every table and column
it names must be in the catalogue of vintage tables (:func:`check_layout`, :mod:`grdp.run.catalogue`).

Every sheet has a Vietnamese name (:data:`SHEET_NAMES`); the first, "Giới thiệu", lists the sheets with their titles,
units and source tables, states the conventions and lists the codes with their Vietnamese and English words. Every
table sheet has the same layout: row 1 the title (Vietnamese / English), row 2 the source table, rows 3-5 the
Vietnamese headers, the English headers and the units (``vi | en``), data from row 6. The cells are typed as an
analyst expects (:mod:`grdp.publish.cell_values`): codes in Vietnamese words (the English in a column beside where
the layout asks), dates as Excel dates, every share as a fraction with the one percent format, years as integers.
The sheet is then frozen, filtered, sized and set up to print (:mod:`grdp.publish.sheet_layout`). The revisions
sheet writes the table of :func:`grdp.run.revisions.revision_table` when one is given, each value in its row's unit.

Text cells that a spreadsheet would run as a formula are neutralised (:func:`_put`): a source whose publisher reads
``=HYPERLINK(...)`` is shown as that text, never run.

The workbook is written into a temporary file next to its destination and linked into place only when complete,
so no half-written workbook is left behind and an existing file is never overwritten.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from datetime import datetime
from functools import cache
from pathlib import Path

import pandas as pd
import yaml
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from grdp.base import classification, labels, paths
from grdp.forecast import scenarios
from grdp.publish import cell_values, sheet_layout
from grdp.run import catalogue
from grdp.run import vintage as vintages

SPEC_FILE = "workbook.yaml"
TITLE_ROW, NOTE_ROW, HEADER_VI_ROW, HEADER_EN_ROW, UNIT_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5, 6
"""Rows of every table sheet."""

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


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


SHEET_NAMES: dict[str, str] = {sheet["name"]: sheet["sheet"] for sheet in _spec()["sheets"]}
"""The workbook's sheets, in order: a stable key (``workbook.yaml``'s ``name``; code and tests refer to a sheet by
it) and the Vietnamese name of the sheet's tab (at most 31 characters, none of ``[]:*?/\\``)."""
SHEETS: tuple[str, ...] = tuple(SHEET_NAMES.values())
"""Names of the workbook's sheets (their tabs), in order."""


def _bilingual(vi: str, en: str, separator: str = " / ") -> str:
    return vi if vi == en else f"{vi}{separator}{en}"


def _unit(key: str) -> tuple[str, str, str]:
    """Vietnamese and English words and the Excel number format of a unit of ``workbook.yaml``."""
    entry = _spec()["units"][key]
    number_format = {"percent": _spec()["percent_format"], "date": _spec()["date_formats"]["day"]}.get(
        entry["format"], entry["format"])
    if "vi" in entry:
        return entry["vi"], entry["en"], number_format
    return labels.label("unit", key, "vi"), labels.label("unit", key, "en"), number_format


@cache
def _translations() -> dict:
    """The layout's translations and the scenarios' labels (``grdp/data/scenarios.yaml``)."""
    return {**_spec()["translations"], "scenario": scenarios.scenario_labels()}


def _words(kind: str, code: object, lang: str) -> str | None:
    if code in (None, ""):
        return None
    return cell_values.translate(kind, str(code), lang, _translations())


def _typed(values: list, unit: str) -> tuple[list, list[str]]:
    """The values of a column in their unit (dates as dates, shares as fractions, years as integers, yes/no in
    words) and the number format of each cell."""
    entry, number_format = _spec()["units"][unit], _unit(unit)[2]
    if entry["format"] == "date":
        dated = [None if v in (None, "") else cell_values.excel_date(str(v), _spec()["date_formats"]) for v in values]
        return [d and d[0] for d in dated], [d[1] if d else number_format for d in dated]
    if unit == "boolean":
        values = [_words("value", v, "vi") for v in values]
    elif "scale" in entry:
        values = [None if v is None else v * entry["scale"] for v in values]
    elif unit == "year":
        values = [None if v is None else int(v) for v in values]
    return values, [number_format] * len(values)


def _by_row(values: list, row_units: list) -> tuple[list, list[str]]:
    """Values whose unit is their row's (``revision_unit`` of the revisions table), each in that unit."""
    units = _spec()["row_units"]
    typed = [_typed([value], units[str(unit)]) if str(unit) in units else ([value], ["General"])
             for value, unit in zip(values, row_units)]
    return [t[0][0] for t in typed], [t[1][0] for t in typed]


def _columns(frame: pd.DataFrame, specs: list[dict], keys: list[str]) -> list[dict]:
    """One entry per output column (vi, en, unit, values, formats, key): codes translated, names translated where a
    translation is known, an English column beside where the layout asks for it (the English words of a code, the
    names as the table writes them), a name column after an industry code."""
    out = []
    for spec in specs:
        values = frame[spec["name"]].astype(object)
        values = values.where(frame[spec["name"]].notna(), None).tolist()
        key = spec["name"] in keys
        if "translate" in spec:
            words = {lang: [_words(spec["translate"], v, lang) for v in values] for lang in ("vi", "en")}
            values = words["vi"]
        elif "names" in spec:
            words = {"en": values}
            values = [None if v in (None, "") else cell_values.translate_names(spec["names"], str(v), "vi",
                                                                               _translations()) for v in values]
        if spec.get("unit") == "by_row" and "revision_unit" in frame.columns:
            typed, formats = _by_row(values, frame["revision_unit"].tolist())
        else:
            typed, formats = _typed(values, spec.get("unit") or "text")
        out.append({"vi": spec["vi"], "en": spec["en"], "unit": spec.get("unit"), "values": typed,
                    "formats": formats, "key": key})
        if spec.get("english"):
            english = _spec()["english_column"]
            out.append({"vi": english["vi"].format(spec["vi"]), "en": english["en"].format(spec["en"]),
                        "unit": spec["unit"], "values": words["en"], "formats": ["@"] * len(values), "key": key})
        if "name_column" in spec:
            header = _spec()["name_columns"][spec["name_column"]]
            names = [None if v in (None, "") else classification.name(str(v), "vi") for v in values]
            out.append({"vi": header["vi"], "en": header["en"], "unit": "text", "values": names,
                        "formats": ["@"] * len(values), "key": key})
    return out


def _frozen(columns: list[dict]) -> int:
    """How many leading columns identify a row."""
    count = 0
    while count < len(columns) and columns[count]["key"]:
        count += 1
    return count


def _read_table(folder: Path, sheet: dict, parameters: dict) -> tuple[str, pd.DataFrame]:
    """Read a sheet's vintage table; raise :class:`WorkbookError` naming the file and every missing column."""
    name = sheet["table"].format(**parameters)
    file = folder / vintages.TABLES / name
    text = {c["name"]: str for c in sheet["columns"] if _spec()["units"][c["unit"]]["format"] in ("@", "date")}
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
    """Headers (vi, en, unit), data with number formats, then the sheet arranged to view and print."""
    max_width, widths, lines = _spec()["max_width"], [], {HEADER_VI_ROW: 1, HEADER_EN_ROW: 1, UNIT_ROW: 1}
    for j, column in enumerate(columns, start=1):
        unit_vi, unit_en, _ = _unit(column["unit"]) if column["unit"] else ("", "", "General")
        head = [(HEADER_VI_ROW, column["vi"]), (HEADER_EN_ROW, column["en"]),
                (UNIT_ROW, _bilingual(unit_vi, unit_en, " | "))]
        for row, text in head:
            cell = _put(ws, row, j, text)
            cell.font = Font(italic=True) if row == UNIT_ROW else _BOLD
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, (value, number_format) in enumerate(zip(column["values"], column["formats"]), start=FIRST_DATA_ROW):
            _put(ws, i, j, value).number_format = number_format
        shown = [_shown(v, f) for v, f in zip(column["values"], column["formats"]) if v is not None]
        widths.append(sheet_layout.column_width(shown + [w for _, t in head for w in t.split()], max_width))
        for row, text in head:
            lines[row] = max(lines[row], sheet_layout.wrapped_lines(text, widths[-1]))
    for row, count in lines.items():
        ws.row_dimensions[row].height = sheet_layout.LINE_HEIGHT * count + 3
    sheet_layout.arrange(ws, (HEADER_VI_ROW, UNIT_ROW), _frozen(columns), widths)


def _shown(value: object, number_format: str) -> str:
    """About the text Excel shows for a value (for the column's width)."""
    if isinstance(value, datetime):
        return number_format
    if isinstance(value, float):
        return f"{value:,.2f}" if "%" not in number_format else f"{value * 100:.2f}%"
    return str(value)


def _write_revisions(ws: Worksheet, sheet: dict, revisions: pd.DataFrame | None, vintage: str) -> None:
    """The revisions table as given (known columns named by ``workbook.yaml``), or the one-vintage message."""
    _title(ws, sheet, sheet["note"]["vi"], sheet["note"]["en"])
    if revisions is None or revisions.empty:
        _put(ws, HEADER_VI_ROW, 1, sheet["empty"]["vi"].format(vintage=vintage))
        _put(ws, HEADER_EN_ROW, 1, sheet["empty"]["en"].format(vintage=vintage))
        sheet_layout.arrange(ws, (HEADER_VI_ROW, HEADER_EN_ROW), 0, [_spec()["max_width"]], filtered=False)
        return
    known = {c["name"]: c for c in sheet["columns"]}
    specs = [known.get(str(name), {"name": name, "vi": str(name), "en": str(name)}) for name in revisions.columns]
    _write_table(ws, _columns(revisions, specs, sheet.get("keys", [])))


def _glossary() -> list[tuple]:
    """Every code the README lists: the kind, the code of the CSV tables, the words in the cells, the full
    Vietnamese and English words."""
    rows = []
    for entry in _spec()["readme"]["glossary"]:
        kind = entry["kind"]
        for code in entry["codes"]:
            full = [labels.label(kind, code, lang) if labels.has_label(kind, code) else _words(kind, code, lang)
                    for lang in ("vi", "en")]
            rows.append((_bilingual(entry["vi"], entry["en"]), code, _words(kind, code, "vi"), *full))
    return rows


def _sheet_units(sheet: dict) -> str:
    """The units of a sheet's figures (codes, text and web addresses left out), Vietnamese | English."""
    wordy = _spec()["readme"]["wordy_units"]
    keys = dict.fromkeys(c["unit"] for c in sheet.get("columns", []) if c["unit"] not in wordy)
    return "; ".join(_bilingual(*_unit(key)[:2], " | ") for key in keys)


def _write_readme(ws: Worksheet, manifest: dict, tables: dict[str, str]) -> None:
    """Title, the vintage's identity, the list of sheets, the conventions, units, codes and the published-versus-
    derived note."""
    spec, readme = _spec(), _spec()["readme"]
    vintage, parameters = manifest["vintage"], manifest["parameters"]
    widths, wrap = readme["widths"], Alignment(wrap_text=True, vertical="top", horizontal="left")
    _put(ws, 1, 1, spec["title"]["vi"]).font = _TITLE
    _put(ws, 2, 1, spec["title"]["en"]).font = _TITLE
    row = 4

    def fit(texts: list[tuple[object, int]]) -> None:
        """Make the row tall enough for its wrapped texts, each in its width."""
        count = max(sheet_layout.wrapped_lines(str(text), width) for text, width in texts if text is not None)
        ws.row_dimensions[row].height = sheet_layout.LINE_HEIGHT * count + 3

    finished = datetime.fromisoformat(manifest["finished"]).replace(tzinfo=None)
    identity = {"vintage": vintage, "as_of": cell_values.excel_date(parameters["as_of"], spec["date_formats"]),
                "region": _words("value", parameters["region"], "vi"),
                "boundary": _words("boundary", parameters["boundary"], "vi"), "git_revision": manifest["git_revision"],
                "finished": (finished, spec["date_formats"]["time"])}
    generated = readme["generated_from"]
    identity["generated_from"] = _bilingual(generated["vi"].format(vintage=vintage),
                                            generated["en"].format(vintage=vintage))
    for key, field in readme["fields"].items():
        name = _bilingual(field["vi"], field["en"])
        _put(ws, row, 1, name).font = _BOLD
        ws.cell(row, 1).alignment = wrap
        value, number_format = identity[key] if isinstance(identity[key], tuple) else (identity[key], "@")
        cell = _put(ws, row, 2, value)
        cell.number_format, cell.alignment = number_format, wrap
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(widths))
        fit([(name, widths[0]), (value if isinstance(value, str) else "", sum(widths[1:]))])
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
                _put(ws, row, j, value).alignment = wrap
            fit(list(zip(line, widths)))
            row += 1

    def text(heading: dict, body: dict) -> None:
        nonlocal row
        row += 1
        _put(ws, row, 1, _bilingual(heading["vi"], heading["en"])).font = _TITLE
        row += 1
        for lang in ("vi", "en"):
            _put(ws, row, 1, body[lang]).alignment = wrap
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
            fit([(body[lang], sum(widths))])
            row += 1

    block(readme["sheets_heading"], readme["sheets_columns"],
          [(s["sheet"], s["vi"], s["en"], _sheet_units(s), tables.get(s["name"], "")) for s in spec["sheets"]])
    text(readme["conventions_heading"], readme["conventions"])
    block(readme["units_heading"], readme["units_columns"], [_unit(key) for key in spec["units"]])
    block(readme["glossary_heading"], readme["glossary_columns"], _glossary())
    text(readme["published_vs_derived_heading"], readme["published_vs_derived"])
    sheet_layout.arrange(ws, (1, 2), 0, widths, filtered=False)


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
    """Write the XLSX workbook of a vintage's key tables (sheets :data:`SHEET_NAMES`).

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
        If a code the layout translates has no label (``labels.yaml``, the layout's ``translations`` or the
        scenarios), or an industry code no name.
    ValueError
        If a date of a table is not ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``.
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
    sheets = {sheet["name"]: book.create_sheet(sheet["sheet"]) for sheet in _spec()["sheets"]}
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
            _write_table(ws, _columns(frame, sheet["columns"], sheet.get("keys", [])))
    sources["readme"] = vintages.MANIFEST
    _write_readme(sheets["readme"], manifest, sources)
    _save(book, path)
    return path
