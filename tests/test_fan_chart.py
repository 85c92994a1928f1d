"""The projection fan chart (grdp.report.charts.fan_chart, fan_charts), checked on the artists a reader sees."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection, PolyCollection  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.markers import MarkerStyle  # noqa: E402

from grdp.digital import METHODS  # noqa: E402
from grdp.report import charts  # noqa: E402

YEARS = list(range(2025, 2031))
MEDIAN = [22.0 + 1.5 * k for k in range(len(YEARS))]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def history(interval: bool = True) -> pd.DataFrame:
    """Estimated shares 2019-2024, with their interval unless ``interval`` is false."""
    frame = pd.DataFrame({"year": range(2019, 2025), "share": [16.0, 17.1, 18.0, 19.2, 20.1, 21.0]})
    return frame.assign(lower=frame["share"] - 1.0, upper=frame["share"] + 1.5) if interval else frame


def bands(levels: tuple[int, ...] = (80, 95)) -> pd.DataFrame:
    """Forecast 2025-2030 whose interval at level L has half-width L / 100 per year ahead."""
    frame = pd.DataFrame({"year": YEARS, "median": MEDIAN})
    for level in levels:
        half = np.array([level / 100 * (k + 1) for k in range(len(YEARS))])
        frame[f"lower_{level}"] = frame["median"] - half
        frame[f"upper_{level}"] = frame["median"] + half
    return frame


def targets() -> pd.DataFrame:
    """Two targets at 25% (the city's and a national one, same value) and one at 40%."""
    return pd.DataFrame({"year": [2025, 2025, 2030], "value": [25.0, 25.0, 40.0],
                         "label": ["HCMC target 25% (2025)", "national 25% (2025)", "HCMC target 40% (2030)"]})


def published() -> pd.DataFrame:
    return pd.DataFrame({"year": [2022, 2023, 2023, 2024], "value": [18.5, 19.0, 22.0, 21.5],
                         "institution": ["GSO", "GSO", "HIDS", "World Bank"]})


def bands_of(ax: Axes) -> list[PolyCollection]:
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def target_lines(ax: Axes) -> list[Line2D]:
    """Dotted lines spanning the Axes (x from 0 to 1 in Axes coordinates)."""
    return [line for line in ax.get_lines() if line.get_linestyle() == ":" and list(line.get_xdata()) == [0, 1]]


def legend_labels(ax: Axes) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


@pytest.mark.parametrize("levels", [(80,), (80, 95), (50, 80, 95)])
def test_one_band_per_level_wider_lighter_and_spanning_its_interval(levels):
    frame = bands(levels)
    ax = charts.fan_chart(history(), frame, targets()).axes[0]
    drawn = bands_of(ax)
    assert len(drawn) == len(levels)
    lightness = [sum(to_rgb(band.get_facecolor()[0])) for band in drawn]
    assert lightness == sorted(lightness, reverse=True) and len(set(lightness)) == len(levels)  # widest first
    for band, level in zip(drawn, sorted(levels, reverse=True)):
        y = band.get_paths()[0].vertices[:, 1]
        assert y.max() == pytest.approx(frame[f"upper_{level}"].max())
        assert y.min() == pytest.approx(min(frame[f"lower_{level}"].min(), history()["share"].iloc[-1]))
    assert [label for label in legend_labels(ax) if "interval" in label and "projection" in label] == [
        f"projection {level}% interval" for level in sorted(levels, reverse=True)]


def test_levels_are_the_numbered_bounds_decimals_included():
    frame = bands(()).assign(**{"lower_66.5": [m - 1 for m in MEDIAN], "upper_66.5": [m + 1 for m in MEDIAN],
                                "lower_note": "not a level: its suffix is not a number"})
    ax = charts.fan_chart(history(), frame, targets()).axes[0]
    assert len(bands_of(ax)) == 1 and "projection 66.5% interval" in legend_labels(ax)


def test_median_is_a_dashed_line_joined_to_the_last_estimate():
    ax = charts.fan_chart(history(), bands(), targets()).axes[0]
    medians = [line for line in ax.get_lines() if np.array_equal(line.get_ydata(), MEDIAN)]
    assert len(medians) == 1 and medians[0].get_linestyle() == "--"
    assert list(medians[0].get_xdata()) == YEARS
    joins = [line for line in ax.get_lines() if line.get_linestyle() == "--" and line is not medians[0]]
    assert len(joins) == 1
    assert list(joins[0].get_xdata()) == [2024, 2025] and list(joins[0].get_ydata()) == [21.0, MEDIAN[0]]


def test_estimates_are_a_solid_line_with_error_bars_only_when_an_interval_is_given():
    with_interval = charts.fan_chart(history(), bands(), targets()).axes[0]
    without = charts.fan_chart(history(interval=False), bands(), targets()).axes[0]
    for ax in (with_interval, without):
        solid = [line for line in ax.get_lines() if np.array_equal(line.get_ydata(), history()["share"])]
        assert len(solid) == 1 and solid[0].get_linestyle() == "-" and solid[0].get_marker() == "o"
    bars = [c for c in with_interval.collections if isinstance(c, LineCollection)]
    assert len(bars) == 1 and len(bars[0].get_segments()) == len(history())
    assert not [c for c in without.collections if isinstance(c, LineCollection)]


def test_one_dotted_line_per_distinct_target_value_with_a_marker_and_label_at_each_target():
    ax = charts.fan_chart(history(), bands(), targets()).axes[0]
    lines = target_lines(ax)
    assert sorted(line.get_ydata()[0] for line in lines) == [25.0, 40.0]
    assert all(line.get_ydata()[0] == line.get_ydata()[1] for line in lines)
    markers = [line for line in ax.get_lines() if line.get_marker() == charts.TARGET_MARKER and len(line.get_xdata())]
    assert sorted((line.get_xdata()[0], line.get_ydata()[0]) for line in markers) == [(2025, 25.0), (2025, 25.0),
                                                                                        (2030, 40.0)]
    assert {text.get_text() for text in ax.texts} == set(targets()["label"])
    assert "target" in legend_labels(ax)
    assert ax.get_ylim()[1] > 40.0  # room above the highest target for its label


def test_published_figures_have_one_marker_shape_per_institution_and_a_legend_entry():
    ax = charts.fan_chart(history(), bands(), targets(), published()).axes[0]
    labels = legend_labels(ax)
    for institution in ("GSO", "HIDS", "World Bank"):
        assert f"published: {institution}" in labels
    points = {c.get_label(): c for c in ax.collections if isinstance(c, PathCollection)}
    assert len(points) == 3
    assert points["published: GSO"].get_offsets().tolist() == [[2022, 18.5], [2023, 19.0]]

    def shape(marker: str) -> np.ndarray:
        style = MarkerStyle(marker)
        return style.get_path().transformed(style.get_transform()).vertices

    names = list(METHODS)
    for institution, key in (("GSO", "gso"), ("HIDS", "hids")):  # the method's marker, matched ignoring case
        marker = charts.METHOD_MARKERS[names.index(key)]
        assert np.allclose(points[f"published: {institution}"].get_paths()[0].vertices, shape(marker))
    other = points["published: World Bank"].get_paths()[0].vertices
    assert not any(np.array_equal(other, shape(charts.METHOD_MARKERS[names.index(key)])) for key in ("gso", "hids"))


def test_a_method_column_gives_translated_institutions_their_method_marker_and_words_follow_lang():
    translated = published().assign(institution=["TCTK", "TCTK", "HIDS", "World Bank"],
                                    method=["gso", "gso", "hids", "other"])
    ax = charts.fan_chart(history(), bands(), targets(), translated, lang="vi").axes[0]
    points = {c.get_label(): c for c in ax.collections if isinstance(c, PathCollection)}
    style = MarkerStyle(charts.METHOD_MARKERS[list(METHODS).index("gso")])
    assert np.allclose(points["công bố: TCTK"].get_paths()[0].vertices,
                       style.get_path().transformed(style.get_transform()).vertices)
    assert "dự phóng, trung vị" in legend_labels(ax) and ax.get_ylabel() == "% GRDP"


def test_no_published_entries_without_published_figures():
    ax = charts.fan_chart(history(), bands(), targets()).axes[0]
    assert not [label for label in legend_labels(ax) if label.startswith("published")]
    assert not [c for c in ax.collections if isinstance(c, PathCollection)]


def test_y_axis_starts_at_zero_years_are_integers_and_legend_is_below_the_axes():
    high = history().assign(share=lambda f: f["share"] + 50, lower=lambda f: f["lower"] + 50,
                            upper=lambda f: f["upper"] + 50)
    fig = charts.fan_chart(high, bands(), targets(), published(), title="far from zero")
    ax = fig.axes[0]
    assert ax.get_ylim()[0] == 0
    assert tuple(fig.get_size_inches()) == pytest.approx((charts.PAGE_WIDTH, 3.6))  # drawn for the page
    fig.canvas.draw()
    ticks = [label.get_text() for label in ax.get_xticklabels() if label.get_text()]
    assert ticks and all(text.isdigit() and len(text) == 4 for text in ticks)
    legend = ax.get_legend().get_window_extent()
    lowest_tick = min(label.get_window_extent().y0 for label in ax.get_xticklabels() if label.get_text())
    assert legend.y1 <= lowest_tick  # below the axes and their year labels: it hides no data
    assert ax.get_title() == "far from zero"


def test_draws_on_the_axes_given_and_returns_its_figure():
    fig, (left, right) = plt.subplots(1, 2)
    assert charts.fan_chart(history(), bands(), targets(), ax=right, ylabel="share") is fig
    assert len(bands_of(right)) == 2 and right.get_ylabel() == "share"
    assert not left.get_lines() and not left.collections and len(fig.axes) == 2


def test_grid_has_one_axes_per_panel_sharing_the_y_range_and_one_legend():
    doubled = bands().assign(**{column: bands()[column] * 2 for column in bands().columns if column != "year"})
    panels = [{"history": history(), "bands": bands(), "targets": targets(), "published": published(), "title": "gso"},
              {"history": history(), "bands": doubled, "targets": targets(), "title": "mic"},
              {"history": history(interval=False), "bands": bands((80,)), "targets": targets(), "title": "hids"}]
    fig = charts.fan_charts(panels, ncols=2, title="by method")
    assert len(fig.axes) == 3  # the fourth cell of the 2 x 2 grid is removed
    assert [ax.get_title() for ax in fig.axes] == ["gso", "mic", "hids"]
    assert [len(bands_of(ax)) for ax in fig.axes] == [2, 2, 1]
    limits = {ax.get_ylim() for ax in fig.axes}
    assert len(limits) == 1 and limits.pop()[0] == 0
    assert fig.axes[0].get_ylim()[1] > doubled["upper_95"].max()  # the highest panel sets the shared range
    assert all(ax.get_legend() is None for ax in fig.axes) and len(fig.legends) == 1
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert len(labels) == len(set(labels)) and "published: GSO" in labels and "projection 95% interval" in labels
    assert fig.axes[0].get_ylabel() and not fig.axes[1].get_ylabel() and fig.axes[2].get_ylabel()
    assert fig.get_suptitle() == "by method"


def test_grid_of_one_panel_has_one_axes():
    fig = charts.fan_charts([{"history": history(), "bands": bands(), "targets": targets()}])
    assert len(fig.axes) == 1


@pytest.mark.parametrize("panels, ncols, words", [([], 2, ["panel"]),
                                                  ([{"history": history(), "bands": bands(), "targets": targets()}], 0,
                                                   ["ncols"])])
def test_grid_rejects_no_panels_and_no_columns(panels, ncols, words):
    with pytest.raises(ValueError) as error:
        charts.fan_charts(panels, ncols=ncols)
    assert all(word in str(error.value) for word in words)


@pytest.mark.parametrize("argument, change, missing", [
    ("history", lambda f: f.drop(columns="share"), ["share"]),
    ("history", lambda f: f.drop(columns="upper"), ["upper"]),  # an interval needs both bounds
    ("bands", lambda f: f.drop(columns=["year", "median"]), ["median", "year"]),
    ("bands", lambda f: f.drop(columns="upper_95"), ["upper_95"]),  # a bound needs its partner
    ("targets", lambda f: f.drop(columns="label"), ["label"]),
    ("published", lambda f: f.drop(columns="institution"), ["institution"]),
])
def test_a_missing_column_is_named_with_its_argument(argument, change, missing):
    frames = {"history": history(), "bands": bands(), "targets": targets(), "published": published()}
    frames[argument] = change(frames[argument])
    with pytest.raises(ValueError) as error:
        charts.fan_chart(frames["history"], frames["bands"], frames["targets"], frames["published"])
    message = str(error.value)
    assert f"in {argument}" in message and all(column in message for column in missing)
    assert not plt.get_fignums()  # nothing drawn before the check


def test_empty_bands_are_rejected():
    with pytest.raises(ValueError, match="bands"):
        charts.fan_chart(history(), bands().iloc[0:0], targets())


def test_grid_panel_errors_name_the_argument_and_leave_no_figure_open():
    with pytest.raises(ValueError, match="label in targets"):
        charts.fan_charts([{"history": history(), "bands": bands(), "targets": targets()},
                          {"history": history(), "bands": bands(), "targets": targets().drop(columns="label")}])
    assert not plt.get_fignums()


def test_saved_png_is_not_empty(tmp_path):
    path = tmp_path / "fan.png"
    charts.fan_chart(history(), bands(), targets(), published(), title="GSO").savefig(path, dpi=80)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 5_000


def boxes(fig, artists):
    """Window extents of artists once the figure is drawn."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [artist.get_window_extent(renderer) for artist in artists]


def overlapping(extents) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(extents)) for j in range(i + 1, len(extents)) if extents[i].overlaps(extents[j])]


def long_bands() -> pd.DataFrame:
    """A forecast to 2035, as the pipeline draws it: the year axis spans 17 years."""
    years = list(range(2025, 2036))
    frame = pd.DataFrame({"year": years, "median": [22.0 + k for k in range(len(years))]})
    return frame.assign(lower_80=frame["median"] - 2, upper_80=frame["median"] + 2)


def test_year_labels_never_run_together_at_print_size_even_in_narrow_panels():
    panels = [{"history": history(), "bands": long_bands(), "targets": targets(), "title": name}
              for name in ("gso", "mic", "hids", "oecd-core", "oecd-narrow", "oecd-broad")]
    fig = charts.fan_charts(panels, ncols=3)
    assert tuple(fig.get_size_inches())[0] == pytest.approx(charts.PAGE_WIDTH)  # printed at 100%
    for ax in fig.axes:
        ticks = [label for label in ax.get_xticklabels() if label.get_text()]
        extents = boxes(fig, ticks)
        assert len(ticks) >= 2 and all(t.get_text().isdigit() and len(t.get_text()) == 4 for t in ticks)
        assert not overlapping(extents), [t.get_text() for t in ticks]
        assert min(b.x0 for b in extents[1:]) - max(b.x1 for b in extents[:1]) > 2  # a visible gap
        assert ticks[0].get_fontsize() >= 7  # readable in print


def test_target_labels_neither_collide_nor_leave_the_axes():
    fig = charts.fan_chart(history(), bands(), targets(), published())  # two labels at the same point
    ax = fig.axes[0]
    extents = boxes(fig, ax.texts)
    assert len(extents) == 3 and not overlapping(extents)
    frame = ax.get_window_extent()
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in extents)


def test_target_labels_collide_nowhere_in_a_grid():
    near = pd.DataFrame({"year": [2025, 2026, 2030], "value": [25.0, 30.0, 40.0],
                         "label": ["25% (2025)", "30% (2026)", "40% (2030)"]})
    fig = charts.fan_charts([{"history": history(), "bands": bands(), "targets": near, "title": k} for k in "abc"],
                           ncols=3)
    for ax in fig.axes:
        extents = boxes(fig, ax.texts)
        assert len(extents) == 3 and not overlapping(extents), [t.get_text() for t in ax.texts]
        frame = ax.get_window_extent()
        assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 for b in extents)


@pytest.mark.parametrize("lang, mark", [("vi", ","), ("en", ".")])
def test_the_share_axis_uses_the_decimal_mark_of_the_language(lang, mark):
    small = history().assign(share=lambda f: f["share"] / 40, lower=lambda f: f["lower"] / 40,
                             upper=lambda f: f["upper"] / 40)
    tiny = bands().assign(**{c: bands()[c] / 40 for c in bands().columns if c != "year"})
    fig = charts.fan_chart(small, tiny, targets().assign(value=0.5), lang=lang)
    fig.canvas.draw()
    ticks = [label.get_text() for label in fig.axes[0].get_yticklabels() if label.get_text()]
    fractional = [t for t in ticks if not t.isdigit()]
    assert fractional and all(mark in t and ({",", "."} - {mark}).isdisjoint(t) for t in fractional), ticks


def test_target_path_joins_the_targets_in_year_order_instead_of_lines_across():
    path = pd.DataFrame({"year": [2030, 2025, 2026], "value": [40.0, 25.0, 30.0], "label": ["c", "a", "b"]})
    ax = charts.fan_chart(history(), bands(), path, target_path=True, lang="vi").axes[0]
    assert not target_lines(ax)
    joined = [line for line in ax.get_lines() if line.get_linestyle() == ":" and len(line.get_xdata()) == 3]
    assert len(joined) == 1 and list(joined[0].get_xdata()) == [2025, 2026, 2030]
    assert list(joined[0].get_ydata()) == [25.0, 30.0, 40.0]
    assert "lộ trình mục tiêu" in legend_labels(ax)


def test_a_comparison_definition_is_drawn_in_its_method_style_and_the_series_names_the_fan():
    other = history(interval=False).assign(share=lambda f: f["share"] - 5, label="GSO: grdp estimate", method="gso")
    ax = charts.fan_chart(history(), bands(), targets(), published(), comparison=other, series="MIC").axes[0]
    drawn = [line for line in ax.get_lines() if np.array_equal(line.get_ydata(), other["share"])]
    assert len(drawn) == 1
    k = list(METHODS).index("gso")
    assert drawn[0].get_marker() == charts.METHOD_MARKERS[k] and drawn[0].get_color() == charts.OKABE_ITO[k]
    labels = legend_labels(ax)
    assert labels[0] == "MIC: model estimate or published (bars: interval)" and "GSO: grdp estimate" in labels
    assert "MIC: projection median" in labels and "MIC: projection 95% interval" in labels


def test_colours_stay_in_the_colour_blind_safe_palette():
    other = history(interval=False).assign(label="GSO", method="gso")
    ax = charts.fan_chart(history(), bands(), targets(), published(), comparison=other).axes[0]
    allowed = {to_rgb(c) for c in charts.OKABE_ITO} | {to_rgb("black"), to_rgb("white")}
    tints = {charts._tint(charts.FORECAST_COLOUR, 0.15 + 0.35 * (k + 1) / 2) for k in range(2)}
    used = {to_rgb(line.get_color()) for line in ax.get_lines()}
    used |= {tuple(round(x, 6) for x in to_rgb(c.get_facecolor()[0])) for c in ax.collections
             if len(c.get_facecolor())}
    rounded = {tuple(round(x, 6) for x in colour) for colour in allowed | tints}
    assert {tuple(round(x, 6) for x in colour) for colour in used} <= rounded


def test_named_bands_are_drawn_widest_first_with_their_words_and_a_blank_median_draws_no_line():
    """The brief's projections: the envelope of the models' intervals and the range of their medians as two named
    bands (given widest first), the ensemble's median only in the years the models agree."""
    frame = pd.DataFrame({"year": YEARS, "median": [MEDIAN[0], MEDIAN[1]] + [np.nan] * (len(YEARS) - 2),
                          "lower_envelope": [m - 4 for m in MEDIAN], "upper_envelope": [m + 6 for m in MEDIAN],
                          "lower_range": [m - 1 for m in MEDIAN], "upper_range": [m + 2 for m in MEDIAN],
                          "lower_80": MEDIAN, "upper_80": MEDIAN})  # numbered bounds are ignored with named bands
    words = {"envelope": "envelope of the intervals", "range": "range of the medians"}
    ax = charts.fan_chart(history(), frame, targets(), band_labels=words, median_label="ensemble median").axes[0]
    drawn = bands_of(ax)
    assert len(drawn) == 2
    top = [band.get_paths()[0].vertices[:, 1].max() for band in drawn]
    assert top == pytest.approx([frame["upper_envelope"].max(), frame["upper_range"].max()])  # widest first
    lightness = [sum(to_rgb(band.get_facecolor()[0])) for band in drawn]
    assert lightness[0] > lightness[1]  # the wider, the lighter
    labels = legend_labels(ax)
    assert "envelope of the intervals" in labels and "range of the medians" in labels and "ensemble median" in labels
    assert not [label for label in labels if "%" in label]
    median = next(line for line in ax.get_lines() if line.get_label() == "ensemble median")
    assert np.isnan(median.get_ydata()[2:]).all() and list(median.get_ydata()[:2]) == MEDIAN[:2]
    with pytest.raises(ValueError, match="upper_range in bands"):
        charts.fan_chart(history(), frame.drop(columns="upper_range"), targets(), band_labels=words)


def first_page_chart(title: str = "The merged city: 21.0% in 2024, short of the 25% target") -> plt.Figure:
    """The brief's first-page chart on the helpers' data: a target inside the error bars of the year before its
    own (2024, 19.5%, a label wider than a year), one the year after and a range (30 and 40) at the right edge;
    the forecast's median blank where the models disagree."""
    envelope = bands((80,)).rename(columns={"lower_80": "lower_envelope", "upper_80": "upper_envelope"})
    envelope.loc[envelope["year"] > 2026, "median"] = np.nan
    goals = pd.DataFrame({"year": [2024, 2025, 2030, 2030], "value": [19.5, 27.0, 30.0, 40.0]})
    goals = goals.assign(label=[f"{v:g}% ({y})" for v, y in zip(goals["value"], goals["year"])])
    official = history(interval=False).assign(share=lambda f: f["share"] - 6, method="gso")
    legend = {"estimate": "MIC: published or model estimate (bars: margin of error)",
              "projection": "projection: the models' 80% range; dashed: median, while the models agree",
              "comparison": "GSO: official definition", "target": "target"}
    return charts.target_chart(history(), envelope, goals, official, title=title, legend=legend)


def test_first_page_chart_has_its_finding_as_title_and_at_most_four_legend_entries():
    fig = first_page_chart()
    assert fig._suptitle is not None and "short of the 25% target" in fig._suptitle.get_text().replace("\n", " ")
    assert len(fig.legends) == 1 and len(fig.legends[0].get_texts()) == 4
    ax = fig.axes[0]
    assert ax.get_legend() is None
    assert not [c for c in ax.collections if isinstance(c, PathCollection)]  # no separate published markers
    assert all(t.get_fontsize() >= 9 for t in fig.legends[0].get_texts())
    assert all(t.get_fontsize() >= 9 for t in ax.get_xticklabels() + ax.get_yticklabels())


def test_first_page_target_labels_clear_the_error_bars_and_each_other():
    fig = first_page_chart()
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t.get_window_extent(renderer) for t in ax.texts]
    assert len(labels) == 4 and not overlapping(labels)
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = [ax.transData.transform(np.array(s)) for c in bars for s in c.get_segments()]
    for box in labels:
        for seg in segments:
            (x0, y0), (x1, y1) = seg.min(axis=0), seg.max(axis=0)
            assert not (box.x0 < x1 and x0 < box.x1 and box.y0 < y1 and y0 < box.y1), "a target label is over a bar"
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 for b in labels)


def test_first_page_chart_needs_the_envelope():
    with pytest.raises(ValueError, match="lower_envelope"):
        charts.target_chart(history(), bands((80,)), targets(), history(interval=False), title="t",
                            legend={"estimate": "e", "projection": "p", "comparison": "c", "target": "t"})
