"""Tết (Vietnamese Lunar New Year) dates and the moving-holiday regressor built from them.

The dates are facts read from ``grdp/data/tet_dates.csv`` (one row per year, each with its published
source and URL). Tết falls between 21 January and 20 February, so the official days off always fall
in the first quarter; what moves between quarters is the run-up to Tết, the weeks of shopping and
of production for Tết orders. :func:`tet_regressor` measures, for each period, the share of that
pre-Tết window falling in it, centred on its long-run calendar mean so that it carries no
seasonality of its own, as X-13ARIMA-SEATS expects of a user-defined holiday regressor.

Regressor
---------
For the Tết of year ``y`` on day ``T_y``, the window is the ``L = before + after`` days
``W_y = [T_y - before, T_y + after - 1]`` (``after = 0``, the default, leaves Tết day itself and
the holiday out). For a period ``t`` (quarter or month) the raw regressor is

.. math::

    h_t = \\sum_y |W_y \\cap t| / L,

the fraction of a window that falls in ``t`` (summed over the windows touching ``t``). The regressor is

.. math::

    x_t = h_t - \\bar h_{s(t)}, \\qquad
    \\bar h_s = \\frac{1}{|Y_s|} \\sum_{y \\in Y_s} h_{(y, s)},

where ``s(t)`` is the quarter (month) of the year of ``t`` and ``Y_s`` the calendar years of the data
file for which period ``(y, s)`` is covered. This is the "calendar" centring of the Census Bureau's
``genhol`` program: subtracting the mean for each period of the year removes the part of the effect
that recurs every year, which belongs to the seasonal factors, so that the regressor only captures the
year-to-year shift. With quarterly data and ``before = 30``, Tết on 22 January 2023 puts 9 window days
(23-31 December) in 2022Q4 and 21 (1-21 January) in 2023Q1: ``h = 0.3`` and ``0.7`` before centring.
Tết never comes before 21 January, so with ``after = 0`` a window of 20 days or fewer never leaves the
first quarter and the quarterly regressor is identically zero (degenerate); monthly data still see it
move between January and February.

The default window is 30 days (:data:`DEFAULT_BEFORE`): about one lunar month, the twelfth (tháng
Chạp), in which Tết shopping peaks and firms produce and deliver Tết orders before closing for the
holiday. With it the window reaches into the fourth quarter whenever Tết falls on or before 30 January (11
of the 36 years 2000-2035), enough variation to estimate the effect.

A period is covered when every window that can touch it is known: from the first quarter (month) of
the file's first year up to the last period that ends before ``21 January (last year + 1) - before``.

References
----------
U.S. Census Bureau (2017), *X-13ARIMA-SEATS Reference Manual*, Version 1.1, section 4.3 and the
``regression`` spec (``user``, ``usertype = holiday``); and the ``genhol`` program's notes on
centring holiday regressors (http://www.census.gov/srd/www/genhol/genhol_center.html).
Lin, J.-L. and Liu, T.-S. (2003), "Modeling lunar calendar holiday effects in Taiwan", *Taiwan
Economic Forecast and Policy* 33(1), 1-37 (Chinese New Year regressors: shares of pre-holiday,
holiday and post-holiday windows in each month, centred).
Findley, D. F. and Soukup, R. J. (2000), "Modeling and model selection for moving holidays",
*Proceedings of the American Statistical Association, Business and Economic Statistics Section*.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from grdp.base import paths
from grdp.sources import Problem, SourceValidationError

TET_FILE = "tet_dates.csv"
COLUMNS = ("year", "date", "source", "url", "note")
EARLIEST = (1, 21)
"""Earliest possible Tết (month, day): the second new moon after the December solstice."""
LATEST = (2, 20)
"""Latest possible Tết (month, day)."""
DEFAULT_BEFORE = 30
"""Default length in days of the pre-Tết window: one lunar month, the twelfth (tháng Chạp), when
households shop for Tết and firms produce and deliver for Tết orders before closing for the holiday.
On Vietnam's quarterly GDP at constant 2010 prices (2015Q1-2025Q1, checked 2025) it also gives X-13's
lowest AICC among windows of 25 to 60 days."""
MAX_WINDOW = 180
"""Longest allowed ``before`` or ``after``; longer windows are no longer a holiday effect."""

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERIODS_PER_YEAR = {"Q-DEC": 4, "M": 12}


def read_tet_dates(path: Path | str | None = None) -> pd.Series:
    """Read and check the Tết dates file.

    Parameters
    ----------
    path
        The CSV file (columns ``year, date, source, url, note``); defaults to
        ``grdp/data/tet_dates.csv``.

    Returns
    -------
    pandas.Series
        Tết day (``Timestamp``) indexed by year (``int``), named ``"tet"``; ``attrs["source_file"]``
        holds the path it was read from.

    Raises
    ------
    grdp.sources.SourceValidationError
        Listing every problem with its line and column: a missing column, a short row, a year that is
        not an integer, a date that is not ``YYYY-MM-DD``, a date in another year than its row or
        outside 21 January - 20 February, a row without a source or without an ``http(s)`` URL, a year
        listed twice, years out of order or with a gap, an empty file.
    """
    path = Path(path) if path is not None else paths.data_file(TET_FILE)
    problems: list[Problem] = []
    dates: dict[int, pd.Timestamp] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in COLUMNS if c not in header]
        for column in missing:
            problems.append(Problem(path, f"the header has no column '{column}'", 1, column))
        if missing:
            raise SourceValidationError(problems)
        first_line: dict[int, int] = {}
        previous: int | None = None
        for line, row in enumerate(reader, start=2):
            short = [c for c in COLUMNS if row.get(c) is None]
            if short:
                problems.append(Problem(path, f"the row has {len(COLUMNS) - len(short)} of {len(COLUMNS)} fields",
                                        line, short[0]))
                continue
            year = _year(row["year"], path, line, problems)
            day = _date(row["date"], path, line, problems)
            if year is not None and day is not None:
                _check_day(year, day, path, line, problems)
            if not row["source"].strip():
                problems.append(Problem(path, "every date needs its source", line, "source"))
            if not row["url"].strip().startswith(("http://", "https://")):
                problems.append(Problem(path, "every date needs the URL where it is published", line, "url"))
            if year is None:
                continue
            if year in first_line:
                problems.append(Problem(path, f"year {year} is listed twice (first on line {first_line[year]})",
                                        line, "year"))
                continue
            if previous is not None and year != previous + 1:
                problems.append(Problem(path, f"years must be contiguous and increasing: {year} follows {previous}"
                                        + (f" ({previous + 1} missing)" if year > previous + 1 else ""),
                                        line, "year"))
            first_line[year] = line
            previous = year
            if day is not None:
                dates[year] = pd.Timestamp(day)
    if not first_line and not problems:
        problems.append(Problem(path, "the file has no rows", 2))
    if problems:
        raise SourceValidationError(problems)
    series = pd.Series(dates, name="tet", dtype="datetime64[ns]").sort_index()
    series.index = series.index.astype(int)
    series.index.name = "year"
    series.attrs["source_file"] = str(path)
    return series


@lru_cache(maxsize=1)
def _package_dates() -> pd.Series:
    return read_tet_dates()


def tet_dates() -> pd.Series:
    """Return the package's Tết dates (read and checked once); see :func:`read_tet_dates`."""
    return _package_dates().copy()


