"""Publish a vintage's reports: ``forecasts/<vintage>/reports/``.

The reports are the notebooks of the Quarto project ``reports/`` (policy brief and technical report, each in
Vietnamese and English), each with a ``vintage`` parameter in a cell tagged ``parameters``. They read the
vintage's tables only.

* With ``quarto`` on PATH (:func:`render_quarto`): ``reports/`` is copied to a temporary folder (the tracked
  notebooks are never written to: executing a notebook writes its outputs into it, and Quarto creates
  ``.quarto/``), and each copied notebook's front matter
  gets the vintage's release-date cut-off as its date, and the copy's project the DOCX reference document
  (:func:`grdp.report.layout.reference_docx`); then each report, in a project copy of its own, is executed
  **once** with papermill (parameter ``vintage``) and rendered with ``quarto render --no-execute``
  (``QUARTO_PYTHON`` set to the running interpreter), which turns the executed outputs into self-contained
  HTML, DOCX (every page A4: :func:`grdp.report.layout.a4_docx`) and PDF (Typst) without running the notebook
  again (Quarto with ``--execute`` runs a notebook once per format); :data:`PARALLEL` reports at a time. The
  project's Lua filter ``reports/plain-blocks.lua`` has Pandoc's writer write paragraphs, lists and tables before
  Quarto's filters run (HTML and Typst), which takes a third off the rendering time and leaves the output as it
  was (``tests/test_plain_blocks.py``).
  A failing report stops the publication with one message naming the report, the code cell and the error;
  where Quarto fails, the tail of its output is kept in the failed-runs folder
  (:func:`grdp.base.paths.failed_runs_dir`), named in the message.
* Without it: a **preview**. Each report is executed by papermill with the same parameter and converted to
  HTML by nbconvert (code hidden, figures embedded), with a banner saying it is not the Quarto rendering;
  no DOCX or PDF. The executed notebooks are kept next to the HTML.

Either way the folder also gets ``tables/revisions.csv`` (:func:`grdp.run.revisions.revision_table` up to this
vintage), the XLSX workbook (:func:`grdp.publish.workbook.write_workbook`) and ``manifest.json`` (renderer,
SHA-256 of every file). Everything is written into a staging folder and renamed into place when
complete; published reports are never overwritten.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

from grdp.base import paths
from grdp.run import vintage as vintages

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
    grdp.run.vintage.VintageError
        If the vintage does not exist, has changed since it was published, or already has reports.
    PublishError
        If Quarto is asked for but missing, or a report fails (nothing is left behind).
    """
    from grdp.report.vintage_tables import VintageTables

    VintageTables(vintage)  # a vintage that was never published is refused before anything (a lock) is written
    with vintages.lock(vintage):  # one writer per vintage; a dead publication's staging folder is then known dead
        return _publish(vintage, renderer, progress)


def _publish(vintage: str, renderer: str, progress: bool) -> Published:
    from grdp.publish import workbook
    from grdp.report.vintage_tables import VintageTables
    from grdp.run import revisions

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
            name = render_quarto(executable, vintage, staging, progress)
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


PARALLEL = 2
"""Reports executed and rendered at the same time (each in its own project copy, process and kernel)."""
FORMATS = (".html", ".docx", ".pdf")
"""The files Quarto renders of each report (``reports/_quarto.yml``: HTML, DOCX, Typst PDF)."""
LOG_LINES = 200
"""Lines of Quarto's output kept in the log of a failed render."""
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PYTHON_ERROR = re.compile(r"^(\w+(?:Error|Exception|Interrupt|Exit)\w*|[A-Z]\w*Warning): (.*)$", re.M)


def quarto_version(executable: str) -> str:
    """Return the version ``quarto --version`` prints (e.g. ``1.10.18``)."""
    return subprocess.run([executable, "--version"], capture_output=True, text=True).stdout.strip()


def quarto_environment() -> dict[str, str]:
    """Return the environment Quarto runs in: ``QUARTO_PYTHON`` is the running interpreter (so Quarto's
    Jupyter is the project's, whatever ``python3`` comes first on PATH), its folder comes first on PATH, and
    ``GRDP_ROOT`` is the root this process reads, so the notebooks read the same vintage."""
    env = dict(os.environ)
    env["QUARTO_PYTHON"] = sys.executable
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["GRDP_ROOT"] = str(paths.repo_root())
    return env


