"""Reports: the preview publishing path, the headline numbers against the vintage's tables, Quarto if present.

The shared project (``conftest.built_root``) holds vintages 2025Q3 and 2025Q4 and the preview reports of
2025Q4. Expected figures are recomputed here from the vintage's CSV files with plain Python formatting,
independently of :mod:`grdp.report`.
"""

from __future__ import annotations

import html
import json
import re
import shutil

import nbformat
import openpyxl
import pandas as pd
import pytest

from grdp import paths, publish, vintage
from grdp.cli import main
from grdp.report import formatting as fmt
from grdp.workbook import SHEETS

REPORTS = ("brief_en", "brief_vi", "technical_en")
HEADINGS = {"vi": "Điểm chính", "en": "Key points"}
INSTITUTIONS = ("gso", "mic", "hids")


def text_of(path) -> str:
    """The visible text of an HTML file, one space between elements."""
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def headline(path, lang) -> str:
    """The headline paragraph: the second paragraph after the key-points heading (the first names the vintage)."""
    page = path.read_text(encoding="utf-8")
    after = page[page.index(HEADINGS[lang]):]
    paragraphs = re.findall(r"<p>(.*?)</p>", after, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", paragraphs[1])))


def numbers(text: str, lang: str) -> list[float]:
    """Every number in a text written in ``lang`` (vi: 1.234,5; en: 1,234.5)."""
    pattern = r"\d+(?:\.\d{3})*(?:,\d+)?" if lang == "vi" else r"\d+(?:,\d{3})*(?:\.\d+)?"
    return [float(n.replace(".", "").replace(",", ".") if lang == "vi" else n.replace(",", ""))
            for n in re.findall(pattern, text)]


def shown_probability(p: float) -> float:
    return 0.01 if 0 < p < 0.005 else round(p, 2)


def expected_headline(folder) -> list[float]:
    """The headline's numbers in reading order, from targets_headline.csv and targets_assessment.csv."""
    head = pd.read_csv(folder / "tables" / "targets_headline.csv")
    level = 100 * pd.read_csv(folder / "tables" / "targets_assessment.csv")["level"].iloc[0]
    rows = head[(head["boundary"] == "old") & (head["scenario"] == "baseline") & head["method"].isin(INSTITUTIONS)]
    rows = rows.assign(order=rows["method"].map(INSTITUTIONS.index)).sort_values(["target_year", "order"])
    first = rows.drop_duplicates("method").sort_values("order")
    out = [float(first["last_year"].iloc[0])] + [round(v, 1) for v in first["last_share"]]
    for (year, target), group in rows.groupby(["target_year", "target"]):
        out += [target, year]
        for r in group.itertuples():
            out += [round(r.median, 1), level, round(r.lower, 1), round(r.upper, 1), shown_probability(r.probability)]
        out += [target, year] + [round(r.required_excess_growth, 1) for r in group.itertuples()
                                 if r.required_excess_growth > 0]  # "already above the target" has no number
    return out


def test_preview_publishes_every_report_the_workbook_and_a_manifest(built):
    folder = built / "forecasts" / "2025Q4" / "reports"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["preview"] is True and manifest["renderer"].startswith("preview")
    for name in REPORTS:
        assert (folder / f"{name}.html").stat().st_size > 10_000
        executed = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        assert executed.metadata["papermill"]["parameters"] == {"vintage": "2025Q4"}
        assert not [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
                    if o.get("output_type") == "error"]
    assert {f"{n}.html" for n in REPORTS} | {"tables/revisions.csv", "grdp_2025Q4.xlsx"} <= set(manifest["outputs"])
    assert vintage.verify("2025Q4") == []  # the reports' hashes are checked with the vintage's
    assert not list((built / "forecasts" / "2025Q4").glob(".reports-staging-*"))
    assert openpyxl.load_workbook(folder / "grdp_2025Q4.xlsx", read_only=True).sheetnames == list(SHEETS)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_headline_numbers_in_the_html_equal_the_vintage_tables(built, lang):
    paragraph = headline(built / "forecasts" / "2025Q4" / "reports" / f"brief_{lang}.html", lang)
    assert numbers(paragraph, lang) == pytest.approx(expected_headline(built / "forecasts" / "2025Q4"), abs=1e-9)


def test_vietnamese_brief_writes_numbers_the_vietnamese_way(built):
    folder = built / "forecasts" / "2025Q4"
    text = text_of(folder / "reports" / "brief_vi.html")
    head = pd.read_csv(folder / "tables" / "targets_headline.csv")
    gso = head[(head["boundary"] == "old") & (head["method"] == "gso") & (head["target_year"] == 2030)].iloc[0]
    assert f"{gso['median']:.1f}%".replace(".", ",") in text
    assert f"[{gso['lower']:.1f}; {gso['upper']:.1f}]".replace(".", ",") in text
    assert 'lang="vi"' in (folder / "reports" / "brief_vi.html").read_text(encoding="utf-8")[:200]
    assert publish.PREVIEW_BANNER["vi"] in text


def test_outlook_tables_show_every_method_against_each_target(built):
    folder = built / "forecasts" / "2025Q4"
    text = text_of(folder / "reports" / "brief_en.html")
    head = pd.read_csv(folder / "tables" / "targets_headline.csv")
    for r in head[head["scenario"].isin(["baseline", "merged-baseline"])].itertuples():
        assert f"{r.median:.1f}% [{r.lower:.1f}, {r.upper:.1f}]" in text, (r.boundary, r.method, r.target_year)
        assert f"{r.required_excess_growth:,.1f} " in text


def test_brief_has_the_fan_chart_and_the_history_by_institution(built):
    folder = built / "forecasts" / "2025Q4"
    page = (folder / "reports" / "brief_en.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 1  # the fan chart, embedded
    text = text_of(folder / "reports" / "brief_en.html")
    published = pd.read_csv(folder / "tables" / "forecast_published.csv")
    for r in published[published["boundary"] == "old"].itertuples():
        assert f"{r.value:.2f}%" in text


def test_brief_says_what_changed_since_the_previous_vintage(built):
    folder = built / "forecasts"
    text = text_of(folder / "2025Q4" / "reports" / "brief_en.html")
    assert "Compared with vintage 2025Q3" in text

    def mic_2024(label):
        hist = pd.read_csv(folder / label / "tables" / "forecast_history.csv")
        return hist[(hist["boundary"] == "old") & (hist["method"] == "mic") & (hist["year"] == 2024)]["share"].iloc[0]

    before, after = mic_2024("2025Q3"), mic_2024("2025Q4")
    assert abs(after - before) > 0.01  # the MIC 2024 release of October 2025 moved the calibration
    assert f"{before:.2f}% {after:.2f}% {after - before:.2f}" in text


def test_technical_report_holds_every_section_and_the_revision_table(built):
    text = text_of(built / "forecasts" / "2025Q4" / "reports" / "technical_en.html")
    for section in ("Sources and quality ratings", "Sector accounts", "Reproduction of published figures",
                    "Bridges between methods", "Quarterly series and nowcast", "Forecasts", "Backtests",
                    "Scenarios", "Targets already measured", "Revisions", "Reproducing this vintage",
                    "Methods appendix"):
        assert section in text, section
    revisions = pd.read_csv(built / "forecasts" / "2025Q4" / "reports" / "tables" / "revisions.csv")
    assert set(revisions["first_vintage"]) >= {"2025Q3"} and (revisions["releases"] == 2).any()
    assert "Only one vintage" not in text


def test_published_reports_are_never_overwritten(built, capsys):
    folder = built / "forecasts" / "2025Q4" / "reports"
    before = (folder / "manifest.json").read_bytes()
    with pytest.raises(vintage.VintageError, match="never overwritten"):
        publish.publish("2025Q4", renderer="preview")
    assert main(["publish", "--vintage", "2025Q4", "--renderer", "preview", "--quiet"]) == 1
    assert "never overwritten" in capsys.readouterr().err
    assert main(["publish", "--vintage", "2025Q4", "--skip-existing"]) == 0
    assert (folder / "manifest.json").read_bytes() == before
    assert main(["vintages"]) == 0
    listing = capsys.readouterr().out
    assert "2025Q4  intact  reports: preview" in listing and "2025Q3  intact  no reports yet" in listing


def test_a_failing_report_names_the_cell_and_leaves_nothing(built, tmp_path, monkeypatch):
    broken = nbformat.v4.new_notebook()
    broken.cells = [nbformat.v4.new_code_cell('vintage = "2025Q3"', metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell("1 / 0")]
    broken.metadata["kernelspec"] = {"name": "grdp", "display_name": "grdp", "language": "python"}
    nbformat.write(broken, tmp_path / "broken.ipynb")
    monkeypatch.setattr(paths, "reports_dir", lambda: tmp_path)
    with pytest.raises(publish.PublishError, match=r"broken.ipynb failed in cell \d+: ZeroDivisionError"):
        publish.publish("2025Q3", renderer="preview")
    assert not (built / "forecasts" / "2025Q3" / "reports").exists()
    assert not list((built / "forecasts" / "2025Q3").glob(".reports-staging-*"))


def test_unknown_vintage_is_refused_with_the_list_of_vintages(built, capsys):
    assert main(["publish", "--vintage", "2024Q1", "--renderer", "preview"]) == 1
    assert "2024Q1 has not been published" in capsys.readouterr().err
    if publish.quarto() is None:
        with pytest.raises(publish.PublishError, match="quarto is not on PATH"):
            publish.publish("2025Q3", renderer="quarto")
        assert not (built / "forecasts" / "2025Q3" / "reports").exists()


@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH")
def test_quarto_renders_html_docx_and_pdf_with_the_same_headline(built):
    published = publish.publish("2025Q3", renderer="quarto")
    assert not published.preview
    folder = published.folder
    for name in REPORTS:
        for suffix in (".html", ".docx", ".pdf"):
            assert (folder / f"{name}{suffix}").exists(), f"{name}{suffix}"
    text = text_of(folder / "brief_en.html")
    assert numbers(headline(folder / "brief_en.html", "en"), "en") == pytest.approx(
        expected_headline(built / "forecasts" / "2025Q3"), abs=1e-9), text[:200]


@pytest.mark.parametrize("name", REPORTS)
def test_report_sources_are_quarto_notebooks_without_outputs(name):
    book = nbformat.read(paths.reports_dir() / f"{name}.ipynb", as_version=4)
    meta = publish.front_matter(book)
    assert meta["lang"] == name.rsplit("_", 1)[1] and meta["title"]
    tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and re.fullmatch(r'(#.*\n)*vintage = "\d{4}Q[1-4]"', tagged[0].source)
    assert book.metadata["kernelspec"]["name"] == "grdp"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in book.cells if c.cell_type == "code")
    project = (paths.reports_dir() / "_quarto.yml").read_text(encoding="utf-8")
    assert f"{name}.ipynb" in project


def test_numbers_are_written_per_language_and_read_back():
    assert fmt.number(1479227, 0, "vi") == "1.479.227" and fmt.number(1479227, 0, "en") == "1,479,227"
    assert fmt.number(15.0423, 2, "vi") == "15,04" and fmt.percent(15.0423, 1, "en") == "15.0%"
    assert fmt.number(-0.001, 2, "en") == "0.00" and fmt.number(float("nan"), 1, "vi") == fmt.MISSING
    assert fmt.interval(13.72, 16.36, 1, "vi") == "[13,7; 16,4]" and fmt.interval(13.72, 16.36, 1, "en") == "[13.7, 16.4]"
    assert fmt.probability(0.001, "vi") == "< 0,01" and fmt.probability(0.74375, "en") == "0.74"
    assert fmt.long_date("2025-12-31", "vi") == "ngày 31 tháng 12 năm 2025"
    assert fmt.long_date("2025-12-31", "en") == "31 December 2025"
    for value in (0.5, 1234567.891, 15.04):
        for lang in ("vi", "en"):
            assert fmt.parse_number(fmt.number(value, 3, lang), lang) == pytest.approx(value, abs=5e-4)
    with pytest.raises(ValueError, match="language 'fr'"):
        fmt.number(1.0, 1, "fr")


def test_markdown_table_aligns_numbers_and_escapes_pipes():
    table = fmt.markdown_table(pd.DataFrame({"name": ["a|b", "c"], "value": ["1,5", fmt.MISSING]}))
    lines = table.splitlines()
    assert lines[0] == "| name | value |" and lines[1] == "|:---|---:|"
    assert lines[2] == "| a\\|b | 1,5 |" and lines[3] == f"| c | {fmt.MISSING} |"
