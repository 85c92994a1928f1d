"""Shared fixtures: one real project with three real-time vintages and published preview reports, and (where
``quarto`` is on PATH) one Quarto rendering of the latest vintage's reports.

Building vintages runs every pipeline notebook (about a minute each), so it is done once per test session
in a temporary copy of the repository's ``sources/``, ``notebooks/``, ``reports/`` and ``docs/``
(``GRDP_ROOT`` points the package at the copy): vintages 2025Q3 (releases up to 2025-09-30), 2025Q4 (up to
2025-12-31) and 2026Q1 (up to 2026-03-31, the first with the January 2026 releases of the 2025 outcomes), as
``make run`` builds them, and the preview reports of the latest, :data:`LATEST`. Tests that use it must not
write to it.

Rendering the four reports with Quarto takes some minutes, so it is also done once per session
(:func:`quarto_rendered`), into a second copy of the project holding the same vintages; tests that need
it skip where Quarto is not installed.

Both are made in a child process started as the session starts (:func:`session_build`,
``tests/session_build.py``), while the test modules that need neither run first; the fixtures wait for it.
Two more real runs are made once per session for the tests that need them: :func:`second_run` (the inputs of
2025Q4 again) and :func:`late_vintage` (2027Q4, after the last data).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from grdp import sources
from grdp.base import paths

REPO = paths.repo_root()
COPIED = ("sources", "notebooks", "reports", "docs")
VINTAGES = ("2025Q3", "2025Q4", "2026Q1")
"""The real-time vintages of the shared project, oldest first (those of ``make run``)."""
LATEST = VINTAGES[-1]
"""The vintage whose reports are published (``make run`` publishes the latest)."""
BUILDER = Path(__file__).with_name("session_build.py")


def copy_project(root):
    """Copy the folders a run reads into ``root`` and return it."""
    for folder in COPIED:
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns(".quarto", "*_files"))
    return root


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (hidden ones included), by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def loaded_observations():
    """Every release in the repository's sources/, read once per session (use :func:`observations`)."""
    return sources.load_observations()


@pytest.fixture(scope="module")
def observations(loaded_observations):
    """Every release in the repository's sources/, a fresh copy for each test module (tests only filter it)."""
    return loaded_observations.copy(deep=True)


@pytest.fixture(scope="session")
def built_root(session_build):
    """The root of a project with the vintages :data:`VINTAGES` and the preview reports of :data:`LATEST`."""
    assert session_build is not None, "the session's tests were collected without one that needs built_root"
    return session_build.built_root()


@pytest.fixture
def built(built_root, monkeypatch):
    """The shared built project, with ``GRDP_ROOT`` pointing at it for this test."""
    monkeypatch.setenv("GRDP_ROOT", str(built_root))
    return built_root


LEVELS = Path("sources") / "hcmc_grdp_levels" / "data.csv"
GRDP_2022 = "1479227"
"""HCMC's published GRDP 2022 (bn VND) in ``sources/hcmc_grdp_levels``; tests edit it during runs."""


@dataclass(frozen=True)
class SecondRun:
    """What :func:`second_run` made: the project root, the vintage folder it published, and whether the source
    was edited while the run was in progress."""

    root: Path
    folder: Path
    edited: bool


