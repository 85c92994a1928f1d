"""Sections of the technical report, each a Markdown table built from one vintage's tables, in Vietnamese or English.

The technical report (``reports/technical_vi.ipynb``, ``reports/technical_en.ipynb``: the same cells, words
in each language) is for the economists who check the work: sources and their quality ratings, the sector
accounts (published, derived, imputed), each method's components, the reproduction of published figures,
the bridges between methods, the quarterly series and nowcast, the forecasts, their backtests, the
scenarios, the targets already measured, the revision table and how to reproduce the vintage. Nothing is
re-estimated: each function selects, pivots and formats a vintage table.

Column headings are words (``labels.yaml``, kind ``field``), categorical values are translated (kinds
``value``, ``step``, ``method``, ``boundary``, ``model``), the codes of the vintage tables are named in words
(datasets, coefficients, series and variables, how an account cell was obtained: kinds ``source``,
``parameter``, ``variable``, ``account_method``), so no code identifier reaches the reader, and a share with its
interval is one cell (``27.1% [23.2, 30.0]``, rounded as the interval allows). Every table carries its caption
and a cross-reference label (:func:`captioned`), which Quarto numbers ("Bảng 1", "Table 1"); the charts are
drawn in the report's language from the vintage's tables (:func:`bridge_figures`, :func:`quarterly_figure`,
:func:`fan_figures`). The notebooks set the widest tables on landscape pages (``::: {.landscape}`` divs), and
those tables share the wider text block (``wide``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
from matplotlib.figure import Figure

from grdp.base import classification, paths
from grdp.base import estimate_kinds as kinds
from grdp.base.labels import has_label, label
from grdp.base.method_names import METHOD_NAMES
from grdp.forecast.scenarios import load_scenarios
from grdp.report import charts
from grdp.report import formatting as fmt
from grdp.report.brief import (
    HeadlineFigures,
    dataset_name,
    fan_figure,
    no_probability_reasons,
    probability_evidence,
    publisher_name,
    what_it_is,
)
from grdp.report.vintage_tables import VintageTables
from grdp.run.revisions import revision_summary, revision_table

YEAR_COLUMNS = ("year", "target_year")
CATEGORIES = ("quality", "rating", "status", "basis", "mode", "component", "region", "in_sample_ok", "held_out_ok",
              "at_bound", "met", "kind", "in_force", "models_agree", "calibrated", "used", "role",
              "verdict", "combined_test", "adjusted", "calibrated_in", "adjustment", "superseded_by", "set")
"""Columns whose values are identifiers with a word in ``labels.yaml`` (kind ``value``)."""
STEPS = ("start", "core", "platform", "sectoral", "basis", "regional", "denominator", "residual", "end")
"""Order of a bridge's steps as columns: from the first method's share through the switches to the second's."""
TREND_SCENARIOS = (("old", "baseline"), ("merged", "merged-baseline"))
"""The boundaries and their trend scenarios whose fan charts the technical report shows."""
HEADLINE_PLACES = (("hcmc", "old"), ("hcmc", "merged"), ("vn", "national"))
"""The regions and boundaries whose headline shares the technical report shows, in order."""
REVISED = 1e-9
"""A revision smaller than this (in the value's unit) is no revision: the value was released again unchanged."""
IDENTIFIERS = ("arima_model", "outliers")
"""Columns of codes a reader knows (ARIMA orders, outlier dates), shown as they are but allowed to wrap."""
GROWTHS = re.compile(r"volume growth (?P<volume>−?-?[\d.]+)%.*?deflator growth (?P<deflator>−?-?[\d.]+)%")
"""The volume and deflator growth that an account cell moved by growth states (``accounts_*.method``)."""


def _scenario(key: str, lang: str) -> str:
    scenarios = load_scenarios()
    return scenarios[key].label[lang] if key in scenarios else key


def _cell(name: str, value: object, lang: str) -> str:
    """One categorical or identifier cell in words."""
    if value is None or pd.isna(value):
        return fmt.MISSING
    text = str(value)
    if name == "industry" and text in classification.aggregate_codes():  # a sum of sections: its name, not a code
        return classification.name(text, lang)
    if name in ("method", "method_a", "method_b") and has_label("method", text):
        return label("method", text, lang, short=True)
    if name == "boundary" and has_label("boundary", text):
        return label("boundary", text, lang, short=True)
    if name == "scenario":
        return _scenario(text, lang)
    if name == "verdict" and has_label("verdict", text):
        return label("verdict", text, lang, short=True)
    if name == "status" and has_label("status", text):
        return label("status", text, lang)
    if name == "source_id":
        return dataset_name(text, lang)
    if name == "parameter":
        return parameter_name(text, lang)
    if name in ("series", "variable"):
        return series_name(text, lang)
    if name == "model" and has_label("model", text):
        return label("model", text, lang)
    if name in CATEGORIES and has_label("value", text):
        return label("value", text, lang)
    if name in IDENTIFIERS:
        return fmt.breakable(text)
    return text


def parameter_name(parameter: str, lang: str) -> str:
    """A calibrated coefficient in words (``gso.core_share.C``: "GSO: core digital share of section C"): its own
    label, else its prefix's with the last part as the section; the identifier where neither exists."""
    if has_label("parameter", parameter):
        return label("parameter", parameter, lang)
    head, _, section = parameter.rpartition(".")
    return label("parameter", head, lang).format(section=section) if has_label("parameter", head) else parameter


def series_name(series: str, lang: str) -> str:
    """A series or variable of the vintage tables in words (``vn_share_C``, ``vn:G``, ``digital_va:gso``): its own
    label, else the label of its prefix with the section or the definition its last part names; the identifier
    where neither exists."""
    if has_label("variable", series):
        return label("variable", series, lang)
    head, _, tail = series.rpartition(":") if ":" in series else series.rpartition("_")
    if not has_label("variable", head):
        return series
    method = label("method", tail, lang, short=True) if has_label("method", tail) else tail
    return label("variable", head, lang).format(section=tail, method=method)


