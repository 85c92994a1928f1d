"""Immutable vintages: ``forecasts/<vintage>/`` with tables, figures, executed notebooks and a manifest.

A vintage is written into a temporary sibling folder (``forecasts/.staging-<vintage>-<pid>``) and renamed into
place only when complete, so a reader never sees a half-written vintage; an existing vintage is never
overwritten. Tables are written in one deterministic CSV format so that the same inputs give byte-identical
files.

**Sealed.** The manifest lists the SHA-256 of every file of the vintage and carries a *seal*, the SHA-256 of the
rest of the manifest, so that a manifest edited by hand (a hash updated to hide an edited file) is detected; the
seal guards against accidents and careless edits, it is not a signature. :func:`verify` reports every file
added, removed or changed and a missing, corrupt or unsealed manifest. Nothing grdp writes lands inside a
published vintage: tables only go to a staging folder (:func:`write_table`), a file the user names goes
anywhere but ``forecasts/`` and ``sources/`` (:func:`check_output_path`). Every table written is one of the
catalogue's, with its columns and a unique key (:mod:`grdp.run.catalogue`).

**One writer at a time.** A run (and the publication of reports) holds an exclusive lock on its vintage,
``forecasts/.locks/<vintage>.lock`` (:func:`lock`, ``fcntl.flock``, released by the kernel when the process
dies); a second run of the same vintage is refused at once. A staging folder whose vintage is not locked
belongs to a dead run: :func:`stale_staging` lists them and :func:`clean_staging` removes them (``grdp
vintages --clean``, and every ``grdp run`` at its start).

**Inputs.** ``inputs/observations.csv`` is the run's input snapshot (:func:`grdp.sources.snapshot_table`). The
manifest records its SHA-256, the latest release date it holds (``latest_release_used``) and how it differs from
the previous vintage's: ``no_new_release_since`` names the previous vintage when nothing was released since,
``new_releases`` lists what was (source, publisher, publication date, rows).
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from grdp.base import paths
from grdp.run import catalogue

VINTAGE_PATTERN = re.compile(r"(?P<year>[0-9]{4})Q(?P<quarter>[1-4])")
"""A vintage label, matched in full (``fullmatch``): ``2025Q4``."""
MANIFEST = "manifest.json"
TABLES = "tables"
FIGURES = "figures"
REPORTS = "reports"
INPUTS = "inputs"
SNAPSHOT = f"{INPUTS}/observations.csv"
"""The run's input snapshot inside a vintage."""
SEAL = "seal"
STAGING_PREFIX = ".staging-"
REPORTS_STAGING_PREFIX = f".{REPORTS}-staging-"
_STAGING = re.compile(r"\.staging-(?P<vintage>[0-9]{4}Q[1-4])-(?P<pid>[0-9]+)")
PACKAGES = ("grdp", "pandas", "numpy", "scipy", "statsmodels", "pandera", "papermill", "matplotlib", "nbformat")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with one of these is run as a formula by spreadsheets (OWASP, CSV injection)."""


class VintageError(RuntimeError):
    """Raised when a vintage cannot be written or read (bad name, already published, damaged, locked)."""


def _label(vintage: object) -> str:
    text = repr(vintage)
    return text if len(text) <= 40 else f"{text[:30]}... ({len(str(vintage)):,} characters)"


def check_name(vintage: str) -> None:
    """Raise :class:`VintageError` unless ``vintage`` is exactly a quarter label such as ``2025Q4``."""
    if not isinstance(vintage, str) or not VINTAGE_PATTERN.fullmatch(vintage):
        raise VintageError(f"vintage {_label(vintage)} is not a quarter label such as 2025Q4")


def default_as_of(vintage: str) -> date:
    """The as-of date a vintage uses unless told otherwise: the last day of its quarter.

    Under the release calendar of Decree 13/2026/ND-CP a province's GRDP estimate for a quarter is published on
    the 29th of the quarter's last month, so it is inside the quarter's vintage; the national GDP estimate follows
    on the 3rd of the next month and enters the next vintage (docs/methods.md, "Sources and vintages").
    """
    check_name(vintage)
    return pd.Period(vintage, freq="Q").end_time.date()


def vintage_folders() -> list[str]:
    """Return every folder of ``forecasts/`` named as a vintage, with or without a manifest, oldest first."""
    root = paths.forecasts_dir()
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and VINTAGE_PATTERN.fullmatch(p.name))


def list_vintages() -> list[str]:
    """Return the published vintages (folders with a manifest), oldest first."""
    return [name for name in vintage_folders() if (paths.vintage_dir(name) / MANIFEST).exists()]


def load_manifest(path: Path) -> dict:
    """Read a manifest file (a vintage's or its reports'); :class:`VintageError` naming the file if it cannot be
    read or is not a JSON object."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VintageError(f"{path} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise VintageError(f"{path} cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    if not text.strip():
        raise VintageError(f"{path} is empty; expected the vintage's manifest (JSON)")
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise VintageError(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(manifest, dict):
        raise VintageError(f"{path} is not a manifest (a JSON object); found {type(manifest).__name__}")
    return manifest


def read_manifest(vintage: str) -> dict:
    """Return the ``manifest.json`` of a published vintage.

    Raises
    ------
    VintageError
        If the label is malformed, the vintage has not been published (the message lists those that have), or
        its manifest is empty, not JSON or cannot be read.
    """
    check_name(vintage)
    path = paths.vintage_dir(vintage) / MANIFEST
    if not path.exists():
        known = ", ".join(list_vintages()) or "none"
        raise VintageError(f"vintage {vintage} has not been published ({path} not found); published vintages: "
                           f"{known}. Run `grdp run --vintage {vintage}` first")
    return load_manifest(path)


def seal(manifest: dict) -> str:
    """Return the seal of a manifest: the SHA-256 of its canonical JSON without the seal itself."""
    body = {key: value for key, value in manifest.items() if key != SEAL}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_manifest(folder: Path, manifest: dict) -> Path:
    """Write ``<folder>/manifest.json`` with its seal (indented UTF-8 JSON, one trailing newline); return its path."""
    path = folder / MANIFEST
    sealed = {**{key: value for key, value in manifest.items() if key != SEAL}, SEAL: seal(manifest)}
    path.write_text(json.dumps(sealed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def ensure_new(vintage: str) -> Path:
    """Return the target folder of a new vintage; refuse if it already exists."""
    check_name(vintage)
    target = paths.vintage_dir(vintage)
    if target.exists():
        raise VintageError(f"vintage {vintage} already exists at {target}; published vintages are never "
                           "overwritten (choose a new vintage label)")
    return target


def staging_dir(vintage: str) -> Path:
    """Create and return an empty temporary folder next to the vintages for a run in progress."""
    check_name(vintage)
    root = paths.forecasts_dir()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f"{STAGING_PREFIX}{vintage}-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    (staging / TABLES).mkdir(parents=True)
    (staging / FIGURES).mkdir()
    (staging / INPUTS).mkdir()
    return staging


@contextmanager
def lock(vintage: str) -> Iterator[Path]:
    """Hold the exclusive lock of a vintage while writing it (its run, or the publication of its reports).

    Raises
    ------
    VintageError
        At once, without waiting, if another process holds the lock (the message says which).
    """
    check_name(vintage)
    folder = paths.locks_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{vintage}.lock"
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another grdp process"
        handle.close()
        raise VintageError(f"vintage {vintage} is being written by {holder} (lock {path}); two runs of one "
                           "vintage never race: wait for that one to finish") from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"grdp process {os.getpid()} since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n")
        handle.flush()
        yield path
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _locked(vintage: str) -> bool:
    """Whether a process holds the lock of ``vintage`` now."""
    path = paths.locks_dir() / f"{vintage}.lock"
    if not path.exists():
        return False
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _staging_vintage(folder: Path) -> str | None:
    """The vintage a staging folder belongs to (``None`` if its name is not one grdp writes)."""
    if folder.name.startswith(REPORTS_STAGING_PREFIX):
        return folder.parent.name if VINTAGE_PATTERN.fullmatch(folder.parent.name) else None
    match = _STAGING.fullmatch(folder.name)
    return match["vintage"] if match else None


def stale_staging(holding: str | None = None) -> list[Path]:
    """Return the staging folders of dead runs: ``forecasts/.staging-*`` and ``forecasts/*/.reports-staging-*``.

    A staging folder is dead when no process holds the lock of its vintage (or its name is not one grdp
    writes, e.g. left by a version that accepted malformed labels). ``holding``: the vintage whose lock the
    caller holds; its staging folders are dead too, except the caller's own.
    """
    root = paths.forecasts_dir()
    if not root.exists():
        return []
    found = [p for p in root.glob(f"{STAGING_PREFIX}*") if p.is_dir()]
    found += [p for p in root.glob(f"*/{REPORTS_STAGING_PREFIX}*") if p.is_dir()]
    out = []
    own = f"{STAGING_PREFIX}{holding}-{os.getpid()}"
    for folder in sorted(found):
        vintage = _staging_vintage(folder)
        if vintage is None:
            dead = True
        elif vintage == holding:
            dead = folder.name != own
        else:
            dead = not _locked(vintage)
        if dead:
            out.append(folder)
    return out


def clean_staging(holding: str | None = None) -> list[Path]:
    """Remove the staging folders of dead runs (:func:`stale_staging`); return those removed.

    ``holding``: the vintage whose lock the caller holds (its dead staging folders are removed too).
    """
    removed = []
    for folder in stale_staging(holding):
        vintage = _staging_vintage(folder)
        try:
            if vintage is None or vintage == holding:
                shutil.rmtree(folder)
            else:
                with lock(vintage):  # a run starting now cannot see its staging folder removed
                    shutil.rmtree(folder)
        except VintageError:
            continue  # a run of that vintage has just started
        removed.append(folder)
    return removed


def check_output_path(path: str | Path) -> Path:
    """Return a file the user named for output, refusing one inside ``forecasts/`` or ``sources/``.

    Published vintages are sealed and sources are inputs: a file named for output (``grdp revisions
    --output``) may go anywhere else.

    Raises
    ------
    VintageError
        If ``path`` lies inside ``forecasts/`` or ``sources/`` (after following links) or is a folder.
    """
    resolved = Path(path).expanduser().resolve()
    for folder, why in ((paths.forecasts_dir(), "published vintages are sealed and only grdp run and grdp publish "
                                                "write there"),
                        (paths.sources_dir(), "source files are inputs")):
        if resolved == folder.resolve() or resolved.is_relative_to(folder.resolve()):
            raise VintageError(f"{path} is inside {folder}: {why}; name a file outside it")
    if resolved.is_dir():
        raise VintageError(f"{path} is a folder; expected a file name")
    return resolved


def _in_staging(folder: Path) -> bool:
    """Whether ``folder`` lies in a run's or a publication's staging folder, when it is inside ``forecasts/``."""
    root = paths.forecasts_dir().resolve()
    resolved = folder.resolve()
    if not resolved.is_relative_to(root):
        return True
    parts = resolved.relative_to(root).parts
    return bool(parts) and (parts[0].startswith(STAGING_PREFIX)
                            or (len(parts) > 1 and parts[1].startswith(REPORTS_STAGING_PREFIX)))


def neutralise_formula(value: object) -> object:
    """Return text a spreadsheet would run as a formula prefixed with a single quote; anything else as it is.

    OWASP's advice against CSV and formula injection: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return is written as text that starts with ``'``. Numbers (a negative number too) are not
    text and are left alone.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(table: pd.DataFrame, path: str | Path, *, spreadsheet: bool = False) -> Path:
    """Write a table to ``path`` in the deterministic vintage format (no index, ``\\n``, 10 significant digits).

    The file is written into a temporary sibling and renamed into place, so a failure (a full disk) leaves no
    half-written file. ``spreadsheet=True`` (a CSV meant to be opened in a spreadsheet) neutralises text that
    would run as a formula (:func:`neutralise_formula`) and quotes every field, as OWASP recommends (a carriage
    return inside a field then cannot start a new row).
    """
    path = Path(path)
    if spreadsheet:
        table = table.copy()
        for column in table.columns:
            if not pd.api.types.is_numeric_dtype(table[column]):
                table[column] = table[column].map(neutralise_formula)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        table.to_csv(temporary, index=False, lineterminator="\n", float_format="%.10g",
                     quoting=csv.QUOTE_ALL if spreadsheet else csv.QUOTE_MINIMAL)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return path


def write_table(table: pd.DataFrame, output_dir: str | Path, name: str) -> Path:
    """Write a table as ``<output_dir>/tables/<name>.csv`` in the deterministic vintage format.

    The table must be one of the catalogue's, with exactly its columns and a unique key
    (:func:`grdp.run.catalogue.check`); otherwise nothing is written.

    Raises
    ------
    VintageError
        If ``output_dir`` is inside ``forecasts/`` but not a staging folder (a published vintage is sealed), or if
        the table is not catalogued or does not match its entry (the message names the table and what differs).
    """
    if not _in_staging(Path(output_dir)):
        raise VintageError(f"refusing to write {name}.csv into {output_dir}: inside {paths.forecasts_dir()} only a "
                           "run's staging folder is written (published vintages are sealed); leave output_dir empty "
                           "or name a folder elsewhere")
    try:
        catalogue.check(name, table)
    except catalogue.CatalogueError as exc:
        raise VintageError(f"refusing to write {name}.csv: {exc} (grdp.run.catalogue)") from None
    folder = Path(output_dir) / TABLES
    folder.mkdir(parents=True, exist_ok=True)
    return write_csv(table, folder / f"{name}.csv")


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def hashes(files: Iterable[Path], relative_to: Path) -> dict[str, str]:
    """SHA-256 by path; files outside ``relative_to`` (the package's data) are named from the package's parent."""
    def label(f: Path) -> str:
        base = relative_to if f.is_relative_to(relative_to) else paths.PACKAGE_DIR.parent
        return str(f.relative_to(base))

    return {label(f): sha256(f) for f in sorted(files) if f.is_file()}


def _git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.repo_root(), capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "grdp", "sources", "notebooks"],
                               cwd=paths.repo_root(), capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + ("+uncommitted-changes" if dirty else "")


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _snapshot_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _releases(rows: Iterable[dict[str, str]]) -> list[dict]:
    """Releases (source, publisher, publication date) with their number of rows, sorted."""
    counts = Counter((r["source_id"], r["publisher"], r["publication_date"]) for r in rows)
    return [{"source_id": source, "publisher": publisher, "publication_date": published, "rows": n}
            for (source, publisher, published), n in sorted(counts.items())]


def inputs_record(staging: Path, vintage: str) -> dict:
    """What the manifest says about a run's inputs: the snapshot, its latest release, what is new since the last one.

    Returns
    -------
    dict
        ``input_snapshot`` (file, SHA-256, rows), ``latest_release_used`` (the latest release date of the
        snapshot's rows, ISO), ``previous_vintage`` (the latest published vintage before this one, or ``None``),
        ``no_new_release_since`` (that vintage when both snapshots hold the same rows, else ``None``),
        ``new_releases`` and ``withdrawn_releases`` (rows in this snapshot and not the previous one, and the
        reverse, grouped by release; ``None`` when there is nothing to compare with).
    """
    from grdp.sources import release_date

    path = staging / SNAPSHOT
    rows = _snapshot_rows(path)
    latest = max((release_date(r["publication_date"]) for r in rows), default=None)
    record: dict = {"input_snapshot": {"file": SNAPSHOT, "sha256": sha256(path), "rows": len(rows)},
                    "latest_release_used": latest.isoformat() if latest else None,
                    "previous_vintage": None, "no_new_release_since": None,
                    "new_releases": None, "withdrawn_releases": None}
    earlier = [v for v in list_vintages() if v < vintage]
    if not earlier:
        return record
    previous = earlier[-1]
    record["previous_vintage"] = previous
    previous_path = paths.vintage_dir(previous) / SNAPSHOT
    if not previous_path.is_file():
        return record  # built before vintages kept their inputs: nothing to compare with
    now = Counter(tuple(sorted(r.items())) for r in rows)
    before = Counter(tuple(sorted(r.items())) for r in _snapshot_rows(previous_path))
    record["new_releases"] = _releases(dict(r) for r in (now - before).elements())
    record["withdrawn_releases"] = _releases(dict(r) for r in (before - now).elements())
    if now == before:
        record["no_new_release_since"] = previous
    return record


def publish(staging: Path, vintage: str, parameters: dict, inputs: dict[str, str], started: datetime) -> Path:
    """Write the manifest into ``staging`` and rename it to ``forecasts/<vintage>`` atomically.

    Parameters
    ----------
    staging
        The completed temporary folder (the run cache already removed by :func:`grdp.run.pipeline.run`).
    vintage
        The vintage label.
    parameters
        Parameters the notebooks ran with.
    inputs
        SHA-256 of the files the run read (sources, notebooks, package data) by path, taken when it started
        (:func:`hashes`).
    started
        When the run started (UTC).

    Returns
    -------
    pathlib.Path
        The published vintage folder.
    """
    target = ensure_new(vintage)
    manifest = {
        "vintage": vintage,
        "parameters": parameters,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git_revision": _git_revision(),
        "versions": _versions(),
        "inputs": inputs,
        **(inputs_record(staging, vintage) if (staging / SNAPSHOT).is_file() else {}),
        "outputs": hashes((p for p in staging.rglob("*") if p.name != MANIFEST), staging),
    }
    write_manifest(staging, manifest)
    os.rename(staging, target)
    return target


def _check_manifest(path: Path, prefix: str) -> tuple[dict | None, list[str]]:
    """A manifest and what is wrong with it (missing, unreadable, not JSON, no outputs, unsealed, seal broken)."""
    name = prefix + MANIFEST
    if not path.exists():
        return None, [f"{name} missing (the vintage cannot be checked)"]
    try:
        manifest = load_manifest(path)
    except VintageError as exc:
        return None, [f"{name}: {str(exc).replace(str(path) + ' ', '', 1)}"]
    if not isinstance(manifest.get("outputs"), dict):
        return None, [f"{name} has no 'outputs' (the SHA-256 of every file)"]
    if SEAL not in manifest:
        return manifest, [f"{name} carries no seal (edited, or written before grdp sealed manifests)"]
    if manifest[SEAL] != seal(manifest):
        return manifest, [f"{name} was edited after publication (its seal does not match its contents)"]
    return manifest, []


def verify(vintage: str) -> list[str]:
    """Return what is wrong with a published vintage, one line each (empty if intact).

    Every file of the manifest must be there with its SHA-256, no file may have been added, and the manifest
    must be present, valid JSON and sealed. The published reports (``reports/``, written later by
    :func:`grdp.publish.render.publish` with their own manifest) are checked the same way. Staging folders of
    publications (``.reports-staging-*``) are left to :func:`stale_staging`.
    """
    check_name(vintage)
    folder = paths.vintage_dir(vintage)
    problems: list[str] = []
    present = {str(p.relative_to(folder)) for p in folder.rglob("*")
               if p.is_file() and not any(part.startswith(REPORTS_STAGING_PREFIX)
                                          for part in p.relative_to(folder).parts)}
    checked: set[str] = set()
    for base, prefix in ((folder, ""), (folder / REPORTS, f"{REPORTS}/")):
        if prefix and not base.exists():
            continue
        manifest, manifest_problems = _check_manifest(base / MANIFEST, prefix)
        problems += manifest_problems
        checked.add(prefix + MANIFEST)
        if manifest is None:
            checked |= {name for name in present if name.startswith(prefix)}  # nothing to check them against
            continue
        for name, digest in manifest["outputs"].items():
            checked.add(prefix + name)
            file = base / name
            if not file.is_file():
                problems.append(f"{prefix}{name} missing")
            elif sha256(file) != digest:
                problems.append(f"{prefix}{name} changed (its SHA-256 differs from the manifest)")
    problems += [f"{name} added (not in the manifest)" for name in sorted(present - checked)]
    return problems
