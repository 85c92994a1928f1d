"""The issuing institution of the reports: who publishes them, how to reach it, and when they were issued.

The setting is one file, ``grdp/data/issuer.yaml`` (name in Vietnamese and English, a short name, a contact and
an optional date of issue); ``grdp publish --issuer FILE`` points :data:`ENVIRONMENT` at another file of the same
form, which the report notebooks' kernels inherit. Every report prints :func:`masthead` under its title and
:func:`colophon` at its end; the colophon is the one place that names the software and its version.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from grdp import __version__
from grdp.base import paths
from grdp.base.labels import LANGUAGES, label
from grdp.report import formatting as fmt

ENVIRONMENT = "GRDP_ISSUER"
"""Environment variable naming an issuer file that replaces ``grdp/data/issuer.yaml``."""


@dataclass(frozen=True)
class Issuer:
    """The institution that issues the reports.

    Attributes
    ----------
    name, short
        Full and short name by language (``{"vi": ..., "en": ...}``).
    contact
        Where a reader reaches it (a web address).
    issued
        The date of issue; ``None``: the day the reports are published.
    """

    name: dict[str, str]
    short: dict[str, str]
    contact: str
    issued: date | None = None

    def issue_date(self) -> date:
        """The date of issue: the set one, else today (the day of publishing)."""
        return self.issued or date.today()


def issuer_file() -> Path:
    """Return the issuer file in use: the one :data:`ENVIRONMENT` names, else ``grdp/data/issuer.yaml``."""
    named = os.environ.get(ENVIRONMENT)
    return Path(named) if named else paths.data_file("issuer.yaml")


def load(path: Path | None = None) -> Issuer:
    """Read the issuer setting.

    Parameters
    ----------
    path
        An issuer file (default: :func:`issuer_file`).

    Returns
    -------
    Issuer

    Raises
    ------
    ValueError
        If the file lacks a name or short name in Vietnamese or English, or a contact, or its date of issue is
        not a date.
    """
    path = path or issuer_file()
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    for key in ("name", "short"):
        given = data.get(key) or {}
        missing = [lang for lang in LANGUAGES if not str(given.get(lang) or "").strip()]
        if missing:
            raise ValueError(f"issuer file {path}: {key} has no text in {', '.join(missing)}")
    if not str(data.get("contact") or "").strip():
        raise ValueError(f"issuer file {path}: no contact")
    issued = data.get("issued")
    if issued is not None and not isinstance(issued, date):
        try:
            issued = date.fromisoformat(str(issued))
        except ValueError:
            raise ValueError(f"issuer file {path}: issued {issued!r} is not a date (YYYY-MM-DD)") from None
    return Issuer({lang: str(data["name"][lang]) for lang in LANGUAGES},
                  {lang: str(data["short"][lang]) for lang in LANGUAGES}, str(data["contact"]).strip(), issued)


def masthead(lang: str, issuer: Issuer | None = None) -> str:
    """Return the masthead line under a report's title (Markdown): the issuer, its contact and the date of issue."""
    issuer = issuer or load()
    return label("issuer", "masthead", lang).format(name=issuer.name[lang], contact=issuer.contact,
                                                     issued=fmt.long_date(issuer.issue_date(), lang))


def colophon(lang: str, issuer: Issuer | None = None) -> str:
    """Return the colophon at a report's end (Markdown, after a rule that parts it from the last section): who issued
    it and when, that the estimates are the issuer's model estimates, and the software and version that computed
    them (the one place the software is named)."""
    issuer = issuer or load()
    return "* * *\n\n" + label("issuer", "colophon", lang).format(name=issuer.name[lang], short=issuer.short[lang],
                                                     contact=issuer.contact, version=__version__,
                                                     issued=fmt.long_date(issuer.issue_date(), lang))
