"""MIC's method: Decision 411's three components, ICT, platform and sectoral, from tax revenue.

``DE_MIC = ICT + platform + sectoral`` (Decision 411/QD-TTg of 31 March 2022; MIC Decision
1354/QD-BTTTT of 7 July 2022). MIC measured them from General Department of Taxation revenue data,
with firms booked where their head office is registered, and PTIT allocated the national total to
provinces with an econometric model that is not published. Here:

* ICT = ``b (1 + g_M)^(t-2022)`` x GSO core value added (``b``: the revenue basis relative to value added);
* platform = ``pi (1 + g_M)^(t-2022)`` x non-core value added of G, H, I;
* sectoral = ``sigma (1 + g_M)^(t-2022)`` x non-core value added of every section;
* the region's numerator is scaled by ``kappa_MIC`` (head-office allocation), calibrated to its
  published MIC-method shares.
"""

from grdp.digital.spine import Config, Method

METHOD = Method(
    name="mic",
    title="MIC (Decision 411): ICT + platform + sectoral (tax revenue basis)",
    config=Config(core="gso", platform=True, sectoral="mic", basis="revenue", regional="mic"),
    components={"core": "ICT", "platform": "platform", "sectoral": "sectoral"},
    published="de_share_mic",
    assumptions=(
        "ICT component = GSO core value added x a revenue-basis ratio b, calibrated to MIC's national ICT figures",
        "platform intensity on trade, transport and accommodation-food and sectoral intensity on all non-core "
        "value added, calibrated to MIC's national totals and its only (red-rated, Q3/2022) component split",
        "all three components grow with one calibrated rate g_M (MIC's share rose 11.91% to 18.3% 2021-2024)",
        "the region's level is one factor kappa_MIC calibrated to its published MIC-method shares; PTIT's "
        "provincial model is not published",
    ),
    reference="Decision 411/QD-TTg (2022); MIC Decision 1354/QD-BTTTT (2022); PTIT provincial measurement, "
              "https://ictvietnam.vn/do-luong-kinh-te-so-quoc-gia-va-cac-tinh-thanh-pho-viet-nam-59403.html",
)
