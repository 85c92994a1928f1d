"""The common spine every method is a configuration of: building blocks and switches.

All methods are written as one model with six switches, so that estimates and the bridge between
methods use the same arithmetic. For region r, year t and section s (value added ``VA_s``, bn VND):

* **core** ``K_s`` (switch ``core``):

  - ``gso``: ``w_s (1 + g_K)^(t-2022) VA_s`` for s in C (division 26), G (4651, 4652), J (5820, 61,
    62, 631), S (951), where ``w_s`` is the share of the core groups in their section;
  - ``oecd``: as ``gso`` but only the OECD-ICT part ``o_26`` of division 26 (OECD 2007 ICT list);
  - ``hids``: all of J plus a share ``h`` of C and G (HIDS 2022: the three groups of activities);
  - ``hids-ict-j``: as ``hids`` with only the ICT part ``w_J`` of J (the low end of HIDS's scope).

* **platform** ``P_s = pi (1 + g_M)^(t-2022) (VA_s - K_s)`` for s in G, H, I (switch ``platform``:
  on or off; Decision 411's platform component as MIC measured it).
* **sectoral** ``D_s`` (switch ``sectoral``):

  - ``digitalisation`` (GSO): ``d_g(s) (1 + g_D)^(t-2022) (VA_s - K_s)`` with one coefficient for A, D,
    G, the other industry sections (B, C, E, F) and the other services;
  - ``mic``: ``sigma (1 + g_M)^(t-2022) (VA_s - K_s)`` (Decision 411's sectoral component);
  - ``none``.

* **basis** (switch ``basis``): ``value_added`` leaves the core as it is; ``revenue`` multiplies it
  by ``b (1 + g_M)^(t-2022)``, MIC's tax-revenue basis relative to value added.
* **regional** (switch ``regional``): the numerator is multiplied by the city-specific gap
  ``exp(g_t)`` of the method family (``gso`` or ``mic``), the year-by-year log ratio of the
  institution's published share to the model with national coefficients (:mod:`grdp.digital.gap`;
  calibrated, unexplained), or by nothing (``none``: the *indicator*).
* **denominator** (switch ``denominator``): the GRDP of the sector accounts (``accounts``) or the one
  the publisher divided by where it is known (``publisher``; otherwise the accounts').

``share = 100 * sum_s (K_s + P_s + D_s) * factors / GRDP``. Every array carries a leading axis of
Monte Carlo draws (length 1 for a point estimate), so the same code serves both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from grdp.digital.account_arrays import AccountInputs

REFERENCE_YEAR = 2022
"""Year at which the drifts ``(1 + g)^(t - 2022)`` equal one."""
CORE_SECTIONS = {"C": "gso.core_share.C", "G": "gso.core_share.G", "J": "gso.core_share.J", "S": "gso.core_share.S"}
PLATFORM_SECTIONS = ("G", "H", "I")

OPTIONS: dict[str, tuple] = {
    "core": ("gso", "oecd", "hids", "hids-ict-j"),
    "platform": (False, True),
    "sectoral": ("none", "digitalisation", "mic"),
    "basis": ("value_added", "revenue"),
    "regional": ("none", "gso", "mic"),
    "denominator": ("accounts", "publisher"),
}
SWITCH_LABELS = {
    "core": "core scope",
    "platform": "platform component",
    "sectoral": "sectoral / digitalisation scope",
    "basis": "measurement basis",
    "regional": "city-specific gap (calibrated, unexplained)",
    "denominator": "denominator vintage",
}


@dataclass(frozen=True)
class Config:
    """One position of every switch of the spine."""

    core: str = "gso"
    platform: bool = False
    sectoral: str = "none"
    basis: str = "value_added"
    regional: str = "none"
    denominator: str = "accounts"

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) not in OPTIONS[f.name]:
                raise ValueError(f"switch {f.name!r} has no option {getattr(self, f.name)!r}; "
                                 f"options: {', '.join(map(str, OPTIONS[f.name]))}")


@dataclass(frozen=True)
class Method:
    """A published method as a configuration of the spine, with what it reports."""

    name: str
    title: str
    config: Config
    components: dict[str, str]
    """Block (``core``, ``platform``, ``sectoral``) to the method's own name for that component."""
    published: str | None
    """The source variable holding the method's published share, if any."""
    assumptions: tuple[str, ...]
    reference: str


@dataclass
class Blocks:
    """The evaluated blocks, bn VND, shape ``(draws, years, sections)``, after all factors."""

    core: np.ndarray
    platform: np.ndarray
    sectoral: np.ndarray
    denominator: np.ndarray
    """GRDP used, shape ``(draws or 1, years)``."""
    _numerator: np.ndarray | None = field(default=None, repr=False, compare=False)

    def numerator(self) -> np.ndarray:
        """Digital-economy value added, bn VND, shape ``(draws, years)`` (computed once)."""
        if self._numerator is None:
            self._numerator = (self.core + self.platform + self.sectoral).sum(axis=2)
        return self._numerator

    def share(self) -> np.ndarray:
        """Share of GRDP in percent, shape ``(draws, years)``."""
        return 100 * self.numerator() / self.denominator


