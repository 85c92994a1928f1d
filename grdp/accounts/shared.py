"""The sector accounts of a run, assembled once and shared by its notebooks (the run cache).

The accounts read no digital-economy figure, so they are assembled from the releases without them
(variables ``de_*``) and kept in the run cache (:mod:`grdp.base.run_cache`) under a hash of those releases: every
notebook of a run, and every model built on fewer digital releases (the out-of-time checks), shares one
assembly.
"""

from __future__ import annotations

from grdp import sources as src
from grdp.accounts.assembly import MERGED_PARTS, SectorAccounts, assemble, assemble_parts
from grdp.base import run_cache

DIGITAL_PREFIX = "de_"
"""Variables of the digital economy start with this; the sector accounts read none of them."""


def sector_accounts(region: str, boundary: str, releases: src.Releases) -> SectorAccounts:
    """The region's sector accounts (:func:`grdp.accounts.assemble`), assembled once per run from the releases
    without ``de_*`` rows (module docstring); a former locality of the merged city is assembled with the other two.

    Parameters
    ----------
    region, boundary, releases
        As for :func:`grdp.accounts.assemble`.

    Returns
    -------
    grdp.accounts.SectorAccounts
        Shared with the other callers of the run: read it, do not modify it.

    Raises
    ------
    grdp.accounts.AccountsError
        As :func:`grdp.accounts.assemble`.
    """
    rows, key = accounts_key(region, boundary, releases)
    if (region, boundary) in MERGED_PARTS:  # a former locality of the merged city: assembled with the others
        parts = run_cache.cached("sector-account-parts", key[2:], lambda: _parts_or_none(rows))
        if parts is not None:
            return parts[region]
    return run_cache.cached("sector-accounts", key, lambda: assemble(region, boundary, rows))


def _parts_or_none(rows: src.Releases) -> dict[str, SectorAccounts] | None:
    """:func:`grdp.accounts.assemble_parts` (one assembly of the national context for the three localities), or
    ``None`` where they cannot all be assembled, so that each is then assembled, or refused with its own error,
    exactly as :func:`grdp.accounts.assemble` would."""
    try:
        return assemble_parts(rows)
    except Exception:  # noqa: BLE001 - whatever the cause, the plain path below raises it for the part asked for
        return None


def account_releases(releases: src.Releases) -> src.Releases:
    """The releases the accounts read: the view without ``de_*`` rows."""
    return releases.subset(~releases.known["variable"].str.startswith(DIGITAL_PREFIX))


def accounts_key(region: str, boundary: str, releases: src.Releases) -> tuple[src.Releases, tuple]:
    """The releases the accounts read (:func:`account_releases`) and the cache key of the region's accounts."""
    rows = account_releases(releases)
    return rows, (region, boundary, rows.as_of, rows.key)


def sector_account_parts(releases: src.Releases) -> dict[str, SectorAccounts]:
    """The accounts of the merged city's three former localities (:func:`grdp.accounts.assemble_parts`), shared.

    Each part is :func:`sector_accounts` of that locality on the ``old`` boundary: the three are assembled
    together, once per run.

    Raises
    ------
    grdp.accounts.AccountsError
        If a part has no published GRDP by ``releases.as_of``.
    """
    return {region: sector_accounts(region, boundary, releases) for region, boundary in MERGED_PARTS}