def captioned(markdown: str, key: str, lang: str, **names: object) -> str:
    """Return a Markdown table with its caption (``labels.yaml``, kind ``caption``) and the cross-reference label
    ``tbl-<key>``, which Quarto numbers ("Bảng 1", "Table 1"); a text that is not a table is returned as it is."""
    if not markdown.lstrip().startswith("|"):
        return markdown
    caption = label("caption", key.split(":")[0], lang).format(**names)
    return f"{markdown}\n\n: {caption} {{#tbl-{key.replace(':', '-')}}}\n"


def table(frame: pd.DataFrame, lang: str, decimals: int | dict[str, int] = 2, headings: bool = True,
          wide: bool = False) -> str:
    """Return a Markdown table of ``frame`` in ``lang``: float columns to ``decimals`` (per column or for all),
    years and counts without decimals, categorical values and headings in words.

    Parameters
    ----------
    frame
        The rows to show; a column already formatted (strings) is shown as it is, after translation.
    lang
        ``"vi"`` or ``"en"``.
    decimals
        Decimals of the float columns, one number for all or per column name (default 2).
    headings
        Translate the column names (``labels.yaml``, kind ``field``); ``False`` keeps them (e.g. model names).
    wide
        The table is printed on a landscape page: its columns share the wider text block
        (:data:`grdp.report.formatting.LANDSCAPE_CHARACTERS`).
    """
    out = pd.DataFrame(index=frame.index)
    for name, column in frame.items():
        places = decimals.get(str(name), 2) if isinstance(decimals, dict) else decimals
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            values = [_cell(str(name), v, lang) for v in column]
        elif name in YEAR_COLUMNS:
            values = [fmt.MISSING if pd.isna(v) else fmt.year(v) for v in column]
        elif pd.api.types.is_integer_dtype(column) or name in ("horizon", "forecasts", "refused", "rows"):
            values = [fmt.number(v, 0, lang) for v in column]
        else:
            values = [fmt.number(v, places, lang) for v in column]
        heading = label("field", str(name), lang) if headings and has_label("field", str(name)) else str(name)
        if heading in out.columns:
            raise ValueError(f"columns of a technical table would share the heading {heading!r} ({lang})")
        out[heading] = values
    return fmt.markdown_table(out, characters=fmt.LANDSCAPE_CHARACTERS if wide else fmt.TABLE_CHARACTERS)


def _with_interval(rows: pd.DataFrame, value: str, name: str, lang: str, level: int | None = None) -> pd.DataFrame:
    """Replace columns ``value``, ``lower`` and ``upper`` by one text column ``name`` (``27.1% [23.2, 30.0]``)."""
    cells = [fmt.share_with_interval(v, lo, hi, lang) if pd.notna(v) else fmt.MISSING
             for v, lo, hi in zip(rows[value], rows["lower"], rows["upper"])]
    heading = label("field", name, lang).format(level=level if level is not None else "")
    out = rows.drop(columns=[value, "lower", "upper"])
    position = list(rows.columns).index(value)
    out.insert(min(position, len(out.columns)), heading, cells)
    return out


def _level(rows: pd.DataFrame) -> int | None:
    levels = rows["level"].dropna().unique() if "level" in rows else []
    return round(100 * float(levels[0])) if len(levels) == 1 else None


def vintage_line(tables: VintageTables, lang: str) -> str:
    """The report's first line: the vintage and its release-date cut-off."""
    return label("technical", "vintage_line", lang).format(vintage=tables.vintage,
                                                           as_of=fmt.long_date(tables.as_of, lang))


def sources(tables: VintageTables, lang: str) -> str:
    """Sources used by the vintage: rows by source and by quality rating (green/amber/red), release dates."""
    obs = tables.table("observations_as_of")
    ratings = obs.pivot_table(index="source_id", columns="rating", values="value", aggfunc="size", fill_value=0)
    ratings = ratings.reindex(columns=["green", "amber", "red"], fill_value=0)
    dates = obs.groupby("source_id")["publication_date"].agg(["min", "max"]).astype(str)
    out = pd.DataFrame({"rows": obs.groupby("source_id").size()}).join(ratings).join(dates)
    out = out.rename(columns={"min": "first_release", "max": "last_release"}).reset_index()
    return captioned(table(out, lang), "sources", lang)


def accounts_quality(tables: VintageTables, lang: str) -> str:
    """Cells of the sector accounts by year that are derived or imputed (the rest are published)."""
    region, boundary = tables.parameters["region"], tables.parameters["boundary"]
    return captioned(table(tables.table(f"cell_counts_{region}_{boundary}"), lang), "accounts-quality", lang)


def accounts_year(tables: VintageTables, lang: str, year: int | None = None) -> str:
    """The sector account of one year (default: the latest), captioned: value, share, quality and how it was
    obtained (in words, ``labels.yaml`` kind ``account_method``), by industry; where cells were moved by growth,
    the volume and deflator growth each cell's note states, in two columns of their own."""
    region, boundary = tables.parameters["region"], tables.parameters["boundary"]
    acc = tables.table(f"accounts_{region}_{boundary}")
    year = int(acc["year"].max()) if year is None else year
    rows = acc[acc["year"] == year][["industry", "value", "share", "quality", "method"]]
    notes = rows["method"].astype(str)
    rows = rows.assign(share=100 * rows["share"], method=[_account_method(note, lang) for note in notes]).rename(
        columns={"value": "value_bn", "share": "share_pct", "method": "how"})
    growths = [GROWTHS.search(note) for note in notes]
    if any(growths):
        for name in ("volume", "deflator"):
            rows[f"{name}_growth"] = [fmt.MISSING if g is None else fmt.number(
                float(g.group(name).replace("−", "-")), 2, lang) for g in growths]
    return captioned(table(rows, lang, {"value_bn": 0, "share_pct": 2}), "accounts-year", lang, year=fmt.year(year))


