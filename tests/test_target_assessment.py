"""The target assessment (issue 15) and its real-time rules (issues 13 and 14): every projection starts from the
latest published figure; no probability without the calibration evidence; disjoint modes are never one
interval; ended years are never forecast; the targets used are those in force at the as-of date; one GRDP path
per scenario carries all the arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from grdp import sources
from grdp.accounts import sector_accounts
from grdp.digital.headline import COLUMNS
from grdp.forecast import ensemble, history, probability_calibration
from grdp.forecast import evidence as ev
from grdp.forecast import policy_targets as tg
from grdp.forecast.assessment import assess_region
from grdp.forecast.estimates import Estimates, published_range
from grdp.forecast.models import FitReport, Forecast, forecast
from grdp.forecast.projection import PROJECTED, Projection, agreement_by_year, bands, project_method
from grdp.forecast.scenarios import Assumptions, Scenario, load_scenarios
from grdp.sources import Releases

Q3, Q4 = "2025-09-30", "2025-12-31"
METHODS = ["gso", "mic", "hids", "oecd-core", "oecd-narrow", "oecd-broad"]


# --------------------------------------------------------------------------------------- builders


def _row(method: str, year: int, status: str, value: float, rating: str = "amber", boundary: str = "old") -> dict:
    if status == "published":
        lower, upper = published_range(value, rating)
    else:
        lower, upper = value * 0.9, value * 1.1
    return {"region": "hcmc", "boundary": boundary, "method": method, "year": year, "status": status, "value": value,
            "lower": lower, "upper": upper, "level": 0.9, "basis": status, "bridged_from_year": np.nan,
            "release": "2025-02-18" if status == "published" else "", "rating": rating if status == "published" else "",
            "source_id": "", "url": "", "reason": ""}


def _estimates(rows: list[dict], boundary: str = "old") -> Estimates:
    table = pd.DataFrame(rows, columns=COLUMNS)

    def draws_of(method: str, year: int) -> np.ndarray:
        row = table[(table["method"] == method) & (table["year"] == year)].iloc[0]
        return np.random.default_rng(year).uniform(row["lower"], row["upper"], 2000)

    def components_of(method: str, year: int) -> dict[str, float]:
        value = float(table[(table["method"] == method) & (table["year"] == year)]["value"].iloc[0])
        return {"core": 0.6 * value, "platform": 0.0, "sectoral": 0.4 * value}
    return Estimates("hcmc", boundary, Q4, table, draws_of, components_of)


MIC_ROWS = [_row("mic", 2020, "estimate", 14.5), _row("mic", 2021, "estimate", 16.6),
            _row("mic", 2022, "published", 18.66), _row("mic", 2023, "published", 21.5),
            _row("mic", 2024, "published", 22.0, "red"), _row("mic", 2025, "estimate", 24.0)]


def _path(growth: float = 10.0) -> ev.GrdpPath:
    return ev.GrdpPath(pd.Series({2022: 1000.0, 2023: 1100.0, 2024: 1210.0}), growth, 2024)


def _assumptions(ident: str = "baseline", centre: str = "trend", growth: float = 10.0,
                 excess: dict[str, float] | None = None) -> Assumptions:
    rules = {k: ev.Rule(ev.WITH_GRDP) for k in (excess or {})}
    scenario = Scenario(ident, "old", {"en": ident, "vi": ident}, centre, ev.GrdpRule(ev.LEVEL, ev.Rule(ev.LEVEL)),
                        rules, {"en": "rule", "vi": "quy tắc"})
    return Assumptions(scenario, Q4, _path(growth), dict(excess or {}), {})


EQUAL_SKILL = pd.DataFrame({"set": "sections", "model": list(PROJECTED), "forecasts": 0, "relative_mase": 1.0,
                            "judged": False})


def _calibrated(ok: bool = True, models=PROJECTED, horizons=range(1, 6)) -> pd.DataFrame:
    return pd.DataFrame([{"set": "digital", "model": m, "horizon": h, "forecasts": 40, "series": 8, "coverage_80": 0.8,
                          "coverage_95": 0.95, "p_80": 1.0, "p_95": 1.0, "pit_ks_p": 0.5, "calibrated": ok,
                          "verdict": "calibrated: test" if ok else "not calibrated: test"}
                         for m in models for h in horizons])


def _targets(rows: list[tuple]) -> pd.DataFrame:
    """Targets in force as :func:`grdp.forecast.policy_targets.policy_targets` returns them: (boundary, year,
    target)."""
    return pd.DataFrame([{"region": "hcmc", "boundary": b, "year": y, "target": t, "instrument": f"I{y}",
                          "issuer": "City", "decided": "2025-01-01", "rating": "amber"} for b, y, t in rows])


def _projection(model: str, centre: float, spread: float, start: history.Start, years=(2025, 2026, 2027),
                scenario: str = "baseline", trend: bool = True, seed: int = 0) -> Projection:
    rng = np.random.default_rng(seed)
    paths = centre + spread * rng.standard_normal((4000, len(years)))
    forecast = Forecast(model, pd.Index(years), paths, paths.mean(axis=0), FitReport(model, 5, "ok"))
    return Projection("old", start.method, scenario, trend, model, forecast, start, _path())


def _start(share: float = 22.0, status: str = "published", year: int = 2024) -> history.Start:
    lower, upper = published_range(share, "red")
    return history.Start("old", "mic", year, share, lower, upper, 0.9, status, "2025-02-18", "red", status,
                         np.full(100, share))


# --------------------------------------------------------------------------------------- start


def test_a_published_figure_has_a_range_from_its_rating_and_rounding():
    assert published_range(22.0, "red") == pytest.approx((22.0 - 0.5 - 2.2, 22.0 + 0.5 + 2.2))
    assert published_range(14.65, "amber") == pytest.approx((14.65 - 0.005 - 0.7325, 14.65 + 0.005 + 0.7325))
    assert published_range(21.5, "green") == pytest.approx((21.5 - 0.05 - 0.215, 21.5 + 0.05 + 0.215))
    with pytest.raises(ValueError, match="unknown rating 'blue'"):
        published_range(1.0, "blue")


def test_the_projection_starts_from_the_latest_published_figure_not_a_later_estimate():
    est = _estimates(MIC_ROWS)
    start = history.start_point(est, "mic", 2026)
    assert (start.year, start.share, start.status) == (2024, 22.0, "published")
    assert (start.lower, start.upper) == pytest.approx(published_range(22.0, "red"))
    fitted = history.fit_history(est, "mic", start)
    assert list(fitted.index) == [2020, 2021, 2022, 2023, 2024]
    assert fitted["status"].tolist() == ["estimate"] * 2 + ["published"] * 3
    made, fits, _ = project_method(start, fitted, history.history_draws(est, fitted, "mic"), [_assumptions()],
                                   EQUAL_SKILL, 2030, None, draws=2000, seed=1)
    naive = next(p for p in made if p.model == "naive")
    # the naive forecast is the 2024 level the history implies (the published figure measured with its error), inside
    # the start's range and nowhere near the 2025 estimate
    assert start.lower < naive.forecast.point[0] < start.upper
    assert naive.forecast.point[0] == pytest.approx(22.0, abs=0.5)
    assert all(p.start is start for p in made)
    row = fits[fits["model"] == "naive"].iloc[0]
    assert (row["history_published"], row["history_estimated"], row["start_year"]) == (3, 2, 2024)


def test_the_random_walks_carry_the_start_s_uncertainty_once_through_their_fit():
    # the walks are fitted with the history's errors, the start's included: their projected paths are the fit's own,
    # not shifted again by draws of the start (the saturation curves, fitted to the values, are)
    est = _estimates(MIC_ROWS)
    start = history.start_point(est, "mic", 2026)
    fitted = history.fit_history(est, "mic", start)
    draws = history.history_draws(est, fitted, "mic")
    assert draws.shape == (2000, 5)
    made, _, _ = project_method(start, fitted, draws, [_assumptions()], EQUAL_SKILL, 2030, None, draws=2000, seed=1)
    for model in ("naive", "drift"):
        direct = forecast(fitted["share"], model, 6, draws=2000, seed=1, history_draws=draws)
        projected = next(p for p in made if p.model == model)
        np.testing.assert_allclose(projected.forecast.paths, direct.paths)
        assert "known measurement error" in projected.forecast.report.spec


@pytest.mark.parametrize("share, excess", [(2.0, -30.0), (22.0, 0.0), (22.0, 12.0), (60.0, 4.0)])
def test_every_band_stays_inside_zero_and_hundred_under_every_scenario(share, excess):
    # a fast fall towards 0 and a fast rise towards 100: recentring and the start's uncertainty shift log-odds,
    # so no path of any model leaves (0, 100), and a components scenario's median is its centre path
    rows = [_row("mic", y, "published", share * (1 + excess / 100) ** (y - 2024), "red") for y in range(2019, 2025)]
    est = _estimates(rows)
    start = history.start_point(est, "mic", 2025)
    fitted = history.fit_history(est, "mic", start)
    scenarios = [_assumptions(), _assumptions("pushed", "components", excess={k: excess for k in ("core", "platform", "sectoral")})]
    made, _, _ = project_method(start, fitted, history.history_draws(est, fitted, "mic"), scenarios, EQUAL_SKILL,
                                2035, est.components("mic", 2024), draws=2000, seed=3)
    assert {p.scenario for p in made} == {"baseline", "pushed"}
    for p in made:
        assert np.all((p.forecast.paths > 0) & (p.forecast.paths < 100)), (p.model, p.scenario)
    table = bands(made, 2025, agreement_by_year(made))
    values = table[["median", "lower_95", "upper_95"]].to_numpy(float)
    assert np.all((values[np.isfinite(values)] > 0) & (values[np.isfinite(values)] < 100))
    pushed = next(p for p in made if p.scenario == "pushed" and p.model == "drift")
    centre = share * (1 + excess / 100) ** np.arange(1, 12)
    np.testing.assert_allclose(np.median(pushed.forecast.paths, axis=0), centre, rtol=0.05)


def test_a_centre_path_beyond_the_whole_economy_is_refused_with_its_scenario_and_year():
    est = _estimates([_row("mic", y, "published", 80.0 + y - 2019, "red") for y in range(2019, 2025)])
    start = history.start_point(est, "mic", 2025)
    pushed = _assumptions("pushed", "components", excess={k: 30.0 for k in ("core", "platform", "sectoral")})
    with pytest.raises(ValueError, match="scenario 'pushed'.* 2025 .*not a share of GRDP"):
        fitted = history.fit_history(est, "mic", start)
        project_method(start, fitted, history.history_draws(est, fitted, "mic"), [pushed], EQUAL_SKILL, 2030,
                       est.components("mic", 2024), draws=500, seed=0)


def test_a_published_row_without_a_range_takes_the_stated_range_and_uniform_draws():
    rows = [dict(r) for r in MIC_ROWS]
    rows[4] |= {"lower": np.nan, "upper": np.nan}  # an estimates table that gives no range for a published figure
    start = history.start_point(_estimates(rows), "mic", 2026)
    assert (start.lower, start.upper) == pytest.approx(published_range(22.0, "red"))
    assert start.lower <= start.draws.min() and start.draws.max() <= start.upper
    assert start.draws.mean() == pytest.approx(22.0, abs=0.1)


def test_without_a_published_figure_the_start_is_grdps_latest_estimate_and_says_so():
    est = _estimates([_row("gso", y, "estimate", 14.0, boundary="merged") for y in range(2021, 2026)], "merged")
    start = history.start_point(est, "gso", 2026)
    assert (start.year, start.status) == (2025, "estimate")


def test_a_lens_with_too_short_a_published_history_starts_from_its_latest_estimate():
    rows = [_row("hids", 2020, "estimate", 14.5), _row("hids", 2021, "published", 14.41)] + [
        _row("hids", y, "estimate", 14.0) for y in (2022, 2023, 2024)]
    est = _estimates(rows)
    assert history.start_point(est, "hids", 2026).year == 2021  # the rule for a headline definition
    lens = history.start_point(est, "hids", 2026, lens=True)
    assert (lens.year, lens.status) == (2024, "estimate") and "too few to fit" in lens.basis


# --------------------------------------------------------------------------------------- ended years


@pytest.mark.parametrize("as_of, first", [("2025-12-31", 2026), ("2025-09-30", 2025), ("2026-03-31", 2026),
                                          ("2024-12-31", 2025)])
def test_a_year_has_ended_on_its_31_december(as_of, first):
    assert history.first_open_year(as_of) == first


def test_ended_years_are_never_forecast():
    start = _start()
    made = [_projection("naive", 23.0, 1.0, start), _projection("drift", 23.5, 1.0, start, seed=1)]
    groups = agreement_by_year(made)
    targets = _targets([("old", 2025, 25.0), ("old", 2027, 30.0)])
    table = tg.assess(made, targets, 2026, groups, pd.DataFrame(columns=["boundary", "method", "model", "weight"]),
                      _calibrated())
    assert set(table["target_year"]) == {2027}
    assert set(bands(made, 2026, groups)["year"]) == {2026, 2027}
    est = _estimates(MIC_ROWS)
    measured = tg.measured(est, targets, 2026, _path()).set_index("target_year")
    assert measured.loc[2025, "status"] == "estimate" and measured.loc[2025, "estimate"] == 24.0
    assert measured.loc[2025, "verdict"] == "undetermined"  # 25 inside [21.6, 26.4]
    assert np.isnan(measured.loc[2025, "probability"])


@pytest.mark.parametrize("value, lower, upper, expected", [
    (26.0, 25.0, 27.0, "reached"), (24.0, 23.0, 24.9, "not reached"), (24.0, 23.0, 25.0, "undetermined"),
    (np.nan, np.nan, np.nan, "not supported")])
def test_verdict_of_an_ended_year(value, lower, upper, expected):
    assert tg.verdict(value, lower, upper, 25.0) == expected


# --------------------------------------------------------------------------------------- modes and probabilities


def test_models_agree_only_when_each_median_lies_in_every_other_interval():
    assert ensemble.agreement(np.array([22.0, 23.0]), np.array([18.0, 19.0]), np.array([26.0, 27.0])) == (True, 1)
    # three modes (about 23, 38 and 46) as in vintage 2025Q4 of the base commit
    medians, lower, upper = np.array([23.0, 38.0, 46.0]), np.array([15.0, 34.0, 41.0]), np.array([34.0, 43.0, 51.0])
    assert ensemble.agreement(medians, lower, upper) == (False, 3)
    assert ensemble.agreement(np.array([22.0, 24.0, 35.0]), np.array([18, 20, 30.0]), np.array([26, 28, 40.0])) == (
        False, 2)
    with pytest.raises(ValueError):
        ensemble.agreement(np.array([]), np.array([]), np.array([]))


def test_a_mixture_of_disjoint_modes_is_never_one_interval():
    start = _start()
    low, high = _projection("naive", 23.0, 1.0, start), _projection("drift", 38.0, 1.0, start, seed=1)
    mixture = ensemble.combine({"naive": low.forecast, "drift": high.forecast}, pd.Series({"naive": 0.5, "drift": 0.5}),
                               "equal", seed=0)
    made = [low, high, Projection("old", "mic", "baseline", True, "ensemble", mixture, start, _path())]
    groups = agreement_by_year(made)
    fits = pd.DataFrame({"boundary": "old", "method": "mic", "model": ["naive", "drift", "ensemble"],
                         "weight": [0.5, 0.5, 0.0]})
    table = tg.assess(made, _targets([("old", 2027, 30.0)]), 2025, groups, fits, _calibrated())
    ens = table[table["model"] == "ensemble"].iloc[0]
    assert not ens["models_agree"] and ens["groups"] == 2
    assert np.isnan([ens["median"], ens["lower"], ens["upper"], ens["probability"]]).all()
    assert not ens["probability_published"] and "disagree" in ens["probability_reason"]
    fan = bands(made, 2025, groups)
    assert fan.loc[fan["model"] == "ensemble", ["median", "lower_80", "upper_80"]].isna().all().all()
    assert fan.loc[fan["model"] == "naive", "median"].notna().all()
    head = tg.headline(table, pd.DataFrame(columns=["boundary", "method", "target_year"]),
                       pd.DataFrame([start.row()]), pd.DataFrame(columns=["boundary", "method"]),
                       pd.DataFrame(columns=["boundary", "method"]), _targets([("old", 2027, 30.0)]),
                       {"old": "baseline"}, {"old": _path()}, 2025)
    row = head[head["method"] == "mic"].iloc[0]
    assert np.isnan(row["median"]) and np.isnan(row["probability"])
    assert row["range_lower"] == pytest.approx(23.0, abs=0.2) and row["range_upper"] == pytest.approx(38.0, abs=0.2)


def _agreeing(calibration_table: pd.DataFrame, start: history.Start | None = None, method: str = "mic",
              trend: bool = True) -> pd.Series:
    start = start or _start()
    start = history.Start(start.boundary, method, start.year, start.share, start.lower, start.upper, start.level,
                          start.status, start.release, start.rating, start.basis, start.draws)
    members = {m: _projection(m, 23.0 + 0.2 * k, 1.5, start, seed=k, trend=trend) for k, m in
               enumerate(("naive", "drift"))}
    mixture = ensemble.combine({m: p.forecast for m, p in members.items()}, pd.Series({"naive": 0.5, "drift": 0.5}),
                               "equal", seed=0)
    made = [*members.values(), Projection("old", method, "baseline", trend, "ensemble", mixture, start, _path())]
    fits = pd.DataFrame({"boundary": "old", "method": method, "model": ["naive", "drift", "ensemble"],
                         "weight": [0.5, 0.5, 0.0]})
    table = tg.assess(made, _targets([("old", 2026, 25.0)]), 2025, agreement_by_year(made), fits, calibration_table)
    return table[table["model"] == "ensemble"].iloc[0]


def test_a_probability_is_published_only_with_calibration_evidence():
    published = _agreeing(_calibrated(models=("naive", "drift")))
    assert published["probability_published"] and published["models_agree"]
    assert 0 < published["probability"] < 1 and "calibrated" in published["probability_reason"]
    refused = {
        "a model not calibrated": (_agreeing(pd.concat([_calibrated(models=("naive",)),
                                                        _calibrated(False, models=("drift",))])),
                                   "drift at horizon 2 on the digital-economy series"),
        "no backtest at the horizon": (_agreeing(_calibrated(models=("naive", "drift"), horizons=[1])),
                                       "no backtest on the digital-economy series at horizon 2"),
        "calibrated only on the section shares": (_agreeing(_calibrated(models=("naive", "drift")).assign(
            set="sections")), "no backtest on the digital-economy series at horizon 2"),
        "an estimated start": (_agreeing(_calibrated(), start=_start(status="estimate")), "grdp estimate"),
        "a lens": (_agreeing(_calibrated(), method="hids"), "alternative lens"),
        "a scenario": (_agreeing(_calibrated(), trend=False), "assumption, not a forecast"),
    }
    for case, (row, reason) in refused.items():
        assert not row["probability_published"], case
        assert reason in row["probability_reason"], (case, row["probability_reason"])


def test_model_rows_never_publish_a_probability():
    start = _start()
    made = [_projection("naive", 23.0, 1.0, start), _projection("drift", 23.2, 1.0, start, seed=1)]
    table = tg.assess(made, _targets([("old", 2026, 25.0)]), 2025, agreement_by_year(made),
                      pd.DataFrame(columns=["boundary", "method", "model", "weight"]), _calibrated())
    assert not table["probability_published"].any()


def test_calibration_table_judges_coverage_and_pit():
    rng = np.random.default_rng(4)

    def errors(pit: np.ndarray, model: str) -> pd.DataFrame:
        return pd.DataFrame({"series": "vn_de_share_gso", "model": model, "horizon": 1, "pit": pit,
                             "in_80": (pit > 0.1) & (pit < 0.9), "in_95": (pit > 0.025) & (pit < 0.975)})
    table = probability_calibration.calibration_table(pd.concat([
        errors((np.arange(200) + 0.5) / 200, "good"),
        errors(np.clip(rng.normal(0.5, 0.45, 200), 0, 1), "overconfident"),
        errors(rng.uniform(size=10), "short")])).set_index("model")
    assert (table["set"] == "digital").all()
    assert table.loc["good", "calibrated"] and table.loc["good", "forecasts"] == 200
    assert not table.loc["overconfident", "calibrated"] and "rejected" in table.loc["overconfident", "verdict"]
    assert not table.loc["short", "calibrated"] and table.loc["short", "verdict"].startswith("too few")


# --------------------------------------------------------------------------------------- targets in force


def _decision(boundary, year, value, publisher, decided, note, region="hcmc", rating="amber"):
    return {"region": region, "boundary": boundary, "period": str(year), "variable": tg.VARIABLE, "value": value,
            "publisher": publisher, "publication_date": decided, "release_date": pd.Timestamp(decided),
            "url": f"https://example.org/{decided}", "rating": rating, "note": note}


DECISIONS = pd.DataFrame([
    _decision("old", 2025, 25.0, "HCMC People's Committee: HCMC Digital Transformation Programme (July 2020), via X",
              "2020-07-31", "Target share of the digital economy in GRDP"),
    _decision("old", 2025, 25.0, "HCMC Party Committee Standing Board (Ban Thường vụ Thành ủy): Directive 17-CT/TU",
              "2022-08-27", "Directive 17-CT/TU: about 25% of GRDP by 2025"),
    _decision("merged", 2030, 40.0, "HCMC Department of Science and Technology (Sở KH&CN): statement, via Y",
              "2025-08-12", "DOST statement 2025-08-12: more than 40% by 2030"),
    _decision("merged", 2030, 45.0, "HCMC Department of Science and Technology (Sở KH&CN): statement, via Z",
              "2025-11-20", "DOST statement 2025-11-20: 45% by 2030"),
    _decision("merged", 2030, 30.0, "HCMC Party Committee (Thành ủy): draft documents, via plo", "2025-10-13",
              "Party Congress I draft: 30-40%", rating="red"),
    _decision("merged", 2026, 30.0, "HCMC People's Council (HĐND TP.HCM): resolution, via VietnamPlus", "2025-12-10",
              "HĐND 2026 plan resolution: about 30% in 2026"),
    _decision("national", 2030, 30.0, "Politburo (Bộ Chính trị): Resolution 57-NQ/TW", "2024-12-22",
              "Resolution 57-NQ/TW: at least 30% of GDP by 2030", region="vn"),
])


def test_issuer_and_instrument_are_read_from_the_row():
    assert sources.issuer(DECISIONS["publisher"][1]) == "HCMC Party Committee Standing Board"
    assert tg.instrument(DECISIONS["note"][1], DECISIONS["publisher"][1]) == "Directive 17-CT/TU"
    assert tg.instrument(DECISIONS["note"][0], DECISIONS["publisher"][0]) == "HCMC Digital Transformation Programme"
    assert tg.instrument("2024 target of 22%. Which document", "HCMC People's Committee, via vanban123.vn") == (
        "HCMC People's Committee")


def test_a_vintage_uses_the_targets_in_force_at_its_as_of_date():
    q3 = tg.target_decisions(Releases(DECISIONS, Q3))
    assert "HĐND 2026 plan resolution" not in set(q3["instrument"])  # decided 2025-12-10, after 2025Q3
    assert 2026 not in set(tg.policy_targets(Releases(DECISIONS, Q3), "hcmc")["year"])
    assert set(q3.loc[(q3["boundary"] == "merged") & (q3["year"] == 2030), "target"]) == {40.0}  # draft: 2025-10-13
    q4 = tg.target_decisions(Releases(DECISIONS, Q4)).set_index("instrument")
    assert q4.loc["HĐND 2026 plan resolution", "in_force"]
    # a later decision of the same issuer for the same year and boundary supersedes the earlier one ...
    assert not q4.loc["DOST statement 2025-08-12", "in_force"]
    assert q4.loc["DOST statement 2025-08-12", "superseded_by"] == "DOST statement 2025-11-20 (2025-11-20)"
    # ... while different issuers stand side by side
    assert q4.loc["Directive 17-CT/TU", "in_force"] and q4.loc["HCMC Digital Transformation Programme", "in_force"]
    in_force = tg.policy_targets(Releases(DECISIONS, Q4), "hcmc")
    merged = tg.assessed_targets(in_force, "merged")
    assert set(merged.loc[merged["year"] == 2030, "target"]) == {45.0}  # the Party Congress draft is not in force
    assert q4.loc["Party Congress I draft", "superseded_by"] == tg.DRAFT and not q4.loc["Party Congress I draft",
                                                                                          "in_force"]
    old = tg.assessed_targets(in_force, "old").iloc[0]
    assert old["instruments"] == "HCMC Digital Transformation Programme; Directive 17-CT/TU"
    headline = tg.headline_targets(in_force, "merged").set_index("year")
    assert headline.loc[2030, "target"] == 45.0 and headline.loc[2030, "other_targets"] == ""
    assert tg.policy_targets(Releases(DECISIONS, Q4), "vn")["target"].tolist() == [30.0]


# --------------------------------------------------------------------------------------- required vs achieved


def test_required_and_achieved_growth_by_hand():
    published = pd.DataFrame({"year": [2022, 2023, 2024], "value": [18.66, 21.5, 22.0]})
    path = ev.GrdpPath(pd.Series({2022: 1479227.0, 2023: 1621191.0, 2024: 1780000.0}), 9.7, 2024)
    found = tg.achieved_growth(published, path)
    assert found["achieved_excess_growth"] == pytest.approx(100 * ((22.0 / 18.66) ** 0.5 - 1))  # 8.58
    assert found["achieved_latest_step"] == pytest.approx(100 * (22.0 / 21.5 - 1))  # 2.33
    assert found["achieved_grdp_growth"] == pytest.approx(100 * ((1780000 / 1479227) ** 0.5 - 1))
    assert found["achieved_latest_grdp_growth"] == pytest.approx(100 * (1780000 / 1621191 - 1))
    assert found["achieved_latest_digital_growth"] == pytest.approx(100 * (1780000 / 1621191 * 22.0 / 21.5 - 1))
    assert (found["achieved_published_years"], found["achieved_estimate_years"]) == ("2022-2024", "")
    assert np.isnan(tg.achieved_growth(published.iloc[:1], path)["achieved_excess_growth"])
    mixed = pd.DataFrame({"year": [2020, 2021, 2022, 2023, 2024, 2025], "value": [14.0, 16.0, 18.66, 21.5, 22.0, 26.4],
                          "status": ["estimate"] * 2 + ["published"] * 3 + ["estimate"]})
    found = tg.achieved_growth(mixed, ev.GrdpPath(pd.Series({2020: 1.0, 2025: 2.0}), 9.7, 2025))
    assert found["achieved_latest_step"] == pytest.approx(20.0) and found["achieved_latest_status"] == "estimate"
    assert (found["achieved_published_years"], found["achieved_estimate_years"]) == ("2022-2024", "2020-2021, 2025")
    assert np.isnan(found["achieved_latest_grdp_growth"])  # the path has no 2024


# --------------------------------------------------------------------------------------- the real vintage


@pytest.fixture(scope="module")
def real(observations):
    """The assessment of HCMC as of 2025-12-31 on the bundled sources (equal weights, no calibration evidence)."""
    return assess_region(Releases(observations, Q4), "hcmc", METHODS, list(load_scenarios().values()), EQUAL_SKILL,
                         probability_calibration.calibration_table(
                             pd.DataFrame(columns=["model", "horizon", "pit", "series"])),
                         2035, draws=1000, seed=3)


def test_every_projection_starts_from_the_latest_published_figure(real):
    """MIC 2024 = 22.0 (red) and GSO 2023 = 14.65 start the old city's projections, not an extrapolation."""
    published = real.published[real.published["year"] < real.first_open]
    for (boundary, method), rows in published.groupby(["boundary", "method"]):
        if method == "hids":
            continue  # a lens whose published history is too short (test above)
        latest = rows.sort_values("year").iloc[-1]
        start = real.starts[(real.starts["boundary"] == boundary) & (real.starts["method"] == method)].iloc[0]
        assert (start["start_year"], start["start_status"]) == (latest["year"], "published")
        assert start["start_share"] == pytest.approx(latest["value"])
        rows_of = real.assessment[(real.assessment["boundary"] == boundary) & (real.assessment["method"] == method)]
        assert (rows_of["start_year"] == latest["year"]).all() and (rows_of["start_share"] == latest["value"]).all()
    old = real.starts.set_index(["boundary", "method"])
    assert old.loc[("old", "mic"), ["start_year", "start_share"]].tolist() == [2024, 22.0]
    assert old.loc[("old", "gso"), ["start_year", "start_share"]].tolist() == [2023, 14.65]
    assert (old.loc[("merged", "mic"), "start_status"]) == "estimate"  # nothing published for the merged city


