"""The reports' Lua filter ``reports/plain-blocks.lua``: paragraphs, lists and tables written by Pandoc's writer
before Quarto's filters run give the same HTML and Typst as Quarto writing them, and the filter does write them.

A small document holding every kind of block the reports have (a captioned and an uncaptioned table, a
landscape div, a figure with its caption, lists, formulas, a link, a page break for the PDF only, Vietnamese
text) is rendered with the reports' project settings twice, with and without the filter. Skips where Quarto is
not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import matplotlib
import pytest
import yaml

from grdp.base import paths
from grdp.publish import render

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
    """The document rendered to HTML and Typst, with the filter and without it: {(with, format): text}."""
    quarto = render.quarto()
    if quarto is None:
        pytest.skip("quarto is not on PATH")
    import matplotlib.pyplot as plt

    root = tmp_path_factory.mktemp("plain-blocks")
    template = root / "template"
    shutil.copytree(paths.reports_dir(), template, ignore=shutil.ignore_patterns(
        ".quarto", "*_files", "*.ipynb", *(f"*{suffix}" for suffix in render.FORMATS)))
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1], [0, 1])
    fig.savefig(template / "chart.png")
    plt.close(fig)
    (template / "doc.md").write_text(DOCUMENT, encoding="utf-8")
    # a second filter, after this one, counts the raw blocks it wrote
    (template / "count-raw.lua").write_text(
        'return {{ Pandoc = function(doc) local n = 0; doc:walk({RawBlock = function() n = n + 1 end}); '
        'io.stderr:write("RAW BLOCKS " .. n .. "\\n") end }}\n', encoding="utf-8")
    out = {}
    for with_filter in (True, False):
        project = root / ("with" if with_filter else "without")
        shutil.copytree(template, project)
        settings = project / "_quarto.yml"
        config = yaml.safe_load(settings.read_text(encoding="utf-8"))
        config["project"].pop("render", None)
        config["format"].pop("docx")
        if with_filter:
            config["filters"] = config["filters"] + [{"path": "count-raw.lua", "at": "post-ast"}]
        else:
            config.pop("filters")
        settings.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        for fmt in ("html", "typst"):
            done = subprocess.run([quarto, "render", "doc.md", "--to", fmt, "-M", "keep-typ:true"], cwd=project,
                                  env=render.quarto_environment(), capture_output=True, text=True)
            assert done.returncode == 0, done.stderr[-2000:]
            written = project / ("doc.html" if fmt == "html" else "doc.typ")
            out[(with_filter, fmt)] = written.read_text(encoding="utf-8")
            out[(with_filter, fmt, "log")] = done.stderr
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
    for fmt in ("html", "typst"):
        count = int(re.search(r"RAW BLOCKS (\d+)", renderings[(True, fmt, "log")]).group(1))
        assert count >= 6, (fmt, count)  # 2 paragraph runs, the lists' run and 3 tables at least


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
