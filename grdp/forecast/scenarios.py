"""Forecast scenarios: the driver assumptions that set the centre of the share projection.

Scenarios are read from ``grdp/data/scenarios.yaml``. A scenario's centre is either the statistical models' own
projection (``centre: trend``) or a path built from driver assumptions (``centre: components``)::

    s(T+h) = sum_k c_k(T) * prod_{j=1..h} (1 + e_k / 100)

where ``c_k(T)`` is component ``k``'s share of GRDP (percent) in the last observed year ``T`` and ``e_k`` the
scenario's excess growth of that component's value added over nominal GRDP growth (percent per year, for
``core``, ``platform`` and ``sectoral``). ``grdp_growth`` (nominal, percent per year, or ``trend`` for the
statistical GRDP forecast) turns gaps in percentage points into bn VND. ``boundary`` is ``old`` (HCMC before the
1 July 2025 merger) or ``merged`` (HCMC + Binh Duong + Ba Ria-Vung Tau).

:func:`load_scenarios` validates the whole file and reports every problem at once, each naming the file, the
scenario and the field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from grdp import paths

FILE_NAME = "scenarios.yaml"
TREND = "trend"
BOUNDARIES = ("old", "merged")
CENTRES = (TREND, "components")
COMPONENTS = ("core", "platform", "sectoral")
LANGUAGES = ("en", "vi")
EXCESS_RANGE = (-50.0, 100.0)
"""Plausible excess growth of a component over GRDP, percent per year (inclusive)."""
GROWTH_RANGE = (-50.0, 100.0)
"""Plausible nominal GRDP growth, percent per year (inclusive)."""
REQUIRED_FIELDS = ("id", "boundary", "label", "centre", "grdp_growth", "rationale", "evidence")
FIELDS = REQUIRED_FIELDS + ("excess_growth",)
EVIDENCE_FIELDS = ("source_id", "period", "variable", "value", "note")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_Problems = list[tuple[str, str]]
"""(field, what is wrong) pairs found in one scenario."""


class ScenarioError(ValueError):
    """Raised when the scenario file is invalid; the message lists every problem found.

    Parameters
    ----------
    path
        The scenario file.
    problems
        One line per problem, each naming the scenario (id or position) and the field.
    """

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in scenario file {path}:\n{lines}")


@dataclass(frozen=True)
class Scenario:
    """One scenario: the centre of the projection, nominal GRDP growth, and the evidence behind them.

    Attributes
    ----------
    id
        Identifier, lower case with hyphens (``baseline``, ``merged-stalled``).
    boundary
        ``old`` or ``merged``.
    label, rationale
        Text by language (``en``, ``vi``).
    centre
        ``trend`` (the models' projection) or ``components`` (the excess-growth path).
    grdp_growth
        Nominal GRDP growth, percent per year; ``None`` when the statistical GRDP forecast is used.
    excess_growth
        Excess growth over nominal GRDP growth by component, percent per year; empty for a trend centre.
    evidence
        The source rows the numbers were derived from (``source_id``, ``period``, ``variable``, ``value``,
        ``note``).
    """

    id: str
    boundary: str
    label: dict[str, str]
    centre: str
    grdp_growth: float | None
    excess_growth: dict[str, float]
    rationale: dict[str, str]
    evidence: tuple[dict[str, Any], ...]

    def centre_path(self, components: dict[str, float], horizon: int) -> np.ndarray:
        """Return the centre of the share path, ``s(T+h) = sum_k c_k(T) (1 + e_k/100)^h`` for h = 1..horizon.

        Parameters
        ----------
        components
            Share of GRDP (percent) of each component in the last observed year, e.g. ``{"core": 9.0}``.
        horizon
            Number of years ahead (at least 1).

        Returns
        -------
        numpy.ndarray
            The share of GRDP (percent) in years T+1 .. T+horizon.

        Raises
        ------
        ValueError
            If the centre is the trend, ``components`` is empty or names a component without excess growth,
            or ``horizon`` is below 1.
        """
        if self.centre == TREND:
            raise ValueError(f"scenario {self.id!r} has centre 'trend': its centre is the models' projection")
        if not components:
            raise ValueError(f"scenario {self.id!r}: no components given")
        missing = [k for k in components if k not in self.excess_growth]
        if missing:
            raise ValueError(f"scenario {self.id!r} gives no excess growth for {', '.join(missing)}; "
                             f"it has {', '.join(self.excess_growth)}")
        steps = _steps(horizon)
        return np.sum([level * (1 + self.excess_growth[k] / 100) ** steps for k, level in components.items()],
                      axis=0)

    def grdp_path(self, last_grdp: float, horizon: int) -> np.ndarray:
        """Return nominal GRDP levels for h = 1..horizon, compounding ``grdp_growth`` from the last level.

        Parameters
        ----------
        last_grdp
            GRDP in the last observed year (any unit; the path is in the same unit).
        horizon
            Number of years ahead (at least 1).

        Returns
        -------
        numpy.ndarray
            ``last_grdp * (1 + grdp_growth/100)^h`` for h = 1..horizon.

        Raises
        ------
        ValueError
            If the scenario uses the statistical GRDP forecast (``grdp_growth: trend``) or ``horizon`` is below 1.
        """
        if self.grdp_growth is None:
            raise ValueError(f"scenario {self.id!r} takes GRDP growth from the statistical forecast ('trend')")
        return last_grdp * (1 + self.grdp_growth / 100) ** _steps(horizon)


def _steps(horizon: int) -> np.ndarray:
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 year, got {horizon}")
    return np.arange(1, horizon + 1, dtype=float)


def _number(value: Any, bounds: tuple[float, float]) -> tuple[float | None, str | None]:
    """Return the value as a float, or the reason it is not a plausible finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, f"{value!r} is not a number"
    if not math.isfinite(value):
        return None, f"{value!r} is not a finite number"
    low, high = bounds
    if not low <= value <= high:
        return None, f"{value} is outside the plausible range [{low:g}, {high:g}] percent per year"
    return float(value), None


def _texts(value: Any, name: str) -> tuple[dict[str, str], _Problems]:
    if not isinstance(value, dict):
        return {}, [(name, f"expected a mapping with {' and '.join(LANGUAGES)}, got {value!r}")]
    problems = [(f"{name}.{k}", f"unknown language; expected {' and '.join(LANGUAGES)}")
                for k in value if k not in LANGUAGES]
    problems += [(f"{name}.{k}", "missing or empty") for k in LANGUAGES
                 if not isinstance(value.get(k), str) or not value[k].strip()]
    return {k: value[k] for k in LANGUAGES if k in value}, problems


def _excess(value: Any) -> tuple[dict[str, float], _Problems]:
    if not isinstance(value, dict) or not value:
        return {}, [("excess_growth", f"expected a mapping of {', '.join(COMPONENTS)} to numbers, got {value!r}")]
    out: dict[str, float] = {}
    problems: _Problems = []
    for key, raw in value.items():
        if key not in COMPONENTS:
            problems.append((f"excess_growth.{key}", f"unknown component; expected {', '.join(COMPONENTS)}"))
            continue
        number, why = _number(raw, EXCESS_RANGE)
        if why is not None or number is None:
            problems.append((f"excess_growth.{key}", why or "not a number"))
        else:
            out[key] = number
    return out, problems


def _grdp_growth(value: Any) -> tuple[float | None, _Problems]:
    if value == TREND:
        return None, []
    number, why = _number(value, GROWTH_RANGE)
    return number, [] if why is None else [("grdp_growth", f"{why}; expected a number or '{TREND}'")]


def _evidence(value: Any, known_sources: set[str]) -> tuple[tuple[dict[str, Any], ...], _Problems]:
    if not isinstance(value, list) or not value:
        return (), [("evidence", "expected a non-empty list of source rows")]
    out = []
    problems: _Problems = []
    for i, entry in enumerate(value):
        name = f"evidence[{i}]"
        if not isinstance(entry, dict):
            problems.append((name, f"expected a mapping of {', '.join(EVIDENCE_FIELDS)}, got {entry!r}"))
            continue
        problems += [(f"{name}.{k}", f"unknown field; expected {', '.join(EVIDENCE_FIELDS)}")
                     for k in entry if k not in EVIDENCE_FIELDS]
        problems += [(f"{name}.{k}", "missing") for k in EVIDENCE_FIELDS if k not in entry]
        source = entry.get("source_id")
        if "source_id" in entry and source not in known_sources:
            problems.append((f"{name}.source_id", f"{source!r} is not a folder in sources/"))
        for key in ("variable", "note"):
            if key in entry and not isinstance(entry[key], str):
                problems.append((f"{name}.{key}", f"{entry[key]!r} is not text"))
        period = entry.get("period")
        if "period" in entry and (isinstance(period, bool) or not isinstance(period, (str, int))):
            problems.append((f"{name}.period", f"{period!r} is not a period such as '2023' or '2025-9M'"))
        number = entry.get("value")
        if "value" in entry and (isinstance(number, bool) or not isinstance(number, (int, float))
                                 or not math.isfinite(number)):
            problems.append((f"{name}.value", f"{number!r} is not a finite number"))
        out.append({**entry, "period": str(period)})
    return tuple(out), problems


def _parse(entry: dict[str, Any], known_sources: set[str]) -> tuple[Scenario | None, _Problems]:
    problems: _Problems = [(k, f"unknown field; expected {', '.join(FIELDS)}") for k in entry if k not in FIELDS]
    problems += [(k, "missing") for k in REQUIRED_FIELDS if k not in entry]
    ident = entry.get("id")
    if "id" in entry and (not isinstance(ident, str) or not _ID.match(ident)):
        problems.append(("id", f"{ident!r} is not an id of lower-case letters, digits and hyphens"))
    if "boundary" in entry and entry["boundary"] not in BOUNDARIES:
        problems.append(("boundary", f"{entry['boundary']!r} is not one of {', '.join(BOUNDARIES)}"))
    centre = entry.get("centre")
    if "centre" in entry and centre not in CENTRES:
        problems.append(("centre", f"{centre!r} is not one of {', '.join(CENTRES)}"))
    checks = {"label": lambda v: _texts(v, "label"), "rationale": lambda v: _texts(v, "rationale"),
              "grdp_growth": _grdp_growth, "evidence": lambda v: _evidence(v, known_sources)}
    parsed: dict[str, Any] = {}
    for name, check in checks.items():
        if name in entry:
            parsed[name], found = check(entry[name])
            problems += found
    excess: dict[str, float] = {}
    if centre == "components":
        if "excess_growth" in entry:
            excess, excess_problems = _excess(entry["excess_growth"])
            problems += excess_problems
        else:
            problems.append(("excess_growth", "missing; required when centre is 'components'"))
    elif centre == TREND and "excess_growth" in entry:
        problems.append(("excess_growth", "given, but a 'trend' centre takes no excess growth"))
    if problems or not isinstance(ident, str) or not isinstance(centre, str):
        return None, problems
    return Scenario(ident, entry["boundary"], parsed["label"], centre, parsed["grdp_growth"], excess,
                    parsed["rationale"], parsed["evidence"]), []


def load_scenarios(path: Path | None = None) -> dict[str, Scenario]:
    """Read and validate the scenario file.

    Parameters
    ----------
    path
        The YAML file; defaults to ``grdp/data/scenarios.yaml``.

    Returns
    -------
    dict of str to Scenario
        Scenarios by id, in the order of the file.

    Raises
    ------
    ScenarioError
        If anything is wrong (missing or unknown fields, duplicate ids, a boundary or centre not allowed, a growth
        that is not a finite number in the plausible range, a label or rationale without both ``en`` and ``vi``,
        evidence naming a folder that is not in ``sources/``); the message lists every problem, each with the
        file, the scenario and the field.
    """
    path = paths.data_file(FILE_NAME) if path is None else Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioError(path, [f"not valid YAML: {exc}"]) from exc
    if not isinstance(document, dict) or set(document) != {"scenarios"}:
        raise ScenarioError(path, ["expected a single top-level field 'scenarios' holding a list"])
    entries = document["scenarios"]
    if not isinstance(entries, list) or not entries:
        raise ScenarioError(path, ["field 'scenarios': expected a non-empty list of scenarios"])
    known_sources = {p.name for p in paths.sources_dir().iterdir() if p.is_dir()}
    scenarios: dict[str, Scenario] = {}
    first_seen: dict[str, int] = {}
    messages: list[str] = []
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            messages.append(f"scenario #{position}: expected a mapping of fields, got {entry!r}")
            continue
        ident = entry.get("id")
        where = f"scenario {ident!r} (#{position})" if isinstance(ident, str) else f"scenario #{position}"
        scenario, problems = _parse(entry, known_sources)
        if isinstance(ident, str) and ident in first_seen:
            problems.append(("id", f"duplicate of scenario #{first_seen[ident]}"))
        elif isinstance(ident, str):
            first_seen[ident] = position
        messages += [f"{where}, field '{name}': {what}" for name, what in problems]
        if scenario is not None and not problems:
            scenarios[scenario.id] = scenario
    if messages:
        raise ScenarioError(path, messages)
    return scenarios


def select(scenarios: dict[str, Scenario], ids: list[str] | None) -> list[Scenario]:
    """Return the scenarios named by ``ids`` in that order, or all of them when ``ids`` is None.

    Parameters
    ----------
    scenarios
        Scenarios by id, as returned by :func:`load_scenarios`.
    ids
        Ids to pick; ``None`` for every scenario in file order.

    Returns
    -------
    list of Scenario

    Raises
    ------
    ValueError
        If an id is unknown; the message lists the known ids.
    """
    if ids is None:
        return list(scenarios.values())
    unknown = [i for i in ids if i not in scenarios]
    if unknown:
        raise ValueError(f"unknown scenario(s): {', '.join(unknown)}; known scenarios: {', '.join(scenarios)}")
    return [scenarios[i] for i in ids]
