"""Time the forecasting stage as notebook 04 runs it: the estimates the assessment reads, one fit of each projected
model, the backtests on the comparable share series (rolling origin and real time) with the calibration table,
and the target assessment of HCMC (both boundaries, six methods, six scenarios).

Run from the repository root (with grdp installed, or ``PYTHONPATH=.``)::

    .venv/bin/python benchmarks/bench_forecast.py [--repeats 3]

Prints the median seconds of each step over the repeats, with the peak memory of the assessment.
"""

from __future__ import annotations

import argparse
import tracemalloc

import pandas as pd
from timing import median_s

from grdp import sources
from grdp.forecast import assessment, backtest, history, probability_calibration, series
from grdp.forecast.estimates import load_estimates
from grdp.forecast.models import forecast
from grdp.forecast.projection import PROJECTED
from grdp.forecast.scenarios import load_scenarios

AS_OF = "2025-12-31"
METHODS = ["gso", "mic", "hids", "oecd-core", "oecd-narrow", "oecd-broad"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    observations = sources.load_observations()
    seconds = median_s(lambda: load_estimates(observations, "hcmc", "old", AS_OF, METHODS), repeats)
    print(f"estimates table, old boundary (6 methods, 4000 draws) {seconds:8.2f} s")
    estimates = load_estimates(observations, "hcmc", "old", AS_OF, METHODS)
    first_open = history.first_open_year(AS_OF)
    start = history.start_point(estimates, "mic", first_open)
    mic = history.fit_history(estimates, "mic", start)["share"]
    for name in PROJECTED:
        seconds = median_s(lambda model=name: forecast(mic, model, 11, draws=4000, seed=0), repeats)
        print(f"fit + 4000 paths, {name:<12} {seconds * 1000:8.1f} ms")
    collection = series.share_series(observations, AS_OF)
    evidence: dict[str, pd.DataFrame] = {}

    def run_backtests() -> None:
        errors = backtest.run_backtests(collection, horizon=5, draws=500, seed=0, models=PROJECTED)
        realtime = probability_calibration.realtime_backtest(observations, AS_OF, PROJECTED, draws=500, seed=0)
        evidence["errors"] = errors
        both = pd.concat([errors, realtime], ignore_index=True)
        evidence["calibration"] = probability_calibration.calibration_table(both)
    seconds = median_s(run_backtests, repeats)
    print(f"backtests ({len(collection)} share series + real time, 500 paths) {seconds:8.2f} s "
          f"({len(evidence['errors'])} scored rows)")
    skill = backtest.pooled_share_skill(evidence["errors"])
    scenarios = list(load_scenarios().values())
    tracemalloc.start()
    seconds = median_s(lambda: assessment.assess_region(observations, AS_OF, "hcmc", METHODS, scenarios, skill,
                                                        evidence["calibration"], 2035), repeats)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"target assessment (2 boundaries x 6 methods x 5 models) {seconds:8.2f} s, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
