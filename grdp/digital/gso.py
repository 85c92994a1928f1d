"""GSO's method: core digital economy plus digitalisation of other industries, in value added.

``DE_GSO = sum_{i in C} VA_i + sum_{j not in C} d_j VA_j`` and ``share = DE_GSO / GRDP x 100``
(GSO press release of December 2023 on compiling the digital-economy share of GDP/GRDP; research
note ``methods.md`` section 1.3). C is GSO's seven core groups (``gso_core`` code list: division 26,
4651, 4652, 5820, 61, 62, 631, 951). GSO does not publish the core groups' value added nor the
``d_j``; they are calibrated to GSO's national figures (:mod:`grdp.digital.coefficient_calibration`) and the
region's level to its published GSO-method shares.
"""

from grdp.digital.spine import Config, Method

METHOD = Method(
    name="gso",
    title="GSO: core + digitalisation of other industries (value added)",
    config=Config(core="gso", sectoral="digitalisation", regional="gso"),
    components={"core": "core digital economy", "sectoral": "digitalisation of other industries"},
    published="de_share_gso",
    assumptions=(
        "core groups' shares of their sections (division 26 in C, 4651/4652 in G, 5820/61/62/631 in J, 951 in S) "
        "are calibrated to GSO's national figures; GSO does not publish them",
        "digitalisation coefficients d_j (A, D, G, other industry, other services) calibrated to GSO's national "
        "digitalised share, broad-sector split and composition",
        "national coefficients apply in the region, scaled by one regional intensity kappa_GSO calibrated to "
        "the region's published GSO-method shares",
    ),
    reference="GSO, press release on the digital-economy share of GDP/GRDP, December 2023; "
              "https://www.gso.gov.vn/tin-tuc-thong-ke/2023/12/thong-cao-bao-chi-ve-ket-qua-bien-soan-chi-tieu-"
              "ty-trong-gia-tri-tang-them-cua-kinh-te-so-trong-gdp-grdp-cua-viet-nam/",
)
