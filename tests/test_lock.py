"""The lock: requirements.lock pins every package exactly, and environment.yml pins the same versions."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata

import yaml

from grdp.base import paths

ROOT = paths.PACKAGE_DIR.parent


def _sync():
    spec = importlib.util.spec_from_file_location("sync_environment", ROOT / ".ci" / "sync_environment.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_line_of_the_lock_is_an_exact_pin():
    lines = [line for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    assert lines, "requirements.lock is empty"
    bad = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+!\-]+", line)]
    assert not bad, f"not an exact pin: {bad}"


def test_environment_yml_pins_the_locked_versions():
    sync = _sync()
    lock = sync.locked(ROOT / "requirements.lock")
    assert (ROOT / "environment.yml").read_text(encoding="utf-8") == sync.environment(lock), \
        "environment.yml differs from requirements.lock; run `make lock` (or .ci/sync_environment.py)"
    conda = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))["dependencies"]
    pinned = dict(d.split("=", 1) for d in conda if isinstance(d, str) and "=" in d and not d.startswith("python"))
    assert pinned["pandas"] == lock["pandas"] and pinned["statsmodels"] == lock["statsmodels"]


def test_every_dependency_of_the_project_is_locked():
    lock = _sync().locked(ROOT / "requirements.lock")
    requirements = metadata.requires("grdp") or []
    names = {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
             if "extra == \"lab\"" not in r}
    missing = sorted(n for n in names if n not in lock)
    assert not missing, f"dependencies without a locked version: {missing}; run `make lock`"


def test_the_build_backend_is_pinned_exactly():
    """Issue 24: the build backend is the one version the suite built with, not whatever is newest on PyPI."""
    document = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requires = document["build-system"]["requires"]
    assert requires and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][A-Za-z0-9_.]*", r) for r in requires), requires
    assert isinstance(document["project"]["license"], str)  # an SPDX expression, not the deprecated table


BUILD_WARNING = re.compile(r"[A-Za-z]Warning\b|^\s*warning:", re.MULTILINE)
"""A warning of the build (``BuildBackendWarning``, ``SetuptoolsDeprecationWarning``, distutils' ``warning:``);
pip's own notes about the machine's index settings are not the package's."""


def _built_without_warning(command: list[str], environment: dict[str, str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, env=environment)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    warnings = [line.strip() for line in output.splitlines() if BUILD_WARNING.search(line)]
    assert not warnings, warnings[:5]
    return output


def test_the_package_builds_in_an_isolated_environment_without_a_warning(tmp_path):
    """Issue 24: a fresh machine builds the package with the pinned backend (from PyPI, in pip's isolated build
    environment), as a wheel and as the editable install the README's commands make, and no build step warns:
    on the base commit setuptools warned on every install that ``license = { text = ... }`` stops being
    supported on 2027-02-18 (after which both README commands fail), and its editable finder warned too."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    shutil.copytree(paths.PACKAGE_DIR, source / "grdp", ignore=shutil.ignore_patterns("__pycache__"))
    skipped = ("PYTHONDONTWRITEBYTECODE", "PIP_NO_BUILD_ISOLATION")  # byte-compiling on; pip's isolated build
    environment = {k: v for k, v in os.environ.items() if k not in skipped}
    _built_without_warning([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--verbose",
                            "--wheel-dir", str(tmp_path / "wheel")], environment)
    wheel = next((tmp_path / "wheel").glob("grdp-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        meta = archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in meta
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    _built_without_warning([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                            "--no-deps", "--editable", str(source)], environment)
