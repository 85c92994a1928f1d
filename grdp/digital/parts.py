"""The merged city as the sum of its parts: old HCMC, Binh Duong and Ba Ria-Vung Tau, each estimated alone.

Since 1 July 2025 Ho Chi Minh City includes the former Binh Duong and Ba Ria-Vung Tau provinces.
No institution has published a digital-economy share for the merged boundary (where one is, it is the
headline, with its release and rating, and the sum of the parts is only grdp's reproduction of it), and
the three former localities are measured very differently: old HCMC has published GSO, MIC and HIDS figures, Binh Duong
and Ba Ria-Vung Tau none in the sources (Binh Duong's one MIC-type figure, 11.34%, states no year).
So each part gets its own headline (:func:`grdp.digital.headline.share_table` on its own accounts and
its own published figures; *uncalibrated* where it has none), and for each method and year

    share_merged = sum_p share_p GRDP_p / sum_p GRDP_p

draw by draw, so numerators (``share_p GRDP_p / 100``, bn VND) and denominators (GRDP) add up and the
parts' uncertainties combine (the parts' draws are independent; the shares of one part keep the
correlation of its own draws). Each part's GRDP is its accounts' GRDP with the measured error of GRDP
levels (:mod:`grdp.digital.measured_errors`, independent by part and year); in a year where only the
merged GRDP is published, the parts' GRDP are their accounts' GRDP moved by their own published
growth (:mod:`grdp.accounts`; 2025), or, where a part has no account that year, the merged GRDP split
by the parts' shares of their sum in the nearest year with all three accounts. A common scale of the three GRDP (for
example 2.74 against about 3 quadrillion VND for 2025) does not move the merged share; only the
parts' relative weights do. So in a year after the last one with the three parts' GRDP, when neither the parts'
nor the merged GRDP is published yet (a vintage of late 2026: 2026 has ended, its GRDP is not out), the parts'
weights of that last year are held: the merged share is the sum of the parts' own estimates for the year with
the last known weights, and the numerator and denominator in bn VND are that year's levels, not an estimate of the
new year's (the basis says so). A year in which a part has no figure is ``not_supported``, naming it.

**A figure published for the merged city constrains the parts.** Where the merged share is published for one or more
definitions and years, the parts' joint draws ``d = 1..R`` (every part, every definition, every year, and the GRDP
draws) are weighted by the likelihood of the published figures given the draw's merged shares ``M_d``, with
the published figure's measurement error (:func:`grdp.digital.figure_error.measurement_sd`: its stated range as its
90% range and the error of published figures)::

    w_d ∝ prod_f exp(-(ln y_f - ln M_{f,d})^2 / (2 s_f^2))

and resampled systematically (positions ``(k + 1/2) / R`` on the cumulated weights, so a small change of the data
moves a few draws), every year with the same index: the draws stay joint across years, so a projection fitted to
the merged history reads their covariance, and a year without a published figure moves only as far as its draws are
correlated with the constrained year's. A part's structural draws of one definition are the same draws that give
its other definitions (:func:`grdp.digital.model.simulate_years`), so the statistics office's merged figure narrows
the parts' MIC-method shares too. The parts' point values move by the change of their mean log draw under the
weights (the weighted mean, not the resample's, so that they move smoothly with the data); a published part's
figure stays.
This is importance sampling (Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed., section 10.4); the basis gives
the effective number of draws ``(sum w)^2 / sum w^2``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.accounts import MERGED_PARTS, AccountsError
from grdp.base import estimate_kinds as kinds
from grdp.base import run_cache
from grdp.digital.figure_error import measurement_sd
from grdp.digital.measured_errors import measure
from grdp.digital.model import account_inputs
from grdp.digital.published import INSTITUTIONS, benchmark, share_rows
from grdp.digital.region_cells import DEFAULT_DRAWS, Cell, published_cell, region_cells
from grdp.digital.registry import METHODS

PART_NAMES = {"hcmc": "old HCMC", "binh_duong": "Binh Duong", "ba_ria_vung_tau": "Ba Ria-Vung Tau"}
PART_COLUMNS = ["part", "method", "year", "status", "kind", "share", "lower", "upper", "numerator", "numerator_lower",
                "numerator_upper", "denominator", "level", "basis"]


def _grdp(releases: src.Releases, years: list[int]) -> dict[tuple[str, int], tuple[float, str]]:
    """GRDP of each part and year (bn VND) and where it comes from."""
    out: dict[tuple[str, int], tuple[float, str]] = {}
    inputs = {}
    for region, boundary in MERGED_PARTS:
        try:
            inputs[region] = account_inputs(region, boundary, releases)
        except AccountsError:
            continue
    for region, rows in inputs.items():  # in the order of MERGED_PARTS, parts without accounts left out
        for year, value, source in zip(rows.years, rows.grdp, rows.grdp_source):
            how = ("the part's published GRDP" if source.endswith("(published)") else
                   "the part's GRDP moved from the previous year by its published growth (grdp.accounts)")
            out[(region, year)] = (float(value), how)
    common = [y for y in sorted({y for (_, y) in out}) if all((r, y) in out for r, _ in MERGED_PARTS)]
    merged = merged_grdp(releases)
    for year in years:
        if all((r, year) in out for r, _ in MERGED_PARTS) or not common:
            continue
        nearest = min(common, key=lambda y: (abs(y - year), -y))
        if year in merged:
            total = sum(out[(r, nearest)][0] for r, _ in MERGED_PARTS)
            for region, _ in MERGED_PARTS:
                weight = out[(region, nearest)][0] / total
                out[(region, year)] = (weight * merged[year][0], f"the merged GRDP of {year} ({merged[year][1]}) "
                                                                 f"split by the parts' shares of {nearest}")
        elif year > common[-1] and not any((r, year) in out for r, _ in MERGED_PARTS):
            for region, _ in MERGED_PARTS:
                out[(region, year)] = (out[(region, nearest)][0],
                                       f"the part's GRDP of {nearest} held (no GRDP published for {year}: the "
                                       f"parts' weights of {nearest}, which alone move the merged share)")
    return out


def merged_grdp(releases: src.Releases) -> dict[int, tuple[float, str]]:
    """The merged city's published GRDP by year (as-of rule), with its source and rating."""
    observations = releases.selected
    rows = observations[(observations["region"] == "hcmc") & (observations["boundary"] == "merged")
                        & (observations["variable"] == "grdp") & (observations["industry"] == "TOTAL")
                        & (observations["frequency"] == "A") & (observations["price_basis"] == "current")]
    selected = rows.sort_values(["period", "source_id"])
    return {int(r.period): (float(r.value), f"{r.value:,.0f} bn VND, {r.source_id}, {r.release_date.date()}, "
                                            f"{r.rating}") for r in selected.drop_duplicates("period").itertuples()}


