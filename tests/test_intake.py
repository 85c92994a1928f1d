"""Release intake (``grdp ingest``): the template, the dry run, appending, and every refusal.

Each test builds a small ``sources/`` of its own (two datasets with a few real rows), so the tests do not
depend on the bundled data. A refused release must leave every file byte for byte as it was.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from intake_support import CAFEF, TODAY, row, snapshot, write_dataset

from grdp import cli, sources
from grdp.base import schemas
from grdp.intake import IntakeError, apply, plan, summary
from grdp.intake.compare import publisher_key
from grdp.intake.template import TABLE_COLUMNS, read_template, write_template

UBND = "HCMC People's Committee (UBND TP.HCM), via VietnamPlus (VNA)"
NLD = "https://nld.com.vn/gdp-quy-i-tang-693-cao-nhat-trong-6-nam-196250406133552073.htm"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A sources/ folder with a national and a merged-city dataset, and a data log."""
    root = tmp_path / "sources"
    write_dataset(root, "vn_gdp", [
        row(),
        row(period="2025Q1", frequency="Q", value="7.05", note="Jan-2026 vintage"),
        row(period="2025Q3", frequency="Q", value="8.23", publication_date="2025-10-06",
            url="https://dantri.com.vn/kinh-doanh/gdp-quy-iii-tang-823.htm"),
    ], "2026-01-05")
    write_dataset(root, "merged", [
        row(region="hcmc", boundary="merged", variable="grdp", price_basis="current", unit="bn_VND",
            value="2740000", publisher=UBND, publication_date="2025-12-09", rating="red",
            url="https://www.vietnamplus.vn/kinh-te-thanh-pho-ho-chi-minh-post1081881.vnp"),
    ], "2025-12-09")
    (root / "DATA_LOG.md").write_text("# Data log\n\nDatasets.\n", encoding="utf-8")
    return root


def template_file(path: Path, rows: list[list[str]], **fields: str) -> Path:
    block = dict(dataset="vn_gdp", publisher="Cục Thống kê (National Statistics Office, Ministry of Finance), via "
                 "Người Lao Động", publication_date="2025-04-06", date_approx="false", url=NLD, rating="amber")
    block.update(fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["# a comment line, ignored"])
    writer.writerows([[k, v] for k, v in block.items()])
    writer.writerow([])
    writer.writerow(TABLE_COLUMNS)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


Q1_FIRST = ["vn", "national", "2025Q1", "Q", "grdp_real_growth", "TOTAL", "constant_2010", "percent", "6.93",
            "published", "", "first estimate"]
Q1_AGRI = ["vn", "national", "2025Q1", "Q", "grdp_share", "A", "current", "percent", "11.56", "published", "", ""]


# --------------------------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_empty_template_has_the_release_block_and_the_table_header(tmp_path: Path, suffix: str):
    path = write_template(tmp_path / f"release{suffix}")
    with pytest.raises(IntakeError) as refused:
        read_template(path)
    messages = [p.message for p in refused.value.problems]
    for name in ("dataset", "publisher", "publication_date", "url", "rating"):
        assert f"release field '{name}' is missing or empty" in messages
    with pytest.raises(ValueError, match="never written over"):
        write_template(path)


def test_the_xlsx_template_lists_the_allowed_codes(tmp_path: Path):
    workbook = openpyxl.load_workbook(write_template(tmp_path / "release.xlsx"))
    assert workbook.sheetnames == ["release", "allowed values"]
    codes = {(r[0], r[1]) for r in workbook["allowed values"].iter_rows(values_only=True)}
    assert ("variable", "grdp_real_growth") in codes and ("boundary", "merged") in codes and ("industry", "J") in codes


