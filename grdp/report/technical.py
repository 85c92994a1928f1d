"""Sections of the technical report, each a Markdown table built from one vintage's tables, in Vietnamese or English.

The technical report (``reports/technical_vi.ipynb``, ``reports/technical_en.ipynb``: the same cells, words
in each language) is for the economists who check the work: sources and their quality ratings, the sector
accounts (published, derived, imputed), each method's components, the reproduction of published figures,
the bridges between methods, the quarterly series and nowcast, the forecasts, their backtests, the
scenarios, the targets already measured, the revision table and how to reproduce the vintage. Nothing is
re-estimated: each function selects, pivots and formats a vintage table.

Column headings are words (``labels.yaml``, kind ``field``), categorical values are translated (kinds
``value``, ``step``, ``method``, ``boundary``), identifiers (source folders, parameters, series) may wrap at
``_``, ``.`` and ``:``, and a share with its interval is one cell (``27.1% [23.2, 30.0]``, rounded as the
interval allows). The notebooks set the widest tables on landscape pages (``::: {.landscape}`` divs).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from matplotlib.figure import Figure

from grdp.labels import has_label, label
from grdp.report import formatting as fmt
from grdp.report.vintage_tables import VintageTables

YEAR_COLUMNS = ("year", "target_year")
CATEGORIES = ("quality", "rating", "status", "basis", "mode", "component", "region", "in_sample_ok", "held_out_ok",
              "held_out", "at_bound", "met")
"""Columns whose values are identifiers with a word in ``labels.yaml`` (kind ``value``)."""
STEPS = ("start", "core", "platform", "sectoral", "basis", "regional", "denominator", "residual", "end")
"""Order of a bridge's steps as columns: from the first method's share through the switches to the second's."""
TREND_SCENARIOS = (("old", "baseline"), ("merged", "merged-baseline"))
"""The boundaries and their trend scenarios whose fan charts the technical report shows."""
REVISED = 1e-9
"""A revision smaller than this (in the value's unit) is no revision: the value was released again unchanged."""
IDENTIFIERS = ("source_id", "parameter", "series", "variable", "arima_model", "outliers")
"""Columns of identifiers, shown as they are but allowed to wrap."""


def _scenario(key: str, lang: str) -> str:
    from grdp.forecast.scenarios import load_scenarios

    scenarios = load_scenarios()
    return scenarios[key].label[lang] if key in scenarios else key


def _cell(name: str, value: object, lang: str) -> str:
    """One categorical or identifier cell in words."""
    if value is None or pd.isna(value):
        return fmt.MISSING
    text = str(value)
    if name in ("method", "method_a", "method_b") and has_label("method", text):
        return label("method", text, lang, short=True)
    if name == "boundary" and has_label("boundary", text):
        return label("boundary", text, lang, short=True)
    if name == "scenario":
        return _scenario(text, lang)
    if name in CATEGORIES and has_label("value", text):
        return label("value", text, lang)
    if name in IDENTIFIERS:
        return fmt.breakable(text)
    return text


def table(frame: pd.DataFrame, lang: str, decimals: int | dict[str, int] = 2, headings: bool = True) -> str:
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
    return fmt.markdown_table(out)


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
    return table(out, lang)


def accounts_quality(tables: VintageTables, lang: str) -> str:
    """Cells of the sector accounts by year that are derived or imputed (the rest are published)."""
    region, boundary = tables.parameters["region"], tables.parameters["boundary"]
    return table(tables.table(f"cell_counts_{region}_{boundary}"), lang)


def accounts_year(tables: VintageTables, lang: str, year: int | None = None) -> tuple[str, str]:
    """The sector account of one year (default: the latest): value, share, quality and how it was obtained,
    by industry; returns the caption and the table."""
    region, boundary = tables.parameters["region"], tables.parameters["boundary"]
    acc = tables.table(f"accounts_{region}_{boundary}")
    year = int(acc["year"].max()) if year is None else year
    rows = acc[acc["year"] == year][["industry", "value", "share", "quality", "method"]]
    rows = rows.assign(share=100 * rows["share"]).rename(columns={"value": "value_bn", "share": "share_pct",
                                                                  "method": "how"})
    caption = label("technical", "account_caption", lang).format(year=fmt.year(year))
    return caption, table(rows, lang, {"value_bn": 0, "share_pct": 2})