def part_cells(releases: src.Releases, methods: list[str], draws: int,
               seed: int) -> dict[str, dict[tuple[str, int], Cell]]:
    """Each part's headline cells (old boundary)."""
    return {region: region_cells(region, boundary, releases, methods, draws, seed)
            for region, boundary in MERGED_PARTS}


def systematic_resample(weights: np.ndarray) -> np.ndarray:
    """Indices of a systematic resample of draws with the given (unnormalised) weights, positions ``(k + 1/2) / R``."""
    cumulated = np.cumsum(weights / weights.sum())
    positions = (np.arange(len(weights)) + 0.5) / len(weights)
    return np.minimum(np.searchsorted(cumulated, positions), len(weights) - 1)


def _level_draws(grdp: dict[tuple[str, int], tuple[float, str]], sd: float, years: list[int], draws: int,
                 seed: int) -> dict[tuple[str, int], np.ndarray]:
    """Draws of each part's GRDP with the measured error of GRDP levels (independent by part and year)."""
    out = {}
    for i, (region, _) in enumerate(MERGED_PARTS):
        for year in years:
            if (region, year) in grdp:
                rng = np.random.default_rng([seed, i, year, 7])
                out[(region, year)] = grdp[(region, year)][0] * np.exp(sd * rng.standard_normal(draws) - sd ** 2 / 2)
    return out


