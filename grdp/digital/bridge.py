"""The bridge between two methods: Shapley contributions of the identified switches, with intervals.

Both methods are positions of the same six switches (:mod:`grdp.digital.spine`): core scope,
platform component, sectoral/digitalisation scope, measurement basis, the city-specific gap and the
denominator vintage (each method divides by the GRDP its publisher used where that is known, e.g. the
1,330,798 bn VND implied by HIDS's 191,768 bn and 14.41%). The switches on which the methods differ
are grouped into **players**, and the contribution of player i is its Shapley value (Shapley 1953)::

    phi_i = sum_{S subset of P minus i} |S|! (|P| - |S| - 1)! / |P|! * (v(S + i) - v(S))

with ``v(S)`` the share with the players in S thrown to method b, so the contributions do not depend
on the order of the switches and add up to ``model_b - model_a``.

**Only what is identified is claimed.** Two switches whose contributions the data cannot separate
are one player:

* the platform component and the sectoral scope form one *non-ICT scope* unless a published split
  of MIC's platform and sectoral components is fitted with an amber or green rating (today the only
  split is MIC's red-rated provisional Q3/2022 one, and the two rates have a posterior correlation
  of about -0.97);
* any two players whose contributions have a posterior correlation below
  :data:`IDENTIFICATION_CORRELATION` over the Monte Carlo draws are merged, until none is left.

The regional switch is the **city-specific gap** (:mod:`grdp.digital.gap`): the calibrated,
unexplained ratio of each institution's published share to the model with national coefficients;
it is labelled so, not as a measured cause. Because the gaps are calibrated to the published
figures, the model values of a year with published figures are close to them and the residual
``(published_b - model_b) - (published_a - model_a)`` is small *by construction*; it is reported as
it is, never forced to zero.

Every contribution carries its interval from the same Monte Carlo draws (parameters, accounts and
gaps re-estimated per draw, :mod:`grdp.digital.uncertainty`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd

from grdp import sources as src
from grdp.digital.model import DigitalModel, build
from grdp.digital.registry import method as get_method
from grdp.digital.spine import SWITCH_LABELS, Config, evaluate
from grdp.digital.uncertainty import draw_accounts, draw_gaps, draw_parameters

IDENTIFICATION_CORRELATION = -0.8
"""Contributions correlated below this across draws are not separately identified and are merged."""
NON_ICT = ("platform", "sectoral")
"""Switches merged into one non-ICT scope unless a published split separates them."""
DRAWS = 2_000


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
    """One row per identified player: ``switch`` (switch names joined by ``+``), ``label``, ``from``, ``to``,
    ``contribution`` (pp), ``lower``, ``upper`` (its interval), ``note``."""
    level: float = 0.9
    correlations: pd.DataFrame | None = None
    """Posterior correlation of every pair of contributions reported (all above
    :data:`IDENTIFICATION_CORRELATION`)."""

    @property
    def residual(self) -> float:
        """Published gap not explained by the switches (``nan`` if a figure is not published)."""
        return (self.published_b - self.model_b) - (self.published_a - self.model_a)

    @property
    def gap(self) -> float:
        """``published_b - published_a``."""
        return self.published_b - self.published_a

    def table(self) -> pd.DataFrame:
        """Return the bridge as rows ``step, label, value, lower, upper`` from published a, through the
        players and the residual, to published b (model values where a figure is not published; the
        residual is then ``nan``, not zero)."""
        start = self.published_a if not np.isnan(self.published_a) else self.model_a
        end = self.published_b if not np.isnan(self.published_b) else self.model_b
        rows = [{"step": "start", "label": f"{self.method_a} ({'published' if start == self.published_a else 'model'})",
                 "value": start, "lower": np.nan, "upper": np.nan}]
        rows += [{"step": r.switch, "label": f"{r.label}: {r._3} -> {r.to}", "value": r.contribution,
                  "lower": r.lower, "upper": r.upper} for r in self.steps.itertuples()]
        residual_label = ("residual (not explained by the switches; small by construction, the gaps are calibrated "
                          "to the published figures)" if not np.isnan(self.residual)
                          else "residual: not defined, a method published no figure for this year")
        rows.append({"step": "residual", "label": residual_label, "value": self.residual, "lower": np.nan,
                     "upper": np.nan})
        rows.append({"step": "end", "label": f"{self.method_b} ({'published' if end == self.published_b else 'model'})",
                     "value": end, "lower": np.nan, "upper": np.nan})
        return pd.DataFrame(rows)


def _published(model: DigitalModel, name: str, year: int) -> float:
    table = model.published(name, year) if get_method(name).published else pd.DataFrame()
    return float(table["value"].iloc[0]) if len(table) else float("nan")


def shapley(value, switches: list) -> dict:
    """Return the Shapley value of each player for a set function ``value(frozenset) -> float or array``."""
    k = len(switches)
    cache: dict[frozenset, object] = {}

    def v(subset: frozenset):
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
                total = total + weight * (v(frozenset(subset) | {i}) - v(frozenset(subset)))
        out[i] = total
    return out


def _split_is_published(model: DigitalModel) -> bool:
    """Whether an amber or green split of MIC's platform and sectoral components is fitted."""
    return any(t.fit and t.rating != "red" and t.quantity in ("mic.platform", "mic.sectoral") for t in model.targets)


def _players(switches: list[str], separated: bool) -> list[tuple[str, ...]]:
    merged = [s for s in switches if s in NON_ICT]
    players: list[tuple[str, ...]] = [(s,) for s in switches if s not in NON_ICT or separated or len(merged) < 2]
    if len(merged) == 2 and not separated:
        players.append(tuple(merged))
    order = [f.name for f in fields(Config)]
    return sorted(players, key=lambda p: order.index(p[0]))


