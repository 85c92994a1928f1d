"""The package's layout: one folder per stage, imports that only flow down the stages, no import cycle, and
reports that render without importing estimation code.

Every import of every module is read with :mod:`ast`, those inside functions and under ``TYPE_CHECKING``
too. A module may import its own stage and the stages before it in :data:`STAGES`; a module inside a stage
imports the concrete modules of its own stage, never its stage's face (the package ``__init__``), which would
tie it in a cycle with the face that imports it.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import grdp

PACKAGE = Path(grdp.__file__).parent

STAGES = ("base", "sources", "intake", "accounts", "digital", "quarterly", "forecast", "run", "report", "publish",
          "cli")
"""The stages in the order of the flow (``docs/ARCHITECTURE.md``): each may import only itself and those before it."""

ESTIMATION = ("grdp.accounts", "grdp.digital", "grdp.quarterly", "grdp.forecast")
"""Stages whose code estimates; a report reads the vintage's tables and imports none of it ..."""
SCENARIO_DEFINITIONS = ("grdp.forecast", "grdp.forecast.scenarios", "grdp.forecast.evidence")
"""... but the scenario definitions (their labels and rationales in ``grdp/data/scenarios.yaml``)."""


def modules(package: Path) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by the name of its folder)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """The package's modules that ``name`` imports, with the line of each import.

    ``from P import x`` is an import of the module ``P.x`` where that is a module, else of ``P`` itself.
    """
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name in known]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if not (source == "grdp" or source.startswith("grdp.")):
                continue
            for alias in node.names:
                target = f"{source}.{alias.name}"
                found.append((target if target in known else source, node.lineno))
    return [(target, line) for target, line in found if target != name]


def stage(name: str) -> str:
    """The stage of a module: its folder under ``grdp/``, or ``cli``; the root package ``grdp`` is below all."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "base"


def problems(package: Path) -> list[str]:
    """Every breach of the layout in ``package``: a module outside the stage folders, an import against the
    stage order, a module importing its own stage's face, and every import cycle."""
    known = modules(package)
    out = []
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        if name != "grdp" and stage(name) not in STAGES:
            out.append(f"{path}: module outside the stage folders ({', '.join(STAGES)})")
            continue
        graph[name] = set()
        for target, line in imports(name, path, known):
            graph[name].add(target)
            where = f"{path.relative_to(package.parent)}:{line}"
            if target != "grdp" and stage(target) in STAGES and STAGES.index(stage(target)) > STAGES.index(stage(name)):
                out.append(f"{where}: {name} ({stage(name)}) imports {target} ({stage(target)}), a later stage")
            if path.name != "__init__.py" and name.startswith(target + ".") and target != "grdp":
                out.append(f"{where}: {name} imports its own package's face {target}; import the module itself")
    out += [f"import cycle: {' -> '.join(cycle)}" for cycle in cycles(graph)]
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through every strongly connected component of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [component + component[:1] for component in components]


def test_the_package_holds_only_its_stage_folders():
    top = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert top == sorted(["__init__.py", "cli.py", "data", *[s for s in STAGES if s != "cli"]])


def test_imports_flow_down_the_stages_without_cycles():
    assert problems(PACKAGE) == []


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "grdp" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "grdp"


def test_the_check_finds_an_upward_import_a_face_import_and_a_cycle(tmp_path):
    package = _write(tmp_path, {
        "__init__.py": "",
        "base/__init__.py": "",
        "base/paths.py": "def f():\n    from grdp.report import brief  # upward, inside a function\n",
        "report/__init__.py": "from grdp.report.brief import x\n",
        "report/brief.py": "from grdp.report import x\nfrom grdp.report import layout\n",
        "report/layout.py": "from grdp.report.brief import x\n",
        "loose.py": "",
    })
    found = problems(package)
    assert any("loose.py: module outside the stage folders" in p for p in found)
    assert any("base/paths.py:2: grdp.base.paths (base) imports grdp.report.brief (report), a later stage" in p
               for p in found)
    assert any("report/brief.py:1: grdp.report.brief imports its own package's face grdp.report" in p for p in found)
    assert "import cycle: grdp.report -> grdp.report.brief -> grdp.report.layout -> grdp.report" in found


def test_the_check_passes_a_clean_tree(tmp_path):
    package = _write(tmp_path, {
        "__init__.py": "",
        "base/__init__.py": "",
        "base/paths.py": "",
        "digital/__init__.py": "from grdp.digital.model import build\n",
        "digital/model.py": "from grdp.base import paths\nfrom grdp.digital import spine\n",
        "digital/spine.py": "import numpy\n",
        "report/__init__.py": "",
        "report/brief.py": "from grdp.digital import build\n",
    })
    assert problems(package) == []


def test_a_report_renders_without_importing_estimation_code():
    code = ("import sys\n"
            "import grdp.report.brief, grdp.report.technical, grdp.report.charts, grdp.publish.render, "
            "grdp.publish.workbook, grdp.run.pipeline, grdp.run.revisions\n"
            "print('\\n'.join(sorted(sys.modules)))\n")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    estimation = [m for m in loaded if m.startswith(tuple(f"{s}." for s in ESTIMATION)) or m in ESTIMATION]
    assert [m for m in estimation if m not in SCENARIO_DEFINITIONS] == []
    assert not [m for m in loaded if m.split(".")[0] in ("scipy", "statsmodels")]


def test_the_architecture_document_lists_the_stages_in_the_order_enforced():
    document = (PACKAGE.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| \d+ \| `([a-z_]+)(?:\.py)?` \|", document, flags=re.M)
    assert tuple(listed) == STAGES
