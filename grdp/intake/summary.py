"""The dry-run summary of a plan, in plain words: what would be added and how it relates to what is there."""

from __future__ import annotations

from grdp.intake.compare import Finding, describe, size
from grdp.intake.plan import Plan

SHOWN = 15
"""Lines shown per group unless everything is asked for."""


def _value(f: Finding) -> str:
    v = f.row.values
    return f"{v['value']} {v['unit']}"


def _lines(findings: list[Finding], text, limit: int | None) -> list[str]:
    shown = findings if limit is None else findings[:limit]
    out = [f"    {text(f)}" for f in shown]
    if len(findings) > len(shown):
        out.append(f"    ... and {len(findings) - len(shown)} more (--all shows every line)")
    return out


def _new(f: Finding) -> str:
    line = f"{describe(f.row.values)} = {_value(f)}"
    if f.later:
        line += "; later releases: " + ", ".join(e.label() for e in f.later[:3])
    return line


def _revision(f: Finding) -> str:
    assert f.previous is not None
    old = f.previous.values
    return (f"{describe(f.row.values)}: {old['value']} ({old['publication_date']}) -> {f.row.values['value']} "
            f"{f.row.values['unit']}, {size(f.row.values['value'], old['value'], f.row.values['unit'])}")


def _other(f: Finding) -> str:
    unit = f.row.values["unit"]
    return (f"{describe(f.row.values)} = {_value(f)}; other publishers: "
            + "; ".join(f"{e.label()} [{size(f.row.values['value'], e.values['value'], unit)}]" for e in f.others))


def _same_day(f: Finding) -> str:
    return (f"{describe(f.row.values)} = {_value(f)}; same publisher, same date, other outlet: "
            + "; ".join(f"{e.values['value']} ({e.values['url']})" for e in f.same_day))


def summary(plan: Plan, *, show_all: bool = False) -> str:
    """The dry-run summary of ``plan`` (nothing is written by making it)."""
    limit = None if show_all else SHOWN
    release = plan.release
    lines = []
    for publisher, published, url in release.releases():
        lines.append(f"Release: {publisher}; published {published}; {url}")
    folder = f"sources/{release.dataset}/data.csv"
    state = "a new dataset" if plan.new_dataset else f"{folder}"
    lines.append(f"Read from {release.file} ({release.kind}): {len(release.rows)} figure(s) for {state}")
    groups = [
        ("New figures (no earlier release by this publisher)", [f for f in plan.findings if f.status == "new"], _new),
        ("Revisions of the same publisher's earlier release", [f for f in plan.findings if f.status == "revision"],
         _revision),
        ("Unchanged from the same publisher's earlier release", [f for f in plan.findings if f.status == "unchanged"],
         _new),
        ("Different from another publisher's figure (kept side by side)", [f for f in plan.findings if f.others],
         _other),
        ("Same publisher and date, another outlet with another value (the accounts will refuse to choose)",
         [f for f in plan.findings if f.same_day], _same_day),
    ]
    for title, findings, text in groups:
        if findings:
            lines.append(f"  {title}: {len(findings)}")
            lines += _lines(findings, text, limit)
    if plan.skipped_unchanged:
        lines.append(f"  Left out: {plan.skipped_unchanged} unchanged figure(s) (the file republishes its history)")
    for check in release.checks:
        lines.append(f"  Check: {check}")
    lines.append(f"Would append {len(plan.rows)} row(s) to {folder}, set its provenance publication_date to the "
                 "latest release in the folder, and add an entry to sources/DATA_LOG.md.")
    return "\n".join(lines)
