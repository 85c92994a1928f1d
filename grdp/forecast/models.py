"""Forecasting models for short annual and quarterly series, each returning simulated paths.

Every model produces ``R`` simulated paths of the series over the horizon, so intervals,
probabilities of reaching a value and crossing years all come from one set of draws and are
consistent with each other. A model that cannot be fitted on the sample (too short, not
converged, not identified) is *refused* with the reason; nothing is silently replaced.

Models (``t`` is time in years, or in quarters with period ``m = 4``; ``z`` the series on the
model's scale):

``naive``
    Random walk, ``z[t] = z[t-m] + e[t]`` (seasonal when ``m = 4``). ``sigma^2`` is estimated from
    the increments (an increment over a gap of ``k`` periods has variance ``k sigma^2``) with
    ``nu = #increments`` degrees of freedom; draws take ``sigma^2 ~ nu s^2 / chi^2_nu``, so the
    predictive distribution is Student-t (parameter uncertainty included). At least 3 observations.
``drift``
    Random walk with drift, ``z[t] = z[t-m] + mu + e[t]`` (Hyndman and Athanasopoulos 2021, s. 5.2).
    ``mu_hat = sum(d) / sum(k)`` (the GLS estimate with gaps); ``s^2`` has ``nu = #increments - 1``
    degrees of freedom; draws take ``mu ~ N(mu_hat, sigma^2 / sum(k))``. At least 4 observations.
**A history with known measurement error.** Given joint draws of the history (``history_draws`` of
:func:`forecast`: a published figure's stated range, an estimate's Monte Carlo draws, joint across years where the
estimates are), ``naive`` and ``drift`` on an annual series are instead fitted as a local level model, without or
with a drift, observed with the known error covariance of those draws on the model's scale
(:mod:`grdp.forecast.measured_walk`): the level of the last year and the drift are then estimated, not taken from
the last value and the increments, and their uncertainty enters every path. With exact draws the result is the
model above.
``logistic``, ``gompertz``
    Saturation curves fitted by non-linear least squares (:func:`scipy.optimize.curve_fit`):
    ``s(t) = L / (1 + exp(-k (t - t0)))`` and ``s(t) = L exp(-exp(-k (t - t0)))`` with
    ``max(s) < L <= 100``, ``0 < k <= 2``. Used only where the data *identify the ceiling*: the fit must
    converge, ``L`` must sit on neither of its bounds (100, or the highest observation), and the central 90%
    interval of ``L``, ``L_hat -+ 1.645 se(L_hat)``, must exclude ``y[T] + d``, the last observation plus
    :data:`CEILING_MARGIN` (``d``) percentage points. An interval that contains it cannot tell the fitted
    ceiling from one just above the data, which is what a flat last year creates (the curve then bends
    because the series stopped, not because it saturates); the curve is refused with the interval in the
    reason. The curves are fitted to the history's values whether or not draws of it are given. Draws take the
    parameters from
    ``N(theta_hat, cov)`` (kept inside the bounds) plus Student-t noise on the log-odds scale, with the
    residual variance ``s^2`` of ``logit(s) - logit(s_hat)``. At least 5 observations; annual series only.
``uc``
    Unobserved-components model (Harvey 1989) fitted by maximum likelihood with statsmodels:
    local linear trend ``z = mu + eps``, ``mu[t+1] = mu[t] + beta[t] + eta``,
    ``beta[t+1] = beta[t] + zeta`` when there are at least 15 annual (24 quarterly) observations,
    otherwise the random walk with drift (``eta`` only, ``beta`` fixed), recorded as a fallback;
    deterministic quarterly seasonal dummies when ``m = 4``. Missing years are handled by the Kalman
    filter. The likelihood is maximised by L-BFGS on the series divided by the standard deviation of
    its increments (variances of order one whatever the units; the results are scaled back), so
    whether a fit converges does not depend on the units of the data. Paths are drawn from the exact
    joint normal distribution of the forecasts, including the
    uncertainty of the final state (and so of the drift): ``y[T+h] = Z T^(h-1) a + ...`` with
    ``a ~ N(a[T+1|T], P[T+1|T])``.
``ets``
    Exponential smoothing with additive errors and a damped additive trend, ETS(A,Ad,N), or
    ETS(A,Ad,A) when ``m = 4`` (Hyndman et al. 2008), fitted with statsmodels ``ETSModel`` on the
    longest run of consecutive observations; at least 10 annual (16 quarterly) observations.
    Paths are simulated from the fitted model (parameter uncertainty not included).

For a *share* (percent of GRDP), ``uc`` and ``ets`` are *driver* models (``drivers-uc``,
``drivers-ets``): the numerator (digital value added) and the denominator (GRDP) are forecast
separately on logs and the share is ``100 exp(log N - log D)``. Their innovations are correlated
with the correlation ``rho`` of the two series' (gap-scaled) log increments, so the share is not
made artificially uncertain by treating two co-moving series as independent.

Scales: ``share`` (percent; ``naive`` and ``drift`` on the log-odds ``logit(s / 100)``, the saturation curves
with log-odds noise, so their paths stay inside (0, 100); the drivers on logs),
``level`` (positive, models on ``log``), ``rate`` (growth rates in percent, models on the rate).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from grdp.forecast import measured_walk

SCALES = ("share", "level", "rate")
MODELS = {
    "share": ("naive", "drift", "logistic", "gompertz", "drivers-uc", "drivers-ets"),
    "level": ("naive", "drift", "uc", "ets"),
    "rate": ("naive", "drift", "uc", "ets"),
}
"""The models that apply to each scale, in display order."""

CEILING_MARGIN = 3.0
"""Percentage points above the last observation: a saturation ceiling's 90% interval must exclude that value."""
CEILING_Z = NormalDist().inv_cdf(0.95)
"""Normal quantile of the ceiling's central 90% interval."""

