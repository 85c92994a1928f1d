"""The labelled sets of series the forecasting models are scored on (the backtests' ``set`` column).

``digital``: the digital-economy shares (national GSO and MIC, by rolling origin and in real time), which
resemble the target; ``sections``: the shares of national GDP of VSIC sections, a second set with many more
forecasts. The ensemble weights look for a judgement in this order (:func:`grdp.forecast.backtest.skill_weights`);
a probability rests on the first set only (:data:`EVIDENCE_SET`, read by
:func:`grdp.forecast.probability_calibration.probability_rule` and by the reports).
"""

SETS = ("digital", "sections")
"""The sets, in the order the ensemble weights look for a judgement."""
EVIDENCE_SET = SETS[0]
"""The set whose calibration a probability needs: the digital-economy shares (the section shares cannot license a
probability about a digital-economy share)."""
MIN_CALIBRATION_FORECASTS = 20
"""Fewest scored forecasts of a model at a horizon for its calibration there to be judged at all
(:data:`grdp.forecast.probability_calibration.N_MIN`); with fewer, the reports call its intervals untested."""