def _account_method(note: str, lang: str) -> str:
    """How an account cell was obtained, in words: the label of the note's words before its first ":" (the
    figures after it are shown in columns of their own; a total of cells moved by growth has a label of its own),
    keeping a list of member codes (``sum of members (B C D E)``)."""
    head = note.split(":")[0].strip()
    members = re.fullmatch(r"(.*?)\s*(\([A-Z0-9 ,]+\))", head)
    kind, codes = (members.group(1), " " + members.group(2)) if members else (head, "")
    if ":" in note and not GROWTHS.search(note) and has_label("account_method", f"{kind}, total"):
        kind = f"{kind}, total"  # a total of cells each moved by growth: it states no growth of its own
    return (label("account_method", kind, lang) if has_label("account_method", kind) else kind) + codes


def components(tables: VintageTables, lang: str, year: int | None = None) -> str:
    """Each method's share by component in one year (default: the latest with every method), percent of GRDP,
    with its Monte Carlo interval, captioned."""
    est = tables.table("digital_estimates")
    year = int(est.groupby("year")["method"].nunique().pipe(lambda n: n[n == n.max()]).index.max()) \
        if year is None else year
    rows = est[est["year"] == year][["method", "component", "point", "lower", "upper", "level"]]
    level = _level(rows)
    rows = _with_interval(rows.drop(columns="level"), "point", "share_interval", lang, level)
    return captioned(table(rows, lang), "components", lang, year=fmt.year(year))


def reproduction(tables: VintageTables, lang: str) -> str:
    """How far each method's model is from the figures its institution published: without the city-specific gap
    (the indicator), the size of the gap, and out of time (``digital_reproduction_summary``)."""
    return captioned(table(tables.table("digital_reproduction_summary"), lang), "reproduction", lang)


def reproduction_detail(tables: VintageTables, lang: str) -> str:
    """Every published headline share beside the model: the indicator (national coefficients, no gap), the gap
    in percent, the value with the gap, and the out-of-time estimate (``digital_reproduction``, headline rows)."""
    rep = tables.table("digital_reproduction")
    rep = rep[(rep["headline"].astype(str) == "True") & rep["variable"].str.startswith("de_share")]
    shown = rep[["method", "region", "period", "published", "rating", "model", "diff", "gap_pct", "with_gap",
                 "held_out", "held_out_diff"]].rename(columns={"model": "indicator"})
    return captioned(table(shown, lang, wide=True), "reproduction-detail", lang)


def headline_shares(tables: VintageTables, lang: str, region: str, boundary: str) -> str:
    """The headline share of every definition by year for one region and boundary (``digital_headline``):
    published figures in bold with their decimals, grdp's estimates with their interval (¹ uncalibrated, ² a
    model not validated against any published figure), "–" where no data support a figure."""
    h = tables.table("digital_headline")
    h = h[(h["region"] == region) & (h["boundary"] == boundary)]
    years = sorted(int(y) for y in h["year"].unique())
    rows = []
    for method in dict.fromkeys(h["method"]):
        own = h[h["method"] == method].set_index("year")
        row = {label("field", "method", lang): label("method", method, lang, short=True)}
        for year in years:
            r = own.loc[year] if year in own.index else None
            if r is None:
                cell = fmt.MISSING
            else:
                cell = fmt.share_cell(r["status"], r["value"], r["lower"], r["upper"], lang)
                cell += {kinds.UNCALIBRATED: "¹", kinds.NOT_VALIDATED: "²"}.get(str(r["kind"]), "")
            row[fmt.year(year)] = cell
        rows.append(row)
    shown = fmt.markdown_table(pd.DataFrame(rows), characters=fmt.LANDSCAPE_CHARACTERS)
    return captioned(shown, f"headline:{boundary}", lang,
                     place=label("boundary", boundary, lang))


def headline_bases(tables: VintageTables, lang: str) -> str:
    """How the latest year of each definition is obtained, per region and boundary: published (when), grdp's
    estimate and what it is bridged from, or why no data support a figure (:func:`grdp.report.brief.what_it_is`)."""
    reader = HeadlineFigures(tables)
    h = reader.headline
    year = int(h["year"].max())
    rows = []
    for _, r in h[h["year"] == year].iterrows():
        if r["status"] == "not_supported":
            what = label("status", "not_supported", lang)
        else:
            what = what_it_is(reader.share(r), lang)
        rows.append({label("field", "boundary", lang): _place(str(r["boundary"]), lang),
                     label("field", "method", lang): label("method", str(r["method"]), lang, short=True),
                     label("field", "what", lang).format(year=fmt.year(year)): what})
    return captioned(fmt.markdown_table(pd.DataFrame(rows)), "headline-bases", lang, year=fmt.year(year))


def _place(boundary: str, lang: str) -> str:
    return label("column", f"place_{boundary}", lang)


def _region_place(region: str, boundary: str, lang: str) -> str:
    """Where a series is: the city's boundary, Viet Nam, or one of the merged city's other parts."""
    if region in ("hcmc", "vn"):
        return _place(boundary, lang)
    return label("part", region, lang) if has_label("part", region) else region


def _coverage_heading(rows: pd.DataFrame, lang: str) -> str:
    level = _level(rows)
    return label("field", "coverage_level", lang).format(level=level if level is not None else "")


def out_of_time_summary(tables: VintageTables, lang: str) -> str:
    """The measurement model and its rivals on the out-of-time checks (``digital_out_of_time_summary``), pooled over
    every check of each and over the checks all of them made: errors in pp, coverage of the 50%, 80% and 90%
    intervals, the interval score and the CRPS (proper scores: lower is better)."""
    rows = tables.table("digital_out_of_time_summary")
    scope = [label("checks_on", "own", lang) if c == "own" else
             label("checks_on", "rival", lang).format(rival=label("estimator", c, lang, short=True))
             for c in rows["checks_on"]]
    shown = rows.assign(estimator=[label("estimator", e, lang, short=True) for e in rows["estimator"]], checks_on=scope,
                        **{c: [fmt.percent(100 * v, 0, lang) for v in rows[c]]
                           for c in ("coverage_50", "coverage_80", "coverage_90")})
    return captioned(table(shown, lang, wide=True), "out-of-time", lang)


