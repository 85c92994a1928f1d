"""A corpus of malformed source folders: each is reported with file, line, column and a clear message.

Every case starts from one valid dataset written by :func:`write_dataset` and breaks one thing.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from grdp import schemas, sources
from grdp.cli import main

VALID_ROWS = [
    ["hcmc", "old", "2022", "A", "grdp", "TOTAL", "current", "bn_VND", "1479227", "Cục Thống kê TP.HCM via vneconomy",
     "2023-01-05", "true", "https://example.org/a", "published", "amber", ""],
    ["hcmc", "old", "2022", "A", "grdp_share", "A", "current", "percent", "0.6", "Cục Thống kê TP.HCM",
     "2022-12-30", "false", "https://example.org/b", "published", "amber", ""],
    ["hcmc", "old", "2022", "A", "grdp_share", "BTF", "current", "percent", "22.1", "Cục Thống kê TP.HCM",
     "2022-12-30", "false", "https://example.org/b", "published", "amber", ""],
    ["hcmc", "old", "2022", "A", "grdp_share", "GTT", "current", "percent", "64.0", "Cục Thống kê TP.HCM",
     "2022-12-30", "false", "https://example.org/b", "published", "amber", ""],
    ["hcmc", "old", "2022", "A", "grdp_share", "TAX", "current", "percent", "13.3", "Cục Thống kê TP.HCM",
     "2022-12-30", "false", "https://example.org/b", "published", "amber", ""],
    ["hcmc", "old", "2021", "A", "grdp_real_growth", "TOTAL", "constant_2010", "percent", "-5.36", "Cục Thống kê",
     "2022-12-30", "false", "https://example.org/c", "published", "amber", ""],
]
PROVENANCE = """id: {id}
title: Test dataset
publisher: HCMC Statistics Office
url: https://example.org/a
publication_date: 2023-01-05
retrieval_date: 2026-11-21
retrieved_via: test corpus
licence: public statistics
rating: amber
notes: |
  A dataset written by the tests.
