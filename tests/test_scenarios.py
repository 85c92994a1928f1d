"""Forecast scenarios: the shipped file, the centre and GRDP paths, validation errors, and traceability of every
evidence value to a row of ``sources/``."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from grdp import paths, sources
from grdp.forecast.scenarios import Scenario, ScenarioError, load_scenarios, select

RATINGS = ("green", "amber", "red")
REQUIRED_IDS = ["baseline", "accelerated", "stalled", "merged-baseline", "merged-accelerated", "merged-stalled"]


@pytest.fixture(scope="module")
def shipped() -> dict[str, Scenario]:
    return load_scenarios()


@pytest.fixture(scope="module")
def observations():
    return sources.load_observations()


def _published(observations, source_id: str, period: str, variable: str) -> float:
    """The value at current prices for the whole economy (TOTAL) under this key, from its best-rated rows
    (the rationale uses 18.66, amber, not the red variant 18.86)."""
    rows = observations[(observations["source_id"] == source_id) & (observations["period"] == period)
                        & (observations["variable"] == variable) & (observations["industry"] == "TOTAL")
                        & (observations["price_basis"] == "current")]
    best = min(rows["rating"], key=RATINGS.index)
    values = set(rows.loc[rows["rating"] == best, "value"])
    assert len(values) == 1, f"{source_id} {period} {variable}: expected one published value, got {values}"
    return values.pop()


def _scenario(**changes) -> Scenario:
    fields = dict(id="example", boundary="old", label={"en": "Example", "vi": "Ví dụ"}, centre="components",
                  grdp_growth=10.0, excess_growth={"core": 10.0, "sectoral": 0.0},
                  rationale={"en": "Why.", "vi": "Vì sao."}, evidence=())
    return Scenario(**{**fields, **changes})


# --------------------------------------------------------------------------------------- shipped file


def test_shipped_file_loads_with_required_scenarios(shipped):
    assert list(shipped)[:len(REQUIRED_IDS)] == REQUIRED_IDS
    assert shipped["baseline"].centre == "trend" and shipped["baseline"].grdp_growth is None
    assert shipped["baseline"].excess_growth == {}
    for ident in REQUIRED_IDS:
        assert shipped[ident].boundary == ("merged" if ident.startswith("merged-") else "old")
        assert set(shipped[ident].label) == set(shipped[ident].rationale) == {"en", "vi"}
        assert shipped[ident].evidence
    for ident in ("accelerated", "stalled", "merged-accelerated", "merged-stalled"):
        assert shipped[ident].centre == "components"
        assert set(shipped[ident].excess_growth) == {"core", "platform", "sectoral"}
        assert shipped[ident].grdp_growth is not None


def test_merged_scenarios_apply_the_same_centre_rules(shipped):
    for ident in ("baseline", "accelerated", "stalled"):
        old, merged = shipped[ident], shipped[f"merged-{ident}"]
        assert merged.centre == old.centre
        assert merged.excess_growth == old.excess_growth


def test_stalled_centre_path_is_flat(shipped):
    components = {"core": 9.0, "platform": 3.0, "sectoral": 5.0}
    for ident in ("stalled", "merged-stalled"):
        np.testing.assert_allclose(shipped[ident].centre_path(components, 7), np.full(7, 17.0))


def test_every_evidence_value_matches_a_source_row(shipped, observations):
    """The traceability guarantee: every figure a scenario cites is a row of ``sources/*/data.csv``."""
    for scenario in shipped.values():
        for entry in scenario.evidence:
            rows = observations[(observations["source_id"] == entry["source_id"])
                                & (observations["period"] == entry["period"])
                                & (observations["variable"] == entry["variable"])]
            assert np.isclose(rows["value"], entry["value"], rtol=1e-12, atol=0).any(), (
                f"scenario {scenario.id!r}: no row {entry['source_id']}/{entry['period']}/{entry['variable']} "
                f"with value {entry['value']}")


def test_assumptions_reproduce_their_stated_arithmetic(shipped, observations):
    """The rounded assumptions are the arithmetic of the rationale applied to the published rows."""
    def pub(source_id: str, period: str, variable: str) -> float:
        return _published(observations, source_id, period, variable)

    mic_pace = 100 * (math.sqrt(pub("hcmc_digital_economy", "2024", "de_share_mic")
                                / pub("hcmc_digital_economy", "2022", "de_share_mic")) - 1)
    sectoral_pace = 100 * (pub("vn_digital_economy_gso", "2025", "de_digitalisation_share_gso")
                           / pub("vn_digital_economy_gso", "2024", "de_digitalisation_share_gso") - 1)
    old_growth = 100 * (math.sqrt(pub("hcmc_grdp_levels", "2024", "grdp") / pub("hcmc_grdp_levels", "2022", "grdp"))
                        - 1)
    merged = {year: sum(pub(source, year, "grdp") for source in ("hcmc_grdp_levels", "binh_duong_grdp",
                                                                    "ba_ria_vung_tau_grdp"))
              for year in ("2022", "2024")}
    merged_growth = 100 * (math.sqrt(merged["2024"] / merged["2022"]) - 1)
    for prefix, growth in (("", old_growth), ("merged-", merged_growth)):
        accelerated, stalled = shipped[f"{prefix}accelerated"], shipped[f"{prefix}stalled"]
        assert accelerated.excess_growth == {"core": round(mic_pace, 1), "platform": round(mic_pace, 1),
                                             "sectoral": round(sectoral_pace, 1)}
        assert stalled.excess_growth == {"core": 0.0, "platform": 0.0, "sectoral": 0.0}
        assert accelerated.grdp_growth == stalled.grdp_growth == round(growth, 1)


# --------------------------------------------------------------------------------------- paths


def test_centre_path_by_hand():
    # c = {core: 10, sectoral: 5}, e = {core: 10, sectoral: 0}: h=1 -> 11 + 5, h=2 -> 10 * 1.1^2 + 5 = 17.1
    path = _scenario().centre_path({"core": 10.0, "sectoral": 5.0}, 2)
    np.testing.assert_allclose(path, [16.0, 17.1])


def test_centre_path_uses_only_the_components_given():
    np.testing.assert_allclose(_scenario().centre_path({"core": 10.0}, 3), [11.0, 12.1, 13.31])


def test_grdp_path_compounds():
    np.testing.assert_allclose(_scenario().grdp_path(1000.0, 3), [1100.0, 1210.0, 1331.0])


def test_trend_scenario_has_no_centre_or_grdp_path(shipped):
    with pytest.raises(ValueError, match="trend"):
        shipped["baseline"].centre_path({"core": 10.0}, 3)
    with pytest.raises(ValueError, match="trend"):
        shipped["baseline"].grdp_path(1000.0, 3)


def test_centre_path_refuses_a_component_without_excess_growth():
    with pytest.raises(ValueError, match="platform"):
        _scenario().centre_path({"core": 10.0, "platform": 2.0}, 3)


@pytest.mark.parametrize("horizon", [0, -1])
def test_paths_refuse_a_horizon_below_one(horizon):
    with pytest.raises(ValueError, match="horizon"):
        _scenario().centre_path({"core": 10.0}, horizon)
    with pytest.raises(ValueError, match="horizon"):
        _scenario().grdp_path(1000.0, horizon)


# --------------------------------------------------------------------------------------- select


def test_select(shipped):
    assert [s.id for s in select(shipped, None)] == list(shipped)
    assert [s.id for s in select(shipped, ["stalled", "baseline"])] == ["stalled", "baseline"]
    with pytest.raises(ValueError, match="unknown scenario.*nowhere.*known scenarios: baseline, accelerated"):
        select(shipped, ["baseline", "nowhere"])


# --------------------------------------------------------------------------------------- invalid files

VALID = {
    "id": "alpha",
    "boundary": "old",
    "label": {"en": "Alpha", "vi": "Kịch bản alpha"},
    "centre": "components",
    "grdp_growth": 9.7,
    "excess_growth": {"core": 1.0, "platform": 2.0, "sectoral": 3.0},
    "rationale": {"en": "Because.", "vi": "Bởi vì."},
    "evidence": [{"source_id": "vn_digital_economy_gso", "period": "2020", "variable": "de_share_gso",
                  "value": 12.66, "note": "national GSO share"}],
}


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


def test_a_valid_file_loads(tmp_path):
    second = _with(id="beta", centre="trend", grdp_growth="trend")
    del second["excess_growth"]
    loaded = load_scenarios(_write(tmp_path, [VALID, second]))
    assert list(loaded) == ["alpha", "beta"]
    assert loaded["alpha"].evidence[0]["period"] == "2020"
    assert loaded["beta"].grdp_growth is None and loaded["beta"].excess_growth == {}


INVALID = {
    "missing field": ([_without("boundary")], "'alpha'", "boundary", "missing"),
    "duplicate id": ([VALID, _with(label={"en": "Again", "vi": "Lần nữa"})], "'alpha' (#2)", "id", "duplicate"),
    "bad boundary": ([_with(boundary="new")], "'alpha'", "boundary", "not one of old, merged"),
    "bad centre": ([_with(centre="hope")], "'alpha'", "centre", "not one of trend, components"),
    "unknown field": ([_with(colour="blue")], "'alpha'", "colour", "unknown field"),
    "non-numeric growth": ([_with(grdp_growth="fast")], "'alpha'", "grdp_growth", "not a number"),
    "non-numeric excess": ([_with(excess_growth={"core": "high"})], "'alpha'", "excess_growth.core",
                           "not a number"),
    "implausible excess": ([_with(excess_growth={"core": 150})], "'alpha'", "excess_growth.core", "plausible range"),
    "infinite growth": ([_with(grdp_growth=float("inf"))], "'alpha'", "grdp_growth", "not a finite number"),
    "unknown component": ([_with(excess_growth={"cloud": 1.0})], "'alpha'", "excess_growth.cloud",
                          "unknown component"),
    "missing vi label": ([_with(label={"en": "Alpha"})], "'alpha'", "label.vi", "missing"),
    "missing en rationale": ([_with(rationale={"vi": "Bởi vì."})], "'alpha'", "rationale.en", "missing"),
    "components without excess": ([_without("excess_growth")], "'alpha'", "excess_growth", "required"),
    "trend with excess": ([_with(centre="trend")], "'alpha'", "excess_growth", "takes no excess growth"),
    "missing source folder": ([_with(evidence=[{**VALID["evidence"][0], "source_id": "no_such_source"}])],
                              "'alpha'", "evidence[0].source_id", "not a folder in sources/"),
    "evidence without value": ([_with(evidence=[{k: v for k, v in VALID["evidence"][0].items() if k != "value"}])],
                               "'alpha'", "evidence[0].value", "missing"),
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
    path = _write(tmp_path, [_with(boundary="new", colour="blue"), _with(id="beta", grdp_growth="fast")])
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