def out_of_time_checks(tables: VintageTables, lang: str) -> str:
    """Every out-of-time check (``digital_out_of_time``): the published figure predicted from the releases before
    its first release, and each estimator's estimate with its error in pp (* outside its interval)."""
    checks = tables.table("digital_out_of_time")
    keys = ["region", "method", "year", "kind", "published", "first_release"]
    rows = []
    for key, group in checks.groupby(keys, sort=False):
        row = dict(zip(keys, key))
        for r in group.itertuples():
            cell = f"{fmt.number(r.estimate, 2, lang)} ({fmt.number(r.error_pp, 2, lang)})"
            row[label("estimator", str(r.estimator), lang, short=True)] = cell + (
                "" if str(r.covered) == "True" else "*")
        rows.append(row)
    return captioned(table(pd.DataFrame(rows), lang, wide=True), "out-of-time-checks", lang)


def error_sources(tables: VintageTables, lang: str) -> str:
    """The measured error of each source of uncertainty (``digital_errors``): the root mean square of the log
    errors of its out-of-period checks (as percent), their mean, and the coverage of the stated intervals."""
    rows = tables.table("digital_errors")
    shown = pd.DataFrame({
        "error_class": [label("error_class", c, lang) for c in rows["class"]], "checks": rows["checks"],
        "sd_pct": [fmt.percent(100 * v, 1, lang) for v in rows["sd"]],
        "mean_error_pct": [fmt.percent(100 * v, 1, lang) for v in rows["mean_error"]],
        _coverage_heading(rows, lang): [fmt.percent(100 * v, 0, lang) for v in rows["coverage"]]})
    return captioned(table(shown, lang), "errors", lang)


def _step(step: str, lang: str) -> str:
    """A bridge step in words; a merged step (``platform+sectoral+regional``: switches whose contributions are not
    separately identified) joins the words of its parts."""
    parts = [label("step", part, lang) if has_label("step", part) else part for part in step.split("+")]
    return " + ".join(parts)


def bridges(tables: VintageTables, lang: str) -> str:
    """The bridges between methods, one column per pair and year and one row per step, as the waterfall reads: the
    start (published share of the first method), each switch's contribution in pp with its interval from the same
    draws (switches not separately identified are one merged step), the residual and the end (published share of
    the second). A column's heading is the pair and the year; its cells are figures that never wrap."""
    rows = tables.table("digital_bridges")
    present = list(dict.fromkeys(rows["step"]))
    known = [step for step in STEPS if step in present]
    merged = [step for step in present if step not in known]
    at = known.index("residual") if "residual" in known else len(known)
    steps = known[:at] + merged + known[at:]
    keys = ["method_a", "method_b", "year"]
    wide = rows.pivot_table(index=keys, columns="step", values="value", aggfunc="first").reindex(columns=steps)
    low = rows.pivot_table(index=keys, columns="step", values="lower", aggfunc="first").reindex(columns=steps)
    high = rows.pivot_table(index=keys, columns="step", values="upper", aggfunc="first").reindex(columns=steps)
    out = pd.DataFrame({label("field", "step", lang): [_step(step, lang) for step in steps]})
    for key in wide.index:
        method_a, method_b, year = key
        heading = (fmt.unbreakable(f"{label('method', method_a, lang, short=True)} → "
                                   f"{label('method', method_b, lang, short=True)}") + f" {fmt.year(year)}")
        cells = []
        for step in steps:
            value, lower, upper = wide.loc[key, step], low.loc[key, step], high.loc[key, step]
            cell = fmt.number(value, 2, lang)
            if pd.notna(value) and pd.notna(lower) and pd.notna(upper):
                cell += f"{fmt.NBSP}{fmt.interval(lower, upper, 2, lang)}"
            cells.append(cell)
        out[heading] = cells
    return captioned(fmt.markdown_table(out, characters=fmt.LANDSCAPE_CHARACTERS), "bridges", lang)


def calibration(tables: VintageTables, lang: str) -> str:
    """Calibrated coefficients with their prior range, basis and whether they sit on a bound."""
    return captioned(table(tables.table("digital_calibration"), lang, 4, wide=True), "calibration", lang)


def quarterly_checks(tables: VintageTables, lang: str) -> str:
    """Largest gap between the quarterly shares and the annual estimates they must add up to, by method
    (in pp, two significant figures: a rounding error is of the order of 1e-12)."""
    check = tables.table("quarterly_digital_annual_check")
    gaps = check.assign(annual_gap=check["difference"].abs()).groupby("method")["annual_gap"].max().reset_index()
    decimal = label("number", "decimal", lang)
    gaps["annual_gap"] = [f"{v:.1e}".replace(".", decimal).replace("-", fmt.MINUS) for v in gaps["annual_gap"]]
    return captioned(table(gaps, lang), "quarterly-checks", lang)


def quarterly_grdp(tables: VintageTables, lang: str) -> str:
    """Quarterly GRDP against the published quarterly figures (benchmarked or checked): levels in bn VND,
    real growth in percent (one row per published figure)."""
    checks = tables.table("quarterly_grdp_checks")
    places = [0 if v == "grdp" else 1 for v in checks["variable"]]
    rows = pd.DataFrame({
        "period": checks["period"], "variable": [label("value", v, lang) if has_label("value", v) else v
                                                 for v in checks["variable"]],
        "published": [fmt.number(v, k, lang) for v, k in zip(checks["published"], places)],
        "estimate": [fmt.number(v, k, lang) for v, k in zip(checks["estimate"], places)],
        "difference_pct": checks["difference"], "status": checks["status"], "release": checks["release"]})
    return captioned(table(rows, lang, {"difference_pct": 2}), "quarterly-grdp", lang)


def seasonal(tables: VintageTables, lang: str) -> str:
    """Seasonal adjustment diagnostics (X-13ARIMA-SEATS): model, Tet effect, outliers, M7, Q, the combined test and
    whether the series is adjusted (only where all three pass; the reason is in the vintage's table)."""
    rows = tables.table("quarterly_seasonal_diagnostics").drop(columns=["warnings", "reason"], errors="ignore")
    return captioned(table(rows.rename(columns={"method": "adjustment"}), lang, 3, wide=True), "seasonal", lang)


