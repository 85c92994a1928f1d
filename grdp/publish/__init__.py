"""Publish a vintage: its reports rendered into ``forecasts/<vintage>/reports`` and its Excel workbook.

- :mod:`~grdp.publish.render`: render the report notebooks with Quarto (HTML, DOCX, PDF), or the papermill and
  nbconvert preview, atomically and never overwriting;
- :mod:`~grdp.publish.workbook`: the XLSX workbook of a vintage (sheets and columns in ``grdp/data/workbook.yaml``);
  :mod:`~grdp.publish.cell_values` types its cells (codes in words, dates, percentages) and
  :mod:`~grdp.publish.sheet_layout` freezes, filters, sizes and sets up its sheets to print.
"""

__all__ = ["render", "workbook"]
