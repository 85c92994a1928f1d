"""The policy brief: a first page that a city leader can read alone, then the detail.

The first page follows the statistical offices' bulletins (the ONS "Main points": a few bullets, one per
question, each figure with its status) and a central bank's fan-chart report (one chart of the outlook
against the target). Published figures come first; grdp's own figures say what they are. It is built in
three layers, so that it can be re-wired to new tables in one place:

1. **Records** (:class:`Share`, :class:`Decision`, :class:`Ended`, :class:`Outlook`, :class:`TargetStatus`,
   :class:`News`, :class:`FirstPage`): plain values, no table. A :class:`Share` is one figure of the share
   on one definition and boundary with its status (``published``, ``estimate`` or ``projection``), its
   interval, its publisher and release, or what it is bridged from; a :class:`TargetStatus` is one target in
   force (one year and value, the boundaries and decisions that set it) with, for an ended year, the figure
   and the verdict per boundary and definition (:class:`Ended`), and for an open year what reaching it takes
   against what was achieved, the range of the projections and the probability where one is published
   (:class:`Outlook`).
2. **Sentences and the charts** (:func:`share_phrase`, :func:`published_point`, :func:`estimates_point`,
   :func:`target_point`, :func:`main_points`, :func:`first_page_chart`): words from
   ``grdp/data/labels.yaml`` (kind ``brief``), numbers from :mod:`grdp.report.formatting`; they take records
   only.
3. **The adapter** :func:`first_page`: the only function that reads the vintage's tables for the first page
   (``digital_headline``, ``targets_headline``, ``targets``, ``forecast_bands``, ``forecast_calibration``,
   ``forecast_fits``, ``observations_as_of`` and the manifest); re-wiring the brief to new tables means
   rewriting it alone.

The detail after the first page (:func:`outlook_table`, :func:`history_table`, :func:`parts_table`,
:func:`fan_figure`, :func:`changes`) reads the same records or the vintage's tables directly. The targets are
assessed on the two definitions they were set and tracked on: MIC's, on which the city tracked them, and the
statistics office's (GSO), the official compiler; HIDS and the OECD tiers are alternative lenses shown in the
technical report only. Nothing is re-estimated; the Vietnamese brief writes ``15,0%`` and ``1.479.227``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from grdp.base import estimate_kinds as kinds
from grdp.base.labels import has_label, label
from grdp.base.method_names import OFFICIAL, TRACKED
from grdp.base.series_sets import EVIDENCE_SET, MIN_CALIBRATION_FORECASTS
from grdp.report import charts
from grdp.report import formatting as fmt
from grdp.report.vintage_tables import VintageTables
from grdp.run.revisions import changes_since_previous, compared_vintages
from grdp.sources import issuer, publisher_identity, without_outlet

HEADLINE = (TRACKED, OFFICIAL)
"""The definitions the targets are assessed on (:data:`grdp.base.method_names.HEADLINE_METHODS`), in the order the
brief names them: the one the city tracks its targets on first."""

CITY = "hcmc"
"""Region id of Ho Chi Minh City in the vintage's tables."""

BOUNDARIES = ("merged", "old")
"""The city's boundaries, in the order the brief names them: the merged city (since 1 July 2025), then the
former city."""

CHART_BOUNDARY = "merged"
"""The boundary of the first page's chart: the city as it is since 1 July 2025."""

STATUSES = ("published", "estimate", "projection")
"""What a :class:`Share` can be: a figure an institution published, grdp's estimate of a year that has ended,
or grdp's projection of one that has not."""


VERDICTS = ("reached", "not reached", "undetermined")
"""The verdicts on an ended target that the first page states in plain words ("too close to call" for
``undetermined``: the target lies within the figure's interval)."""

REASONS = ("start_estimate", "horizon", "disagree", "uncalibrated", "untested", "other")
"""Why no probability is published, in plain words (``labels.yaml``, kind ``brief``, ``reason_<key>``)."""

GROWTH_DECIMALS = 1
GAP_DECIMALS = 1
RANGE_DECIMALS = 1


@dataclass(frozen=True)
class Share:
    """One figure of the digital economy's share of GRDP on one definition and boundary.

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
    boundary
        ``old`` (the former city), ``merged`` or ``national`` (Viet Nam).
    lower, upper, level
        The interval (percent) and its level (percent, e.g. 90) of an estimate or projection; ``None`` for a
        published figure (whose release and rating say what it is).
    publisher, release, rating
        Who published it (the publisher's text as recorded, without the outlet), when (ISO date, month or
        year) and its quality rating; ``None`` for grdp's own.
    basis
        How a grdp estimate is obtained: its row's ``kind``, one of :data:`grdp.base.estimate_kinds.ESTIMATES`
        (words in ``labels.yaml``, kind ``basis``); ``None`` otherwise.
    bridged_from
        The first and last year of the published figures an estimate is bridged from (the same year twice
        for one figure); ``None`` where it is not bridged from the definition's own figures.
    """

    definition: str
    year: int
    value: float
    status: str
    boundary: str = "old"
    lower: float | None = None
    upper: float | None = None
    level: int | None = None
    publisher: str | None = None
    release: str | None = None
    rating: str | None = None
    basis: str | None = None
    bridged_from: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"share status {self.status!r} is not one of {STATUSES}")
        if self.basis is not None and self.basis not in kinds.ESTIMATES:
            raise ValueError(f"estimate basis {self.basis!r} is not one of {kinds.ESTIMATES}")


@dataclass(frozen=True)
class Decision:
    """One decision that set a target in force: its boundary, instrument and date.

    ``approximate`` is true when the decision states the target as "about" its value (its note in
    ``sources/policy_targets`` says "about X%" or "khoảng X%").
    """

    boundary: str
    instrument: str
    decided: str
    approximate: bool = False


@dataclass(frozen=True)
class Ended:
    """A target year that has ended, on one boundary and definition: the year's figure (published, else grdp's
    estimate), the verdict (``reached``, ``not reached``, ``undetermined`` or ``not supported``) and the gap
    (target minus figure, percentage points)."""

    boundary: str
    definition: str
    figure: Share | None
    verdict: str
    gap: float | None