MIN_OBS = {"naive": 3, "drift": 4, "saturation": 5, "uc": 4, "uc-lltrend": 15, "ets": 10}
"""Fewest observations (annual) for each engine; quarterly series need ``SEASONAL_EXTRA`` more."""

SEASONAL_EXTRA = {"naive": 5, "drift": 5, "uc": 8, "uc-lltrend": 9, "ets": 6}
"""Extra observations a quarterly (seasonal) fit needs on top of :data:`MIN_OBS`."""


MEASURED_MODELS = ("naive", "drift")
"""The models that take a history's measurement error into their fit (``history_draws`` of :func:`forecast`)."""


class ModelRefused(ValueError):
    """Raised inside an engine when the sample cannot support the model; the message is the reason."""


@dataclass(frozen=True)
class FitReport:
    """What happened when a model was fitted.

    Attributes
    ----------
    model
        Model name.
    n_obs
        Observations used.
    status
        ``ok``, ``fallback`` (a simpler specification was used, see ``reason``) or ``refused``
        (no forecast, see ``reason``).
    reason
        Why the model fell back or was refused; empty when ``ok``.
    converged
        Whether every numerical optimisation converged (``None`` when nothing was optimised).
    spec
        The specification actually estimated.
    params
        Estimated parameters by name.
    """

    model: str
    n_obs: int
    status: str
    reason: str = ""
    converged: bool | None = None
    spec: str = ""
    params: dict[str, float] = field(default_factory=dict)

    def row(self) -> dict[str, object]:
        """Return the report as one flat table row (parameters as ``name=value`` text)."""
        params = "; ".join(f"{k}={v:.6g}" for k, v in self.params.items())
        return {"model": self.model, "n_obs": self.n_obs, "status": self.status, "converged": self.converged,
                "spec": self.spec, "reason": self.reason, "params": params}


