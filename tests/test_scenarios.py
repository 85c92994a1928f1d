"""Forecast scenarios: the shipped definitions, numbers computed from the releases of the as-of date (never typed
into the file), the one GRDP path of each boundary (issue 22: it starts from the vintage's own accounts and grows
with the growth targets in force at the as-of date times a published deflator), the centre path, and validation
errors."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from grdp import sources
from grdp.accounts import sector_accounts
from grdp.base import paths
from grdp.forecast import evidence as ev
from grdp.forecast import history
from grdp.forecast.scenarios import Assumptions, Scenario, ScenarioError, load_scenarios, resolve, resolve_all, select
from grdp.sources import Releases

REQUIRED_IDS = ["baseline", "accelerated", "stalled", "merged-baseline", "merged-accelerated", "merged-stalled"]
Q3, Q4, Q1 = "2025-09-30", "2025-12-31", "2026-03-31"


@pytest.fixture(scope="module")
def shipped() -> dict[str, Scenario]:
    return load_scenarios()


def _figure(observations, as_of: str, source_id: str, region: str, period: str, variable: str) -> float:
    """The whole-economy, current-price figure a vintage selects (the sources' as-of rule), checked unique."""
    rows = sources.as_of(observations, as_of)
    rows = rows[(rows["source_id"] == source_id) & (rows["region"] == region) & (rows["period"] == period)
                & (rows["variable"] == variable) & (rows["industry"] == "TOTAL") & (rows["price_basis"] == "current")]
    assert rows["value"].nunique() == 1, f"{source_id} {period} {variable}: {rows['value'].tolist()}"
    return float(rows["value"].iloc[0])


def _assumptions(excess: dict[str, float], growth: float = 10.0) -> Assumptions:
    rules = {k: ev.Rule(ev.WITH_GRDP) for k in excess}
    scenario = Scenario("example", "old", {"en": "Example", "vi": "Ví dụ"}, "components",
                        ev.GrdpRule(ev.LEVEL, ev.Rule(ev.LEVEL)), rules, {"en": "Why.", "vi": "Vì sao."})
    path = ev.GrdpPath(pd.Series({2023: 1000.0, 2024: 1100.0}), growth, 2024)
    return Assumptions(scenario, Q4, path, dict(excess), {})


# --------------------------------------------------------------------------------------- shipped file


def test_shipped_file_holds_definitions_with_the_required_scenarios(shipped):
    assert list(shipped)[:len(REQUIRED_IDS)] == REQUIRED_IDS
    for ident in REQUIRED_IDS:
        scenario = shipped[ident]
        assert scenario.boundary == ("merged" if ident.startswith("merged-") else "old")
        assert set(scenario.label) == set(scenario.rationale) == {"en", "vi"}
        assert scenario.grdp_growth.kind == ev.TARGETS and scenario.grdp_growth.otherwise.kind == ev.LEVEL
        assert [(t.region, t.boundary) for t in scenario.grdp_growth.targets] == [("hcmc", "merged"),
                                                                                  ("vn", "national")]
        assert scenario.grdp_growth.deflator.kind == ev.DEFLATOR
        assert scenario.centre == ("trend" if ident.endswith("baseline") else "components")
        if scenario.centre == "components":
            assert set(scenario.excess_growth) == {"core", "platform", "sectoral"}
    for ident in ("baseline", "accelerated", "stalled"):
        old, merged = shipped[ident], shipped[f"merged-{ident}"]
        assert merged.excess_growth == old.excess_growth
        assert old.grdp_growth == shipped["baseline"].grdp_growth  # one GRDP rule per boundary, stated once
        assert merged.grdp_growth == shipped["merged-baseline"].grdp_growth
    assert len(shipped["merged-baseline"].grdp_growth.otherwise.series) == 3


# --------------------------------------------------------------------------------------- numbers at the as-of date


def test_scenario_numbers_come_only_from_releases_on_or_before_the_as_of_date(shipped, observations):
    """Issue 14, defect 5: a vintage cut at 31 December 2025 may not use GSO's 2025 digitalisation share (released
    5 January 2026); the accelerated sectoral pace is then the 2023-2024 rise, and only the 2026Q1 vintage uses
    the 2024-2025 rise."""
    for as_of in (Q3, Q4, Q1):
        resolved = resolve_all(list(shipped.values()), Releases(observations, as_of))
        figures = pd.concat([a.figures() for a in resolved])
        assert (pd.to_datetime(figures["release_date"]) <= pd.Timestamp(as_of)).all()
        table = pd.concat([a.quantities() for a in resolved])
        used = table.dropna(subset=["latest_release"])
        assert (pd.to_datetime(used["latest_release"]) <= pd.Timestamp(as_of)).all()

    def sectoral(as_of: str) -> float:
        return next(a for a in resolve_all(list(shipped.values()), Releases(observations, as_of))
                    if a.id == "accelerated").excess_growth["sectoral"]

    def digitalisation(as_of: str, year: str) -> float:
        return _figure(observations, as_of, "vn_digital_economy_gso", "vn", year, "de_digitalisation_share_gso")
    assert sectoral(Q4) == pytest.approx(100 * (digitalisation(Q4, "2024") / digitalisation(Q4, "2023") - 1))
    assert sectoral(Q1) == pytest.approx(100 * (digitalisation(Q1, "2025") / digitalisation(Q1, "2024") - 1))
    assert sectoral(Q4) != pytest.approx(sectoral(Q1))


def test_numbers_follow_the_rule_arithmetic_on_the_selected_releases(shipped, observations):
    resolved = {a.id: a for a in resolve_all(list(shipped.values()), Releases(observations, Q4))}

    def level(source, region, year):
        return _figure(observations, Q4, source, region, year, "grdp")
    old = 100 * (math.sqrt(level("hcmc_grdp_levels", "hcmc", "2024") / level("hcmc_grdp_levels", "hcmc", "2022")) - 1)
    parts = (("hcmc_grdp_levels", "hcmc"), ("binh_duong_grdp", "binh_duong"), ("ba_ria_vung_tau_grdp",
                                                                              "ba_ria_vung_tau"))
    merged = {y: sum(level(s, r, y) for s, r in parts) for y in ("2022", "2024")}
    for ident in ("baseline", "accelerated", "stalled"):
        assert resolved[ident].grdp.growth == pytest.approx(old)
        assert resolved[f"merged-{ident}"].grdp.growth == pytest.approx(100 * (math.sqrt(merged["2024"]
                                                                                         / merged["2022"]) - 1))
    mic = 100 * (math.sqrt(_figure(observations, Q4, "hcmc_digital_economy", "hcmc", "2024", "de_share_mic")
                           / _figure(observations, Q4, "hcmc_digital_economy", "hcmc", "2022", "de_share_mic")) - 1)
    assert resolved["accelerated"].excess_growth["core"] == pytest.approx(mic)
    assert resolved["accelerated"].excess_growth["platform"] == resolved["accelerated"].excess_growth["core"]
    assert resolved["stalled"].excess_growth == {"core": 0.0, "platform": 0.0, "sectoral": 0.0}
    assert resolved["baseline"].excess_growth == {}


def test_a_number_changes_when_its_release_changes(shipped, observations):
    """The numbers are read from the releases: a different 2024 level gives a different GRDP growth."""
    changed = observations.copy()
    rows = (changed["source_id"] == "hcmc_grdp_levels") & (changed["period"] == "2024") & (
        changed["variable"] == "grdp") & (changed["price_basis"] == "current")
    changed.loc[rows, "value"] = 1_900_000.0
    growth = resolve(shipped["baseline"], Releases(changed, Q4)).grdp.growth
    assert growth == pytest.approx(100 * (math.sqrt(1_900_000 / 1_479_227) - 1))


def test_a_rule_without_published_figures_names_the_scenario_field_and_years(shipped, observations):
    mic = (observations["source_id"] == "hcmc_digital_economy") & (observations["variable"] == "de_share_mic")
    only_2022 = observations[~mic | (observations["period"] == "2022")]
    message = r"scenario 'accelerated', field 'excess_growth.core', as of 2025-12-31: .*published years: 2022"
    with pytest.raises(ev.EvidenceError, match=message):
        resolve(shipped["accelerated"], Releases(only_2022, Q4))
    message = r"scenario 'accelerated', field 'grdp_growth', as of 2024-06-30: no sector accounts of hcmc/old"
    with pytest.raises(ev.EvidenceError, match=message):  # no national accounts yet to assemble them from
        resolve(shipped["accelerated"], Releases(observations, "2024-06-30"))


# --------------------------------------------------------------------------------------- the GRDP path (issue 22)


def _accounts_grdp(observations, as_of: str, boundary: str) -> pd.Series:
    """The boundary's GRDP in the vintage's own sector accounts (what notebook 01 writes as accounts_hcmc_*)."""
    table = sector_accounts("hcmc", boundary, Releases(observations, as_of)).table
    return table[table["industry"] == "TOTAL"].set_index("year")["value"]


@pytest.mark.parametrize("as_of", [Q3, Q4, Q1])
def test_each_path_starts_from_the_accounts_grdp_of_the_latest_ended_year(shipped, observations, as_of):
    """Issue 22: vintage 2026Q1 grew the merged city from the published 2024 levels at their 2022-2024 pace, so its
    path's 2025 was 2,935,736 bn VND against 3,011,406 in the vintage's own accounts (the former city's 1.7%
    below its own); the path's anchor is now the accounts' GRDP of the latest ended year, and so is every ended
    year of the path."""
    latest = history.first_open_year(as_of) - 1
    for a in resolve_all(list(shipped.values()), Releases(observations, as_of)):
        accounts = _accounts_grdp(observations, as_of, a.boundary)
        assert a.grdp.anchor_year == latest, a.id
        assert a.grdp.level(latest) == pytest.approx(accounts[latest])
        for year in accounts.index[(accounts.index >= 2020) & (accounts.index <= latest)]:
            assert a.grdp.level(year) == pytest.approx(accounts[year])
        row = a.quantities().set_index("quantity").loc["grdp_growth"]
        assert row["grdp_anchor_year"] == latest and row["grdp_anchor"] == pytest.approx(accounts[latest])
        first = a.grdp.table(range(latest + 1, latest + 2)).iloc[0]  # the first projected year grows from it
        assert first["grdp"] == pytest.approx(accounts[latest] * (1 + first["growth"] / 100))
        if as_of == Q1 and a.boundary == "merged":  # 2025 is partly a model estimate: the path says so
            assert "model estimate" in row["grdp_anchor_basis"] and "point value" in row["grdp_anchor_basis"]


def test_the_path_grows_by_the_targets_in_force_times_the_national_deflator(shipped, observations):
    """Issue 22 by hand, as of 2026-03-31: 2026 grows by the city's 2026 target (10%: above 10% in the People's
    Council's 2026 plan, about 10% in the Government's Resolution 01/NQ-CP), 2027-2030 by its 2026-2030 target (10-11%
    a year, the lower end), each times the national GDP deflator's average growth over 2023-2025 (current over
    constant-price GDP; 2025 over the published real growth); 2031 on, at the published pace."""
    releases = Releases(observations, Q1)
    a = resolve(shipped["merged-baseline"], releases)

    def national(period: str, variable: str, basis: str) -> float:
        rows = releases.selected[(releases.selected["region"] == "vn") & (releases.selected["period"] == period)
                                 & (releases.selected["variable"] == variable) & (releases.selected["frequency"] == "A")
                                 & (releases.selected["industry"] == "TOTAL")
                                 & (releases.selected["price_basis"] == basis)]
        assert len(rows) == 1, (period, variable, basis)
        return float(rows["value"].iloc[0])
    c = {y: national(str(y), "grdp", "current") for y in (2022, 2023, 2024, 2025)}
    k = {y: national(str(y), "grdp", "constant_2010") for y in (2022, 2023, 2024)}
    steps = [c[2023] / c[2022] / (k[2023] / k[2022]), c[2024] / c[2023] / (k[2024] / k[2023]),
             c[2025] / c[2024] / (1 + national("2025", "grdp_real_growth", "constant_2010") / 100)]
    deflator = float(np.prod(steps) ** (1 / 3))
    anchor = _accounts_grdp(observations, Q1, "merged")[2025]
    assert a.grdp.level(2026) == pytest.approx(anchor * 1.10 * deflator)
    assert a.grdp.level(2030) == pytest.approx(anchor * (1.10 * deflator) ** 5)
    assert a.grdp.level(2031) == pytest.approx(a.grdp.level(2030) * (1 + a.grdp.growth / 100))
    numbers = a.quantities().set_index("quantity")
    assert numbers.loc["grdp_growth.deflator", "value"] == pytest.approx(100 * (deflator - 1))
    assert numbers.loc["grdp_growth.deflator", ["from_year", "to_year"]].tolist() == [2022, 2025]
    assert numbers.loc["grdp_growth.target.hcmc.2026", ["value", "from_year", "to_year"]].tolist() == [10, 2026, 2026]
    assert numbers.loc["grdp_growth.target.hcmc.2026-2030", ["from_year", "to_year"]].tolist() == [2027, 2030]
    assert numbers.loc["grdp_growth", "value"] == pytest.approx(100 * (1.10 * deflator - 1))
    table = a.grdp.table(range(2025, 2032)).set_index("year")
    assert "a target, not an outcome" in table.loc[2026, "basis"] and "2026-01-08" in table.loc[2026, "basis"]
    assert "2026-2030" in table.loc[2027, "basis"] and "no growth target in force after 2030" in table.loc[2031,
                                                                                                           "basis"]
    figures = a.figures()
    assert {"grdp_real_growth_target", "grdp_real_growth_target_upper"} <= set(figures["variable"])
    assert {"current", "constant_2010"} <= set(figures.loc[figures["quantity"] == "grdp_growth.deflator",
                                                           "price_basis"])


def test_the_path_uses_no_growth_target_decided_after_the_as_of_date(shipped, observations):
    """Issue 22: a vintage uses only the growth targets decided by its as-of date. On 2025-09-30 only the 2025 target
    (People's Committee plan of 2025-08-26) is in force, so 2026 on grows at the published pace; a decision dated
    after a vintage's date changes nothing in that vintage and the path of a later one."""
    for as_of in (Q3, Q4, Q1):
        for a in resolve_all(list(shipped.values()), Releases(observations, as_of)):
            figures = a.figures()
            used = figures[figures["quantity"].str.startswith("grdp_growth")]
            assert (pd.to_datetime(used["release_date"]) <= pd.Timestamp(as_of)).all(), (as_of, a.id)
    q3 = resolve(shipped["merged-baseline"], Releases(observations, Q3)).grdp.table(range(2025, 2027))
    assert q3["real_growth"].iloc[0] == 8.5 and np.isnan(q3["real_growth"].iloc[1])
    assert "no growth target in force after 2025 at 2025-09-30" in q3["basis"].iloc[1]
    template = observations[(observations["source_id"] == "grdp_growth_targets") & (observations["region"] == "hcmc")
                            & (observations["period"] == "2026")].iloc[[0]]
    later = template.assign(period="2027", value=20.0, publication_date="2026-02-15",
                            release_date=pd.Timestamp("2026-02-15"), url="https://example.org/later-decision")
    with_later = pd.concat([observations, later], ignore_index=True)
    for as_of in (Q3, Q4):
        before = resolve(shipped["merged-baseline"], Releases(observations, as_of)).grdp
        after = resolve(shipped["merged-baseline"], Releases(with_later, as_of)).grdp
        years = range(2025, 2036)
        assert [after.level(y) for y in years] == pytest.approx([before.level(y) for y in years])
    q1 = resolve(shipped["merged-baseline"], Releases(with_later, Q1)).grdp.table(range(2026, 2029)).set_index("year")
    assert q1["real_growth"].tolist() == [10.0, 20.0, 10.0]  # a target of the year before the five-year one


def test_the_deflator_rule_by_hand():
    def row(variable, basis, year, value):
        return {"source_id": "a", "region": "vn", "boundary": "national", "variable": variable, "frequency": "A",
                "industry": "TOTAL", "price_basis": basis, "period": str(year), "value": value,
                "release_date": pd.Timestamp("2026-01-05"), "publisher": "P", "rating": "green", "url": "u",
                "date_approx": False}
    selected = pd.DataFrame([row("grdp", "current", 2022, 100.0), row("grdp", "constant_2010", 2022, 50.0),
                             row("grdp", "current", 2023, 110.0), row("grdp", "constant_2010", 2023, 52.0),
                             row("grdp", "current", 2024, 121.0), row("grdp_real_growth", "constant_2010", 2024, 5.0)])
    rule = ev.Rule(ev.DEFLATOR, (ev.SeriesRef("a", "vn", "national"),), span=2)
    found = ev.compute(rule, selected)
    steps = [1.1 / 1.04, 1.1 / 1.05]
    assert found.value == pytest.approx(100 * (math.sqrt(steps[0] * steps[1]) - 1))
    assert (found.from_year, found.to_year) == (2022, 2024) and len(found.figures) == 6
    with pytest.raises(ev.EvidenceError, match="2021"):
        ev.compute(ev.Rule(ev.DEFLATOR, (ev.SeriesRef("a", "vn", "national"),), from_year=2021), selected)


# --------------------------------------------------------------------------------------- rules and paths


def test_grdp_path_is_the_accounts_levels_then_growth_by_year():
    steps = pd.DataFrame({"growth": [20.0], "real_growth": [10.0], "deflator": [100 * (1.2 / 1.1 - 1)],
                          "basis": ["a target"]}, index=[2025])
    path = ev.GrdpPath(pd.Series({2022: 100.0, 2024: 121.0}), 10.0, 2024, steps, {2022: "published",
                                                                                   2024: "imputed"})
    assert path.level(2024) == 121.0 and path.level(2022) == 100.0
    assert path.level(2026) == pytest.approx(121 * 1.2 * 1.1)  # the step of 2025, then the growth of later years
    assert np.isnan(path.level(2023))  # no GRDP in the accounts: not made up
    assert path.average_growth(2025, 2027) == pytest.approx(10.0) and path.last_step == 2025
    table = path.table(range(2023, 2027)).set_index("year")
    assert table["status"].tolist() == ["", "imputed", "projected", "projected"]
    assert table.loc[2025, "basis"] == "a target" and table.loc[2025, "real_growth"] == 10.0
    assert table.loc[2026, "growth"] == pytest.approx(10.0) and np.isnan(table.loc[2026, "real_growth"])


def test_share_growth_reads_the_window_and_level_growth_sums_the_years_all_parts_publish():
    def rows(source, region, values):
        return pd.DataFrame([{"source_id": source, "region": region, "boundary": "old", "variable": "grdp",
                              "frequency": "A", "industry": "TOTAL", "price_basis": "current", "period": str(y),
                              "value": v, "release_date": pd.Timestamp(f"{y + 1}-01-31"), "publisher": "P",
                              "rating": "amber", "url": f"u{y}", "date_approx": False} for y, v in values.items()])
    selected = pd.concat([rows("a", "a", {2021: 50.0, 2022: 60.0, 2024: 80.0}),
                          rows("b", "b", {2022: 40.0, 2024: 41.0})])
    rule = ev.Rule(ev.LEVEL, (ev.SeriesRef("a", "a", "old"), ev.SeriesRef("b", "b", "old")), from_year=2022)
    found = ev.compute(rule, selected)
    assert found.value == pytest.approx(100 * (math.sqrt(121 / 100) - 1))
    assert found.levels.to_dict() == {2022: 100.0, 2024: 121.0}  # 2021: b not published
    share = ev.Rule(ev.SHARE, (ev.SeriesRef("a", "a", "old", "grdp"),), span=2)
    assert ev.compute(share, selected).value == pytest.approx(100 * (math.sqrt(80 / 60) - 1))
    with pytest.raises(ev.EvidenceError, match="2023"):
        ev.compute(ev.Rule(ev.SHARE, (ev.SeriesRef("a", "a", "old"),), span=1), selected)


def test_centre_path_by_hand():
    # c = {core: 10, sectoral: 5}, e = {core: 10, sectoral: 0}: h=1 -> 11 + 5, h=2 -> 10 * 1.1^2 + 5 = 17.1
    np.testing.assert_allclose(_assumptions({"core": 10.0, "sectoral": 0.0}).centre_path(
        {"core": 10.0, "sectoral": 5.0}, 2), [16.0, 17.1])


def test_stalled_centre_path_is_flat(shipped, observations):
    stalled = resolve(shipped["stalled"], Releases(observations, Q4))
    np.testing.assert_allclose(stalled.centre_path({"core": 9.0, "platform": 3.0, "sectoral": 5.0}, 7),
                               np.full(7, 17.0))


def test_centre_path_refusals(shipped, observations):
    with pytest.raises(ValueError, match="platform"):
        _assumptions({"core": 10.0}).centre_path({"core": 10.0, "platform": 2.0}, 3)
    with pytest.raises(ValueError, match="horizon"):
        _assumptions({"core": 10.0}).centre_path({"core": 10.0}, 0)
    with pytest.raises(ValueError, match="trend"):
        resolve(shipped["baseline"], Releases(observations, Q4)).centre_path({"core": 10.0}, 3)


def test_select(shipped):
    assert [s.id for s in select(shipped, None)] == list(shipped)
    assert [s.id for s in select(shipped, ["stalled", "baseline"])] == ["stalled", "baseline"]
    with pytest.raises(ValueError, match="unknown scenario.*nowhere.*known scenarios: baseline, accelerated"):
        select(shipped, ["baseline", "nowhere"])


# --------------------------------------------------------------------------------------- invalid files

SERIES = {"source_id": "hcmc_digital_economy", "region": "hcmc", "boundary": "old", "variable": "de_share_mic"}
VALID = {
    "id": "alpha",
    "boundary": "old",
    "label": {"en": "Alpha", "vi": "Kịch bản alpha"},
    "centre": "components",
    "grdp_growth": {"rule": "level_growth", "series": [{"source_id": "hcmc_grdp_levels", "region": "hcmc",
                                                        "boundary": "old"}], "from_year": 2022},
    "excess_growth": {"core": {"rule": "share_growth", "series": SERIES, "from_year": 2022},
                      "platform": {"rule": "same_as", "component": "core"}, "sectoral": {"rule": "with_grdp"}},
    "rationale": {"en": "Because.", "vi": "Bởi vì."},
}


NATIONAL = [{"source_id": "gso_nsdp_gdp_by_section", "region": "vn", "boundary": "national"}]
TARGETS_RULE = {"rule": "growth_targets",
                "targets": [{"source_id": "grdp_growth_targets", "region": "hcmc", "boundary": "merged"}],
                "deflator": {"rule": "deflator", "series": NATIONAL, "span": 3},
                "otherwise": VALID["grdp_growth"]}


def _write(tmp_path: Path, scenarios: list) -> Path:
    path = tmp_path / "scenarios.yaml"
    path.write_text(yaml.safe_dump({"scenarios": scenarios}, allow_unicode=True), encoding="utf-8")
    return path


def _without(key: str) -> dict:
    entry = copy.deepcopy(VALID)
    del entry[key]
    return entry


def _with(**changes) -> dict:
    return {**copy.deepcopy(VALID), **changes}


def _excess(**rules) -> dict:
    return _with(excess_growth={**VALID["excess_growth"], **rules})


def test_a_valid_file_loads(tmp_path):
    second = _with(id="beta", centre="trend", supporting=[{"label": "MIC", "rule": "share_growth", "series": SERIES,
                                                            "span": 1}], grdp_growth=TARGETS_RULE)
    del second["excess_growth"]
    loaded = load_scenarios(_write(tmp_path, [VALID, second]))
    assert list(loaded) == ["alpha", "beta"]
    assert loaded["alpha"].excess_growth["platform"] == ev.Rule(ev.SAME_AS, component="core")
    assert loaded["beta"].excess_growth == {} and loaded["beta"].supporting[0][0] == "MIC"
    assert loaded["alpha"].grdp_growth.kind == ev.LEVEL and loaded["alpha"].grdp_growth.targets == ()
    grdp = loaded["beta"].grdp_growth
    assert grdp.kind == ev.TARGETS and grdp.deflator.span == 3
    assert grdp.otherwise == loaded["alpha"].grdp_growth.otherwise
    assert grdp.targets == (ev.SeriesRef("grdp_growth_targets", "hcmc", "merged", ev.TARGET_VARIABLE),)


INVALID = {
    "missing field": ([_without("boundary")], "'alpha'", "boundary", "missing"),
    "duplicate id": ([VALID, _with(label={"en": "Again", "vi": "Lần nữa"})], "'alpha' (#2)", "id", "duplicate"),
    "bad boundary": ([_with(boundary="new")], "'alpha'", "boundary", "not one of old, merged"),
    "bad centre": ([_with(centre="hope")], "'alpha'", "centre", "not one of trend, components"),
    "unknown field": ([_with(colour="blue")], "'alpha'", "colour", "unknown field"),
    "typed growth": ([_with(grdp_growth=9.7)], "'alpha'", "grdp_growth", "expected a mapping with 'rule'"),
    "wrong rule for GRDP": ([_with(grdp_growth={"rule": "with_grdp"})], "'alpha'", "grdp_growth.rule",
                            "not one of growth_targets, level_growth"),
    "targets without a deflator": ([_with(grdp_growth={k: v for k, v in TARGETS_RULE.items() if k != "deflator"})],
                                   "'alpha'", "grdp_growth.deflator", "missing"),
    "a deflator of the wrong rule": ([_with(grdp_growth={**TARGETS_RULE, "deflator": {"rule": "level_growth",
                                                                                      "series": NATIONAL, "span": 3}})],
                                     "'alpha'", "grdp_growth.deflator.rule", "not one of deflator"),
    "targets not a list": ([_with(grdp_growth={**TARGETS_RULE, "targets": "hcmc"})], "'alpha'",
                           "grdp_growth.targets", "expected a list"),
    "typed excess": ([_excess(core=8.6)], "'alpha'", "excess_growth.core", "expected a mapping with 'rule'"),
    "unknown component": ([_excess(cloud={"rule": "with_grdp"})], "'alpha'", "excess_growth.cloud",
                          "unknown component"),
    "two windows": ([_excess(core={**VALID["excess_growth"]["core"], "span": 1})], "'alpha'", "excess_growth.core",
                    "exactly one of from_year"),
    "not a year": ([_excess(core={**VALID["excess_growth"]["core"], "from_year": "2022"})], "'alpha'",
                   "excess_growth.core.from_year", "not a year"),
    "same_as itself": ([_excess(platform={"rule": "same_as", "component": "platform"})], "'alpha'",
                       "excess_growth.platform.component", "another component"),
    "missing source folder": ([_excess(core={**VALID["excess_growth"]["core"],
                                             "series": {**SERIES, "source_id": "no_such_source"}})],
                              "'alpha'", "excess_growth.core.series.source_id", "not a folder in sources/"),
    "share without variable": ([_excess(core={**VALID["excess_growth"]["core"],
                                              "series": {k: v for k, v in SERIES.items() if k != "variable"}})],
                               "'alpha'", "excess_growth.core.series.variable", "missing"),
    "rationale quotes a figure": ([_with(rationale={"en": "Grows 9.7% a year.", "vi": "Tăng 9,7%/năm."})], "'alpha'",
                                  "rationale.en", "quotes a figure"),
    "missing vi label": ([_with(label={"en": "Alpha"})], "'alpha'", "label.vi", "missing"),
    "components without excess": ([_without("excess_growth")], "'alpha'", "excess_growth", "required"),
    "trend with excess": ([_with(centre="trend")], "'alpha'", "excess_growth", "takes no excess growth"),
    "missing id": ([_without("id")], "scenario #1", "id", "missing"),
}


@pytest.mark.parametrize("scenarios, where, field, what", INVALID.values(), ids=list(INVALID))
def test_invalid_file_names_file_scenario_and_field(tmp_path, scenarios, where, field, what):
    path = _write(tmp_path, scenarios)
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(path)
    message = str(caught.value)
    assert str(path) in message
    assert any(where in line and f"field '{field}'" in line and what in line for line in caught.value.problems), message


def test_all_problems_are_reported_at_once(tmp_path):
    path = _write(tmp_path, [_with(boundary="new", colour="blue"), _with(id="beta", grdp_growth=9.7)])
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(path)
    assert len(caught.value.problems) == 3
    assert "3 problem(s)" in str(caught.value)


@pytest.mark.parametrize("text", ["scenarios: [unclosed", "- id: alpha\n", "scenarios: []\n", "other: 1\n"])
def test_malformed_documents_raise(tmp_path, text):
    path = tmp_path / "scenarios.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match="scenarios.yaml"):
        load_scenarios(path)


def test_shipped_path_comes_from_paths():
    assert load_scenarios(paths.data_file("scenarios.yaml")).keys() == load_scenarios().keys()
