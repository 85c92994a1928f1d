"""Time `grdp run` against the floor of executing as many empty notebooks with papermill.

Prints both times (median of repeats), their ratio (target: at most 2, i.e. the pipeline's own work
costs no more than the notebook machinery), the same ratio in CPU seconds (user + system of every
process, which a busy machine moves less than wall time), each notebook's own duration in the last run
(papermill's record in the executed notebook; the notebooks share the sector accounts, built models and
Monte Carlo draws through the run cache, ``grdp.base.run_cache``) and the time of `grdp --help` (target:
under 0.5 s).
Runs in a scratch copy of sources/ and notebooks/, so the repository's forecasts/ is untouched.

    .venv/bin/python benchmarks/bench_pipeline.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from grdp.base import paths
from grdp.run import pipeline

REPO = paths.repo_root()


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _time(action, cpu: list[float] | None = None) -> float:
    """Wall seconds of ``action``; its CPU seconds are appended to ``cpu`` (less sensitive to a busy machine)."""
    start, start_cpu = time.perf_counter(), _cpu()
    action()
    if cpu is not None:
        cpu.append(_cpu() - start_cpu)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for folder in ("sources", "notebooks"):
            shutil.copytree(REPO / folder, root / folder)
        os.environ["GRDP_ROOT"] = str(root)
        books = pipeline.notebooks()
        empty = nbformat.v4.new_notebook()
        empty.cells = [nbformat.v4.new_code_cell("vintage = ''", metadata={"tags": ["parameters"]})]
        empty.metadata["kernelspec"] = {"name": pipeline.KERNEL, "display_name": "Python (grdp)", "language": "python"}
        nbformat.write(empty, root / "empty.ipynb")

        imports = nbformat.v4.new_notebook(metadata=empty.metadata)
        imports.cells = list(empty.cells) + [nbformat.v4.new_code_cell(
            "import pandas, pandera.pandas, matplotlib.pyplot\n"
            "from grdp import accounts, sources\nfrom grdp.report import charts")]
        nbformat.write(imports, root / "imports.ipynb")

        def floor(book: str) -> None:
            for i in range(len(books)):
                pm.execute_notebook(str(root / book), str(root / f"out_{i}.ipynb"),
                                    kernel_name=pipeline.KERNEL, progress_bar=False)

        run_times, floor_times, import_times = [], [], []
        run_cpu: list[float] = []
        import_cpu: list[float] = []
        for r in range(args.repeats):
            floor_times.append(_time(lambda: floor("empty.ipynb")))
            import_times.append(_time(lambda: floor("imports.ipynb"), import_cpu))
            run_times.append(_time(lambda r=r: pipeline.run(f"2030Q{r + 1}", as_of="2025-12-31", progress=False),
                                   run_cpu))
        last = paths.vintage_dir(f"2030Q{args.repeats}")
        durations = {book.name: nbformat.read(last / book.name, as_version=4).metadata["papermill"]["duration"]
                     for book in books}
    help_times = [_time(lambda: subprocess.run([sys.executable, "-m", "grdp.cli", "--help"], check=True,
                                               capture_output=True)) for _ in range(5)]
    run_t, floor_t = statistics.median(run_times), statistics.median(floor_times)
    print(f"notebooks in the pipeline        : {len(books)}")
    print(f"grdp run (median of {args.repeats})          : {run_t:.2f} s")
    print(f"empty notebooks floor (median)   : {floor_t:.2f} s")
    import_t = statistics.median(import_times)
    print(f"ratio run / floor                : {run_t / floor_t:.2f}  (target <= 2)")
    print(f"notebooks importing the libraries: {import_t:.2f} s (the floor plus pandas, pandera, matplotlib, grdp)")
    print(f"ratio run / import floor         : {run_t / import_t:.2f}")
    cpu_run, cpu_import = statistics.median(run_cpu), statistics.median(import_cpu)
    print(f"CPU seconds, run / import floor  : {cpu_run:.2f} / {cpu_import:.2f} = {cpu_run / cpu_import:.2f}"
          "  (user + system of every process; moves less than wall time when the machine is busy)")
    for name, seconds in durations.items():
        print(f"  {name:<31}: {seconds:.2f} s (last run)")
    print(f"grdp --help (median of 5)        : {statistics.median(help_times):.3f} s  (target < 0.5 s)")


if __name__ == "__main__":
    main()