def components(tables: VintageTables, lang: str, year: int | None = None) -> tuple[str, str]:
    """Each method's share by component in one year (default: the latest with every method), percent of GRDP,
    with its Monte Carlo interval; returns the caption and the table."""
    est = tables.table("digital_estimates")
    year = int(est.groupby("year")["method"].nunique().pipe(lambda n: n[n == n.max()]).index.max()) \
        if year is None else year
    rows = est[est["year"] == year][["method", "component", "point", "lower", "upper", "level"]]
    level = _level(rows)
    rows = _with_interval(rows.drop(columns="level"), "point", "share_interval", lang, level)
    caption = label("technical", "components_caption", lang).format(year=fmt.year(year))
    return caption, table(rows, lang)


def reproduction(tables: VintageTables, lang: str) -> str:
    """How far each method's estimate is from the figures its institution published (in and out of sample)."""
    return table(tables.table("digital_reproduction_summary"), lang)


def reproduction_detail(tables: VintageTables, lang: str) -> str:
    """Every published figure compared with the estimate (fitted, held out, or shown only)."""
    rep = tables.table("digital_reproduction")
    return table(rep[["method", "region", "period", "variable", "published", "model", "diff", "held_out", "release",
                       "rating"]], lang)


def bridges(tables: VintageTables, lang: str) -> str:
    """The bridges between methods, one row per pair and year: the start (published share of the first
    method), each switch's contribution in pp, the residual and the end (published share of the second)."""
    rows = tables.table("digital_bridges")
    present = list(dict.fromkeys(rows["step"]))
    known = [step for step in STEPS if step in present]
    steps = known + [step for step in present if step not in known]
    wide = rows.pivot_table(index=["method_a", "method_b", "year"], columns="step", values="value", aggfunc="first")
    wide = wide.reindex(columns=steps).reset_index()
    pair = [f"{label('method', a, lang, short=True)} → {label('method', b, lang, short=True)}"
            for a, b in zip(wide["method_a"], wide["method_b"])]
    out = pd.DataFrame({label("field", "bridge", lang): pair, label("field", "year", lang): [
        fmt.year(y) for y in wide["year"]]})
    for step in steps:
        out[label("step", step, lang) if has_label("step", step) else step] = [fmt.number(v, 2, lang)
                                                                               for v in wide[step]]
    return fmt.markdown_table(out)


def calibration(tables: VintageTables, lang: str) -> str:
    """Calibrated coefficients with their prior range, basis and whether they sit on a bound."""
    return table(tables.table("digital_calibration"), lang, 4)


def quarterly_checks(tables: VintageTables, lang: str) -> str:
    """Largest gap between the quarterly shares and the annual estimates they must add up to, by method
    (in pp, two significant figures: a rounding error is of the order of 1e-12)."""
    check = tables.table("quarterly_digital_annual_check")
    gaps = check.assign(annual_gap=check["difference"].abs()).groupby("method")["annual_gap"].max().reset_index()
    decimal = label("number", "decimal", lang)
    gaps["annual_gap"] = [f"{v:.1e}".replace(".", decimal).replace("-", fmt.MINUS) for v in gaps["annual_gap"]]
    return table(gaps, lang)


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
    return table(rows, lang, {"difference_pct": 2})


def seasonal(tables: VintageTables, lang: str) -> str:
    """Seasonal adjustment diagnostics (X-13ARIMA-SEATS): model, Tet effect, outliers, M7 and Q."""
    rows = tables.table("quarterly_seasonal_diagnostics").drop(columns=["warnings"])
    return table(rows.rename(columns={"method": "adjustment"}), lang, 3)


def nowcast(tables: VintageTables, lang: str) -> str:
    """The nowcast of the quarter after the last benchmarked one, with its interval."""
    rows = tables.table("quarterly_nowcast")[["period", "method", "share", "lower", "upper", "level", "horizon"]]
    level = _level(rows)
    return table(_with_interval(rows.drop(columns="level"), "share", "share_interval", lang, level), lang)


