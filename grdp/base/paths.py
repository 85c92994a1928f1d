"""Every location the toolkit reads or writes, resolved from one place.

The repository root is found from the environment variable ``GRDP_ROOT`` when set
(useful for tests and for analysts who keep data elsewhere), otherwise from the
location of this package (``<root>/grdp/base/paths.py``). Every other path is derived
from it; no module builds a path of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PACKAGE_DIR / "data"


def repo_root() -> Path:
    """Return the repository root (``GRDP_ROOT`` if set, else the package's parent)."""
    env = os.environ.get("GRDP_ROOT")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


def sources_dir() -> Path:
    """Return the folder holding one sub-folder per source dataset."""
    return repo_root() / "sources"


def notebooks_dir() -> Path:
    """Return the folder of the pipeline notebooks."""
    return repo_root() / "notebooks"


def forecasts_dir() -> Path:
    """Return the folder that holds one immutable sub-folder per vintage."""
    return repo_root() / "forecasts"


def vintage_dir(vintage: str) -> Path:
    """Return the folder of one vintage, e.g. ``forecasts/2025Q4``."""
    return forecasts_dir() / vintage


def failed_runs_dir() -> Path:
    """Return where executed notebooks of failed runs are kept for debugging."""
    return repo_root() / ".grdp-failed-runs"


def reports_dir() -> Path:
    """Return the Quarto project folder."""
    return repo_root() / "reports"


def data_file(name: str) -> Path:
    """Return a reference data file shipped with the package (``grdp/data/<name>``)."""
    return DATA_DIR / name


def methods_document(lang: str = "en") -> Path:
    """Return the methods document in ``lang`` shown as the technical report's methods appendix: ``docs/methods.md``
    (English) or ``docs/methods_<lang>.md`` (e.g. ``methods_vi.md``), which may not exist yet."""
    return repo_root() / "docs" / ("methods.md" if lang == "en" else f"methods_{lang}.md")


def locks_dir() -> Path:
    """Return the folder of the lock files that keep two runs from writing the same vintage."""
    return forecasts_dir() / ".locks"
