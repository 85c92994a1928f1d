"""Scenario evidence computed from the releases a vintage may use, never typed into a file; the GRDP path.

A scenario (``grdp/data/scenarios.yaml``) names *rules* and the *series* they read; the numbers are computed
here, at run time, from the as-of selection of the vintage (:func:`grdp.sources.as_of` with the vintage's
as-of date), so a vintage can only use figures released on or before that date. Every figure a rule reads is
returned with its release, so a vintage records (and a test checks) the release behind every number.

Rules (``t`` years, ``L`` levels, ``s`` shares; ``B`` the first and ``T`` the last year of the rule's window):

``level_growth``
    Nominal GRDP growth from published current-price levels (variable ``grdp``, industry ``TOTAL``, annual,
    ``current`` prices) of one or more ``series`` (region and boundary; several are summed, in the years all
    of them are published): ``g = (L[T] / L[B])^(1/(T-B)) - 1`` with ``B`` = ``from_year`` (chosen in the
    scenario file, for example the first year after the 2021 contraction and its rebound) and ``T`` the
    latest year all parts are published (or ``to_year``).
``share_growth``
    Growth of a published share relative to GRDP (the growth of the component's value added in excess of
    nominal GRDP growth): ``e = (s[T] / s[B])^(1/(T-B)) - 1``, ``T`` the latest published year (or
    ``to_year``), ``B`` = ``from_year`` or ``T - span`` (``span: 1`` is the latest year-on-year change).
``same_as``
    The value of another component of the same scenario.
``with_grdp``
    No excess growth: the component's value added grows with GRDP, ``e = 0`` (a definition, not a figure).
``deflator``
    Average growth of the GDP deflator of the ``series`` (the national accounts: current-price GDP over
    constant-price GDP): the deflator's growth in year ``t`` is ``(C[t]/C[t-1]) / (K[t]/K[t-1]) - 1`` with ``C``
    the current-price and ``K`` the constant 2010-price level, or ``(C[t]/C[t-1]) / (1 + r[t]) - 1`` with the
    published real growth ``r[t]`` where ``K[t]`` is not published; the rule's number is their geometric mean
    over ``B+1..T``, ``T`` the latest year with a deflator (or ``to_year``), ``B`` = ``from_year`` or ``T - span``.

**The GRDP path** (:class:`GrdpPath`, :func:`grdp_path`) of a scenario's boundary starts from the vintage's own
GRDP: the sector accounts of that boundary (:func:`grdp.accounts.sector_accounts` on the vintage's releases,
``industry == TOTAL``), every ended year as the accounts give it, the latest ended year (the *anchor*, ``A``) as
its point value whatever its quality (the merged city's latest year is partly a model estimate, and the path says
so). After the anchor it grows with what is published about the future (rule ``growth_targets``):

    ``P(t) = P(t-1) (1 + r(t)/100) (1 + d/100)``

with ``r(t)`` the real growth target *in force at the as-of date* for year ``t`` and ``d`` the ``deflator`` rule's
number. The targets are read from the ``targets`` series (``grdp_real_growth_target``, :data:`TARGET_VARIABLE`),
in the order given: the first series with a target covering ``t`` gives it, a target for the year itself
before a target for the average of several years (``AVG``, e.g. ``2026-2030``); between releases of the same
figure the sources' as-of rule has already chosen (a later decision supersedes). A decision taken after the
as-of date is not in the view and is never used. A target stated as "at least", "above" or "about" ``x`` is ``x``
(the lower end of a range, whose upper end is shown). A year no target covers grows at the ``otherwise`` rule's
nominal pace (a ``level_growth`` rule: the published average pace); so does every year after the last one a
target covers. Every year of the path says where its level or growth came from (:meth:`GrdpPath.table`).

For one figure the as-of selection keeps one release (the sources' as-of rule); if two releases of the same
date and rating remain, the one with an exact date and then the alphabetically first URL is used, as in
:mod:`grdp.forecast.series`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from grdp.sources import without_outlet

LEVEL, SHARE, SAME_AS, WITH_GRDP, DEFLATOR = "level_growth", "share_growth", "same_as", "with_grdp", "deflator"
RULES = (LEVEL, SHARE, SAME_AS, WITH_GRDP, DEFLATOR)
"""The evidence rules a scenario may name."""
TARGETS = "growth_targets"
"""The rule of a GRDP path from the growth targets in force (module docstring)."""
GRDP_RULES = (TARGETS, LEVEL)
"""The rules a scenario's ``grdp_growth`` may name (``level_growth``: the published pace for every year)."""
TARGET_VARIABLE, TARGET_UPPER = "grdp_real_growth_target", "grdp_real_growth_target_upper"
"""A real growth target (or the lower end of a target range) and the upper end of a range."""
PATH_FROM = 2020
"""First year whose published GRDP level a ``level_growth`` rule keeps (the first year the assessment reads)."""
EVIDENCE_COLUMNS = ["source_id", "region", "boundary", "variable", "price_basis", "period", "value", "release_date",
                    "publisher", "rating", "url"]
