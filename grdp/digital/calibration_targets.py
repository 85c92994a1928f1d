"""Published digital-economy figures as calibration targets, and the model quantity of each.

A target is a published figure (from the as-of selection of ``sources/``) with the rule of
``grdp/data/calibration_targets.csv``: the model quantity that reproduces it, its tolerance, and
whether it is fitted. A figure is shown but not fitted when

* the rule says so (the reason is in the rules file);
* it is red-rated and the rule does not allow red figures;
* a year it covers has no sector account;
* it is a total, core or digitalised share from a release older than the selected total of a year
  it covers, and its own release did not give that year the same total (a figure of an older
  vintage would fight the selected total).

A figure whose source note begins ``LOWER BOUND`` (published as "more than x") is a lower bound:
only a model value below it counts as a miss. Averages over several years (``AVG``) are matched by
the mean of the annual model values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from grdp.digital.account_arrays import AccountInputs
from grdp.digital.coefficients import target_rules
from grdp.digital.spine import Blocks

REVISED_WITH_TOTAL = ("gso.total", "gso.core", "gso.digitalisation")


@dataclass(frozen=True)
class Target:
    """One published figure and how the model reproduces it."""

    region: str
    variable: str
    industry: str
    period: str
    years: tuple[int, ...]
    quantity: str
    lower_bound: bool
    tolerance: float
    published: float
    fit: bool
    reason: str
    release: str
    rating: str
    source_id: str
    url: str

    @property
    def family(self) -> str:
        """The method family the quantity belongs to (``gso``, ``mic`` or ``hids``)."""
        return self.quantity.split(".")[0]

    def covers(self, year: int) -> bool:
        """Whether the figure refers to ``year`` (alone or in an average)."""
        return year in self.years


def _years(period: str, frequency: str) -> tuple[int, ...]:
    if frequency == "A":
        return (int(period),)
    first, last = period.split("-")
    return tuple(range(int(first), int(last) + 1))


def published_targets(selected: pd.DataFrame, inputs: dict[str, AccountInputs],
                      available: pd.DataFrame | None = None) -> list[Target]:
    """Build the targets of the national and regional figures.

    Parameters
    ----------
    selected
        Observations after the as-of rule (:func:`grdp.sources.as_of`).
    available
        Every observation released by the as-of date (to see which total a component's own release
        gave); defaults to ``selected``.
    inputs
        Account inputs by region (``"vn"`` and the region of interest).

    Returns
    -------
    list of Target
        Every annual or multi-year-average figure that has a rule, fitted or not.
    """
    rules = target_rules()
    out: list[Target] = []
    rows = selected[selected["frequency"].isin(["A", "AVG"]) & selected["region"].isin(list(inputs))]
    for row in rows.itertuples(index=False):
        rule = rules.get((row.variable, row.industry))
        if rule is None:
            continue
        accounts = inputs[row.region]
        if row.region != "vn" and row.boundary != accounts.boundary:
            continue
        years = _years(row.period, row.frequency)
        fit, reason = rule.fit, rule.reason
        if fit and row.rating == "red" and not rule.fit_red:
            fit, reason = False, "red-rated figure (estimate, rounded or of unclear scope): shown, not fitted"
        if fit and not all(y in accounts.years for y in years):
            fit, reason = False, f"no sector account for {row.region} in every year of {row.period}"
        out.append(Target(row.region, row.variable, row.industry, row.period, years, rule.quantity,
                          str(row.note).startswith("LOWER BOUND"), rule.tolerance, float(row.value), fit, reason,
                          row.release_date.date().isoformat(), row.rating, row.source_id, row.url))
    return _drop_superseded(out, selected if available is None else available)


def _drop_superseded(targets: list[Target], available: pd.DataFrame) -> list[Target]:
    totals = {(t.region, t.years[0]): t for t in targets
              if t.quantity == "gso.total" and t.industry == "TOTAL" and len(t.years) == 1}
    annual = available[(available["variable"] == "de_share_gso") & (available["industry"] == "TOTAL")
                       & (available["frequency"] == "A")]
    own = {(r.region, int(r.period), r.release_date.date().isoformat()): r.value for r in annual.itertuples()}
    out = []
    for t in targets:
        if t.fit and t.quantity in REVISED_WITH_TOTAL and t.industry == "TOTAL":
            stale = [totals[(t.region, y)] for y in t.years if (t.region, y) in totals
                     and totals[(t.region, y)].release > t.release
                     and own.get((t.region, y, t.release)) != totals[(t.region, y)].published]
            if stale:
                t = replace(t, fit=False, reason=f"superseded: the selected {stale[0].years[0]} total "
                            f"({stale[0].published}) comes from a later release ({stale[0].release})")
        out.append(t)
    return out


def model_value(target: Target, blocks: Blocks, inputs: AccountInputs) -> np.ndarray:
    """Return the model's value of the target's quantity, one per draw.

    Shares are percent of GRDP, compositions percent of digital-economy value added, ``numerator``
    bn VND; an average over years is the mean of the annual values.
    """
    rows = [inputs.index(y) for y in target.years]
    kind = target.quantity.split(".", 1)[1]
    denominator = blocks.denominator[:, rows]
    if kind == "total":
        value = 100 * blocks.numerator()[:, rows] / denominator
    elif kind == "numerator":
        value = blocks.numerator()[:, rows]
    elif kind in ("core", "ict"):
        value = 100 * blocks.core[:, rows].sum(axis=2) / denominator
    elif kind in ("digitalisation", "sectoral"):
        value = 100 * blocks.sectoral[:, rows].sum(axis=2) / denominator
    elif kind == "platform":
        value = 100 * blocks.platform[:, rows].sum(axis=2) / denominator
    elif kind == "ict_composition":
        value = 100 * blocks.core[:, rows].sum(axis=2) / blocks.numerator()[:, rows]
    elif kind == "broad":
        mask = np.array([g == target.industry for g in inputs.broad_group()])
        value = 100 * (blocks.core + blocks.sectoral)[:, rows][:, :, mask].sum(axis=2) / denominator
    elif kind == "composition":
        section = "C" if target.industry == "26" else target.industry
        block = blocks.core if target.industry == "26" else blocks.sectoral
        value = 100 * block[:, rows][:, :, inputs.sections.index(section)] / blocks.numerator()[:, rows]
    else:
        raise ValueError(f"unknown model quantity {target.quantity!r}")
    return value.mean(axis=1)


def residual(target: Target, value: np.ndarray) -> np.ndarray:
    """Return the standardised miss ``(model - published) / tolerance`` (zero above a lower bound)."""
    miss = value - target.published
    if target.lower_bound:
        miss = np.minimum(miss, 0.0)
    return miss / target.tolerance
