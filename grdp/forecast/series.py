"""Backtest series: published time series long enough for rolling-origin forecast evaluation.

Every series is read from an as-of view of the releases (:class:`grdp.sources.Releases`: the releases known
on a date ``as_of``, ``None`` for everything published so far, and the figure of each the as-of rule selects),
so a backtest can use only what was known at each forecast origin (``releases.at(origin)``).

The series of :func:`backtest_series`, in its order:

- ``hcmc_grdp_growth``: HCMC real GRDP growth, % a year; old-method growth before the first new-method year;
- ``vn_gdp_current``: national GDP at current prices, bn VND;
- ``vn_share_<section>`` for C, G, J, K, M, N: a VSIC section's value added, % of national GDP (current prices);
- ``vn_de_share_gso``, ``vn_de_share_mic``: the national digital-economy share published by GSO and MIC, %;
- ``vn_gdp_q_current``: national quarterly GDP at current prices, bn VND;
- ``vn_share_q_J``: section J's value added, % of national quarterly GDP (current prices).

Each carries ``attrs``: ``scale`` (``"rate"``, ``"level"`` or ``"share"``), ``period`` (1 annual, 4 quarterly),
``unit`` (a unit code of the sources), ``description`` (one line) and ``as_of``.

One figure per period: :func:`grdp.sources.as_of` keeps, for each figure, the latest of the best-rated
releases. If it still keeps two rows (equally rated releases of the same date with different values), the
release with an exact date (``date_approx`` false) and then the alphabetically first URL is used, so the
result is deterministic.
"""

from __future__ import annotations

from typing import TypeVar

import pandas as pd

from grdp import sources as src
from grdp.base import classification
from grdp.quarterly.regional import national_quarterly

BASES = ("current", "constant_2010")
"""Price bases of the national GDP series."""
METHODS = {"gso": "GSO value-added method", "mic": "MIC tax-revenue-based method"}
"""Publishers of the national digital-economy share, with how each measures it."""
SECTIONS = ("C", "G", "J", "K", "M", "N")
"""VSIC sections whose share of national GDP is a default backtest series."""
GROWTH, OLD_GROWTH = "grdp_real_growth", "grdp_old_method_real_growth"

_HCMC = {"region": "hcmc", "boundary": "old", "frequency": "A", "industry": "TOTAL", "price_basis": "constant_2010"}
_VN = {"region": "vn", "boundary": "national"}
_DE = {"frequency": "A", "industry": "TOTAL", "price_basis": "current", **_VN}
_Data = TypeVar("_Data", pd.Series, pd.DataFrame)


def hcmc_grdp_growth(releases: src.Releases) -> pd.Series:
    """HCMC's annual real GRDP growth, old-method growth spliced before the new-method years.

    New-method GRDP growth (``grdp_real_growth``, from 2015) is used wherever published; old-method GDP
    growth (``grdp_old_method_real_growth``, producer prices, 2010-2013) only for years before the first
    new-method year. The two methods are not comparable; the splice is recorded in ``attrs["note"]``.
    2014 was published by neither and is absent from the index.

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`; a view of ``None`` for everything published).

    Returns
    -------
    pandas.Series
        Growth in percent by integer year, named ``hcmc_grdp_growth``; ``attrs`` as in the module docstring
        plus ``note``.

    Raises
    ------
    ValueError
        If neither variable has a figure released by ``as_of``.
    """
    new = _annual(_select(releases, variable=GROWTH, **_HCMC))
    old = _annual(_select(releases, variable=OLD_GROWTH, **_HCMC))
    if len(new):
        old = old[old.index < new.index.min()]
    if new.empty and old.empty:
        raise ValueError(f"no HCMC real GRDP growth ({GROWTH} or {OLD_GROWTH}, region hcmc, boundary old, "
                         f"industry TOTAL) {_released(releases.as_of)}")
    growth = pd.concat([part for part in (old, new) if len(part)]).rename("hcmc_grdp_growth")
    note = (f"old-method GDP growth ({OLD_GROWTH}, producer prices) for {_coverage(old.index)}; new-method "
            f"GRDP growth ({GROWTH}) for {_coverage(new.index)}; the methods are not comparable")
    gaps = _gaps(growth.index)
    if gaps:
        note += f"; {', '.join(gaps)} not published"
    description = f"HCMC real GRDP growth, % (HCMC Statistics Office via the press), {_coverage(growth.index)}"
    return _tag(growth, "rate", "percent", releases.as_of, description, note=note)