"""Columns of the figures an evidence rule read (``release_date`` as an ISO date)."""
ACCOUNTS_COLUMNS = ["year", "value", "quality", "method"]
"""Columns of the accounts' GRDP a path is built on (the ``TOTAL`` rows of the sector accounts)."""


@dataclass(frozen=True)
class SeriesRef:
    """One published series: its source folder, region, boundary and variable."""

    source_id: str
    region: str
    boundary: str
    variable: str = "grdp"

    def label(self) -> str:
        """``source_id: region/boundary variable``."""
        return f"{self.source_id}: {self.region}/{self.boundary} {self.variable}"


@dataclass(frozen=True)
class Rule:
    """One evidence rule of a scenario (see the module docstring).

    Attributes
    ----------
    kind
        One of :data:`RULES`.
    series
        The series read (several only for ``level_growth``, whose levels are summed, and ``deflator``, whose
        figures are pooled).
    from_year, to_year, span
        The window: ``from_year`` or ``span`` years before the last year; ``to_year`` (default the latest
        published year).
    component
        For ``same_as``: the component whose value is taken.
    """

    kind: str
    series: tuple[SeriesRef, ...] = ()
    from_year: int | None = None
    to_year: int | None = None
    span: int | None = None
    component: str | None = None

    def describe(self) -> str:
        """The rule in words (English), for tables."""
        if self.kind == WITH_GRDP:
            return "no excess growth: value added grows with GRDP"
        if self.kind == SAME_AS:
            return f"same as {self.component}"
        window = (f"from {self.from_year}" if self.from_year is not None else f"over the latest {self.span} year(s)")
        window += f" to {self.to_year}" if self.to_year is not None else " to the latest published year"
        what = " + ".join(s.label() for s in self.series)
        kinds = {LEVEL: "growth of current-price GRDP", SHARE: "growth of the published share",
                 DEFLATOR: "growth of the GDP deflator (current over constant-price GDP, or over real growth)"}
        kind = kinds[self.kind]
        return f"{kind} ({what}), {window}"


@dataclass(frozen=True)
class GrdpRule:
    """The rule of a scenario's GRDP path (module docstring).

    Attributes
    ----------
    kind
        ``growth_targets`` (the targets in force times the deflator, the ``otherwise`` pace where no target is in
        force) or ``level_growth`` (the ``otherwise`` pace every year).
    otherwise
        The ``level_growth`` rule of the years no target covers.
    targets
        The series of real growth targets, in order of precedence.
    deflator
        The ``deflator`` rule.
    """

    kind: str
    otherwise: Rule
    targets: tuple[SeriesRef, ...] = ()
    deflator: Rule | None = None

    def describe(self) -> str:
        """The rule in words (English), for tables."""
        anchor = "nominal GRDP from the accounts' latest ended year"
        if self.kind == LEVEL:
            return f"{anchor}, then {self.otherwise.describe()}"
        targets = ", then ".join(f"{r.source_id}: {r.region}/{r.boundary}" for r in self.targets)
        deflator = self.deflator.describe() if self.deflator is not None else ""
        return (f"{anchor}, then each year the real growth target in force at the as-of date ({targets}) times "
                f"the {deflator}; a year no target covers: {self.otherwise.describe()}")


