"""Time source validation, and the refusal of resource bombs (an alias bomb, a link to /dev/zero, a FIFO).

Prints the median time of ``grdp.sources.validate()`` on the repository's ``sources/`` (target: under 2 s), and
the time and peak memory (tracemalloc) of refusing each bomb (targets: under 0.5 s and 10 MB each; before
issue 16 the alias bomb was reported valid, /dev/zero was read until memory ran out and the FIFO blocked forever).
Bombs are written into a scratch folder.

    .venv/bin/python benchmarks/bench_validation.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from timing import median_s

from grdp import sources

PROVENANCE = """id: demo
title: A bomb
publisher: nobody
url: https://example.org
publication_date: 2025-01-01
retrieval_date: 2026-01-01
retrieved_via: benchmark
licence: none
rating: red
notes: none
"""
ROW = "hcmc,old,2024,A,grdp,TOTAL,current,bn_VND,1,nobody,2025-01-01,false,https://example.org,published,red,\n"


def _bombs(root: Path) -> dict[str, Path]:
    header = ",".join(sources.schemas.SOURCE_COLUMNS) + "\n"
    out = {}
    for name in ("aliases", "dev_zero", "fifo"):
        folder = root / name / "demo"
        folder.mkdir(parents=True)
        (folder / "data.csv").write_text(header + ROW, encoding="utf-8")
        (folder / "provenance.yaml").write_text(PROVENANCE, encoding="utf-8")
        out[name] = folder.parent
    levels = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    levels += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    (out["aliases"] / "demo" / "provenance.yaml").write_text(PROVENANCE + "\n".join(levels) + "\n", encoding="utf-8")
    (out["dev_zero"] / "demo" / "data.csv").unlink()
    (out["dev_zero"] / "demo" / "data.csv").symlink_to("/dev/zero")
    (out["fifo"] / "demo" / "provenance.yaml").unlink()
    os.mkfifo(out["fifo"] / "demo" / "provenance.yaml")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    seconds = median_s(sources.validate, args.repeats)
    print(f"validate sources/ (median of {args.repeats})  : {seconds:.2f} s  (target < 2 s)")
    with tempfile.TemporaryDirectory() as scratch:
        for name, root in _bombs(Path(scratch)).items():
            tracemalloc.start()
            start = time.perf_counter()
            problems = sources.validate(root)
            elapsed = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            print(f"refuse the {name:<8} bomb            : {elapsed:.3f} s, peak {peak:.1f} MB  (targets < 0.5 s, "
                  f"< 10 MB): {problems[0].message if problems else 'NOT REFUSED'}")


if __name__ == "__main__":
    main()
