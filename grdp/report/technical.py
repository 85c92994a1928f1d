"""Sections of the technical report, each a Markdown table built from one vintage's tables.

The technical report (``reports/technical_en.ipynb``) is for the economists who check the work: sources and
their quality ratings, the sector accounts (published, derived, imputed), each method's components, the
reproduction of published figures, the bridges between methods, the quarterly series and nowcast, the
forecasts, their backtests, the scenarios, the targets already measured, the revision table and how to
reproduce the vintage. Nothing is re-estimated: each function selects, pivots and formats a vintage table.
"""

from __future__ import annotations

import pandas as pd

from grdp.report import formatting as fmt
from grdp.report.vintage_tables import VintageTables

LANG = "en"


def table(frame: pd.DataFrame, decimals: int | dict[str, int] = 2) -> str:
    """Return a Markdown table of ``frame`` with its float columns formatted (``decimals`` per column or for all).

    Integer-valued columns (years, counts) are shown without decimals; text is shown as it is.
    """
    out = pd.DataFrame(index=frame.index)
    for name, column in frame.items():
        places = decimals.get(name, 2) if isinstance(decimals, dict) else decimals
        if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
            out[name] = column.astype("string").fillna(fmt.MISSING)
        elif pd.api.types.is_integer_dtype(column) or name in ("year", "target_year", "horizon", "forecasts"):
            out[name] = [fmt.number(v, 0, LANG).replace(",", "") if name.endswith("year") else fmt.number(v, 0, LANG)
                         for v in column]
        else:
            out[name] = [fmt.number(v, places, LANG) for v in column]
    return fmt.markdown_table(out)


def sources(tables: VintageTables) -> str:
    """Sources used by the vintage: rows by source and by quality rating (green/amber/red), release dates."""
    obs = tables.table("observations_as_of")
    ratings = obs.pivot_table(index="source_id", columns="rating", values="value", aggfunc="size", fill_value=0)
    ratings = ratings.reindex(columns=["green", "amber", "red"], fill_value=0)
    dates = obs.groupby("source_id")["publication_date"].agg(["min", "max"]).astype(str)
    out = pd.DataFrame({"rows": obs.groupby("source_id").size()}).join(ratings).join(dates)
    out = out.rename(columns={"min": "first release", "max": "last release"}).reset_index()
    return table(out)


def accounts_quality(tables: VintageTables) -> str:
    """Cells of the sector accounts by year that are derived or imputed (the rest are published)."""
    region, boundary = tables.parameters["region"], tables.parameters["boundary"]
    return table(tables.table(f"cell_counts_{region}_{boundary}"))


def accounts_year(tables: VintageTables, year: int | None = None) -> tuple[int, str]:
    """The sector account of one year (default: the latest): value, share, quality and method by industry."""
    region, boundary = tables.parameters["region"], tables.parameters["boundary"]
    acc = tables.table(f"accounts_{region}_{boundary}")
    year = int(acc["year"].max()) if year is None else year
    rows = acc[acc["year"] == year][["industry", "value", "share", "quality", "method"]]
    rows = rows.assign(share=100 * rows["share"])
    return year, table(rows, {"value": 0, "share": 2})


def components(tables: VintageTables, year: int | None = None) -> tuple[int, str]:
    """Each method's share by component in one year (default: the latest with every method), percent of GRDP."""
    est = tables.table("digital_estimates")
    year = int(est.groupby("year")["method"].nunique().pipe(lambda n: n[n == n.max()]).index.max()) \
        if year is None else year
    rows = est[est["year"] == year][["method", "component", "point", "lower", "upper"]]
    return year, table(rows.rename(columns={"point": "share %"}))


def reproduction(tables: VintageTables) -> str:
    """How far each method's estimate is from the figures its institution published (in and out of sample)."""
    return table(tables.table("digital_reproduction_summary"))


def reproduction_detail(tables: VintageTables) -> str:
    """Every published figure compared with the estimate (fitted, held out, or shown only)."""
    rep = tables.table("digital_reproduction")
    return table(rep[["method", "region", "period", "variable", "published", "model", "diff", "held_out", "release",
                      "rating"]])


def bridges(tables: VintageTables) -> str:
    """The bridges between methods: start, each step's contribution in pp, and the end."""
    return table(tables.table("digital_bridges")[["method_a", "method_b", "year", "step", "label", "value"]])


def calibration(tables: VintageTables) -> str:
    """Calibrated coefficients with their prior range, basis and whether they sit on a bound."""
    return table(tables.table("digital_calibration"), 4)


def quarterly_checks(tables: VintageTables) -> str:
    """Largest gap between the quarterly shares and the annual estimates they must add up to, by method."""
    check = tables.table("quarterly_digital_annual_check")
    out = check.assign(gap=check["difference"].abs()).groupby("method")["gap"].max().reset_index()
    return table(out.rename(columns={"gap": "max |annual - from quarters| (pp)"}), 10)


