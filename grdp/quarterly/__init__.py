"""Quarterly series: temporal disaggregation of annual figures (R tempdisagg's ``td``).

>>> from grdp.quarterly import td
>>> result = td(y_annual, X_quarterly, method="chow-lin-maxlog")  # doctest: +SKIP
>>> result.values, print(result.summary())  # doctest: +SKIP
"""

from grdp.quarterly.disaggregation import TdResult, td

__all__ = ["TdResult", "td"]
