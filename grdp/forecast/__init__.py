"""Projections of the digital-economy share and the evidence behind them.

Modules: :mod:`~grdp.forecast.estimates` (the estimates table the assessment reads, and its draws),
:mod:`~grdp.forecast.history` (ended years, the start from the latest published figure, the fitted history),
:mod:`~grdp.forecast.models` (the models, each returning simulated paths), :mod:`~grdp.forecast.series`
(published series for backtests), :mod:`~grdp.forecast.backtest` (rolling-origin evaluation and skill weights),
:mod:`~grdp.forecast.probability_calibration` (real-time backtests, calibration evidence and the probability rule),
:mod:`~grdp.forecast.ensemble` (the skill-weighted mixture and the agreement of the models),
:mod:`~grdp.forecast.evidence` (scenario numbers computed from the releases of the as-of date; the GRDP path),
:mod:`~grdp.forecast.scenarios` (scenario definitions, ``grdp/data/scenarios.yaml``),
:mod:`~grdp.forecast.projection` (every model under every scenario) and :mod:`~grdp.forecast.assessment` (the
target assessment of a region), :mod:`~grdp.forecast.policy_targets` (the targets in force at the as-of date and the
required-growth arithmetic).

The face imports nothing, so that a later stage (the reports read scenario definitions) loads only the module it
names.
"""

__all__ = ["assessment", "backtest", "ensemble", "estimates", "evidence", "history", "models", "policy_targets",
           "probability_calibration", "projection", "scenarios", "series"]
