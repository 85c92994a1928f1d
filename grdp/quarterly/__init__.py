"""Quarterly series: temporal disaggregation (R tempdisagg's ``td``), seasonal adjustment with a Tết
regressor, quarterly GRDP, quarterly digital-economy shares and their nowcast.

>>> from grdp.quarterly import td, adjust
>>> result = td(y_annual, X_quarterly, method="chow-lin-maxlog")  # doctest: +SKIP
>>> result.values, print(result.summary())  # doctest: +SKIP
>>> adjust(quarterly_series).adjusted  # doctest: +SKIP

Modules: ``disaggregation``/``methods`` (``td``), ``tet`` (Tết dates and regressor), ``seasonal``
(X-13ARIMA-SEATS with STL fallback), ``regional`` (quarterly GRDP benchmarked to the annual accounts),
``digital_share`` (each method's quarterly share) and ``nowcast`` (backtest and intervals).
"""

from grdp.quarterly.digital_share import QuarterlyShare, quarterly_share
from grdp.quarterly.disaggregation import TdResult, td
from grdp.quarterly.nowcast import Nowcast, backtest, nowcast
from grdp.quarterly.regional import QuarterlyGRDP, national_quarterly, quarterly_grdp
from grdp.quarterly.seasonal import SeasonalAdjustment, SeasonalAdjustmentWarning, adjust
from grdp.quarterly.tet import tet_dates, tet_regressor

__all__ = ["Nowcast", "QuarterlyGRDP", "QuarterlyShare", "SeasonalAdjustment", "SeasonalAdjustmentWarning",
           "TdResult", "adjust", "backtest", "national_quarterly", "nowcast", "quarterly_grdp", "quarterly_share",
           "td", "tet_dates", "tet_regressor"]
