"""Shared fixtures: one real project with three real-time vintages and published preview reports, and (where
``quarto`` is on PATH) one Quarto rendering of the latest vintage's reports.

Building vintages runs every pipeline notebook (about a minute each), so it is done once per test session
in a temporary copy of the repository's ``sources/``, ``notebooks/``, ``reports/`` and ``docs/``
(``GRDP_ROOT`` points the package at the copy): vintages 2025Q3 (releases up to 2025-09-30), 2025Q4 (up to
2025-12-31) and 2026Q1 (up to 2026-03-31, the first with the January 2026 releases of the 2025 outcomes), as
``make run`` builds them, and the preview reports of the latest, :data:`LATEST`. Tests that use it must not
write to it.

Rendering the four reports with Quarto takes one to two minutes, so it is also done once per session
(:func:`quarto_rendered`), into a second copy of the project holding the same vintages; tests that need
it skip where Quarto is not installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
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


def copy_project(root):
    """Copy the folders a run reads into ``root`` and return it."""
    for folder in COPIED:
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns(".quarto", "*_files"))
    return root


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (hidden ones included), by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def observations():
    """Every release in the repository's sources/, read afresh for each test module (tests only filter it)."""
    return sources.load_observations()


@pytest.fixture(scope="session")
def built_root(tmp_path_factory):
    """The root of a project with the vintages :data:`VINTAGES` and the preview reports of :data:`LATEST`."""
    from grdp.publish import render
    from grdp.run import pipeline

    root = copy_project(tmp_path_factory.mktemp("built"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRDP_ROOT", str(root))
        for vintage in VINTAGES:
            pipeline.run(vintage, progress=False)
        render.publish(LATEST, renderer="preview")
    return root


@pytest.fixture
def built(built_root, monkeypatch):
    """The shared built project, with ``GRDP_ROOT`` pointing at it for this test."""
    monkeypatch.setenv("GRDP_ROOT", str(built_root))
    return built_root


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
def quarto_rendered(built_root, tmp_path_factory):
    """The reports of vintage :data:`LATEST` published with Quarto in a copy of the built project, once per session.

    The copy has the session's vintages (without their preview reports). Publishing runs with a
    ``python3`` and a ``python`` first on PATH that fail when run, so the rendering has to use the project's
    own Python. Skips when ``quarto`` is not on PATH.
    """
    if shutil.which("quarto") is None:
        pytest.skip("quarto is not on PATH")
    from grdp.publish import render

    root = copy_project(tmp_path_factory.mktemp("quarto"))
    shutil.copytree(built_root / "forecasts", root / "forecasts", ignore=shutil.ignore_patterns("reports"))
    decoys = root / "decoy-bin"
    decoys.mkdir()
    for name in ("python3", "python"):
        decoy = decoys / name
        decoy.write_text("#!/bin/sh\necho 'not the project Python' >&2\nexit 3\n", encoding="utf-8")
        decoy.chmod(decoy.stat().st_mode | stat.S_IEXEC)
    before = tree_hashes(root / "reports")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRDP_ROOT", str(root))
        patch.setenv("PATH", f"{decoys}{os.pathsep}{os.environ.get('PATH', '')}")
        published = render.publish(LATEST, renderer="quarto")
    return QuartoRendering(root, published, before, tree_hashes(root / "reports"))