def _kernel(book: Path) -> str:
    """The Jupyter kernel a report notebook names; raises PublishError if this Python's Jupyter lacks it."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager

    name = nbformat.read(book, as_version=4).metadata.get("kernelspec", {}).get("name", "")
    if name not in KernelSpecManager().find_kernel_specs():
        raise PublishError(f"report {book.name} names the Jupyter kernel {name!r}, which the Jupyter of "
                           f"{sys.executable} does not have; install it with `{sys.executable} -m ipykernel "
                           f"install --sys-prefix --name {name}` (make does)")
    return name


def _dated(book: Path, as_of: str) -> None:
    """Give a copied report's front matter the vintage's cut-off as its date, written in the report's language
    (``labels.yaml`` kind ``quarto``)."""
    import nbformat

    from grdp.base.labels import label

    notebook = nbformat.read(book, as_version=4)
    meta = front_matter(notebook)
    if not meta:  # no front matter: one is added
        notebook.cells.insert(0, nbformat.v4.new_raw_cell(""))
    meta.update({"date": as_of, "date-format": label("quarto", "date_format", meta.get("lang", "en"))})
    notebook.cells[0].source = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---"
    nbformat.write(notebook, book)


def _failure(output: str) -> str:
    """What went wrong in a failed render, from Quarto's output: the last Python error it names, else its last
    error line (the notebooks are executed before Quarto runs, so no code cell fails inside Quarto)."""
    text = ANSI.sub("", output)
    errors = PYTHON_ERROR.findall(text)
    if errors:
        return f": {errors[-1][0]}: {errors[-1][1].strip()}"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    problem = next((line for line in reversed(lines) if line.startswith(("ERROR", "Error"))), lines[-1] if lines
                   else "no output")
    return f": {problem}"


def _failed_folder(vintage: str) -> Path:
    """A new folder in the failed-runs folder for what a failed publication of ``vintage`` keeps."""
    folder = paths.failed_runs_dir() / f"{vintage}-reports-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _keep_log(vintage: str, book: Path, command: list[str], done: subprocess.CompletedProcess) -> Path:
    """Write the command and the last :data:`LOG_LINES` lines of Quarto's output to the failed-runs folder."""
    folder = _failed_folder(vintage)
    log = folder / f"{book.stem}.quarto.log"
    tail = "\n".join(ANSI.sub("", done.stderr).splitlines()[-LOG_LINES:])
    log.write_text(f"$ {' '.join(command)}\nexit status {done.returncode}\n\n--- stderr (last {LOG_LINES} lines) "
                   f"---\n{tail}\n", encoding="utf-8")
    return log


def project_template(executable: str, folder: Path, env: dict[str, str]) -> Path:
    """Copy the Quarto project ``reports/`` to ``folder`` as a report is rendered from it, and return ``folder``.

    The copy has the project's settings, styles and Lua filters, but no notebook and no rendered file. It gets
    Pandoc's default DOCX reference document with the PDF's type sizes
    (:func:`grdp.report.layout.reference_docx`), named in its ``_quarto.yml``; execution is off there (each
    report is executed once, before Quarto renders it) and the list of files to render is dropped (a copy
    renders the one report it is given).

    Raises
    ------
    PublishError
        If ``quarto pandoc`` cannot write its reference document.
    """
    from grdp.report.layout import reference_docx

    shutil.copytree(paths.reports_dir(), folder, ignore=shutil.ignore_patterns(
        ".quarto", "*_files", ".ipynb_checkpoints", "*.ipynb", *(f"*{suffix}" for suffix in FORMATS)))
    reference = folder / "reference.docx"
    default = subprocess.run([executable, "pandoc", "-o", str(reference), "--print-default-data-file",
                              "reference.docx"], capture_output=True, text=True, env=env)
    if default.returncode != 0 or not reference.exists():
        raise PublishError(f"quarto pandoc could not write its reference.docx: {default.stderr[-500:]}")
    reference.write_bytes(reference_docx(reference.read_bytes()))
    settings = folder / "_quarto.yml"
    config = yaml.safe_load(settings.read_text(encoding="utf-8")) if settings.exists() else {}
    formats = config.get("format") or {}
    if "docx" in formats:  # the DOCX takes its styles from the reference document
        formats["docx"] = {**(formats["docx"] or {}), "reference-doc": reference.name}
    config["execute"] = {**(config.get("execute") or {}), "enabled": False}
    (config.get("project") or {}).pop("render", None)
    settings.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def render_quarto(executable: str, vintage: str, staging: Path, progress: bool = False) -> str:
    """Render every report with Quarto from a temporary copy of ``reports/`` into ``staging``.

    Parameters
    ----------
    executable
        The ``quarto`` command.
    vintage
        The vintage the reports read (their ``vintage`` parameter).
    staging
        Where ``<report>.html``, ``.docx`` and ``.pdf`` of every report are moved.
    progress
        Print a line per report.

    Returns
    -------
    str
        ``"quarto <version>"``.

    Raises
    ------
    PublishError
        If there is no report, the kernel a report names is missing, or a report fails (the message names
        the report, the code cell and the error, and the log kept of Quarto's output).
    """
    from concurrent.futures import ThreadPoolExecutor

    from grdp.report.layout import a4_docx
    from grdp.report.vintage_tables import VintageTables
    from grdp.run.pipeline import NotebookError, execute

    books = report_notebooks()
    if not books:
        raise PublishError(f"no report notebooks in {paths.reports_dir()}")
    for book in books:
        _kernel(book)
    as_of = VintageTables(vintage).as_of
    env = quarto_environment()
    with tempfile.TemporaryDirectory(prefix="grdp-reports-") as scratch:
        template = project_template(executable, Path(scratch) / "template", env)

        def publish_one(book: Path) -> None:
            project = Path(scratch) / book.stem  # a project of its own: two renders never share a folder
            shutil.copytree(template, project)
            copy = project / book.name
            shutil.copyfile(book, copy)
            _dated(copy, as_of)
            if progress:
                print(f"report {book.name}: executing, then rendering (quarto)", file=sys.stderr, flush=True)
            try:
                execute(copy, copy, {"vintage": vintage}, project)
            except NotebookError as exc:
                raise _failed_report(book, copy, exc, vintage) from None
            command = [executable, "render", copy.name, "--no-execute"]
            done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                log = _keep_log(vintage, book, command, done)
                raise PublishError(f"report {book.name} failed{_failure(done.stderr)}; no reports were "
                                   f"published; the end of Quarto's output is kept in {log}")
            for suffix in FORMATS:
                output = project / f"{book.stem}{suffix}"
                if not output.exists():
                    raise PublishError(f"quarto rendered report {book.name} without its {suffix} file; no reports "
                                       "were published")
                if suffix == ".docx":
                    output.write_bytes(a4_docx(output.read_bytes()))
                shutil.move(str(output), staging / output.name)

        with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
            errors = [f.exception() for f in [pool.submit(publish_one, book) for book in books]]
        first = next((e for e in errors if e is not None), None)
        if first is not None:
            raise first
    return f"quarto {quarto_version(executable)}"


