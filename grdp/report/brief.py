"""The policy brief: a first page that a city leader can read alone, then the detail.

The first page follows the statistical offices' bulletins (the ONS "Main points": a few bullets, one per
question, each figure with its status) and a central bank's fan-chart report (one chart of the outlook
against the target). It is built in three layers, so that it can be re-wired to new tables in one place:

1. **Records** (:class:`Share`, :class:`TargetStatus`, :class:`FirstPage`): plain values, no table. A
   :class:`Share` is one figure of the share on one definition with its status (``published``,
   ``estimate`` or ``projection``), interval, publisher and release; a :class:`TargetStatus` is one
   target in force with where the city stands on the definition the target is tracked on, what the
   statistics office's definition says, and what reaching it would take against what was achieved.
2. **Sentences and the chart** (:func:`share_phrase`, :func:`main_point`, :func:`main_points`,
   :func:`first_page_chart`): words from ``grdp/data/labels.yaml`` (kind ``brief``), numbers from
   :mod:`grdp.report.formatting`; they take records only.
3. **The adapter** :func:`first_page`: the only function that reads the vintage's tables for the first
   page (today ``targets_headline``, ``targets_measured``, ``forecast_history``, ``forecast_published``,
   ``forecast_bands``); re-wiring the brief to new assessment tables means rewriting it alone.

The detail after the first page reads the vintage's tables directly: ``targets_headline`` (per boundary,
method and target year, the baseline ensemble forecast, its interval, the probability of reaching the
target, the last estimated share and the required growth ``x* = (s*/s_T)^(1/h) - 1`` in excess of GRDP
growth; methods note §4.2, :mod:`grdp.targets`), ``forecast_*`` and ``targets`` for the fan charts and
the history by institution, and :func:`grdp.revisions.changes_since_previous` for what changed. Nothing
is re-estimated; the Vietnamese brief writes ``15,0%`` and ``1.479.227``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd
from matplotlib.figure import Figure

from grdp import plots
from grdp.labels import label
from grdp.report import formatting as fmt
from grdp.report.vintage_tables import VintageTables

INSTITUTIONS = ("gso", "mic", "hids")
"""The three institutions whose published definitions the brief leads with."""

BOUNDARY = "old"
"""The boundary of the headline (the targets were set for the pre-merger city)."""

SCENARIO = "baseline"
"""The scenario of the headline (trend); the others are in the technical report."""

TRACKED = "mic"
"""The definition the city's targets are tracked on, for :func:`first_page` on today's tables: the notes of
``sources/policy_targets`` say the targets "were tracked against MIC-style figures, not the GSO method"."""

OFFICIAL = "gso"
"""The statistics office's definition (GSO and the HCMC Statistics Office)."""

ACHIEVED_YEARS = 4
"""Span in years of the achieved growth :func:`first_page` sets against the growth a target requires."""

STATUSES = ("published", "estimate", "projection")
"""What a :class:`Share` can be: a figure an institution published, grdp's estimate of a past year, or
grdp's projection of a future one."""

SHARE_DECIMALS = 1
GROWTH_DECIMALS = 1


@dataclass(frozen=True)
class Share:
    """One figure of the digital economy's share of GRDP on one definition.

    Attributes
    ----------
    definition
        Method id of the definition (``gso``, ``mic``, ...).
    year
        The year the share is of.
    value
        The share, percent of GRDP.
    status
        One of :data:`STATUSES`.
    lower, upper, level
        The interval (percent) and its level (percent, e.g. 80); ``None`` for a published figure.
    publisher, release, rating
        Who published it, when (ISO date, month or year) and its quality rating; ``None`` for grdp's own.
    """

    definition: str
    year: int
    value: float
    status: str
    lower: float | None = None
    upper: float | None = None
    level: int | None = None
    publisher: str | None = None
    release: str | None = None
    rating: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"share status {self.status!r} is not one of {STATUSES}")


