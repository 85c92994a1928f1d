"""The catalogue of a vintage's tables (:mod:`grdp.run.catalogue`) against the vintages a run builds, and the code
that names tables through it: ``write_table`` (refuses what the catalogue does not list and writes nothing), the
reports' ``VintageTables.table``, the workbook's layout and the revisions.

The vintages are those of the test session (:func:`conftest.built_root`: the three of ``make run`` and the preview
reports of the latest, whose ``reports/tables/revisions.csv`` is catalogued too).
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import LATEST, VINTAGES

from grdp.base import paths
from grdp.publish import workbook
from grdp.report.vintage_tables import VintageTables
from grdp.run import catalogue, revisions, vintage

CELL_COUNTS = pd.DataFrame({"year": [2023, 2024], "derived": [2, 1], "imputed": [19, 20]})
"""A valid ``cell_counts_{region}_{boundary}`` table."""

FORMS = {
    "integer": re.compile(r"-?[0-9]+"),
    "number": re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?|-?inf"),
    "boolean": re.compile(r"True|False"),
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    "text": re.compile(r".*", re.S),
}
"""What a non-blank cell of each kind looks like in a vintage's CSV file (module description of the catalogue)."""


@pytest.fixture(scope="module")
def session_tables(built_root) -> dict[str, pd.DataFrame]:
    """Every table of every vintage of the session, as the text of its CSV file, by ``<vintage>/<path>``."""
    found = {}
    for label in VINTAGES:
        folder = built_root / "forecasts" / label
        for path in sorted([*(folder / "tables").glob("*.csv"), *(folder / "reports" / "tables").glob("*.csv")]):
            found[str(path.relative_to(folder.parent))] = pd.read_csv(path, dtype=str, keep_default_na=False)
    return found


def test_the_session_built_the_tables_of_make_run(session_tables):
    assert {name.split("/")[0] for name in session_tables} == set(VINTAGES)
    assert len(session_tables) >= 3 * 50 + 1
    assert f"{LATEST}/reports/tables/revisions.csv" in session_tables


def test_every_table_of_every_vintage_is_catalogued_with_exactly_its_columns_and_a_unique_key(session_tables):
    for name, frame in session_tables.items():
        table = catalogue.entry(Path(name).stem)
        assert list(frame.columns) == list(table.column_names), name
        repeated = frame[frame.duplicated(list(table.key), keep=False)]
        assert repeated.empty, f"{name}: key {table.key} repeated:\n{repeated.head()}"


def test_every_column_holds_cells_of_its_kind(session_tables):
    for name, frame in session_tables.items():
        for column in catalogue.entry(Path(name).stem).columns:
            cells = frame[column.name]
            wrong = cells[(cells != "") & ~cells.map(FORMS[column.kind].fullmatch).astype(bool)]
            assert wrong.empty, f"{name}, column {column.name!r} ({column.kind}): {wrong.head(3).tolist()}"
            if column.kind == "date":
                for cell in cells[cells != ""]:
                    date.fromisoformat(cell)  # a real date


def test_every_catalogue_entry_is_a_table_the_session_wrote_and_no_table_has_two_entries(session_tables):
    names = {Path(name).stem for name in session_tables}
    for table in catalogue.TABLES:
        assert any(table.matches(name) for name in names), f"no vintage holds {table.name}"
    for name in names:
        assert [table.name for table in catalogue.TABLES if table.matches(name)] == [catalogue.entry(name).name]
    assert len({table.name for table in catalogue.TABLES}) == len(catalogue.TABLES)


