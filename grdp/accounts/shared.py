"""The sector accounts of a run, assembled once and shared by its notebooks (the run cache).

The accounts read no digital-economy figure, so they are assembled from the observations without them
(variables ``de_*``) and kept in the run cache (:mod:`grdp.base.run_cache`) under a hash of those rows: every
notebook of a run, and every model built on fewer digital releases (the out-of-time checks), shares one
assembly.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from grdp.accounts.assembly import MERGED_PARTS, SectorAccounts, assemble, assemble_parts
from grdp.base import run_cache

DIGITAL_PREFIX = "de_"
"""Variables of the digital economy start with this; the sector accounts read none of them."""


def sector_accounts(region: str, boundary: str, as_of: str | date | None,
                    observations: pd.DataFrame) -> SectorAccounts:
    """The region's sector accounts (:func:`grdp.accounts.assemble`), assembled once per run from the observations
    without ``de_*`` rows (module docstring); a former locality of the merged city is assembled with the other two.

    Parameters
    ----------
    region, boundary, as_of
        As for :func:`grdp.accounts.assemble`.
    observations
        The observations table.

    Returns
    -------
    grdp.accounts.SectorAccounts
        Shared with the other callers of the run: read it, do not modify it.

    Raises
    ------
    grdp.accounts.AccountsError
        As :func:`grdp.accounts.assemble`.
    """
    rows, key = accounts_key(region, boundary, as_of, observations)
    if (region, boundary) in MERGED_PARTS:  # a former locality of the merged city: assembled with the others
        parts = run_cache.cached("sector-account-parts", key[2:], lambda: _parts_or_none(as_of, rows))
        if parts is not None:
            return parts[region]
    return run_cache.cached("sector-accounts", key, lambda: assemble(region, boundary, as_of, rows))


def _parts_or_none(as_of: str | date | None, rows: pd.DataFrame) -> dict[str, SectorAccounts] | None:
    """:func:`grdp.accounts.assemble_parts` (one assembly of the national context for the three localities), or
    ``None`` where they cannot all be assembled, so that each is then assembled, or refused with its own error,
    exactly as :func:`grdp.accounts.assemble` would."""
    try:
        return assemble_parts(as_of, rows)
    except Exception:  # noqa: BLE001 - whatever the cause, the plain path below raises it for the part asked for
        return None


def accounts_key(region: str, boundary: str, as_of: str | date | None,
                 observations: pd.DataFrame) -> tuple[pd.DataFrame, tuple]:
    """The observations the accounts read (all but ``de_*``) and the cache key of the region's accounts."""
    rows = observations[~observations["variable"].str.startswith(DIGITAL_PREFIX)]
    return rows, (region, boundary, None if as_of is None else str(as_of), run_cache.observations_key(rows))


def sector_account_parts(as_of: str | date | None, observations: pd.DataFrame) -> dict[str, SectorAccounts]:
    """The accounts of the merged city's three former localities (:func:`grdp.accounts.assemble_parts`), shared.

    Each part is :func:`sector_accounts` of that locality on the ``old`` boundary: the three are assembled
    together, once per run.

    Raises
    ------
    grdp.accounts.AccountsError
        If a part has no published GRDP by ``as_of``.
    """
    return {region: sector_accounts(region, boundary, as_of, observations) for region, boundary in MERGED_PARTS}