def nowcast(tables: VintageTables, lang: str) -> str:
    """The nowcast of the quarters after the last benchmarked one, with their intervals."""
    rows = tables.table("quarterly_nowcast")[["period", "method", "share", "lower", "upper", "level", "horizon"]]
    level = _level(rows)
    shown = _with_interval(rows.drop(columns="level"), "share", "share_interval", lang, level)
    return captioned(table(shown, lang, wide=True), "nowcast", lang)


def _median(rows: pd.DataFrame, lang: str, level: int | None) -> tuple[str, list[str]]:
    """The median and its interval as one cell per row ("–" where blank: the models disagree), with its heading."""
    cells = [fmt.share_with_interval(m, lo, hi, lang) if pd.notna(m) else fmt.MISSING
             for m, lo, hi in zip(rows["median"], rows["lower"], rows["upper"])]
    return label("field", "median_interval", lang).format(level=level if level is not None else ""), cells


def _probability(rows: pd.DataFrame, lang: str) -> list[str]:
    """The probability where the vintage publishes it (``probability_published``), "–" elsewhere."""
    return [fmt.probability(p, lang) if str(flag) == "True" and pd.notna(p) else fmt.MISSING
            for p, flag in zip(rows["probability"], rows["probability_published"])]


def bridge_figures(tables: VintageTables, lang: str) -> list[Figure]:
    """The waterfall of every bridge of the vintage (``digital_bridges``), one figure per pair of methods and
    year, drawn in ``lang`` (:func:`grdp.report.charts.bridge_waterfall`)."""
    rows = tables.table("digital_bridges")
    return [charts.bridge_waterfall(group.reset_index(drop=True), lang)
            for _, group in rows.groupby(["method_a", "method_b", "region", "year"], sort=False)]


def quarterly_figure(tables: VintageTables, lang: str) -> Figure:
    """The quarterly share of every method with its annual figures and the nowcast, drawn in ``lang`` from
    ``quarterly_digital``, ``quarterly_digital_annual_check`` and ``quarterly_nowcast``
    (:func:`grdp.report.charts.quarterly_shares`)."""
    quarters = tables.table("quarterly_digital")
    annual = tables.table("quarterly_digital_annual_check").rename(columns={"annual_share": "share"})
    nowcast = tables.table("quarterly_nowcast")
    periods = {name: frame.assign(period=pd.PeriodIndex(frame["period"].astype(str), freq="Q"))
               for name, frame in (("quarters", quarters), ("nowcast", nowcast))}
    return charts.quarterly_shares(periods["quarters"], annual[["method", "year", "share"]], periods["nowcast"], lang)


def fan_figures(tables: VintageTables, lang: str) -> list[Figure]:
    """The fan charts of every projected definition, one figure per boundary (panels three wide), drawn in
    ``lang`` from the vintage's tables (:func:`grdp.report.brief.fan_figure`); the targets are drawn on the
    headline definitions only (the others are alternative lenses)."""
    bands = tables.table("forecast_bands")
    figures = []
    for boundary, _ in TREND_SCENARIOS:
        present = set(bands.loc[bands["boundary"] == boundary, "method"])
        methods = [m for m in METHOD_NAMES if m in present]
        if methods:
            figures.append(fan_figure(tables, lang, tuple((boundary, m) for m in methods), ncols=3))
    return figures


def assessment(tables: VintageTables, lang: str) -> str:
    """The target assessment of ``targets_headline``, every boundary, headline definition and target year: the
    ended year's figure and verdict, or the open year's start, what it takes (from the start and from the ends
    of its range) against what was achieved, the projections' range and envelope across models and scenarios,
    whether the models agree, the ensemble where they do, and the probability only where it is published."""
    head = tables.table("targets_headline")
    field = _field(lang)
    out = []
    for r in head.itertuples():
        ended = r.status != "projection"
        if ended:
            figure = (fmt.MISSING if pd.isna(r.value) else fmt.share_with_interval(r.value, r.value_lower,
                                                                                     r.value_upper, lang))
        else:
            start = fmt.published(r.start_share, lang) if r.start_status == "published" else fmt.percent(
                r.start_share, fmt.interval_decimals(r.start_lower, r.start_upper), lang)
            figure = f"{start} ({fmt.year(r.start_year)})"
        required = fmt.MISSING
        if not ended and pd.notna(r.required_excess_growth):
            required = fmt.number(r.required_excess_growth, 1, lang) + fmt.NBSP + fmt.interval(
                r.required_excess_growth_low, r.required_excess_growth_high, 1, lang)
        achieved = fmt.MISSING if pd.isna(r.achieved_excess_growth) else \
            f"{fmt.number(r.achieved_excess_growth, 1, lang)} ({fmt.year(r.achieved_from_year)}–" \
            f"{fmt.year(r.achieved_to_year)})" + ("" if pd.isna(r.achieved_latest_step) else
                                                  f"; {fmt.number(r.achieved_latest_step, 1, lang)} "
                                                  f"({fmt.year(r.achieved_to_year)})")
        ranged = fmt.MISSING if ended or pd.isna(r.range_lower) else \
            f"{fmt.number(r.range_lower, 1, lang)}–{fmt.number(r.range_upper, 1, lang)}"
        envelope = fmt.MISSING if ended or pd.isna(r.envelope_lower) else \
            f"{fmt.number(r.envelope_lower, 1, lang)}–{fmt.number(r.envelope_upper, 1, lang)}"
        median = fmt.MISSING if ended or pd.isna(r.median) else fmt.share_with_interval(r.median, r.lower, r.upper,
                                                                                         lang)
        out.append({field("boundary"): fmt.unbreakable(label("boundary", r.boundary, lang, short=True)),
                    field("method"): label("method", r.method, lang, short=True),
                    field("target_year"): fmt.year(r.target_year), field("target"): fmt.percent(r.target, 0, lang),
                    field("status"): label("status", r.status, lang) if ended else label(
                        "technical", "projection_from", lang).format(status=label("status", r.start_status, lang)),
                    field("figure_or_start"): figure,
                    field("verdict"): label("verdict", r.verdict, lang, short=True) if ended else fmt.MISSING,
                    field("required"): required, field("achieved"): achieved, field("range"): ranged,
                    field("envelope"): envelope,
                    field("models_agree"): fmt.MISSING if ended else label("value", str(r.models_agree), lang),
                    field("ensemble"): median,
                    field("probability"): _probability(pd.DataFrame([r._asdict()]), lang)[0]})
    return captioned(fmt.markdown_table(pd.DataFrame(out), characters=fmt.LANDSCAPE_CHARACTERS), "assessment", lang)


