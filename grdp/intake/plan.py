"""Check a release against the source contract and the rows already in ``sources/``, and stage its files.

:func:`plan` is the dry run: it writes nothing under ``sources/``. It

1. checks every row with the source contract itself, :func:`grdp.sources.check_row`, and reports each
   problem at the line and column of the file the value was read from;
2. refuses a release dated after today, a figure listed twice in the release (with two values: a
   conflict; with one: a repeat), and a row already in ``sources/`` (duplicate) or contradicting a row of
   the same release there (conflict), using :mod:`grdp.intake.compare`;
3. stages the files the release would change, exactly as they would be written: ``data.csv`` (the old
   text, untouched, with the new rows appended), ``provenance.yaml`` (``publication_date`` = the latest
   release in the folder, ``retrieval_date`` = today; other lines untouched) and ``sources/DATA_LOG.md``
   (an entry appended), and validates the staged dataset folder with :func:`grdp.sources.check_data` and
   :func:`grdp.sources.check_provenance` (which also check the release as part of the whole file, e.g.
   broad-sector shares adding up to 100).

Any problem raises :class:`~grdp.intake.release.IntakeError` listing all problems of the first kind found,
in the order: invalid, future, conflict, duplicate. :func:`grdp.intake.writer.apply` writes a plan.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from grdp import sources
from grdp.base import paths, schemas
from grdp.intake.compare import Existing, Finding, classify, figure_key, read_existing, within_release
from grdp.intake.release import IntakeError, Release
from grdp.sources import Problem, release_date

DATA_LOG = "DATA_LOG.md"
LOG_HEADING = "## Intake log"
LOG_INTRO = ("Releases brought into `sources/` by `grdp ingest`, oldest first: the day of intake, the dataset, "
             "the rows added, the release (publisher, publication date, URL), the file it was read from and "
             "what the rows were against the releases already there.")
_STATUS_WORDS = {"new": ("new figure", "new figures"), "revision": ("revision", "revisions"),
                 "unchanged": ("unchanged figure", "unchanged figures")}
LICENCE = ("Public official statistics quoted or published by the institution named on every row; reproduced as "
           "facts with attribution to the publisher and URL.")


@dataclass
class Plan:
    """What :func:`grdp.intake.writer.apply` would write, and why.

    Attributes
    ----------
    release
        The release read from its file.
    folder
        ``sources/<dataset>``.
    findings
        One per row that is a new release of its figure (see :mod:`grdp.intake.compare`).
    rows
        The rows to append, in order.
    skipped_unchanged
        Rows left out because they repeat the value of the same publisher's previous release
        (machine-readable full-history files only).
    files
        Each file to write: its text before (``None`` for a new file) and after.
    """

    release: Release
    folder: Path
    findings: list[Finding]
    rows: list[dict[str, str]]
    skipped_unchanged: int
    files: dict[Path, tuple[str | None, str]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)

    @property
    def new_dataset(self) -> bool:
        return self.files[self.folder / sources.DATA_FILE][0] is None


def _first_kind(groups: list[tuple[str, list[Problem]]]) -> None:
    for kind, problems in groups:
        if problems:
            unique = list(dict.fromkeys(problems))
            raise IntakeError(unique, kind)


def _contract_problems(release: Release) -> list[Problem]:
    known = sources.variables()
    problems = []
    for row in release.rows:
        for column, message in sources.check_row(row.values, known):
            line, label = row.place(column)
            problems.append(Problem(release.file, message, line=line, column=label or column))
    return problems


def _future_problems(release: Release, today: date) -> list[Problem]:
    problems = []
    for row in release.rows:
        text = row.values["publication_date"]
        try:
            when = release_date(text)
        except ValueError:
            continue  # reported by the contract check
        if when > today:
            line, label = row.place("publication_date")
            problems.append(Problem(release.file, f"publication date {text} is after today ({today}); a release "
                                                  "cannot be dated in the future", line=line,
                                    column=label or "publication_date"))
    return problems


def _existing(root: Path) -> list[Existing]:
    rows: list[Existing] = []
    problems: list[Problem] = []
    for folder in sources.source_folders(root):
        data, data_problems = sources.check_data(folder / sources.DATA_FILE)
        problems += data_problems
        if not data_problems:
            rows += read_existing(folder.name, folder / sources.DATA_FILE, data)
    if problems:
        raise IntakeError(problems + [Problem(root, "sources/ is not valid; fix it (grdp validate) before an intake")])
    return rows


def csv_lines(rows: list[dict[str, str]]) -> str:
    """The rows as ``data.csv`` lines (the files' own quoting, ``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([[row[c] for c in schemas.SOURCE_COLUMNS] for row in rows])
    return buffer.getvalue()


def _yaml_value(old: str, new: str) -> str:
    quote = old.strip()[:1]
    return f"{quote}{new}{quote}" if quote in ("'", '"') else new


def updated_provenance(text: str, latest: str, today: date) -> str:
    """``provenance.yaml`` with ``publication_date`` and ``retrieval_date`` replaced, every other line kept."""
    for field_name, value in (("publication_date", latest), ("retrieval_date", today.isoformat())):
        pattern = re.compile(rf"^({field_name}:[ \t]*)(.*?)([ \t]*(#.*)?)$", re.MULTILINE)
        match = pattern.search(text)
        if match is None:
            text = text.rstrip("\n") + f"\n{field_name}: {value}\n"
        else:
            text = text[:match.start(2)] + _yaml_value(match.group(2), value) + text[match.end(2):]
    return text


def new_provenance(release: Release, latest: str, today: date) -> str:
    """The ``provenance.yaml`` of a dataset started by ``release``."""
    publisher, _, url = release.releases()[0]
    meta = {
        "id": release.dataset, "title": release.new_dataset_title, "publisher": publisher, "url": url,
        "publication_date": latest, "retrieval_date": today.isoformat(),
        "retrieved_via": f"grdp ingest ({release.kind} {release.file.name})", "licence": LICENCE,
        "rating": release.rows[0].values["rating"],
        "notes": f"Started by grdp ingest on {today.isoformat()} from {release.file.name}; see sources/DATA_LOG.md.",
    }
    return yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=110)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.repo_root()))
    except ValueError:
        return path.name


