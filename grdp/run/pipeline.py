"""Run the pipeline notebooks with papermill and publish the result as an immutable vintage.

``run()`` takes the vintage's lock (:func:`grdp.run.vintage.lock`), removes the staging folders of dead runs,
validates ``sources/`` once and writes the run's **input snapshot** (every row released by the as-of date,
:func:`grdp.sources.snapshot_table`) into the staging folder as ``inputs/observations.csv``. It then executes
every ``notebooks/NN_*.ipynb`` in order, with the ``grdp`` Jupyter kernel, into the staging folder; each
notebook reads its observations from the snapshot (parameter ``inputs``) and writes its tables and figures
there, so a source edited while the run is in progress cannot reach any of them. Only when every notebook
succeeds, and no notebook or package data file changed in the meantime, is the staging folder given a manifest
and renamed to ``forecasts/<vintage>``. On failure the executed notebook is kept under ``.grdp-failed-runs/``
for debugging, the staging folder is removed, and :class:`PipelineError` names the notebook, the cell and the
error.

Each notebook runs in a child process (``python -m grdp.run.pipeline``), so that an interruption (Ctrl-C,
SIGTERM) of ``grdp run`` stops the notebook and its kernel before the staging folder is removed: nothing is
left behind and nothing is written after the run has stopped. The child imports only papermill (this module
imports :mod:`grdp.run.vintage`, and with it pandas, inside the functions that need it), so starting a notebook's
process costs little.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from grdp.base import paths

KERNEL = "grdp"
"""Name of the Jupyter kernel registered inside the project's environment."""
STOP_TIMEOUT_S = 30
"""How long an interrupted notebook may take to stop its kernel before it is killed."""


class PipelineError(RuntimeError):
    """Raised when a notebook fails; the message names the notebook, cell and error."""


class NotebookError(PipelineError):
    """Raised by :func:`execute` when a notebook fails: which cell (``None`` if it could not start) and the error."""

    def __init__(self, notebook: Path, cell: int | None, count: int | None, ename: str, evalue: str):
        self.notebook, self.cell, self.count, self.ename, self.evalue = notebook, cell, count, ename, evalue
        where = f"in cell {cell} (execution count {count})" if cell is not None else "to execute"
        super().__init__(f"{notebook.name} failed {where}: {ename}: {evalue}")


def notebooks() -> list[Path]:
    """Return the pipeline notebooks (``notebooks/NN_*.ipynb``) in execution order."""
    return sorted(paths.notebooks_dir().glob("[0-9][0-9]_*.ipynb"))


def check_parameters(vintage: str, as_of: str, region: str, boundary: str) -> None:
    """Validate the common notebook parameters; raise ``ValueError`` with a clear message.

    Called in the first cell of every pipeline notebook.
    """
    from grdp.run import vintage as vintages
    vintages.check_name(vintage)
    try:
        date.fromisoformat(as_of)
    except (TypeError, ValueError):
        raise ValueError(f"as_of {as_of!r} is not a date such as 2025-12-31") from None
    from grdp.base.schemas import ESTIMATED_REGIONS
    if region not in ESTIMATED_REGIONS - {"vn"}:
        raise ValueError(f"region {region!r} is not one of {sorted(ESTIMATED_REGIONS - {'vn'})}")
    if boundary not in ("old", "merged") or (boundary == "merged" and region != "hcmc"):
        raise ValueError(f"boundary {boundary!r} does not fit region {region!r}; expected old, or merged for hcmc")


def _code_and_data() -> list[Path]:
    """Files a run reads besides the sources: the notebooks and the package's data files."""
    return notebooks() + sorted(p for p in paths.DATA_DIR.iterdir() if p.is_file())