@dataclass(frozen=True)
class Outlook:
    """An open target year on one boundary and definition: what reaching the target takes and what the
    projections say.

    Attributes
    ----------
    boundary, definition
        Where and on which definition.
    start
        The figure the projection starts from: the latest published figure, else grdp's latest estimate.
    required, required_range
        Growth of digital value added in excess of GRDP growth, percent a year, that reaching the target
        takes from the start (``(s*/s_T)^(1/h) - 1``), and the same from the upper and the lower end of the
        start's range.
    achieved, achieved_years, achieved_boundary
        The same growth achieved by the definition's series on the boundary, on average over the years ``(first,
        last)``, and whose series it is (the boundary's own: published figures, else grdp's estimates).
    achieved_step
        The latest year's step of the same series (``None`` where the year before has no figure).
    achieved_published, achieved_estimates
        The years of the series that are published figures and those that are grdp's estimates (e.g.
        ``2022-2024``; ``""`` for none).
    projection_range
        Lowest and highest median of the models across models and scenarios in the target year.
    envelope
        Lowest lower and highest upper end of the models' 80% intervals across models and scenarios in the target
        year (``None`` where there is none).
    other_required
        The same required growth for the other values in force for the year (``(value, required)``, e.g. the
        lower end of a resolution's range), under the trend scenario.
    probability
        The probability of reaching the target where it is published (calibration evidence), else ``None``.
    reasons
        Why no probability is published (keys of :data:`REASONS`); empty when one is.
    reach
        The longest horizon of the backtests.
    """

    boundary: str
    definition: str
    start: Share
    required: float | None
    required_range: tuple[float, float] | None
    achieved: float | None
    achieved_years: tuple[int, int] | None
    achieved_boundary: str | None
    projection_range: tuple[float, float] | None
    probability: float | None
    reasons: tuple[str, ...]
    reach: int
    achieved_step: float | None = None
    achieved_published: str = ""
    achieved_estimates: str = ""
    envelope: tuple[float, float] | None = None
    other_required: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class TargetStatus:
    """One target in force: a share of ``target`` percent of GRDP in ``target_year``, set for one or both
    boundaries by ``decisions``, with its assessment on the headline definitions.

    ``others`` are other values in force for the same year and boundary (e.g. a draft's lower figure), as
    ``(value, decision)``; ``ended`` is filled for a year that has ended, ``outlooks`` for an open one.
    """

    target_year: int
    target: float
    decisions: tuple[Decision, ...]
    others: tuple[tuple[float, Decision], ...] = ()
    ended: tuple[Ended, ...] = ()
    outlooks: tuple[Outlook, ...] = ()

    @property
    def approximate(self) -> bool:
        """The target is stated as "about" its value by one of its decisions."""
        return any(d.approximate for d in self.decisions)

    @property
    def boundaries(self) -> tuple[str, ...]:
        """The boundaries it was set for, in the order of their first decision."""
        return tuple(dict.fromkeys(d.boundary for d in self.decisions))

    @property
    def has_ended(self) -> bool:
        return bool(self.ended)


@dataclass(frozen=True)
class Release:
    """A release that arrived since the previous vintage: publisher (without the outlet), dataset, date, rows."""

    publisher: str
    source_id: str
    date: str
    rows: int


@dataclass(frozen=True)
class News:
    """What arrived since the previous vintage (from the manifest).

    ``previous`` is ``None`` for the first vintage; ``unchanged`` is true when no release arrived since it;
    ``revised`` and ``added`` count the figures revised since it and those that are new (:func:`revised_since`).
    """

    previous: str | None
    unchanged: bool
    releases: tuple[Release, ...] = ()
    revised: int = 0
    added: int = 0


@dataclass(frozen=True)
class FirstPage:
    """Everything the first page shows.

    Attributes
    ----------
    year
        The last year that has ended at the vintage's as-of date (the year the page reports on).
    boundary
        The boundary the main points speak of: :data:`CHART_BOUNDARY` where a target is in force for it, else the
        former city.
    estimates
        The city's figure for ``year`` per headline definition and boundary (published where one exists,
        else grdp's estimate), tracked definition first, merged city first.
    targets
        One :class:`TargetStatus` per target in force (year and value), in year order.
    news
        What arrived since the previous vintage.
    chart
        The data of the one chart: ``history`` (``year, share, lower, upper``: the chart boundary's figures
        on the tracked definition), ``bands`` (``year, median, lower_range, upper_range, lower_envelope,
        upper_envelope``: the projections), ``targets`` (``year, value``), ``published`` (``year, value,
        method, boundary``) and ``official`` (``year, share``: the statistics office's definition).
    """

    year: int
    boundary: str
    estimates: tuple[Share, ...]
    targets: tuple[TargetStatus, ...]
    news: News
    chart: dict[str, pd.DataFrame]


def _words(lang: str):
    return partial(label, "brief", lang=lang)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + _words(lang)("and") + items[-1]


def _method(method: str, lang: str) -> str:
    return label("method", method, lang, short=True)


def _place(boundary: str, lang: str, short: bool = False) -> str:
    """The boundary in the brief's prose: "the merged city", "the former city", "Viet Nam" (``short``: "merged
    city", as in a list or in brackets)."""
    return _words(lang)(f"{'short' if short else 'place'}_{boundary}")


def publisher_name(publisher: str, lang: str) -> str:
    """Return who published a figure, in ``lang``: the institution's name from ``labels.yaml`` (kind
    ``publisher``: by the identity of :func:`grdp.sources.publisher_identity`, else by the issuer), else the
    issuer as recorded."""
    identity = publisher_identity(publisher)
    if has_label("publisher", identity):
        return label("publisher", identity, lang)
    name = issuer(publisher)
    return label("publisher", name, lang) if has_label("publisher", name) else name


def _instrument(decision: Decision, lang: str) -> str:
    name = decision.instrument
    return label("instrument", name, lang) if has_label("instrument", name) else name


# --- 2. Sentences and the chart, from records -------------------------------------------------------------

def _value(share: Share, lang: str) -> str:
    """A share's value: a published figure with its published decimals, an estimate or projection rounded as
    its interval allows."""
    if share.status == "published":
        return fmt.published(share.value, lang)
    return fmt.percent(share.value, fmt.interval_decimals(share.lower, share.upper), lang)


def _interval(share: Share, lang: str) -> str:
    return fmt.interval(share.lower, share.upper, fmt.interval_decimals(share.lower, share.upper), lang)


def basis_phrase(share: Share, lang: str) -> str:
    """Return what a grdp estimate rests on: "grdp's measurement model of every published figure", "the sum of
    the former city, Binh Duong and Ba Ria–Vung Tau"."""
    if share.basis is None:
        return ""
    first, last = share.bridged_from if share.bridged_from is not None else (share.year, share.year)
    return label("basis", share.basis, lang).format(institution=_method(share.definition, lang),
                                                    first=fmt.year(first), last=fmt.year(last))


def target_text(status: TargetStatus, lang: str) -> str:
    """Return the target's value as written in the brief (``25%``)."""
    return fmt.percent(status.target, 0, lang)


def target_range(status: TargetStatus, lang: str) -> str:
    """Return the values in force for the target's year as one range where there are several (``30–40%``, the
    lower and upper ends of a resolution, or a draft's and a decision's value), else the target (``25%``)."""
    values = sorted({status.target, *(value for value, _ in status.others)})
    if len(values) == 1:
        return target_text(status, lang)
    return f"{fmt.number(values[0], 0, lang)}–{fmt.percent(values[-1], 0, lang)}"


def decisions_text(status: TargetStatus, lang: str) -> str:
    """Return which boundary each decision set the target for, by instrument and month, and the other values in
    force for the year."""
    words = _words(lang)
    out = []
    for boundary in status.boundaries:
        own = [d for d in status.decisions if d.boundary == boundary]
        named = [words("decision").format(instrument=_instrument(d, lang), date=fmt.release_date(d.decided[:7], lang))
                 for d in own]
        out.append(words("decisions_for").format(place=_place(boundary, lang, short=True), items="; ".join(named)))
    for value, decision in status.others:
        out.append(words("other_target").format(target=fmt.percent(value, 0, lang),
                                                instrument=_instrument(decision, lang),
                                                date=fmt.release_date(decision.decided[:7], lang)))
    return "; ".join(out)


def _assessed_on(definitions: list[str]) -> str:
    """The definition page 1 judges a target on: the tracked one where the target tables assess it on it, else the
    first they assess it on."""
    return TRACKED if TRACKED in definitions else definitions[0]


