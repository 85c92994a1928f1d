"""The registry of methods: one module per institution, looked up by name."""

from __future__ import annotations

from grdp.digital import gso, hids, mic, oecd
from grdp.digital.spine import Method

METHODS: dict[str, Method] = {m.name: m for m in (gso.METHOD, mic.METHOD, hids.METHOD, *oecd.METHODS)}
"""Every method by name: ``gso``, ``mic``, ``hids``, ``oecd-core``, ``oecd-narrow``, ``oecd-broad``."""


def method(name: str) -> Method:
    """Return the method called ``name``; raise ``KeyError`` listing the names known."""
    if name not in METHODS:
        raise KeyError(f"unknown method {name!r}; methods: {', '.join(METHODS)}")
    return METHODS[name]