@dataclass
class Forecast:
    """Simulated paths of one model's forecast.

    Attributes
    ----------
    model
        Model name.
    index
        The forecast periods (years as ``int``, or quarterly ``pandas.Period``).
    draws
        Simulated paths, shape ``(R, H)``, on the series' own scale (percent for a share);
        ``None`` when the model was refused.
    point
        The model's point forecast (mean path on the model's scale, back-transformed), shape ``(H,)``.
    report
        The fit report.
    """

    model: str
    index: pd.Index
    draws: np.ndarray | None
    point: np.ndarray | None
    report: FitReport

    @property
    def usable(self) -> bool:
        """Whether the model produced a forecast."""
        return self.draws is not None

    @property
    def paths(self) -> np.ndarray:
        """The simulated paths, shape ``(R, H)``; raises ``ValueError`` when the model was refused."""
        if self.draws is None:
            raise ValueError(f"model {self.model!r} gave no forecast: {self.report.reason}")
        return self.draws

    def quantiles(self, levels: tuple[float, ...] = (0.8, 0.95)) -> pd.DataFrame:
        """Return the median and central intervals of the draws for each period.

        Columns ``period, median, lower_<L>, upper_<L>`` with ``L`` the level in percent.
        """
        draws = self.paths
        out = {"period": list(self.index), "median": np.median(draws, axis=0)}
        for level in levels:
            tail = 100 * (1 - level) / 2
            lower, upper = np.percentile(draws, [tail, 100 - tail], axis=0)
            out[f"lower_{round(100 * level)}"] = lower
            out[f"upper_{round(100 * level)}"] = upper
        return pd.DataFrame(out)

    def probability_at_least(self, value: float) -> pd.Series:
        """Return the share of paths at or above ``value`` in each period."""
        return pd.Series((self.paths >= value).mean(axis=0), index=self.index, name="probability")


# --------------------------------------------------------------------------------------------
# Time handling


def time_steps(index: pd.Index) -> tuple[np.ndarray, int]:
    """Return integer time steps of an index of years or quarterly periods, and the period (1 or 4)."""
    if isinstance(index, pd.PeriodIndex):
        if index.freqstr[0] != "Q":
            raise ValueError(f"only annual (int years) or quarterly periods are supported, not {index.freqstr}")
        return np.asarray(index.asi8, dtype=int), 4
    steps = np.asarray(index, dtype=float)
    if not np.all(steps == np.round(steps)):
        raise ValueError("an annual series must be indexed by whole years")
    return steps.astype(int), 1


def future_index(index: pd.Index, horizon: int) -> pd.Index:
    """Return the ``horizon`` periods after the last period of ``index``."""
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=horizon, freq=index.freq)
    return pd.Index(np.arange(int(index[-1]) + 1, int(index[-1]) + 1 + horizon), dtype=int)


def _check_series(y: pd.Series, what: str) -> pd.Series:
    y = y.dropna().sort_index()
    if not np.isfinite(y.to_numpy(dtype=float)).all():
        raise ValueError(f"{what} has non-finite values")
    if y.index.has_duplicates:
        raise ValueError(f"{what} has duplicate periods: {sorted(set(y.index[y.index.duplicated()]))}")
    return y.astype(float)


# --------------------------------------------------------------------------------------------
# Engines: fit on (t, z), then simulate paths from given standard normals


