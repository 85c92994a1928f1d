"""A cache of the sector accounts, built digital-economy models and their results, shared by the notebooks of
one run.

``grdp run`` executes each notebook in its own kernel; assembling the same accounts in notebooks 01-04
(:func:`grdp.accounts.shared.sector_accounts`), and building the same model and running the same Monte Carlo
in notebooks 02, 03 and 04, would repeat the work in every notebook. :func:`cached` keeps every result in
memory, and also on disk in the folder named by the environment variable ``GRDP_CACHE_DIR`` when it
is set (the pipeline sets it to ``<output_dir>/.cache/`` and deletes the folder before publishing,
:func:`clear`). Keys hash what the result depends on: the kind of result, its arguments (region,
boundary, as-of date, draws, seed ...), a hash of the observations, and the contents of the model's
data files, so a stale entry cannot be read. Without the variable, or without an entry, the result is
computed (and stored).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from grdp.base import paths

ENV = "GRDP_CACHE_DIR"
"""Environment variable naming the on-disk cache folder."""
FOLDER = ".cache"
"""Name of the cache folder inside a run's output folder."""
DATA_FILES = ("digital_coefficients.csv", "calibration_targets.csv", "vsic2018.csv", "aggregates.csv")
T = TypeVar("T")
_memory: dict[str, Any] = {}


def observations_key(observations: pd.DataFrame) -> str:
    """SHA-256 of the observations' contents (row order included)."""
    digest = hashlib.sha256(pd.util.hash_pandas_object(observations, index=False).to_numpy().tobytes())
    digest.update(",".join(observations.columns).encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _data_key() -> str:
    """Hash of the model's data files (read once per process: they are package data)."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update(paths.data_file(name).read_bytes())
    return digest.hexdigest()


def key(kind: str, *parts: object) -> str:
    """The cache key of a result of ``kind`` computed from ``parts`` (strings, numbers, tuples)."""
    return hashlib.sha256(repr((kind, _data_key(), parts)).encode()).hexdigest()[:32]


def folder() -> Path | None:
    """The on-disk cache folder, if ``GRDP_CACHE_DIR`` is set."""
    value = os.environ.get(ENV)
    return Path(value) if value else None


def cached(kind: str, parts: tuple, compute: Callable[[], T]) -> T:
    """Return the cached result of ``compute`` for ``(kind, parts)``, computing and storing it if absent."""
    name = key(kind, *parts)
    if name in _memory:
        return _memory[name]
    where = folder()
    path = where / f"{kind}-{name}.pkl" if where is not None else None
    if path is not None and path.exists():
        with path.open("rb") as handle:
            value = pickle.load(handle)
    else:
        value = compute()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            with temporary.open("wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
    _memory[name] = value
    return value


def clear(output_dir: str | Path) -> None:
    """Delete ``<output_dir>/.cache`` (before a vintage is published) and forget the in-memory entries."""
    shutil.rmtree(Path(output_dir) / FOLDER, ignore_errors=True)
    _memory.clear()
