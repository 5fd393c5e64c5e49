"""Pure scoring functions (评分计算): composites, standardisation, stars, rates, credit, money.

Imports only numpy and the standard library; no clock, no I/O. Array
functions take ``array_like`` input and return numpy arrays; money functions
take and return ``decimal.Decimal``.
"""

from .composite import area_weighted_scores, composite_scores, effective_weights
from .credit import (
    DEFAULT_CREDIT_GRADES,
    DEFAULT_CREDIT_THRESHOLDS,
    add_months,
    as_dates,
    credit_grades,
    credit_scores,
    item_expiry,
)
from .kmeans import KMeans1D, kmeans_1d
from .money import (
    DEFAULT_TAPER,
    FEN,
    co_funding,
    round_fen,
    split_by_payers,
    split_by_weights,
    subsidy_amount,
    taper_factor,
)
from .rates import Shrinkage, complaints_per_thousand, shrink_rates, wilson_interval, z_for_confidence
from .standardise import STANDARDISE_METHODS, standardise, winsorise
from .stars import (
    CMS_NURSING_HOME_SHARES,
    DEFAULT_STAR_THRESHOLDS,
    StarResult,
    apply_guardrail,
    stars_by_kmeans,
    stars_by_quota,
    stars_by_thresholds,
    stars_from_cut_points,
)

__all__ = [
    "CMS_NURSING_HOME_SHARES",
    "DEFAULT_CREDIT_GRADES",
    "DEFAULT_CREDIT_THRESHOLDS",
    "DEFAULT_STAR_THRESHOLDS",
    "DEFAULT_TAPER",
    "FEN",
    "KMeans1D",
    "STANDARDISE_METHODS",
    "Shrinkage",
    "StarResult",
    "add_months",
    "apply_guardrail",
    "area_weighted_scores",
    "as_dates",
    "co_funding",
    "complaints_per_thousand",
    "composite_scores",
    "credit_grades",
    "credit_scores",
    "effective_weights",
    "item_expiry",
    "kmeans_1d",
    "round_fen",
    "shrink_rates",
    "split_by_payers",
    "split_by_weights",
    "standardise",
    "stars_by_kmeans",
    "stars_by_quota",
    "stars_by_thresholds",
    "stars_from_cut_points",
    "subsidy_amount",
    "taper_factor",
    "wilson_interval",
    "winsorise",
    "z_for_confidence",
]
