"""Charts used by the notebooks and reports, one function per exhibit.

Colours come from the Okabe-Ito palette (readable with colour-vision deficiencies and in print);
imputed values are always drawn differently from published ones (hatched bars, hollow markers),
and every chart stays readable in greyscale (hatching, marker shapes and value labels carry the
distinctions that colour also shows).

Exhibits: :func:`accounts_structure` (sector accounts), :func:`bridge_waterfall` (the bridge
between two digital-economy methods), :func:`method_shares` (every method's share by year) and
:func:`quarterly_shares` (quarterly shares, adjusted and not, with annual benchmarks and the nowcast),
:func:`fan_chart` (estimates, forecast fan, targets and published figures), :func:`fan_charts` (a grid of them)
and :func:`target_chart` (the brief's first-page chart: one fan, its finding as title, four legend entries).
"""

from __future__ import annotations

import re
import textwrap
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, cast

import matplotlib

matplotlib.use("Agg")  # file output only; notebooks display the returned figure themselves
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.container import ErrorbarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.legend_handler import HandlerTuple  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator, StrMethodFormatter  # noqa: E402
from matplotlib.transforms import Bbox, offset_copy  # noqa: E402

from grdp.base.labels import has_label as has_words  # noqa: E402
from grdp.base.labels import label as words_of  # noqa: E402
from grdp.base.method_names import METHOD_NAMES  # noqa: E402

if TYPE_CHECKING:  # types only: the charts draw what they are given and import no estimation code
    from grdp.accounts import SectorAccounts

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
BROAD_LABELS = {"A": "Agriculture (A)", "BTF": "Industry & construction (B-F)", "GTT": "Services (G-U)",
                "TAX": "Product taxes less subsidies"}
DETAIL_SECTIONS = ("C", "G", "J")

PAGE_WIDTH = 6.3
"""Width in inches of the text block of the reports' A4 pages (16 cm between Quarto's margins): the report
charts are drawn at this width, so they are printed at 100% and their fonts at the size set here."""
PRINT_STYLE: dict[str, Any] = {"font.size": 8.0, "axes.titlesize": 8.5, "axes.labelsize": 8.0, "xtick.labelsize": 7.5,
               "ytick.labelsize": 7.5, "legend.fontsize": 7.5}
"""Font sizes (points) of the report charts at :data:`PAGE_WIDTH`: 7.5-8.5 pt, the size of a table's text."""
FIRST_PAGE_SIZE = (4.6, 3.9)
"""Size in inches of the brief's first-page chart: narrower than the page, so that in HTML, scaled down to a
390 px phone screen, its text stays as large as the page's small print."""
FIRST_PAGE_STYLE: dict[str, Any] = {"font.size": 10.0, "axes.titlesize": 10.5, "axes.labelsize": 10.0,
                                    "xtick.labelsize": 10.0, "ytick.labelsize": 10.0, "legend.fontsize": 10.0}
"""Font sizes (points) of the first-page chart at :data:`FIRST_PAGE_SIZE`."""


def _printed(function):
    """Draw ``function``'s chart with the print font sizes of :data:`PRINT_STYLE`."""
    @wraps(function)
    def drawn(*args, **kwargs):
        with plt.rc_context(cast(Any, PRINT_STYLE)):
            return function(*args, **kwargs)
    return drawn


def accounts_structure(accounts: SectorAccounts) -> Figure:
    """Broad-sector shares by year (stacked bars) and the shares of sections C, G and J (lines).

    Bars built from imputed margins are hatched; hollow markers are imputed section shares,
    filled ones are published or derived from published figures.
    """
    table = accounts.table
    years = sorted(table["year"].unique())
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    bottom = [0.0] * len(years)
    for colour, (code, label) in zip(OKABE_ITO, BROAD_LABELS.items()):
        rows = table[table["industry"] == code].set_index("year").reindex(years)
        heights = (100 * rows["share"]).fillna(0).tolist()
        hatches = ["//" if q == "imputed" else "" for q in rows["quality"].fillna("imputed")]
        for x, (h, b, hatch) in enumerate(zip(heights, bottom, hatches)):
            left.bar(x, h, bottom=b, color=colour, hatch=hatch, edgecolor="white",
                     label=label if x == 0 else None)
        bottom = [b + h for b, h in zip(bottom, heights)]
    left.set_xticks(range(len(years)), [str(y) for y in years])
    left.set_ylabel("% of GRDP, current prices")
    left.set_title("Broad sectors (hatched: imputed)")
    left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    for colour, code in zip(OKABE_ITO[4:], DETAIL_SECTIONS):
        rows = table[table["industry"] == code].set_index("year").reindex(years)
        shares = 100 * rows["share"]
        right.plot(range(len(years)), shares, color=colour, label=f"Section {code}")
        for x, (value, quality) in enumerate(zip(shares, rows["quality"])):
            right.plot(x, value, "o", color=colour, markerfacecolor="white" if quality == "imputed" else colour)
    right.set_xticks(range(len(years)), [str(y) for y in years])
    right.set_ylabel("% of GRDP")
    right.set_title("Sections C, G, J (hollow: imputed)")
    right.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3)
    fig.suptitle(f"{accounts.region} ({accounts.boundary} boundary): structure of GRDP")
    return fig


