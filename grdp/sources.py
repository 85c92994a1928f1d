"""Read and validate the source datasets in ``sources/`` into one long observations table.

Each dataset is a folder with ``data.csv`` and ``provenance.yaml`` (the contract is in
``sources/README.md``). Validation reads every file with the standard ``csv`` module so that
every problem can be reported with its file, line and column; it collects *all* problems
rather than stopping at the first. Only a fully valid set of sources is turned into the
observations table, which is then checked again against :data:`grdp.schemas.OBSERVATIONS`.

The "as of" rule (:func:`as_of`) reconstructs what was known on a date: for every figure it
keeps the latest release published on or before that date. A partial publication date
(``2025-04`` or ``2025``) counts from the end of its month or year, so a figure is never used
before it can have been published.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from grdp import classification, paths, schemas

DATA_FILE = "data.csv"
PROVENANCE_FILE = "provenance.yaml"

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

KEY = schemas.FIGURE_KEY
"""Columns that identify one figure (what is measured, for which territory and period)."""

_PERIOD_PATTERNS = {
    "A": re.compile(r"^(?P<year>\d{4})$"),
    "Q": re.compile(r"^(?P<year>\d{4})Q(?P<sub>[1-4])$"),
    "H": re.compile(r"^(?P<year>\d{4})H(?P<sub>[12])$"),
    "M": re.compile(r"^(?P<year>\d{4})-(?P<sub>0[1-9]|1[0-2])$"),
    "YTD": re.compile(r"^(?P<year>\d{4})-(?P<sub>[1-9]|1[01])M$"),
    "AVG": re.compile(r"^(?P<year>\d{4})-(?P<end>\d{4})$"),
}
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_RATING_ORDER = {"green": 0, "amber": 1, "red": 2}
FIRST_YEAR, LAST_YEAR = 1990, 2050
"""Periods outside these years are rejected as out of range."""
SHARE_SUM_TOLERANCE_PP = 0.2
"""Published broad-sector shares (rounded to 0.1 pp) must add up to 100 within this."""
BROAD_SECTORS = ("A", "BTF", "GTT", "TAX")


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


def variables() -> pd.DataFrame:
    """Return the controlled list of variables (``grdp/data/variables.csv``) indexed by code."""
    table = pd.read_csv(paths.data_file("variables.csv"), dtype=str, keep_default_na=False)
    return table.set_index("variable", drop=False)


def is_signed(variable: str, industry: str) -> bool:
    """Whether a variable may be negative: growth rates, contributions, and product taxes less subsidies."""
    return "growth" in variable or "contribution" in variable or industry == "TAX"


def release_date(publication_date: str) -> date:
    """Return the date from which a release can be used (end of month/year for partial dates)."""
    parts = [int(p) for p in publication_date.split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        end = pd.Period(year=parts[0], month=parts[1], freq="M").end_time
        return end.date()
    return date(parts[0], 12, 31)


def period_start(period: str, frequency: str) -> date:
    """Return the first day of a period written in the sources' notation."""
    match = _PERIOD_PATTERNS[frequency].match(period)
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


def _number_problem(text: str) -> str:
    """Explain why a value is not a plain decimal number."""
    stripped = text.strip()
    if stripped == "":
        return "value is empty; expected a plain decimal number such as 1479227 or 14.41"
    if stripped.endswith("%"):
        return f"'{text}' has a percent sign; write the number alone (e.g. 14.41) and put percent in 'unit'"
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", stripped):
        plain = stripped.replace(".", "").replace(",", ".")
        return f"'{text}' uses Vietnamese thousands separators; expected a plain decimal such as {plain}"
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", stripped):
        plain = stripped.replace(",", "")
        return f"'{text}' has thousands separators; expected a plain decimal such as {plain}"
    if re.fullmatch(r"-?\d+,\d+", stripped):
        plain = stripped.replace(",", ".")
        return f"'{text}' uses a decimal comma; expected a decimal point, e.g. {plain}"
    return f"'{text}' is not a number; expected a plain decimal such as 1479227 or 14.41"