@dataclass(frozen=True)
class Evidence:
    """What a rule computed: the number (percent a year), its window and the figures it read."""

    value: float
    from_year: int | None
    to_year: int | None
    figures: pd.DataFrame = field(repr=False)
    levels: pd.Series | None = field(default=None, repr=False)
    """``level_growth`` only: the summed levels by year (bn VND), every year all parts are published."""
    latest: pd.Timestamp | None = None
    """The latest release behind the number where its own ``figures`` are empty (the GRDP path's summary)."""

    @property
    def latest_release(self) -> pd.Timestamp | None:
        """The latest release date among the figures read (``None`` when none was read)."""
        if self.figures.empty:
            return self.latest
        return pd.Timestamp(max(self.figures["release_date"]))


class EvidenceError(ValueError):
    """Raised when a rule cannot be computed from the releases available at the vintage's as-of date."""


def _rows(selected: pd.DataFrame, refs: tuple[SeriesRef, ...], variables: tuple[str, ...],
          price_bases: tuple[str, ...], frequencies: tuple[str, ...] = ("A",)) -> pd.DataFrame:
    """The whole-economy figures of ``refs`` (their folder, region and boundary) with these variables, price bases
    and frequencies in the as-of selection, one per figure."""
    keys = {(r.source_id, r.region, r.boundary) for r in refs}
    rows = selected[pd.Series([k in keys for k in zip(selected["source_id"], selected["region"],
                                                      selected["boundary"])], index=selected.index, dtype=bool)
                    & selected["variable"].isin(variables) & selected["frequency"].isin(frequencies)
                    & (selected["industry"] == "TOTAL") & selected["price_basis"].isin(price_bases)]
    rows = rows.sort_values(["source_id", "variable", "price_basis", "period", "date_approx", "url"])
    return rows.drop_duplicates(["region", "boundary", "variable", "price_basis", "period"])