@pytest.fixture(scope="session")
def second_run(built_root, tmp_path_factory):
    """The real pipeline run again on the inputs of the session's vintage 2025Q4, once per session.

    ``pipeline.run("2026Q1", as_of="2025-12-31")`` in a fresh copy of the repository's ``sources/`` and
    ``notebooks/`` beside a copy of the session's 2025Q4 (without its reports), while HCMC's GRDP 2022 is edited
    in the copy's ``sources/`` as notebook 02 starts. ``test_pipeline`` checks that the same inputs give
    byte-identical tables, ``test_faults`` that the edit cannot reach the run.
    """
    from grdp.run import pipeline

    root = tmp_path_factory.mktemp("second-run")
    for folder in ("sources", "notebooks"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copytree(built_root / "forecasts" / "2025Q4", root / "forecasts" / "2025Q4",
                    ignore=shutil.ignore_patterns("reports"))
    edited = threading.Event()

    def edit_when_notebook_02_starts():
        end = time.monotonic() + 600
        while not any((staging / "02_digital_economy.ipynb").exists()
                      for staging in (root / "forecasts").glob(".staging-*")):
            if time.monotonic() > end:
                return
            time.sleep(0.1)
        path = root / LEVELS
        path.write_text(path.read_text(encoding="utf-8").replace(GRDP_2022, "2000000"), encoding="utf-8")
        edited.set()

    editor = threading.Thread(target=edit_when_notebook_02_starts, daemon=True)
    editor.start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRDP_ROOT", str(root))
        folder = pipeline.run("2026Q1", as_of="2025-12-31", progress=False)
    editor.join(timeout=5)
    return SecondRun(root, folder, edited.is_set())


@pytest.fixture(scope="session")
def late_vintage(tmp_path_factory):
    """Vintage 2027Q4, after the last data (as of 2027-12-31: nothing was published after March 2026), once per session.

    ``pipeline.run("2027Q4")`` of the real notebooks in a fresh copy of the repository's ``sources/`` and
    ``notebooks/``; returns the vintage folder (its project root is ``folder.parents[1]``).
    ``test_pipeline`` checks what the vintage flags as projected, ``test_digital_cache`` what notebook 02 wrote.
    """
    from grdp.run import pipeline

    root = tmp_path_factory.mktemp("late")
    for folder in ("sources", "notebooks"):
        shutil.copytree(REPO / folder, root / folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRDP_ROOT", str(root))
        return pipeline.run("2027Q4", progress=False)


@dataclass(frozen=True)
class QuartoRendering:
    """What :func:`quarto_rendered` made: the project root, what publish returned, and the project's
    ``reports/`` before and after publishing (path -> SHA-256)."""

    root: Path
    published: object
    reports_before: dict[str, str]
    reports_after: dict[str, str]

    @property
    def folder(self) -> Path:
        return self.root / "forecasts" / LATEST / "reports"


@pytest.fixture(scope="session")
def quarto_rendered(built_root, session_build):
    """The reports of vintage :data:`LATEST` published with Quarto in a copy of the built project, once per session.

    The copy has the session's vintages (without their preview reports). Publishing runs with a
    ``python3`` and a ``python`` first on PATH that fail when run, so the rendering has to use the project's
    own Python. Skips when ``quarto`` is not on PATH.
    """
    if shutil.which("quarto") is None:
        pytest.skip("quarto is not on PATH")
    return session_build.quarto_rendering()


class SessionBuild:
    """The child process (``tests/session_build.py``) that builds :func:`built_root` and, where Quarto is wanted,
    :func:`quarto_rendered`, while the tests that need neither run."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, quarto: bool):
        self.built = copy_project(tmp_path_factory.mktemp("built"))
        work = tmp_path_factory.mktemp("session-build")
        self.built_done, self.log = work / "built.done", work / "build.log"
        spec: dict[str, object] = {"built": str(self.built), "vintages": list(VINTAGES), "latest": LATEST,
                                   "built_done": str(self.built_done)}
        self.quarto_root: Path | None = None
        if quarto:
            self.quarto_root = copy_project(tmp_path_factory.mktemp("quarto"))
            decoys = self.quarto_root / "decoy-bin"
            decoys.mkdir()
            for name in ("python3", "python"):
                decoy = decoys / name
                decoy.write_text("#!/bin/sh\necho 'not the project Python' >&2\nexit 3\n", encoding="utf-8")
                decoy.chmod(decoy.stat().st_mode | stat.S_IEXEC)
            self.reports_before = tree_hashes(self.quarto_root / "reports")
            self.result = work / "quarto.pkl"
            spec["quarto"] = {"root": str(self.quarto_root), "decoys": str(decoys), "result": str(self.result)}
        env = {k: v for k, v in os.environ.items() if k not in ("GRDP_ROOT", "GRDP_CACHE_DIR")}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([sys.executable, str(BUILDER), json.dumps(spec)], env=env,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def _failed(self, what: str) -> RuntimeError:
        tail = self.log.read_text(encoding="utf-8", errors="replace")[-6000:]
        return RuntimeError(f"building {what} failed (exit status {self.process.returncode}); the end of "
                            f"{self.log}:\n{tail}")

    def built_root(self) -> Path:
        """Wait for the vintages and the preview reports."""
        while not self.built_done.exists():
            if self.process.poll() is not None and not self.built_done.exists():
                raise self._failed("the session's vintages")
            time.sleep(0.2)
        return self.built

    def quarto_rendering(self) -> QuartoRendering:
        """Wait for the Quarto rendering."""
        assert self.quarto_root is not None, "the session's tests were collected without quarto_rendered"
        if self.process.wait() != 0 or not self.result.exists():
            raise self._failed("the Quarto rendering")
        with self.result.open("rb") as handle:
            published = pickle.load(handle)
        return QuartoRendering(self.quarto_root, published, self.reports_before,
                               tree_hashes(self.quarto_root / "reports"))

    def stop(self) -> None:
        """End the build if the session ends first (a notebook's kernel is stopped with it)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def needs_build(item: pytest.Item) -> bool:
    return "built_root" in item.fixturenames  # the fixtures a test uses, with those they use


@pytest.fixture(scope="session", autouse=True)
def session_build(request, tmp_path_factory):
    """Start building the session's project in a child process as the session starts, if any test needs it.

    Building the vintages takes some minutes and the Quarto rendering one or two more; the child does both (what
    :func:`built_root` and :func:`quarto_rendered` return is the same as if they were built in this process),
    while the tests of the modules that need neither run here first (:func:`pytest_collection_modifyitems`).
    """
    items = request.session.items
    if not any(needs_build(item) for item in items):
        yield None
        return
    quarto = shutil.which("quarto") is not None and any("quarto_rendered" in item.fixturenames for item in items)
    build = SessionBuild(tmp_path_factory, quarto)
    try:
        yield build
    finally:
        build.stop()


def pytest_collection_modifyitems(items):
    """Run the test modules that need the session's built project after those that need none, in their order.

    The project is built beside the tests (:func:`session_build`); whole modules move, so module fixtures are
    still made once.
    """
    modules: dict[Path, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)
    later = {path for path, members in modules.items() if any(needs_build(item) for item in members)}
    items[:] = ([item for path, members in modules.items() if path not in later for item in members]
                + [item for path, members in modules.items() if path in later for item in members])