def check_row(row: dict[str, str], known_variables: pd.DataFrame) -> list[tuple[str, str]]:
    """Return (column, message) pairs for everything wrong with one data row."""
    out: list[tuple[str, str]] = []
    allowed = schemas.ALLOWED
    for column, values in allowed.items():
        if row[column] not in values:
            choices = ", ".join(sorted(values))
            out.append((column, f"'{row[column]}' is not allowed; expected one of: {choices}"))
    if row["region"] in allowed["region"] and row["boundary"] in allowed["boundary"]:
        if (row["region"] == "vn") != (row["boundary"] == "national"):
            out.append(("boundary", f"boundary '{row['boundary']}' does not fit region '{row['region']}'; "
                                    "expected 'national' for vn and 'old' or 'merged' otherwise"))
    frequency, period = row["frequency"], row["period"]
    if frequency in _PERIOD_PATTERNS:
        match = _PERIOD_PATTERNS[frequency].match(period)
        if match is None:
            out.append(("period", f"'{period}' is not a valid period for frequency '{frequency}'"))
        else:
            years = [int(match["year"])] + ([int(match["end"])] if frequency == "AVG" else [])
            if any(y < FIRST_YEAR or y > LAST_YEAR for y in years):
                out.append(("period", f"'{period}' is out of range; expected years {FIRST_YEAR}-{LAST_YEAR}"))
    variable = row["variable"]
    if variable not in known_variables.index:
        out.append(("variable", f"unknown variable '{variable}'; expected a code from grdp/data/variables.csv"))
    elif row["unit"] != known_variables.at[variable, "unit"]:
        expected = known_variables.at[variable, "unit"]
        out.append(("unit", f"unit '{row['unit']}' does not match variable '{variable}'; expected '{expected}'"))
    if row["industry"] not in classification.industry_codes():
        out.append(("industry", f"unknown VSIC code '{row['industry']}'; expected a code from "
                                "grdp/data/vsic2018.csv or grdp/data/aggregates.csv"))
    if _PLAIN_NUMBER.match(row["value"].strip()) is None:
        out.append(("value", _number_problem(row["value"])))
    else:
        value = float(row["value"])
        if value < 0 and not is_signed(variable, row["industry"]):
            out.append(("value", f"negative value {row['value']} is impossible for '{variable}'; "
                                 "expected a value >= 0"))
        if row["unit"] == "percent" and value > 100 and not is_signed(variable, row["industry"]):
            out.append(("value", f"{row['value']} percent is impossible for '{variable}'; expected 0-100"))
    if not _DATE.match(row["publication_date"]):
        out.append(("publication_date", f"'{row['publication_date']}' is not a date; "
                                        "expected YYYY-MM-DD, YYYY-MM or YYYY"))
    else:
        try:
            published = release_date(row["publication_date"])
        except ValueError as exc:
            out.append(("publication_date", f"'{row['publication_date']}' is not a valid date ({exc})"))
        else:
            valid_period = frequency in _PERIOD_PATTERNS and _PERIOD_PATTERNS[frequency].match(period)
            if valid_period and variable != "de_share_target" and period_start(period, frequency) > published:
                out.append(("period", f"period '{period}' starts after the release date "
                                      f"{row['publication_date']}; a release cannot report a period not yet begun"))
    if row["date_approx"] not in ("true", "false"):
        out.append(("date_approx", f"'{row['date_approx']}' is not allowed; expected true or false"))
    if not row["url"].startswith(("http://", "https://")):
        out.append(("url", f"'{row['url']}' is not a URL; expected http(s)://..."))
    if not row["publisher"].strip():
        out.append(("publisher", "publisher is empty"))
    if row["quality"] in ("derived", "imputed") and not row["note"].strip():
        out.append(("note", f"a {row['quality']} value needs its method stated in 'note'"))
    return out


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(path, "file is missing"))
        return None
    if not raw.strip():
        problems.append(Problem(path, "file is empty"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(path, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
                                      "save the file as UTF-8"))
        return None


def check_provenance(folder: Path) -> list[Problem]:
    """Return every problem with a dataset's ``provenance.yaml``."""
    path = folder / PROVENANCE_FILE
    problems: list[Problem] = []
    text = _read_text(path, problems)
    if text is None:
        return problems
    try:
        meta = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [Problem(path, f"not valid YAML ({str(exc).splitlines()[0]})")]
    if not isinstance(meta, dict):
        return [Problem(path, "expected a mapping of provenance fields")]
    for field in PROVENANCE_FIELDS:
        value = meta.get(field)
        if value is None or str(value).strip() == "":
            problems.append(Problem(path, f"missing provenance field '{field}'", column=field))
    if meta.get("id") not in (None, "") and str(meta["id"]) != folder.name:
        problems.append(Problem(path, f"id '{meta['id']}' differs from the folder name '{folder.name}'", column="id"))
    if meta.get("rating") not in (None, "") and meta["rating"] not in _RATING_ORDER:
        problems.append(Problem(path, f"rating '{meta['rating']}' is not allowed; expected green, amber or red",
                                column="rating"))
    for field in ("publication_date", "retrieval_date"):
        value = meta.get(field)
        if value not in (None, "") and not _DATE.match(str(value)):
            problems.append(Problem(path, f"'{value}' is not a date; expected YYYY-MM-DD", column=field))
    return problems


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


def check_conflicts(rows: list[tuple[int, dict[str, str]]], path: Path) -> list[Problem]:
    """The same figure must not have two different values in one release."""
    seen: dict[tuple, tuple[int, str]] = {}
    problems = []
    for line, row in rows:
        key = tuple(row[c] for c in KEY) + (row["publication_date"], row["url"])
        if key in seen and float(seen[key][1]) != float(row["value"]):
            first_line, first_value = seen[key]
            problems.append(Problem(path, f"duplicate figure with conflicting values in the same release: "
                                          f"{first_value} (line {first_line}) vs {row['value']}",
                                    line=line, column="value"))
        seen.setdefault(key, (line, row["value"]))
    return problems


def check_data(path: Path) -> tuple[list[dict[str, str]], list[Problem]]:
    """Validate one ``data.csv``; return its rows (empty if unusable) and every problem found."""
    problems: list[Problem] = []
    text = _read_text(path, problems)
    if text is None:
        return [], problems
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    expected = list(schemas.SOURCE_COLUMNS)
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        if missing or extra:
            detail = "; ".join(filter(None, [f"missing column(s) {missing}" if missing else "",
                                             f"unexpected column(s) {extra}" if extra else ""]))
        else:
            detail = f"columns out of order; expected {expected}"
        return [], [Problem(path, detail, line=1)]
    known_variables = variables()
    good: list[tuple[int, dict[str, str]]] = []
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(expected):
            problems.append(Problem(path, f"{len(fields)} fields; expected {len(expected)}", line=line))
            continue
        row = dict(zip(expected, fields))
        row_problems = check_row(row, known_variables)
        problems.extend(Problem(path, msg, line=line, column=col) for col, msg in row_problems)
        if not row_problems:
            good.append((line, row))
    if not good and not problems:
        problems.append(Problem(path, "no data rows"))
    problems.extend(check_conflicts(good, path))
    problems.extend(check_shares_add_up(good, path))
    return [row for _, row in good], problems


def source_folders(root: Path | None = None) -> list[Path]:
    """Return the dataset folders under ``root`` (default ``sources/``), sorted by name."""
    root = root or paths.sources_dir()
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def validate(root: Path | None = None) -> list[Problem]:
    """Check every dataset folder under ``root`` and return all problems (empty list if valid).

    ``root`` may also be a single dataset folder (one that holds ``data.csv``).
    """
    root = Path(root) if root is not None else paths.sources_dir()
    if not root.exists():
        return [Problem(root, "folder does not exist")]
    folders = [root] if (root / DATA_FILE).exists() or (root / PROVENANCE_FILE).exists() else source_folders(root)
    if not folders:
        return [Problem(root, "no source folders found")]
    problems: list[Problem] = []
    for folder in folders:
        problems.extend(check_provenance(folder))
        problems.extend(check_data(folder / DATA_FILE)[1])
    return problems


def load_observations(root: Path | None = None) -> pd.DataFrame:
    """Load every dataset into one long observations table.

    Parameters
    ----------
    root
        Folder of dataset folders; defaults to the repository's ``sources/``.

    Returns
    -------
    pandas.DataFrame
        One row per published value with the columns of :data:`grdp.schemas.OBSERVATIONS`:
        the source columns plus ``source_id`` (the folder name) and ``release_date`` (the date
        from which the value could be known).

    Raises
    ------
    SourceValidationError
        If any file has any problem; the error lists all of them.
    """
    folders = source_folders(root)
    problems: list[Problem] = []
    frames = []
    for folder in folders:
        problems.extend(check_provenance(folder))
        rows, data_problems = check_data(folder / DATA_FILE)
        problems.extend(data_problems)
        if rows:
            frame = pd.DataFrame(rows, columns=list(schemas.SOURCE_COLUMNS))
            frame["source_id"] = folder.name
            frames.append(frame)
    if problems:
        raise SourceValidationError(problems)
    if not frames:
        raise SourceValidationError([Problem(Path(root or paths.sources_dir()), "no source folders found")])
    obs = pd.concat(frames, ignore_index=True)
    obs["value"] = obs["value"].astype(float)
    obs["date_approx"] = obs["date_approx"] == "true"
    obs["release_date"] = pd.to_datetime([release_date(d) for d in obs["publication_date"]])
    return schemas.OBSERVATIONS.validate(obs[list(schemas.OBSERVATIONS.columns)])


PUBLISHERS_FILE = "publishers.csv"
"""Alias table of publisher identities (``grdp/data/publishers.csv``): one institution under several names."""
_VIA = re.compile(r",\s*via\b.*$", re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=1)
def _publisher_aliases() -> tuple[tuple[str, re.Pattern[str]], ...]:
    table = pd.read_csv(paths.data_file(PUBLISHERS_FILE), dtype=str, keep_default_na=False)
    return tuple((row.identity, re.compile(row.pattern, re.IGNORECASE)) for row in table.itertuples())


@lru_cache(maxsize=None)
def publisher_identity(publisher: str) -> str:
    """Return the institution behind a ``publisher`` text, so that its releases can be recognised as one series.

    The outlet is dropped (the part from ``", via"`` on: "Cục Thống kê ..., via cafef.vn" and the same figure via
    another newspaper are one publisher). The rest is matched, in order, against the regular expressions of
    ``grdp/data/publishers.csv`` (case-insensitive ``re.search``; the first match gives the identity, e.g. ``gso``
    for "GSO", "General Statistics Office", "Tổng cục Thống kê", "National Statistics Office" and "NSO"). A
    publisher no pattern matches is its own identity: the text lower-cased with runs of blanks made single.

    Parameters
    ----------
    publisher
        The ``publisher`` column of a source row.

    Returns
    -------
    str
        An alias-table identity or the normalised text.
    """
    name = _VIA.sub("", publisher).strip()
    for identity, pattern in _publisher_aliases():
        if pattern.search(name):
            return identity
    return " ".join(name.lower().split())


def as_of(observations: pd.DataFrame, when: str | date | None) -> pd.DataFrame:
    """Keep, for every figure, the release that was current on ``when``.

    The rule, for one figure (one :data:`KEY`), among the releases published on or before ``when``:

    1. **Revisions.** Releases by the same publisher (:func:`publisher_identity`) form one series: its latest
       release supersedes the earlier ones, whatever their ratings (a statistics office's revision replaces
       its first estimate even when the revision reached us through a lower-rated outlet). On one date the
       better-rated row of that publisher is kept.
    2. **Between publishers** the rating decides: the latest releases of the different publishers are ranked
       green, amber, red, and among the best-rated the latest is kept. A red-rated release (rounded,
       approximate, or of unclear scope) therefore never displaces a green or amber figure of another
       publisher, but is used when it is all there is.

    Parameters
    ----------
    observations
        The table from :func:`load_observations`.
    when
        A date (``"2024-06-30"``) or ``None`` for everything published so far.

    Returns
    -------
    pandas.DataFrame
        The selected rows. If equally rated releases share the latest date and differ in value, *all* are
        kept, and the accounts refuse to choose between them.
    """
    obs = observations
    if when is not None:
        obs = obs[obs["release_date"] <= pd.Timestamp(when)]
    if obs.empty:
        return obs.copy()
    key = list(KEY)
    ranked = obs.assign(_rank=obs["rating"].map(_RATING_ORDER),
                        _publisher=obs["publisher"].map(publisher_identity))
    latest = ranked.groupby(key + ["_publisher"], dropna=False)["release_date"].transform("max")
    ranked = ranked[ranked["release_date"] == latest]
    best = ranked.groupby(key + ["_publisher"], dropna=False)["_rank"].transform("min")
    ranked = ranked[ranked["_rank"] == best]
    best = ranked.groupby(key, dropna=False)["_rank"].transform("min")
    ranked = ranked[ranked["_rank"] == best]
    latest = ranked.groupby(key, dropna=False)["release_date"].transform("max")
    ranked = ranked[ranked["release_date"] == latest]
    ranked = ranked.drop_duplicates(subset=key + ["value"])
    return ranked.drop(columns=["_rank", "_publisher"]).reset_index(drop=True)
