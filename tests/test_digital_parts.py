"""The merged city is the sum of its parts: numerators and denominators add up, draw by draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from grdp.digital import headline, parts
from grdp.digital.part_evidence import share_bounds
from grdp.digital.published import share_rows
from grdp.sources import Releases

AS_OF = "2025-12-31"
DRAWS = 4_000


@pytest.fixture(scope="module")
def table(observations):
    return parts.parts_table(Releases(observations, AS_OF), ["gso", "mic"], draws=DRAWS, seed=3)


def test_numerators_and_denominators_add_up(table):
    merged = table[(table["part"] == "merged") & (table["status"] == "estimate")]
    assert set(merged["year"]) == {2021, 2022, 2023, 2024, 2025}
    for row in merged.itertuples():
        members = table[(table["part"] != "merged") & (table["method"] == row.method) & (table["year"] == row.year)]
        assert len(members) == 3
        assert row.denominator == pytest.approx(members["denominator"].sum(), rel=1e-12)
        assert row.numerator == pytest.approx(members["numerator"].sum(), rel=1e-12)
        assert row.share == pytest.approx(100 * row.numerator / row.denominator, rel=1e-12)
        assert members["share"].min() - 1e-9 <= row.share <= members["share"].max() + 1e-9


def test_the_merged_headline_is_the_sum_of_parts(table, observations):
    head = headline.share_table("hcmc", "merged", Releases(observations, AS_OF), methods=["gso", "mic"], draws=DRAWS,
                                seed=3)
    merged = table[table["part"] == "merged"].set_index(["method", "year"])
    for row in head.itertuples():
        assert row.status == merged.loc[(row.method, row.year), "status"]
        if row.status == "estimate":
            assert row.value == pytest.approx(merged.loc[(row.method, row.year), "share"], rel=1e-12)
            assert row.basis.startswith("grdp estimate: sum of the three former localities")
    # no institution published the merged boundary: nothing in it is called published
    assert not (head["status"] == "published").any()
    assert head.loc[head["year"] == 2020, "status"].eq("not_supported").all()  # no Binh Duong account in 2020


def test_each_part_is_estimated_on_its_own_evidence(table):
    part = table[table["part"] != "merged"].set_index(["part", "method", "year"])
    assert part.loc[("hcmc", "gso", 2023), "status"] == "published"
    assert part.loc[("hcmc", "gso", 2023), "share"] == 14.65
    # Binh Duong's own MIC-method figure (2022) is its headline and conditions its gap; its GSO-method gap is linked
    assert part.loc[("binh_duong", "mic", 2022), "status"] == "published"
    assert part.loc[("binh_duong", "mic", 2022), "share"] == 11.34
    binh_duong = part.loc["binh_duong"]
    estimates = binh_duong[binh_duong["status"] == "estimate"]
    assert len(estimates) == 9 and (estimates["kind"] == "calibrated").all()
    assert estimates["basis"].str.contains("11.34% published for 2022").all()
    assert estimates.loc["gso", "basis"].str.contains("no GSO-method figure: the gap's prior is the MIC-method").all()
    # Ba Ria-Vung Tau: the bounds MIC's 2022 ranking puts on its share, between Tay Ninh's and Binh Duong's
    brvt = part.loc["ba_ria_vung_tau"]
    brvt = brvt[brvt["status"] == "estimate"]
    assert len(brvt) == 10 and (brvt["kind"] == "calibrated").all()
    assert brvt["basis"].str.contains("2022 between 5.78% and 11.34%").all()
    low, high = brvt.loc[("mic", 2022), ["lower", "upper"]]
    assert 5.78 < brvt.loc[("mic", 2022), "share"] < 11.34
    assert low < 5.78 * 1.15 and high > 11.34 / 1.15  # the interval spans the bounds, not a point between them


def test_the_parts_use_only_the_evidence_known_at_the_date(observations):
    """Bounds need both published figures by the as-of date: MIC's 2022 ranking (14 September 2023) and Binh Duong's
    figure (9 September 2024)."""
    def bounds(as_of):
        return share_bounds(share_rows(Releases(observations, as_of)), "ba_ria_vung_tau", "old", "mic")

    assert bounds("2023-06-30") == [] and bounds("2024-06-30") == []  # none, then the lower bound only
    (found,) = bounds("2024-12-31")
    assert (found.year, found.low, found.high) == (2022, 5.78, 11.34)
    assert "Tây Ninh" in found.evidence and "second in the Southeast" in found.evidence


def test_the_draws_combine_the_parts(observations):
    found = parts.merged_cells(Releases(observations, AS_OF), ["gso"], DRAWS, 3)
    cell = found[("gso", 2024)]
    assert cell.samples is not None and len(cell.samples) == DRAWS
    part = {r: headline.cells(r, "old", Releases(observations, AS_OF), ["gso"], DRAWS, 3)[("gso", 2024)]
            for r in ("hcmc", "binh_duong", "ba_ria_vung_tau")}
    # the merged share lies between the parts' shares draw by draw
    low = np.minimum.reduce([c.samples for c in part.values()])
    high = np.maximum.reduce([c.samples for c in part.values()])
    assert np.all((low - 1e-9 <= cell.samples) & (cell.samples <= high + 1e-9))


def test_a_common_scale_of_grdp_does_not_move_the_merged_share(observations):
    scaled = observations.copy()
    mask = (scaled["region"] == "hcmc") & (scaled["boundary"] == "merged") & (scaled["variable"] == "grdp")
    scaled.loc[mask, "value"] = scaled.loc[mask, "value"] * 3.0 / 2.74  # about 3 instead of 2.74 quadrillion
    base = parts.merged_cells(Releases(observations, AS_OF), ["gso"], DRAWS, 3)[("gso", 2025)]
    other = parts.merged_cells(Releases(scaled, AS_OF), ["gso"], DRAWS, 3)[("gso", 2025)]
    assert other.value == pytest.approx(base.value, rel=1e-12)
    # the parts' 2025 GRDP are their own accounts moved by their published growth, not the merged level
    assert base.basis.count("moved from the previous year by its published growth") == 3


def test_a_figure_published_for_the_merged_city_is_its_headline(observations):
    row = observations[(observations["variable"] == "de_share_gso") & (observations["region"] == "hcmc")
                       & (observations["period"] == "2023")].iloc[[0]].copy()
    row[["boundary", "period", "value", "publication_date", "source_id"]] = ["merged", "2024", 14.9, "2025-11-30",
                                                                           "test_merged_release"]
    row["release_date"] = pd.Timestamp("2025-11-30")
    with_merged = pd.concat([observations, row], ignore_index=True)
    head = headline.share_table("hcmc", "merged", Releases(with_merged, AS_OF), methods=["gso"], draws=DRAWS, seed=3)
    published = head[head["year"] == 2024].iloc[0]
    assert published.status == "published" and published.value == 14.9
    assert published.source_id == "test_merged_release" and published.release == "2025-11-30"
    assert head[head["year"] == 2023].iloc[0].status == "estimate"


def test_a_year_without_any_grdp_yet_holds_the_parts_last_weights(observations):
    # as of the end of 2026 the year has ended but no 2026 GRDP (parts' or merged) is in sources/: the merged share
    # is the parts' own 2026 estimates weighted by their 2025 GRDP, and the basis says the weights are held
    late = parts.parts_table(Releases(observations, "2026-12-31"), ["mic"], draws=DRAWS, seed=3)
    late = late.set_index(["part", "year"])
    merged = late.loc[("merged", 2026)]
    assert merged["status"] == "estimate" and "GRDP of 2025 held" in merged["basis"]
    assert merged["kind"] == "parts"
    weights = {r: late.loc[(r, 2025), "denominator"] for r in ("hcmc", "binh_duong", "ba_ria_vung_tau")}
    assert {r: late.loc[(r, 2026), "denominator"] for r in weights} == weights  # the 2025 levels, not new ones
    expected = sum(late.loc[(r, 2026), "share"] * w for r, w in weights.items()) / sum(weights.values())
    assert merged["share"] == pytest.approx(expected, rel=1e-12)
    # an independent bound: a weighted mean lies between its parts
    assert min(late.loc[(r, 2026), "share"] for r in weights) <= merged["share"] <= max(
        late.loc[(r, 2026), "share"] for r in weights)


def test_systematic_resampling_gives_the_conjugate_posterior():
    """Importance weights of a Gaussian likelihood on Gaussian draws, resampled, give the conjugate posterior."""
    rng = np.random.default_rng(11)
    m0, v0, y, s2 = np.log(14.0), 0.12 ** 2, np.log(13.0), 0.066 ** 2
    draws = m0 + np.sqrt(v0) * rng.standard_normal(40_000)
    index = parts.systematic_resample(np.exp(-0.5 * (y - draws) ** 2 / s2))
    post_var = 1 / (1 / v0 + 1 / s2)
    post_mean = post_var * (m0 / v0 + y / s2)
    assert draws[index].mean() == pytest.approx(post_mean, abs=0.003)
    assert draws[index].std() == pytest.approx(np.sqrt(post_var), rel=0.03)
    assert np.array_equal(parts.systematic_resample(np.ones(5)), np.arange(5))  # equal weights keep every draw


def test_a_figure_published_for_the_merged_city_constrains_its_parts(observations):
    """The statistics office's 13.43 for the merged city in 2025 narrows the parts' 2025 GSO shares and pulls their
    sum toward it; the draws stay joint across years, so a year without a merged figure moves only with them."""
    merged_rows = ((observations["region"] == "hcmc") & (observations["boundary"] == "merged")
                   & observations["variable"].str.startswith("de_share"))
    assert merged_rows.any()
    with_figure = parts.parts_table(Releases(observations, "2026-03-31"), ["gso", "mic"], draws=DRAWS, seed=3)
    without = parts.parts_table(Releases(observations[~merged_rows], "2026-03-31"), ["gso", "mic"], draws=DRAWS,
                                seed=3)
    a = with_figure.set_index(["part", "method", "year"])
    b = without.set_index(["part", "method", "year"])
    width = (a["upper"] - a["lower"]) / (b["upper"] - b["lower"])
    assert abs(a.loc[("merged", "gso", 2025), "share"] - 13.43) < abs(b.loc[("merged", "gso", 2025), "share"] - 13.43)
    # the parts' own evidence already narrows them, so the merged figure narrows them less than it did the priors
    assert width[("merged", "gso", 2025)] < 0.8 and width[("binh_duong", "gso", 2025)] < 0.9
    assert a.loc[("binh_duong", "gso", 2025), "basis"].count("constrained by the merged city's published figure") == 1
    assert "2025 GSO 13.43" in a.loc[("binh_duong", "gso", 2025), "basis"]
    # a published part's figure of an earlier year stays; the merged MIC draws keep their correlation across years
    assert a.loc[("hcmc", "gso", 2023), "share"] == b.loc[("hcmc", "gso", 2023), "share"] == 14.65
    cells = {tag: parts.merged_cells(Releases(o, "2026-03-31"), ["mic"], DRAWS, 3)
             for tag, o in (("with", observations), ("without", observations[~merged_rows]))}
    corr = {tag: np.corrcoef(np.log(c[("mic", 2024)].samples), np.log(c[("mic", 2025)].samples))[0, 1]
            for tag, c in cells.items()}
    assert corr["with"] > max(0.2, 0.8 * corr["without"])