def _code(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")


def test_each_table_names_what_writes_it():
    code = {path.name: _code(path) for path in sorted(paths.notebooks_dir().glob("*.ipynb"))}
    for table in catalogue.TABLES:
        if table.written_by.startswith("notebooks/"):
            notebook = Path(table.written_by).name
            if table.parameters:  # the name is built from the run's region and boundary
                assert table.name.split("{")[0] in code[notebook], table.name
            else:
                assert [name for name, text in code.items() if f'"{table.name}"' in text] == [notebook], table.name
        else:
            module = Path(importlib.import_module(table.written_by).__file__).read_text(encoding="utf-8")
            assert f'write_table(revision, staging, "{table.name}")' in module


def test_patterns_take_the_codes_of_regions_and_boundaries():
    accounts = catalogue.entry("accounts_{region}_{boundary}")
    assert catalogue.entry("accounts_binh_duong_merged") is accounts
    assert catalogue.entry("accounts_vn_national_margins").name == "accounts_{region}_{boundary}_margins"
    assert accounts.name_for(region="hcmc", boundary="old", vintage="2025Q4") == "accounts_hcmc_old"
    assert catalogue.entry("targets").name_for(region="hcmc") == "targets"
    with pytest.raises(catalogue.CatalogueError, match=r"'accounts_hcmc_new' is not a name of table .*boundary is "
                                                       r"one of merged, national, old"):
        accounts.name_for(region="hcmc", boundary="new")
    with pytest.raises(catalogue.CatalogueError, match="is named by its boundary; none given"):
        accounts.name_for(region="hcmc")


@pytest.mark.parametrize(("name", "suggested"), [
    ("digital_headlines", r"did you mean 'digital_headline'\?"),
    ("forecast_band", r"did you mean 'forecast_bands'\?"),
    ("accounts_hcmc_nationl", r"did you mean 'accounts_\{region\}_\{boundary\}' or "
                              r"'accounts_\{region\}_\{boundary\}_margins'\? \(region is one of .*hcmc"),
])
def test_an_unknown_table_is_named_with_the_closest_names(name, suggested):
    with pytest.raises(catalogue.CatalogueError, match=rf"'{name}' is not a table of a vintage .*{suggested}"):
        catalogue.entry(name)


def test_an_entry_that_contradicts_itself_is_refused():
    columns = (catalogue.Column("year", "integer"), catalogue.Column("year", "integer"),
               catalogue.Column("value", "decimal"))
    with pytest.raises(catalogue.CatalogueError, match=r"entry 'x_\{place\}': column 'year' is repeated; key column "
                                                       r"'period' is not a column; column 'value' has no kind "
                                                       r"'decimal'; placeholder \{place\} is not one of region, "
                                                       r"boundary"):
        catalogue.Table("x_{place}", "notebooks/01_sector_accounts.ipynb", "x", ("period",), columns)


# --------------------------------------------------------------------------------------------------------------
# write_table: only catalogued tables, exactly their columns, a unique key; nothing written otherwise
# --------------------------------------------------------------------------------------------------------------

@pytest.fixture
def out(tmp_path, monkeypatch) -> Path:
    """An output folder outside the project's ``forecasts/`` (where write_table writes freely)."""
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path / "project"))
    return tmp_path / "out"


