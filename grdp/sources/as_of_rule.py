"""The as-of rule: what was known of every figure on a date, and who published it.

For every figure, among the releases published on or before the date, a publisher's later release
supersedes its earlier ones (a revision), and the rating decides between publishers (see :func:`as_of`). A
partial publication date (``2025-04`` or ``2025``) counts from the end of its month or year
(:func:`grdp.sources.contract.release_date`), so a figure is never used before it can have been published.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import pandas as pd

from grdp.base import paths
from grdp.sources.contract import KEY, RATING_RANK


def tied_releases(selected: pd.DataFrame) -> list[str]:
    """Describe every figure of an as-of selection held by two equally good releases with different values.

    :func:`as_of` keeps both such releases (it never chooses silently); the accounts cannot use the figure.
    Each description names the figure and every release (value, dataset, publication date).
    """
    out = []
    for key, rows in selected.groupby(list(KEY), dropna=False, sort=True):
        if rows["value"].nunique() > 1:
            releases = "; ".join(f"{r.value:.10g} ({r.source_id}, {r.publication_date}, {r.rating})"
                                 for r in rows.itertuples())
            out.append(f"{' '.join(map(str, key))}: {releases}")
    return out


PUBLISHERS_FILE = "publishers.csv"
"""Alias table of publisher identities (``grdp/data/publishers.csv``): one institution under several names."""
_VIA = re.compile(r",\s*via\b.*$", re.IGNORECASE | re.DOTALL)
ISSUER_END = re.compile(r":|,| \(| via ")
"""Where the issuer's name ends in a publisher text: the first ``:``, ``,``, `` (`` or `` via ``."""


def without_outlet(publisher: str) -> str:
    """Return a ``publisher`` text without its outlet (the part from ``", via"`` on), e.g. "Cục Thống kê"."""
    return _VIA.sub("", publisher).strip()


def issuer(publisher: str) -> str:
    """Return the issuer of a publisher text: the text up to :data:`ISSUER_END`, e.g. "HCMC Party Committee
    Standing Board" for "HCMC Party Committee Standing Board: Directive 17-CT/TU, via ..."."""
    return ISSUER_END.split(publisher, maxsplit=1)[0].strip()


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
    name = without_outlet(publisher)
    for identity, pattern in _publisher_aliases():
        if pattern.search(name):
            return identity
    return " ".join(name.lower().split())


def known_at(observations: pd.DataFrame, when: str | date | None) -> pd.DataFrame:
    """Return the releases published on or before ``when`` (every release for ``None``): what could be known then.

    This is the one place where the release-date cut is made; :func:`as_of` then selects, for every figure, the
    release that was current. A release dated only by its month or year counts from the end of it
    (:func:`grdp.sources.contract.release_date`).
    """
    if when is None:
        return observations
    return observations[observations["release_date"] <= pd.Timestamp(when)]


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
    obs = known_at(observations, when)
    if obs.empty:
        return obs.copy()
    key = list(KEY)
    ranked = obs.assign(_rank=obs["rating"].map(RATING_RANK),
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
