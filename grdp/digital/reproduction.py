"""Reproduction of published figures: in-sample and held-out.

For every published figure the model can express (:mod:`grdp.digital.targets`), the table gives the
figure, the model's value with everything calibrated (in-sample) and, for annual figures of a year
with a fitted figure, the model's value when the calibration leaves out every figure of that region
and year (held-out: calibrate without the year, predict it). Held-out errors show how well a method
generalises; an in-sample error of zero where a parameter is exactly identified by one figure (HIDS's
``h``) says nothing about the model and is labelled so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from grdp.digital.calibration import calibrate
from grdp.digital.methods import method
from grdp.digital.model import DigitalModel
from grdp.digital.spine import Params, evaluate
from grdp.digital.targets import Target, model_value

IN_SAMPLE_TARGET_PP = 0.1
HELD_OUT_TARGET_PP = 0.5


def _value(model: DigitalModel, target: Target, params: Params) -> float:
    inputs = model.inputs[target.region]
    blocks = evaluate(method(target.family).config, params, inputs)
    return float(model_value(target, blocks, inputs)[0])


def _headline(target: Target) -> bool:
    return target.quantity.endswith((".total", ".numerator")) and target.industry == "TOTAL"


def _exactly_identified(model: DigitalModel, target: Target) -> bool:
    return target.family == "hids" and target.fit


def reproduction(model: DigitalModel, held_out: bool = True) -> pd.DataFrame:
    """Return the reproduction table of every published figure.

    Parameters
    ----------
    model
        A calibrated model (:func:`grdp.digital.build`).
    held_out
        Also recalibrate without each (region, year) that has a fitted figure and predict it.

    Returns
    -------
    pandas.DataFrame
        Columns ``method, region, period, variable, industry, unit, published, bound, release,
        rating, fitted, headline, model, diff, held_out, held_out_diff, note``; ``diff`` and
        ``held_out_diff`` are model minus published in percentage points (bn VND for value added);
        a lower bound that is met has a difference of zero. Held-out values are given for headline
        figures (a method's total share or value added); component splits are published for one year
        only, so leaving that year out leaves nothing to calibrate them on.
    """
    params = model.calibration.arrays()
    held: dict[tuple[str, int], Params] = {}
    if held_out:
        pairs = sorted({(t.region, t.years[0]) for t in model.targets if t.fit and len(t.years) == 1})
        for region, year in pairs:
            other = calibrate(model.inputs, model.targets, model.region, exclude_year=(region, year))
            held[(region, year)] = other.arrays()
    rows = []
    for t in model.targets:
        if not t.quantity:
            value = held_value = np.nan
        else:
            value = _value(model, t, params)
            key = (t.region, t.years[0]) if len(t.years) == 1 else None
            held_value = _value(model, t, held[key]) if key in held and _headline(t) else np.nan
        miss = value - t.published
        held_miss = held_value - t.published
        if t.lower_bound:
            miss, held_miss = min(miss, 0.0), min(held_miss, 0.0) if not np.isnan(held_miss) else np.nan
        note = t.reason if not t.fit else ("exactly identified: one figure, one parameter" if
                                           _exactly_identified(model, t) else "")
        rows.append({"method": t.family, "region": t.region, "period": t.period, "variable": t.variable,
                     "industry": t.industry, "unit": "bn VND" if t.quantity.endswith("numerator") else "percent",
                     "published": t.published, "bound": "lower" if t.lower_bound else "",
                     "release": t.release, "rating": t.rating, "fitted": t.fit, "headline": _headline(t),
                     "model": value, "diff": miss,
                     "held_out": held_value, "held_out_diff": held_miss, "note": note})
    return pd.DataFrame(rows).sort_values(["method", "region", "variable", "industry", "period"],
                                          ignore_index=True)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Return, per method and region, the largest absolute in-sample and held-out differences (pp) of
    the fitted headline shares, and whether they meet the targets (0.1 pp in-sample, 0.5 pp held-out)."""
    shares = table[table["fitted"] & table["headline"] & (table["unit"] == "percent")]
    out = shares.groupby(["method", "region"]).agg(
        figures=("diff", "size"), max_abs_diff=("diff", lambda s: s.abs().max()),
        max_abs_held_out_diff=("held_out_diff", lambda s: s.abs().max()))
    out["in_sample_ok"] = out["max_abs_diff"] <= IN_SAMPLE_TARGET_PP
    out["held_out_ok"] = out["max_abs_held_out_diff"] <= HELD_OUT_TARGET_PP
    return out.reset_index()
