"""Temporal aggregation of a quarterly (or monthly) series to years, as R tempdisagg's ``ta``.

:func:`ta` is the inverse direction of :func:`grdp.quarterly.tempdisagg.disaggregation.td`: the annual value of
each complete year is ``y_l = w' y``, where the ``fr`` weights ``w`` sum (``sum``), average (``average``) or pick
the first or last period (``first``, ``last``) of the year
(:func:`grdp.quarterly.tempdisagg.solvers.conversion_weights`). Every result of ``td`` therefore satisfies
``ta(td(y_l, ...).values, conversion) == y_l`` on the years of ``y_l``.

References
----------
Sax, C. and Steiner, P. (2013). Temporal disaggregation of time series. The R Journal, 5(2), 80-87.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from grdp.quarterly.tempdisagg.solvers import conversion_weights

_PERIODS_PER_YEAR = {"Q": 4, "M": 12}


def ta(x: pd.Series, conversion: str = "sum") -> pd.Series:
    """Aggregate a quarterly or monthly series to the years it covers completely.

    Parameters
    ----------
    x
        Values with a quarterly or monthly ``PeriodIndex``, consecutive and without missing values.
    conversion
        ``"sum"`` (flows), ``"average"`` (rates, indices), ``"first"`` or ``"last"`` (stocks).

    Returns
    -------
    pandas.Series
        One value per complete year, with an annual ``PeriodIndex``; years whose periods are not all in ``x`` are
        left out.

    Raises
    ------
    TypeError
        If ``x`` is not a quarterly or monthly series.
    ValueError
        If ``conversion`` is unknown, or ``x`` has gaps or missing values.

    Examples
    --------
    >>> import pandas as pd
    >>> q = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=pd.period_range("2020Q1", periods=5, freq="Q"))
    >>> ta(q, "sum")
    2020    10.0
    Freq: Y-DEC, dtype: float64
    """
    if not isinstance(x, pd.Series) or not isinstance(x.index, pd.PeriodIndex):
        raise TypeError("x must be a pandas Series with a quarterly or monthly PeriodIndex")
    fr = _PERIODS_PER_YEAR.get(x.index.freqstr[0])
    if fr is None:
        raise TypeError(f"x must be quarterly or monthly, got freq {x.index.freqstr!r}")
    if x.isna().any():
        raise ValueError(f"x has missing values at {', '.join(map(str, x.index[x.isna().to_numpy()]))}")
    if len(x) and not x.index.equals(pd.period_range(x.index[0], periods=len(x), freq=x.index.freq)):
        raise ValueError("x must cover consecutive periods, in order and without gaps or duplicates")
    weights = conversion_weights(conversion, fr)
    years = x.index.year
    complete = [y for y in dict.fromkeys(years) if int(np.sum(years == y)) == fr]
    values = [float(weights @ x.to_numpy()[years == y]) for y in complete]
    return pd.Series(values, index=pd.PeriodIndex([pd.Period(year=y, freq="Y") for y in complete]), name=x.name)
