"""Revisions between vintages, checked on small vintages written by hand (no pipeline runs)."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from grdp.base import paths
from grdp.cli import QUANTITY_CHOICES, main
from grdp.run.revisions import (
    QUANTITIES,
    RELEASE_COLUMNS,
    TABLE_COLUMNS,
    RevisionError,
    changes_since_previous,
    release_values,
    revision_summary,
    revision_table,
)
from grdp.run.vintage import VintageError, default_as_of

TEXT_COLUMNS = ["quantity", "boundary", "method", "scenario", "first_vintage", "previous_vintage",
                "latest_vintage", "revision_unit"]


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    return tmp_path


def write_vintage(root, label, *, grdp=None, merged=None, shares=None, headline=None, region="hcmc"):
    """Write ``forecasts/<label>`` with a manifest and only the tables given.

    ``grdp``/``merged``: {year: GRDP}; ``shares``: {(boundary, method, year): share};
    ``headline``: {(boundary, method, scenario, target_year): (median, probability)}.
    """
    folder = root / "forecasts" / label
    (folder / "tables").mkdir(parents=True)
    parameters = {"vintage": label, "as_of": default_as_of(label).isoformat(), "region": region, "boundary": "old"}
    (folder / "manifest.json").write_text(json.dumps({"vintage": label, "parameters": parameters}), encoding="utf-8")
    for boundary, totals in (("old", grdp), ("merged", merged)):
        if totals is not None:
            rows = []
            for year, value in totals.items():  # a section row next to TOTAL, which must not be taken for GRDP
                rows.append({"region": region, "boundary": boundary, "year": year, "industry": "C",
                             "value": value / 4, "share": 0.25})
                rows.append({"region": region, "boundary": boundary, "year": year, "industry": "TOTAL",
                             "value": value, "share": 1.0})
            pd.DataFrame(rows).to_csv(folder / "tables" / f"accounts_{region}_{boundary}.csv", index=False)
    if shares is not None:
        pd.DataFrame([{"boundary": b, "method": m, "year": y, "share": s, "numerator": 1.0, "denominator": 2.0}
                      for (b, m, y), s in shares.items()]).to_csv(folder / "tables" / "forecast_history.csv",
                                                                 index=False)
    if headline is not None:
        pd.DataFrame([{"boundary": b, "method": m, "scenario": sc, "target_year": y, "target": 30, "median": med,
                       "lower": med - 1, "upper": med + 1, "probability": p}
                      for (b, m, sc, y), (med, p) in headline.items()]).to_csv(
            folder / "tables" / "targets_headline.csv", index=False)
    return folder


def row(table, quantity, boundary, year, method="", scenario=""):
    match = table[(table["quantity"] == quantity) & (table["boundary"] == boundary) & (table["method"] == method)
                  & (table["scenario"] == scenario) & (table["year"] == year)]
    assert len(match) == 1, f"expected one {quantity}/{boundary}/{method}/{scenario}/{year} row, got {len(match)}"
    return match.iloc[0]


def test_first_latest_and_revision_of_two_vintages(root):
    write_vintage(root, "2025Q3", shares={("old", "gso", 2023): 14.0, ("old", "mic", 2023): 20.0})
    write_vintage(root, "2025Q4", shares={("old", "gso", 2023): 14.5, ("old", "mic", 2023): 19.7})
    table = revision_table()
    assert list(table.columns) == TABLE_COLUMNS
    gso = row(table, "share", "old", 2023, "gso")
    assert gso["releases"] == 2
    assert (gso["first_vintage"], gso["previous_vintage"], gso["latest_vintage"]) == ("2025Q3", "2025Q3", "2025Q4")
    assert (gso["first_value"], gso["latest_value"]) == (14.0, 14.5)
    assert gso["revision"] == pytest.approx(0.5) and gso["revision_since_previous"] == pytest.approx(0.5)
    assert gso["revision_unit"] == "pp" and pd.isna(gso["revision_pct"])  # no percentage change of a share
    assert row(table, "share", "old", 2023, "mic")["revision"] == pytest.approx(-0.3)


def test_three_vintages_separate_revision_since_previous_and_grdp_percentage(root):
    write_vintage(root, "2025Q2", grdp={2024: 1000.0})
    write_vintage(root, "2025Q3", grdp={2024: 1100.0})
    write_vintage(root, "2025Q4", grdp={2024: 1045.0}, merged={2024: 1500.0})
    table = revision_table()
    old = row(table, "grdp", "old", 2024)
    assert old["releases"] == 3
    assert (old["first_vintage"], old["previous_vintage"], old["latest_vintage"]) == ("2025Q2", "2025Q3", "2025Q4")
    assert old["revision"] == pytest.approx(45.0)
    assert old["revision_since_previous"] == pytest.approx(-55.0)
    assert old["revision_pct"] == pytest.approx(4.5)
    assert old["revision_unit"] == "bn_VND"
    merged = row(table, "grdp", "merged", 2024)  # the merged accounts exist only in the last vintage
    assert (merged["releases"], merged["first_vintage"], merged["previous_vintage"]) == (1, "2025Q4", "")
    assert merged["revision"] == 0 and pd.isna(merged["revision_since_previous"])
    assert len(table) == 2  # the section rows are not GRDP


def test_a_table_missing_in_an_older_vintage_contributes_no_rows(root):
    write_vintage(root, "2025Q2")  # a manifest and no tables at all
    write_vintage(root, "2025Q3", shares={("old", "gso", 2024): 15.0})
    empty = release_values("2025Q2")
    assert empty.empty and list(empty.columns) == RELEASE_COLUMNS
    write_vintage(root, "2025Q4", shares={("old", "gso", 2024): 15.0},
                  headline={("old", "gso", "baseline", 2030): (17.0, 0.25)})
    assert set(release_values("2025Q3")["quantity"]) == {"share"}
    new = release_values("2025Q4")
    assert set(new["quantity"]) == {"share", "forecast", "probability"}
    assert set(new["unit"]) == {"percent", "probability"}
    table = revision_table()
    forecast = row(table, "forecast", "old", 2030, "gso", "baseline")
    probability = row(table, "probability", "old", 2030, "gso", "baseline")
    assert (forecast["releases"], forecast["first_vintage"], forecast["latest_value"]) == (1, "2025Q4", 17.0)
    assert (probability["latest_value"], probability["revision_unit"]) == (0.25, "probability points")
    assert row(table, "share", "old", 2024, "gso")["releases"] == 2


def test_a_missing_column_names_the_file_and_the_column(root):
    folder = write_vintage(root, "2025Q4", headline={("old", "gso", "baseline", 2030): (17.0, 0.25)})
    path = folder / "tables" / "targets_headline.csv"
    pd.read_csv(path).drop(columns="probability").to_csv(path, index=False)
    with pytest.raises(RevisionError, match=r"targets_headline\.csv.*'probability'"):
        release_values("2025Q4")


def test_a_value_that_is_not_a_number_names_the_file_line_and_column(root):
    folder = write_vintage(root, "2025Q4", shares={("old", "gso", 2023): 14.0, ("old", "gso", 2024): 15.0})
    path = folder / "tables" / "forecast_history.csv"
    history = pd.read_csv(path).astype({"share": object})
    history.loc[1, "share"] = "n/a"  # the second data row: line 3 of the file
    history.to_csv(path, index=False)
    with pytest.raises(RevisionError, match=r"forecast_history\.csv, line 3, column 'share': 'n/a'"):
        release_values("2025Q4")


def test_upto_stops_the_history_and_dropped_values_keep_their_last_release(root):
    write_vintage(root, "2025Q2", shares={("old", "gso", 2023): 14.0, ("old", "gso", 2019): 9.0})
    write_vintage(root, "2025Q3", shares={("old", "gso", 2023): 14.2})
    write_vintage(root, "2025Q4", shares={("old", "gso", 2023): 14.9, ("old", "gso", 2024): 15.0})
    table = revision_table(upto="2025Q3")
    assert set(table["latest_vintage"]) <= {"2025Q2", "2025Q3"}
    assert 2024 not in set(table["year"])  # first released after 2025Q3
    kept = row(table, "share", "old", 2023, "gso")
    assert (kept["latest_vintage"], kept["latest_value"], kept["releases"]) == ("2025Q3", 14.2, 2)
    dropped = row(table, "share", "old", 2019, "gso")
    assert dropped["latest_vintage"] != "2025Q3" and dropped["latest_value"] == 9.0
    explicit = revision_table(upto="2025Q4", vintages=["2025Q2", "2025Q4"])
    assert row(explicit, "share", "old", 2023, "gso")["previous_vintage"] == "2025Q2"


def test_changes_since_previous_compares_two_vintages_and_is_empty_for_the_first(root):
    write_vintage(root, "2025Q2", shares={("old", "gso", 2023): 14.0})
    write_vintage(root, "2025Q3", shares={("old", "gso", 2023): 14.2})
    write_vintage(root, "2025Q4", shares={("old", "gso", 2023): 14.9})
    first = changes_since_previous("2025Q2")
    assert first.empty and list(first.columns) == TABLE_COLUMNS
    change = row(changes_since_previous("2025Q4"), "share", "old", 2023, "gso")
    assert (change["first_vintage"], change["releases"]) == ("2025Q3", 2)
    assert change["revision"] == pytest.approx(0.7)


def test_unknown_vintages_raise_vintage_error(root):
    write_vintage(root, "2025Q4", shares={("old", "gso", 2023): 14.0})
    for call in (lambda: revision_table(upto="2024Q1"), lambda: changes_since_previous("2024Q1"),
                 lambda: release_values("2024Q1")):
        with pytest.raises(VintageError, match="2024Q1"):
            call()
    with pytest.raises(VintageError, match="quarter label"):
        revision_table(upto="2025-12")


def test_summary_gives_mean_and_mean_absolute_revision_of_compared_values(root):
    write_vintage(root, "2025Q3", shares={("old", "gso", 2022): 13.0, ("old", "gso", 2023): 14.0,
                                          ("old", "gso", 2024): 15.0})
    write_vintage(root, "2025Q4", shares={("old", "gso", 2022): 13.5, ("old", "gso", 2023): 13.8,
                                          ("old", "gso", 2024): 15.0, ("old", "gso", 2025): 16.0})
    summary = revision_summary(revision_table())
    assert len(summary) == 1
    gso = summary.iloc[0]
    assert (gso["values"], gso["compared"], gso["revised"]) == (4, 3, 2)  # 2025 was released once
    assert gso["mean_revision"] == pytest.approx((0.5 - 0.2 + 0.0) / 3)
    assert gso["mean_absolute_revision"] == pytest.approx((0.5 + 0.2 + 0.0) / 3)
    assert gso["revision_unit"] == "pp"


def test_cli_prints_the_table_and_writes_a_csv_equal_to_the_revision_table(root, capsys):
    write_vintage(root, "2025Q3", grdp={2024: 1000.0}, shares={("old", "gso", 2023): 14.0})
    write_vintage(root, "2025Q4", grdp={2024: 1020.0}, shares={("old", "gso", 2023): 14.5})
    output = root / "revisions.csv"
    assert main(["revisions", "--output", str(output)]) == 0
    out = capsys.readouterr().out
    share_line = next(line for line in out.splitlines() if line.split()[:1] == ["share"])
    assert "gso" in share_line and "2025Q3" in share_line and "+0.50 pp" in share_line
    assert "+20 bn_VND" in out
    assert b"\r" not in output.read_bytes()
    expected = revision_table()
    back = pd.read_csv(output, dtype=expected.dtypes.to_dict())  # "%.10g" writes 1000.0 as 1000
    back[TEXT_COLUMNS] = back[TEXT_COLUMNS].fillna("")  # empty strings are blank cells in the CSV
    pd.testing.assert_frame_equal(back, expected)

    assert main(["revisions", "--quantity", "grdp", "--output", str(output)]) == 0
    assert set(pd.read_csv(output)["quantity"]) == {"grdp"}
    assert "share" not in capsys.readouterr().out.split()

    assert main(["revisions", "--output", str(root / "no-such-folder" / "revisions.csv")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_cli_with_one_vintage_says_there_is_nothing_to_compare(root, capsys):
    write_vintage(root, "2025Q4", shares={("old", "gso", 2023): 14.0})
    assert main(["revisions"]) == 0
    assert capsys.readouterr().out.strip() == "only one vintage (2025Q4): nothing to compare yet"


def test_cli_fails_cleanly_without_vintages_or_with_an_unknown_one(root, capsys):
    assert main(["revisions"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "no published vintages" in captured.err
    write_vintage(root, "2025Q4", shares={("old", "gso", 2023): 14.0})
    assert main(["revisions", "--upto", "2024Q1"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "2024Q1" in captured.err and "2025Q4" in captured.err


def test_cli_quantity_choices_are_the_released_quantities():
    assert QUANTITY_CHOICES == tuple(QUANTITIES)


def test_release_values_of_the_real_vintage_match_its_accounts(built):
    folder = paths.vintage_dir("2025Q4")  # the session's real vintage (conftest.built_root)
    with (folder / "tables" / "accounts_hcmc_old.csv").open(newline="", encoding="utf-8") as handle:
        totals = [r for r in csv.DictReader(handle) if r["industry"] == "TOTAL" and r["year"] == "2024"]
    assert len(totals) == 1
    released = release_values("2025Q4")
    grdp = row(released, "grdp", "old", 2024)
    assert grdp["value"] == float(totals[0]["value"])
    assert grdp["as_of"] == json.loads((folder / "manifest.json").read_text())["parameters"]["as_of"]
    assert {"grdp", "share"} <= set(released["quantity"]) <= set(QUANTITIES)
    # a probability is released only where the vintage published one
    # (grdp.forecast.policy_targets: the calibration rule)
    with (folder / "tables" / "targets_headline.csv").open(newline="", encoding="utf-8") as handle:
        published = [r for r in csv.DictReader(handle) if r["probability"] not in ("", "nan")]
    assert (released["quantity"] == "probability").sum() == len(published)
