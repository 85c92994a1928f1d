"""Revisions between vintages: what each vintage released and how the released values changed.

Every vintage ``forecasts/<label>/`` releases four quantities, read back from its tables:

``grdp``
    GRDP (the ``TOTAL`` industry of ``accounts_<region>_<boundary>.csv``, old and merged boundary), bn VND.
``share``
    Each method's digital-economy share by year (``forecast_history.csv``), percent.
``forecast``
    The median projected share in each target year and scenario (``targets_headline.csv``), percent.
``probability``
    The probability of reaching the target in that year and scenario (``targets_headline.csv``).

A value is identified by ``quantity, boundary, method, scenario, year`` (for forecasts the year is the
target year; for GRDP the method and scenario are empty). Revisions are measured by release order, as
in the OECD/Eurostat guidelines on revision analysis and the Bank of England's forecast evaluation:
the k-th release of a value is the k-th vintage, in chronological order, that published it.
A vintage made before a table existed contributes nothing for that quantity.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from grdp.base import paths
from grdp.run import catalogue, vintage

QUANTITIES = {"grdp": "bn_VND", "share": "percent", "forecast": "percent", "probability": "probability"}
"""Each released quantity and the unit of its values."""

REVISION_UNITS = {"bn_VND": "bn_VND", "percent": "pp", "probability": "probability points"}
"""The unit of a revision (a difference of two values) by the unit of the values."""

BOUNDARIES = ("old", "merged")
"""Boundaries whose accounts give a GRDP release."""

ACCOUNTS = catalogue.entry("accounts_{region}_{boundary}")
"""The table of the ``grdp`` releases: the sector accounts (:mod:`grdp.run.catalogue`)."""
HISTORY = catalogue.entry("forecast_history")
"""The table of the ``share`` releases."""
HEADLINE = catalogue.entry("targets_headline")
"""The table of the ``forecast`` and ``probability`` releases."""

REVISIONS = catalogue.entry("revisions")
"""The revision table, as the catalogue has it (written with a vintage's reports)."""

KEY = list(REVISIONS.key)
"""Columns that identify one released value across vintages."""

RELEASE_COLUMNS = ["vintage", "as_of", *KEY, "unit", "value"]
"""Columns of :func:`release_values`."""

TABLE_COLUMNS = list(REVISIONS.column_names)
"""Columns of :func:`revision_table`."""

SUMMARY_COLUMNS = ["quantity", "boundary", "method", "values", "compared", "revised", "mean_revision",
                   "mean_absolute_revision", "revision_unit"]
"""Columns of :func:`revision_summary`."""


class RevisionError(ValueError):
    """Raised when a vintage's manifest or table cannot be read as a release (missing column, bad value)."""


def _manifest_parameters(label: str) -> dict:
    """Return the ``parameters`` of a vintage's manifest; :class:`VintageError` if there is no such vintage."""
    path = paths.vintage_dir(label) / vintage.MANIFEST
    try:
        parameters = vintage.read_manifest(label)["parameters"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise RevisionError(f"{path}: not a vintage manifest with a 'parameters' object ({exc})") from None
    missing = [key for key in ("as_of", "region") if key not in parameters]
    if missing:
        raise RevisionError(f"{path}: 'parameters' lacks {', '.join(repr(k) for k in missing)}")
    return parameters


def _accounts(label: str, region: str, boundary: str) -> str:
    """The name of a vintage's accounts table of a boundary; :class:`RevisionError` if its region is not a code."""
    try:
        return ACCOUNTS.name_for(region=region, boundary=boundary)
    except catalogue.CatalogueError as exc:
        raise RevisionError(f"{paths.vintage_dir(label) / vintage.MANIFEST}: {exc}") from None


def _read(path: Path, columns: list[str], quantity: str) -> pd.DataFrame:
    """Read a vintage table as text; name the file and the column when a column the quantity needs is missing."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise RevisionError(f"{path}: column {', '.join(repr(c) for c in missing)} missing (needed for the "
                            f"{quantity!r} release); columns present: {', '.join(frame.columns)}")
    return frame[columns]


def _numbers(text: pd.Series, path: Path, integer: bool) -> pd.Series:
    """Parse a text column; blanks are NaN (years may not be blank); name the file, line and column of a bad cell."""
    stripped = text.str.strip()
    numbers = pd.to_numeric(stripped, errors="coerce")
    bad = (numbers.isna() | (numbers % 1 != 0)) if integer else (numbers.isna() & (stripped != ""))
    if bad.any():
        line = int(text.index[bad.to_numpy()][0]) + 2  # the header is line 1
        raise RevisionError(f"{path}, line {line}, column {text.name!r}: {text[bad].iloc[0]!r} is not "
                            f"{'a year' if integer else 'a number'}")
    return numbers.astype("int64" if integer else "float64")


def _release(frame: pd.DataFrame, path: Path, quantity: str, year: str, value: str,
             boundary: str | None = None) -> pd.DataFrame:
    """Shape one table's values into release rows; refuse two rows for one value; drop blank values."""
    out = pd.DataFrame({
        "quantity": quantity,
        "boundary": frame["boundary"] if boundary is None else boundary,
        "method": frame["method"] if "method" in frame else "",
        "scenario": frame["scenario"] if "scenario" in frame else "",
        "year": _numbers(frame[year], path, integer=True),
        "unit": QUANTITIES[quantity],
        "value": _numbers(frame[value], path, integer=False),
    }, index=frame.index)
    duplicated = out.duplicated(KEY, keep=False)
    if duplicated.any():
        first = out[duplicated].iloc[0]
        raise RevisionError(f"{path}: lines {', '.join(str(i + 2) for i in out.index[duplicated])} give the "
                            f"same {quantity!r} value (boundary {first['boundary']!r}, method {first['method']!r}, "
                            f"scenario {first['scenario']!r}, year {first['year']}); expected one row")
    return out[out["value"].notna()]


def release_values(label: str) -> pd.DataFrame:
    """Return the values one vintage released, one row per value.

    GRDP is the ``TOTAL`` row of ``accounts_<region>_<boundary>.csv`` (region from the manifest) for the
    old and the merged boundary; shares come from ``forecast_history.csv``; forecasts (the median) and
    probabilities from ``targets_headline.csv``. A table the vintage does not have contributes no rows;
    blank values are not releases and are left out.

    Parameters
    ----------
    label
        Vintage label, e.g. ``2025Q4``.

    Returns
    -------
    pandas.DataFrame
        Columns ``vintage, as_of, quantity, boundary, method, scenario, year, unit, value``; ``method`` and
        ``scenario`` are empty strings where they do not apply; sorted by quantity, boundary, method,
        scenario and year.

    Raises
    ------
    grdp.run.vintage.VintageError
        If the label is malformed or no such vintage is published.
    RevisionError
        If the manifest lacks its parameters, or a table lacks a needed column (the message names the file
        and the column), has a value that is not a number (file, line and column), or two rows for one value.
    """
    parameters = _manifest_parameters(label)
    tables = paths.vintage_dir(label) / vintage.TABLES
    frames = []
    for boundary in BOUNDARIES:
        path = tables / f"{_accounts(label, parameters['region'], boundary)}.csv"
        if path.exists():
            accounts = _read(path, ["year", "industry", "value"], "grdp")
            total = accounts[accounts["industry"].str.strip() == "TOTAL"]
            frames.append(_release(total, path, "grdp", "year", "value", boundary=boundary))
    path = tables / f"{HISTORY.name}.csv"
    if path.exists():
        history = _read(path, ["boundary", "method", "year", "share"], "share")
        frames.append(_release(history, path, "share", "year", "share"))
    path = tables / f"{HEADLINE.name}.csv"
    if path.exists():
        for quantity, value in (("forecast", "median"), ("probability", "probability")):
            headline = _read(path, ["boundary", "method", "scenario", "target_year", value], quantity)
            frames.append(_release(headline, path, quantity, "target_year", value))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "year" else "float64" if c == "value" else "str")
                             for c in RELEASE_COLUMNS})
    releases = pd.concat(frames, ignore_index=True)
    releases.insert(0, "as_of", str(parameters["as_of"]))
    releases.insert(0, "vintage", label)
    return releases.sort_values(KEY, kind="stable", ignore_index=True)[RELEASE_COLUMNS]