def periods_per_year(index: pd.PeriodIndex) -> int:
    """Return 4 for a calendar-quarter (``Q-DEC``) and 12 for a monthly PeriodIndex.

    Raises
    ------
    ValueError
        For any other index (another frequency, fiscal quarters, not a PeriodIndex).
    """
    if not isinstance(index, pd.PeriodIndex):
        raise ValueError(f"expected a pandas PeriodIndex, got {type(index).__name__}; convert dates with "
                         "`.to_period('Q')` or `.to_period('M')`")
    freq = index.freqstr
    if freq not in _PERIODS_PER_YEAR:
        raise ValueError(f"the PeriodIndex has frequency {freq!r}; only calendar quarters ('Q-DEC') and "
                         "months ('M') are supported")
    return _PERIODS_PER_YEAR[freq]


def covered_periods(freq: str, *, before: int = DEFAULT_BEFORE, dates: pd.Series | None = None) -> pd.PeriodIndex:
    """Return the periods whose regressor value is known from the dates file (see the module notes)."""
    dates = tet_dates() if dates is None else dates
    first, last = int(dates.index.min()), int(dates.index.max())
    unknown_from = pd.Timestamp(last + 1, *EARLIEST) - pd.Timedelta(days=before)
    start = pd.Period(pd.Timestamp(first, 1, 1), freq=freq)
    end = pd.Period(unknown_from, freq=freq) - 1  # the last period ending before unknown_from
    return pd.period_range(start, end, freq=freq)