def _merge_unidentified(players: list[tuple[str, ...]], draws: dict) -> tuple[list[tuple[str, ...]], pd.DataFrame]:
    pairs = []
    for a, b in combinations(players, 2):
        x, y = draws[a], draws[b]
        corr = float(np.corrcoef(x, y)[0, 1]) if np.std(x) > 0 and np.std(y) > 0 else 0.0
        pairs.append((a, b, corr))
    worst = min(pairs, key=lambda p: p[2], default=None)
    if worst is not None and worst[2] < IDENTIFICATION_CORRELATION:
        a, b, _ = worst
        order = [f.name for f in fields(Config)]
        joined = tuple(sorted(a + b, key=order.index))
        return [p for p in players if p not in (a, b)] + [joined], pd.DataFrame()
    table = pd.DataFrame([{"a": "+".join(a), "b": "+".join(b), "correlation": c} for a, b, c in pairs],
                         columns=["a", "b", "correlation"])
    return players, table


def _label(player: tuple[str, ...]) -> str:
    """Plain-English label of a player; a merged one says that its parts are not separately identified."""
    parts = [s for s in player if s not in NON_ICT]
    words = ["non-ICT scope (platform + sectoral)"] if all(s in player for s in NON_ICT) else [
        SWITCH_LABELS[s] for s in player if s in NON_ICT]
    words += [SWITCH_LABELS[s] for s in parts]
    return " + ".join(words) + (", not separately identified" if len(player) > 1 else "")


def bridge(method_a: str, method_b: str, region: str = "hcmc", year: int = 2022, *, boundary: str = "old",
           releases: src.Releases | None = None, model: DigitalModel | None = None, draws: int = DRAWS, seed: int = 0,
           level: float = 0.9) -> Bridge:
    """Explain the difference between two methods' shares for one region and year.

    Parameters
    ----------
    method_a, method_b
        Method names (:data:`grdp.digital.registry.METHODS`).
    region, year, boundary
        Where and when.
    releases
        The as-of view to build the model from (:func:`grdp.digital.model.build`) when ``model`` is not given.
    model
        A built model of the region.
    draws, seed, level
        Monte Carlo draws behind the intervals of the contributions, their seed and the interval level.

    Returns
    -------
    Bridge
    """
    if model is None:
        if releases is None:
            raise ValueError("a bridge needs a built model or the releases to build it from")
        model = build(region, boundary, releases)
    inputs = model.accounts
    row = inputs.index(year)
    config_a, config_b = get_method(method_a).config, get_method(method_b).config
    grdp = inputs.grdp
    denominators = {m: np.where(np.isnan(model.publisher_grdp[m]), grdp, model.publisher_grdp[m])
                    for m in (method_a, method_b)}
    switches = [f.name for f in fields(Config) if f.name != "denominator"
                and getattr(config_a, f.name) != getattr(config_b, f.name)]
    if denominators[method_a][row] != denominators[method_b][row]:
        switches.append("denominator")
    rng = np.random.default_rng(seed)
    params = draw_parameters(model, draws, rng)
    va = None if inputs.region == "vn" else draw_accounts(inputs, draws, rng, model.errors)
    gaps = draw_gaps(model, params, va, rng, draws)
    point_params, point_gaps = model.calibration.arrays(), model.gap_points()
    evaluated: dict[tuple[bool, frozenset[str]], np.ndarray] = {}  # a coalition's value depends on its switches only

    def game(players: list[tuple[str, ...]], drawn: bool):
        def value(subset: frozenset):
            thrown = frozenset(s for p in subset for s in p)
            if (drawn, thrown) not in evaluated:
                config = replace(config_a, **{s: getattr(config_b, s) for s in thrown if s != "denominator"},
                                 denominator="publisher")
                den = denominators[method_b if "denominator" in thrown else method_a]
                blocks = evaluate(config, params if drawn else point_params, inputs, va if drawn else None, den,
                                  gaps if drawn else point_gaps)
                evaluated[(drawn, thrown)] = blocks.share()[:, row]
            return evaluated[(drawn, thrown)]
        return shapley(value, players)

    players = _players(switches, _split_is_published(model))
    while True:
        sampled = game(players, True)
        players_after, correlations = _merge_unidentified(players, sampled)
        if len(players_after) == len(players):
            break
        players = players_after
    point = game(players, False)
    tail = 100 * (1 - level) / 2
    describe = {"denominator": lambda m: f"GRDP {denominators[m][row]:,.0f} bn VND"}
    records = []
    for player in players:
        lower, upper = np.percentile(sampled[player], [tail, 100 - tail])
        label = _label(player)
        records.append({"switch": "+".join(player), "label": label,
                        "from": " + ".join(describe[s](method_a) if s in describe else str(getattr(config_a, s))
                                           for s in player),
                        "to": " + ".join(describe[s](method_b) if s in describe else str(getattr(config_b, s))
                                         for s in player),
                        "contribution": float(point[player][0]), "lower": lower, "upper": upper,
                        "note": "calibrated, unexplained" if "regional" in player else ""})
    steps = pd.DataFrame(records, columns=["switch", "label", "from", "to", "contribution", "lower", "upper", "note"])

    def share(config: Config, den: np.ndarray) -> float:
        return float(evaluate(replace(config, denominator="publisher"), point_params, inputs, None, den,
                              point_gaps).share()[0, row])

    return Bridge(method_a, method_b, model.region, year, _published(model, method_a, year),
                  _published(model, method_b, year), share(config_a, denominators[method_a]),
                  share(config_b, denominators[method_b]), steps, level, correlations)
