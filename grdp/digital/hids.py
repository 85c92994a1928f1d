"""HIDS's method: core digital economy over three groups, C, G and J (HIDS report, March 2022).

``DE_HIDS = VA_J + h (VA_C + VA_G)``: all of information and communication plus the share ``h`` of
manufacturing and trade that HIDS counted as digital. HIDS built its numerator from e-Conomy SEA and
DIC firm data, not from value added by VSIC class, so ``h`` is calibrated to its one published value
added (191,768 bn VND in 2021). Scope switch ``hids-ict-j`` keeps only the ICT part of J, the low
end of the scope. HIDS's quoted 14.41% divides by a GRDP it did not state; the estimate divides by
the accounts' GRDP and keeps the publisher's implied one for the bridge.
"""

from grdp.digital.spine import Config, Method

METHOD = Method(
    name="hids",
    title="HIDS: core digital economy over sections C, G, J",
    config=Config(core="hids"),
    components={"core": "core digital economy (C, G, J)"},
    published="de_share_hids",
    assumptions=(
        "all of section J is counted (HIDS group iii: information and communication)",
        "one share h of sections C and G is digital, calibrated to HIDS's 2021 value added of 191,768 bn VND",
        "h is held at its 2021 value in other years (HIDS published one year); "
        "elsewhere than HCMC it is not calibrated",
    ),
    reference="HIDS, report on HCMC's digital economy, March 2022; "
              "https://vneconomy.vn/quy-mo-kinh-te-so-tp-hcm-nam-2021-dat-gan-8-3-ty-usd.htm",
)