def test_the_real_vintage_forecasts_no_ended_year_and_publishes_no_unsupported_probability(real):
    assert real.first_open == 2026
    assert (real.assessment["target_year"] >= 2026).all() and (real.bands["year"] >= 2026).all()
    ended = real.headline[real.headline["target_year"] < 2026]
    assert set(ended["status"]) <= {"published", "estimate", "not_supported"}
    assert ended[["median", "lower", "upper", "probability"]].isna().all().all()
    assert not real.assessment["probability_published"].any()  # no calibration evidence given
    assert real.headline["probability"].isna().all()
    disagree = real.assessment[(real.assessment["model"] == "ensemble") & ~real.assessment["models_agree"]]
    assert disagree[["median", "lower", "upper", "probability"]].isna().all().all()
    lens = real.assessment[real.assessment["role"] == "lens"]
    assert lens[["required_excess_growth", "gap_pp"]].isna().all().all() and set(real.headline["method"]) == {
        "gso", "mic"}


def test_one_grdp_path_per_scenario_carries_every_nominal_figure(real, observations):
    """Issue 14, defect 6, and issue 22: every scenario of a boundary uses one GRDP path, which starts from the
    vintage's own accounts of the latest ended year (2025, moved by published growth) and grows by the city's growth
    targets in force on 2025-12-31 (10% in 2026, 10-11% a year in 2026-2030) times the national GDP deflator."""
    paths = {a.id: a.grdp for a in real.scenarios}
    table = real.assessment
    for scenario, rows in table.groupby("scenario"):
        path = paths[scenario]
        np.testing.assert_allclose(rows["grdp"], [path.level(y) for y in rows["target_year"]])
        np.testing.assert_allclose(rows["grdp_growth"], [path.average_growth(s, y) for s, y in
                                                         zip(rows["start_year"], rows["target_year"])])
        head = rows[rows["role"] == "headline"]
        np.testing.assert_allclose(head["required_digital_growth"], 100 * (
            (1 + head["grdp_growth"] / 100) * (1 + head["required_excess_growth"] / 100) - 1))
        finite = head.dropna(subset=["gap_pp"])
        np.testing.assert_allclose(finite["gap_bn_vnd"], finite["gap_pp"] / 100 * finite["grdp"])
    releases = Releases(observations, Q4)
    selected = releases.selected
    national = selected[(selected["region"] == "vn") & (selected["variable"] == "grdp") & (selected["frequency"] == "A")
                        & (selected["industry"] == "TOTAL")]
    c = national[national["price_basis"] == "current"].set_index("period")["value"]
    k = national[national["price_basis"] == "constant_2010"].set_index("period")["value"]
    deflator = ((c["2024"] / c["2021"]) / (k["2024"] / k["2021"])) ** (1 / 3)  # 2025 not yet published on 2025-12-31
    for boundary, scenarios in (("old", ("baseline", "accelerated", "stalled")),
                                ("merged", ("merged-baseline", "merged-accelerated", "merged-stalled"))):
        accounts = sector_accounts("hcmc", boundary, releases).table
        anchor = float(accounts[(accounts["industry"] == "TOTAL") & (accounts["year"] == 2025)]["value"].iloc[0])
        expected = anchor * (1.10 * deflator) ** 5
        for scenario in scenarios:
            assert paths[scenario].level(2025) == pytest.approx(anchor)
            assert paths[scenario].level(2030) == pytest.approx(expected)
    head = real.headline.set_index(["boundary", "method", "target_year"])
    gso = head.loc[("old", "gso", 2030)]
    assert gso["required_digital_growth"] == pytest.approx(
        100 * ((1 + gso["grdp_growth"] / 100) * (40 / 14.65) ** (1 / 7) - 1))
    assert gso["grdp"] == pytest.approx(paths["baseline"].level(2030))
    assert gso["grdp_growth"] == pytest.approx(paths["baseline"].average_growth(2023, 2030))
    assert gso["required_value_added"] == pytest.approx(0.40 * gso["grdp"])
    measured = real.measured[real.measured["boundary"] == "old"].set_index(["method", "target_year"])
    assert measured.loc[("mic", 2025), "grdp"] == pytest.approx(paths["baseline"].level(2025))  # the accounts' 2025


