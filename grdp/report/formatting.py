"""Numbers, intervals, probabilities, dates and tables written the way each language writes them.

Vietnamese (TCVN and the GSO's own releases) writes ``1.479.227`` and ``15,04``: a dot groups thousands
and a comma marks decimals; English writes ``1,479,227`` and ``15.04``. The separators are words of
``grdp/data/labels.yaml`` (``number``), shared with the charts. Intervals in Vietnamese are separated by a
semicolon (``[13,7; 16,4]``) because the comma is the decimal mark. Every figure shown in a report passes
through these functions, so a test can read a number back with :func:`parse_number` and compare it with
the vintage's table.

Rounding rules (stated in ``docs/methods.md``, "Reports, revisions and publication"):

* **Shares and their intervals** (:func:`interval_decimals`): the interval's half-width is kept to two
  significant figures and never finer than 0.1 pp (the precision of the published figures), so a share
  and its interval print with one decimal when the half-width is under 10 pp and in whole percent
  otherwise; the point estimate takes the decimals of its interval.
* **Published figures** (:func:`published`) print with the decimals they were published with (one or two).
* **Probabilities** (:func:`probability`) print in whole percent; below 1% as ``< 1%`` and above 99% as
  ``> 99%`` (a share of simulated paths is never exactly 0 or 1 in the world it describes).

Print rules: a number, a percentage and an interval never break across lines (the spaces inside them are
no-break spaces, a negative number starts with the minus sign U+2212, which does not break from its digits).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from grdp.base.labels import label

NBSP = "\u00a0"
"""No-break space: inside intervals, after ``<``/``>`` and between a number and its unit."""
MINUS = "\u2212"
"""Minus sign of negative numbers (never separated from its digits, unlike ``-`` after which lines may break)."""

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")

MISSING = "–"
"""What a missing value is shown as."""

WIDE_INTERVAL = 10.0
"""Half-width (pp) from which shares and intervals are printed in whole percent (:func:`interval_decimals`)."""


def separators(lang: str) -> tuple[str, str]:
    """Return the (thousands, decimal) separators of ``lang`` (``labels.yaml``, kind ``number``).

    Raises
    ------
    ValueError
        If the language is neither ``vi`` nor ``en``.
    """
    if lang not in ("vi", "en"):
        raise ValueError(f"language {lang!r} is not one of ['en', 'vi']")
    return label("number", "thousands", lang), label("number", "decimal", lang)


def number(value: float | None, decimals: int, lang: str) -> str:
    """Return ``value`` rounded to ``decimals`` with the language's separators (``–`` if missing).

    Negative numbers start with the minus sign U+2212; a value that rounds to zero has no sign.

    Examples
    --------
    >>> number(1479227, 0, "vi"), number(15.0423, 2, "vi"), number(15.0423, 2, "en")
    ('1.479.227', '15,04', '15.04')
    """
    thousands, decimal = separators(lang)
    if value is None or pd.isna(value):  # None and NaN alike
        return MISSING
    text = f"{float(value):,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":  # -0.0 rounds to "0"
        text = text.lstrip("-")
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    return MINUS + text[1:] if text.startswith("-") else text


def year(value: float | int) -> str:
    """Return a year as four digits, never grouped (``2025``, not ``2.025``)."""
    return str(int(value))


def percent(value: float | None, decimals: int, lang: str) -> str:
    """Return a value already in percent as ``15,0%`` (vi) or ``15.0%`` (en)."""
    text = number(value, decimals, lang)
    return text if text == MISSING else f"{text}%"


def interval_decimals(lower: float | None, upper: float | None) -> int:
    """Return the decimals a share and its interval ``[lower, upper]`` (percent) are printed with.

    Two significant figures of the half-width ``h = (upper - lower) / 2``, never finer than 0.1 pp:
    1 decimal when ``h < 10`` pp (``27.1% [23.2, 30.0]``), 0 when ``h >= 10`` (``42% [22, 55]``).
    A missing bound gives 1.
    """
    if lower is None or upper is None or pd.isna(lower) or pd.isna(upper):
        return 1
    half = abs(float(upper) - float(lower)) / 2
    return 0 if half >= WIDE_INTERVAL else 1


def interval(lower: float | None, upper: float | None, decimals: int, lang: str) -> str:
    """Return ``[13,7; 16,4]`` (vi) or ``[13.7, 16.4]`` (en), with a no-break space after the separator."""
    separator = ";" if lang == "vi" else ","
    return f"[{number(lower, decimals, lang)}{separator}{NBSP}{number(upper, decimals, lang)}]"


def share_with_interval(value: float, lower: float, upper: float, lang: str) -> str:
    """Return ``27,1% [23,2; 30,0]``: the share and its interval at :func:`interval_decimals`, unbreakable."""
    places = interval_decimals(lower, upper)
    return f"{percent(value, places, lang)}{NBSP}{interval(lower, upper, places, lang)}"


def share_cell(status: str, value: float, lower: float, upper: float, lang: str) -> str:
    """Return a share as a table cell: :data:`MISSING` when ``status`` is ``not_supported``, a published figure
    in bold (:func:`published`), else with its interval (:func:`share_with_interval`)."""
    if status == "not_supported":
        return MISSING
    if status == "published":
        return f"**{published(value, lang)}**"
    return share_with_interval(value, lower, upper, lang)


def published(value: float | None, lang: str) -> str:
    """Return a published share in percent with the decimals it was published with (one or two).

    ``22.0`` prints ``22.0%``, ``14.65`` prints ``14.65%`` (vi ``14,65%``): a release's own precision is kept,
    neither padded nor rounded away (values are stored with at most two decimals).
    """
    if value is None or pd.isna(value):
        return MISSING
    places = 1 if round(float(value), 1) == round(float(value), 2) else 2
    return percent(value, places, lang)


def probability(value: float | None, lang: str) -> str:
    """Return a probability in whole percent: ``74%``; ``< 1%`` below 1% and ``> 99%`` above 99%.

    Examples
    --------
    >>> probability(0.7915, "en"), probability(0.0, "vi"), probability(0.99995, "en")
    ('79%', '<\\xa01%', '>\\xa099%')
    """
    if value is None or pd.isna(value):
        return MISSING
    if value < 0.01:
        return f"<{NBSP}{percent(1, 0, lang)}"
    if value > 0.99:
        return f">{NBSP}{percent(99, 0, lang)}"
    return percent(100 * float(value), 0, lang)


def long_date(day: date | str, lang: str) -> str:
    """Return ``ngày 31 tháng 12 năm 2025`` (vi) or ``31 December 2025`` (en), with no-break spaces."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    if lang == "vi":
        text = f"ngày {day.day} tháng {day.month} năm {day.year}"
    else:
        separators(lang)
        text = f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    return text.replace(" ", NBSP)