METHOD_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""Marker shape of each method in :func:`method_shares`, in the order the methods appear."""
RESIDUAL_COLOUR = "#BBBBBB"
"""Grey of the bridge's residual: what the switches do not explain is not a method's doing."""


def _signed(value: float, lang: str) -> str:
    """A bridge step in percentage points with its sign (``+0,86 đpt``), or "not available" in ``lang``."""
    if np.isnan(value):
        return words_of("chart", "not_available", lang)
    sign = "+" if value >= 0 else "\u2212"
    return f"{sign}{_number(abs(value), 2, lang)}{NARROW}{words_of('chart', 'pp', lang)}"


def _number(value: float, decimals: int, lang: str) -> str:
    """A number with the decimal mark of ``lang`` (charts show at most a few hundred: no thousands mark)."""
    return f"{value:.{decimals}f}".replace(".", words_of("number", "decimal", lang))


NARROW = "\u2009"
"""Thin space between a chart's number and its unit."""


def _wrap(text: str, width: int = 16) -> str:
    """Break ``text`` into lines of at most about ``width`` characters (tick labels)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _step_words(step: str, lang: str) -> str:
    """A bridge step in words; a merged step (``platform+sectoral+regional``) joins the words of its parts."""
    return " + ".join(words_of("step", part, lang) if has_words("step", part) else part for part in step.split("+"))


@_printed
def bridge_waterfall(rows: pd.DataFrame, lang: str = "en") -> Figure:
    """Waterfall from method a's share to method b's through the switches and the residual, in ``lang``.

    The first bar is method a's published share (its model share where nothing is published), each
    following bar floats from the running total by one switch's Shapley contribution (upward bars
    are solid, downward bars are hatched), the grey cross-hatched bar is the residual the switches
    do not explain, and the last bar is method b's published share. Every bar is labelled with
    its value (percent of GRDP for the ends, signed percentage points for the steps); a step's
    interval (``lower``, ``upper``) is drawn as an error bar at the bar's end.

    Parameters
    ----------
    rows
        One bridge as rows of ``digital_bridges`` (:meth:`grdp.digital.bridge.Bridge.table` with
        ``method_a``, ``method_b``, ``region`` and ``year``): ``step`` (``start``, the switches, ``residual``,
        ``end``), ``label`` (the ends say ``(published)`` or ``(model)``), ``value``, ``lower``, ``upper``.
    lang
        ``"vi"`` or ``"en"``: every word and number of the chart.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes; the bars are its first patches, in the order start, switches, residual, end,
        each of height equal to the value it shows (negative for a downward step).

    Notes
    -----
    When either method has no published figure for the year, the residual is not defined: its bar
    has height zero, is labelled "not available", and the end bars show model values (said in their labels).
    """
    first, last = rows.iloc[0], rows.iloc[-1]
    if first["step"] != "start" or last["step"] != "end" or rows["step"].iloc[-2] != "residual":
        raise ValueError("a bridge's rows run from step 'start' through the switches and 'residual' to 'end'")
    words = partial(words_of, "chart", lang=lang)
    method_a, method_b = (words_of("method", str(first[m]), lang, short=True) for m in ("method_a", "method_b"))
    start, end, residual = float(first["value"]), float(last["value"]), float(rows["value"].iloc[-2])
    steps = rows.iloc[1:-2].to_dict("records")

    def end_label(method: str, row: pd.Series) -> str:
        kind = "bridge_published" if str(row["label"]).endswith("(published)") else "bridge_model"
        return f"{method}\n({words(kind)})"

    labels = [end_label(method_a, first)] + [_wrap(_step_words(str(s["step"]), lang), 14) for s in steps]
    labels += [_wrap(words("bridge_residual"), 14), end_label(method_b, last)]

    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 3.9), constrained_layout=True)  # printed at the text width
    end_style: dict[str, Any] = {"edgecolor": "black", "linewidth": 0.8}
    ax.bar(0, start, color=OKABE_ITO[4], **end_style)
    level = start
    for x, step in enumerate(steps, start=1):
        up = step["value"] >= 0
        ax.bar(x, step["value"], bottom=level, color=OKABE_ITO[2] if up else OKABE_ITO[5],
               hatch="" if up else "\\\\", **end_style)
        level += step["value"]
        if not np.isnan(step.get("lower", np.nan)):  # the contribution's interval, at the bar's end
            ax.errorbar(x, level, yerr=[[step["value"] - step["lower"]], [step["upper"] - step["value"]]],
                        color="black", capsize=3, linewidth=0.8)
    x_residual = len(steps) + 1
    ax.bar(x_residual, 0.0 if np.isnan(residual) else residual, bottom=level, color=RESIDUAL_COLOUR,
           hatch="xx", **end_style)
    ax.bar(x_residual + 1, end, color=OKABE_ITO[0], **end_style)

    heights = [start] + [s["value"] for s in steps] + [residual, end]
    bottoms = [0.0]
    running = start
    for value in heights[1:-1]:
        bottoms.append(running)
        running += 0.0 if np.isnan(value) else value
    bottoms.append(0.0)
    tops = [b + (0.0 if np.isnan(h) else h) for b, h in zip(bottoms, heights)]
    span, floor = max(*tops, *bottoms), min(0.0, *tops, *bottoms)
    for x, (value, bottom) in enumerate(zip(heights, bottoms)):
        is_end = x in (0, len(heights) - 1)
        top = bottom + (0.0 if np.isnan(value) else max(value, 0.0))
        text = f"{_number(value, 2, lang)}%" if is_end else _signed(value, lang)
        ax.annotate(text, (x, top), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                    fontsize=7, fontweight="bold" if is_end else "normal")
        if 0 < x < len(heights) - 1:  # connector from the previous bar's top to this bar's base
            ax.plot([x - 1.4, x - 0.6], [bottom, bottom], color="black", linewidth=0.6, linestyle=":")
    ax.plot([len(heights) - 2.4, len(heights) - 1.6], [running, running], color="black", linewidth=0.6,
            linestyle=":")
    ax.set_xticks(range(len(labels)), labels, fontsize=6.5)
    ax.set_ylim(floor * 1.12, span * 1.12)
    ax.set_ylabel(words("bridge_axis"))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.grid(axis="y", linewidth=0.4, alpha=0.5)
    ax.set_axisbelow(True)
    note = words("bridge_note").format(gap=_signed(end - start, lang), switches=_signed(end - start - residual, lang),
                                       residual=_signed(residual, lang)) if not np.isnan(residual) else \
        words("bridge_note_model")
    place = words_of("part", str(first["region"]), lang) if has_words("part", str(first["region"])) else \
        str(first["region"])
    ax.set_title(words("bridge_title").format(a=method_a, b=method_b, place=place, year=int(first["year"]))
                 + f"\n{note}", fontsize=8)
    return fig


def method_shares(table: pd.DataFrame) -> Figure:
    """Every method's digital-economy share by year, with its interval and the published figures.

    Parameters
    ----------
    table
        Tidy table, one row per method and year, with columns ``method``, ``year``, ``point``,
        ``lower``, ``upper`` (percent of GRDP) and ``published`` (the published share, ``NaN``
        where none). An optional column ``rating`` draws red-rated published figures hollow.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes: for each method (own colour and marker shape) the point estimate with the interval
        as error bars, and each published figure as a black star beside it.

    Raises
    ------
    ValueError
        If a column is missing.
    """
    missing = {"method", "year", "point", "lower", "upper", "published"} - set(table.columns)
    if missing:
        raise ValueError(f"method_shares needs columns {', '.join(sorted(missing))}")
    methods = list(dict.fromkeys(table["method"]))
    years = sorted(table["year"].unique())
    position = {year: i for i, year in enumerate(years)}
    width = 0.8 / max(1, len(methods))
    fig, ax = plt.subplots(figsize=(max(7.0, 1.6 * len(years) + 2.5), 4.8), constrained_layout=True)
    for k, method in enumerate(methods):
        rows = table[table["method"] == method].sort_values("year")
        x = np.array([position[y] for y in rows["year"]]) + (k - (len(methods) - 1) / 2) * width
        colour, marker = OKABE_ITO[k % len(OKABE_ITO)], METHOD_MARKERS[k % len(METHOD_MARKERS)]
        errors = np.vstack([rows["point"] - rows["lower"], rows["upper"] - rows["point"]])
        ax.errorbar(x + 0.15 * width, rows["point"], yerr=errors, fmt=marker, color=colour, markeredgecolor="black",
                    markeredgewidth=0.5, ecolor=colour, elinewidth=1.2, capsize=3, label=method)
        published = rows["published"].notna().to_numpy()
        red = (rows["rating"] == "red").to_numpy() if "rating" in rows else np.zeros(len(rows), bool)
        for hollow in (False, True):
            chosen = published & (red == hollow)
            if chosen.any():  # beside the estimate, so neither hides the other
                ax.plot(x[chosen] - 0.3 * width, rows["published"].to_numpy()[chosen], "*", markersize=10,
                        markeredgecolor="black", markerfacecolor="white" if hollow else "black", linestyle="none")
    if table["published"].notna().any():
        ax.plot([], [], "*", markersize=10, color="black", linestyle="none", label="published")
    if "rating" in table and ((table["rating"] == "red") & table["published"].notna()).any():
        ax.plot([], [], "*", markersize=10, markeredgecolor="black", markerfacecolor="white",
                linestyle="none", label="published, red-rated")
    for i in range(1, len(years)):
        ax.axvline(i - 0.5, color="grey", linewidth=0.4, alpha=0.6)
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.set_xlim(-0.5, len(years) - 0.5)
    ax.set_ylabel("digital economy, % of GRDP")
    ax.grid(axis="y", linewidth=0.4, alpha=0.5)
    ax.set_axisbelow(True)
    levels = table["level"].unique() if "level" in table else []
    interval = f"{100 * levels[0]:.0f}% intervals" if len(levels) == 1 else "intervals"
    ax.set_title(f"Digital-economy share by method (points: estimates, bars: {interval}; stars: published)",
                 fontsize=10)
    handles, names = ax.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: names[i].startswith("published"))  # methods first
    ax.legend([handles[i] for i in order], [names[i] for i in order], fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1.0))
    return fig


@_printed
def quarterly_shares(table: pd.DataFrame, annual: pd.DataFrame, nowcast: pd.DataFrame, lang: str = "en") -> Figure:
    """Quarterly digital-economy share of every method, with its annual benchmark and the nowcast, in ``lang``.

    Parameters
    ----------
    table
        One row per quarter and method: ``period`` (quarterly Period), ``method``, ``share`` (not
        seasonally adjusted) and optionally ``share_sa`` (seasonally adjusted), percent of GRDP.
    annual
        One row per method and year: ``method``, ``year``, ``share``.
    nowcast
        One row per nowcast quarter and method: ``period``, ``method``, ``share``, ``lower``, ``upper``
        (``NaN`` where no interval could be given) and ``level``.
    lang
        ``"vi"`` or ``"en"``: the words of the chart, the methods' names and the decimal mark.

    Returns
    -------
    matplotlib.figure.Figure
        One Axes: per method (own colour and marker) the non-adjusted quarters as a thin line with markers,
        the adjusted quarters as a thick line, each annual share as a horizontal segment across its year,
        and the nowcast as a hollow marker with its interval.

    Raises
    ------
    ValueError
        If a column is missing.
    """
    for name, frame, needed in (("table", table, {"period", "method", "share"}),
                                ("annual", annual, {"method", "year", "share"}),
                                ("nowcast", nowcast, {"period", "method", "share", "lower", "upper"})):
        missing = needed - set(frame.columns)
        if missing:
            raise ValueError(f"quarterly_shares needs columns {', '.join(sorted(missing))} in {name}")
    methods = list(dict.fromkeys(table["method"]))
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 4.2), constrained_layout=True)  # printed at the text width
    x_of = lambda periods: np.array([p.year + (p.quarter - 0.5) / 4 for p in periods])  # noqa: E731
    for k, method in enumerate(methods):
        colour, marker = OKABE_ITO[k % len(OKABE_ITO)], METHOD_MARKERS[k % len(METHOD_MARKERS)]
        rows = table[table["method"] == method].sort_values("period")
        ax.plot(x_of(rows["period"]), rows["share"], marker=marker, markersize=4, linewidth=0.8, color=colour,
                label=words_of("method", method, lang, short=True) if has_words("method", method) else method)
        if "share_sa" in rows:
            ax.plot(x_of(rows["period"]), rows["share_sa"], linewidth=2.2, color=colour, alpha=0.8)
        for _, year in annual[annual["method"] == method].iterrows():
            ax.hlines(year["share"], year["year"], year["year"] + 1, colors=colour, linestyles="dashed",
                      linewidth=1.0)
        now = nowcast[nowcast["method"] == method]
        if len(now):
            errors = np.vstack([now["share"] - now["lower"], now["upper"] - now["share"]])
            shift = 0.04 * (k - (len(methods) - 1) / 2)  # side by side, so the intervals do not hide each other
            ax.errorbar(x_of(now["period"]) + shift, now["share"], yerr=np.nan_to_num(errors), fmt=marker, color=colour,
                        markerfacecolor="white", markersize=8, capsize=4, elinewidth=1.2)
    words = partial(words_of, "chart", lang=lang)
    ax.plot([], [], color="grey", linewidth=0.8, marker="o", markersize=4, label=words("quarterly_raw"))
    if "share_sa" in table:
        ax.plot([], [], color="grey", linewidth=2.2, label=words("quarterly_adjusted"))
    ax.plot([], [], color="grey", linestyle="dashed", label=words("quarterly_annual"))
    levels = nowcast["level"].unique() if "level" in nowcast else []
    label = words("nowcast_interval").format(level=f"{100 * levels[0]:.0f}") if len(levels) == 1 else \
        words("nowcast")
    ax.plot([], [], "o", color="grey", markerfacecolor="white", label=label)
    ax.set_ylabel(words("digital_axis"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _number(v, 0, lang)))
    ax.grid(linewidth=0.4, alpha=0.5)
    ax.set_axisbelow(True)
    ax.set_title(words("quarterly_title"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=4, frameon=False)
    return fig


FORECAST_COLOUR = OKABE_ITO[4]
"""Colour of the estimates, the forecast median and (in white-mixed tints) the forecast bands of :func:`fan_chart`."""
TARGET_MARKER = "h"
"""Marker shape of a target in :func:`fan_chart`: a hollow hexagon, a shape no method uses."""
BAND_COLUMN = re.compile(r"(lower|upper)_(\d+(?:\.\d+)?)")
"""A forecast band's bound in :func:`fan_chart`: side and interval level in percent, as in ``lower_80``."""
def _require(name: str, frame: pd.DataFrame, needed: set[str]) -> None:
    """Raise ``ValueError`` naming argument ``name`` of :func:`fan_chart` and the ``needed`` columns it lacks."""
    missing = needed - set(frame.columns)
    if missing:
        raise ValueError(f"fan_chart needs columns {', '.join(sorted(missing))} in {name}")


