"""``grdp estimate`` and the digital-economy charts, checked by what a user sees."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.patches import Rectangle

from grdp.cli import METHOD_CHOICES, main
from grdp.digital import METHODS, build
from grdp.digital.bridge import bridge
from grdp.report import charts
from grdp.sources import Releases, load_observations

AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def model():
    return build("hcmc", "old", Releases(load_observations(), AS_OF))


def test_estimate_prints_the_published_figure_as_the_headline(capsys):
    code = main(["estimate", "--method", "gso", "--region", "hcmc", "--year", "2023", "--draws", "2000",
                 "--as-of", AS_OF])
    out = capsys.readouterr().out
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    headline = next(line for line in lines if line.startswith("headline"))
    assert headline.split()[1:3] == ["published", "14.65%"]
    assert "published by GSO (release 2025-02-18, amber)" in headline
    share_line = next(line for line in lines if line.startswith("model share (reproduction)"))
    assert "published 14.65%" in share_line and "2025-02-18" in share_line and "amber" in share_line
    assert "core digital economy" in out and "digitalisation of other industries" in out
    assert "bn VND" in out and "hcmc_grdp_levels" in out  # numerator, denominator and its source


def test_a_year_without_a_published_figure_says_how_it_is_estimated(capsys):
    assert main(["estimate", "--method", "gso", "--year", "2024", "--draws", "500", "--as-of", AS_OF]) == 0
    headline = next(line.strip() for line in capsys.readouterr().out.splitlines()
                    if line.strip().startswith("headline"))
    assert headline.split()[1] == "estimate"
    assert "grdp estimate: the measurement model" in headline and "the nearest 2023 (14.65)" in headline


def test_an_unidentified_definition_is_not_supported(capsys):
    assert main(["estimate", "--method", "oecd-narrow", "--year", "2023", "--draws", "500", "--as-of", AS_OF]) == 0
    headline = next(line.strip() for line in capsys.readouterr().out.splitlines()
                    if line.strip().startswith("headline"))
    assert headline.startswith("headline") and "not supported:" in headline and "red-rated" in headline


def test_unknown_year_fails_with_the_years_available(capsys):
    assert main(["estimate", "--method", "gso", "--year", "1999", "--draws", "100", "--as-of", AS_OF]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "1999" in captured.err and "years available" in captured.err and "2023" in captured.err


def test_all_methods_are_printed_and_unpublished_ones_say_so(capsys):
    assert main(["estimate", "--method", "all", "--year", "2023", "--draws", "500", "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    headers = [line.split(":")[0] for line in out.splitlines() if line and not line.startswith(" ")]
    assert set(METHODS) <= set(headers)
    assert "not published" in out and "published 21.50%" in out  # OECD tiers; MIC 2023


def test_bridge_waterfall_draws_each_contribution_and_the_residual(model):
    result = bridge("gso", "mic", year=2022, model=model, draws=500)
    fig = charts.bridge_waterfall(result.table().assign(method_a="gso", method_b="mic", region="hcmc", year=2022))
    heights = [p.get_height() for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    expected = [result.published_a, *result.steps["contribution"], result.residual, result.published_b]
    assert len(heights) == len(expected)
    assert np.allclose(heights, expected)
    whiskers = [c for c in fig.axes[0].containers if isinstance(c, ErrorbarContainer)]
    assert len(whiskers) == len(result.steps)  # every contribution's interval is drawn
    labels = [t.get_text() for t in fig.axes[0].texts]
    sign = "+" if result.residual >= 0 else "\u2212"
    residual = f"{sign}{abs(result.residual):.2f}\u2009pp"
    assert residual in labels and "13.51%" in labels and "18.66%" in labels
    assert "GSO" in fig.axes[0].get_title() and "MIC" in fig.axes[0].get_title() and "2022" in fig.axes[0].get_title()
    vietnamese = charts.bridge_waterfall(result.table().assign(method_a="gso", method_b="mic", region="hcmc",
                                                                year=2022), "vi")
    shown = [t.get_text() for t in vietnamese.axes[0].texts] + [vietnamese.axes[0].get_title()]
    assert "13,51%" in shown and "TCTK" in shown[-1] and "Bộ TT&TT" in shown[-1] and "published" not in " ".join(shown)


def test_method_shares_needs_a_tidy_table():
    table = pd.DataFrame({"method": ["gso", "mic"], "year": [2023, 2023], "point": [14.5, 21.4],
                          "lower": [13.7, 19.5], "upper": [15.4, 23.9], "published": [14.65, np.nan]})
    fig = charts.method_shares(table)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["gso", "mic", "published"]
    with pytest.raises(ValueError, match="published"):
        charts.method_shares(table.drop(columns="published"))


def test_the_cli_method_choices_are_the_registry():
    assert METHOD_CHOICES == ("all", *METHODS)


def test_a_boundary_that_does_not_fit_the_nation_fails_in_one_line(capsys):
    assert main(["estimate", "--region", "vn", "--boundary", "old", "--draws", "100", "--as-of", AS_OF]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert "boundary 'old' does not fit region 'vn'" in captured.err
