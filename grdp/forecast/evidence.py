"""Scenario evidence computed from the releases a vintage may use, never typed into a file.

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
    latest year all parts are published (or ``to_year``). The last level ``L[T]`` anchors the scenario's GRDP
    path (:class:`GrdpPath`), which keeps the published levels from :data:`PATH_FROM` on.
``share_growth``
    Growth of a published share relative to GRDP (the growth of the component's value added in excess of
    nominal GRDP growth): ``e = (s[T] / s[B])^(1/(T-B)) - 1``, ``T`` the latest published year (or
    ``to_year``), ``B`` = ``from_year`` or ``T - span`` (``span: 1`` is the latest year-on-year change).
``same_as``
    The value of another component of the same scenario.
``with_grdp``
    No excess growth: the component's value added grows with GRDP, ``e = 0`` (a definition, not a figure).

For one figure the as-of selection keeps one release (the sources' as-of rule); if two releases of the same
date and rating remain, the one with an exact date and then the alphabetically first URL is used, as in
:mod:`grdp.forecast.series`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

LEVEL, SHARE, SAME_AS, WITH_GRDP = "level_growth", "share_growth", "same_as", "with_grdp"
RULES = (LEVEL, SHARE, SAME_AS, WITH_GRDP)
"""The evidence rules a scenario may name."""
PATH_FROM = 2020
"""First year whose published GRDP level a path keeps (the first year the target assessment reads)."""
EVIDENCE_COLUMNS = ["source_id", "region", "boundary", "variable", "period", "value", "release_date", "publisher",
                    "rating", "url"]
"""Columns of the figures an evidence rule read (``release_date`` as an ISO date)."""


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
        The series read (several only for ``level_growth``, whose levels are summed).
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
        kind = "growth of current-price GRDP" if self.kind == LEVEL else "growth of the published share"
        return f"{kind} ({what}), {window}"


@dataclass(frozen=True)
class Evidence:
    """What a rule computed: the number (percent a year), its window and the figures it read."""

    value: float
    from_year: int | None
    to_year: int | None
    figures: pd.DataFrame = field(repr=False)
    levels: pd.Series | None = field(default=None, repr=False)
    """``level_growth`` only: the summed levels by year (bn VND), every year all parts are published."""

    @property
    def latest_release(self) -> pd.Timestamp | None:
        """The latest release date among the figures read (``None`` when none was read)."""
        if self.figures.empty:
            return None
        return pd.Timestamp(max(self.figures["release_date"]))


class EvidenceError(ValueError):
    """Raised when a rule cannot be computed from the releases available at the vintage's as-of date."""


def _figures(selected: pd.DataFrame, ref: SeriesRef) -> pd.DataFrame:
    """The annual, whole-economy, current-price figures of one series in the as-of selection, one per year."""
    rows = selected[(selected["source_id"] == ref.source_id) & (selected["region"] == ref.region)
                    & (selected["boundary"] == ref.boundary) & (selected["variable"] == ref.variable)
                    & (selected["frequency"] == "A") & (selected["industry"] == "TOTAL")
                    & (selected["price_basis"] == "current") & selected["period"].str.fullmatch(r"\d{4}")]
    rows = rows.sort_values(["period", "date_approx", "url"]).drop_duplicates("period")
    out = rows.assign(release_date=rows["release_date"].dt.strftime("%Y-%m-%d"))
    return out[EVIDENCE_COLUMNS].reset_index(drop=True)


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


@dataclass(frozen=True)
class GrdpPath:
    """One scenario's nominal GRDP: the published levels, then the scenario's growth from the last of them.

    ``P(t) = L[t]`` for a year with a published level up to the anchor year ``T`` and
    ``P(t) = L[T] (1 + g/100)^(t - T)`` after it (for a year before ``T`` without a published level, the path
    is compounded back from the next published one). Every bn VND figure and every nominal growth of the
    target assessment reads this one path.
    """

    levels: pd.Series
    growth: float
    anchor_year: int

    def level(self, year: int) -> float:
        """GRDP in ``year``, bn VND."""
        if year in self.levels.index and year <= self.anchor_year:
            return float(self.levels[year])
        if year > self.anchor_year:
            return float(self.levels[self.anchor_year] * (1 + self.growth / 100) ** (year - self.anchor_year))
        later = min(y for y in self.levels.index if y > year)
        return float(self.levels[later] / (1 + self.growth / 100) ** (later - year))

    def average_growth(self, start: int, end: int) -> float:
        """Average annual growth of the path (percent): ``(P(end) / P(start))^(1/(end - start)) - 1``."""
        if end <= start:
            raise ValueError(f"the end year {end} must be after the start year {start}")
        return _growth(self.level(start), self.level(end), end - start)

    def table(self, years: range) -> pd.DataFrame:
        """``year, grdp, growth`` (percent on the year before) and ``status`` (``published`` or ``projected``)."""
        rows = []
        for year in years:
            status = "published" if year in self.levels.index and year <= self.anchor_year else "projected"
            before = self.level(year - 1)
            rows.append({"year": year, "grdp": self.level(year), "growth": 100 * (self.level(year) / before - 1),
                         "status": status})
        return pd.DataFrame(rows)


def grdp_path(evidence: Evidence) -> GrdpPath:
    """The GRDP path of a ``level_growth`` evidence (anchored at the last year of its window)."""
    if evidence.levels is None or evidence.to_year is None:
        raise ValueError("a GRDP path needs level_growth evidence")
    levels = evidence.levels[evidence.levels.index <= evidence.to_year]
    return GrdpPath(levels, evidence.value, int(evidence.to_year))

