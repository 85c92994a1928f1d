"""Numbers, intervals, dates and tables written the way each language writes them.

Vietnamese (TCVN and the GSO's own releases) writes ``1.479.227`` and ``15,04``: a dot groups thousands
and a comma marks decimals; English writes ``1,479,227`` and ``15.04``. Intervals in Vietnamese are
separated by a semicolon (``[13,7; 16,4]``) because the comma is the decimal mark. Every figure
shown in a report passes through these functions, so a test can read a number back with
:func:`parse_number` and compare it with the vintage's table.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

SEPARATORS = {"vi": (".", ","), "en": (",", ".")}
"""(thousands, decimal) separators by language."""

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")

MISSING = "–"
"""What a missing value is shown as."""


def _separators(lang: str) -> tuple[str, str]:
    if lang not in SEPARATORS:
        raise ValueError(f"language {lang!r} is not one of {sorted(SEPARATORS)}")
    return SEPARATORS[lang]


def number(value: float | None, decimals: int, lang: str) -> str:
    """Return ``value`` rounded to ``decimals`` with the language's separators (``–`` if missing).

    Examples
    --------
    >>> number(1479227, 0, "vi"), number(15.0423, 2, "vi"), number(15.0423, 2, "en")
    ('1.479.227', '15,04', '15.04')
    """
    thousands, decimal = _separators(lang)
    if value is None or pd.isna(value):  # None and NaN alike
        return MISSING
    text = f"{float(value):,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":  # -0.0 rounds to "0"
        text = text.lstrip("-")
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def percent(value: float | None, decimals: int, lang: str) -> str:
    """Return a value already in percent as ``15,0%`` (vi) or ``15.0%`` (en)."""
    text = number(value, decimals, lang)
    return text if text == MISSING else f"{text}%"


def interval(lower: float, upper: float, decimals: int, lang: str) -> str:
    """Return ``[13,7; 16,4]`` (vi) or ``[13.7, 16.4]`` (en)."""
    separator = "; " if lang == "vi" else ", "
    return f"[{number(lower, decimals, lang)}{separator}{number(upper, decimals, lang)}]"


def probability(value: float, lang: str) -> str:
    """Return a probability with two decimals (``0,74`` / ``0.74``); ``< 0,01`` when positive but tiny."""
    if pd.notna(value) and 0 < value < 0.005:
        return f"< {number(0.01, 2, lang)}"
    return number(value, 2, lang)


def long_date(day: date | str, lang: str) -> str:
    """Return ``ngày 31 tháng 12 năm 2025`` (vi) or ``31 December 2025`` (en)."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    if lang == "vi":
        return f"ngày {day.day} tháng {day.month} năm {day.year}"
    _separators(lang)
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def parse_number(text: str, lang: str) -> float:
    """Read back a number written by :func:`number` (the inverse used by the report tests)."""
    thousands, decimal = _separators(lang)
    cleaned = text.strip().rstrip("%").replace(thousands, "").replace(decimal, ".")
    return float(cleaned)


def markdown_table(frame: pd.DataFrame) -> str:
    """Return a pipe table (Pandoc/Quarto and nbconvert Markdown) of a frame of already formatted strings.

    Columns whose every cell looks numeric are right-aligned. A ``|`` inside a cell is escaped.
    """
    def cell(value: object) -> str:
        return MISSING if pd.isna(value) else str(value).replace("|", "\\|").replace("\n", " ")

    def numeric(column: pd.Series) -> bool:
        return all(any(ch.isdigit() for ch in cell(v)) and not any(ch.isalpha() for ch in cell(v)) or cell(v) == MISSING
                   for v in column)

    header = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---:" if numeric(frame[c]) else ":---" for c in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])