def tet_regressor(index: pd.PeriodIndex, *, before: int = DEFAULT_BEFORE, after: int = 0,
                  centre: bool = True, dates: pd.Series | None = None) -> pd.Series:
    """Return the Tết regressor ``x_t`` (or, with ``centre=False``, the window shares ``h_t``).

    Parameters
    ----------
    index
        Calendar quarters (``Q-DEC``) or months; need not be contiguous.
    before
        Days of the window before Tết (default :data:`DEFAULT_BEFORE`); Tết day is not included.
    after
        Days of the window from Tết day on (default 0: the holiday itself always falls in Q1).
    centre
        Subtract each quarter's (month's) mean over the calendar years of the dates file.
    dates
        Tết dates as returned by :func:`read_tet_dates`; defaults to the package's file.

    Returns
    -------
    pandas.Series
        Named ``"tet"``, on ``index``. Formula in the module notes.

    Raises
    ------
    ValueError
        If the window is empty or longer than :data:`MAX_WINDOW` days on either side, the index is
        not quarterly or monthly, or a period lies outside the span the dates file covers (the
        message names the file and the span).
    """
    for name, value in (("before", before), ("after", after)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_WINDOW:
            raise ValueError(f"{name} must be an integer number of days in [0, {MAX_WINDOW}], got {value!r}")
    if before + after < 1:
        raise ValueError("the Tết window is empty: before + after must be at least 1 day")
    periods_per_year(index)
    package = dates is None
    if dates is None:
        dates = _package_dates()
    covered = covered_periods(index.freqstr, before=before, dates=dates)
    outside = index.difference(covered)
    if len(outside):
        source = dates.attrs.get("source_file", "the Tết dates")
        raise ValueError(f"{source} covers {covered[0]}-{covered[-1]} for a {before}-day window; "
                         f"no Tết regressor for {', '.join(str(p) for p in outside[:5])}"
                         + (" ..." if len(outside) > 5 else "") + ": add the missing years to the file")
    if package:
        shares = _package_shares(index.freqstr, before, after, centre)
    else:
        shares = _window_shares(covered, before, after, centre, dates)
    return shares.reindex(index).rename("tet")


@lru_cache(maxsize=16)
def _package_shares(freq: str, before: int, after: int, centre: bool) -> pd.Series:
    """:func:`_window_shares` over the package's dates, computed once per window (seasonal adjustment asks
    for the same regressor for every series it adjusts)."""
    dates = _package_dates()
    return _window_shares(covered_periods(freq, before=before, dates=dates), before, after, centre, dates)


def _window_shares(covered: pd.PeriodIndex, before: int, after: int, centre: bool, dates: pd.Series) -> pd.Series:
    """The regressor (or, with ``centre=False``, the window shares) on every period the dates cover."""
    length = before + after
    shares = pd.Series(0.0, index=covered)
    for day in dates:
        window = pd.date_range(day - pd.Timedelta(days=before), periods=length, freq="D")
        counts = window.to_period(covered.freqstr).value_counts()
        counts = counts[counts.index.isin(covered)]
        shares.loc[counts.index] += counts.to_numpy() / length
    if centre:
        position = _position_in_year(covered)
        shares = shares - shares.groupby(position).transform("mean")
    return shares


def _position_in_year(index: pd.PeriodIndex) -> pd.Index:
    """Quarter (1-4) or month (1-12) of each period."""
    return pd.Index(index.quarter if index.freqstr == "Q-DEC" else index.month)


def _year(text: str, path: Path, line: int, problems: list[Problem]) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        problems.append(Problem(path, f"{text!r} is not a year", line, "year"))
        return None


def _date(text: str, path: Path, line: int, problems: list[Problem]) -> dt.date | None:
    value = text.strip()
    if _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(Problem(path, f"{text!r} is not a date of the form YYYY-MM-DD", line, "date"))
    return None


def _check_day(year: int, day: dt.date, path: Path, line: int, problems: list[Problem]) -> None:
    if day.year != year:
        problems.append(Problem(path, f"date {day} is not in year {year}", line, "date"))
    elif not dt.date(year, *EARLIEST) <= day <= dt.date(year, *LATEST):
        problems.append(Problem(path, f"date {day} is outside 21 January - 20 February, where Tết always falls",
                                line, "date"))
