"""Out-of-time validation of grdp's estimators, in real time, and the choice of what grdp publishes.

**Checks.** For every published annual share (region, boundary, method, year) whose first release
came after at least one earlier figure of the same series, every estimator
(:mod:`grdp.digital.estimators`) predicts that year from the digital-economy figures published the
day before that first release (``as_of = release - 1 day``): the rivals use the series as it stood,
and the model is rebuilt with every digital-economy release of that date (national calibration,
city-specific gap). The model's sector accounts are those of the vintage: the bundled national
accounts by section were first released complete on 2025-06-06, so no model could have been run in
real time before then (pseudo-real-time for the accounts, real time for every digital-economy
figure; the column ``accounts_as_of`` says so). The error is ``estimate - published`` (pp) and
``ln(estimate / published)``, against the first release.

**Intervals.** The model's interval is its Monte Carlo interval at that date. A rival's interval is
``estimate x exp(+-z sigma sqrt(h))`` with h the years to the nearest published figure and
``sigma^2 = mean(e_j^2 / h_j)`` over the *other* checks of the same method and estimator (pooled
over regions; over methods when fewer than two remain; the stated ``gap.innovation_sd`` when none),
so the coverage reported is out of sample too.

**Choice** (:func:`ranking`). grdp's estimates for years without a published figure all lie outside
the years already published (after the last, or before the first), so estimators are ranked on
the *extrapolation* checks (``kind``; interpolations between published years are reported too):
for each region and method with at least two such checks (else pooled over regions, else over
methods), by mean absolute error in pp rounded to 0.01 pp (the precision of the published
figures), ties going to the simpler estimator (carried, national ratio, line, model). The model is
therefore used only where it is strictly better than every rival. Each estimator is evaluated as
a policy with its fallback chain (:data:`grdp.digital.estimators.FALLBACK`), which is also what is
published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy.stats import norm

from grdp import sources as src
from grdp.accounts import AccountsError
from grdp.accounts.shared import DIGITAL_PREFIX
from grdp.base import run_cache
from grdp.digital.coefficient_calibration import CalibrationError
from grdp.digital.coefficients import coefficients
from grdp.digital.estimators import ESTIMATORS, LABELS, Information, point
from grdp.digital.model import build
from grdp.digital.published import INSTITUTIONS, benchmark, first_releases, share_rows
from grdp.digital.uncertainty import simulate_years

PUBLISHED_METHODS = tuple(INSTITUTIONS)
SIMPLICITY = ("carried", "national_ratio", "line", "model")
"""Order in which ties are broken (simplest first)."""
MIN_CHECKS = 2
"""Checks a region and method need for a choice (and a method for a sigma) of its own."""
COLUMNS = ["region", "boundary", "method", "year", "first_release", "as_of", "accounts_as_of", "published", "rating",
           "kind", "estimator",
           "used", "estimate", "lower", "upper", "level", "error_pp", "error_log", "covered", "horizon",
           "bridged_from_year", "basis"]


@dataclass
class Validation:
    """The out-of-time checks, their summary and the choice of estimator."""

    table: pd.DataFrame
    """One row per check and estimator (:data:`COLUMNS`)."""
    level: float
    sigma: dict[tuple[str, str], tuple[float, str]]
    """(method, estimator) -> (sigma of ln error per sqrt(year), basis) from every check."""

    def summary(self) -> pd.DataFrame:
        """Per region, method and estimator: checks, mean absolute and root mean square error (pp),
        mean error, coverage of the intervals at :attr:`level`, fallbacks used."""
        if self.table.empty:
            return pd.DataFrame(columns=["region", "method", "estimator", "checks", "mae_pp", "rmse_pp",
                                         "mean_error_pp", "coverage", "level", "fallbacks"])
        grouped = self.table.groupby(["region", "method", "estimator"], sort=False)
        out = grouped.agg(checks=("error_pp", "size"), mae_pp=("error_pp", lambda e: e.abs().mean()),
                          rmse_pp=("error_pp", lambda e: float(np.sqrt((e ** 2).mean()))),
                          mean_error_pp=("error_pp", "mean"), coverage=("covered", "mean"),
                          fallbacks=("used", lambda u: int((u != self.table.loc[u.index, "estimator"]).sum())))
        return out.reset_index().assign(level=self.level)

    def choice(self, region: str, method: str) -> tuple[str, str]:
        """The estimator grdp publishes for a region and method, and why (see the module docstring)."""
        order, reason = ranking(self.table, region, method)
        return order[0], reason


def _scores(rows: pd.DataFrame) -> dict[str, float]:
    return {e: round(float(rows.loc[rows["estimator"] == e, "error_pp"].abs().mean()), 2) for e in ESTIMATORS
            if (rows["estimator"] == e).any()}


def ranking(table: pd.DataFrame, region: str, method: str) -> tuple[list[str], str]:
    """Return the estimators of a region and method, best first, and the reason (module docstring)."""
    checks = table[table["kind"] == "extrapolation"]
    scope, rows = f"{region} {method}", checks[(checks["region"] == region) & (checks["method"] == method)]
    if rows["year"].nunique() < MIN_CHECKS:
        scope, rows = f"{method} (pooled over regions)", checks[checks["method"] == method]
        if rows[["region", "year"]].drop_duplicates().shape[0] < MIN_CHECKS:
            scope, rows = "every method (pooled)", checks
    n = rows[["region", "method", "year"]].drop_duplicates().shape[0]
    if n == 0:
        return list(ESTIMATORS), "no out-of-time check exists: the model is used, not validated"
    scores = _scores(rows)
    order = sorted(scores, key=lambda e: (scores[e], SIMPLICITY.index(e)))
    listed = ", ".join(f"{e} {scores[e]:.2f}" for e in order)
    if order[0] == "model":
        return order, f"the model beats every rival on {n} extrapolation check(s) of {scope} (MAE pp: {listed})"
    return order, (f"{LABELS[order[0]]} is published: the model does not beat it on {n} extrapolation check(s) of "
                   f"{scope} (MAE pp: {listed})")


def _series(observations: pd.DataFrame) -> list[tuple[str, str, str]]:
    variables = {f"de_share_{m}": m for m in PUBLISHED_METHODS}
    rows = observations[observations["variable"].isin(list(variables)) & (observations["industry"] == "TOTAL")
                        & (observations["frequency"] == "A")]
    return sorted({(r.region, r.boundary, variables[r.variable]) for r in rows.itertuples()})


def _model_draws(region: str, boundary: str, as_of: str, releases: src.Releases, method: str, year: int, draws: int,
                 seed: int) -> tuple[float, np.ndarray] | None:
    """The model's point and draws of one check: the accounts of the vintage's view ``releases``, the digital
    releases known on the check's date ``as_of`` only."""
    known = releases.known
    digital = known["variable"].str.startswith(DIGITAL_PREFIX)
    try:
        model = build(region, boundary, releases.subset(~digital | (known["release_date"] <= pd.Timestamp(as_of))))
    except (AccountsError, CalibrationError, ValueError):
        return None
    if year not in model.accounts.years:
        return None
    sim = simulate_years(model, [year], draws, seed, [method], only=True)
    return float(sim.point[method]["total"][0]), sim.samples[method]["total"][:, 0]