def _merged_draws(parts: dict[str, dict[tuple[str, int], Cell]], level_draws: dict[tuple[str, int], np.ndarray],
                  method: str, year: int) -> np.ndarray:
    numerator = sum(np.asarray(parts[r][(method, year)].samples) / 100 * level_draws[(r, year)]
                    for r, _ in MERGED_PARTS)
    return 100 * numerator / sum(level_draws[(r, year)] for r, _ in MERGED_PARTS)


def _constrain(releases: src.Releases, parts: dict[str, dict[tuple[str, int], Cell]],
               level_draws: dict[tuple[str, int], np.ndarray], years: list[int]) -> dict[int, str]:
    """Resample the parts' joint draws by the likelihood of every published merged figure (module docstring), in
    place: every year's draws with the same index, so that the draws stay joint across years.

    Returns the note each year's basis ends with, by year."""
    shares = share_rows(releases)
    sigma = measure(releases).sd["published"]
    log_weights, used = None, []
    for year in years:
        for method in METHODS:
            row = benchmark(shares, "hcmc", "merged", method).row(year)
            if row is None or any(parts[r][(method, year)].samples is None or (r, year) not in level_draws
                                  for r, _ in MERGED_PARTS):
                continue
            value, rating = float(row["value"]), str(row["rating"])
            spread = measurement_sd(value, rating, sigma)
            term = -0.5 * ((np.log(value) - np.log(_merged_draws(parts, level_draws, method, year))) / spread) ** 2
            log_weights = term if log_weights is None else log_weights + term
            used.append(f"{year} {INSTITUTIONS.get(method, method)} {value:.2f} ({rating}, {row['release']})")
    if log_weights is None:
        return {}
    weights = np.exp(log_weights - log_weights.max())
    effective = weights.sum() ** 2 / (weights ** 2).sum()
    index = systematic_resample(weights)
    note = (f"; constrained by the merged city's published figure(s) ({'; '.join(used)}): the parts' joint draws of "
            f"every year weighted by their likelihood and resampled, {effective:,.0f} effective of {len(index):,} "
            "draws")
    for key in level_draws:
        level_draws[key] = level_draws[key][index]
    for region, _ in MERGED_PARTS:
        for key, cell in parts[region].items():
            if cell.samples is None:
                continue
            before = np.asarray(cell.samples)
            logs = np.log(before)
            value = cell.value if cell.kind == kinds.PUBLISHED else float(
                cell.value * np.exp(np.sum(weights * logs) / weights.sum() - np.mean(logs)))
            parts[region][key] = replace(cell, value=value, samples=before[index], basis=cell.basis + note)
    return {year: note for year in years}


def _sum(releases: src.Releases, methods: list[str], draws: int, seed: int):
    parts = part_cells(releases, methods, draws, seed)
    parts = {r: dict(found) for r, found in parts.items()}  # the cached cells of each part's headline stay as they are
    years = sorted({y for found in parts.values() for _, y in found})
    grdp = _grdp(releases, years)
    level_draws = _level_draws(grdp, measure(releases).sd["grdp"], years, draws, seed)
    notes = _constrain(releases, parts, level_draws, years)
    merged: dict[tuple[str, int], Cell] = {}
    levels: dict[tuple[str, str, int], tuple[np.ndarray, np.ndarray]] = {}
    for method in methods:
        for year in years:
            missing = [PART_NAMES[r] for r, _ in MERGED_PARTS
                       if parts[r][(method, year)].samples is None or (r, year) not in grdp]
            if missing:
                reasons = "; ".join(f"{PART_NAMES[r]}: {parts[r][(method, year)].reason or 'no GRDP'}"
                                    for r, _ in MERGED_PARTS if PART_NAMES[r] in missing)
                merged[(method, year)] = Cell(method, year, kinds.NOT_SUPPORTED,
                                              reason=f"no figure for {', '.join(missing)} ({reasons})")
                continue
            numerator = np.zeros(draws)
            denominator = np.zeros(draws)
            described = []
            for region, _ in MERGED_PARTS:
                cell = parts[region][(method, year)]
                level_draws_of = level_draws[(region, year)]
                share = np.asarray(cell.samples)
                numerator += share / 100 * level_draws_of
                denominator += level_draws_of
                levels[(region, method, year)] = (share / 100 * level_draws_of, level_draws_of)
                label = (cell.basis.split(";")[0] if cell.kind == kinds.PUBLISHED else
                         "grdp estimate, uncalibrated" if cell.kind == kinds.UNCALIBRATED else "grdp estimate")
                described.append(f"{PART_NAMES[region]} {cell.value:.2f} ({label})")
            point = sum(parts[r][(method, year)].value * grdp[(r, year)][0] for r, _ in MERGED_PARTS) / sum(
                grdp[(r, year)][0] for r, _ in MERGED_PARTS)
            weights = ", ".join(f"{PART_NAMES[r]} {grdp[(r, year)][1]}" for r, _ in MERGED_PARTS)
            merged[(method, year)] = Cell(
                method, year, kinds.PARTS, point, 100 * numerator / denominator,
                f"grdp estimate: sum of the three former localities, numerators and GRDP added "
                f"({'; '.join(described)}); GRDP: {weights}{notes.get(year, '')}")
    return parts, merged, levels, grdp


