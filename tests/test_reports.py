"""Reports: the preview publishing path, the Quarto rendering (HTML, DOCX, PDF) where Quarto is installed, and
the first page's numbers against the vintage's tables in every format.

The shared project (``conftest.built_root``) holds vintages 2025Q3 and 2025Q4 and the preview reports of
2025Q4; ``conftest.quarto_rendered`` holds the Quarto rendering of 2025Q4. Expected figures are recomputed
here from the vintage's CSV files with plain Python formatting and the rounding rules as stated in
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

from grdp import paths, publish, vintage
from grdp.cli import main
from grdp.report import formatting as fmt
from grdp.report import layout
from grdp.workbook import SHEETS

REPORTS = ("brief_vi", "brief_en", "technical_vi", "technical_en")
MAIN_POINTS = {"vi": "Điểm chính", "en": "Main points"}
FIGURE = {"vi": "Hình", "en": "Figure"}
ENGLISH_FURNITURE = ("Table of contents", "Figure 1", "Table 1", "Author", "Other Formats", "Published", "Appendices",
                     "Modified")
WORKFLOW = paths.repo_root() / ".github" / "workflows" / "quarterly.yml"


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


# --- The first page, recomputed from the vintage's CSV files ---------------------------------------------

def rounded(value, lower, upper):
    """A share and its interval at the stated rule: one decimal under a 10 pp half-width, else whole percent."""
    places = 1 if (upper - lower) / 2 < 10 else 0
    return [round(value, places), round(lower, places), round(upper, places)]


def date_numbers(iso: str, lang: str) -> list[float]:
    year, month, day = (int(p) for p in iso.split("-"))
    return [day, month, year] if lang == "vi" else [day, year]


def expected_main_points(folder, lang) -> list[float]:
    """The numbers of the main points in reading order: where the city stands on the MIC definition (the
    targets' own) and on the GSO's, then per target its year and value, the projection of its year with its
    interval, and the growth it takes from the last estimate against the growth achieved over four years
    (both ``(s1 / s0)^(1/h) - 1``) and on the GSO definition."""
    tables = folder / "tables"
    head = pd.read_csv(tables / "targets_headline.csv")
    head = head[(head["boundary"] == "old") & (head["scenario"] == "baseline")]
    hist = pd.read_csv(tables / "forecast_history.csv")
    hist = hist[hist["boundary"] == "old"]
    pub = pd.read_csv(tables / "forecast_published.csv")
    pub = pub[pub["boundary"] == "old"]
    level = 100 * pd.read_csv(tables / "targets_assessment.csv")["level"].iloc[0]
    estimate_level = 100 * pd.read_csv(tables / "targets_measured.csv")["level"].iloc[0]
    out: list[float] = []
    for method in ("mic", "gso"):
        last = pub[pub["method"] == method].sort_values(["year", "release"]).iloc[-1]
        out += [last["value"], last["year"], *date_numbers(last["release"], lang)]
        est = hist[hist["method"] == method].sort_values("year").iloc[-1]
        value, lower, upper = rounded(est["share"], est["lower"], est["upper"])
        out += [value, est["year"], estimate_level, lower, upper]
    mic = hist[hist["method"] == "mic"].set_index("year")["share"]
    last_year = int(mic.index.max())
    achieved = 100 * ((mic[last_year] / mic[last_year - 4]) ** (1 / 4) - 1)
    gso = head[head["method"] == "gso"].set_index("target_year")["required_excess_growth"]
    for r in head[head["method"] == "mic"].sort_values("target_year").itertuples():
        out += [r.target_year, r.target]
        if r.target_year > r.last_year:
            value, lower, upper = rounded(r.median, r.lower, r.upper)
            out += [value, r.target_year, level, lower, upper]
        out += [round(r.required_excess_growth, 1), r.last_year, round(achieved, 1), last_year - 4, last_year,
                round(gso[r.target_year], 1)]
    return out


def main_points_html(path, lang) -> str:
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
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", items.group(1))))


def main_points_docx(path, lang) -> str:
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
    return " ".join(items)


def pdf_text(path) -> list[str]:
    """The text of every page of a PDF (pypdf), no-break spaces read as spaces."""
    from pypdf import PdfReader

    return [page.extract_text().replace("\xa0", " ") for page in PdfReader(str(path)).pages]


def main_points_pdf(path, lang) -> str:
    """The main points of a PDF brief: page 1 from the first bullet to the figure's caption."""
    first = pdf_text(path)[0]
    start = first.index(MAIN_POINTS[lang])
    body = first[start:first.index(f"{FIGURE[lang]} 1", start)]
    return body[body.index("•"):]


# --- The preview (no Quarto) --------------------------------------------------------------------------------

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
def test_main_points_of_the_preview_equal_the_vintage_tables(built, lang):
    text = main_points_html(built / "forecasts" / "2025Q4" / "reports" / f"brief_{lang}.html", lang)
    assert numbers(text, lang) == pytest.approx(expected_main_points(built / "forecasts" / "2025Q4", lang), abs=1e-9)


def test_the_preview_says_so_and_hides_the_print_layout(built):
    folder = built / "forecasts" / "2025Q4" / "reports"
    for name in REPORTS:
        text = text_of(folder / f"{name}.html")
        assert publish.PREVIEW_BANNER[name.rsplit("_", 1)[1]] in text
        assert "{{<" not in text and ":::" not in text and "{.landscape}" not in text


def test_vietnamese_brief_writes_numbers_the_vietnamese_way(built):
    folder = built / "forecasts" / "2025Q4"
    text = text_of(folder / "reports" / "brief_vi.html")
    head = pd.read_csv(folder / "tables" / "targets_headline.csv")
    gso = head[(head["boundary"] == "old") & (head["method"] == "gso") & (head["target_year"] == 2030)].iloc[0]
    assert f"{gso['median']:.1f}%".replace(".", ",") in text
    assert f"[{gso['lower']:.1f}; {gso['upper']:.1f}]".replace(".", ",") in text.replace("\xa0", " ")
    assert 'lang="vi"' in (folder / "reports" / "brief_vi.html").read_text(encoding="utf-8")[:200]


def test_outlook_tables_show_the_institutions_against_each_target_honestly_rounded(built):
    folder = built / "forecasts" / "2025Q4"
    text = text_of(folder / "reports" / "brief_en.html").replace("\xa0", " ")
    head = pd.read_csv(folder / "tables" / "targets_headline.csv")
    rows = head[head["scenario"].isin(["baseline", "merged-baseline"]) & head["method"].isin(["gso", "mic", "hids"])]
    for r in rows.itertuples():
        places = 1 if (r.upper - r.lower) / 2 < 10 else 0
        assert f"{r.median:.{places}f}% [{r.lower:.{places}f}, {r.upper:.{places}f}]" in text, (r.boundary, r.method)
        shown = "< 1%" if r.probability < 0.01 else "> 99%" if r.probability > 0.99 else f"{100 * r.probability:.0f}%"
        assert shown in text
    assert "0.00" not in text  # probabilities are in percent, not "0.00"


def test_brief_has_the_target_chart_the_fan_chart_and_the_history_by_institution(built):
    folder = built / "forecasts" / "2025Q4"
    page = (folder / "reports" / "brief_en.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 2  # the first page's chart and the fan charts, embedded
    text = text_of(folder / "reports" / "brief_en.html")
    published = pd.read_csv(folder / "tables" / "forecast_published.csv")
    shown = published[(published["boundary"] == "old") & published["method"].isin(["gso", "mic", "hids"])]
    for r in shown.itertuples():
        assert fmt.published(r.value, "en") in text  # with the decimals it was published with


def test_brief_says_what_changed_since_the_previous_vintage(built):
    folder = built / "forecasts"
    text = text_of(folder / "2025Q4" / "reports" / "brief_en.html").replace("\xa0", " ").replace("−", "-")
    assert "Compared with vintage 2025Q3" in text

    def mic_2024(label):
        hist = pd.read_csv(folder / label / "tables" / "forecast_history.csv")
        return hist[(hist["boundary"] == "old") & (hist["method"] == "mic") & (hist["year"] == 2024)]["share"].iloc[0]

    before, after = mic_2024("2025Q3"), mic_2024("2025Q4")
    assert abs(after - before) > 0.01  # the MIC 2024 release of October 2025 moved the calibration
    assert f"{before:.2f}% {after:.2f}% {after - before:.2f}" in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_technical_report_holds_every_section_numbered_from_one_and_the_revisions(built, lang):
    from grdp.labels import label

    page = (built / "forecasts" / "2025Q4" / "reports" / f"technical_{lang}.html").read_text(encoding="utf-8")
    text = text_of(built / "forecasts" / "2025Q4" / "reports" / f"technical_{lang}.html")
    book = nbformat.read(paths.reports_dir() / f"technical_{lang}.ipynb", as_version=4)
    headings = [line[2:].strip() for c in book.cells if c.cell_type == "markdown" for line in c.source.splitlines()
                if line.startswith("# ")]
    assert len(headings) == 13
    for heading in headings:
        assert heading in text, heading
    revisions = pd.read_csv(built / "forecasts" / "2025Q4" / "reports" / "tables" / "revisions.csv")
    assert set(revisions["first_vintage"]) >= {"2025Q3"} and (revisions["releases"] == 2).any()
    assert label("technical", "one_vintage", lang).split("(")[0] not in text
    headers = re.findall(r"<th[^>]*>(.*?)</th>", page, flags=re.S)
    assert headers and not [h for h in headers if re.fullmatch(r"\s*[a-z]+_[a-z_]+\s*", h)]  # words, not identifiers


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


@pytest.mark.parametrize("name", REPORTS)
def test_report_sources_are_quarto_notebooks_without_outputs(name):
    book = nbformat.read(paths.reports_dir() / f"{name}.ipynb", as_version=4)
    meta = publish.front_matter(book)
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


def test_a4_docx_sets_every_section_and_keeps_landscape(tmp_path):
    body = ('<w:document><w:body><w:p><w:pPr><w:sectPr></w:sectPr></w:pPr></w:p><w:p><w:pPr><w:sectPr>'
            '<w:pgSz w:h="11906" w:w="16838" w:orient="landscape" /></w:sectPr></w:pPr></w:p><w:sectPr />'
            '</w:body></w:document>')
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
    assert not published.preview and published.renderer == f"quarto {publish.quarto_version(publish.quarto())}"
    for name in REPORTS:
        for suffix in publish.FORMATS:
            assert (quarto_rendered.folder / f"{name}{suffix}").stat().st_size > 10_000, f"{name}{suffix}"
    manifest = json.loads((quarto_rendered.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["preview"] is False and {f"{n}{s}" for n in REPORTS for s in publish.FORMATS} <= set(
        manifest["outputs"])
    # the tracked notebooks and the project are untouched: no outputs, no injected cell, no .quarto/, no .gitignore
    assert quarto_rendered.reports_after == quarto_rendered.reports_before


def test_quarto_runs_with_the_project_python_whatever_python_is_on_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin")
    env = publish.quarto_environment()
    assert env["QUARTO_PYTHON"] == sys.executable
    assert env["PATH"].split(":")[0] == str(Path(sys.executable).parent)
    assert env["GRDP_ROOT"] == str(paths.repo_root())


def test_quarto_version_is_the_one_the_workflow_pins():
    pinned = re.search(r'version:\s*"(\d+\.\d+\.\d+)"', WORKFLOW.read_text(encoding="utf-8")).group(1)
    if publish.quarto() is None:
        pytest.skip("quarto is not on PATH")
    assert publish.quarto_version(publish.quarto()) == pinned


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("reader", [main_points_html, main_points_docx, main_points_pdf])
def test_main_points_in_every_format_equal_the_vintage_tables(quarto_rendered, lang, reader):
    suffix = {main_points_html: ".html", main_points_docx: ".docx", main_points_pdf: ".pdf"}[reader]
    text = reader(quarto_rendered.folder / f"brief_{lang}{suffix}", lang)
    expected = expected_main_points(quarto_rendered.root / "forecasts" / "2025Q4", lang)
    assert numbers(text, lang) == pytest.approx(expected, abs=1e-9), text


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
    vintage_figures = quarto_rendered.root / "forecasts" / "2025Q4" / "figures"
    figures = 2 if name.startswith("brief") else sum(len(list(vintage_figures.glob(p))) for p in shown)
    assert images >= figures and len(document.inline_shapes) >= figures
    assert sum(len(p.images) for p in pdf.pages) >= figures
    assert re.search(rf'<html[^>]*lang="{lang}"', page)
    cells = [p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    texts = {"html": text_of(folder / f"{name}.html"),
             "docx": "\n".join([p.text for p in document.paragraphs] + cells),  # figures sit in layout tables
             "pdf": "\n".join(pdf_text(folder / f"{name}.pdf"))}
    date = fmt.long_date("2025-12-31", lang).replace("\xa0", " ")
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
    assert numbers_shown[:2] == ["1", "2"] and "13" in numbers_shown and not [n for n in numbers_shown
                                                                             if n.startswith("0")]
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


def test_a_failing_quarto_report_names_the_report_and_cell_and_keeps_the_log(built, tmp_path, monkeypatch):
    if publish.quarto() is None:
        pytest.skip("quarto is not on PATH")
    (tmp_path / "reports").mkdir()
    reports = broken_reports(tmp_path / "reports")
    monkeypatch.setattr(paths, "reports_dir", lambda: reports)
    with pytest.raises(publish.PublishError) as error:
        publish.publish("2025Q3", renderer="quarto")
    message = str(error.value)
    assert re.search(r"report broken.ipynb failed in code cell 2 \(1 / 0\): ZeroDivisionError: division by zero",
                     message), message
    log = Path(re.search(r"kept in (\S+\.log)", message).group(1))
    assert log.is_relative_to(paths.failed_runs_dir()) and "ZeroDivisionError" in log.read_text(encoding="utf-8")
    assert len(message) < 600  # one clear message, not Quarto's output
    assert not (built / "forecasts" / "2025Q3" / "reports").exists()
    assert not list((built / "forecasts" / "2025Q3").glob(".reports-staging-*"))
    assert sorted(p.name for p in reports.iterdir()) == ["broken.ipynb"]  # rendered from a copy