def _tint(colour: str, strength: float) -> tuple[float, float, float]:
    """Mix ``colour`` with white: ``strength`` 1 is the colour itself, 0 is white."""
    red, green, blue = (1.0 - strength * (1.0 - c) for c in to_rgb(colour))
    return red, green, blue


def _institution_styles(institutions: list[str], methods: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """Marker shape and colour of each institution, those of its method (``methods[institution]``, else the
    method of the same name) where there is one.

    Methods keep the position they have in :data:`grdp.base.method_names.METHOD_NAMES` (``gso`` a circle, ``mic`` a
    square, ``hids`` a triangle, ...); other institutions take the following positions in order of appearance.
    """
    position = {name: k for k, name in enumerate(METHOD_NAMES)}
    methods = methods or {}
    styles: dict[str, tuple[str, str]] = {}
    others = 0
    for institution in institutions:
        k = position.get(str(methods.get(institution, institution)).lower())
        if k is None:
            k, others = len(METHOD_NAMES) + others, others + 1
        styles[institution] = (METHOD_MARKERS[k % len(METHOD_MARKERS)], OKABE_ITO[k % len(OKABE_ITO)])
    return styles


def _fan_entries(ax: Axes) -> tuple[list[Artist], list[str]]:
    """Legend handles and labels of a :func:`fan_chart` Axes, the estimate first and the rest in drawing order."""
    handles, names = ax.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: not isinstance(handles[i], ErrorbarContainer))
    return [handles[i] for i in order], [names[i] for i in order]