def _checks(releases: src.Releases, draws: int, seed: int, level: float) -> pd.DataFrame:
    records = []
    tail = 100 * (1 - level) / 2
    accounts_as_of = releases.as_of
    shares = share_rows(releases)
    for region, boundary, method in _series(shares.known):
        for first in first_releases(shares.known, region, boundary, method).itertuples():
            as_of = (date.fromisoformat(first.release) - timedelta(days=1)).isoformat()
            before = shares.at(as_of)
            bench = benchmark(before, region, boundary, method)
            if not len(bench):
                continue
            national = None if region == "vn" else benchmark(before, "vn", "national", method)
            found = _model_draws(region, boundary, as_of, releases, method, first.year, draws, seed)
            info = Information(bench, national, (first.year,) if found is not None else ())
            kind = "interpolation" if min(bench.years) < first.year < max(bench.years) else "extrapolation"
            for estimator in ESTIMATORS:
                p = point(info, first.year, estimator, found[0] if found is not None else None)
                if p is None:
                    continue
                lower = upper = np.nan
                if p.estimator == "model" and found is not None:
                    lower, upper = np.percentile(found[1], [tail, 100 - tail])
                records.append({"region": region, "boundary": boundary, "method": method, "year": first.year,
                                "first_release": first.release, "as_of": as_of, "accounts_as_of": accounts_as_of,
                                "published": first.value,
                                "rating": first.rating, "kind": kind, "estimator": estimator, "used": p.estimator,
                                "estimate": p.value, "lower": lower, "upper": upper, "level": level,
                                "error_pp": p.value - first.value, "error_log": np.log(p.value / first.value),
                                "covered": np.nan, "horizon": p.horizon, "bridged_from_year": p.bridged_from_year,
                                "basis": p.detail + (f" (fell back from {estimator})" if p.fell_back else "")})
    return pd.DataFrame(records, columns=COLUMNS)


def _sigma(rows: pd.DataFrame) -> float | None:
    rows = rows[rows["horizon"] > 0]
    if len(rows) < MIN_CHECKS:
        return None
    return float(np.sqrt(np.mean(rows["error_log"] ** 2 / rows["horizon"])))


def rival_sigma(table: pd.DataFrame, method: str, estimator: str,
                exclude: tuple[str, str, int] | None = None) -> tuple[float, str]:
    """``sigma`` of a rival's log error per square-root year (module docstring), leaving out the check
    ``exclude`` = (region, method, year); each check counts once whichever policy fell back to it."""
    used = table[(table["used"] == estimator) & (table["used"] != "model")]
    used = used.drop_duplicates(["region", "method", "year"])
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
    """Run every out-of-time check on the releases of the vintage's as-of view.

    Parameters
    ----------
    releases
        The vintage's as-of view (:class:`grdp.sources.Releases`): checks and their information sets use only
        the releases it knows.
    level
        Central interval level.
    draws, seed
        Monte Carlo draws of the model at each check.

    Returns
    -------
    Validation
    """
    return run_cache.cached("validation", (releases.as_of, releases.key, level, draws, seed),
                            lambda: _validate(releases, level, draws, seed))


def _validate(releases: src.Releases, level: float, draws: int, seed: int) -> Validation:
    table = _checks(releases, draws, seed, level)
    z = float(norm.ppf(0.5 + level / 2))
    for i, row in table.iterrows():
        if row["used"] != "model":
            check = (row["region"], row["method"], row["year"])
            scale, _ = rival_sigma(table, row["method"], row["used"], exclude=check)
            spread = z * scale * np.sqrt(row["horizon"])
            table.loc[i, ["lower", "upper"]] = [row["estimate"] * np.exp(-spread), row["estimate"] * np.exp(spread)]
    table["covered"] = (table["lower"] <= table["published"]) & (table["published"] <= table["upper"])
    sigma = {(m, e): rival_sigma(table, m, e) for m in PUBLISHED_METHODS for e in ESTIMATORS if e != "model"}
    return Validation(table, level, sigma)
