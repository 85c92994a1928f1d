"""Page layout of the printed reports (DOCX and PDF through Typst): A4 pages, landscape pages for wide tables.

The PDF's page is set in ``reports/_quarto.yml`` (A4, 2.5 cm side and 2 cm top and bottom margins), so its
text block is 16 cm wide, the width the report charts are drawn at (:data:`grdp.report.charts.PAGE_WIDTH`). Wide
tables sit in ``::: {.landscape}`` divs of the report notebooks, which Quarto turns into landscape pages in
Typst and into section breaks in DOCX. Pandoc's DOCX leaves the page of a section to the word processor's
default (US Letter in many), and Quarto's landscape sections have no margins, so :func:`a4_docx` gives every
section of a rendered DOCX the reports' page: A4, portrait or landscape as Quarto set it, with the margins
of the PDF. :func:`reference_docx` gives the DOCX the PDF's type sizes (tables in 8 pt, text in 11 pt).
"""

from __future__ import annotations

import io
import re
import zipfile

A4 = (11906, 16838)
"""A4 width and height in twentieths of a point (Word's unit)."""
MARGINS = (1417, 1134)
"""Side and top/bottom margins in twentieths of a point: 2.5 cm and 2 cm, as the PDF's in ``_quarto.yml``."""
SECTION = re.compile(r"<w:sectPr\b[^>]*?(?:/>|>.*?</w:sectPr>)", re.S)
"""A Word section's properties element (empty, self-closing or with content)."""
FENCE = re.compile(r"^:::(?:\s*\{(?:\.(?:landscape|content-visible)\b[^}]*|#fig-[\w-]+)\})?\s*$", re.M)
"""A line opening or closing a print-layout div in a notebook's Markdown cell: ``.landscape`` or
``.content-visible`` (e.g. the brief's page break after its first page, for the PDF only), or a numbered
figure's div (``{#fig-bridges}``: the figure and, last, its caption)."""


FIXED_LAYOUT = re.compile(r"<w:tblLayout w:type=\"fixed\"\s*/>")
"""Pandoc's fixed table layout: Word keeps the column widths Pandoc computed for a portrait page and splits words
and numbers ("Nă/m", "203/0") in narrow columns; without it Word fits the columns to their content (autofit)."""
TOUCHING_TABLES = re.compile(r"(</w:tbl>(?:\s*<w:bookmark(?:Start|End)\b[^>]*/>)*\s*)(?=<w:tbl>)")
"""The end of a Word table followed by another table (bookmarks between them aside): Word joins two tables that
touch into one."""
TABLES_APART = '<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr><w:r><w:t xml:space="preserve"> </w:t></w:r></w:p>'
"""The paragraph that parts two tables: the one Quarto puts between two tables it sees."""


def section(landscape: bool) -> str:
    """Return a Word section's properties: an A4 page, turned when ``landscape``, with the report margins."""
    width, height = (A4[1], A4[0]) if landscape else A4
    turned = ' w:orient="landscape"' if landscape else ""
    side, top = MARGINS
    return (f'<w:sectPr><w:pgSz w:w="{width}" w:h="{height}"{turned}/><w:pgMar w:top="{top}" w:right="{side}" '
            f'w:bottom="{top}" w:left="{side}" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>')


def a4_docx(data: bytes) -> bytes:
    """Return a DOCX whose every section is an A4 page with the report margins, landscape where it was.

    Parameters
    ----------
    data
        A DOCX rendered by Quarto (sections from ``.landscape`` divs and the document's last section).

    Returns
    -------
    bytes
        The same document with each ``w:sectPr`` of ``word/document.xml`` replaced by :func:`section`
        (landscape when the original has ``w:orient="landscape"``), its tables laid out to fit their content
        (:data:`FIXED_LAYOUT` removed) and every two tables that touch parted by a paragraph
        (:data:`TOUCHING_TABLES`, :data:`TABLES_APART`).

    Raises
    ------
    ValueError
        If the document has no section properties (not a Word document written by Pandoc).
    """
    def pages(document: str) -> str:
        text, count = SECTION.subn(lambda m: section('w:orient="landscape"' in m.group(0)), document)
        if count == 0:
            raise ValueError("the DOCX has no section properties to set its pages in")
        return TOUCHING_TABLES.sub(lambda m: m.group(1) + TABLES_APART, FIXED_LAYOUT.sub("", text))

    return _rewritten(data, "word/document.xml", pages)


def _rewritten(data: bytes, member: str, change) -> bytes:
    """Return a DOCX (a zip archive) whose part ``member`` (XML text) is ``change(member's text)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == member:
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


CAPTION = re.compile(r"^: (.*?) \{#tbl-[\w-]+\}[ \t]*$", re.M)
"""A table's numbered caption as Quarto reads it (``: Caption {#tbl-key}``, the line after a pipe table)."""


def plain_captions(markdown: str) -> str:
    """Return a cell's Markdown output with each table caption (:data:`CAPTION`) as a bold line (for the HTML
    preview, whose Markdown converter numbers no tables and would print the ``{#tbl-...}`` label)."""
    return CAPTION.sub(r"**\1**", markdown)


def without_fences(markdown: str) -> str:
    """Return a Markdown cell without its ``::: {.landscape}``, ``::: {.content-visible ...}`` and ``:::`` lines
    (for the HTML preview, whose Markdown converter would show them as text)."""
    return FENCE.sub("", markdown)


STYLE_SIZES = {"Table": 16, "Title": 40, "Subtitle": 26}
"""Font sizes in half-points that :func:`reference_docx` sets: table text 8 pt (as the PDF's), title 20 pt,
subtitle 13 pt (Pandoc's default title is 28 pt, which pushes the brief's first page over)."""
BODY_SIZE = 22
"""Body text size in half-points (11 pt; Pandoc's default is 12 pt)."""


def _sized(styles: str, style: str, size: int) -> str:
    """Give ``style`` of a ``styles.xml`` the font size ``size`` (half-points), replacing one it has."""
    match = re.search(rf'<w:style [^>]*w:styleId="{style}".*?</w:style>', styles, re.S)
    if match is None:
        raise ValueError(f"the default reference.docx has no style {style!r}")
    body = re.sub(r"<w:sz(?:Cs)? [^>]*/>\s*", "", match.group(0))
    runs = f'<w:sz w:val="{size}" /><w:szCs w:val="{size}" />'
    if "<w:rPr>" in body:
        body = body.replace("<w:rPr>", "<w:rPr>" + runs, 1)
    else:
        body = body.replace("</w:style>", f"<w:rPr>{runs}</w:rPr></w:style>")
    return styles[:match.start()] + body + styles[match.end():]


def reference_docx(default: bytes) -> bytes:
    """Return Pandoc's default reference document with the reports' type sizes (:data:`STYLE_SIZES`,
    :data:`BODY_SIZE`); Pandoc takes a DOCX's styles from it.

    Parameters
    ----------
    default
        Pandoc's ``reference.docx`` (``quarto pandoc --print-default-data-file reference.docx``).

    Raises
    ------
    ValueError
        If a style to size is missing from the document.
    """
    def sized(styles: str) -> str:
        for style, size in STYLE_SIZES.items():
            styles = _sized(styles, style, size)
        return re.sub(r'(<w:rPrDefault>.*?)<w:sz w:val="\d+" />\s*<w:szCs w:val="\d+" />',
                      rf'\1<w:sz w:val="{BODY_SIZE}" /><w:szCs w:val="{BODY_SIZE}" />', styles, count=1, flags=re.S)

    return _rewritten(default, "word/styles.xml", sized)