REFUSED = {
    "unknown-table": ("cell_count_hcmc_old", CELL_COUNTS,
                      r"'cell_count_hcmc_old' is not a table of a vintage"),
    "missing-column": ("cell_counts_hcmc_old", CELL_COUNTS.drop(columns="imputed"),
                       r"table 'cell_counts_hcmc_old' has missing column imputed; the catalogue's columns are "
                       r"year, derived, imputed"),
    "extra-column": ("cell_counts_hcmc_old", CELL_COUNTS.assign(note="x"), r"has extra column note"),
    "columns-out-of-order": ("cell_counts_hcmc_old", CELL_COUNTS[["year", "imputed", "derived"]],
                             r"has its columns in another order"),
    "duplicated-key": ("cell_counts_hcmc_old", CELL_COUNTS.assign(year=[2024, 2024]),
                       r"has two rows with the key year=2024 \(rows 1 and 2\); its key \(year\) identifies one row"),
    "duplicated-key-with-blanks": ("digital_out_of_time_summary",
                                   pd.DataFrame({"estimator": ["model", "model", "model"],
                                                 "checks_on": ["own", None, None], "checks": 3, "mae_pp": 0.1,
                                                 "rmse_pp": 0.1, "mean_error_pp": 0.0, "coverage_50": 0.5,
                                                 "coverage_80": 0.8, "coverage_90": 0.9, "interval_score": 1.0,
                                                 "crps": 0.1}),
                                   r"key estimator='model', checks_on=blank \(rows 2 and 3\)"),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_write_table_refuses_a_table_that_is_not_as_catalogued_and_writes_nothing(out, case):
    name, frame, message = REFUSED[case]
    with pytest.raises(vintage.VintageError, match=rf"refusing to write {name}\.csv: .*{message}"):
        vintage.write_table(frame, out, name)
    assert not out.exists()


def test_write_table_writes_a_catalogued_table_exactly_as_write_csv(out, tmp_path):
    path = vintage.write_table(CELL_COUNTS, out, "cell_counts_hcmc_old")
    assert path == out / "tables" / "cell_counts_hcmc_old.csv"
    assert path.read_bytes() == vintage.write_csv(CELL_COUNTS, tmp_path / "plain.csv").read_bytes()


# --------------------------------------------------------------------------------------------------------------
# readers: the reports, the workbook's layout, the revisions
# --------------------------------------------------------------------------------------------------------------

def test_a_report_reading_a_table_the_catalogue_lacks_fails_naming_it(built):
    tables = VintageTables(LATEST)
    with pytest.raises(catalogue.CatalogueError,
                       match=r"'digital_headlines' is not a table of a vintage .*did you mean 'digital_headline'"):
        tables.table("digital_headlines")
    assert list(tables.table("digital_headline").columns) == list(catalogue.entry("digital_headline").column_names)
    with pytest.raises(FileNotFoundError, match="vintage 2025Q3 has no table 'accounts_vn_national_margins'"):
        VintageTables("2025Q3").table("accounts_vn_national_margins")  # catalogued; that vintage has none


def _layout() -> dict:
    with paths.data_file(workbook.SPEC_FILE).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def test_the_workbook_layout_names_only_catalogued_tables_and_columns():
    sheets = [sheet for sheet in _layout()["sheets"] if sheet.get("kind", "table") != "readme"]
    assert len(sheets) == len(workbook.SHEETS) - 1
    for sheet in sheets:
        name = "revisions" if sheet.get("kind") == "revisions" else sheet["table"].removesuffix(".csv")
        columns = catalogue.entry(name).column_names
        named = [column["name"] for column in sheet["columns"]] + sheet.get("distinct_sorted_by", [])
        assert [c for c in named if c not in columns] == [], sheet["name"]


@pytest.mark.parametrize(("edit", "message"), [
    (lambda s: s["sheets"][2].update(table="digital_headlines.csv"),
     r"sheet 'shares': 'digital_headlines' is not a table of a vintage .*did you mean 'digital_headline'"),
    (lambda s: s["sheets"][8]["columns"][1].update(name="industri"),
     r"sheet 'accounts': table 'accounts_\{region\}_\{boundary\}' has no column 'industri'; did you mean "
     r"'industry'\?"),
    (lambda s: s["sheets"][-1].update(distinct_sorted_by=["source_id", "release"]),
     r"sheet 'sources': table 'observations_as_of' has no column 'release'"),
    (lambda s: next(x for x in s["sheets"] if x["name"] == "revisions")["columns"].append({"name": "k"}),
     r"sheet 'revisions': table 'revisions' has no column 'k'"),
], ids=["table", "column", "sort-column", "revisions-column"])
def test_a_workbook_layout_naming_what_the_catalogue_lacks_is_refused(edit, message):
    layout = copy.deepcopy(_layout())
    workbook.check_layout(layout)
    edit(layout)
    with pytest.raises(workbook.WorkbookError, match=message):
        workbook.check_layout(layout)


def test_revisions_read_the_catalogued_tables_of_the_manifest_region(built):
    tables = paths.vintage_dir(LATEST) / vintage.TABLES
    region = vintage.read_manifest(LATEST)["parameters"]["region"]
    read = {f"{revisions.ACCOUNTS.name_for(region=region, boundary=b)}.csv" for b in revisions.BOUNDARIES}
    read |= {f"{revisions.HISTORY.name}.csv", f"{revisions.HEADLINE.name}.csv"}
    assert all((tables / name).is_file() for name in read)
    released = revisions.release_values(LATEST)
    assert {"share", "forecast"} <= set(released["quantity"])  # probabilities: none published in this vintage
    assert set(released.loc[released["quantity"] == "grdp", "boundary"]) == set(revisions.BOUNDARIES)