def _summed(releases: src.Releases, draws: int, seed: int):
    """Every method's parts and sums, once per run (:mod:`grdp.base.run_cache`)."""
    return run_cache.cached("parts", (releases.as_of, releases.key, draws, seed),
                            lambda: _sum(releases, list(METHODS), draws, seed))


def merged_cells(releases: src.Releases, methods: list[str], draws: int,
                 seed: int) -> dict[tuple[str, int], Cell]:
    """The merged city's headline cells: a figure published for the merged boundary where one exists,
    else the sum of the parts (see the module docstring)."""
    summed = _summed(releases, draws, seed)[1]
    shares = share_rows(releases)
    sigma = measure(releases).sd["published"]
    out = {}
    benchmarks = {m: benchmark(shares, "hcmc", "merged", m) for m in methods}
    for (method, year), cell in summed.items():
        if method not in methods:
            continue
        row = benchmarks[method].row(year)
        out[(method, year)] = cell if row is None else published_cell(method, year, row, sigma, draws, seed, None)
    return out


def parts_table(releases: src.Releases, methods: list[str], level: float = 0.9,
                draws: int = DEFAULT_DRAWS, seed: int = 0) -> pd.DataFrame:
    """Each part and the merged city, by method and year: share, numerator and denominator with intervals.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PART_COLUMNS`; ``part`` is ``hcmc``, ``binh_duong``, ``ba_ria_vung_tau`` or
        ``merged``; ``numerator`` (digital value added, bn VND) and ``denominator`` (GRDP, bn VND) of
        the merged rows are the sums of the parts'.
    """
    parts, merged, levels, grdp = _summed(releases, draws, seed)
    merged = {k: c for k, c in merged.items() if k[0] in methods}
    parts = {r: {k: c for k, c in found.items() if k[0] in methods} for r, found in parts.items()}
    tail = 100 * (1 - level) / 2
    rows = []
    for part, found in [*parts.items(), ("merged", merged)]:
        for (method, year), cell in found.items():
            row = {"part": part, "method": method, "year": year, "status": cell.status, "kind": cell.kind,
                   "share": cell.value,
                   "level": level, "basis": cell.basis or cell.reason}
            if part == "merged" and cell.samples is not None:
                num = sum(levels[(r, method, year)][0] for r, _ in MERGED_PARTS)
                den = sum(grdp[(r, year)][0] for r, _ in MERGED_PARTS)
            elif (part, method, year) in levels:
                num, den = levels[(part, method, year)][0], grdp[(part, year)][0]
            else:
                num, den = None, grdp.get((part, year), (np.nan, ""))[0]
            if cell.samples is not None:
                row["lower"], row["upper"] = np.percentile(cell.samples, [tail, 100 - tail])
            if num is not None:
                row["numerator"] = cell.value / 100 * den
                row["numerator_lower"], row["numerator_upper"] = np.percentile(num, [tail, 100 - tail])
            row["denominator"] = den
            rows.append(row)
    return pd.DataFrame(rows, columns=PART_COLUMNS)