def national_section_shares(releases: src.Releases, sections: tuple[str, ...] = SECTIONS) -> dict[str, pd.DataFrame]:
    """Shares of VSIC sections in national GDP at current prices, by year.

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`; a view of ``None`` for everything published).
    sections
        Industry codes of the sections.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keyed ``vn_share_<section>``; each frame is indexed by integer year with columns ``share``
        (``100 * numerator / denominator``, percent), ``numerator`` (the section's value added, bn VND) and
        ``denominator`` (GDP, industry ``TOTAL``, bn VND).

    Raises
    ------
    ValueError
        If national GDP or a section is missing in a year of the national annual table.
    """
    table, what = _national_annual(releases, "current")
    total = _column(table, "TOTAL", what)
    shares = {}
    for section in sections:
        value_added = _column(table, section, what)
        frame = pd.DataFrame({"share": 100 * value_added / total, "numerator": value_added, "denominator": total})
        description = (f"Section {section} ({classification.name(section, 'en')}) value added, % of Vietnam GDP at "
                       f"current prices (GSO national accounts), {_coverage(frame.index)}")
        shares[f"vn_share_{section}"] = _tag(frame, "share", "percent", releases.as_of, description)
    return shares


def national_gdp(releases: src.Releases, basis: str = "current") -> pd.Series:
    """National GDP (industry ``TOTAL``) by year.

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`; a view of ``None`` for everything published).
    basis
        ``"current"`` or ``"constant_2010"`` prices.

    Returns
    -------
    pandas.Series
        GDP in bn VND by integer year, named ``vn_gdp_<basis>``.

    Raises
    ------
    ValueError
        Unknown price basis, or GDP missing in a year of the national annual table.
    """
    table, what = _national_annual(releases, basis)
    gdp = _column(table, "TOTAL", what).rename(f"vn_gdp_{basis}")
    description = (f"Vietnam GDP at {basis.replace('_', ' ')} prices, bn VND (GSO national accounts), "
                   f"{_coverage(gdp.index)}")
    return _tag(gdp, "level", "bn_VND", releases.as_of, description)


def national_digital_share(releases: src.Releases, method: str = "gso") -> pd.Series:
    """The national digital-economy share of GDP by year, from the release the view selects.

    The release is chosen by :func:`grdp.sources.as_of` (latest among the best-rated; a remaining tie as in
    the module docstring), so a later but lower-rated revision does not replace an earlier better-rated one.

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`; a view of ``None`` for everything published).
    method
        ``"gso"`` (variable ``de_share_gso``) or ``"mic"`` (``de_share_mic``).

    Returns
    -------
    pandas.Series
        Share in percent by integer year, named ``vn_de_share_<method>``.

    Raises
    ------
    ValueError
        Unknown method, or no release by ``as_of``.
    """
    variable = _share_variable(method)
    share = _annual(_select(releases, variable=variable, **_DE))
    if share.empty:
        raise ValueError(f"no national digital-economy share ({variable}, region vn, industry TOTAL) "
                         f"{_released(releases.as_of)}")
    description = (f"Vietnam digital-economy share of GDP, % ({METHODS[method]}, latest release), "
                   f"{_coverage(share.index)}")
    return _tag(share.rename(f"vn_de_share_{method}"), "share", "percent", releases.as_of, description)


def national_digital_share_vintages(releases: src.Releases, method: str = "gso") -> pd.DataFrame:
    """Every release of the national digital-economy share the view knows: its real-time vintages.

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`); superseded releases included.
    method
        ``"gso"`` (variable ``de_share_gso``) or ``"mic"`` (``de_share_mic``).

    Returns
    -------
    pandas.DataFrame
        One row per release of a year's share: ``year`` (int), ``release_date`` (from when it could be
        known), ``value`` (percent), ``rating`` and ``url``, sorted by year, release date and URL.

    Raises
    ------
    ValueError
        Unknown method, or no release at all.
    """
    variable = _share_variable(method)
    rows = _match(releases.known, variable=variable, **_DE)
    if rows.empty:
        raise ValueError(f"no release of the national digital-economy share ({variable}, region vn, industry TOTAL)")
    vintages = rows[["period", "release_date", "value", "rating", "url"]].rename(columns={"period": "year"})
    vintages["year"] = vintages["year"].astype(int)
    return vintages.sort_values(["year", "release_date", "url"], ignore_index=True)


