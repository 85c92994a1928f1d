"""The policy brief: headline, outlook against the targets, fan chart, history and changes since the last vintage.

Everything here is read from a vintage's tables (:class:`~grdp.report.vintage_tables.VintageTables`) and
only formatted; nothing is re-estimated. The figures come from

* ``targets_headline``: per boundary, method and target year, the baseline ensemble forecast (median and
  80% interval), the probability of reaching the target, the last estimated share and the required growth
  (``x* = (s*/s_T)^(1/h) - 1`` in excess of GRDP growth; methods note §4.2, :mod:`grdp.targets`);
* ``forecast_history`` / ``forecast_published`` / ``forecast_bands`` / ``targets``: the fan chart and the
  history by institution;
* :func:`grdp.revisions.changes_since_previous`: what changed since the previous vintage.

Words come from ``grdp/data/labels.yaml`` (Vietnamese and English); numbers from
:mod:`grdp.report.formatting`, so the Vietnamese brief writes ``15,0%`` and ``1.479.227``.
"""

from __future__ import annotations

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

SHARE_DECIMALS = 1
GROWTH_DECIMALS = 1


def _words(lang: str):
    return partial(label, "brief", lang=lang)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + _words(lang)("and") + items[-1]


def _method(method: str, lang: str) -> str:
    return label("method", method, lang, short=True)


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


def headline_paragraph(tables: VintageTables, lang: str) -> str:
    """Return the brief's headline paragraph (Markdown) for the institutions' three definitions.

    One sentence on the latest estimate, one per target year on the forecast and the probability of
    reaching the target, and one per target year on the growth in excess of GRDP it would take; every
    number is a formatted cell of ``targets_headline`` (old boundary, baseline scenario).
    """
    words = _words(lang)
    level = interval_level(tables)
    rows = outlook(tables, methods=INSTITUTIONS)
    first = rows.drop_duplicates("method")
    years = first["last_year"].unique()
    if len(years) != 1:
        raise ValueError(f"targets_headline of vintage {tables.vintage}: the institutions' last estimated years "
                         f"differ ({sorted(years)}); the headline needs one")
    stand = [words("stand_item").format(value=fmt.percent(r.last_share, SHARE_DECIMALS, lang),
                                        method=_method(r.method, lang)) for r in first.itertuples()]
    sentences = [words("stand").format(year=int(years[0]), items=_join(stand, lang))]
    for (target_year, target), group in rows.groupby(["target_year", "target"], sort=True):
        target_text = fmt.percent(target, 0, lang)
        items = [words("target_item").format(
            level=level, median=fmt.percent(r.median, SHARE_DECIMALS, lang), method=_method(r.method, lang),
            interval=fmt.interval(r.lower, r.upper, SHARE_DECIMALS, lang),
            probability=fmt.probability(r.probability, lang))
            for r in group.itertuples()]
        sentences.append(words("target").format(target=target_text, target_year=int(target_year),
                                                items=_join(items, lang)))
        needed = [words("required_reached").format(method=_method(r.method, lang)) if r.required_excess_growth <= 0
                  else words("required_item").format(value=fmt.percent(r.required_excess_growth, GROWTH_DECIMALS, lang),
                                                     method=_method(r.method, lang))
                  for r in group.itertuples()]
        sentences.append(words("required").format(target=target_text, target_year=int(target_year),
                                                  items=_join(needed, lang)))
    return " ".join(sentences)


def vintage_line(tables: VintageTables, lang: str) -> str:
    """Return the sentence naming the vintage and its release-date cut-off."""
    return _words(lang)("vintage_line").format(vintage=tables.vintage, as_of=fmt.long_date(tables.as_of, lang))


