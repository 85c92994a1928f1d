"""The headline share of each definition and year: the published figure where one exists, else grdp's estimate.

:func:`share_table` is the one table the reports and the target assessment read. For a region,
boundary and vintage date it has one row per method (definition) and year, for every year from
2020 to the last year that **has ended** by the as-of date (a year has ended when ``as_of`` is on or
after its 31 December), with ``status``:

* ``published``: an institution published a figure for that region and year; it is the headline,
  with its release and rating, whatever grdp's model says (the model's value appears only in the
  reproduction table). ``lower`` and ``upper`` bound the published figure's own error, measured
  from the revisions of published figures (:mod:`grdp.digital.measured_errors`);
* ``estimate``: grdp's estimate, by the estimator the out-of-time validation chose for that region
  and definition (:mod:`grdp.digital.validation`), saying which published figure it is bridged from
  and what moves it; its interval is the model's Monte Carlo interval, or for a rival
  ``value x exp(+-z sigma sqrt(h))`` with sigma measured out of time. For a region without any
  published figure of the definition (Binh Duong, Ba Ria-Vung Tau), the model with the prior of the
  city-specific gap: labelled *uncalibrated*;
* ``not_supported``: no figure can be given, and ``reason`` says why (a component split that no
  data identify: the OECD narrow tier, whose platform block is separated from the sectoral block
  only by a red-rated split; or a year without sector accounts and without a published figure).

The merged city (``boundary="merged"``) is the sum of its parts (:mod:`grdp.digital.parts`), unless a
figure was published for the merged boundary, which is then its headline.
:func:`share_samples` returns the draws behind ``lower`` and ``upper``, for the target assessment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.base import run_cache
from grdp.digital.parts import merged_cells
from grdp.digital.region_cells import DEFAULT_DRAWS, Cell, region_cells
from grdp.digital.registry import METHODS

COLUMNS = ["region", "boundary", "method", "year", "status", "kind", "value", "lower", "upper", "level", "basis",
           "bridged_from_year", "release", "rating", "source_id", "url", "reason"]


def cells(region: str, boundary: str, releases: src.Releases, methods: list[str] | None = None,
          draws: int = DEFAULT_DRAWS, seed: int = 0) -> dict[tuple[str, int], Cell]:
    """Every method and year of the headline table with its draws (cached; see :func:`share_table`).

    The draws of a cell do not depend on which other methods are asked for, so every method is
    computed (once per run) and ``methods`` only selects.
    """
    chosen = list(methods or METHODS)
    unknown = [m for m in chosen if m not in METHODS]
    if unknown:
        raise KeyError(f"unknown method(s) {', '.join(unknown)}; methods: {', '.join(METHODS)}")
    if boundary != "merged":
        return region_cells(region, boundary, releases, chosen, draws, seed)
    key = (region, boundary, releases.as_of, releases.key, draws, seed)
    found = run_cache.cached("headline", key, lambda: merged_cells(releases, list(METHODS), draws, seed))
    return {k: c for k, c in found.items() if k[0] in chosen}


def table(found: dict[tuple[str, int], Cell], region: str, boundary: str, level: float) -> pd.DataFrame:
    """The headline table of a set of cells (columns :data:`COLUMNS`)."""
    tail = 100 * (1 - level) / 2
    rows = []
    for (method, year), c in found.items():
        lower = upper = np.nan
        if c.samples is not None:
            lower, upper = np.percentile(c.samples, [tail, 100 - tail])
        rows.append({"region": region, "boundary": boundary, "method": method, "year": year, "status": c.status,
                     "kind": c.kind, "value": c.value, "lower": lower, "upper": upper, "level": level, "basis": c.basis,
                     "bridged_from_year": c.bridged_from_year, "release": c.release, "rating": c.rating,
                     "source_id": c.source_id, "url": c.url, "reason": c.reason})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["bridged_from_year"] = out["bridged_from_year"].astype("Int64")
    return out.sort_values(["method", "year"], key=lambda s: s.map(list(METHODS).index) if s.name == "method" else s,
                           ignore_index=True)


def share_table(region: str, boundary: str, releases: src.Releases, methods: list[str] | None = None,
                level: float = 0.9, draws: int = DEFAULT_DRAWS, seed: int = 0) -> pd.DataFrame:
    """The headline share of every method and year (module docstring).

    Parameters
    ----------
    region, boundary
        ``"hcmc"`` with ``"old"`` or ``"merged"``, ``"binh_duong"`` or ``"ba_ria_vung_tau"`` with
        ``"old"``, ``"vn"`` with ``"national"``.
    releases
        The vintage's as-of view (:class:`grdp.sources.Releases`): only the releases it knows are used.
    methods
        Methods (definitions) to include (default: all).
    level
        Central interval level.
    draws, seed
        Monte Carlo draws behind the intervals and their seed.

    Returns
    -------
    pandas.DataFrame
        One row per method and year, columns :data:`COLUMNS`: ``status`` (``published``,
        ``estimate``, ``not_supported``), ``kind`` (how the figure is obtained, one of
        :data:`grdp.base.estimate_kinds.KINDS`, read by the reports as data), ``value`` (percent of GRDP),
        ``lower``, ``upper``, ``level``, ``basis`` (plain English), ``bridged_from_year``, ``release``, ``rating``,
        ``source_id``, ``url`` (of a published figure), ``reason`` (of ``not_supported``).
    """
    return table(cells(region, boundary, releases, methods, draws, seed), region, boundary, level)


def share_samples(region: str, boundary: str, releases: src.Releases, method: str, year: int,
                  draws: int = DEFAULT_DRAWS, seed: int = 0) -> np.ndarray:
    """The draws behind ``lower`` and ``upper`` of one row of :func:`share_table` (same arguments; the
    percentiles of these draws at the table's level are its ``lower`` and ``upper``).

    For a published figure they are the figure times its measured error; for an estimate, the
    model's Monte Carlo draws or the rival's draws ``value x exp(sigma sqrt(h) Z)``.

    Raises
    ------
    KeyError
        If the year is not in the table, or the row is ``not_supported`` (the reason is in the message).
    """
    found = cells(region, boundary, releases, None, draws, seed)
    if (method, year) not in found:
        raise KeyError(f"no headline row for {method} {year} as of {releases.as_of}; years: "
                       f"{', '.join(map(str, sorted({y for _, y in found})))}")
    cell = found[(method, year)]
    if cell.samples is None:
        raise KeyError(f"{method} {year} is not supported: {cell.reason}")
    return cell.samples
