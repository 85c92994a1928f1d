"""Charts used by the notebooks and reports, one function per exhibit.

Colours come from the Okabe-Ito palette (readable with colour-vision deficiencies and in print);
imputed values are always drawn differently from published ones (hatched bars, hollow markers).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # file output only; notebooks display the returned figure themselves
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from grdp.accounts import SectorAccounts  # noqa: E402

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
BROAD_LABELS = {"A": "Agriculture (A)", "BTF": "Industry & construction (B-F)", "GTT": "Services (G-U)",
                "TAX": "Product taxes less subsidies"}
DETAIL_SECTIONS = ("C", "G", "J")


def accounts_structure(accounts: SectorAccounts) -> Figure:
    """Broad-sector shares by year (stacked bars) and the shares of sections C, G and J (lines).

    Bars built from imputed margins are hatched; hollow markers are imputed section shares,
    filled ones are published or derived from published figures.
    """
    table = accounts.table
    years = sorted(table["year"].unique())
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    bottom = [0.0] * len(years)
    for colour, (code, label) in zip(OKABE_ITO, BROAD_LABELS.items()):
        rows = table[table["industry"] == code].set_index("year").reindex(years)
        heights = (100 * rows["share"]).fillna(0).tolist()
        hatches = ["//" if q == "imputed" else "" for q in rows["quality"].fillna("imputed")]
        for x, (h, b, hatch) in enumerate(zip(heights, bottom, hatches)):
            left.bar(x, h, bottom=b, color=colour, hatch=hatch, edgecolor="white",
                     label=label if x == 0 else None)
        bottom = [b + h for b, h in zip(bottom, heights)]
    left.set_xticks(range(len(years)), [str(y) for y in years])
    left.set_ylabel("% of GRDP, current prices")
    left.set_title("Broad sectors (hatched: imputed)")
    left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    for colour, code in zip(OKABE_ITO[4:], DETAIL_SECTIONS):
        rows = table[table["industry"] == code].set_index("year").reindex(years)
        shares = 100 * rows["share"]
        right.plot(range(len(years)), shares, color=colour, label=f"Section {code}")
        for x, (value, quality) in enumerate(zip(shares, rows["quality"])):
            right.plot(x, value, "o", color=colour, markerfacecolor="white" if quality == "imputed" else colour)
    right.set_xticks(range(len(years)), [str(y) for y in years])
    right.set_ylabel("% of GRDP")
    right.set_title("Sections C, G, J (hollow: imputed)")
    right.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3)
    fig.suptitle(f"{accounts.region} ({accounts.boundary} boundary): structure of GRDP")
    return fig
