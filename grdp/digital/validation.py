"""Rolling-origin, real-time validation of the measurement model against simple rivals.

**Checks.** For every published annual share of the regions the measurement model covers
(:data:`grdp.digital.measurement.REGIONS`: the nation and the former city) and every definition it covers, the
first release of each year's figure is predicted from the digital-economy releases known the day before
(``as_of = release - 1 day``): the measurement model (:mod:`grdp.digital.measurement`) is fitted to every figure
known then, with the structural indicator of the city's sector accounts as they stand in the vintage (the bundled
national accounts by section were first released complete on 2025-06-06, so no model could have been run in real
time before then: real time for every digital-economy figure, pseudo-real time for the accounts; the column
``accounts_as_of`` says so). Its prediction of the figure is the posterior of the cell plus the figure's own
measurement error (its rating and rounding, :func:`grdp.digital.figure_error.measurement_sd`).

**Rivals** (:mod:`grdp.digital.rivals`), computed the same way where they can be (no fallback): the last
published figure carried, a straight line through the published points, and the constant ratio to the national
figure of the same institution. A rival's interval is ``estimate x exp(+-z sigma sqrt(h))`` with ``h`` the years to
the nearest published figure and ``sigma^2 = mean(e_j^2 / h_j)`` over the *other* checks of that rival (the same
method; every method when fewer than :data:`MIN_CHECKS` remain; the stated ``gap.innovation_sd`` when none), so its
coverage is out of sample too. Rivals are benchmarks that show what the model adds: nothing is chosen by them.

**Scores.** Every check records the error (``estimate - published``, pp, against the first release), the central
50%, 80% and 90% intervals and whether each covers the figure, the interval score of the 90% interval,
``(u - l) + (2 / 0.1) (l - y)_+ + (2 / 0.1) (y - u)_+`` (pp), and the continuous ranked probability score,
``CRPS = E|X - y| - E|X - X'| / 2`` over the prediction's draws (pp). Both are proper scores (Gneiting and Raftery,
2007): lower is better. :meth:`Validation.summary` pools them over every check of an estimator, and gives the model's
on the checks each rival could make. A check's ``kind`` says whether the figure was the first of its series
(``first``: only the model can predict it, from the other series and its priors), between published years
(``interpolation``) or beyond them (``extrapolation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.accounts import AccountsError
from grdp.accounts.shared import DIGITAL_PREFIX
from grdp.base import run_cache
from grdp.digital import figure_error, measurement
from grdp.digital.coefficient_calibration import CalibrationError
from grdp.digital.coefficients import coefficients
from grdp.digital.measured_errors import measure
from grdp.digital.model import DigitalModel, build
from grdp.digital.published import benchmark, first_releases, share_rows
from grdp.digital.rivals import LABELS, RULES, Information

ESTIMATORS = ("model", *RULES)
"""The measurement model, then the rivals."""
LEVELS = (0.5, 0.8, 0.9)
"""Levels of the central intervals whose coverage is checked."""
SCORE_LEVEL = 0.9
"""Level of the interval score."""
MIN_CHECKS = 2
"""Checks of a method a rival needs for a sigma of its own."""
COLUMNS = ["region", "boundary", "method", "year", "first_release", "as_of", "accounts_as_of", "published", "rating",
           "kind", "estimator", "estimate", "lower_50", "upper_50", "lower_80", "upper_80", "lower", "upper", "level",
           "error_pp", "error_log", "covered_50", "covered_80", "covered", "interval_score", "crps", "horizon",
           "bridged_from_year", "basis"]
SUMMARY_COLUMNS = ["estimator", "checks_on", "checks", "mae_pp", "rmse_pp", "mean_error_pp", "coverage_50",
                   "coverage_80", "coverage_90", "interval_score", "crps"]


@dataclass
class Validation:
    """The out-of-time checks and the rivals' measured sigmas."""

    table: pd.DataFrame
    """One row per check and estimator (:data:`COLUMNS`)."""
    level: float
    sigma: dict[tuple[str, str], tuple[float, str]]
    """(method, rival) -> (sigma of ln error per sqrt(year), basis) from every check."""

    def summary(self) -> pd.DataFrame:
        """Per estimator, pooled over all its checks (``checks_on = "own"``), and the model on the checks each rival
        could make (``checks_on`` the rival's name), so that the model is compared with each rival on the same
        figures: checks, mean absolute, root mean square and mean error (pp), coverage of the 50%, 80% and 90%
        intervals, mean interval score (90%, pp) and mean CRPS (pp)."""
        table = self.table
        cells = ["region", "method", "year"]
        scopes = [("own", estimator, table[table["estimator"] == estimator]) for estimator in ESTIMATORS]
        for rival in RULES:
            made = table.loc[table["estimator"] == rival, cells].drop_duplicates()
            scopes.append((rival, "model", table[table["estimator"] == "model"].merge(made, on=cells)))
        rows = []
        for scope, estimator, found in scopes:
            if found.empty:
                continue
            errors = found["error_pp"].astype(float)
            rows.append({"estimator": estimator, "checks_on": scope, "checks": len(found),
                         "mae_pp": float(errors.abs().mean()), "rmse_pp": float(np.sqrt((errors ** 2).mean())),
                         "mean_error_pp": float(errors.mean()),
                         "coverage_50": float(found["covered_50"].astype(bool).mean()),
                         "coverage_80": float(found["covered_80"].astype(bool).mean()),
                         "coverage_90": float(found["covered"].astype(bool).mean()),
                         "interval_score": float(found["interval_score"].mean()), "crps": float(found["crps"].mean())})
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def interval_score(lower: float, upper: float, actual: float, level: float = SCORE_LEVEL) -> float:
    """The interval score of a central interval ``[lower, upper]`` at ``level`` (module docstring)."""
    alpha = 1 - level
    return float((upper - lower) + 2 / alpha * max(lower - actual, 0.0) + 2 / alpha * max(actual - upper, 0.0))


