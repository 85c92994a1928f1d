"""Time the forecasting stage: one fit of each share model, the rolling-origin backtests and the target
assessment of HCMC (both boundaries, six methods, six scenarios).

Run from the repository root (with grdp installed, or ``PYTHONPATH=.``)::

    .venv/bin/python benchmarks/bench_forecast.py [--repeats 3]

Prints the median seconds of each step over the repeats, with the peak memory of the assessment.
"""

from __future__ import annotations

import argparse
import tracemalloc

from grdp import sources
from grdp.digital.model import build
from grdp.forecast import assessment, backtest, history, series
from grdp.forecast.models import MODELS, forecast
from grdp.forecast.scenarios import load_scenarios
from timing import median_s

AS_OF = "2025-12-31"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    observations = sources.load_observations()
    model = build("hcmc", "old", AS_OF, observations)
    gso = history.share_history(model, ["gso"]).set_index("year")[["share", "numerator", "denominator"]]
    for name in MODELS["share"]:
        seconds = median_s(lambda: forecast(gso, name, 11, draws=4000, seed=0), repeats)
        print(f"fit + 4000 paths, {name:<12} {seconds * 1000:8.1f} ms")
    collection = series.backtest_series(observations, AS_OF)
    errors = None

    def run_backtests() -> None:
        nonlocal errors
        errors = backtest.run_backtests(collection, horizon=5, draws=500, seed=0)
    print(f"backtests ({len(collection)} series, 500 paths)  {median_s(run_backtests, repeats):8.2f} s "
          f"({len(errors)} scored rows)")
    skill = backtest.pooled_share_skill(errors)
    scenarios = list(load_scenarios().values())
    methods = ["gso", "mic", "hids", "oecd-core", "oecd-narrow", "oecd-broad"]
    tracemalloc.start()
    seconds = median_s(lambda: assessment.assess_region(observations, AS_OF, "hcmc", methods, scenarios, skill, 2035),
                       repeats)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"target assessment (2 boundaries x 6 methods x 8 models) {seconds:8.2f} s, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
