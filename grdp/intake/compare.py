"""Compare a release with the rows already in ``sources/``: new figures, revisions, conflicts, duplicates.

A *figure* is one key of :data:`grdp.base.schemas.FIGURE_KEY` (what is measured, where, when, at what prices, in
what unit); a *release* of it is one (``publication_date``, ``url``). For every row of an incoming release:

- **duplicate**: a row with the same figure, release and value is already in ``sources/`` (refused);
- **conflict**: the same figure already has another value *in the same release*, or the release itself
  lists the figure twice (refused; identical repeats are refused as duplicates);
- otherwise the row is a new release of its figure, and it is compared with the releases of the same
  figure already there:

  - by the **same publisher** (the institution: the publisher text before the first ``(``, ``,``, ``:``
    or `` via ``, ignoring case, so "Cục Thống kê (...), via cafef.vn" and "Cục Thống kê (...), via
    vneconomy.vn" are one publisher quoted by two outlets): the latest release dated before this one gives
    a **revision** (its size: new - old, in percentage points for percent units, in percent of the old
    value for levels) or an **unchanged** figure; none gives a **new figure**; releases dated after this
    one are listed as later revisions (a backfilled first estimate); a release of the same date and
    another URL with another value is flagged, because the accounts refuse to choose between them;
  - by **other publishers**: their latest values that differ are listed side by side (never averaged).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from grdp.base import schemas
from grdp.intake.release import Release, ReleaseRow
from grdp.sources import Problem, release_date

FigureKey = tuple[str, ...]

_INSTITUTION = re.compile(r"\s*\(|,|:|\s+via\s+", re.IGNORECASE)


def publisher_key(publisher: str) -> str:
    """The institution a publisher text names (see the module docstring)."""
    return _INSTITUTION.split(publisher, maxsplit=1)[0].strip().casefold()


def figure_key(values: dict[str, str]) -> FigureKey:
    """The figure a row is a release of."""
    return tuple(values[c] for c in schemas.FIGURE_KEY)


def describe(values: dict[str, str]) -> str:
    """A figure in a few words: ``vn national 2025Q1 grdp_real_growth TOTAL constant_2010``."""
    parts = [values["region"], values["boundary"], values["period"], values["variable"], values["industry"]]
    if values["price_basis"] != "none":
        parts.append(values["price_basis"])
    return " ".join(parts)


@dataclass(frozen=True)
class Existing:
    """A row already in ``sources/``: its dataset, line in ``data.csv`` and values."""

    dataset: str
    line: int
    values: dict[str, str]

    def where(self) -> str:
        return f"sources/{self.dataset}/data.csv line {self.line}"

    def label(self) -> str:
        v = self.values
        return f"{v['value']} ({v['publisher']}, {v['publication_date']})"


def read_existing(dataset: str, path: Path, rows: list[dict[str, str]]) -> list[Existing]:
    """Attach line numbers to the validated rows of a ``data.csv`` (blank lines are skipped by both)."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    next(reader)
    lines = [reader.line_num for fields in reader if any(f.strip() for f in fields)]
    return [Existing(dataset, line, row) for line, row in zip(lines, rows)]


def size(new: str, old: str, unit: str) -> str:
    """The size of a revision from ``old`` to ``new``: pp for percent units, % of the old value otherwise."""
    difference = float(new) - float(old)
    if unit == "percent":
        return f"{difference:+.2f} pp"
    if float(old) == 0:
        return f"{difference:+g}"
    return f"{difference:+g} ({100 * difference / abs(float(old)):+.2f}%)"


@dataclass
class Finding:
    """How one incoming row relates to what is already in ``sources/``."""

    row: ReleaseRow
    status: str  # "new", "revision", "unchanged"
    previous: Existing | None = None
    later: list[Existing] = field(default_factory=list)
    same_day: list[Existing] = field(default_factory=list)
    others: list[Existing] = field(default_factory=list)


def _release(values: dict[str, str]) -> tuple[str, str]:
    return values["publication_date"], values["url"]


