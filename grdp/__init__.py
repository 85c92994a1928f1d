"""grdp: measure and forecast the digital economy's share of Ho Chi Minh City's GRDP.

The package is organised as a one-directional flow (see ``docs/ARCHITECTURE.md``)::

    sources/ -> grdp.sources (observations) -> grdp.accounts (sector accounts)
             -> estimates, quarterly series, forecasts -> forecasts/<vintage>/ -> reports/

Heavy libraries (pandas, statsmodels, papermill) are imported inside the modules that need
them, so ``import grdp`` and ``grdp --help`` stay fast.
"""

__version__ = "0.1.0"
