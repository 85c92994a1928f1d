"""Values of the workbook's cells: codes in Vietnamese words, dates as dates, shares as fractions.

The vintage tables carry codes (``not reached``, ``amber``, ``merged``), dates as ISO text (``2025-02-18``,
``2022-08`` when only the month is known, ``2022`` when only the year is) and shares in percent points (``24.91``).
The workbook shows the same figures as a reader of Excel expects them: a code as its Vietnamese words (English
where asked), a date as an Excel date whose number format shows only what is known, every share as a fraction
with a percent format (0.2491 shown as 24.91%). The words come from ``grdp/data/labels.yaml`` and, for codes it
does not name, from the ``translations`` of ``grdp/data/workbook.yaml``; no figure is changed but by its unit's
scale.
"""

from __future__ import annotations

import re
from datetime import datetime

from grdp.base import labels

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_SHORT_KINDS = ("method", "boundary", "quantity", "estimator", "verdict")
"""Label kinds whose short form (``TCTK``, ``TP.HCM cũ``) names a code in a cell; the long one is on the README."""


def translate(kind: str, code: str, lang: str, extra: dict) -> str:
    """Return the words of a code in a language.

    Parameters
    ----------
    kind
        A kind of ``labels.yaml`` (``verdict``, ``status``, ``value``, ``method``, ...) or of ``extra``.
    code
        The code as the vintage table writes it (``"not reached"``, ``"amber"``, ``"True"``).
    lang
        ``"vi"`` or ``"en"``.
    extra
        Translations of codes ``labels.yaml`` does not have: ``{kind: {code: {vi: ..., en: ...}}}``; looked up first.
        The kind ``checks_on`` names a rival estimator by its code, worded with the ``checks_on.rival`` label.

    Returns
    -------
    str
        The short form where the label has one (the kinds :data:`_SHORT_KINDS`), else the label.

    Raises
    ------
    KeyError
        If neither ``extra`` nor ``labels.yaml`` translates the code; the message names the kind and the code.
    """
    if code in extra.get(kind, {}):
        return str(extra[kind][code][lang])
    if kind == "checks_on" and not labels.has_label(kind, code):
        rival = labels.label("estimator", code, lang, short=True)
        return labels.label(kind, "rival", lang).format(rival=rival)
    return labels.label(kind, code, lang, short=kind in _SHORT_KINDS)


def excel_date(text: str, formats: dict[str, str]) -> tuple[datetime, str]:
    """Return an ISO date of a table as a date and the number format that shows what is known of it.

    Parameters
    ----------
    text
        ``YYYY-MM-DD``, ``YYYY-MM`` (the month is known: the first of the month) or ``YYYY`` (1 January).
    formats
        Excel number formats by precision: ``day``, ``month``, ``year``.

    Returns
    -------
    tuple of (datetime.datetime, str)
        The date and its number format.

    Raises
    ------
    ValueError
        If the text is none of these forms or not a date of the calendar.
    """
    match = _DATE.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    precision = "day" if day else "month" if month else "year"
    return datetime(int(year), int(month or 1), int(day or 1)), formats[precision]


def translate_names(kind: str, text: str, lang: str, extra: dict, separator: str = "; ") -> str:
    """Return a list of names the tables write in English (instruments, issuers) in a language, name by name.

    Parameters
    ----------
    kind
        A kind of ``labels.yaml`` or of ``extra`` (``instrument``, ``publisher``).
    text
        One name, or several joined by ``separator``.
    lang
        ``"vi"`` or ``"en"``.
    extra
        Translations ``labels.yaml`` does not have, as for :func:`translate`.
    separator
        What joins the names.

    Returns
    -------
    str
        The names joined by ``separator``; a name without a translation is kept as the table writes it (they
        are proper names, and a new one must not stop the workbook).
    """
    names = []
    for name in text.split(separator):
        known = name in extra.get(kind, {}) or labels.has_label(kind, name)
        names.append(translate(kind, name, lang, extra) if known else name)
    return separator.join(names)
