"""How a sheet of the workbook is viewed and printed: frozen panes, filters, column widths, page setup.

One job: once a sheet's cells are written, :func:`arrange` freezes its header rows and identifier columns, puts
an auto filter on its last header row, sizes its columns to their contents and sets it up to print: a print area,
the header rows repeated on every page, one page wide (as many pages tall as needed), landscape when the sheet
is wider than a portrait page, A4, gridlines, and a footer with the sheet's name and the page number.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

MIN_WIDTH = 8
"""The narrowest column (Excel's width units, about one character each)."""
PORTRAIT_WIDTH = 100
"""Sheets wider than this (the sum of their column widths) are printed landscape."""
PAGE_WIDTH = 240
"""Widest sheet (the sum of its column widths) printed on one landscape page: about 145 characters fit an A4 landscape
line at 100%, so a wider sheet would print below 60%, too small to read. A wider sheet prints on as many pages across
as it needs, its identifier columns repeated on each."""
LINE_HEIGHT = 13
"""Points per line of a wrapped header cell (Calibri 11 with its leading)."""


def column_width(texts: list[str], max_width: int) -> int:
    """Return the width of a column that shows its longest value and its headers' longest word.

    Parameters
    ----------
    texts
        The values of the column as text, then the words of its headers.
    max_width
        The widest column; longer texts are cut at the column's edge on screen (the cell keeps them).

    Returns
    -------
    int
        Between :data:`MIN_WIDTH` and ``max_width``.
    """
    longest = max((len(text) for text in texts), default=0)
    return min(max(longest + 2, MIN_WIDTH), max_width)


def wrapped_lines(text: str, width: int) -> int:
    """Return how many lines a text wrapped at word boundaries takes in a column of ``width``.

    Parameters
    ----------
    text
        The cell's text.
    width
        The column's width (about one character each, less the cell's padding).

    Returns
    -------
    int
        At least 1.
    """
    room, lines, used = max(width - 1, 1), 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > room:
            lines, used = lines + 1, 0
        used = used + (1 if used else 0) + len(word)
        lines += (used - 1) // room
        used = (used - 1) % room + 1
    return lines


def arrange(ws: Worksheet, header_rows: tuple[int, int], frozen_columns: int, widths: list[int],
            filtered: bool = True) -> None:
    """Freeze, filter, size and set up a written sheet to print.

    Parameters
    ----------
    ws
        The sheet, its cells written.
    header_rows
        The first and last header rows; data follow the last. The filter sits on the last, the panes are frozen
        below it and the rows are repeated at the top of every printed page.
    frozen_columns
        How many columns, from the left, identify a row (frozen beside the data); 0 freezes none.
    widths
        The width of each column from A.
    filtered
        Whether to put an auto filter on the last header row (a table's sheet), or none (the README).
    """
    first, last = header_rows
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    corner = f"{get_column_letter(max(len(widths), 1))}{max(ws.max_row, last)}"
    ws.freeze_panes = ws.cell(last + 1, frozen_columns + 1)
    if filtered and widths:
        ws.auto_filter.ref = f"A{last}:{corner}"
    ws.print_area = f"A1:{corner}"
    ws.print_title_rows = f"{first}:{last}"
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = ws.ORIENTATION_LANDSCAPE if sum(widths) > PORTRAIT_WIDTH else ws.ORIENTATION_PORTRAIT
    setup.fitToWidth, setup.fitToHeight = max(1, -(-sum(widths) // PAGE_WIDTH)), 0
    if frozen_columns and setup.fitToWidth > 1:
        ws.print_title_cols = f"A:{get_column_letter(frozen_columns)}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.print_options.gridLines = True
    ws.oddFooter.center.text = "&A — trang &P / &N"