def _assessment(rows: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    """Rows of ``targets_assessment`` with the median and its interval as one cell and the probability rounded."""
    level = _level(rows)
    out = _with_interval(rows[columns + ["median", "lower", "upper", "probability"]], "median", "median_interval",
                         lang, level)
    return out.assign(probability=[fmt.probability(p, lang) for p in out["probability"]])


def fan_figures(tables: VintageTables, lang: str) -> list[Figure]:
    """The fan charts of every definition, one figure per boundary with its trend scenario (``baseline``,
    ``merged-baseline``), drawn in ``lang`` from the vintage's tables (:func:`grdp.report.brief.fan_figure`)."""
    from grdp.report.brief import fan_figure

    head = tables.table("targets_headline")
    bands = tables.table("forecast_bands")
    figures = []
    for boundary, scenario in TREND_SCENARIOS:
        if ((head["boundary"] == boundary) & (head["scenario"] == scenario)).any():
            methods = tuple(dict.fromkeys(bands.loc[(bands["boundary"] == boundary) & (bands["scenario"] == scenario),
                                                    "method"]))
            figures.append(fan_figure(tables, lang, boundary, scenario, methods))
    return figures


def forecasts(tables: VintageTables, lang: str, boundary: str, scenario: str) -> str:
    """Every model's forecast of each target year (median, interval, probability of reaching the target)."""
    ass = tables.table("targets_assessment")
    rows = ass[(ass["boundary"] == boundary) & (ass["scenario"] == scenario)]
    return table(_assessment(rows, ["method", "model", "target_year", "target"], lang), lang, {"target": 0})


def backtests(tables: VintageTables, lang: str) -> str:
    """Relative MASE (against the naive forecast, same forecasts) by backtest series and model."""
    summary = tables.table("forecast_backtest_summary")
    wide = summary.pivot_table(index="series", columns="model", values="relative_mase", aggfunc="first")
    wide = wide.reset_index()
    wide["series"] = [fmt.breakable(s) for s in wide["series"]]
    shown = wide.rename(columns={"series": label("field", "series", lang)})
    return table(shown, lang, headings=False)


def coverage(tables: VintageTables, lang: str) -> str:
    """Pooled skill over the annual share series: forecasts, relative MASE, 80% and 95% coverage."""
    skill = tables.table("forecast_skill")
    rows = skill[["model", "forecasts", "refused", "relative_mase", "coverage_80", "coverage_95"]]
    return table(rows.assign(**{name: [fmt.percent(100 * v, 0, lang) for v in rows[name]]
                                 for name in ("coverage_80", "coverage_95")}), lang, {"relative_mase": 2})


def scenarios(tables: VintageTables, lang: str) -> str:
    """The ensemble's median and probability of reaching each target under every scenario."""
    ass = tables.table("targets_assessment")
    rows = ass[ass["model"] == "ensemble"]
    return table(_assessment(rows, ["boundary", "method", "scenario", "target_year", "target"], lang), lang,
                  {"target": 0})


def measured(tables: VintageTables, lang: str) -> str:
    """Targets whose year is already estimated: the estimate, its interval and whether the target was met."""
    rows = tables.table("targets_measured")
    level = _level(rows)
    out = _with_interval(rows[["boundary", "method", "target_year", "target", "estimate", "lower", "upper",
                               "probability", "met"]], "estimate", "estimate_interval", lang, level)
    return table(out.assign(probability=[fmt.probability(p, lang) for p in out["probability"]]), lang, {"target": 0})


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
    from grdp.revisions import revision_summary, revision_table

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
    return fmt.markdown_table(shown, figures=figures), fmt.markdown_table(short)


def revision_summary_caption(lang: str) -> str:
    """The caption of the revision summary (second table of :func:`revisions`)."""
    return label("technical", "revision_summary_caption", lang)


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
            *((item("parameter", name=k), str(v)) for k, v in manifest["parameters"].items()),
            (item("git_revision"), manifest.get("git_revision", "unknown")),
            (item("run_started"), manifest.get("started", "")), (item("run_finished"), manifest.get("finished", "")),
            (item("inputs"), str(len(manifest.get("inputs", {})))),
            (item("outputs"), str(len(manifest.get("outputs", {})))),
            *((item("version", name=k), v) for k, v in manifest.get("versions", {}).items())]
    return fmt.markdown_table(pd.DataFrame(rows, columns=[words("item"), words("value")]))


def scenario_notes(lang: str) -> str:
    """The scenarios' labels and rationales (text of ``grdp/data/scenarios.yaml``), as a Markdown list."""
    from grdp.forecast.scenarios import load_scenarios

    return "\n".join(f"- **{s.label[lang]}** ({label('boundary', s.boundary, lang, short=True)}): "
                     f"{' '.join(s.rationale[lang].split())}" for s in load_scenarios().values())


def methods_page(lang: str) -> str:
    """The methods document (``docs/methods.md``) without its title, for the report's methods appendix (its
    ``##`` sections become the appendix's subsections): one text, kept with the code it describes (in
    English), shown as it is after a note in the report's language."""
    from grdp import paths

    lines = paths.methods_document().read_text(encoding="utf-8").splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]  # the document's title: the appendix heading stands for it
    return f"{label('technical', 'methods_note', lang)}\n\n" + "\n".join(lines)
