"""Declared schemas for the tables that cross module boundaries.

- :data:`OBSERVATIONS`: the long table of published figures (``grdp.sources``);
- :data:`ACCOUNTS`: annual sector accounts by industry (``grdp.accounts``).

The source-file contract itself (column order, allowed codes) is documented in
``sources/README.md``; the constants below are its single definition in code.
"""

from __future__ import annotations

import pandera.pandas as pa

SOURCE_COLUMNS: tuple[str, ...] = (
    "region", "boundary", "period", "frequency", "variable", "industry", "price_basis", "unit",
    "value", "publisher", "publication_date", "date_approx", "url", "quality", "rating", "note",
)
"""Columns of every ``sources/<dataset>/data.csv``, in order."""

FIGURE_KEY: tuple[str, ...] = (
    "region", "boundary", "period", "frequency", "variable", "industry", "price_basis", "unit",
)
"""Columns that identify one figure; releases of the same figure share this key."""

ESTIMATED_REGIONS = frozenset({"hcmc", "binh_duong", "ba_ria_vung_tau", "vn"})
"""The territories grdp estimates: the nation, the merged city and its three former localities."""
OTHER_PROVINCES = frozenset({"bac_ninh", "thai_nguyen", "phu_tho", "hai_phong", "ha_noi", "tay_ninh"})
"""Provinces whose published figures are held as evidence (the statistics office's provincial shares on the
34-province boundary, MIC's provincial ranking of 2022); grdp does not estimate them."""
REGIONS = ESTIMATED_REGIONS | OTHER_PROVINCES
BOUNDARIES = frozenset({"old", "merged", "national", "province"})
"""``old``: a province before the 1 July 2025 mergers; ``merged``: the merged HCMC; ``national``: Viet Nam;
``province``: another province on the 34-province boundary of 1 July 2025."""
FREQUENCIES = frozenset({"A", "Q", "H", "M", "YTD", "AVG"})
PRICE_BASES = frozenset({"current", "constant_2010", "none"})
UNITS = frozenset({"bn_VND", "bn_USD", "percent", "count", "per_1000_pop", "index"})
QUALITIES = frozenset({"published", "derived", "imputed"})
RATINGS = frozenset({"green", "amber", "red"})

ALLOWED: dict[str, frozenset[str]] = {
    "region": REGIONS,
    "boundary": BOUNDARIES,
    "frequency": FREQUENCIES,
    "price_basis": PRICE_BASES,
    "unit": UNITS,
    "quality": QUALITIES,
    "rating": RATINGS,
}
"""Closed vocabularies of the source columns (variables and industries come from data files)."""


def _isin(values: frozenset[str]) -> pa.Check:
    return pa.Check.isin(sorted(values))


OBSERVATIONS = pa.DataFrameSchema(
    {
        "region": pa.Column(str, _isin(REGIONS)),
        "boundary": pa.Column(str, _isin(BOUNDARIES)),
        "period": pa.Column(str),
        "frequency": pa.Column(str, _isin(FREQUENCIES)),
        "variable": pa.Column(str),
        "industry": pa.Column(str),
        "price_basis": pa.Column(str, _isin(PRICE_BASES)),
        "unit": pa.Column(str, _isin(UNITS)),
        "value": pa.Column(float),
        "source_id": pa.Column(str),
        "publisher": pa.Column(str),
        "publication_date": pa.Column(str),
        "release_date": pa.Column("datetime64[ns]"),
        "date_approx": pa.Column(bool),
        "url": pa.Column(str, pa.Check.str_startswith("http")),
        "quality": pa.Column(str, _isin(QUALITIES)),
        "rating": pa.Column(str, _isin(RATINGS)),
        "note": pa.Column(str),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name="observations",
)
"""One row per published value; conflicting releases are separate rows."""

ACCOUNTS = pa.DataFrameSchema(
    {
        "region": pa.Column(str, _isin(REGIONS)),
        "boundary": pa.Column(str, _isin(BOUNDARIES)),
        "year": pa.Column(int, pa.Check.in_range(2000, 2050)),
        "industry": pa.Column(str),
        "value": pa.Column(float),
        "share": pa.Column(float),
        "quality": pa.Column(str, _isin(QUALITIES)),
        "method": pa.Column(str),
        "sources": pa.Column(str),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name="accounts",
)
"""Annual sector accounts at current prices: one row per region, year and industry.

``value`` is in bn VND; ``share`` is the fraction of GRDP (0-1); ``quality`` says whether the
cell is published, derived from published figures by arithmetic, or imputed by a model, and
``method`` names the rule that produced it; ``sources`` lists the source ids it rests on.
"""