def release_date(text: str, lang: str) -> str:
    """Return a release date as written in the vintage (``2025-10-15``, ``2025-10`` or ``2025``) in ``lang``."""
    parts = str(text).split("-")
    if len(parts) == 3:
        return long_date(str(text), lang)
    if len(parts) == 2:
        month, year_ = int(parts[1]), parts[0]
        return (f"tháng {month}/{year_}" if lang == "vi" else f"{MONTHS_EN[month - 1]} {year_}").replace(" ", NBSP)
    return str(text)


def parse_number(text: str, lang: str) -> float:
    """Read back a number written by :func:`number` (the inverse used by the report tests)."""
    thousands, decimal = separators(lang)
    cleaned = text.strip().strip("<>" + NBSP + " ").rstrip("%").replace(MINUS, "-")
    return float(cleaned.replace(thousands, "").replace(decimal, "."))


def unbreakable(text: str) -> str:
    """Return ``text`` with its spaces made no-break spaces (a figure with its interval or unit)."""
    return str(text).replace(" ", NBSP)


def breakable(identifier: str) -> str:
    """Return an identifier (``ba_ria_vung_tau_grdp``) with a zero-width space after each ``_``, ``.`` or ``:``,
    so that a narrow table column can wrap it instead of letting it run into the next column."""
    out = str(identifier)
    for mark in ("_", ".", ":"):
        out = out.replace(mark, mark + "\u200b")
    return out


def _is_numeric(text: str) -> bool:
    return text == MISSING or (any(ch.isdigit() for ch in text) and not any(ch.isalpha() for ch in text))


TABLE_CHARACTERS = 86
"""Characters of table text (8 pt) across the 16 cm text block, cell padding included, in the widest of the
printed fonts (the DOCX's sans serif as LibreOffice sets it, DejaVu Sans: a digit is 5.1 pt wide, so 89
digits fit; the PDF's serif fits more), with a little to spare for rounding."""
LANDSCAPE_CHARACTERS = round(TABLE_CHARACTERS * 24.7 / 16)
"""Characters of table text across a landscape page's text block (24.7 cm instead of 16 cm: the same margins)."""
PADDING = 3
"""Characters of cell padding per column (Word's default cell margins, 2 x 0.19 cm, are two digits wide)."""
TEXT_WRAP = 40
"""A text column asks for at most this many characters per line (longer text wraps)."""
HEADER_LINES = 4
"""A column heading may wrap over this many lines (so a long heading does not widen a column of figures)."""
TEXT_FLOOR = 12
"""A text column is at least this many characters wide where its text is longer (or its longest word), so that
a squeezed table wraps its text over two or three lines, never one word a line."""


