"""Digital-economy targets: the decisions in force at a date, and the assessment of each projection against them.

**Targets are a time series of decisions.** Each ``de_share_target`` row of ``sources/policy_targets`` is one
decision (a range, such as the Party Congress resolution's 30-40% by 2030, is two rows of one release: its lower
end and a ``de_share_target_upper`` row; both are in force and both are assessed): an instrument (its short name
opens the row's ``note``, e.g. "Directive 17-CT/TU: ..."), its issuer
(the ``publisher`` up to the first ``:``, ``,``, `` (`` or `` via ``), the decision date
(``publication_date``), the boundary it was set for (``old``, ``merged`` or ``national``) and the target year
(``period``). A vintage uses the targets *in force at its as-of date* (:func:`target_decisions`): decided on or
before it; a later decision of the same issuer for the same region, boundary and year supersedes an earlier
one; decisions of different issuers stand side by side. A draft (an instrument whose name says "draft", such as
the Party Congress draft documents of October 2025) is recorded but never in force. A decision taken after the
as-of date is not known to the vintage and is not used.

**What it takes.** For a target ``s*`` in year ``Y`` and a projection starting from ``s_T`` in year ``T``
(``h = Y - T``; :mod:`grdp.forecast.history`):

* required excess growth, the annual growth of digital value added *in excess of* GRDP growth that takes the
  share from ``s_T`` to ``s*``: ``x* = (s* / s_T)^(1/h) - 1`` (methods note §4.2), also from both ends of the
  start's stated range;
* required nominal growth of digital value added ``(1 + g)(1 + x*) - 1``, with ``g`` the average growth of the
  boundary's GRDP path from ``T`` to ``Y`` (:class:`grdp.forecast.evidence.GrdpPath`: the vintage's own GRDP of
  the latest ended year, grown by the growth targets in force times a published deflator), and the digital value
  added the target means, ``s* P(Y) / 100`` (bn VND);
* achieved excess growth on the boundary the target is about: the boundary's own series of the same definition
  in the estimates table (the published figure of a year, else grdp's estimate; :func:`achieved_growth` says
  which years are which), ``(s_l / s_f)^(1/(l - f)) - 1`` over its years from 2020 to the latest ended year, the
  latest year's step ``s_l / s_(l-1) - 1`` beside it, and the nominal growth each meant on the GRDP path.

**What the projections say.** For projected paths ``x[r, h]``: median and central intervals; the probability
``P = #{r: x[r, h] >= s*} / R`` (published only under :func:`grdp.forecast.probability_calibration.probability_rule`);
the gap ``s* - median`` in percentage points and ``(s* - median) / 100 P(Y)`` in bn VND; the range across models
and scenarios (lowest and highest model median; the envelope of their 80% intervals); the crossing year of each
target value per path, with paths that never cross counted as "later than the horizon".

**Ended years are not forecast.** A target year that has ended at the as-of date is compared with the estimates
table's figure (published, else grdp's estimate with its interval): ``reached`` when the lower end of the range
or interval is at or above the target, ``not reached`` when its upper end is below, ``undetermined`` otherwise.

Only MIC and GSO, the definitions the targets were set and tracked on (the city tracked them on the MIC basis;
GSO is the official compiler of the indicator), are assessed in the headline; the other methods appear as
alternative lenses, without required growth, gaps or probabilities against the targets.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from grdp.base.method_names import HEADLINE_METHODS
from grdp.digital.measurement import FIRST_YEAR
from grdp.forecast import ensemble
from grdp.forecast.estimates import Estimates
from grdp.forecast.evidence import GrdpPath
from grdp.forecast.probability_calibration import probability_rule
from grdp.forecast.projection import Projection
from grdp.sources import ISSUER_END, RATING_RANK, TARGET_VARIABLES, Releases, issuer

VARIABLE = "de_share_target"
"""The variable of a target; a target range is this row (its lower end) and a ``de_share_target_upper`` row."""
VARIABLES = TARGET_VARIABLES
DRAFT = "a draft: recorded, not in force"
"""What ``superseded_by`` says of a draft decision."""
_INSTRUMENT = re.compile(r"^\s*([^:]{2,100}?)\s*:")


def instrument(note: str, publisher: str) -> str:
    """The instrument's short name: the ``note`` up to its first ``:``; else the publisher's text after its
    ``:`` (up to ``,``, `` (`` or `` via ``); else the issuer."""
    match = _INSTRUMENT.match(note or "")
    if match:
        return match.group(1)
    after = publisher.split(":", 1)
    return ISSUER_END.split(after[1], maxsplit=1)[0].strip() if len(after) == 2 else issuer(publisher)


def target_decisions(releases: Releases, region: str | None = None) -> pd.DataFrame:
    """Every target decision the vintage's as-of view knows, and whether it is in force then (module docstring).

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`; a view of ``None``: every decision).
    region
        ``hcmc`` or ``vn``; ``None`` for both.

    Returns
    -------
    pandas.DataFrame
        ``region, boundary, year, target, instrument, issuer, decided`` (the decision date as published),
        ``source`` (the publisher), ``published`` (same as ``decided``), ``url, rating, note, in_force,
        superseded_by`` (the instrument and date of the decision that replaced it), sorted by region, boundary,
        year and decision date.
    """
    rows = releases.known[releases.known["variable"].isin(VARIABLES)]
    if region is not None:
        rows = rows[rows["region"] == region]
    table = pd.DataFrame({"region": rows["region"], "boundary": rows["boundary"], "year": rows["period"].astype(int),
                          "target": rows["value"].astype(float),
                          "instrument": [instrument(n, p) for n, p in zip(rows["note"], rows["publisher"])],
                          "issuer": [issuer(p) for p in rows["publisher"]], "decided": rows["publication_date"],
                          "source": rows["publisher"], "published": rows["publication_date"], "url": rows["url"],
                          "rating": rows["rating"], "note": rows["note"], "_date": rows["release_date"]})
    draft = table["instrument"].str.contains(r"\bdraft\b", case=False)
    decided = table[~draft]
    latest = decided.groupby(["region", "boundary", "year", "issuer"])["_date"].transform("max")
    table["in_force"] = False
    table.loc[decided.index, "in_force"] = decided["_date"] == latest
    successors = table[table["in_force"]].groupby(["region", "boundary", "year", "issuer"])
    names = {key: "; ".join(f"{r.instrument} ({r.decided})" for r in group.itertuples()) for key, group in successors}
    table["superseded_by"] = [
        "" if r.in_force else DRAFT if is_draft else names.get((r.region, r.boundary, r.year, r.issuer), "")
        for r, is_draft in zip(table.itertuples(), draft)]
    table = table.sort_values(["region", "boundary", "year", "_date", "instrument"]).drop(columns="_date")
    return table.reset_index(drop=True)


def policy_targets(releases: Releases, region: str | None = None) -> pd.DataFrame:
    """The targets in force on the view's date (the rows of :func:`target_decisions` with ``in_force``).

    Raises
    ------
    ValueError
        If no target is in force.
    """
    decisions = target_decisions(releases, region)
    table = decisions[decisions["in_force"]].drop(columns=["in_force", "superseded_by"]).reset_index(drop=True)
    if table.empty:
        raise ValueError(f"no {VARIABLE} rows for region {region!r} in the sources (as of {releases.as_of})")
    return table


def assessed_targets(targets: pd.DataFrame, boundary: str) -> pd.DataFrame:
    """The distinct target years and values of a boundary, with the instruments and issuers that set them.

    Returns
    -------
    pandas.DataFrame
        ``year, target, instruments, issuers, decided`` (the latest decision date), ``rating`` (the best), by year
        and value.
    """
    rows = targets[targets["boundary"] == boundary]
    out = [{"year": int(year), "target": float(value), "instruments": "; ".join(dict.fromkeys(group["instrument"])),
            "issuers": "; ".join(dict.fromkeys(group["issuer"])), "decided": max(group["decided"]),
            "rating": min(group["rating"], key=RATING_RANK.__getitem__)}
           for (year, value), group in rows.groupby(["year", "target"], sort=True)]
    return pd.DataFrame(out, columns=["year", "target", "instruments", "issuers", "decided", "rating"])


def headline_targets(targets: pd.DataFrame, boundary: str) -> pd.DataFrame:
    """One target per year of a boundary for the headline, the others listed (``other_targets``).

    Where decisions in force set different values for the same year (the merged city's 2030: 40% stated by the
    Department of Science and Technology, 30-40% in the Party Congress resolution), the headline
    assesses the best-rated value, then the latest decided, then the highest; every value is assessed in
    ``targets_assessment``.
    """
    table = assessed_targets(targets, boundary)
    if table.empty:
        return table.assign(other_targets=pd.Series(dtype=str))
    ranked = table.assign(_rank=table["rating"].map(RATING_RANK))
    ranked = ranked.sort_values(["year", "_rank", "decided", "target"], ascending=[True, True, False, False])
    rows = []
    for _, group in ranked.groupby("year", sort=True):
        first = group.iloc[0].drop("_rank").to_dict()
        first["other_targets"] = "; ".join(f"{r.target:g} ({r.instruments}, {r.decided}, {r.rating})"
                                           for r in group.iloc[1:].itertuples())
        rows.append(first)
    return pd.DataFrame(rows)


def required_excess_growth(start: float, target: float, years: int) -> float:
    """Annual growth of digital value added in excess of GRDP growth, percent.

    ``100 ((target/start)^(1/years) - 1)``.
    """
    if years < 1:
        raise ValueError(f"years must be at least 1, not {years}")
    if start <= 0 or target <= 0:
        raise ValueError("shares must be positive")
    return 100 * ((target / start) ** (1 / years) - 1)


def required_growth(excess: float, grdp_growth: float) -> float:
    """Nominal growth of digital value added, percent, given the excess and GRDP growth (both percent)."""
    return 100 * ((1 + grdp_growth / 100) * (1 + excess / 100) - 1)


def achieved_growth(series: pd.DataFrame, path: GrdpPath) -> dict[str, object]:
    """The growth achieved by a definition's series on one boundary (module docstring).

    Parameters
    ----------
    series
        ``year, value`` and ``status`` (``published`` or ``estimate``; default ``published``) of the boundary's
        figures of the definition in the ended years (one per year): the published figure, else grdp's estimate.
    path
        The boundary's GRDP path the nominal growth is read on.

    Returns
    -------
    dict
        ``achieved_from_year, achieved_to_year, achieved_excess_growth`` (average growth of the share from the first
        year from 2020 to the last, percent a year), ``achieved_latest_step`` (the last year's step, percent; blank
        when the year before has no figure), ``achieved_grdp_growth, achieved_digital_growth`` (the path's average
        nominal growth over the same years and the nominal growth of digital value added it meant),
        ``achieved_latest_status`` (the status of the last year's figure), ``achieved_latest_grdp_growth,
        achieved_latest_digital_growth`` (the same for the last step), ``achieved_published_years,
        achieved_estimate_years`` (which years are published figures and which grdp's estimates, e.g.
        ``2022-2024``); ``nan`` and ``""`` with fewer than two years.
    """
    rows = series[series["year"] >= FIRST_YEAR].sort_values("year")
    status = rows["status"] if "status" in rows else pd.Series("published", index=rows.index)
    empty: dict[str, object] = {
        "achieved_from_year": np.nan, "achieved_to_year": np.nan, "achieved_excess_growth": np.nan,
        "achieved_latest_step": np.nan, "achieved_grdp_growth": np.nan, "achieved_digital_growth": np.nan,
        "achieved_latest_status": "", "achieved_latest_grdp_growth": np.nan, "achieved_latest_digital_growth": np.nan,
        "achieved_published_years": "", "achieved_estimate_years": ""}
    if len(rows) < 2:
        return empty
    first, last = rows.iloc[0], rows.iloc[-1]
    first_year, last_year = int(first["year"]), int(last["year"])
    excess = required_excess_growth(float(first["value"]), float(last["value"]), last_year - first_year)
    before = rows.iloc[-2]
    consecutive = last_year - int(before["year"]) == 1
    step = 100 * (float(last["value"]) / float(before["value"]) - 1) if consecutive else np.nan
    grdp = path.average_growth(first_year, last_year)
    latest_grdp = path.average_growth(last_year - 1, last_year) if consecutive else np.nan
    years = {kind: _years_text([int(y) for y, s in zip(rows["year"], status) if s == kind])
             for kind in ("published", "estimate")}
    return {"achieved_from_year": first_year, "achieved_to_year": last_year, "achieved_excess_growth": excess,
            "achieved_latest_step": float(step), "achieved_grdp_growth": grdp,
            "achieved_digital_growth": required_growth(excess, grdp), "achieved_latest_status": str(status.iloc[-1]),
            "achieved_latest_grdp_growth": latest_grdp,
            "achieved_latest_digital_growth": required_growth(step, latest_grdp) if consecutive else np.nan,
            "achieved_published_years": years["published"], "achieved_estimate_years": years["estimate"]}


def _years_text(years: list[int]) -> str:
    """``2020-2022, 2025``: runs of consecutive years joined."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs)


def verdict(value: float, lower: float, upper: float, target: float) -> str:
    """``reached``, ``not reached`` or ``undetermined`` (the target inside the range or interval)."""
    if not np.isfinite(value):
        return "not supported"
    if lower >= target:
        return "reached"
    if upper < target:
        return "not reached"
    return "undetermined"


def crossing_years(paths: np.ndarray, years: np.ndarray, threshold: float, last_year: int,
                   last_share: float) -> np.ndarray:
    """First year each path reaches ``threshold`` (``inf`` if never within ``years``).

    Returns ``last_year`` for every path when the starting share already reaches the threshold.
    """
    if last_share >= threshold:
        return np.full(paths.shape[0], float(last_year))
    reached = paths >= threshold
    first = np.argmax(reached, axis=1)
    return np.where(reached.any(axis=1), years[first].astype(float), np.inf)


def _crossing_summary(crossing: np.ndarray, level: float, end: int) -> dict[str, object]:
    tail = 100 * (1 - level) / 2
    finite = np.isfinite(crossing)

    def pick(q: float) -> float:
        value = np.percentile(np.where(finite, crossing, 1e9), q)
        return float(value) if value < 1e9 else np.nan
    return {"probability_by_end": float(finite.mean()), "crossing_median": pick(50),
            "crossing_lower": pick(tail), "crossing_upper": pick(100 - tail),
            "crossing_note": "" if finite.mean() > 1 - tail / 100 else f"upper end later than {end}"}


def _weighted(fits: pd.DataFrame, boundary: str, method: str) -> list[str]:
    rows = fits[(fits["boundary"] == boundary) & (fits["method"] == method) & (fits["weight"] > 0)]
    return [m for m in rows["model"] if m != ensemble.NAME]


def assess(projections: list[Projection], targets: pd.DataFrame, first_open: int,
           groups: dict[tuple[str, str, str], pd.DataFrame], fits: pd.DataFrame, calibration: pd.DataFrame,
           level: float = 0.8) -> pd.DataFrame:
    """Assess every projection against every open target year of its boundary (``targets_assessment``).

    Parameters
    ----------
    projections
        From :func:`grdp.forecast.projection.project_method`.
    targets
        The targets in force (:func:`policy_targets`).
    first_open
        The first year that has not ended (earlier target years are not forecast).
    groups
        :func:`grdp.forecast.projection.agreement_by_year`.
    fits
        The fit reports (``boundary, method, model, weight``), for the models weighted in the ensemble.
    calibration
        :func:`grdp.forecast.probability_calibration.calibration_table`.
    level
        Central interval level reported (the 95% interval is always reported too).

    Returns
    -------
    pandas.DataFrame
        ``boundary, method, role`` (``headline`` or ``lens``), ``scenario, trend, model, target_year, target,
        instruments, issuers, horizon, median, lower, upper, lower_95, upper_95, level, models_agree, groups,
        probability,
        probability_published, probability_reason, gap_pp, grdp, gap_bn_vnd, start_year, start_share,
        start_status, required_excess_growth, grdp_growth, required_digital_growth``. The ensemble's median,
        intervals and probability are blank where the models do not agree; a lens has no gap or required growth.
    """
    rows = []
    by_boundary = {b: list(assessed_targets(targets, b).itertuples()) for b in {p.boundary for p in projections}}
    for p in projections:
        end = int(p.forecast.index[-1])
        low, high = p.interval(level)
        low95, high95 = p.interval(0.95)
        for target in by_boundary[p.boundary]:
            year = int(target.year)
            if year < first_open or year <= p.start.year or year > end:
                continue
            paths = p.at(year)
            h = year - p.start.year
            found = groups[(p.boundary, p.method, p.scenario)].loc[year]
            agree, count = bool(found["agree"]), int(found["groups"])
            role = "headline" if p.method in HEADLINE_METHODS else "lens"
            lower, upper, lower95, upper95 = (float(x[year]) for x in (low, high, low95, high95))
            median = float(p.percentiles.loc[50.0, year])
            probability = float((paths >= target.target).mean())
            published, reason = False, "a single model's probability is not published: see the ensemble"
            if p.model == ensemble.NAME:
                published, reason = probability_rule(method=p.method, trend=p.trend, start_status=p.start.status,
                                                     horizon=h, models=_weighted(fits, p.boundary, p.method),
                                                     calibration=calibration, agree=agree, groups=count)
                if not agree:
                    median = lower = upper = lower95 = upper95 = probability = np.nan
            grdp = p.grdp.level(year)
            grdp_growth = p.grdp.average_growth(p.start.year, year)
            excess = required_excess_growth(p.start.share, target.target, h) if role == "headline" else np.nan
            gap = target.target - median if role == "headline" else np.nan
            rows.append({
                "boundary": p.boundary, "method": p.method, "role": role, "scenario": p.scenario, "trend": p.trend,
                "model": p.model, "target_year": year, "target": target.target, "instruments": target.instruments,
                "issuers": target.issuers, "horizon": h, "median": median, "lower": lower, "upper": upper,
                "lower_95": lower95, "upper_95": upper95, "level": level, "models_agree": agree, "groups": count,
                "probability": probability, "probability_published": published, "probability_reason": reason,
                "gap_pp": gap, "grdp": grdp, "gap_bn_vnd": gap / 100 * grdp, "start_year": p.start.year,
                "start_share": p.start.share, "start_status": p.start.status, "required_excess_growth": excess,
                "grdp_growth": grdp_growth,
                "required_digital_growth": required_growth(excess, grdp_growth) if role == "headline" else np.nan})
    return pd.DataFrame(rows)


def measured(estimates: Estimates, targets: pd.DataFrame, first_open: int, path: GrdpPath) -> pd.DataFrame:
    """Compare the targets of ended years with the estimates table's figures (``targets_measured``).

    Returns
    -------
    pandas.DataFrame
        ``boundary, method, role, target_year, target, source`` (the instruments), ``instruments, issuers,
        status`` (``published``, ``estimate``, ``not_supported``), ``estimate`` (the figure), ``lower, upper,
        level, release, rating, basis, bridged_from_year, verdict, met`` (``verdict == "reached"``),
        ``probability`` (always blank: no probability is published for an ended year), ``gap_pp, grdp,
        gap_bn_vnd`` (GRDP from the boundary's trend path).
    """
    rows = []
    for target in assessed_targets(targets, estimates.boundary).itertuples():
        year = int(target.year)
        if year >= first_open:
            continue
        for method in dict.fromkeys(estimates.table["method"]):
            figure = _figure(estimates.row(method, year))
            value, lower, upper = (float(figure[k]) for k in ("estimate", "lower", "upper"))  # type: ignore[arg-type]
            found = verdict(value, lower, upper, target.target)
            grdp = path.level(year)
            rows.append({"boundary": estimates.boundary, "method": method,
                         "role": "headline" if method in HEADLINE_METHODS else "lens", "target_year": year,
                         "target": target.target, "source": target.instruments, "instruments": target.instruments,
                         "issuers": target.issuers} | figure | {
                         "verdict": found, "met": found == "reached", "probability": np.nan,
                         "gap_pp": target.target - value, "grdp": grdp,
                         "gap_bn_vnd": (target.target - value) / 100 * grdp})
    return pd.DataFrame(rows)


def _figure(row: pd.Series | None) -> dict[str, object]:
    """The estimates table's figure of one method and year (blank, with the reason, where it has none)."""
    if row is None or row["status"] not in ("published", "estimate"):
        return {"status": "not_supported", "estimate": np.nan, "lower": np.nan, "upper": np.nan, "level": np.nan,
                "release": "", "rating": "", "basis": "no figure in the estimates table" if row is None
                else str(row["reason"]), "bridged_from_year": np.nan}
    return {"status": row["status"], "estimate": float(row["value"]), "lower": float(row["lower"]),
            "upper": float(row["upper"]), "level": float(row["level"]), "release": row["release"],
            "rating": row["rating"], "basis": row["basis"], "bridged_from_year": row["bridged_from_year"]}


def crossing(projections: list[Projection], targets: pd.DataFrame, groups: dict[tuple[str, str, str], pd.DataFrame],
             level: float = 0.8) -> pd.DataFrame:
    """Projected year of crossing each target value of the boundary, with its interval, for every projection.

    Returns
    -------
    pandas.DataFrame
        ``boundary, method, scenario, model, threshold, probability_by_end, crossing_median, crossing_lower,
        crossing_upper, crossing_note, level, probability_published`` (always false: crossing probabilities are
        not backtested). The ensemble's crossing years are blank when its models do not agree in some projected
        year.
    """
    rows = []
    for p in projections:
        years = np.asarray(p.forecast.index, dtype=int)
        multimodal = p.model == ensemble.NAME and not bool(groups[(p.boundary, p.method, p.scenario)]["agree"].all())
        for threshold in sorted(set(targets.loc[targets["boundary"] == p.boundary, "target"])):
            first = crossing_years(p.forecast.paths, years, threshold, p.start.year, p.start.share)
            summary = _crossing_summary(first, level, int(years[-1]))
            if multimodal:
                summary = {k: (np.nan if k != "crossing_note" else "the models disagree: no single crossing year")
                           for k in summary}
            rows.append({"boundary": p.boundary, "method": p.method, "scenario": p.scenario, "model": p.model,
                         "threshold": threshold} | summary | {"level": level, "probability_published": False})
    return pd.DataFrame(rows)


HEADLINE_COLUMNS = [
    "boundary", "method", "scenario", "target_year", "target", "instruments", "issuers", "decided", "target_rating",
    "other_targets", "status",
    "reason", "last_year", "last_share", "last_status", "value", "value_lower", "value_upper", "value_level",
    "release", "rating", "basis", "bridged_from_year", "verdict", "start_year", "start_share", "start_lower",
    "start_upper", "start_status", "start_release", "start_rating", "required_excess_growth",
    "required_excess_growth_low", "required_excess_growth_high", "grdp", "grdp_growth", "required_digital_growth",
    "start_value_added", "required_value_added", "achieved_boundary", "achieved_from_year", "achieved_to_year",
    "achieved_excess_growth", "achieved_latest_step", "achieved_grdp_growth", "achieved_digital_growth",
    "achieved_latest_status", "achieved_latest_grdp_growth", "achieved_latest_digital_growth",
    "achieved_published_years", "achieved_estimate_years", "required_to_achieved", "range_lower", "range_upper",
    "envelope_lower", "envelope_upper", "models", "scenarios", "models_agree", "groups", "median", "lower", "upper",
    "level", "probability", "probability_model", "probability_published", "probability_reason", "gap_pp", "gap_bn_vnd"]
"""Columns of :func:`headline` (``targets_headline``), documented there."""


def headline(assessment: pd.DataFrame, measured_rows: pd.DataFrame, starts: pd.DataFrame, latest: pd.DataFrame,
             achieved: pd.DataFrame, targets: pd.DataFrame, trend: dict[str, str], paths: dict[str, GrdpPath],
             first_open: int, level: float = 0.8) -> pd.DataFrame:
    """The target assessment a policymaker reads: one row per boundary, headline definition and target of the
    latest ended target year or an open year (older ended targets are in :func:`measured`).

    Parameters
    ----------
    assessment
        :func:`assess`.
    measured_rows
        :func:`measured`.
    starts
        One row per boundary and method: :meth:`grdp.forecast.history.Start.row`.
    latest
        One row per boundary and method: ``last_year, last_share, last_status`` (the latest ended year's figure).
    achieved
        One row per boundary and method: :func:`achieved_growth` and ``achieved_boundary`` (the boundary whose
        series it is: the boundary's own).
    targets
        The targets in force.
    trend
        The trend scenario of each boundary assessed.
    paths
        The GRDP path of each boundary (its trend scenario's; every scenario of a boundary has the same).
    first_open
        The first year that has not ended.
    level
        The projections' interval level.

    Returns
    -------
    pandas.DataFrame
        :data:`HEADLINE_COLUMNS`:

        * ``boundary, method, scenario`` (the boundary's trend scenario), ``target_year, target``, ``instruments``,
          ``issuers``, ``decided`` (latest decision date), ``target_rating``, ``other_targets`` (other values in
          force for the year: value, instruments, date, rating);
        * ``status``: ``published`` or ``estimate`` (an ended year), ``projection`` (an open year) or
          ``not_supported`` (``reason``);
        * ``last_year, last_share, last_status``: the latest ended year's figure of the definition (published, else
          grdp's estimate);
        * ended years: ``value, value_lower, value_upper, value_level`` (the figure and its range or interval),
          ``release, rating, basis, bridged_from_year``, ``verdict`` (:func:`verdict`), ``gap_pp, gap_bn_vnd``
          (target minus the figure);
        * open years, what it takes: ``start_year, start_share, start_lower, start_upper, start_status,
          start_release, start_rating``; ``required_excess_growth`` (from the start; ``_low`` from the upper end
          of its range, ``_high`` from the lower end), ``grdp`` (the path in the target year, bn VND),
          ``grdp_growth`` (its average growth from the start), ``required_digital_growth`` (nominal),
          ``start_value_added, required_value_added`` (bn VND);
        * what was achieved (:func:`achieved_growth`): ``achieved_boundary`` (whose series: the boundary's own),
          ``achieved_from_year, achieved_to_year, achieved_excess_growth`` (the average over those years),
          ``achieved_latest_step`` (the latest year's step beside it), ``achieved_grdp_growth,
          achieved_digital_growth``, ``achieved_latest_status, achieved_latest_grdp_growth,
          achieved_latest_digital_growth``, ``achieved_published_years, achieved_estimate_years`` (which years are
          published figures and which are grdp's estimates), ``required_to_achieved`` (ratio of the required to the
          achieved average excess growth);
        * what the projections say: ``range_lower, range_upper`` (lowest and highest model median over models and
          scenarios), ``envelope_lower, envelope_upper`` (of their 80% intervals), ``models, scenarios`` (counts),
          ``models_agree, groups`` (trend scenario), ``median, lower, upper, level`` (the trend ensemble, blank
          where the models disagree), ``probability`` (only where
          :func:`grdp.forecast.probability_calibration.probability_rule` publishes it), ``probability_model`` (the
          number whatever the rule says; blank where the models disagree), ``probability_published``,
          ``probability_reason``, ``gap_pp, gap_bn_vnd`` (target minus the ensemble median).
    """
    rows = []
    for boundary, scenario in trend.items():
        path = paths[boundary]
        chosen = headline_targets(targets, boundary)
        ended = [int(y) for y in chosen["year"] if int(y) < first_open] if len(chosen) else []
        for method in HEADLINE_METHODS:
            info = {"boundary": boundary, "method": method, "scenario": scenario, "level": level}
            for frame in (latest, starts, achieved):
                match = frame[(frame["boundary"] == boundary) & (frame["method"] == method)]
                if len(match):
                    info |= match.iloc[0].drop(["boundary", "method"]).to_dict()
            for target in chosen.itertuples():
                year = int(target.year)
                if year < first_open and year != max(ended):
                    continue  # older ended targets are in targets_measured
                row = dict(info) | {"target_year": year, "target": target.target, "instruments": target.instruments,
                                    "issuers": target.issuers, "decided": target.decided,
                                    "target_rating": target.rating, "other_targets": target.other_targets,
                                    "grdp": path.level(year)}
                if year < first_open:
                    row |= _ended(measured_rows, boundary, method, year)
                else:
                    numbers = {k: float(v) for k, v in row.items()  # type: ignore[arg-type]
                               if k in ("start_year", "start_share", "start_lower", "start_upper",
                                        "achieved_excess_growth") and pd.notna(v)}
                    row |= _open(assessment, boundary, method, scenario, year, float(target.target), numbers, path)
                rows.append(row)
    return pd.DataFrame(rows).reindex(columns=HEADLINE_COLUMNS)


def _ended(measured_rows: pd.DataFrame, boundary: str, method: str, year: int) -> dict[str, object]:
    match = measured_rows[(measured_rows["boundary"] == boundary) & (measured_rows["method"] == method)
                          & (measured_rows["target_year"] == year)]
    if match.empty:
        return {"status": "not_supported", "reason": f"no figure for {year} in the estimates table"}
    m = match.iloc[0]
    keep = {"status": m["status"], "value": m["estimate"], "value_lower": m["lower"], "value_upper": m["upper"],
            "value_level": m["level"], "release": m["release"], "rating": m["rating"], "basis": m["basis"],
            "bridged_from_year": m["bridged_from_year"], "verdict": m["verdict"], "gap_pp": m["gap_pp"],
            "gap_bn_vnd": m["gap_bn_vnd"], "probability_published": False,
            "probability_reason": "the year has ended: it is a published figure or an estimate, not a forecast",
            "reason": "" if m["status"] != "not_supported" else m["basis"]}
    return keep


def _open(assessment: pd.DataFrame, boundary: str, method: str, scenario: str, year: int, target: float,
          start: dict[str, float], path: GrdpPath) -> dict[str, object]:
    """A headline row of an open target year, from the assessment rows and the start."""
    rows = assessment[(assessment["boundary"] == boundary) & (assessment["method"] == method)
                      & (assessment["target_year"] == year) & (assessment["target"] == target)] \
        if len(assessment) else assessment
    models = rows[rows["model"] != ensemble.NAME] if len(rows) else rows
    ens = rows[(rows["model"] == ensemble.NAME) & (rows["scenario"] == scenario)] if len(rows) else rows
    if ens.empty or not start:
        return {"status": "not_supported", "probability_published": False,
                "reason": f"no projection of {method} for the {boundary} boundary reaches {year}",
                "probability_reason": "no projection"}
    e = ens.iloc[0]
    start_year = int(start["start_year"])
    h = year - start_year
    excess = required_excess_growth(start["start_share"], target, h)
    grdp_growth = path.average_growth(start_year, year)
    achieved = start.get("achieved_excess_growth", np.nan)
    return {
        "status": "projection", "reason": "", "required_excess_growth": excess,
        "required_excess_growth_low": required_excess_growth(start["start_upper"], target, h),
        "required_excess_growth_high": required_excess_growth(start["start_lower"], target, h),
        "grdp_growth": grdp_growth, "required_digital_growth": required_growth(excess, grdp_growth),
        "start_value_added": start["start_share"] / 100 * path.level(start_year),
        "required_value_added": target / 100 * path.level(year),
        "required_to_achieved": excess / achieved if np.isfinite(achieved) and achieved > 0 else np.nan,
        "range_lower": models["median"].min(), "range_upper": models["median"].max(),
        "envelope_lower": models["lower"].min(), "envelope_upper": models["upper"].max(),
        "models": models["model"].nunique(), "scenarios": models["scenario"].nunique(),
        "models_agree": bool(e["models_agree"]), "groups": int(e["groups"]),
        "median": e["median"], "lower": e["lower"], "upper": e["upper"],
        "probability": e["probability"] if e["probability_published"] else np.nan,
        "probability_model": e["probability"], "probability_published": bool(e["probability_published"]),
        "probability_reason": e["probability_reason"], "gap_pp": e["gap_pp"], "gap_bn_vnd": e["gap_bn_vnd"]}