def _failed_report(book: Path, executed: Path, error, vintage: str) -> PublishError:
    """One message for a report that failed when executed: the code cell (the one holding the error output: its
    number among the report's code cells and its first line) and the error; the executed notebook, with the
    traceback, is kept in the failed-runs folder (:func:`grdp.base.paths.failed_runs_dir`) and named."""
    import nbformat

    where = f" in cell {error.cell}" if error.cell is not None else " to execute"
    kept = ""
    if executed.exists():
        ran = nbformat.read(executed, as_version=4)
        errored = [c for c in ran.cells if c.cell_type == "code"
                   and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
        if errored:
            failing = errored[0].source.strip()
            codes = [c.source.strip() for c in nbformat.read(book, as_version=4).cells if c.cell_type == "code"]
            first = failing.splitlines()[0] if failing else ""
            where = (f" in code cell {codes.index(failing) + 1} ({first})" if failing in codes
                     else f" in the code cell {first!r}")
        folder = _failed_folder(vintage)
        target = folder / f"{book.stem}.executed.ipynb"
        shutil.copyfile(executed, target)
        kept = f"; the executed notebook, with the traceback, is kept in {target}"
    return PublishError(f"report {book.name} failed{where}: {error.ename}: {error.evalue}; no reports were "
                        f"published{kept}")


def _render_preview(vintage: str, staging: Path, progress: bool) -> None:
    import nbformat

    from grdp.run.pipeline import NotebookError, execute

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
            raise _failed_report(book, executed, exc, vintage) from None
        notebook = nbformat.read(executed, as_version=4)
        (staging / f"{book.stem}.html").write_text(preview_html(notebook), encoding="utf-8")


def preview_html(notebook) -> str:
    """Return the preview HTML of an executed report notebook.

    The Quarto front matter (first raw cell) becomes a title block with the preview banner in the report's
    language (``lang``); inputs and prompts are hidden, as ``echo: false`` does in Quarto; Quarto shortcodes
    (``{{< pagebreak >}}``) and the ``.landscape`` div fences are left out; figures are embedded as
    data URIs, so the file stands alone (MathJax still loads from its CDN).
    """
    import nbformat
    from nbconvert import HTMLExporter

    from grdp.report.layout import plain_captions, without_fences

    meta = front_matter(notebook)
    body = nbformat.from_dict(notebook)
    if meta:
        body.cells = body.cells[1:]
    for cell in body.cells:  # page layout for DOCX and PDF only (page breaks, landscape pages): not shown
        if cell.cell_type == "markdown":
            cell.source = without_fences(cell.source.replace("{{< pagebreak >}}", ""))
        for output in cell.get("outputs", []):
            if "text/markdown" in output.get("data", {}):
                text = output["data"]["text/markdown"]
                output["data"]["text/markdown"] = plain_captions("".join(text) if isinstance(text, list) else text)
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
