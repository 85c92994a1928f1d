"""The digital-economy coefficients and calibration targets, read from data files.

Coefficients are never constants in code. ``grdp/data/digital_coefficients.csv`` gives, for each
parameter, a range ``[low, high]`` with a centre, whether the range is *derived* from a published
figure (the arithmetic is in the note) or an *assumption*, and a reference. The calibration treats
the range as hard bounds and the centre as a weak prior; the Monte Carlo draws within the range.

``grdp/data/calibration_targets.csv`` says, for each published digital-economy variable, which
model quantity reproduces it, with what tolerance (percentage points, or bn VND for value added),
and whether it is fitted or only shown (with the reason).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from grdp.base import paths
from grdp.sources import Problem, SourceValidationError

COEFFICIENTS_FILE = "digital_coefficients.csv"
TARGETS_FILE = "calibration_targets.csv"
BASES = ("derived", "assumption", "published")
COEFFICIENT_COLUMNS = ("parameter", "stage", "low", "centre", "high", "basis", "reference", "url", "note")
QUANTITIES = ("gso.total", "gso.core", "gso.digitalisation", "gso.broad", "gso.composition",
              "mic.total", "mic.ict", "mic.platform", "mic.sectoral", "mic.ict_composition",
              "hids.total", "hids.numerator")
"""Model quantities a published figure can be matched with (see
:func:`grdp.digital.calibration_targets.model_value`)."""
STAGES = ("national", "regional", "accounts", "gap")


@dataclass(frozen=True)
class Coefficient:
    """One parameter's range and provenance."""

    parameter: str
    stage: str
    low: float
    centre: float
    high: float
    basis: str
    reference: str
    url: str
    note: str

    @property
    def half_width(self) -> float:
        """Half the range; the scale of the weak prior ``((theta - centre) / half_width)^2``."""
        return (self.high - self.low) / 2


@dataclass(frozen=True)
class TargetRule:
    """How one published variable is reproduced."""

    variable: str
    industry: str
    quantity: str
    tolerance: float
    fit: bool
    fit_red: bool
    reason: str


def _number(text: str | None, path: Path, line: int, column: str, problems: list[Problem]) -> float:
    if text is None or not text.strip():
        problems.append(Problem(path, "missing value", line, column))
        return float("nan")
    try:
        return float(text)
    except ValueError:
        problems.append(Problem(path, f"{text!r} is not a number", line, column))
        return float("nan")


def read_coefficients(path: Path | None = None) -> dict[str, Coefficient]:
    """Read and check the coefficients file.

    Parameters
    ----------
    path
        The CSV file; defaults to ``grdp/data/digital_coefficients.csv``.

    Returns
    -------
    dict
        Parameter name to :class:`Coefficient`.

    Raises
    ------
    grdp.sources.SourceValidationError
        Listing every problem with its line and column: a short row, a missing value or non-number,
        ``low <= centre <= high`` violated, an unknown basis or stage, a published range without the
        URL where it is published, a coefficient without a reference, a duplicated parameter.
    """
    path = path or paths.data_file(COEFFICIENTS_FILE)
    problems: list[Problem] = []
    out: dict[str, Coefficient] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if any(row.get(c) is None for c in COEFFICIENT_COLUMNS):
                missing = [c for c in COEFFICIENT_COLUMNS if row.get(c) is None]
                problems.append(Problem(path, f"the row has {len(COEFFICIENT_COLUMNS) - len(missing)} of "
                                        f"{len(COEFFICIENT_COLUMNS)} fields", line, missing[0]))
                continue
            low, centre, high = (_number(row[c], path, line, c, problems) for c in ("low", "centre", "high"))
            if not np.isnan([low, centre, high]).any() and not low <= centre <= high:
                problems.append(Problem(path, f"range must satisfy low <= centre <= high, got {low}, {centre}, "
                                        f"{high}", line, "centre"))
            if row["basis"] not in BASES:
                problems.append(Problem(path, f"basis {row['basis']!r} is not one of {', '.join(BASES)}",
                                        line, "basis"))
            if row["stage"] not in STAGES:
                problems.append(Problem(path, f"stage {row['stage']!r} is not one of {', '.join(STAGES)}",
                                        line, "stage"))
            if row["basis"] == "published" and not row["url"].startswith("http"):
                problems.append(Problem(path, "a published coefficient needs the URL where it is published",
                                        line, "url"))
            if not row["reference"].strip():
                problems.append(Problem(path, "every coefficient needs a reference", line, "reference"))
            if row["parameter"] in out:
                problems.append(Problem(path, f"parameter {row['parameter']!r} is listed twice", line, "parameter"))
            out[row["parameter"]] = Coefficient(row["parameter"], row["stage"], low, centre, high, row["basis"],
                                                row["reference"], row["url"], row["note"])
    if problems:
        raise SourceValidationError(problems)
    return out


def read_target_rules(path: Path | None = None) -> dict[tuple[str, str], TargetRule]:
    """Read the calibration-target rules, keyed by ``(variable, industry)``.

    Raises
    ------
    grdp.sources.SourceValidationError
        If a fitted rule has no quantity or no positive tolerance, a quantity is not one of
        :data:`QUANTITIES`, ``fit`` or ``fit_red`` is not yes/no, or a (variable, industry) pair
        has two rules.
    """
    path = path or paths.data_file(TARGETS_FILE)
    problems: list[Problem] = []
    out: dict[tuple[str, str], TargetRule] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            for column in ("fit", "fit_red"):
                if row[column] not in ("yes", "no"):
                    problems.append(Problem(path, f"{column} must be yes or no, got {row[column]!r}", line, column))
            fit = row["fit"] == "yes"
            tolerance = (_number(row["tolerance"], path, line, "tolerance", problems) if row["tolerance"]
                         else float("nan"))
            if fit and not row["quantity"]:
                problems.append(Problem(path, "a fitted target needs a model quantity", line, "quantity"))
            if fit and not tolerance > 0:
                problems.append(Problem(path, "a fitted target needs a positive tolerance", line, "tolerance"))
            if row["quantity"] and row["quantity"] not in QUANTITIES:
                problems.append(Problem(path, f"unknown model quantity {row['quantity']!r}; known: "
                                        f"{', '.join(QUANTITIES)}", line, "quantity"))
            if (row["variable"], row["industry"]) in out:
                problems.append(Problem(path, f"a second rule for {row['variable']} / {row['industry']}", line,
                                        "variable"))
            out[(row["variable"], row["industry"])] = TargetRule(row["variable"], row["industry"], row["quantity"],
                                                                 tolerance, fit, row["fit_red"] == "yes", row["reason"])
    if problems:
        raise SourceValidationError(problems)
    return out


@lru_cache(maxsize=1)
def coefficients() -> dict[str, Coefficient]:
    """Return the package's coefficients (read once)."""
    return read_coefficients()


@lru_cache(maxsize=1)
def target_rules() -> dict[tuple[str, str], TargetRule]:
    """Return the package's calibration-target rules (read once)."""
    return read_target_rules()