_BREAKS = re.compile(r"[ \t\n\u200b]+")
"""Where a line may break inside a cell: ordinary spaces and zero-width spaces, never a no-break space."""


def _widths(columns: list[str], body: list[list[str]], numeric: list[bool],
            characters: int = TABLE_CHARACTERS) -> list[int]:
    """Column widths in characters (``characters`` in all where the table fits: :data:`TABLE_CHARACTERS` on a
    portrait page, :data:`LANDSCAPE_CHARACTERS` on a landscape one).

    A figure never wraps: a numeric column gets its longest cell, and at least the longest word of its header
    and a :data:`HEADER_LINES`-th of the header, plus :data:`PADDING`. Text columns share what is left
    in proportion to what they ask for (their longest cell up to :data:`TEXT_WRAP`), each at least its
    longest word; where the figures alone are too wide, every column keeps what it needs (the table belongs
    on a landscape page).
    """
    need, want = [], []
    for k, header in enumerate(columns):
        cells = [row[k] for row in body]
        longest = max((len(c) for c in cells), default=1)
        # words are separated by breakable spaces only: a figure joined by no-break spaces is one word
        words = [w for text in [header, *cells] for w in _BREAKS.split(text)] if not numeric[k] else \
            _BREAKS.split(header)
        word = max((len(w) for w in words), default=1)
        floor = max(3, word, -(-len(header) // HEADER_LINES))
        if numeric[k]:
            need.append(max(floor, longest) + PADDING)
            want.append(need[-1])
        else:
            need.append(max(3, word, min(longest, TEXT_FLOOR)) + PADDING)
            want.append(max(floor, min(longest, TEXT_WRAP)) + PADDING)
    fixed = sum(n for n, num in zip(need, numeric) if num)
    asked = sum(w for w, num in zip(want, numeric) if not num)
    room = characters - fixed
    if not asked:
        return need
    if room >= asked:  # everything fits: text columns take the rest in proportion
        return [n if num else round(w * room / asked) for n, w, num in zip(need, want, numeric)]
    return [n if num else max(n, round(w * room / asked)) for n, w, num in zip(need, want, numeric)]


def markdown_table(frame: pd.DataFrame, width: int = 80, figures: tuple[str, ...] = (),
                   characters: int = TABLE_CHARACTERS) -> str:
    """Return a pipe table (Pandoc/Quarto and nbconvert Markdown) of a frame of already formatted strings.

    Columns whose every cell looks numeric, and the columns named in ``figures`` (figures with a note, such
    as ``13.34 (2025Q3)``), are right-aligned and their spaces made no-break spaces. The dashes of the
    separator line are the column widths of :func:`_widths`, at least ``width`` in all (more than Pandoc's
    72 columns), so Pandoc gives every format (HTML, DOCX, Typst) relative column widths that fit the
    content instead of equal widths. A ``|`` inside a cell is escaped, and so is every ``<``, so that no cell
    can open an HTML tag: a cell is printed as text in every format. ``characters`` is the text block's width
    in characters of table text (:data:`LANDSCAPE_CHARACTERS` for a table printed on a landscape page).
    """
    def cell(value: object) -> str:
        return MISSING if value is None or pd.isna(value) else str(value).replace("|", "\\|").replace("\n", " ")

    columns = [cell(c) for c in frame.columns]
    body = [[cell(v) for v in row] for row in frame.itertuples(index=False)]
    numeric = [(all(_is_numeric(row[k]) for row in body) and bool(body)) or str(frame.columns[k]) in figures
               for k in range(len(columns))]
    body = [[(unbreakable(v) if numeric[k] else v).replace("<", "\\<") for k, v in enumerate(row)] for row in body]
    columns = [c.replace("<", "\\<") for c in columns]
    widths = _widths(columns, body, numeric, characters)
    dashes = [max(3, round(w * max(1.0, width / sum(widths)))) for w in widths]
    header = "| " + " | ".join(columns) + " |"
    rule = "|" + "|".join(("-" * (d - 1) + ":") if num else (":" + "-" * (d - 1))
                          for d, num in zip(dashes, numeric)) + "|"
    rows = ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join([header, rule, *rows])
