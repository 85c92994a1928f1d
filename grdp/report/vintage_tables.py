"""Read-only access to one published vintage: its manifest, tables (those of :mod:`grdp.run.catalogue`) and figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from grdp.base import paths
from grdp.run import catalogue
from grdp.run.vintage import FIGURES, TABLES, read_manifest


class VintageTables:
    """The tables of ``forecasts/<vintage>/`` as the reports see them.

    Parameters
    ----------
    vintage
        Quarter label such as ``"2025Q4"``; the vintage must have been published.

    Attributes
    ----------
    vintage, folder, manifest
        The label, ``forecasts/<vintage>`` and the vintage's ``manifest.json``.

    Raises
    ------
    grdp.run.vintage.VintageError
        If the label is malformed or the vintage does not exist (the message lists those that do).
    """

    def __init__(self, vintage: str) -> None:
        self.manifest = read_manifest(vintage)
        self.vintage = vintage
        self.folder = paths.vintage_dir(vintage)
        self._tables: dict[str, pd.DataFrame] = {}

    @property
    def parameters(self) -> dict:
        """Parameters the pipeline ran with (vintage, as_of, region, boundary)."""
        return self.manifest["parameters"]

    @property
    def as_of(self) -> str:
        """Release-date cut-off of the vintage (ISO date)."""
        return self.parameters["as_of"]

    def table(self, name: str) -> pd.DataFrame:
        """Return ``tables/<name>.csv`` (read once, then a copy from the cache).

        Raises
        ------
        grdp.run.catalogue.CatalogueError
            If no vintage has such a table (a misspelt name in report code): the message names it and suggests
            the closest names of the catalogue.
        FileNotFoundError
            If this vintage lacks the table, naming the file and the vintage.
        """
        if name not in self._tables:
            catalogue.entry(name)
            path = self.folder / TABLES / f"{name}.csv"
            if not path.exists():
                raise FileNotFoundError(f"vintage {self.vintage} has no table {name!r} ({path}); it may predate the "
                                        "notebook that writes it; publish a new vintage with `grdp run`")
            self._tables[name] = pd.read_csv(path, keep_default_na=True)
        return self._tables[name].copy()

    def figure(self, name: str) -> Path:
        """Return the path of ``figures/<name>`` (raising ``FileNotFoundError`` naming it if absent)."""
        path = self.folder / FIGURES / name
        if not path.exists():
            raise FileNotFoundError(f"vintage {self.vintage} has no figure {name!r} ({path})")
        return path

    def figures(self, pattern: str = "*.png") -> list[Path]:
        """Return the vintage's figures whose names match ``pattern``, sorted by name."""
        return sorted((self.folder / FIGURES).glob(pattern))