def log_entry(release: Release, rows: list[dict[str, str]], findings: list[Finding], today: date) -> str:
    """One line of the intake log for ``DATA_LOG.md``."""
    counts: dict[str, int] = {}
    appended = {id(r) for r in rows}
    for f in findings:
        if id(f.row.values) in appended:
            counts[f.status] = counts.get(f.status, 0) + 1
    what = ", ".join(f"{n} {_STATUS_WORDS[s][n != 1]}" for s, n in sorted(counts.items()))
    releases = "; ".join(f"{p}, {d}, {u}" for p, d, u in release.releases())
    added = f"+{len(rows)} row{'s' if len(rows) != 1 else ''}"
    return (f"- {today.isoformat()} · `{release.dataset}` · {added} · {releases} · from "
            f"`{_display(release.file)}` ({release.kind}) · {what}\n")


def updated_log(text: str, entry: str) -> str:
    """``DATA_LOG.md`` with ``entry`` appended under the intake-log heading (added once, at the end)."""
    text = text.rstrip("\n") + "\n"
    if LOG_HEADING not in text:
        text += f"\n{LOG_HEADING}\n\n{LOG_INTRO}\n\n"
    return text + entry


def _normalised(release: Release) -> None:
    for row in release.rows:
        for column, value in row.values.items():
            if "\n" in value or "\r" in value:
                row.values[column] = " ".join(value.split())


