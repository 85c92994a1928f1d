"""Quarterly series: temporal disaggregation (R tempdisagg's ``td``), seasonal adjustment with a Tết
regressor, quarterly GRDP, quarterly digital-economy shares and their nowcast.

>>> from grdp.quarterly import td, adjust
>>> result = td(y_annual, X_quarterly, method="chow-lin-maxlog")  # doctest: +SKIP
>>> result.values, print(result.summary())  # doctest: +SKIP
>>> adjust(quarterly_series).adjusted  # doctest: +SKIP

Modules: ``tempdisagg`` (``td``, ``ta``: R tempdisagg's face), ``tet`` (Tết dates and regressor), ``seasonal``
(X-13ARIMA-SEATS with STL fallback), ``regional`` (quarterly GRDP benchmarked to the annual accounts and the
published quarterly growth), ``national_factors`` (the regional series adjusted with the national seasonal factors
by section; whether a regional Tết effect is identified), ``digital_share`` (each method's quarterly share) and
``nowcast`` (backtest and intervals).
"""

from grdp.quarterly.digital_share import QuarterlyShare, quarterly_share
from grdp.quarterly.national_factors import NationalFactors, TetIdentification, city_tet_effect, national_factors
from grdp.quarterly.nowcast import Nowcast, backtest, choose_extrapolation, nowcast
from grdp.quarterly.regional import QuarterlyGRDP, national_quarterly, quarter_shares, quarterly_grdp
from grdp.quarterly.seasonal import SeasonalAdjustment, SeasonalAdjustmentWarning, adjust
from grdp.quarterly.tempdisagg import TdResult, ta, td
from grdp.quarterly.tet import tet_dates, tet_regressor

__all__ = ["NationalFactors", "Nowcast", "QuarterlyGRDP", "QuarterlyShare", "SeasonalAdjustment",
           "SeasonalAdjustmentWarning", "TdResult", "TetIdentification", "adjust", "backtest", "choose_extrapolation",
           "city_tet_effect",
           "national_factors", "national_quarterly", "nowcast", "quarter_shares", "quarterly_grdp", "quarterly_share",
           "ta", "td", "tet_dates", "tet_regressor"]
