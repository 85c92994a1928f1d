"""Time the Monte Carlo of the digital-economy methods: ``simulate(model, 2023, draws=100_000)``.

Run from the repository root (with grdp installed, or ``PYTHONPATH=.``)::

    .venv/bin/python benchmarks/bench_digital.py [--draws 100000] [--repeats 5] [--year 2023]

Builds (and calibrates) the HCMC model once, then times
:func:`grdp.digital.uncertainty.simulate` for every method at once, and prints the best and the
median of the repeats, draws per second and the machine's CPU count. Target: under 2 s per run on a
2-core machine.

BLAS runs single-threaded unless ``OPENBLAS_NUM_THREADS`` is set (as in ``bench_tempdisagg.py``):
the simulation is element-wise array arithmetic over draws, where BLAS threads bring nothing.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy/scipy load OpenBLAS

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from grdp.digital import METHODS, build  # noqa: E402
from grdp.digital.uncertainty import CHUNK, simulate  # noqa: E402

TARGET_S = 2.0
"""Seconds per run that ``simulate`` should stay under on a 2-core machine."""
SEED = 20251231


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--as-of", default="2025-12-31")
    args = parser.parse_args()

    tick = time.perf_counter()
    model = build("hcmc", "old", args.as_of)
    build_s = time.perf_counter() - tick
    simulate(model, args.year, draws=1_000, seed=SEED)  # warm-up: caches, first-call imports
    times = []
    for _ in range(args.repeats):
        tick = time.perf_counter()
        simulate(model, args.year, draws=args.draws, seed=SEED)
        times.append(time.perf_counter() - tick)
    best, median = min(times), statistics.median(times)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"CPUs: {os.cpu_count()} (usable: {usable}); OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    print(f"build('hcmc', 'old', {args.as_of!r}) incl. calibration: {build_s:.2f} s (once)")
    print(f"simulate(model, {args.year}, draws={args.draws:,}), {len(METHODS)} methods, chunks of {CHUNK:,} draws, "
          f"{args.repeats} repeats")
    print(f"  best   : {best:.3f} s per run   {args.draws / best:12,.0f} draws/s")
    print(f"  median : {median:.3f} s per run   {args.draws / median:12,.0f} draws/s")
    verdict = "meets" if median < TARGET_S else "MISSES"
    print(f"target: under {TARGET_S:.0f} s per run on a 2-core machine; median {verdict} it here "
          f"({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
