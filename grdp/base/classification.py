"""VSIC 2018 classification: sections, the codes the methods use, and their aggregates.

Everything here is read from data files in ``grdp/data/``:

- ``vsic2018.csv``: sections A..U and the divisions, groups and classes the digital-economy
  methods use (26, 4651, 4652, 5820, 61, 62, 631, 951 and their parents), with Vietnamese
  and English names (Decision 27/2018/QĐ-TTg);
- ``aggregates.csv``: codes that are sums of sections (``TOTAL`` = GRDP, ``TAX`` = product
  taxes less subsidies, ``BTF`` industry and construction, ``BTE`` industry, ``GTT`` services,
  ``KEY9`` the nine key services HCMC reports, ``GVA``).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from grdp.base.paths import data_file

SECTIONS: tuple[str, ...] = tuple("ABCDEFGHIJKLMNOPQRSTU")
"""VSIC 2018 section letters in order."""


@lru_cache(maxsize=1)
def vsic() -> pd.DataFrame:
    """Return the VSIC 2018 table: code, level, parent, name_vi, name_en (codes as strings)."""
    table = pd.read_csv(data_file("vsic2018.csv"), dtype=str, keep_default_na=False)
    return table.set_index("code", drop=False)


@lru_cache(maxsize=1)
def _aggregates() -> pd.DataFrame:
    table = pd.read_csv(data_file("aggregates.csv"), dtype=str, keep_default_na=False)
    return table.set_index("code", drop=False)


def aggregate_members(code: str) -> tuple[str, ...]:
    """Return the sections (and ``TAX``) an aggregate code adds up.

    Parameters
    ----------
    code
        An aggregate code (``TOTAL``, ``BTF`` ...) or a section letter (which is its own member).

    Raises
    ------
    KeyError
        If the code is neither an aggregate nor a section.
    """
    if code in SECTIONS:
        return (code,)
    table = _aggregates()
    if code not in table.index:
        raise KeyError(f"unknown aggregate code {code!r}")
    members = table.at[code, "members"].split()
    return tuple(members) if members else (code,)


def aggregate_codes() -> tuple[str, ...]:
    """Return all aggregate codes (``TOTAL``, ``TAX``, ``GVA``, ``BTF`` ...)."""
    return tuple(_aggregates().index)


def industry_codes() -> frozenset[str]:
    """Return every code valid in the ``industry`` column of a source file."""
    return frozenset(vsic().index) | frozenset(aggregate_codes())


def name(code: str, lang: str = "vi") -> str:
    """Return the Vietnamese (``lang="vi"``) or English (``"en"``) name of a code."""
    column = {"vi": "name_vi", "en": "name_en"}[lang]
    for table in (vsic(), _aggregates()):
        if code in table.index:
            return str(table.at[code, column])
    raise KeyError(f"unknown industry code {code!r}")


def section_of(code: str) -> str:
    """Return the section letter a division, group or class belongs to."""
    table = vsic()
    if code not in table.index:
        raise KeyError(f"unknown VSIC code {code!r}")
    while table.at[code, "level"] != "section":
        code = table.at[code, "parent"]
    return code