@dataclass(frozen=True)
class TargetStatus:
    """One target in force and where the city stands against it.

    Attributes
    ----------
    target_year, target
        The target: a share of ``target`` percent of GRDP in ``target_year``.
    definition
        Method id of the definition the target is tracked on.
    standing
        Where the city stands on that definition: its latest published figure and grdp's latest estimate.
    projection
        grdp's projection of the target year on that definition (``None`` once the year is estimated).
    official_definition, official
        The statistics office's definition and its figures (latest published, latest estimate).
    required
        Growth of digital value added in excess of GRDP growth, percent a year, that reaching the target
        takes on the tracked definition (``(s*/s_T)^(1/h) - 1``); ``None`` or not positive when the
        estimate is already above it.
    required_from
        The year ``T`` of the estimate ``s_T`` that ``required`` starts from.
    achieved, achieved_years
        The same growth achieved (percent a year) over ``(first, last)`` years, or ``None``.
    official_required
        The growth reaching the target would take on the statistics office's definition, or ``None``.
    approximate
        The target is stated as "about" its value.
    probability
        Probability of reaching the target, given only where its calibration was checked out of time.
    """

    target_year: int
    target: float
    definition: str
    standing: tuple[Share, ...]
    projection: Share | None
    official_definition: str
    official: tuple[Share, ...]
    required: float | None
    required_from: int | None = None
    achieved: float | None = None
    achieved_years: tuple[int, int] | None = None
    official_required: float | None = None
    approximate: bool = False
    probability: float | None = None


@dataclass(frozen=True)
class FirstPage:
    """Everything the first page shows: the targets in force and the data of its one chart.

    Attributes
    ----------
    targets
        One :class:`TargetStatus` per target in force, in year order.
    history
        Estimates on the tracked definition: ``year, share, lower, upper``.
    bands
        Its forecast: ``year, median, lower_L, upper_L`` for each interval level ``L``, up to the last target.
    published
        Published figures on the tracked and the official definitions: ``year, value, method``.
    official
        Estimates on the official definition: ``year, share``.
    """

    targets: tuple[TargetStatus, ...]
    history: pd.DataFrame
    bands: pd.DataFrame
    published: pd.DataFrame
    official: pd.DataFrame


def _words(lang: str):
    return partial(label, "brief", lang=lang)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + _words(lang)("and") + items[-1]


def _method(method: str, lang: str) -> str:
    return label("method", method, lang, short=True)


# --- 2. Sentences and the chart, from records -------------------------------------------------------------

def share_phrase(share: Share, lang: str) -> str:
    """Return one figure in words: "MIC published 22.0% for 2024 (15 October 2025)", "grdp estimates 24.3%
    for 2024 (80% interval [22.6, 26.6])" or "grdp projects 27.1% for 2025 (80% interval [23.2, 30.0])".

    A published figure keeps its published decimals (:func:`~grdp.report.formatting.published`); an
    estimate or projection is rounded as its interval allows (:func:`~grdp.report.formatting.interval_decimals`).
    """
    words = _words(lang)
    if share.status == "published":
        key = "share_published_red" if share.rating == "red" else "share_published"
        return words(key).format(publisher=share.publisher or _method(share.definition, lang),
                                 value=fmt.published(share.value, lang), year=fmt.year(share.year),
                                 release=fmt.release_date(share.release, lang) if share.release else fmt.MISSING)
    places = fmt.interval_decimals(share.lower, share.upper) if share.lower is not None else SHARE_DECIMALS
    return words(f"share_{share.status}").format(
        value=fmt.percent(share.value, places, lang), year=fmt.year(share.year), level=share.level,
        interval=fmt.interval(share.lower, share.upper, places, lang))


def target_text(status: TargetStatus, lang: str) -> str:
    """Return the target's value as written in the brief (``25%``)."""
    return fmt.percent(status.target, 0, lang)


def standing_point(status: TargetStatus, lang: str) -> str:
    """Return the main point on where the city stands (Markdown): the latest published figure and grdp's
    latest estimate on the definition the target is tracked on, then on the statistics office's."""
    words = _words(lang)
    parts = [f"**{words('point_standing')}**"]
    if status.standing:
        parts.append(words("point_tracked").format(definition=_method(status.definition, lang),
                                                   items=_join([share_phrase(s, lang) for s in status.standing], lang)))
    if status.official:
        parts.append(words("point_official").format(definition=_method(status.official_definition, lang),
                                                    items=_join([share_phrase(s, lang) for s in status.official],
                                                                lang)))
    return " ".join(parts)


