"""The source contract: validate the dataset folders of ``sources/``, reporting every problem with its place.


Each dataset is a folder with ``data.csv`` and ``provenance.yaml`` (the contract is in
``sources/README.md``). Validation reads every file with the standard ``csv`` module so that
every problem can be reported on one line with its file, line and column, what is wrong and what
was expected; it collects *all* problems rather than stopping at the first. Only a fully valid set
of sources is turned into the observations table, which is then checked again against
:data:`grdp.base.schemas.OBSERVATIONS`.

What validation refuses, beyond the contract's codes and columns:

* **Implausible numbers.** Values are plain decimals in ASCII digits (full-width or Arabic-Indic
  digits are named), finite, and within the bounds of their variable in ``grdp/data/value_bounds.csv``
  (a share in [0, 100], a growth rate above -100%, a level in bn VND below 1e9, ...); the bound and its
  reason are quoted in the message. For industry ``TAX`` (product taxes less subsidies, which may be
  negative) the lower bound is minus the upper one.
* **Dates that do not exist or cannot be.** ``2023-13`` or ``2025-02-30`` are refused (never rolled
  over into another month); a publication date may not be after today nor after the dataset's
  ``retrieval_date``.
* **Duplicates.** A row repeated exactly is reported; the same figure in the same release (same key,
  ``publication_date`` and ``url``) must have one value, within a dataset and across datasets.
* **Unsafe files.** Files must be regular files inside their dataset folder (not a directory, a device
  such as ``/dev/zero`` or a link pointing elsewhere), at most :data:`MAX_DATA_BYTES` or
  :data:`MAX_PROVENANCE_BYTES`; YAML is read with the safe loader, at most :data:`MAX_YAML_ALIASES`
  aliases and :data:`MAX_YAML_DEPTH` levels of nesting (an alias bomb is refused before it expands).
* **Spreadsheet mistakes**, each named: a UTF-8 byte-order mark, semicolon or tab delimiters, decimal
  commas and thousands separators, percent signs, invisible characters (non-breaking or zero-width
  spaces, control characters) and stray spaces in codes, text that starts like a spreadsheet formula.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import fnmatch
import io
import math
import re
import stat
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from grdp.base import classification, paths, schemas

DATA_FILE = "data.csv"
PROVENANCE_FILE = "provenance.yaml"
BOUNDS_FILE = "value_bounds.csv"
"""Plausible bounds of values by variable and unit (``grdp/data/value_bounds.csv``)."""

MAX_DATA_BYTES = 20_000_000
"""Largest ``data.csv`` read (the largest dataset, GSO's section accounts, is about 1.6 MB)."""
MAX_PROVENANCE_BYTES = 65_536
"""Largest ``provenance.yaml`` read."""
MAX_SNAPSHOT_BYTES = 500_000_000
"""Largest input snapshot read back by :func:`load_snapshot`."""
MAX_YAML_ALIASES = 20
"""YAML aliases (``*name``) allowed in a provenance file; provenance needs none, a bomb needs many."""
MAX_YAML_DEPTH = 10
"""Nesting of YAML collections allowed in a provenance file (its fields are flat)."""

PROVENANCE_FIELDS = (
    "id",
    "title",
    "publisher",
    "url",
    "publication_date",
    "retrieval_date",
    "retrieved_via",
    "licence",
    "rating",
    "notes",
)

TARGET_VARIABLES = ("de_share_target", "de_share_target_upper")
"""Policy targets (a target, or the two ends of a target range): their period is the target year, in the future."""
GROWTH_TARGET_VARIABLES = ("grdp_real_growth_target", "grdp_real_growth_target_upper")
"""Targets for real GRDP (GDP) growth, a year's or a multi-year average's (or the two ends of a target range):
decisions about the future, like :data:`TARGET_VARIABLES`, so their period may start after the release."""
FUTURE_VARIABLES = TARGET_VARIABLES + GROWTH_TARGET_VARIABLES
"""Variables whose period is the future (targets): exempt from the rule that a release reports a period begun."""
KEY = schemas.FIGURE_KEY
"""Columns that identify one figure (what is measured, for which territory and period)."""

SNAPSHOT_COLUMNS: tuple[str, ...] = schemas.SOURCE_COLUMNS + ("source_id",)
"""Columns of an input snapshot: the source columns as text, and the dataset (folder) each row comes from."""

_PERIOD_PATTERNS = {
    "A": re.compile(r"(?P<year>[0-9]{4})"),
    "Q": re.compile(r"(?P<year>[0-9]{4})Q(?P<sub>[1-4])"),
    "H": re.compile(r"(?P<year>[0-9]{4})H(?P<sub>[12])"),
    "M": re.compile(r"(?P<year>[0-9]{4})-(?P<sub>0[1-9]|1[0-2])"),
    "YTD": re.compile(r"(?P<year>[0-9]{4})-(?P<sub>[1-9]|1[01])M"),
    "AVG": re.compile(r"(?P<year>[0-9]{4})-(?P<end>[0-9]{4})"),
}
"""Period notation by frequency; always matched in full (``fullmatch``), ASCII digits only."""
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
RATING_RANK = {"green": 0, "amber": 1, "red": 2}
"""Ratings from best to worst (the rank sorts releases and picks the worst of several)."""
FIRST_YEAR, LAST_YEAR = 1990, 2050
"""Periods outside these years are rejected as out of range."""
SHARE_SUM_TOLERANCE_PP = 0.2
"""Published broad-sector shares (rounded to 0.1 pp) must add up to 100 within this."""
BROAD_SECTORS = ("A", "BTF", "GTT", "TAX")
TEXT_COLUMNS = ("publisher", "note")
"""Free-text columns; every other source column holds a code, a number, a date or a URL."""
_FORMULA_START = {"publisher": ("=", "+", "-", "@"), "note": ("=", "@")}
"""Starts of text that a spreadsheet would run as a formula (a note may start with + or -, e.g. '+8.5% ...')."""
_SHOWN = 60
"""Characters of a value quoted in a message."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a source file, located precisely enough to fix it."""

    file: Path
    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = str(self.file)
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class SourceValidationError(ValueError):
    """Raised when sources fail validation; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in sources:\n{lines}")


@dataclass(frozen=True)
class Bound:
    """The plausible range of one variable's values (a row of ``grdp/data/value_bounds.csv``)."""

    lower: float
    lower_open: bool
    upper: float
    reason: str

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies within the bound."""
        above = value > self.lower if self.lower_open else value >= self.lower
        return above and value <= self.upper


def _show(text: str) -> str:
    """Quote a value for a one-line message: control and invisible characters escaped, long values cut."""
    cut = text if len(text) <= _SHOWN else text[:_SHOWN] + f"... ({len(text)} characters)"
    escaped = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in cut)
    return f"'{escaped}'"


def _today() -> date:
    """Today's date (a function, so that tests can move the clock)."""
    return date.today()


def variables() -> pd.DataFrame:
    """Return the controlled list of variables (``grdp/data/variables.csv``) indexed by code."""
    table = pd.read_csv(paths.data_file("variables.csv"), dtype=str, keep_default_na=False)
    return table.set_index("variable", drop=False)


@cache
def _bound_rules() -> tuple[tuple[str, str, Bound], ...]:
    table = pd.read_csv(paths.data_file(BOUNDS_FILE), dtype=str, keep_default_na=False)
    return tuple((r.variable, r.unit, Bound(float(r.lower), r.lower_open == "true", float(r.upper), r.reason))
                 for r in table.itertuples())


def bound(variable: str, unit: str, industry: str = "TOTAL") -> Bound | None:
    """Return the plausible bound of a variable's values, or ``None`` for a unit without a rule.

    The first row of ``grdp/data/value_bounds.csv`` whose ``variable`` pattern (``fnmatch``: ``*growth*``,
    ``*`` for the unit's default) and ``unit`` match applies. Product taxes less subsidies (industry
    ``TAX``) may be negative: their lower bound is minus the upper one.
    """
    for pattern, rule_unit, rule in _bound_rules():
        if rule_unit == unit and fnmatch.fnmatchcase(variable, pattern):
            if industry == "TAX" and rule.lower == 0:
                return Bound(-rule.upper, False, rule.upper, rule.reason + "; product taxes less subsidies may "
                                                                           "be negative")
            return rule
    return None


def parse_date(text: str) -> tuple[date, date]:
    """Return the first and the last day a date written ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` can mean.

    Raises
    ------
    ValueError
        If the text is not such a date or names a day that does not exist (``2023-13``, ``2025-02-30``,
        ``0000``); the message says what is wrong and what was expected.
    """
    if not _DATE.fullmatch(text):
        raise ValueError(f"{_show(text)} is not a date; expected YYYY-MM-DD, YYYY-MM or YYYY")
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    if year < 1:
        raise ValueError(f"{_show(text)} has year {text[:4]}, which does not exist; expected a year such as 2025")
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    month = parts[1]
    if not 1 <= month <= 12:
        raise ValueError(f"{_show(text)} has month {text[5:7]}, which does not exist; expected a month 01-12")
    last = calendar.monthrange(year, month)[1]
    if len(parts) == 2:
        return date(year, month, 1), date(year, month, last)
    if not 1 <= parts[2] <= last:
        raise ValueError(f"{_show(text)} has day {text[8:10]}, but {calendar.month_name[month]} {year} has "
                         f"{last} days; expected a real calendar date")
    return date(year, month, parts[2]), date(year, month, parts[2])


def release_date(publication_date: str) -> date:
    """Return the date from which a release can be used (end of month/year for partial dates).

    Raises
    ------
    ValueError
        If ``publication_date`` is not a real date (see :func:`parse_date`).
    """
    return parse_date(publication_date)[1]


def period_start(period: str, frequency: str) -> date:
    """Return the first day of a period written in the sources' notation."""
    match = _PERIOD_PATTERNS[frequency].fullmatch(period)
    if match is None:
        raise ValueError(f"period {period!r} does not match frequency {frequency!r}")
    year = int(match["year"])
    if frequency == "Q":
        return date(year, 3 * int(match["sub"]) - 2, 1)
    if frequency == "H":
        return date(year, 6 * int(match["sub"]) - 5, 1)
    if frequency == "M":
        return date(year, int(match["sub"]), 1)
    return date(year, 1, 1)


_CONTROL_NAMES = {0: "NUL", 9: "TAB", 10: "LINE FEED", 13: "CARRIAGE RETURN", 27: "ESCAPE"}


def _character_name(char: str) -> str:
    name = _CONTROL_NAMES.get(ord(char)) or unicodedata.name(char, "control character")
    return f"U+{ord(char):04X} {name}"


def _hidden_character(text: str, column: str) -> str | None:
    """Name an invisible character or a stray space in a cell, or return ``None``.

    Control characters and format characters (zero-width spaces, byte-order marks, direction overrides) are
    refused everywhere (a note may hold line feeds, not carriage returns); non-ASCII spaces (such as the
    non-breaking space) and leading or trailing spaces are refused in codes, numbers, dates and URLs.
    """
    if not text.isprintable():  # str.isprintable: no control, format or separator character but the space
        for position, char in enumerate(text, 1):
            problem = _hidden(char, position, text, column)
            if problem is not None:
                return problem
    if column not in TEXT_COLUMNS and text != text.strip():
        return f"{_show(text)} has a leading or trailing space; delete it"
    return None


def _hidden(char: str, position: int, text: str, column: str) -> str | None:
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Zl", "Zp") and not (column == "note" and char == "\n"):
        return (f"{_show(text)} contains an invisible character ({_character_name(char)}) at position {position}; "
                "delete it")
    if category == "Zs" and char != " " and column not in TEXT_COLUMNS:
        return (f"{_show(text)} contains a non-standard space ({_character_name(char)}) at position {position}; "
                "delete it")
    return None


_MARKUP = re.compile(r"<\s*[A-Za-z!/?]|&#?[A-Za-z0-9]+;")
"""The start of an HTML or XML tag, comment or declaration (``<img``, ``</``, ``<!--``, ``<?``), or a character
reference (``&lt;``, ``&#60;``): markup, which a report would pass on to the reader's browser."""


def markup(text: str) -> str | None:
    """Why a text field is refused for holding markup (``None`` when it holds none).

    A publisher, note or URL is printed in the reports (HTML, DOCX, PDF); markup in it would reach an HTML
    report as live markup, so it is refused where it enters, with the text shown. A ``<`` or ``>`` followed by
    a space or a digit (``>1.33 quadrillion``, ``< 5%``) is text and allowed.
    """
    match = _MARKUP.search(text)
    if match is None:
        return None
    start = max(0, match.start() - 10)
    return (f"holds markup at character {match.start() + 1} ({_show(text[start:match.end() + 20])}); sources hold "
            "plain text, which the reports print as it is: write the words instead")


def _number_problem(text: str) -> str:
    """Explain why a value is not a plain decimal number."""
    stripped = text.strip()
    if stripped == "":
        return "value is empty; expected a plain decimal number such as 1479227 or 14.41"
    foreign = next((c for c in stripped if c.isdigit() and c not in "0123456789"), None)
    if foreign is not None:
        return (f"{_show(text)} is written with non-ASCII digits ({_character_name(foreign)}); expected the "
                "digits 0-9, e.g. 1479227")
    if stripped.endswith("%"):
        return f"{_show(text)} has a percent sign; write the number alone (e.g. 14.41) and put percent in 'unit'"
    if re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?", stripped):
        plain = stripped.replace(".", "").replace(",", ".")
        return f"{_show(text)} uses Vietnamese thousands separators; expected a plain decimal such as {plain}"
    if re.fullmatch(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?", stripped):
        plain = stripped.replace(",", "")
        return f"{_show(text)} has thousands separators; expected a plain decimal such as {plain}"
    if re.fullmatch(r"-?[0-9]{1,3}( [0-9]{3})+([.,][0-9]+)?", stripped):
        plain = stripped.replace(" ", "").replace(",", ".")
        return f"{_show(text)} has spaces as thousands separators; expected a plain decimal such as {plain}"
    if re.fullmatch(r"-?[0-9]+,[0-9]+", stripped):
        plain = stripped.replace(",", ".")
        return f"{_show(text)} uses a decimal comma; expected a decimal point, e.g. {plain}"
    if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?[eE][-+]?[0-9]+", stripped):
        return f"{_show(text)} is in scientific notation; expected the number written out, e.g. 1479227"
    return f"{_show(text)} is not a number; expected a plain decimal such as 1479227 or 14.41"


def _value_problem(row: dict[str, str], known_variables: pd.DataFrame) -> str | None:
    """The value must be a plain finite decimal within its variable's plausible bound."""
    text, variable, unit = row["value"], row["variable"], row["unit"]
    if _PLAIN_NUMBER.fullmatch(text) is None:
        return _number_problem(text)
    value = float(text)
    if not math.isfinite(value):
        return (f"{_show(text)} is too large to be a number ({len(text.lstrip('-'))} digits); expected a "
                "published figure such as 1479227")
    if variable not in known_variables.index or unit != known_variables.at[variable, "unit"]:
        return None  # reported as an unknown variable or a unit mismatch
    limits = bound(variable, unit, row["industry"])
    if limits is None or limits.contains(value):
        return None
    where = f"grdp/data/{BOUNDS_FILE}: {limits.reason}"
    shown = text if len(text) <= 20 else f"{text[:12]}... ({len(text.lstrip('-'))} digits)"
    if value < 0 and limits.lower == 0:
        return f"negative value {shown} is impossible for '{variable}'; expected a value >= 0 ({where})"
    if value > limits.upper:
        return f"{shown} {unit} is impossible for '{variable}'; expected at most {limits.upper:g} ({where})"
    sign = ">" if limits.lower_open else ">="
    return f"{shown} {unit} is impossible for '{variable}'; expected a value {sign} {limits.lower:g} ({where})"


def _date_problems(row: dict[str, str], retrieval_date: date | None, today: date) -> list[tuple[str, str]]:
    text = row["publication_date"]
    try:
        first, last = parse_date(text)
    except ValueError as exc:
        return [("publication_date", str(exc))]
    if not FIRST_YEAR <= first.year <= LAST_YEAR:
        return [("publication_date", f"{_show(text)} is out of range; expected years {FIRST_YEAR}-{LAST_YEAR}")]
    if first > today:
        return [("publication_date", f"{_show(text)} is after today ({today.isoformat()}); a release cannot be "
                                     "dated in the future")]
    if retrieval_date is not None and first > retrieval_date:
        return [("publication_date", f"{_show(text)} is after the dataset's retrieval_date "
                                     f"{retrieval_date.isoformat()} (provenance.yaml); a figure cannot be read "
                                     "before it was published")]
    frequency, period = row["frequency"], row["period"]
    pattern = _PERIOD_PATTERNS.get(frequency)
    match = pattern.fullmatch(period) if pattern else None
    if match is None or not FIRST_YEAR <= int(match["year"]) <= LAST_YEAR or row["variable"] in FUTURE_VARIABLES:
        return []
    if period_start(period, frequency) > last:
        return [("period", f"period '{period}' starts after the release date {text}; a release cannot report a "
                           "period not yet begun")]
    return []


def check_row(row: dict[str, str], known_variables: pd.DataFrame, *, retrieval_date: date | None = None,
              today: date | None = None) -> list[tuple[str, str]]:
    """Return (column, message) pairs for everything wrong with one data row.

    Parameters
    ----------
    row
        The row's cells by column name (text, as read from ``data.csv``).
    known_variables
        :func:`variables`.
    retrieval_date
        When the dataset was read (its ``provenance.yaml``); a publication date after it is refused.
    today
        The date after which no release can be dated (default: today).
    """
    missing = [c for c in schemas.SOURCE_COLUMNS if c not in row]
    if missing:
        return [(c, f"no value for column '{c}'") for c in missing]
    today = today or _today()
    out: list[tuple[str, str]] = []
    hidden = {}
    for column in schemas.SOURCE_COLUMNS:
        problem = _hidden_character(row[column], column)
        if problem is not None:
            hidden[column] = problem
    out.extend(hidden.items())
    allowed = schemas.ALLOWED
    for column, values in allowed.items():
        if column not in hidden and row[column] not in values:
            choices = ", ".join(sorted(values))
            out.append((column, f"{_show(row[column])} is not allowed; expected one of: {choices}"))
    if row["region"] in allowed["region"] and row["boundary"] in allowed["boundary"]:
        expected = ("national" if row["region"] == "vn" else "province" if row["region"] in schemas.OTHER_PROVINCES
                    else "old' or 'merged")
        if row["boundary"] not in expected.split("' or '"):
            out.append(("boundary", f"boundary '{row['boundary']}' does not fit region '{row['region']}'; "
                                    f"expected '{expected}' (national for vn, province for a province on the "
                                    "34-province boundary, old or merged otherwise)"))
    frequency, period = row["frequency"], row["period"]
    if frequency in _PERIOD_PATTERNS and "period" not in hidden:
        match = _PERIOD_PATTERNS[frequency].fullmatch(period)
        if match is None:
            out.append(("period", f"{_show(period)} is not a valid period for frequency '{frequency}'"))
        else:
            years = [int(match["year"])] + ([int(match["end"])] if frequency == "AVG" else [])
            if any(y < FIRST_YEAR or y > LAST_YEAR for y in years):
                out.append(("period", f"'{period}' is out of range; expected years {FIRST_YEAR}-{LAST_YEAR}"))
            elif frequency == "AVG" and years[1] <= years[0]:
                out.append(("period", f"'{period}' is an average period that ends before it starts; expected "
                                      "first year-last year, such as 2016-2020"))
    variable = row["variable"]
    if "variable" in hidden:
        pass
    elif variable not in known_variables.index:
        out.append(("variable", f"unknown variable {_show(variable)}; expected a code from grdp/data/variables.csv"))
    elif row["unit"] != known_variables.at[variable, "unit"] and "unit" not in hidden:
        expected = known_variables.at[variable, "unit"]
        out.append(("unit", f"unit {_show(row['unit'])} does not match variable '{variable}'; expected '{expected}'"))
    if row["industry"] not in classification.industry_codes() and "industry" not in hidden:
        out.append(("industry", f"unknown VSIC code {_show(row['industry'])}; expected a code from "
                                "grdp/data/vsic2018.csv or grdp/data/aggregates.csv"))
    if "value" not in hidden:
        problem = _value_problem(row, known_variables)
        if problem is not None:
            out.append(("value", problem))
    if "publication_date" not in hidden:
        out.extend(_date_problems(row, retrieval_date, today))
    if row["date_approx"] not in ("true", "false") and "date_approx" not in hidden:
        out.append(("date_approx", f"{_show(row['date_approx'])} is not allowed; expected true or false"))
    if not row["url"].startswith(("http://", "https://")) and "url" not in hidden:
        out.append(("url", f"{_show(row['url'])} is not a URL; expected http(s)://..."))
    if not row["publisher"].strip():
        out.append(("publisher", "publisher is empty"))
    for column in ("publisher", "note", "url"):
        problem = None if column in hidden else markup(row[column])
        if problem is not None:
            out.append((column, problem))
    for column, starts in _FORMULA_START.items():
        if column not in hidden and row[column].startswith(starts):
            out.append((column, f"{_show(row[column])} starts with '{row[column][0]}' as a spreadsheet formula "
                                "does; expected plain text"))
    if row["quality"] in ("derived", "imputed") and not row["note"].strip():
        out.append(("note", f"a {row['quality']} value needs its method stated in 'note'"))
    return out


def read_limited_text(path: Path, problems: list[Problem], limit: int | None = None) -> str | None:
    """Read a source file as UTF-8 text, or add the problem and return ``None``.

    Only a regular file is read, at most ``limit`` bytes; a symbolic link is followed only to a regular file
    inside the dataset's parent folder (the sources folder). A UTF-8 byte-order mark is reported and removed.
    """
    limit = MAX_DATA_BYTES if limit is None else limit
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(path.parent.parent.resolve()):
                problems.append(Problem(path, f"is a symbolic link to {target}, outside the sources folder; "
                                              "expected a regular file in the dataset folder"))
                return None
        info = path.stat()
    except FileNotFoundError:
        problems.append(Problem(path, "file is missing"))
        return None
    except OSError as exc:
        problems.append(Problem(path, f"cannot be read ({exc.strerror or exc}); expected a readable file"))
        return None
    if stat.S_ISDIR(info.st_mode):
        problems.append(Problem(path, "is a directory; expected a file"))
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.append(Problem(path, "is not a regular file (a device, pipe or socket); expected a file"))
        return None
    if info.st_size > limit:
        problems.append(Problem(path, f"is {info.st_size:,} bytes; expected at most {limit:,}"))
        return None
    try:
        with path.open("rb") as handle:
            raw = handle.read(info.st_size + 1)  # not limit + 1: read() allocates what it is asked for
            if len(raw) > info.st_size:  # the file grew since stat()
                raw += handle.read(limit + 1 - len(raw))
    except OSError as exc:
        problems.append(Problem(path, f"cannot be read ({exc.strerror or exc}); expected a readable file"))
        return None
    if len(raw) > limit:
        problems.append(Problem(path, f"is more than {limit:,} bytes; expected at most {limit:,}"))
        return None
    if raw.startswith(codecs.BOM_UTF8):
        problems.append(Problem(path, "starts with a UTF-8 byte-order mark (BOM), as Excel's 'CSV UTF-8' writes; "
                                      "expected UTF-8 without BOM (save it again without the BOM)", line=1))
        raw = raw[len(codecs.BOM_UTF8):]
    if not raw.strip():
        problems.append(Problem(path, "file is empty"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.append(Problem(path, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
                                      "save the file as UTF-8", line=line))
        return None


class _ProvenanceLoader(yaml.SafeLoader):
    """The safe YAML loader, keeping dates as text so that :func:`parse_date` checks them."""


_ProvenanceLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml_problem(path: Path, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = " ".join(filter(None, [getattr(exc, "context", None), getattr(exc, "problem", None)])) or str(exc)
    if mark is None:
        return Problem(path, f"not valid YAML ({' '.join(what.split())}); expected 'field: value' lines")
    return Problem(path, f"not valid YAML at character {mark.column + 1}: {' '.join(what.split())}; expected "
                         "'field: value' lines", line=mark.line + 1)


def _repeated_keys(path: Path, node: yaml.Node | None) -> list[Problem]:
    """A field given twice in a mapping (YAML would keep the last silently), at the line of the repeat."""
    if not isinstance(node, yaml.MappingNode):
        return []
    seen: dict[str, int] = {}
    problems = []
    for key, _ in node.value:
        name, at = str(key.value), key.start_mark.line + 1
        if name in seen:
            problems.append(Problem(path, f"field '{name}' is given twice (lines {seen[name]} and {at}); YAML would "
                                          "keep the last silently: give each field once", line=at, column=name))
        else:
            seen[name] = at
    return problems


def _load_yaml(path: Path, text: str) -> tuple[object, list[Problem]]:
    """Parse YAML safely: refuse more than MAX_YAML_ALIASES aliases or MAX_YAML_DEPTH levels before building it."""
    aliases = depth = 0

    def line(event: yaml.Event) -> int | None:
        return event.start_mark.line + 1 if event.start_mark is not None else None

    try:
        for event in yaml.parse(text, Loader=_ProvenanceLoader):
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_YAML_ALIASES:
                    return None, [Problem(path, f"uses more than {MAX_YAML_ALIASES} YAML aliases (*name); expected "
                                                "plain fields (provenance needs no aliases)",
                                          line=line(event))]
            elif isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return None, [Problem(path, f"nests collections more than {MAX_YAML_DEPTH} levels deep; "
                                                "expected plain 'field: value' lines", line=line(event))]
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        repeated = _repeated_keys(path, yaml.compose(text, Loader=_ProvenanceLoader))
        if repeated:
            return None, repeated
        return yaml.load(text, Loader=_ProvenanceLoader), []  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(path, exc)]


def _provenance(folder: Path, today: date) -> tuple[dict | None, list[Problem]]:
    """The provenance fields of a dataset (``None`` if unusable) and every problem with them."""
    path = folder / PROVENANCE_FILE
    problems: list[Problem] = []
    text = read_limited_text(path, problems, MAX_PROVENANCE_BYTES)
    if text is None:
        return None, problems
    meta, yaml_problems = _load_yaml(path, text)
    if yaml_problems:
        return None, problems + yaml_problems
    if not isinstance(meta, dict):
        return None, problems + [Problem(path, "expected a mapping of provenance fields ('field: value' lines)")]
    fields: dict[str, str] = {}
    for field in PROVENANCE_FIELDS:
        value = meta.get(field)
        if isinstance(value, (dict, list)):
            problems.append(Problem(path, f"field '{field}' is a {type(value).__name__}; expected text",
                                    column=field))
        elif value is None or str(value).strip() == "":
            problems.append(Problem(path, f"missing provenance field '{field}'", column=field))
        else:
            fields[field] = str(value)
    for field, value in fields.items():
        problem = _hidden_character(value, "note" if field in ("title", "notes", "publisher", "retrieved_via",
                                                                "licence") else field) or markup(value)
        if problem is not None:
            problems.append(Problem(path, problem, column=field))
            fields[field] = ""
    if fields.get("url") and not fields["url"].startswith(("https://", "http://")):
        problems.append(Problem(path, f"{_show(fields['url'])} is not a URL; expected http(s)://...", column="url"))
    if fields.get("id") and fields["id"] != folder.name:
        problems.append(Problem(path, f"id {_show(fields['id'])} differs from the folder name '{folder.name}'",
                                column="id"))
    if fields.get("rating") and fields["rating"] not in RATING_RANK:
        problems.append(Problem(path, f"rating {_show(fields['rating'])} is not allowed; expected green, amber or red",
                                column="rating"))
    dates: dict[str, tuple[date, date]] = {}
    for field in ("publication_date", "retrieval_date"):
        if fields.get(field):
            try:
                dates[field] = parse_date(fields[field])
            except ValueError as exc:
                problems.append(Problem(path, str(exc), column=field))
    retrieved = dates.get("retrieval_date")
    if retrieved is not None:
        if retrieved[0] != retrieved[1]:
            problems.append(Problem(path, f"{_show(fields['retrieval_date'])} is not a full date; expected YYYY-MM-DD",
                                    column="retrieval_date"))
            del dates["retrieval_date"]
        elif retrieved[0] > today:
            problems.append(Problem(path, f"{fields['retrieval_date']} is after today ({today.isoformat()}); "
                                          "expected the date the figures were read", column="retrieval_date"))
            del dates["retrieval_date"]
    published = dates.get("publication_date")
    if published is not None and "retrieval_date" in dates and published[0] > dates["retrieval_date"][0]:
        problems.append(Problem(path, f"publication_date {fields['publication_date']} is after the retrieval_date "
                                      f"{fields['retrieval_date']}; a release cannot be read before it is published",
                                column="publication_date"))
    if "retrieval_date" in dates:
        fields["_retrieved"] = dates["retrieval_date"][0].isoformat()
    return fields, problems


def check_provenance(folder: Path, *, today: date | None = None) -> list[Problem]:
    """Return every problem with a dataset's ``provenance.yaml``."""
    return _provenance(folder, today or _today())[1]


def check_shares_add_up(rows: list[tuple[int, dict[str, str]]], path: Path) -> list[Problem]:
    """Broad-sector shares published together in one release must add up to 100."""
    groups: dict[tuple, dict[str, tuple[int, float]]] = {}
    for line, row in rows:
        if row["variable"] == "grdp_share" and row["industry"] in BROAD_SECTORS:
            key = (row["region"], row["boundary"], row["period"], row["price_basis"],
                   row["publication_date"], row["url"])
            groups.setdefault(key, {})[row["industry"]] = (line, float(row["value"]))
    problems = []
    for key, parts in groups.items():
        if len(parts) == len(BROAD_SECTORS):
            total = sum(v for _, v in parts.values())
            if abs(total - 100.0) > SHARE_SUM_TOLERANCE_PP:
                lines = sorted(line for line, _ in parts.values())
                problems.append(Problem(path, f"broad-sector shares for {key[0]} {key[2]} add up to {total:.2f}, "
                                              f"not 100 (tolerance {SHARE_SUM_TOLERANCE_PP} pp; lines {lines})",
                                        line=lines[0], column="value"))
    return problems


def _release_key(row: dict[str, str]) -> tuple:
    return tuple(row[c] for c in KEY) + (row["publication_date"], row["url"])


def check_conflicts(rows: list[tuple[int, dict[str, str]]], path: Path) -> list[Problem]:
    """The same figure must not have two different values in one release."""
    seen: dict[tuple, tuple[int, str]] = {}
    problems = []
    for line, row in rows:
        key = _release_key(row)
        if key in seen and float(seen[key][1]) != float(row["value"]):
            first_line, first_value = seen[key]
            problems.append(Problem(path, f"duplicate figure with conflicting values in the same release: "
                                          f"{first_value} (line {first_line}) vs {row['value']}",
                                    line=line, column="value"))
        seen.setdefault(key, (line, row["value"]))
    return problems


def check_duplicates(rows: list[tuple[int, dict[str, str]]], path: Path) -> list[Problem]:
    """A row of ``data.csv`` must not repeat another one exactly."""
    seen: dict[tuple[str, ...], int] = {}
    problems = []
    for line, row in rows:
        cells = tuple(row[c] for c in schemas.SOURCE_COLUMNS)
        if cells in seen:
            problems.append(Problem(path, f"repeats line {seen[cells]} exactly (the same figure, release and value); "
                                          "expected each figure once: delete one of the two", line=line))
        seen.setdefault(cells, line)
    return problems


def check_across(datasets: dict[Path, list[tuple[int, dict[str, str]]]]) -> list[Problem]:
    """The same figure in the same release must have the same value in every dataset that holds it.

    Parameters
    ----------
    datasets
        The valid rows of each ``data.csv`` (with their line numbers), by file.
    """
    seen: dict[tuple, tuple[Path, int, str]] = {}
    problems = []
    for path, rows in datasets.items():
        here: dict[tuple, tuple[Path, int, str]] = {}
        for line, row in rows:
            key = _release_key(row)
            if key in seen and float(seen[key][2]) != float(row["value"]):
                other, other_line, value = seen[key]
                problems.append(Problem(path, f"the same figure in the same release ({row['publication_date']}, "
                                              f"{row['url']}) is {row['value']} here but {value} in {other} line "
                                              f"{other_line}; expected one value per release",
                                        line=line, column="value"))
            here.setdefault(key, (path, line, row["value"]))
        for key, first in here.items():
            seen.setdefault(key, first)
    return problems


def _header_problem(header: list[str]) -> str | None:
    expected = list(schemas.SOURCE_COLUMNS)
    if header == expected:
        return None
    if len(header) == 1:
        for name, sign in (("semicolons", ";"), ("tabs", "\t")):
            if header[0].count(sign) >= len(expected) // 2:
                return (f"the columns are separated by {name}, as Excel writes CSV where the decimal separator is "
                        "a comma; expected commas (save as 'CSV (comma delimited)', decimal point '.')")
    stray = [(name, problem) for name in header if (problem := _hidden_character(name, "column")) is not None]
    if stray:
        return f"column name {stray[0][1]}; expected exactly {expected}"
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if missing or extra:
        return "; ".join(filter(None, [f"missing column(s) {missing}" if missing else "",
                                       f"unexpected column(s) {extra}" if extra else ""]))
    return f"columns out of order; expected {expected}"


def csv_problem(exc: csv.Error) -> str:
    """What a CSV reader's error means to the person who wrote the file, in one sentence."""
    text = str(exc)
    if "field larger than field limit" in text:
        return (f"a field is longer than {csv.field_size_limit():,} characters, the limit of a CSV field; expected "
                "a shorter note (or a missing closing quote)")
    if "NUL" in text:
        return "contains a NUL byte; expected plain UTF-8 text"
    return f"cannot be read as CSV ({text}); expected comma-separated fields, quoted with \""


def _runaway_quote(fields: list[str], expected: list[str], start: int, end: int) -> tuple[str, str] | None:
    """The column and the message of a quote that opened a field running over later lines (``None`` when the
    row is on one line, or only its note holds line breaks, as a note may)."""
    if start == end:
        return None
    index = next((i for i, f in enumerate(fields) if "\n" in f), None)
    if index is None or (index < len(expected) and expected[index] == "note" and len(fields) == len(expected)):
        return None
    column = expected[index] if index < len(expected) else f"field {index + 1}"
    opening = fields[index].split("\n", 1)[0][:40]
    return column, (f"a quote opens this field and it runs on to line {end} (it begins \"{opening}...), swallowing "
                    f"the lines between; a quote inside a field is written twice (\"\"), or the field closed with "
                    "one")


def _check_data(path: Path, retrieval_date: date | None, today: date
                ) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    problems: list[Problem] = []
    text = read_limited_text(path, problems)
    if text is None:
        return [], problems
    reader = csv.reader(io.StringIO(text, newline=""))
    expected = list(schemas.SOURCE_COLUMNS)
    known_variables = variables()
    good: list[tuple[int, dict[str, str]]] = []
    try:
        header = next(reader)
        detail = _header_problem(header)
        if detail is not None:
            return [], problems + [Problem(path, detail, line=1)]
        end = reader.line_num
        for fields in reader:
            start, line, end = end + 1, reader.line_num, reader.line_num
            if not any(f.strip() for f in fields):
                continue
            spill = _runaway_quote(fields, expected, start, line)
            if spill is not None:
                problems.append(Problem(path, spill[1], line=start, column=spill[0]))
                continue
            if len(fields) != len(expected):
                problems.append(Problem(path, f"{len(fields)} fields; expected {len(expected)}", line=line))
                continue
            row = dict(zip(expected, fields))
            row_problems = check_row(row, known_variables, retrieval_date=retrieval_date, today=today)
            problems.extend(Problem(path, msg, line=line, column=col) for col, msg in row_problems)
            if not row_problems:
                good.append((line, row))
    except csv.Error as exc:
        problems.append(Problem(path, csv_problem(exc), line=reader.line_num))
    if not good and not problems:
        problems.append(Problem(path, "no data rows"))
    problems.extend(check_duplicates(good, path))
    problems.extend(check_conflicts(good, path))
    problems.extend(check_shares_add_up(good, path))
    return good, problems


def check_data(path: Path, *, retrieval_date: date | None = None, today: date | None = None
               ) -> tuple[list[dict[str, str]], list[Problem]]:
    """Validate one ``data.csv``; return its rows (empty if unusable) and every problem found.

    Parameters
    ----------
    path
        The file.
    retrieval_date
        When its dataset was read (``provenance.yaml``); publication dates after it are refused.
    today
        The date after which no release can be dated (default: today).
    """
    good, problems = _check_data(path, retrieval_date, today or _today())
    return [row for _, row in good], problems


INTAKE_JOURNAL = ".intake-journal.json"
"""The journal of an intake between its commit point and its end (:mod:`grdp.intake.writer`)."""
INTAKE_TEMPORARY = ".intake-"
"""The mark in the names of an intake's temporary files (``.data.csv.intake-<pid>.tmp``)."""
TOP_LEVEL_FILES = ("README.md", "DATA_LOG.md")
"""The files that belong at the top of the sources folder; every dataset is a folder."""


def intake_temporaries(root: Path) -> list[Path]:
    """The temporary files an intake writes beside its targets (``.<name>.intake-<pid>.tmp``) that are still in
    ``root`` or one of its dataset folders, sorted (the journal is not one of them)."""
    found = [*root.glob(f".*{INTAKE_TEMPORARY}*"), *root.glob(f"*/.*{INTAKE_TEMPORARY}*")]
    return sorted(p for p in found if p.name != INTAKE_JOURNAL)


def _intake_leftovers(root: Path) -> list[Problem]:
    """What an interrupted intake left in a sources folder, and files that belong to no dataset."""
    problems = []
    if (root / INTAKE_JOURNAL).exists():
        problems.append(Problem(root / INTAKE_JOURNAL, "an intake was interrupted after its commit point: its files "
                                "are not all in place; `grdp validate` completes it"))
    problems += [Problem(path, "a temporary file of an interrupted intake; `grdp validate` removes it")
                 for path in intake_temporaries(root)]
    for path in sorted(root.iterdir()):
        if path.is_file() and not path.name.startswith(".") and path.name not in TOP_LEVEL_FILES:
            problems.append(Problem(path, "belongs to no dataset and would not be read: a dataset is a folder with "
                                          f"{DATA_FILE} and {PROVENANCE_FILE} (grdp ingest makes one)"))
    return problems


def source_folders(root: Path | None = None) -> list[Path]:
    """Return the dataset folders under ``root`` (default ``sources/``), sorted by name."""
    root = root or paths.sources_dir()
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def dataset_folders(root: Path) -> tuple[list[Path], list[Problem]]:
    """The dataset folders to check under ``root`` (or ``root`` itself when it is one), or the problem."""
    try:
        if not root.exists():
            return [], [Problem(root, "folder does not exist")]
        if not root.is_dir():
            return [], [Problem(root, "is a file; expected the sources folder or one dataset folder")]
        if (root / DATA_FILE).exists() or (root / PROVENANCE_FILE).exists():
            return [root], []
        folders = source_folders(root)
        leftovers = _intake_leftovers(root)
    except OSError as exc:
        return [], [Problem(root, f"cannot be read ({exc.strerror or exc}); expected a readable folder")]
    return folders, leftovers + ([] if folders else [Problem(root, "no source folders found")])


def checked_rows(folders: list[Path]) -> tuple[dict[Path, list[tuple[int, dict[str, str]]]], list[Problem]]:
    """Check each dataset and the datasets against each other; the valid rows by folder and every problem."""
    today = _today()
    problems: list[Problem] = []
    rows: dict[Path, list[tuple[int, dict[str, str]]]] = {}
    for folder in folders:
        meta, meta_problems = _provenance(folder, today)
        problems.extend(meta_problems)
        retrieved = date.fromisoformat(meta["_retrieved"]) if meta and "_retrieved" in meta else None
        good, data_problems = _check_data(folder / DATA_FILE, retrieved, today)
        problems.extend(data_problems)
        rows[folder] = good
    problems.extend(check_across({folder / DATA_FILE: good for folder, good in rows.items()}))
    return rows, problems


def validate(root: Path | None = None) -> list[Problem]:
    """Check every dataset folder under ``root`` and return all problems (empty list if valid).

    ``root`` may also be a single dataset folder (one that holds ``data.csv``).
    """
    root = Path(root) if root is not None else paths.sources_dir()
    folders, problems = dataset_folders(root)
    return problems or checked_rows(folders)[1]
