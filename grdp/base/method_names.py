"""The names of the digital-economy methods, in the order every table, chart and report lists them, and the two
definitions the targets are assessed on.

The methods themselves (their switches and coefficients) are in :mod:`grdp.digital.registry`, which is built
in this order; the reports, which read tables only, need the names and their order, not the methods.
"""

METHOD_NAMES: tuple[str, ...] = ("gso", "mic", "hids", "oecd-core", "oecd-narrow", "oecd-broad")
"""Every method by name: the statistics office's, MIC's, HIDS's, and the OECD tiers (core, narrow, broad)."""

TRACKED = "mic"
"""The definition the city's targets are tracked on: the notes of ``sources/policy_targets`` say the targets
"were tracked against MIC-style figures, not the GSO method"."""
OFFICIAL = "gso"
"""The statistics office's definition (GSO, since March 2025 the National Statistics Office), the official one."""
HEADLINE_METHODS: tuple[str, ...] = tuple(name for name in METHOD_NAMES if name in (TRACKED, OFFICIAL))
"""The definitions the targets are assessed on (:data:`TRACKED` and :data:`OFFICIAL`, in the order of
:data:`METHOD_NAMES`); the others are alternative lenses."""
