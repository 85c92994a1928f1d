"""Time the quarterly chain for HCMC (old boundary): quarterly GRDP (the constrained Denton volume step and the
nominal benchmarking), every method's quarterly share, the seasonal adjustment with the national factors by section
(X-13 on 21 national sections, then seven regional series), the pseudo-real-time backtest and the nowcast.

Run from the repository root (with grdp installed, or ``PYTHONPATH=.``)::

    .venv/bin/python benchmarks/bench_quarterly.py [--repeats 5]

Prints the median seconds of each step over the repeats (the model is built once, outside the timings),
the quarter shares of annual GRDP against the nation's, the largest gap to the published quarterly growth, and the
latest nowcast, so the figures quoted in the closing note can be regenerated.
"""

from __future__ import annotations

import argparse

from timing import median_s

from grdp import accounts, digital, sources
from grdp.digital.uncertainty import simulate
from grdp.quarterly import backtest, nowcast, quarter_shares, quarterly_grdp, quarterly_share
from grdp.quarterly.digital_share import seasonally_adjusted

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
        "national factors (21 X-13) + 7 series": lambda: seasonally_adjusted(share, observations),
        "backtest (4 origins x 6 methods)": lambda: backtest(model, hcmc, observations, share),
    }
    print(f"{'step':36s} {'median s':>9s}")
    for name, call in steps.items():
        print(f"{name:36s} {median_s(call, args.repeats):9.3f}")
    shares = quarter_shares(grdp_q, observations)
    shares = shares.assign(year=[p.year for p in shares["period"]], quarter=[p.quarter for p in shares["period"]])
    print("\nquarter shares of annual GRDP, % (national in brackets):")
    for year, rows in shares.groupby("year"):
        print(f"  {year} " + "  ".join(f"Q{r.quarter} {r.share:5.2f} ({r.national_share:5.2f})" for r in rows.itertuples()))
    growth = grdp_q.checks[grdp_q.checks["variable"].str.startswith("grdp_real_growth")]
    worst = growth.loc[growth["difference"].abs().idxmax()]
    consistent = growth[growth["consistent"]]
    print(f"largest gap to published growth: {worst['difference']:+.2f} pp ({worst['label']}); where the published "
          f"figures are consistent: {consistent['difference'].abs().max():.2f} pp")
    intervals = simulate(model, int(grdp_q.benchmark.index[-1]), draws=20_000, seed=20251231).intervals(0.9)
    table = nowcast(share, errors, intervals, 0.9).table
    print("\nnowcast (90% interval):")
    for _, row in table.iterrows():
        print(f"  {row['period']} {row['method']:12s} {row['share']:6.2f}  [{row['lower']:.2f}, {row['upper']:.2f}]")


if __name__ == "__main__":
    main()
