"""Time the quarterly chain for HCMC (old boundary): quarterly GRDP, every method's quarterly share, the
seasonal adjustment of all seven series, the pseudo-real-time backtest and the nowcast.

Run from the repository root (with grdp installed, or ``PYTHONPATH=.``)::

    .venv/bin/python benchmarks/bench_quarterly.py [--repeats 5]

Prints the median seconds of each step over the repeats (the model is built once, outside the timings)
and the latest nowcast, so the figures quoted in the closing note can be regenerated.
"""

from __future__ import annotations

import argparse

from grdp import accounts, digital, sources
from grdp.digital.uncertainty import simulate
from grdp.quarterly import backtest, nowcast, quarterly_grdp, quarterly_share
from grdp.quarterly.digital_share import seasonally_adjusted
from timing import median_s

AS_OF = "2025-12-31"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    observations = sources.load_observations()
    model = digital.build("hcmc", "old", AS_OF, observations)
    hcmc = accounts.assemble("hcmc", "old", AS_OF, observations)
    grdp_q = quarterly_grdp(hcmc, observations)
    share = quarterly_share(model, grdp_q)
    errors = backtest(model, hcmc, observations, share)
    steps = {
        "quarterly GRDP (21 quarters)": lambda: quarterly_grdp(hcmc, observations),
        "quarterly share, 6 methods": lambda: quarterly_share(model, grdp_q),
        "X-13 with Tet, 7 series": lambda: seasonally_adjusted(share),
        "backtest (4 origins x 6 methods)": lambda: backtest(model, hcmc, observations, share),
    }
    print(f"{'step':36s} {'median s':>9s}")
    for name, call in steps.items():
        print(f"{name:36s} {median_s(call, args.repeats):9.3f}")
    intervals = simulate(model, int(grdp_q.benchmark.index[-1]), draws=20_000, seed=20251231).intervals(0.9)
    table = nowcast(share, errors, intervals, 0.9).table
    print("\nnowcast (90% interval):")
    for _, row in table.iterrows():
        print(f"  {row['period']} {row['method']:12s} {row['share']:6.2f}  [{row['lower']:.2f}, {row['upper']:.2f}]")


if __name__ == "__main__":
    main()