def no_probability(tables: VintageTables, lang: str) -> str:
    """Why no probability is published, per boundary, headline definition and open target year, in plain words
    (:func:`grdp.report.brief.no_probability_reasons`) as a Markdown list ("" when every one is published)."""
    head = tables.table("targets_headline")
    head = head[head["status"] == "projection"]
    evidence = probability_evidence(tables)
    reach = int(evidence["horizon"].max()) if len(evidence) else 0
    lines = []
    for _, r in head.iterrows():
        reasons = no_probability_reasons(r, tables)
        if not reasons:
            continue
        words = "; ".join(label("brief", f"reason_{k}", lang).format(
            reach=reach, places=label("brief", f"place_{r['boundary']}", lang)) for k in reasons)
        lines.append(f"- {label('boundary', r['boundary'], lang, short=True)}, "
                     f"{label('method', r['method'], lang, short=True)}, {fmt.year(r['target_year'])}: {words}")
    return "\n".join(lines)


def forecasts(tables: VintageTables, lang: str, boundary: str, scenario: str) -> str:
    """Every model's projection of each target year on the headline definitions under one scenario
    (``targets_assessment``): horizon, median and interval, and whether the models agree (the ensemble is blank
    where they do not); no single model's probability is published."""
    ass = tables.table("targets_assessment")
    rows = ass[(ass["boundary"] == boundary) & (ass["scenario"] == scenario) & (ass["role"] == "headline")]
    heading, cells = _median(rows, lang, _level(rows))
    shown = rows[["method", "model", "target_year", "target", "horizon"]].rename(columns={"horizon": "horizon_years"})
    shown = shown.assign(**{heading: cells})
    return captioned(table(shown.assign(models_agree=rows["models_agree"].astype(str)), lang, {"target": 0}),
                     f"forecasts:{boundary}", lang, place=label("boundary", boundary, lang))


def lenses(tables: VintageTables, lang: str) -> str:
    """The alternative lenses (HIDS, the OECD/G20 tiers): their projections of the target years under each
    boundary's trend scenario, the range of the models' medians and the ensemble where the models agree, without
    what the targets would take on them (the targets were not set on these definitions)."""
    ass = tables.table("targets_assessment")
    rows = ass[(ass["role"] == "lens") & ass["trend"].astype(str).eq("True")]
    models = rows[rows["model"] != "ensemble"]
    ranges = models.groupby(["boundary", "method", "target_year"])["median"].agg(["min", "max"])
    ensemble = rows[rows["model"] == "ensemble"].drop_duplicates(["boundary", "method", "target_year"])
    heading, cells = _median(ensemble, lang, _level(ensemble))
    shown = ensemble[["boundary", "method", "target_year"]].assign(**{
        label("field", "range", lang): [
            f"{fmt.number(ranges.loc[k, 'min'], 1, lang)}–{fmt.number(ranges.loc[k, 'max'], 1, lang)}"
            if k in ranges.index else fmt.MISSING
            for k in zip(ensemble["boundary"], ensemble["method"], ensemble["target_year"])], heading: cells})
    return captioned(table(shown, lang), "lenses", lang)


def backtests(tables: VintageTables, lang: str) -> str:
    """Relative MASE (against the naive forecast, same forecasts) by backtest series and model."""
    summary = tables.table("forecast_backtest_summary")
    wide = summary.pivot_table(index="series", columns="model", values="relative_mase", aggfunc="first")
    wide = wide.reset_index()
    wide["series"] = [series_name(str(s), lang) for s in wide["series"]]
    shown = wide.rename(columns={"series": label("field", "series", lang), **{
        m: label("model", str(m), lang) for m in wide.columns if has_label("model", str(m))}})
    return captioned(table(shown, lang, headings=False, wide=True), "backtests", lang)


def coverage(tables: VintageTables, lang: str) -> str:
    """Pooled skill over the annual share series, by set (digital-economy shares, section shares) and model:
    forecasts, relative MASE, 80% and 95% coverage."""
    skill = tables.table("forecast_skill")
    rows = skill[["set", "model", "forecasts", "refused", "relative_mase", "coverage_80", "coverage_95"]]
    return captioned(table(rows.assign(**{name: [fmt.percent(100 * v, 0, lang) for v in rows[name]]
                                           for name in ("coverage_80", "coverage_95")}), lang, {"relative_mase": 2},
                           wide=True),
                     "coverage", lang)


def calibration_evidence(tables: VintageTables, lang: str) -> str:
    """The calibration evidence per model and horizon (``forecast_calibration``): forecasts and series, coverage
    of the 80% and 95% intervals with their binomial p-values, the PIT uniformity p-value, and whether the
    model counts as calibrated there (at least 20 forecasts, no test rejecting at 5%)."""
    rows = tables.table("forecast_calibration")
    shown = rows.assign(**{name: [fmt.percent(100 * v, 0, lang) for v in rows[name]]
                           for name in ("coverage_80", "coverage_95")}).rename(columns={"horizon": "horizon_years"})
    return captioned(table(shown.drop(columns="verdict").assign(calibrated=rows["calibrated"].astype(str)), lang,
                           {"p_80": 2, "p_95": 2, "pit_ks_p": 2}, wide=True), "calibration-evidence", lang)


