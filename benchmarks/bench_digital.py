"""Time the digital-economy stage: the Monte Carlo, the out-of-time validation and the headline tables.

Run from the repository root (with grdp installed, or ``PYTHONPATH=.``)::

    .venv/bin/python benchmarks/bench_digital.py [--draws 20000] [--repeats 3] [--as-of 2025-12-31]

Prints, for each step, the median wall-clock and CPU seconds of the repeats, each computed from scratch
(the run cache of :mod:`grdp.base.run_cache` is emptied before every repeat):

* ``build``: assemble the HCMC and national accounts, calibrate, measure the errors, fit the gaps;
* ``simulate_years``: every method in every simulated year, ``--draws`` draws (the notebooks' default);
* ``out_of_time``: every out-of-time check (a model rebuilt at each check date);
* ``share_table``: the headline of old HCMC, the merged city (its three parts) and the nation, what
  notebook 02 computes;
* ``100k draws``: ``simulate(model, 2023, draws=100_000)``, the former benchmark (target: under 2 s).

BLAS runs single-threaded unless ``OPENBLAS_NUM_THREADS`` is set: the simulation is element-wise array
arithmetic over draws, where BLAS threads bring nothing.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy/scipy load OpenBLAS

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from grdp import sources  # noqa: E402
from grdp.base import run_cache
from grdp.digital import build, headline, region_cells, validation  # noqa: E402
from grdp.digital.uncertainty import simulate, simulate_years  # noqa: E402

SEED = 20251231
TARGET_100K_S = 2.0
"""Seconds ``simulate`` of 100,000 draws should stay under on a 2-core machine."""


def _time(call) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=region_cells.DEFAULT_DRAWS)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--as-of", default="2025-12-31")
    args = parser.parse_args()
    observations = sources.load_observations()
    as_of, draws = args.as_of, args.draws

    def tables() -> None:
        for region, boundary in (("hcmc", "old"), ("hcmc", "merged"), ("vn", "national")):
            headline.share_table(region, boundary, as_of, observations, draws=draws, seed=SEED)

    steps = {
        "build": lambda: build("hcmc", "old", as_of, observations),
        "simulate_years": lambda: simulate_years(build("hcmc", "old", as_of, observations), draws=draws, seed=SEED),
        "out_of_time": lambda: validation.out_of_time(observations, as_of, region_cells.VALIDATION_LEVEL,
                                                      region_cells.VALIDATION_DRAWS, SEED),
        "share_table (3 tables)": tables,
        "100k draws": lambda: simulate(build("hcmc", "old", as_of, observations), 2023, draws=100_000, seed=SEED),
    }
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"CPUs: {os.cpu_count()} (usable: {usable}); OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; "
          f"as of {as_of}; {draws:,} draws; {args.repeats} repeats; load average {os.getloadavg()[0]:.1f}")
    for name, step in steps.items():
        walls, cpus = [], []
        for _ in range(args.repeats):
            run_cache._memory.clear()
            if name in ("simulate_years", "100k draws"):
                build("hcmc", "old", as_of, observations)  # time the simulation, not the build
            if name == "share_table (3 tables)":
                validation.out_of_time(observations, as_of, region_cells.VALIDATION_LEVEL,
                                       region_cells.VALIDATION_DRAWS, SEED)
            wall, cpu = _time(step)
            walls.append(wall)
            cpus.append(cpu)
        print(f"  {name:<24} wall {statistics.median(walls):6.2f} s   cpu {statistics.median(cpus):6.2f} s")
        if name == "100k draws":
            verdict = "meets" if statistics.median(walls) < TARGET_100K_S else "MISSES"
            print(f"  target: 100k draws under {TARGET_100K_S:.0f} s; median {verdict} it here")
    print("  (share_table is timed with the validation already done, as in notebook 02 after its first table)")


if __name__ == "__main__":
    main()