def _year_axis(ax: Axes, lang: str) -> None:
    """Integer years every 1, 2, 5 or 10 years as the Axes' width allows (minor ticks every year), and the
    y axis with the decimal mark of ``lang``."""
    ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True, steps=[1, 2, 5, 10]))
    ax.xaxis.set_minor_locator(MultipleLocator(1))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))
    decimal = words_of("number", "decimal", lang)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}".replace(".", decimal)))


def _declutter(ax: Axes, pad: float = 2.0, draw: bool = True) -> None:
    """Move the Axes' annotations (the target labels) so that none overlaps another or leaves the Axes.

    A label that would cross the left or right edge is put on the other side of its point; labels are then
    taken from bottom to top and each one that overlaps a label already placed is moved up past it (down,
    below its point, if that would leave the Axes). Needs a drawn figure: call it once the layout is final
    (``draw=False``: the caller has just drawn it).
    """
    labels = [text for text in ax.texts if isinstance(text, Annotation)]
    if not labels:
        return
    fig = ax.figure
    if draw:
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    to_points = 72.0 / fig.dpi
    for text in labels:
        box = text.get_window_extent(renderer)
        dx, dy = text.xyann
        if box.x0 < frame.x0:
            text.set_horizontalalignment("left")
            text.xyann = (abs(dx), dy)
        elif box.x1 > frame.x1:
            text.set_horizontalalignment("right")
            text.xyann = (-abs(dx), dy)
    placed: list[Bbox] = []
    for text in sorted(labels, key=lambda t: t.get_window_extent(renderer).y0):
        for _ in range(len(labels) + 1):
            box = text.get_window_extent(renderer).expanded(1.0, 1.0)
            hit = next((other for other in placed if box.overlaps(other)), None)
            if hit is None:
                break
            dx, dy = text.xyann
            text.xyann = (dx, dy + (hit.y1 - box.y0) * to_points + pad)
        box = text.get_window_extent(renderer)
        if box.y1 > frame.y1:  # no room above: below the point instead
            dx, _ = text.xyann
            text.xyann = (dx, -4.0 - box.height * to_points)
            text.set_verticalalignment("bottom")
        placed.append(text.get_window_extent(renderer))


