"""Write a checked :class:`~grdp.intake.plan.Plan` into ``sources/``: append only, each file atomically.

Every file is first written in full to a temporary file in its own folder and then moved over the old one
with :func:`os.replace` (atomic on one file system), in the order ``data.csv``, ``provenance.yaml``,
``DATA_LOG.md``. Before anything is moved, each file must still hold exactly the text the plan was made
from (a concurrent edit refuses the intake), and the new ``data.csv`` must begin with the old one byte for
byte: existing rows are never rewritten or deleted. If anything fails before the files are moved, the
temporary files (and a dataset folder the intake created) are removed and ``sources/`` is as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

from grdp import sources
from grdp.intake.plan import Plan
from grdp.intake.release import IntakeError
from grdp.sources import Problem


def _current(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


def apply(plan: Plan) -> list[Path]:
    """Write the plan's files and return them, in the order written.

    Raises
    ------
    IntakeError
        If a file changed since the plan was made, or the new ``data.csv`` would not keep the old rows as
        they are; nothing is written then.
    """
    for path, (old, new) in plan.files.items():
        if _current(path) != old:
            raise IntakeError([Problem(path, "changed since the dry run was made; run the intake again")])
        if path.name == sources.DATA_FILE and old is not None and not new.startswith(old):
            raise IntakeError([Problem(path, "the new text would not keep the existing rows unchanged")])
    created = not plan.folder.exists()
    if created:
        plan.folder.mkdir(parents=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for path, (_, new) in plan.files.items():
            temporary = path.with_name(f".{path.name}.intake-{os.getpid()}.tmp")
            staged.append((temporary, path))
            with temporary.open("w", encoding="utf-8", newline="") as handle:
                handle.write(new)
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        if created:
            for leftover in plan.folder.iterdir():
                leftover.unlink()
            plan.folder.rmdir()
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
    return [path for _, path in staged]
