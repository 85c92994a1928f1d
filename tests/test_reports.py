"""Reports: the preview publishing path, the Quarto rendering (HTML, DOCX, PDF) where Quarto is installed, and
the first page's numbers against the vintage's tables in every format.

The shared project (``conftest.built_root``) holds vintages 2025Q3, 2025Q4 and 2026Q1 and the preview reports
of :data:`conftest.LATEST`; ``conftest.quarto_rendered`` holds the Quarto rendering of it. Expected figures are
recomputed here from the vintage's CSV files with plain Python formatting and the rounding rules as stated in
docs/methods.md, independently of :mod:`grdp.report`.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from conftest import LATEST, VINTAGES

from grdp.base import paths
from grdp.base.labels import has_label, label
from grdp.cli import main
from grdp.publish import render
from grdp.publish.workbook import SHEETS
from grdp.report import brief, layout
from grdp.report import formatting as fmt
from grdp.report.vintage_tables import VintageTables
from grdp.run import vintage

PREVIOUS = VINTAGES[-2]
REPORTS = ("brief_vi", "brief_en", "technical_vi", "technical_en")
MAIN_POINTS = {"vi": "Điểm chính", "en": "Main points"}
FIGURE = {"vi": "Hình", "en": "Figure"}
ENGLISH_FURNITURE = ("Table of contents", "Figure 1", "Table 1", "Author", "Other Formats", "Published", "Appendices",
                     "Modified")
PROJECTION_WORDS = {"en": ("forecast", "projection", "project"), "vi": ("dự báo", "dự phóng")}
NO_PROBABILITY = {"en": "No probability", "vi": "Không có xác suất"}
WORKFLOW = paths.repo_root() / ".github" / "workflows" / "quarterly.yml"
HEADLINE = ("mic", "gso")
"""The definitions the targets are assessed on, in the order the brief names them (tracked, official)."""
BOUNDARIES = ("merged", "old")
TECHNICAL_SECTIONS = 17
"""Sections (``#`` headings) of the technical report."""


def text_of(path) -> str:
    """The visible text of an HTML file, one space between elements."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def numbers(text: str, lang: str) -> list[float]:
    """Every number in a text written in ``lang`` (vi: 1.234,5; en: 1,234.5); a minus sign U+2212 counts."""
    pattern = r"−?\d+(?:\.\d{3})*(?:,\d+)?" if lang == "vi" else r"−?\d+(?:,\d{3})*(?:\.\d+)?"
    out = []
    for n in re.findall(pattern, text):
        n = n.replace("−", "-")
        out.append(float(n.replace(".", "").replace(",", ".") if lang == "vi" else n.replace(",", "")))
    return out


def figures(text: str, lang: str) -> list[float]:
    """The figures of a text: numbers written with decimals or followed by "%" (shares, intervals, growth rates,
    gaps, probabilities), leaving out years, dates and the numbers in names (Directive 17-CT/TU)."""
    decimal = "," if lang == "vi" else "."
    pattern = r"−?\d+(?:[.,]\d+)*%?"
    shown = [t for t in re.findall(pattern, text.replace("\xa0", " ")) if t.endswith("%") or decimal in t]
    return numbers(" ".join(t.rstrip("%") for t in shown), lang)


# --- The first page, recomputed from the vintage's CSV files ---------------------------------------------

def places(lower, upper) -> int:
    """Decimals of a share and its interval by the stated rule: one under a 10 pp half-width, else none."""
    return 1 if (upper - lower) / 2 < 10 else 0


def shown_share(value, lower, upper) -> list[float]:
    """The figures an estimate with its interval shows: the value, and its bounds where they have decimals."""
    k = places(lower, upper)
    return [round(value, k)] + ([round(lower, k), round(upper, k)] if k else [])


def tables_of(folder):
    def read(name):
        return pd.read_csv(folder / "tables" / f"{name}.csv")
    return read


def page_boundary(folder) -> str:
    """The boundary page 1 speaks of: the merged city where a target is in force for it, else the former city."""
    head = tables_of(folder)("targets_headline")
    return "merged" if (head["boundary"] == "merged").any() else "old"


def values_in_force(folder, boundary: str, year: int, target: float) -> list[float]:
    """The values in force for a target year on a boundary (``targets``): the target and the others (a range's ends)."""
    t = tables_of(folder)("targets")
    own = t[(t["region"] == "hcmc") & (t["boundary"] == boundary) & (t["year"] == year)]
    return sorted({float(target), *own["target"].astype(float)})


def expected_figures(folder) -> list[list[float]]:
    """The figures of each main point in reading order (:func:`figures`), from the vintage's tables.

    1. Where the page's boundary stands in the last ended year Y: its figures on MIC's and GSO's definitions,
       published figures first (with their published decimals), model estimates rounded as their interval allows
       (no interval shown).
    2. One point per target year and value of ``targets_headline`` on that boundary, on MIC's definition: the
       highest value in force (a range "30–40%" shows its lower end without a "%"); for an ended year the gap to it
       (pp, one decimal); for an open year the growth above GRDP reaching it takes (one decimal; for a range, from
       its lower to its upper end: ``targets_assessment``, trend scenario, ensemble) and the average achieved, and
       a probability only where it is published.
    3. What changed since the previous vintage: no figure (counts only, checked by :func:`check_news`).
    """
    read = tables_of(folder)
    h = read("digital_headline")
    year = int(h.loc[h["region"] == "hcmc", "year"].max())
    boundary = page_boundary(folder)
    rows = h[(h["boundary"] == boundary) & (h["year"] == year) & h["method"].isin(HEADLINE)
             & h["status"].isin(["published", "estimate"])]
    rows = rows.assign(_p=rows["status"] != "published", _m=rows["method"].map(HEADLINE.index))
    rows = rows.sort_values(["_p", "_m"])
    points = [[r.value if r.status == "published" else round(r.value, places(r.lower, r.upper))
               for r in rows.itertuples()]]
    head = read("targets_headline")
    head = head[(head["boundary"] == boundary) & head["method"].isin(HEADLINE)]
    assessment = read("targets_assessment")
    for (target_year, target), group in head.groupby(["target_year", "target"], sort=True):
        r = group[group["method"] == "mic"].iloc[0]
        values = values_in_force(folder, boundary, int(target_year), target)
        point = [values[-1]]
        if r.status != "projection":
            point += [] if pd.isna(r.gap_pp) else [round(abs(r.gap_pp), 1)]
        else:
            others = assessment[(assessment["boundary"] == boundary) & (assessment["method"] == "mic")
                                & (assessment["scenario"] == r.scenario) & (assessment["model"] == "ensemble")
                                & (assessment["target_year"] == target_year) & (assessment["target"] != target)]
            required = sorted([r.required_excess_growth, *others["required_excess_growth"].dropna()])
            if required[-1] > 0:
                point += [round(required[0], 1)] + ([round(required[-1], 1)] if len(required) > 1 else [])
                point += [round(r.achieved_excess_growth, 1)]
            if str(r.probability_published) == "True":
                point += [round(100 * r.probability)]
        points.append(point)
    return points


def check_news(item: str, folder, lang) -> None:
    """The last main point: the releases since the previous vintage (manifest) and the figures revised and new since
    it (the revision table of the reports, ``tables/revisions.csv``)."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["previous_vintage"] in item
    revisions = pd.read_csv(folder / "reports" / "tables" / "revisions.csv")
    latest = revisions[revisions["latest_vintage"] == folder.name]
    revised = latest[(latest["releases"] > 1) & (latest["previous_vintage"] == manifest["previous_vintage"])
                     & (latest["revision_since_previous"].abs() > 1e-9)]
    new = latest[latest["releases"] == 1]
    assert numbers(item, lang)[-3:] == [len(manifest["new_releases"]), len(revised), len(new)], item


def main_point_items(text: str) -> list[str]:
    """The main points split at their bold leads (each item starts with one)."""
    return [item.strip() for item in re.split(r"\s*•\s*|\n", text) if item.strip()]


def main_points_html(path, lang) -> list[str]:
    """The main points of an HTML brief: the items of the first list after the main-points heading, read after
    the table of contents (whose entry has the same words)."""
    page = path.read_text(encoding="utf-8")
    toc = page.find('id="TOC"')
    start = page.find("</nav>", toc) if toc >= 0 else 0
    number, anchor = r"(?:<span[^>]*>[^<]*</span>\s*)?", r"(?:<a\b[^>]*>.*?</a>)?"  # Quarto's and nbconvert's
    heading = re.search(rf"<h[12][^>]*>{number}{MAIN_POINTS[lang]}{anchor}</h[12]>", page[start:])
    assert heading, f"no main-points heading after the table of contents in {path.name}"
    body = page[start + heading.end():]
    items = re.search(r"<ul>(.*?)</ul>", body, flags=re.S)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", item)))
            for item in re.findall(r"<li>(.*?)</li>", items.group(1), flags=re.S)]


def main_points_docx(path, lang) -> list[str]:
    """The main points of a DOCX brief: the list paragraphs after the main-points heading, before the figure."""
    import docx

    document = docx.Document(str(path))
    paragraphs = document.paragraphs
    start = next(k for k, p in enumerate(paragraphs) if p.style.name.startswith("Heading") and MAIN_POINTS[lang]
                 in p.text)
    items = []
    for p in paragraphs[start + 1:]:
        if p.style.name.startswith("Heading") or p.text.startswith(FIGURE[lang]):
            break
        if p._p.pPr is not None and p._p.pPr.numPr is not None:  # a list item
            items.append(p.text)
    return items


def pdf_text(path) -> list[str]:
    """The text of every page of a PDF (pypdf), no-break spaces read as spaces."""
    from pypdf import PdfReader

    return [page.extract_text().replace("\xa0", " ") for page in PdfReader(str(path)).pages]


def main_points_pdf(path, lang) -> list[str]:
    """The main points of a PDF brief: page 1 from the first bullet to the figure's caption, one item a bullet."""
    first = pdf_text(path)[0]
    start = first.index(MAIN_POINTS[lang])
    body = first[start:first.index(f"{FIGURE[lang]} 1", start)]
    return [" ".join(item.split()) for item in body[body.index("•"):].split("•") if item.strip()]


def instrument_words(folder, lang) -> list[str]:
    """The names of the instruments that set the targets, as the brief's detail names them."""
    names = tables_of(folder)("targets")["instrument"].drop_duplicates()
    return [label("instrument", n, lang).removeprefix("the ") if has_label("instrument", n) else n for n in names]


def check_main_points(items: list[str], folder, lang) -> None:
    """The main points' figures equal the vintage's tables, point by point, and the last one counts what changed
    since the previous vintage; every point is one sentence; no interval, instrument or reason for a missing
    probability is inline; ended years are never called projections; the targets appear with "about" where their
    decision says so."""
    items = [" ".join(item.replace("\xa0", " ").split()) for item in items]
    expected = expected_figures(folder)
    assert len(items) == len(expected) + 1, items
    for item, wanted in zip(items, expected):
        assert figures(item, lang) == pytest.approx(wanted, abs=1e-9), item
    check_news(items[-1], folder, lang)
    for item in items:
        assert "[" not in item and NO_PROBABILITY[lang] not in item, item
        assert not [w for w in instrument_words(folder, lang) if w in item], item
        assert len(re.findall(r"[.!?](?:\s|$)", item)) == 1, item  # one sentence
    read = tables_of(folder)
    boundary = page_boundary(folder)
    head = read("targets_headline")
    head = head[(head["boundary"] == boundary) & head["method"].isin(HEADLINE)]
    targets = read("targets")
    groups = list(head.groupby(["target_year", "target"], sort=True))
    for item, ((target_year, target), group) in zip(items[1:-1], groups):
        lead = item.split(":")[0]
        assert str(target_year) in lead and fmt.percent(target, 0, lang).replace("\xa0", " ") in lead, item
        notes = targets[(targets["year"] == target_year) & (targets["target"] == target)]["note"]
        about = any(re.search(rf"(\babout|khoảng)\s+{target:g}\s*%", n) for n in notes)
        assert (label("brief", "about", lang).strip() in lead) == about, item
        if (group["status"] != "projection").all():
            assert not [w for w in PROJECTION_WORDS[lang] if w in item.lower()], item  # an ended year
            verdict = group.loc[group["method"] == "mic", "verdict"].iloc[0].replace(" ", "_")
            assert label("brief", f"verdict_{verdict}", lang) in lead, item  # in plain words
    h = read("digital_headline")
    year = int(h.loc[h["region"] == "hcmc", "year"].max())
    merged = read("targets_headline")
    assert set(merged.loc[(merged["boundary"] == "merged") & (merged["target_year"] > year), "target_year"]) >= {
        2026, 2030}  # the merged city's targets in force from the 2026 plan


# --- The preview (no Quarto) --------------------------------------------------------------------------------

def test_preview_publishes_every_report_the_workbook_and_a_manifest(built):
    folder = built / "forecasts" / LATEST / "reports"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["preview"] is True and manifest["renderer"].startswith("preview")
    for name in REPORTS:
        assert (folder / f"{name}.html").stat().st_size > 10_000
        executed = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        assert executed.metadata["papermill"]["parameters"] == {"vintage": LATEST}
        assert not [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
                    if o.get("output_type") == "error"]
    assert {f"{n}.html" for n in REPORTS} | {"tables/revisions.csv", f"grdp_{LATEST}.xlsx"} <= set(manifest["outputs"])
    assert vintage.verify(LATEST) == []  # the reports' hashes are checked with the vintage's
    assert not list((built / "forecasts" / LATEST).glob(".reports-staging-*"))
    assert openpyxl.load_workbook(folder / f"grdp_{LATEST}.xlsx", read_only=True).sheetnames == list(SHEETS)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_main_points_of_the_preview_equal_the_vintage_tables(built, lang):
    items = main_points_html(built / "forecasts" / LATEST / "reports" / f"brief_{lang}.html", lang)
    check_main_points(items, built / "forecasts" / LATEST, lang)


def test_the_preview_says_so_and_hides_the_print_layout(built):
    folder = built / "forecasts" / LATEST / "reports"
    for name in REPORTS:
        text = text_of(folder / f"{name}.html")
        assert render.PREVIEW_BANNER[name.rsplit("_", 1)[1]] in text
        assert "{{<" not in text and ":::" not in text and "{.landscape}" not in text


def executed_markdown(folder, name: str, tag: str) -> list[str]:
    """The Markdown outputs of the code cell tagged ``tag`` in an executed preview notebook."""
    book = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    cell = next(c for c in book.cells if tag in c.metadata.get("tags", []))
    return [o["data"]["text/markdown"] for o in cell.outputs if "text/markdown" in o.get("data", {})]


def markdown_rows(table: str) -> list[list[str]]:
    """The body rows of a pipe table, cells stripped (header, rule and the caption after the table left out)."""
    lines = [line for line in table.splitlines() if line.startswith("|")]
    return [[c.strip() for c in line.strip().strip("|").split(" | ")] for line in lines[2:]]


def test_vietnamese_brief_writes_numbers_the_vietnamese_way(built):
    folder = built / "forecasts" / LATEST
    text = text_of(folder / "reports" / "brief_vi.html").replace("\xa0", " ")
    h = pd.read_csv(folder / "tables" / "digital_headline.csv")
    year = h.loc[h["region"] == "hcmc", "year"].max()
    r = h[(h["boundary"] == "merged") & (h["method"] == "mic") & (h["year"] == year)].iloc[0]
    k = places(r["lower"], r["upper"])
    assert f"{r['value']:.{k}f}% [{r['lower']:.{k}f}; {r['upper']:.{k}f}]".replace(".", ",") in text
    assert 'lang="vi"' in (folder / "reports" / "brief_vi.html").read_text(encoding="utf-8")[:200]


def test_every_published_city_and_national_figure_is_the_headline_of_its_year(built):
    """The history tables show, for every region-year an institution published, that figure (in bold, its
    published decimals), never grdp's estimate; the other years are grdp's estimates with their interval."""
    folder = built / "forecasts" / LATEST
    h = pd.read_csv(folder / "tables" / "digital_headline.csv")
    columns = {("hcmc", "old"): 1, ("hcmc", "merged"): 2, ("vn", "national"): 3}
    tables = executed_markdown(folder / "reports", "brief_en", "history")
    by_method = dict(zip(HEADLINE, [t for t in tables if t.startswith("|")]))
    for method, table in by_method.items():
        rows = {int(row[0]): row for row in markdown_rows(table)}
        for r in h[h["method"] == method].itertuples():
            cell = rows[r.year][columns[(r.region, r.boundary)]].replace("\xa0", " ")
            if r.status == "published":
                assert cell == f"**{fmt.published(r.value, 'en')}**", (method, r.region, r.boundary, r.year, cell)
            elif r.status == "estimate":
                k = places(r.lower, r.upper)
                assert cell == f"{r.value:.{k}f}% [{r.lower:.{k}f}, {r.upper:.{k}f}]".replace("-", "−"), cell
            else:
                assert cell == fmt.MISSING


def test_outlook_tables_give_what_it_takes_the_range_and_no_probability_where_none_is_published(built):
    folder = built / "forecasts" / LATEST
    head = pd.read_csv(folder / "tables" / "targets_headline.csv")
    head = head[head["boundary"].isin(BOUNDARIES) & head["method"].isin(HEADLINE)]
    tables = [t for t in executed_markdown(folder / "reports", "brief_en", "outlook") if t.startswith("|")]
    groups = list(head.groupby(["target_year", "target"], sort=True))
    assert len(tables) == len(groups)
    for table, (_, group) in zip(tables, groups):
        rows = markdown_rows(table.replace("\xa0", " "))
        assert len(rows) == len(group)
        text = table.replace("\xa0", " ")
        for r in group.itertuples():
            if r.status == "projection":
                envelope = f"[{r.envelope_lower:.1f}, {r.envelope_upper:.1f}]"  # the models' 80% envelope
                assert f"{r.range_lower:.1f}–{r.range_upper:.1f}% {envelope}" in text
                assert f"{r.required_excess_growth:.1f} [".replace("-", "−") in text
                assert f"{r.achieved_excess_growth:.1f} ({r.achieved_from_year}–{r.achieved_to_year})" in text
            elif r.status == "published":  # with the decimals it was published with
                assert fmt.published(r.value, "en") in text and f"| {r.verdict} |" in text
            else:
                k = places(r.value_lower, r.value_upper)
                assert f"{r.value:.{k}f}% [{r.value_lower:.{k}f}, {r.value_upper:.{k}f}]" in text
                assert f"| {r.verdict} |" in text
        if (group["status"] == "projection").all():
            shown = [row[-1] for row in rows]
            expected = [fmt.probability(p, "en").replace("\xa0", " ") if str(flag) == "True" else fmt.MISSING
                        for p, flag in zip(group.sort_values(["method"], key=lambda m: m.map(HEADLINE.index))[
                            "probability"], group["probability_published"])]
            assert sorted(shown) == sorted(expected)  # "–" wherever the vintage publishes none
            assert "0.00" not in "".join(shown)


def test_brief_has_the_target_chart_the_fan_chart_and_the_published_figures(built):
    folder = built / "forecasts" / LATEST
    page = (folder / "reports" / "brief_en.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 2  # the first page's chart and the fan charts, embedded
    text = text_of(folder / "reports" / "brief_en.html")
    h = pd.read_csv(folder / "tables" / "digital_headline.csv")
    for r in h[(h["status"] == "published") & h["method"].isin(HEADLINE)].itertuples():
        assert fmt.published(r.value, "en") in text  # with the decimals it was published with


def test_brief_lists_the_new_releases_and_what_changed_since_the_previous_vintage(built):
    folder = built / "forecasts"
    text = text_of(folder / LATEST / "reports" / "brief_en.html").replace("\xa0", " ").replace("−", "-")
    assert f"Compared with vintage {PREVIOUS}" in text
    manifest = json.loads((folder / LATEST / "manifest.json").read_text(encoding="utf-8"))
    count = len(manifest["new_releases"])
    assert count and f"Since vintage {PREVIOUS}: {count} new releases" in text
    selection = re.search(r"The table is a selection: (\d+) of the (\d+) revised figures", text)
    assert selection and int(selection.group(1)) < int(selection.group(2))  # said where only some are shown
    for release in manifest["new_releases"]:
        assert fmt.release_date(release["publication_date"], "en").replace("\xa0", " ") in text

    def shares(label):
        hist = pd.read_csv(folder / label / "tables" / "forecast_history.csv")
        hist = hist[hist["method"].isin(HEADLINE)]
        return hist.set_index(["boundary", "method", "year"])["share"]

    before, after = shares(PREVIOUS), shares(LATEST)
    moved = (after - before.reindex(after.index)).dropna()
    moved = moved[moved.abs() > 0.01]
    assert len(moved)  # the January 2026 releases moved the estimates
    key = moved.index[0]
    assert f"{before[key]:.2f}% {after[key]:.2f}% {after[key] - before[key]:.2f}" in text


def test_the_first_page_records_follow_the_tables(built):
    tables = VintageTables(LATEST)
    page = brief.first_page(tables)
    h = tables.table("digital_headline")
    assert page.year == int(h.loc[h["region"] == "hcmc", "year"].max())
    assert page.boundary == "merged"  # targets are in force for the merged city
    for share in page.estimates:
        row = h[(h["boundary"] == share.boundary) & (h["method"] == share.definition) & (h["year"] == page.year)]
        assert share.value == row["value"].iloc[0] and share.status == row["status"].iloc[0]
        assert share.status == "published" or (share.lower, share.upper) == (row["lower"].iloc[0],
                                                                               row["upper"].iloc[0])
    head = tables.table("targets_headline")
    for status in page.targets:
        for o in status.outlooks:
            row = head[(head["boundary"] == o.boundary) & (head["method"] == o.definition)
                       & (head["target_year"] == status.target_year) & (head["target"] == status.target)].iloc[0]
            assert (o.start.year, o.start.value) == (row["start_year"], row["start_share"])  # the latest published
            assert o.start.status == row["start_status"]
            assert o.probability is None or str(row["probability_published"]) == "True"
            assert bool(o.reasons) == (str(row["probability_published"]) != "True")
            assert o.envelope == (row["envelope_lower"], row["envelope_upper"])
            a = tables.table("targets_assessment")
            others = a[(a["boundary"] == o.boundary) & (a["method"] == o.definition) & (a["model"] == "ensemble")
                       & (a["scenario"] == row["scenario"]) & (a["target_year"] == status.target_year)
                       & (a["target"] != status.target)]
            assert [v for v, _ in o.other_required] == list(others["target"])  # e.g. the lower end of 30-40%
            horizon = status.target_year - o.start.year
            evidence = tables.table("forecast_calibration")
            evidence = evidence[evidence["set"] == "digital"]
            fits = tables.table("forecast_fits")
            weighted = fits[(fits["boundary"] == o.boundary) & (fits["method"] == o.definition) & (fits["weight"] > 0)
                            & (fits["model"] != "ensemble")]["model"]
            at = evidence[evidence["horizon"] == horizon].set_index("model")
            few = any(m not in at.index or at.loc[m, "forecasts"] < 20 for m in weighted)  # too few to be checked
            if o.probability is None and horizon <= evidence["horizon"].max():
                assert ("untested" in o.reasons) == few and ("uncalibrated" in o.reasons) == any(
                    m in at.index and at.loc[m, "forecasts"] >= 20 and not at.loc[m, "calibrated"] for m in weighted)
        for e in status.ended:
            row = head[(head["boundary"] == e.boundary) & (head["method"] == e.definition)
                       & (head["target_year"] == status.target_year)].iloc[0]
            assert e.figure.value == row["value"] and e.verdict == row["verdict"]


def test_a_vintage_without_new_releases_says_so_in_one_line(built, tmp_path, monkeypatch):
    source, target = paths.vintage_dir(LATEST), tmp_path / "root" / "forecasts" / LATEST
    shutil.copytree(source / "tables", target / "tables")
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(no_new_release_since=PREVIOUS, new_releases=[])
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path / "root"))
    tables = VintageTables(LATEST)
    page = brief.first_page(tables)
    for lang in ("vi", "en"):
        points = brief.main_points(page, lang).splitlines()
        assert points[-1] == "- " + label("brief", "news_none", lang).format(previous=PREVIOUS)
        assert len(points) == 1 + len([t for t in page.targets if page.boundary in t.boundaries]) + 1
        assert brief.releases_section(page, lang) == (label("brief", "releases_none", lang).format(
            previous=PREVIOUS), "")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_technical_report_holds_every_section_numbered_from_one_and_the_revisions(built, lang):

    page = (built / "forecasts" / LATEST / "reports" / f"technical_{lang}.html").read_text(encoding="utf-8")
    text = text_of(built / "forecasts" / LATEST / "reports" / f"technical_{lang}.html")
    book = nbformat.read(paths.reports_dir() / f"technical_{lang}.ipynb", as_version=4)
    headings = [line[2:].strip() for c in book.cells if c.cell_type == "markdown" for line in c.source.splitlines()
                if line.startswith("# ")]
    assert len(headings) == TECHNICAL_SECTIONS
    for heading in headings:
        assert heading in text, heading
    revisions = pd.read_csv(built / "forecasts" / LATEST / "reports" / "tables" / "revisions.csv")
    assert set(revisions["first_vintage"]) >= {VINTAGES[0]} and (revisions["releases"] == len(VINTAGES)).any()
    assert label("technical", "one_vintage", lang).split("(")[0] not in text
    headers = re.findall(r"<th[^>]*>(.*?)</th>", page, flags=re.S)
    assert headers and not [h for h in headers if re.fullmatch(r"\s*[a-z]+_[a-z_]+\s*", h)]  # words, not identifiers


def test_technical_report_shows_the_out_of_time_validation_calibration_and_decisions(built):
    folder = built / "forecasts" / LATEST
    text = text_of(folder / "reports" / "technical_en.html").replace("\xa0", " ").replace("−", "-")
    summary = pd.read_csv(folder / "tables" / "digital_out_of_time_summary.csv")
    shown = "".join(executed_markdown(folder / "reports", "technical_en", "out-of-time")).replace("\xa0", " ") \
        .replace("−", "-")
    assert {"model", "carried"} <= set(summary["estimator"]) and (summary["checks_on"] == "own").any()
    for r in summary.itertuples():
        assert (f"| {r.checks} | {r.mae_pp:.2f} | {r.rmse_pp:.2f} | {r.mean_error_pp:.2f} | "
                f"{100 * r.coverage_50:.0f}% | {100 * r.coverage_80:.0f}% | {100 * r.coverage_90:.0f}% | "
                f"{r.interval_score:.2f} | {r.crps:.2f} |") in shown
    calibration = pd.read_csv(folder / "tables" / "forecast_calibration.csv")
    cal = "".join(executed_markdown(folder / "reports", "technical_en", "calibration"))
    assert len(markdown_rows(cal)) == len(calibration)
    errors = pd.read_csv(folder / "tables" / "digital_errors.csv")
    for r in errors.itertuples():
        assert f"{100 * r.sd:.1f}%" in text
    decisions = pd.read_csv(folder / "tables" / "targets_decisions.csv")
    shown = "".join(executed_markdown(folder / "reports", "technical_en", "decisions"))
    assert len(markdown_rows(shown)) == len(decisions)
    scenarios = pd.read_csv(folder / "tables" / "forecast_scenarios.csv")
    shown = "".join(executed_markdown(folder / "reports", "technical_en", "scenario-numbers"))
    assert len(markdown_rows(shown)) == len(scenarios)
    for release in scenarios["latest_release"].dropna().unique():
        assert release in shown
    head = pd.read_csv(folder / "tables" / "targets_headline.csv")
    assessment = "".join(executed_markdown(folder / "reports", "technical_en", "assessment")).replace("\xa0", " ")
    unpublished = head[head["probability_published"].astype(str) != "True"]
    assert all(row[-1] == fmt.MISSING for row in markdown_rows(assessment)) == (len(unpublished) == len(head))


def test_the_alternative_lenses_appear_in_the_technical_report_only_without_what_the_targets_take(built):
    folder = built / "forecasts" / LATEST / "reports"
    lenses = "".join(executed_markdown(folder, "technical_en", "lenses"))
    assert "HIDS" in lenses and "OECD" in lenses
    assert label("column", "required", "en") not in lenses
    for lang in ("vi", "en"):
        points = " ".join(main_points_html(folder / f"brief_{lang}.html", lang))
        assert "HIDS" not in points and "OECD" not in points
        outlook = "".join(executed_markdown(folder, f"brief_{lang}", "outlook"))
        assert "HIDS" not in outlook and "OECD" not in outlook


def test_published_reports_are_never_overwritten(built, capsys):
    folder = built / "forecasts" / LATEST / "reports"
    before = (folder / "manifest.json").read_bytes()
    with pytest.raises(vintage.VintageError, match="never overwritten"):
        render.publish(LATEST, renderer="preview")
    assert main(["publish", "--vintage", LATEST, "--renderer", "preview", "--quiet"]) == 1
    assert "never overwritten" in capsys.readouterr().err
    assert main(["publish", "--vintage", LATEST, "--skip-existing"]) == 0
    assert (folder / "manifest.json").read_bytes() == before
    assert main(["vintages"]) == 0
    listing = capsys.readouterr().out
    assert f"{LATEST}  intact  reports: preview" in listing and f"{PREVIOUS}  intact  no reports yet" in listing


def broken_reports(folder):
    """A reports folder whose one notebook fails in its second code cell."""
    broken = nbformat.v4.new_notebook()
    broken.cells = [nbformat.v4.new_code_cell('vintage = "2025Q3"', metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell("1 / 0")]
    broken.metadata["kernelspec"] = {"name": "grdp", "display_name": "grdp", "language": "python"}
    nbformat.write(broken, folder / "broken.ipynb")
    return folder


def test_a_failing_report_names_the_cell_and_leaves_nothing(built, tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "reports_dir", lambda: broken_reports(tmp_path))
    with pytest.raises(render.PublishError,
                       match=r"broken.ipynb failed in code cell 2 \(1 / 0\): ZeroDivisionError"):
        render.publish("2025Q3", renderer="preview")
    assert not (built / "forecasts" / "2025Q3" / "reports").exists()
    assert not list((built / "forecasts" / "2025Q3").glob(".reports-staging-*"))


def test_unknown_vintage_is_refused_with_the_list_of_vintages(built, capsys):
    assert main(["publish", "--vintage", "2024Q1", "--renderer", "preview"]) == 1
    assert "2024Q1 has not been published" in capsys.readouterr().err
    if render.quarto() is None:
        with pytest.raises(render.PublishError, match="quarto is not on PATH"):
            render.publish("2025Q3", renderer="quarto")
        assert not (built / "forecasts" / "2025Q3" / "reports").exists()


@pytest.mark.parametrize("name", REPORTS)
def test_report_sources_are_quarto_notebooks_without_outputs(name):
    book = nbformat.read(paths.reports_dir() / f"{name}.ipynb", as_version=4)
    meta = render.front_matter(book)
    assert meta["lang"] == name.rsplit("_", 1)[1] and meta["title"]
    tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and re.fullmatch(r'(#.*\n)*vintage = "\d{4}Q[1-4]"', tagged[0].source)
    assert book.metadata["kernelspec"]["name"] == "grdp"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in book.cells if c.cell_type == "code")
    assert not [c for c in book.cells if "injected-parameters" in c.metadata.get("tags", [])]
    project = (paths.reports_dir() / "_quarto.yml").read_text(encoding="utf-8")
    assert f"{name}.ipynb" in project


def test_the_two_technical_reports_run_the_same_code():
    def code(lang):
        book = nbformat.read(paths.reports_dir() / f"technical_{lang}.ipynb", as_version=4)
        return [c.source.replace(f'lang = "{lang}"', "lang") for c in book.cells if c.cell_type == "code"]

    assert code("vi") == code("en")


def test_every_label_has_vietnamese_and_english_words_and_nothing_else():
    import yaml

    table = yaml.safe_load((paths.data_file("labels.yaml")).read_text(encoding="utf-8"))
    for kind, entries in table.items():
        for key, entry in entries.items():
            assert {"vi", "en"} <= set(entry) <= {"vi", "en", "short_vi", "short_en"}, (kind, key, entry)
            assert all(isinstance(v, str) and v.strip() for v in entry.values()), (kind, key, entry)


def test_quarto_speaks_vietnamese_in_every_key_it_has():
    import yaml

    ours = yaml.safe_load((paths.reports_dir() / "_language-vi.yml").read_text(encoding="utf-8"))
    quarto = shutil.which("quarto")
    if quarto is None:
        pytest.skip("quarto is not on PATH")
    share = subprocess.run([quarto, "--paths"], capture_output=True, text=True).stdout.splitlines()
    defaults = [Path(p.strip()) / "language" / "_language.yml" for p in share if p.strip()]
    defaults = [p for p in defaults if p.exists()]
    assert defaults, "quarto --paths names no share folder with language/_language.yml"
    keys = yaml.safe_load(defaults[0].read_text(encoding="utf-8"))
    assert set(keys) <= set(ours), sorted(set(keys) - set(ours))
    assert all(isinstance(ours[k], str) for k in keys)


# --- Numbers, intervals, tables ----------------------------------------------------------------------------

def test_numbers_are_written_per_language_and_read_back():
    assert fmt.number(1479227, 0, "vi") == "1.479.227" and fmt.number(1479227, 0, "en") == "1,479,227"
    assert fmt.number(15.0423, 2, "vi") == "15,04" and fmt.percent(15.0423, 1, "en") == "15.0%"
    assert fmt.number(-0.001, 2, "en") == "0.00" and fmt.number(float("nan"), 1, "vi") == fmt.MISSING
    assert fmt.number(-2.5, 1, "vi") == "\u22122,5"  # the minus sign, which does not break from its digits
    assert fmt.interval(13.72, 16.36, 1, "vi") == "[13,7;\xa016,4]" and fmt.interval(13.72, 16.36, 1, "en") == \
        "[13.7,\xa016.4]"
    assert fmt.long_date("2025-12-31", "vi") == "ngày\xa031\xa0tháng\xa012\xa0năm\xa02025"
    assert fmt.long_date("2025-12-31", "en") == "31\xa0December\xa02025"
    assert fmt.year(2025.0) == "2025"
    for value in (0.5, 1234567.891, 15.04, -3.25):
        for lang in ("vi", "en"):
            assert fmt.parse_number(fmt.number(value, 3, lang), lang) == pytest.approx(value, abs=5e-4)
    with pytest.raises(ValueError, match="language 'fr'"):
        fmt.number(1.0, 1, "fr")


@pytest.mark.parametrize("p, vi, en", [(0.0, "<\xa01%", "<\xa01%"), (0.00999, "<\xa01%", "<\xa01%"),
                                       (0.01, "1%", "1%"), (0.7915, "79%", "79%"), (0.99, "99%", "99%"),
                                       (0.995, ">\xa099%", ">\xa099%"), (1.0, ">\xa099%", ">\xa099%")])
def test_probabilities_are_whole_percent_never_zero_or_one(p, vi, en):
    assert fmt.probability(p, "vi") == vi and fmt.probability(p, "en") == en


@pytest.mark.parametrize("lower, upper, decimals", [(23.2, 30.0, 1), (22.4, 55.5, 0), (14.2, 15.9, 1),
                                                     (10.0, 29.99, 1), (10.0, 30.0, 0), (5.0, 5.0, 1)])
def test_intervals_keep_two_significant_figures_of_their_half_width_never_below_a_tenth(lower, upper, decimals):
    assert fmt.interval_decimals(lower, upper) == decimals
    assert fmt.share_with_interval(42.45, 22.43, 55.46, "en") == "42%\xa0[22,\xa055]"
    assert fmt.published(22.0, "vi") == "22,0%" and fmt.published(14.65, "en") == "14.65%"


def test_markdown_table_sizes_columns_to_their_content_and_keeps_numbers_whole():
    frame = pd.DataFrame({"Definition": ["GSO — value added, core + digitalisation of other industries", "MIC"],
                          "Share": ["15.0% [13.9, 16.5]", "27.1% [23.2, 30.0]"], "p": ["a|b", "c"]})
    lines = fmt.markdown_table(frame).splitlines()
    assert lines[0] == "| Definition | Share | p |"
    rule = lines[1].strip("|").split("|")
    assert rule[0].startswith(":") and rule[1].endswith(":") and rule[2].startswith(":")  # text left, figures right
    widths = [len(r) for r in rule]
    assert sum(widths) > 72  # longer than Pandoc's 72 columns: relative widths, not equal ones
    assert widths[0] > widths[1] > widths[2]
    assert "27.1%\xa0[23.2,\xa030.0]" in lines[3] and "a\\|b" in lines[2]
    forced = fmt.markdown_table(pd.DataFrame({"first": ["13.34 (2025Q3)"]}), figures=("first",)).splitlines()
    assert forced[1].endswith(":|") and "13.34\xa0(2025Q3)" in forced[2]


def test_a_table_cell_never_opens_an_html_tag():
    """Issue 24: a cell is text in every format; a ``<`` is escaped, so Pandoc prints it and opens no tag."""
    frame = pd.DataFrame({"<b>publisher": ["<img src=x onerror=alert(1)>", "MIC"], "share": ["<\xa01%", "2%"]})
    lines = fmt.markdown_table(frame).splitlines()
    assert "<" not in "\n".join(lines).replace("\\<", "") and "\\<img src=x" in lines[2]
    assert lines[0] == "| \\<b>publisher | share |" and lines[1].endswith(":|")  # "< 1%" is still a figure


def test_a4_docx_sets_every_section_and_keeps_landscape(tmp_path):
    body = ('<w:document><w:body><w:p><w:pPr><w:sectPr></w:sectPr></w:pPr></w:p><w:p><w:pPr><w:sectPr>'
            '<w:pgSz w:h="11906" w:w="16838" w:orient="landscape" /></w:sectPr></w:pPr></w:p>'
            '<w:tbl><w:tblPr><w:tblW w:type="pct" w:w="5000" /><w:tblLayout w:type="fixed" /></w:tblPr></w:tbl>'
            '<w:sectPr /></w:body></w:document>')
    source = tmp_path / "in.docx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("word/document.xml", body)
        archive.writestr("word/styles.xml", "<w:styles/>")
    fixed = zipfile.ZipFile(io.BytesIO(layout.a4_docx(source.read_bytes())))
    text = fixed.read("word/document.xml").decode()
    sizes = re.findall(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"( w:orient="landscape")?/>', text)
    assert sizes == [("11906", "16838", ""), ("16838", "11906", ' w:orient="landscape"'), ("11906", "16838", "")]
    assert text.count('w:left="1417"') == 3 and fixed.read("word/styles.xml") == b"<w:styles/>"
    assert layout.without_fences("::: {.landscape}\n\n# Revisions\n\n:::").strip() == "# Revisions"
    assert layout.without_fences('::: {.content-visible when-format="typst"}\nbreak\n:::').strip() == "break"
    assert "tblLayout" not in text and '<w:tblW w:type="pct" w:w="5000" />' in text  # tables fit their content
    assert layout.without_fences("::: {#fig-bridges}\n\nCaption\n\n:::").strip() == "Caption"
    assert layout.plain_captions("| a |\n|--|\n| 1 |\n\n: Sources {#tbl-sources}\n").endswith("**Sources**\n")


def test_a4_docx_parts_two_tables_that_touch_and_no_table_inside_a_cell(tmp_path):
    """Word joins two tables with nothing between them into one: a paragraph parts them, bookmarks aside; a table
    that ends a cell (followed by the cell's paragraph) is left as it is."""
    inner = "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    body = (f'<w:document><w:body>{inner}<w:bookmarkEnd w:id="1" />\n{inner}<w:p/>'
            f"<w:tbl><w:tr><w:tc>{inner}<w:bookmarkEnd w:id=\"2\" /><w:p/></w:tc></w:tr></w:tbl>"
            "<w:sectPr /></w:body></w:document>")
    source = tmp_path / "in.docx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("word/document.xml", body)
    text = zipfile.ZipFile(io.BytesIO(layout.a4_docx(source.read_bytes()))).read("word/document.xml").decode()
    assert text.count(layout.TABLES_APART) == 1
    assert f'{inner}<w:bookmarkEnd w:id="1" />\n{layout.TABLES_APART}{inner}<w:p/>' in text


def test_reference_docx_sets_the_type_sizes_of_the_pdf():
    styles = ('<w:styles><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="24" /><w:szCs w:val="24" /></w:rPr>'
              '</w:rPrDefault></w:docDefaults><w:style w:type="table" w:styleId="Table"><w:name w:val="Table" />'
              '</w:style><w:style w:type="paragraph" w:styleId="Title"><w:rPr><w:sz w:val="56" /><w:szCs w:val="56" />'
              '</w:rPr></w:style><w:style w:type="paragraph" w:styleId="Subtitle"><w:rPr /></w:style></w:styles>')
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as docx:
        docx.writestr("word/styles.xml", styles)
    sized = zipfile.ZipFile(io.BytesIO(layout.reference_docx(archive.getvalue()))).read("word/styles.xml").decode()

    def sizes(style):
        return re.findall(r'<w:sz w:val="(\d+)"', re.search(rf'w:styleId="{style}".*?</w:style>', sized, re.S).group(0))

    assert sizes("Table") == ["16"] and sizes("Title") == ["40"] and sizes("Subtitle") == ["26"]  # half-points
    assert re.search(r'<w:rPrDefault><w:rPr><w:sz w:val="22" />', sized)


# --- The Quarto rendering -------------------------------------------------------------------------------

def test_quarto_publishes_html_docx_and_pdf_of_every_report_from_a_copy(quarto_rendered):
    published = quarto_rendered.published
    assert not published.preview and published.renderer == f"quarto {render.quarto_version(render.quarto())}"
    for name in REPORTS:
        for suffix in render.FORMATS:
            assert (quarto_rendered.folder / f"{name}{suffix}").stat().st_size > 10_000, f"{name}{suffix}"
    manifest = json.loads((quarto_rendered.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["preview"] is False and {f"{n}{s}" for n in REPORTS for s in render.FORMATS} <= set(
        manifest["outputs"])
    # the tracked notebooks and the project are untouched: no outputs, no injected cell, no .quarto/, no .gitignore
    assert quarto_rendered.reports_after == quarto_rendered.reports_before


def test_quarto_runs_with_the_project_python_whatever_python_is_on_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin")
    env = render.quarto_environment()
    assert env["QUARTO_PYTHON"] == sys.executable
    assert env["PATH"].split(":")[0] == str(Path(sys.executable).parent)
    assert env["GRDP_ROOT"] == str(paths.repo_root())


def test_quarto_version_is_the_one_the_workflow_pins():
    pinned = re.search(r'version:\s*"(\d+\.\d+\.\d+)"', WORKFLOW.read_text(encoding="utf-8")).group(1)
    if render.quarto() is None:
        pytest.skip("quarto is not on PATH")
    assert render.quarto_version(render.quarto()) == pinned


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("reader", [main_points_html, main_points_docx, main_points_pdf])
def test_main_points_in_every_format_equal_the_vintage_tables(quarto_rendered, lang, reader):
    suffix = {main_points_html: ".html", main_points_docx: ".docx", main_points_pdf: ".pdf"}[reader]
    items = reader(quarto_rendered.folder / f"brief_{lang}{suffix}", lang)
    check_main_points(items, quarto_rendered.root / "forecasts" / LATEST, lang)


PAGE_ONE_WORDS = 150
"""The most words page 1 of the English brief may have (the vintage line and the main points)."""
ENGLISH_WORDS = ("the", "of", "and", "with", "from", "which", "this", "that", "is", "are", "was", "were", "has",
                 "have", "been", "not", "than", "its", "their", "figure", "figures", "published", "estimate",
                 "estimates", "target", "targets", "year", "years", "model", "models", "share", "growth", "city",
                 "definition", "interval", "projection", "projections", "probability", "release", "releases",
                 "vintage", "below", "above", "reached", "merged", "former", "since", "source", "sources")
"""Common English words that are no Vietnamese syllable: none may appear in a Vietnamese report's text."""
CODE_IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b\w+\.(?:py|csv|md|yaml|ipynb|json)\b"
                             r"|\b[a-z_]+(?:\.[a-z_]+){2,}\b")
"""A snake_case name, a file name or a dotted code path (``grdp.report.brief``)."""


def reader_text(path) -> str:
    """What a reader sees of a rendered report (HTML, DOCX with its tables, PDF), one space between words, web
    addresses left out, no-break, zero-width and soft-hyphen characters removed."""
    import docx

    if path.suffix == ".html":
        text = text_of(path)
    elif path.suffix == ".docx":
        document = docx.Document(str(path))
        text = "\n".join([p.text for p in document.paragraphs]
                         + [p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs])
    else:
        text = "\n".join(pdf_text(path))
    text = text.replace("\xa0", " ").replace("\u200b", "").replace("\u00ad", "")
    text = re.sub(r"-\n(?=[a-z])", "", text)  # a word the PDF hyphenated at a line end
    return " ".join(re.sub(r"https?://\S+", " ", text).split())


def colophon_start(lang: str) -> str:
    """The words the colophon starts with (``issuer.colophon``), where a report's body ends."""
    return label("issuer", "colophon", lang).split("{")[0]


def page_one(path, lang) -> str:
    """The text of an HTML brief between its main-points heading and the first figure's caption."""
    text = text_of(path).replace("\xa0", " ")
    end = text.index(f"{FIGURE[lang]} 1")
    return text[text.rindex(MAIN_POINTS[lang], 0, end) + len(MAIN_POINTS[lang]):end]


def test_page_one_is_short_and_the_same_points_in_both_languages(quarto_rendered):
    words = len(page_one(quarto_rendered.folder / "brief_en.html", "en").split())
    assert 60 <= words <= PAGE_ONE_WORDS, words
    points = {lang: main_points_html(quarto_rendered.folder / f"brief_{lang}.html", lang) for lang in ("vi", "en")}
    assert len(points["vi"]) == len(points["en"])
    for vi, en in zip(points["vi"], points["en"]):
        assert figures(vi.replace("\xa0", " "), "vi") == figures(en.replace("\xa0", " "), "en")


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("suffix", [".html", ".docx", ".pdf"])
def test_every_report_names_its_issuer_and_the_software_once_in_its_colophon(quarto_rendered, name, suffix):
    from grdp import __version__
    from grdp.report import issuer

    lang = name.rsplit("_", 1)[1]
    text = reader_text(quarto_rendered.folder / f"{name}{suffix}")
    who = issuer.load()
    assert text.count(who.name[lang]) >= 2  # the masthead and the colophon
    body, colophon = text.rsplit(colophon_start(lang), 1)
    assert f"grdp, {label('issuer', 'colophon', lang).split('grdp, ')[1].split('{')[0]}{__version__}" in colophon
    if name.startswith("brief"):
        assert "grdp" not in body  # read as "GRDP": the software is named in the colophon only
        assert not CODE_IDENTIFIER.findall(text), CODE_IDENTIFIER.findall(text)[:5]


@pytest.mark.parametrize("suffix", [".html", ".docx", ".pdf"])
def test_the_vietnamese_brief_has_no_english_sentence(quarto_rendered, suffix):
    text = reader_text(quarto_rendered.folder / f"brief_vi{suffix}")
    english = [w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH_WORDS]
    assert not english, english[:10]
    assert reader_text(quarto_rendered.folder / f"brief_en{suffix}").count(" the ") > 50  # the check can see English


def test_the_first_pdf_page_holds_the_main_points_and_the_chart_alone(quarto_rendered):
    from pypdf import PdfReader

    for lang in ("vi", "en"):
        reader = PdfReader(str(quarto_rendered.folder / f"brief_{lang}.pdf"))
        first, second = pdf_text(quarto_rendered.folder / f"brief_{lang}.pdf")[:2]
        assert MAIN_POINTS[lang] in first and f"{FIGURE[lang]} 1" in first
        assert len(reader.pages[0].images) == 1  # the chart of the share against the target path
        assert f"{FIGURE[lang]} 1" not in second  # the detail starts on page 2


@pytest.mark.parametrize("name", REPORTS)
def test_every_format_has_the_figures_and_the_language(quarto_rendered, name):
    import docx
    from pypdf import PdfReader

    lang = name.rsplit("_", 1)[1]
    folder = quarto_rendered.folder
    page = (folder / f"{name}.html").read_text(encoding="utf-8")
    images = page.count('src="data:image/png;base64,')
    document = docx.Document(str(folder / f"{name}.docx"))
    pdf = PdfReader(str(folder / f"{name}.pdf"))
    shown = ("bridge_*.png", "quarterly_shares.png", "fan_*.png")  # the vintage's figures the technical report shows
    vintage_figures = quarto_rendered.root / "forecasts" / LATEST / "figures"
    figures = 2 if name.startswith("brief") else sum(len(list(vintage_figures.glob(p))) for p in shown)
    assert images >= figures and len(document.inline_shapes) >= figures
    assert sum(len(p.images) for p in pdf.pages) >= figures
    assert re.search(rf'<html[^>]*lang="{lang}"', page)
    cells = [p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    texts = {"html": text_of(folder / f"{name}.html"),
             "docx": "\n".join([p.text for p in document.paragraphs] + cells),  # figures sit in layout tables
             "pdf": "\n".join(pdf_text(folder / f"{name}.pdf"))}
    manifest = json.loads((quarto_rendered.root / "forecasts" / LATEST / "manifest.json").read_text(encoding="utf-8"))
    date = fmt.long_date(manifest["parameters"]["as_of"], lang).replace("\xa0", " ")
    for kind, text in texts.items():
        flat = text.replace("\xa0", " ").rsplit("Phụ lục phương pháp", 1)[0]  # the methods appendix is English
        assert date in flat, (kind, "the vintage's cut-off as the date, in the report's language")
        if name.startswith("brief"):
            assert f"{FIGURE[lang]} 1" in flat, kind
        if lang == "vi":
            assert not [w for w in ENGLISH_FURNITURE if w in flat], (kind, [w for w in ENGLISH_FURNITURE if w in flat])
    if lang == "vi" and name.startswith("technical"):
        assert "Mục lục" in texts["html"] and "Mục lục" in texts["pdf"]


@pytest.mark.parametrize("name", ["technical_vi", "technical_en"])
def test_technical_sections_are_numbered_from_one_and_wide_tables_turn_the_page(quarto_rendered, name):
    from pypdf import PdfReader

    page = (quarto_rendered.folder / f"{name}.html").read_text(encoding="utf-8")
    numbers_shown = re.findall(r'<span class="header-section-number">([\d.]+)</span>', page)
    assert numbers_shown[:2] == ["1", "2"] and str(TECHNICAL_SECTIONS) in numbers_shown
    assert not [n for n in numbers_shown if n.startswith("0")]
    pdf = PdfReader(str(quarto_rendered.folder / f"{name}.pdf"))
    shapes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in pdf.pages]
    assert {tuple(round(x) for x in s) for s in shapes} == {(595, 842), (842, 595)}  # A4, portrait and landscape
    document = zipfile.ZipFile(quarto_rendered.folder / f"{name}.docx").read("word/document.xml").decode()
    sizes = re.findall(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"', document)
    assert set(sizes) == {("11906", "16838"), ("16838", "11906")}  # every DOCX page A4, some landscape


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_intervals_are_never_broken_across_lines(quarto_rendered, suffix):
    for name in ("brief_vi", "brief_en"):
        path = quarto_rendered.folder / f"{name}{suffix}"
        if suffix == ".pdf":
            lines = "\n".join(pdf_text(path)).splitlines()
        else:
            import docx

            document = docx.Document(str(path))
            lines = [c.text for t in document.tables for row in t.rows for c in row.cells]
            assert any("\xa0" in line for line in lines)  # figures with intervals keep their no-break spaces
        broken = [line for line in lines if re.search(r"\[−?\d[\d.,]*[;,]?\s*[−\d.,]*$", line.rstrip())]
        assert not broken, broken[:3]  # an interval's opening bracket never ends a line


def test_a_failing_quarto_report_names_the_report_and_cell_and_keeps_the_notebook(built, tmp_path, monkeypatch):
    if render.quarto() is None:
        pytest.skip("quarto is not on PATH")
    (tmp_path / "reports").mkdir()
    reports = broken_reports(tmp_path / "reports")
    monkeypatch.setattr(paths, "reports_dir", lambda: reports)
    with pytest.raises(render.PublishError) as error:
        render.publish("2025Q3", renderer="quarto")
    message = str(error.value)
    assert re.search(r"report broken.ipynb failed in code cell 2 \(1 / 0\): ZeroDivisionError: division by zero",
                     message), message
    kept = Path(re.search(r"kept in (\S+\.ipynb)", message).group(1))
    assert kept.is_relative_to(paths.failed_runs_dir()) and "ZeroDivisionError" in kept.read_text(encoding="utf-8")
    assert len(message) < 600  # one clear message, not Quarto's output
    assert not (built / "forecasts" / "2025Q3" / "reports").exists()
    assert not list((built / "forecasts" / "2025Q3").glob(".reports-staging-*"))
    assert sorted(p.name for p in reports.iterdir()) == ["broken.ipynb"]  # rendered from a copy


# --------------------------------------------------------------------------- the technical reports as read

APPENDIX = {"vi": "Phụ lục phương pháp", "en": "Methods appendix"}
"""The heading of the technical report's methods appendix (the methods document, kept apart from the body)."""
TABLE = {"vi": "Bảng", "en": "Table"}
ENGLISH_WORDS = frozenset(
    "the and of is are was were be been with from which that this these by for not or its their than where when "
    "into only each every would should has have had after before between published growth value share model "
    "estimate estimates figure figures target targets year years interval intervals check checks new moved".split())
"""Common English words a Vietnamese sentence never contains (no Vietnamese word is spelt like any of them)."""
CODE = re.compile(r"\b[\w-]+\.(?:csv|ya?ml|json|png|md|py|ipynb|typ|xlsx|docx)\b"  # file names
                  r"|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"  # snake_case identifiers (ba_ria_vung_tau_grdp)
                  r"|\b[a-z]+(?:\.[a-z_]+)+\.[A-Za-z_]+\b"  # dotted code paths (gso.core_share.C, grdp.digital.gap)
                  r"|`")
"""What a code identifier, a file name or a code span looks like in a report's text."""


def rendered_texts(folder: Path, name: str) -> dict[str, str]:
    """The text a reader sees in each format of a rendered report (HTML, DOCX paragraphs and table cells, PDF),
    zero-width spaces removed and no-break spaces read as spaces."""
    import docx

    document = docx.Document(str(folder / f"{name}.docx"))
    cells = [p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    texts = {"html": text_of(folder / f"{name}.html"),
             "docx": "\n".join([p.text for p in document.paragraphs] + cells),
             "pdf": "\n".join(pdf_text(folder / f"{name}.pdf"))}
    return {kind: text.replace("\u200b", "").replace("\xa0", " ") for kind, text in texts.items()}


def body_of(text: str, lang: str) -> str:
    """A technical report's text without its methods appendix: the text before the appendix heading, without the
    appendix's section titles listed in the table of contents."""
    body = text.rsplit(APPENDIX[lang], 1)[0]
    for line in paths.methods_document(lang if paths.methods_document(lang).exists() else "en").read_text(
            encoding="utf-8").splitlines():
        if line.startswith("## "):
            body = body.replace(" ".join(line[3:].replace("`", "").split()), " ")
    return body


def english_lines(text: str) -> list[str]:
    """The lines (HTML: the sentences) of ``text`` with two or more different common English words."""
    pieces = re.split(r"\n|(?<=[.:;!?])\s", text)
    return [p.strip() for p in pieces if len({w for w in re.findall(r"[A-Za-z]+", p.lower())} & ENGLISH_WORDS) >= 2]


def test_the_english_word_check_finds_english_and_passes_vietnamese():
    assert english_lines("moved by growth: 2024 value x volume growth 8.07%")
    assert not english_lines("giá trị năm trước × tăng trưởng khối lượng × tăng trưởng giá; TCTK, Bộ TT&TT, MASE, CRPS")
    assert CODE.findall("ba_ria_vung_tau_grdp gso.core_share.C grdp.digital.gap digital_headline.csv `x`") == [
        "ba_ria_vung_tau_grdp", "gso.core_share.C", "grdp.digital.gap", "digital_headline.csv", "`", "`"]
    assert not CODE.findall("TP.HCM 2026Q1 13,51% [12,1; 14,9] X-13ARIMA-SEATS Bộ TT&TT")


def test_the_vietnamese_technical_report_has_no_english_sentence(quarto_rendered):
    for kind, text in rendered_texts(quarto_rendered.folder, "technical_vi").items():
        if paths.methods_document("vi").exists():  # the appendix is Vietnamese too once its text is written
            text = text.replace(APPENDIX["vi"], " ")
        else:
            text = body_of(text, "vi")
        found = english_lines(text)
        assert not found, (kind, found[:5])


@pytest.mark.parametrize("name", ["technical_vi", "technical_en"])
def test_no_code_identifier_or_file_name_reaches_the_technical_report(quarto_rendered, name):
    lang = name.rsplit("_", 1)[1]
    for kind, text in rendered_texts(quarto_rendered.folder, name).items():
        body = re.sub(r"https?://\S+", " ", body_of(text, lang))  # a web address (the issuer's contact) is no code
        found = sorted(set(CODE.findall(body)))
        assert not found, (kind, found[:10])


@pytest.mark.parametrize("name", ["technical_vi", "technical_en"])
def test_every_table_and_figure_of_the_technical_report_is_numbered_and_captioned(quarto_rendered, name):
    lang = name.rsplit("_", 1)[1]
    page = (quarto_rendered.folder / f"{name}.html").read_text(encoding="utf-8")
    body = page.rsplit(APPENDIX[lang], 1)[0]
    tables = body.count("<table")
    captions = re.findall(rf"<figcaption[^>]*>\s*{TABLE[lang]}(?:\s|&nbsp;)+(\d+):", body)
    figures = re.findall(rf"<figcaption[^>]*>\s*{FIGURE[lang]}(?:\s|&nbsp;)+(\d+):", body)
    assert tables > 20 and len(captions) == tables  # every table of the body in a numbered float with its caption
    assert captions == [str(k) for k in range(1, tables + 1)]
    assert figures == ["1", "2", "3"]  # bridges, quarterly shares, fan charts
    texts = rendered_texts(quarto_rendered.folder, name)
    for kind in ("pdf", "docx"):
        shown = set(re.findall(rf"\b{TABLE[lang]} (\d+):", texts[kind]))
        assert shown == {str(k) for k in range(1, tables + 1)}, kind
        assert {f"{FIGURE[lang]} {k}:" for k in (1, 2, 3)} <= set(re.findall(rf"\b{FIGURE[lang]} \d+:", texts[kind]))


@pytest.mark.parametrize("name", ["technical_vi", "technical_en"])
def test_the_technical_docx_has_no_empty_section_and_no_table_of_contents_to_update(quarto_rendered, name):
    document = zipfile.ZipFile(quarto_rendered.folder / f"{name}.docx").read("word/document.xml").decode()
    body = document.split("<w:body>", 1)[1]
    sections = [s for s in re.split(r"<w:sectPr\b.*?</w:sectPr>", body, flags=re.S)][:-1]
    assert len(sections) > 1
    for k, section in enumerate(sections):
        shown = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", section)).strip()
        assert shown or "<w:drawing" in section, f"section {k + 1} of {len(sections)} is empty (a blank page)"
    assert "TOC \\" not in document and "w:fldSimple" not in document  # no field Word must update to show
    assert 'w:type="fixed"' not in document  # table layout: Word fits the columns to the page


def test_codes_of_the_vintage_tables_reach_the_technical_report_as_words():
    from grdp.report import technical

    assert technical.parameter_name("gso.core_share.C", "vi") == "TCTK: tỷ trọng lõi số trong ngành C"
    assert technical.parameter_name("mic.ict_basis", "en").startswith("MIC: ")
    assert technical.series_name("vn_share_C", "en") == "section C share of national GDP"
    assert technical.series_name("vn:G", "vi") == "cả nước, ngành G"
    assert technical.series_name("digital_va:mic", "vi").endswith("Bộ TT&TT")
    assert technical.series_name("grdp_real_growth_target", "vi") == "mục tiêu tăng trưởng GRDP thực"
    note = ("moved by growth: 2024 value x volume growth 8.07% (published growth excluding oil and gas "
            "(hcmc_grdp_growth), ...) x deflator growth 5.03% (national deflator of 2025 by section)")
    assert technical._account_method(note, "vi") == "giá trị năm trước × tăng trưởng khối lượng × tăng trưởng giá"
    assert technical.GROWTHS.search(note).group("volume", "deflator") == ("8.07", "5.03")
    assert technical._account_method("sum of members (B C D E)", "vi") == "tổng các thành phần (B C D E)"
    table = technical.captioned("| a |\n|--:|\n| 1 |", "accounts-year", "vi", year="2025")
    assert table.endswith(": Tài khoản ngành năm 2025 (tỷ đồng, giá hiện hành; tỷ trọng: % GRDP) {#tbl-accounts-year}\n")
    assert technical.captioned("- a note, not a table", "sources", "vi") == "- a note, not a table"
    assert technical.captioned("| a |\n|--|\n| 1 |", "headline:old", "en", place="x").endswith("{#tbl-headline-old}\n")


def test_the_methods_appendix_is_in_the_report_language_where_it_is_written(tmp_path, monkeypatch):
    from grdp.report import technical

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "methods.md").write_text("# Methods\n\n## Sources\n\nEnglish text.\n", encoding="utf-8")
    monkeypatch.setenv("GRDP_ROOT", str(tmp_path))
    english = technical.methods_page("vi")  # no Vietnamese text yet: the English one, after a note saying so
    assert english.endswith("## Sources\n\nEnglish text.") and english.startswith("Bản tiếng Việt")
    assert technical.methods_page("en") == "\n## Sources\n\nEnglish text."
    (tmp_path / "docs" / "methods_vi.md").write_text("# Phương pháp\n\n## Nguồn\n\nVăn bản.\n", encoding="utf-8")
    assert technical.methods_page("vi") == "\n## Nguồn\n\nVăn bản."


def test_a_label_given_twice_is_refused():
    """A merge that leaves a key twice in labels.yaml fails loudly instead of keeping the last silently."""
    import yaml

    from grdp.base import labels as labels_module

    assert labels_module._labels()  # the shipped file has no key twice
    with pytest.raises(ValueError, match="given twice in one mapping: a"):
        yaml.load("top:\n  a: 1\n  a: 2\n", Loader=labels_module._UniqueKeys)
