"""Publish a vintage's reports: ``forecasts/<vintage>/reports/``.

The reports are the notebooks of the Quarto project ``reports/`` (policy brief in Vietnamese and English,
technical report), each with a ``vintage`` parameter in a cell tagged ``parameters``. They read the
vintage's tables only.

* With ``quarto`` on PATH: ``quarto render reports --execute -P vintage:<X> --output-dir <staging>``
  renders every format of ``reports/_quarto.yml`` (self-contained HTML, DOCX, PDF through Typst).
* Without it: a **preview**. Each report is executed by papermill with the same parameter and converted to
  HTML by nbconvert (code hidden, figures embedded), with a banner saying it is not the Quarto rendering;
  no DOCX or PDF. The executed notebooks are kept next to the HTML.

Either way the folder also gets ``tables/revisions.csv`` (:func:`grdp.revisions.revision_table` up to this
vintage), the XLSX workbook (:func:`grdp.workbook.write_workbook`) and ``manifest.json`` (renderer,
SHA-256 of every file). Everything is written into a staging folder and renamed into place when
complete; published reports are never overwritten.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

from grdp import paths
from grdp import vintage as vintages

REPORTS = vintages.REPORTS
"""Name of the reports folder inside a vintage."""

PREVIEW_WARNING = ("PREVIEW: quarto is not on PATH, so the reports were executed with papermill and converted to "
                   "HTML with nbconvert. This is not the Quarto rendering (no DOCX or PDF, simpler layout); "
                   "install Quarto and publish a new vintage for the published formats.")
PREVIEW_BANNER = {
    "vi": "Bản xem trước: tài liệu được chạy bằng papermill và chuyển sang HTML bằng nbconvert, không phải bản "
          "Quarto chính thức (không có DOCX, PDF).",
    "en": "Preview: executed with papermill and converted to HTML with nbconvert; this is not the Quarto rendering "
          "(no DOCX or PDF).",
}


class PublishError(RuntimeError):
    """Raised when a report cannot be published; the message names the report, the cell and the error."""


@dataclass(frozen=True)
class Published:
    """What :func:`publish` wrote.

    Attributes
    ----------
    folder
        ``forecasts/<vintage>/reports``.
    renderer
        ``"quarto <version>"`` or ``"preview (papermill + nbconvert)"``.
    preview
        True when Quarto was not used.
    files
        Paths of the files written, relative to ``folder``.
    """

    folder: Path
    renderer: str
    preview: bool
    files: tuple[str, ...]


def report_notebooks() -> list[Path]:
    """Return the report notebooks of the Quarto project (``reports/*.ipynb``), sorted by name."""
    return sorted(paths.reports_dir().glob("*.ipynb"))


def quarto() -> str | None:
    """Return the path of the ``quarto`` executable, or ``None`` when it is not on PATH."""
    return shutil.which("quarto")


def front_matter(notebook) -> dict:
    """Return the YAML front matter of a notebook (its first cell, raw, between ``---`` lines); ``{}`` if none."""
    if not notebook.cells or notebook.cells[0].cell_type != "raw":
        return {}
    text = notebook.cells[0].source.strip()
    if not text.startswith("---"):
        return {}
    return yaml.safe_load(text.strip("-\n")) or {}


def publish(vintage: str, renderer: str = "auto", progress: bool = False) -> Published:
    """Render the reports of a published vintage into ``forecasts/<vintage>/reports``.

    Parameters
    ----------
    vintage
        A published vintage, e.g. ``"2025Q4"``.
    renderer
        ``"auto"`` (Quarto when on PATH, else the preview), ``"quarto"`` or ``"preview"``.
    progress
        Print a line per report.

    Returns
    -------
    Published

    Raises
    ------
    grdp.vintage.VintageError
        If the vintage does not exist, has changed since it was published, or already has reports.
    PublishError
        If Quarto is asked for but missing, or a report fails (nothing is left behind).
    """
    with vintages.lock(vintage):  # one writer per vintage; a dead publication's staging folder is then known dead
        return _publish(vintage, renderer, progress)


def _publish(vintage: str, renderer: str, progress: bool) -> Published:
    from grdp import revisions, workbook
    from grdp.report.vintage_tables import VintageTables

    tables = VintageTables(vintage)  # raises VintageError if the vintage was never published
    target = tables.folder / REPORTS
    if target.exists():
        raise vintages.VintageError(f"the reports of vintage {vintage} already exist at {target}; published reports "
                                    "are never overwritten")
    changed = vintages.verify(vintage)
    if changed:
        raise vintages.VintageError(f"vintage {vintage} no longer matches its manifest ({', '.join(changed)}); "
                                    "refusing to publish reports of an altered vintage")
    if renderer not in ("auto", "quarto", "preview"):
        raise ValueError(f"renderer {renderer!r} is not one of auto, quarto, preview")
    executable = quarto()
    if renderer == "quarto" and executable is None:
        raise PublishError("renderer 'quarto' asked for, but quarto is not on PATH")
    use_quarto = executable is not None and renderer != "preview"
    staging = tables.folder / f".{REPORTS}-staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        if use_quarto and executable is not None:
            name = _render_quarto(executable, vintage, staging)
        else:
            name = "preview (papermill + nbconvert)"
            _render_preview(vintage, staging, progress)
        revision = revisions.revision_table(upto=vintage)
        vintages.write_table(revision, staging, "revisions")
        workbook.write_workbook(vintage, staging / f"grdp_{vintage}.xlsx", revisions=revision)
        files = tuple(sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file()))
        manifest = {"vintage": vintage, "renderer": name, "preview": not use_quarto,
                    "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "reports": [p.stem for p in report_notebooks()],
                    "outputs": {f: vintages.sha256(staging / f) for f in files}}
        vintages.write_manifest(staging, manifest)
        os.rename(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return Published(target, name, not use_quarto, files + (vintages.MANIFEST,))


def _render_quarto(executable: str, vintage: str, staging: Path) -> str:
    version = subprocess.run([executable, "--version"], capture_output=True, text=True).stdout.strip()
    command = [executable, "render", str(paths.reports_dir()), "--execute", "-P", f"vintage:{vintage}",
               "--output-dir", str(staging)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise PublishError(f"quarto render failed ({' '.join(command)}):\n{done.stderr[-4000:]}")
    return f"quarto {version}"


def _render_preview(vintage: str, staging: Path, progress: bool) -> None:
    import nbformat

    from grdp.pipeline import NotebookError, execute

    books = report_notebooks()
    if not books:
        raise PublishError(f"no report notebooks in {paths.reports_dir()}")
    for book in books:
        if progress:
            print(f"report {book.name} (preview)", file=sys.stderr, flush=True)
        executed = staging / book.name
        try:  # in a child process, so that an interruption stops the report and its kernel first
            execute(book, executed, {"vintage": vintage}, paths.reports_dir())
        except NotebookError as exc:
            raise PublishError(f"report {book.name} failed in cell {exc.cell}: {exc.ename}: {exc.evalue}; "
                               "no reports were published") from None
        notebook = nbformat.read(executed, as_version=4)
        (staging / f"{book.stem}.html").write_text(preview_html(notebook), encoding="utf-8")


def preview_html(notebook) -> str:
    """Return the preview HTML of an executed report notebook.

    The Quarto front matter (first raw cell) becomes a title block with the preview banner in the report's
    language (``lang``); inputs and prompts are hidden, as ``echo: false`` does in Quarto; figures are
    embedded as data URIs, so the file stands alone (MathJax still loads from its CDN).
    """
    import nbformat
    from nbconvert import HTMLExporter

    meta = front_matter(notebook)
    body = nbformat.from_dict(notebook)
    if meta:
        body.cells = body.cells[1:]
    lang = meta.get("lang", "en")
    banner = PREVIEW_BANNER.get(lang, PREVIEW_BANNER["en"])
    title = [f"# {meta['title']}"] if "title" in meta else []
    if "subtitle" in meta:
        title.append(f"*{meta['subtitle']}*")
    title.append(f'<div class="grdp-preview" style="border:2px solid #D55E00;padding:0.5em;margin:0.5em 0;">'
                 f"<strong>{banner}</strong></div>")
    body.cells.insert(0, nbformat.v4.new_markdown_cell("\n\n".join(title)))
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    html, _ = exporter.from_notebook_node(body)
    if "title" in meta:
        html = html.replace("<title>Notebook</title>", f"<title>{meta['title']}</title>", 1)
    return re.sub(r"<html[^>]*>", f'<html lang="{lang}">', html, count=1)