def required_sentence(status: TargetStatus, lang: str) -> str:
    """Return what reaching the target takes, against the growth achieved where it is known, and what it
    would take on the statistics office's definition."""
    words = _words(lang)
    base = fmt.year(status.required_from) if status.required_from is not None else fmt.MISSING
    if status.required is None or status.required <= 0:
        text = words("point_reached").format(base=base)
    else:
        achieved = ""
        if status.achieved is not None and status.achieved_years is not None:
            first, last = status.achieved_years
            achieved = words("point_achieved").format(achieved=fmt.percent(status.achieved, GROWTH_DECIMALS, lang),
                                                      first=fmt.year(first), last=fmt.year(last))
        text = words("point_required").format(required=fmt.percent(status.required, GROWTH_DECIMALS, lang),
                                              base=base, achieved=achieved)
    if status.official_required is not None:
        official = _method(status.official_definition, lang)
        text += (words("point_official_reached").format(definition=official) if status.official_required <= 0 else
                 words("point_official_required").format(
                     definition=official, required=fmt.percent(status.official_required, GROWTH_DECIMALS, lang)))
    return text + "."


def target_point(status: TargetStatus, lang: str) -> str:
    """Return the main point of one target (Markdown): the target in bold, grdp's projection of its year on
    the target's definition, what reaching it takes (:func:`required_sentence`) and the probability of
    reaching it where one is given."""
    words = _words(lang)
    lead = words("point_lead").format(year=fmt.year(status.target_year), target=target_text(status, lang),
                                      about=words("about") if status.approximate else "")
    parts = [f"**{lead}**"]
    if status.projection is not None:
        parts.append(words("point_projection").format(definition=_method(status.definition, lang),
                                                      items=share_phrase(status.projection, lang)))
    parts.append(required_sentence(status, lang))
    if status.probability is not None:
        parts.append(words("point_probability").format(probability=fmt.probability(status.probability, lang)))
    return " ".join(parts)


def main_points(page: FirstPage, lang: str) -> str:
    """Return the first page's main points: a Markdown list with where the city stands, then one item per
    target in force (where targets share a definition and standing, the standing is said once)."""
    lines, said = [], None
    for status in page.targets:
        standing = (status.definition, status.standing, status.official_definition, status.official)
        if standing != said:
            lines.append(f"- {standing_point(status, lang)}")
            said = standing
        lines.append(f"- {target_point(status, lang)}")
    return "\n".join(lines)


def first_page_chart(page: FirstPage, lang: str) -> Figure:
    """Return the first page's one chart: the share on the targets' definition (estimates, forecast fan,
    published figures) against the target path, with the statistics office's definition beside it.

    Drawn at the page's text width (:data:`grdp.plots.PAGE_WIDTH`), Okabe-Ito colours, every series also
    distinguished by line style or marker shape.
    """
    status = page.targets[0]
    targets = pd.DataFrame({"year": [t.target_year for t in page.targets], "value": [t.target for t in page.targets]})
    targets["label"] = [label("chart", "target_label", lang).format(value=fmt.number(v, 0, lang), year=fmt.year(y))
                        for v, y in zip(targets["value"], targets["year"])]
    published = page.published.assign(institution=[_method(m, lang) for m in page.published["method"]])
    official = page.official.assign(label=label("chart", "series", lang).format(
        series=_method(status.official_definition, lang), what=label("chart", "grdp_estimate", lang)),
        method=status.official_definition)
    return plots.fan_chart(page.history, page.bands, targets, published, lang=lang, comparison=official,
                           target_path=True, series=_method(status.definition, lang),
                           figsize=(plots.PAGE_WIDTH, 3.3))


# --- 3. The adapter: today's vintage tables -> records ------------------------------------------------------

