"""A release on its way into ``sources/``: its rows, where each value was read, and the intake's error.

Every reader (:mod:`~grdp.intake.template`, :mod:`~grdp.intake.nsdp_sdmx`, :mod:`~grdp.intake.monthly_report`,
:mod:`~grdp.intake.office_table`) turns a file into a :class:`Release`: rows with exactly the columns of
``sources/<dataset>/data.csv`` (:data:`grdp.base.schemas.SOURCE_COLUMNS`, all text) plus, for each row, the place
in the file every value came from, so that a problem found later (by the source contract, or against the rows
already in ``sources/``) is reported at the line and column the economist typed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grdp.base import schemas
from grdp.sources import Problem

Place = tuple[int | None, str | None]
"""(line, column) of a value in the file it was read from; ``None`` where the format has none."""


@dataclass(frozen=True)
class ReleaseRow:
    """One figure of a release: the source columns and where each of them was read."""

    values: dict[str, str]
    places: dict[str, Place] = field(default_factory=dict)
    default_place: Place = (None, None)

    def place(self, column: str) -> Place:
        """Where ``column`` was read (the row's own place when the column has none)."""
        return self.places.get(column, self.default_place)


@dataclass
class Release:
    """The figures of one release (one publisher, date and URL) bound for one dataset.

    Attributes
    ----------
    dataset
        The folder under ``sources/`` the rows go to.
    file
        The file the release was read from (for messages).
    kind
        What was read: ``"release template"``, ``"NSDP SDMX file"``, ``"monthly report workbook"``,
        ``"statistics-office table"``.
    rows
        The figures, in file order.
    checks
        Results of the reader's own consistency checks, for the dry-run summary (e.g. sections and
        taxes against the published total).
    new_dataset_title
        Set when the release starts a new dataset (its ``provenance.yaml`` title).
    """

    dataset: str
    file: Path
    kind: str
    rows: list[ReleaseRow]
    checks: list[str] = field(default_factory=list)
    new_dataset_title: str | None = None

    def releases(self) -> list[tuple[str, str, str]]:
        """The distinct (publisher, publication_date, url) of the rows, in order of appearance."""
        seen: dict[tuple[str, str, str], None] = {}
        for row in self.rows:
            seen.setdefault((row.values["publisher"], row.values["publication_date"], row.values["url"]))
        return list(seen)


def blank_row() -> dict[str, str]:
    """A row with every source column present and empty."""
    return dict.fromkeys(schemas.SOURCE_COLUMNS, "")


class IntakeError(ValueError):
    """A release the intake refuses, with every problem located in its file (nothing is written).

    ``kind`` says why: ``"invalid"`` (a malformed file or a row that breaks the source contract),
    ``"conflict"`` (one figure with two values in one release), ``"duplicate"`` (rows already in
    ``sources/``), ``"future"`` (a release dated after today), ``"nothing new"`` (every figure is
    already there with the same value). ``nothing_new`` is true when every figure of the release is already
    in ``sources/``: the release was taken in before (the command exits with its own code, 3).
    """

    def __init__(self, problems: list[Problem], kind: str = "invalid", nothing_new: bool = False):
        self.problems = problems
        self.kind = kind
        self.nothing_new = nothing_new
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"release refused ({kind}): {len(problems)} problem(s):\n{lines}")
