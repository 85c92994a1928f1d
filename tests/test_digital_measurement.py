"""The measurement model: every published figure a measurement, no estimate that is another year's figure, no switch
on a rounding edge, red-rated figures with at least their stated 10%, and a model that recovers a known truth.

The expectations are independent of the model's code: published values and ratings are read from the observations,
the stated range is computed by hand from the methods' rule, and the recovery test simulates data from the model's
own equations with known states."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from grdp.base import estimate_kinds as kinds
from grdp.digital import headline, measurement
from grdp.sources import Releases

AS_OF = "2026-03-31"
DRAWS = 4_000


@pytest.fixture(scope="module")
def tables(observations):
    releases = Releases(observations, AS_OF)
    return {(r, b): headline.share_table(r, b, releases, methods=["gso", "mic", "hids"], draws=DRAWS, seed=2)
            for r, b in (("vn", "national"), ("hcmc", "old"), ("hcmc", "merged"))}


def test_no_estimate_is_another_years_figure(tables):
    for table in tables.values():
        for (region, method), rows in table.groupby(["region", "method"]):
            published = rows[rows["status"] == "published"]
            estimates = rows[rows["kind"] == kinds.MODEL]
            for row in estimates.itertuples():
                assert not np.isclose(published["value"], row.value, atol=0.005).any(), (region, method, row.year)


def test_the_model_covers_every_unpublished_year_of_the_nation_and_the_former_city(tables):
    city = tables[("hcmc", "old")]
    for method in ("gso", "mic", "hids"):
        rows = city[city["method"] == method]
        assert set(rows["kind"]) <= {kinds.PUBLISHED, kinds.MODEL}, method
        assert rows["basis"][rows["kind"] == kinds.MODEL].str.startswith("grdp estimate: the measurement model").all()
    national = tables[("vn", "national")]
    assert set(national[national["method"].isin(["gso", "mic"])]["kind"]) <= {kinds.PUBLISHED, kinds.MODEL}


def test_the_merged_citys_2025_gso_share_is_the_statistics_offices_figure(tables, observations):
    row = tables[("hcmc", "merged")].set_index(["method", "year"]).loc[("gso", 2025)]
    assert row["status"] == "published" and row["value"] == 13.43 and row["rating"] == "red"
    before = headline.share_table("hcmc", "merged", Releases(observations, "2025-12-31"), methods=["gso"],
                                  draws=1_000, seed=2).set_index("year")
    assert before.loc[2025, "status"] == "estimate"  # released in January 2026: not known to vintage 2025Q4


def test_a_red_figure_carries_at_least_its_stated_ten_percent(tables):
    row = tables[("hcmc", "old")].set_index(["method", "year"]).loc[("mic", 2024)]
    assert row["rating"] == "red" and row["value"] == 22.0
    assert row["level"] == 0.9
    assert row["lower"] <= 0.9 * 22.0 and row["upper"] >= 1.1 * 22.0  # at least +-10% at 90%, against 1.4% before
    assert row["upper"] - row["lower"] < 0.25 * 22.0  # the margin and the revision error, not more


@pytest.mark.parametrize("region,variable,period", [("hcmc", "de_share_gso", "2023"), ("hcmc", "de_share_mic", "2024"),
                                                    ("vn", "de_share_mic", "2024")])
def test_a_tiny_change_of_one_published_figure_moves_every_estimate_a_little(observations, tables, region, variable,
                                                                            period):
    """0.01 pp on one figure (a red whole-percent one among them: 22.0 -> 22.01) moves no estimate by 0.05 pp."""
    changed = observations.copy()
    target = ((changed["region"] == region) & (changed["variable"] == variable) & (changed["period"] == period)
              & (changed["industry"] == "TOTAL"))
    assert target.sum() >= 1
    changed.loc[target, "value"] += 0.01
    releases = Releases(changed, AS_OF)
    for (region, boundary), table in tables.items():
        other = headline.share_table(region, boundary, releases, methods=["gso", "mic", "hids"], draws=DRAWS, seed=2)
        merged = table.merge(other, on=["method", "year"], suffixes=("", "_changed"))
        estimates = merged[merged["status"] == "estimate"]
        assert len(estimates)
        moved = (estimates["value_changed"] - estimates["value"]).abs()
        assert moved.max() < 0.05, estimates.loc[moved.idxmax(), ["method", "year", "value", "value_changed"]]


def test_conflicting_releases_are_two_measurements(observations):
    found = measurement.measurements(Releases(observations, AS_OF), 0.014, list(range(2020, 2026)))
    mic_2022 = sorted(m.value for m in found if (m.region, m.method, m.year) == ("hcmc", "mic", 2022))
    assert mic_2022 == [18.66, 18.86]  # MIC's report and the People's Committee's figure, side by side
    red = next(m for m in found if (m.region, m.method, m.year, m.value) == ("hcmc", "mic", 2022, 18.86))
    amber = next(m for m in found if (m.region, m.method, m.year, m.value) == ("hcmc", "mic", 2022, 18.66))
    assert red.sd > amber.sd
    assert red.sd == pytest.approx(np.sqrt(0.014 ** 2 + (np.log(1 - (0.005 + 0.10 * 18.86) / 18.86) / 1.6448536) ** 2))
    # no jump on a rounding edge: 22.0 and 22.01 get (almost) the same error
    assert measurement.measurement_sd(22.01, "red", 0.014) == pytest.approx(
        measurement.measurement_sd(22.0, "red", 0.014), rel=1e-5)


def _synthetic(truth: dict[tuple[str, int], float], rating: str = "amber") -> pd.DataFrame:
    rows = [{"region": "vn" if key[0] == "vn" else "hcmc", "boundary": "national" if key[0] == "vn" else "old",
             "period": str(key[1]), "frequency": "A", "variable": f"de_share_{key[2]}", "industry": "TOTAL",
             "price_basis": "current", "unit": "percent", "value": round(value, 2), "publisher": f"P{key[2]}",
             "publication_date": "2025-06-01", "release_date": pd.Timestamp("2025-06-01"), "date_approx": False,
             "url": "https://example.org", "quality": "published", "rating": rating, "note": "", "source_id": "s"}
            for key, value in truth.items()]
    return pd.DataFrame(rows)


def test_the_model_recovers_a_known_truth_within_its_intervals():
    """States drawn from the model's stated priors and equations, figures measured with the stated error of an
    amber figure, every third figure held out: over many replications the 90% intervals of the held-out cells cover
    the truth about 90% of the time (a Bayesian model is calibrated on data drawn from its prior)."""
    rng = np.random.default_rng(11)
    years = list(range(2020, 2026))
    covered, total = 0, 0
    for _ in range(60):
        q_n, q_c = rng.uniform(0.01, 0.10, 2)
        n = rng.normal(np.log(10), 1) + np.cumsum(np.r_[0, q_n * rng.standard_normal(5)])
        a = rng.normal(0, 1) + np.cumsum(np.r_[0, rng.normal(0, 0.1) + q_n * rng.standard_normal(5)])
        g = rng.normal(0, 1) + np.cumsum(np.r_[0, rng.normal(0, 0.1) + q_c * rng.standard_normal(5)])
        truth = {}
        for t, year in enumerate(years):
            truth[("vn", year, "gso")] = np.exp(n[t])
            truth[("vn", year, "mic")] = np.exp(n[t] + a[t])
            truth[("hcmc", year, "gso")] = np.exp(n[t] + g[t])
        keys = list(truth)
        held = set(keys[::3])
        noisy = {k: v * np.exp(measurement.measurement_sd(v, "amber", 0.014) * rng.standard_normal())
                 for k, v in truth.items() if k not in held}
        fitted = measurement.fit("hcmc", Releases(_synthetic(noisy), None), years, 0.014, None)
        for region, year, method in held:
            draws = fitted.draws(region, method, year, 2000, 0)
            lower, upper = np.percentile(draws, [5, 95])
            covered += lower <= truth[(region, year, method)] <= upper
            total += 1
    assert total >= 300
    assert 0.80 <= covered / total <= 0.96, covered / total  # 84% with this seed