def headline_point(page: FirstPage, lang: str) -> str:
    """Return the first main point: where the city stands in the last ended year on the definition the targets are
    tracked on and on the official one, the published figure first, each with its status in two words."""
    words = _words(lang)
    shares = [s for s in page.estimates if s.boundary == page.boundary]
    shares.sort(key=lambda s: (s.status != "published", HEADLINE.index(s.definition)))
    if not shares:
        return words("headline_none").format(year=fmt.year(page.year), place=_place(page.boundary, lang))

    def fields(share: Share) -> dict[str, str]:
        return {"value": _value(share, lang), "role": words(f"role_{share.definition}"),
                "definition": _method(share.definition, lang), "status": words(f"status_{share.status}")}

    return words("headline").format(year=fmt.year(page.year), place=_place(page.boundary, lang),
                                    rest="".join(words("headline_item").format(**fields(s)) for s in shares[1:]),
                                    **fields(shares[0]))


def _lead(status: TargetStatus, lang: str, verdict: str) -> str:
    """A target point's bold lead: the target, its year and the plain verdict."""
    words = _words(lang)
    return words("point_lead").format(year=fmt.year(status.target_year), target=target_range(status, lang),
                                      about=words("about") if status.approximate else "",
                                      verdict=words(f"verdict_{verdict}"))


def target_point(status: TargetStatus, boundary: str, lang: str) -> str:
    """Return the main point of one target on ``boundary`` (Markdown), on the definition the target tables assess it
    on (:func:`_assessed_on`): for an ended year the verdict in plain words (reached, not reached, too close to
    call) and the gap; for an open year what reaching it takes (growth of digital value added above GRDP growth,
    a year, for each value in force) against what was achieved on average, and the probability where one is
    published."""
    words = _words(lang)
    if status.has_ended:
        ended = [e for e in status.ended if e.boundary == boundary]
        definition = _assessed_on([e.definition for e in ended])
        e = next(e for e in ended if e.definition == definition)
        gap = words("gap_below" if (e.gap or 0.0) > 0 else "gap_above").format(
            gap=fmt.number(abs(e.gap), GAP_DECIMALS, lang)) if e.gap is not None and not pd.isna(e.gap) else ""
        body = words(f"ended_{e.verdict.replace(' ', '_')}").format(
            definition=_method(definition, lang), place=_place(boundary, lang), gap=gap)
        return f"**{_lead(status, lang, e.verdict.replace(' ', '_'))}** {body}"
    outlooks = [o for o in status.outlooks if o.boundary == boundary]
    definition = _assessed_on([o.definition for o in outlooks])
    o = next(o for o in outlooks if o.definition == definition)
    required = sorted([r for r in (o.required, *(r for _, r in o.other_required)) if r is not None])
    if required and required[-1] <= 0:
        body = words("open_above").format(definition=_method(definition, lang), place=_place(boundary, lang))
    else:
        shown = (fmt.percent(required[0], GROWTH_DECIMALS, lang) if len(required) == 1 else
                 f"{fmt.number(required[0], GROWTH_DECIMALS, lang)}–{fmt.percent(required[-1], GROWTH_DECIMALS, lang)}")
        achieved = (words("open_achieved").format(
            achieved=fmt.percent(o.achieved, GROWTH_DECIMALS, lang), first=fmt.year(o.achieved_years[0]),
            last=fmt.year(o.achieved_years[1])) if o.achieved is not None and o.achieved_years is not None else "")
        body = words("open_required").format(required=shown, definition=_method(definition, lang),
                                             achieved=achieved)
    if o.probability is not None:
        body = body[:-1] + words("open_probability").format(probability=fmt.probability(o.probability, lang))
    return f"**{_lead(status, lang, 'open')}** {body}"


def news_point(page: FirstPage, lang: str) -> str:
    """Return the last main point: what arrived since the previous vintage and how many figures it revised and added
    (the counts of :func:`changes`); "" for the first vintage."""
    words = _words(lang)
    news = page.news
    if news.previous is None:
        return ""
    if news.unchanged:
        return words("news_none").format(previous=news.previous)
    return words("news").format(previous=news.previous, count=fmt.number(len(news.releases), 0, lang),
                                revised=fmt.number(news.revised, 0, lang), added=fmt.number(news.added, 0, lang))


def main_points(page: FirstPage, lang: str) -> str:
    """Return the first page's main points as a Markdown list: where the city stands, one point per target in force
    on the page's boundary, and what changed since the previous vintage."""
    lines = [headline_point(page, lang)]
    lines += [target_point(status, page.boundary, lang) for status in page.targets
              if page.boundary in status.boundaries]
    lines.append(news_point(page, lang))
    return "\n".join(f"- {line}" for line in lines if line)


def reasons_text(status: TargetStatus, lang: str) -> str:
    """Why no probability is published for a target, in plain words (the boundaries whose projection starts
    from a model estimate are named); "" when every probability is published."""
    words = _words(lang)
    missing = [o for o in status.outlooks if o.probability is None]
    if not missing:
        return ""
    reach = max(o.reach for o in status.outlooks)
    texts = []
    for reason in REASONS:
        concerned = [o for o in missing if reason in o.reasons]
        if not concerned:
            continue
        places = _join([_place(b, lang) for b in dict.fromkeys(o.boundary for o in concerned)], lang)
        texts.append(words(f"reason_{reason}").format(reach=reach, places=places))
    return words("join").join(texts)


def _target_labels(targets: pd.DataFrame, lang: str) -> pd.DataFrame:
    template = label("chart", "target_label", lang)
    return targets.assign(label=[template.format(value=fmt.number(v, 0, lang), year=fmt.year(y))
                                 for v, y in zip(targets["value"], targets["year"])])


def band_labels(lang: str) -> dict[str, str]:
    """Legend words of the projection bands of the brief's charts, widest first."""
    chart = partial(label, "chart", lang=lang)
    return {"envelope": chart("projection_envelope"), "range": chart("projection_range")}


def chart_title(page: FirstPage, lang: str) -> str:
    """Return the first-page chart's title, its finding: where the page's boundary stood on the tracked definition
    in the last ended year against the target of that year (in plain words), then the next target in force."""
    words = _words(lang)
    own = [t for t in page.targets if page.boundary in t.boundaries]
    share = next((s for s in page.estimates if s.boundary == page.boundary and s.definition == TRACKED), None)
    ended = [(t, e) for t in own for e in t.ended if e.boundary == page.boundary and e.definition == TRACKED
             and e.verdict in VERDICTS]
    opened = [t for t in own if not t.has_ended]
    title = words("chart_title").format(place=_capital(_place(page.boundary, lang)),
                                        definition=_method(TRACKED, lang),
                                        value=_value(share, lang) if share else fmt.MISSING,
                                        year=fmt.year(page.year))
    if ended:
        status, e = ended[-1]
        title += words(f"chart_{e.verdict.replace(' ', '_')}").format(target=target_range(status, lang))
    if opened:
        title += words("chart_next").format(target=target_range(opened[-1], lang),
                                            year=fmt.year(opened[-1].target_year))
    return title


