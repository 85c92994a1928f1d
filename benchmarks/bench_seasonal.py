"""Time grdp.quarterly.seasonal.adjust on Vietnam's quarterly GDP (2015Q1-2025Q1, constant 2010 prices).

Run from the repository root (with grdp installed, or ``PYTHONPATH=.``)::

    python benchmarks/bench_seasonal.py

Prints the median milliseconds per call over several repeats for X-13ARIMA-SEATS with the Tết
regressor (one subprocess run of the x13as binary, spec writing and output parsing included), X-13
without it, and robust STL, with the Tết coefficient X-13 reports; then the national factors of the 21 sections
used to adjust the regional series (which sections keep their Tết term).
"""

from __future__ import annotations

import statistics
import timeit
import warnings
from collections.abc import Callable

import pandas as pd

from grdp.quarterly.national_factors import national_factors
from grdp.quarterly.regional import national_quarterly
from grdp.quarterly.seasonal import adjust, find_x13
from grdp.sources import load_observations


def national_gdp(price_basis: str = "constant_2010") -> pd.Series:
    """Quarterly GDP (bn VND), latest release of each quarter."""
    return national_quarterly(load_observations(), None, price_basis)["TOTAL"]


def median_ms(call: Callable[[], object], repeat: int = 5) -> float:
    """Median milliseconds per call over ``repeat`` batches of at least 0.2 s each."""
    number, _ = timeit.Timer(call).autorange()
    times = timeit.repeat(call, number=number, repeat=repeat)
    return 1000.0 * statistics.median(times) / number


def main() -> None:
    y = national_gdp()
    warnings.simplefilter("ignore")
    print(f"{len(y)} quarters {y.index[0]}-{y.index[-1]}; X-13 binary: {find_x13()}")
    cases = {"stl (robust, log)": lambda: adjust(y, method="stl")}
    if find_x13() is not None:
        cases = {"x13 with Tết regressor": lambda: adjust(y, method="x13"),
                 "x13 without Tết": lambda: adjust(y, method="x13", tet=False), **cases}
        print(adjust(y, method="x13").summary())
    observations = load_observations()
    sections = list("ABCDEFGHIJKLMNOPQRST") + ["TAX"]
    cases["national factors, 21 sections"] = lambda: national_factors(observations, None, sections)
    print(f"{'case':30s} {'ms':>8s}")
    for name, call in cases.items():
        print(f"{name:30s} {median_ms(call, repeat=3):8.1f}")
    kept = national_factors(observations, None, sections).diagnostics
    kept = kept[kept["tet_kept"]]
    print("sections keeping a Tết term: " + ", ".join(f"{r.series} {r.tet_coefficient:.3f} (t {r.tet_t_value:.1f})"
                                                    for r in kept.itertuples()))


if __name__ == "__main__":
    main()