def quarterly_grdp(tables: VintageTables) -> str:
    """Quarterly GRDP against the published quarterly figures (benchmarked or checked)."""
    checks = tables.table("quarterly_grdp_checks")
    return table(checks[["period", "published", "estimate", "difference", "status", "release"]],
                 {"published": 0, "estimate": 0, "difference": 2})


def seasonal(tables: VintageTables) -> str:
    """Seasonal adjustment diagnostics (X-13ARIMA-SEATS): model, Tet effect, outliers, M7 and Q."""
    return table(tables.table("quarterly_seasonal_diagnostics").drop(columns=["warnings"]), 3)


def nowcast(tables: VintageTables) -> str:
    """The nowcast of the quarter after the last benchmarked one, with its interval."""
    return table(tables.table("quarterly_nowcast")[["period", "method", "share", "lower", "upper", "level", "horizon"]])


def forecasts(tables: VintageTables, boundary: str, scenario: str) -> str:
    """Every model's forecast of each target year (median, 80% interval, probability of reaching the target)."""
    ass = tables.table("targets_assessment")
    rows = ass[(ass["boundary"] == boundary) & (ass["scenario"] == scenario)]
    return table(rows[["method", "model", "target_year", "target", "median", "lower", "upper", "probability"]])


def backtests(tables: VintageTables) -> str:
    """Relative MASE (against the naive forecast, same forecasts) by backtest series and model."""
    summary = tables.table("forecast_backtest_summary")
    wide = summary.pivot_table(index="series", columns="model", values="relative_mase", aggfunc="first")
    return table(wide.reset_index())


def coverage(tables: VintageTables) -> str:
    """Pooled skill over the annual share series: forecasts, relative MASE, 80% and 95% coverage, verdict."""
    skill = tables.table("forecast_skill")
    return table(skill[["model", "forecasts", "refused", "relative_mase", "coverage_80", "coverage_95", "verdict"]])


def scenarios(tables: VintageTables) -> str:
    """The ensemble's median and probability of reaching each target under every scenario."""
    ass = tables.table("targets_assessment")
    rows = ass[ass["model"] == "ensemble"]
    return table(rows[["boundary", "method", "scenario", "target_year", "target", "median", "lower", "upper",
                       "probability"]])


def measured(tables: VintageTables) -> str:
    """Targets whose year is already estimated: the estimate, its interval and whether the target was met."""
    return table(tables.table("targets_measured")[["boundary", "method", "target_year", "target", "estimate", "lower",
                                                   "upper", "probability", "met"]])


def revisions(tables: VintageTables) -> tuple[str, str]:
    """The revision table up to this vintage (values released more than once) and its summary statistics.

    Returns two Markdown strings; both are a sentence when there is only one vintage.
    """
    from grdp.revisions import revision_summary, revision_table

    rev = revision_table(upto=tables.vintage)
    repeated = rev[rev["releases"] > 1]
    if repeated.empty:
        note = f"Only one vintage ({tables.vintage}) has been published so far: no value has been revised yet."
        return note, note
    shown = repeated[["quantity", "boundary", "method", "scenario", "year", "revision_unit", "releases",
                      "first_vintage", "first_value", "latest_vintage", "latest_value", "revision"]]
    return table(shown, 3), table(revision_summary(rev), 3)


def reproduce(tables: VintageTables) -> str:
    """How the vintage was made: parameters, git revision, package versions and the number of input files."""
    manifest = tables.manifest
    rows = [("vintage", tables.vintage), *((f"parameter: {k}", str(v)) for k, v in manifest["parameters"].items()),
            ("git revision", manifest.get("git_revision", "unknown")), ("run started", manifest.get("started", "")),
            ("run finished", manifest.get("finished", "")),
            ("input files (SHA-256 in manifest.json)", str(len(manifest.get("inputs", {})))),
            ("output files", str(len(manifest.get("outputs", {})))),
            *((f"version: {k}", v) for k, v in manifest.get("versions", {}).items())]
    return fmt.markdown_table(pd.DataFrame(rows, columns=["item", "value"]))


def scenario_notes(lang: str = LANG) -> str:
    """The scenarios' labels and rationales (text of ``grdp/data/scenarios.yaml``), as a Markdown list."""
    from grdp.forecast.scenarios import load_scenarios

    return "\n".join(f"- **{s.id}** ({s.boundary} boundary), {s.label[lang]}: {' '.join(s.rationale[lang].split())}"
                     for s in load_scenarios().values())


def methods_page() -> str:
    """The methods document (``docs/methods.md``) with its headings moved one level down, for the report's
    methods appendix: one text, kept with the code it describes, shown in the report as it is."""
    from grdp import paths

    text = paths.methods_document().read_text(encoding="utf-8")
    return "\n".join("#" + line if line.startswith("#") else line for line in text.splitlines())
