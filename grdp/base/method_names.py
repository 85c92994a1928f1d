"""The names of the digital-economy methods, in the order every table, chart and report lists them.

The methods themselves (their switches and coefficients) are in :mod:`grdp.digital.registry`, which is built
in this order; the reports, which read tables only, need the names and their order, not the methods.
"""

METHOD_NAMES: tuple[str, ...] = ("gso", "mic", "hids", "oecd-core", "oecd-narrow", "oecd-broad")
"""Every method by name: the statistics office's, MIC's, HIDS's, and the OECD tiers (core, narrow, broad)."""
