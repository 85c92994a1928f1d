"""Temporal disaggregation of annual series into quarters (or months), as in R's tempdisagg.

:func:`td` distributes (or interpolates) an annual series ``y_l`` over the quarters of each year
so that the quarterly estimate ``y`` re-aggregates exactly, ``C y = y_l``, where ``C`` sums,
averages or picks the first/last quarter of each year (``conversion``). Quarterly indicators
``X`` shape the path. Indicator quarters after the last (or before the first) annual value are
extrapolated, which gives a nowcast of the current year.

Methods (formulas and references in :mod:`grdp.quarterly.tempdisagg.solvers`):

- regression-based, ``y = X beta + u``, ``Cov(u) = sigma^2 Q(rho)``, GLS on ``C X`` and
  ``y_hat = X beta + Q C' (C Q C')^{-1} (y_l - C X beta)``:
  ``chow-lin-*`` (AR(1) ``u``; Chow and Lin 1971), ``fernandez`` (random walk; Fernández 1981),
  ``litterman-*`` (random walk with AR(1) increments; Litterman 1983) and ``ols`` (``Q = I``).
  The suffix selects rho: ``maxlog`` maximises the likelihood (Bournay and Laroque 1979),
  ``minrss-ecotrim`` (Barcellan 2003) and ``minrss-quilis``/``minrss`` (Quilis 2004) minimise
  the weighted residual sum of squares, ``fixed`` uses ``fixed_rho``;
- ``denton-cholette`` (Denton 1971; Cholette 1984), ``denton`` (Denton 1971) and ``uniform``
  adjust one indicator by penalising its (relative) ``h``-th differences.

The results equal those of R tempdisagg 1.1.1 (Sax and Steiner 2013), including its defaults:
rho is searched in (-0.999, 0.999) and truncated at ``truncated_rho = 0``,
``fixed_rho = 0.5``, and Denton methods use ``criterion = "proportional"`` with ``h = 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from grdp.quarterly.tempdisagg import solvers as _m

_Estimator = Callable[[_m.Problem, float, float, str, int], _m.Fit]

ESTIMATORS: dict[str, _Estimator] = {
    "chow-lin-maxlog": lambda p, tr, fx, c, h: _m.chow_lin(p, "maxlog", tr, fx),
    "chow-lin-minrss-ecotrim": lambda p, tr, fx, c, h: _m.chow_lin(p, "minrss-ecotrim", tr, fx),
    "chow-lin-minrss-quilis": lambda p, tr, fx, c, h: _m.chow_lin(p, "minrss-quilis", tr, fx),
    "chow-lin-fixed": lambda p, tr, fx, c, h: _m.chow_lin(p, "fixed", tr, fx),
    "fernandez": lambda p, tr, fx, c, h: _m.fernandez(p),
    "litterman-maxlog": lambda p, tr, fx, c, h: _m.litterman(p, "maxlog", tr, fx),
    "litterman-minrss": lambda p, tr, fx, c, h: _m.litterman(p, "minrss", tr, fx),
    "litterman-fixed": lambda p, tr, fx, c, h: _m.litterman(p, "fixed", tr, fx),
    "ols": lambda p, tr, fx, c, h: _m.ols(p),
    "denton-cholette": lambda p, tr, fx, c, h: _m.denton_cholette(p, c, h),
    "denton": lambda p, tr, fx, c, h: _m.denton(p, c, h),
    "uniform": lambda p, tr, fx, c, h: _m.uniform(p),
}
"""Method name -> estimator ``(problem, truncated_rho, fixed_rho, criterion, h) -> Fit``."""

DENTON_METHODS = frozenset({"denton-cholette", "denton", "uniform"})
_ESTIMATED_RHO = frozenset(m for m in ESTIMATORS if m.endswith(("maxlog", "minrss", "ecotrim", "quilis")))
_TARGETS = {"quarterly": (pd.offsets.QuarterEnd, "Q"), "monthly": (pd.offsets.MonthEnd, "M")}
_INTERCEPT = "(Intercept)"


@dataclass(frozen=True)
class TdResult:
    """Result of :func:`td`.

    Attributes
    ----------
    values : pandas.Series
        Disaggregated series with a quarterly (monthly) PeriodIndex, including extrapolated
        periods.
    coefficients, standard_errors : pandas.Series
        GLS coefficients and their standard errors (empty for Denton methods).
    rho : float or None
        Autoregressive parameter used (0 for ``ols``/``fernandez``, None for Denton methods).
    method, conversion : str
        As passed to :func:`td`.
    aggregation_check : float
        ``max |C values - y|``, the largest violation of the annual constraint.
    warnings : list of str
        Diagnostics, e.g. negative disaggregated values.
    indicator_part : pandas.Series
        Preliminary series: ``X beta`` for regression methods, the indicator for Denton methods.
    residuals : pandas.Series
        Annual residuals ``y - C indicator_part``.
    loglik : float or None
        Gaussian log-likelihood of the final GLS fit (regression methods).
    rho_truncated : bool
        Whether the estimated rho was below ``truncated_rho`` and set to it.
    criterion : str or None
        Denton criterion (None for regression methods).
    h : int or None
        Denton order of differencing (None for regression methods).
    """

    values: pd.Series = field(repr=False)
    coefficients: pd.Series = field(repr=False)
    standard_errors: pd.Series = field(repr=False)
    rho: float | None
    method: str
    conversion: str
    aggregation_check: float
    warnings: list[str]
    indicator_part: pd.Series = field(repr=False)
    residuals: pd.Series = field(repr=False)
    loglik: float | None = None
    rho_truncated: bool = False
    criterion: str | None = None
    h: int | None = None

    @property
    def aic(self) -> float | None:
        """``-2 loglik + 2 p``; ``p`` counts the coefficients, sigma^2 and an estimated rho."""
        if self.loglik is None:
            return None
        p = len(self.coefficients) + 1 + (self.method in _ESTIMATED_RHO)
        return -2.0 * self.loglik + 2.0 * p

    def predict(self, kind: str = "values") -> pd.Series:
        """Return the disaggregated series.

        Parameters
        ----------
        kind : {"values", "indicator"}
            ``"values"``: the disaggregated series (R's ``predict``); ``"indicator"``: the fitted
            indicator part ``X beta`` (the indicator itself for Denton methods).
        """
        if kind == "values":
            return self.values
        if kind == "indicator":
            return self.indicator_part
        raise ValueError(f"unknown kind {kind!r}; use 'values' or 'indicator'")

    def summary(self) -> str:
        """Return a text summary similar to R's ``summary(td(...))``."""
        lines = [
            f"Temporal disaggregation: '{self.method}' with '{self.conversion}' conversion",
            f"{len(self.residuals)} annual obs. ({self.residuals.index[0]}-{self.residuals.index[-1]})"
            f" -> {len(self.values)} values ({self.values.index[0]}-{self.values.index[-1]})",
            "",
        ]
        if self.coefficients.empty:
            lines.append("No coefficients")
        else:
            df = len(self.residuals) - len(self.coefficients)
            t = self.coefficients / self.standard_errors
            table = pd.DataFrame(
                {"Estimate": self.coefficients, "Std. Error": self.standard_errors,
                 "t value": t, "Pr(>|t|)": 2.0 * stats.t.sf(np.abs(t), df)}
            )
            lines += ["Coefficients:", table.to_string(float_format=lambda v: f"{v:.6g}")]
        lines.append("")
        if self.rho is not None:
            truncated = " (truncated)" if self.rho_truncated else ""
            lines.append(f"AR1-Parameter (rho): {self.rho:.6g}{truncated}")
        if self.loglik is not None:
            lines.append(f"Log-likelihood: {self.loglik:.6g}    AIC: {self.aic:.6g}")
        if self.criterion is not None:
            lines.append(f"Criterion: {self.criterion}    order of differencing h: {self.h}")
        lines.append(f"Aggregation check (max |C y_hat - y|): {self.aggregation_check:.3g}")
        lines += [f"Warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def td(
    y: pd.Series,
    X: pd.DataFrame | pd.Series | np.ndarray | None = None,
    method: str = "chow-lin-maxlog",
    conversion: str = "sum",
    to: str = "quarterly",
    truncated_rho: float = 0.0,
    fixed_rho: float = 0.5,
    criterion: str = "proportional",
    h: int = 1,
    formula: str | None = None,
) -> TdResult:
    """Disaggregate an annual series into quarters (or months), like R's ``tempdisagg::td``.

    Parameters
    ----------
    y : pandas.Series
        Annual values, indexed by an annual PeriodIndex (``freq="Y"``) or by integer years;
        consecutive, without missing values.
    X : pandas.DataFrame, pandas.Series, numpy.ndarray or None
        High-frequency indicators with a quarterly (monthly) PeriodIndex covering every quarter
        of every year of ``y``; quarters before/after are back-/extrapolated. An array or an
        object without PeriodIndex is read as starting in the first quarter of ``y``'s first
        year. None means no indicator: a constant (``y ~ 1``).
    method : str
        One of ``chow-lin-maxlog`` (default), ``chow-lin-minrss-ecotrim``,
        ``chow-lin-minrss-quilis``, ``chow-lin-fixed``, ``fernandez``, ``litterman-maxlog``,
        ``litterman-minrss``, ``litterman-fixed``, ``ols``, ``denton-cholette``, ``denton``,
        ``uniform``.
    conversion : {"sum", "average", "first", "last"}
        How the quarters of a year relate to its annual value.
    to : {"quarterly", "monthly"}
        Target frequency.
    truncated_rho : float
        Lower bound for an estimated rho (default 0, as in tempdisagg).
    fixed_rho : float
        rho of the ``*-fixed`` methods (default 0.5).
    criterion : {"proportional", "additive"}
        Denton methods: penalise relative (default) or absolute differences from the indicator.
        ``uniform`` is always additive with ``h = 0``.
    h : int
        Denton methods: order of differencing (default 1).
    formula : str, optional
        R-style right-hand side choosing the indicators, e.g. ``"x1 + x2"``, ``"0 + x1"`` (no
        intercept), ``"1"`` (no indicator, constant only; ``X`` must be None); a left-hand side
        such as ``"y ~ 0 + x1"`` is allowed and ignored. Default: all columns of ``X``, with an
        intercept for regression methods (as in R) and without one for Denton methods.

    Returns
    -------
    TdResult

    Raises
    ------
    ValueError
        Unknown method/conversion, missing values, indicators not covering the annual
        periods, too few annual observations, collinear indicators, or a bad formula.
    TypeError
        ``y`` or ``X`` of an unsupported type or index.

    References
    ----------
    Sax, C. and Steiner, P. (2013). Temporal disaggregation of time series. The R Journal 5(2).
    See :mod:`grdp.quarterly.tempdisagg.solvers` for the method-specific references.
    """
    _check_options(method, conversion, to, criterion, h, truncated_rho, fixed_rho)
    freq_type, freq_code = _TARGETS[to]
    y_l = _annual(y)
    columns, intercept = _parse_formula(formula)
    if intercept is None:
        intercept = method not in DENTON_METHODS
    first = y_l.index[0].asfreq(freq_code, how="start")
    n_needed = (y_l.index[-1].asfreq(freq_code, how="end") - first).n + 1
    if X is None:
        if columns:
            raise ValueError(f"formula names indicator(s) {', '.join(columns)} but X is None")
        data = pd.DataFrame(index=pd.period_range(first, periods=n_needed, freq=freq_code))
    else:
        if columns == [] and formula is not None:
            raise ValueError(f"formula {formula!r} names no indicator column; pass X=None for a constant")
        data = _indicators(X, first, freq_type, to)
        columns = columns or list(data.columns)
        missing = [c for c in columns if c not in data.columns]
        if missing:
            raise ValueError(
                f"X has no column(s) {', '.join(map(str, missing))} "
                f"(columns: {', '.join(map(str, data.columns))})"
            )
        data = data[columns]
    offset = _offset(data.index, first, n_needed, y_l.index)
    indicators = data.to_numpy(dtype=float)
    _check_missing(indicators, data)

    names = list(data.columns)
    if intercept or not names:
        names.insert(0, _INTERCEPT)
        indicators = np.column_stack([np.ones(len(data)), indicators])
    if method in DENTON_METHODS and len(names) > 1:
        raise ValueError(
            f"'{method}' adjusts a single indicator; got {', '.join(map(str, names))}."
            " Select one without intercept, e.g. formula='0 + x1'"
        )
    weights = _m.conversion_weights(conversion, n_needed // len(y_l))
    problem = _m.Problem(y_l.to_numpy(float), indicators, weights, offset)
    _check_estimable(problem, method, criterion, names)

    fit = ESTIMATORS[method](problem, truncated_rho, fixed_rho, criterion, h)
    return _result(fit, problem, y_l, data.index, names, method, conversion, criterion, h)


# --------------------------------------------------------------------------- input checks


def _check_options(
    method: str, conversion: str, to: str, criterion: str, h: int, truncated_rho: float, fixed_rho: float
) -> None:
    if method not in ESTIMATORS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(ESTIMATORS)}")
    if conversion not in _m.CONVERSIONS:
        raise ValueError(f"unknown conversion {conversion!r}; choose one of {', '.join(_m.CONVERSIONS)}")
    if to not in _TARGETS:
        raise ValueError(f"unknown target frequency to={to!r}; choose one of {', '.join(_TARGETS)}")
    if criterion not in ("proportional", "additive"):
        raise ValueError(f"unknown criterion {criterion!r}; choose 'proportional' or 'additive'")
    if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 0:
        raise ValueError(f"h must be a non-negative integer, got {h!r}")
    if not -1.0 <= truncated_rho < 1.0:
        raise ValueError(f"truncated_rho must lie in [-1, 1), got {truncated_rho!r}")
    if not -1.0 < fixed_rho < 1.0:
        raise ValueError(f"fixed_rho must lie in (-1, 1), got {fixed_rho!r}")


def _annual(y: pd.Series) -> pd.Series:
    """Validate ``y`` and return it with an annual PeriodIndex."""
    if not isinstance(y, pd.Series):
        raise TypeError(
            f"y must be a pandas Series with annual periods or integer years, got {type(y).__name__}"
        )
    index = y.index
    if isinstance(index, pd.PeriodIndex):
        if not isinstance(index.freq, pd.offsets.YearEnd):
            raise TypeError(f"y must have an annual PeriodIndex (freq 'Y'), got freq {index.freqstr!r}")
    elif pd.api.types.is_integer_dtype(index):
        index = pd.PeriodIndex.from_ordinals(np.asarray(index) - 1970, freq="Y")  # ordinal 0 = 1970
    else:
        raise TypeError("y must be indexed by an annual PeriodIndex or by integer years")
    if len(y) == 0:
        raise ValueError("y is empty")
    if not pd.api.types.is_numeric_dtype(y):
        raise TypeError(f"y must be numeric, got dtype {y.dtype}")
    if y.isna().any():
        raise ValueError(f"y has missing values at {', '.join(map(str, index[y.isna().to_numpy()]))}")
    if not index.equals(pd.period_range(index[0], periods=len(index), freq=index.freq)):
        raise ValueError("y must cover consecutive years, in order and without gaps or duplicates")
    return pd.Series(y.to_numpy(), index=index, name=y.name)


def _indicators(
    X: pd.DataFrame | pd.Series | np.ndarray, first: pd.Period, freq_type: type, to: str
) -> pd.DataFrame:
    """Return ``X`` as a DataFrame with a consecutive high-frequency PeriodIndex."""
    if isinstance(X, pd.Series):
        X = X.to_frame(name=X.name if X.name is not None else "x")
    elif isinstance(X, np.ndarray):
        if X.ndim not in (1, 2):
            raise TypeError(f"X must be one- or two-dimensional, got {X.ndim} dimensions")
        arr = X.reshape(len(X), -1)
        X = pd.DataFrame(arr, columns=[f"x{i + 1}" for i in range(arr.shape[1])])
    elif not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a DataFrame, Series, ndarray or None, got {type(X).__name__}")
    if isinstance(X.index, pd.PeriodIndex):
        if not isinstance(X.index.freq, freq_type):
            raise ValueError(f"X has periods of frequency {X.index.freqstr!r}, not matching to={to!r}")
        expected = pd.period_range(X.index[0], periods=len(X), freq=X.index.freq)
        if not X.index.equals(expected):
            raise ValueError("X must cover consecutive periods, in order and without gaps or duplicates")
        return X
    if isinstance(X.index, pd.DatetimeIndex):
        raise TypeError(f"X has a DatetimeIndex; convert it with X.to_period('{first.freqstr[0]}')")
    if not isinstance(X.index, pd.RangeIndex):
        raise TypeError("X must have a PeriodIndex, or no index (positional, starting with y's first year)")
    return X.set_axis(pd.period_range(first, periods=len(X), freq=first.freq))


def _offset(index: pd.PeriodIndex, first: pd.Period, n_needed: int, years: pd.PeriodIndex) -> int:
    """Position of ``first`` in ``index``, checking that the annual periods are covered."""
    last = first + (n_needed - 1)
    span = f"{years[0]}-{years[-1]} (periods {first}-{last})"
    if len(index) == 0 or last < index[0] or first > index[-1]:
        got = "no periods" if len(index) == 0 else f"{index[0]}-{index[-1]}"
        raise ValueError(f"X ({got}) does not overlap the annual periods of y: {span}")
    if first < index[0] or last > index[-1]:
        raise ValueError(
            f"X covers {index[0]}-{index[-1]} ({len(index)} periods) but must cover every period of "
            f"y's years {span}: {n_needed} periods; shorten y or extend X"
        )
    return int(index.get_loc(first))


def _check_missing(values: np.ndarray, data: pd.DataFrame) -> None:
    nan = np.isnan(values)
    if nan.any():
        column = int(np.flatnonzero(nan.any(axis=0))[0])
        missing = data.index[nan[:, column]]
        listed = ", ".join(map(str, missing[:5])) + (" ..." if len(missing) > 5 else "")
        raise ValueError(f"X column {data.columns[column]!r} has missing values at {listed}")


def _check_estimable(problem: _m.Problem, method: str, criterion: str, names: list[str]) -> None:
    m, k = problem.n_l, problem.X.shape[1]
    if method in DENTON_METHODS:
        x = problem.X[:, 0]
        if criterion == "proportional" and method != "uniform" and np.any(x == 0.0):
            raise ValueError(
                "the proportional criterion divides by the indicator, which has zero values;"
                " use criterion='additive'"
            )
        return
    needed = max(3, k + 1)
    if m < needed:
        raise ValueError(
            f"'{method}' needs at least {needed} annual observations to estimate {k} coefficient(s)"
            f" ({', '.join(names)}) with residual degrees of freedom; y has {m}"
        )
    if np.linalg.matrix_rank(problem.aggregate(problem.X)) < k:
        raise ValueError(f"the annually aggregated indicators ({', '.join(names)}) are collinear")


# --------------------------------------------------------------------------- output


def _result(fit: _m.Fit, problem: _m.Problem, y_l: pd.Series, index: pd.PeriodIndex, names: list[str],
            method: str, conversion: str, criterion: str, h: int) -> TdResult:
    values = pd.Series(fit.values, index=index, name=y_l.name)
    check = float(np.max(np.abs(problem.aggregate(fit.values) - problem.y)))
    warnings: list[str] = []
    negative = index[fit.values < 0]
    if len(negative):
        warnings.append(
            f"{len(negative)} of {len(index)} disaggregated values are negative (first: {negative[0]}). "
            "Chow-Lin-type methods spread annual residuals regardless of sign, so a weak indicator can "
            "produce negative values; check the indicator or use 'denton-cholette'"
        )
    if method not in DENTON_METHODS and names == [_INTERCEPT]:
        warnings.append("no indicator specified: 'denton-cholette' or 'uniform' are recommended")
    if method in _ESTIMATED_RHO and fit.rho is not None and abs(fit.rho) > _m.RHO_BOUNDS[1] - 1e-3:
        warnings.append(f"rho = {fit.rho:.4f} is at the bound of the search interval (-0.999, 0.999)")
    if method == "denton":
        warnings.append("'denton-cholette' removes the transient movement at the start of the series "
                        "and is preferable to the original 'denton' in most cases")
    is_denton = method in DENTON_METHODS
    names = [] if is_denton else names
    return TdResult(
        values=values,
        coefficients=pd.Series(fit.coefficients, index=names, dtype=float),
        standard_errors=pd.Series(fit.standard_errors, index=names, dtype=float),
        rho=fit.rho,
        method=method,
        conversion=conversion,
        aggregation_check=check,
        warnings=warnings,
        indicator_part=pd.Series(fit.preliminary, index=index, name=y_l.name),
        residuals=pd.Series(problem.y - problem.aggregate(fit.preliminary), index=y_l.index, name=y_l.name),
        loglik=fit.loglik,
        rho_truncated=fit.rho_truncated,
        criterion=("additive" if method == "uniform" else criterion) if is_denton else None,
        h=(0 if method == "uniform" else h) if is_denton else None,
    )


def _parse_formula(formula: str | None) -> tuple[list[str], bool | None]:
    """Parse an R-style right-hand side into (indicator columns, intercept or None for default)."""
    if formula is None:
        return [], None
    if formula.count("~") > 1:
        raise ValueError(f"formula {formula!r} has more than one '~'")
    columns: list[str] = []
    intercept: bool | None = None
    for term in (t.strip() for t in formula.split("~")[-1].split("+")):
        if term in ("0", "1"):
            if intercept is not None and intercept != (term == "1"):
                raise ValueError(f"formula {formula!r} both adds and removes the intercept")
            intercept = term == "1"
        elif not term or any(ch in term for ch in "*:^()-/|"):
            raise ValueError(
                f"unsupported term {term!r} in formula {formula!r}; use column names joined by '+',"
                " '0' (no intercept) or '1' (intercept only)"
            )
        else:
            columns.append(term)
    if not columns and intercept is False:
        raise ValueError(f"formula {formula!r} has no regressors")
    return columns, intercept
