"""Load valid sources into the observations table, and a run's input snapshot.

A run of the pipeline reads the observations once, from an *input snapshot*
(:func:`snapshot_table`, :func:`load_snapshot`): every row released by the vintage's as-of date, as
text, exactly as the source files held it when the run started. Only a fully valid set of sources
(:func:`grdp.sources.contract.validate`) is turned into the observations table, which is then checked again
against :data:`grdp.base.schemas.OBSERVATIONS`.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd

from grdp.base import paths, schemas
from grdp.sources.contract import (
    MAX_SNAPSHOT_BYTES,
    SNAPSHOT_COLUMNS,
    Problem,
    SourceValidationError,
    checked_rows,
    dataset_folders,
    read_limited_text,
    release_date,
)


def _records(root: Path | None) -> list[dict[str, str]]:
    """Every source row as text with its ``source_id``, in folder and line order; refuses invalid sources."""
    root = Path(root) if root is not None else paths.sources_dir()
    folders, problems = dataset_folders(root)
    if problems:
        raise SourceValidationError(problems)
    rows, problems = checked_rows(folders)
    if problems:
        raise SourceValidationError(problems)
    return [{**row, "source_id": folder.name} for folder, good in rows.items() for _, row in good]


def load_observations(root: Path | None = None) -> pd.DataFrame:
    """Load every dataset into one long observations table.

    Parameters
    ----------
    root
        Folder of dataset folders; defaults to the repository's ``sources/``.

    Returns
    -------
    pandas.DataFrame
        One row per published value with the columns of :data:`grdp.base.schemas.OBSERVATIONS`:
        the source columns plus ``source_id`` (the folder name) and ``release_date`` (the date
        from which the value could be known).

    Raises
    ------
    SourceValidationError
        If any file has any problem; the error lists all of them.
    """
    return _frame(_records(root))


def snapshot_table(as_of: str | date, root: Path | None = None) -> pd.DataFrame:
    """Return a run's input snapshot: every source row released on or before ``as_of``, as text.

    The rows keep the text of the source files (so the values read back are exactly those published) and
    their ``source_id``, in folder and line order, so the same sources give the same table. Superseded
    releases are kept: the as-of selection (:func:`as_of`) is made from the snapshot by whoever reads it.

    Raises
    ------
    SourceValidationError
        If any source file has any problem (nothing is selected from invalid sources).
    """
    cutoff = date.fromisoformat(str(as_of))
    records = [r for r in _records(root) if release_date(r["publication_date"]) <= cutoff]
    return pd.DataFrame(records, columns=list(SNAPSHOT_COLUMNS), dtype=object)


def load_snapshot(path: str | Path) -> pd.DataFrame:
    """Return the observations of a run: its input snapshot, or ``sources/`` itself when ``path`` is empty.

    Every pipeline notebook reads its observations through this function, with its ``inputs`` parameter:
    ``grdp run`` passes the snapshot it wrote into the vintage (``inputs/observations.csv``), so that every
    notebook of a run uses the same inputs; an analyst in JupyterLab leaves it empty and reads ``sources/``.

    Parameters
    ----------
    path
        An input snapshot (:func:`snapshot_table` written by :func:`grdp.run.vintage.write_csv`), or ``""``.

    Returns
    -------
    pandas.DataFrame
        The table of :func:`load_observations`.

    Raises
    ------
    SourceValidationError
        If the snapshot cannot be read or is not one (its columns are named).
    """
    if not str(path):
        return load_observations()
    path = Path(path)
    problems: list[Problem] = []
    text = read_limited_text(path, problems, MAX_SNAPSHOT_BYTES)
    if text is None:
        raise SourceValidationError(problems)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames != list(SNAPSHOT_COLUMNS):
        raise SourceValidationError([Problem(path, f"not an input snapshot: columns {reader.fieldnames}; expected "
                                                   f"{list(SNAPSHOT_COLUMNS)}", line=1)])
    return _frame(list(reader))


def _frame(records: list[dict[str, str]]) -> pd.DataFrame:
    """The observations table of text records (:data:`SNAPSHOT_COLUMNS`)."""
    obs = pd.DataFrame(records, columns=list(SNAPSHOT_COLUMNS))
    obs["value"] = obs["value"].astype(float)
    obs["date_approx"] = obs["date_approx"] == "true"
    obs["release_date"] = pd.to_datetime([release_date(d) for d in obs["publication_date"]])
    return schemas.OBSERVATIONS.validate(obs[list(schemas.OBSERVATIONS.columns)])
