"""The reports' Lua filter ``reports/plain-blocks.lua``: paragraphs, lists and tables written by Pandoc's writer
before Quarto's filters run give the same HTML and Typst as Quarto writing them, and in Word the same text and
tables with each cell aligned once, as its column says; the filter does write them.

A small document holding every kind of block the reports have (a captioned and an uncaptioned table, a
landscape div, a figure with its caption, lists, formulas, a link, a page break for the PDF only, Vietnamese
text) is rendered twice in the project copy publishing renders from (:func:`grdp.publish.render.project_template`),
with and without the filter. Skips where Quarto is
not installed.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
import subprocess
from pathlib import Path

import matplotlib
import pytest
import yaml

from grdp.base import paths
from grdp.publish import render
from grdp.report.layout import a4_docx

matplotlib.use("Agg")

DOCUMENT = """---
title: "Thử nghiệm"
lang: vi
---

# Nguồn số liệu

Mỗi con số đều ghi **cơ quan công bố**, *ngày công bố* và [địa chỉ](https://example.org/a?b=1&c=2). Công thức
$s = 100 \\times \\frac{C + P + D}{Y}$ trong dòng, rồi một công thức riêng:

$$
\\hat{x} \\exp\\!\\left(\\mp t_{n_h} \\sqrt{s_h^2 + s_A^2}\\right)
$$

Đoạn thứ hai, ngay sau công thức.

- điểm một, với 13,43% và [12,06; 14,18];
- điểm hai.

1. bước một;
2. bước hai.

| Bộ số liệu | Số dòng | Xanh |
|:--------------------------|----------:|------:|
| GRDP Bà Rịa–Vũng Tàu | 41 | 0 |
| Tỷ trọng kinh tế số (Bộ TT&TT) | 9 | 0 |

: Các dòng số liệu được chọn theo bộ số liệu {#tbl-sources}

| Năm | Ô suy ra |
|----:|---------:|
| 2015 | 2 |

: Hai bảng liền nhau {#tbl-second}

| Nguồn | Địa chỉ |
|:------|:--------|
| TCTK | [nso.gov.vn](https://nso.gov.vn) |

: Một bảng có liên kết {#tbl-linked}

::: {.landscape}

Bảng rộng:

| Tham số | Giá trị | Cận dưới | Cận trên |
|:--------|--------:|---------:|---------:|
| hệ số C | 0,2301 | 0,1600 | 0,4000 |

: Các hệ số đã hiệu chỉnh {#tbl-calibration}

:::

::: {.content-visible when-format="typst"}
{{< pagebreak >}}
:::

::: {#fig-chart}

![](chart.png)

Một hình và chú thích của nó

:::

## Phụ lục

Đoạn cuối.
"""


@pytest.fixture(scope="module")
def renderings(tmp_path_factory):
    """The document rendered to HTML, Typst and DOCX, with the filter and without it: {(with, format): text};
    the DOCX's ``word/document.xml`` as publishing leaves it (:func:`grdp.report.layout.a4_docx`)."""
    quarto = render.quarto()
    if quarto is None:
        pytest.skip("quarto is not on PATH")
    import matplotlib.pyplot as plt

    root = tmp_path_factory.mktemp("plain-blocks")
    template = render.project_template(quarto, root / "template", render.quarto_environment())
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    fig.savefig(template / "chart.png")
    plt.close(fig)
    (template / "doc.md").write_text(DOCUMENT, encoding="utf-8")
    # a second filter, after this one, counts the raw blocks it wrote
    (template / "count-raw.lua").write_text(
        'return {{ Pandoc = function(doc) local n = 0; doc:walk({RawBlock = function() n = n + 1 end}); '
        'io.stderr:write("RAW BLOCKS " .. FORMAT .. " " .. n .. "\\n") end }}\n', encoding="utf-8")
    out = {}
    for with_filter in (True, False):
        project = root / ("with" if with_filter else "without")
        shutil.copytree(template, project)
        settings = project / "_quarto.yml"
        config = yaml.safe_load(settings.read_text(encoding="utf-8"))
        if with_filter:
            config["filters"] = config["filters"] + [{"path": "count-raw.lua", "at": "post-ast"}]
        else:
            config.pop("filters")
        settings.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        done = subprocess.run([quarto, "render", "doc.md", "-M", "keep-typ:true"], cwd=project,
                              env=render.quarto_environment(), capture_output=True, text=True)  # every format
        assert done.returncode == 0, done.stderr[-2000:]
        out[(with_filter, "log")] = done.stderr
        out[(with_filter, "html")] = (project / "doc.html").read_text(encoding="utf-8")
        out[(with_filter, "typst")] = (project / "doc.typ").read_text(encoding="utf-8")
        docx = zipfile.ZipFile(io.BytesIO(a4_docx((project / "doc.docx").read_bytes())))
        out[(with_filter, "docx")] = docx.read("word/document.xml").decode("utf-8")
    return out


def html_body(text: str) -> str:
    """The HTML's body, without what differs from one rendering to the next (caption ids, embedded images)."""
    body = text[text.index("<main"):]
    body = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", body)
    body = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "IMAGE", body)
    return re.sub(r">\s+<", "><", body)


def typst_body(text: str) -> str:
    """The Typst source without blank lines (a blank line and two are the same paragraph break)."""
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def test_the_filter_writes_paragraphs_lists_and_tables_as_raw_blocks(renderings):
    counts = {fmt: int(n) for fmt, n in re.findall(r"RAW BLOCKS (\w+) (\d+)", renderings[(True, "log")])}
    assert counts["html"] >= 8 and counts["typst"] >= 8, counts  # 2 paragraph runs, the lists' run, 5 tables
    assert counts["docx"] == 3  # the captioned tables without a link


def test_html_is_the_same_with_and_without_the_filter(renderings):
    with_filter, without = html_body(renderings[(True, "html")]), html_body(renderings[(False, "html")])
    assert with_filter == without
    assert '<table class="caption-top table">' in with_filter and '<tr class="odd">' in with_filter
    for numbered in ("Bảng", "Hình"):  # the table and the figure numbered and captioned in Vietnamese
        assert re.search(rf"{numbered}(?:\s|&nbsp;|\xa0)1", with_filter), numbered
    assert "<math" in with_filter


def test_typst_is_the_same_with_and_without_the_filter(renderings):
    with_filter, without = typst_body(renderings[(True, "typst")]), typst_body(renderings[(False, "typst")])
    assert with_filter == without
    assert "#pagebreak()" in with_filter and 'supplement: "Bảng"' in with_filter


def test_paragraphs_stay_paragraphs_in_typst(renderings):
    """Typst joins lines not separated by a blank line into one paragraph: every written block ends with one."""
    text = renderings[(True, "typst")]
    assert re.search(r"ngay sau công thức\.\n\n", text)


def docx_text(document: str) -> list[str]:
    """The text of a Word document's paragraphs, in order, empty ones left out."""
    paragraphs = re.findall(r"<w:p\b[^>]*?(?:/>|>.*?</w:p>)", document, re.S)
    texts = ("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)).strip() for p in paragraphs)
    return [t for t in texts if t]


def test_word_has_the_same_text_and_tables_and_each_cell_aligned_once(renderings):
    with_filter, without = renderings[(True, "docx")], renderings[(False, "docx")]
    assert docx_text(with_filter) == docx_text(without)
    assert with_filter.count("<w:tbl>") == without.count("<w:tbl>")
    assert re.findall(r'<w:gridCol w:w="(\d+)"', with_filter) == re.findall(r'<w:gridCol w:w="(\d+)"', without)
    assert "Bảng\xa02: Hai bảng liền nhau" in docx_text(with_filter) and "nso.gov.vn" in docx_text(with_filter)
    # Quarto centres every cell paragraph of a table in a float a second time; written, each keeps its column's:
    # only the 4 cells of the table with a link (left to Quarto) are aligned twice
    cell_alignments = re.findall(r'<w:pStyle w:val="Compact" />((?:<w:jc w:val="\w+" />)+)', with_filter)
    assert [a.count("<w:jc") for a in cell_alignments].count(2) == 4
    assert [a.count("<w:jc") for a in cell_alignments].count(1) == len(cell_alignments) - 4 > 10
    assert re.search(r'<w:jc w:val="right" />\s*</w:pPr>\s*<w:r>\s*<w:t[^>]*>2015<', with_filter)


def test_no_two_word_tables_touch_and_every_cell_ends_with_a_paragraph(renderings):
    for document in (renderings[(True, "docx")], renderings[(False, "docx")]):
        assert not re.search(r"</w:tbl>(?:\s*<w:bookmark(?:Start|End)\b[^>]*/>)*\s*<w:tbl>", document)
        assert not re.search(r"</w:tbl>(?:\s*<w:bookmark(?:Start|End)\b[^>]*/>)*\s*</w:tc>", document)