class _Fitted:
    """A fitted engine: point path and paths driven by standard normals ``(R, H)``."""

    report: FitReport

    def point(self, horizon: int) -> np.ndarray:
        raise NotImplementedError

    def paths(self, horizon: int, normals: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError


def _increments(t: np.ndarray, z: np.ndarray, period: int) -> tuple[np.ndarray, np.ndarray]:
    """Increments ``d`` and their lengths ``k`` (in periods of ``period``)."""
    if period == 1:
        return np.diff(z), np.diff(t).astype(float)
    if np.any(np.diff(t) != 1):
        raise ModelRefused("a quarterly series must have no missing quarters")
    return z[period:] - z[:-period], np.ones(len(z) - period)


@dataclass
class _RandomWalk(_Fitted):
    t: np.ndarray
    z: np.ndarray
    period: int
    mu: float
    s2: float
    dof: int
    span: float
    drift: bool
    report: FitReport

    def point(self, horizon: int) -> np.ndarray:
        return self._recurse(np.full(horizon, self.mu), np.zeros((1, horizon)))[0]

    def paths(self, horizon: int, normals: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        reps = normals.shape[0]
        sigma2 = self.dof * self.s2 / rng.chisquare(self.dof, size=reps)
        mu = np.zeros(reps)
        if self.drift:
            mu = self.mu + np.sqrt(sigma2 / self.span) * rng.standard_normal(reps)
        return self._recurse(mu[:, None] * np.ones(horizon), np.sqrt(sigma2)[:, None] * normals)

    def _recurse(self, mu: np.ndarray, shocks: np.ndarray) -> np.ndarray:
        """``z[T+h] = z[T+h-m] + mu + e[T+h]`` for every path (``mu`` broadcast to the shocks)."""
        reps, horizon = shocks.shape
        out = np.empty((reps, self.period + horizon))
        out[:, :self.period] = self.z[-self.period:]
        for h in range(horizon):
            out[:, self.period + h] = out[:, h] + np.broadcast_to(mu, shocks.shape)[:, h] + shocks[:, h]
        return out[:, self.period:]


def _fit_random_walk(t: np.ndarray, z: np.ndarray, period: int, drift: bool, name: str) -> _RandomWalk:
    key = "drift" if drift else "naive"
    need = MIN_OBS[key] + (SEASONAL_EXTRA[key] if period > 1 else 0)
    if len(z) < need:
        raise ModelRefused(f"{len(z)} observations; the {name} model needs at least {need}")
    d, k = _increments(t, z, period)
    if drift:
        mu = d.sum() / k.sum()
        dof = len(d) - 1
    else:
        mu, dof = 0.0, len(d)
    s2 = float(np.sum((d - k * mu) ** 2 / k) / dof)
    lag = "" if period == 1 else " (seasonal)"
    spec = f"random walk{' with drift' if drift else ''}{lag}"
    params = {"sigma": np.sqrt(s2), "dof": dof} | ({"drift": mu} if drift else {})
    report = FitReport(name, len(z), "ok", spec=spec, params=params)
    return _RandomWalk(t, z, period, mu, s2, dof, float(k.sum()), drift, report)


@dataclass
class _MeasuredWalk(_Fitted):
    posterior: measured_walk.WalkPosterior
    report: FitReport

    def point(self, horizon: int) -> np.ndarray:
        return self.posterior.point(horizon)

    def paths(self, horizon: int, normals: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return self.posterior.paths(normals, rng)


def _fit_measured_walk(t: np.ndarray, z: np.ndarray, error_cov: np.ndarray, period: int, drift: bool,
                       name: str) -> _MeasuredWalk:
    key = "drift" if drift else "naive"
    if period != 1:
        raise ValueError("a history with measurement error is supported for annual series only")
    if len(z) < MIN_OBS[key]:
        raise ModelRefused(f"{len(z)} observations; the {name} model needs at least {MIN_OBS[key]}")
    posterior = measured_walk.fit(t, z, error_cov, drift)
    spec = f"random walk{' with drift' if drift else ''} observed with known measurement error"
    params = {"sigma": posterior.sigma(), "level": posterior.level_mean(),
              "last_error_sd": float(np.sqrt(error_cov[-1, -1]))} | ({"drift": posterior.drift()} if drift else {})
    return _MeasuredWalk(posterior, FitReport(name, len(z), "ok", spec=spec, params=params))


def _logistic(t: np.ndarray, ceiling: float | np.ndarray, rate: float | np.ndarray,
              midpoint: float | np.ndarray) -> np.ndarray:
    return ceiling / (1 + np.exp(-rate * (t - midpoint)))


def _gompertz(t: np.ndarray, ceiling: float | np.ndarray, rate: float | np.ndarray,
              midpoint: float | np.ndarray) -> np.ndarray:
    return ceiling * np.exp(-np.exp(-rate * (t - midpoint)))


CURVES = {"logistic": _logistic, "gompertz": _gompertz}


@dataclass
class _Saturation(_Fitted):
    curve: str
    t_last: int
    theta: np.ndarray
    cov: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    s2: float
    dof: int
    report: FitReport

    def _future(self, horizon: int) -> np.ndarray:
        return np.arange(1, horizon + 1, dtype=float)

    def point(self, horizon: int) -> np.ndarray:
        return CURVES[self.curve](self._future(horizon), *self.theta)

    def paths(self, horizon: int, normals: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        reps = normals.shape[0]
        theta = rng.multivariate_normal(self.theta, self.cov, size=reps, method="eigh")
        theta = np.clip(theta, self.lower, self.upper)
        curve = CURVES[self.curve](self._future(horizon)[None, :], theta[:, :1], theta[:, 1:2], theta[:, 2:3])
        sigma = np.sqrt(self.dof * self.s2 / rng.chisquare(self.dof, size=reps))
        return expit(logit(np.clip(curve, _EDGE, 100 - _EDGE)) + sigma[:, None] * normals)


def _fit_saturation(t: np.ndarray, z: np.ndarray, period: int, curve: str) -> _Saturation:
    if period != 1:
        raise ModelRefused("saturation curves are fitted to annual series only")
    need = MIN_OBS["saturation"]
    if len(z) < need:
        raise ModelRefused(f"{len(z)} observations; a 3-parameter {curve} curve needs at least {need}")
    x = (t - t[-1]).astype(float)  # time relative to the last year keeps the midpoint well scaled
    top = float(z.max())
    lower = np.array([top * (1 + 1e-6), 1e-4, -200.0])
    upper = np.array([100.0, 2.0, 200.0])
    start = np.array([min(100.0, 2 * top), 0.2, 0.0])
    start[2] = float(np.clip(np.log(start[0] / z[-1] - 1) / start[1] if curve == "logistic"
                             else np.log(-np.log(z[-1] / start[0])) / start[1], -150, 150))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            theta, cov, info, message, flag = optimize.curve_fit(
                CURVES[curve], x, z, p0=start, bounds=(lower, upper), full_output=True, max_nfev=5000)
        except (RuntimeError, ValueError) as exc:
            raise ModelRefused(f"the {curve} fit did not converge ({exc})") from None
    converged = flag in (1, 2, 3, 4)
    resid = logit(z) - logit(np.clip(CURVES[curve](x, *theta), _EDGE, 100 - _EDGE))
    dof = len(z) - 3
    s2 = float(resid @ resid / dof)
    params = {"ceiling": theta[0], "rate": theta[1], "midpoint_year": t[-1] + theta[2], "sigma": np.sqrt(s2)}
    if not converged:
        raise ModelRefused(f"the {curve} fit did not converge ({message})")
    if np.isclose(theta[0], upper[0], rtol=1e-3):
        raise ModelRefused(f"the {curve} ceiling is not identified: it sits on its bound "
                           f"({theta[0]:.1f}%; the data show no saturation)")
    if np.isclose(theta[0], lower[0], rtol=1e-3):
        raise ModelRefused(f"the {curve} ceiling is not identified: it sits on the highest observation "
                           f"({theta[0]:.2f}%; the curve stops where the series stopped rising)")
    se = float(np.sqrt(cov[0, 0])) if np.all(np.isfinite(cov)) and cov[0, 0] >= 0 else np.inf
    low, high = theta[0] - CEILING_Z * se, theta[0] + CEILING_Z * se
    near = float(z[-1]) + CEILING_MARGIN
    if low <= near <= high:
        raise ModelRefused(f"the {curve} ceiling is not identified: {theta[0]:.1f}%, 90% interval "
                           f"[{low:.1f}, {high:.1f}], which contains {near:.1f}% (the last observation + "
                           f"{CEILING_MARGIN:g} points)")
    report = FitReport(curve, len(z), "ok", converged=True, spec=f"{curve} curve, least squares", params=params)
    return _Saturation(curve, int(t[-1]), theta, cov, lower, upper, s2, dof, report)


@dataclass
class _StateSpace(_Fitted):
    mean: np.ndarray
    cov: np.ndarray
    report: FitReport

    def point(self, horizon: int) -> np.ndarray:
        return self.mean[:horizon]

    def paths(self, horizon: int, normals: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        chol = np.linalg.cholesky(self.cov[:horizon, :horizon] + 1e-12 * np.eye(horizon))
        return self.mean[:horizon] + normals @ chol.T


def _joint_forecast(result, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of ``y[T+1..T+H]`` of a fitted time-invariant state-space model."""
    fr = result.filter_results
    design, transition = fr.design[:, :, 0], fr.transition[:, :, 0]
    selection, state_cov, obs_cov = fr.selection[:, :, 0], fr.state_cov[:, :, 0], fr.obs_cov[:, :, 0]
    a = result.predicted_state[:, -1]
    p = result.predicted_state_cov[:, :, -1]
    rqr = selection @ state_cov @ selection.T
    # loadings[h] = Z T^h maps the state at T+1 (and each later disturbance) onto y[T+1+h]
    loadings = [design]
    for _ in range(horizon - 1):
        loadings.append(loadings[-1] @ transition)
    mean = np.array([(f @ a).item() for f in loadings])
    cov = np.empty((horizon, horizon))
    for i in range(horizon):
        for j in range(i, horizon):
            value = (loadings[i] @ p @ loadings[j].T).item()
            # the disturbance entering at T+1+s reaches y[T+1+i] through Z T^(i-1-s)
            for s in range(min(i, j)):
                value += (loadings[i - 1 - s] @ rqr @ loadings[j - 1 - s].T).item()
            cov[i, j] = cov[j, i] = value
        cov[i, i] += obs_cov.item()
    return mean, cov


def _fit_uc(t: np.ndarray, z: np.ndarray, period: int, horizon: int, name: str) -> _StateSpace:
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    extra = period > 1
    need = MIN_OBS["uc"] + (SEASONAL_EXTRA["uc"] if extra else 0)
    if len(z) < need:
        raise ModelRefused(f"{len(z)} observations; the unobserved-components model needs at least {need}")
    full = np.full(t[-1] - t[0] + 1, np.nan)
    full[t - t[0]] = z
    # Fit on a series scaled by the spread of its increments, so that the variances the optimiser searches are
    # of order one whatever the units (a log share moves by about 1e-2 a year, whose variance of 1e-4 stalls the
    # quasi-Newton line search); the forecast mean, its covariance and the variances are scaled back below.
    increments = np.diff(full)
    scale = float(np.nanstd(increments)) if np.isfinite(increments).sum() > 1 else 0.0
    scale = scale if np.isfinite(scale) and scale > 0 else 1.0
    lltrend_need = MIN_OBS["uc-lltrend"] + (SEASONAL_EXTRA["uc-lltrend"] if extra else 0)
    specs = (["lltrend"] if len(z) >= lltrend_need else []) + ["rwdrift"]
    reasons = [] if specs[0] == "lltrend" else [
        f"{len(z)} observations, fewer than the {lltrend_need} a local linear trend needs: random walk with drift"]
    for spec in specs:
        kwargs = {"seasonal": period, "stochastic_seasonal": False} if extra else {}
        model = UnobservedComponents(full / scale, spec, **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = model.fit(method="lbfgs", disp=False, maxiter=500)
        converged = bool(result.mle_retvals.get("converged", False))
        if converged:
            mean, cov = _joint_forecast(result, horizon)
            status = "ok" if not reasons else "fallback"
            label = {"lltrend": "local linear trend", "rwdrift": "random walk with drift"}[spec]
            params = {k: float(v) * (scale ** 2 if k.startswith("sigma2") else 1.0)
                      for k, v in zip(model.param_names, result.params)}
            report = FitReport(name, len(z), status, "; ".join(reasons), True,
                               f"UC {label}{' + fixed seasonal' if extra else ''}", params)
            return _StateSpace(scale * mean, scale ** 2 * cov, report)
        reasons.append(f"UC {spec} did not converge")
    raise ModelRefused("; ".join(reasons))


@dataclass
class _ETS(_Fitted):
    result: Any  # statsmodels ETSResults
    sigma: float
    report: FitReport

    def point(self, horizon: int) -> np.ndarray:
        return np.asarray(self.result.forecast(horizon), dtype=float)

    def paths(self, horizon: int, normals: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        sims = self.result.simulate(horizon, anchor="end", repetitions=normals.shape[0],
                                    random_errors=(self.sigma * normals).T)
        return np.asarray(sims, dtype=float).reshape(horizon, -1).T


def _fit_ets(t: np.ndarray, z: np.ndarray, period: int, name: str) -> _ETS:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    breaks = np.flatnonzero(np.diff(t) != 1)
    start = breaks[-1] + 1 if len(breaks) else 0
    run = z[start:]
    need = MIN_OBS["ets"] + (SEASONAL_EXTRA["ets"] if period > 1 else 0)
    if len(run) < need:
        gap = f" (the last run of consecutive observations, from {t[start]})" if start else ""
        raise ModelRefused(f"{len(run)} consecutive observations{gap}; ETS with a damped trend needs at least {need}")
    kwargs = {"seasonal": "add", "seasonal_periods": period} if period > 1 else {}
    model = ETSModel(run, error="add", trend="add", damped_trend=True, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = model.fit(disp=False, maxiter=2000)
    if not result.mle_retvals.get("converged", False):
        raise ModelRefused("ETS(A,Ad,N) maximum likelihood did not converge")
    params = {k: float(v) for k, v in zip(model.param_names, result.params)} | {"sigma": float(np.sqrt(result.mse))}
    spec = "ETS(A,Ad,A)" if period > 1 else "ETS(A,Ad,N)"
    report = FitReport(name, len(run), "ok", "", True, spec, params)
    return _ETS(result, float(np.sqrt(result.mse)), report)


def _fit_engine(engine: str, t: np.ndarray, z: np.ndarray, period: int, horizon: int, name: str,
                error_cov: np.ndarray | None = None) -> _Fitted:
    if engine in MEASURED_MODELS and error_cov is not None:
        return _fit_measured_walk(t, z, error_cov, period, engine == "drift", name)
    if engine in ("naive", "drift"):
        return _fit_random_walk(t, z, period, engine == "drift", name)
    if engine in CURVES:
        return _fit_saturation(t, z, period, engine)
    if engine == "uc":
        return _fit_uc(t, z, period, horizon, name)
    if engine == "ets":
        return _fit_ets(t, z, period, name)
    raise KeyError(engine)


# --------------------------------------------------------------------------------------------
# Public entry point


_EDGE = 1e-9
"""Distance from 0 and 100 (percent) at which a curve's value is held before its log-odds are taken."""


def logit(share: np.ndarray) -> np.ndarray:
    """Log-odds of a share in percent, ``log(s / (100 - s))``."""
    p = share / 100
    return np.log(p / (1 - p))


def expit(z: np.ndarray) -> np.ndarray:
    """The share in percent of log-odds ``z``, ``100 / (1 + exp(-z))`` (the inverse of :func:`logit`)."""
    return 100 / (1 + np.exp(-z))


def _refused(name: str, index: pd.Index, n_obs: int, reason: str) -> Forecast:
    return Forecast(name, index, None, None, FitReport(name, n_obs, "refused", reason))


def forecast(data: pd.Series | pd.DataFrame, model: str, horizon: int, *, scale: str = "share",
             draws: int = 2000, seed: int = 0, history_draws: np.ndarray | None = None) -> Forecast:
    """Fit one model and simulate its forecast paths.

    Parameters
    ----------
    data
        The history. A ``Series`` indexed by year (``int``; gaps allowed) or by quarterly ``Period``
        (no gaps). For the driver models of a share, a ``DataFrame`` with columns ``share``,
        ``numerator`` and ``denominator`` (``share = 100 numerator / denominator``); the other
        models use its ``share`` column.
    model
        One of :data:`MODELS` for the scale.
    horizon
        Number of periods ahead.
    scale
        ``share`` (percent), ``level`` (positive) or ``rate`` (percent growth).
    draws
        Number of simulated paths.
    seed
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same paths.
    history_draws
        Joint draws of the history's values, shape ``(S, n)`` in the series' units, one column per period of
        ``data`` (which must then be sorted, without missing values); the covariance of the draws on the model's
        scale is the history's known measurement error, which :data:`MEASURED_MODELS` take into their fit on an
        annual series (module docstring). The other models ignore it.

    Returns
    -------
    Forecast
        With ``draws`` ``None`` and the reason in ``report`` when the model is refused.

    Raises
    ------
    ValueError
        For an unknown scale or model, a horizon below 1, or a history with non-finite values,
        duplicate periods, or shares outside (0, 100); history draws whose shape does not match the history or
        that are not finite on the model's scale; history draws of a quarterly series.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
    if model not in MODELS[scale]:
        raise ValueError(f"model {model!r} does not apply to a {scale} series; choose from {', '.join(MODELS[scale])}")
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, not {horizon}")
    frame = data if isinstance(data, pd.DataFrame) else None
    y = _check_series(frame["share"] if frame is not None else data, f"the {scale} series")
    if scale == "share" and not ((y > 0) & (y < 100)).all():
        raise ValueError("a share must lie strictly between 0 and 100 percent")
    if scale == "level" and not (y > 0).all():
        raise ValueError("a level series must be positive (it is modelled on logs)")
    t, period = time_steps(y.index)
    index = future_index(y.index, horizon)
    rng = np.random.default_rng([seed, MODELS[scale].index(model)])
    try:
        if model.startswith("drivers-"):
            if frame is None or not {"numerator", "denominator"} <= set(frame.columns):
                raise ModelRefused("driver models need the numerator and the denominator of the share")
            return _drivers(frame.loc[y.index], model, model.removeprefix("drivers-"), t, period, index, draws, rng)
        on_logit = scale == "share" and model in ("naive", "drift")
        to_model = logit if on_logit else np.log if scale == "level" else np.asarray
        z = to_model(y.to_numpy())
        error_cov = None
        if history_draws is not None and model in MEASURED_MODELS:
            error_cov = _error_covariance(data if frame is None else frame["share"], y, history_draws, to_model)
        fitted = _fit_engine(model, t, z, period, horizon, model, error_cov)
        paths = fitted.paths(horizon, rng.standard_normal((draws, horizon)), rng)
        point = fitted.point(horizon)
        if on_logit:
            paths, point = expit(paths), expit(point)
        elif scale == "level":
            paths, point = np.exp(paths), np.exp(point)
        return Forecast(model, index, paths, point, fitted.report)
    except ModelRefused as exc:
        return _refused(model, index, len(y), str(exc))


def _error_covariance(raw: pd.Series, y: pd.Series, history_draws: np.ndarray, to_model) -> np.ndarray:
    """Covariance of the history's joint draws on the model's scale (their known measurement error)."""
    sample = np.asarray(history_draws, dtype=float)
    if len(raw) != len(y) or not raw.index.equals(y.index):
        raise ValueError("history draws need a sorted history without missing values")
    if sample.ndim != 2 or sample.shape[1] != len(y) or sample.shape[0] < 2:
        raise ValueError(f"history draws must have one column per period ({len(y)}) and at least 2 rows, "
                         f"not shape {sample.shape}")
    with np.errstate(divide="ignore", invalid="ignore"):
        on_scale = to_model(sample)
    if not np.isfinite(on_scale).all():
        raise ValueError("history draws must be finite on the model's scale (shares strictly inside (0, 100))")
    return np.atleast_2d(np.cov(on_scale, rowvar=False))


def increment_correlation(t: np.ndarray, a: np.ndarray, b: np.ndarray, period: int) -> float | None:
    """Correlation of two series' gap-scaled increments (``d / sqrt(k)``); ``None`` below 3 pairs."""
    da, k = _increments(t, a, period)
    db, _ = _increments(t, b, period)
    if len(da) < 3 or np.std(da) == 0 or np.std(db) == 0:
        return None
    return float(np.corrcoef(da / np.sqrt(k), db / np.sqrt(k))[0, 1])


def _drivers(frame: pd.DataFrame, name: str, engine: str, t: np.ndarray, period: int, index: pd.Index,
             draws: int, rng: np.random.Generator) -> Forecast:
    numerator = frame["numerator"].to_numpy(dtype=float)
    denominator = frame["denominator"].to_numpy(dtype=float)
    if not ((numerator > 0) & (denominator > 0)).all():
        raise ValueError("the numerator and denominator of a share must be positive")
    zn, zd = np.log(numerator), np.log(denominator)
    horizon = len(index)
    fits = {}
    for label, z in (("numerator", zn), ("denominator", zd)):
        try:
            fits[label] = _fit_engine(engine, t, z, period, horizon, name)
        except ModelRefused as exc:
            raise ModelRefused(f"{label}: {exc}") from None
    rho = increment_correlation(t, zn, zd, period)
    note = "" if rho is not None else "fewer than 3 increments: the drivers' innovations are taken as independent"
    rho = float(np.clip(rho if rho is not None else 0.0, -0.95, 0.95))
    first = rng.standard_normal((draws, horizon))
    second = rho * first + np.sqrt(1 - rho ** 2) * rng.standard_normal((draws, horizon))
    log_share = fits["numerator"].paths(horizon, first, rng) - fits["denominator"].paths(horizon, second, rng)
    point = 100 * np.exp(fits["numerator"].point(horizon) - fits["denominator"].point(horizon))
    reports = [fits["numerator"].report, fits["denominator"].report]
    status = "fallback" if any(r.status == "fallback" for r in reports) else "ok"
    reasons = [f"{label}: {r.reason}" for label, r in zip(("numerator", "denominator"), reports) if r.reason]
    params = {f"numerator.{k}": v for k, v in reports[0].params.items()}
    params |= {f"denominator.{k}": v for k, v in reports[1].params.items()} | {"rho": rho}
    report = FitReport(name, len(frame), status, "; ".join(reasons + ([note] if note else [])),
                       all(r.converged is not False for r in reports),
                       f"{reports[0].spec} on log numerator and log denominator", params)
    return Forecast(name, index, 100 * np.exp(log_share), point, report)