def _scenario_quantity(quantity: str, lang: str) -> str:
    """A scenario quantity's label: its own, else its longest labelled prefix and the rest in words
    (``grdp_growth.target.hcmc.2026-2030``: the target's label, then "former city, 2026–2030")."""
    parts = quantity.split(".")
    for cut in range(len(parts), 0, -1):
        head = ".".join(parts[:cut])
        if has_label("scenario_quantity", head):
            rest = [label("value", p, lang) if has_label("value", p) else p.replace("-", "–") for p in parts[cut:]]
            return label("scenario_quantity", head, lang) + (f": {', '.join(rest)}" if rest else "")
    return quantity


def scenario_numbers(tables: VintageTables, lang: str) -> str:
    """Every number of the scenarios as computed for this vintage (``forecast_scenarios``): the quantity, its
    value (percent a year), whether it is used (supporting evidence is not), the series it reads (from
    ``forecast_scenario_evidence``), its years and the latest release it rests on."""
    rows = tables.table("forecast_scenarios")
    evidence = tables.table("forecast_scenario_evidence")
    series = {key: "; ".join(dict.fromkeys(f"{dataset_name(s, lang)} ({series_name(v, lang)})"
                                           for s, v in zip(g["source_id"], g["variable"])))
              for key, g in evidence.groupby(["scenario", "quantity"])}
    years = [fmt.MISSING if pd.isna(a) else f"{fmt.year(a)}–{fmt.year(b)}"
             for a, b in zip(rows["from_year"], rows["to_year"])]
    shown = pd.DataFrame({
        "scenario": rows["scenario"], "quantity": [_scenario_quantity(q, lang) for q in rows["quantity"]],
        "value_pct": rows["value"], "used": rows["used"].astype(str),
        "series": [series.get((a, b), fmt.MISSING) for a, b in zip(rows["scenario"], rows["quantity"])],
        "years": years, "latest_release": rows["latest_release"].fillna(fmt.MISSING)})
    return captioned(table(shown, lang, {"value_pct": 2}, wide=True), "scenario-numbers", lang)


def scenario_evidence(tables: VintageTables, lang: str) -> str:
    """Every published figure the scenarios' numbers rest on, once (``forecast_scenario_evidence``): dataset,
    series, period, value, release, publisher and rating."""
    rows = tables.table("forecast_scenario_evidence")
    rows = rows.drop_duplicates(["source_id", "region", "boundary", "variable", "period", "release_date"])
    shown = pd.DataFrame({
        "dataset": [dataset_name(s, lang) for s in rows["source_id"]],
        "series": [f"{_region_place(r, b, lang)}: {series_name(v, lang)}"
                   for r, b, v in zip(rows["region"], rows["boundary"], rows["variable"])],
        "period": rows["period"].astype(str),
        "value": [fmt.number(v, 0 if v > 1000 else 2, lang) for v in rows["value"]],
        "release": rows["release_date"], "publisher": [publisher_name(p, lang) for p in rows["publisher"]],
        "rating": rows["rating"]})
    return captioned(table(shown, lang, wide=True), "scenario-evidence", lang)


def scenarios(tables: VintageTables, lang: str) -> str:
    """The ensemble's projection of each target year under every scenario, headline definitions (median and
    interval, blank where the models disagree); probabilities only where published (never under a scenario
    other than the trend: a scenario is an assumption, not a forecast)."""
    ass = tables.table("targets_assessment")
    rows = ass[(ass["model"] == "ensemble") & (ass["role"] == "headline")]
    heading, cells = _median(rows, lang, _level(rows))
    shown = rows[["boundary", "method", "scenario", "target_year", "target"]].assign(**{
        heading: cells, "probability": _probability(rows, lang)})
    return captioned(table(shown, lang, {"target": 0}), "scenarios", lang)


def measured(tables: VintageTables, lang: str) -> str:
    """Targets of the years that have ended (``targets_measured``): the year's figure (published, else grdp's
    estimate) with its range or interval, and the verdict; the alternative lenses marked as such."""
    rows = tables.table("targets_measured")
    level = _level(rows)
    cells = [fmt.share_with_interval(v, lo, hi, lang) if pd.notna(v) else fmt.MISSING
             for v, lo, hi in zip(rows["estimate"], rows["lower"], rows["upper"])]
    heading = label("field", "estimate_interval", lang).format(level=level if level is not None else "")
    shown = rows[["boundary", "method", "role", "target_year", "target", "status"]].assign(**{
        heading: cells, "verdict": rows["verdict"], "gap_pp": rows["gap_pp"]})
    return captioned(table(shown, lang, {"target": 0, "gap_pp": 1}), "measured", lang)


def decisions(tables: VintageTables, lang: str) -> str:
    """Every target decision known at the vintage's date (``targets_decisions``): region, boundary, year, value,
    instrument, issuer, decision date, rating, whether it is in force and what superseded it."""
    rows = tables.table("targets_decisions")
    shown = pd.DataFrame({
        "region": rows["region"], "boundary": rows["boundary"], "year": rows["year"], "target": rows["target"],
        "instrument": [label("instrument", i, lang) if has_label("instrument", i) else i for i in rows["instrument"]],
        "issuer": [publisher_name(i, lang) for i in rows["issuer"]], "decided": rows["decided"],
        "rating": rows["rating"], "in_force": rows["in_force"].astype(str),
        "superseded_by": rows["superseded_by"].fillna("").replace("", fmt.MISSING)})
    return captioned(table(shown, lang, {"target": 0}, wide=True), "decisions", lang)


def _quantity(quantity: str, unit: str, lang: str) -> str:
    return label("quantity", quantity, lang, short=True) if has_label("quantity", quantity) else f"{quantity} ({unit})"


def _series(row: pd.Series, lang: str) -> str:
    def given(name: str) -> str:
        value = row.get(name)
        return "" if value is None or pd.isna(value) else str(value)

    parts = [label("method", given("method"), lang, short=True) if given("method") else "",
             label("boundary", given("boundary"), lang, short=True) if given("boundary") else "",
             _scenario(given("scenario"), lang) if given("scenario") else ""]
    return ", ".join(p for p in parts if p)