def first_page(tables: VintageTables, boundary: str = BOUNDARY, scenario: str = SCENARIO,
               tracked: str = TRACKED, official: str = OFFICIAL) -> FirstPage:
    """Return the first page's records read from a vintage's tables (the one function to re-wire).

    Today's tables give: the targets in force as the target years of ``targets_headline`` (boundary,
    scenario, the tracked definition); the latest published figure of each definition from
    ``forecast_published`` (the release the vintage uses); the latest estimate and its interval from
    ``forecast_history`` (at the level of ``targets_measured.level``); the projection of the target year
    (ensemble median and interval at ``targets_assessment.level``) and the required excess growth from
    ``targets_headline``; the achieved excess growth as the mean growth of the estimated share over the
    last :data:`ACHIEVED_YEARS` years, ``(s_T / s_{T-k})^(1/k) - 1`` (the same quantity the required growth
    is). Today's probabilities come from the model ensemble, whose calibration is not checked out of time,
    so the first page gives none.

    Raises
    ------
    ValueError
        If the tables have no target for the boundary, scenario and definition.
    """
    level = interval_level(tables)
    head = outlook(tables, boundary, scenario, methods=(tracked,))
    history = tables.table("forecast_history")
    history = history[history["boundary"] == boundary]
    published = tables.table("forecast_published")
    published = published[(published["boundary"] == boundary) & published["method"].isin([tracked, official])]
    measured = tables.table("targets_measured")["level"].unique()
    estimate_level = round(100 * float(measured[0])) if len(measured) == 1 else None

    def latest(method: str) -> list[Share]:
        out = []
        pub = published[published["method"] == method].sort_values(["year", "release"])
        if len(pub):
            r = pub.iloc[-1]
            out.append(Share(method, int(r["year"]), float(r["value"]), "published", publisher=_publisher(r),
                             release=str(r["release"]), rating=str(r["rating"])))
        est = history[history["method"] == method].sort_values("year")
        if len(est):
            r = est.iloc[-1]
            out.append(Share(method, int(r["year"]), float(r["share"]), "estimate", float(r["lower"]),
                             float(r["upper"]), estimate_level))
        return out

    own = history[history["method"] == tracked].sort_values("year").set_index("year")["share"]
    achieved, span = None, None
    if len(own) > ACHIEVED_YEARS:
        last = int(own.index[-1])
        first = last - ACHIEVED_YEARS
        if first in own.index:
            achieved = 100 * ((own[last] / own[first]) ** (1 / ACHIEVED_YEARS) - 1)
            span = (first, last)
    rival = outlook(tables, boundary, scenario, methods=(official,)).set_index("target_year")["required_excess_growth"]
    statuses = []
    for r in head.itertuples():
        projection = Share(tracked, int(r.target_year), float(r.median), "projection", float(r.lower),
                           float(r.upper), level) if r.target_year > r.last_year else None
        statuses.append(TargetStatus(
            int(r.target_year), float(r.target), tracked, tuple(latest(tracked)), projection, official,
            tuple(latest(official)), float(r.required_excess_growth), int(r.last_year), achieved, span,
            float(rival[r.target_year]) if r.target_year in rival.index else None))
    bands = tables.table("forecast_bands")
    bands = bands[(bands["boundary"] == boundary) & (bands["method"] == tracked) & (bands["scenario"] == scenario)
                  & (bands["model"] == "ensemble") & (bands["year"] <= max(s.target_year for s in statuses))]
    return FirstPage(tuple(sorted(statuses, key=lambda s: s.target_year)),
                     history[history["method"] == tracked][["year", "share", "lower", "upper"]],
                     bands.drop(columns=["boundary", "method", "scenario", "model"]),
                     published[["year", "value", "method"]],
                     history[history["method"] == official][["year", "share"]])


def _publisher(row: pd.Series) -> str | None:
    """The publisher of a published figure: ``None`` when it is the institution whose definition it is (the
    sentence then names it in the reader's language), else the ``institution`` of ``forecast_published``."""
    institution = str(row["institution"])
    return None if institution.lower() == str(row["method"]).lower() else institution


# --- The detail: tables read directly -------------------------------------------------------------------