def _evidence_table(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.assign(release_date=rows["release_date"].dt.strftime("%Y-%m-%d"))
    return out[EVIDENCE_COLUMNS].reset_index(drop=True)


def _figures(selected: pd.DataFrame, ref: SeriesRef) -> pd.DataFrame:
    """The annual, whole-economy, current-price figures of one series in the as-of selection, one per year."""
    rows = selected[(selected["source_id"] == ref.source_id) & (selected["region"] == ref.region)
                    & (selected["boundary"] == ref.boundary) & (selected["variable"] == ref.variable)
                    & (selected["frequency"] == "A") & (selected["industry"] == "TOTAL")
                    & (selected["price_basis"] == "current") & selected["period"].str.fullmatch(r"\d{4}")]
    rows = rows.sort_values(["period", "date_approx", "url"]).drop_duplicates("period")
    return _evidence_table(rows)


def _window(years: list[int], rule: Rule, what: str) -> tuple[int, int]:
    """First and last year of the rule's window among the published ``years``."""
    last = rule.to_year if rule.to_year is not None else (max(years) if years else None)
    if last is None or last not in years:
        raise EvidenceError(f"{what}: no published figure for {'the latest year' if rule.to_year is None else last}"
                            f" (published years: {', '.join(map(str, years)) or 'none'})")
    first = rule.from_year if rule.from_year is not None else last - (rule.span or 0)
    if first not in years or first >= last:
        raise EvidenceError(f"{what}: needs published figures for {first} and a later year; published years: "
                            f"{', '.join(map(str, years))}")
    return first, last


def _growth(start: float, end: float, years: int) -> float:
    return float(100 * ((end / start) ** (1 / years) - 1))


def _deflator(rule: Rule, selected: pd.DataFrame) -> Evidence:
    """The ``deflator`` rule (module docstring)."""
    what = rule.describe()
    rows = _rows(selected, rule.series, ("grdp", "grdp_real_growth"), ("current", "constant_2010"))
    rows = rows[rows["period"].str.fullmatch(r"\d{4}")]

    def series(variable: str, basis: str) -> pd.Series:
        part = rows[(rows["variable"] == variable) & (rows["price_basis"] == basis)]
        return pd.Series(part["value"].astype(float).to_numpy(), index=part["period"].astype(int).to_numpy())
    current, constant, real = series("grdp", "current"), series("grdp", "constant_2010"), \
        series("grdp_real_growth", "constant_2010")
    steps: dict[int, float] = {}
    read: dict[int, list[tuple[str, str, int]]] = {}
    for year in sorted(current.index):
        if year - 1 not in current.index:
            continue
        nominal = current[year] / current[year - 1]
        if year in constant.index and year - 1 in constant.index:
            steps[year] = nominal / (constant[year] / constant[year - 1])
            read[year] = [("grdp", "current", year), ("grdp", "current", year - 1),
                          ("grdp", "constant_2010", year), ("grdp", "constant_2010", year - 1)]
        elif year in real.index:
            steps[year] = nominal / (1 + real[year] / 100)
            read[year] = [("grdp", "current", year), ("grdp", "current", year - 1),
                          ("grdp_real_growth", "constant_2010", year)]
    # the window is over levels of the deflator: a year counts as published when its step from the year before is
    years = sorted(set(steps) | {y - 1 for y in steps})
    first, last = _window(years, rule, what)
    missing = [y for y in range(first + 1, last + 1) if y not in steps]
    if missing:
        raise EvidenceError(f"{what}: no deflator for {', '.join(map(str, missing))} (current-price GDP with "
                            "constant-price GDP or real growth are needed for the year and the year before)")
    chained = float(np.prod([steps[y] for y in range(first + 1, last + 1)]))
    value = float(100 * (chained ** (1 / (last - first)) - 1))
    used = {key for y in range(first + 1, last + 1) for key in read[y]}
    keep = [(v, b, int(p)) in used for v, b, p in zip(rows["variable"], rows["price_basis"], rows["period"])]
    by_year = pd.Series({y: 100 * (steps[y] - 1) for y in range(first + 1, last + 1)}, dtype=float)
    return Evidence(value, first, last, _evidence_table(rows[keep]), by_year)


def compute(rule: Rule, selected: pd.DataFrame, others: dict[str, Evidence] | None = None) -> Evidence:
    """Compute one rule from the as-of selection.

    Parameters
    ----------
    rule
        The rule.
    selected
        The observations as of the vintage's date (:func:`grdp.sources.as_of`).
    others
        Evidence already computed for the scenario's other components (``same_as``).

    Returns
    -------
    Evidence
        For ``deflator``, ``levels`` holds the deflator's growth by year of the window (percent).

    Raises
    ------
    EvidenceError
        If the window has no published figures at that date (the message names the series and the years that
        are published).
    """
    empty = pd.DataFrame(columns=EVIDENCE_COLUMNS)
    if rule.kind == WITH_GRDP:
        return Evidence(0.0, None, None, empty)
    if rule.kind == SAME_AS:
        if not others or rule.component not in others:
            raise EvidenceError(f"same_as {rule.component!r}: that component has no evidence in the scenario")
        return others[str(rule.component)]
    if rule.kind == DEFLATOR:
        return _deflator(rule, selected)
    what = rule.describe()
    parts = [_figures(selected, ref) for ref in rule.series]
    by_year = [part.set_index(part["period"].astype(int))["value"] for part in parts]
    common = sorted(set.intersection(*(set(p.index) for p in by_year))) if by_year else []
    first, last = _window(common, rule, what)
    if rule.kind == LEVEL:
        common = [y for y in common if y >= PATH_FROM]
        levels = sum(p.loc[common] for p in by_year).rename("grdp")
        used = [part[part["period"].astype(int).isin(common)] for part in parts]
        value = _growth(float(levels[first]), float(levels[last]), last - first)
        return Evidence(value, first, last, pd.concat(used, ignore_index=True), levels.astype(float))
    series = by_year[0]
    used = parts[0][parts[0]["period"].astype(int).isin([first, last])]
    return Evidence(_growth(float(series[first]), float(series[last]), last - first), first, last,
                    used.reset_index(drop=True))


# --------------------------------------------------------------------------------------------
# The GRDP path


STEP_COLUMNS = ["growth", "real_growth", "deflator", "basis"]
"""Columns of a path's projected years (:attr:`GrdpPath.steps`), indexed by year."""
PATH_COLUMNS = ["year", "grdp", "growth", "status", "real_growth", "deflator", "basis"]
"""Columns of :meth:`GrdpPath.table`."""


@dataclass(frozen=True)
class GrdpPath:
    """One boundary's nominal GRDP: the accounts' GRDP up to the anchor year, then growth by year (module docstring).

    ``P(t) = L[t]`` for a year up to the anchor year ``A`` (blank where the accounts have no such year) and
    ``P(t) = L[A] prod_{u=A+1..t} (1 + g(u)/100)`` after it, ``g(u)`` the nominal growth of year ``u``: the
    ``steps`` for the years they cover, :attr:`growth` for every other year. Every bn VND figure and every
    nominal growth of the target assessment reads this one path.

    Attributes
    ----------
    levels
        GRDP by year up to the anchor year, bn VND.
    growth
        Nominal growth of every projected year the steps do not cover (percent): the ``otherwise`` pace.
    anchor_year
        The latest year of ``levels`` (the accounts' latest ended year).
    steps
        Indexed by year after the anchor: ``growth`` (nominal, percent), ``real_growth`` (the target, percent;
        blank in a year grown at the ``otherwise`` pace), ``deflator`` (percent), ``basis`` (where it came from).
    level_status, level_basis
        Per year of ``levels``: the accounts' quality (``published``, ``derived``, ``imputed``) and where it came
        from.
    growth_basis
        Where :attr:`growth` came from.
    """

    levels: pd.Series
    growth: float
    anchor_year: int
    steps: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=STEP_COLUMNS), repr=False)
    level_status: dict[int, str] = field(default_factory=dict, repr=False)
    level_basis: dict[int, str] = field(default_factory=dict, repr=False)
    growth_basis: str = ""

    def growth_in(self, year: int) -> float:
        """Nominal growth of a projected year (after the anchor), percent."""
        if year <= self.anchor_year:
            raise ValueError(f"{year} is not after the anchor year {self.anchor_year}")
        return float(self.steps.at[year, "growth"]) if year in self.steps.index else float(self.growth)

    def level(self, year: int) -> float:
        """GRDP in ``year``, bn VND (``nan`` for a year up to the anchor that the accounts do not have)."""
        if year <= self.anchor_year:
            return float(self.levels[year]) if year in self.levels.index else float("nan")
        factor = np.prod([1 + self.growth_in(y) / 100 for y in range(self.anchor_year + 1, year + 1)])
        return float(self.levels[self.anchor_year] * factor)

    def average_growth(self, start: int, end: int) -> float:
        """Average annual growth of the path (percent): ``(P(end) / P(start))^(1/(end - start)) - 1``."""
        if end <= start:
            raise ValueError(f"the end year {end} must be after the start year {start}")
        return _growth(self.level(start), self.level(end), end - start)

    @property
    def last_step(self) -> int:
        """The last year the steps cover (the anchor year when they cover none)."""
        return int(max(self.steps.index)) if len(self.steps) else self.anchor_year

    def table(self, years: range) -> pd.DataFrame:
        """:data:`PATH_COLUMNS`: ``year, grdp, growth`` (percent on the year before), ``status`` (the accounts'
        quality, or ``projected``), ``real_growth, deflator`` (percent, projected years grown by a target) and
        ``basis`` (where the year's level or growth came from)."""
        rows = []
        for year in years:
            growth = 100 * (self.level(year) / self.level(year - 1) - 1)
            row: dict[str, object] = {"year": year, "grdp": self.level(year), "growth": growth, "real_growth": np.nan,
                                      "deflator": np.nan}
            if year <= self.anchor_year:
                row |= {"status": self.level_status.get(year, "published" if year in self.levels.index else ""),
                        "basis": self.level_basis.get(year, "" if year in self.levels.index else
                                                      "no GRDP in the accounts for this year")}
            elif year in self.steps.index:
                step = self.steps.loc[year]
                row |= {"status": "projected", "real_growth": step["real_growth"], "deflator": step["deflator"],
                        "basis": step["basis"]}
            else:
                row |= {"status": "projected", "basis": self.growth_basis}
            rows.append(row)
        return pd.DataFrame(rows, columns=PATH_COLUMNS)