def _inputs() -> list[Path]:
    return sorted(p for p in paths.sources_dir().rglob("*") if p.is_file()) + _code_and_data()


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path, progress: bool = False) -> None:
    """Execute one notebook with papermill in a child process, into ``output``.

    The child runs in its own session; if this process is interrupted while it runs, the child is asked to
    stop (SIGTERM: papermill shuts its kernel down), given :data:`STOP_TIMEOUT_S` seconds, then killed, and
    the interruption goes on.

    Raises
    ------
    NotebookError
        If the notebook fails (the message names the cell and the error) or cannot be executed.
    """
    spec = {"notebook": str(notebook), "output": str(output), "parameters": parameters, "cwd": str(cwd),
            "progress": progress, "parent": os.getpid()}
    child = subprocess.Popen([sys.executable, "-m", "grdp.run.pipeline", json.dumps(spec)], stdout=subprocess.PIPE,
                             text=True, start_new_session=True)
    try:
        out, _ = child.communicate()
    except BaseException:
        _stop(child)
        raise
    if child.returncode == 0:
        return
    try:
        error = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        error = {"ename": "exit status", "evalue": str(child.returncode)}
    raise NotebookError(notebook, error.get("cell"), error.get("count"), error["ename"], error["evalue"])


def _stop(child: subprocess.Popen) -> None:
    """Stop a notebook's child process and wait for it (its kernel is shut down with it)."""
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


PARENT_POLL_S = 1.0
"""How often a notebook's child process checks that the process that started it is still alive."""


