"""Immutable vintages: ``forecasts/<vintage>/`` with tables, figures, executed notebooks and a manifest.

A vintage is written into a temporary sibling folder and renamed into place only when complete,
so a reader never sees a half-written vintage; an existing vintage is never overwritten.
Tables are written in one deterministic CSV format so that the same inputs give byte-identical
files.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Iterable
from datetime import date, datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from grdp import paths

VINTAGE_PATTERN = re.compile(r"^(?P<year>\d{4})Q(?P<quarter>[1-4])$")
MANIFEST = "manifest.json"
TABLES = "tables"
FIGURES = "figures"
REPORTS = "reports"
PACKAGES = ("grdp", "pandas", "numpy", "scipy", "statsmodels", "pandera", "papermill", "matplotlib", "nbformat")


class VintageError(RuntimeError):
    """Raised when a vintage cannot be written (bad name, already published)."""


def check_name(vintage: str) -> None:
    """Raise :class:`VintageError` unless ``vintage`` looks like ``2025Q4``."""
    if not VINTAGE_PATTERN.match(vintage):
        raise VintageError(f"vintage {vintage!r} is not a quarter label such as 2025Q4")


def default_as_of(vintage: str) -> date:
    """The as-of date a vintage uses unless told otherwise: the last day of its quarter."""
    check_name(vintage)
    return pd.Period(vintage, freq="Q").end_time.date()


def list_vintages() -> list[str]:
    """Return the published vintages, oldest first."""
    root = paths.forecasts_dir()
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and VINTAGE_PATTERN.match(p.name)
                  and (p / MANIFEST).exists())


def read_manifest(vintage: str) -> dict:
    """Return the ``manifest.json`` of a published vintage.

    Raises
    ------
    VintageError
        If the label is malformed or the vintage has not been published (the message lists those that have).
    """
    check_name(vintage)
    path = paths.vintage_dir(vintage) / MANIFEST
    if not path.exists():
        known = ", ".join(list_vintages()) or "none"
        raise VintageError(f"vintage {vintage} has not been published ({path} not found); published vintages: "
                           f"{known}. Run `grdp run --vintage {vintage}` first")
    return json.loads(path.read_text(encoding="utf-8"))


def write_manifest(folder: Path, manifest: dict) -> Path:
    """Write ``<folder>/manifest.json`` (indented UTF-8 JSON, one trailing newline) and return its path."""
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
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
    root = paths.forecasts_dir()
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".staging-{vintage}-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    (staging / TABLES).mkdir(parents=True)
    (staging / FIGURES).mkdir()
    return staging


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a table to ``path`` in the deterministic vintage format (no index, ``\\n``, 10 significant digits)."""
    table.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")
    return Path(path)


def write_table(table: pd.DataFrame, output_dir: str | Path, name: str) -> Path:
    """Write a table as ``<output_dir>/tables/<name>.csv`` in the deterministic vintage format."""
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


def _hashes(files: Iterable[Path], relative_to: Path) -> dict[str, str]:
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


def publish(staging: Path, vintage: str, parameters: dict, inputs: Iterable[Path],
            started: datetime) -> Path:
    """Write the manifest into ``staging`` and rename it to ``forecasts/<vintage>`` atomically.

    Parameters
    ----------
    staging
        The completed temporary folder.
    vintage
        The vintage label.
    parameters
        Parameters the notebooks ran with.
    inputs
        Files the run read (sources, notebooks); their SHA-256 goes into the manifest.
    started
        When the run started (UTC).

    Returns
    -------
    pathlib.Path
        The published vintage folder.
    """
    target = ensure_new(vintage)
    root = paths.repo_root()
    manifest = {
        "vintage": vintage,
        "parameters": parameters,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git_revision": _git_revision(),
        "versions": _versions(),
        "inputs": _hashes(inputs, root),
        "outputs": _hashes((p for p in staging.rglob("*") if p.name != MANIFEST), staging),
    }
    write_manifest(staging, manifest)
    os.rename(staging, target)
    return target


def verify(vintage: str) -> list[str]:
    """Return the outputs of a vintage whose SHA-256 no longer matches its manifest (empty if intact).

    The published reports (``reports/``, written later by :func:`grdp.publish.publish` with their own
    manifest) are checked the same way.
    """
    folder = paths.vintage_dir(vintage)
    changed = []
    for manifest_path, prefix in ((folder / MANIFEST, ""), (folder / REPORTS / MANIFEST, f"{REPORTS}/")):
        if not manifest_path.exists() and prefix:
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        base = manifest_path.parent
        changed += [prefix + name for name, digest in manifest["outputs"].items()
                    if not (base / name).exists() or sha256(base / name) != digest]
    return changed