def first_page_chart(page: FirstPage, lang: str) -> Figure:
    """Return the first page's one chart (:func:`grdp.report.charts.target_chart`): the page's boundary on the
    tracked definition (published figures and model estimates with their intervals, the envelope of the models'
    80% intervals and the ensemble's median while the models agree) against every value of its targets in force,
    the statistics office's definition beside it, and :func:`chart_title` as its title."""
    chart = page.chart
    words = partial(label, "chart", lang=lang)
    legend = {"estimate": words("first_page_estimate").format(definition=_method(TRACKED, lang)),
              "projection": words("first_page_projection"),
              "comparison": words("first_page_official").format(definition=_method(OFFICIAL, lang)),
              "target": words("target")}
    targets = chart["targets"].assign(label=[fmt.percent(v, 0, lang) for v in chart["targets"]["value"]])
    return charts.target_chart(chart["history"], chart["bands"], targets, chart["official"].assign(method=OFFICIAL),
                               title=chart_title(page, lang), legend=legend, lang=lang)


# --- 3. The adapter: the vintage's tables -> records --------------------------------------------------------

def _level(value: Any) -> int | None:
    """An interval level (fraction, e.g. 0.9) in percent, ``None`` when blank."""
    return None if value is None or pd.isna(value) else round(100 * float(value))


def _float(value: Any) -> float | None:
    """A table cell as a float, ``None`` when blank."""
    return None if value is None or pd.isna(value) else float(value)


class HeadlineFigures:
    """The figures of a vintage's ``digital_headline`` as :class:`Share` records, with who published each
    (``observations_as_of``); the first page and the technical report read them through it.

    Parameters
    ----------
    tables
        The vintage.
    """

    def __init__(self, tables: VintageTables) -> None:
        self.tables = tables
        self.headline = tables.table("digital_headline")
        self.observations = tables.table("observations_as_of")

    def row(self, boundary: str, method: str, year: int) -> pd.Series | None:
        """The ``digital_headline`` row of a boundary, definition and year, ``None`` if there is none."""
        h = self.headline
        rows = h[(h["boundary"] == boundary) & (h["method"] == method) & (h["year"] == year)]
        return rows.iloc[0] if len(rows) else None

    def _release_row(self, row: pd.Series) -> pd.Series | None:
        """The release of a published figure in ``observations_as_of``."""
        obs = self.observations
        match = obs[(obs["region"] == row["region"]) & (obs["boundary"] == row["boundary"])
                    & (obs["period"].astype(str) == str(int(row["year"])))
                    & (obs["variable"] == f"de_share_{row['method']}") & (obs["industry"] == "TOTAL")
                    & (obs["source_id"] == row["source_id"])]
        return None if match.empty else match.iloc[0]

    def publisher(self, row: pd.Series) -> str | None:
        """The publisher's text of a published figure (``observations_as_of``), without the outlet."""
        found = self._release_row(row)
        return None if found is None else without_outlet(str(found["publisher"]))

    def share(self, row: pd.Series) -> Share:
        """One row of ``digital_headline`` (published or estimate) as a :class:`Share`. A published figure's
        release is its publication date as published (a month or a year where the day is not known)."""
        method, year, boundary = str(row["method"]), int(row["year"]), str(row["boundary"])
        if row["status"] == "published":
            found = self._release_row(row)
            release = str(found["publication_date"]) if found is not None else str(row["release"])
            return Share(method, year, float(row["value"]), "published", boundary, publisher=self.publisher(row),
                         release=release, rating=str(row["rating"]))
        kind = str(row["kind"])
        bridged = None
        if pd.notna(row["bridged_from_year"]):
            bridged = (int(row["bridged_from_year"]), int(row["bridged_from_year"]))
        return Share(method, year, float(row["value"]), "estimate", boundary, float(row["lower"]),
                     float(row["upper"]), _level(row["level"]), basis=kind, bridged_from=bridged)

    def figure(self, boundary: str, method: str, year: int) -> Share | None:
        """The figure of a boundary, definition and year, ``None`` where there is none or no data support one."""
        row = self.row(boundary, method, year)
        return None if row is None or row["status"] not in ("published", "estimate") else self.share(row)


def _approximate(note: str, value: float) -> bool:
    """Whether a target's note states it as "about" its value ("about 25%", "khoảng 25%")."""
    number = f"{value:g}"
    return re.search(rf"(\babout|khoảng)\s+{re.escape(number)}\s*%", str(note), flags=re.I) is not None


def _decision(row: pd.Series) -> Decision:
    return Decision(str(row["boundary"]), str(row["instrument"]), str(row["decided"]),
                    _approximate(str(row["note"]), float(row["target"])))


def calibration_status(tables: VintageTables, boundary: str, method: str, horizon: int) -> dict[str, str]:
    """Return, for every model weighted in the ensemble of a boundary and definition (``forecast_fits``), whether its
    intervals at ``horizon`` on the digital-economy series (``forecast_calibration``) ``passed`` the calibration
    checks, ``failed`` them, or are ``untested`` (fewer forecasts than the checks need, or none)."""
    fits = tables.table("forecast_fits")
    weighted = fits[(fits["boundary"] == boundary) & (fits["method"] == method) & (fits["weight"] > 0)
                    & (fits["model"] != "ensemble")]["model"]
    calibration = probability_evidence(tables)
    at = calibration[calibration["horizon"] == horizon].set_index("model")
    status = {}
    for model in dict.fromkeys(weighted):
        if model not in at.index or int(at.loc[model, "forecasts"]) < MIN_CALIBRATION_FORECASTS:
            status[model] = "untested"
        else:
            status[model] = "passed" if bool(at.loc[model, "calibrated"]) else "failed"
    return status


def probability_evidence(tables: VintageTables) -> pd.DataFrame:
    """The rows of ``forecast_calibration`` a probability may rest on: those of the digital-economy series
    (:data:`grdp.base.series_sets.EVIDENCE_SET`)."""
    calibration = tables.table("forecast_calibration")
    return calibration[calibration["set"] == EVIDENCE_SET]


def no_probability_reasons(row: pd.Series, tables: VintageTables) -> tuple[str, ...]:
    """Why ``targets_headline`` publishes no probability for an open target row, in plain words' keys
    (:data:`REASONS`), from the tables: the start is a grdp estimate (``start_status``), the target is
    further away than the backtests reach (``forecast_calibration.horizon``), the models disagree
    (``models_agree``), a model weighted in the ensemble failed the calibration checks at the horizon
    (``uncalibrated``) or has too few backtest forecasts there to be checked (``untested``;
    :func:`calibration_status`); ``other`` when none of these applies."""
    if _published_flag(row["probability_published"]):
        return ()
    reasons = []
    horizon = int(row["target_year"]) - int(row["start_year"])
    evidence = probability_evidence(tables)
    reach = int(evidence["horizon"].max()) if len(evidence) else 0
    if row["start_status"] != "published":
        reasons.append("start_estimate")
    if horizon > reach:
        reasons.append("horizon")
    if str(row["models_agree"]) == "False":
        reasons.append("disagree")
    if horizon <= reach:
        status = set(calibration_status(tables, str(row["boundary"]), str(row["method"]), horizon).values())
        reasons += [reason for reason, found in (("uncalibrated", "failed"), ("untested", "untested"))
                    if found in status]
    return tuple(reasons) or ("other",)


def _published_flag(value: object) -> bool:
    return str(value) == "True"


