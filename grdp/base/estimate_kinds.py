"""What kind of figure each share of the headline is: the column ``kind`` of ``digital_headline`` and ``digital_parts``.

The digital stage writes the kind of every figure it gives, and the reports read it as data; nothing reads the
English prose of ``basis`` back. Each kind belongs to one ``status``:

- ``published`` (status ``published``): a figure an institution published, the headline;
- grdp's estimates (status ``estimate``), by how they are obtained: ``model`` (the measurement model of every
  published figure, :mod:`grdp.digital.measurement`), ``parts`` (the merged city as the sum of its three former
  localities), ``calibrated`` (the structural model on the region's accounts, its gap conditioned on the
  region's own evidence: its published figures of the definition, bounds that published rankings put on its share,
  or its evidence on the other definition), ``uncalibrated`` (no evidence of the region's own: national coefficients
  and the prior of the gap) and ``not_validated`` (a definition no institution publishes: the model, never checked
  against a figure);
- ``not_supported`` (status ``not_supported``): no figure can be given, and the row's ``reason`` says why.
"""

from __future__ import annotations

PUBLISHED = "published"
MODEL = "model"
PARTS = "parts"
CALIBRATED = "calibrated"
UNCALIBRATED = "uncalibrated"
NOT_VALIDATED = "not_validated"
NOT_SUPPORTED = "not_supported"

ESTIMATES: tuple[str, ...] = (MODEL, PARTS, CALIBRATED, UNCALIBRATED, NOT_VALIDATED)
"""The kinds of grdp's estimates (status ``estimate``)."""
KINDS: tuple[str, ...] = (PUBLISHED, *ESTIMATES, NOT_SUPPORTED)
"""Every kind, published first."""


def status_of(kind: str) -> str:
    """Return the ``status`` of a figure of this ``kind`` (``published``, ``estimate`` or ``not_supported``).

    Raises
    ------
    ValueError
        If ``kind`` is not one of :data:`KINDS`.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown estimate kind {kind!r}; kinds: {', '.join(KINDS)}")
    return kind if kind in (PUBLISHED, NOT_SUPPORTED) else "estimate"
