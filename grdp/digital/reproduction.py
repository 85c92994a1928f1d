"""Reproduction of published figures by the model: in sample, and out of time.

For every published figure the model can express (:mod:`grdp.digital.calibration_targets`), the table gives the
figure and the **model's value**: the method with its calibrated national coefficients on the
region's accounts and *no* city-specific gap. For the nation that is the calibrated national model;
for a region it is the indicator of :mod:`grdp.digital.gap`, so the difference to a region's
published share is the gap the model does not explain (``gap_pct``, the gap's posterior mean in
percent). The value grdp estimates with (``with_gap``) is the model times that gap.

``held_out`` is the model's **out-of-time** estimate of the figure (:mod:`grdp.digital.validation`:
rebuilt with only the digital-economy releases published before the figure's first release), where
the validation checked it; ``nan`` otherwise. An in-sample error of zero where a parameter is
exactly identified by one figure (HIDS's ``h``) says nothing about the model and is labelled so.
Figures of a year without sector accounts are shown with the reason, not reproduced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from grdp.digital.calibration_targets import Target, model_value
from grdp.digital.model import DigitalModel
from grdp.digital.registry import method
from grdp.digital.spine import Params, evaluate
from grdp.digital.validation import Validation

IN_SAMPLE_TARGET_PP = 0.1
HELD_OUT_TARGET_PP = 0.5


def _value(model: DigitalModel, target: Target, params: Params, gaps: bool) -> float:
    inputs = model.inputs[target.region]
    points = model.gap_points() if gaps and target.region == model.region else None
    blocks = evaluate(method(target.family).config, params, inputs, gaps=points)
    return float(model_value(target, blocks, inputs)[0])


def _headline(target: Target) -> bool:
    return target.quantity.endswith((".total", ".numerator")) and target.industry == "TOTAL"


def _exactly_identified(model: DigitalModel, target: Target) -> bool:
    return target.family == "hids" and target.fit


def _held_out(validation: Validation | None) -> dict[tuple[str, str, int], float]:
    if validation is None or validation.table.empty:
        return {}
    rows = validation.table[validation.table["estimator"] == "model"]
    return {(r.region, r.method, int(r.year)): float(r.estimate) for r in rows.itertuples()}


def reproduction(model: DigitalModel, validation: Validation | None = None) -> pd.DataFrame:
    """Return the reproduction table of every published figure.

    Parameters
    ----------
    model
        A built model (:func:`grdp.digital.build`).
    validation
        The out-of-time validation of the vintage (:func:`grdp.digital.validation.out_of_time`), for
        the ``held_out`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``method, region, period, variable, industry, unit, published, bound, release,
        rating, fitted, headline, model, diff, gap_pct, with_gap, held_out, held_out_diff, note``;
        ``diff`` and ``held_out_diff`` are model minus published in percentage points (bn VND for
        value added); a lower bound that is met has a difference of zero.
    """
    params = model.calibration.arrays()
    held = _held_out(validation)
    gaps = {family: dict(zip(fit.posterior.years, fit.posterior.mean(fit.z))) for family, fit in model.gaps.items()}
    rows = []
    for t in model.targets:
        accounts = model.inputs[t.region]
        note = t.reason if not t.fit else ("exactly identified: one figure, one parameter" if
                                           _exactly_identified(model, t) else "")
        value = with_gap = gap = np.nan
        if t.quantity and all(y in accounts.years for y in t.years):
            value = _value(model, t, params, gaps=False)
            with_gap = _value(model, t, params, gaps=True)
            regional = method(t.family).config.regional
            if t.region == model.region and regional in gaps and len(t.years) == 1:
                gap = 100 * (np.exp(gaps[regional][t.years[0]]) - 1)
        elif t.quantity:
            missing = [y for y in t.years if y not in accounts.years]
            note = f"no sector account for {t.region} in {', '.join(map(str, missing))}: shown, not reproduced"
        held_value = held.get((t.region, t.family, t.years[0]), np.nan) if _headline(t) and len(t.years) == 1 \
            else np.nan
        miss = value - t.published
        held_miss = held_value - t.published
        if t.lower_bound:
            miss = min(miss, 0.0) if not np.isnan(miss) else np.nan
            held_miss = min(held_miss, 0.0) if not np.isnan(held_miss) else np.nan
        rows.append({"method": t.family, "region": t.region, "period": t.period, "variable": t.variable,
                     "industry": t.industry, "unit": "bn VND" if t.quantity.endswith("numerator") else "percent",
                     "published": t.published, "bound": "lower" if t.lower_bound else "",
                     "release": t.release, "rating": t.rating, "fitted": t.fit, "headline": _headline(t),
                     "model": value, "diff": miss, "gap_pct": gap, "with_gap": with_gap,
                     "held_out": held_value, "held_out_diff": held_miss, "note": note})
    return pd.DataFrame(rows).sort_values(["method", "region", "variable", "industry", "period"],
                                          ignore_index=True)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Return, per method and region, the largest absolute in-sample and out-of-time differences (pp)
    of the fitted headline shares, and whether they meet the targets (0.1 pp in sample for the
    nation, where the model is calibrated to the figures; 0.5 pp out of time)."""
    shares = table[table["fitted"] & table["headline"] & (table["unit"] == "percent") & table["model"].notna()]
    out = shares.groupby(["method", "region"]).agg(
        figures=("diff", "size"), max_abs_diff=("diff", lambda s: s.abs().max()),
        max_abs_held_out_diff=("held_out_diff", lambda s: s.abs().max()),
        max_abs_gap_pct=("gap_pct", lambda s: s.abs().max()))
    out["in_sample_ok"] = out["max_abs_diff"] <= IN_SAMPLE_TARGET_PP
    out["held_out_ok"] = out["max_abs_held_out_diff"] <= HELD_OUT_TARGET_PP
    return out.reset_index()
