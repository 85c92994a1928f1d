"""The quarterly GitHub Actions workflow (.github/workflows/quarterly.yml).

GitHub runners are not available here, so these tests check what can be checked locally: the
triggers, the pinning of every action, the commands it runs (the README's own), what it commits,
and the shell step that picks the vintage, which is executed with a fixed date.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_PATH = ROOT / ".github" / "workflows" / "quarterly.yml"
SHA = re.compile(r"^[0-9a-f]{40}$")
QUARTERS_RELEASE_MONTHS = {1, 4, 7, 10}
needs_bash = pytest.mark.skipif(not (shutil.which("bash") and shutil.which("date")), reason="needs bash and date")


@pytest.fixture(scope="module")
def text() -> str:
    return WORKFLOW_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def workflow(text: str) -> dict:
    return yaml.safe_load(text)


def _triggers(workflow: dict) -> dict:
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict), "the workflow has no `on:` mapping"
    return triggers


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _runs(workflow: dict) -> list[str]:
    return [step["run"] for step in _steps(workflow) if "run" in step]


def _commands(script: str) -> list[str]:
    """Shell lines of a `run:` script, comments and blank lines left out."""
    lines = (line.split(" #")[0].strip() for line in script.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


# --- cron -----------------------------------------------------------------------------------------

_MONTHS = {name: i for i, name in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}
_DAYS = {name: i for i, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])}


def _cron_field(field: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    """Expand one cron field (``*``, ``a``, ``a-b``, ``*/n``, ``a-b/n``, lists; names) to its values."""
    values: set[int] = set()

    def number(token: str) -> int:
        token = token.upper()
        if names and token in names:
            return names[token]
        if not token.isdigit():
            raise ValueError(f"not a number: {token!r}")
        return int(token)

    for part in field.split(","):
        rng, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"bad step in {field!r}")
        if rng == "*":
            start, stop = low, high
        elif "-" in rng:
            a, b = rng.split("-", 1)
            start, stop = number(a), number(b)
        else:
            start = number(rng)
            stop = high if step_text else start
        if not (low <= start <= stop <= high):
            raise ValueError(f"{field!r} is outside {low}-{high}")
        values.update(range(start, stop + 1, step))
    return values


def _parse_cron(expression: str) -> dict[str, set[int]]:
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"{expression!r} has {len(fields)} fields, not 5")
    minute, hour, day, month, weekday = fields
    return {
        "minute": _cron_field(minute, 0, 59),
        "hour": _cron_field(hour, 0, 23),
        "day": _cron_field(day, 1, 31),
        "month": _cron_field(month, 1, 12, _MONTHS),
        "weekday": _cron_field(weekday, 0, 7, _DAYS),
        "weekday_restricted": {0} if weekday != "*" else set(),
        "day_restricted": {0} if day != "*" else set(),
    }


def test_cron_parser_rejects_what_github_would():
    with pytest.raises(ValueError):
        _parse_cron("0 6 15 1,4,7,10")  # four fields
    with pytest.raises(ValueError):
        _parse_cron("0 24 15 1 *")  # hour out of range
    assert _parse_cron("0 6 15 JAN,APR,JUL,OCT *")["month"] == QUARTERS_RELEASE_MONTHS
    assert _parse_cron("0 6 15 1-12/3 *")["month"] == QUARTERS_RELEASE_MONTHS


def test_schedule_fires_after_each_quarterly_release(workflow):
    schedule = _triggers(workflow).get("schedule")
    assert schedule, "no schedule trigger"
    crons = [entry["cron"] for entry in schedule]
    assert crons, "schedule has no cron"
    months: set[int] = set()
    for expression in crons:
        cron = _parse_cron(expression)  # raises unless a valid 5-field expression
        # Releases come out around the 6th: run after that, on days of the month only (a weekday
        # restriction would OR with the day and fire on other days too).
        assert not cron["weekday_restricted"], f"{expression}: restricts the weekday"
        assert cron["day_restricted"], f"{expression}: fires every day"
        assert min(cron["day"]) >= 7, f"{expression}: fires before the quarterly releases (~6th)"
        assert max(cron["day"]) <= 28, f"{expression}: does not fire in every month it names"
        assert len(cron["minute"]) == 1 and len(cron["hour"]) == 1, f"{expression}: fires more than once a day"
        months |= cron["month"]
    assert months == QUARTERS_RELEASE_MONTHS, f"fires in months {sorted(months)}, not Jan/Apr/Jul/Oct"


def test_manual_trigger_takes_optional_vintage_and_as_of(workflow):
    dispatch = _triggers(workflow).get("workflow_dispatch")
    assert isinstance(dispatch, dict), "no workflow_dispatch trigger"
    inputs = dispatch.get("inputs") or {}
    assert {"vintage", "as_of"} <= set(inputs), f"inputs are {sorted(inputs)}"
    for name in ("vintage", "as_of"):
        assert inputs[name].get("required", False) is False, f"input {name} must be optional"
        assert not inputs[name].get("default"), f"input {name} must default to empty (computed later)"
    # Inputs reach the shell through env, never pasted into a script (script injection).
    for script in _runs(workflow):
        assert "inputs." not in script and "github.event.inputs" not in script


def test_permissions_and_concurrency(workflow):
    jobs = workflow["jobs"]
    granted: dict[str, set[str]] = {}
    for job in jobs.values():
        for scope, level in (job.get("permissions") or {}).items():
            granted.setdefault(scope, set()).add(level)
    for scope, level in (workflow.get("permissions") or {}).items():
        granted.setdefault(scope, set()).add(level)
    for scope in ("contents", "pages", "id-token"):
        assert "write" in granted.get(scope, set()), f"no job may write {scope}"
    # The job that pushes must be able to write contents.
    pushers = [job for job in jobs.values()
               if any("git push" in step.get("run", "") for step in job.get("steps", []))]
    assert pushers, "no job pushes the vintage"
    for job in pushers:
        perms = job.get("permissions", workflow.get("permissions")) or {}
        assert perms.get("contents") == "write"

    concurrency = workflow.get("concurrency")
    assert isinstance(concurrency, dict) and concurrency.get("group"), "no concurrency group"
    group = str(concurrency["group"])
    for unique in ("github.run_id", "github.run_number", "github.sha", "github.run_attempt"):
        assert unique not in group, f"group {group!r} differs per run, so runs would not exclude each other"
    assert concurrency.get("cancel-in-progress") is False, "a run must not be cancelled while committing"


def test_every_action_is_pinned_to_a_commit_sha(workflow, text):
    uses = [step["uses"] for step in _steps(workflow) if "uses" in step]
    uses += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    assert uses, "no actions used"
    for ref in uses:
        if ref.startswith("./"):
            continue  # local action, versioned with the repository
        name, at, version = ref.partition("@")
        assert at and SHA.match(version), f"{ref} is not pinned to a full 40-hex commit SHA"
    # The release each SHA stands for is named in a trailing comment.
    for line in text.splitlines():
        match = re.match(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", line)
        if match and not match.group(1).startswith("./"):
            assert re.search(r"#\s*v\d+(\.\d+)*", match.group(2)), f"no version comment: {line.strip()}"


def test_checkout_full_history_and_python_311(workflow):
    steps = _steps(workflow)
    checkout = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout and all(s.get("with", {}).get("fetch-depth") == 0 for s in checkout)
    python = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert python and str(python[0]["with"]["python-version"]) == "3.11"


def test_quarto_is_set_up_with_a_concrete_version(workflow):
    quarto = [s for s in _steps(workflow) if s.get("uses", "").startswith("quarto-dev/quarto-actions/setup@")]
    assert quarto, "Quarto is not set up with quarto-dev/quarto-actions/setup"
    version = str(quarto[0].get("with", {}).get("version", ""))
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"Quarto version {version!r} is not a concrete release"
    assert tuple(int(x) for x in version.split(".")[:2]) >= (1, 6), "Quarto older than 1.6"


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```(?:bash|sh|console)?\n(.*?)```", quick_start, re.S)
    assert block, "README's quick start has no code block"
    for line in block.group(1).splitlines():
        command, _, comment = line.partition("#")
        if "test" in comment.lower() and command.strip():
            return command.strip()
    raise AssertionError("README's quick start names no test command")


def test_runs_the_readme_test_command(workflow):
    command = _readme_test_command()
    assert command == "make test"  # what the README says today; the next line is the real check
    assert any(command in _commands(script) for script in _runs(workflow)), \
        f"no step runs the README's test command {command!r}"


def test_runs_the_pipeline_then_publishes(workflow):
    runs = _runs(workflow)

    def first(pattern: str) -> int:
        hits = [i for i, script in enumerate(runs)
                if any(re.search(pattern, line) for line in _commands(script))]
        assert hits, f"no step runs {pattern!r}"
        return hits[0]

    test = first(r"^make test$")
    run = first(r"\bgrdp run\b|^make run\b")
    publish = first(r"\bgrdp publish\b")
    assert test < run < publish, "steps must test, then run the pipeline, then publish"
    run_script = runs[run]
    assert '"$VINTAGE"' in run_script or "${{ env.VINTAGE }}" in run_script, "the run ignores the vintage"
    assert "--as-of" in run_script, "the as_of input never reaches grdp run"
    assert "--skip-existing" in run_script or "make run" in run_script, \
        "rerunning an existing vintage would fail (vintages are immutable)"
    assert "grdp validate" in run_script or "make run" in run_script, "sources are not validated first"
    assert re.search(r"grdp publish --vintage \"?\$VINTAGE", runs[publish])
    assert "--renderer quarto" in runs[publish], "without it a missing Quarto would publish the preview silently"


def _added_paths(line: str) -> list[str]:
    words = shlex.split(line)[2:]
    assert not {"-A", "--all", "-u", "--update", "."} & set(words), f"{line}: adds more than it names"
    return [w for w in words if not w.startswith("-") and ".." not in w]


def _pushes_to_the_default_branch(script: str) -> bool:
    return any(line.startswith("git push") and "$GITHUB_REF_NAME" in line for line in _commands(script))


def test_commit_adds_only_the_vintage_under_forecasts(workflow):
    commit_steps = [script for script in _runs(workflow) if "git commit" in script]
    to_default = [script for script in commit_steps if _pushes_to_the_default_branch(script)]
    assert len(to_default) == 1, "expected exactly one step that commits to the default branch"
    script = to_default[0]
    adds = [line for line in _commands(script) if line.startswith("git add")]
    assert adds, "the commit step adds nothing"
    for line in adds:
        paths = _added_paths(line)
        assert paths and all(p.startswith("forecasts/") for p in paths), line
    assert "git commit -a" not in script and "git commit --all" not in script
    assert "git diff --cached --quiet" in script, "no skip when nothing is new"
    assert "git push" in script
    assert "github-actions[bot]" in script, "no bot identity"


# --- the intake job: new release -> pull request, never the default branch -------------------------

def _intake_job(workflow: dict) -> dict:
    jobs = [job for job in workflow["jobs"].values()
            if any("grdp ingest sdmx" in step.get("run", "") for step in job.get("steps", []))]
    assert len(jobs) == 1, "expected one job that runs grdp ingest sdmx"
    return jobs[0]


def test_intake_job_is_independent_of_the_vintage(workflow):
    job = _intake_job(workflow)
    assert not job.get("needs"), "the intake must not wait for (or be skipped with) another job"
    for other in workflow["jobs"].values():
        if other is not job:
            needs = other.get("needs") or []
            assert "intake" not in ([needs] if isinstance(needs, str) else needs), "a vintage must not wait for it"
    perms = job.get("permissions") or {}
    assert perms == {"contents": "write", "pull-requests": "write"}


def test_intake_downloads_the_official_sdmx_file(workflow):
    from grdp.intake.nsdp_sdmx import URL

    (step,) = [s for s in _intake_job(workflow)["steps"] if "grdp ingest sdmx" in s.get("run", "")]
    assert step.get("id") == "ingest"
    assert step["env"]["NSDP_GDP_URL"] == URL
    line = next(c for c in _commands(step["run"]) if "grdp ingest sdmx" in c)
    assert '--url "$NSDP_GDP_URL"' in line and "--apply" in line and "--file" not in line


def test_intake_proposes_the_release_as_a_pull_request(workflow):
    steps = _intake_job(workflow)["steps"]
    (pr,) = [s for s in steps if "gh pr create" in s.get("run", "")]
    assert pr.get("if") == "steps.ingest.outputs.new == 'true'", "a pull request only when the file brings new rows"
    assert pr["env"]["GH_TOKEN"] == "${{ github.token }}"
    script = pr["run"]
    assert not _pushes_to_the_default_branch(script), "the intake must never push to the default branch"
    pushes = [c for c in _commands(script) if c.startswith("git push")]
    assert pushes and all('refs/heads/$branch' in c for c in pushes)
    assert 'branch="intake/' in script and "git switch -c" in script
    adds = [c for c in _commands(script) if c.startswith("git add")]
    assert adds and all(p.startswith("sources/") for line in adds for p in _added_paths(line))
    assert "git diff --cached --quiet" in script and "github-actions[bot]" in script
    assert "--body-file intake-summary.txt" in script, "the reviewer sees the dry-run summary"


def _run_ingest(workflow: dict, tmp_path: Path, exit_code: int) -> tuple[int, dict]:
    (step,) = [s for s in _intake_job(workflow)["steps"] if "grdp ingest sdmx" in s.get("run", "")]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "make").write_text("#!/bin/sh\nexit 0\n")
    grdp = tmp_path / ".venv" / "bin" / "grdp"
    grdp.parent.mkdir(parents=True)
    grdp.write_text(f'#!/bin/sh\necho "grdp $*" >> calls.txt\n'
                    f'[ "$1" = ingest ] && {{ echo "summary"; exit {exit_code}; }}\nexit 0\n')
    for tool in (bin_dir / "make", grdp):
        tool.chmod(0o755)
    output = tmp_path / "github_output"
    output.write_text("")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(output), **step["env"]}
    done = subprocess.run(["bash", "-e", "-c", step["run"]], env=env, cwd=tmp_path, capture_output=True, text=True)
    values = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done.returncode, values


@needs_bash
@pytest.mark.parametrize("exit_code, step_code, new", [(0, 0, "true"), (3, 0, "false"), (1, 1, None)])
def test_intake_step_reads_the_exit_code_of_grdp_ingest(workflow, tmp_path, exit_code, step_code, new):
    code, values = _run_ingest(workflow, tmp_path, exit_code)
    assert code == step_code and values.get("new") == new
    calls = (tmp_path / "calls.txt").read_text().splitlines()
    assert calls[0].startswith("grdp ingest sdmx --url https://nsdp.nso.gov.vn/") and calls[0].endswith("--apply")
    if exit_code != 1:
        assert calls[1:] == ["grdp validate"]
        assert (tmp_path / "intake-summary.txt").read_text() == "summary\n"


def test_artifacts_and_pages(workflow):
    steps = _steps(workflow)
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    vintage = [s for s in uploads if "forecasts/" in str(s.get("with", {}).get("path", ""))]
    assert vintage and int(vintage[0]["with"]["retention-days"]) == 90
    pages = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert pages and re.search(r"forecasts/.+/reports$", pages[0]["with"]["path"].rstrip("/"))

    deploy_jobs = [(name, job) for name, job in workflow["jobs"].items()
                   if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job.get("steps", []))]
    assert len(deploy_jobs) == 1, "Pages must be deployed by one separate job"
    name, job = deploy_jobs[0]
    environment = job.get("environment")
    env_name = environment.get("name") if isinstance(environment, dict) else environment
    assert env_name == "github-pages"
    assert job.get("needs"), "deploy runs before the artifact exists"
    perms = job.get("permissions", workflow.get("permissions")) or {}
    assert perms.get("pages") == "write" and perms.get("id-token") == "write"


def test_timeout_and_ci_env(workflow):
    for name, job in workflow["jobs"].items():
        minutes = job.get("timeout-minutes")
        assert isinstance(minutes, int) and 0 < minutes <= 90, f"job {name}: timeout-minutes is {minutes!r}"
    assert any(job.get("timeout-minutes") == 90 for job in workflow["jobs"].values())
    assert str(workflow.get("env", {}).get("CI")).lower() == "true"


# --- the step that chooses the vintage, executed ----------------------------------------------------

def _vintage_script(workflow: dict) -> tuple[str, dict]:
    steps = [s for s in _steps(workflow) if "GITHUB_ENV" in s.get("run", "") and "VINTAGE=" in s.get("run", "")]
    assert len(steps) == 1, "expected one step that sets VINTAGE"
    return steps[0]["run"], steps[0].get("env", {})


def _choose(workflow: dict, tmp_path: Path, today: str, vintage: str = "", as_of: str = ""):
    script, env_spec = _vintage_script(workflow)
    assert set(env_spec) == {"INPUT_VINTAGE", "INPUT_AS_OF"}
    real_date = shutil.which("date")
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    (shim / "date").write_text(f'#!/bin/sh\nexec {real_date} -d "$FAKE_TODAY" "$@"\n')
    (shim / "date").chmod(0o755)
    github_env = tmp_path / "github_env"
    github_env.write_text("")
    env = {"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}", "FAKE_TODAY": today,
           "GITHUB_ENV": str(github_env), "INPUT_VINTAGE": vintage, "INPUT_AS_OF": as_of}
    done = subprocess.run(["bash", "-e", "-c", script], env=env, capture_output=True, text=True)
    values = dict(line.split("=", 1) for line in github_env.read_text().splitlines() if "=" in line)
    return done.returncode, values




@needs_bash
@pytest.mark.parametrize("today, expected", [
    ("2026-01-15 06:00 UTC", "2025Q4"),
    ("2026-04-15 06:00 UTC", "2026Q1"),
    ("2026-07-15 06:00 UTC", "2026Q2"),
    ("2026-10-15 06:00 UTC", "2026Q3"),
    ("2026-12-31 23:00 UTC", "2026Q3"),
])
def test_default_vintage_is_the_quarter_just_ended(workflow, tmp_path, today, expected):
    code, values = _choose(workflow, tmp_path, today)
    assert code == 0
    assert values == {"VINTAGE": expected, "AS_OF": ""}


@needs_bash
def test_inputs_are_used_and_checked(workflow, tmp_path):
    code, values = _choose(workflow, tmp_path, "2026-04-15", vintage="2025Q2", as_of="2025-08-01")
    assert code == 0 and values == {"VINTAGE": "2025Q2", "AS_OF": "2025-08-01"}
    for vintage, as_of in [("2025Q5", ""), ("2025q1", ""), ("2025Q1; rm -rf /", ""), ("2025Q1", "1 Aug 2025")]:
        code, values = _choose(workflow, tmp_path, "2026-04-15", vintage=vintage, as_of=as_of)
        assert code != 0 and "VINTAGE" not in values, (vintage, as_of)
