"""The one as-of view of a run: the releases known on a date and the figure of each that the as-of rule selects.

A notebook builds one :class:`Releases` from its observations and its as-of date, and passes it on: every
function that reads sources takes the view, not an ``(observations, as_of)`` pair, so the release-date cut
(:func:`grdp.sources.as_of_rule.known_at`) is made once, when the view is built, and the selection
(:func:`grdp.sources.as_of_rule.as_of`) once, the first time it is read. A view cannot reach a release
published after its date: :meth:`Releases.at` gives the view of an *earlier* date (an out-of-time check) and
refuses a later one, and :meth:`Releases.subset` a view of fewer releases on the same date.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd

from grdp.base import run_cache
from grdp.sources.as_of_rule import as_of, known_at
from grdp.sources.load import load_snapshot


class Releases:
    """The releases known on ``as_of`` and the figure of each that was current then.

    Parameters
    ----------
    observations
        The observations table (:func:`grdp.sources.load_observations` or a run's input snapshot,
        :func:`grdp.sources.load_snapshot`); releases published after ``as_of`` are left out.
    as_of
        The date of the view (``"2025-12-31"``), or ``None`` for everything published so far.

    Attributes
    ----------
    as_of : str or None
        The date as ISO text (``None``: no cut).
    known : pandas.DataFrame
        Every release published on or before ``as_of``, superseded ones included (revisions are measured on them).

    Notes
    -----
    The view is read-only: :attr:`known` and :attr:`selected` are shared by every reader of the run.

    Examples
    --------
    >>> releases = Releases(load_observations(), "2025-12-31")  # doctest: +SKIP
    >>> releases.selected                                         # doctest: +SKIP
    >>> releases.at("2024-12-31").selected                        # doctest: +SKIP
    """

    def __init__(self, observations: pd.DataFrame, as_of: str | date | None) -> None:
        self.as_of: str | None = None if as_of is None else str(as_of)
        self.known: pd.DataFrame = known_at(observations, self.as_of)

    @classmethod
    def load(cls, inputs: str | Path, as_of: str | date | None) -> Releases:
        """The view of a run: its input snapshot ``inputs`` (or ``sources/`` when empty, :func:`load_snapshot`)
        on ``as_of``."""
        return cls(load_snapshot(inputs), as_of)

    @cached_property
    def selected(self) -> pd.DataFrame:
        """For every figure, the release current on :attr:`as_of` (:func:`grdp.sources.as_of_rule.as_of`)."""
        return as_of(self.known, None)

    @cached_property
    def key(self) -> str:
        """A hash of the known releases (:func:`grdp.base.run_cache.observations_key`), for the run cache."""
        return run_cache.observations_key(self.known)

    def at(self, when: str | date | None) -> Releases:
        """The view of an earlier date ``when`` (``None`` keeps this view's date).

        Raises
        ------
        ValueError
            If ``when`` is after this view's date: a view never reaches a later release.
        """
        if when is None:
            return self
        if self.as_of is not None and pd.Timestamp(when) > pd.Timestamp(self.as_of):
            raise ValueError(f"a view of {self.as_of} cannot give the releases known on the later date {when}")
        return Releases(self.known, when)

    def subset(self, rows: pd.Series) -> Releases:
        """The view of the same date on the releases where the boolean ``rows`` (aligned with :attr:`known`) is
        true, e.g. the digital-economy releases only, or all but one release held out."""
        view = Releases(self.known[rows], None)
        view.as_of = self.as_of
        return view

    def __repr__(self) -> str:
        return f"Releases(as_of={self.as_of!r}, {len(self.known)} releases known)"