def fan_chart(history: pd.DataFrame, bands: pd.DataFrame, targets: pd.DataFrame,
              published: pd.DataFrame | None = None, *, title: str = "", ylabel: str | None = None,
              ax: Axes | None = None, lang: str = "en", comparison: pd.DataFrame | None = None,
              target_path: bool = False, series: str | None = None,
              figsize: tuple[float, float] | None = None, band_labels: dict[str, str] | None = None,
              median_label: str | None = None, style: dict[str, Any] | None = None) -> Figure:
    """Estimated shares, the forecast as a fan of nested intervals, the targets and the published figures.

    Parameters
    ----------
    history
        One row per year: ``year`` and ``share`` (percent), optionally ``lower`` and ``upper`` (the
        estimate's Monte Carlo interval, ``NaN`` where there is none).
    bands
        One row per forecast year: ``year``, ``median`` and, for each interval level ``L`` (percent),
        ``lower_L`` and ``upper_L`` (e.g. ``lower_80``, ``upper_80``, ``lower_95``, ``upper_95``).
    targets
        One row per target: ``year``, ``value`` (percent) and ``label`` (e.g. "25% (2025)").
    published
        One row per published figure: ``year``, ``value`` (percent) and ``institution`` (e.g. "GSO"), optionally
        ``method`` (e.g. ``gso``), whose marker and colour the institution then takes whatever its label.
    title
        Title of the Axes.
    ylabel
        Label of the y axis (default: "percent of GRDP" in ``lang``).
    ax
        Axes to draw on (e.g. one panel of a grid); a new figure when ``None``.
    lang
        Language of the legend and axis words (``"en"`` or ``"vi"``, from ``grdp/data/labels.yaml``) and of
        the decimal mark of the y axis.
    comparison
        Another definition's estimates to compare with: ``year``, ``share`` and ``label`` (its legend entry,
        the first row's), optionally ``method`` for its colour and marker (those of its published figures).
    target_path
        Join the targets, in year order, by one dotted line (the path the targets set) instead of drawing
        a dotted line across the Axes at each target value.
    series
        Name of the definition the estimates and the forecast are on, put before their legend entries
        ("MIC: estimate"); ``None`` for none (each panel of :func:`fan_charts` has it as its title).
    figsize
        Size of a new figure in inches (default :data:`PAGE_WIDTH` by 3.6).
    band_labels
        Named bands instead of interval levels: ``{name: legend text}``, widest first, each drawn from the
        columns ``lower_<name>`` and ``upper_<name>`` of ``bands`` (e.g. the range of the models' medians and
        the envelope of their intervals); ``None`` draws one band per numbered level.
    median_label
        Legend text of the median (default "projection median"); the median may be blank in some years (no
        line there).
    style
        Font sizes replacing those of :data:`PRINT_STYLE` (e.g. :data:`FIRST_PAGE_STYLE`).

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on (that of ``ax`` when given). Its Axes holds the estimates as a solid line
        with markers (error bars for their interval), one shaded band per interval level (filled
        collections in order widest to narrowest, the wider the lighter) opening from the last
        estimate, the median as a dashed line (y-data equal to ``bands["median"]``) joined to the last
        estimate, the targets (one dotted horizontal line per distinct value, or the target path) with a
        hollow hexagon and the label at each target, each institution's published figures as markers of
        its own shape and colour (legend "published: <institution>"), and the legend below the Axes. The y
        axis starts at 0; the years are integers spaced so that their labels do not touch; on a new figure
        the target labels are moved apart (:func:`_declutter`).

    Raises
    ------
    ValueError
        If a column is missing (the message names the argument and the columns), including a band
        bound without its partner, or if ``bands`` has no rows.
    """
    interval = bool({"lower", "upper"} & set(history.columns))
    levels = list(band_labels) if band_labels is not None else sorted(
        {match.group(2) for column in bands.columns if (match := BAND_COLUMN.fullmatch(str(column)))},
        key=float, reverse=True)  # widest first, so narrower bands are drawn over wider ones
    _require("history", history, {"year", "share"} | ({"lower", "upper"} if interval else set()))
    bounds = {f"{side}_{level}" for side in ("lower", "upper") for level in levels}  # each bound needs its partner
    _require("bands", bands, {"year", "median"} | bounds)
    _require("targets", targets, {"year", "value", "label"})
    if published is not None:
        _require("published", published, {"year", "value", "institution"})
    if comparison is not None:
        _require("comparison", comparison, {"year", "share", "label"})
    if bands.empty:
        raise ValueError("fan_chart needs at least one row in bands")
    with plt.rc_context(cast(Any, {**PRINT_STYLE, **(style or {})})):
        return _draw_fan(history, bands, targets, published, comparison, levels, interval, title=title,
                         ylabel=ylabel, ax=ax, lang=lang, target_path=target_path, series=series, figsize=figsize,
                         band_labels=band_labels, median_label=median_label)


