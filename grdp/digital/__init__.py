"""Digital-economy estimators (GSO, MIC, HIDS, OECD tiers), calibration, uncertainty and the bridge.

Every method is a configuration of one model (:mod:`grdp.digital.spine`) evaluated on the sector
accounts; its coefficients come from data files (:mod:`grdp.digital.coefficients`) and are
calibrated to the published figures (:mod:`grdp.digital.calibration`).
"""

from grdp.digital.methods import METHODS
from grdp.digital.model import DigitalEstimate, DigitalModel, build, estimate

__all__ = ["METHODS", "DigitalEstimate", "DigitalModel", "build", "estimate"]
