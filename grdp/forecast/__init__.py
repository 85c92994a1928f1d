"""Forecasts of the digital-economy share: models, backtests, ensemble, scenarios and projections.

Modules: :mod:`~grdp.forecast.models` (the models, each returning simulated paths),
:mod:`~grdp.forecast.series` (published series for backtests), :mod:`~grdp.forecast.backtest`
(rolling-origin evaluation and skill weights), :mod:`~grdp.forecast.ensemble` (the skill-weighted
mixture), :mod:`~grdp.forecast.scenarios` (driver assumptions, ``grdp/data/scenarios.yaml``),
:mod:`~grdp.forecast.history` (the shares projections start from), :mod:`~grdp.forecast.projection`
(every model under every scenario) and :mod:`~grdp.forecast.assessment` (the target assessment of a
region). The targets themselves and the required-growth arithmetic are in :mod:`grdp.targets`.
"""

from grdp.forecast.models import MODELS, FitReport, Forecast, forecast

__all__ = ["MODELS", "FitReport", "Forecast", "forecast"]
