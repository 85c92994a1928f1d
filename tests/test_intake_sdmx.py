"""The NSDP SDMX reader (``grdp ingest sdmx``) on small files written here in the official layout.

The files copy the real ``GDPVNM.xml`` byte pattern: an SDMX-ML 2.1 ``StructureSpecificData`` message of the
IMF ``ECOFIN_DSD(1.0)`` with the same header, namespaces and ``Series``/``Obs`` attributes (``UNIT_MULT="9"``,
``BASE_PER="2010"`` for constant prices, quarters as ``2024-Q1``), but only a few periods.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from intake_support import TODAY, snapshot, write_dataset

from grdp import cli, sources
from grdp.intake import IntakeError, apply, plan, summary
from grdp.intake.nsdp_sdmx import URL, indicator_code, read_nsdp_gdp

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?><message:StructureSpecificData '
    'xmlns:ss="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific" '
    'xmlns:footer="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message/footer" '
    'xmlns:ns1="urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=IMF:ECOFIN_DSD(1.0):ObsLevelDim:TIME_PERIOD" '
    'xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" '
    'xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message '
    'https://registry.sdmx.org/schemas/v2_1/SDMXMessage.xsd '
    'urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=IMF:ECOFIN_DSD(1.0):ObsLevelDim:TIME_PERIOD '
    'https://sdmxcentral.imf.org/ws/public/sdmxapi/rest/schema/datastructure/IMF/ECOFIN_DSD/1.0?format=sdmx-2.1">'
    '<message:Header><message:ID>IREF400001</message:ID><message:Test>false</message:Test>'
    '<message:Prepared>{prepared}</message:Prepared><message:Sender id="ZZZ"></message:Sender>'
    '<message:Structure structureID="IMF_ECOFIN_DSD_1_0" '
    'namespace="urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=IMF:ECOFIN_DSD(1.0):ObsLevelDim:TIME_PERIOD" '
    'dimensionAtObservation="TIME_PERIOD"><common:Structure><Ref agencyID="IMF" id="ECOFIN_DSD" version="1.0"></Ref>'
    '</common:Structure></message:Structure><message:DataSetAction>Information</message:DataSetAction>'
    '<message:DataSetID>db58f774-02e6-4d79-b56d-2f0e3789d013</message:DataSetID>'
    '<message:Source xml:lang="en">IMF SDMX Central</message:Source></message:Header>'
    '<message:DataSet COMMENT="Published" ss:dataScope="DataStructure" xsi:type="ns1:DataSetType" '
    'ss:structureRef="IMF_ECOFIN_DSD_1_0">'
)
FOOTER = "</message:DataSet></message:StructureSpecificData>"
SECTIONS = "ABCDEFGHIJKLMNOPQRST"


def series(indicator: str, freq: str, observations: dict[str, float | str], base: str = "_Z",
           unit_mult: str = "9") -> str:
    obs = "".join(f'<Obs TIME_PERIOD="{p}" OBS_VALUE="{v}"></Obs>' for p, v in observations.items())
    return (f'<Series DATA_DOMAIN="NAG" REF_AREA="VN" INDICATOR="{indicator}" COUNTERPART_AREA="_Z" FREQ="{freq}" '
            f'BASE_PER="{base}" UNIT_MULT="{unit_mult}">{obs}</Series>')


def gdp_file(path: Path, *, prepared: str = "2026-01-09T02:10:00Z", scale: float = 1.0, extra: str = "",
             total_offset: float = 0.0) -> Path:
    """A file with every kept indicator for 2024 (annual) and 2024-Q1, 2024-Q2, at both price bases.

    Section S's value is ``1000 * (position + 1) * scale + 0.04`` (e.g. J = 10000.04), taxes 50000.04; GDP is
    their sum (plus ``total_offset``), so the identity holds to the rounding of the values.
    """
    parts = []
    periods = {"A": ["2024"], "Q": ["2024-Q1", "2024-Q2"]}
    for real, base in (("", "_Z"), ("R_", "2010")):
        for freq, names in periods.items():
            share = scale * (1 if freq == "A" else 0.25)

            def values(x: float, names: list[str] = names, share: float = share) -> dict[str, float]:
                return {p: round(x * share + 0.04, 6) for p in names}

            total = {p: 0.0 for p in names}
            for i, s in enumerate(SECTIONS):
                v = values(1000 * (i + 1))
                parts.append(series(f"NGDPVA_{real}ISIC4_{s}_XDC", freq, v, base))
                total = {p: total[p] + v[p] for p in names}
            parts.append(series(f"NGDPVA_{real}ISIC4_A01_XDC", freq, values(600), base))
            parts.append(series(f"VNM_NGDPVA_{real}ISIC4_BTF_XDC", freq, values(2000 + 3000 + 4000 + 5000 + 6000),
                                base))
            tax = values(50000)
            parts.append(series(f"NGDPTXS_{real}XDC", freq, tax, base))
            gdp = {p: total[p] + tax[p] + total_offset for p in names}
            parts.append(series(f"NGDP_{real}PA_XDC", freq, gdp, base))
            parts.append(series(f"NGDP_{real}XDC", freq, {p: v + 999 for p, v in gdp.items()}, base))
    parts.append(series("NC_XDC", "A", {"2024": 12345.6}))  # final consumption: not kept
    path.write_text(HEADER.format(prepared=prepared) + "".join(parts) + extra + FOOTER, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """sources/ with an earlier vintage of two figures of the NSDP file."""
    root = tmp_path / "sources"
    old = dict(region="vn", boundary="national", frequency="A", variable="grdp", price_basis="current",
               unit="bn_VND", publisher="GSO National Summary Data Page (NSDP) SDMX file GDPVNM.xml, via the "
               "gso-macro-monitor mirror", publication_date="2025-06-06", date_approx="true",
               url="https://nsdp.gso.gov.vn/GSO-chung/SDMXFiles/GSO/GDPVNM.xml", quality="published", rating="green",
               note="earlier vintage")
    write_dataset(root, "gso_nsdp_gdp_by_section", [
        dict(old, period="2024", industry="J", value="9950"),      # revised to 10000 in the new file
        dict(old, period="2024", industry="K", value="11000"),     # unchanged
    ], "2025-06-06")
    (root / "DATA_LOG.md").write_text("# Data log\n", encoding="utf-8")
    return root


def test_indicator_codes():
    assert indicator_code("NGDPVA_ISIC4_J_XDC") == ("J", "current", True)
    assert indicator_code("NGDPVA_R_ISIC4_A03_XDC") == ("03", "constant_2010", True)
    assert indicator_code("VNM_NGDPVA_R_ISIC4_GTT_XDC") == ("GTT", "constant_2010", True)
    assert indicator_code("NGDPTXS_R_XDC") == ("TAX", "constant_2010", True)
    assert indicator_code("NGDP_PA_XDC") == ("TOTAL", "current", True)
    assert indicator_code("NGDP_R_XDC") == ("TOTAL", "constant_2010", False)
    assert indicator_code("VNM_NGDPVA_ISIC3_GTP_XDC") is None and indicator_code("NC_XDC") is None
    assert cli.build_parser().parse_args(["ingest", "sdmx"]).url == URL


def test_reads_gdp_by_section_into_dated_rows(tmp_path: Path):
    release = read_nsdp_gdp(gdp_file(tmp_path / "GDPVNM.xml"))
    rows = [r.values for r in release.rows]
    # 20 sections + 01 + BTF + TAX + TOTAL, for 3 periods and 2 price bases
    assert len(rows) == 24 * 3 * 2
    assert {r["publication_date"] for r in rows} == {"2026-01-09"} and {r["url"] for r in rows} == {URL}
    j = {(r["period"], r["frequency"], r["price_basis"]): r["value"] for r in rows if r["industry"] == "J"}
    assert j == {("2024", "A", "current"): "10000", ("2024Q1", "Q", "current"): "2500",
                 ("2024Q2", "Q", "current"): "2500", ("2024", "A", "constant_2010"): "10000",
                 ("2024Q1", "Q", "constant_2010"): "2500", ("2024Q2", "Q", "constant_2010"): "2500"}
    total = next(r for r in rows if (r["industry"], r["period"], r["price_basis"]) == ("TOTAL", "2024", "current"))
    assert Decimal(total["value"]) == Decimal("260000.8")  # production side, rounded to 0.1; not NGDP_XDC (+999)
    assert {r["industry"] for r in rows} >= {"01", "BTF", "TAX", "TOTAL", "A", "T"}
    assert "single quarter" in next(r["note"] for r in rows if r["frequency"] == "Q")
    assert all(sources.check_row(r, sources.variables()) == [] for r in rows)
    assert release.checks[0].startswith("sections + TAX = TOTAL at current prices: 3 of 3 periods within 0.5")


def test_the_identity_check_names_the_periods_that_do_not_add_up(tmp_path: Path):
    release = read_nsdp_gdp(gdp_file(tmp_path / "GDPVNM.xml", total_offset=7.0))
    assert "0 of 3 periods" in release.checks[0] and "outside the tolerance: 2024, 2024Q1, 2024Q2" in release.checks[0]


def test_new_vintage_revises_and_skips_unchanged_figures(root: Path, tmp_path: Path):
    release = read_nsdp_gdp(gdp_file(tmp_path / "GDPVNM.xml", scale=1.0))
    result = plan(release, root=root, today=TODAY, skip_unchanged=True)
    j = next(f for f in result.findings if f.row.values["industry"] == "J" and f.row.values["period"] == "2024"
             and f.row.values["price_basis"] == "current")
    assert j.status == "revision" and j.previous.values["value"] == "9950"
    assert result.skipped_unchanged == 1 and len(result.rows) == 24 * 6 - 1  # K 2024 current is unchanged
    text = summary(result)
    assert "9950 (2025-06-06) -> 10000 bn_VND, +50 (+0.50%)" in text and "Left out: 1 unchanged" in text
    apply(result)
    assert sources.validate(root) == []
    assert "publication_date: '2026-01-09'" in (root / "gso_nsdp_gdp_by_section" / "provenance.yaml").read_text()


def test_the_same_file_twice_is_refused_as_nothing_new(root: Path, tmp_path: Path, monkeypatch, capsys):
    path = gdp_file(tmp_path / "GDPVNM.xml")
    monkeypatch.setenv("GRDP_ROOT", str(root.parent))
    assert cli.main(["ingest", "sdmx", "--file", str(path), "--apply"]) == 0
    before = snapshot(root)
    assert cli.main(["ingest", "sdmx", "--file", str(path), "--apply"]) == cli.INGEST_EXIT_NOTHING_NEW
    assert "this release is already in sources/" in capsys.readouterr().err and snapshot(root) == before
    # a later file with the same figures brings nothing new either (unchanged figures are left out)
    later = gdp_file(tmp_path / "later.xml", prepared="2026-04-08T01:00:00Z")
    assert cli.main(["ingest", "sdmx", "--file", str(later), "--apply"]) == cli.INGEST_EXIT_NOTHING_NEW
    assert "nothing new to add" in capsys.readouterr().err and snapshot(root) == before


@pytest.mark.parametrize("extra, message", [
    (series("NGDPVA_ISIC4_J_XDC", "A", {"2023": 5.0}, unit_mult="6"), "UNIT_MULT is '6'; expected '9'"),
    (series("NGDPVA_R_ISIC4_J_XDC", "A", {"2023": 5.0}, base="1994"), "BASE_PER is '1994'; expected '2010'"),
    (series("NGDPVA_ISIC4_J_XDC", "Q", {"2023Q1": 5.0}), "TIME_PERIOD '2023Q1' is not a period of frequency Q"),
    (series("NGDPVA_ISIC4_J_XDC", "A", {"2023": "n/a"}), "OBS_VALUE 'n/a' is not a number"),
    (series("NGDPVA_ISIC4_J_XDC", "A", {"2023": "INF"}), "OBS_VALUE 'INF' is not a finite figure"),
    (series("NGDPVA_ISIC4_J_XDC", "A", {"2023": "1" * 30}), "is not a finite figure below 1e+12 bn VND"),
    (series("NGDPVA_ISIC4_J_XDC", "A", {"2023": 5.0}) + series("NGDPVA_ISIC4_J_XDC", "A", {"2023": 6.0}),
     "two observations for one figure: 5 and 6"),
])
def test_breaking_a_rule_is_refused_with_the_series_named(tmp_path: Path, extra: str, message: str):
    with pytest.raises(IntakeError) as refused:
        read_nsdp_gdp(gdp_file(tmp_path / "GDPVNM.xml", extra=extra))
    (problem,) = refused.value.problems
    assert message in problem.message and "INDICATOR=NGDPVA_" in problem.column and problem.file.name == "GDPVNM.xml"


def test_malformed_and_empty_files_are_refused(tmp_path: Path):
    broken = tmp_path / "GDPVNM.xml"
    broken.write_text(gdp_file(tmp_path / "ok.xml").read_text()[:3000], encoding="utf-8")
    with pytest.raises(IntakeError, match="not a readable SDMX-ML data message") as refused:
        read_nsdp_gdp(broken)
    assert len(refused.value.problems) == 1
    empty = tmp_path / "empty.xml"
    empty.write_text(HEADER.format(prepared="2026-01-09T00:00:00Z") + series("NC_XDC", "A", {"2024": 1}) + FOOTER)
    with pytest.raises(IntakeError, match="no GDP-by-section series"):
        read_nsdp_gdp(empty)
    with pytest.raises(IntakeError, match="cannot read the file"):
        read_nsdp_gdp(tmp_path / "missing.xml")


def test_release_date_can_be_given_and_future_dates_are_refused(root: Path, tmp_path: Path):
    release = read_nsdp_gdp(gdp_file(tmp_path / "GDPVNM.xml", prepared="2027-01-09T00:00:00Z"))
    with pytest.raises(IntakeError) as refused:
        plan(release, root=root, today=TODAY)
    assert refused.value.kind == "future" and "2027-01-09 is after today" in str(refused.value)
    given = read_nsdp_gdp(tmp_path / "GDPVNM.xml", publication_date="2026-01-10")
    assert {r.values["publication_date"] for r in given.rows} == {"2026-01-10"}
    assert date.fromisoformat("2026-01-10") < TODAY