def growth_targets(selected: pd.DataFrame, refs: tuple[SeriesRef, ...]) -> pd.DataFrame:
    """The real growth targets of ``refs`` in the as-of selection (those in force at its date).

    Returns
    -------
    pandas.DataFrame
        One row per target (the lower end of a range): the selection's columns, ``rank`` (the position of its
        series in ``refs``), ``first, last`` (the years it covers) and ``upper`` (the upper end of a range of the
        same release, else blank).
    """
    rows = _rows(selected, refs, (TARGET_VARIABLE, TARGET_UPPER), ("constant_2010", "none"), ("A", "AVG"))
    rank = {(r.source_id, r.region, r.boundary): i for i, r in enumerate(refs)}
    rows = rows.assign(rank=[rank[k] for k in zip(rows["source_id"], rows["region"], rows["boundary"])],
                       first=[int(p[:4]) for p in rows["period"]], last=[int(p[-4:]) for p in rows["period"]])
    lower, upper = rows[rows["variable"] == TARGET_VARIABLE], rows[rows["variable"] == TARGET_UPPER]
    same = ["source_id", "region", "boundary", "period", "frequency", "url", "release_date"]
    ends = upper[same + ["value"]].rename(columns={"value": "upper"})
    return lower.merge(ends, on=same, how="left").reset_index(drop=True)