def national_quarterly_gdp(releases: src.Releases,
                           basis: str = "current") -> pd.Series:
    """National quarterly GDP (industry ``TOTAL``), from :func:`grdp.quarterly.regional.national_quarterly`.

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`; a view of ``None`` for everything published).
    basis
        ``"current"`` or ``"constant_2010"`` prices.

    Returns
    -------
    pandas.Series
        GDP in bn VND with a contiguous quarterly ``PeriodIndex``, named ``vn_gdp_q_<basis>``.

    Raises
    ------
    ValueError
        Unknown price basis, no quarterly data by ``as_of``, a gap in the quarters, or GDP missing in a quarter.
    """
    table, what = _national_quarterly(releases, basis)
    gdp = _column(table, "TOTAL", what).rename(f"vn_gdp_q_{basis}")
    description = (f"Vietnam quarterly GDP at {basis.replace('_', ' ')} prices, bn VND "
                   f"(GSO quarterly national accounts), {_coverage(gdp.index)}")
    return _tag(gdp, "level", "bn_VND", releases.as_of, description, period=4)


def national_quarterly_section_share(releases: src.Releases, section: str = "J") -> pd.DataFrame:
    """Share of a VSIC section in national quarterly GDP at current prices.

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`; a view of ``None`` for everything published).
    section
        Industry code of the section.

    Returns
    -------
    pandas.DataFrame
        Contiguous quarterly ``PeriodIndex``; columns ``share`` (``100 * numerator / denominator``, percent),
        ``numerator`` (the section's value added, bn VND) and ``denominator`` (GDP, bn VND).

    Raises
    ------
    ValueError
        No quarterly data by ``as_of``, a gap in the quarters, or the section or GDP missing in a quarter.
    """
    table, what = _national_quarterly(releases, "current")
    value_added, total = _column(table, section, what), _column(table, "TOTAL", what)
    frame = pd.DataFrame({"share": 100 * value_added / total, "numerator": value_added, "denominator": total})
    description = (f"Section {section} ({classification.name(section, 'en')}) value added, % of Vietnam quarterly "
                   f"GDP at current prices (GSO quarterly national accounts), {_coverage(frame.index)}")
    return _tag(frame, "share", "percent", releases.as_of, description, period=4)


def backtest_series(releases: src.Releases) -> dict[str, pd.Series | pd.DataFrame]:
    """All backtest series, under stable names and in a fixed order (listed in the module docstring).

    Parameters
    ----------
    releases
        The as-of view (:class:`grdp.sources.Releases`; a view of ``None`` for everything published).

    Returns
    -------
    dict of str to pandas.Series or pandas.DataFrame
        Annual series have integer-year indexes, quarterly ones a quarterly ``PeriodIndex``; share frames
        have columns ``share``, ``numerator`` and ``denominator``. Each value's ``attrs`` hold ``scale``,
        ``period``, ``unit``, ``description`` and ``as_of``.

    Raises
    ------
    ValueError
        If any series has no data by ``as_of`` (the national quarterly accounts in the sources are dated 2025-06-06).
    """
    growth = hcmc_grdp_growth(releases)
    gdp = national_gdp(releases)
    series: dict[str, pd.Series | pd.DataFrame] = {str(growth.name): growth, str(gdp.name): gdp}
    series.update(share_series(releases))
    quarterly = national_quarterly_gdp(releases)
    series[str(quarterly.name)] = quarterly
    series["vn_share_q_J"] = national_quarterly_section_share(releases, "J")
    return series


def share_series(releases: src.Releases) -> dict[str, pd.Series | pd.DataFrame]:
    """The annual share series the share models are judged on: ``vn_share_<section>`` and ``vn_de_share_<method>``.

    These are the *comparable series* of :mod:`grdp.forecast.probability_calibration` (the subset of
    :func:`backtest_series` on the share scale, annual), in the same order and with the same ``attrs``.
    """
    series: dict[str, pd.Series | pd.DataFrame] = dict(national_section_shares(releases))
    for method in METHODS:
        share = national_digital_share(releases, method)
        series[str(share.name)] = share
    return series