def _other_required(row: pd.Series, tables: VintageTables) -> tuple[tuple[float, float], ...]:
    """The required growth above GRDP of the other values in force for a target row's year, boundary and definition,
    under the row's (trend) scenario (``targets_assessment``, the ensemble's rows)."""
    a = tables.table("targets_assessment")
    own = a[(a["boundary"] == row["boundary"]) & (a["method"] == row["method"]) & (a["scenario"] == row["scenario"])
            & (a["target_year"] == row["target_year"]) & (a["model"] == "ensemble") & (a["target"] != row["target"])
            & a["required_excess_growth"].notna()]
    return tuple((float(r["target"]), float(r["required_excess_growth"])) for _, r in own.iterrows())


def _outlook(row: pd.Series, reader: HeadlineFigures, reach: int) -> Outlook:
    boundary, method = str(row["boundary"]), str(row["method"])
    start = reader.figure(boundary, method, int(row["start_year"]))
    if start is None:
        raise ValueError(f"digital_headline of vintage {reader.tables.vintage} has no {boundary}/{method} figure for "
                         f"{int(row['start_year'])}, the start of targets_headline's projection")
    required = _float(row["required_excess_growth"])
    low, high = _float(row["required_excess_growth_low"]), _float(row["required_excess_growth_high"])
    achieved = _float(row["achieved_excess_growth"])
    years = ((int(row["achieved_from_year"]), int(row["achieved_to_year"]))
             if achieved is not None else None)
    ranged = (_float(row["range_lower"]), _float(row["range_upper"]))
    envelope = (_float(row["envelope_lower"]), _float(row["envelope_upper"]))
    published = _published_flag(row["probability_published"]) and pd.notna(row["probability"])
    return Outlook(boundary, method, start, required,
                   (low, high) if low is not None and high is not None else None, achieved, years,
                   str(row["achieved_boundary"]) if pd.notna(row["achieved_boundary"]) else None,
                   ranged if None not in ranged else None,  # type: ignore[arg-type]
                   float(row["probability"]) if published else None,
                   () if published else no_probability_reasons(row, reader.tables), reach,
                   _float(row["achieved_latest_step"]), _text(row["achieved_published_years"]),
                   _text(row["achieved_estimate_years"]),
                   envelope if None not in envelope else None,  # type: ignore[arg-type]
                   _other_required(row, reader.tables))


def _text(value: Any) -> str:
    """A table cell as text, ``""`` when blank."""
    return "" if value is None or pd.isna(value) else str(value)


def _ended(row: pd.Series, reader: HeadlineFigures) -> Ended:
    boundary, method = str(row["boundary"]), str(row["method"])
    figure = reader.figure(boundary, method, int(row["target_year"]))
    return Ended(boundary, method, figure, str(row["verdict"]), _float(row["gap_pp"]))


def _targets(tables: VintageTables, reader: HeadlineFigures) -> tuple[TargetStatus, ...]:
    """One :class:`TargetStatus` per target year and value of ``targets_headline`` (city boundaries, headline
    definitions), with the decisions of ``targets`` that set it."""
    head = tables.table("targets_headline")
    head = head[head["boundary"].isin(BOUNDARIES) & head["method"].isin(HEADLINE)]
    if head.empty:
        raise ValueError(f"targets_headline of vintage {tables.vintage} has no row for the city's boundaries "
                         f"{BOUNDARIES} and definitions {HEADLINE}")
    targets = tables.table("targets")
    targets = targets[(targets["region"] == CITY) & targets["boundary"].isin(BOUNDARIES)]
    evidence = probability_evidence(tables)
    reach = int(evidence["horizon"].max()) if len(evidence) else 0
    order = {b: k for k, b in enumerate(BOUNDARIES)}
    out = []
    for (year, value), group in head.groupby(["target_year", "target"], sort=True):
        boundaries = list(dict.fromkeys(group["boundary"]))
        set_by = targets[(targets["year"] == year) & (targets["target"] == value)
                         & targets["boundary"].isin(boundaries)].sort_values(["decided", "boundary"])
        others = targets[(targets["year"] == year) & (targets["target"] != value)
                         & targets["boundary"].isin(boundaries)].sort_values("decided")
        rows = group.assign(_b=group["boundary"].map(order), _m=group["method"].map(HEADLINE.index))
        rows = rows.sort_values(["_m", "_b"])
        ended = [_ended(r, reader) for _, r in rows.iterrows() if r["status"] != "projection"]
        outlooks = [_outlook(r, reader, reach) for _, r in rows.iterrows() if r["status"] == "projection"]
        out.append(TargetStatus(int(year), float(value), tuple(_decision(r) for _, r in set_by.iterrows()),
                                tuple((float(r["target"]), _decision(r)) for _, r in others.iterrows()),
                                tuple(ended), tuple(outlooks)))
    return tuple(out)