def _draw_fan(history: pd.DataFrame, bands: pd.DataFrame, targets: pd.DataFrame, published: pd.DataFrame | None,
              comparison: pd.DataFrame | None, levels: list[str], interval: bool, *, title: str,
              ylabel: str | None, ax: Axes | None, lang: str, target_path: bool, series: str | None,
              figsize: tuple[float, float] | None, band_labels: dict[str, str] | None = None,
              median_label: str | None = None) -> Figure:
    """Draw :func:`fan_chart` once its arguments are checked."""
    words = partial(words_of, "chart", lang=lang)

    def named(what: str) -> str:
        return what if series is None else words("series").format(series=series, what=what)

    standalone = ax is None
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize or (PAGE_WIDTH, 3.6), constrained_layout=True)
    else:
        fig = ax.figure.figure  # the root figure, also when ax is in a subfigure
    history = history.sort_values("year")
    bands = bands.sort_values("year")
    tops = [bands["median"].max(), history["share"].max(), targets["value"].max()]

    errors = None
    if interval:
        errors = np.nan_to_num(np.vstack([history["share"] - history["lower"], history["upper"] - history["share"]]))
        tops.append(history["upper"].max())
    ax.errorbar(history["year"], history["share"], yerr=errors, fmt="-o", color=FORECAST_COLOUR, linewidth=1.6,
                markersize=3.5, elinewidth=0.9, capsize=2, zorder=3,
                label=named(words("estimate_interval" if interval else "estimate")))

    years, medians = bands["year"].to_numpy(float), bands["median"].to_numpy(float)
    opens = len(history) > 0 and history["year"].iloc[-1] < years[0]  # the fan opens from the last estimate
    start = [history["year"].iloc[-1]] if opens else []
    origin = [history["share"].iloc[-1]] if opens else []
    for k, level in enumerate(levels):
        lower, upper = bands[f"lower_{level}"].to_numpy(float), bands[f"upper_{level}"].to_numpy(float)
        ax.fill_between([*start, *years], [*origin, *lower], [*origin, *upper], linewidth=0, zorder=1,
                        color=_tint(FORECAST_COLOUR, 0.15 + 0.35 * (k + 1) / len(levels)),
                        label=named(band_labels[level] if band_labels is not None
                                    else words("forecast_interval").format(level=level)))
        tops.append(upper.max())
    if opens:
        ax.plot([start[0], years[0]], [origin[0], medians[0]], "--", color=FORECAST_COLOUR, linewidth=1.6, zorder=3)
    ax.plot(years, medians, "--", color=FORECAST_COLOUR, linewidth=1.6, zorder=3,
            label=named(median_label if median_label is not None else words("forecast_median")))

    if comparison is not None and len(comparison):
        rows = comparison.sort_values("year")
        method = {rows["label"].iloc[0]: rows["method"].iloc[0]} if "method" in rows else None
        marker, colour = _institution_styles([rows["label"].iloc[0]], method)[rows["label"].iloc[0]]
        ax.plot(rows["year"], rows["share"], "-", marker=marker, color=colour, markerfacecolor="white",
                markersize=3.5, linewidth=1.2, zorder=3, label=rows["label"].iloc[0])
        tops.append(rows["share"].max())

    _draw_targets(ax, targets, target_path, words)

    if published is not None and len(published):
        methods = dict(zip(published["institution"], published["method"])) if "method" in published else None
        styles = _institution_styles(list(dict.fromkeys(published["institution"])), methods)
        for institution, (marker, colour) in styles.items():
            rows = published[published["institution"] == institution]
            ax.scatter(rows["year"], rows["value"], s=40, marker=marker, color=colour, edgecolors="black",
                       linewidths=0.7, zorder=5, label=words("published").format(institution=institution))
        tops.append(published["value"].max())

    ax.set_ylim(0, 1.15 * max((top for top in tops if pd.notna(top)), default=1.0))  # room for the target labels
    _year_axis(ax, lang)
    ax.set_ylabel(words("share_axis") if ylabel is None else ylabel)
    ax.set_title(title)
    ax.grid(axis="y", linewidth=0.4, alpha=0.5)
    ax.set_axisbelow(True)
    below = offset_copy(ax.transAxes, fig=fig, y=-18, units="points")  # under the year tick labels
    ax.legend(*_fan_entries(ax), loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, ncol=2,
              frameon=False)
    if standalone:
        _declutter(ax)
    return fig