def _number(text: str) -> float | str:
    """A value for comparison: the number, or the text itself where it is not one (the contract check names it)."""
    try:
        return float(text)
    except ValueError:
        return text


def within_release(release: Release) -> tuple[list[Problem], list[Problem]]:
    """Figures listed twice in the incoming release: (conflicting values, identical repeats)."""
    conflicts: list[Problem] = []
    repeats: list[Problem] = []
    first: dict[tuple, ReleaseRow] = {}
    for row in release.rows:
        key = figure_key(row.values) + _release(row.values)
        if key not in first:
            first[key] = row
            continue
        earlier = first[key]
        line, column = row.place("value")
        before = earlier.place("value")[0] or earlier.place("value")[1]
        if _number(earlier.values["value"]) != _number(row.values["value"]):
            conflicts.append(Problem(release.file, f"{describe(row.values)} has two values in one release: "
                                                   f"{earlier.values['value']} (at {before}) and "
                                                   f"{row.values['value']}", line=line, column=column))
        else:
            repeats.append(Problem(release.file, f"{describe(row.values)} is listed twice (also at {before})",
                                   line=line, column=column))
    return conflicts, repeats


def classify(release: Release, existing: list[Existing]) -> tuple[list[Finding], list[Problem], list[Problem]]:
    """Classify every incoming row against the rows already in ``sources/``.

    Returns
    -------
    tuple
        ``(findings, duplicates, conflicts)``: one finding per row that is a new release of its figure,
        and the problems of rows that repeat (``duplicates``) or contradict (``conflicts``) a row of the
        same release already in ``sources/``.
    """
    by_figure: dict[FigureKey, list[Existing]] = {}
    for known in existing:
        by_figure.setdefault(figure_key(known.values), []).append(known)
    findings: list[Finding] = []
    duplicates: list[Problem] = []
    conflicts: list[Problem] = []
    for row in release.rows:
        values = row.values
        line, column = row.place("value")
        history = by_figure.get(figure_key(values), [])
        same_release = [e for e in history if _release(e.values) == _release(values)]
        if same_release:
            match = same_release[0]
            if float(match.values["value"]) == float(values["value"]):
                duplicates.append(Problem(release.file, f"{describe(values)} = {values['value']} of this release "
                                                        f"is already in {match.where()}", line=line, column=column))
            else:
                conflicts.append(Problem(release.file, f"{describe(values)}: this release already has the value "
                                                       f"{match.values['value']} in {match.where()}, not "
                                                       f"{values['value']}", line=line, column=column))
            continue
        findings.append(_finding(row, history))
    return findings, duplicates, conflicts


def _finding(row: ReleaseRow, history: list[Existing]) -> Finding:
    values = row.values
    when = release_date(values["publication_date"])
    institution = publisher_key(values["publisher"])
    own = [e for e in history if publisher_key(e.values["publisher"]) == institution]
    earlier = [e for e in own if release_date(e.values["publication_date"]) < when]
    finding = Finding(row, "new")
    if earlier:
        finding.previous = max(earlier, key=lambda e: (release_date(e.values["publication_date"]), e.line))
        same = float(finding.previous.values["value"]) == float(values["value"])
        finding.status = "unchanged" if same else "revision"
    finding.later = sorted((e for e in own if release_date(e.values["publication_date"]) > when),
                           key=lambda e: release_date(e.values["publication_date"]))
    finding.same_day = [e for e in own if release_date(e.values["publication_date"]) == when
                        and float(e.values["value"]) != float(values["value"])]
    latest_other: dict[str, Existing] = {}
    for e in history:
        key = publisher_key(e.values["publisher"])
        if key != institution and (key not in latest_other or release_date(e.values["publication_date"])
                                   >= release_date(latest_other[key].values["publication_date"])):
            latest_other[key] = e
    finding.others = [e for e in latest_other.values() if float(e.values["value"]) != float(values["value"])]
    return finding
