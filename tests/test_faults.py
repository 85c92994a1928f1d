"""Faults and hostile use of the commands: one input snapshot per run, sealed vintages, locks, signals, no tracebacks.

Every test id names its class: ``snapshot`` (a run reads its inputs once), ``sealed`` (nothing lands in a published
vintage; tampering is detected), ``staging`` and ``lock`` (dead runs are cleaned, two runs never race), ``signal``
(Ctrl-C and SIGTERM clean up and exit 130 and 143) and ``cli`` (user errors give one message, never a traceback).

Runs of the pipeline here use small notebooks written by the tests (a few seconds each) against a copy of the real
``sources/``; one test runs the real notebooks while a source is edited. Each small notebook writes the observations
it read as the catalogued table ``observations_as_of`` into a folder of its own (``<staging>/<notebook>/tables/``),
since a run only writes tables of the catalogue (:mod:`grdp.run.catalogue`).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import GRDP_2022, LEVELS

from grdp import sources
from grdp.base import paths
from grdp.cli import main
from grdp.run import pipeline, vintage

REPO = paths.repo_root()
PARAMETERS = 'vintage = ""\nas_of = ""\nregion = "hcmc"\nboundary = "old"\noutput_dir = ""\ninputs = ""'

READ = """
import os, time
from pathlib import Path
from grdp import sources
from grdp.run import vintage as vintages

time.sleep(float(os.environ.get("GRDP_TEST_SLEEP", "0")) if "{name}" == "second" else 0)
observations = sources.load_snapshot(inputs)
grdp = observations[(observations["region"] == "hcmc") & (observations["variable"] == "grdp")
                    & (observations["period"] == "2022") & (observations["industry"] == "TOTAL")]
vintages.write_table(grdp.drop(columns="release_date"), Path(output_dir, "{name}"), "observations_as_of")
"""


def read_back(folder: Path, notebook: str) -> pd.DataFrame:
    """The observations a small notebook (``READ``) read, from the vintage ``folder`` it ran in."""
    return pd.read_csv(folder / notebook / "tables" / "observations_as_of.csv")


SMALL_TABLE = "cell_counts_hcmc_old"
CELL_COUNTS = pd.DataFrame({"year": [2024], "derived": [1], "imputed": [0]})
"""A small catalogued table: the cells of an account that are derived or imputed, by year."""


def write_notebook(path: Path, *cells: str) -> None:
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})]
    book.cells += [nbformat.v4.new_code_cell(code) for code in cells]
    book.metadata["kernelspec"] = {"name": "grdp", "display_name": "Python (grdp)", "language": "python"}
    nbformat.write(book, path)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the real sources with two small notebooks that read the snapshot and write a table each."""
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    (tmp_path / "notebooks").mkdir()
    write_notebook(tmp_path / "notebooks" / "01_first.ipynb", READ.format(name="first"))
    write_notebook(tmp_path / "notebooks" / "02_second.ipynb", READ.format(name="second"))
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    return tmp_path


def small_vintage(label: str = "2025Q4") -> Path:
    """Publish a vintage of two files by hand (no notebooks) in the current ``GRDP_ROOT``."""
    staging = vintage.staging_dir(label)
    vintage.write_table(CELL_COUNTS, staging, SMALL_TABLE)
    (staging / "figures" / "f.png").write_bytes(b"not really a png")
    parameters = {"vintage": label, "as_of": vintage.default_as_of(label).isoformat(), "region": "hcmc",
                  "boundary": "old"}
    with vintage.lock(label):
        return vintage.publish(staging, label, parameters, {}, datetime.now(timezone.utc))