def compared_vintages(upto: str | None = None, vintages: Sequence[str] | None = None) -> list[str]:
    """Return the vintages a revision analysis compares, oldest first.

    Parameters
    ----------
    upto
        Last vintage to include (default: the latest); must be one of the vintages.
    vintages
        Vintage labels to choose from (default: :func:`grdp.run.vintage.list_vintages`).

    Returns
    -------
    list of str
        The labels up to and including ``upto``, sorted (quarter labels sort chronologically as text).

    Raises
    ------
    grdp.run.vintage.VintageError
        If a label is malformed, ``upto`` is not among the vintages, or there are no vintages.
    """
    labels = sorted(set(vintage.list_vintages() if vintages is None else vintages))
    for label in labels:
        vintage.check_name(label)
    if not labels:
        raise vintage.VintageError(f"no published vintages in {paths.forecasts_dir()}")
    if upto is None:
        return labels
    vintage.check_name(upto)
    if upto not in labels:
        raise vintage.VintageError(f"unknown vintage {upto}; vintages: {', '.join(labels)}")
    return [label for label in labels if label <= upto]


def revision_table(upto: str | None = None, vintages: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the release history of every value across vintages, with its revisions.

    Method: revisions by release order, as in the OECD/Eurostat guidelines on revision analysis and the
    Bank of England's forecast evaluation (k = release order). For each value (quantity, boundary, method,
    scenario, year), the releases are the compared vintages that published it, in chronological order;
    the first release is k = 1, the latest the last one up to ``upto``. ``revision`` is latest minus first,
    ``revision_since_previous`` latest minus the release before it (k = n - 1; NaN with one release) and,
    for GRDP only, ``revision_pct`` = 100 (latest / first - 1). A value that ``upto`` no longer publishes
    keeps its last released value and is recognisable by ``latest_vintage != upto``.

    Parameters
    ----------
    upto
        Last vintage compared (default: the latest).
    vintages
        Vintage labels to compare (default: every published vintage); restricted to labels ``<= upto``.

    Returns
    -------
    pandas.DataFrame
        Columns ``quantity, boundary, method, scenario, year, releases, first_vintage, first_value,
        previous_vintage, previous_value, latest_vintage, latest_value, revision, revision_since_previous,
        revision_pct, revision_unit`` (``pp`` for shares and forecasts, ``probability points``,
        ``bn_VND`` for GRDP); ``previous_vintage`` is an empty string with one release. Sorted by the key.

    Raises
    ------
    grdp.run.vintage.VintageError
        See :func:`compared_vintages` and :func:`release_values`.
    RevisionError
        See :func:`release_values`.
    """
    labels = compared_vintages(upto, vintages)
    releases = pd.concat([release_values(label) for label in labels], ignore_index=True)
    releases = releases.sort_values([*KEY, "vintage"], kind="stable", ignore_index=True)
    grouped = releases.groupby(KEY, sort=False)
    releases["k"] = grouped.cumcount() + 1
    releases["releases"] = grouped["value"].transform("size")

    def at(mask: pd.Series, name: str) -> pd.DataFrame:
        return releases.loc[mask, [*KEY, "vintage", "value"]].rename(
            columns={"vintage": f"{name}_vintage", "value": f"{name}_value"})

    table = (releases.loc[releases["k"] == 1, [*KEY, "unit", "releases"]]
             .merge(at(releases["k"] == 1, "first"), on=KEY)
             .merge(at(releases["k"] == releases["releases"] - 1, "previous"), on=KEY, how="left")
             .merge(at(releases["k"] == releases["releases"], "latest"), on=KEY))
    table["previous_vintage"] = table["previous_vintage"].fillna("")
    table["revision"] = table["latest_value"] - table["first_value"]
    table["revision_since_previous"] = table["latest_value"] - table["previous_value"]
    grdp = table["quantity"] == "grdp"
    table["revision_pct"] = np.where(grdp, 100 * (table["latest_value"] / table["first_value"] - 1), np.nan)
    table["revision_unit"] = table["unit"].map(REVISION_UNITS)
    table["releases"] = table["releases"].astype("int64")
    return table.sort_values(KEY, kind="stable", ignore_index=True)[TABLE_COLUMNS]


def revision_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Summarise a revision table by quantity, boundary and method.

    Method: the OECD/Eurostat standard measures of revisions, mean revision (bias) and mean absolute
    revision (size), of latest minus first release, over the values released by at least two vintages
    ("compared"); a value is "revised" when that difference is not zero.

    Parameters
    ----------
    table
        Output of :func:`revision_table` (or a subset of its rows).

    Returns
    -------
    pandas.DataFrame
        Columns ``quantity, boundary, method, values`` (rows), ``compared``, ``revised``, ``mean_revision``,
        ``mean_absolute_revision`` (NaN when nothing is compared; in ``revision_unit``), ``revision_unit``.
    """
    rows = []
    for (quantity, boundary, method), group in table.groupby(["quantity", "boundary", "method"], sort=True):
        compared = group.loc[group["releases"] >= 2, "revision"]
        rows.append({"quantity": quantity, "boundary": boundary, "method": method, "values": len(group),
                     "compared": len(compared), "revised": int((compared != 0).sum()),
                     "mean_revision": compared.mean() if len(compared) else np.nan,
                     "mean_absolute_revision": compared.abs().mean() if len(compared) else np.nan,
                     "revision_unit": group["revision_unit"].iloc[0]})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def changes_since_previous(upto: str) -> pd.DataFrame:
    """Return what vintage ``upto`` changed relative to the vintage before it.

    Method: :func:`revision_table` over exactly two vintages, the published one before ``upto`` and
    ``upto``; values new in ``upto`` have one release, values it dropped have ``latest_vintage`` before it.

    Parameters
    ----------
    upto
        A published vintage label.

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`revision_table`; no rows when ``upto`` is the first vintage.

    Raises
    ------
    grdp.run.vintage.VintageError
        If ``upto`` is malformed or not published.
    """
    labels = compared_vintages(upto)
    if len(labels) == 1:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    return revision_table(upto, vintages=labels[-2:])
