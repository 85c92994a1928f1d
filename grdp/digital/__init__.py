"""Digital-economy estimates: published figures first, grdp's estimates validated out of time.

Every method is a configuration of one model (:mod:`grdp.digital.spine`) evaluated on the sector
accounts; its coefficients come from data files (:mod:`grdp.digital.coefficients`), are calibrated to
the national figures (:mod:`grdp.digital.coefficient_calibration`), and each region's published series is the
benchmark of a city-specific gap (:mod:`grdp.digital.gap`). What grdp publishes for a region and year is
:func:`grdp.digital.headline.share_table`: the published figure where one exists, else the estimator the
out-of-time validation chose (:mod:`grdp.digital.validation`).
"""

from grdp.digital.model import DigitalEstimate, DigitalModel, build, estimate
from grdp.digital.registry import METHODS

__all__ = ["METHODS", "DigitalEstimate", "DigitalModel", "build", "estimate"]
