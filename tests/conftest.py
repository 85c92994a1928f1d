"""Shared fixtures: one real project with two real-time vintages and published preview reports.

Building vintages runs every pipeline notebook (about a minute each), so it is done once per test session
in a temporary copy of the repository's ``sources/``, ``notebooks/``, ``reports/`` and ``docs/``
(``GRDP_ROOT`` points the package at the copy): vintage 2025Q3 (releases up to 2025-09-30) and
2025Q4 (up to 2025-12-31), and the preview reports of 2025Q4. Tests that use it must not write to it.
"""

from __future__ import annotations

import shutil

import pytest

from grdp import paths

REPO = paths.repo_root()
COPIED = ("sources", "notebooks", "reports", "docs")


def copy_project(root):
    """Copy the folders a run reads into ``root`` and return it."""
    for folder in COPIED:
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns(".quarto", "*_files"))
    return root


@pytest.fixture(scope="session")
def built_root(tmp_path_factory):
    """The root of a project with vintages 2025Q3 and 2025Q4 and the preview reports of 2025Q4."""
    from grdp import pipeline, publish

    root = copy_project(tmp_path_factory.mktemp("built"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRDP_ROOT", str(root))
        pipeline.run("2025Q3", progress=False)
        pipeline.run("2025Q4", progress=False)
        publish.publish("2025Q4", renderer="preview")
    return root


@pytest.fixture
def built(built_root, monkeypatch):
    """The shared built project, with ``GRDP_ROOT`` pointing at it for this test."""
    monkeypatch.setenv("GRDP_ROOT", str(built_root))
    return built_root