def outlook(tables: VintageTables, boundary: str = BOUNDARY, scenario: str | None = SCENARIO,
            methods: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Return the headline rows of ``targets_headline`` for one boundary, in method order.

    Parameters
    ----------
    tables
        The vintage.
    boundary
        ``old`` or ``merged``.
    scenario
        Scenario id; ``None`` keeps the boundary's only scenario (``merged-baseline`` for merged).
    methods
        Methods to keep, in this order (default: every method in the table's order).

    Returns
    -------
    pandas.DataFrame
        The ``targets_headline`` columns, one row per method and target year.

    Raises
    ------
    ValueError
        If no row matches, naming the boundary and scenario.
    """
    head = tables.table("targets_headline")
    rows = head[head["boundary"] == boundary]
    if scenario is not None:
        rows = rows[rows["scenario"] == scenario]
    if methods is not None:
        rows = rows[rows["method"].isin(methods)]
        rows = rows.assign(_order=rows["method"].map({m: k for k, m in enumerate(methods)})).sort_values(
            ["_order", "target_year"]).drop(columns="_order")
    if rows.empty:
        raise ValueError(f"targets_headline of vintage {tables.vintage} has no row for boundary {boundary!r} "
                         f"and scenario {scenario!r}")
    return rows.reset_index(drop=True)


def interval_level(tables: VintageTables) -> int:
    """Return the level of the reported forecast intervals in percent (``targets_assessment.level``, e.g. 80)."""
    levels = tables.table("targets_assessment")["level"].unique()
    if len(levels) != 1:
        raise ValueError(f"targets_assessment of vintage {tables.vintage} mixes interval levels {sorted(levels)}")
    return round(100 * float(levels[0]))


def vintage_line(tables: VintageTables, lang: str) -> str:
    """Return the sentence naming the vintage and its release-date cut-off."""
    return _words(lang)("vintage_line").format(vintage=tables.vintage, as_of=fmt.long_date(tables.as_of, lang))


def outlook_table(tables: VintageTables, lang: str, target_year: int, boundary: str = BOUNDARY,
                  scenario: str | None = SCENARIO, methods: tuple[str, ...] = INSTITUTIONS) -> str:
    """Return a Markdown table for one target year: per method, the last estimate, the forecast with its
    interval, the probability of reaching the target and the growth it requires (in excess of GRDP, and
    nominal growth of digital value added), all from ``targets_headline``.

    Shares and intervals are rounded as the interval allows, probabilities in whole percent (``< 1%``).

    Raises
    ------
    ValueError
        If ``targets_headline`` has no row for the target year (naming it).
    """
    column = partial(label, "column", lang=lang)
    level = interval_level(tables)
    rows = outlook(tables, boundary, scenario, methods)
    rows = rows[rows["target_year"] == target_year]
    if rows.empty:
        raise ValueError(f"targets_headline of vintage {tables.vintage} has no {boundary}/{scenario} row for "
                         f"target year {target_year}")
    out = [{column("method"): label("method", r.method, lang),
            column("last").format(year=fmt.year(r.last_year)): fmt.percent(r.last_share, SHARE_DECIMALS, lang),
            column("forecast").format(year=fmt.year(r.target_year), level=level):
                fmt.share_with_interval(r.median, r.lower, r.upper, lang),
            column("probability").format(target=fmt.percent(r.target, 0, lang)): fmt.probability(r.probability, lang),
            column("required"): fmt.number(r.required_excess_growth, GROWTH_DECIMALS, lang),
            column("required_nominal"): fmt.number(r.required_digital_growth, GROWTH_DECIMALS, lang)}
           for r in rows.itertuples()]
    return fmt.markdown_table(pd.DataFrame(out))


def outlook_caption(tables: VintageTables, lang: str, target_year: int, boundary: str = BOUNDARY,
                    scenario: str | None = SCENARIO) -> str:
    """Return the caption of :func:`outlook_table` naming the target (value read from ``targets_headline``)."""
    rows = outlook(tables, boundary, scenario)
    target = rows.loc[rows["target_year"] == target_year, "target"].iloc[0]
    return label("brief", "outlook_caption", lang).format(target=fmt.percent(target, 0, lang),
                                                          year=fmt.year(target_year),
                                                          boundary=label("boundary", boundary, lang))


def target_years(tables: VintageTables, boundary: str = BOUNDARY, scenario: str | None = SCENARIO) -> list[int]:
    """Return the target years of ``targets_headline`` for a boundary and scenario, in order."""
    return sorted(int(y) for y in outlook(tables, boundary, scenario)["target_year"].unique())


def history_table(tables: VintageTables, lang: str, boundary: str = BOUNDARY) -> str:
    """Return a Markdown table by year: each institution's published share next to our re-estimate by its method.

    Published figures are the releases the vintage uses (``forecast_published``: the latest release on or
    before the vintage's cut-off, best-rated first), with their published decimals; re-estimates are
    ``forecast_history``, to two decimals so that they can be compared with the published figures.
    """
    column = partial(label, "column", lang=lang)
    history = tables.table("forecast_history")
    history = history[(history["boundary"] == boundary) & history["method"].isin(INSTITUTIONS)]
    published = tables.table("forecast_published")
    published = published[(published["boundary"] == boundary) & published["method"].isin(INSTITUTIONS)]
    years = sorted(set(history["year"]) | set(published["year"]))
    out = pd.DataFrame({column("year"): [fmt.year(y) for y in years]})
    for method in INSTITUTIONS:
        name = _method(method, lang)
        pub = published[published["method"] == method].set_index("year")["value"]
        est = history[history["method"] == method].set_index("year")["share"]
        out[column("published").format(institution=name)] = [fmt.published(pub.get(y), lang) for y in years]
        out[column("estimated").format(institution=name)] = [fmt.percent(est.get(y), 2, lang) for y in years]
    return fmt.markdown_table(out)


def fan_figure(tables: VintageTables, lang: str, boundary: str = BOUNDARY, scenario: str = SCENARIO,
               methods: tuple[str, ...] = INSTITUTIONS, model: str = "ensemble") -> Figure:
    """Return the fan charts (one panel per method) drawn from ``forecast_history``, ``forecast_bands``,
    ``forecast_published`` and the targets of ``targets_headline``, with words in ``lang``.

    The forecast is drawn up to the last target year. Colours are the Okabe-Ito palette (safe for
    colour-blind readers) and every series also differs by line style or marker, so the chart reads in black
    and white.
    """
    history = tables.table("forecast_history")
    bands = tables.table("forecast_bands")
    published = tables.table("forecast_published")
    head = outlook(tables, boundary, scenario).drop_duplicates("target_year")
    template = label("chart", "target_label", lang)
    targets = pd.DataFrame({"year": head["target_year"], "value": head["target"], "label": [
        template.format(value=fmt.number(v, 0, lang), year=fmt.year(y)) for v, y in zip(head["target"],
                                                                                        head["target_year"])]})
    panels = []
    for method in methods:
        band = bands[(bands["boundary"] == boundary) & (bands["method"] == method) & (bands["scenario"] == scenario)
                     & (bands["model"] == model) & (bands["year"] <= targets["year"].max())]
        past = history[(history["boundary"] == boundary) & (history["method"] == method)]
        pub = published[(published["boundary"] == boundary) & (published["method"] == method)]
        panels.append({"history": past[["year", "share", "lower", "upper"]], "bands": band,
                       "targets": targets[["year", "value", "label"]],
                       "published": pub[["year", "value", "institution", "method"]].assign(
                           institution=[_method(m, lang) for m in pub["method"]]),
                       "title": _method(method, lang), "lang": lang})
    return plots.fan_charts(panels, ncols=min(3, len(panels)))


def changes(tables: VintageTables, lang: str) -> tuple[str, str]:
    """Return a sentence and a Markdown table of what changed since the previous vintage.

    The table lists GRDP (bn VND, with the revision in percent), each institution's share and the target-year
    forecasts and probabilities (baseline, old boundary) whose value changed, with the revision in
    percentage points (probability points for probabilities). The table is empty (``""``) for the first
    vintage or when nothing changed.
    """
    from grdp.revisions import changes_since_previous, compared_vintages

    words, column = _words(lang), partial(label, "column", lang=lang)
    table = changes_since_previous(tables.vintage)
    if table.empty:
        return words("first_vintage"), ""
    previous = compared_vintages(tables.vintage)[-2]
    both = table[table["releases"] > 1]
    revised = both[both["revision"].abs() > 1e-9]
    new = table[table["releases"] == 1]
    new = new[new["latest_vintage"] == tables.vintage]
    if revised.empty:
        return words("no_revisions").format(previous=previous), ""
    sentence = words("changes").format(previous=previous, revised=len(revised), new=len(new))
    keep = revised[(revised["boundary"] == BOUNDARY)
                   & (revised["quantity"].eq("grdp") | revised["method"].isin(INSTITUTIONS))
                   & (revised["scenario"].fillna("").isin(["", SCENARIO]))]
    rows = []
    for r in keep.itertuples():
        if r.quantity == "probability":
            first, latest = fmt.probability(r.first_value, lang), fmt.probability(r.latest_value, lang)
            revision = fmt.number(100 * r.revision, 0, lang)
        else:
            decimals = 0 if r.quantity == "grdp" else 2
            shown = fmt.number if r.quantity == "grdp" else fmt.percent
            first, latest = shown(r.first_value, decimals, lang), shown(r.latest_value, decimals, lang)
            revision = fmt.number(r.revision, decimals, lang)
        if r.quantity == "grdp":
            revision += f" ({fmt.percent(r.revision_pct, 2, lang)})"
        what = label("quantity", r.quantity, lang) + ("" if r.quantity == "grdp" else f", {_method(r.method, lang)}")
        rows.append({column("quantity"): what, column("year"): fmt.year(r.year),
                     column("previous").format(vintage=r.first_vintage): first,
                     column("previous").format(vintage=r.latest_vintage): latest,
                     column("revision"): revision})
    return sentence, fmt.markdown_table(pd.DataFrame(rows)) if rows else ""
