"""The statistics office's wide Excel tables (years across, industries down) as a release.

The reading is :func:`grdp.intake.statistics_office.read_statistics_office_table` (the adapter the toolkit already
has); this module only wraps its rows into a :class:`~grdp.intake.release.Release` for a dataset and turns
its located problems into the intake's refusal.
"""

from __future__ import annotations

from pathlib import Path

from grdp.intake import statistics_office
from grdp.intake.release import IntakeError, Release, ReleaseRow
from grdp.sources import SourceValidationError

KIND = "statistics-office table"


def read_office_table(path: str | Path, *, dataset: str, **table: str | int) -> Release:
    """Read one wide table into a release for ``dataset``.

    Parameters
    ----------
    path
        The ``.xlsx`` workbook.
    dataset
        The folder under ``sources/`` the rows go to.
    **table
        The arguments of :func:`grdp.intake.statistics_office.read_statistics_office_table` (region, boundary,
        variable, price_basis, unit, publisher, publication_date, url, rating, sheet).

    Raises
    ------
    IntakeError
        With the adapter's problems (file, Excel row, column) when the table cannot be read.
    """
    path = Path(path)
    try:
        frame = statistics_office.read_statistics_office_table(path, **table)  # type: ignore[arg-type]
    except SourceValidationError as exc:
        raise IntakeError(exc.problems) from None
    sheet = table.get("sheet", 0)
    rows = [ReleaseRow(dict(record), default_place=(None, f"sheet {sheet!r}, {record['period']} column"))
            for record in frame.to_dict("records")]
    return Release(dataset=dataset, file=path, kind=KIND, rows=rows)