def _target_for(targets: pd.DataFrame, year: int) -> pd.Series | None:
    """The target of ``year``: the first series covering it, a target of the year before an average one, then the
    latest decision."""
    covering = targets[(targets["first"] <= year) & (targets["last"] >= year)]
    if covering.empty:
        return None
    ranked = covering.assign(_annual=covering["frequency"] != "A").sort_values(
        ["rank", "_annual", "release_date", "url"], ascending=[True, True, False, True])
    return ranked.iloc[0]


def _target_words(target: pd.Series) -> str:
    span = target["period"] if target["frequency"] == "A" else f"a year on average in {target['period']}"
    upper = f" (range to {target['upper']:g}%)" if pd.notna(target["upper"]) else ""
    return (f"{without_outlet(str(target['publisher']))}, decided {target['release_date'].date().isoformat()}: "
            f"{target['value']:g}%{upper} {span}, a target, not an outcome")


def _accounts_basis(row: pd.Series, anchor: bool) -> str:
    text = f"accounts ({row['quality']}): {row['method']}"
    if not anchor:
        return text
    estimate = "; partly a model estimate, the path starts from its point value" if row["quality"] == "imputed" \
        else ""
    return f"anchor, the accounts' GRDP of the latest ended year{estimate}; {text}"


def grdp_path(rule: GrdpRule, selected: pd.DataFrame, accounts: pd.DataFrame, first_open: int,
              as_of: str | None = None) -> tuple[GrdpPath, dict[str, Evidence]]:
    """A boundary's GRDP path from its accounts and the releases of the as-of date (module docstring).

    Parameters
    ----------
    rule
        The scenario's ``grdp_growth`` rule.
    selected
        The observations as of the vintage's date (:func:`grdp.sources.as_of`).
    accounts
        The boundary's GRDP in its sector accounts: :data:`ACCOUNTS_COLUMNS`, one row per year.
    first_open
        The first year that has not ended at the as-of date: the anchor is the accounts' latest year before it.
    as_of
        The as-of date (for the words of a year without a target).

    Returns
    -------
    (GrdpPath, dict of str to Evidence)
        The path and what it was computed from: ``grdp_growth`` (the path's average nominal growth from the anchor
        year to the last year a target covers, or its ``otherwise`` pace when none does), and for a
        ``growth_targets`` rule ``grdp_growth.target.<period>`` (each target used, with the years it was applied
        to), ``grdp_growth.deflator`` and ``grdp_growth.otherwise``.

    Raises
    ------
    EvidenceError
        If the accounts have no year before ``first_open``, or a rule has no published figures for its window.
    """
    ended = accounts[accounts["year"] < first_open].sort_values("year")
    if ended.empty:
        raise EvidenceError(f"no GRDP in the accounts before {first_open}, the first year that has not ended")
    anchor = int(ended["year"].iloc[-1])
    levels = pd.Series(ended["value"].astype(float).to_numpy(), index=ended["year"].astype(int).to_numpy())
    status = {int(r["year"]): str(r["quality"]) for _, r in ended.iterrows()}
    basis = {int(r["year"]): _accounts_basis(r, int(r["year"]) == anchor) for _, r in ended.iterrows()}
    otherwise = compute(rule.otherwise, selected)
    pace = (f"nominal growth of published current-price GRDP {otherwise.from_year}-{otherwise.to_year} "
            f"({otherwise.value:.2f}% a year)")
    found: dict[str, Evidence] = {}
    if rule.kind == LEVEL:
        path = GrdpPath(levels, otherwise.value, anchor, level_status=status, level_basis=basis,
                        growth_basis=f"{pace}: the rule of every projected year")
        found["grdp_growth"] = otherwise
        return path, found
    deflator = compute(rule.deflator, selected) if rule.deflator is not None else Evidence(
        0.0, None, None, pd.DataFrame(columns=EVIDENCE_COLUMNS))
    targets = growth_targets(selected, rule.targets)
    last = max([anchor, *(int(y) for y in targets["last"])])
    when = f" at {as_of}" if as_of else ""
    steps: dict[int, dict[str, object]] = {}
    used: dict[tuple[str, str, str, str], tuple[pd.Series, list[int]]] = {}
    deflator_words = (f"GDP deflator {deflator.value:.2f}% a year (its average growth from {deflator.from_year} to "
                      f"{deflator.to_year})")
    for year in range(anchor + 1, last + 1):
        target = _target_for(targets, year)
        if target is None:
            steps[year] = {"growth": otherwise.value, "real_growth": np.nan, "deflator": np.nan,
                           "basis": f"no growth target in force for {year}{when}: {pace}"}
            continue
        real = float(target["value"])
        steps[year] = {"growth": 100 * ((1 + real / 100) * (1 + deflator.value / 100) - 1), "real_growth": real,
                       "deflator": deflator.value,
                       "basis": f"real growth target {real:g}% ({_target_words(target)}) x {deflator_words}"}
        used.setdefault((target["source_id"], target["region"], target["boundary"], target["period"]),
                        (target, []))[1].append(year)
    after = f"no growth target in force after {last}{when}: {pace}"
    path = GrdpPath(levels, otherwise.value, anchor, pd.DataFrame.from_dict(steps, orient="index",
                                                                           columns=STEP_COLUMNS),
                    status, basis, after)
    for (_, region, boundary, period), (target, years) in used.items():
        figures = selected[(selected["source_id"] == target["source_id"]) & (selected["region"] == region)
                           & (selected["boundary"] == boundary) & (selected["period"] == period)
                           & (selected["url"] == target["url"]) & (selected["industry"] == "TOTAL")
                           & selected["variable"].isin([TARGET_VARIABLE, TARGET_UPPER])]
        found[f"grdp_growth.target.{region}.{period}"] = Evidence(float(target["value"]), min(years), max(years),
                                                                  _evidence_table(figures))
    if rule.deflator is not None:
        found["grdp_growth.deflator"] = deflator
    found["grdp_growth.otherwise"] = otherwise
    end = path.last_step if path.last_step > anchor else anchor + 1
    latest = max((e.latest_release for e in found.values() if e.latest_release is not None), default=None)
    found = {"grdp_growth": Evidence(path.average_growth(anchor, end), anchor, end,
                                     pd.DataFrame(columns=EVIDENCE_COLUMNS), latest=latest)} | found
    return path, found
