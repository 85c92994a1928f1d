"""Forecast scenarios: definitions read from ``grdp/data/scenarios.yaml``, numbers computed at the vintage's date.

The file holds *definitions* only: for each scenario its boundary, its centre, and the evidence rule (with its
series and years) behind every number it needs (:mod:`grdp.forecast.evidence`). It holds no figure: a
rationale may not quote one (a number with a decimal point or a thousands separator is refused), so nothing
typed into the file can bring a release later than a vintage's as-of date into that vintage.
:func:`resolve` computes the numbers from the observations selected at the as-of date and returns
:class:`Assumptions`, which record every figure used with its release.

A scenario's centre is either the statistical models' own projection (``centre: trend``) or a path built from
driver assumptions (``centre: components``)::

    s(T+h) = sum_k c_k(T) * (1 + e_k / 100)^h

where ``c_k(T)`` is component ``k``'s share of GRDP (percent) in the projection's first year ``T`` and ``e_k``
the scenario's excess growth of that component's value added over nominal GRDP growth (percent a year, for
``core``, ``platform`` and ``sectoral``). Every scenario has exactly one nominal GRDP path
(:class:`grdp.forecast.evidence.GrdpPath`, from its ``grdp_growth`` rule): it starts from the vintage's own GRDP
of the boundary's latest ended year (its sector accounts, :func:`grdp.accounts.sector_accounts` on the same
releases) and grows with the real growth targets in force at the as-of date times a published deflator
(:func:`grdp.forecast.evidence.grdp_path`); every bn VND figure and every nominal growth rate of the target
assessment uses it. ``boundary`` is ``old`` (HCMC before the 1 July 2025 merger) or ``merged`` (HCMC + Binh
Duong + Ba Ria-Vung Tau).

:func:`load_scenarios` validates the whole file and reports every problem at once, each naming the file, the
scenario and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from grdp import sources as src
from grdp.base import paths
from grdp.forecast import evidence as ev

FILE_NAME = "scenarios.yaml"
TREND = "trend"
BOUNDARIES = ("old", "merged")
CENTRES = (TREND, "components")
COMPONENTS = ("core", "platform", "sectoral")
LANGUAGES = ("en", "vi")
YEARS = (1990, 2100)
"""Plausible years of an evidence window (inclusive)."""
REGION = "hcmc"
"""The region the scenarios are for (their GRDP path reads its sector accounts on the scenario's boundary)."""
REQUIRED_FIELDS = ("id", "boundary", "label", "centre", "grdp_growth", "rationale")
FIELDS = REQUIRED_FIELDS + ("excess_growth", "supporting")
SERIES_FIELDS = ("source_id", "region", "boundary", "variable")
RULE_FIELDS = {ev.LEVEL: ("rule", "series", "from_year", "to_year", "span"),
               ev.SHARE: ("rule", "series", "from_year", "to_year", "span"),
               ev.DEFLATOR: ("rule", "series", "from_year", "to_year", "span"),
               ev.SAME_AS: ("rule", "component"), ev.WITH_GRDP: ("rule",)}
GRDP_FIELDS = ("rule", "targets", "deflator", "otherwise")
"""Fields of a ``growth_targets`` GRDP rule."""
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIGURE = re.compile(r"\d[.,]\d")
"""A figure in a text: a digit, a decimal point or thousands separator (either language), a digit."""

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
    """One scenario's definition: boundary, centre, and the evidence rules of its numbers.

    Attributes
    ----------
    id
        Identifier, lower case with hyphens (``baseline``, ``merged-stalled``).
    boundary
        ``old`` or ``merged``.
    label, rationale
        Text by language (``en``, ``vi``); the rationale states the rules in words and quotes no figure.
    centre
        ``trend`` (the models' projection) or ``components`` (the excess-growth path).
    grdp_growth
        The rule of the scenario's nominal GRDP path (:class:`grdp.forecast.evidence.GrdpRule`).
    excess_growth
        The rule of each component's excess growth over GRDP; empty for a trend centre.
    supporting
        Further evidence shown with the scenario but not used in its arithmetic, as ``(label, rule)`` pairs.
    """

    id: str
    boundary: str
    label: dict[str, str]
    centre: str
    grdp_growth: ev.GrdpRule
    excess_growth: dict[str, ev.Rule]
    rationale: dict[str, str]
    supporting: tuple[tuple[str, ev.Rule], ...] = ()


@dataclass(frozen=True)
class Assumptions:
    """A scenario's numbers at one as-of date, each computed from the releases available then.

    Attributes
    ----------
    scenario
        The definition.
    as_of
        The vintage's as-of date.
    grdp
        The scenario's one nominal GRDP path.
    excess_growth
        Excess growth over GRDP by component, percent a year (empty for a trend centre).
    evidence
        What each rule computed, keyed ``grdp_growth`` (and its parts ``grdp_growth.target.<region>.<period>``,
        ``grdp_growth.deflator``, ``grdp_growth.otherwise``: :func:`grdp.forecast.evidence.grdp_path`),
        ``excess_growth.<component>`` and ``supporting.<label>``.
    """

    scenario: Scenario
    as_of: str | None
    grdp: ev.GrdpPath
    excess_growth: dict[str, float]
    evidence: dict[str, ev.Evidence]

    @property
    def id(self) -> str:
        """The scenario's id."""
        return self.scenario.id

    @property
    def boundary(self) -> str:
        """The scenario's boundary."""
        return self.scenario.boundary

    @property
    def centre(self) -> str:
        """``trend`` or ``components``."""
        return self.scenario.centre

    def centre_path(self, components: dict[str, float], horizon: int) -> np.ndarray:
        """Return the centre of the share path, ``s(T+h) = sum_k c_k(T) (1 + e_k/100)^h`` for h = 1..horizon.

        Parameters
        ----------
        components
            Share of GRDP (percent) of each component in the projection's first year, e.g. ``{"core": 9.0}``.
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

    def quantities(self) -> pd.DataFrame:
        """One row per number: ``scenario, boundary, centre, quantity, value`` (percent a year), ``used`` (in the
        arithmetic, or supporting only), ``rule`` (in words), ``from_year, to_year, latest_release``, and for
        ``grdp_growth`` (the GRDP path's average nominal growth from its anchor year to the last year a growth target
        covers) the anchor ``grdp_anchor_year, grdp_anchor`` (bn VND, the accounts' GRDP of the latest ended year)
        and ``grdp_anchor_basis`` (how the accounts know it). A ``grdp_growth.target.<region>.<period>`` row is a
        growth target in force (real, percent a year) with the years it was applied to (``from_year, to_year``)."""
        rows = []
        for key, found in self.evidence.items():
            row = {"scenario": self.id, "boundary": self.boundary, "centre": self.centre, "quantity": key,
                   "value": found.value, "used": not key.startswith("supporting."), "rule": self._describe(key, found),
                   "from_year": found.from_year, "to_year": found.to_year,
                   "latest_release": None if found.latest_release is None else found.latest_release.date().isoformat(),
                   "grdp_anchor_year": np.nan, "grdp_anchor": np.nan, "grdp_anchor_basis": ""}
            if key == "grdp_growth":
                anchor = self.grdp.anchor_year
                row |= {"grdp_anchor_year": anchor, "grdp_anchor": self.grdp.level(anchor),
                        "grdp_anchor_basis": self.grdp.level_basis.get(anchor, "")}
            rows.append(row)
        return pd.DataFrame(rows)

    def figures(self) -> pd.DataFrame:
        """Every published figure the numbers were computed from: ``scenario, quantity`` and the columns of
        :data:`grdp.forecast.evidence.EVIDENCE_COLUMNS`."""
        frames = [found.figures.assign(scenario=self.id, quantity=key) for key, found in self.evidence.items()
                  if not found.figures.empty]
        columns = ["scenario", "quantity", *ev.EVIDENCE_COLUMNS]
        return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)

    def _describe(self, key: str, found: ev.Evidence) -> str:
        """The rule behind a number, in words (English)."""
        grdp = self.scenario.grdp_growth
        if key == "grdp_growth":
            return grdp.describe()
        if key == "grdp_growth.deflator" and grdp.deflator is not None:
            return grdp.deflator.describe()
        if key == "grdp_growth.otherwise":
            return f"years no growth target covers: {grdp.otherwise.describe()}"
        if key.startswith("grdp_growth.target."):
            lower = found.figures[found.figures["variable"] == ev.TARGET_VARIABLE].iloc[0]
            upper = found.figures[found.figures["variable"] == ev.TARGET_UPPER]
            ends = f"-{upper['value'].iloc[0]:g}" if len(upper) else ""
            years = f"{found.from_year}" + (f"-{found.to_year}" if found.to_year != found.from_year else "")
            return (f"real GRDP growth target in force ({lower['source_id']}: {lower['region']}/{lower['boundary']}, "
                    f"{lower['period']}: {lower['value']:g}{ends}%, {lower['publisher']}, decided "
                    f"{lower['release_date']}): a target, not an outcome; applied to {years}")
        if key.startswith("excess_growth."):
            return self.scenario.excess_growth[key.removeprefix("excess_growth.")].describe()
        return dict(self.scenario.supporting)[key.removeprefix("supporting.")].describe()


def accounts_grdp(releases: src.Releases, boundary: str, region: str = REGION) -> pd.DataFrame:
    """The boundary's GRDP in its sector accounts on the view's releases (assembled once per run and shared,
    :func:`grdp.accounts.sector_accounts`): :data:`grdp.forecast.evidence.ACCOUNTS_COLUMNS`, one row per year."""
    from grdp.accounts import sector_accounts  # estimation code: loaded only when a scenario is resolved

    table = sector_accounts(region, boundary, releases).table
    totals = table[table["industry"] == "TOTAL"]
    return totals[ev.ACCOUNTS_COLUMNS].assign(year=totals["year"].astype(int)).reset_index(drop=True)


def resolve(scenario: Scenario, releases: src.Releases, region: str = REGION) -> Assumptions:
    """Compute a scenario's numbers from the figures the vintage's as-of view selects.

    Parameters
    ----------
    scenario
        The definition.
    releases
        The vintage's as-of view (:class:`grdp.sources.Releases`): its selection, and the sector accounts of the
        scenario's boundary on it (the GRDP path's anchor, :func:`accounts_grdp`).
    region
        The region whose accounts the GRDP path starts from.

    Returns
    -------
    Assumptions

    Raises
    ------
    grdp.forecast.evidence.EvidenceError
        If a rule has no published figures for its window at that date, or the boundary has no sector accounts
        then (naming the scenario and the field).
    """
    from grdp.accounts import AccountsError  # estimation code: loaded only when a scenario is resolved
    from grdp.forecast.history import first_open_year

    selected, as_of = releases.selected, releases.as_of
    found: dict[str, ev.Evidence] = {}
    components: dict[str, ev.Evidence] = {}

    def fail(key: str, exc: ev.EvidenceError) -> ev.EvidenceError:
        return ev.EvidenceError(f"scenario {scenario.id!r}, field '{key}', as of {as_of}: {exc}")

    def run(key: str, rule: ev.Rule) -> ev.Evidence:
        try:
            return ev.compute(rule, selected, components)
        except ev.EvidenceError as exc:
            raise fail(key, exc) from None

    first_open = first_open_year(as_of if as_of is not None else pd.Timestamp.today().date())
    try:
        accounts = accounts_grdp(releases, scenario.boundary, region)
    except AccountsError as exc:
        raise fail("grdp_growth", ev.EvidenceError(f"no sector accounts of {region}/{scenario.boundary} to start the "
                                                   f"GRDP path from: {exc}")) from None
    try:
        path, parts = ev.grdp_path(scenario.grdp_growth, selected, accounts, first_open, as_of)
    except ev.EvidenceError as exc:
        raise fail("grdp_growth", exc) from None
    found |= parts
    for name, rule in sorted(scenario.excess_growth.items(), key=lambda item: item[1].kind == ev.SAME_AS):
        components[name] = found[f"excess_growth.{name}"] = run(f"excess_growth.{name}", rule)
    for label, rule in scenario.supporting:
        found[f"supporting.{label}"] = run(f"supporting.{label}", rule)
    order = [*parts, *(f"excess_growth.{k}" for k in COMPONENTS if k in scenario.excess_growth),
             *(f"supporting.{label}" for label, _ in scenario.supporting)]
    return Assumptions(scenario, as_of, path, {k: components[k].value for k in COMPONENTS if k in components},
                       {k: found[k] for k in order})


def resolve_all(scenarios: list[Scenario], releases: src.Releases, region: str = REGION) -> list[Assumptions]:
    """:func:`resolve` every scenario on one as-of view."""
    return [resolve(s, releases, region) for s in scenarios]


def _steps(horizon: int) -> np.ndarray:
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1 year, got {horizon}")
    return np.arange(1, horizon + 1, dtype=float)


# --------------------------------------------------------------------------------------------
# Validation


def _texts(value: Any, name: str, figures_allowed: bool = True) -> tuple[dict[str, str], _Problems]:
    if not isinstance(value, dict):
        return {}, [(name, f"expected a mapping with {' and '.join(LANGUAGES)}, got {value!r}")]
    problems = [(f"{name}.{k}", f"unknown language; expected {' and '.join(LANGUAGES)}")
                for k in value if k not in LANGUAGES]
    problems += [(f"{name}.{k}", "missing or empty") for k in LANGUAGES
                 if not isinstance(value.get(k), str) or not value[k].strip()]
    if not figures_allowed:
        problems += [(f"{name}.{k}", f"quotes a figure ({match.group(0)!r}): a rationale states rules in words; "
                      "the figures are computed from the releases at the vintage's date")
                     for k in LANGUAGES if isinstance(value.get(k), str) and (match := _FIGURE.search(value[k]))]
    return {k: value[k] for k in LANGUAGES if k in value}, problems


def _year(value: Any, name: str) -> _Problems:
    if isinstance(value, bool) or not isinstance(value, int) or not YEARS[0] <= value <= YEARS[1]:
        return [(name, f"{value!r} is not a year between {YEARS[0]} and {YEARS[1]}")]
    return []


def _series(value: Any, name: str, kind: str, known_sources: set[str]) -> tuple[tuple[ev.SeriesRef, ...], _Problems]:
    entries = value if isinstance(value, list) else [value]
    if not entries or any(not isinstance(e, dict) for e in entries):
        return (), [(name, f"expected a mapping (or a list of mappings) of {', '.join(SERIES_FIELDS)}, got {value!r}")]
    if kind == ev.SHARE and len(entries) != 1:
        problems: _Problems = [(name, "share_growth reads exactly one series")]
    else:
        problems = []
    refs = []
    for i, entry in enumerate(entries):
        where = f"{name}[{i}]" if isinstance(value, list) else name
        problems += [(f"{where}.{k}", f"unknown field; expected {', '.join(SERIES_FIELDS)}")
                     for k in entry if k not in SERIES_FIELDS]
        needed = SERIES_FIELDS if kind == ev.SHARE else SERIES_FIELDS[:3]
        problems += [(f"{where}.{k}", "missing") for k in needed if k not in entry]
        problems += [(f"{where}.{k}", f"{entry[k]!r} is not text") for k in SERIES_FIELDS
                     if k in entry and not isinstance(entry[k], str)]
        if isinstance(entry.get("source_id"), str) and entry["source_id"] not in known_sources:
            problems.append((f"{where}.source_id", f"{entry['source_id']!r} is not a folder in sources/"))
        if not problems:
            refs.append(ev.SeriesRef(entry["source_id"], entry["region"], entry["boundary"],
                                     entry.get("variable", "grdp")))
    return tuple(refs), problems


def _rule(value: Any, name: str, allowed: tuple[str, ...], known_sources: set[str],
          extra: tuple[str, ...] = ()) -> tuple[ev.Rule | None, _Problems]:
    if not isinstance(value, dict) or "rule" not in value:
        return None, [(name, f"expected a mapping with 'rule' (one of {', '.join(allowed)}), got {value!r}")]
    kind = value["rule"]
    if kind not in allowed:
        return None, [(f"{name}.rule", f"{kind!r} is not one of {', '.join(allowed)}")]
    fields = RULE_FIELDS[kind] + extra
    problems: _Problems = [(f"{name}.{k}", f"unknown field for rule {kind}; expected {', '.join(fields)}")
                           for k in value if k not in fields]
    if kind == ev.WITH_GRDP:
        return (ev.Rule(kind), []) if not problems else (None, problems)
    if kind == ev.SAME_AS:
        component = value.get("component")
        if component not in COMPONENTS:
            problems.append((f"{name}.component", f"{component!r} is not one of {', '.join(COMPONENTS)}"))
        return (ev.Rule(kind, component=component), []) if not problems else (None, problems)
    if "series" not in value:
        problems.append((f"{name}.series", "missing"))
        refs: tuple[ev.SeriesRef, ...] = ()
    else:
        refs, found = _series(value["series"], f"{name}.series", kind, known_sources)
        problems += found
    window = [k for k in ("from_year", "span") if k in value]
    if len(window) != 1:
        problems.append((name, "give exactly one of from_year (the first year) and span (years before the last)"))
    for key in ("from_year", "to_year"):
        if key in value:
            problems += _year(value[key], f"{name}.{key}")
    span = value.get("span")
    if "span" in value and (isinstance(span, bool) or not isinstance(span, int) or span < 1):
        problems.append((f"{name}.span", f"{span!r} is not a whole number of years of at least 1"))
    if (isinstance(value.get("from_year"), int) and isinstance(value.get("to_year"), int)
            and value["to_year"] <= value["from_year"]):
        problems.append((f"{name}.to_year", f"{value['to_year']} is not after from_year {value['from_year']}"))
    if problems:
        return None, problems
    return ev.Rule(kind, refs, value.get("from_year"), value.get("to_year"), value.get("span")), []


def _grdp_rule(value: Any, known_sources: set[str]) -> tuple[ev.GrdpRule | None, _Problems]:
    """The ``grdp_growth`` field: a ``growth_targets`` rule (targets, deflator, otherwise) or a ``level_growth``
    rule (the published pace every year)."""
    name = "grdp_growth"
    if not isinstance(value, dict) or "rule" not in value:
        return None, [(name, f"expected a mapping with 'rule' (one of {', '.join(ev.GRDP_RULES)}), got {value!r}")]
    if value["rule"] == ev.LEVEL:
        rule, found = _rule(value, name, (ev.LEVEL,), known_sources)
        return (ev.GrdpRule(ev.LEVEL, rule), []) if rule is not None and not found else (None, found)
    if value["rule"] != ev.TARGETS:
        return None, [(f"{name}.rule", f"{value['rule']!r} is not one of {', '.join(ev.GRDP_RULES)}")]
    problems: _Problems = [(f"{name}.{k}", f"unknown field for rule {ev.TARGETS}; expected {', '.join(GRDP_FIELDS)}")
                           for k in value if k not in GRDP_FIELDS]
    problems += [(f"{name}.{k}", "missing") for k in GRDP_FIELDS if k not in value]
    targets: tuple[ev.SeriesRef, ...] = ()
    if "targets" in value:
        if not isinstance(value["targets"], list) or not value["targets"]:
            problems.append((f"{name}.targets", "expected a list of series (source_id, region, boundary)"))
        else:
            targets, found = _series(value["targets"], f"{name}.targets", ev.TARGETS, known_sources)
            problems += found
            targets = tuple(ev.SeriesRef(t.source_id, t.region, t.boundary, ev.TARGET_VARIABLE) for t in targets)
    deflator = otherwise = None
    if "deflator" in value:
        deflator, found = _rule(value["deflator"], f"{name}.deflator", (ev.DEFLATOR,), known_sources)
        problems += found
    if "otherwise" in value:
        otherwise, found = _rule(value["otherwise"], f"{name}.otherwise", (ev.LEVEL,), known_sources)
        problems += found
    if problems or otherwise is None:
        return None, problems
    return ev.GrdpRule(ev.TARGETS, otherwise, targets, deflator), []


def _excess(value: Any, known_sources: set[str]) -> tuple[dict[str, ev.Rule], _Problems]:
    if not isinstance(value, dict) or not value:
        return {}, [("excess_growth", f"expected a mapping of {', '.join(COMPONENTS)} to rules, got {value!r}")]
    out: dict[str, ev.Rule] = {}
    problems: _Problems = []
    for key, raw in value.items():
        if key not in COMPONENTS:
            problems.append((f"excess_growth.{key}", f"unknown component; expected {', '.join(COMPONENTS)}"))
            continue
        rule, found = _rule(raw, f"excess_growth.{key}", (ev.SHARE, ev.SAME_AS, ev.WITH_GRDP), known_sources)
        problems += found
        if rule is not None:
            out[key] = rule
    for key, rule in out.items():
        if rule.kind == ev.SAME_AS and (rule.component == key or rule.component not in out
                                        or out[str(rule.component)].kind == ev.SAME_AS):
            problems.append((f"excess_growth.{key}.component",
                             f"{rule.component!r} must be another component of this scenario with its own rule"))
    return out, problems


def _supporting(value: Any, known_sources: set[str]) -> tuple[tuple[tuple[str, ev.Rule], ...], _Problems]:
    if not isinstance(value, list):
        return (), [("supporting", f"expected a list of rules, each with a label, got {value!r}")]
    out, problems = [], []
    for i, entry in enumerate(value):
        name = f"supporting[{i}]"
        label = entry.get("label") if isinstance(entry, dict) else None
        if not isinstance(label, str) or not label.strip():
            problems.append((f"{name}.label", "missing or not text"))
            continue
        rule, found = _rule({k: v for k, v in entry.items() if k != "label"}, name, (ev.LEVEL, ev.SHARE),
                            known_sources)
        problems += found
        if rule is not None:
            out.append((label, rule))
    labels = [label for label, _ in out]
    problems += [("supporting", f"label {label!r} repeated") for label in set(labels) if labels.count(label) > 1]
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
    checks = {"label": lambda v: _texts(v, "label"), "rationale": lambda v: _texts(v, "rationale", False),
              "grdp_growth": lambda v: _grdp_rule(v, known_sources),
              "supporting": lambda v: _supporting(v, known_sources)}
    parsed: dict[str, Any] = {"supporting": ()}
    for name, check in checks.items():
        if name in entry:
            parsed[name], found = check(entry[name])
            problems += found
    excess: dict[str, ev.Rule] = {}
    if centre == "components":
        if "excess_growth" in entry:
            excess, excess_problems = _excess(entry["excess_growth"], known_sources)
            problems += excess_problems
        else:
            problems.append(("excess_growth", "missing; required when centre is 'components'"))
    elif centre == TREND and "excess_growth" in entry:
        problems.append(("excess_growth", "given, but a 'trend' centre takes no excess growth"))
    if problems or not isinstance(ident, str) or not isinstance(centre, str):
        return None, problems
    return Scenario(ident, entry["boundary"], parsed["label"], centre, parsed["grdp_growth"], excess,
                    parsed["rationale"], parsed["supporting"]), []


def scenario_labels(path: Path | None = None) -> dict[str, dict[str, str]]:
    """The label of every scenario in both languages, by id, read from the scenario file without validating it
    against ``sources/`` (the workbook names the scenarios of a vintage's tables, wherever the vintage is read).

    Parameters
    ----------
    path
        The YAML file; defaults to ``grdp/data/scenarios.yaml``.
    """
    path = paths.data_file(FILE_NAME) if path is None else Path(path)
    entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("scenarios") or []
    return {str(e["id"]): {lang: str(e["label"][lang]) for lang in LANGUAGES} for e in entries
            if isinstance(e, dict) and "id" in e and isinstance(e.get("label"), dict)}


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
        If anything is wrong (missing or unknown fields, duplicate ids, a boundary or centre not allowed, an
        unknown rule or a rule with the wrong fields, a series naming a folder that is not in ``sources/``, a
        window that is not a pair of years, a label or rationale without both ``en`` and ``vi``, a rationale
        quoting a figure); the message lists every problem, each with the file, the scenario and the field.
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
