"""Sources: the source contract, the observations table and the as-of rule.

Each dataset in ``sources/`` is a folder with ``data.csv`` and ``provenance.yaml`` (the contract is in
``sources/README.md``). Three modules, one job each:

- :mod:`~grdp.sources.contract`: validate every file and report *all* problems, each with its file, line and
  column (:func:`validate`, :func:`check_data`, :func:`check_row`, :class:`SourceValidationError`), and the
  dates of releases (:func:`release_date`, :func:`period_start`);
- :mod:`~grdp.sources.load`: the observations table of valid sources (:func:`load_observations`) and a run's
  input snapshot (:func:`snapshot_table`, :func:`load_snapshot`);
- :mod:`~grdp.sources.as_of_rule`: what could be known on a date (:func:`known_at`) and what was known of every
  figure (:func:`as_of`: a publisher's later release supersedes its earlier one, the rating decides between publishers),
  who published it (:func:`publisher_identity`, :func:`issuer`, :func:`without_outlet`) and the ties it cannot
  break (:func:`tied_releases`);
- :mod:`~grdp.sources.releases`: the one as-of view of a run (:class:`Releases`: the releases known on a date and
  the figure of each selected, built once and passed on).

The names below are what the other stages use.
"""

from grdp.sources.as_of_rule import (
    ISSUER_END,
    as_of,
    issuer,
    known_at,
    publisher_identity,
    tied_releases,
    without_outlet,
)
from grdp.sources.contract import (
    DATA_FILE,
    FIRST_YEAR,
    GROWTH_TARGET_VARIABLES,
    KEY,
    LAST_YEAR,
    PROVENANCE_FILE,
    RATING_RANK,
    TARGET_VARIABLES,
    Problem,
    SourceValidationError,
    bound,
    check_conflicts,
    check_data,
    check_provenance,
    check_row,
    check_shares_add_up,
    period_start,
    release_date,
    source_folders,
    validate,
    variables,
)
from grdp.sources.load import load_observations, load_snapshot, snapshot_table
from grdp.sources.releases import Releases

__all__ = ["DATA_FILE", "FIRST_YEAR", "GROWTH_TARGET_VARIABLES", "ISSUER_END", "KEY", "LAST_YEAR", "PROVENANCE_FILE",
           "RATING_RANK", "TARGET_VARIABLES", "Problem", "Releases", "SourceValidationError", "as_of", "bound",
           "check_conflicts", "check_data", "check_provenance", "check_row", "check_shares_add_up", "issuer",
           "known_at", "load_observations", "load_snapshot", "period_start", "publisher_identity", "release_date",
           "snapshot_table", "source_folders", "tied_releases", "validate", "variables", "without_outlet"]
