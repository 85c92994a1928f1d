"""Iterative proportional fitting: constraints met, structure kept, inconsistency refused."""

from __future__ import annotations

import pytest

from grdp.accounts.raking import Constraint, RakingError, rake


def test_nested_constraints_are_met_and_structure_within_groups_is_kept():
    seed = {"a": 1.0, "b": 3.0, "c": 2.0, "d": 2.0}
    constraints = [Constraint("total", ("a", "b", "c", "d"), 100.0), Constraint("ab", ("a", "b"), 40.0),
                   Constraint("c", ("c",), 35.0)]
    out = rake(seed, constraints)
    assert out["a"] + out["b"] == pytest.approx(40.0, rel=1e-12)
    assert out["c"] == pytest.approx(35.0, rel=1e-12)
    assert sum(out.values()) == pytest.approx(100.0, rel=1e-12)
    assert out["b"] / out["a"] == pytest.approx(3.0, rel=1e-12)  # seed ratio inside the group survives
    assert out["d"] == pytest.approx(25.0, rel=1e-12)


def test_overlapping_constraints_converge():
    seed = {c: 1.0 for c in "abcde"}
    constraints = [Constraint("all", tuple("abcde"), 10.0), Constraint("abc", ("a", "b", "c"), 6.0),
                   Constraint("cde", ("c", "d", "e"), 5.0)]
    out = rake(seed, constraints)
    assert out["a"] + out["b"] + out["c"] == pytest.approx(6.0, rel=1e-12)
    assert out["c"] + out["d"] + out["e"] == pytest.approx(5.0, rel=1e-12)
    assert min(out.values()) > 0


def test_inconsistent_constraints_are_refused_with_the_constraint_named():
    seed = {"a": 1.0, "b": 1.0}
    constraints = [Constraint("total", ("a", "b"), 10.0), Constraint("a", ("a",), 12.0)]
    with pytest.raises(RakingError, match="did not converge"):
        rake(seed, constraints, max_iter=200)


def test_unknown_cell_and_zero_seed_are_refused():
    with pytest.raises(RakingError, match="unknown cells"):
        rake({"a": 1.0}, [Constraint("x", ("z",), 1.0)])
    with pytest.raises(RakingError, match="zero seed"):
        rake({"a": 0.0, "b": 1.0}, [Constraint("a", ("a",), 1.0)])