def _draw_targets(ax: Axes, targets: pd.DataFrame, path: bool, words) -> None:
    """The targets of :func:`fan_chart`: hexagons with their labels, and dotted lines (across, or the path)."""
    if path:
        ordered = targets.sort_values("year")
        ax.plot(ordered["year"], ordered["value"], ":", color="black", linewidth=1.1, zorder=2)
    else:
        for value in targets["value"].drop_duplicates():
            ax.axhline(value, color="black", linestyle=":", linewidth=1.0, zorder=2)
    for _, target in targets.iterrows():
        ax.plot(target["year"], target["value"], TARGET_MARKER, color="black", markersize=8, markeredgecolor="black",
                markeredgewidth=1.3, markerfacecolor="white", zorder=4)
        note = ax.annotate(target["label"], (target["year"], target["value"]), xytext=(-6, 4),
                           textcoords="offset points", ha="right", va="bottom",
                           fontsize=plt.rcParams["legend.fontsize"], zorder=6,
                           bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                                 "alpha": 0.85})
        note.set_in_layout(False)  # labels sit inside the Axes: they must not shrink it
    if len(targets):
        ax.plot([], [], TARGET_MARKER, linestyle=":", color="black", markerfacecolor="white",
                label=words("target_path" if path else "target"))


def fan_charts(panels: list[dict], ncols: int = 2, title: str = "", width: float = PAGE_WIDTH) -> Figure:
    """A grid of :func:`fan_chart` panels (e.g. one per method) sharing the y range, with one legend below.

    Parameters
    ----------
    panels
        One dict per panel, in reading order, of the keyword arguments of :func:`fan_chart` other than
        ``ax``: ``history``, ``bands``, ``targets`` and optionally ``published``, ``title``, ``ylabel``.
    ncols
        Number of columns of the grid.
    title
        Title of the figure.
    width
        Width of the figure in inches (default :data:`PAGE_WIDTH`, the reports' text width).

    Returns
    -------
    matplotlib.figure.Figure
        One Axes per panel (the grid's unused cells are removed), all with the same y range starting at 0,
        the y label only in the first column, one legend below the grid with every entry of the panels, and
        the target labels of each panel moved apart once the layout is final.

    Raises
    ------
    ValueError
        If there is no panel, ``ncols`` is less than 1, or a panel fails :func:`fan_chart`'s checks.
    """
    if not panels:
        raise ValueError("fan_charts needs at least one panel")
    if ncols < 1:
        raise ValueError(f"fan_charts needs ncols >= 1, got {ncols}")
    ncols = min(ncols, len(panels))
    nrows = -(-len(panels) // ncols)
    with plt.rc_context(cast(Any, PRINT_STYLE)):
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, 2.5 * nrows + 1.0), sharey=True, squeeze=False,
                                 constrained_layout=True)
        cells = list(axes.flat)
        tops: list[float] = []  # each panel's own top, read before the next panel resets the shared range
        try:
            for ax, panel in zip(cells, panels):
                fan_chart(**panel, ax=ax)
                tops.append(ax.get_ylim()[1])
        except ValueError:
            plt.close(fig)  # a panel's bad input leaves no half-drawn figure open
            raise
        for extra in cells[len(panels):]:
            extra.remove()
        cells = cells[:len(panels)]
        entries: dict[str, Artist] = {}
        for k, ax in enumerate(cells):
            for handle, label in zip(*_fan_entries(ax)):
                entries.setdefault(label, handle)
            ax.get_legend().remove()
            if k % ncols:
                ax.set_ylabel("")
        cells[0].set_ylim(0, max(tops))  # shared by every panel
        fig.legend(list(entries.values()), list(entries), loc="outside lower center", ncol=min(3, len(entries)),
                   frameon=False)
        if title:
            fig.suptitle(title)
        fig.canvas.draw()  # the layout is final, and the labels are out of it: one draw serves every panel
        for ax in cells:
            _declutter(ax, draw=False)
    return fig