def _follow_parent(parent: int) -> None:
    """End this child (SIGTERM to itself) as soon as the process that started it is gone, however it ended
    (``kill -9`` included): a notebook never runs on for a run that no longer exists. Its kernel follows it
    (ipykernel exits when its parent does)."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def _child(spec_text: str) -> int:
    """Body of the child process of :func:`execute`: one papermill run, its failure as one JSON line."""
    spec = json.loads(spec_text)
    if "parent" in spec:
        _follow_parent(int(spec["parent"]))
    try:
        import papermill as pm

        pm.execute_notebook(spec["notebook"], spec["output"], parameters=spec["parameters"], kernel_name=KERNEL,
                            progress_bar=spec["progress"], cwd=spec["cwd"])
    except pm.PapermillExecutionError as exc:
        print(json.dumps({"cell": exc.cell_index, "count": exc.exec_count, "ename": exc.ename,
                          "evalue": exc.evalue}))
        return 3
    except BaseException as exc:  # a dead kernel, a missing kernel, an interruption: one line, no traceback
        print(json.dumps({"ename": type(exc).__name__, "evalue": " ".join(str(exc).split())[:2000]}))
        return 4
    return 0


def check_horizon(as_of: str) -> None:
    """Refuse, before any notebook runs, an as-of date whose first open year is after the projection horizon.

    The horizon is the default of the ``horizon`` parameter of the pipeline notebook that has one
    (``04_targets_forecast``); the first open year is :func:`grdp.forecast.history.first_open_year`.

    Raises
    ------
    PipelineError
        If the first year that has not ended at ``as_of`` is after the horizon (the message names both).
    """
    import papermill as pm

    from grdp.forecast.history import first_open_year

    first = first_open_year(as_of)
    for book in notebooks():
        found = pm.inspect_notebook(str(book)).get("horizon")
        if found is None:
            continue
        horizon = int(found["default"])
        if first > horizon:
            raise PipelineError(f"as-of date {as_of}: the first year that has not ended ({first}) is after the "
                                f"projection horizon {horizon} of {book.name}, so there is nothing to project; "
                                "nothing was run")


def run(vintage: str, as_of: str | None = None, region: str = "hcmc", boundary: str = "old",
        progress: bool = True) -> Path:
    """Execute the pipeline and publish ``forecasts/<vintage>``.

    Parameters
    ----------
    vintage
        Quarter label of the vintage, e.g. ``"2025Q4"``; must not exist yet.
    as_of
        Use only releases published on or before this date (a date after today uses every release so far);
        defaults to the last day of the vintage's quarter, so a vintage is reproducible.
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
    grdp.run.vintage.VintageError
        If the label is malformed, the vintage exists already or another run of it is in progress (nothing
        is run).
    grdp.sources.SourceValidationError
        If a source file is invalid (nothing is run).
    PipelineError
        If the as-of date is after the projection horizon (:func:`check_horizon`; nothing is run), a notebook
        fails, or a notebook or package data file changed during the run (no vintage is written).
    """
    from grdp import sources
    from grdp.run import vintage as vintages

    vintages.check_name(vintage)
    as_of = as_of or vintages.default_as_of(vintage).isoformat()
    check_parameters(vintage, as_of, region, boundary)
    check_horizon(as_of)
    today = date.today()
    if date.fromisoformat(as_of) > today and progress:
        print(f"note: as-of date {as_of} is after today ({today.isoformat()}): the vintage holds the releases "
              "published so far (an early vintage; the real-time one is built after its quarter ends)",
              file=sys.stderr, flush=True)
    vintages.ensure_new(vintage)
    started = datetime.now(timezone.utc)
    inputs = vintages.hashes(_inputs(), paths.repo_root())
    snapshot = sources.snapshot_table(as_of)  # validates every source once, before anything is written
    with vintages.lock(vintage):
        vintages.ensure_new(vintage)  # again: another run may have published it while this one validated
        for folder in vintages.clean_staging(holding=vintage):
            print(f"removed {folder}, the staging folder of a run that did not finish", file=sys.stderr)
        staging = vintages.staging_dir(vintage)
        try:
            vintages.write_csv(snapshot, staging / vintages.SNAPSHOT)
            parameters = {"vintage": vintage, "as_of": as_of, "region": region, "boundary": boundary}
            with _shared_cache(staging):
                _run_notebooks(staging, vintage, parameters, progress)
            _check_unchanged(inputs)
            return vintages.publish(staging, vintage, parameters, inputs, started)
        finally:
            if staging.exists():
                shutil.rmtree(staging)


@contextmanager
def _shared_cache(staging: Path) -> Iterator[None]:
    """Let the notebooks of one run share built models through ``<staging>/.cache`` (:mod:`grdp.base.run_cache`).

    The notebooks' processes inherit the variable that names the folder; the folder is deleted afterwards, so
    it is never part of the vintage.
    """
    from grdp.base import run_cache

    previous = os.environ.get(run_cache.ENV)
    os.environ[run_cache.ENV] = str(staging / run_cache.FOLDER)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(run_cache.ENV, None)
        else:
            os.environ[run_cache.ENV] = previous
        run_cache.clear(staging)


def _run_notebooks(staging: Path, vintage: str, parameters: dict, progress: bool) -> None:
    from grdp.run import vintage as vintages

    books = notebooks()
    for number, notebook in enumerate(books, 1):
        output = staging / notebook.name
        if progress:
            print(f"[{number}/{len(books)}] {notebook.name}", file=sys.stderr, flush=True)
        tick = time.perf_counter()
        try:
            execute(notebook, output, {**parameters, "output_dir": str(staging),
                                       "inputs": str(staging / vintages.SNAPSHOT)},
                    paths.notebooks_dir(), progress)
        except PipelineError as exc:
            kept = _keep_failed(output, vintage)
            raise PipelineError(f"{exc}\nThe executed notebook is kept at {kept}; no vintage was written.") from None
        if progress:
            print(f"      done in {time.perf_counter() - tick:.1f} s", file=sys.stderr, flush=True)


def _check_unchanged(inputs: dict[str, str]) -> None:
    """Refuse to publish if a notebook or a package data file changed while the notebooks ran.

    The sources may change: the notebooks read the snapshot taken at the start.
    """
    from grdp.run import vintage as vintages

    now = vintages.hashes(_code_and_data(), paths.repo_root())
    changed = sorted(name for name in set(now) | {n for n in inputs if not n.startswith("sources/")}
                     if now.get(name) != inputs.get(name))
    if changed:
        raise PipelineError(f"{', '.join(changed)} changed while the run was in progress, so the notebooks may have "
                            "read either version; no vintage was written: run again")


def _keep_failed(executed: Path, vintage: str) -> Path:
    folder = paths.failed_runs_dir() / f"{vintage}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    folder.mkdir(parents=True, exist_ok=True)
    if executed.exists():
        shutil.copy2(executed, folder / executed.name)
    return folder / executed.name


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