def crps(draws: np.ndarray, actual: float) -> float:
    """The sample CRPS ``E|X - y| - E|X - X'| / 2`` of draws ``X`` (computed from the sorted draws)."""
    x = np.sort(np.asarray(draws, dtype=float))
    n = len(x)
    spread = 2 * np.sum(x * (2 * np.arange(1, n + 1) - n - 1)) / (n * n)
    return float(np.mean(np.abs(x - actual)) - spread / 2)


def _intervals(draws: np.ndarray) -> dict[float, tuple[float, float]]:
    return {level: tuple(np.percentile(draws, [50 * (1 - level), 100 - 50 * (1 - level)])) for level in LEVELS}


def _record(base: dict, estimator: str, estimate: float, draws: np.ndarray, published: float, horizon: float,
            source: int | None, basis: str) -> dict:
    bounds = _intervals(draws)
    return {**base, "estimator": estimator, "estimate": estimate,
            "lower_50": bounds[0.5][0], "upper_50": bounds[0.5][1], "lower_80": bounds[0.8][0],
            "upper_80": bounds[0.8][1], "lower": bounds[0.9][0], "upper": bounds[0.9][1], "level": 0.9,
            "error_pp": estimate - published, "error_log": float(np.log(estimate / published)),
            "covered_50": bounds[0.5][0] <= published <= bounds[0.5][1],
            "covered_80": bounds[0.8][0] <= published <= bounds[0.8][1],
            "covered": bounds[0.9][0] <= published <= bounds[0.9][1],
            "interval_score": interval_score(*bounds[SCORE_LEVEL], published), "crps": crps(draws, published),
            "horizon": horizon, "bridged_from_year": source, "basis": basis}


def _structural(region: str, boundary: str, view: src.Releases) -> DigitalModel | None:
    if region == "vn":
        return None
    try:
        return build(region, boundary, view)
    except (AccountsError, CalibrationError, ValueError):
        return None