def _series(real, boundary: str, method: str) -> pd.Series:
    """A boundary's figures of a definition in its estimates table, ended years: published, else grdp's estimate."""
    est = real.estimates
    rows = est[(est["boundary"] == boundary) & (est["method"] == method) & (est["year"] < real.first_open)
               & est["status"].isin(["published", "estimate"])]
    return rows.set_index("year")["value"]


def test_the_headline_leads_with_what_it_takes_against_what_was_achieved(real):
    head = real.headline.set_index(["boundary", "method", "target_year"])
    mic = head.loc[("old", "mic", 2030)]
    assert mic["status"] == "projection"
    assert mic["required_excess_growth"] == pytest.approx(100 * ((40 / 22.0) ** (1 / 6) - 1))
    series = _series(real, "old", "mic")  # published 2022-2024, grdp's estimates 2020, 2021 and 2025
    assert (mic["achieved_from_year"], mic["achieved_to_year"]) == (2020, 2025)
    assert mic["achieved_excess_growth"] == pytest.approx(100 * ((series[2025] / series[2020]) ** (1 / 5) - 1))
    assert mic["achieved_latest_step"] == pytest.approx(100 * (series[2025] / series[2024] - 1))
    assert (mic["achieved_published_years"], mic["achieved_estimate_years"]) == ("2022-2024", "2020-2021, 2025")
    assert mic["required_excess_growth_low"] < mic["required_excess_growth"] < mic["required_excess_growth_high"]
    assert mic["range_lower"] <= mic["range_upper"] and mic["models"] >= 2 and mic["scenarios"] == 3
    gso = head.loc[("old", "gso", 2030)]
    series = _series(real, "old", "gso")
    assert gso["achieved_excess_growth"] == pytest.approx(100 * ((series[2025] / series[2020]) ** (1 / 5) - 1))


