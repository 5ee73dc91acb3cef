"""Multi-criteria decision methods as plain typed functions (formulas in docs/assessment.md)."""

from .ahp import RANDOM_INDEX_TABLES, AHPResult, ahp, group_matrix
from .scoring import (
    COMPOSITIONS,
    FuzzyResult,
    combine_weights,
    entropy_weights,
    fuzzy_evaluation,
    grey_relational,
    membership,
    normalise,
    topsis,
    weighted_sum,
)

__all__ = [
    "COMPOSITIONS",
    "RANDOM_INDEX_TABLES",
    "AHPResult",
    "FuzzyResult",
    "ahp",
    "combine_weights",
    "entropy_weights",
    "fuzzy_evaluation",
    "grey_relational",
    "group_matrix",
    "membership",
    "normalise",
    "topsis",
    "weighted_sum",
]
