"""Time publishing a vintage's reports: the preview and Quarto renderings, the revision table and the workbook.

Copies the repository's vintages (tables, figures, manifests; not their reports) into a scratch root, then
prints the median seconds of ``revision_table``, ``write_workbook``, a whole ``publish`` with the preview
(papermill + nbconvert for the four reports) and, where ``quarto`` is on PATH, a whole ``publish`` with
Quarto (HTML, DOCX and PDF of the four reports; one run, it takes minutes), with the peak memory of this
process. Targets: the revision table and the workbook well under a second; a whole preview publication
under a minute; a whole Quarto publication (each report executed once, then rendered to its three formats)
at most 90 seconds on two cores.

    .venv/bin/python benchmarks/bench_reports.py [--vintage 2025Q4] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
from pathlib import Path

from timing import median_s

from grdp.base import paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vintage", default="2025Q4")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    repo = paths.repo_root()
    if not (repo / "forecasts" / args.vintage / "manifest.json").exists():
        raise SystemExit(f"vintage {args.vintage} not found under {repo / 'forecasts'}; run `make run` first")
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for folder in ("reports", "docs", "sources"):  # scenario texts are checked against sources/
            shutil.copytree(repo / folder, root / folder, ignore=shutil.ignore_patterns(".quarto", "*_files"))
        shutil.copytree(repo / "forecasts", root / "forecasts", ignore=shutil.ignore_patterns("reports", ".*"))
        os.environ["GRDP_ROOT"] = str(root)
        from grdp.publish import render, workbook
        from grdp.run import revisions

        table = revisions.revision_table(upto=args.vintage)
        seconds = median_s(lambda: revisions.revision_table(upto=args.vintage), args.repeats)
        print(f"revision_table ({len(table)} rows): {seconds:.3f} s")

        def write() -> None:
            target = root / "book.xlsx"
            target.unlink(missing_ok=True)
            workbook.write_workbook(args.vintage, target, revisions=table)

        print(f"write_workbook: {median_s(write, args.repeats):.3f} s")

        def render_reports() -> None:
            shutil.rmtree(root / "forecasts" / args.vintage / "reports", ignore_errors=True)
            render.publish(args.vintage, renderer="preview")

        seconds = median_s(render_reports, args.repeats)
        print(f"publish (preview, {len(render.report_notebooks())} reports): {seconds:.1f} s")

        def render_quarto() -> None:
            shutil.rmtree(root / "forecasts" / args.vintage / "reports", ignore_errors=True)
            render.publish(args.vintage, renderer="quarto")

        if render.quarto() is not None:
            print(f"publish (quarto, {len(render.report_notebooks())} reports x {len(render.FORMATS)} formats): "
                  f"{median_s(render_quarto, 1):.1f} s")
        print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