def target_chart(history: pd.DataFrame, bands: pd.DataFrame, targets: pd.DataFrame, comparison: pd.DataFrame, *,
                 title: str, legend: dict[str, str], lang: str = "en") -> Figure:
    """The brief's first-page chart: one definition's share against its targets, its finding as the title, at most
    four legend entries.

    Parameters
    ----------
    history, targets, comparison
        As for :func:`fan_chart` (``targets``' labels are best short, e.g. "25%": each sits below right of its hexagon,
        between two years, clear of the error bars of the years before).
    bands
        One row per projected year: ``year``, ``median`` (blank where the models disagree), ``lower_envelope`` and
        ``upper_envelope`` (the envelope of the models' 80% intervals).
    title
        The finding, wrapped to the chart's width.
    legend
        The four legend entries' words: ``estimate`` (the estimates and their interval bars), ``projection`` (the
        envelope and the median, one entry), ``comparison`` and ``target``.
    lang
        Language of the axis words and of the decimal mark.

    Returns
    -------
    matplotlib.figure.Figure
        :func:`fan_chart` at :data:`FIRST_PAGE_SIZE` and :data:`FIRST_PAGE_STYLE` with the target path, the title
        above the Axes, the target labels below right of their hexagons (left at the right edge) and one legend
        of the four entries below it, one a line.
    """
    _require("bands", bands, {"year", "median", "lower_envelope", "upper_envelope"})
    with plt.rc_context(cast(Any, {**PRINT_STYLE, **FIRST_PAGE_STYLE})):
        fig, ax = plt.subplots(figsize=FIRST_PAGE_SIZE, constrained_layout=True)
        fan_chart(history, bands[["year", "median", "lower_envelope", "upper_envelope"]], targets, ax=ax,
                  lang=lang, comparison=comparison.assign(label=legend["comparison"]), target_path=True,
                  band_labels={"envelope": legend["projection"]}, median_label=legend["projection"],
                  style=FIRST_PAGE_STYLE)
        handles, names = ax.get_legend_handles_labels()
        estimate = next(h for h in handles if isinstance(h, ErrorbarContainer))
        projection = tuple(h for h, n in zip(handles, names) if n == legend["projection"])
        by_name = dict(zip(names, handles))
        entries: list[tuple[Any, str]] = [(estimate, legend["estimate"]), (projection, legend["projection"])]
        entries += [(by_name[n], n) for n in (legend["comparison"],) if n in by_name]
        target_entry = [h for h, n in zip(handles, names) if h not in projection and n not in
                        (legend["comparison"],) and not isinstance(h, ErrorbarContainer)]
        entries += [(h, legend["target"]) for h in target_entry[:1]]
        cast(Any, ax.get_legend()).remove()
        fig.legend([h for h, _ in entries], [textwrap.fill(n, 46) for _, n in entries],
                   loc=cast(Any, "outside lower left"), ncol=1, frameon=False,
                   handler_map={tuple: HandlerTuple(ndivide=None)})
        fig.suptitle(textwrap.fill(title, 44), x=0.02, ha="left", fontweight="bold",
                     fontsize=FIRST_PAGE_STYLE["axes.titlesize"])
        for note in (t for t in ax.texts if isinstance(t, Annotation)):  # below right of the hexagon: the year
            note.set_horizontalalignment("left")   # after a target has no error bar (the one before may), and the
            note.set_verticalalignment("top")      # path to the next target rises away from it
            note.xyann = (6.0, -6.0)
        _declutter(ax)
    return fig