def plan(release: Release, *, root: str | Path | None = None, today: date | None = None,
         skip_unchanged: bool = False) -> Plan:
    """Check ``release`` and stage what an intake would write (nothing is written under ``sources/``).

    Parameters
    ----------
    release
        From one of the readers.
    root
        The ``sources/`` folder (default :func:`grdp.base.paths.sources_dir`).
    today
        The intake date (default today): later release dates are refused; it is the ``retrieval_date``.
    skip_unchanged
        Leave out rows whose value equals the same publisher's previous release of the figure (for files
        that republish their whole history at every release, such as the NSDP SDMX file).

    Raises
    ------
    IntakeError
        With every problem of the first kind found (future, invalid, conflict, duplicate; ``nothing new`` when
        every row is already in ``sources/`` or unchanged).
    """
    root = Path(root) if root is not None else paths.sources_dir()
    today = today or date.today()
    _normalised(release)
    folder = root / release.dataset
    naming: list[Problem] = []
    if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", release.dataset):
        naming.append(Problem(release.file, f"dataset '{release.dataset}' is not a dataset folder name (lower-case "
                                            "letters, digits and _; folders starting with _ are not datasets)",
                              column="dataset"))
    elif not folder.is_dir() and not release.new_dataset_title:
        naming.append(Problem(release.file, f"no dataset folder sources/{release.dataset}; to start a new dataset "
                                            "give its title (new_dataset_title / --new-dataset)", column="dataset"))
    if not release.rows:
        naming.append(Problem(release.file, "the release has no figures"))
    conflicts, repeats = within_release(release)
    # a release dated after today is refused as such first (the contract check would also call the date invalid)
    _first_kind([("future", _future_problems(release, today)), ("invalid", naming + _contract_problems(release)),
                 ("conflict", conflicts), ("duplicate", repeats)])
    existing = _existing(root)
    findings, duplicates, clashes = classify(release, existing)
    _first_kind([("conflict", clashes)])
    rows = [f.row.values for f in findings if not (skip_unchanged and f.status == "unchanged")]
    if duplicates and not rows:
        keys = {figure_key(r.values) + (r.values["publication_date"], r.values["url"]) for r in release.rows}
        lines: dict[str, list[int]] = {}
        for e in existing:
            if figure_key(e.values) + (e.values["publication_date"], e.values["url"]) in keys:
                lines.setdefault(e.dataset, []).append(e.line)
        where = "; ".join(f"sources/{d}/data.csv lines {min(n)}-{max(n)}" for d, n in lines.items())
        raise IntakeError([Problem(release.file, f"this release is already in sources/: all {len(duplicates)} "
                                                 f"figures, with the same values, are in {where}; nothing to add")],
                          "duplicate", nothing_new=True)
    if duplicates:
        raise IntakeError(list(dict.fromkeys(duplicates)), "duplicate")
    if not rows:
        raise IntakeError([Problem(release.file, f"all {len(findings)} figures repeat the values of the same "
                                                 "publisher's previous release: nothing new to add")], "nothing new",
                          nothing_new=True)
    result = Plan(release, folder, findings, rows, len(findings) - len(rows), today=today)
    _stage(result, root, existing)
    return result


def _stage(result: Plan, root: Path, existing: list[Existing]) -> None:
    release, folder, today = result.release, result.folder, result.today
    data_path, provenance_path, log_path = folder / sources.DATA_FILE, folder / sources.PROVENANCE_FILE, root / DATA_LOG
    old_data = data_path.read_text(encoding="utf-8") if data_path.exists() else None
    head = old_data if old_data is not None else ",".join(schemas.SOURCE_COLUMNS) + "\n"
    if not head.endswith("\n"):
        head += "\n"
    dates = [e.values["publication_date"] for e in existing if e.dataset == release.dataset]
    latest = max(dates + [r["publication_date"] for r in result.rows], key=release_date)
    old_provenance = provenance_path.read_text(encoding="utf-8") if provenance_path.exists() else None
    provenance = (updated_provenance(old_provenance, latest, today) if old_provenance is not None
                  else new_provenance(release, latest, today))
    old_log = log_path.read_text(encoding="utf-8") if log_path.exists() else None
    result.files = {
        data_path: (old_data, head + csv_lines(result.rows)),
        provenance_path: (old_provenance, provenance),
        log_path: (old_log, updated_log(old_log or "# Data log\n", log_entry(release, result.rows,
                                                                             result.findings, today))),
    }
    first_new_line = head.count("\n") + 1
    with tempfile.TemporaryDirectory(prefix="grdp-intake-") as tmp:
        staged = Path(tmp) / folder.name
        staged.mkdir()
        (staged / sources.DATA_FILE).write_text(result.files[data_path][1], encoding="utf-8")
        (staged / sources.PROVENANCE_FILE).write_text(provenance, encoding="utf-8")
        problems = []
        for problem in sources.check_data(staged / sources.DATA_FILE)[1]:
            problems.append(_located(problem, result, first_new_line, data_path))
        for problem in sources.check_provenance(staged):
            problems.append(Problem(provenance_path, problem.message, problem.line, problem.column))
    _first_kind([("invalid", problems)])


def _located(problem: Problem, result: Plan, first_new_line: int, data_path: Path) -> Problem:
    """A problem of the staged ``data.csv`` at the place in the release file of the row it concerns."""
    if problem.line is None or problem.line < first_new_line:
        return Problem(data_path, problem.message, problem.line, problem.column)
    values = result.rows[problem.line - first_new_line]
    row = next(f.row for f in result.findings if f.row.values is values)
    line, label = row.place(problem.column or "value")
    return Problem(result.release.file, problem.message, line, label or problem.column)
