"""The bridge between two methods: Shapley contributions of the switches, and an explicit residual.

Both methods are positions of the same six switches (:mod:`grdp.digital.spine`): core scope,
platform component, sectoral/digitalisation scope, measurement basis, regional allocation and
denominator vintage (in the bridge, each method divides by the GRDP its publisher used where that is
known, e.g. the 1,330,798 bn VND implied by HIDS's 191,768 bn and 14.41%). With K the set of switches
on which the methods differ and ``v(S)`` the share with the switches in S set as method b and the
others as method a, the contribution of switch i is its Shapley value (Shapley 1953)::

    phi_i = sum_{S subset of K minus i} |S|! (|K| - |S| - 1)! / |K|! * (v(S + i) - v(S))

so it does not depend on the order in which the switches are thrown, and the contributions add up
to ``v(K) - v(empty) = model_b - model_a`` (efficiency). The published figures differ by
``published_b - published_a``; what the switches do not explain is the **residual**
``(published_b - model_b) - (published_a - model_a)``, reported as it is and never forced to zero.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd

from grdp.digital.methods import method as get_method
from grdp.digital.model import DigitalModel, build
from grdp.digital.spine import SWITCH_LABELS, Config


@dataclass
class Bridge:
    """The bridge from method a to method b for one region and year (shares in percent of GRDP)."""

    method_a: str
    method_b: str
    region: str
    year: int
    published_a: float
    published_b: float
    model_a: float
    model_b: float
    steps: pd.DataFrame
    """One row per switch that differs: ``switch, label, from, to, contribution`` (pp)."""

    @property
    def residual(self) -> float:
        """Published gap not explained by the switches (``nan`` if a figure is not published)."""
        return (self.published_b - self.model_b) - (self.published_a - self.model_a)

    @property
    def gap(self) -> float:
        """``published_b - published_a``."""
        return self.published_b - self.published_a

    def table(self) -> pd.DataFrame:
        """Return the bridge as rows ``step, label, value`` from published a, through the switches and
        the residual, to published b (model values where a figure is not published; the residual is
        then ``nan``, not zero)."""
        start = self.published_a if not np.isnan(self.published_a) else self.model_a
        end = self.published_b if not np.isnan(self.published_b) else self.model_b
        rows = [{"step": "start", "label": f"{self.method_a} ({'published' if start == self.published_a else 'model'})",
                 "value": start}]
        rows += [{"step": r.switch, "label": f"{r.label}: {r._3} -> {r.to}", "value": r.contribution}
                 for r in self.steps.itertuples()]
        rows.append({"step": "residual", "label": "residual (not explained by the switches)" if not np.isnan(
            self.residual) else "residual: not defined, a method published no figure for this year",
            "value": self.residual})
        rows.append({"step": "end", "label": f"{self.method_b} ({'published' if end == self.published_b else 'model'})",
                     "value": end})
        return pd.DataFrame(rows)


def _published(model: DigitalModel, name: str, year: int) -> float:
    table = model.published(name, year) if get_method(name).published else pd.DataFrame()
    return float(table["value"].iloc[0]) if len(table) else float("nan")


def shapley(value, switches: list[str]) -> dict[str, float]:
    """Return the Shapley value of each switch for a set function ``value(frozenset) -> float``."""
    k = len(switches)
    cache: dict[frozenset, float] = {}

    def v(subset: frozenset) -> float:
        if subset not in cache:
            cache[subset] = value(subset)
        return cache[subset]

    out = {}
    for i in switches:
        others = [s for s in switches if s != i]
        total = 0.0
        for size in range(k):
            weight = factorial(size) * factorial(k - size - 1) / factorial(k)
            for subset in combinations(others, size):
                total += weight * (v(frozenset(subset) | {i}) - v(frozenset(subset)))
        out[i] = total
    return out


def bridge(method_a: str, method_b: str, region: str = "hcmc", year: int = 2022, *, boundary: str = "old",
           as_of: str | date | None = None, model: DigitalModel | None = None) -> Bridge:
    """Explain the difference between two methods' shares for one region and year.

    Parameters
    ----------
    method_a, method_b
        Method names (:data:`grdp.digital.methods.METHODS`).
    region, year, boundary, as_of
        Where and when; used to build the model when ``model`` is not given.
    model
        A calibrated model of the region.

    Returns
    -------
    Bridge
    """
    model = model or build(region, boundary, as_of)
    row = model.accounts.index(year)
    config_a, config_b = get_method(method_a).config, get_method(method_b).config
    grdp = model.accounts.grdp
    denominators = {m: np.where(np.isnan(model.publisher_grdp[m]), grdp, model.publisher_grdp[m])
                    for m in (method_a, method_b)}
    switches = [f.name for f in fields(Config) if f.name != "denominator"
                and getattr(config_a, f.name) != getattr(config_b, f.name)]
    if denominators[method_a][row] != denominators[method_b][row]:
        switches.append("denominator")

    def value(subset: frozenset) -> float:
        config = replace(config_a, **{s: getattr(config_b, s) for s in subset if s != "denominator"},
                         denominator="publisher")
        den = denominators[method_b if "denominator" in subset else method_a]
        return float(model.blocks(config, publisher_grdp=den).share()[0, row])

    contributions = shapley(value, switches)
    describe = {"denominator": lambda m: f"GRDP {denominators[m][row]:,.0f} bn VND"}
    steps = pd.DataFrame([{"switch": s, "label": SWITCH_LABELS[s],
                           "from": describe[s](method_a) if s in describe else str(getattr(config_a, s)),
                           "to": describe[s](method_b) if s in describe else str(getattr(config_b, s)),
                           "contribution": contributions[s]} for s in switches],
                         columns=["switch", "label", "from", "to", "contribution"])
    return Bridge(method_a, method_b, model.region, year, _published(model, method_a, year),
                  _published(model, method_b, year), value(frozenset()), value(frozenset(switches)), steps)
