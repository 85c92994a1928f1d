"""Read GSO's NSDP SDMX file ``GDPVNM.xml`` (GDP by VSIC section) into a release of ``gso_nsdp_gdp_by_section``.

The statistics office disseminates its National Summary Data Page (IMF e-GDDS) as SDMX-ML 2.1
*structure-specific* data messages that follow the IMF ``ECOFIN_DSD`` (version 1.0)::

    <message:StructureSpecificData ...>
      <message:Header> ... <message:Prepared>2024-10-24T03:08:13Z</message:Prepared> ...
      <message:DataSet ss:structureRef="IMF_ECOFIN_DSD_1_0" ...>
        <Series DATA_DOMAIN="NAG" REF_AREA="VN" INDICATOR="NGDPVA_ISIC4_J_XDC" COUNTERPART_AREA="_Z"
                FREQ="Q" BASE_PER="_Z" UNIT_MULT="9">
          <Obs TIME_PERIOD="2024-Q1" OBS_VALUE="150468.83"/> ...

The file is parsed by ``sdmx1`` (import name ``sdmx``; ``sdmx.read_sdmx`` with the structure given, because a
structure-specific message cannot be read without it): :data:`ECOFIN_DSD` declares the five dimensions of
the key (``DATA_DOMAIN, REF_AREA, INDICATOR, COUNTERPART_AREA, FREQ``), the time dimension ``TIME_PERIOD``
and the attributes the file carries (``UNIT_MULT``, ``BASE_PER``, ``COMMENT``...), so that attributes are
not mistaken for dimensions.

What is kept (:func:`indicator_code`): value added by ISIC4/VSIC section, ``NGDPVA_ISIC4_<S>_XDC`` (current
prices) and ``NGDPVA_R_ISIC4_<S>_XDC`` (constant 2010 prices), for sections ``A``..``T``, the divisions
``A01/A02/A03`` (recorded as ``01/02/03``) and the aggregates ``VNM_..._BTF/BTE/GTT``; product taxes less
subsidies ``NGDPTXS_XDC``/``NGDPTXS_R_XDC`` (``TAX``); GDP ``NGDP_PA_XDC``/``NGDP_R_PA_XDC`` (``TOTAL``; the
expenditure-side ``NGDP_XDC``/``NGDP_R_XDC`` only where the production-side series is absent). Annual
(``FREQ=A``) and quarterly (``FREQ=Q``, single quarters) observations; every other series is ignored.

Rules checked (each failure is a problem located by series and period): ``UNIT_MULT=9`` (billion VND, the
unit of ``grdp``), ``BASE_PER=2010`` for constant prices, periods ``YYYY`` or ``YYYY-Qn``, numeric values.
Values are recorded rounded to 0.1 bn VND (as the earlier vintages in ``sources/``). The release date is the
date of the message's ``Prepared`` header (the office regenerates the file at each release), unless given.
As an independent check the summary reports, for every period and price basis, whether the sections and
taxes add up to GDP (within 0.5 bn VND, on the values as published, before rounding) and the largest gap.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from grdp.base import classification
from grdp.intake.release import IntakeError, Release, ReleaseRow, blank_row
from grdp.intake.statistics_office import plain_decimal
from grdp.sources import Problem

DATASET = "gso_nsdp_gdp_by_section"
URL = "https://nsdp.nso.gov.vn/GSO-chung/SDMXFiles/GSO/GDPVNM.xml"
"""Where the file is published since January 2026 (the host moved from nsdp.gso.gov.vn)."""
PUBLISHER = "GSO National Summary Data Page (NSDP) SDMX file GDPVNM.xml (Cục Thống kê / NSO)"
"""Starts like the publisher of the earlier vintages so that revisions are recognised as the same publisher's."""
KIND = "NSDP SDMX file"
KEY_DIMENSIONS = ("DATA_DOMAIN", "REF_AREA", "INDICATOR", "COUNTERPART_AREA", "FREQ")
ATTRIBUTES = ("UNIT_MULT", "BASE_PER", "COMMENT", "TIME_FORMAT", "OBS_STATUS", "UNIT_MEASURE", "DECIMALS")
ROUNDING = Decimal("0.1")
IDENTITY_TOLERANCE = Decimal("0.5")

_SECTION = re.compile(r"^(?:VNM_)?NGDPVA_(?P<real>R_)?ISIC4_(?P<code>[A-U]|A0[123]|BTF|BTE|GTT)_XDC$")
_TAX = re.compile(r"^NGDPTXS_(?P<real>R_)?XDC$")
_GDP_PRODUCTION = re.compile(r"^NGDP_(?P<real>R_)?PA_XDC$")
_GDP_EXPENDITURE = re.compile(r"^NGDP_(?P<real>R_)?XDC$")
_PERIOD = {"A": re.compile(r"^(?P<year>\d{4})$"), "Q": re.compile(r"^(?P<year>\d{4})-Q(?P<quarter>[1-4])$")}


MAX_VALUE = Decimal(10) ** 12
"""Largest absolute OBS_VALUE read (bn VND; Viet Nam's GDP is of the order of 10^7)."""


