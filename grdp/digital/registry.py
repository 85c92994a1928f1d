"""The registry of methods: one module per institution, looked up by name."""

from __future__ import annotations

from grdp.base.method_names import METHOD_NAMES
from grdp.digital import gso, hids, mic, oecd
from grdp.digital.spine import Method

_DEFINED: dict[str, Method] = {m.name: m for m in (gso.METHOD, mic.METHOD, hids.METHOD, *oecd.METHODS)}
if set(_DEFINED) != set(METHOD_NAMES):
    raise ImportError(f"methods defined {sorted(_DEFINED)} differ from grdp.base.method_names {sorted(METHOD_NAMES)}")

METHODS: dict[str, Method] = {name: _DEFINED[name] for name in METHOD_NAMES}
"""Every method by name, in the order of :data:`grdp.base.method_names.METHOD_NAMES`: ``gso``, ``mic``, ``hids``,
``oecd-core``, ``oecd-narrow``, ``oecd-broad``."""


def method(name: str) -> Method:
    """Return the method called ``name``; raise ``KeyError`` listing the names known."""
    if name not in METHODS:
        raise KeyError(f"unknown method {name!r}; methods: {', '.join(METHODS)}")
    return METHODS[name]
