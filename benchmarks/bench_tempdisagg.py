"""Time grdp.quarterly.td against R tempdisagg 1.1.1's reference timings.

Run from the repository root (with grdp installed, or ``PYTHONPATH=.``)::

    python benchmarks/bench_tempdisagg.py

Prints the median milliseconds per call over several repeats for chow-lin-maxlog on the
66-quarter reference data and on a 400-quarter synthetic series (fixed seed), and for
denton-cholette on the reference data, next to R's timings on a comparable 2-core machine.

BLAS runs single-threaded unless ``OPENBLAS_NUM_THREADS`` is set: the matrices here are at most
a few hundred wide, where BLAS threads bring nothing, and on the 2-core development machine the
multi-threaded default made the same call take anywhere from 3 to 12 ms (numpy and scipy each
load their own OpenBLAS thread pool). R's bundled reference BLAS is single-threaded as well.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy/scipy load OpenBLAS

import statistics  # noqa: E402
import timeit  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from grdp.quarterly import td  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tempdisagg"
R_MS = {"chow-lin-maxlog, 66 quarters": 7.9, "chow-lin-maxlog, 400 quarters": 428.0,
        "denton-cholette, 66 quarters": 2.3}


def reference_data() -> tuple[pd.Series, pd.DataFrame]:
    """Annual sums and quarterly indicators of the R reference cases."""
    y = pd.read_csv(FIXTURES / "annual.csv", index_col="year")["sum"]
    X = pd.read_csv(FIXTURES / "indicators_quarterly.csv", index_col="quarter")
    X.index = pd.PeriodIndex(X.index, freq="Q")
    return y, X


def synthetic_data(n_years: int = 100, seed: int = 20130501) -> tuple[pd.Series, pd.DataFrame]:
    """``4 * n_years`` quarters of two indicators and the annual sums of an AR(1)-noisy target."""
    rng = np.random.default_rng(seed)
    n = 4 * n_years
    x1 = 100 + np.cumsum(rng.normal(1.2, 0.8, n)) + np.tile([-3.0, 1.0, 0.0, 4.0], n_years)
    x2 = 50 + 0.3 * np.arange(n) + rng.normal(0, 2, n)
    noise = np.zeros(n)
    for t in range(1, n):
        noise[t] = 0.6 * noise[t - 1] + rng.normal(0, 2)
    target = 5 + 0.9 * x1 + 0.2 * x2 + noise
    quarters = pd.period_range("1925Q1", periods=n, freq="Q")
    X = pd.DataFrame({"x1": x1, "x2": x2}, index=quarters)
    y = pd.Series(target.reshape(n_years, 4).sum(axis=1), index=range(1925, 1925 + n_years))
    return y, X


def median_ms(call: Callable[[], object], repeat: int = 7) -> float:
    """Median milliseconds per call over ``repeat`` batches of at least 0.2 s each."""
    number, _ = timeit.Timer(call).autorange()
    times = timeit.repeat(call, number=number, repeat=repeat)
    return 1000.0 * statistics.median(times) / number


def main() -> None:
    y, X = reference_data()
    y_long, X_long = synthetic_data()
    cases = {
        "chow-lin-maxlog, 66 quarters": lambda: td(y, X, method="chow-lin-maxlog"),
        "chow-lin-maxlog, 400 quarters": lambda: td(y_long, X_long, method="chow-lin-maxlog"),
        "denton-cholette, 66 quarters": lambda: td(y, X, method="denton-cholette", formula="0 + x1"),
    }
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; median of 7 repeats")
    print(f"{'case':32s} {'grdp ms':>10s} {'R ms':>8s} {'speed-up':>9s}")
    for name, call in cases.items():
        ms = median_ms(call)
        print(f"{name:32s} {ms:10.2f} {R_MS[name]:8.1f} {R_MS[name] / ms:8.1f}x")


if __name__ == "__main__":
    main()