def start_run(project: Path, label: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "grdp.cli", "run", "--vintage", label, "--as-of", "2025-12-31",
                             "--quiet"], env={**os.environ, "GRDP_ROOT": str(project), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float = 180.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def staging_file(project: Path, name: str) -> bool:
    return any((folder / name).exists() for folder in (project / "forecasts").glob(".staging-*"))


def processes_of(project: Path) -> list[int]:
    """Processes whose environment points GRDP_ROOT at ``project`` (grdp, papermill children, kernels)."""
    marker = f"GRDP_ROOT={project}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def unlocked(label: str) -> bool:
    try:
        with vintage.lock(label):
            return True
    except vintage.VintageError:
        return False


# --------------------------------------------------------------------------------------------------------------
# snapshot: a run reads its inputs once
# --------------------------------------------------------------------------------------------------------------

def test_snapshot_edit_during_a_run_cannot_leak_in(project):
    edit = (f"from pathlib import Path\nimport os\npath = Path(os.environ['GRDP_ROOT'], '{LEVELS}')\n"
            f"path.write_text(path.read_text(encoding='utf-8').replace('{GRDP_2022}', '2000000'), encoding='utf-8')")
    write_notebook(project / "notebooks" / "01_first.ipynb", READ.format(name="first"), edit)
    live = READ.format(name="live").replace("sources.load_snapshot(inputs)", "sources.load_observations()")
    write_notebook(project / "notebooks" / "03_live.ipynb", live)
    folder = pipeline.run("2026Q1", as_of="2025-12-31", progress=False)
    first, second, edited = (read_back(folder, n) for n in ("first", "second", "live"))
    assert first["value"].tolist() == second["value"].tolist() and float(GRDP_2022) in first["value"].tolist()
    assert 2000000 in edited["value"].tolist()  # the edit did happen, while the run was in progress
    manifest = vintage.read_manifest("2026Q1")
    assert manifest["input_snapshot"]["sha256"] == vintage.sha256(folder / vintage.SNAPSHOT)
    assert vintage.verify("2026Q1") == []


def test_snapshot_holds_every_release_by_the_as_of_date_and_reads_back_exactly(project, tmp_path):
    table = sources.snapshot_table("2025-09-30")
    path = vintage.write_csv(table, tmp_path / "snapshot.csv")
    back = sources.load_snapshot(path)
    everything = sources.load_observations()
    expected = everything[everything["release_date"] <= pd.Timestamp("2025-09-30")].reset_index(drop=True)
    pd.testing.assert_frame_equal(back, expected)
    assert back["release_date"].max() <= pd.Timestamp("2025-09-30")
    superseded = sources.as_of(back, "2025-09-30")
    assert len(superseded) < len(back)  # superseded releases are in the snapshot, for the code that needs them
    assert vintage.write_csv(sources.snapshot_table("2025-09-30"), tmp_path / "again.csv").read_bytes() == \
        path.read_bytes()


def test_snapshot_that_is_not_one_is_refused(tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(sources.SourceValidationError, match="not an input snapshot"):
        sources.load_snapshot(tmp_path / "x.csv")
    with pytest.raises(sources.SourceValidationError, match="file is missing"):
        sources.load_snapshot(tmp_path / "missing.csv")


def test_snapshot_every_pipeline_notebook_reads_observations_through_it():
    for book in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(book, as_version=4)
        parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
        assert 'inputs = ""' in parameters.source, book.name
        code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        # one as-of view per notebook, built from the snapshot, and passed on: no other read, no second cut
        assert code.count("sources.Releases.load(inputs, as_of)") == 1 and "load_observations" not in code, book.name
        assert "load_snapshot" not in code and "sources.as_of(" not in code, book.name


def test_snapshot_real_vintages_record_their_inputs(built):
    for label, previous in (("2025Q3", None), ("2025Q4", "2025Q3")):
        folder = built / "forecasts" / label
        manifest = vintage.read_manifest(label)
        as_of = manifest["parameters"]["as_of"]
        assert manifest["latest_release_used"] <= as_of
        snapshot = sources.load_snapshot(folder / vintage.SNAPSHOT)
        assert manifest["latest_release_used"] == snapshot["release_date"].max().date().isoformat()
        used = pd.read_csv(folder / "tables" / "observations_as_of.csv", dtype=str, keep_default_na=False)
        assert max(sources.release_date(d) for d in used["publication_date"]).isoformat() <= as_of
        assert manifest["input_snapshot"]["rows"] == len(snapshot)
        assert manifest["previous_vintage"] == previous
        executed = nbformat.read(folder / "01_sector_accounts.ipynb", as_version=4)
        assert executed.metadata["papermill"]["parameters"]["inputs"].endswith("inputs/observations.csv")
    q4 = vintage.read_manifest("2025Q4")
    assert q4["no_new_release_since"] is None and q4["new_releases"]
    assert set(q4["new_releases"][0]) == {"source_id", "publisher", "publication_date", "rows"}
    assert all("2025-10-01" <= str(sources.release_date(r["publication_date"])) <= "2025-12-31"
               for r in q4["new_releases"])


def test_snapshot_real_notebooks_ignore_a_source_edited_during_the_run(built_root, second_run, monkeypatch):
    """The real pipeline, while HCMC's GRDP 2022 is edited in sources/ as notebook 02 starts
    (:func:`conftest.second_run`): every table equals the session's vintage 2025Q4 (same as-of date), and the
    manifest says no release arrived since 2025Q4."""
    root, folder = second_run.root, second_run.folder
    monkeypatch.setenv("GRDP_ROOT", str(root))
    assert second_run.edited
    session = built_root / "forecasts" / "2025Q4" / "tables"
    differ = [p.name for p in sorted(session.glob("*.csv")) if p.read_bytes() != (folder / "tables" / p.name)
              .read_bytes()]
    assert differ == []
    manifest = vintage.read_manifest("2026Q1")
    assert manifest["no_new_release_since"] == "2025Q4" and manifest["new_releases"] == []
    assert manifest["inputs"][str(LEVELS)] != vintage.sha256(root / LEVELS)  # hashed when the run started
    assert vintage.verify("2026Q1") == []


# --------------------------------------------------------------------------------------------------------------
# sealed: nothing lands in a published vintage, and tampering is found
# --------------------------------------------------------------------------------------------------------------

def _rehash(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"][f"tables/{SMALL_TABLE}.csv"] = vintage.sha256(folder / "tables" / f"{SMALL_TABLE}.csv")
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


TAMPERING = {
    "added-file": (lambda f: (f / "tables" / "extra.csv").write_text("a\n1\n"), "tables/extra.csv added"),
    "added-hidden-file": (lambda f: (f / ".notes").write_text("x"), ".notes added"),
    "removed-file": (lambda f: (f / "tables" / f"{SMALL_TABLE}.csv").unlink(), f"tables/{SMALL_TABLE}.csv missing"),
    "changed-file": (lambda f: (f / "tables" / f"{SMALL_TABLE}.csv").write_text("year,derived,imputed\n2024,9,0\n"),
                     f"tables/{SMALL_TABLE}.csv changed"),
    "changed-file-and-its-hash": (lambda f: ((f / "tables" / f"{SMALL_TABLE}.csv").write_text(
        "year,derived,imputed\n2024,9,0\n"), _rehash(f)), "manifest.json was edited after publication"),
    "deleted-manifest": (lambda f: (f / "manifest.json").unlink(), "manifest.json missing"),
    "empty-manifest": (lambda f: (f / "manifest.json").write_text(""), "manifest.json: is empty"),
    "corrupt-manifest": (lambda f: (f / "manifest.json").write_text('{"vintage": "2025Q4",'),
                         "manifest.json: is not valid JSON"),
    "reports-without-manifest": (lambda f: ((f / "reports").mkdir(), (f / "reports" / "brief.html").write_text("x")),
                                 "reports/manifest.json missing"),
}


@pytest.mark.parametrize("how", list(TAMPERING), ids=[f"sealed-{k}" for k in TAMPERING])
def test_sealed_tampering_is_reported_and_fails(tmp_path, monkeypatch, capsys, how):
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    small_vintage("2025Q3")
    folder = small_vintage("2025Q4")
    assert main(["vintages"]) == 0
    capsys.readouterr()
    tamper, words = TAMPERING[how]
    tamper(folder)
    assert main(["vintages"]) == 1
    out = capsys.readouterr().out
    assert "2025Q4  CHANGED" in out and words in out and "2025Q3  intact" in out


def test_sealed_revisions_output_refuses_paths_inside_forecasts_and_sources(built_root, tmp_path, monkeypatch,
                                                                           capsys):
    root = tmp_path / "root"
    shutil.copytree(built_root / "forecasts", root / "forecasts")
    (root / "sources").mkdir()
    (tmp_path / "link").symlink_to(root / "forecasts" / "2025Q4")
    monkeypatch.setenv("GRDP_ROOT", str(root))
    assert vintage.verify("2025Q4") == []
    for target in (root / "forecasts" / "2025Q4" / "tables" / "accounts_hcmc_old.csv",
                   root / "forecasts" / "2025Q4" / "tables" / "new.csv", root / "forecasts" / "revisions.csv",
                   tmp_path / "link" / "revisions.csv", root / "sources" / "revisions.csv"):
        assert main(["revisions", "--output", str(target)]) == 1, target
        assert "is inside" in capsys.readouterr().err
    assert vintage.verify("2025Q4") == [] and not (root / "forecasts" / "2025Q4" / "tables" / "new.csv").exists()
    assert main(["revisions", "--output", str(tmp_path / "revisions.csv")]) == 0
    assert (tmp_path / "revisions.csv").exists()


def test_sealed_tables_are_written_only_into_a_staging_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    folder = small_vintage()
    with pytest.raises(vintage.VintageError, match="published vintages are sealed"):
        vintage.write_table(CELL_COUNTS, folder, "cell_counts_hcmc_merged")
    assert not (folder / "tables" / "cell_counts_hcmc_merged.csv").exists() and vintage.verify("2025Q4") == []
    assert vintage.write_table(CELL_COUNTS, tmp_path / "elsewhere", SMALL_TABLE).exists()  # outside forecasts/


def test_sealed_cache_is_deleted_before_the_manifest(project):
    cache = "from pathlib import Path\nPath(output_dir, '.cache').mkdir()\nPath(output_dir, '.cache', 'm.pkl')" \
            ".write_bytes(b'model')"
    write_notebook(project / "notebooks" / "01_first.ipynb", READ.format(name="first"), cache)
    folder = pipeline.run("2026Q1", as_of="2025-12-31", progress=False)
    assert not (folder / ".cache").exists()
    assert not any(".cache" in name for name in vintage.read_manifest("2026Q1")["outputs"])
    assert vintage.verify("2026Q1") == []


def test_sealed_a_notebook_changed_during_the_run_stops_the_publication(project):
    touch = ("from pathlib import Path\nimport os\np = Path(os.environ['GRDP_ROOT'], 'notebooks', '02_second.ipynb')\n"
             "p.write_text(p.read_text() + '\\n')")
    write_notebook(project / "notebooks" / "01_first.ipynb", READ.format(name="first"), touch)
    with pytest.raises(pipeline.PipelineError, match="02_second.ipynb changed while the run was in progress"):
        pipeline.run("2026Q1", as_of="2025-12-31", progress=False)
    assert not (project / "forecasts" / "2026Q1").exists()
    assert not list((project / "forecasts").glob(".staging-*"))


# --------------------------------------------------------------------------------------------------------------
# staging and lock: dead runs are found and cleaned; two runs of one vintage never race
# --------------------------------------------------------------------------------------------------------------

def test_staging_of_dead_runs_is_reported_then_cleaned(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    folder = small_vintage()
    dead = [tmp_path / "forecasts" / ".staging-2026Q1-999999", folder / ".reports-staging-999999",
            tmp_path / "forecasts" / ".staging-2099Q1\n-999998"]
    for path in dead:
        (path / "tables").mkdir(parents=True)
        (path / "tables" / "half.csv").write_text("a\n")
    assert vintage.verify("2025Q4") == []  # a publication's staging folder is not a file of the vintage
    assert main(["vintages"]) == 1
    out = capsys.readouterr().out
    assert all(f"{path}: staging folder of a run that did not finish" in out for path in dead[:2])
    assert main(["vintages", "--clean"]) == 0
    out = capsys.readouterr().out
    assert "removed" in out and not any(path.exists() for path in dead)


def test_staging_of_a_live_run_is_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    live = tmp_path / "forecasts" / ".staging-2026Q1-12345"
    live.mkdir(parents=True)
    with vintage.lock("2026Q1"):
        assert vintage.stale_staging() == [] and vintage.clean_staging() == []
    assert live.exists()
    assert vintage.stale_staging() == [live]


def test_staging_of_dead_runs_is_cleaned_by_the_next_run(project, capsys):
    dead = [project / "forecasts" / ".staging-2026Q1-999999", project / "forecasts" / ".staging-2025Q3-999999"]
    for path in dead:
        path.mkdir(parents=True)
    pipeline.run("2026Q1", as_of="2025-12-31", progress=False)
    assert not any(path.exists() for path in dead)
    assert "did not finish" in capsys.readouterr().err


def test_lock_a_second_run_of_the_same_vintage_is_refused_while_the_first_goes_on(project, capsys):
    first = start_run(project, "2026Q1", GRDP_TEST_SLEEP="8")
    try:
        wait_for(lambda: staging_file(project, "02_second.ipynb"))
        assert main(["run", "--vintage", "2026Q1", "--as-of", "2025-12-31", "--quiet"]) == 1
        err = capsys.readouterr().err
        assert "is being written by grdp process" in err and "never race" in err
        assert main(["run", "--vintage", "2026Q1", "--as-of", "2025-12-31", "--quiet", "--skip-existing"]) == 1
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert vintage.verify("2026Q1") == [] and unlocked("2026Q1")
    assert main(["run", "--vintage", "2026Q1", "--as-of", "2025-12-31", "--quiet"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_lock_other_vintages_run_side_by_side(project):
    with vintage.lock("2026Q2"):
        assert pipeline.run("2026Q1", as_of="2025-12-31", progress=False).exists()


# --------------------------------------------------------------------------------------------------------------
# signal: Ctrl-C and SIGTERM clean up and exit with the conventional status
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("signum,status,words", [(signal.SIGTERM, 143, "terminated (SIGTERM)"),
                                                 (signal.SIGINT, 130, "interrupted (Ctrl-C)")],
                         ids=["signal-sigterm", "signal-sigint"])
def test_signal_during_a_run_cleans_up_and_exits_conventionally(project, signum, status, words):
    run = start_run(project, "2026Q1", GRDP_TEST_SLEEP="60")
    try:
        wait_for(lambda: staging_file(project, "02_second.ipynb"))
        time.sleep(2)  # the kernel of notebook 02 is sleeping
        run.send_signal(signum)
        out, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == status, err
    assert words in err and "Traceback" not in err
    forecasts = project / "forecasts"
    assert sorted(p.name for p in forecasts.iterdir()) == [".locks"]  # no staging folder, no vintage
    assert unlocked("2026Q1")
    wait_for(lambda: processes_of(project) == [], timeout=30)  # no kernel or papermill child left running


def test_signal_kill_9_of_a_run_ends_its_notebook_and_kernel_and_the_next_run_cleans_up(project, capsys):
    """Issue 24: after ``kill -9`` of ``grdp run`` (no clean-up can run in it), its notebook child and kernel end
    too instead of running on and writing; the next run reports and removes the staging folder left behind."""
    run = start_run(project, "2026Q1", GRDP_TEST_SLEEP="60")
    try:
        wait_for(lambda: staging_file(project, "02_second.ipynb"))
        time.sleep(2)  # the kernel of notebook 02 is sleeping
        run.kill()
        run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
    wait_for(lambda: processes_of(project) == [], timeout=30)  # no papermill child or kernel left running
    assert list((project / "forecasts").glob(".staging-*")) and unlocked("2026Q1")
    assert main(["run", "--vintage", "2026Q1", "--as-of", "2025-12-31", "--quiet"]) == 0
    assert "the staging folder of a run that did not finish" in capsys.readouterr().err
    assert not list((project / "forecasts").glob(".staging-*")) and vintage.verify("2026Q1") == []


# --------------------------------------------------------------------------------------------------------------
# cli: bad arguments and bad files give one message and a non-zero exit, never a traceback
# --------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv,words", [
    (["run", "--vintage", "2099Q1\n"], "not a quarter label"),
    (["run", "--vintage", "..", "--skip-existing"], "not a quarter label"),
    (["run", "--vintage", "2025Q4/../2025Q3", "--skip-existing"], "not a quarter label"),
    (["run", "--vintage", "Q" * 10_000], "10,000 characters"),
    (["run", "--vintage", "2025Q4", "--as-of", "yesterday"], "'yesterday' is not a date"),
    (["accounts", "--as-of", "yesterday"], "'yesterday' is not a date"),
    (["estimate", "--as-of", "2025-13-01"], "is not a date"),
    (["estimate", "--draws", "1e9"], "not a whole number of draws"),
    (["estimate", "--draws", "1000000000"], "from 1 to 1,000,000"),
    (["publish", "--vintage", "2025Q4\n"], "not a quarter label"),
    (["revisions", "--upto", "latest"], "not a quarter label"),
], ids=["cli-label-newline", "cli-label-dotdot-skip-existing", "cli-label-path", "cli-label-10000-characters",
        "cli-run-as-of-yesterday", "cli-accounts-as-of-yesterday", "cli-estimate-as-of-month-13",
        "cli-draws-1e9", "cli-draws-above-bound", "cli-publish-label-newline", "cli-revisions-upto-word"])
def test_cli_bad_argument_is_one_message_before_anything_runs(tmp_path, monkeypatch, capsys, argv, words):
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and len(err) < 1000
    assert list(tmp_path.iterdir()) == []  # nothing was created


def test_cli_draws_bound_is_stated_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["estimate", "--help"])
    assert "1,000,000" in capsys.readouterr().out


@pytest.mark.parametrize("text,words", [("", "is empty"), ("{not json", "is not valid JSON"),
                                        ("[1, 2]", "not a manifest")],
                         ids=["cli-manifest-empty", "cli-manifest-corrupt", "cli-manifest-not-an-object"])
def test_cli_damaged_manifest_is_one_message_for_every_command(tmp_path, monkeypatch, capsys, text, words):
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    folder = small_vintage()
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    for argv in (["publish", "--vintage", "2025Q4", "--renderer", "preview", "--quiet"], ["revisions"],
                 ["vintages"]):
        assert main(argv) == 1, argv
        captured = capsys.readouterr()
        assert words in captured.out + captured.err and "Traceback" not in captured.err, argv
    assert not (folder / "reports").exists()


def _failing_mkdir(code: int, real=Path.mkdir):
    def mkdir(self, *args, **kwargs):
        if "forecasts" in self.parts:
            raise OSError(code, os.strerror(code), str(self))
        return real(self, *args, **kwargs)
    return mkdir


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"),
                                        (errno.EACCES, "permission denied")],
                         ids=["cli-run-disk-full", "cli-run-read-only", "cli-run-permission-denied"])
def test_cli_run_on_a_full_or_read_only_forecasts_folder(project, monkeypatch, capsys, code, words):
    monkeypatch.setattr(Path, "mkdir", _failing_mkdir(code))
    assert main(["run", "--vintage", "2026Q1", "--as-of", "2025-12-31", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert words in err and "nothing half-written was left" in err and "Traceback" not in err


def test_cli_run_when_forecasts_is_a_file(project, capsys):
    (project / "forecasts").write_text("not a folder")
    assert main(["run", "--vintage", "2026Q1", "--as-of", "2025-12-31", "--quiet"]) == 1
    assert "forecasts" in capsys.readouterr().err


def test_cli_run_disk_full_while_writing_leaves_nothing(project, monkeypatch, capsys):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    assert main(["run", "--vintage", "2026Q1", "--as-of", "2025-12-31", "--quiet"]) == 1
    assert "the disk is full" in capsys.readouterr().err
    assert sorted(p.name for p in (project / "forecasts").iterdir()) == [".locks"]


def test_cli_revisions_output_on_a_full_disk_leaves_no_file(built_root, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRDP_ROOT", str(built_root))

    def full(*args, **kwargs):
        Path(args[1]).write_text("half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    assert main(["revisions", "--output", str(tmp_path / "r.csv")]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_cli_conflicting_national_releases_are_a_message_not_a_type_error(tmp_path, monkeypatch, capsys):
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    folder = tmp_path / "sources" / "zz_conflict"
    folder.mkdir()
    lines = (REPO / "sources" / "gso_nsdp_gdp_by_section" / "data.csv").read_text(encoding="utf-8").splitlines()
    national = next(line for line in lines if line.startswith("vn,national,2022,A,grdp,TOTAL,current"))
    url = "https://nsdp.gso.gov.vn/GSO-chung/SDMXFiles/GSO/GDPVNM.xml"
    (folder / "data.csv").write_text(lines[0] + "\n" + national.replace("9621371.8", "9700000")
                                     .replace(url, "https://example.org/other-copy") + "\n", encoding="utf-8")
    provenance = (REPO / "sources" / "policy_targets" / "provenance.yaml").read_text(encoding="utf-8")
    (folder / "provenance.yaml").write_text(provenance.replace("id: policy_targets", "id: zz_conflict"),
                                            encoding="utf-8")
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    assert sources.validate() == []
    for argv in (["accounts", "--region", "hcmc", "--year", "2023"], ["accounts", "--region", "vn"]):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "conflicting releases of the same figure" in err and "9700000 (zz_conflict" in err, argv


def test_cli_vintages_reports_a_folder_that_is_not_a_vintage(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    small_vintage()
    (tmp_path / "forecasts" / "2099Q1\n").mkdir()
    assert main(["vintages"]) == 1
    assert "not a vintage" in capsys.readouterr().out


def test_commands_that_refuse_write_nothing(tmp_path, monkeypatch, capsys):
    """Issue 24: publishing a vintage that does not exist creates neither ``forecasts/`` nor a lock; a vintage
    whose first open year is after the projection horizon is refused before the first notebook runs; a
    negative seed is refused naming ``--seed``."""
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    (tmp_path / "sources").mkdir()
    assert main(["publish", "--vintage", "2024Q1", "--renderer", "preview"]) == 1
    assert "2024Q1 has not been published" in capsys.readouterr().err
    assert not (tmp_path / "forecasts").exists()
    monkeypatch.delenv("GRDP_ROOT")
    assert main(["run", "--vintage", "2099Q1", "--quiet"]) == 1
    error = capsys.readouterr().err
    assert "first year that has not ended (2099) is after the projection horizon 2035" in error
    assert "nothing was run" in error and not paths.vintage_dir("2099Q1").exists()
    with pytest.raises(SystemExit):
        main(["estimate", "--seed", "-1"])
    assert "argument --seed: -1: a seed is a whole number from 0" in capsys.readouterr().err


def test_a_hostile_publisher_never_reaches_a_report(tmp_path, monkeypatch, capsys):
    """Issue 24: markup in a source's publisher or note is refused before the first notebook runs, at its file,
    line and column, so it reaches no table and no report (HTML, DOCX or PDF); nothing is written."""
    shutil.copytree(REPO / "sources", tmp_path / "sources")
    data = tmp_path / "sources" / "hcmc_digital_economy" / "data.csv"
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    first = next(csv.reader([lines[1]]))
    first[header.index("publisher")] = "<img src=x onerror=alert(document.cookie)>"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(first)
    lines[1] = buffer.getvalue()
    data.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    assert main(["run", "--vintage", "2026Q1", "--quiet"]) == 1
    error = capsys.readouterr().err
    assert "hcmc_digital_economy/data.csv, line 2, column 'publisher': holds markup at character 1" in error
    assert not (tmp_path / "forecasts" / "2026Q1").exists()
    assert main(["validate"]) == 1