def ecofin_dsd() -> Any:
    """The IMF ``ECOFIN_DSD(1.0)`` structure, as far as ``sdmx.read_sdmx`` needs it to read the file."""
    from sdmx.model.common import Agency, Concept, Representation
    from sdmx.model.v21 import DataAttribute, DataStructureDefinition, Dimension, PrimaryMeasure, TimeDimension

    dsd = DataStructureDefinition(id="ECOFIN_DSD", maintainer=Agency(id="IMF"), version="1.0")
    for order, name in enumerate(KEY_DIMENSIONS):
        dsd.dimensions.append(Dimension(id=name, order=order))
    dsd.dimensions.append(TimeDimension(id="TIME_PERIOD", order=len(KEY_DIMENSIONS)))
    for name in ATTRIBUTES:
        concept = Concept(id=name)
        concept.core_representation = Representation()
        dsd.attributes.append(DataAttribute(id=name, concept_identity=concept))
    dsd.measures.append(PrimaryMeasure(id="OBS_VALUE"))
    return dsd


def indicator_code(indicator: str) -> tuple[str, str, bool] | None:
    """Return ``(industry, price_basis, production_side)`` for an indicator kept, else ``None``.

    >>> indicator_code("NGDPVA_R_ISIC4_A01_XDC")
    ('01', 'constant_2010', True)
    >>> indicator_code("NGDP_XDC")
    ('TOTAL', 'current', False)
    """
    for pattern, fixed, production in ((_SECTION, None, True), (_TAX, "TAX", True),
                                       (_GDP_PRODUCTION, "TOTAL", True), (_GDP_EXPENDITURE, "TOTAL", False)):
        match = pattern.match(indicator)
        if match:
            code = fixed or match["code"]
            code = code[1:] if re.fullmatch(r"A0[123]", code) else code
            return code, "constant_2010" if match["real"] else "current", production
    return None


def read_nsdp_gdp(path: str | Path, *, url: str = URL, publisher: str = PUBLISHER, rating: str = "green",
                  publication_date: str | None = None, dataset: str = DATASET) -> Release:
    """Read ``GDPVNM.xml`` into a release of GDP by section (bn VND, annual and quarterly, both price bases).

    Parameters
    ----------
    path
        The SDMX-ML file.
    url
        Where the file was published (recorded on every row).
    publisher, rating
        Recorded on every row; green for the statistics office's own machine-readable file.
    publication_date
        The release date (``YYYY-MM-DD``); default the date of the message's ``Prepared`` header.
    dataset
        The dataset folder the rows go to.

    Raises
    ------
    IntakeError
        If the file is not a readable SDMX-ML data message, carries no GDP-by-section series, or breaks
        the rules in the module docstring (every problem listed).
    """
    import sdmx

    from grdp.intake.statistics_office import file_size_problem

    path = Path(path)
    try:
        too_large = file_size_problem(path, "SDMX file")
        if too_large is not None:
            raise IntakeError([too_large])
        content = path.read_bytes()
    except OSError as exc:
        raise IntakeError([Problem(path, f"cannot read the file ({exc.strerror or exc})")]) from None
    try:
        message = sdmx.read_sdmx(io.BytesIO(content), format="XML", structure=ecofin_dsd())
    except Exception as exc:  # noqa: BLE001 - any parser failure means the same to the user
        detail = " ".join(str(exc).split())[:300]
        raise IntakeError([Problem(path, f"not a readable SDMX-ML data message ({type(exc).__name__}: "
                                         f"{detail})")]) from None
    datasets = getattr(message, "data", None)
    if not datasets:
        raise IntakeError([Problem(path, "no data set in the SDMX message; expected a StructureSpecificData "
                                         "message with GDP series")])
    prepared = getattr(message.header, "prepared", None)
    if publication_date is None:
        if prepared is None:
            raise IntakeError([Problem(path, "the SDMX header has no 'Prepared' date; give the release date "
                                             "(--publication-date)")])
        publication_date = prepared.date().isoformat()
    header_id = getattr(message.header, "id", None) or "?"
    vintage = (f"vintage: SDMX message {header_id} prepared {prepared.isoformat() if prepared else '?'}; "
               f"values rounded to {ROUNDING} bn VND")

    problems: list[Problem] = []
    found: dict[tuple[str, str, str, str], tuple[bool, ReleaseRow, Decimal]] = {}
    for data_set in datasets:
        for key, observations in data_set.series.items():
            _series_rows(path, key, observations, found, problems, common={
                "publisher": publisher, "publication_date": publication_date, "url": url, "rating": rating,
                "vintage": vintage})
    if not found and not problems:
        problems.append(Problem(path, "no GDP-by-section series (NGDPVA_ISIC4_<S>_XDC, NGDPVA_R_ISIC4_<S>_XDC) "
                                      "in the file"))
    if problems:
        raise IntakeError(problems)
    rows = [row for _, row, _ in found.values()]
    exact = [(row.values, value) for _, row, value in found.values()]
    return Release(dataset=dataset, file=path, kind=KIND, rows=rows, checks=identity_checks(exact))


