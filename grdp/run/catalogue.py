"""The catalogue of a vintage's tables: every table a run writes, what one of its rows is, and its columns.

A vintage holds the tables its four notebooks write into ``forecasts/<vintage>/tables/`` and, once its reports are
published, the revision table of ``reports/tables/``. :data:`TABLES` has one :class:`Table` for each: its name (for
a table written for the run's region and boundary, a pattern such as ``accounts_{region}_{boundary}`` whose
placeholders take the codes of :data:`PARAMETERS`), what writes it, one line on what it holds, its key (the columns
that identify a row: no two rows share their values) and its schema, the columns in the order they are written,
each with a coarse kind.

The kind of a column says what its non-blank cells hold in the CSV file; a blank cell is a missing value whatever
the kind. ``integer``: whole numbers; ``number``: any number (written with at most 10 significant digits, so a
whole number too); ``boolean``: ``True`` or ``False``; ``date``: an ISO date, ``YYYY-MM-DD``; ``text``: anything.
Kinds describe the tables: the tests hold them against real vintages, a run does not check them.

Who uses it: :func:`grdp.run.vintage.write_table` checks every table with :func:`check` before writing it;
:class:`grdp.report.vintage_tables.VintageTables` reads only catalogued tables, the workbook's layout
(:mod:`grdp.publish.workbook`) may only name catalogued tables and columns, and :mod:`grdp.run.revisions` names the
tables it reads through :func:`entry`; so a table or column that is not catalogued fails loudly, naming itself.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

import pandas as pd

from grdp.base import schemas

Kind = Literal["integer", "number", "boolean", "date", "text"]
"""The coarse kind of a column (see the module's description)."""
INTEGER: Kind = "integer"
NUMBER: Kind = "number"
BOOLEAN: Kind = "boolean"
DATE: Kind = "date"
TEXT: Kind = "text"
KINDS: tuple[Kind, ...] = (INTEGER, NUMBER, BOOLEAN, DATE, TEXT)
"""Every kind of column."""

PARAMETERS: Mapping[str, frozenset[str]] = {"region": schemas.ESTIMATED_REGIONS, "boundary": schemas.BOUNDARIES}
"""The placeholders of a table's name pattern and the codes each takes (those of :mod:`grdp.base.schemas`)."""

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SECTOR_ACCOUNTS = "notebooks/01_sector_accounts.ipynb"
_DIGITAL_ECONOMY = "notebooks/02_digital_economy.ipynb"
_QUARTERLY = "notebooks/03_quarterly.ipynb"
_TARGETS_FORECAST = "notebooks/04_targets_forecast.ipynb"
_PUBLICATION = "grdp.publish.render"


class CatalogueError(ValueError):
    """Raised for a table the catalogue does not list, or a table that does not match its entry."""


@dataclass(frozen=True)
class Column:
    """One column of a table: its name and its coarse kind (:data:`KINDS`)."""

    name: str
    kind: Kind


@dataclass(frozen=True)
class Table:
    """One table of a vintage.

    Attributes
    ----------
    name
        The table's name (the file is ``<name>.csv``); for a table written for the run's region and boundary, a
        pattern with the placeholders of :data:`PARAMETERS`, e.g. ``accounts_{region}_{boundary}``.
    written_by
        The notebook that writes it (``notebooks/<notebook>.ipynb``), or ``grdp.publish.render`` for the table
        written with the reports.
    description
        One line on what the table holds.
    key
        The columns that identify a row: no two rows of the table share their values.
    columns
        The table's columns in the order they are written.

    Raises
    ------
    CatalogueError
        If the entry contradicts itself: a repeated column, a key column that is not a column, an unknown kind
        or placeholder.
    """

    name: str
    written_by: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    def __post_init__(self) -> None:
        names = self.column_names
        problems = [f"column {name!r} is repeated" for name in sorted({n for n in names if names.count(n) > 1})]
        problems += [f"key column {name!r} is not a column" for name in self.key if name not in names]
        problems += [f"column {c.name!r} has no kind {c.kind!r}" for c in self.columns if c.kind not in KINDS]
        problems += [f"placeholder {{{p}}} is not one of {', '.join(PARAMETERS)}" for p in self.parameters
                     if p not in PARAMETERS]
        if problems:
            raise CatalogueError(f"catalogue entry {self.name!r}: {'; '.join(problems)}")

    @property
    def column_names(self) -> tuple[str, ...]:
        """The names of the columns, in order."""
        return tuple(column.name for column in self.columns)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The placeholders of the name, in order; none for a table with a fixed name."""
        return tuple(_PLACEHOLDER.findall(self.name))

    def matches(self, name: str) -> bool:
        """Whether ``name`` names this table: its name or pattern itself, or the pattern with codes filled in."""
        return name == self.name or _regex(self.name).fullmatch(name) is not None

    def name_for(self, **parameters: str) -> str:
        """Return the name of this table for a region and a boundary (a fixed name as it is).

        Parameters
        ----------
        **parameters
            A code for each placeholder of the name (others are ignored), e.g. ``region="hcmc", boundary="old"``.

        Raises
        ------
        CatalogueError
            If a placeholder has no code, or a code is not one of :data:`PARAMETERS`.
        """
        missing = [p for p in self.parameters if p not in parameters]
        if missing:
            raise CatalogueError(f"table {self.name!r} is named by its {' and '.join(missing)}; none given")
        name = self.name.format(**parameters)
        if not self.matches(name):
            raise CatalogueError(f"{name!r} is not a name of table {self.name!r}: {_codes(self.parameters)}")
        return name


@cache
def _regex(name: str) -> re.Pattern[str]:
    """The names a table's name or pattern stands for (each placeholder one of its codes)."""
    pieces = _PLACEHOLDER.split(name)  # literal text at even positions, placeholders at odd ones
    return re.compile("".join(re.escape(piece) if i % 2 == 0
                              else f"(?:{'|'.join(re.escape(code) for code in sorted(PARAMETERS[piece]))})"
                              for i, piece in enumerate(pieces)))


def _codes(placeholders: tuple[str, ...]) -> str:
    return "; ".join(f"{p} is one of {', '.join(sorted(PARAMETERS[p]))}" for p in placeholders)


def _table(name: str, written_by: str, description: str, key: tuple[str, ...], columns: dict[str, Kind]) -> Table:
    return Table(name, written_by, description, key, tuple(Column(column, kind) for column, kind in columns.items()))


TABLES: tuple[Table, ...] = (
    _table("accounts_{region}_{boundary}", _SECTOR_ACCOUNTS,
           "Annual sector accounts at current prices: value added and share of GRDP by year and industry, every cell "
           "published, derived or imputed, with its method and sources",
           key=("year", "industry"),
           columns={"region": TEXT, "boundary": TEXT, "year": INTEGER, "industry": TEXT, "value": NUMBER,
                    "share": NUMBER, "quality": TEXT, "method": TEXT, "sources": TEXT}),
    _table("accounts_{region}_{boundary}_margins", _SECTOR_ACCOUNTS,
           "The published figures the accounts were raked to or compared with: published against account shares and "
           "values, with the release of each figure",
           key=("year", "industry", "variable", "release"),
           columns={"year": INTEGER, "industry": TEXT, "variable": TEXT, "role": TEXT, "published_share": NUMBER,
                    "account_share": NUMBER, "difference_pp": NUMBER, "published_value": NUMBER,
                    "account_value": NUMBER, "difference_pct": NUMBER, "quality": TEXT, "rating": TEXT,
                    "release": TEXT, "selected": BOOLEAN, "sources": TEXT, "note": TEXT}),
    _table("observations_as_of", _SECTOR_ACCOUNTS,
           "The observations the run used: every release of every figure known at the as-of date, as the as-of rule "
           "selected them",
           key=(*schemas.FIGURE_KEY, "source_id", "publisher", "publication_date"),
           columns={"region": TEXT, "boundary": TEXT, "period": TEXT, "frequency": TEXT, "variable": TEXT,
                    "industry": TEXT, "price_basis": TEXT, "unit": TEXT, "value": NUMBER, "source_id": TEXT,
                    "publisher": TEXT, "publication_date": TEXT, "date_approx": BOOLEAN, "url": TEXT, "quality": TEXT,
                    "rating": TEXT, "note": TEXT}),
    _table("cell_counts_{region}_{boundary}", _SECTOR_ACCOUNTS,
           "How many cells of the run's accounts are derived or imputed rather than published, by year",
           key=("year",),
           columns={"year": INTEGER, "derived": INTEGER, "imputed": INTEGER}),
    _table("digital_headline", _DIGITAL_ECONOMY,
           "The digital-economy share of GRDP by region, boundary, method and year: the published figure first, else "
           "grdp's estimate with its interval and basis, else why there is none",
           key=("region", "boundary", "method", "year"),
           columns={"region": TEXT, "boundary": TEXT, "method": TEXT, "year": INTEGER, "status": TEXT, "kind": TEXT,
                    "value": NUMBER, "lower": NUMBER, "upper": NUMBER, "level": NUMBER, "basis": TEXT,
                    "bridged_from_year": INTEGER, "release": DATE, "rating": TEXT, "source_id": TEXT, "url": TEXT,
                    "reason": TEXT}),
    _table("digital_out_of_time", _DIGITAL_ECONOMY,
           "Out-of-time checks: each published share estimated from what was known before its release, with the "
           "error and whether the interval covered it",
           key=("region", "boundary", "method", "year", "estimator"),
           columns={"region": TEXT, "boundary": TEXT, "method": TEXT, "year": INTEGER, "first_release": DATE,
                    "as_of": DATE, "accounts_as_of": DATE, "published": NUMBER, "rating": TEXT, "kind": TEXT,
                    "estimator": TEXT, "estimate": NUMBER, "lower_50": NUMBER, "upper_50": NUMBER,
                    "lower_80": NUMBER, "upper_80": NUMBER, "lower": NUMBER, "upper": NUMBER, "level": NUMBER,
                    "error_pp": NUMBER, "error_log": NUMBER, "covered_50": BOOLEAN, "covered_80": BOOLEAN,
                    "covered": BOOLEAN, "interval_score": NUMBER, "crps": NUMBER, "horizon": NUMBER,
                    "bridged_from_year": INTEGER, "basis": TEXT}),
    _table("digital_out_of_time_summary", _DIGITAL_ECONOMY,
           "Out-of-time checks pooled by estimator (the measurement model and its rivals) over all its checks, and the "
           "model's on the checks each rival made: errors, coverage of the 50%, 80% and 90% intervals, interval "
           "score and CRPS",
           key=("estimator", "checks_on"),
           columns={"estimator": TEXT, "checks_on": TEXT, "checks": INTEGER, "mae_pp": NUMBER, "rmse_pp": NUMBER,
                    "mean_error_pp": NUMBER, "coverage_50": NUMBER, "coverage_80": NUMBER, "coverage_90": NUMBER,
                    "interval_score": NUMBER, "crps": NUMBER}),
    _table("digital_errors", _DIGITAL_ECONOMY,
           "The error of each class of estimated input from its out-of-period checks: standard deviation, mean "
           "error, coverage",
           key=("class",),
           columns={"class": TEXT, "checks": INTEGER, "sd": NUMBER, "mean_error": NUMBER, "coverage": NUMBER,
                    "level": NUMBER, "basis": TEXT}),
    _table("digital_error_checks", _DIGITAL_ECONOMY,
           "The out-of-period checks behind digital_errors: each published figure, what was predicted for it and the "
           "error",
           key=("class", "region", "industry", "period", "predicted_from", "source_id"),
           columns={"class": TEXT, "region": TEXT, "industry": TEXT, "period": TEXT, "predicted_from": TEXT,
                    "published": NUMBER, "predicted": NUMBER, "error": NUMBER, "years_apart": NUMBER,
                    "source_id": TEXT}),
    _table("digital_parts", _DIGITAL_ECONOMY,
           "The merged city's share as the sum of its three former localities, by part, method and year, with "
           "numerator, denominator and interval",
           key=("part", "method", "year"),
           columns={"part": TEXT, "method": TEXT, "year": INTEGER, "status": TEXT, "kind": TEXT, "share": NUMBER,
                    "lower": NUMBER, "upper": NUMBER, "numerator": NUMBER, "numerator_lower": NUMBER,
                    "numerator_upper": NUMBER, "denominator": NUMBER, "level": NUMBER, "basis": TEXT}),
    _table("digital_estimates", _DIGITAL_ECONOMY,
           "The model's estimate of the share and of its components by method and year, with intervals",
           key=("method", "year", "component"),
           columns={"method": TEXT, "year": INTEGER, "component": TEXT, "point": NUMBER, "lower": NUMBER,
                    "upper": NUMBER, "level": NUMBER}),
    _table("digital_levels", _DIGITAL_ECONOMY,
           "The share by method and year with its numerator (digital value added), its denominator (GRDP) and where "
           "the denominator comes from",
           key=("method", "year"),
           columns={"method": TEXT, "year": INTEGER, "share": NUMBER, "numerator": NUMBER, "denominator": NUMBER,
                    "denominator_source": TEXT, "publisher_denominator": NUMBER}),
    _table("digital_components", _DIGITAL_ECONOMY,
           "Digital value added by method, year, component and industry, with its share of GRDP",
           key=("method", "year", "component", "industry"),
           columns={"method": TEXT, "year": INTEGER, "component": TEXT, "industry": TEXT, "detail": TEXT,
                    "value": NUMBER, "share": NUMBER}),
    _table("digital_reproduction", _DIGITAL_ECONOMY,
           "Published figures set against the model's value for them, in sample and held out",
           key=("method", "region", "period", "variable", "industry"),
           columns={"method": TEXT, "region": TEXT, "period": TEXT, "variable": TEXT, "industry": TEXT, "unit": TEXT,
                    "published": NUMBER, "bound": TEXT, "release": DATE, "rating": TEXT, "fitted": BOOLEAN,
                    "headline": BOOLEAN, "model": NUMBER, "diff": NUMBER, "gap_pct": NUMBER, "with_gap": NUMBER,
                    "held_out": NUMBER, "held_out_diff": NUMBER, "note": TEXT}),
    _table("digital_reproduction_summary", _DIGITAL_ECONOMY,
           "How closely the model reproduces the published figures, by method and region",
           key=("method", "region"),
           columns={"method": TEXT, "region": TEXT, "figures": INTEGER, "max_abs_diff": NUMBER,
                    "max_abs_held_out_diff": NUMBER, "max_abs_gap_pct": NUMBER, "in_sample_ok": BOOLEAN,
                    "held_out_ok": BOOLEAN}),
    _table("digital_calibration", _DIGITAL_ECONOMY,
           "The calibrated national coefficients: value, standard deviation, prior range and centre, basis, and "
           "whether at a bound",
           key=("parameter",),
           columns={"parameter": TEXT, "value": NUMBER, "sd": NUMBER, "low": NUMBER, "centre": NUMBER, "high": NUMBER,
                    "basis": TEXT, "calibrated_in": TEXT, "at_bound": BOOLEAN}),
    _table("digital_bridges", _DIGITAL_ECONOMY,
           "Shapley contributions bridging one method's share to another's, step by step, with intervals",
           key=("method_a", "method_b", "region", "year", "step"),
           columns={"method_a": TEXT, "method_b": TEXT, "region": TEXT, "year": INTEGER, "step": TEXT, "label": TEXT,
                    "value": NUMBER, "lower": NUMBER, "upper": NUMBER}),
    _table("quarterly_grdp", _QUARTERLY,
           "Quarterly GRDP benchmarked to the annual accounts (published or estimated), through the last published "
           "quarter and nowcast after it, with its indicator, volume and price movements, where each quarter's "
           "growth comes from and what national data it rests on",
           key=("period",),
           columns={"period": TEXT, "grdp": NUMBER, "indicator": NUMBER, "volume": NUMBER, "price": NUMBER,
                    "deflator": NUMBER, "national_movement": NUMBER, "growth_source": TEXT, "ratio_year": INTEGER,
                    "status": TEXT, "national_data": TEXT, "annual_value": TEXT}),
    _table("quarterly_grdp_checks", _QUARTERLY,
           "Quarterly GRDP against the published quarterly figures, and whether they agree",
           key=("period", "variable"),
           columns={"period": TEXT, "label": TEXT, "variable": TEXT, "published": NUMBER, "estimate": NUMBER,
                    "difference": NUMBER, "status": TEXT, "release": TEXT, "url": TEXT, "consistent": BOOLEAN}),
    _table("quarterly_grdp_shares", _QUARTERLY,
           "The region's quarterly share of national GDP against the national movement, and whether published growth "
           "pins it",
           key=("period",),
           columns={"period": TEXT, "share": NUMBER, "national_share": NUMBER, "growth_source": TEXT, "gap": NUMBER,
                    "pinned": BOOLEAN}),
    _table("quarterly_digital", _QUARTERLY,
           "The quarterly digital economy by method: digital value added, GRDP and the share, raw and seasonally "
           "adjusted (with the part left unadjusted), benchmarked to the headline, extrapolated or nowcast",
           key=("period", "method"),
           columns={"period": TEXT, "method": TEXT, "digital_va": NUMBER, "grdp": NUMBER, "share": NUMBER,
                    "status": TEXT, "digital_va_sa": NUMBER, "grdp_sa": NUMBER, "share_sa": NUMBER,
                    "digital_va_unadjusted": NUMBER, "grdp_unadjusted": NUMBER}),
    _table("quarterly_digital_annual_check", _QUARTERLY,
           "The headline share of each year against the value-added-weighted share of its four quarters, by method",
           key=("method", "year"),
           columns={"method": TEXT, "year": INTEGER, "status": TEXT, "annual_share": NUMBER, "from_quarters": NUMBER,
                    "difference": NUMBER}),
    _table("quarterly_seasonal_diagnostics", _QUARTERLY,
           "Seasonal adjustment of each series: method, model, Tết effect, outliers, M7, Q and the combined test, "
           "whether it is adjusted and why, warnings",
           key=("series",),
           columns={"series": TEXT, "method": TEXT, "mode": TEXT, "arima_model": TEXT, "tet_coefficient": NUMBER,
                    "tet_standard_error": NUMBER, "tet_t_value": NUMBER, "outliers": TEXT, "M7": NUMBER, "Q": NUMBER,
                    "combined_test": TEXT, "warnings": TEXT, "adjusted": BOOLEAN, "reason": TEXT}),
    _table("quarterly_vn_gdp_sa", _QUARTERLY,
           "National quarterly GDP at constant 2010 prices, seasonally adjusted, with its seasonal component",
           key=("period",),
           columns={"period": TEXT, "gdp": NUMBER, "gdp_sa": NUMBER, "seasonal": NUMBER}),
    _table("quarterly_backtest", _QUARTERLY,
           "Backtest of the quarterly nowcast: the vintage's information shifted back by whole years, the nowcast "
           "against the benchmarked quarter, by method, origin (last annual year) and horizon",
           key=("method", "origin", "horizon"),
           columns={"origin": INTEGER, "period": TEXT, "horizon": INTEGER, "method": TEXT, "nowcast": NUMBER,
                    "final": NUMBER, "error": NUMBER}),
    _table("quarterly_extrapolation", _QUARTERLY,
           "The extrapolation rule chosen for each method (trend or hold) by its backtest error",
           key=("method",),
           columns={"method": TEXT, "rmse_trend": NUMBER, "rmse_hold": NUMBER, "chosen": TEXT}),
    _table("quarterly_nowcast", _QUARTERLY,
           "The nowcast of the share in the quarters after the last benchmarked one, by method, with its interval "
           "(never narrower than the annual interval of the year), error terms and the annual interval",
           key=("period", "method"),
           columns={"period": TEXT, "method": TEXT, "share": NUMBER, "lower": NUMBER, "upper": NUMBER,
                    "level": NUMBER, "horizon": INTEGER, "status": TEXT, "n_errors": INTEGER,
                    "sd_extrapolation": NUMBER, "sd_annual": NUMBER, "annual_year": INTEGER, "annual_lower": NUMBER,
                    "annual_upper": NUMBER, "widened": BOOLEAN, "note": TEXT}),
    _table("targets", _TARGETS_FORECAST,
           "The policy targets for the digital-economy share in force at the as-of date",
           key=("region", "boundary", "year", "instrument"),
           columns={"region": TEXT, "boundary": TEXT, "year": INTEGER, "target": NUMBER, "instrument": TEXT,
                    "issuer": TEXT, "decided": TEXT, "source": TEXT, "published": TEXT, "url": TEXT, "rating": TEXT,
                    "note": TEXT}),
    _table("targets_decisions", _TARGETS_FORECAST,
           "Every target decision known at the as-of date, whether it is in force and what superseded it",
           key=("region", "boundary", "year", "instrument"),
           columns={"region": TEXT, "boundary": TEXT, "year": INTEGER, "target": NUMBER, "instrument": TEXT,
                    "issuer": TEXT, "decided": TEXT, "source": TEXT, "published": TEXT, "url": TEXT, "rating": TEXT,
                    "note": TEXT, "in_force": BOOLEAN, "superseded_by": TEXT}),
    _table("forecast_backtest", _TARGETS_FORECAST,
           "Backtest of the forecasting models: every forecast by series, model, origin and horizon, with its error "
           "and interval hits",
           key=("series", "model", "origin", "horizon"),
           columns={"series": TEXT, "model": TEXT, "origin": INTEGER, "horizon": INTEGER, "target": INTEGER,
                    "actual": NUMBER, "forecast": NUMBER, "error": NUMBER, "scaled_error": NUMBER, "in_80": BOOLEAN,
                    "in_95": BOOLEAN, "pit": NUMBER, "status": TEXT, "scored_as": TEXT, "scale": TEXT,
                    "period": INTEGER}),
    _table("forecast_backtest_summary", _TARGETS_FORECAST,
           "Backtest skill by series and model: forecasts, MASE, interval coverage and verdict",
           key=("series", "model"),
           columns={"series": TEXT, "model": TEXT, "forecasts": INTEGER, "refused": INTEGER, "mase": NUMBER,
                    "relative_mase": NUMBER, "coverage_80": NUMBER, "coverage_95": NUMBER, "judged": BOOLEAN,
                    "verdict": TEXT}),
    _table("forecast_backtest_by_horizon", _TARGETS_FORECAST,
           "Backtest skill by series, model and horizon",
           key=("series", "model", "horizon"),
           columns={"series": TEXT, "model": TEXT, "horizon": INTEGER, "forecasts": INTEGER, "refused": INTEGER,
                    "mase": NUMBER, "relative_mase": NUMBER, "coverage_80": NUMBER, "coverage_95": NUMBER,
                    "judged": BOOLEAN, "verdict": TEXT}),
    _table("forecast_skill", _TARGETS_FORECAST,
           "Backtest skill by set of series (digital-economy shares, section shares) and model: the basis of the "
           "ensemble weights",
           key=("set", "model"),
           columns={"set": TEXT, "model": TEXT, "forecasts": INTEGER, "refused": INTEGER, "mase": NUMBER,
                    "relative_mase": NUMBER, "coverage_80": NUMBER, "coverage_95": NUMBER, "judged": BOOLEAN,
                    "verdict": TEXT}),
    _table("forecast_realtime", _TARGETS_FORECAST,
           "Forecasts made from the data of earlier dates against the outcomes published since",
           key=("series", "model", "origin", "horizon"),
           columns={"series": TEXT, "model": TEXT, "origin": INTEGER, "horizon": INTEGER, "target": INTEGER,
                    "actual": NUMBER, "forecast": NUMBER, "error": NUMBER, "scaled_error": NUMBER, "in_80": BOOLEAN,
                    "in_95": BOOLEAN, "pit": NUMBER, "status": TEXT, "scored_as": TEXT, "release": DATE,
                    "scale": TEXT, "period": INTEGER}),
    _table("forecast_calibration", _TARGETS_FORECAST,
           "Calibration of each model's intervals by set of series and horizon: coverage tests, PIT uniformity and "
           "verdict",
           key=("set", "model", "horizon"),
           columns={"set": TEXT, "model": TEXT, "horizon": INTEGER, "forecasts": INTEGER, "series": INTEGER,
                    "coverage_80": NUMBER, "coverage_95": NUMBER, "p_80": NUMBER, "p_95": NUMBER, "pit_ks_p": NUMBER,
                    "calibrated": BOOLEAN, "verdict": TEXT}),
    _table("forecast_scenarios", _TARGETS_FORECAST,
           "The numbers of each scenario by boundary and quantity (the GRDP path's growth targets, deflator and "
           "anchor among them), with the rule and the years they come from",
           key=("scenario", "boundary", "quantity"),
           columns={"scenario": TEXT, "boundary": TEXT, "centre": TEXT, "quantity": TEXT, "value": NUMBER,
                    "used": BOOLEAN, "rule": TEXT, "from_year": INTEGER, "to_year": INTEGER, "latest_release": DATE,
                    "grdp_anchor_year": INTEGER, "grdp_anchor": NUMBER, "grdp_anchor_basis": TEXT}),
    _table("forecast_scenario_evidence", _TARGETS_FORECAST,
           "The published observations each scenario's numbers rest on",
           key=("scenario", "quantity", "source_id", "region", "boundary", "variable", "price_basis", "period"),
           columns={"scenario": TEXT, "quantity": TEXT, "source_id": TEXT, "region": TEXT, "boundary": TEXT,
                    "variable": TEXT, "price_basis": TEXT, "period": TEXT, "value": NUMBER, "release_date": DATE,
                    "publisher": TEXT, "rating": TEXT, "url": TEXT}),
    _table("forecast_grdp_paths", _TARGETS_FORECAST,
           "GRDP by scenario, boundary and year: the vintage's own accounts up to the latest ended year, then grown "
           "by the growth targets in force times a deflator; where each year's level or growth came from",
           key=("scenario", "boundary", "year"),
           columns={"scenario": TEXT, "boundary": TEXT, "year": INTEGER, "grdp": NUMBER, "growth": NUMBER,
                    "status": TEXT, "real_growth": NUMBER, "deflator": NUMBER, "basis": TEXT}),
    _table("forecast_starts", _TARGETS_FORECAST,
           "Where each projection starts: the latest share by boundary and method, with its interval, status and "
           "release",
           key=("boundary", "method"),
           columns={"boundary": TEXT, "method": TEXT, "start_year": INTEGER, "start_share": NUMBER,
                    "start_lower": NUMBER, "start_upper": NUMBER, "start_level": NUMBER, "start_status": TEXT,
                    "start_release": DATE, "start_rating": TEXT, "start_basis": TEXT}),
    _table("forecast_history", _TARGETS_FORECAST,
           "The history of the share by boundary, method and year that the projections start from",
           key=("boundary", "method", "year"),
           columns={"boundary": TEXT, "method": TEXT, "year": INTEGER, "share": NUMBER, "status": TEXT,
                    "lower": NUMBER, "upper": NUMBER, "level": NUMBER, "numerator": NUMBER, "denominator": NUMBER,
                    "basis": TEXT, "release": DATE, "rating": TEXT}),
    _table("forecast_published", _TARGETS_FORECAST,
           "The published digital-economy shares by boundary, method and year, with institution, release and source",
           key=("boundary", "method", "year"),
           columns={"boundary": TEXT, "method": TEXT, "institution": TEXT, "year": INTEGER, "value": NUMBER,
                    "release": DATE, "rating": TEXT, "url": TEXT}),
    _table("forecast_fits", _TARGETS_FORECAST,
           "Each model fitted to each boundary and method: status, specification, parameters and ensemble weight",
           key=("model", "boundary", "method"),
           columns={"model": TEXT, "n_obs": INTEGER, "status": TEXT, "converged": BOOLEAN, "spec": TEXT,
                    "reason": TEXT, "params": TEXT, "weight": NUMBER, "boundary": TEXT, "method": TEXT,
                    "start_year": INTEGER, "start_status": TEXT, "history_from": INTEGER,
                    "history_published": INTEGER, "history_estimated": INTEGER}),
    _table("forecast_bands", _TARGETS_FORECAST,
           "Projected shares by boundary, method, scenario, model and year: median with 80% and 95% intervals",
           key=("boundary", "method", "scenario", "model", "year"),
           columns={"boundary": TEXT, "method": TEXT, "scenario": TEXT, "model": TEXT, "year": INTEGER,
                    "median": NUMBER, "lower_80": NUMBER, "upper_80": NUMBER, "lower_95": NUMBER, "upper_95": NUMBER,
                    "point": NUMBER, "models_agree": BOOLEAN, "groups": INTEGER, "grdp": NUMBER}),
    _table("targets_assessment", _TARGETS_FORECAST,
           "Each target by boundary, method, scenario and model: the projected share, the probability of reaching "
           "it, the gap and the growth required",
           key=("boundary", "method", "scenario", "model", "target_year", "target"),
           columns={"boundary": TEXT, "method": TEXT, "role": TEXT, "scenario": TEXT, "trend": BOOLEAN, "model": TEXT,
                    "target_year": INTEGER, "target": NUMBER, "instruments": TEXT, "issuers": TEXT,
                    "horizon": INTEGER, "median": NUMBER, "lower": NUMBER, "upper": NUMBER, "lower_95": NUMBER,
                    "upper_95": NUMBER, "level": NUMBER, "models_agree": BOOLEAN, "groups": INTEGER,
                    "probability": NUMBER, "probability_published": BOOLEAN, "probability_reason": TEXT,
                    "gap_pp": NUMBER, "grdp": NUMBER, "gap_bn_vnd": NUMBER, "start_year": INTEGER,
                    "start_share": NUMBER, "start_status": TEXT, "required_excess_growth": NUMBER,
                    "grdp_growth": NUMBER, "required_digital_growth": NUMBER}),
    _table("targets_headline", _TARGETS_FORECAST,
           "The headline assessment of each target: ended years on their figures, open years as the ensemble "
           "projection, probabilities only where published",
           key=("boundary", "method", "scenario", "target_year"),
           columns={"boundary": TEXT, "method": TEXT, "scenario": TEXT, "target_year": INTEGER, "target": NUMBER,
                    "instruments": TEXT, "issuers": TEXT, "decided": TEXT, "target_rating": TEXT,
                    "other_targets": TEXT, "status": TEXT, "reason": TEXT, "last_year": INTEGER, "last_share": NUMBER,
                    "last_status": TEXT, "value": NUMBER, "value_lower": NUMBER, "value_upper": NUMBER,
                    "value_level": NUMBER, "release": DATE, "rating": TEXT, "basis": TEXT,
                    "bridged_from_year": INTEGER, "verdict": TEXT, "start_year": INTEGER, "start_share": NUMBER,
                    "start_lower": NUMBER, "start_upper": NUMBER, "start_status": TEXT, "start_release": DATE,
                    "start_rating": TEXT, "required_excess_growth": NUMBER, "required_excess_growth_low": NUMBER,
                    "required_excess_growth_high": NUMBER, "grdp": NUMBER, "grdp_growth": NUMBER,
                    "required_digital_growth": NUMBER, "start_value_added": NUMBER, "required_value_added": NUMBER,
                    "achieved_boundary": TEXT, "achieved_from_year": INTEGER, "achieved_to_year": INTEGER,
                    "achieved_excess_growth": NUMBER, "achieved_latest_step": NUMBER, "achieved_grdp_growth": NUMBER,
                    "achieved_digital_growth": NUMBER, "achieved_latest_status": TEXT,
                    "achieved_latest_grdp_growth": NUMBER, "achieved_latest_digital_growth": NUMBER,
                    "achieved_published_years": TEXT, "achieved_estimate_years": TEXT,
                    "required_to_achieved": NUMBER, "range_lower": NUMBER,
                    "range_upper": NUMBER, "envelope_lower": NUMBER, "envelope_upper": NUMBER, "models": INTEGER,
                    "scenarios": INTEGER, "models_agree": BOOLEAN, "groups": INTEGER, "median": NUMBER,
                    "lower": NUMBER, "upper": NUMBER, "level": NUMBER, "probability": NUMBER,
                    "probability_model": NUMBER, "probability_published": BOOLEAN, "probability_reason": TEXT,
                    "gap_pp": NUMBER, "gap_bn_vnd": NUMBER}),
    _table("targets_crossing", _TARGETS_FORECAST,
           "When each projected share crosses each threshold, and the probability of crossing it by the end of the "
           "horizon",
           key=("boundary", "method", "scenario", "model", "threshold"),
           columns={"boundary": TEXT, "method": TEXT, "scenario": TEXT, "model": TEXT, "threshold": NUMBER,
                    "probability_by_end": NUMBER, "crossing_median": NUMBER, "crossing_lower": NUMBER,
                    "crossing_upper": NUMBER, "crossing_note": TEXT, "level": NUMBER,
                    "probability_published": BOOLEAN}),
    _table("targets_measured", _TARGETS_FORECAST,
           "Targets of years that have ended, judged on the year's published or estimated figure",
           key=("boundary", "method", "target_year", "target"),
           columns={"boundary": TEXT, "method": TEXT, "role": TEXT, "target_year": INTEGER, "target": NUMBER,
                    "source": TEXT, "instruments": TEXT, "issuers": TEXT, "status": TEXT, "estimate": NUMBER,
                    "lower": NUMBER, "upper": NUMBER, "level": NUMBER, "release": DATE, "rating": TEXT, "basis": TEXT,
                    "bridged_from_year": INTEGER, "verdict": TEXT, "met": BOOLEAN, "probability": NUMBER,
                    "gap_pp": NUMBER, "grdp": NUMBER, "gap_bn_vnd": NUMBER}),
    _table("revisions", _PUBLICATION,
           "The release history and revisions of every value released by the vintages up to this one "
           "(reports/tables/revisions.csv)",
           key=("quantity", "boundary", "method", "scenario", "year"),
           columns={"quantity": TEXT, "boundary": TEXT, "method": TEXT, "scenario": TEXT, "year": INTEGER,
                    "releases": INTEGER, "first_vintage": TEXT, "first_value": NUMBER, "previous_vintage": TEXT,
                    "previous_value": NUMBER, "latest_vintage": TEXT, "latest_value": NUMBER, "revision": NUMBER,
                    "revision_since_previous": NUMBER, "revision_pct": NUMBER, "revision_unit": TEXT}),
)
"""Every table of a vintage, by notebook in the order each writes them, then the one written with the reports."""


def entry(name: str) -> Table:
    """Return the catalogue's entry for a table.

    Parameters
    ----------
    name
        A table's name (``digital_headline``, ``accounts_hcmc_old``), or the pattern of a table written for the
        run's region and boundary (``accounts_{region}_{boundary}``).

    Raises
    ------
    CatalogueError
        If the catalogue has no such table; the message names it and suggests the closest names.
    """
    for table in TABLES:
        if table.matches(name):
            return table
    close = difflib.get_close_matches(name, [table.name for table in TABLES], n=3, cutoff=0.8)
    close += [table.name for table in TABLES  # e.g. a region or boundary misspelt
              if table.parameters and name.startswith(table.name.split("{")[0]) and table.name not in close]
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    if any("{" in c for c in close):
        hint += f" ({_codes(tuple(PARAMETERS))})"
    raise CatalogueError(f"{name!r} is not a table of a vintage (grdp.run.catalogue.TABLES){hint}")


def _shown(value: object) -> str:
    """A key's value in a message: text quoted, a missing value as ``blank``."""
    if isinstance(value, str):
        return repr(value)
    return "blank" if pd.isna(value) else str(value)


def check(name: str, frame: pd.DataFrame) -> None:
    """Check that a table is catalogued and matches its entry: exactly its columns, in order, and a unique key.

    Parameters
    ----------
    name
        The table's name as it is written (``accounts_hcmc_old``, not the pattern).
    frame
        The table.

    Raises
    ------
    CatalogueError
        If the table is not catalogued (see :func:`entry`); if its columns are not the entry's (the message names
        the missing, extra and repeated columns, or says that the order differs); or if two rows share a key (the
        message gives the first key repeated and the two rows, counted from 1).
    """
    table = entry(name)
    columns = [str(column) for column in frame.columns]
    expected = table.column_names
    if columns != list(expected):
        missing = [c for c in expected if c not in columns]
        extra = [c for c in columns if c not in expected]
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        problems = [f"{what} column{'s' if len(found) > 1 else ''} {', '.join(found)}"
                    for what, found in (("missing", missing), ("extra", extra), ("repeated", repeated)) if found]
        raise CatalogueError(f"table {name!r} has {'; '.join(problems) or 'its columns in another order'}; "
                             f"the catalogue's columns are {', '.join(expected)}")
    key = list(table.key)
    groups = frame.groupby(key, dropna=False, sort=False).ngroup().to_numpy()
    repeated_rows = pd.Series(groups).duplicated().to_numpy()
    if repeated_rows.any():
        later = int(repeated_rows.argmax())
        earlier = int((groups == groups[later]).argmax())
        shown = ", ".join(f"{column}={_shown(frame[column].iloc[later])}" for column in key)
        raise CatalogueError(f"table {name!r} has two rows with the key {shown} (rows {earlier + 1} and "
                             f"{later + 1}); its key ({', '.join(key)}) identifies one row")
