"""Iterative proportional fitting (raking) of a positive vector to group totals.

Method (Deming and Stephan 1940; Bishop, Fienberg and Holland 1975, ch. 3; the same
multiplicative update as generalised iterative scaling, Darroch and Ratcliff 1972):

given a positive seed vector ``x`` and constraints ``sum(x[i] for i in G_k) = t_k``, repeat for
every constraint k in turn::

    x[i] <- x[i] * t_k / sum(x[G_k])      for i in G_k

until every constraint holds within a relative tolerance. Cells keep the seed's relative
structure inside each group as far as the constraints allow (the solution minimises the
Kullback-Leibler divergence from the seed subject to the constraints, when one exists).
If the constraints are inconsistent (no positive solution), the iteration does not converge
and :class:`RakingError` names the constraints still violated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


class RakingError(ValueError):
    """Raised when the constraints cannot all be met."""


@dataclass(frozen=True)
class Constraint:
    """A group of cells whose sum must equal ``target``; ``label`` names it in messages."""

    label: str
    members: tuple[str, ...]
    target: float


def rake(
    seed: Mapping[str, float],
    constraints: Sequence[Constraint],
    tol: float = 1e-12,
    max_iter: int = 5000,
) -> dict[str, float]:
    """Scale ``seed`` so that every constraint holds.

    Parameters
    ----------
    seed
        Positive starting values by cell name.
    constraints
        Group totals to reproduce; members must be cell names of ``seed``.
    tol
        Largest relative deviation |sum - target| / target allowed at convergence.
    max_iter
        Number of full sweeps over the constraints before giving up.

    Returns
    -------
    dict
        The raked values by cell name.

    Raises
    ------
    RakingError
        If a constraint names an unknown cell, a target is negative, a group with a positive
        target has a zero seed, or the sweeps do not converge (inconsistent constraints).
    """
    names = list(seed)
    index = {name: i for i, name in enumerate(names)}
    x = np.array([float(seed[n]) for n in names])
    if np.any(x < 0) or not np.all(np.isfinite(x)):
        raise RakingError("seed values must be finite and non-negative")
    groups = []
    for c in constraints:
        unknown = [m for m in c.members if m not in index]
        if unknown:
            raise RakingError(f"constraint {c.label!r} names unknown cells {unknown}")
        if c.target < 0:
            raise RakingError(f"constraint {c.label!r} has a negative target {c.target}")
        groups.append((c, np.array([index[m] for m in c.members])))
    for c, idx in groups:
        if c.target > 0 and x[idx].sum() == 0:
            raise RakingError(f"constraint {c.label!r} has a positive target but a zero seed")

    def worst() -> tuple[float, str]:
        devs = [(abs(x[idx].sum() - c.target) / max(c.target, 1e-300), c.label) for c, idx in groups]
        return max(devs, default=(0.0, ""))

    for _ in range(max_iter):
        for c, idx in groups:
            current = x[idx].sum()
            if current > 0:
                x[idx] *= c.target / current
        deviation, _label = worst()
        if deviation <= tol:
            return dict(zip(names, x.tolist()))
    deviation, label = worst()
    raise RakingError(
        f"raking did not converge after {max_iter} sweeps: constraint {label!r} is off by "
        f"{deviation:.3g} (relative); the published margins are inconsistent with each other"
    )