def _match(rows: pd.DataFrame, **values: str) -> pd.DataFrame:
    """The rows whose columns equal ``values`` (column name to value)."""
    keep = pd.Series(True, index=rows.index)
    for column, value in values.items():
        keep &= rows[column] == value
    return rows[keep]


def _select(releases: src.Releases, **values: str) -> pd.DataFrame:
    """The matching figures the view selects, one release per figure (tie rule in the module docstring)."""
    rows = _match(releases.selected, **values)
    rows = rows.sort_values(list(src.KEY) + ["date_approx", "url"])
    return rows.drop_duplicates(subset=list(src.KEY))


def _annual(rows: pd.DataFrame) -> pd.Series:
    """One annual figure per row as a float series indexed by integer year (rows must not repeat a year)."""
    years = pd.Index(rows["period"].astype(int), name="year")
    return pd.Series(rows["value"].to_numpy(float), index=years).sort_index()


def _national_annual(releases: src.Releases, basis: str) -> tuple[pd.DataFrame, str]:
    """National annual GDP and value added (years x industries, bn VND) and a label for error messages."""
    what = f"national annual GDP (variable grdp, region vn, {basis} prices)"
    rows = _select(releases, variable="grdp", frequency="A", price_basis=_basis(basis), **_VN)
    if rows.empty:
        raise ValueError(f"no {what} {_released(releases.as_of)}")
    table = rows.pivot(index="period", columns="industry", values="value")
    table.index = pd.Index(table.index.astype(int), name="year")
    # a year with only the total (a press release before the statistics office's table by section) is left out:
    # every year of these series comes from the same complete account by section
    complete = table.drop(columns=[c for c in ("TOTAL",) if c in table.columns]).notna().sum(axis=1) > 1
    return table[complete].sort_index(), what


def _national_quarterly(releases: src.Releases, basis: str) -> tuple[pd.DataFrame, str]:
    """National quarterly GDP and value added (contiguous quarters x industries) and a label for errors."""
    what = f"national quarterly GDP (variable grdp, region vn, {basis} prices)"
    table = national_quarterly(releases, _basis(basis))
    missing = _gaps(table.index)
    if missing:
        raise ValueError(f"{what} has no quarters {', '.join(missing)}; the series must be contiguous")
    return table, what


def _column(table: pd.DataFrame, industry: str, what: str) -> pd.Series:
    """One industry's column of a national table; it must cover every period of the table."""
    if industry not in table.columns:
        raise ValueError(f"{what} has no industry {industry!r}")
    column = table[industry]
    if column.isna().any():
        missing = ", ".join(str(p) for p in column.index[column.isna()])
        raise ValueError(f"{what} has no industry {industry!r} for {missing}")
    return column.rename(None)


def _basis(basis: str) -> str:
    """Check a price basis."""
    if basis not in BASES:
        raise ValueError(f"unknown price basis {basis!r}; choose from {', '.join(BASES)}")
    return basis


def _share_variable(method: str) -> str:
    """The variable of a digital-economy share method."""
    if method not in METHODS:
        raise ValueError(f"unknown digital-economy share method {method!r}; choose from {', '.join(METHODS)}")
    return f"de_share_{method}"


def _gaps(index: pd.Index) -> list[str]:
    """Periods missing between the first and last period of a non-empty integer-year or quarterly index."""
    first, last = index.min(), index.max()
    full = pd.period_range(first, last, freq="Q") if isinstance(index, pd.PeriodIndex) else range(first, last + 1)
    return [str(p) for p in full if p not in index]


def _coverage(index: pd.Index) -> str:
    """First and last period of an index, with the periods missing in between (``"2010–2024 without 2014"``)."""
    if index.empty:
        return "none"
    first, last, gaps = index.min(), index.max(), _gaps(index)
    span = str(first) if first == last else f"{first}–{last}"
    return span + (f" without {', '.join(gaps)}" if gaps else "")


def _released(as_of: str | None) -> str:
    """How an error message names the cut-off."""
    return "in the sources" if as_of is None else f"released by {as_of}"


def _tag(data: _Data, scale: str, unit: str, as_of: str | None, description: str, period: int = 1,
         **extra: str) -> _Data:
    """Record what a series is in its ``attrs`` and return it."""
    data.attrs.update(scale=scale, period=period, unit=unit, description=description, as_of=as_of, **extra)
    return data