def _attribute(key: Any, observation: Any, name: str) -> str | None:
    for attrib in (getattr(observation, "attrib", {}) or {}, getattr(key, "attrib", {}) or {}):
        if name in attrib:
            return str(attrib[name].value)
    return None


def _series_rows(path: Path, key: Any, observations: list[Any], found: dict, problems: list[Problem],
                 common: dict[str, str]) -> None:
    values = {name: str(kv.value) for name, kv in key.values.items()}
    indicator, frequency = values.get("INDICATOR", ""), values.get("FREQ", "")
    mapped = indicator_code(indicator)
    if mapped is None or frequency not in _PERIOD:
        return
    industry, price_basis, production = mapped
    if industry not in classification.industry_codes():
        return
    for observation in observations:
        period_text = str(observation.dimension.values["TIME_PERIOD"].value)
        where = f"INDICATOR={indicator} FREQ={frequency} TIME_PERIOD={period_text}"
        multiplier = _attribute(key, observation, "UNIT_MULT")
        if multiplier != "9":
            problems.append(Problem(path, f"UNIT_MULT is {multiplier!r}; expected '9' (billion VND)", column=where))
            continue
        base = _attribute(key, observation, "BASE_PER")
        if price_basis == "constant_2010" and base != "2010":
            problems.append(Problem(path, f"BASE_PER is {base!r}; expected '2010' for constant prices", column=where))
            continue
        match = _PERIOD[frequency].match(period_text)
        if match is None:
            problems.append(Problem(path, f"TIME_PERIOD '{period_text}' is not a period of frequency "
                                          f"{frequency} ({'YYYY' if frequency == 'A' else 'YYYY-Qn'})", column=where))
            continue
        period = match["year"] + (f"Q{match['quarter']}" if frequency == "Q" else "")
        raw = observation.value
        if raw is None or str(raw).strip() in ("", "NaN"):
            continue
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            problems.append(Problem(path, f"OBS_VALUE '{str(raw)[:40]}' is not a number", column=where))
            continue
        if not number.is_finite() or abs(number) >= MAX_VALUE:
            problems.append(Problem(path, f"OBS_VALUE '{str(raw)[:40]}' is not a finite figure below {MAX_VALUE:.0e} "
                                          "bn VND", column=where))
            continue
        slot = (period, frequency, industry, price_basis)
        if slot in found and found[slot][0] == production and found[slot][2] != number:
            problems.append(Problem(path, f"two observations for one figure: {plain_decimal(found[slot][2])} and "
                                          f"{plain_decimal(number)}; a release gives one value per figure",
                                    column=where))
            continue
        if slot in found and found[slot][0] and not production:
            continue  # the production-side GDP is kept over the expenditure-side one
        row = blank_row()
        name = classification.name(industry, "en")
        quarter = "; single quarter (not cumulative)" if frequency == "Q" else ""
        row.update({"region": "vn", "boundary": "national", "period": period, "frequency": frequency,
                    "variable": "grdp", "industry": industry, "price_basis": price_basis, "unit": "bn_VND",
                    "value": plain_decimal(number.quantize(ROUNDING, rounding=ROUND_HALF_UP)),
                    "publisher": common["publisher"],
                    "publication_date": common["publication_date"], "date_approx": "false", "url": common["url"],
                    "quality": "published", "rating": common["rating"],
                    "note": f"{name} ({indicator}){quarter}; {common['vintage']}"})
        found[slot] = (production, ReleaseRow(row, default_place=(None, where)), number)


def identity_checks(rows: list[tuple[dict[str, str], Decimal]]) -> list[str]:
    """Check that sections A..U and TAX add up to TOTAL in every period and price basis.

    ``rows`` pairs each row with its value as published (before rounding). Returns one line per price basis:
    how many periods were checked and the largest gap (bn VND); periods outside :data:`IDENTITY_TOLERANCE`
    are named.
    """
    members = set(classification.aggregate_members("TOTAL"))
    parts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    counted: dict[tuple[str, str], int] = defaultdict(int)
    totals: dict[tuple[str, str], Decimal] = {}
    for values, value in rows:
        slot = (values["period"], values["price_basis"])
        if values["industry"] == "TOTAL":
            totals[slot] = value
        elif values["industry"] in members:
            parts[slot] += value
            counted[slot] += 1
    lines = []
    for basis in ("current", "constant_2010"):
        slots = sorted(s for s in totals if s[1] == basis and counted[s] >= 20)
        if not slots:
            continue
        gaps = {s[0]: parts[s] - totals[s] for s in slots}
        worst = max(gaps, key=lambda p: abs(gaps[p]))
        bad = [p for p in gaps if abs(gaps[p]) > IDENTITY_TOLERANCE]
        line = (f"sections + TAX = TOTAL at {basis} prices: {len(slots) - len(bad)} of {len(slots)} periods within "
                f"{IDENTITY_TOLERANCE} bn VND; largest gap {gaps[worst]:+.1f} bn VND ({worst})")
        if bad:
            line += f"; outside the tolerance: {', '.join(bad[:12])}{' ...' if len(bad) > 12 else ''}"
        lines.append(line)
    return lines

