"""Outcome reports and the fairness audit: pure computation over plain tables (pandas).

``api.outcomes`` and ``api.fairness`` read the database into the frames described here and
call these functions; nothing here knows the service. The demographics the fairness audit
reads never reach the engine: ``matcher.pipeline`` and ``api.matching`` do not import this
package (an import-linter contract says so).
"""

from matcher.outcomes.areas import StatedAreas, in_stated_areas, stated_areas
from matcher.outcomes.fairness import (
    FOUR_FIFTHS,
    MIN_GROUP,
    UNSTATED,
    impact_ratios,
    score_comparison,
)
from matcher.outcomes.groups import ATTRIBUTES, GROUPINGS
from matcher.outcomes.report import CASELOAD_LIMIT, PERIODS, caseload_sizes, outcome_table
from matcher.outcomes.tenure import TenureMedian, km_curve, km_median

__all__ = [
    "ATTRIBUTES",
    "CASELOAD_LIMIT",
    "FOUR_FIFTHS",
    "GROUPINGS",
    "MIN_GROUP",
    "PERIODS",
    "StatedAreas",
    "TenureMedian",
    "UNSTATED",
    "caseload_sizes",
    "impact_ratios",
    "in_stated_areas",
    "km_curve",
    "km_median",
    "outcome_table",
    "score_comparison",
    "stated_areas",
]
