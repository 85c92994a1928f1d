"""The lock: requirements.lock pins every package exactly, and environment.yml pins the same versions."""

from __future__ import annotations

import importlib.util
import re
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