def test_shipped_templates_are_the_generated_ones(tmp_path: Path):
    shipped = Path(__file__).resolve().parents[1] / "sources" / "_templates"
    assert (shipped / "release.csv").read_text(encoding="utf-8") == \
        write_template(tmp_path / "release.csv").read_text(encoding="utf-8")
    sheet = openpyxl.load_workbook(shipped / "release.xlsx")["release"]
    fresh = openpyxl.load_workbook(write_template(tmp_path / "release.xlsx"))["release"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [list(r) for r in fresh.iter_rows(values_only=True)]


def test_filled_template_becomes_source_rows(tmp_path: Path):
    release = read_template(template_file(tmp_path / "r.csv", [Q1_FIRST, Q1_AGRI[:10] + ["red", "rounded"]]))
    assert release.dataset == "vn_gdp" and len(release.rows) == 2
    first, second = (r.values for r in release.rows)
    assert list(first) == list(schemas.SOURCE_COLUMNS)
    assert first["publication_date"] == "2025-04-06" and first["url"] == NLD and first["rating"] == "amber"
    assert second["rating"] == "red" and second["note"] == "rounded"
    assert release.rows[0].place("value") == (10, "value")
    assert release.rows[0].place("publisher") == (3, "publisher")


def test_xlsx_template_with_numeric_and_date_cells_reads_like_the_csv(tmp_path: Path):
    csv_release = read_template(template_file(tmp_path / "r.csv", [Q1_FIRST]))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for cells in csv.reader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8"))):
        sheet.append(cells)
    sheet["B4"] = date(2025, 4, 6)   # publication_date typed as an Excel date
    sheet["I10"] = 6.93               # value typed as a number
    sheet["B5"] = False              # date_approx as a boolean
    workbook.save(tmp_path / "r.xlsx")
    xlsx_release = read_template(tmp_path / "r.xlsx")
    assert [r.values for r in xlsx_release.rows] == [r.values for r in csv_release.rows]
    assert xlsx_release.rows[0].place("value") == (10, "I (value)")


# --------------------------------------------------------------------------------------------
# Dry run and apply
# --------------------------------------------------------------------------------------------

def test_dry_run_classifies_and_writes_nothing(root: Path, tmp_path: Path):
    before = snapshot(root)
    later_q1 = row(period="2025Q1", frequency="Q", value="7.05")
    assert publisher_key(later_q1["publisher"]) == publisher_key("Cục Thống kê (NSO, MoF), via Người Lao Động")
    path = template_file(tmp_path / "r.csv", [Q1_FIRST, Q1_AGRI])
    result = plan(read_template(path), root=root, today=TODAY)
    assert snapshot(root) == before
    statuses = {f.row.values["variable"]: f.status for f in result.findings}
    assert statuses == {"grdp_real_growth": "new", "grdp_share": "new"}
    q1 = next(f for f in result.findings if f.row.values["variable"] == "grdp_real_growth")
    assert [e.values["value"] for e in q1.later] == ["7.05"]  # revised later, in the Jan-2026 release
    text = summary(result)
    assert "New figures (no earlier release by this publisher): 2" in text
    assert "later releases: 7.05" in text


def test_revision_and_other_publisher_are_reported_with_their_size(root: Path, tmp_path: Path):
    revised = ["vn", "national", "2025Q3", "Q", "grdp_real_growth", "TOTAL", "constant_2010", "percent", "8.25",
               "published", "", ""]
    path = template_file(tmp_path / "r.csv", [revised], publication_date="2026-01-05",
                         url="https://thanhnien.vn/gdp-2025-tang-hon-8-185260105161451703.htm")
    result = plan(read_template(path), root=root, today=TODAY)
    (finding,) = result.findings
    assert finding.status == "revision" and finding.previous.values["value"] == "8.23"
    assert "8.23 (2025-10-06) -> 8.25 percent, +0.02 pp" in summary(result)

    merged = ["hcmc", "merged", "2025", "A", "grdp", "TOTAL", "current", "bn_VND", "3000000", "published", "red", ""]
    path = template_file(tmp_path / "m.csv", [merged], dataset="merged", publisher="HCMC Party Committee, draft "
                         "political report, via Người Lao Động", publication_date="2025-10-13",
                         url="https://nld.com.vn/cung-thanh-pho-tien-buoc-196251012203438172.htm")
    result = plan(read_template(path), root=root, today=TODAY)
    (finding,) = result.findings
    assert finding.status == "new" and [e.values["value"] for e in finding.others] == ["2740000"]
    assert "+260000 (+9.49%)" in summary(result)


def test_apply_appends_updates_provenance_and_the_log(root: Path, tmp_path: Path):
    old = (root / "vn_gdp" / "data.csv").read_text(encoding="utf-8")
    path = template_file(tmp_path / "r.csv", [Q1_FIRST, Q1_AGRI])
    written = apply(plan(read_template(path), root=root, today=TODAY))
    assert [p.name for p in written] == ["data.csv", "provenance.yaml", "DATA_LOG.md"]
    new = (root / "vn_gdp" / "data.csv").read_text(encoding="utf-8")
    assert new.startswith(old) and len(new.splitlines()) == len(old.splitlines()) + 2
    rows, problems = sources.check_data(root / "vn_gdp" / "data.csv")
    assert problems == [] and rows[-2]["value"] == "6.93" and rows[-1]["publication_date"] == "2025-04-06"
    provenance = (root / "vn_gdp" / "provenance.yaml").read_text(encoding="utf-8")
    # the latest release in the folder is still 2026-01-05; the comment on the retrieval line is kept
    assert "publication_date: '2026-01-05'\n" in provenance
    assert "retrieval_date: '2026-12-01'  # when read\n" in provenance
    log = (root / "DATA_LOG.md").read_text(encoding="utf-8")
    assert log.startswith("# Data log\n\nDatasets.\n") and "## Intake log" in log
    assert "`vn_gdp` · +2 rows" in log and "2 new figures" in log
    assert sources.validate(root) == []
    assert not [p for p in root.rglob("*.tmp")]


Q2_FIRST = ["vn", "national", "2025Q2", "Q", "grdp_real_growth", "TOTAL", "constant_2010", "percent", "7.96",
            "published", "", "first estimate"]


def test_two_intakes_are_serialised_and_no_release_is_lost(root: Path, tmp_path: Path):
    """Issue 24: an intake waits for the lock of sources/; a second plan made before the first was written is
    refused as changed (nothing lost, nothing half-written), and made again it appends after the first."""
    import threading

    from grdp.intake.writer import sources_lock

    first = plan(read_template(template_file(tmp_path / "a.csv", [Q1_FIRST])), root=root, today=TODAY)
    second = plan(read_template(template_file(tmp_path / "b.csv", [Q2_FIRST], publication_date="2025-07-06")),
                  root=root, today=TODAY)
    before = snapshot(root)
    done = threading.Event()
    with sources_lock(root):
        worker = threading.Thread(target=lambda: (apply(first), done.set()))
        worker.start()
        worker.join(0.5)
        assert not done.is_set() and snapshot(root) == before  # waits for the lock, writes nothing meanwhile
    worker.join(10)
    assert done.is_set()
    with pytest.raises(IntakeError, match="changed since the dry run was made"):
        apply(second)
    again = plan(read_template(template_file(tmp_path / "b.csv", [Q2_FIRST], publication_date="2025-07-06")),
                 root=root, today=TODAY)
    apply(again)
    values = [r["value"] for r in sources.check_data(root / "vn_gdp" / "data.csv")[0]]
    assert values[-2:] == ["6.93", "7.96"]
    log = (root / "DATA_LOG.md").read_text(encoding="utf-8")
    assert log.count("`vn_gdp` · +1 row ·") == 2 and sources.validate(root) == []


def test_an_error_between_the_replacements_is_rolled_forward(root: Path, tmp_path: Path, monkeypatch):
    """Issue 24: an I/O error after the commit point (here on the second of the three moves) does not leave
    data.csv appended without its log entry and provenance: the moves are completed, and the error is raised."""
    from grdp.intake import writer

    result = plan(read_template(template_file(tmp_path / "r.csv", [Q1_FIRST])), root=root, today=TODAY)
    real, calls = os.replace, []

    def flaky(source, target):
        calls.append(target)
        if len(calls) == 3:  # the journal is the first move, data.csv the second, provenance.yaml the third
            raise OSError(5, "Input/output error", str(target))
        real(source, target)
    monkeypatch.setattr(writer.os, "replace", flaky)
    with pytest.raises(OSError):
        apply(result)
    monkeypatch.setattr(writer.os, "replace", real)
    assert [r["value"] for r in sources.check_data(root / "vn_gdp" / "data.csv")[0]][-1] == "6.93"
    assert "`vn_gdp` · +1 row ·" in (root / "DATA_LOG.md").read_text(encoding="utf-8")
    assert sources.validate(root) == [] and not list(root.rglob(".*intake*"))


def test_an_intake_killed_after_its_commit_point_is_completed_by_validate(root: Path, tmp_path: Path,
                                                                          monkeypatch, capsys):
    """Issue 24: a kill after the journal was written (no clean-up ran) leaves the journal; the contract refuses
    the sources until `grdp validate` completes the intake and says so."""
    from grdp.intake import writer

    result = plan(read_template(template_file(tmp_path / "r.csv", [Q1_FIRST])), root=root, today=TODAY)
    monkeypatch.setattr(writer, "_roll_forward", lambda *a: (_ for _ in ()).throw(SystemExit("killed")))
    with pytest.raises(SystemExit):
        apply(result)
    monkeypatch.undo()
    assert (root / ".intake-journal.json").exists()
    problems = [str(p) for p in sources.validate(root)]
    assert any("interrupted after its commit point" in p for p in problems), problems
    with pytest.raises(sources.SourceValidationError):
        sources.load_observations(root)
    monkeypatch.setenv("GRDP_ROOT", str(root.parent))
    assert cli.main(["validate"]) == 0
    err = capsys.readouterr().err
    assert "completed an intake that was interrupted after its commit point: wrote vn_gdp/data.csv, " \
           "vn_gdp/provenance.yaml, DATA_LOG.md" in err
    assert "`vn_gdp` · +1 row ·" in (root / "DATA_LOG.md").read_text(encoding="utf-8")


def test_an_intake_killed_before_its_commit_point_is_rolled_back_by_validate(root: Path, tmp_path: Path,
                                                                             monkeypatch, capsys):
    before = snapshot(root)
    (root / "vn_gdp" / ".data.csv.intake-999.tmp").write_text("half", encoding="utf-8")
    (root / ".DATA_LOG.md.intake-999.tmp").write_text("half", encoding="utf-8")
    problems = [str(p) for p in sources.validate(root)]
    assert sum("a temporary file of an interrupted intake" in p for p in problems) == 2, problems
    monkeypatch.setenv("GRDP_ROOT", str(root.parent))
    assert cli.main(["validate"]) == 0
    assert "removed the temporary files of an intake that was interrupted before it wrote anything" in \
        capsys.readouterr().err
    assert snapshot(root) == before


def test_a_file_dropped_at_the_top_of_sources_is_reported(root: Path):
    (root / "new_figures.csv").write_text("region,value\nhcmc,1\n", encoding="utf-8")
    (problem,) = sources.validate(root)
    assert problem.file.name == "new_figures.csv" and "belongs to no dataset" in problem.message


def test_provenance_takes_the_latest_release_date(root: Path, tmp_path: Path):
    later = ["vn", "national", "2026Q1", "Q", "grdp_real_growth", "TOTAL", "constant_2010", "percent", "7.8",
             "published", "", ""]
    apply(plan(read_template(template_file(tmp_path / "r.csv", [later], publication_date="2026-04-06")),
               root=root, today=TODAY))
    assert "publication_date: '2026-04-06'\n" in (root / "vn_gdp" / "provenance.yaml").read_text(encoding="utf-8")


def test_a_new_dataset_is_started_with_its_provenance(root: Path, tmp_path: Path):
    cpi = ["vn", "national", "2026-02", "M", "grdp_real_growth", "TOTAL", "constant_2010", "percent", "3.35",
           "published", "", ""]
    path = template_file(tmp_path / "r.csv", [cpi], dataset="vn_new", new_dataset_title="A new dataset",
                         publication_date="2026-03-06")
    apply(plan(read_template(path), root=root, today=TODAY))
    assert sources.validate(root / "vn_new") == []
    assert "title: A new dataset" in (root / "vn_new" / "provenance.yaml").read_text(encoding="utf-8")


def test_unchanged_figures_can_be_left_out(root: Path, tmp_path: Path):
    same = ["vn", "national", "2025", "A", "grdp_real_growth", "TOTAL", "constant_2010", "percent", "8.02",
            "published", "", ""]
    new = Q1_AGRI
    path = template_file(tmp_path / "r.csv", [same, new], publication_date="2026-02-01", url="https://x.vn/a")
    kept = plan(read_template(path), root=root, today=TODAY)
    assert len(kept.rows) == 2 and {f.status for f in kept.findings} == {"unchanged", "new"}
    skipped = plan(read_template(path), root=root, today=TODAY, skip_unchanged=True)
    assert len(skipped.rows) == 1 and skipped.skipped_unchanged == 1
    with pytest.raises(IntakeError) as refused:
        plan(read_template(template_file(tmp_path / "s.csv", [same], publication_date="2026-02-01")),
             root=root, today=TODAY, skip_unchanged=True)
    assert refused.value.kind == "nothing new" and refused.value.nothing_new


# --------------------------------------------------------------------------------------------
# Refusals: one clear message each, nothing written
# --------------------------------------------------------------------------------------------

def refused(root: Path, path: Path, **kwargs) -> IntakeError:
    before = snapshot(root)
    with pytest.raises(IntakeError) as caught:
        plan(read_template(path), root=root, today=TODAY, **kwargs)
    assert snapshot(root) == before
    return caught.value


def test_refuses_a_duplicate_release(root: Path, tmp_path: Path):
    path = template_file(tmp_path / "r.csv", [Q1_FIRST, Q1_AGRI])
    apply(plan(read_template(path), root=root, today=TODAY))
    error = refused(root, path)
    assert error.kind == "duplicate" and error.nothing_new and len(error.problems) == 1
    assert "this release is already in sources/: all 2 figures" in str(error)
    assert "sources/vn_gdp/data.csv lines 5-6" in str(error)


def test_refuses_a_row_already_there_in_an_otherwise_new_release(root: Path, tmp_path: Path):
    again = ["vn", "national", "2025", "A", "grdp_real_growth", "TOTAL", "constant_2010", "percent", "8.02",
             "published", "", ""]
    path = template_file(tmp_path / "r.csv", [again, Q1_AGRI], publication_date="2026-01-05", url=CAFEF)
    error = refused(root, path)
    assert error.kind == "duplicate" and not error.nothing_new
    (problem,) = error.problems
    assert (problem.line, problem.column) == (10, "value")
    assert "already in sources/vn_gdp/data.csv line 2" in str(problem)


def test_refuses_a_conflicting_value_within_one_release(root: Path, tmp_path: Path):
    twice = Q1_FIRST[:8] + ["7.00"] + Q1_FIRST[9:]
    error = refused(root, template_file(tmp_path / "r.csv", [Q1_FIRST, twice]))
    assert error.kind == "conflict"
    (problem,) = error.problems
    assert problem.line == 11 and "two values in one release: 6.93 (at 10) and 7.00" in problem.message


def test_refuses_a_value_that_contradicts_the_same_release_in_sources(root: Path, tmp_path: Path):
    other = Q1_FIRST[:2] + ["2025"] + ["A"] + Q1_FIRST[4:8] + ["8.1"] + Q1_FIRST[9:]
    error = refused(root, template_file(tmp_path / "r.csv", [other], publication_date="2026-01-05", url=CAFEF))
    assert error.kind == "conflict"
    assert "this release already has the value 8.02 in sources/vn_gdp/data.csv line 2, not 8.1" in str(error)


@pytest.mark.parametrize("cells, line, column, message", [
    (Q1_FIRST[:8] + ["6,93"] + Q1_FIRST[9:], 10, "value", "uses a decimal comma"),
    (Q1_FIRST[:4] + ["gdp_growth"] + Q1_FIRST[5:], 10, "variable", "unknown variable 'gdp_growth'"),
    (Q1_FIRST[:2] + ["2025Q5"] + Q1_FIRST[3:], 10, "period", "'2025Q5' is not a valid period"),
    (Q1_FIRST[:9] + ["estimated"] + Q1_FIRST[10:], 10, "quality", "'estimated' is not allowed"),
])
def test_refuses_a_malformed_row_at_its_line_and_column(root: Path, tmp_path: Path, cells, line, column, message):
    error = refused(root, template_file(tmp_path / "r.csv", [cells]))
    assert error.kind == "invalid"
    (problem,) = error.problems
    assert (problem.line, problem.column) == (line, column) and message in problem.message
    assert f"r.csv, line {line}, column '{column}'" in str(problem)


def test_refuses_a_malformed_file(root: Path, tmp_path: Path):
    path = tmp_path / "r.csv"
    path.write_text("dataset,vn_gdp\npublisher,x\nregion,boundary,period,valeu\nvn,national,2025,1\n",
                    encoding="utf-8")
    with pytest.raises(IntakeError) as caught:
        read_template(path)
    text = str(caught.value)
    assert "line 3, column 'valeu': unknown column 'valeu'" in text
    assert "missing column(s) frequency, variable" in text
    assert "release field 'url' is missing or empty" in text
    path.write_bytes(b"dataset,vn_gdp\npublisher,C\xf4ng ty\n")  # Windows-1258, not UTF-8
    with pytest.raises(IntakeError, match="not UTF-8"):
        read_template(path)


def test_refuses_a_release_dated_after_today(root: Path, tmp_path: Path):
    error = refused(root, template_file(tmp_path / "r.csv", [Q1_FIRST], publication_date="2026-12-02"))
    assert error.kind == "future"
    (problem,) = error.problems
    assert (problem.line, problem.column) == (4, "publication_date")
    assert "publication date 2026-12-02 is after today (2026-12-01)" in problem.message


def test_refuses_an_unknown_dataset(root: Path, tmp_path: Path):
    error = refused(root, template_file(tmp_path / "r.csv", [Q1_FIRST], dataset="vn_gpd"))
    assert "no dataset folder sources/vn_gpd" in str(error)
    error = refused(root, template_file(tmp_path / "r.csv", [Q1_FIRST], dataset="_intake"))
    assert "not a dataset folder name" in str(error)


def test_shares_that_do_not_add_up_are_refused_by_the_contract(root: Path, tmp_path: Path):
    shares = [Q1_AGRI[:5] + [code] + Q1_AGRI[6:8] + [value] + Q1_AGRI[9:]
              for code, value in (("A", "11.56"), ("BTF", "36.31"), ("GTT", "43.44"), ("TAX", "9.9"))]
    error = refused(root, template_file(tmp_path / "r.csv", shares))
    assert "add up to 101.21, not 100" in str(error) and error.problems[0].file.name == "r.csv"


def test_a_failed_write_leaves_sources_as_they_were(root: Path, tmp_path: Path, monkeypatch):
    result = plan(read_template(template_file(tmp_path / "r.csv", [Q1_FIRST])), root=root, today=TODAY)
    before = snapshot(root)
    calls = []

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        apply(result)
    assert snapshot(root) == before  # no temporary file left, nothing replaced


def test_a_file_changed_after_the_dry_run_is_not_overwritten(root: Path, tmp_path: Path):
    result = plan(read_template(template_file(tmp_path / "r.csv", [Q1_FIRST])), root=root, today=TODAY)
    data = root / "vn_gdp" / "data.csv"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    before = snapshot(root)
    with pytest.raises(IntakeError, match="changed since the dry run"):
        apply(result)
    assert snapshot(root) == before


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------

@pytest.fixture
def project(root: Path, monkeypatch) -> Path:
    monkeypatch.setenv("GRDP_ROOT", str(root.parent))
    return root


def test_command_dry_run_then_apply_then_duplicate(project: Path, tmp_path: Path, capsys):
    path = template_file(tmp_path / "r.csv", [Q1_FIRST, Q1_AGRI])
    before = snapshot(project)
    assert cli.main(["ingest", "release", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert "New figures" in out and "Dry run: nothing written" in out and snapshot(project) == before
    assert cli.main(["ingest", "release", "--file", str(path), "--apply"]) == 0
    assert "written:" in capsys.readouterr().out and snapshot(project) != before
    assert cli.main(["ingest", "release", "--file", str(path), "--apply"]) == cli.INGEST_EXIT_NOTHING_NEW
    assert "this release is already in sources/" in capsys.readouterr().err


def test_command_refusal_exit_code_and_template(project: Path, tmp_path: Path, capsys):
    path = template_file(tmp_path / "r.csv", [Q1_FIRST], publication_date="2099-01-01")
    assert cli.main(["ingest", "release", "--file", str(path), "--apply"]) == 1
    err = capsys.readouterr().err
    assert "release refused (future)" in err and "line 4, column 'publication_date'" in err
    assert cli.main(["ingest", "--template", str(tmp_path / "blank.xlsx")]) == 0
    assert (tmp_path / "blank.xlsx").exists()
    assert cli.main(["ingest"]) == 2


def test_a_statistics_office_table_goes_through_the_existing_adapter(project: Path, tmp_path: Path, capsys):
    book = openpyxl.Workbook()
    sheet = book.active
    for cells in (["Tổng sản phẩm trên địa bàn theo giá hiện hành"], ["Đơn vị tính: Tỷ đồng"],
                  ["Ngành kinh tế", 2022, "Sơ bộ 2023"], ["TỔNG SỐ", "1.479.227", 1_613_000],
                  ["Xây dựng", 95_000, "101.500"]):
        sheet.append(cells)
    book.save(tmp_path / "nien_giam.xlsx")
    args = ["ingest", "table", "--file", str(tmp_path / "nien_giam.xlsx"), "--dataset", "merged", "--region", "hcmc",
            "--boundary", "old", "--publisher", "HCMC Statistics Office (Cục Thống kê), yearbook 2023",
            "--publication-date", "2024-06-30", "--url", "https://thongke.hochiminhcity.gov.vn/nien-giam-2023.xlsx"]
    assert cli.main(args + ["--apply"]) == 0
    rows, problems = sources.check_data(project / "merged" / "data.csv")
    assert problems == [] and [(r["period"], r["industry"], r["value"], r["note"]) for r in rows[-4:]] == [
        ("2022", "TOTAL", "1479227", ""), ("2022", "F", "95000", ""),
        ("2023", "TOTAL", "1613000", "preliminary (Sơ bộ)"), ("2023", "F", "101500", "preliminary (Sơ bộ)")]
    capsys.readouterr()
    bad = args[:]
    bad[bad.index("old")] = "new"
    assert cli.main(bad) == 1 and "argument boundary: 'new' is not allowed" in capsys.readouterr().err


def test_command_asks_before_writing_when_run_by_a_person(project: Path, tmp_path: Path, monkeypatch, capsys):
    path = template_file(tmp_path / "r.csv", [Q1_FIRST])
    before = snapshot(project)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert cli.main(["ingest", "release", "--file", str(path)]) == 0
    assert "Dry run: nothing written" in capsys.readouterr().out and snapshot(project) == before
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert cli.main(["ingest", "release", "--file", str(path)]) == 0
    assert "written:" in capsys.readouterr().out and snapshot(project) != before


def test_download_refuses_what_is_not_http(tmp_path: Path):
    from grdp.intake.download import fetch

    with pytest.raises(IntakeError, match="not a well-formed http"):
        fetch("ftp://nsdp.nso.gov.vn/GDPVNM.xml", tmp_path)


# --------------------------------------------------------------------------------------------
# Bounded inputs and what a person sees (issue 24)
# --------------------------------------------------------------------------------------------

def _workbook(path: Path, build) -> Path:
    book = openpyxl.Workbook()
    build(book)
    book.save(path)
    return path


def _release_sheet(sheet) -> None:
    for line in [["dataset", "vn_gdp"], ["publisher", "Cục Thống kê, via Người Lao Động"],
                 ["publication_date", "2025-04-06"], ["date_approx", "false"], ["url", NLD], ["rating", "amber"],
                 [], TABLE_COLUMNS, Q1_FIRST]:
        sheet.append(line)


@pytest.mark.parametrize("case, build, words", [
    ("hidden-first-sheet", lambda b: (setattr(b.active, "sheet_state", "hidden"), _release_sheet(b.create_sheet("v"))),
     None),
    ("hidden-row", lambda b: (_release_sheet(b.active), b.active.append(Q1_AGRI),
                              setattr(b.active.row_dimensions[10], "hidden", True)),
     "cell A10 is in a hidden row"),
    ("formula", lambda b: (_release_sheet(b.active), b.active.__setitem__("I9", "=6.9+0.03")),
     "cell I9 holds a formula (=6.9+0.03)"),
    ("huge-sheet", lambda b: (_release_sheet(b.active), b.active.__setitem__("A200000", "x")),
     "spans 200,000 rows"),
], ids=["hidden-first-sheet", "hidden-row", "formula", "huge-sheet"])
def test_a_workbook_is_read_as_a_person_sees_it(tmp_path: Path, case, build, words):
    path = _workbook(tmp_path / f"{case}.xlsx", build)
    if words is None:  # the hidden first sheet is skipped: the visible one is read
        (row,) = read_template(path).rows
        assert row.values["value"] == "6.93"
        return
    with pytest.raises(IntakeError) as refused:
        read_template(path)
    assert words in str(refused.value), str(refused.value)


def test_a_percent_formatted_cell_is_read_as_shown(tmp_path: Path):
    def build(book):
        _release_sheet(book.active)
        book.active["I9"] = 0.0693
        book.active["I9"].number_format = "0.00%"
    (row,) = read_template(_workbook(tmp_path / "p.xlsx", build)).rows
    assert row.values["value"] == "6.93"  # shown as 6.93%, not stored 100 times too small


def test_a_zip_bomb_and_an_oversized_file_are_refused_with_the_limit(tmp_path: Path):
    import zipfile

    from grdp.intake import statistics_office as so

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    with pytest.raises(sources.SourceValidationError, match="unpacks .* times its packed size .* zip bomb"):
        so.read_sheet(bomb, 0)
    large = tmp_path / "large.csv"
    with large.open("wb") as out:
        out.truncate(so.MAX_FILE_BYTES + 1)
    with pytest.raises(IntakeError, match=r"is 20,000,001 bytes, more than the 20,000,000 bytes an intake reads"):
        read_template(large)


@pytest.fixture
def server():
    """A local HTTP server: /big announces a huge file, /endless sends bytes for ever, /slow trickles."""
    import http.server
    import threading
    import time as clock

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            if self.path == "/big.xml":
                self.send_header("Content-Length", str(10**12))
                self.end_headers()
                return
            self.end_headers()
            try:
                while True:
                    self.wfile.write(b"x" * (65536 if self.path == "/endless.xml" else 1))
                    if self.path == "/slow.xml":
                        clock.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_download_is_bounded_in_size_and_time(tmp_path: Path, server, monkeypatch):
    from grdp.intake import download

    with pytest.raises(IntakeError, match="announces 1,000,000,000,000 bytes"):
        download.fetch(f"{server}/big.xml", tmp_path)
    monkeypatch.setattr(download, "MAX_BYTES", 1_000_000)
    with pytest.raises(IntakeError, match="more than 1,000,000 bytes"):
        download.fetch(f"{server}/endless.xml", tmp_path)
    monkeypatch.setattr(download, "DEADLINE_SECONDS", 1)
    with pytest.raises(IntakeError, match="not finished after 1 s"):
        download.fetch(f"{server}/slow.xml", tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing left behind
    for bad in ("http://", "https://exa mple.org/x", "http://example.org:port/x", "https:///nohost"):
        with pytest.raises(IntakeError, match="not a well-formed http"):
            download.fetch(bad, tmp_path)


def test_a_repeated_figure_with_a_word_for_a_value_and_an_overlong_note_give_one_located_message(
        root: Path, tmp_path: Path):
    """Issue 24: no traceback from a repeated figure whose value is not a number, nor from a note longer than a
    CSV field may be; a reversed average period is refused."""
    word = Q1_FIRST[:8] + ["abc"] + Q1_FIRST[9:]
    with pytest.raises(IntakeError) as refused:
        plan(read_template(template_file(tmp_path / "a.csv", [Q1_FIRST, word])), root=root, today=TODAY)
    assert "line 11, column 'value': 'abc' is not a number" in str(refused.value)
    with pytest.raises(IntakeError) as refused:
        read_template(template_file(tmp_path / "b.csv", [Q1_FIRST[:11] + ["n" * 200_000]]))
    assert "a field is longer than" in str(refused.value) and "line" in str(refused.value)
    average = ["vn", "national", "2022-2020", "AVG"] + Q1_FIRST[4:]
    with pytest.raises(IntakeError, match="an average period that ends before it starts"):
        plan(read_template(template_file(tmp_path / "c.csv", [average])), root=root, today=TODAY)