def test_the_merged_citys_achieved_growth_is_that_of_the_merged_series(real):
    """Issue 22: the merged city's "achieved" was the former city's published MIC pace (8.6% a year in 2022-2024, a
    two-year average dominated by 2023's rise) set against the merged city's requirement; it is now the merged
    series itself (grdp's estimates: nothing is published for it on MIC's definition), with the latest year's step
    beside its average, read on the merged city's GRDP path."""
    paths = {a.boundary: a.grdp for a in real.scenarios}
    for method in ("mic", "gso"):
        rows = real.headline[(real.headline["boundary"] == "merged") & (real.headline["method"] == method)
                             & (real.headline["status"] == "projection")]
        assert len(rows)
        series = _series(real, "merged", method)
        first, last = int(series.index.min()), int(series.index.max())
        assert (first, last) == (2021, 2025)
        for row in rows.itertuples():
            assert row.achieved_boundary == "merged"
            assert (row.achieved_from_year, row.achieved_to_year) == (first, last)
            assert row.achieved_excess_growth == pytest.approx(100 * ((series[last] / series[first]) ** 0.25 - 1))
            assert row.achieved_latest_step == pytest.approx(100 * (series[last] / series[last - 1] - 1))
            assert row.achieved_grdp_growth == pytest.approx(paths["merged"].average_growth(first, last))
            step_grdp = paths["merged"].level(last) / paths["merged"].level(last - 1)
            assert row.achieved_latest_grdp_growth == pytest.approx(100 * (step_grdp - 1))
            assert row.achieved_latest_digital_growth == pytest.approx(
                100 * (step_grdp * series[last] / series[last - 1] - 1))
    mic = real.headline[(real.headline["boundary"] == "merged") & (real.headline["method"] == "mic")].iloc[0]
    assert (mic["achieved_published_years"], mic["achieved_estimate_years"]) == ("", "2021-2025")
    assert mic["achieved_latest_status"] == "estimate"