def _checks(releases: src.Releases, draws: int, seed: int) -> pd.DataFrame:
    records = []
    shares = share_rows(releases)
    known = releases.known
    digital = known["variable"].str.startswith(DIGITAL_PREFIX)
    for region, boundary in measurement.REGIONS.items():
        families = measurement.NATIONAL if region == "vn" else measurement.FAMILIES
        for method in families:
            for first in first_releases(shares.known, region, boundary, method).itertuples():
                as_of = (date.fromisoformat(first.release) - timedelta(days=1)).isoformat()
                before = shares.at(as_of)
                bench = benchmark(before, region, boundary, method)
                kind = ("first" if not len(bench) else
                        "interpolation" if min(bench.years) < first.year < max(bench.years) else "extrapolation")
                base = {"region": region, "boundary": boundary, "method": method, "year": first.year,
                        "first_release": first.release, "as_of": as_of, "accounts_as_of": releases.as_of,
                        "published": first.value, "rating": first.rating, "kind": kind}
                view = releases.subset(~digital | (known["release_date"] <= pd.Timestamp(as_of)))
                sigma_published = measure(view).sd["published"]
                years = list(range(measurement.FIRST_YEAR,
                                   max([first.year, *measurement.ended_years(str(releases.as_of))]) + 1))
                fitted = measurement.fit(region, view, years, sigma_published, _structural(region, boundary, view))
                noise = figure_error.measurement_sd(first.value, first.rating, sigma_published)
                predicted = fitted.draws(region, method, first.year, draws, seed, noise_sd=noise)
                nearest = min(bench.years, key=lambda y: (abs(y - first.year), y)) if len(bench) else None
                records.append(_record(base, "model", fitted.point(region, method, first.year), predicted,
                                       first.value, abs(first.year - nearest) if nearest is not None else np.nan,
                                       nearest, f"the measurement model on {len(fitted.measurements)} figure(s) "
                                                f"known on {as_of}"))
                national = None if region == "vn" else benchmark(before, "vn", "national", method)
                info = Information(bench, national)
                for rival, rule in RULES.items():
                    found = rule(info, first.year)
                    if found is not None:
                        value, source, detail = found
                        records.append({**base, "estimator": rival, "estimate": value,
                                        "horizon": abs(first.year - source), "bridged_from_year": source,
                                        "basis": detail})
    return pd.DataFrame(records, columns=COLUMNS)


def _sigma(rows: pd.DataFrame) -> float | None:
    rows = rows[rows["horizon"] > 0]
    if len(rows) < MIN_CHECKS:
        return None
    return float(np.sqrt(np.mean(rows["error_log"] ** 2 / rows["horizon"])))


def rival_sigma(table: pd.DataFrame, method: str, estimator: str,
                exclude: tuple[str, str, int] | None = None) -> tuple[float, str]:
    """``sigma`` of a rival's log error per square-root year (module docstring), leaving out the check
    ``exclude`` = (region, method, year)."""
    used = table[table["estimator"] == estimator].drop_duplicates(["region", "method", "year"])
    used = used.assign(error_log=np.log(used["estimate"].astype(float) / used["published"].astype(float)))
    if exclude is not None:
        used = used[[(r, m, y) != exclude for r, m, y in zip(used["region"], used["method"], used["year"])]]
    for rows, scope in ((used[used["method"] == method], f"{method} checks"), (used, "checks of every method")):
        sigma = _sigma(rows)
        if sigma is not None:
            n = int((rows["horizon"] > 0).sum())
            return sigma, f"out-of-time errors of {LABELS[estimator]} on {n} {scope}: {100 * sigma:.1f}% per sqrt(year)"
    fallback = coefficients()["gap.innovation_sd"].centre
    return fallback, (f"fewer than {MIN_CHECKS} out-of-time checks of {LABELS[estimator]}: the stated "
                      f"gap.innovation_sd ({100 * fallback:.0f}% per sqrt(year))")


def out_of_time(releases: src.Releases, level: float = 0.9, draws: int = 2000, seed: int = 0) -> Validation:
    """Run every out-of-time check on the releases of the vintage's as-of view (module docstring).

    Parameters
    ----------
    releases
        The vintage's as-of view (:class:`grdp.sources.Releases`): checks and their information sets use only
        the releases it knows.
    level
        Level of the intervals reported in ``lower`` and ``upper`` (the 50% and 80% intervals are reported too).
    draws, seed
        Draws of each prediction and their seed.

    Returns
    -------
    Validation
    """
    return run_cache.cached("validation", (releases.as_of, releases.key, level, draws, seed),
                            lambda: _validate(releases, level, draws, seed))


def _validate(releases: src.Releases, level: float, draws: int, seed: int) -> Validation:
    table = _checks(releases, draws, seed)
    rng = np.random.default_rng([seed, 31])
    z = rng.standard_normal(draws)
    for i, row in table.iterrows():
        if row["estimator"] != "model":
            scale, _ = rival_sigma(table, row["method"], row["estimator"],
                                   exclude=(row["region"], row["method"], row["year"]))
            spread = scale * np.sqrt(max(float(row["horizon"]), 1.0))
            sample = float(row["estimate"]) * np.exp(spread * z)
            done = _record({k: row[k] for k in COLUMNS[:10]}, row["estimator"], float(row["estimate"]), sample,
                           float(row["published"]), row["horizon"], row["bridged_from_year"], row["basis"])
            for key, value in done.items():
                table.at[i, key] = value
    for column in ("covered_50", "covered_80", "covered"):
        table[column] = table[column].astype(bool)
    sigma = {(m, e): rival_sigma(table, m, e) for m in measurement.FAMILIES for e in RULES}
    return Validation(table, level, sigma)