def _value(value: float, quantity: str, lang: str) -> str:
    if quantity == "grdp":
        return fmt.number(value, 0, lang)
    if quantity == "probability":
        return fmt.probability(value, lang)
    return fmt.number(value, 2, lang)


def revisions(tables: VintageTables, lang: str) -> tuple[str, str]:
    """The revised values up to this vintage (released more than once, with a revision above :data:`REVISED`)
    and the summary statistics of every value released more than once.

    One row per revised value: the quantity and its unit, the series (definition, boundary, scenario), the year, the
    number of releases, the first and latest release with their vintages, and the revision between them
    (bn VND for GRDP, pp for shares and forecasts, probability points for probabilities). Returns two
    Markdown strings; both are a sentence when there is only one vintage.
    """
    rev = revision_table(upto=tables.vintage)
    repeated = rev[(rev["releases"] > 1) & (rev["revision"].abs() > REVISED)]
    if not (rev["releases"] > 1).any():
        note = label("technical", "one_vintage", lang).format(vintage=tables.vintage)
        return note, note
    field = _field(lang)
    scale = [100.0 if q == "probability" else 1.0 for q in repeated["quantity"]]
    shown = pd.DataFrame({
        field("quantity"): [_quantity(q, u, lang) for q, u in zip(repeated["quantity"], repeated["revision_unit"])],
        field("series"): [_series(r, lang) for _, r in repeated.iterrows()],
        field("year"): [fmt.year(y) for y in repeated["year"]],
        field("releases"): [fmt.number(n, 0, lang) for n in repeated["releases"]],
        field("first"): [f"{_value(v, q, lang)} ({k})" for v, q, k in zip(repeated["first_value"],
                                                                          repeated["quantity"],
                                                                          repeated["first_vintage"])],
        field("latest"): [f"{_value(v, q, lang)} ({k})" for v, q, k in zip(repeated["latest_value"],
                                                                           repeated["quantity"],
                                                                           repeated["latest_vintage"])],
        field("revision"): [fmt.number(s * v, 0 if q == "grdp" else 2, lang)
                            for s, v, q in zip(scale, repeated["revision"], repeated["quantity"])]},
        columns=[field(name) for name in ("quantity", "series", "year", "releases", "first", "latest", "revision")])
    summary = revision_summary(rev)
    summary_scale = [100.0 if q == "probability" else 1.0 for q in summary["quantity"]]
    short = pd.DataFrame({
        field("quantity"): [_quantity(q, u, lang) for q, u in zip(summary["quantity"], summary["revision_unit"])],
        field("series"): [_series(r, lang) for _, r in summary.iterrows()],
        field("values"): [fmt.number(n, 0, lang) for n in summary["values"]],
        field("compared"): [fmt.number(n, 0, lang) for n in summary["compared"]],
        field("revised"): [fmt.number(n, 0, lang) for n in summary["revised"]],
        field("mean_revision"): [fmt.number(s * v, 3, lang) for s, v in zip(summary_scale, summary["mean_revision"])],
        field("mean_absolute_revision"): [fmt.number(s * v, 3, lang) for s, v in
                                          zip(summary_scale, summary["mean_absolute_revision"])]})
    figures = (field("first"), field("latest"))
    return (captioned(fmt.markdown_table(shown, figures=figures, characters=fmt.LANDSCAPE_CHARACTERS), "revisions",
                      lang),
            captioned(fmt.markdown_table(short, characters=fmt.LANDSCAPE_CHARACTERS), "revision-summary", lang))


def _field(lang: str) -> Callable[[str], str]:
    """Return ``name -> label("field", name, lang)``."""
    return lambda name: label("field", name, lang)


def reproduce(tables: VintageTables, lang: str) -> str:
    """How the vintage was made: parameters, git revision, package versions and the number of input files."""
    manifest = tables.manifest
    words = _field(lang)

    def item(key: str, **names: str) -> str:
        return label("technical", key, lang).format(**names)

    rows = [(item("vintage"), tables.vintage),
            *((item("parameter", name=label("run_parameter", k, lang) if has_label("run_parameter", k) else k),
               _parameter_value(k, v, lang)) for k, v in manifest["parameters"].items()),
            (item("git_revision"), manifest.get("git_revision", "unknown")),
            (item("run_started"), manifest.get("started", "")), (item("run_finished"), manifest.get("finished", "")),
            (item("inputs"), str(len(manifest.get("inputs", {})))),
            (item("outputs"), str(len(manifest.get("outputs", {})))),
            *((item("version", name=k), v) for k, v in manifest.get("versions", {}).items())]
    shown = pd.DataFrame(rows, columns=[words("item"), words("value")])
    return captioned(fmt.markdown_table(shown), "reproduce", lang)


def _parameter_value(name: str, value: object, lang: str) -> str:
    """A run parameter's value in words: the cut-off as a date, the region and boundary by their names."""
    text = str(value)
    if name == "as_of":
        return fmt.long_date(text, lang)
    if name == "region" and has_label("part", text):
        return label("part", text, lang)
    if name == "boundary" and has_label("boundary", text):
        return label("boundary", text, lang)
    return text


def scenario_notes(lang: str) -> str:
    """The scenarios' labels and rationales (text of ``grdp/data/scenarios.yaml``), as a Markdown list."""
    return "\n".join(f"- **{s.label[lang]}** ({label('boundary', s.boundary, lang, short=True)}): "
                     f"{' '.join(s.rationale[lang].split())}" for s in load_scenarios().values())


def methods_page(lang: str) -> str:
    """The methods document in the report's language (:func:`grdp.base.paths.methods_document`) without its title,
    for the report's methods appendix (its ``##`` sections become the appendix's subsections); where there is no
    document in ``lang``, the English one after a note saying so in ``lang``."""
    document = paths.methods_document(lang)
    note = ""
    if not document.exists():
        document = paths.methods_document("en")
        note = label("technical", "methods_note", lang) + "\n\n"
    lines = document.read_text(encoding="utf-8").splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]  # the document's title: the appendix heading stands for it
    return note + "\n".join(lines)