def outlook_table(tables: VintageTables, lang: str, target_year: int, boundary: str = BOUNDARY,
                  scenario: str | None = SCENARIO) -> str:
    """Return a Markdown table for one target year: per method, the last estimate, the forecast with its 80%
    interval, the probability of reaching the target and the growth it requires (in excess of GRDP, and
    nominal growth of digital value added), all from ``targets_headline``.

    Raises
    ------
    ValueError
        If ``targets_headline`` has no row for the target year (naming it).
    """
    column = partial(label, "column", lang=lang)
    level = interval_level(tables)
    rows = outlook(tables, boundary, scenario)
    rows = rows[rows["target_year"] == target_year]
    if rows.empty:
        raise ValueError(f"targets_headline of vintage {tables.vintage} has no {boundary}/{scenario} row for "
                         f"target year {target_year}")
    out = [{column("method"): label("method", r.method, lang),
            column("last").format(year=int(r.last_year)): fmt.percent(r.last_share, SHARE_DECIMALS, lang),
            column("forecast").format(year=int(r.target_year), level=level): (
                f"{fmt.percent(r.median, SHARE_DECIMALS, lang)} "
                f"{fmt.interval(r.lower, r.upper, SHARE_DECIMALS, lang)}"),
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
    return label("brief", "outlook_caption", lang).format(target=fmt.percent(target, 0, lang), year=target_year,
                                                          boundary=label("boundary", boundary, lang))


def target_years(tables: VintageTables, boundary: str = BOUNDARY, scenario: str | None = SCENARIO) -> list[int]:
    """Return the target years of ``targets_headline`` for a boundary and scenario, in order."""
    return sorted(int(y) for y in outlook(tables, boundary, scenario)["target_year"].unique())


def history_table(tables: VintageTables, lang: str, boundary: str = BOUNDARY) -> str:
    """Return a Markdown table by year: each institution's published share next to our re-estimate by its method.

    Published figures are the releases the vintage uses (``forecast_published``: the latest release on or
    before the vintage's cut-off, best-rated first); re-estimates are ``forecast_history``.
    """
    column = partial(label, "column", lang=lang)
    history = tables.table("forecast_history")
    history = history[(history["boundary"] == boundary) & history["method"].isin(INSTITUTIONS)]
    published = tables.table("forecast_published")
    published = published[(published["boundary"] == boundary) & published["method"].isin(INSTITUTIONS)]
    years = sorted(set(history["year"]) | set(published["year"]))
    out = pd.DataFrame({column("year"): [str(y) for y in years]})
    for method in INSTITUTIONS:
        name = _method(method, lang)
        pub = published[published["method"] == method].set_index("year")["value"]
        est = history[history["method"] == method].set_index("year")["share"]
        out[column("published").format(institution=name)] = [fmt.percent(pub.get(y), 2, lang) for y in years]
        out[column("estimated").format(institution=name)] = [fmt.percent(est.get(y), 2, lang) for y in years]
    return fmt.markdown_table(out)


def fan_figure(tables: VintageTables, lang: str, boundary: str = BOUNDARY, scenario: str = SCENARIO,
               methods: tuple[str, ...] = INSTITUTIONS, model: str = "ensemble") -> Figure:
    """Return the fan charts (one panel per method) drawn from ``forecast_history``, ``forecast_bands``,
    ``forecast_published`` and the region's targets, with words in ``lang``.

    Colours are the Okabe-Ito palette (safe for colour-blind readers) and every series also differs by
    line style or marker, so the chart reads in black and white.
    """
    history = tables.table("forecast_history")
    bands = tables.table("forecast_bands")
    published = tables.table("forecast_published")
    targets = tables.table("targets")
    targets = targets[targets["region"] == tables.parameters["region"]]
    template = label("chart", "target_label", lang)
    targets = targets.assign(value=targets["target"], label=[
        template.format(value=fmt.number(v, 0, lang), year=int(y)) for v, y in zip(targets["target"], targets["year"])])
    panels = []
    for method in methods:
        band = bands[(bands["boundary"] == boundary) & (bands["method"] == method) & (bands["scenario"] == scenario)
                     & (bands["model"] == model)]
        past = history[(history["boundary"] == boundary) & (history["method"] == method)]
        pub = published[(published["boundary"] == boundary) & (published["method"] == method)]
        panels.append({"history": past[["year", "share", "lower", "upper"]], "bands": band,
                       "targets": targets[["year", "value", "label"]],
                       "published": pub[["year", "value", "institution", "method"]].assign(
                           institution=[_method(m, lang) for m in pub["method"]]),
                       "title": _method(method, lang), "lang": lang})
    return plots.fan_charts(panels, ncols=len(panels) if len(panels) <= 3 else 2)


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
        decimals = 0 if r.quantity == "grdp" else 2
        shown = fmt.number if r.quantity in ("grdp", "probability") else fmt.percent
        revision = fmt.number(r.revision, decimals, lang)
        if r.quantity == "grdp":
            revision += f" ({fmt.percent(r.revision_pct, 2, lang)})"
        what = label("quantity", r.quantity, lang) + ("" if r.quantity == "grdp" else f", {_method(r.method, lang)}")
        rows.append({column("quantity"): what, column("year"): str(int(r.year)),
                     column("previous").format(vintage=r.first_vintage): shown(r.first_value, decimals, lang),
                     column("previous").format(vintage=r.latest_vintage): shown(r.latest_value, decimals, lang),
                     column("revision"): revision})
    return sentence, fmt.markdown_table(pd.DataFrame(rows)) if rows else ""