def revised_since(tables: VintageTables) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the values of the revision table (:func:`grdp.run.revisions.changes_since_previous`) revised since the
    previous vintage and those first released in this one (two empty frames for the first vintage)."""
    table = changes_since_previous(tables.vintage)
    if table.empty:
        return table, table
    revised = table[(table["releases"] > 1) & (table["previous_vintage"].notna())
                    & (table["revision_since_previous"].abs() > 1e-9)]
    added = table[(table["releases"] == 1) & (table["latest_vintage"] == tables.vintage)]
    return revised, added


def _news(tables: VintageTables) -> News:
    manifest = tables.manifest
    previous = manifest.get("previous_vintage")
    releases = tuple(Release(without_outlet(str(r["publisher"])),
                             str(r["source_id"]), str(r["publication_date"]), int(r["rows"]))
                     for r in manifest.get("new_releases") or [])
    revised, added = revised_since(tables) if previous is not None else (pd.DataFrame(), pd.DataFrame())
    return News(previous, manifest.get("no_new_release_since") is not None, releases, len(revised), len(added))


def projection_bands(tables: VintageTables, boundary: str, method: str, until: int) -> pd.DataFrame:
    """Return the projections of one boundary and definition by year up to ``until``, as the brief draws them:
    ``median`` (the ensemble under the boundary's trend scenario, blank where the models disagree),
    ``lower_range, upper_range`` (lowest and highest model median across models and scenarios, as
    ``targets_headline.range_lower/upper``) and ``lower_envelope, upper_envelope`` (lowest lower and highest
    upper end of the models' 80% intervals), from ``forecast_bands``."""
    bands = tables.table("forecast_bands")
    bands = bands[(bands["boundary"] == boundary) & (bands["method"] == method) & (bands["year"] <= until)]
    models = bands[bands["model"] != "ensemble"]
    out = models.groupby("year").agg(lower_range=("median", "min"), upper_range=("median", "max"),
                                     lower_envelope=("lower_80", "min"), upper_envelope=("upper_80", "max"))
    head = tables.table("targets_headline")
    trend = head.loc[head["boundary"] == boundary, "scenario"]
    ensemble = bands[(bands["model"] == "ensemble") & (bands["scenario"].isin(trend))]
    median = ensemble.set_index("year")["median"].where(ensemble.set_index("year")["models_agree"].astype(str)
                                                        == "True")
    return out.join(median.rename("median")).reset_index()[
        ["year", "median", "lower_range", "upper_range", "lower_envelope", "upper_envelope"]]


def _history(reader: HeadlineFigures, boundary: str, method: str) -> pd.DataFrame:
    h = reader.headline
    rows = h[(h["boundary"] == boundary) & (h["method"] == method) & (h["status"] != "not_supported")]
    return pd.DataFrame({"year": rows["year"], "share": rows["value"], "lower": rows["lower"],
                         "upper": rows["upper"]}).sort_values("year").reset_index(drop=True)


def _chart(tables: VintageTables, reader: HeadlineFigures, boundary: str,
           targets: tuple[TargetStatus, ...]) -> dict[str, pd.DataFrame]:
    own = [t for t in targets if boundary in t.boundaries]
    until = max(t.target_year for t in (own or targets))
    values = [(t.target_year, v) for t in own for v in sorted({t.target, *(o for o, _ in t.others)})]
    return {"history": _history(reader, boundary, TRACKED),
            "bands": projection_bands(tables, boundary, TRACKED, until),
            "targets": pd.DataFrame(values, columns=["year", "value"]),
            "official": _history(reader, boundary, OFFICIAL)[["year", "share"]]}


def first_page(tables: VintageTables) -> FirstPage:
    """Return the first page's records read from a vintage's tables (the one function to re-wire).

    * The year is the last year of ``digital_headline`` (every year there has ended at the as-of date).
    * The page's boundary: :data:`CHART_BOUNDARY` where a target of ``targets_headline`` is in force for it, else
      the former city.
    * The city's figures for the year: ``digital_headline`` per headline definition (:data:`HEADLINE`) and
      boundary (:data:`BOUNDARIES`): the published figure where one exists, else the model estimate with its
      interval, its level and what it is bridged from (the row's ``kind``).
    * The targets in force: the target years and values of ``targets_headline`` (city boundaries, headline
      definitions), with the decisions of ``targets`` that set them (instrument, issuer, date; "about" where
      the decision's note states "about X%"), the other values in force for the same year, and per boundary
      and definition the ended year's figure and verdict or the open year's start, required growth (and over
      the start's range, and for the other values in force from ``targets_assessment``), achieved growth, range
      and 80% envelope of the projections, and the probability where ``probability_published`` is true (else
      :func:`no_probability_reasons`).
    * What arrived since the previous vintage: the manifest's ``previous_vintage``, ``no_new_release_since``
      and ``new_releases``, and the counts of :func:`revised_since`.
    * The chart: the page's boundary on the tracked definition (``digital_headline``; :func:`projection_bands`),
      every value in force of its targets, and the statistics office's definition beside it.

    Raises
    ------
    ValueError
        If ``targets_headline`` has no row for the city's boundaries and headline definitions, a projection's
        start has no figure in ``digital_headline``, or an estimate's basis names no known estimate.
    """
    reader = HeadlineFigures(tables)
    h = reader.headline
    year = int(h.loc[h["region"] == CITY, "year"].max())
    estimates = tuple(s for method in HEADLINE for boundary in BOUNDARIES
                      if (s := reader.figure(boundary, method, year)) is not None)
    targets = _targets(tables, reader)
    boundary = CHART_BOUNDARY if any(CHART_BOUNDARY in t.boundaries for t in targets) else "old"
    return FirstPage(year, boundary, estimates, targets, _news(tables), _chart(tables, reader, boundary, targets))


# --- The detail: records and tables ---------------------------------------------------------------------

def vintage_line(tables: VintageTables, lang: str) -> str:
    """Return the sentence naming the vintage and its release-date cut-off."""
    return _words(lang)("vintage_line").format(vintage=tables.vintage, as_of=fmt.long_date(tables.as_of, lang))


def outlook_caption(status: TargetStatus, lang: str) -> str:
    """Return the caption of :func:`outlook_table`: the target, its year, its boundaries and the kind of figure
    the table holds (published or grdp estimate for an ended year, projection for an open one)."""
    words = _words(lang)
    what = words("caption_ended") if status.has_ended else words("caption_open")
    return words("outlook_caption").format(about=words("about") if status.approximate else "",
                                           target=target_text(status, lang), year=fmt.year(status.target_year),
                                           decisions=decisions_text(status, lang), what=what)


def _status_word(share: Share, lang: str) -> str:
    return label("status", share.status, lang)


def _where(boundary: str, definition: str, lang: str) -> str:
    """A table's first cell: the boundary and the definition ("Merged city, MIC")."""
    return f"{label('column', f'place_{boundary}', lang)}, {_method(definition, lang)}"


def what_it_is(share: Share, lang: str) -> str:
    """Return what a figure is, for a table cell: "grdp estimate: grdp's measurement model of every published
    figure",
    "published, 15 October 2025 (red-rated)"."""
    words = _words(lang)
    if share.status == "published":
        key = "what_published_red" if share.rating == "red" else "what_published"
        return words(key).format(release=fmt.release_date(share.release, lang) if share.release else fmt.MISSING)
    return words("what_estimate").format(status=_status_word(share, lang), basis=basis_phrase(share, lang))


def outlook_table(status: TargetStatus, lang: str) -> str:
    """Return a Markdown table of one target on the headline definitions, per boundary.

    An ended year: the figure (published, with its decimals, or grdp's estimate with its interval), what it is
    (published and when, or what a grdp estimate is bridged from), the verdict and the gap to the target. An
    open year: the figure the projection starts from and its status, the growth above GRDP reaching the
    target takes (and from the ends of the start's range), the growth achieved, the range of the projections
    across models and scenarios with the envelope of their 80% intervals in brackets, and the probability where
    it is published ("–" otherwise, explained by :func:`outlook_note`).
    """
    column = partial(label, "column", lang=lang)
    rows = []
    if status.has_ended:
        levels = sorted({e.figure.level for e in status.ended if e.figure is not None and e.figure.level is not None})
        heading = column("figure").format(year=fmt.year(status.target_year))
        if levels:
            heading += " " + column("interval").format(level="/".join(str(v) for v in levels))
        for e in status.ended:
            figure = e.figure
            shown = fmt.MISSING if figure is None else _value(figure, lang) + (
                "" if figure.status == "published" else f"{fmt.NBSP}{_interval(figure, lang)}")
            rows.append({column("where"): _where(e.boundary, e.definition, lang), heading: shown,
                         column("what"): fmt.MISSING if figure is None else what_it_is(figure, lang),
                         column("verdict"): label("verdict", e.verdict, lang, short=True),
                         column("gap"): fmt.number(e.gap, GAP_DECIMALS, lang)})
        return fmt.markdown_table(pd.DataFrame(rows))
    for o in status.outlooks:
        start = o.start
        achieved = achieved_cell(o.achieved, o.achieved_years, o.achieved_step, lang)
        required = fmt.MISSING if o.required is None else fmt.number(o.required, GROWTH_DECIMALS, lang)
        if o.required is not None and o.required_range is not None:
            required += fmt.NBSP + fmt.interval(*o.required_range, GROWTH_DECIMALS, lang)
        ranged = fmt.MISSING if o.projection_range is None else (
            f"{fmt.number(o.projection_range[0], RANGE_DECIMALS, lang)}–"
            f"{fmt.percent(o.projection_range[1], RANGE_DECIMALS, lang)}")
        if o.projection_range is not None and o.envelope is not None:
            ranged += fmt.NBSP + fmt.interval(*o.envelope, RANGE_DECIMALS, lang)
        rows.append({column("where"): _where(o.boundary, o.definition, lang),
                     column("start"): _words(lang)("start_cell").format(value=_value(start, lang),
                                                                        status=_status_word(start, lang),
                                                                        year=fmt.year(start.year)),
                     column("required"): required, column("achieved"): achieved,
                     column("range").format(year=fmt.year(status.target_year)): ranged,
                     column("probability").format(target=target_text(status, lang)):
                         fmt.probability(o.probability, lang) if o.probability is not None else fmt.MISSING})
    return fmt.markdown_table(pd.DataFrame(rows))


def achieved_cell(achieved: float | None, years: tuple[int, int] | None, step: float | None, lang: str) -> str:
    """An outlook table's achieved cell: the average over the years, then the latest year's step,
    ``14.4 (2021–2025); 19.2 in 2025`` (words, so that the cell wraps like text instead of widening the table)."""
    if achieved is None or years is None:
        return fmt.MISSING
    cell = f"{fmt.number(achieved, GROWTH_DECIMALS, lang)} ({fmt.year(years[0])}–{fmt.year(years[1])})"
    if step is not None:
        cell += _words(lang)("achieved_cell_step").format(step=fmt.number(step, GROWTH_DECIMALS, lang),
                                                          last=fmt.year(years[1]))
    return cell


def outlook_note(status: TargetStatus, lang: str) -> str:
    """Return the notes under :func:`outlook_table`: why a probability is "–", and whose published series the
    achieved growth is where it is not the boundary's own ("" when there is nothing to note)."""
    words = _words(lang)
    notes = []
    if not status.has_ended:
        reasons = reasons_text(status, lang)
        if reasons:
            notes.append(words("note_probability").format(reasons=reasons))
        borrowed = sorted({(o.boundary, o.achieved_boundary) for o in status.outlooks
                           if o.achieved_boundary not in (None, o.boundary)})
        for boundary, source in borrowed:
            notes.append(words("note_achieved").format(place=_place(boundary, lang), source=_place(source, lang)))
        notes.append(words("note_required"))
        for value in sorted({v for o in status.outlooks for v, _ in o.other_required}):
            items = [words("other_required_item").format(
                required=fmt.percent(r, GROWTH_DECIMALS, lang), place=_place(o.boundary, lang, short=True),
                definition=_method(o.definition, lang)) for o in status.outlooks for v, r in o.other_required
                if v == value]
            notes.append(words("note_other_required").format(target=fmt.percent(value, 0, lang),
                                                             items="; ".join(items)))
        shown = [o for o in status.outlooks if o.achieved_years is not None]
        if shown:
            published = [words("achieved_published_item").format(
                place=_place(o.boundary, lang, short=True), definition=_method(o.definition, lang),
                years=o.achieved_published.replace("-", "–")) for o in shown if o.achieved_published]
            notes.append(words("note_achieved_series").format(published=words("achieved_published_some").format(
                items=", ".join(published)) if published else words("achieved_published_none")))
    return " ".join(notes)


def validation_note(tables: VintageTables, lang: str) -> str:
    """Return which of the city's and the nation's model intervals were checked out of time and how many published
    figures fell inside them (``digital_out_of_time``, the measurement model's rows), and which boundaries' intervals
    were never checked ("" when no check was made and no boundary is left to name)."""
    words = _words(lang)
    checks = tables.table("digital_out_of_time")
    checks = checks[checks["estimator"] == "model"]
    checked = list(dict.fromkeys(checks["boundary"]))
    out = []
    if len(checks):
        out.append(words("validation_checked").format(
            level=fmt.number(100 * float(checks["level"].iloc[0]), 0, lang), checks=fmt.number(len(checks), 0, lang),
            inside=fmt.number(int(checks["covered"].astype(str).eq("True").sum()), 0, lang),
            places=_join([_place(b, lang) for b in checked], lang)))
    unchecked = [b for b in BOUNDARIES if b not in checked]
    if unchecked:
        out.append(words("validation_unchecked").format(places=_capital(_join([_place(b, lang) for b in unchecked],
                                                                                lang))))
    return " ".join(out)


def definitions_gap(tables: VintageTables, lang: str) -> str:
    """Return how far apart MIC's and GSO's published figures for the former city are in the years both
    published (from ``digital_headline``), or "" when no year has both."""
    h = tables.table("digital_headline")
    h = h[(h["region"] == CITY) & (h["boundary"] == "old") & (h["status"] == "published")]
    both = h.pivot_table(index="year", columns="method", values="value", aggfunc="first")
    if TRACKED not in both or OFFICIAL not in both:
        return ""
    gaps = (both[TRACKED] - both[OFFICIAL]).dropna()
    if gaps.empty:
        return ""
    return _words(lang)("definitions_gap").format(
        first=fmt.year(gaps.index.min()), last=fmt.year(gaps.index.max()),
        low=fmt.number(gaps.min(), 2, lang), high=fmt.number(gaps.max(), 2, lang),
        tracked=_method(TRACKED, lang), official=_method(OFFICIAL, lang))


def history_caption(method: str, lang: str) -> str:
    """Return the caption of :func:`history_table` for one definition."""
    return _words(lang)("history_caption").format(definition=_method(method, lang))


def note(key: str, lang: str) -> str:
    """Return one of the brief's fixed notes (``history_note``, ``parts_note``)."""
    return _words(lang)(key)


def history_table(tables: VintageTables, lang: str, method: str) -> str:
    """Return a Markdown table by year of one definition's figures: the former city, the merged city and Viet Nam.

    A published figure (``digital_headline``, status ``published``) is in bold with the decimals it was
    published with; a grdp estimate is rounded as its interval allows, with its interval; a figure no data
    support is "–".
    """
    column = partial(label, "column", lang=lang)
    h = tables.table("digital_headline")
    h = h[h["method"] == method]
    years = sorted(int(y) for y in h["year"].unique())
    places = [("hcmc", "old"), ("hcmc", "merged"), ("vn", "national")]
    out = pd.DataFrame({column("year"): [fmt.year(y) for y in years]})
    for region, boundary in places:
        rows = h[(h["region"] == region) & (h["boundary"] == boundary)].set_index("year")
        out[column(f"place_{boundary}")] = [
            fmt.share_cell(rows.loc[y, "status"], rows.loc[y, "value"], rows.loc[y, "lower"], rows.loc[y, "upper"],
                           lang) if y in rows.index else fmt.MISSING for y in years]
    return fmt.markdown_table(out)


def parts_caption(tables: VintageTables, lang: str) -> str:
    """Return the caption of :func:`parts_table` (the latest year of ``digital_parts``)."""
    year = int(tables.table("digital_parts")["year"].max())
    return _words(lang)("parts_caption").format(year=fmt.year(year))


def parts_table(tables: VintageTables, lang: str, year: int | None = None) -> str:
    """Return the merged city as the sum of its parts in one year (default: the latest): each part's GRDP and
    its share on the headline definitions (``digital_parts``), published in bold, estimates with their
    interval; a part without any published figure of a definition is marked uncalibrated."""
    column = partial(label, "column", lang=lang)
    parts = tables.table("digital_parts")
    year = int(parts["year"].max()) if year is None else year
    parts = parts[parts["year"] == year]
    rows = []
    for part in dict.fromkeys(parts["part"]):
        own = parts[parts["part"] == part].set_index("method")
        row = {column("part"): label("part", part, lang) if has_label("part", part) else part,
               column("grdp").format(year=fmt.year(year)): fmt.number(own["denominator"].iloc[0], 0, lang)}
        for method in HEADLINE:
            if method not in own.index or pd.isna(own.loc[method, "share"]):
                cell = fmt.MISSING
            else:
                r = own.loc[method]
                cell = fmt.share_cell(r["status"], r["share"], r["lower"], r["upper"], lang)
                if r["kind"] == kinds.UNCALIBRATED:
                    cell += "¹"
            row[_method(method, lang)] = cell
        rows.append(row)
    return fmt.markdown_table(pd.DataFrame(rows))


def fan_figure(tables: VintageTables, lang: str, panels: tuple[tuple[str, str], ...] | None = None,
               targets_on: tuple[str, ...] = HEADLINE, ncols: int = 2) -> Figure:
    """Return the fan charts, one panel per ``(boundary, method)``, drawn from ``digital_headline`` (published
    figures and grdp's estimates with their intervals), ``forecast_bands`` (:func:`projection_bands`) and the
    boundary's targets of ``targets_headline`` (on the definitions of ``targets_on`` only), with words in
    ``lang``.

    The projections are drawn up to the boundary's last target year (the last projected year where it has
    none). Colours are the Okabe-Ito palette (safe for colour-blind readers) and every series also differs by
    line style or marker, so the chart reads in black and white.
    """
    panels = panels or tuple((b, m) for b in BOUNDARIES for m in HEADLINE)
    head = tables.table("targets_headline")
    h = tables.table("digital_headline")
    bands = tables.table("forecast_bands")
    drawn = []
    for boundary, method in panels:
        own = head[head["boundary"] == boundary].drop_duplicates("target_year")
        until = int(own["target_year"].max()) if len(own) else int(bands["year"].max())
        targets = pd.DataFrame({"year": own["target_year"], "value": own["target"]})
        if method not in targets_on:
            targets = targets.iloc[0:0]
        rows = h[(h["boundary"] == boundary) & (h["method"] == method) & (h["status"] != "not_supported")]
        history = pd.DataFrame({"year": rows["year"], "share": rows["value"], "lower": rows["lower"],
                                "upper": rows["upper"]})
        pub = rows[rows["status"] == "published"]
        drawn.append({"history": history, "bands": projection_bands(tables, boundary, method, until),
                      "targets": _target_labels(targets, lang),
                      "published": pd.DataFrame({"year": pub["year"], "value": pub["value"], "method": pub["method"],
                                                 "institution": [_method(m, lang) for m in pub["method"]]}),
                      "title": _where(boundary, method, lang),
                      "lang": lang, "band_labels": band_labels(lang),
                      "median_label": label("chart", "projection_median", lang)})
    return charts.fan_charts(drawn, ncols=min(ncols, len(drawn)))


def _capital(text: str) -> str:
    """``text`` with its first letter upper-cased (a table cell starts a line)."""
    return text[:1].upper() + text[1:]


def dataset_name(source_id: str, lang: str) -> str:
    """The name of a dataset of ``sources/`` in ``lang`` (``labels.yaml``, kind ``source``), else its id."""
    return label("source", source_id, lang) if has_label("source", source_id) else fmt.breakable(source_id)


def releases_table(page: FirstPage, lang: str) -> str:
    """Return a Markdown table of the releases that arrived since the previous vintage: publisher, dataset,
    release dates and rows, one row per publisher and dataset ("" when none arrived)."""
    column = partial(label, "column", lang=lang)
    if not page.news.releases:
        return ""
    frame = pd.DataFrame([r.__dict__ for r in page.news.releases])
    frame["who"] = [_capital(publisher_name(p, lang)) for p in frame["publisher"]]
    rows = []
    for (who, source), group in frame.groupby(["who", "source_id"], sort=False):
        dates = sorted(dict.fromkeys(group["date"]))
        rows.append({column("publisher"): who, column("dataset"): dataset_name(source, lang),
                     column("released"): "; ".join(fmt.release_date(d, lang) for d in dates),
                     column("rows"): fmt.number(group["rows"].sum(), 0, lang)})
    return fmt.markdown_table(pd.DataFrame(rows).sort_values([column("publisher"), column("dataset")]))


def releases_section(page: FirstPage, lang: str) -> tuple[str, str]:
    """Return the sentence and the table (:func:`releases_table`) of what arrived since the previous vintage:
    the releases, or that none arrived; ``("", "")`` for the first vintage."""
    words = _words(lang)
    news = page.news
    if news.previous is None:
        return "", ""
    if news.unchanged or not news.releases:
        return words("releases_none").format(previous=news.previous), ""
    return words("releases").format(previous=news.previous), releases_table(page, lang)


def changes(tables: VintageTables, lang: str) -> tuple[str, str]:
    """Return a sentence and a Markdown table of what changed since the previous vintage.

    The sentence says how many values were revised since the previous vintage and how many are new
    (:func:`revised_since`, the counts of the first page's last point), and that the table is a selection of them
    where it is; the table lists the revised values of GRDP (bn VND, with the revision in percent), of the headline
    definitions' shares and of the trend scenario's projections and probabilities on the city's boundaries, with
    the revision in percentage points (probability points for probabilities). The table is empty (``""``) for the
    first vintage or when nothing was revised.
    """
    words, column = _words(lang), partial(label, "column", lang=lang)
    if changes_since_previous(tables.vintage).empty:
        return words("first_vintage"), ""
    previous = compared_vintages(tables.vintage)[-2]
    revised, new = revised_since(tables)
    if revised.empty:
        return words("no_revisions").format(previous=previous), ""
    trend = set(tables.table("targets_headline")["scenario"])
    keep = revised[revised["boundary"].isin(BOUNDARIES)
                   & (revised["quantity"].eq("grdp") | revised["method"].isin(HEADLINE))
                   & (revised["scenario"].fillna("").isin({""} | trend))]
    sentence = words("changes").format(previous=previous, revised=fmt.number(len(revised), 0, lang),
                                       new=fmt.number(len(new), 0, lang))
    if 0 < len(keep) < len(revised):
        sentence += " " + words("changes_selection").format(shown=fmt.number(len(keep), 0, lang),
                                                            revised=fmt.number(len(revised), 0, lang))
    rows = []
    for r in keep.itertuples():
        if r.quantity == "probability":
            before, latest = fmt.probability(r.previous_value, lang), fmt.probability(r.latest_value, lang)
            revision = fmt.number(100 * r.revision_since_previous, 0, lang)
        else:
            decimals = 0 if r.quantity == "grdp" else 2
            shown = fmt.number if r.quantity == "grdp" else fmt.percent
            before, latest = shown(r.previous_value, decimals, lang), shown(r.latest_value, decimals, lang)
            revision = fmt.number(r.revision_since_previous, decimals, lang)
        if r.quantity == "grdp":
            revision += f" ({fmt.percent(100 * r.revision_since_previous / r.previous_value, 2, lang)})"
        what = label("quantity", r.quantity, lang, short=True)
        if r.quantity != "grdp":
            what += f", {_method(r.method, lang)}"
        rows.append({column("quantity"): what, column("boundary"): column(f"place_{r.boundary}"),
                     column("year"): fmt.year(r.year),
                     column("previous").format(vintage=r.previous_vintage): before,
                     column("previous").format(vintage=r.latest_vintage): latest,
                     column("revision"): revision})
    return sentence, fmt.markdown_table(pd.DataFrame(rows)) if rows else ""
