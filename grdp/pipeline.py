"""Run the pipeline notebooks with papermill and publish the result as an immutable vintage.

``run()`` executes every ``notebooks/NN_*.ipynb`` in order, with the ``grdp`` Jupyter kernel, into
a staging folder; each notebook writes its tables and figures there. Only when every notebook
succeeds is the staging folder given a manifest and renamed to ``forecasts/<vintage>``. On failure
the executed notebook is kept under ``.grdp-failed-runs/`` for debugging, the staging folder is
removed, and :class:`PipelineError` names the notebook, the cell and the error.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

from grdp import paths
from grdp import vintage as vintages

KERNEL = "grdp"
"""Name of the Jupyter kernel registered inside the project's environment."""


class PipelineError(RuntimeError):
    """Raised when a notebook fails; the message names the notebook, cell and error."""


def notebooks() -> list[Path]:
    """Return the pipeline notebooks (``notebooks/NN_*.ipynb``) in execution order."""
    return sorted(paths.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))


def check_parameters(vintage: str, as_of: str, region: str, boundary: str) -> None:
    """Validate the common notebook parameters; raise ``ValueError`` with a clear message.

    Called in the first cell of every pipeline notebook.
    """
    vintages.check_name(vintage)
    try:
        date.fromisoformat(as_of)
    except ValueError:
        raise ValueError(f"as_of {as_of!r} is not a date such as 2025-12-31") from None
    from grdp.schemas import REGIONS
    if region not in REGIONS - {"vn"}:
        raise ValueError(f"region {region!r} is not one of {sorted(REGIONS - {'vn'})}")
    if boundary not in ("old", "merged") or (boundary == "merged" and region != "hcmc"):
        raise ValueError(f"boundary {boundary!r} does not fit region {region!r}; expected old, or merged for hcmc")


def _inputs() -> list[Path]:
    return [p for p in paths.sources_dir().rglob("*") if p.is_file()] + notebooks() + \
        sorted(paths.data_file("").glob("*.csv"))


def run(vintage: str, as_of: str | None = None, region: str = "hcmc", boundary: str = "old",
        progress: bool = True) -> Path:
    """Execute the pipeline and publish ``forecasts/<vintage>``.

    Parameters
    ----------
    vintage
        Quarter label of the vintage, e.g. ``"2025Q4"``; must not exist yet.
    as_of
        Use only releases published on or before this date; defaults to the last day of the
        vintage's quarter, so a vintage is reproducible.
    region, boundary
        The territory the notebooks focus on.
    progress
        Print a line per notebook and papermill's cell progress bar.

    Returns
    -------
    pathlib.Path
        The published vintage folder.

    Raises
    ------
    grdp.vintage.VintageError
        If the vintage exists already (nothing is run).
    PipelineError
        If a notebook fails (no vintage is written).
    """
    import papermill as pm  # imported here: heavy, and not needed for `grdp --help`

    vintages.ensure_new(vintage)
    as_of = as_of or vintages.default_as_of(vintage).isoformat()
    check_parameters(vintage, as_of, region, boundary)
    from grdp import sources

    problems = sources.validate()  # fail fast, before any notebook runs, if a source is invalid
    if problems:
        raise sources.SourceValidationError(problems)
    started = datetime.now(timezone.utc)
    staging = vintages.staging_dir(vintage)
    parameters = {"vintage": vintage, "as_of": as_of, "region": region, "boundary": boundary}
    books = notebooks()
    from grdp.digital import cache  # the notebooks share built models through <staging>/.cache

    previous = os.environ.get(cache.ENV)
    os.environ[cache.ENV] = str(staging / cache.FOLDER)
    try:
        for number, notebook in enumerate(books, 1):
            output = staging / notebook.name
            if progress:
                print(f"[{number}/{len(books)}] {notebook.name}", file=sys.stderr, flush=True)
            tick = time.perf_counter()
            try:
                pm.execute_notebook(str(notebook), str(output), parameters={**parameters, "output_dir": str(staging)},
                                    kernel_name=KERNEL, progress_bar=progress, cwd=str(paths.notebooks_dir()))
            except pm.PapermillExecutionError as exc:
                kept = _keep_failed(output, vintage)
                raise PipelineError(
                    f"{notebook.name} failed in cell {exc.cell_index} (execution count {exc.exec_count}): "
                    f"{exc.ename}: {exc.evalue}\nThe executed notebook is kept at {kept}; no vintage was written."
                ) from None
            if progress:
                print(f"      done in {time.perf_counter() - tick:.1f} s", file=sys.stderr, flush=True)
        cache.clear(staging)
        return vintages.publish(staging, vintage, parameters, _inputs(), started)
    finally:
        if previous is None:
            os.environ.pop(cache.ENV, None)
        else:
            os.environ[cache.ENV] = previous
        if staging.exists():
            shutil.rmtree(staging)


def _keep_failed(executed: Path, vintage: str) -> Path:
    folder = paths.failed_runs_dir() / f"{vintage}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    folder.mkdir(parents=True, exist_ok=True)
    if executed.exists():
        shutil.copy2(executed, folder / executed.name)
    return folder / executed.name
