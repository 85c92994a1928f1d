"""grdp: measure and forecast the digital economy's share of Ho Chi Minh City's GRDP.

The package is one folder per stage of a one-directional flow (``docs/ARCHITECTURE.md``; imports only flow
down this list, which ``tests/test_layers.py`` enforces)::

    base -> sources -> intake -> accounts -> digital -> quarterly -> forecast -> run -> report -> publish -> cli

``sources/`` -> observations -> sector accounts -> estimates, quarterly series, forecasts -> ``forecasts/<vintage>/``
-> reports. Heavy libraries (pandas, statsmodels, papermill) are imported by the modules that need them, so
``import grdp`` and ``grdp --help`` stay fast.
"""

__version__ = "0.1.0"
