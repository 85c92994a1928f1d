"""Build the test session's project in a process of its own, beside the tests (started by ``conftest``).

``python tests/session_build.py SPEC`` (``SPEC`` a JSON object written by :func:`conftest.session_build`) does,
in the project copies ``conftest`` made, what the session fixtures did in the test process:

1. in ``SPEC["built"]``: ``pipeline.run`` of every vintage of ``SPEC["vintages"]``, oldest first, then the
   preview reports of ``SPEC["latest"]`` (``render.publish(..., renderer="preview")``), and touches
   ``SPEC["built_done"]``;
2. if ``SPEC["quarto"]`` is given: copies the built vintages (without their preview reports) into the second copy
   ``SPEC["quarto"]["root"]`` and publishes the reports of ``SPEC["latest"]`` there with Quarto, with the decoy
   ``python3`` and ``python`` of ``SPEC["quarto"]["decoys"]`` first on PATH, and pickles what publish returned to
   ``SPEC["quarto"]["result"]``.

Each step runs with ``GRDP_ROOT`` pointing at its copy, as the fixtures ran them. A failure ends the process with
its traceback on stderr; SIGTERM (the session ending before the build did) stops a running notebook and its
kernel first, as ``grdp run`` does.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import sys
from pathlib import Path


def build(spec: dict) -> None:
    from grdp.publish import render
    from grdp.run import pipeline

    built = Path(spec["built"])
    os.environ["GRDP_ROOT"] = str(built)
    for vintage in spec["vintages"]:
        pipeline.run(vintage, progress=False)
    render.publish(spec["latest"], renderer="preview")
    Path(spec["built_done"]).touch()

    quarto = spec.get("quarto")
    if not quarto:
        return
    root = Path(quarto["root"])
    shutil.copytree(built / "forecasts", root / "forecasts", ignore=shutil.ignore_patterns("reports"))
    os.environ["GRDP_ROOT"] = str(root)
    os.environ["PATH"] = f"{quarto['decoys']}{os.pathsep}{os.environ.get('PATH', '')}"
    published = render.publish(spec["latest"], renderer="quarto")
    result = Path(quarto["result"])
    partial = result.with_suffix(".partial")
    with partial.open("wb") as handle:
        pickle.dump(published, handle)
    os.replace(partial, result)


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds through pipeline.execute, which stops its child
    build(json.loads(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
