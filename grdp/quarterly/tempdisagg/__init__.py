"""Temporal disaggregation and aggregation, equal to R tempdisagg 1.1.1 (Sax and Steiner 2013).

>>> from grdp.quarterly.tempdisagg import td, ta
>>> result = td(y_annual, X_quarterly, method="chow-lin-maxlog")  # doctest: +SKIP
>>> ta(result.values, conversion="sum")  # equals y_annual  # doctest: +SKIP

- :func:`td` and its result :class:`TdResult` (:mod:`~grdp.quarterly.tempdisagg.disaggregation`);
- :func:`ta` (:mod:`~grdp.quarterly.tempdisagg.aggregation`);
- the estimators and their formulas (:mod:`~grdp.quarterly.tempdisagg.solvers`).

The subpackage imports nothing else of ``grdp``: it can be used on any annual series and its indicators.
"""

from grdp.quarterly.tempdisagg.aggregation import ta
from grdp.quarterly.tempdisagg.disaggregation import TdResult, td

__all__ = ["TdResult", "ta", "td"]
