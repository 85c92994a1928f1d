"""Bilingual labels (Vietnamese and English): methods, boundaries, quantities, units, number separators,
chart words, the brief's sentences and the technical report's column headings and values.

The labels live in ``grdp/data/labels.yaml`` so that the reports, the charts and the XLSX workbook name
things the same way. They are words only; every figure comes from a vintage's tables.
"""

from __future__ import annotations

from functools import cache

import yaml

from grdp.base import paths

LANGUAGES = ("vi", "en")
"""Languages of the published outputs, Vietnamese first."""


class _UniqueKeys(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (YAML would keep the last, silently)."""


def _mapping(loader: _UniqueKeys, node: yaml.MappingNode) -> dict:
    keys = [loader.construct_object(k) for k, _ in node.value]
    repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"{paths.data_file('labels.yaml')}, line {node.start_mark.line + 1}: key(s) given twice in "
                         f"one mapping: {', '.join(repeated)}")
    return loader.construct_mapping(node)


_UniqueKeys.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@cache
def _labels() -> dict:
    with paths.data_file("labels.yaml").open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_UniqueKeys)  # noqa: S506 (a SafeLoader)


def label(kind: str, key: str, lang: str, short: bool = False) -> str:
    """Return the label of ``key`` (e.g. ``"gso"``) of a ``kind`` (``"method"``, ``"boundary"``, ...).

    Parameters
    ----------
    kind
        One of the top-level keys of ``labels.yaml``: method, boundary, quantity, unit, number, chart,
        brief, column, field, value, step, technical.
    key
        The identifier used in the vintage tables.
    lang
        ``"vi"`` or ``"en"``.
    short
        Return the short form (``short_vi``/``short_en``) where one exists.

    Raises
    ------
    KeyError
        If the language, kind or key is unknown; the message names what is missing.
    """
    if lang not in LANGUAGES:
        raise KeyError(f"language {lang!r} is not one of {LANGUAGES}")
    table = _labels()
    if kind not in table:
        raise KeyError(f"no labels of kind {kind!r} in {paths.data_file('labels.yaml')}; kinds: {sorted(table)}")
    if key not in table[kind]:
        raise KeyError(f"no {kind} label for {key!r} in {paths.data_file('labels.yaml')}; known: {sorted(table[kind])}")
    entry = table[kind][key]
    return entry.get(f"short_{lang}", entry[lang]) if short else entry[lang]


def has_label(kind: str, key: str) -> bool:
    """Return whether ``labels.yaml`` has a label of ``key`` of a ``kind`` (e.g. a categorical value)."""
    return key in _labels().get(kind, {})
