"""The methods appendix as a reader sees it: docs/methods.md (English) and docs/methods_vi.md (Vietnamese).

The prose states the method, never one vintage's results, and names no code: no code identifiers, module paths or
file names outside math and code spans, no vintage label (a year and quarter such as 2025Q4). The two files have
the same headings at every level, and the Vietnamese one has no English sentence (a word-list check of common
English function words). The detectors are checked on samples first, so a check that cannot fail is caught.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from grdp.base import paths

DOCS = paths.repo_root() / "docs"
FILES = {"en": DOCS / "methods.md", "vi": DOCS / "methods_vi.md"}

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\d)")
CODE_SPAN = re.compile(r"(`+).+?\1", re.S)

IDENTIFIERS = {
    "snake_case name": re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b"),
    "dotted module path": re.compile(r"\b[a-z_][a-z0-9_]+\.[a-z_][a-z0-9_]+\b"),
    "file name": re.compile(r"\b[\w-]+\.(?:csv|py|ya?ml|ipynb|md|png|json|xlsx|toml|qmd)\b", re.I),
    "CamelCase class name": re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b"),
    "the software's name": re.compile(r"\bgrdp\b"),
}
VINTAGE_LABEL = re.compile(r"\b(?:19|20)\d\d\s*Q[1-4]\b", re.I)

ENGLISH_WORDS = frozenset(
    "the and of is are was were be been with for from that which this these those by when where not each every its "
    "their into has have will would should cannot only also but or any there what how".split())
"""Common English function words; none of them is a Vietnamese word written without diacritics (``to``, ``in``,
``an``, ``a``, ``on``, ``can`` and ``than`` are, and are left out)."""


def prose(text: str) -> str:
    """The text a reader reads as words: code blocks, math and code spans removed."""
    for pattern in (FENCE, DISPLAY_MATH, INLINE_MATH, CODE_SPAN):
        text = pattern.sub(" ", text)
    return text


def identifiers(text: str) -> list[str]:
    """Code identifiers, module paths, file names and the software's name in the prose of ``text``."""
    words = prose(text)
    return [f"{kind}: {m.group(0)}" for kind, pattern in IDENTIFIERS.items() for m in pattern.finditer(words)]


def vintage_labels(text: str) -> list[str]:
    """Year-and-quarter labels (``2025Q4``) in the prose of ``text``."""
    return VINTAGE_LABEL.findall(prose(text))


def headings(text: str) -> dict[int, int]:
    """Number of headings at each level (``#`` count), outside code blocks."""
    counts: dict[int, int] = {}
    for line in FENCE.sub(" ", text).splitlines():
        match = re.match(r"^(#{1,6})\s+\S", line)
        if match:
            counts[len(match.group(1))] = counts.get(len(match.group(1)), 0) + 1
    return counts


def english_words(text: str) -> list[str]:
    """English function words in the prose of ``text``."""
    return [w for w in re.findall(r"[A-Za-z]+", prose(text)) if w.lower() in ENGLISH_WORDS]


def test_detectors_find_what_they_look_for():
    sample = ("The share (`digital_headline`) of vintage 2025Q4, read by grdp.digital.parts from "
              "digital_parts.csv by SectorAccounts in grdp, is $a_b$.")
    found = " ".join(identifiers(sample))
    for expected in ("digital_parts", "grdp.digital", "digital_parts.csv", "SectorAccounts", "grdp"):
        assert expected in found
    assert "digital_headline" not in found and "a_b" not in found  # code and math spans are not prose
    assert vintage_labels(sample) == ["2025Q4"]
    assert english_words("Tỷ trọng kinh tế số is the share of the economy.") == ["is", "the", "of", "the"]
    assert english_words("Tỷ trọng kinh tế số trong GRDP, tính theo giá hiện hành, to và rõ.") == []
    assert headings("# A\n\n## B\n\n```\n## not a heading\n```\n\n## C\n") == {1: 1, 2: 2}


@pytest.mark.parametrize("lang", sorted(FILES))
def test_no_code_identifiers(lang):
    assert identifiers(FILES[lang].read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("lang", sorted(FILES))
def test_no_code_spans(lang):
    """Reader-facing text: code font holds code names and breaks Vietnamese accents; formulas are math."""
    text = DISPLAY_MATH.sub(" ", FILES[lang].read_text(encoding="utf-8"))
    assert CODE_SPAN.findall(INLINE_MATH.sub(" ", text)) == []


@pytest.mark.parametrize("lang", sorted(FILES))
def test_no_vintage_labels(lang):
    assert vintage_labels(FILES[lang].read_text(encoding="utf-8")) == []


def test_same_headings_in_both_languages():
    english, vietnamese = (headings(FILES[lang].read_text(encoding="utf-8")) for lang in ("en", "vi"))
    assert english == vietnamese
    assert english.get(1) == 1 and english.get(2, 0) >= 5  # one title; the appendix's sections are ##


def test_same_formulas_in_both_languages():
    english, vietnamese = (FILES[lang].read_text(encoding="utf-8") for lang in ("en", "vi"))
    assert DISPLAY_MATH.findall(english) == DISPLAY_MATH.findall(vietnamese)
    assert Counter(INLINE_MATH.findall(english)) == Counter(INLINE_MATH.findall(vietnamese))
    assert INLINE_MATH.findall(english)


def test_vietnamese_has_no_english_sentence():
    assert english_words(FILES["vi"].read_text(encoding="utf-8")) == []