"""


def write_dataset(root: Path, rows=None, header=None, name: str = "demo", provenance: str | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header or list(schemas.SOURCE_COLUMNS))
    writer.writerows(VALID_ROWS if rows is None else rows)
    (folder / "data.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (folder / "provenance.yaml").write_text(provenance if provenance is not None else PROVENANCE.format(id=name),
                                           encoding="utf-8")
    return folder


def with_cell(row_index: int, column: str, value: str) -> list[list[str]]:
    rows = [list(r) for r in VALID_ROWS]
    rows[row_index][schemas.SOURCE_COLUMNS.index(column)] = value
    return rows


def problems_of(root: Path) -> list[str]:
    return [str(p) for p in sources.validate(root)]


def test_valid_dataset_has_no_problem(tmp_path):
    write_dataset(tmp_path)
    assert problems_of(tmp_path) == []
    obs = sources.load_observations(tmp_path)
    assert len(obs) == len(VALID_ROWS)
    assert set(obs["source_id"]) == {"demo"}


# (case id, rows, expected line, expected column, words the message must contain)
CELL_CASES = [
    ("unknown-vsic", with_cell(1, "industry", "Z9"), 3, "industry", "unknown VSIC code 'Z9'"),
    ("non-numeric", with_cell(0, "value", "n/a"), 2, "value", "'n/a' is not a number"),
    ("vn-thousands-dots", with_cell(0, "value", "1.479.227"), 2, "value", "Vietnamese thousands separators"),
    ("thousands-commas", with_cell(0, "value", "1,479,227"), 2, "value", "such as 1479227"),
    ("percent-with-comma", with_cell(1, "value", "14,41%"), 3, "value", "percent sign"),
    ("decimal-comma", with_cell(1, "value", "0,6"), 3, "value", "decimal comma"),
    ("negative-level", with_cell(0, "value", "-5"), 2, "value", "negative value -5 is impossible"),
    ("share-over-100", with_cell(1, "value", "160"), 3, "value", "impossible"),
    ("period-out-of-range", with_cell(5, "period", "1890"), 7, "period", "out of range"),
    ("period-bad-quarter", with_cell(0, "period", "2022Q5"), 2, "period", "not a valid period"),
    ("period-after-release", with_cell(0, "period", "2024"), 2, "period", "starts after the release date"),
    ("unknown-variable", with_cell(0, "variable", "gdp_total"), 2, "variable", "unknown variable"),
    ("unit-mismatch", with_cell(0, "unit", "percent"), 2, "unit", "does not match variable 'grdp'"),
    ("bad-region", with_cell(0, "region", "saigon"), 2, "region", "'saigon' is not allowed"),
    ("boundary-mismatch", with_cell(0, "boundary", "national"), 2, "boundary", "does not fit region"),
    ("bad-date", with_cell(0, "publication_date", "05/01/2023"), 2, "publication_date", "is not a date"),
    ("bad-url", with_cell(0, "url", "vneconomy.vn/article"), 2, "url", "is not a URL"),
    ("bad-quality", with_cell(0, "quality", "official"), 2, "quality", "'official' is not allowed"),
    ("derived-without-method", with_cell(0, "quality", "derived"), 2, "note", "needs its method stated"),
]


@pytest.mark.parametrize("case,rows,line,column,words", CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_malformed_cell_is_reported_precisely(tmp_path, case, rows, line, column, words):
    write_dataset(tmp_path, rows=rows)
    problems = sources.validate(tmp_path)
    assert len(problems) >= 1
    located = [p for p in problems if p.line == line and p.column == column]
    assert located, f"expected a problem at line {line}, column {column}; got {[str(p) for p in problems]}"
    assert words in located[0].message
    text = str(located[0])
    assert "\n" not in text and "data.csv" in text and f"line {line}" in text and f"column '{column}'" in text


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    rows = with_cell(0, "value", "n/a")
    rows[1][schemas.SOURCE_COLUMNS.index("industry")] = "Z9"
    rows[5][schemas.SOURCE_COLUMNS.index("period")] = "1890"
    write_dataset(tmp_path, rows=rows)
    assert {(p.line, p.column) for p in sources.validate(tmp_path)} >= {(2, "value"), (3, "industry"), (7, "period")}


def test_missing_column(tmp_path):
    header = [c for c in schemas.SOURCE_COLUMNS if c != "unit"]
    rows = [[v for c, v in zip(schemas.SOURCE_COLUMNS, r) if c != "unit"] for r in VALID_ROWS]
    write_dataset(tmp_path, rows=rows, header=header)
    (problem,) = problems_of(tmp_path)
    assert "missing column(s) ['unit']" in problem and "line 1" in problem


def test_renamed_column(tmp_path):
    header = ["gia_tri" if c == "value" else c for c in schemas.SOURCE_COLUMNS]
    write_dataset(tmp_path, header=header)
    (problem,) = problems_of(tmp_path)
    assert "missing column(s) ['value']" in problem and "unexpected column(s) ['gia_tri']" in problem


def test_conflicting_duplicate_in_one_release(tmp_path):
    rows = [list(r) for r in VALID_ROWS] + [with_cell(0, "value", "1500000")[0]]
    write_dataset(tmp_path, rows=rows)
    (problem,) = problems_of(tmp_path)
    assert "conflicting values in the same release" in problem and "line 8" in problem and "(line 2)" in problem


def test_conflicting_releases_on_different_dates_are_allowed(tmp_path):
    later = with_cell(0, "value", "1500000")[0]
    later[schemas.SOURCE_COLUMNS.index("publication_date")] = "2025-04-14"
    write_dataset(tmp_path, rows=[list(r) for r in VALID_ROWS] + [later])
    assert problems_of(tmp_path) == []


def test_shares_not_summing(tmp_path):
    write_dataset(tmp_path, rows=with_cell(3, "value", "60.0"))
    (problem,) = problems_of(tmp_path)
    assert "add up to 96.00, not 100" in problem


def test_missing_provenance_field(tmp_path):
    provenance = PROVENANCE.format(id="demo").replace("licence: public statistics\n", "")
    write_dataset(tmp_path, provenance=provenance)
    (problem,) = problems_of(tmp_path)
    assert "provenance.yaml" in problem and "missing provenance field 'licence'" in problem


def test_provenance_id_must_match_folder(tmp_path):
    write_dataset(tmp_path, provenance=PROVENANCE.format(id="other"))
    (problem,) = problems_of(tmp_path)
    assert "differs from the folder name 'demo'" in problem


def test_empty_file(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "data.csv").write_text("", encoding="utf-8")
    (problem,) = problems_of(tmp_path)
    assert "data.csv: file is empty" in problem


def test_wrong_encoding(tmp_path):
    folder = write_dataset(tmp_path)
    text = (folder / "data.csv").read_text(encoding="utf-8")
    (folder / "data.csv").write_bytes(text.encode("cp1258", errors="replace"))
    (problem,) = problems_of(tmp_path)
    assert "not UTF-8" in problem and "save the file as UTF-8" in problem


def test_wrong_number_of_fields(tmp_path):
    rows = [list(r) for r in VALID_ROWS]
    rows[2] = rows[2][:-3]
    write_dataset(tmp_path, rows=rows)
    (problem,) = problems_of(tmp_path)
    assert "line 4" in problem and "13 fields; expected 16" in problem


def test_load_refuses_invalid_sources_and_lists_all(tmp_path):
    write_dataset(tmp_path, rows=with_cell(0, "value", "n/a"))
    write_dataset(tmp_path, name="second", rows=with_cell(1, "industry", "Z9"))
    with pytest.raises(sources.SourceValidationError) as err:
        sources.load_observations(tmp_path)
    assert len(err.value.problems) == 2
    assert "demo" in str(err.value) and "second" in str(err.value)


def test_cli_validate_reports_each_problem_and_fails(tmp_path, capsys):
    write_dataset(tmp_path, rows=with_cell(0, "value", "1.479.227"))
    write_dataset(tmp_path, name="second", rows=with_cell(1, "industry", "Z9"))
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2
    assert any("demo" in line and "Vietnamese thousands separators" in line for line in out)
    assert any("second" in line and "unknown VSIC code" in line for line in out)


def test_validation_writes_nothing(tmp_path):
    write_dataset(tmp_path, rows=with_cell(0, "value", "n/a"))
    before = sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))
    sources.validate(tmp_path)
    with pytest.raises(sources.SourceValidationError):
        sources.load_observations(tmp_path)
    assert sorted((p, p.stat().st_mtime_ns) for p in tmp_path.rglob("*")) == before
