"""Write a checked :class:`~grdp.intake.plan.Plan` into ``sources/``: append only, serialised, as one transaction.

**Serialised.** :func:`apply` holds the exclusive lock of the sources folder (:func:`sources_lock`, an
``flock`` on the folder itself, so no lock file is created) for the whole check-and-write: each file must
still hold exactly the text the plan was made from (a concurrent intake that wrote first makes the later one
refuse with "changed since the dry run"; nothing is lost), and the new ``data.csv`` must begin with the old one
byte for byte: existing rows are never rewritten or deleted.

**One transaction.** The three files (``data.csv``, ``provenance.yaml``, ``DATA_LOG.md``) are written in full
to temporary files beside them and synced; then the *journal* ``sources/.intake-journal.json``, which lists
each temporary file and its target, is written and synced (the commit point); then every temporary file is
moved over its target with :func:`os.replace` and the journal is removed. An interruption before the commit
point leaves the old state (the temporary files are removed as the exception unwinds, or by the next
recovery); one after it is rolled forward (at once as the exception unwinds, or by the next recovery). So
``sources/`` holds either the old release set or the new one.

**Recovery** (:func:`recover`): ``grdp ingest`` and ``grdp validate`` run it first. With a journal it completes
the moves the journal lists (roll forward); without one it removes the intake's temporary files (roll back);
it returns what it did, in words, and ``grdp validate`` prints it. Until then the source contract
(:func:`grdp.sources.validate`) reports the leftovers, so no pipeline runs on half-written sources.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grdp import sources
from grdp.intake.plan import Plan
from grdp.intake.release import IntakeError
from grdp.sources import Problem
from grdp.sources.contract import INTAKE_JOURNAL, INTAKE_TEMPORARY, intake_temporaries


def _current(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


@contextmanager
def sources_lock(root: Path) -> Iterator[None]:
    """Hold the exclusive lock of a sources folder, waiting for another intake that holds it.

    The lock is an ``flock`` on the folder's own file descriptor: nothing is written to take it, and the
    kernel releases it when the process ends, however it ends.
    """
    handle = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def _sync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}{INTAKE_TEMPORARY}{os.getpid()}.tmp")


def _roll_forward(root: Path, moves: list[tuple[Path, Path]]) -> list[Path]:
    """Move every temporary file that is still there over its target, then remove the journal."""
    done = []
    for temporary, target in moves:
        if temporary.exists():
            os.replace(temporary, target)
            done.append(target)
    _sync(root)
    (root / INTAKE_JOURNAL).unlink(missing_ok=True)
    return done


def apply(plan: Plan) -> list[Path]:
    """Write the plan's files as one transaction (module docstring) and return them, in the order written.

    Raises
    ------
    IntakeError
        If a file changed since the plan was made, or the new ``data.csv`` would not keep the old rows as
        they are; nothing is written then.
    """
    root = plan.folder.parent
    with sources_lock(root):
        recover(root)
        for path, (old, new) in plan.files.items():
            if _current(path) != old:
                raise IntakeError([Problem(path, "changed since the dry run was made; run the intake again")])
            if path.name == sources.DATA_FILE and old is not None and not new.startswith(old):
                raise IntakeError([Problem(path, "the new text would not keep the existing rows unchanged")])
        created = not plan.folder.exists()
        if created:
            plan.folder.mkdir(parents=True)
        moves = [(_temporary(path), path) for path in plan.files]
        committed = False
        try:
            for (temporary, _), (_, new) in zip(moves, plan.files.values()):
                _write(temporary, new)
            journal = {"moves": [[str(t.relative_to(root)), str(p.relative_to(root))] for t, p in moves]}
            _write(root / f"{INTAKE_JOURNAL}.tmp", json.dumps(journal, indent=1))
            os.replace(root / f"{INTAKE_JOURNAL}.tmp", root / INTAKE_JOURNAL)
            _sync(root)
            committed = True
            return _roll_forward(root, moves)
        except BaseException:
            if committed:  # past the commit point: finish, so that the new state is whole
                _roll_forward(root, moves)
            else:
                for temporary, _ in moves:
                    temporary.unlink(missing_ok=True)
                (root / f"{INTAKE_JOURNAL}.tmp").unlink(missing_ok=True)
                if created and not any(plan.folder.iterdir()):
                    plan.folder.rmdir()
            raise


def recover(root: Path) -> list[str]:
    """Finish or undo an intake that was interrupted in ``root`` (module docstring); return what was done.

    The caller holds :func:`sources_lock` (as :func:`apply` does) or takes it here when it does not.

    Returns
    -------
    list of str
        One sentence per action (empty when there was nothing to recover).
    """
    journal = root / INTAKE_JOURNAL
    said = []
    if journal.exists():
        try:
            moves = [(root / t, root / p) for t, p in json.loads(journal.read_text(encoding="utf-8"))["moves"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise IntakeError([Problem(journal, f"the journal of an interrupted intake cannot be read ({exc}); "
                                                "restore sources/ from version control")]) from None
        done = _roll_forward(root, moves)
        said.append("completed an intake that was interrupted after its commit point: wrote "
                    + ", ".join(str(p.relative_to(root)) for p in done) if done else
                    "removed the journal of an intake whose files were all in place")
    (root / f"{INTAKE_JOURNAL}.tmp").unlink(missing_ok=True)
    leftovers = intake_temporaries(root)
    for path in leftovers:
        path.unlink()
        folder = path.parent
        if folder != root and not any(folder.iterdir()):
            folder.rmdir()
    if leftovers:
        said.append("removed the temporary files of an intake that was interrupted before it wrote anything: "
                    + ", ".join(str(p.relative_to(root)) for p in leftovers))
    return said


def recover_locked(root: Path) -> list[str]:
    """:func:`recover` under :func:`sources_lock`, for a command that does not write otherwise (``grdp validate``)."""
    with sources_lock(root):
        return recover(root)
