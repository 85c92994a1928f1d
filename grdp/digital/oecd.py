"""OECD/G20 tiers: core (OECD 2007 ICT sector), narrow (+ platforms) and broad (+ digitalisation).

The G20 Digital Economy Task Force roadmap (2020) nests three tiers: core (producers of ICT goods and
digital services), narrow (core plus firms reliant on digital inputs, such as platforms) and broad
(narrow plus the digitalised part of traditional industries). On the spine:

* core = OECD ICT list (261-264, 268, 4651, 4652, 5820, 61, 62, 631, 951), i.e. GSO's core without
  the non-ICT part of division 26 (share ``o_26`` of division 26 is ICT);
* narrow = core + MIC's platform block;
* broad = core + GSO's digitalisation block (which contains platform activity of trade and services,
  so the platform block is not added again).

No institution publishes these tiers for Vietnam; they are computed, not calibrated.
"""

from grdp.digital.spine import Config, Method

_REFERENCE = ("OECD (2020), A Roadmap toward a Common Framework for Measuring the Digital Economy, report for "
              "the G20 Digital Economy Task Force; https://www.oecd.org/going-digital/topics/measurement/")
_COMMON = ("OECD-ICT share o_26 of division 26 drawn from its stated range (not calibrated: no published figure)",
           "core shares of C, G, J, S and the regional intensity kappa_GSO as in the GSO method")

METHODS = (
    Method(name="oecd-core", title="OECD/G20 core tier (OECD ICT sector)", config=Config(core="oecd", regional="gso"),
           components={"core": "ICT sector"}, published=None, assumptions=_COMMON, reference=_REFERENCE),
    Method(name="oecd-narrow", title="OECD/G20 narrow tier (core + platforms)",
           config=Config(core="oecd", platform=True, regional="gso"),
           components={"core": "ICT sector", "platform": "digital platforms"}, published=None,
           assumptions=_COMMON + ("platform block as calibrated for MIC, on a value-added basis",),
           reference=_REFERENCE),
    Method(name="oecd-broad", title="OECD/G20 broad tier (core + digitalisation)",
           config=Config(core="oecd", sectoral="digitalisation", regional="gso"),
           components={"core": "ICT sector", "sectoral": "digitally enhanced industries"}, published=None,
           assumptions=_COMMON + ("digitalisation block as calibrated for GSO; it contains platform activity",),
           reference=_REFERENCE),
)
