"""Sector accounts: value added by VSIC 2018 section, product taxes less subsidies and GRDP, every cell flagged.

- :mod:`~grdp.accounts.assembly`: the annual accounts of a region (:func:`assemble`), the merged city's three
  former localities (:func:`assemble_parts`) and their identity checks;
- :mod:`~grdp.accounts.raking`: iterative proportional fitting to the published margins;
- :mod:`~grdp.accounts.carried_shares`: published section and division shares of any period carried to every
  year as location quotients interpolated in time;
- :mod:`~grdp.accounts.growth_years`: the accounts of a year known only from growth;
- :mod:`~grdp.accounts.shared`: the accounts of a run, assembled once and shared by its notebooks
  (:func:`sector_accounts`, :func:`sector_account_parts`).

The names below are what the other stages use.
"""

from grdp.accounts.assembly import MERGED_PARTS, AccountsError, SectorAccounts, assemble, assemble_parts
from grdp.accounts.shared import sector_account_parts, sector_accounts

__all__ = ["MERGED_PARTS", "AccountsError", "SectorAccounts", "assemble", "assemble_parts", "sector_account_parts",
           "sector_accounts"]