Params = dict[str, np.ndarray]
"""Parameter name to an array of draws (shape ``(n,)``)."""


def _col(params: Params, name: str) -> np.ndarray:
    return np.asarray(params[name], dtype=float).reshape(-1, 1)


def _drift(params: Params, name: str, years: np.ndarray) -> np.ndarray:
    return (1 + _col(params, name)) ** (years - REFERENCE_YEAR)  # (n, years)


def core_weights(scope: str, params: Params, inputs: AccountInputs) -> np.ndarray:
    """Return the core share of each section, shape ``(n, years, sections)``."""
    years = np.asarray(inputs.years, dtype=float)
    n = max(np.size(v) for v in params.values())
    weights = np.zeros((n, len(years), len(inputs.sections)))
    column = {s: i for i, s in enumerate(inputs.sections)}
    if scope in ("gso", "oecd"):
        drift = _drift(params, "gso.core_growth", years)
        for section, name in CORE_SECTIONS.items():
            if section in column:
                weights[:, :, column[section]] = _col(params, name) * drift
        if scope == "oecd" and "C" in column:
            weights[:, :, column["C"]] *= _col(params, "oecd.ict_share_of_26")
    else:
        breadth = _col(params, "hids.breadth")
        for section in ("C", "G"):
            weights[:, :, column[section]] = breadth
        weights[:, :, column["J"]] = (1.0 if scope == "hids" else
                                      _col(params, "gso.core_share.J") * _drift(params, "gso.core_growth", years))
    return weights


def digitalisation_coefficients(params: Params, inputs: AccountInputs) -> np.ndarray:
    """Return ``d_g(s)`` for each section, shape ``(n, 1, sections)``."""
    groups = inputs.digitalisation_group()
    return np.stack([_col(params, f"gso.digitalisation.{g}")[:, 0] for g in groups], axis=1)[:, None, :]


def evaluate(config: Config, params: Params, inputs: AccountInputs, va: np.ndarray | None = None,
             publisher_grdp: np.ndarray | None = None, gaps: dict[str, np.ndarray] | None = None) -> Blocks:
    """Evaluate the spine in one configuration.

    Parameters
    ----------
    config
        The switch positions.
    params
        Parameter arrays (length 1, or the number of draws).
    inputs
        The region's accounts.
    va
        Value added to use instead of ``inputs.va`` (Monte Carlo draws), shape ``(n, years, sections)``.
    publisher_grdp
        GRDP the publisher divided by, per year (``nan`` where unknown); used when
        ``config.denominator == "publisher"``.
    gaps
        Log gap of each method family (``"gso"``, ``"mic"``), shape ``(n or 1, years)``; the regional
        switch multiplies by ``exp(gap)`` of its family, and by 1 where no gap is given.

    Returns
    -------
    Blocks
    """
    va = inputs.va[None] if va is None else va
    if config.regional != "none" and gaps is not None and config.regional in gaps:
        # every block is linear in value added, so the gap's factor scales value added once
        va = va * np.exp(np.atleast_2d(gaps[config.regional]))[:, :, None]
    years = np.asarray(inputs.years, dtype=float)
    core = va * core_weights(config.core, params, inputs)
    rest = va - core
    zero = np.zeros_like(core)
    growth = _drift(params, "mic.growth", years)[:, :, None] if (config.platform or config.sectoral == "mic"
                                                                or config.basis == "revenue") else None
    if config.platform:
        platform = zero.copy()
        columns = inputs.section_mask(PLATFORM_SECTIONS)
        platform[:, :, columns] = _col(params, "mic.platform_rate")[:, :, None] * growth * rest[:, :, columns]
    else:
        platform = zero
    if config.sectoral == "digitalisation":
        sectoral = rest * digitalisation_coefficients(params, inputs) * _drift(
            params, "gso.digitalisation_growth", years)[:, :, None]
    elif config.sectoral == "mic":
        sectoral = _col(params, "mic.sectoral_rate")[:, :, None] * growth * rest
    else:
        sectoral = zero
    if config.basis == "revenue":
        core = core * _col(params, "mic.ict_basis")[:, :, None] * growth
    denominator = inputs.grdp[None, :]
    if config.denominator == "publisher" and publisher_grdp is not None:
        denominator = np.where(np.isnan(publisher_grdp), inputs.grdp, publisher_grdp)[None, :]
    return Blocks(core, platform, sectoral, denominator)
