"""Accounts of a year known only from growth rates: the last account moved by volume growth and a deflator.

Used by :mod:`grdp.accounts` for a national year whose sections are only partly published (2025: GDP growth
by broad sector and a few sections, a nine-month structure) and for a province's year after its last
published GRDP level (the merged city's three parts in 2025). The method is the extrapolation of the
previous year's account by volume and price indicators (IMF Quarterly National Accounts Manual 2017,
ch. 3 and 6; the flash-estimate practice of Eurostat's Handbook on Quarterly National Accounts 2013, ch. 4):

    V[s, Y] = V[s, Y-1] x (1 + g[s, Y]) x (1 + pi[s, Y]),

where ``V`` is value added at current prices, ``g`` volume growth and ``pi`` deflator growth.

**Volume growth by cell** (:func:`volume_growth`). Published growth rates are applied down the hierarchy

    TOTAL -> A, BTF, GTT, TAX;   BTF -> BTE, F;   BTE -> B, C, D, E;   GTT -> G ... U.

A node with a published rate keeps it; the children of a node without one share the residual rate that makes
the node's volume ``base x (1 + g_node)`` exact, given the children that have their own published rate:

    rho = (base_node (1 + g_node) - sum_{k published} base_k (1 + g_k)) / sum_{k not published} base_k - 1.

A residual outside (-50%, +100%) (a small remainder absorbing rounding) is replaced by the node's own rate
and the method says so. ``base`` is the previous year's value at constant prices where they exist (the
nation) and at current prices otherwise (a province: volumes at previous-year prices).

**Deflators** (:func:`quarterly_deflator_growth`). ``pi`` is the growth of the implicit deflator
(current / constant 2010 prices) of the same industry in the quarterly national accounts, over the quarters
of ``Y`` published so far against the same quarters of ``Y - 1``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

TREE: dict[str, tuple[str, ...]] = {
    "TOTAL": ("A", "BTF", "GTT", "TAX"),
    "BTF": ("BTE", "F"),
    "BTE": ("B", "C", "D", "E"),
    "GTT": tuple("GHIJKLMNOPQRSTU"),
}
"""The aggregation hierarchy along which published growth rates are applied."""
BROAD_OF: dict[str, str] = {"A": "A", "TAX": "TAX", **{s: "BTF" for s in "BCDEF"},
                            **{s: "GTT" for s in "GHIJKLMNOPQRSTU"}}
"""Broad sector (A, BTF, GTT, TAX) of every section and of TAX."""
RESIDUAL_BOUNDS = (-0.5, 1.0)
"""A residual growth rate outside these bounds is replaced by the parent's rate."""


def _leaves(node: str) -> tuple[str, ...]:
    if node not in TREE:
        return (node,)
    return tuple(leaf for child in TREE[node] for leaf in _leaves(child))


def volume_growth(base: Mapping[str, float], published: Mapping[str, float],
                  total: float | None = None) -> dict[str, tuple[float, str]]:
    """Volume growth of every cell from published growth rates (see the module docstring).

    Parameters
    ----------
    base
        Previous-year values of the cells (sections and ``TAX``), the weights of the aggregation.
    published
        Published growth rates as fractions (``0.0802``), by code: ``TOTAL``, broad sectors, ``BTE``, sections.
    total
        Growth of ``TOTAL`` to use when ``published`` has none.

    Returns
    -------
    dict
        Cell -> (growth rate, how it was obtained); cells with no growth at all are left out.
    """
    out: dict[str, tuple[float, str]] = {}

    def weight(node: str) -> float:
        return sum(float(base.get(leaf, 0.0)) for leaf in _leaves(node))

    def assign(node: str, rate: float | None, how: str) -> None:
        if node not in TREE:
            if node in base and rate is not None:
                out[node] = (rate, how)
            return
        children = [c for c in TREE[node] if weight(c) > 0]
        known = {c: published[c] for c in children if c in published}
        rest = [c for c in children if c not in known]
        residual: float | None = rate
        residual_how = how
        if rate is not None and rest and known:
            remaining = weight(node) * (1 + rate) - sum(weight(c) * (1 + g) for c, g in known.items())
            rho = remaining / sum(weight(c) for c in rest) - 1
            names = ", ".join(f"{c} {100 * g:.2f}%" for c, g in known.items())
            if RESIDUAL_BOUNDS[0] < rho < RESIDUAL_BOUNDS[1]:
                residual, residual_how = rho, f"residual of {node} {100 * rate:.2f}% after {names}"
            else:
                residual_how = f"{how} (the residual of {node} after {names} is implausible, {100 * rho:.1f}%)"
        for child, g in known.items():
            assign(child, g, f"published growth of {child}")
        for child in rest:
            assign(child, residual, residual_how)

    if "TOTAL" in published:
        assign("TOTAL", published["TOTAL"], "published growth of TOTAL")
    else:
        assign("TOTAL", total, "growth of TOTAL")
    return out


def quarterly_deflator_growth(current: pd.DataFrame, constant: pd.DataFrame, year: int,
                              groups: Mapping[str, tuple[str, ...]]) -> tuple[dict[str, float], list[str]]:
    """Growth of the implicit deflator of each group over the quarters of ``year`` published so far.

    Parameters
    ----------
    current, constant
        National single-quarter value added (period label ``"2025Q1"`` x industry) at current and constant
        2010 prices.
    year
        The year.
    groups
        Name -> the industries whose deflator is wanted (e.g. ``{"BTF": ("B", "C", "D", "E", "F")}``).

    Returns
    -------
    deflators : dict
        Name -> growth (fraction) of ``sum current / sum constant`` over the quarters of ``year`` available at
        both price bases against the same quarters of ``year - 1``; empty when no quarter of ``year`` is there.
    quarters : list of str
        The quarters used.
    """
    both = [p for p in current.index if p in constant.index]
    quarters = sorted(p for p in both if p.startswith(f"{year}Q") and f"{year - 1}Q{p[-1]}" in both)
    if not quarters:
        return {}, []
    previous = [f"{year - 1}Q{p[-1]}" for p in quarters]
    out = {}
    for name, members in groups.items():
        cols = [m for m in members if m in current.columns and m in constant.columns]
        if not cols:
            continue
        now = current.loc[quarters, cols].to_numpy().sum() / constant.loc[quarters, cols].to_numpy().sum()
        then = current.loc[previous, cols].to_numpy().sum() / constant.loc[previous, cols].to_numpy().sum()
        out[name] = now / then - 1
    return out, quarters
