"""The issuer setting: one file read by one function, printed in the masthead and colophon of every report."""

from __future__ import annotations

from datetime import date

import pytest

from grdp import __version__
from grdp.cli import main
from grdp.report import issuer

OTHER = """name:
  vi: Viện Thử nghiệm
  en: Test Institute
short:
  vi: VTN
  en: TI
contact: https://example.org
issued: 2026-04-15
"""


def test_the_default_issuer_is_hids_with_its_public_website_and_issues_today():
    who = issuer.load()
    assert who.name == {"vi": "Viện Nghiên cứu Phát triển Thành phố Hồ Chí Minh",
                        "en": "Ho Chi Minh City Institute for Development Studies"}
    assert who.contact == "https://hids.hochiminhcity.gov.vn"
    assert who.issued is None and who.issue_date() == date.today()


def test_an_issuer_file_named_in_the_environment_replaces_the_default(tmp_path, monkeypatch):
    path = tmp_path / "issuer.yaml"
    path.write_text(OTHER, encoding="utf-8")
    monkeypatch.setenv(issuer.ENVIRONMENT, str(path))
    assert issuer.masthead("en") == "**Test Institute** · <https://example.org>\\\nissued 15\xa0April\xa02026"
    colophon = issuer.colophon("vi")
    assert "Viện Thử nghiệm (VTN)" in colophon and f"grdp, phiên bản {__version__}" in colophon
    assert colophon.count("grdp") == 1  # the software is named once


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace("  en: Test Institute\n", ""), "name has no text in en"),
    (lambda t: t.replace("contact: https://example.org\n", ""), "no contact"),
    (lambda t: t.replace("2026-04-15", "mid-April"), "is not a date"),
])
def test_an_incomplete_issuer_file_is_refused_with_what_it_lacks(tmp_path, change, message):
    path = tmp_path / "issuer.yaml"
    path.write_text(change(OTHER), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        issuer.load(path)


def test_publish_refuses_an_issuer_file_it_cannot_read(tmp_path, capsys):
    path = tmp_path / "issuer.yaml"
    path.write_text(OTHER.replace("contact: https://example.org\n", ""), encoding="utf-8")
    assert main(["publish", "--vintage", "2026Q1", "--issuer", str(path)]) == 1
    assert "no contact" in capsys.readouterr().err
