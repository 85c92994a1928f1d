"""A corpus of malformed source folders: each is reported with file, line, column and a clear message.

Every case starts from one valid dataset written by :func:`write_dataset` and breaks one thing.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

import pytest

from grdp import sources
from grdp.base import schemas
from grdp.cli import main
from grdp.sources import contract

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


# ---------------------------------------------------------------------------------------------------------------
# Issue 16: implausible numbers, impossible dates, duplicates, unsafe files, YAML bombs, spreadsheet mistakes.
# Every case id starts with its class (number-, date-, duplicate-, file-, yaml-, spreadsheet-).
# ---------------------------------------------------------------------------------------------------------------

def with_cells(row_index: int, **cells: str) -> list[list[str]]:
    rows = [list(r) for r in VALID_ROWS]
    for column, value in cells.items():
        rows[row_index][schemas.SOURCE_COLUMNS.index(column)] = value
    return rows


def one_line(problems) -> None:
    """Every problem is one line naming the file."""
    for problem in problems:
        text = str(problem)
        assert "\n" not in text and "\r" not in text and str(problem.file) in text, text


BOUNDED_CASES = [
    ("number-60-digits", with_cell(0, "value", "1" + "0" * 59), 2, "value", "expected at most 1e+09"),
    ("number-400-digits-infinite", with_cell(0, "value", "9" * 400), 2, "value", "too large to be a number"),
    ("number-fullwidth-digits", with_cell(0, "value", "１４７９２２７"), 2, "value", "non-ASCII digits"),
    ("number-arabic-indic-digits", with_cell(0, "value", "١٤٧٩٢٢٧"), 2, "value", "non-ASCII digits"),
    ("number-growth-below-minus-100", with_cell(5, "value", "-150"), 7, "value", "expected a value > -100"),
    ("number-growth-of-minus-100", with_cell(5, "value", "-100"), 7, "value", "expected a value > -100"),
    ("number-usd-level-ceiling", with_cells(0, variable="grdp_usd", unit="bn_USD", value="2000000"), 2, "value",
     "expected at most 100000"),
    ("number-rank-zero", with_cells(0, variable="de_rank_gso", unit="count", value="0"), 2, "value",
     "expected a value >= 1"),
    ("number-share-just-over-100", with_cell(1, "value", "100.5"), 3, "value", "expected at most 100"),
    ("number-scientific-notation", with_cell(0, "value", "1.479227e6"), 2, "value", "scientific notation"),
    ("number-space-thousands", with_cell(0, "value", "1 479 227"), 2, "value", "spaces as thousands separators"),
    ("date-month-13", with_cell(0, "publication_date", "2023-13"), 2, "publication_date",
     "month 13, which does not exist"),
    ("date-month-99", with_cell(0, "publication_date", "2025-99"), 2, "publication_date",
     "month 99, which does not exist"),
    ("date-day-30-february", with_cell(0, "publication_date", "2023-02-30"), 2, "publication_date",
     "February 2023 has 28 days"),
    ("date-year-0000", with_cell(0, "publication_date", "0000"), 2, "publication_date", "year 0000"),
    ("date-in-the-future", with_cell(0, "publication_date", "2049-01-05"), 2, "publication_date", "after today"),
    ("date-after-retrieval", with_cell(0, "publication_date", "2026-11-25"), 2, "publication_date",
     "after the dataset's retrieval_date 2026-11-21"),
    ("date-period-0000", with_cell(5, "period", "0000"), 7, "period", "out of range"),
    ("spreadsheet-nbsp-in-rating", with_cell(0, "rating", "amber\u00a0"), 2, "rating",
     "U+00A0 NO-BREAK SPACE"),
    ("spreadsheet-zero-width-in-code", with_cell(1, "industry", "A\u200b"), 3, "industry",
     "U+200B ZERO WIDTH SPACE"),
    ("spreadsheet-trailing-space-in-code", with_cell(0, "region", "hcmc "), 2, "region", "leading or trailing space"),
    ("spreadsheet-control-character", with_cell(0, "publisher", "HCMC\x1bStatistics"), 2, "publisher",
     "invisible character"),
    ("spreadsheet-formula-publisher", with_cell(0, "publisher", '=HYPERLINK("http://evil.example/x","MIC")'), 2,
     "publisher", "as a spreadsheet formula does"),
    ("spreadsheet-formula-note", with_cell(0, "note", "@SUM(1+1)*cmd|' /C calc'!A0"), 2, "note",
     "as a spreadsheet formula does"),
    ("markup-publisher-img", with_cell(0, "publisher", "<img src=x onerror=alert(1)>"), 2, "publisher",
     "holds markup at character 1"),
    ("markup-note-svg", with_cell(3, "note", "GSO table <svg onload=alert(1)> read 2023"), 5, "note",
     "holds markup at character 11"),
    ("markup-note-closing-tag", with_cell(1, "note", "text</p><script>x()</script>"), 3, "note", "holds markup"),
    ("markup-note-comment", with_cell(1, "note", "<!-- hidden -->"), 3, "note", "holds markup"),
    ("markup-note-entity", with_cell(1, "note", "&lt;script&gt;"), 3, "note", "holds markup"),
    ("markup-url", with_cell(2, "url", "https://example.org/<script>"), 4, "url", "holds markup"),
]


@pytest.mark.parametrize("case,rows,line,column,words", BOUNDED_CASES, ids=[c[0] for c in BOUNDED_CASES])
def test_implausible_cell_is_reported_on_one_line(tmp_path, case, rows, line, column, words):
    write_dataset(tmp_path, rows=rows)
    problems = sources.validate(tmp_path)
    located = [p for p in problems if p.line == line and p.column == column]
    assert located, f"expected a problem at line {line}, column {column}; got {[str(p) for p in problems]}"
    assert words in located[0].message, located[0].message
    one_line(problems)
    with pytest.raises(sources.SourceValidationError):
        sources.load_observations(tmp_path)


def test_comparison_signs_in_text_are_not_markup(tmp_path):
    rows = with_cell(0, "note", "'>1.33 quadrillion' (>1.33 triệu tỷ); shares < 5% and 3 > 2; R&D, A & B")
    write_dataset(tmp_path, rows=rows)
    assert problems_of(tmp_path) == []


@pytest.mark.parametrize("edit, line, column, words", [
    (lambda t: t + "rating: green\n", 12, "rating", "field 'rating' is given twice (lines 9 and 12)"),
    (lambda t: t.replace("url: https://example.org/a", "url: see the ministry's site"), None, "url", "is not a URL"),
], ids=["provenance-repeated-field", "provenance-url-not-a-url"])
def test_provenance_fields_are_given_once_and_the_url_is_one(tmp_path, edit, line, column, words):
    write_dataset(tmp_path, provenance=edit(PROVENANCE.format(id="demo")))
    problems = sources.validate(tmp_path)
    located = [p for p in problems if p.column == column and (line is None or p.line == line)]
    assert located and words in located[0].message, [str(p) for p in problems]


def test_a_stray_quote_is_reported_where_it_opens_and_named(tmp_path):
    """Issue 24: a quote that opens a field swallows the next lines; it is reported at its own line and column,
    not where the damage ends, and the message says what it is."""
    folder = write_dataset(tmp_path)
    lines = (folder / "data.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("Cục Thống kê TP.HCM,", '"Cục Thống kê TP.HCM,', 1)
    (folder / "data.csv").write_text("".join(lines), encoding="utf-8")
    (problem,) = sources.validate(tmp_path)
    assert (problem.line, problem.column) == (3, "publisher")
    assert "a quote opens this field and it runs on to line 7" in problem.message
    one_line([problem])


def test_markup_in_provenance_is_refused_with_its_field(tmp_path):
    text = PROVENANCE.format(id="demo").replace("title: ", "title: <b onmouseover=x()>", 1)
    write_dataset(tmp_path, provenance=text)
    problems = sources.validate(tmp_path)
    assert any(p.column == "title" and "holds markup" in p.message for p in problems), [str(p) for p in problems]


def test_number_bound_names_the_bound_and_its_reason(tmp_path):
    write_dataset(tmp_path, rows=with_cell(5, "value", "-150"))
    (problem,) = problems_of(tmp_path)
    assert "grdp/data/value_bounds.csv" in problem and "growth rate is above -100%" in problem


def test_number_bounds_cover_every_variable():
    for row in sources.variables().itertuples():
        assert sources.bound(row.variable, row.unit) is not None, row.variable


def test_number_signed_values_within_bounds_pass(tmp_path):
    rows = [list(r) for r in VALID_ROWS]
    taxes = with_cells(0, industry="TAX", value="-1200.5")[0]  # product taxes less subsidies may be negative
    rows += [taxes, with_cells(5, value="-99.9", period="2020")[5]]
    write_dataset(tmp_path, rows=rows)
    assert problems_of(tmp_path) == []


def test_date_release_date_refuses_days_that_do_not_exist():
    assert sources.release_date("2024-02") == date(2024, 2, 29)
    for text in ("2023-13", "2025-99", "2023-02-29", "0000", "2023-1-05"):
        with pytest.raises(ValueError):
            sources.release_date(text)


@pytest.mark.parametrize("field,value,words", [
    ("retrieval_date", "2026-13-01", "month 13, which does not exist"),
    ("retrieval_date", "2031-01-01", "after today"),
    ("retrieval_date", "2026-11", "not a full date"),
    ("publication_date", "2026-11-30", "after the retrieval_date"),
], ids=["date-provenance-month-13", "date-provenance-retrieved-in-the-future", "date-provenance-partial-retrieval",
        "date-provenance-published-after-retrieval"])
def test_date_provenance_dates_are_real_and_ordered(tmp_path, field, value, words):
    text = PROVENANCE.format(id="demo").replace(
        f"{field}: {'2023-01-05' if field == 'publication_date' else '2026-11-21'}", f"{field}: {value}")
    write_dataset(tmp_path, provenance=text)
    problems = sources.validate(tmp_path)
    located = [p for p in problems if p.column == field and "provenance.yaml" in str(p.file)]
    assert located and words in located[0].message, [str(p) for p in problems]
    one_line(problems)


def test_duplicate_identical_row_is_reported(tmp_path):
    write_dataset(tmp_path, rows=[list(r) for r in VALID_ROWS] + [list(VALID_ROWS[0])])
    (problem,) = sources.validate(tmp_path)
    assert problem.line == 8 and "repeats line 2 exactly" in problem.message


def test_duplicate_same_release_must_agree_across_datasets(tmp_path):
    write_dataset(tmp_path)
    write_dataset(tmp_path, name="second", rows=with_cell(0, "value", "1500000")[:1])
    (problem,) = sources.validate(tmp_path)
    assert "second" in str(problem.file) and problem.line == 2 and problem.column == "value"
    assert "the same figure in the same release" in problem.message and "demo" in problem.message
    assert "1479227" in problem.message and "1500000" in problem.message


def test_duplicate_same_release_with_the_same_value_in_two_datasets_is_allowed(tmp_path):
    write_dataset(tmp_path)
    write_dataset(tmp_path, name="second", rows=[list(VALID_ROWS[0])])
    assert problems_of(tmp_path) == []


def test_file_data_csv_is_a_directory(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "data.csv").unlink()
    (folder / "data.csv").mkdir()
    (problem,) = problems_of(tmp_path)
    assert "data.csv: is a directory; expected a file" in problem


def test_file_symlink_to_dev_zero_is_refused_without_reading_it(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "data.csv").unlink()
    (folder / "data.csv").symlink_to("/dev/zero")
    (problem,) = problems_of(tmp_path)
    assert "symbolic link to /dev/zero" in problem and "outside the sources folder" in problem


def test_file_symlink_outside_the_sources_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.csv"
    folder = write_dataset(tmp_path / "sources")
    outside.write_bytes((folder / "data.csv").read_bytes())
    (folder / "data.csv").unlink()
    (folder / "data.csv").symlink_to(outside)
    (problem,) = problems_of(tmp_path / "sources")
    assert "outside the sources folder" in problem


def test_file_symlink_inside_the_sources_is_followed(tmp_path):
    folder = write_dataset(tmp_path)
    (tmp_path / "_shared").mkdir()  # a file at the top of sources/ would belong to no dataset
    (folder / "data.csv").rename(tmp_path / "_shared" / "shared.csv")
    (folder / "data.csv").symlink_to(tmp_path / "_shared" / "shared.csv")
    assert problems_of(tmp_path) == []


def test_file_fifo_is_not_read(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "provenance.yaml").unlink()
    os.mkfifo(folder / "provenance.yaml")
    (problem,) = problems_of(tmp_path)
    assert "provenance.yaml: is not a regular file" in problem


def test_file_unreadable_is_reported(tmp_path, monkeypatch):
    folder = write_dataset(tmp_path)
    real_open = Path.open

    def refuse(self, *args, **kwargs):
        if self.name == "data.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    (problem,) = sources.validate(tmp_path)
    assert problem.file == folder / "data.csv" and "cannot be read (Permission denied)" in problem.message


def test_file_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    write_dataset(tmp_path)
    monkeypatch.setattr(contract, "MAX_DATA_BYTES", 500)
    (problem,) = problems_of(tmp_path)
    assert "bytes; expected at most 500" in problem


def test_file_missing_data_csv(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "data.csv").unlink()
    (problem,) = problems_of(tmp_path)
    assert "data.csv: file is missing" in problem


def test_file_validate_refuses_a_file_path(tmp_path, capsys):
    folder = write_dataset(tmp_path)
    assert main(["validate", str(folder / "data.csv")]) == 1
    assert "is a file; expected the sources folder or one dataset folder" in capsys.readouterr().out


YAML_BOMB = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
                      + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]) + "\n"
"""The 'billion laughs': 9**9 strings from about 400 characters once expanded."""


def test_yaml_alias_bomb_is_refused_before_it_expands(tmp_path):
    write_dataset(tmp_path, provenance=PROVENANCE.format(id="demo") + YAML_BOMB)
    (problem,) = sources.validate(tmp_path)
    assert "more than 20 YAML aliases" in problem.message and problem.line is not None


def test_yaml_small_bomb_is_refused(tmp_path):
    small = "\n".join(["b0: &b0 [y, y, y, y]"] + [f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 5) + "]"
                                                  for i in range(1, 6)]) + "\n"
    write_dataset(tmp_path, provenance=PROVENANCE.format(id="demo") + small)
    (problem,) = problems_of(tmp_path)
    assert "YAML aliases" in problem


def test_yaml_deep_nesting_is_refused(tmp_path):
    write_dataset(tmp_path, provenance=PROVENANCE.format(id="demo") + "deep: " + "[" * 200 + "]" * 200 + "\n")
    (problem,) = problems_of(tmp_path)
    assert "levels deep" in problem


def test_yaml_syntax_error_names_the_line(tmp_path):
    write_dataset(tmp_path, provenance=PROVENANCE.format(id="demo").replace("rating: amber", "rating: [amber"))
    (problem,) = sources.validate(tmp_path)
    assert problem.line is not None and problem.line >= 10 and "not valid YAML" in problem.message
    one_line([problem])


def test_yaml_python_tags_are_not_executed(tmp_path):
    marker = tmp_path / "executed"
    write_dataset(tmp_path, provenance=PROVENANCE.format(id="demo")
                  + f"x: !!python/object/apply:os.system ['touch {marker}']\n")
    (problem,) = sources.validate(tmp_path)
    assert "not valid YAML" in problem.message and problem.line == PROVENANCE.count("\n") + 1
    assert not marker.exists()


def test_yaml_field_that_is_a_list(tmp_path):
    write_dataset(tmp_path, provenance=PROVENANCE.format(id="demo").replace("licence: public statistics",
                                                                            "licence: [public, statistics]"))
    (problem,) = problems_of(tmp_path)
    assert "field 'licence' is a list; expected text" in problem


def test_yaml_provenance_larger_than_the_limit(tmp_path):
    write_dataset(tmp_path, provenance=PROVENANCE.format(id="demo") + "# padding\n" * 8000)
    (problem,) = problems_of(tmp_path)
    assert "provenance.yaml" in problem and "expected at most 65,536" in problem


def test_spreadsheet_byte_order_mark_is_named(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "data.csv").write_bytes(b"\xef\xbb\xbf" + (folder / "data.csv").read_bytes())
    (problem,) = sources.validate(tmp_path)
    assert "byte-order mark (BOM)" in problem.message and problem.line == 1
    assert "\\ufeffregion" not in problem.message


@pytest.mark.parametrize("delimiter,name", [(";", "semicolons"), ("\t", "tabs")],
                         ids=["spreadsheet-semicolons", "spreadsheet-tabs"])
def test_spreadsheet_delimiter_is_named(tmp_path, delimiter, name):
    folder = write_dataset(tmp_path)
    rows = list(csv.reader(io.StringIO((folder / "data.csv").read_text(encoding="utf-8"))))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    (folder / "data.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (problem,) = problems_of(tmp_path)
    assert f"separated by {name}" in problem and "expected commas" in problem


def test_spreadsheet_decimal_commas_with_semicolons_name_the_delimiter(tmp_path):
    folder = write_dataset(tmp_path)
    text = (folder / "data.csv").read_text(encoding="utf-8").replace(",", ";").replace("22.1", "22,1")
    (folder / "data.csv").write_text(text, encoding="utf-8")
    (problem,) = problems_of(tmp_path)
    assert "separated by semicolons" in problem


def test_spreadsheet_header_with_a_stray_space(tmp_path):
    write_dataset(tmp_path, header=["region "] + list(schemas.SOURCE_COLUMNS[1:]))
    (problem,) = problems_of(tmp_path)
    assert "column name 'region ' has a leading or trailing space" in problem


def test_spreadsheet_crlf_line_endings_are_fine(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "data.csv").write_bytes((folder / "data.csv").read_bytes().replace(b"\n", b"\r\n"))
    assert problems_of(tmp_path) == []


def test_spreadsheet_note_longer_than_the_csv_field_limit(tmp_path):
    write_dataset(tmp_path, rows=with_cell(0, "note", "x" * 200_000))
    (problem,) = sources.validate(tmp_path)
    assert problem.line is not None and "longer than 131,072 characters" in problem.message


def test_spreadsheet_nul_byte(tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "data.csv").write_bytes((folder / "data.csv").read_bytes().replace(b"TP.HCM", b"TP\x00HCM", 1))
    problems = sources.validate(tmp_path)
    assert any("U+0000 NUL" in p.message for p in problems)
    one_line(problems)


def test_spreadsheet_invisible_character_in_provenance_rating(tmp_path):
    write_dataset(tmp_path, provenance=PROVENANCE.format(id="demo").replace("rating: amber", "rating: amber\u200b"))
    (problem,) = problems_of(tmp_path)
    assert "U+200B ZERO WIDTH SPACE" in problem and "expected amber" not in problem


def test_cli_validate_reports_the_bomb_and_fails(tmp_path, capsys):
    write_dataset(tmp_path, provenance=PROVENANCE.format(id="demo") + YAML_BOMB)
    assert main(["validate", str(tmp_path)]) == 1
    assert "YAML aliases" in capsys.readouterr().out
